/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <string.h>

#include "lode-demo-source.h"
#include "lode-liq-model.h"

#define MINUTE_MS G_GINT64_CONSTANT (60000)

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static LodeMarket *
generate (guint64 seed,
          guint   days,
          gint64  interval_ms)
{
  g_autoptr(GError) error = NULL;
  LodeDemoParams params;
  LodeMarket *market;

  lode_demo_params_init_default (&params);
  params.seed = seed;
  params.days = days;
  params.interval_ms = interval_ms;
  market = lode_demo_market_generate (&params, &error);
  g_assert_no_error (error);
  g_assert_nonnull (market);

  return market;
}

static void
test_deterministic (void)
{
  g_autoptr(LodeMarket) a = generate (LODE_DEMO_DEFAULT_SEED, 30, MINUTE_MS);
  g_autoptr(LodeMarket) b = generate (LODE_DEMO_DEFAULT_SEED, 30, MINUTE_MS);
  g_autoptr(LodeMarket) c = NULL;
  g_autoptr(GError) error = NULL;
  LodeDemoParams params;
  gsize n = lode_market_get_n_candles (a);

  g_assert_cmpuint (n, ==, 30 * 1440);
  g_assert_cmpuint (lode_market_get_n_candles (b), ==, n);
  g_assert_cmpmem (lode_market_get_candles (a), n * sizeof (LodeCandle),
                   lode_market_get_candles (b), n * sizeof (LodeCandle));

  /* Zeroed parameters mean the defaults. */
  memset (&params, 0, sizeof params);
  params.seed = LODE_DEMO_DEFAULT_SEED;
  c = lode_demo_market_generate (&params, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (lode_market_get_candles (a), n * sizeof (LodeCandle),
                   lode_market_get_candles (c), lode_market_get_n_candles (c) * sizeof (LodeCandle));
}

static void
test_seed_matters (void)
{
  g_autoptr(LodeMarket) a = generate (1, 3, MINUTE_MS);
  g_autoptr(LodeMarket) b = generate (2, 3, MINUTE_MS);
  gsize n = lode_market_get_n_candles (a);
  gsize same = 0;

  g_assert_cmpuint (lode_market_get_n_candles (b), ==, n);
  for (gsize i = 0; i < n; i++)
    if (lode_market_get_candle (a, i)->close == lode_market_get_candle (b, i)->close)
      same++;
  g_assert_cmpuint (same, <, n / 100);
}

static void
test_time_grid (void)
{
  g_autoptr(LodeMarket) market = generate (LODE_DEMO_DEFAULT_SEED, 30, MINUTE_MS);
  gsize n = lode_market_get_n_candles (market);

  g_assert_cmpint (lode_market_get_interval_ms (market), ==, MINUTE_MS);
  g_assert_cmpint (lode_market_get_candle (market, n - 1)->time_ms, ==,
                   LODE_DEMO_DEFAULT_END_MS - MINUTE_MS);
  g_assert_cmpint (lode_market_get_candle (market, 0)->time_ms, ==,
                   LODE_DEMO_DEFAULT_END_MS - 30 * G_GINT64_CONSTANT (86400000));
  for (gsize i = 1; i < n; i++)
    g_assert_cmpint (lode_market_get_candle (market, i)->time_ms
                     - lode_market_get_candle (market, i - 1)->time_ms, ==, MINUTE_MS);
}

static void
test_plausible (void)
{
  static const guint64 seeds[] = { LODE_DEMO_DEFAULT_SEED, 1, 42, 987654321 };

  for (guint s = 0; s < G_N_ELEMENTS (seeds); s++)
    {
      g_autoptr(LodeMarket) market = generate (seeds[s], 30, MINUTE_MS);
      const LodeCandle *c = lode_market_get_candles (market);
      gsize n = lode_market_get_n_candles (market);
      double lambda_min = 1, lambda_max = 0, lambda_sum = 0;
      double oi_min = INFINITY, oi_max = 0;
      double range_sum = 0;

      for (gsize i = 0; i < n; i++)
        {
          g_assert_cmpfloat (c[i].low, >, 0);
          g_assert_cmpfloat (c[i].high, >=, c[i].low);
          g_assert_cmpfloat (c[i].high, >=, MAX (c[i].open, c[i].close));
          g_assert_cmpfloat (c[i].low, <=, MIN (c[i].open, c[i].close));
          /* BTC-like: within 50–130 k over a month. */
          g_assert_cmpfloat (c[i].low, >, 50000);
          g_assert_cmpfloat (c[i].high, <, 130000);
          g_assert_true (isfinite (c[i].volume));
          g_assert_cmpfloat (c[i].volume, >=, 0);
          g_assert_true (isfinite (c[i].oi_usd));
          g_assert_cmpfloat (c[i].oi_usd, >, 0);
          g_assert_cmpfloat (c[i].long_share, >=, 0);
          g_assert_cmpfloat (c[i].long_share, <=, 1);
          if (i > 0)
            g_assert_cmpfloat (c[i].open, ==, c[i - 1].close);

          lambda_min = MIN (lambda_min, c[i].long_share);
          lambda_max = MAX (lambda_max, c[i].long_share);
          lambda_sum += c[i].long_share;
          oi_min = MIN (oi_min, c[i].oi_usd);
          oi_max = MAX (oi_max, c[i].oi_usd);
          range_sum += (c[i].high - c[i].low) / c[i].open;
        }

      /* λ drifts around 0.5; OI of a large venue, and it moves; a typical
       * one-minute range of a few hundredths of a percent to a few tenths. */
      g_assert_cmpfloat (fabs (lambda_sum / n - 0.5), <, 0.1);
      g_assert_cmpfloat (lambda_max - lambda_min, >, 0.05);
      g_assert_cmpfloat (oi_min, >, 1e9);
      g_assert_cmpfloat (oi_max, <, 5e10);
      g_assert_cmpfloat (oi_max / oi_min, >, 1.1);
      g_assert_cmpfloat (range_sum / n, >, 0.0002);
      g_assert_cmpfloat (range_sum / n, <, 0.005);
    }
}

static void
test_cascade (void)
{
  g_autoptr(LodeMarket) market = generate (LODE_DEMO_DEFAULT_SEED, 30, MINUTE_MS);
  const LodeCandle *c = lode_market_get_candles (market);
  gsize n = lode_market_get_n_candles (market);
  guint cascades = 0;

  /* A minute where OI falls by more than 2 % while the price swings more
   * than 0.5 %: a liquidation cascade. Counted once per hour. */
  for (gsize i = 1; i < n; i++)
    {
      if (c[i].oi_usd < 0.98 * c[i - 1].oi_usd &&
          (c[i].high - c[i].low) / c[i].open > 0.005)
        {
          cascades++;
          i += 60;
        }
    }

  g_assert_cmpuint (cascades, >=, 2);
  g_assert_cmpuint (cascades, <=, 30);
}

static void
test_model_levels (void)
{
  g_autoptr(LodeMarket) market = generate (LODE_DEMO_DEFAULT_SEED, 30, MINUTE_MS);
  g_autoptr(LodeLiqModel) model = NULL;
  g_autoptr(LodeLevelSet) current = NULL;
  g_autoptr(GError) error = NULL;
  const LodeCandle *c = lode_market_get_candles (market);
  gsize n = lode_market_get_n_candles (market);
  LodeModelParams params;
  double close, long_total, short_total;
  double cascade_liquidated = 0, median_liquidated;
  g_autoptr(GArray) per_candle = g_array_new (FALSE, FALSE, sizeof (double));
  gsize n_levels;

  lode_model_params_init_default (&params);
  model = lode_liq_model_build (market, &params, NULL, &error);
  g_assert_no_error (error);

  /* The current state has live levels on both sides of the price. */
  current = lode_liq_model_current (model);
  lode_level_set_get_levels (current, &n_levels);
  close = lode_level_set_get_close (current);
  long_total = lode_level_set_get_total (current, LODE_SIDE_LONG);
  short_total = lode_level_set_get_total (current, LODE_SIDE_SHORT);
  g_assert_cmpuint (n_levels, >, 1000);
  g_assert_cmpfloat (long_total, >, 1e7);
  g_assert_cmpfloat (short_total, >, 1e7);
  /* Bands sit within reach: a 5 % move either way liquidates something. */
  g_assert_cmpfloat (lode_level_set_fuel (current, close * 0.95), >, 0);
  g_assert_cmpfloat (lode_level_set_fuel (current, close * 1.05), >, 0);

  /* Cascades sweep bands: the candles where OI collapses liquidate far
   * more than a typical candle. */
  for (gsize i = 1; i < n; i++)
    {
      double liquidated = lode_liq_model_get_liquidated (model, i, LODE_SIDE_LONG)
                          + lode_liq_model_get_liquidated (model, i, LODE_SIDE_SHORT);

      g_array_append_val (per_candle, liquidated);
      if (c[i].oi_usd < 0.98 * c[i - 1].oi_usd)
        cascade_liquidated = MAX (cascade_liquidated, liquidated);
    }
  g_array_sort (per_candle, compare_doubles);
  median_liquidated = g_array_index (per_candle, double, per_candle->len / 2);
  g_assert_cmpfloat (cascade_liquidated, >, 1e6);
  g_assert_cmpfloat (cascade_liquidated, >, 100 * median_liquidated);
}

static void
test_intervals (void)
{
  static const gint64 intervals[] = { 1, 5, 15, 60, 240, 1440 };

  for (guint k = 0; k < G_N_ELEMENTS (intervals); k++)
    {
      gint64 interval_ms = intervals[k] * MINUTE_MS;
      g_autoptr(LodeMarket) market = generate (LODE_DEMO_DEFAULT_SEED, 4, interval_ms);

      g_assert_cmpint (lode_market_get_interval_ms (market), ==, interval_ms);
      g_assert_cmpuint (lode_market_get_n_candles (market), ==, 4 * 1440 / intervals[k]);
      g_assert_cmpint (lode_market_get_candle (market, 0)->time_ms % interval_ms, ==, 0);
    }
}

static void
test_aggregate_hour (void)
{
  g_autoptr(LodeMarket) minutes = generate (LODE_DEMO_DEFAULT_SEED, 3, MINUTE_MS);
  g_autoptr(LodeMarket) hours = generate (LODE_DEMO_DEFAULT_SEED, 3, 60 * MINUTE_MS);
  const LodeCandle *m = lode_market_get_candles (minutes);

  g_assert_cmpuint (lode_market_get_n_candles (hours), ==, 72);

  for (gsize h = 0; h < 72; h++)
    {
      const LodeCandle *hour = lode_market_get_candle (hours, h);
      const LodeCandle *first = &m[h * 60];
      const LodeCandle *last = &m[h * 60 + 59];
      double high = first->high, low = first->low, volume = 0;

      for (gsize i = h * 60; i < h * 60 + 60; i++)
        {
          high = MAX (high, m[i].high);
          low = MIN (low, m[i].low);
          volume += m[i].volume;
        }

      g_assert_cmpint (hour->time_ms, ==, first->time_ms);
      g_assert_cmpfloat (hour->open, ==, first->open);
      g_assert_cmpfloat (hour->high, ==, high);
      g_assert_cmpfloat (hour->low, ==, low);
      g_assert_cmpfloat (hour->close, ==, last->close);
      g_assert_cmpfloat_with_epsilon (hour->volume, volume, 1e-9 * volume);
      g_assert_cmpfloat (hour->oi_usd, ==, last->oi_usd);
      g_assert_cmpfloat (hour->long_share, ==, last->long_share);
    }
}

static void
test_end_time (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = NULL;
  LodeDemoParams params;

  /* An end off the grid is rounded down to the interval. */
  lode_demo_params_init_default (&params);
  params.days = 2;
  params.interval_ms = 3600000;
  params.end_ms = G_GINT64_CONSTANT (1700000000000) + 1234;
  market = lode_demo_market_generate (&params, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lode_market_get_n_candles (market), ==, 48);
  g_assert_cmpint (lode_market_get_candle (market, 47)->time_ms, ==,
                   G_GINT64_CONSTANT (1699999200000) - 3600000);
}

static void
test_bad_params (void)
{
  g_autoptr(GError) error = NULL;
  LodeDemoParams params;

  lode_demo_params_init_default (&params);
  params.interval_ms = 90000;
  g_assert_null (lode_demo_market_generate (&params, &error));
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  lode_demo_params_init_default (&params);
  params.days = LODE_DEMO_MAX_DAYS + 1;
  g_assert_null (lode_demo_market_generate (&params, &error));
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  lode_demo_params_init_default (&params);
  params.days = 2;
  params.interval_ms = 3 * 86400000;
  g_assert_null (lode_demo_market_generate (&params, &error));
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_INVALID_ARGUMENT);
}

static void
test_label (void)
{
  /* The test runs in the C locale, so untranslated. */
  g_assert_cmpstr (lode_demo_source_get_label (), ==, "Demo market (simulated)");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sources/demo/deterministic", test_deterministic);
  g_test_add_func ("/sources/demo/seed-matters", test_seed_matters);
  g_test_add_func ("/sources/demo/time-grid", test_time_grid);
  g_test_add_func ("/sources/demo/plausible", test_plausible);
  g_test_add_func ("/sources/demo/cascade", test_cascade);
  g_test_add_func ("/sources/demo/model-levels", test_model_levels);
  g_test_add_func ("/sources/demo/intervals", test_intervals);
  g_test_add_func ("/sources/demo/aggregate-hour", test_aggregate_hour);
  g_test_add_func ("/sources/demo/end-time", test_end_time);
  g_test_add_func ("/sources/demo/bad-params", test_bad_params);
  g_test_add_func ("/sources/demo/label", test_label);

  return g_test_run ();
}
