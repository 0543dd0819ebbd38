/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>

#include "lode-prints-render.h"

/* Prints fade over this long after they happened, down to MIN_ALPHA. */
#define FADE_MS   (6 * 60 * 60 * 1000.0)
#define MAX_ALPHA 0.85
#define MIN_ALPHA 0.25
/* The per-candle totals strip along the bottom of the plot. */
#define STRIP_HEIGHT 36.0

double
lode_prints_bubble_radius (double notional_usd)
{
  if (!(notional_usd > 0))
    return 0.0;

  /* r = 12 px × sqrt (V / $1M): the area grows with the notional. */
  return CLAMP (12.0 * sqrt (notional_usd / 1e6), 2.0, 30.0);
}

void
lode_chart_render_prints (cairo_t                *cr,
                          const LodeView         *view,
                          const LodeChartPalette *palette,
                          const LodeChartFrame   *frame)
{
  LodeMarket *market;
  const LodeCandle *candles;
  gint64 interval, now;
  gsize n;

  g_return_if_fail (cr != NULL && view != NULL && palette != NULL && frame != NULL);

  if (frame->snapshot == NULL || frame->prints == NULL || frame->n_prints == 0)
    return;

  market = lode_snapshot_get_market (frame->snapshot);
  candles = lode_market_get_candles (market);
  n = lode_market_get_n_candles (market);
  interval = lode_market_get_interval_ms (market);
  now = frame->prints_now_ms > 0 ? frame->prints_now_ms : candles[n - 1].time_ms + interval;

  cairo_save (cr);
  cairo_rectangle (cr, view->plot_x, view->plot_y, view->plot_width, view->plot_height);
  cairo_clip (cr);
  cairo_set_line_width (cr, 1.0);

  for (gsize k = 0; k < frame->n_prints; k++)
    {
      const LodeLiqPrint *p = &frame->prints[k];
      gssize i = lode_flow_find_candle (market, p->time_ms);
      const double *rgba = p->side == LODE_SIDE_LONG ? palette->profile_long : palette->profile_short;
      double x, y, r, alpha, age;

      if (i < 0)
        continue;

      /* At its moment within the candle, at its price. */
      x = lode_view_x_for_index (view, i + (double) (p->time_ms - candles[i].time_ms) / interval);
      y = lode_view_y_for_price (view, p->price);
      r = lode_prints_bubble_radius (p->notional_usd);
      if (r <= 0 || x + r < view->plot_x || x - r > view->plot_x + view->plot_width
          || y + r < view->plot_y || y - r > view->plot_y + view->plot_height)
        continue;

      age = MAX (0.0, (double) (now - p->time_ms));
      alpha = MIN_ALPHA + (MAX_ALPHA - MIN_ALPHA) * exp (-age / FADE_MS);

      cairo_new_path (cr);
      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      cairo_set_source_rgba (cr, rgba[0], rgba[1], rgba[2], alpha * 0.55);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, rgba[0], rgba[1], rgba[2], alpha);
      cairo_stroke (cr);
    }

  cairo_restore (cr);

  lode_chart_render_print_totals (cr, view, palette, frame);
}

void
lode_chart_render_print_totals (cairo_t                *cr,
                                const LodeView         *view,
                                const LodeChartPalette *palette,
                                const LodeChartFrame   *frame)
{
  g_autofree double *long_usd = NULL;
  g_autofree double *short_usd = NULL;
  LodeMarket *market;
  guint columns;
  double max = 0, mid;

  if (frame->snapshot == NULL || frame->prints == NULL || frame->n_prints == 0
      || view->plot_width < 1 || view->plot_height < 4 * STRIP_HEIGHT)
    return;

  market = lode_snapshot_get_market (frame->snapshot);
  columns = (guint) ceil (view->plot_width);
  long_usd = g_new0 (double, columns);
  short_usd = g_new0 (double, columns);

  /* Summed per candle, drawn per pixel column: a candle narrower than a
   * pixel shares its column with its neighbours, as the candles do. */
  for (gsize k = 0; k < frame->n_prints; k++)
    {
      const LodeLiqPrint *p = &frame->prints[k];
      gssize i = lode_flow_find_candle (market, p->time_ms);
      double x;
      gssize c;

      if (i < 0)
        continue;
      x = lode_view_x_for_index (view, i + 0.5) - view->plot_x;
      c = (gssize) floor (x);
      if (c < 0 || c >= (gssize) columns)
        continue;
      if (p->side == LODE_SIDE_LONG)
        long_usd[c] += p->notional_usd;
      else
        short_usd[c] += p->notional_usd;
      max = MAX (max, MAX (long_usd[c], short_usd[c]));
    }

  if (!(max > 0))
    return;

  /* Shorts liquidated (forced buying) up from the strip's middle, longs
   * (forced selling) down, each to half the strip at the largest total. */
  mid = view->plot_y + view->plot_height - STRIP_HEIGHT / 2.0;
  cairo_save (cr);
  for (guint c = 0; c < columns; c++)
    {
      double x = view->plot_x + c;
      double w = MAX (1.0, lode_view_x_for_index (view, 1) - lode_view_x_for_index (view, 0) - 1.0);

      w = MIN (w, 6.0);
      if (short_usd[c] > 0)
        {
          double h = (STRIP_HEIGHT / 2.0) * short_usd[c] / max;

          cairo_set_source_rgba (cr, palette->profile_short[0], palette->profile_short[1],
                                 palette->profile_short[2], 0.9);
          cairo_rectangle (cr, x - w / 2.0, mid - h, w, h);
          cairo_fill (cr);
        }
      if (long_usd[c] > 0)
        {
          double h = (STRIP_HEIGHT / 2.0) * long_usd[c] / max;

          cairo_set_source_rgba (cr, palette->profile_long[0], palette->profile_long[1],
                                 palette->profile_long[2], 0.9);
          cairo_rectangle (cr, x - w / 2.0, mid, w, h);
          cairo_fill (cr);
        }
    }
  cairo_restore (cr);
}
