/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <math.h>
#include <string.h>

#include "lode-bybit.h"
#include "lode-bybit-parse.h"
#include "lode-venue-test.h"

#define SEED      G_GUINT64_CONSTANT (1234)
#define MINUTE_MS G_GINT64_CONSTANT (60000)
#define HOUR_MS   (60 * MINUTE_MS)
#define DAY_MS    (24 * HOUR_MS)

#define KLINE_PATH "/bybit/v5/market/kline"
#define OI_PATH    "/bybit/v5/market/open-interest"
#define RATIO_PATH "/bybit/v5/market/account-ratio"

/* ---- Parsers on fixtures ------------------------------------------------- */

static GBytes *
load_fixture (const char *name)
{
  return lode_venue_test_load_fixture ("bybit", name);
}

static void
test_parse_klines (void)
{
  g_autoptr(GBytes) body = load_fixture ("kline.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) candles = lode_bybit_parse_klines (body, &error);
  const LodeCandle *c;

  g_assert_no_error (error);
  /* Newest first on the wire, ascending here. */
  g_assert_cmpuint (candles->len, ==, 3);
  c = &g_array_index (candles, LodeCandle, 0);
  lode_venue_test_assert_candle (c, G_GINT64_CONSTANT (1767225600000),
                                 94012.5, 94110.0, 93990.1, 94080.2, 152.331);
  g_assert_cmpint (g_array_index (candles, LodeCandle, 2).time_ms, ==,
                   G_GINT64_CONSTANT (1767225720000));
}

static void
test_parse_open_interest (void)
{
  g_autoptr(GBytes) body = load_fixture ("open-interest.json");
  g_autoptr(GBytes) last = load_fixture ("open-interest-last.json");
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  g_autoptr(GArray) points = lode_bybit_parse_open_interest (body, &cursor, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 3);
  /* "" single and a missing one: half the two-sided figure. */
  g_assert_cmpint (g_array_index (points, LodePoint, 0).time_ms, ==,
                   G_GINT64_CONSTANT (1767225000000));
  g_assert_cmpfloat (g_array_index (points, LodePoint, 0).value, ==, 51500.0);
  g_assert_cmpfloat (g_array_index (points, LodePoint, 1).value, ==, 52000.0);
  /* singleOpenInterest when present. */
  g_assert_cmpfloat (g_array_index (points, LodePoint, 2).value, ==, 52105.25);
  /* The cursor as sent, still URL-encoded. */
  g_assert_cmpstr (cursor, ==, "lastid%3D19408935%26lasttime%3D1767225600");

  g_clear_pointer (&points, g_array_unref);
  g_clear_pointer (&cursor, g_free);
  points = lode_bybit_parse_open_interest (last, &cursor, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 0);
  g_assert_null (cursor);
}

static void
test_parse_ratio (void)
{
  g_autoptr(GBytes) body = load_fixture ("account-ratio.json");
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  g_autoptr(GArray) points = lode_bybit_parse_ratio (body, &cursor, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 2);
  /* JSON numbers where strings are documented are fine too. */
  g_assert_cmpfloat_with_epsilon (g_array_index (points, LodePoint, 0).value, 1.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (g_array_index (points, LodePoint, 1).value, 0.5312 / 0.4688,
                                  1e-12);
  g_assert_nonnull (cursor);
}

static void
test_parse_funding (void)
{
  g_autoptr(GBytes) body = load_fixture ("funding.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) points = lode_bybit_parse_funding (body, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 2);
  g_assert_cmpfloat (g_array_index (points, LodePoint, 0).value, ==, -0.00005);
  g_assert_cmpfloat (g_array_index (points, LodePoint, 1).value, ==, 0.0001);
}

static void
test_parse_depth (void)
{
  g_autoptr(GBytes) body = load_fixture ("orderbook.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeDepth) depth = lode_bybit_parse_depth (body, &error);

  g_assert_no_error (error);
  g_assert_cmpint (depth->time_ms, ==, G_GINT64_CONSTANT (1767225612345));
  g_assert_cmpuint (depth->bids->len, ==, 2);
  g_assert_cmpuint (depth->asks->len, ==, 1);
  g_assert_cmpfloat (g_array_index (depth->bids, LodeDepthLevel, 0).price, ==, 94050.0);
  g_assert_cmpfloat (g_array_index (depth->asks, LodeDepthLevel, 0).price, ==, 94050.1);
}

static void
test_parse_symbols (void)
{
  g_autoptr(GBytes) body = load_fixture ("instruments-info.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) symbols = lode_bybit_parse_symbols (body, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (symbols->len, ==, 2);
  g_assert_cmpstr (((LodeSymbolInfo *) g_ptr_array_index (symbols, 0))->id, ==, "BTCUSDT");
  g_assert_cmpstr (((LodeSymbolInfo *) g_ptr_array_index (symbols, 1))->quote, ==, "USDC");
}

static void
test_parse_errors (void)
{
  g_autoptr(GBytes) invalid = load_fixture ("error-10001.json");
  g_autoptr(GBytes) limited = load_fixture ("error-10006.json");
  g_autoptr(GBytes) missing = load_fixture ("missing-timestamp.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autofree char *cursor = NULL;

  rows = lode_bybit_parse_klines (invalid, &error);
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE);
  g_assert_nonnull (strstr (error->message, "symbol invalid"));
  g_clear_error (&error);

  g_assert_false (lode_bybit_check (limited, &error));
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_RATE_LIMITED);
  g_clear_error (&error);

  rows = lode_bybit_parse_open_interest (missing, &cursor, &error);
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "timestamp"));
}

/* ---- The adapter against the mock ---------------------------------------- */

typedef LodeVenueFixture Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  lode_venue_fixture_setup (f, SEED, "bybit", "BTCUSDT");
}

static void
test_identity (Fixture       *f,
               gconstpointer  data)
{
  lode_venue_fixture_assert_identity (f, "bybit", "Bybit", "https://api.bybit.com");
}

/* 2500 one-minute candles, newest first in pages of 1000, backward. */
static void
test_klines_paging (Fixture       *f,
                    gconstpointer  data)
{
  lode_venue_fixture_assert_minute_paging (f, 2500, KLINE_PATH, 3);
}

static void
check_market (Fixture    *f,
              LodeMarket *market,
              gint64      start,
              gsize       n_expected)
{
  const LodeCandle *candles = lode_market_get_candles (market);
  gsize n = lode_market_get_n_candles (market);

  g_assert_cmpuint (n, ==, n_expected);
  lode_venue_fixture_assert_candles (f, candles, n, start, HOUR_MS);
  for (gsize i = 0; i < n; i++)
    {
      gint64 close_time = candles[i].time_ms + HOUR_MS;
      /* One side, base units × the close at the point's time. */
      double usd = lode_mock_exchange_oi_base (f->mock, close_time)
                   * lode_mock_exchange_price (f->mock, close_time);
      double r = lode_mock_exchange_ratio (f->mock, close_time);

      g_assert_cmpfloat_with_epsilon (candles[i].oi_usd / usd, 1.0, 1e-9);
      g_assert_cmpfloat_with_epsilon (candles[i].long_share, r / (1 + r), 1e-3);
    }
}

/* 20 days of hours: OI in pages of 200 followed by cursor (which must go
 * back as sent: the mock refuses a cursor encoded twice). */
static void
test_market_oi_usd (Fixture       *f,
                    gconstpointer  data)
{
  gint64 end = f->now_ms / HOUR_MS * HOUR_MS - HOUR_MS;
  gint64 start = end - 20 * DAY_MS;
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = lode_venue_fixture_fetch_market (f, "BTCUSDT", HOUR_MS, start,
                                                                  end, NULL, &error);

  g_assert_no_error (error);
  check_market (f, market, start, 480);
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, OI_PATH), ==, 3);
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, RATIO_PATH), ==, 1);
}

