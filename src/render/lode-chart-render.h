/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "lode-candle-index.h"
#include "lode-cascade.h"
#include "lode-colormap.h"
#include "lode-confluence.h"
#include "lode-flow.h"
#include "lode-snapshot.h"
#include "lode-view.h"

G_BEGIN_DECLS

/* Colours of a chart frame (RGBA, 0–1); the widget fills them from the
 * theme (light or dark), exports use the defaults. */
typedef struct
{
  double background[4];
  double grid[4];
  double text[4];
  double axis_background[4];
  double candle_up[4];
  double candle_down[4];
  double last_price[4];
  double crosshair[4];
  double profile_long[4];   /* long liquidations: below price */
  double profile_short[4];  /* short liquidations: above price */
  double highlight[4];      /* a selected cluster's zone */
  /* Order flow (issue 6). */
  double depth_bid[4];      /* resting bids: below price */
  double depth_ask[4];      /* resting asks: above price */
  double confluence[4];     /* a depth wall on a bright cluster */
  double cascade[4];        /* the §8 cascade's steps */
} LodeChartPalette;

void lode_chart_palette_init_default (LodeChartPalette       *palette,
                                      gboolean                dark);

/* Everything a frame shows besides the view. */
typedef struct
{
  LodeSnapshot   *snapshot;      /* NULL: an empty frame showing @message */
  LodeRenderMode  mode;
  LodeColormapId  colormap;
  double          gamma;         /* intensity curve t^gamma, 1 = linear */
  gboolean        show_profile;  /* the profile band and fuel curves */
  gboolean        show_legend;
  gboolean        has_highlight; /* a selected cluster's zone */
  double          highlight_low;
  double          highlight_high;
  gboolean        has_crosshair; /* pointer position in frame pixels */
  double          crosshair_x;
  double          crosshair_y;
  const char     *message;       /* shown over the frame when not NULL */
  /* Optional: an index of the snapshot's market (lode_candle_index_new());
   * keeps drawing a long series as one bar per pixel column fast. Ignored
   * when it indexes another market. */
  const LodeCandleIndex *candle_index;
  /* Order flow (issue 6); lode_chart_frame_init() leaves all of it off.
   * @book: resting depth, drawn as a second profile beside the
   * liquidation profile (with show_profile) and, with
   * @show_depth_bands, as faint bands over the plot. @confluence
   * (element LodeConfluenceZone, from lode_confluence_find()): zones
   * marked beside the price axis. @has_cascade: the §8 cascade from
   * @cascade_trigger over the current state and @book, drawn as steps
   * with its sentence; without depth the frame says it needs depth and
   * draws no steps. All borrowed for the call. */
  const LodeBook *book;
  gboolean        show_depth_bands;
  const GArray   *confluence;
  gboolean        has_cascade;
  double          cascade_trigger;
  /* Live liquidation prints (issue 6), ascending by time: bubbles at their
   * time and price, area ∝ USD notional, coloured by the side liquidated,
   * fading with age relative to @prints_now_ms (0: the last candle's end). */
  const LodeLiqPrint *prints;
  gsize               n_prints;
  gint64              prints_now_ms;
  /* The candle a venue's stream is building (issue 6): drawn in place of
   * the last candle when it has the same open time, after it when it is
   * the next one; the last price follows its close. NULL: none. */
  const LodeCandle   *live_candle;
  /* The heat is drawn over a light background: faint levels fade out and
   * the map stops short of its near-white top, which would read as a hole
   * on white. lode_chart_render_frame() sets it from the palette. */
  gboolean            light_background;
} LodeChartFrame;

/* Defaults: no snapshot, smoothed mode, magma, gamma 1, profile and
 * legend shown, no highlight, no crosshair, no message. */
void lode_chart_frame_init (LodeChartFrame *frame);

