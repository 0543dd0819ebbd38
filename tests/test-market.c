/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <math.h>
#include <string.h>

#include "lode-market.h"

#define T0 1700000100000  /* a multiple of 5 minutes */
#define MINUTE 60000

static LodeCandle
candle (gsize  i,
        double close)
{
  LodeCandle c = { T0 + (gint64) i * MINUTE, close, close + 1, close - 1, close, 10, 1e6, 0.5 };

  return c;
}

static void
test_market_valid (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = NULL;
  LodeCandle c[3] = { candle (0, 100), candle (1, 101), candle (2, 102) };

  c[1].oi_usd = NAN;  /* unknown OI is allowed */
  market = lode_market_new (c, 3, MINUTE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (market);
  g_assert_cmpuint (lode_market_get_n_candles (market), ==, 3);
  g_assert_cmpint (lode_market_get_interval_ms (market), ==, MINUTE);
  g_assert_cmpfloat (lode_market_get_candle (market, 2)->close, ==, 102);
  /* A copy: changing the input does not change the market. */
  c[2].close = 7;
  g_assert_cmpfloat (lode_market_get_candles (market)[2].close, ==, 102);
}

typedef struct
{
  const char *name;
  gsize       row;      /* the row that is broken */
  void      (*breaks) (LodeCandle *c);
  const char *problem;  /* a substring of the message */
} BadCase;

static void break_duplicate (LodeCandle *c) { c->time_ms -= MINUTE; }
static void break_descending (LodeCandle *c) { c->time_ms -= 2 * MINUTE; }
static void break_nan_price (LodeCandle *c) { c->high = NAN; }
static void break_inf_price (LodeCandle *c) { c->low = -INFINITY; }
static void break_zero_price (LodeCandle *c) { c->low = 0; }
static void break_negative_price (LodeCandle *c) { c->open = -5; c->low = -6; }
static void break_low_above (LodeCandle *c) { c->low = c->close + 0.5; }
static void break_high_below (LodeCandle *c) { c->high = c->open - 0.5; }
static void break_volume (LodeCandle *c) { c->volume = -1; }
static void break_volume_nan (LodeCandle *c) { c->volume = NAN; }
static void break_oi_negative (LodeCandle *c) { c->oi_usd = -1; }
static void break_oi_infinite (LodeCandle *c) { c->oi_usd = INFINITY; }
static void break_long_share (LodeCandle *c) { c->long_share = 1.5; }
static void break_long_share_nan (LodeCandle *c) { c->long_share = NAN; }

static const BadCase bad_cases[] = {
  { "duplicate-time", 2, break_duplicate, "duplicate time" },
  { "descending-time", 2, break_descending, "before the previous" },
  { "nan-price", 1, break_nan_price, "not finite" },
  { "infinite-price", 3, break_inf_price, "not finite" },
  { "zero-price", 0, break_zero_price, "not positive" },
  { "negative-price", 2, break_negative_price, "not positive" },
  { "low-above-close", 1, break_low_above, "low above" },
  { "high-below-open", 3, break_high_below, "high below" },
  { "negative-volume", 2, break_volume, "volume" },
  { "nan-volume", 2, break_volume_nan, "volume" },
  { "negative-oi", 3, break_oi_negative, "open interest" },
  { "infinite-oi", 1, break_oi_infinite, "open interest" },
  { "long-share-above-1", 0, break_long_share, "long share" },
  { "long-share-nan", 2, break_long_share_nan, "long share" },
};

static void
test_market_invalid (gconstpointer data)
{
  const BadCase *bad = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = NULL;
  g_autofree char *row = NULL;
  g_autofree char *time = NULL;
  LodeCandle c[4] = { candle (0, 100), candle (1, 101), candle (2, 102), candle (3, 103) };

  bad->breaks (&c[bad->row]);
  market = lode_market_new (c, 4, MINUTE, &error);
  g_assert_null (market);
  g_assert_error (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_INVALID_SERIES);

  /* The message names the row by index and by time, and the problem. */
  row = g_strdup_printf ("Row %" G_GSIZE_FORMAT " ", bad->row);
  time = g_strdup_printf ("time %" G_GINT64_FORMAT " ms", c[bad->row].time_ms);
  g_assert_nonnull (strstr (error->message, row));
  g_assert_nonnull (strstr (error->message, time));
  g_assert_nonnull (strstr (error->message, bad->problem));
}

static void
test_market_invalid_empty (void)
{
  g_autoptr(GError) error = NULL;
  LodeCandle c[1] = { candle (0, 100) };

  g_assert_null (lode_market_new (NULL, 0, MINUTE, &error));
  g_assert_error (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_INVALID_SERIES);
  g_clear_error (&error);
  g_assert_null (lode_market_new (c, 1, 0, &error));
  g_assert_error (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_INVALID_SERIES);
}

static void
test_market_find_closed_at (void)
{
  g_autoptr(LodeMarket) market = NULL;
  LodeCandle c[3] = { candle (0, 100), candle (1, 101), candle (2, 102) };

  market = lode_market_new (c, 3, MINUTE, NULL);
  /* Candle 0 closes at T0 + 1 min. */
  g_assert_cmpint (lode_market_find_closed_at (market, T0), ==, -1);
  g_assert_cmpint (lode_market_find_closed_at (market, T0 + MINUTE - 1), ==, -1);
  g_assert_cmpint (lode_market_find_closed_at (market, T0 + MINUTE), ==, 0);
  g_assert_cmpint (lode_market_find_closed_at (market, T0 + 3 * MINUTE - 1), ==, 1);
  g_assert_cmpint (lode_market_find_closed_at (market, T0 + 3 * MINUTE), ==, 2);
  g_assert_cmpint (lode_market_find_closed_at (market, T0 + 1000 * MINUTE), ==, 2);
}

static void
test_align_step_hold (void)
{
  LodeCandle c[12];
  /* 5-minute OI points. Candle i covers [T0 + i min, T0 + (i + 1) min) and
   * closes at T0 + (i + 1) min; it takes the latest point at or before
   * that. The first point is at T0 + 2 min, so candles 0 (closes at +1)
   * have no OI; candle 1 closes at +2 exactly and takes it. */
  const LodePoint oi[] = {
    { T0 + 2 * MINUTE, 1000 },
    { T0 + 7 * MINUTE, 2000 },
    { T0 + 7 * MINUTE + 1, 9999 },  /* 1 ms after candle 6's close */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (c); i++)
    c[i] = candle (i, 100);

  lode_market_align_oi (c, G_N_ELEMENTS (c), MINUTE, oi, G_N_ELEMENTS (oi), LODE_OI_UNIT_USD, 1);
  g_assert_true (isnan (c[0].oi_usd));
  g_assert_cmpfloat (c[1].oi_usd, ==, 1000);
  g_assert_cmpfloat (c[5].oi_usd, ==, 1000);
  /* Candle 6 closes at +7 min: 2000, never the 9999 of 1 ms later. */
  g_assert_cmpfloat (c[6].oi_usd, ==, 2000);
  g_assert_cmpfloat (c[7].oi_usd, ==, 9999);
  g_assert_cmpfloat (c[11].oi_usd, ==, 9999);
}

static void
test_align_no_points (void)
{
  LodeCandle c[3] = { candle (0, 100), candle (1, 101), candle (2, 102) };

  lode_market_align_oi (c, 3, MINUTE, NULL, 0, LODE_OI_UNIT_USD, 1);
  for (guint i = 0; i < 3; i++)
    g_assert_true (isnan (c[i].oi_usd));
  lode_market_align_long_share (c, 3, MINUTE, NULL, 0);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpfloat (c[i].long_share, ==, 0.5);
}

static void
test_align_base_units (void)
{
  LodeCandle c[2] = { candle (0, 100), candle (1, 250) };
  const LodePoint oi[] = { { T0, 3 } };

  /* 3 BTC × close 100 = 300 USD; × 250 = 750 USD (each candle's own close). */
  lode_market_align_oi (c, 2, MINUTE, oi, 1, LODE_OI_UNIT_BASE, 1);
  g_assert_cmpfloat (c[0].oi_usd, ==, 300);
  g_assert_cmpfloat (c[1].oi_usd, ==, 750);
}

static void
test_align_contracts (void)
{
  LodeCandle c[2] = { candle (0, 100), candle (1, 250) };
  const LodePoint oi[] = { { T0, 40 } };

  /* 40 contracts × 0.01 BTC each = 0.4 BTC; × 100 = 40 USD; × 250 = 100 USD. */
  lode_market_align_oi (c, 2, MINUTE, oi, 1, LODE_OI_UNIT_CONTRACTS, 0.01);
  g_assert_cmpfloat (fabs (c[0].oi_usd - 40), <, 1e-12);
  g_assert_cmpfloat (fabs (c[1].oi_usd - 100), <, 1e-12);
}

static void
test_align_long_share (void)
{
  LodeCandle c[4] = { candle (0, 100), candle (1, 100), candle (2, 100), candle (3, 100) };
  /* r = 3 → λ = 3/4; r = 1 → 1/2; r = 0.25 → 0.25/1.25 = 0.2. */
  const LodePoint r[] = {
    { T0 + 2 * MINUTE, 3 },
    { T0 + 3 * MINUTE, 1 },
    { T0 + 4 * MINUTE, 0.25 },
  };

  c[0].long_share = 0.9;
  lode_market_align_long_share (c, 4, MINUTE, r, 3);
  g_assert_cmpfloat (c[0].long_share, ==, 0.5);  /* before the first: unknown */
  g_assert_cmpfloat (c[1].long_share, ==, 0.75);
  g_assert_cmpfloat (c[2].long_share, ==, 0.5);
  g_assert_cmpfloat (fabs (c[3].long_share - 0.2), <, 1e-15);

  g_assert_cmpfloat (lode_long_share_from_ratio (NAN), ==, 0.5);
  g_assert_cmpfloat (lode_long_share_from_ratio (-1), ==, 0.5);
  g_assert_cmpfloat (lode_long_share_from_ratio (INFINITY), ==, 1.0);
  g_assert_cmpfloat (lode_long_share_from_ratio (0), ==, 0.0);
}

static void
test_aggregate (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = NULL;
  g_autoptr(LodeMarket) agg = NULL;
  LodeCandle c[7];
  const LodeCandle *a;

  /* T0 is on a 5-minute boundary, so candles 0–4 form one bucket and
   * 5–6 the next (incomplete) one. */
  for (gsize i = 0; i < 7; i++)
    {
      c[i] = candle (i, 100 + i);
      c[i].oi_usd = 1000 + i;
      c[i].long_share = 0.1 * i;
    }
  c[2].high = 120;
  c[3].low = 90;
  market = lode_market_new (c, 7, MINUTE, &error);
  g_assert_no_error (error);

  agg = lode_market_aggregate (market, 5 * MINUTE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lode_market_get_n_candles (agg), ==, 2);
  g_assert_cmpint (lode_market_get_interval_ms (agg), ==, 5 * MINUTE);
  a = lode_market_get_candles (agg);
  g_assert_cmpint (a[0].time_ms, ==, T0);
  g_assert_cmpfloat (a[0].open, ==, 100);
  g_assert_cmpfloat (a[0].high, ==, 120);
  g_assert_cmpfloat (a[0].low, ==, 90);
  g_assert_cmpfloat (a[0].close, ==, 104);
  g_assert_cmpfloat (a[0].volume, ==, 50);
  g_assert_cmpfloat (a[0].oi_usd, ==, 1004);
  g_assert_cmpfloat (a[0].long_share, ==, 0.1 * 4);
  g_assert_cmpint (a[1].time_ms, ==, T0 + 5 * MINUTE);
  g_assert_cmpfloat (a[1].open, ==, 105);
  g_assert_cmpfloat (a[1].close, ==, 106);

  g_assert_null (lode_market_aggregate (market, 90000, &error));
  g_assert_error (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_INVALID_SERIES);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/model/market/valid", test_market_valid);
  g_test_add_func ("/model/market/invalid/empty", test_market_invalid_empty);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/model/market/invalid/%s", bad_cases[i].name);

      g_test_add_data_func (path, &bad_cases[i], test_market_invalid);
    }
  g_test_add_func ("/model/market/find-closed-at", test_market_find_closed_at);
  g_test_add_func ("/model/market/align/step-hold", test_align_step_hold);
  g_test_add_func ("/model/market/align/no-points", test_align_no_points);
  g_test_add_func ("/model/market/align/base-units", test_align_base_units);
  g_test_add_func ("/model/market/align/contracts", test_align_contracts);
  g_test_add_func ("/model/market/align/long-share", test_align_long_share);
  g_test_add_func ("/model/market/aggregate", test_aggregate);

  return g_test_run ();
}
