/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lode-liq-model.h"

G_BEGIN_DECLS

/* A view of the heatmap (§5): C columns over the candles
 * [first_candle, first_candle + n_candles), R rows over [price_min, price_max).
 * Column c shows snapshot S_{b_c} with
 *   b_c = first_candle + floor ((c + 1) · n_candles / C) − 1
 * (a column with b_c < 0 is empty). Row r covers
 *   [price_min + r·δ, price_min + (r+1)·δ), δ = (price_max − price_min) / R.
 * Levels outside the rows are ignored. */
typedef struct
{
  gsize          first_candle;
  gsize          n_candles;
  guint          columns;
  double         price_min;
  double         price_max;
  guint          rows;
  LodeRenderMode mode;
} LodeHeatmapView;

typedef struct
{
  guint  columns;
  guint  rows;
  float *cells;      /* rows × columns, row-major, row 0 = lowest price */
  double reference;  /* §6: 99th percentile of the non-zero cells (0 if none) */
  double max;        /* largest cell */
} LodeHeatmap;

/* b_c of @column, or -1 if the column is empty (b_c < 0). Whether b_c is
 * past the model's last candle is the caller's business: such a column is
 * empty in lode_heatmap_compute() too. */
gssize       lode_heatmap_view_get_candle (const LodeHeatmapView *view,
                                           guint                  column);
/* The row of @price, or -1 if it lies outside [price_min, price_max) or is
 * NaN: the r with price_min + r·δ ≤ price < price_min + (r + 1)·δ, the
 * boundaries as computed in double and the top one price_max. */
gint         lode_heatmap_view_get_row    (const LodeHeatmapView *view,
                                           double                 price);

/* Builds the grid of @view from @model by difference arrays (§10):
 * O(levels · log C + R · C), never levels × columns. */
LodeHeatmap *lode_heatmap_compute        (const LodeLiqModel     *model,
                                          const LodeHeatmapView  *view);
/* lode_heatmap_compute() on up to @n_threads threads (the calling one
 * included, at most 2 used; 0 and 1 mean the calling thread only). With 2, a
 * second thread makes each tile of columns' cells from its difference
 * arrays while the calling one puts the next tile's levels in: every
 * floating-point operation is the one-thread one, in the same order, so
 * the grid, its reference and its max are the same bits. @model is only
 * read. */
LodeHeatmap *lode_heatmap_compute_threaded (const LodeLiqModel    *model,
                                            const LodeHeatmapView *view,
                                            guint                  n_threads);
/* §9: several venues; the columns are defined on @models[0]'s candles, and
 * every other model contributes its snapshot at the last of its candles
 * closed by the end of column c's candle. */
LodeHeatmap *lode_heatmap_compute_merged (LodeLiqModel   *const *models,
                                          guint                  n_models,
                                          const LodeHeatmapView  *view);
void         lode_heatmap_free           (LodeHeatmap            *self);
static inline float
lode_heatmap_get (const LodeHeatmap *self,
                  guint              column,
                  guint              row)
{
  return self->cells[(gsize) row * self->columns + column];
}
/* §6 Gaussian along the price axis, σ = 0.1 % of each row's centre price
 * in rows (at least 1), truncated at 3σ; in place; keeps each column's total
 * except for the mass that leaves the view. Used by the SMOOTHED mode.
 * Exact for every σ (to float rounding). */
void         lode_heatmap_smooth_rows    (float                 *cells,
                                          guint                  columns,
                                          guint                  rows,
                                          double                 price_min,
                                          double                 price_max);
/* 99th percentile of the non-zero values (nearest-rank), 0 if none. */
double       lode_heatmap_percentile     (const float           *values,
                                          gsize                  n,
                                          double                 q);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LodeHeatmap, lode_heatmap_free)

G_END_DECLS