/* Rows without singleOpenInterest: half the two-sided openInterest. */
static void
test_market_two_sided (Fixture       *f,
                       gconstpointer  data)
{
  gint64 end = f->now_ms / HOUR_MS * HOUR_MS - HOUR_MS;
  gint64 start = end - 3 * DAY_MS;
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = NULL;

  lode_mock_exchange_set_bybit_single_oi (f->mock, FALSE);
  market = lode_venue_fixture_fetch_market (f, "BTCUSDT", HOUR_MS, start, end, NULL, &error);
  g_assert_no_error (error);
  check_market (f, market, start, 72);
}

/* Without candles, the adapter fetches the closes it needs itself. */
static void
test_oi_alone (Fixture       *f,
               gconstpointer  data)
{
  gint64 end = f->now_ms / HOUR_MS * HOUR_MS - HOUR_MS;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) points = NULL;
  LodeSourceQuery query = { "BTCUSDT", HOUR_MS, end - DAY_MS, end, NULL, 0, NULL, NULL };

  lode_source_fetch_open_interest_async (f->source, &query, NULL, lode_venue_test_on_result,
                                         &result);
  points = lode_source_fetch_open_interest_finish (f->source, lode_venue_test_wait (&result),
                                                   &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, KLINE_PATH), ==, 1);
  /* From one period before the start to the end, both included. */
  g_assert_cmpuint (points->len, ==, 26);
  for (guint i = 1; i < points->len; i++)
    {
      const LodePoint *p = &g_array_index (points, LodePoint, i);
      double usd = lode_mock_exchange_oi_base (f->mock, p->time_ms)
                   * lode_mock_exchange_price (f->mock, p->time_ms);

      g_assert_cmpfloat_with_epsilon (p->value / usd, 1.0, 1e-9);
    }
}

