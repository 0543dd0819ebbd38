/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <math.h>
#include <string.h>

#include "lode-okx.h"
#include "lode-okx-parse.h"
#include "lode-venue-test.h"

#define SEED      G_GUINT64_CONSTANT (99)
#define MINUTE_MS G_GINT64_CONSTANT (60000)
#define HOUR_MS   (60 * MINUTE_MS)
#define DAY_MS    (24 * HOUR_MS)

#define CANDLES_PATH "/okx/api/v5/market/history-candles"
#define OI_PATH      "/okx/api/v5/rubik/stat/contracts/open-interest-history"
#define RATIO_PATH   "/okx/api/v5/rubik/stat/contracts/long-short-account-ratio-contract"

/* ---- Parsers on fixtures ------------------------------------------------- */

static GBytes *
load_fixture (const char *name)
{
  return lode_venue_test_load_fixture ("okx", name);
}

static void
test_parse_candles (void)
{
  g_autoptr(GBytes) body = load_fixture ("candles.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) candles = lode_okx_parse_candles (body, &error);
  const LodeCandle *c;

  g_assert_no_error (error);
  g_assert_cmpuint (candles->len, ==, 3);
  c = &g_array_index (candles, LodeCandle, 0);
  g_assert_cmpint (c->time_ms, ==, G_GINT64_CONSTANT (1767225600000));
  g_assert_cmpfloat (c->open, ==, 94012.5);
  g_assert_cmpfloat (c->close, ==, 94080.2);
  /* volCcy (base), not vol (contracts) */
  g_assert_cmpfloat (c->volume, ==, 152.331);
  /* The forming candle (confirm "0") is kept. */
  g_assert_cmpint (g_array_index (candles, LodeCandle, 2).time_ms, ==,
                   G_GINT64_CONSTANT (1767225720000));
}

static void
test_parse_oi (void)
{
  g_autoptr(GBytes) body = load_fixture ("oi-history.json");
  g_autoptr(GBytes) current = load_fixture ("oi.json");
  g_autoptr(GBytes) short_row = load_fixture ("oi-history-short-row.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) points = lode_okx_parse_oi_history (body, &error);
  LodePoint point;

  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 2);
  g_assert_cmpint (g_array_index (points, LodePoint, 0).time_ms, ==,
                   G_GINT64_CONSTANT (1767225300000));
  g_assert_cmpfloat (g_array_index (points, LodePoint, 0).value, ==, 2449000000.0);
  g_assert_cmpfloat (g_array_index (points, LodePoint, 1).value, ==, 2450176212.4);

  g_assert_true (lode_okx_parse_oi_current (current, &point, &error));
  g_assert_cmpint (point.time_ms, ==, G_GINT64_CONSTANT (1767225612345));
  g_assert_cmpfloat (point.value, ==, 2450176212.4);

  g_clear_pointer (&points, g_array_unref);
  points = lode_okx_parse_oi_history (short_row, &error);
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "oiUsd"));
}

