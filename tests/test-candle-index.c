/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <math.h>

#include "lode-candle-index.h"

/* A zigzag with a distinct high and low per candle, so that any range's
 * extremes depend on exactly which candles it holds. */
static LodeMarket *
make_market (gsize n)
{
  g_autofree LodeCandle *candles = g_new0 (LodeCandle, n);
  g_autoptr(GError) error = NULL;
  LodeMarket *market;

  for (gsize i = 0; i < n; i++)
    {
      double mid = 1000.0 + 300.0 * sin (i * 0.013) + 17.0 * sin (i * 1.7);

      candles[i] = (LodeCandle) {
        .time_ms = (gint64) i * 60000,
        .open = mid,
        .close = mid,
        .high = mid + 1.0 + (i * 7919 % 13),
        .low = mid - 1.0 - (i * 104729 % 11),
        .volume = 1.0,
        .oi_usd = NAN,
        .long_share = 0.5,
      };
    }

  market = lode_market_new (candles, n, 60000, &error);
  g_assert_no_error (error);

  return market;
}

static void
test_matches_scan (void)
{
  g_autoptr(LodeMarket) market = make_market (5000);
  g_autoptr(LodeCandleIndex) index = lode_candle_index_new (market);
  const LodeCandle *candles = lode_market_get_candles (market);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);

  g_assert_true (lode_candle_index_get_market (index) == market);

  for (guint trial = 0; trial < 2000; trial++)
    {
      gsize a = g_rand_int_range (rand, 0, 5000);
      gsize b = a + g_rand_int_range (rand, 1, trial % 2 ? 40 : 3000);
      double high, low, want_high = -G_MAXDOUBLE, want_low = G_MAXDOUBLE;

      b = MIN (b, 5000);
      for (gsize i = a; i < b; i++)
        {
          want_high = MAX (want_high, candles[i].high);
          want_low = MIN (want_low, candles[i].low);
        }

      g_assert_true (lode_candle_index_range (index, a, b, &high, &low));
      g_assert_cmpfloat (high, ==, want_high);
      g_assert_cmpfloat (low, ==, want_low);
    }
}

static void
test_edges (void)
{
  g_autoptr(LodeMarket) market = make_market (300);
  g_autoptr(LodeCandleIndex) index = lode_candle_index_new (market);
  const LodeCandle *candles = lode_market_get_candles (market);
  double high = 0, low = 0;

  /* Empty ranges write nothing. */
  g_assert_false (lode_candle_index_range (index, 10, 10, &high, &low));
  g_assert_false (lode_candle_index_range (index, 300, 400, &high, &low));
  g_assert_cmpfloat (high, ==, 0.0);

  /* One candle; a range past the end is cut to the data. */
  g_assert_true (lode_candle_index_range (index, 299, 1000, &high, &low));
  g_assert_cmpfloat (high, ==, candles[299].high);
  g_assert_cmpfloat (low, ==, candles[299].low);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/render/candle-index/matches-scan", test_matches_scan);
  g_test_add_func ("/render/candle-index/edges", test_edges);

  return g_test_run ();
}
