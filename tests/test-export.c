/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "lode-export.h"

/* A small market, its model and a snapshot, so that the exports draw a
 * real frame (candles, heat, axes), not just a background. */
static LodeSnapshot *
make_snapshot (void)
{
  g_autofree LodeCandle *candles = g_new0 (LodeCandle, 200);
  g_autoptr(LodeMarket) market = NULL;
  g_autoptr(LodeLiqModel) model = NULL;
  g_autoptr(GError) error = NULL;
  LodeModelParams params;
  LodeVenueModel venue;
  double price = 100.0;

  for (guint i = 0; i < 200; i++)
    {
      double next = price * (1.0 + 0.004 * sin (i * 0.37) + 0.002 * cos (i * 1.3));

      candles[i] = (LodeCandle) {
        .time_ms = G_GINT64_CONSTANT (1767225600000) + (gint64) i * 3600000,
        .open = price,
        .close = next,
        .high = MAX (price, next) * 1.002,
        .low = MIN (price, next) * 0.998,
        .volume = 10.0,
        .oi_usd = 1e6 + i * 1e4,
        .long_share = 0.5,
      };
      price = next;
    }

  market = lode_market_new (candles, 200, 3600000, &error);
  g_assert_no_error (error);
  lode_model_params_init_default (&params);
  model = lode_liq_model_build (market, &params, NULL, &error);
  g_assert_no_error (error);

  venue = (LodeVenueModel) { .label = "Test venue", .model = model };
  return lode_snapshot_new (&venue, 1, "TESTUSDT");
}

static void
setup (LodeView         *view,
       LodeChartPalette *palette,
       LodeChartFrame   *frame,
       LodeSnapshot     *snapshot)
{
  lode_view_init (view, 320, 200);
  lode_view_fit_latest (view, lode_snapshot_get_market (snapshot), 0);
  lode_chart_palette_init_default (palette, TRUE);
  lode_chart_frame_init (frame);
  frame->snapshot = snapshot;
}

static void
test_png (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_snapshot ();
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "frame.png", NULL);
  g_autoptr(GError) error = NULL;
  cairo_surface_t *image;
  LodeChartPalette palette;
  LodeChartFrame frame;
  LodeView view;

  setup (&view, &palette, &frame, snapshot);
  g_mkdir_with_parents (g_get_user_cache_dir (), 0700);

  /* A size other than the view's: the export resizes the view. */
  g_assert_true (lode_export_png (path, 640, 360, &view, &palette, &frame, &error));
  g_assert_no_error (error);

  image = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (image), ==, 640);
  g_assert_cmpint (cairo_image_surface_get_height (image), ==, 360);
  cairo_surface_destroy (image);
}

static void
test_svg (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_snapshot ();
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "frame.svg", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  LodeChartPalette palette;
  LodeChartFrame frame;
  LodeView view;

  setup (&view, &palette, &frame, snapshot);
  g_mkdir_with_parents (g_get_user_cache_dir (), 0700);

  g_assert_true (lode_export_svg (path, 800, 500, &view, &palette, &frame, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (contents, "<svg"));
  g_assert_nonnull (strstr (contents, "width=\"800"));
  g_assert_nonnull (strstr (contents, "</svg>"));
}

static void
test_unwritable (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_snapshot ();
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "no-such-dir", "frame.png", NULL);
  g_autoptr(GError) png_error = NULL;
  g_autoptr(GError) svg_error = NULL;
  LodeChartPalette palette;
  LodeChartFrame frame;
  LodeView view;

  setup (&view, &palette, &frame, snapshot);

  g_assert_false (lode_export_png (path, 100, 100, &view, &palette, &frame, &png_error));
  g_assert_error (png_error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_false (lode_export_svg (path, 100, 100, &view, &palette, &frame, &svg_error));
  g_assert_error (svg_error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_invalid_size (void)
{
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "empty.png", NULL);
  g_autoptr(GError) error = NULL;
  LodeChartPalette palette;
  LodeChartFrame frame;
  LodeView view;

  lode_view_init (&view, 100, 100);
  lode_chart_palette_init_default (&palette, FALSE);
  lode_chart_frame_init (&frame);

  g_assert_false (lode_export_png (path, 0, 100, &view, &palette, &frame, &error));
  g_assert_error (error, LODE_EXPORT_ERROR, LODE_EXPORT_ERROR_INVALID_SIZE);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_empty_frame (void)
{
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "empty.png", NULL);
  g_autoptr(GError) error = NULL;
  cairo_surface_t *image;
  LodeChartPalette palette;
  LodeChartFrame frame;
  LodeView view;

  /* No snapshot: the frame with its message still exports. */
  lode_view_init (&view, 100, 100);
  lode_chart_palette_init_default (&palette, FALSE);
  lode_chart_frame_init (&frame);
  frame.message = "Loading…";
  g_mkdir_with_parents (g_get_user_cache_dir (), 0700);

  g_assert_true (lode_export_png (path, 200, 120, &view, &palette, &frame, &error));
  g_assert_no_error (error);
  image = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_image_surface_get_width (image), ==, 200);
  cairo_surface_destroy (image);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/render/export/png", test_png);
  g_test_add_func ("/render/export/svg", test_svg);
  g_test_add_func ("/render/export/unwritable-path", test_unwritable);
  g_test_add_func ("/render/export/invalid-size", test_invalid_size);
  g_test_add_func ("/render/export/empty-frame", test_empty_frame);

  return g_test_run ();
}