static void
test_parse_ratio (void)
{
  g_autoptr(GBytes) body = load_fixture ("ratio.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) points = lode_okx_parse_ratio (body, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 2);
  g_assert_cmpfloat (g_array_index (points, LodePoint, 0).value, ==, 1.26);
  g_assert_cmpfloat (g_array_index (points, LodePoint, 1).value, ==, 1.27);
}

static void
test_parse_funding (void)
{
  g_autoptr(GBytes) body = load_fixture ("funding.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) points = lode_okx_parse_funding (body, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 2);
  g_assert_cmpfloat (g_array_index (points, LodePoint, 0).value, ==, -0.00003);
}

static void
test_parse_depth (void)
{
  g_autoptr(GBytes) body = load_fixture ("books.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeDepth) depth = lode_okx_parse_depth (body, 0.01, &error);

  g_assert_no_error (error);
  g_assert_cmpint (depth->time_ms, ==, G_GINT64_CONSTANT (1767225612345));
  g_assert_cmpuint (depth->bids->len, ==, 2);
  g_assert_cmpfloat (g_array_index (depth->bids, LodeDepthLevel, 0).price, ==, 94050.0);
  /* 312 contracts of 0.01 BTC */
  g_assert_cmpfloat_with_epsilon (g_array_index (depth->bids, LodeDepthLevel, 0).size_base, 3.12,
                                  1e-12);
  g_assert_cmpfloat (g_array_index (depth->asks, LodeDepthLevel, 0).price, ==, 94050.1);
}

static void
test_parse_symbols (void)
{
  g_autoptr(GBytes) body = load_fixture ("instruments.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) symbols = lode_okx_parse_symbols (body, &error);
  LodeSymbolInfo *info;

  g_assert_no_error (error);
  /* Live linear swaps: not the inverse one, not the suspended one. */
  g_assert_cmpuint (symbols->len, ==, 2);
  info = g_ptr_array_index (symbols, 0);
  g_assert_cmpstr (info->id, ==, "BTC-USDT-SWAP");
  g_assert_cmpstr (info->base, ==, "BTC");
  g_assert_cmpstr (info->quote, ==, "USDT");
  g_assert_cmpfloat (info->contract_value, ==, 0.01);
  /* ctMult "" is missing: 1. */
  info = g_ptr_array_index (symbols, 1);
  g_assert_cmpfloat (info->contract_value, ==, 1e7);
}

static void
test_parse_errors (void)
{
  g_autoptr(GBytes) limited = load_fixture ("error-50011.json");
  g_autoptr(GBytes) invalid = load_fixture ("error-51001.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rows = NULL;

  g_assert_false (lode_okx_check (limited, &error));
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_RATE_LIMITED);
  g_clear_error (&error);

  rows = lode_okx_parse_candles (invalid, &error);
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE);
  g_assert_nonnull (strstr (error->message, "51001"));
}

/* ---- The adapter against the mock ---------------------------------------- */

typedef LodeVenueFixture Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  lode_venue_fixture_setup (f, SEED, "okx", "BTC-USDT-SWAP");
}

static void
test_identity (Fixture       *f,
               gconstpointer  data)
{
  lode_venue_fixture_assert_identity (f, "okx", "OKX", "https://www.okx.com");
}

/* 700 one-minute candles, newest first in pages of 300, `after` back. */
static void
test_candles_paging (Fixture       *f,
                     gconstpointer  data)
{
  lode_venue_fixture_assert_minute_paging (f, 700, CANDLES_PATH, 3);
}

/* Day candles in their UTC form: midnight UTC, not 16:00 (UTC+8). */
static void
test_day_candles_utc (Fixture       *f,
                      gconstpointer  data)
{
  gint64 end = f->now_ms / DAY_MS * DAY_MS;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) candles = lode_venue_fixture_fetch_candles (f, DAY_MS, end - 30 * DAY_MS, end,
                                                                NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (candles->len, ==, 30);
  lode_venue_fixture_assert_candles (f, (const LodeCandle *) (void *) candles->data, candles->len,
                                     end - 30 * DAY_MS, DAY_MS);
}

static void
test_market_oi_usd (Fixture       *f,
                    gconstpointer  data)
{
  gint64 end = f->now_ms / HOUR_MS * HOUR_MS - HOUR_MS;
  gint64 start = end - 10 * DAY_MS;
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = lode_venue_fixture_fetch_market (f, "BTC-USDT-SWAP", HOUR_MS,
                                                                  start, end, NULL, &error);
  const LodeCandle *candles;
  gsize n;

  g_assert_no_error (error);
  n = lode_market_get_n_candles (market);
  g_assert_cmpuint (n, ==, 240);
  candles = lode_market_get_candles (market);
  lode_venue_fixture_assert_candles (f, candles, n, start, HOUR_MS);
  for (gsize i = 0; i < n; i++)
    {
      gint64 close_time = candles[i].time_ms + HOUR_MS;
      double usd = lode_mock_exchange_oi_base (f->mock, close_time)
                   * lode_mock_exchange_price (f->mock, close_time);
      double r = lode_mock_exchange_ratio (f->mock, close_time);

      g_assert_cmpfloat_with_epsilon (candles[i].oi_usd / usd, 1.0, 1e-9);
      g_assert_cmpfloat_with_epsilon (candles[i].long_share, r / (1 + r), 1e-12);
    }
  /* 242 hourly points, 100 a page, backward by `end`. */
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, OI_PATH), ==, 3);
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, RATIO_PATH), ==, 3);
}

/* The rubik statistics keep 1,440 points: 15 days of 15 minutes. */
static void
test_oi_horizon (Fixture       *f,
                 gconstpointer  data)
{
  gint64 period = 15 * MINUTE_MS;
  gint64 end = f->now_ms / HOUR_MS * HOUR_MS - HOUR_MS;
  gint64 start = end - 17 * DAY_MS;
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = NULL;
  const LodeCandle *candles;
  gsize n, known = 0;

  /* 15 pages per series: at OKX's 5 and 10 requests per 2 s this would
   * take seconds; pacing has its own tests. */
  lode_http_set_rate_limit (f->http, "okx:open-interest-history", 100, 2000, NULL);
  lode_http_set_rate_limit (f->http, "okx:long-short-account-ratio", 100, 2000, NULL);
  market = lode_venue_fixture_fetch_market (f, "BTC-USDT-SWAP", period, start, end, NULL, &error);

  g_assert_no_error (error);
  n = lode_market_get_n_candles (market);
  candles = lode_market_get_candles (market);
  for (gsize i = 0; i < n; i++)
    {
      gint64 close_time = candles[i].time_ms + period;

      if (close_time < f->now_ms - 1440 * period)
        g_assert_true (isnan (candles[i].oi_usd));
      else if (!isnan (candles[i].oi_usd))
        known++;
    }
  g_assert_cmpuint (known, >=, 1400);
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, OI_PATH), <=, 15);
}

