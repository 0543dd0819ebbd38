/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>

#include "lode-view.h"

/* Layout, in logical pixels: the price axis right of the plot, the time
 * axis below it, and the profile band over the plot's right edge. */
#define PRICE_AXIS_WIDTH    76.0
#define TIME_AXIS_HEIGHT    26.0
#define PROFILE_MAX_WIDTH   140.0
#define PROFILE_FRACTION    0.12

/* Padding of the auto-scaled price range, as a share of the candles' range
 * on each side. */
#define AUTOSCALE_PADDING   0.08

/* Zoom limits: the widest candle in pixels, and how far beyond the data a
 * view may reach (as a share of the loaded candles). */
#define MAX_CANDLE_PX       120.0
#define MIN_VISIBLE_CANDLES 3.0
#define MAX_SPAN_FACTOR     1.5

/* Room on the right of the latest candle when fitting, besides the
 * profile band: a share of the plot's width. */
#define FIT_RIGHT_ROOM      0.04

void
lode_view_init (LodeView *view,
                double    width,
                double    height)
{
  g_return_if_fail (view != NULL);

  *view = (LodeView) {
    .index_min = 0.0,
    .index_max = 100.0,
    .price_min = 0.0,
    .price_max = 1.0,
    .price_auto = TRUE,
  };
  lode_view_set_size (view, width, height);
}

void
lode_view_set_size (LodeView *view,
                    double    width,
                    double    height)
{
  g_return_if_fail (view != NULL);

  view->width = MAX (width, 0.0);
  view->height = MAX (height, 0.0);

  /* A tiny frame keeps a plot of at least one pixel so that the transforms
   * never divide by zero; axes that do not fit are simply cut off. */
  view->plot_x = 0.0;
  view->plot_y = 0.0;
  view->plot_width = MAX (view->width - PRICE_AXIS_WIDTH, 1.0);
  view->plot_height = MAX (view->height - TIME_AXIS_HEIGHT, 1.0);
  view->profile_width = floor (MIN (PROFILE_MAX_WIDTH, view->plot_width * PROFILE_FRACTION));
}

static double
index_span (const LodeView *view)
{
  double span = view->index_max - view->index_min;

  return span > 0.0 ? span : 1.0;
}

static double
price_span (const LodeView *view)
{
  double span = view->price_max - view->price_min;

  return span > 0.0 ? span : 1.0;
}

double
lode_view_x_for_index (const LodeView *view,
                       double          index)
{
  g_return_val_if_fail (view != NULL, 0.0);

  return view->plot_x + (index - view->index_min) / index_span (view) * view->plot_width;
}

double
lode_view_index_for_x (const LodeView *view,
                       double          x)
{
  g_return_val_if_fail (view != NULL, 0.0);

  return view->index_min + (x - view->plot_x) / view->plot_width * index_span (view);
}

double
lode_view_y_for_price (const LodeView *view,
                       double          price)
{
  g_return_val_if_fail (view != NULL, 0.0);

  return view->plot_y + (view->price_max - price) / price_span (view) * view->plot_height;
}

double
lode_view_price_for_y (const LodeView *view,
                       double          y)
{
  g_return_val_if_fail (view != NULL, 0.0);

  return view->price_max - (y - view->plot_y) / view->plot_height * price_span (view);
}

gboolean
lode_view_contains_point (const LodeView *view,
                          double          x,
                          double          y)
{
  g_return_val_if_fail (view != NULL, FALSE);

  return x >= view->plot_x && x < view->plot_x + view->plot_width
         && y >= view->plot_y && y < view->plot_y + view->plot_height;
}

void
lode_view_pan (LodeView *view,
               double    dx,
               double    dy)
{
  double di, dp;

  g_return_if_fail (view != NULL);

  /* Dragging right shows older candles; dragging down shows higher prices. */
  di = -dx / view->plot_width * index_span (view);
  view->index_min += di;
  view->index_max += di;

  if (dy != 0.0)
    {
      dp = dy / view->plot_height * price_span (view);
      view->price_min += dp;
      view->price_max += dp;
      view->price_auto = FALSE;
    }
}

