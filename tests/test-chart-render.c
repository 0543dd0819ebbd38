/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include "lode-chart-render.h"

/* The ARGB32 pixel at (x, y), unpremultiplied channels as 0–255. */
static void
read_pixel (cairo_surface_t *surface,
            int              x,
            int              y,
            guint8           rgba[4])
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint32 p = *(const guint32 *) (data + y * stride + x * 4);

  rgba[3] = p >> 24;
  rgba[0] = (p >> 16) & 0xff;
  rgba[1] = (p >> 8) & 0xff;
  rgba[2] = p & 0xff;
}

static cairo_surface_t *
render (int      width,
        int      height,
        gboolean dark)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  LodeChartPalette palette;

  lode_chart_palette_init_default (&palette, dark);
  lode_chart_render_placeholder (cr, width, height, &palette, NULL);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  return surface;
}

static void
test_placeholder_background (void)
{
  cairo_surface_t *light = render (200, 170, FALSE);
  cairo_surface_t *dark = render (200, 170, TRUE);
  guint8 px[4];

  /* Light background 0.98 → 250 of 255; opaque. */
  read_pixel (light, 10, 10, px);
  g_assert_cmpuint (px[3], ==, 255);
  g_assert_cmpuint (px[0], ==, 250);
  g_assert_cmpuint (px[1], ==, 250);
  g_assert_cmpuint (px[2], ==, 250);

  /* Dark background 0.11 → 28 of 255 (0.11 × 255 = 28.05). */
  read_pixel (dark, 10, 10, px);
  g_assert_cmpuint (px[0], ==, 28);

  /* The bottom-right corner is background too: the frame fills the surface. */
  read_pixel (light, 199, 169, px);
  g_assert_cmpuint (px[0], ==, 250);

  cairo_surface_destroy (light);
  cairo_surface_destroy (dark);
}

static void
test_placeholder_grid (void)
{
  cairo_surface_t *surface = render (200, 170, FALSE);
  guint8 line[4], beside[4];

  /* The grid step is 80 px: a one-pixel hairline at x = 80 and y = 80,
   * drawn in black at 8 % over 250 → 250 × 0.92 = 230. */
  read_pixel (surface, 80, 10, line);
  read_pixel (surface, 81, 10, beside);
  g_assert_cmpuint (line[0], ==, 230);
  g_assert_cmpuint (beside[0], ==, 250);

  read_pixel (surface, 10, 160, line);
  read_pixel (surface, 10, 161, beside);
  g_assert_cmpuint (line[0], ==, 230);
  g_assert_cmpuint (beside[0], ==, 250);

  cairo_surface_destroy (surface);
}

static void
test_placeholder_empty_surface (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 4, 4);
  cairo_t *cr = cairo_create (surface);
  LodeChartPalette palette;
  guint8 px[4];

  /* A zero-size frame draws nothing and leaves the surface transparent. */
  lode_chart_palette_init_default (&palette, FALSE);
  lode_chart_render_placeholder (cr, 0, 0, &palette, "caption");
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  read_pixel (surface, 1, 1, px);
  g_assert_cmpuint (px[3], ==, 0);

  cairo_surface_destroy (surface);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/render/placeholder/background", test_placeholder_background);
  g_test_add_func ("/render/placeholder/grid", test_placeholder_grid);
  g_test_add_func ("/render/placeholder/empty-surface", test_placeholder_empty_surface);

  return g_test_run ();
}
