/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lode-heatmap.h"
#include "lode-market.h"
#include "lode-snapshot.h"

G_BEGIN_DECLS

/* Order flow: observed liquidation prints against the candles and the
 * model. Pure functions; no I/O. */

/* One liquidation print as a venue reported it, normalised
 * (exchange-apis.md §5). Plain data, copied by value. */
typedef struct
{
  gint64   time_ms;        /* ms since the epoch (UTC) */
  char     venue[16];      /* "binance", "bybit", "okx"; NUL-terminated */
  char     symbol[32];     /* the venue's own id: "BTCUSDT", "BTC-USDT-SWAP" */
  LodeSide side;           /* the side that was liquidated */
  double   price;          /* quote per base unit */
  double   quantity_base;  /* base units */
  double   notional_usd;   /* quote notional (USDT/USDC taken as USD) */
} LodeLiqPrint;

/* Fills @print, truncating @venue and @symbol to their fields. */
void     lode_liq_print_init          (LodeLiqPrint       *print,
                                       gint64              time_ms,
                                       const char         *venue,
                                       const char         *symbol,
                                       LodeSide            side,
                                       double              price,
                                       double              quantity_base,
                                       double              notional_usd);
/* Sorts @prints ascending by time (stable for equal times). */
void     lode_liq_prints_sort         (LodeLiqPrint       *prints,
                                       gsize               n);

/* Printed liquidations of one candle, per liquidated side. */
typedef struct
{
  double long_usd;
  double short_usd;
  guint  n_long;
  guint  n_short;
} LodeFlowTotals;

/* The candle of @market a print at @time_ms falls in: the i with
 * t_i ≤ time_ms < t_i + Δ, or -1 (before, after, or in a gap). */
gssize   lode_flow_find_candle        (const LodeMarket   *market,
                                       gint64              time_ms);

/* Per-candle totals: @out has one element per candle of @market (zeroed
 * here) and receives every print with a finite notional ≥ 0 that falls in
 * a candle. Prints need not be sorted. Returns the number of prints
 * counted; the others (outside the candles, or bad numbers) are skipped. */
gsize    lode_flow_bucket             (const LodeMarket   *market,
                                       const LodeLiqPrint *prints,
                                       gsize               n_prints,
                                       LodeFlowTotals     *out);

/* The accuracy figure: of the printed liquidation notional in the visible
 * candles, the share that fell in zones the model showed as bright
 * *before* the print. A print at candle i is looked up in the heatmap
 * column of S_{i−1} (the state before the candle of the print), at the row
 * of its price; it is "inside" when that cell is ≥ threshold × reference.
 * The cells are those of the view's mode (SMOOTHED is smoothed as §6 does;
 * LONG and SHORT show one side, so a print of the other side can only fall
 * outside). Prints at candle 0 have no state before them and are not
 * counted; nor are prints outside the view's candles or outside its price
 * rows (they were not visible). */
typedef struct
{
  double threshold;  /* fraction of the reference, default 0.5 */
  double reference;  /* USD per cell; ≤ 0 or NaN: the 99th percentile of the
                      * per-candle grid itself (the caller usually passes the
                      * displayed heatmap's reference, which the legend shows) */
} LodeFlowAccuracyParams;

typedef struct
{
  double inside_usd;
  double total_usd;
  gsize  n_inside;
  gsize  n_total;
  double share;      /* inside_usd / total_usd; NaN when total_usd is 0 */
  double reference;  /* the reference used */
} LodeFlowAccuracy;

void     lode_flow_accuracy_params_init_default (LodeFlowAccuracyParams *params);

/* The per-candle grid the figure reads: the rows and mode of @view, one
 * column per candle, column c showing S_{first + c}; @out_first_print_candle
 * receives the first candle whose prints are judged (its state is column
 * 0). Returns FALSE when no candle of the view can be judged (an empty
 * view, or one that holds only candle 0). */
gboolean lode_flow_grid_view          (const LodeHeatmapView  *view,
                                       gsize                   n_model_candles,
                                       LodeHeatmapView        *out_grid_view,
                                       gsize                  *out_first_print_candle);

/* The figure from a grid made for lode_flow_grid_view()'s view (@grid
 * column c = S_{first_print_candle − 1 + c}); @market places prints in
 * candles. */
void     lode_flow_accuracy_from_grid (const LodeHeatmap            *grid,
                                       const LodeHeatmapView        *grid_view,
                                       gsize                         first_print_candle,
                                       const LodeMarket             *market,
                                       const LodeLiqPrint           *prints,
                                       gsize                         n_prints,
                                       const LodeFlowAccuracyParams *params,
                                       LodeFlowAccuracy             *out);

/* The figure for @view of @snapshot (all its venues merged, §9; the
 * primary venue's candles place the prints). @params NULL = defaults.
 * O(levels · log C + R · C) for the grid, plus O(prints · log n). */
void     lode_flow_accuracy           (const LodeSnapshot           *snapshot,
                                       const LodeHeatmapView        *view,
                                       const LodeLiqPrint           *prints,
                                       gsize                         n_prints,
                                       const LodeFlowAccuracyParams *params,
                                       LodeFlowAccuracy             *out);

G_END_DECLS
