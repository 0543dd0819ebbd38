/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <math.h>

#include "lode-flow.h"

#define MINUTE_MS G_GINT64_CONSTANT (60000)
/* 2026-01-01T00:00:00Z */
#define T0        G_GINT64_CONSTANT (1767225600000)

/* A flat market at 100 with one tier (10×, m = 0), so the levels are known
 * by hand (§3, §4): candle 1 adds ΔOI = 1000 with λ = 0.5, which creates a
 * long level at 100 × (1 − 1/10) = 90 and a short one at 100 × (1 + 1/10)
 * = 110, 500 USD each, live in S_1 … S_4 (nothing drains or closes them). */
static LodeSnapshot *
make_snapshot (void)
{
  LodeCandle candles[5];
  g_autoptr(LodeMarket) market = NULL;
  g_autoptr(LodeLiqModel) model = NULL;
  g_autoptr(GError) error = NULL;
  LodeModelParams params;
  LodeVenueModel venue;

  for (guint i = 0; i < G_N_ELEMENTS (candles); i++)
    candles[i] = (LodeCandle) {
      .time_ms = T0 + i * MINUTE_MS,
      .open = 100, .high = 100, .low = 100, .close = 100,
      .volume = 1,
      .oi_usd = i == 0 ? 1000 : 2000,
      .long_share = 0.5,
    };

  market = lode_market_new (candles, G_N_ELEMENTS (candles), MINUTE_MS, &error);
  g_assert_no_error (error);

  lode_model_params_init_default (&params);
  lode_model_params_parse_tiers (&params, "10:1", &error);
  g_assert_no_error (error);
  params.mmr = 0.0;

  model = lode_liq_model_build (market, &params, NULL, &error);
  g_assert_no_error (error);

  venue.label = "Test";
  venue.model = model;

  return lode_snapshot_new (&venue, 1, "BTCUSDT");
}

/* Rows of 1 USD over [80, 120): 90 is row 10, 110 row 30. */
static LodeHeatmapView
make_view (LodeRenderMode mode)
{
  return (LodeHeatmapView) {
    .first_candle = 0,
    .n_candles = 5,
    .columns = 5,
    .price_min = 80,
    .price_max = 120,
    .rows = 40,
    .mode = mode,
  };
}

static LodeLiqPrint
print_at (guint    candle,
          gint64   offset_ms,
          LodeSide side,
          double   price,
          double   usd)
{
  LodeLiqPrint p;

  lode_liq_print_init (&p, T0 + candle * MINUTE_MS + offset_ms, "binance", "BTCUSDT",
                       side, price, usd / price, usd);
  return p;
}

/* The constructed series of prints:
 *   a  candle 1, long @ 90.5,  1000 USD: judged by S_0 (empty) → outside
 *   b  candle 2, long @ 90.2,  2000 USD: S_1 row 10 = 500 ≥ 0.5 × 500 → inside
 *   c  candle 2, short @ 110.7, 300 USD: S_1 row 30 = 500 → inside
 *   d  candle 3, long @ 95,     700 USD: S_2 row 15 = 0 → outside
 *   e  candle 0, 5000 USD: no state before it → not counted
 *   f  candle 3 @ 150: outside the rows → not counted
 *   g  after the last candle → not counted
 * Inside 2300 of 4000 USD: 0.575. */
static void
make_prints (LodeLiqPrint *prints)
{
  prints[0] = print_at (1, 5, LODE_SIDE_LONG, 90.5, 1000);
  prints[1] = print_at (2, 59999, LODE_SIDE_LONG, 90.2, 2000);
  prints[2] = print_at (2, 0, LODE_SIDE_SHORT, 110.7, 300);
  prints[3] = print_at (3, 100, LODE_SIDE_LONG, 95, 700);
  prints[4] = print_at (0, 10, LODE_SIDE_LONG, 90.1, 5000);
  prints[5] = print_at (3, 10, LODE_SIDE_SHORT, 150, 9000);
  prints[6] = print_at (5, 10, LODE_SIDE_LONG, 90.1, 9000);
}

#define N_PRINTS 7

static void
test_bucket (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_snapshot ();
  LodeMarket *market = lode_snapshot_get_market (snapshot);
  LodeLiqPrint prints[N_PRINTS + 1];
  LodeFlowTotals totals[5];
  gsize counted;

  make_prints (prints);
  prints[N_PRINTS] = print_at (4, 0, LODE_SIDE_SHORT, 100, NAN);

  counted = lode_flow_bucket (market, prints, N_PRINTS + 1, totals);

  /* g is after the series, the NaN one is skipped. */
  g_assert_cmpuint (counted, ==, 6);
  g_assert_cmpfloat (totals[0].long_usd, ==, 5000);
  g_assert_cmpuint (totals[0].n_long, ==, 1);
  g_assert_cmpfloat (totals[1].long_usd, ==, 1000);
  g_assert_cmpfloat (totals[2].long_usd, ==, 2000);
  g_assert_cmpfloat (totals[2].short_usd, ==, 300);
  g_assert_cmpuint (totals[2].n_short, ==, 1);
  g_assert_cmpfloat (totals[3].long_usd, ==, 700);
  g_assert_cmpfloat (totals[3].short_usd, ==, 9000);
  g_assert_cmpfloat (totals[4].long_usd, ==, 0);
  g_assert_cmpfloat (totals[4].short_usd, ==, 0);
}