static void
test_rate_limit_50011 (Fixture       *f,
                       gconstpointer  data)
{
  LodeMockFault fault = { .kind = LODE_MOCK_FAULT_RATE_LIMIT };

  lode_venue_fixture_assert_recovers (f, CANDLES_PATH, &fault, 2, 30);
}

static void
test_venue_error (Fixture       *f,
                  gconstpointer  data)
{
  gint64 end = f->now_ms / HOUR_MS * HOUR_MS;
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = lode_venue_fixture_fetch_market (f, "NOPE-USDT-SWAP", HOUR_MS,
                                                                  end - DAY_MS, end, NULL, &error);

  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE);
  g_assert_nonnull (strstr (error->message, "51001"));
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, CANDLES_PATH), ==, 1);
}

static void
test_bad_bodies (Fixture       *f,
                 gconstpointer  data)
{
  const char *const paths[] = { CANDLES_PATH, OI_PATH, RATIO_PATH };

  lode_venue_fixture_assert_bad_bodies (f, DAY_MS, paths, G_N_ELEMENTS (paths));
}

static void
test_funding (Fixture       *f,
              gconstpointer  data)
{
  gint64 end = f->now_ms / DAY_MS * DAY_MS;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) points = NULL;
  LodeSourceQuery query = { "BTC-USDT-SWAP", HOUR_MS, end - 20 * DAY_MS, end, NULL, 0, NULL, NULL };

  points = lode_venue_fixture_fetch_funding (f, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 60);
}

static void
test_depth (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeDepth) depth = NULL;

  depth = lode_venue_fixture_fetch_depth (f, "BTC-USDT-SWAP", &error);
  g_assert_no_error (error);
  lode_venue_test_assert_depth (depth, 400);
  /* Base units: the mock's sizes are 0.5 … 3.5 BTC. */
  for (guint i = 0; i < depth->bids->len; i++)
    {
      double size = g_array_index (depth->bids, LodeDepthLevel, i).size_base;

      g_assert_cmpfloat (size, >=, 0.49);
      g_assert_cmpfloat (size, <=, 3.51);
    }

  /* The contract value is remembered. */
  g_clear_pointer (&depth, lode_depth_free);
  depth = lode_venue_fixture_fetch_depth (f, "BTC-USDT-SWAP", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, "/okx/api/v5/public/instruments"), ==, 1);
}

static void
test_symbols (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) symbols = NULL;

  symbols = lode_venue_fixture_list_symbols (f, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (symbols->len, ==, 2);
  g_assert_cmpfloat (((LodeSymbolInfo *) g_ptr_array_index (symbols, 1))->contract_value, ==, 0.1);
}

int
main (int   argc,
      char *argv[])
{
  /* See test-http.c: no GNOME proxy resolver without its schema. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sources/okx/parse/candles", test_parse_candles);
  g_test_add_func ("/sources/okx/parse/open-interest", test_parse_oi);
  g_test_add_func ("/sources/okx/parse/ratio", test_parse_ratio);
  g_test_add_func ("/sources/okx/parse/funding", test_parse_funding);
  g_test_add_func ("/sources/okx/parse/depth", test_parse_depth);
  g_test_add_func ("/sources/okx/parse/symbols", test_parse_symbols);
  g_test_add_func ("/sources/okx/parse/errors", test_parse_errors);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, lode_venue_fixture_teardown)

  ADD ("/sources/okx/identity", test_identity);
  ADD ("/sources/okx/candles/paging", test_candles_paging);
  ADD ("/sources/okx/candles/day-utc", test_day_candles_utc);
  ADD ("/sources/okx/market/oi-usd", test_market_oi_usd);
  ADD ("/sources/okx/oi/horizon", test_oi_horizon);
  ADD ("/sources/okx/retry/50011", test_rate_limit_50011);
  ADD ("/sources/okx/venue-error", test_venue_error);
  ADD ("/sources/okx/bad-bodies", test_bad_bodies);
  ADD ("/sources/okx/funding", test_funding);
  ADD ("/sources/okx/depth", test_depth);
  ADD ("/sources/okx/symbols", test_symbols);

  return g_test_run ();
}
