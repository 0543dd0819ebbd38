/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lode-candle-index.h"
#include "lode-heatmap.h"
#include "lode-market.h"

G_BEGIN_DECLS

/* What part of the data a chart frame shows, and where: a plain value type
 * with pure transforms, testable without a display (the widget holds one,
 * the exporters make one). Candle i spans the index range [i, i + 1) on the
 * time axis. */
typedef struct
{
  /* The whole frame, in (logical) pixels. */
  double   width;
  double   height;

  /* The visible data: fractional candle indices at the plot's left and
   * right edges, prices at its bottom and top edges. */
  double   index_min;
  double   index_max;
  double   price_min;
  double   price_max;
  /* TRUE while the price range follows the visible candles; a manual price
   * zoom or vertical pan clears it, fitting sets it again. */
  gboolean price_auto;

  /* Layout, set by lode_view_set_size(): the plot (heatmap and candles),
   * the profile band along its right edge, the price axis right of it and
   * the time axis below. */
  double   plot_x;
  double   plot_y;
  double   plot_width;
  double   plot_height;
  double   profile_width;
} LodeView;

void     lode_view_init              (LodeView          *view,
                                      double             width,
                                      double             height);
void     lode_view_set_size          (LodeView          *view,
                                      double             width,
                                      double             height);
double   lode_view_x_for_index       (const LodeView    *view,
                                      double             index);
double   lode_view_index_for_x       (const LodeView    *view,
                                      double             x);
double   lode_view_y_for_price       (const LodeView    *view,
                                      double             price);
double   lode_view_price_for_y       (const LodeView    *view,
                                      double             y);
gboolean lode_view_contains_point    (const LodeView    *view,
                                      double             x,
                                      double             y);

/* Moves the data under the pointer by (@dx, @dy) pixels. A vertical move
 * clears price_auto. */
void     lode_view_pan               (LodeView          *view,
                                      double             dx,
                                      double             dy);
/* Zooms time by @factor (> 1 zooms in) keeping the index under @anchor_x fixed. */
void     lode_view_zoom_time         (LodeView          *view,
                                      double             factor,
                                      double             anchor_x);
/* Zooms price by @factor keeping the price under @anchor_y fixed; clears price_auto. */
void     lode_view_zoom_price        (LodeView          *view,
                                      double             factor,
                                      double             anchor_y);
/* Shows the last @n_visible candles of @market (0: all of them) with room
 * on the right for the profile band, and auto-scales price. */
void     lode_view_fit_latest        (LodeView          *view,
                                      const LodeMarket  *market,
                                      guint              n_visible);
/* Keeps at least a few candles in view and the zoom within sane limits. */
void     lode_view_clamp             (LodeView          *view,
                                      const LodeMarket  *market);
/* When price_auto is set: the price range spans the visible candles' lows
 * and highs with a margin (8 % of their range on each side). */
void     lode_view_autoscale         (LodeView          *view,
                                      const LodeMarket  *market);
/* The same through a candle index of the market: a few dozen reads however
 * many candles are visible, for panning and zooming a long series. */
void     lode_view_autoscale_indexed (LodeView              *view,
                                      const LodeCandleIndex *index);
/* Centres the price axis on [@low, @high] (a cluster's zone) so that it
 * takes about a third of the plot's height; clears price_auto. */
void     lode_view_center_on_prices  (LodeView          *view,
                                      double             low,
                                      double             high);
/* The model view of the plot for a heatmap of @columns × @rows cells over
 * the candles that are (partly) visible. Returns FALSE when no candle is
 * visible. The raster it gives spans x from lode_view_x_for_index
 * (first_candle) to lode_view_x_for_index (first_candle + n_candles). */
gboolean lode_view_get_heatmap_view  (const LodeView    *view,
                                      const LodeMarket  *market,
                                      LodeRenderMode     mode,
                                      guint              columns,
                                      guint              rows,
                                      LodeHeatmapView   *out);

G_END_DECLS