void
lode_view_zoom_time (LodeView *view,
                     double    factor,
                     double    anchor_x)
{
  double anchor, share, span;

  g_return_if_fail (view != NULL);

  if (!(factor > 0.0) || !isfinite (factor))
    return;

  anchor = lode_view_index_for_x (view, anchor_x);
  share = (anchor_x - view->plot_x) / view->plot_width;
  span = index_span (view) / factor;
  view->index_min = anchor - share * span;
  view->index_max = view->index_min + span;
}

void
lode_view_zoom_price (LodeView *view,
                      double    factor,
                      double    anchor_y)
{
  double anchor, share, span;

  g_return_if_fail (view != NULL);

  if (!(factor > 0.0) || !isfinite (factor))
    return;

  anchor = lode_view_price_for_y (view, anchor_y);
  share = (anchor_y - view->plot_y) / view->plot_height;
  span = price_span (view) / factor;
  view->price_max = anchor + share * span;
  view->price_min = view->price_max - span;
  view->price_auto = FALSE;
}

void
lode_view_fit_latest (LodeView         *view,
                      const LodeMarket *market,
                      guint             n_visible)
{
  double n, visible, room, span;

  g_return_if_fail (view != NULL);
  g_return_if_fail (market != NULL);

  n = lode_market_get_n_candles (market);
  visible = n_visible == 0 ? n : MIN ((double) n_visible, n);
  visible = MAX (visible, 1.0);

  /* The candles take the plot left of the profile band and a little room,
   * so the latest candle is never under the profile. */
  room = view->profile_width + FIT_RIGHT_ROOM * view->plot_width;
  room = MIN (room, 0.5 * view->plot_width);
  span = visible * view->plot_width / (view->plot_width - room);

  view->index_min = n - visible;
  view->index_max = view->index_min + span;
  view->price_auto = TRUE;
  lode_view_clamp (view, market);
  lode_view_autoscale (view, market);
}

void
lode_view_clamp (LodeView         *view,
                 const LodeMarket *market)
{
  double n, span, min_span, max_span, keep;

  g_return_if_fail (view != NULL);
  g_return_if_fail (market != NULL);

  n = lode_market_get_n_candles (market);

  if (!isfinite (view->index_min) || !isfinite (view->index_max)
      || view->index_max <= view->index_min)
    {
      view->index_min = MAX (n - 100.0, 0.0);
      view->index_max = n;
    }

  /* Zoom: no candle wider than MAX_CANDLE_PX, and no view much wider than
   * the data. */
  span = view->index_max - view->index_min;
  min_span = MAX (MIN_VISIBLE_CANDLES, view->plot_width / MAX_CANDLE_PX);
  max_span = MAX (n * MAX_SPAN_FACTOR, min_span);
  if (span < min_span || span > max_span)
    {
      double mid = 0.5 * (view->index_min + view->index_max);

      span = CLAMP (span, min_span, max_span);
      view->index_min = mid - 0.5 * span;
      view->index_max = mid + 0.5 * span;
    }

  /* Pan: a few candles stay in view at either end. */
  keep = MIN (MIN_VISIBLE_CANDLES, n);
  if (view->index_max < keep)
    {
      view->index_min += keep - view->index_max;
      view->index_max = keep;
    }
  if (view->index_min > n - keep)
    {
      view->index_max -= view->index_min - (n - keep);
      view->index_min = n - keep;
    }

  /* Price: finite, ordered, and not thinner than a millionth of itself. */
  if (!isfinite (view->price_min) || !isfinite (view->price_max)
      || view->price_max <= view->price_min)
    {
      view->price_auto = TRUE;
      lode_view_autoscale (view, market);
    }
  else
    {
      double mid = 0.5 * (view->price_min + view->price_max);
      double min_pspan = MAX (fabs (mid) * 1e-6, 1e-9);

      if (view->price_max - view->price_min < min_pspan)
        {
          view->price_min = mid - 0.5 * min_pspan;
          view->price_max = mid + 0.5 * min_pspan;
        }
    }
}