/* Draws a whole frame of @view into @cr: heatmap, candles, axes, last
 * price, legend, profile, highlight, crosshair and message. What the
 * exports and the tests draw; the widget uses the layers below. */
void             lode_chart_render_frame          (cairo_t                *cr,
                                                   const LodeView         *view,
                                                   const LodeChartPalette *palette,
                                                   const LodeChartFrame   *frame);

/* Layer 1 (may run in a worker thread): the heatmap of the plot as an
 * ARGB32 image surface at @scale device pixels per logical pixel, placed
 * at (*x, *y) with logical size *width × *height. *reference receives the
 * view's USD reference value (§6). NULL when there is nothing to draw. */
cairo_surface_t *lode_chart_render_heatmap_raster (const LodeView         *view,
                                                   const LodeChartFrame   *frame,
                                                   double                  scale,
                                                   double                 *x,
                                                   double                 *y,
                                                   double                 *width,
                                                   double                 *height,
                                                   double                 *reference);
/* Layer 0: the background of the whole frame and the grid lines; the
 * widget draws it first, then the heatmap raster over the plot, then
 * layer 2 and layer 3. */
void             lode_chart_render_background     (cairo_t                *cr,
                                                   const LodeView         *view,
                                                   const LodeChartPalette *palette);
/* Paints a raster of lode_chart_render_heatmap_raster() at its place,
 * clipped to the plot, scaled with nearest-neighbour filtering so that each
 * cell stays a crisp block (one candle's heat is a clean vertical strip).
 * Does nothing for a NULL @raster. */
void             lode_chart_render_paint_raster   (cairo_t                *cr,
                                                   const LodeView         *view,
                                                   cairo_surface_t        *raster,
                                                   double                  x,
                                                   double                  y,
                                                   double                  width,
                                                   double                  height);
/* Layer 2: everything but the background, the heatmap and the crosshair
 * (candles, axes, last price, legend, profile, highlight, message). It
 * paints nothing opaque over the plot area, so the heatmap under it shows;
 * @reference is the heatmap's reference for the legend. */
void             lode_chart_render_base           (cairo_t                *cr,
                                                   const LodeView         *view,
                                                   const LodeChartPalette *palette,
                                                   const LodeChartFrame   *frame,
                                                   double                  reference);
/* Layer 3: the crosshair and its readout. */
void             lode_chart_render_overlay        (cairo_t                *cr,
                                                   const LodeView         *view,
                                                   const LodeChartPalette *palette,
                                                   const LodeChartFrame   *frame);

/* What the crosshair reads at (@x, @y). FALSE outside the plot. */
typedef struct
{
  gssize candle;        /* -1 when no candle is under the pointer */
  gint64 time_ms;
  double open;
  double high;
  double low;
  double close;
  double price;         /* price under the pointer */
  double row_low;       /* the pointer's profile row: [row_low, row_high) */
  double row_high;
  double row_usd;       /* liquidations of the current state in the pointer's row */
  double fuel_usd;      /* §7 fuel from the last close to @price */
} LodeCrosshairInfo;

/* Rows of the profile band over the plot's price range (one per few
 * pixels); the crosshair's row_usd is summed over the same rows. */
guint    lode_chart_profile_rows   (const LodeView       *view);

gboolean lode_chart_crosshair_info (const LodeView       *view,
                                    const LodeChartFrame *frame,
                                    double                x,
                                    double                y,
                                    LodeCrosshairInfo    *info);

/* The §8 cascade in a sentence for people ("If price touches X, forced
 * orders of about V could carry it to Y"), translated; what the frame
 * shows with has_cascade, for the side panel to repeat. */
char    *lode_chart_cascade_describe (const LodeCascade *cascade);

/* Placeholder frame of the foundation (kept for the empty state). */
void lode_chart_render_placeholder   (cairo_t                *cr,
                                      int                     width,
                                      int                     height,
                                      const LodeChartPalette *palette,
                                      const char             *caption);

G_END_DECLS