static void
test_find_candle (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_snapshot ();
  LodeMarket *market = lode_snapshot_get_market (snapshot);

  g_assert_cmpint (lode_flow_find_candle (market, T0 - 1), ==, -1);
  g_assert_cmpint (lode_flow_find_candle (market, T0), ==, 0);
  g_assert_cmpint (lode_flow_find_candle (market, T0 + MINUTE_MS - 1), ==, 0);
  g_assert_cmpint (lode_flow_find_candle (market, T0 + MINUTE_MS), ==, 1);
  g_assert_cmpint (lode_flow_find_candle (market, T0 + 5 * MINUTE_MS - 1), ==, 4);
  g_assert_cmpint (lode_flow_find_candle (market, T0 + 5 * MINUTE_MS), ==, -1);
}

static void
test_accuracy_raw (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_snapshot ();
  LodeHeatmapView view = make_view (LODE_RENDER_MODE_RAW);
  LodeLiqPrint prints[N_PRINTS];
  LodeFlowAccuracy acc;

  make_prints (prints);
  lode_flow_accuracy (snapshot, &view, prints, N_PRINTS, NULL, &acc);

  /* Every non-zero cell of the per-candle grid is 500: the reference. */
  g_assert_cmpfloat_with_epsilon (acc.reference, 500, 1e-3);
  g_assert_cmpuint (acc.n_total, ==, 4);
  g_assert_cmpuint (acc.n_inside, ==, 2);
  g_assert_cmpfloat_with_epsilon (acc.total_usd, 4000, 1e-9);
  g_assert_cmpfloat_with_epsilon (acc.inside_usd, 2300, 1e-9);
  g_assert_cmpfloat_with_epsilon (acc.share, 0.575, 1e-12);
}

/* Only candles 2… are visible: a (candle 1) drops out. */
static void
test_accuracy_visible_range (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_snapshot ();
  LodeHeatmapView view = make_view (LODE_RENDER_MODE_RAW);
  LodeLiqPrint prints[N_PRINTS];
  LodeFlowAccuracy acc;

  view.first_candle = 2;
  view.n_candles = 3;
  view.columns = 2;  /* the figure does not depend on the view's columns */
  make_prints (prints);
  lode_flow_accuracy (snapshot, &view, prints, N_PRINTS, NULL, &acc);

  g_assert_cmpuint (acc.n_total, ==, 3);
  g_assert_cmpfloat_with_epsilon (acc.total_usd, 3000, 1e-9);
  g_assert_cmpfloat_with_epsilon (acc.inside_usd, 2300, 1e-9);
  g_assert_cmpfloat_with_epsilon (acc.share, 2300.0 / 3000.0, 1e-12);
}

/* The LONG mode does not show short levels: c falls outside, and the
 * reference is that of the long cells (still 500). */
static void
test_accuracy_one_side (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_snapshot ();
  LodeHeatmapView view = make_view (LODE_RENDER_MODE_LONG);
  LodeLiqPrint prints[N_PRINTS];
  LodeFlowAccuracy acc;

  make_prints (prints);
  lode_flow_accuracy (snapshot, &view, prints, N_PRINTS, NULL, &acc);

  g_assert_cmpfloat_with_epsilon (acc.reference, 500, 1e-3);
  g_assert_cmpfloat_with_epsilon (acc.inside_usd, 2000, 1e-9);
  g_assert_cmpfloat_with_epsilon (acc.share, 0.5, 1e-12);
}

/* A given reference and threshold: 0.5 × 2000 = 1000 > 500, nothing is
 * bright; 0.2 × 2000 = 400 ≤ 500, b and c are. */
static void
test_accuracy_threshold (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_snapshot ();
  LodeHeatmapView view = make_view (LODE_RENDER_MODE_RAW);
  LodeLiqPrint prints[N_PRINTS];
  LodeFlowAccuracyParams params;
  LodeFlowAccuracy acc;

  make_prints (prints);
  lode_flow_accuracy_params_init_default (&params);
  g_assert_cmpfloat (params.threshold, ==, 0.5);
  params.reference = 2000;

  lode_flow_accuracy (snapshot, &view, prints, N_PRINTS, &params, &acc);
  g_assert_cmpfloat (acc.reference, ==, 2000);
  g_assert_cmpfloat (acc.inside_usd, ==, 0);
  g_assert_cmpfloat (acc.share, ==, 0);

  params.threshold = 0.2;
  lode_flow_accuracy (snapshot, &view, prints, N_PRINTS, &params, &acc);
  g_assert_cmpfloat_with_epsilon (acc.share, 0.575, 1e-12);
}

