/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* Colours of a chart frame; the widget takes them from the theme. */
typedef struct
{
  double background[4];
  double grid[4];
  double text[4];
} LodeChartPalette;

void lode_chart_palette_init_default (LodeChartPalette       *palette,
                                      gboolean                dark);

/* Draws the empty chart frame (background, grid and a caption) into @cr
 * over (0, 0, @width, @height). */
void lode_chart_render_placeholder   (cairo_t                *cr,
                                      int                     width,
                                      int                     height,
                                      const LodeChartPalette *palette,
                                      const char             *caption);

G_END_DECLS