static void
test_rate_limit_10006 (Fixture       *f,
                       gconstpointer  data)
{
  LodeMockFault fault = { .kind = LODE_MOCK_FAULT_RATE_LIMIT };

  lode_venue_fixture_assert_recovers (f, KLINE_PATH, &fault, 2, 30);
}

static void
test_ban_403 (Fixture       *f,
              gconstpointer  data)
{
  LodeMockFault fault = { .kind = LODE_MOCK_FAULT_BAN };
  gint64 end = f->now_ms / HOUR_MS * HOUR_MS;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) candles = NULL;

  lode_mock_exchange_add_fault (f->mock, KLINE_PATH, 1, &fault);
  candles = lode_venue_fixture_fetch_candles (f, MINUTE_MS, end - 30 * MINUTE_MS, end, NULL,
                                              &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, KLINE_PATH), ==, 2);

  lode_mock_exchange_add_fault (f->mock, KLINE_PATH, 3, &fault);
  g_clear_pointer (&candles, g_array_unref);
  candles = lode_venue_fixture_fetch_candles (f, MINUTE_MS, end - 30 * MINUTE_MS, end, NULL,
                                              &error);
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_RATE_LIMITED);
}

static void
test_venue_error (Fixture       *f,
                  gconstpointer  data)
{
  gint64 end = f->now_ms / HOUR_MS * HOUR_MS;
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = lode_venue_fixture_fetch_market (f, "NOPEUSDT", HOUR_MS,
                                                                  end - DAY_MS, end, NULL, &error);

  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE);
  g_assert_nonnull (strstr (error->message, "10001"));
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, KLINE_PATH), ==, 1);
}

static void
test_bad_bodies (Fixture       *f,
                 gconstpointer  data)
{
  const char *const paths[] = { KLINE_PATH, OI_PATH, RATIO_PATH };

  lode_venue_fixture_assert_bad_bodies (f, DAY_MS, paths, G_N_ELEMENTS (paths));
}

/* When X-Bapi-Limit-Status says nothing is left, the next request waits
 * for X-Bapi-Limit-Reset-Timestamp. */
static void
test_limit_headers (Fixture       *f,
                    gconstpointer  data)
{
  gint64 end = f->now_ms / HOUR_MS * HOUR_MS;
  gint64 t0;

  lode_mock_exchange_set_bybit_limit (f->mock, 2, 600);
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) candles = lode_venue_fixture_fetch_candles (f, MINUTE_MS,
                                                                    end - 10 * MINUTE_MS, end,
                                                                    NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (candles->len, ==, 10);
    }
  /* The second reply said 0 left: the third waited for the reset. */
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, 450 * 1000);
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, KLINE_PATH), ==, 3);
}

/* A cursor that always names the same page ends the series after the
 * second request instead of looping. */
static void
test_cursor_loop (Fixture       *f,
                  gconstpointer  data)
{
  LodeMockFault fault = { .kind = LODE_MOCK_FAULT_CURSOR_LOOP };
  gint64 end = f->now_ms / HOUR_MS * HOUR_MS - HOUR_MS;
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = NULL;

  lode_mock_exchange_add_fault (f->mock, OI_PATH, 100, &fault);
  market = lode_venue_fixture_fetch_market (f, "BTCUSDT", HOUR_MS, end - 20 * DAY_MS, end, NULL,
                                            &error);
  g_assert_no_error (error);
  g_assert_nonnull (market);
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, OI_PATH), ==, 2);
}

