/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lode-book.h"
#include "lode-chart-render.h"
#include "lode-snapshot.h"
#include "lode-view.h"

G_BEGIN_DECLS

#define LODE_TYPE_CHART_VIEW (lode_chart_view_get_type ())

G_DECLARE_FINAL_TYPE (LodeChartView, lode_chart_view, LODE, CHART_VIEW, GtkWidget)

/* The chart: candles over the liquidation heatmap of a LodeSnapshot, with
 * axes, profile, legend and crosshair, all drawn by src/render. The heatmap
 * raster is computed in a worker thread and cached per (snapshot, view,
 * mode, colour map, intensity); a pointer move redraws only the crosshair.
 *
 * Properties: snapshot (LodeSnapshot), mode (LodeRenderMode), colormap
 * (LodeColormapId), intensity (gamma of the colour curve), show-profile,
 * message (text over the chart, e.g. an error), rendering (read-only: a
 * raster is being computed), book (LodeBook: resting depth drawn beside the
 * profile), confluence (GArray of LodeConfluenceZone), show-depth-bands,
 * prints (GArray of LodeLiqPrint: bubbles).
 *
 * Actions (keyboard: arrows, +/−, Ctrl+arrows, Home): chart.pan (ii),
 * chart.zoom-in, chart.zoom-out, chart.zoom-price-in, chart.zoom-price-out,
 * chart.fit. */
GtkWidget      *lode_chart_view_new           (void);
LodeSnapshot   *lode_chart_view_get_snapshot  (LodeChartView *self);
void            lode_chart_view_set_snapshot  (LodeChartView *self,
                                               LodeSnapshot  *snapshot);
LodeRenderMode  lode_chart_view_get_mode      (LodeChartView *self);
void            lode_chart_view_set_mode      (LodeChartView *self,
                                               LodeRenderMode mode);
void            lode_chart_view_set_message   (LodeChartView *self,
                                               const char    *message);
/* Centres the price axis on a zone and highlights it. */
void            lode_chart_view_focus_zone    (LodeChartView *self,
                                               double         low,
                                               double         high);
void            lode_chart_view_clear_highlight (LodeChartView *self);
/* §8: draws the cascade a touch of @trigger would set off (with the book
 * of the "book" property, or "needs depth" without one). */
void            lode_chart_view_set_cascade   (LodeChartView *self,
                                               gboolean       has_cascade,
                                               double         trigger);
LodeBook       *lode_chart_view_get_book      (LodeChartView *self);
/* Share of the printed liquidation notional of the visible candles that
 * fell inside bright rows of the model just before (issue #6), computed in
 * a worker; NaN when nothing can be judged, -1 when zoomed out too far. */
void            lode_chart_view_compute_accuracy_async  (LodeChartView       *self,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
double          lode_chart_view_compute_accuracy_finish (LodeChartView       *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
/* Shows the latest candles and auto-scales the price axis. */
void            lode_chart_view_fit           (LodeChartView *self);
const LodeView *lode_chart_view_get_view      (LodeChartView *self);
gboolean        lode_chart_view_get_rendering (LodeChartView *self);
/* The frame the widget shows now (for exports): view at the widget's size,
 * palette of the current theme, frame without crosshair. */
void            lode_chart_view_get_frame     (LodeChartView    *self,
                                               LodeView         *view,
                                               LodeChartPalette *palette,
                                               LodeChartFrame   *frame);

G_END_DECLS
