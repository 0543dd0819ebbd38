/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <pango/pangocairo.h>

#include "lode-chart-render.h"

/* Grid spacing of the placeholder frame, in pixels. */
#define GRID_STEP 80

static void
set_source (cairo_t      *cr,
            const double  rgba[4])
{
  cairo_set_source_rgba (cr, rgba[0], rgba[1], rgba[2], rgba[3]);
}

void
lode_chart_palette_init_default (LodeChartPalette *palette,
                                 gboolean          dark)
{
  g_return_if_fail (palette != NULL);

  if (dark)
    *palette = (LodeChartPalette) {
      .background = { 0.11, 0.11, 0.13, 1.0 },
      .grid = { 1.0, 1.0, 1.0, 0.08 },
      .text = { 0.85, 0.85, 0.87, 1.0 },
    };
  else
    *palette = (LodeChartPalette) {
      .background = { 0.98, 0.98, 0.98, 1.0 },
      .grid = { 0.0, 0.0, 0.0, 0.08 },
      .text = { 0.20, 0.20, 0.22, 1.0 },
    };
}

void
lode_chart_render_placeholder (cairo_t                *cr,
                               int                     width,
                               int                     height,
                               const LodeChartPalette *palette,
                               const char             *caption)
{
  g_return_if_fail (cr != NULL);
  g_return_if_fail (palette != NULL);

  if (width <= 0 || height <= 0)
    return;

  cairo_save (cr);

  set_source (cr, palette->background);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);

  /* Hairlines on pixel centres so they stay one pixel wide. */
  set_source (cr, palette->grid);
  cairo_set_line_width (cr, 1.0);
  for (int x = GRID_STEP; x < width; x += GRID_STEP)
    {
      cairo_move_to (cr, x + 0.5, 0);
      cairo_line_to (cr, x + 0.5, height);
    }
  for (int y = GRID_STEP; y < height; y += GRID_STEP)
    {
      cairo_move_to (cr, 0, y + 0.5);
      cairo_line_to (cr, width, y + 0.5);
    }
  cairo_stroke (cr);

  if (caption != NULL && *caption != '\0')
    {
      PangoLayout *layout = pango_cairo_create_layout (cr);
      PangoFontDescription *font = pango_font_description_from_string ("Sans 14");
      int tw, th;

      pango_layout_set_font_description (layout, font);
      pango_layout_set_text (layout, caption, -1);
      pango_layout_get_pixel_size (layout, &tw, &th);
      set_source (cr, palette->text);
      cairo_move_to (cr, (width - tw) / 2.0, (height - th) / 2.0);
      pango_cairo_show_layout (cr, layout);

      pango_font_description_free (font);
      g_object_unref (layout);
    }

  cairo_restore (cr);
}