/* No OI rows at all: a market without OI (NaN), not an error. */
static void
test_empty_oi (Fixture       *f,
               gconstpointer  data)
{
  LodeMockFault fault = { .kind = LODE_MOCK_FAULT_EMPTY };
  gint64 end = f->now_ms / HOUR_MS * HOUR_MS - HOUR_MS;
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = NULL;

  lode_mock_exchange_add_fault (f->mock, OI_PATH, 1, &fault);
  market = lode_venue_fixture_fetch_market (f, "BTCUSDT", HOUR_MS, end - DAY_MS, end, NULL, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < lode_market_get_n_candles (market); i++)
    g_assert_true (isnan (lode_market_get_candle (market, i)->oi_usd));
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, OI_PATH), ==, 1);
}

/* No candles in the range: said as such. */
static void
test_empty_candles (Fixture       *f,
                    gconstpointer  data)
{
  LodeMockFault fault = { .kind = LODE_MOCK_FAULT_EMPTY };
  gint64 end = f->now_ms / HOUR_MS * HOUR_MS - HOUR_MS;
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = NULL;

  lode_mock_exchange_add_fault (f->mock, KLINE_PATH, 1, &fault);
  market = lode_venue_fixture_fetch_market (f, "BTCUSDT", HOUR_MS, end - DAY_MS, end, NULL, &error);
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE);
  g_assert_null (market);
}

static void
test_funding (Fixture       *f,
              gconstpointer  data)
{
  gint64 end = f->now_ms / DAY_MS * DAY_MS;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) points = NULL;
  LodeSourceQuery query = { "BTCUSDT", HOUR_MS, end - 100 * DAY_MS, end, NULL, 0, NULL, NULL };

  points = lode_venue_fixture_fetch_funding (f, &query, &error);
  g_assert_no_error (error);
  /* 300 points: pages of 200 backward by endTime. */
  g_assert_cmpuint (points->len, ==, 300);
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, "/bybit/v5/market/funding/history"), ==,
                    2);
  for (guint i = 1; i < points->len; i++)
    g_assert_cmpint (g_array_index (points, LodePoint, i).time_ms
                     - g_array_index (points, LodePoint, i - 1).time_ms, ==, 8 * HOUR_MS);
}

static void
test_depth (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeDepth) depth = NULL;

  depth = lode_venue_fixture_fetch_depth (f, "BTCUSDT", &error);
  g_assert_no_error (error);
  lode_venue_test_assert_depth (depth, 1000);
}

static void
test_symbols (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) symbols = NULL;

  symbols = lode_venue_fixture_list_symbols (f, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (symbols->len, ==, 3);
  g_assert_cmpstr (((LodeSymbolInfo *) g_ptr_array_index (symbols, 2))->id, ==, "BTCPERP");
}

int
main (int   argc,
      char *argv[])
{
  /* See test-http.c: no GNOME proxy resolver without its schema. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sources/bybit/parse/klines", test_parse_klines);
  g_test_add_func ("/sources/bybit/parse/open-interest", test_parse_open_interest);
  g_test_add_func ("/sources/bybit/parse/ratio", test_parse_ratio);
  g_test_add_func ("/sources/bybit/parse/funding", test_parse_funding);
  g_test_add_func ("/sources/bybit/parse/depth", test_parse_depth);
  g_test_add_func ("/sources/bybit/parse/symbols", test_parse_symbols);
  g_test_add_func ("/sources/bybit/parse/errors", test_parse_errors);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, lode_venue_fixture_teardown)

  ADD ("/sources/bybit/identity", test_identity);
  ADD ("/sources/bybit/klines/paging", test_klines_paging);
  ADD ("/sources/bybit/market/oi-usd", test_market_oi_usd);
  ADD ("/sources/bybit/market/two-sided-oi", test_market_two_sided);
  ADD ("/sources/bybit/oi/without-candles", test_oi_alone);
  ADD ("/sources/bybit/retry/10006", test_rate_limit_10006);
  ADD ("/sources/bybit/retry/403-backs-off", test_ban_403);
  ADD ("/sources/bybit/venue-error", test_venue_error);
  ADD ("/sources/bybit/bad-bodies", test_bad_bodies);
  ADD ("/sources/bybit/rate-limit/limit-headers", test_limit_headers);
  ADD ("/sources/bybit/oi/cursor-loop", test_cursor_loop);
  ADD ("/sources/bybit/oi/empty", test_empty_oi);
  ADD ("/sources/bybit/klines/empty", test_empty_candles);
  ADD ("/sources/bybit/funding", test_funding);
  ADD ("/sources/bybit/depth", test_depth);
  ADD ("/sources/bybit/symbols", test_symbols);

  return g_test_run ();
}
