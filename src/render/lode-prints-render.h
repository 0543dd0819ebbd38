/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>

#include "lode-chart-render.h"

G_BEGIN_DECLS

/* Bubble radius in pixels of a print of @notional_usd: area ∝ notional,
 * $1M ↦ 12 px, clamped to [2, 30] so tiny prints stay visible and a
 * whale does not cover the chart. */
double lode_prints_bubble_radius (double notional_usd);

/* The frame's liquidation prints as bubbles over the plot (called by the
 * base layer after the candles). Prints outside the visible candles or
 * prices are skipped. */
void   lode_chart_render_prints  (cairo_t                *cr,
                                  const LodeView         *view,
                                  const LodeChartPalette *palette,
                                  const LodeChartFrame   *frame);

/* Printed liquidations per candle (issue 6) as a strip of bars along the
 * bottom of the plot: shorts up from its middle, longs down, scaled to the
 * largest total in view. Drawn by lode_chart_render_prints(). */
void   lode_chart_render_print_totals (cairo_t                *cr,
                                       const LodeView         *view,
                                       const LodeChartPalette *palette,
                                       const LodeChartFrame   *frame);

G_END_DECLS