/* The visible candles, or the nearest one when none is (panned past an
 * end), so that the plot never shows an empty scale. */
static gboolean
visible_candles (const LodeView *view,
                 gsize           n,
                 gsize          *first,
                 gsize          *last)
{
  gssize a, b;

  if (n == 0)
    return FALSE;

  a = (gssize) floor (view->index_min);
  b = (gssize) ceil (view->index_max);
  a = CLAMP (a, 0, (gssize) n - 1);
  b = CLAMP (b, a + 1, (gssize) n);
  *first = (gsize) a;
  *last = (gsize) b;

  return TRUE;
}

static void
set_padded_range (LodeView *view,
                  double    lo,
                  double    hi)
{
  double pad = (hi - lo) * AUTOSCALE_PADDING;

  if (pad <= 0.0)
    pad = MAX (fabs (hi) * 0.01, 1e-6);

  view->price_min = lo - pad;
  view->price_max = hi + pad;
}

void
lode_view_autoscale (LodeView         *view,
                     const LodeMarket *market)
{
  const LodeCandle *candles;
  double lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE;
  gsize first, last;

  g_return_if_fail (view != NULL);
  g_return_if_fail (market != NULL);

  if (!view->price_auto
      || !visible_candles (view, lode_market_get_n_candles (market), &first, &last))
    return;

  candles = lode_market_get_candles (market);
  for (gsize i = first; i < last; i++)
    {
      lo = MIN (lo, candles[i].low);
      hi = MAX (hi, candles[i].high);
    }

  set_padded_range (view, lo, hi);
}

void
lode_view_autoscale_indexed (LodeView              *view,
                             const LodeCandleIndex *index)
{
  LodeMarket *market;
  double lo, hi;
  gsize first, last;

  g_return_if_fail (view != NULL);
  g_return_if_fail (index != NULL);

  market = lode_candle_index_get_market (index);
  if (!view->price_auto
      || !visible_candles (view, lode_market_get_n_candles (market), &first, &last)
      || !lode_candle_index_range (index, first, last, &hi, &lo))
    return;

  set_padded_range (view, lo, hi);
}

void
lode_view_center_on_prices (LodeView *view,
                            double    low,
                            double    high)
{
  double mid, span;

  g_return_if_fail (view != NULL);

  if (!isfinite (low) || !isfinite (high))
    return;
  if (low > high)
    {
      double tmp = low;
      low = high;
      high = tmp;
    }

  mid = 0.5 * (low + high);
  span = 3.0 * (high - low);
  if (span <= 0.0)
    span = MAX (fabs (mid) * 0.02, 1e-6);

  view->price_min = mid - 0.5 * span;
  view->price_max = mid + 0.5 * span;
  view->price_auto = FALSE;
}

gboolean
lode_view_get_heatmap_view (const LodeView    *view,
                            const LodeMarket  *market,
                            LodeRenderMode     mode,
                            guint              columns,
                            guint              rows,
                            LodeHeatmapView   *out)
{
  gsize n;
  double first, last;

  g_return_val_if_fail (view != NULL, FALSE);
  g_return_val_if_fail (market != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  n = lode_market_get_n_candles (market);
  first = MAX (floor (view->index_min), 0.0);
  last = MIN (ceil (view->index_max), (double) n);
  if (!(last > first) || columns == 0 || rows == 0
      || !(view->price_max > view->price_min))
    return FALSE;

  *out = (LodeHeatmapView) {
    .first_candle = (gsize) first,
    .n_candles = (gsize) (last - first),
    .columns = columns,
    .price_min = view->price_min,
    .price_max = view->price_max,
    .rows = rows,
    .mode = mode,
  };

  return TRUE;
}