/* A print one row above the long level (91.5, row 11) is dark in RAW and
 * lit by the §6 smoothing (σ = 1 row: e^{−1/2} of the peak, ≈ 0.61 of it). */
static void
test_accuracy_smoothed (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_snapshot ();
  LodeHeatmapView raw = make_view (LODE_RENDER_MODE_RAW);
  LodeHeatmapView smoothed = make_view (LODE_RENDER_MODE_SMOOTHED);
  LodeLiqPrint print = print_at (2, 0, LODE_SIDE_LONG, 91.5, 100);
  LodeFlowAccuracy acc;

  lode_flow_accuracy (snapshot, &raw, &print, 1, NULL, &acc);
  g_assert_cmpuint (acc.n_total, ==, 1);
  g_assert_cmpuint (acc.n_inside, ==, 0);

  lode_flow_accuracy (snapshot, &smoothed, &print, 1, NULL, &acc);
  g_assert_cmpuint (acc.n_total, ==, 1);
  g_assert_cmpuint (acc.n_inside, ==, 1);
  g_assert_cmpfloat (acc.share, ==, 1);
}

/* No prints, or none judged: the share is NaN, not 0 (nothing to say). */
static void
test_accuracy_empty (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_snapshot ();
  LodeHeatmapView view = make_view (LODE_RENDER_MODE_RAW);
  LodeLiqPrint print = print_at (0, 0, LODE_SIDE_LONG, 90, 100);
  LodeFlowAccuracy acc;

  lode_flow_accuracy (snapshot, &view, NULL, 0, NULL, &acc);
  g_assert_cmpuint (acc.n_total, ==, 0);
  g_assert_true (isnan (acc.share));

  /* A view of candle 0 alone has nothing to judge with. */
  view.n_candles = 1;
  view.columns = 1;
  lode_flow_accuracy (snapshot, &view, &print, 1, NULL, &acc);
  g_assert_cmpuint (acc.n_total, ==, 0);
  g_assert_true (isnan (acc.share));
}

/* The grid the figure reads has one column per candle, column c = S_{first−1+c}. */
static void
test_grid_view (void)
{
  LodeHeatmapView view = make_view (LODE_RENDER_MODE_RAW);
  LodeHeatmapView grid;
  gsize first;

  view.first_candle = 3;
  view.n_candles = 100;
  view.columns = 7;
  g_assert_true (lode_flow_grid_view (&view, 50, &grid, &first));
  g_assert_cmpuint (first, ==, 3);
  g_assert_cmpuint (grid.first_candle, ==, 2);
  g_assert_cmpuint (grid.n_candles, ==, 47);
  g_assert_cmpuint (grid.columns, ==, 47);
  g_assert_cmpuint (grid.rows, ==, view.rows);
  for (guint c = 0; c < grid.columns; c++)
    g_assert_cmpint (lode_heatmap_view_get_candle (&grid, c), ==, (gssize) first - 1 + c);

  view.first_candle = 60;
  g_assert_false (lode_flow_grid_view (&view, 50, &grid, &first));
}

static void
test_print_init (void)
{
  LodeLiqPrint prints[3];

  lode_liq_print_init (&prints[0], 30, "a-venue-name-longer-than-sixteen", "BTCUSDT",
                       LODE_SIDE_SHORT, 1, 2, 3);
  g_assert_cmpstr (prints[0].venue, ==, "a-venue-name-lo");
  lode_liq_print_init (&prints[1], 10, "okx", "BTC-USDT-SWAP", LODE_SIDE_LONG, 1, 2, 3);
  lode_liq_print_init (&prints[2], 20, "bybit", "BTCUSDT", LODE_SIDE_LONG, 1, 2, 3);

  lode_liq_prints_sort (prints, 3);
  g_assert_cmpint (prints[0].time_ms, ==, 10);
  g_assert_cmpint (prints[1].time_ms, ==, 20);
  g_assert_cmpint (prints[2].time_ms, ==, 30);
  g_assert_cmpstr (prints[0].symbol, ==, "BTC-USDT-SWAP");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/model/flow/print/init-and-sort", test_print_init);
  g_test_add_func ("/model/flow/find-candle", test_find_candle);
  g_test_add_func ("/model/flow/bucket/per-side-per-candle", test_bucket);
  g_test_add_func ("/model/flow/grid-view/one-column-per-candle", test_grid_view);
  g_test_add_func ("/model/flow/accuracy/raw", test_accuracy_raw);
  g_test_add_func ("/model/flow/accuracy/visible-range", test_accuracy_visible_range);
  g_test_add_func ("/model/flow/accuracy/one-side-mode", test_accuracy_one_side);
  g_test_add_func ("/model/flow/accuracy/threshold-and-reference", test_accuracy_threshold);
  g_test_add_func ("/model/flow/accuracy/smoothed", test_accuracy_smoothed);
  g_test_add_func ("/model/flow/accuracy/nothing-to-judge", test_accuracy_empty);

  return g_test_run ();
}
