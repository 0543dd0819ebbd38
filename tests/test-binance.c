/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <math.h>
#include <string.h>

#include "lode-binance.h"
#include "lode-binance-parse.h"
#include "lode-venue-test.h"

#define SEED      G_GUINT64_CONSTANT (42)
#define MINUTE_MS G_GINT64_CONSTANT (60000)
#define HOUR_MS   (60 * MINUTE_MS)
#define DAY_MS    (24 * HOUR_MS)

#define KLINES_PATH "/binance/fapi/v1/klines"
#define OI_PATH     "/binance/futures/data/openInterestHist"
#define RATIO_PATH  "/binance/futures/data/globalLongShortAccountRatio"

/* ---- Parsers on fixtures ------------------------------------------------- */

static GBytes *
load_fixture (const char *name)
{
  return lode_venue_test_load_fixture ("binance", name);
}

static GBytes *
bytes_of (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static void
test_parse_klines (void)
{
  g_autoptr(GBytes) body = load_fixture ("klines.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) candles = lode_binance_parse_klines (body, &error);
  const LodeCandle *c;

  g_assert_no_error (error);
  /* Four rows, one a duplicate (string time); given out of order. */
  g_assert_cmpuint (candles->len, ==, 3);
  c = &g_array_index (candles, LodeCandle, 0);
  lode_venue_test_assert_candle (c, G_GINT64_CONSTANT (1767225600000),
                                 94012.5, 94110.0, 93990.1, 94080.2, 152.331);
  g_assert_true (isnan (c->oi_usd));
  g_assert_cmpfloat (c->long_share, ==, 0.5);
  g_assert_cmpint (g_array_index (candles, LodeCandle, 1).time_ms, ==,
                   G_GINT64_CONSTANT (1767225660000));
  /* Numbers as JSON numbers are accepted too. */
  c = &g_array_index (candles, LodeCandle, 2);
  g_assert_cmpfloat (c->high, ==, 94150.5);
  g_assert_cmpfloat (c->volume, ==, 12.5);
}

static void
test_parse_klines_bad (void)
{
  struct { const char *fixture; const char *text; const char *needle; } cases[] = {
    { "klines-short-row.json", NULL, "close" },
    { "klines-nan.json", NULL, "close" },
    { NULL, "[[1767225600000,\"94012.5\",\"94110.0\"", NULL },
    { NULL, "{\"klines\":[]}", NULL },
    { NULL, "", NULL },
    { NULL, "[[1767225600000,\"1\",\"0.5\",\"0.9\",\"1\",\"1\"]]", "prices" },
    { NULL, "[[\"x\",\"1\",\"1\",\"1\",\"1\",\"1\"]]", "openTime" },
    { NULL, "[5]", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = cases[i].fixture != NULL ? load_fixture (cases[i].fixture)
                                                        : bytes_of (cases[i].text);
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) candles = lode_binance_parse_klines (body, &error);

      g_assert_null (candles);
      g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE);
      if (cases[i].needle != NULL)
        g_assert_nonnull (strstr (error->message, cases[i].needle));
    }
}

static void
test_parse_oi_history (void)
{
  g_autoptr(GBytes) body = load_fixture ("oi-history.json");
  g_autoptr(GBytes) missing = load_fixture ("oi-history-missing.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) points = lode_binance_parse_oi_history (body, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 2);
  /* The timestamp as a string and as an int. */
  g_assert_cmpint (g_array_index (points, LodePoint, 0).time_ms, ==,
                   G_GINT64_CONSTANT (1767225300000));
  g_assert_cmpfloat (g_array_index (points, LodePoint, 0).value, ==, 7615021334.1102);
  g_assert_cmpint (g_array_index (points, LodePoint, 1).time_ms, ==,
                   G_GINT64_CONSTANT (1767225600000));

  g_clear_pointer (&points, g_array_unref);
  points = lode_binance_parse_oi_history (missing, &error);
  g_assert_null (points);
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "sumOpenInterestValue"));
}

static void
test_parse_oi_current (void)
{
  g_autoptr(GBytes) body = load_fixture ("oi.json");
  g_autoptr(GError) error = NULL;
  LodePoint point;

  g_assert_true (lode_binance_parse_oi_current (body, &point, &error));
  g_assert_no_error (error);
  g_assert_cmpint (point.time_ms, ==, G_GINT64_CONSTANT (1767225612345));
  g_assert_cmpfloat (point.value, ==, 81234.512);
}

static void
test_parse_ratio (void)
{
  g_autoptr(GBytes) body = load_fixture ("ratio.json");
  g_autoptr(GBytes) position = load_fixture ("ratio-position.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) points = lode_binance_parse_ratio (body, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 2);
  g_assert_cmpfloat (g_array_index (points, LodePoint, 0).value, ==, 1.7);
  g_assert_cmpfloat (g_array_index (points, LodePoint, 1).value, ==, 1.8105);

  /* COIN-M names, and "" for the ratio itself: long/short from shares. */
  g_clear_pointer (&points, g_array_unref);
  points = lode_binance_parse_ratio (position, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 1);
  g_assert_cmpfloat_with_epsilon (g_array_index (points, LodePoint, 0).value, 1.5, 1e-12);
}

static void
test_parse_funding (void)
{
  g_autoptr(GBytes) body = load_fixture ("funding.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) points = lode_binance_parse_funding (body, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 2);
  g_assert_cmpfloat (g_array_index (points, LodePoint, 0).value, ==, -0.000025);
  g_assert_cmpfloat (g_array_index (points, LodePoint, 1).value, ==, 0.0001);
}

static void
test_parse_depth (void)
{
  g_autoptr(GBytes) body = load_fixture ("depth.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeDepth) depth = lode_binance_parse_depth (body, &error);

  g_assert_no_error (error);
  g_assert_cmpint (depth->time_ms, ==, G_GINT64_CONSTANT (1767225612959));
  /* The empty level is dropped; both sides outward from the spread. */
  g_assert_cmpuint (depth->bids->len, ==, 2);
  g_assert_cmpuint (depth->asks->len, ==, 2);
  g_assert_cmpfloat (g_array_index (depth->bids, LodeDepthLevel, 0).price, ==, 94050.0);
  g_assert_cmpfloat (g_array_index (depth->bids, LodeDepthLevel, 0).size_base, ==, 3.12);
  g_assert_cmpfloat (g_array_index (depth->bids, LodeDepthLevel, 1).price, ==, 94049.0);
  g_assert_cmpfloat (g_array_index (depth->asks, LodeDepthLevel, 0).price, ==, 94050.1);
  g_assert_cmpfloat (g_array_index (depth->asks, LodeDepthLevel, 1).price, ==, 94051.1);
}

static void
test_parse_symbols (void)
{
  g_autoptr(GBytes) body = load_fixture ("exchange-info.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) symbols = lode_binance_parse_symbols (body, &error);
  LodeSymbolInfo *info;

  g_assert_no_error (error);
  /* Perpetuals that trade: not the quarterly, not the settling one. */
  g_assert_cmpuint (symbols->len, ==, 2);
  info = g_ptr_array_index (symbols, 0);
  g_assert_cmpstr (info->id, ==, "BTCUSDT");
  g_assert_cmpstr (info->base, ==, "BTC");
  g_assert_cmpstr (info->quote, ==, "USDT");
  g_assert_cmpfloat (info->contract_value, ==, 1.0);
  info = g_ptr_array_index (symbols, 1);
  g_assert_cmpstr (info->id, ==, "1000PEPEUSDT");
}

static void
test_parse_error (void)
{
  g_autoptr(GBytes) body = load_fixture ("error.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) candles = lode_binance_parse_klines (body, &error);

  g_assert_null (candles);
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE);
  g_assert_nonnull (strstr (error->message, "Invalid symbol."));
  g_clear_error (&error);

  g_assert_false (lode_binance_check (body, &error));
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE);
  g_clear_error (&error);

  g_clear_pointer (&body, g_bytes_unref);
  body = load_fixture ("oi.json");
  g_assert_true (lode_binance_check (body, &error));
  g_assert_no_error (error);
}

/* ---- The adapter against the mock ---------------------------------------- */

typedef LodeVenueFixture Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  lode_venue_fixture_setup (f, SEED, "binance", "BTCUSDT");
}

static void
test_identity (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *base = NULL;

  lode_venue_fixture_assert_identity (f, "binance", "Binance", "https://fapi.binance.com");
  g_object_get (f->source, "base-url", &base, NULL);
  g_assert_true (g_str_has_suffix (base, "/binance"));
  g_assert_null (lode_source_new_for_id ("nasdaq", f->http, NULL));
}

/* 3200 one-minute candles: pages of 1500, 1500 and 200, forward. */
static void
test_klines_paging (Fixture       *f,
                    gconstpointer  data)
{
  lode_venue_fixture_assert_minute_paging (f, 3200, KLINES_PATH, 3);
  g_assert_cmpuint (f->progress_calls, ==, 3);
  g_assert_cmpuint (f->last_expected, ==, 3);
}

/* A range that ends at an unaligned time and one exactly one page long. */
static void
test_klines_edges (Fixture       *f,
                   gconstpointer  data)
{
  gint64 end = f->now_ms / DAY_MS * DAY_MS - 2 * DAY_MS;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) candles = lode_venue_fixture_fetch_candles (f, 5 * MINUTE_MS,
                                                                end - 1500 * 5 * MINUTE_MS, end,
                                                                NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (candles->len, ==, 1500);
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, KLINES_PATH), <=, 2);
  g_clear_pointer (&candles, g_array_unref);

  /* [start, end) with end inside a candle: that candle is in. */
  candles = lode_venue_fixture_fetch_candles (f, HOUR_MS, end - 10 * HOUR_MS, end - 30 * MINUTE_MS,
                                              NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (candles->len, ==, 10);
}

static void
test_market_oi_usd (Fixture       *f,
                    gconstpointer  data)
{
  gint64 end = f->now_ms / HOUR_MS * HOUR_MS - HOUR_MS;
  gint64 start = end - 40 * DAY_MS;
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = lode_venue_fixture_fetch_market (f, f->symbol, HOUR_MS, start,
                                                                  end, NULL, &error);
  const LodeCandle *candles;
  gsize n, with_oi = 0;

  g_assert_no_error (error);
  n = lode_market_get_n_candles (market);
  g_assert_cmpuint (n, ==, 40 * 24);
  candles = lode_market_get_candles (market);
  lode_venue_fixture_assert_candles (f, candles, n, start, HOUR_MS);

  for (gsize i = 0; i < n; i++)
    {
      gint64 close_time = candles[i].time_ms + HOUR_MS;
      double r = lode_mock_exchange_ratio (f->mock, close_time);

      if (close_time >= f->now_ms - 30 * DAY_MS + 2 * HOUR_MS)
        {
          /* sumOpenInterestValue of the point at the close: USD. */
          double usd = lode_mock_exchange_oi_base (f->mock, close_time)
                       * lode_mock_exchange_price (f->mock, close_time);

          g_assert_cmpfloat_with_epsilon (candles[i].oi_usd / usd, 1.0, 1e-9);
          g_assert_cmpfloat_with_epsilon (candles[i].long_share, r / (1 + r), 1e-9);
          with_oi++;
        }
      else if (close_time < f->now_ms - 30 * DAY_MS)
        {
          /* Older than the venue's 30 days: unknown, not invented. */
          g_assert_true (isnan (candles[i].oi_usd));
          g_assert_cmpfloat (candles[i].long_share, ==, 0.5);
        }
    }
  g_assert_cmpuint (with_oi, >=, 29 * 24);

  /* 720 hourly points need two pages of 500 per series; none before the
   * 30-day horizon was asked for. */
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, OI_PATH), ==, 2);
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, RATIO_PATH), ==, 2);
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, KLINES_PATH), ==, 1);
  g_assert_cmpuint (f->last_done, ==, 5);
}

static void
test_oi_older_than_30_days (Fixture       *f,
                            gconstpointer  data)
{
  gint64 end = f->now_ms - 40 * DAY_MS;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) points = NULL;
  LodeSourceQuery query = {
    .symbol = "BTCUSDT",
    .interval_ms = HOUR_MS,
    .start_ms = end - 5 * DAY_MS,
    .end_ms = end,
  };

  lode_source_fetch_open_interest_async (f->source, &query, NULL, lode_venue_test_on_result,
                                         &result);
  points = lode_source_fetch_open_interest_finish (f->source, lode_venue_test_wait (&result),
                                                   &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 0);
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, NULL), ==, 0);
}

/* One-minute candles use 5-minute OI, held until the next point. */
static void
test_market_finer_than_oi (Fixture       *f,
                           gconstpointer  data)
{
  gint64 end = f->now_ms / HOUR_MS * HOUR_MS - HOUR_MS;
  gint64 start = end - 2 * HOUR_MS;
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = lode_venue_fixture_fetch_market (f, f->symbol, MINUTE_MS, start,
                                                                  end, NULL, &error);
  const LodeCandle *candles;

  g_assert_no_error (error);
  g_assert_cmpuint (lode_market_get_n_candles (market), ==, 120);
  candles = lode_market_get_candles (market);
  for (gsize i = 0; i < 120; i++)
    {
      gint64 held = (candles[i].time_ms + MINUTE_MS) / (5 * MINUTE_MS) * (5 * MINUTE_MS);
      double usd = lode_mock_exchange_oi_base (f->mock, held) * lode_mock_exchange_price (f->mock, held);

      if (held < start)
        continue;  /* before the range's first point: NaN is right too */
      g_assert_cmpfloat_with_epsilon (candles[i].oi_usd / usd, 1.0, 1e-9);
    }
}

static void
test_retry_after_429 (Fixture       *f,
                      gconstpointer  data)
{
  LodeMockFault fault = { .kind = LODE_MOCK_FAULT_RATE_LIMIT, .retry_after_s = 1 };
  gint64 t0 = g_get_monotonic_time ();

  lode_venue_fixture_assert_recovers (f, KLINES_PATH, &fault, 1, 100);
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, G_USEC_PER_SEC);
}

static void
test_ban_418_backs_off (Fixture       *f,
                        gconstpointer  data)
{
  LodeMockFault fault = { .kind = LODE_MOCK_FAULT_BAN };
  gint64 end = f->now_ms / HOUR_MS * HOUR_MS;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) candles = NULL;

  lode_venue_fixture_assert_recovers (f, KLINES_PATH, &fault, 1, 10);

  /* Banned for longer than the retries last: the error says so. */
  lode_mock_exchange_add_fault (f->mock, KLINES_PATH, 5, &fault);
  candles = lode_venue_fixture_fetch_candles (f, MINUTE_MS, end - 10 * MINUTE_MS, end, NULL,
                                              &error);
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_RATE_LIMITED);
  g_assert_null (candles);
}

static void
test_server_error (Fixture       *f,
                   gconstpointer  data)
{
  LodeMockFault fault = { .kind = LODE_MOCK_FAULT_STATUS, .status = 502 };
  gint64 end = f->now_ms / HOUR_MS * HOUR_MS;
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = NULL;

  lode_mock_exchange_add_fault (f->mock, OI_PATH, 10, &fault);
  market = lode_venue_fixture_fetch_market (f, f->symbol, HOUR_MS, end - 2 * DAY_MS, end, NULL,
                                            &error);
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_HTTP_SERVER);
  g_assert_null (market);
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, OI_PATH), ==, 3);
  /* Nothing after the failed series was asked for. */
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, RATIO_PATH), ==, 0);
}

static void
test_timeout (Fixture       *f,
              gconstpointer  data)
{
  LodeMockFault fault = { .kind = LODE_MOCK_FAULT_DELAY, .delay_ms = 2000 };
  gint64 end = f->now_ms / HOUR_MS * HOUR_MS;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) candles = NULL;
  gint64 t0, elapsed;

  lode_http_set_timeout_ms (f->http, 250);
  lode_http_set_retry_policy (f->http, 2, 10, 10, 5000);
  lode_mock_exchange_add_fault (f->mock, KLINES_PATH, 2, &fault);
  t0 = g_get_monotonic_time ();
  candles = lode_venue_fixture_fetch_candles (f, MINUTE_MS, end - 10 * MINUTE_MS, end, NULL,
                                              &error);
  elapsed = g_get_monotonic_time () - t0;

  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_NETWORK);
  g_assert_cmpint (elapsed, >=, 500 * 1000);
  g_assert_cmpint (elapsed, <, 1500 * 1000);
}

static void
test_bad_bodies (Fixture       *f,
                 gconstpointer  data)
{
  const char *const paths[] = { KLINES_PATH, OI_PATH, RATIO_PATH };

  lode_venue_fixture_assert_bad_bodies (f, 2 * DAY_MS, paths, G_N_ELEMENTS (paths));
}

static void
test_invalid_symbol (Fixture       *f,
                     gconstpointer  data)
{
  gint64 end = f->now_ms / HOUR_MS * HOUR_MS;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = NULL;

  lode_source_fetch_market_async (f->source, "NOPEUSDT", HOUR_MS, end - DAY_MS, end,
                                  NULL, NULL, NULL, lode_venue_test_on_result, &result);
  market = lode_source_fetch_market_finish (f->source, lode_venue_test_wait (&result), &error);
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_HTTP_CLIENT);
  g_assert_nonnull (strstr (error->message, "Invalid symbol."));
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, KLINES_PATH), ==, 1);
}

static void
test_invalid_query (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) candles = lode_venue_fixture_fetch_candles (f, 7 * MINUTE_MS, 0, HOUR_MS, NULL,
                                                                &error);

  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  candles = lode_venue_fixture_fetch_candles (f, MINUTE_MS, HOUR_MS, HOUR_MS, NULL, &error);
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, NULL), ==, 0);
}

/* Cancelled after the first page: no second page is asked for. */
static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  gint64 end = f->now_ms / HOUR_MS * HOUR_MS;
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = NULL;

  f->cancel_on_progress = g_cancellable_new ();
  market = lode_venue_fixture_fetch_market (f, f->symbol, MINUTE_MS, end - 4000 * MINUTE_MS, end,
                                            f->cancel_on_progress, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (market);
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, NULL), ==, 1);
}

static void
test_depth (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeDepth) depth = NULL;

  depth = lode_venue_fixture_fetch_depth (f, "BTCUSDT", &error);
  g_assert_no_error (error);
  /* The largest public limit. */
  lode_venue_test_assert_depth (depth, 1000);
  for (guint i = 1; i < depth->bids->len; i++)
    g_assert_cmpfloat (g_array_index (depth->bids, LodeDepthLevel, i).price, <,
                       g_array_index (depth->bids, LodeDepthLevel, i - 1).price);
  for (guint i = 1; i < depth->asks->len; i++)
    g_assert_cmpfloat (g_array_index (depth->asks, LodeDepthLevel, i).price, >,
                       g_array_index (depth->asks, LodeDepthLevel, i - 1).price);
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
  g_assert_cmpstr (((LodeSymbolInfo *) g_ptr_array_index (symbols, 0))->id, ==, "BTCUSDT");
  g_assert_cmpstr (((LodeSymbolInfo *) g_ptr_array_index (symbols, 1))->id, ==, "ETHUSDT");
}

static void
test_funding (Fixture       *f,
              gconstpointer  data)
{
  gint64 end = f->now_ms / DAY_MS * DAY_MS;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) points = NULL;
  LodeSourceQuery query = {
    .symbol = "BTCUSDT",
    .interval_ms = HOUR_MS,
    .start_ms = end - 10 * DAY_MS,
    .end_ms = end,
  };

  points = lode_venue_fixture_fetch_funding (f, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 30);
  for (guint i = 1; i < points->len; i++)
    g_assert_cmpint (g_array_index (points, LodePoint, i).time_ms
                     - g_array_index (points, LodePoint, i - 1).time_ms, ==, 8 * HOUR_MS);
}

/* The venue's limits are installed, and a test's own limit wins: 3
 * one-minute pages of weight 10 against 20 per 600 ms wait once. */
static void
test_rate_limit_paces_pages (Fixture       *f,
                             gconstpointer  data)
{
  gint64 end = f->now_ms / HOUR_MS * HOUR_MS - HOUR_MS;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) candles = NULL;
  g_autoptr(LodeHttp) http = lode_http_new ();
  g_autofree char *base = lode_mock_exchange_get_base_url (f->mock, "binance");
  gint64 t0;

  lode_http_set_rate_limit (http, "binance", 20, 600, NULL);
  g_clear_object (&f->source);
  f->source = lode_source_new_for_id ("binance", http, base);

  t0 = g_get_monotonic_time ();
  candles = lode_venue_fixture_fetch_candles (f, MINUTE_MS, end - 3200 * MINUTE_MS, end, NULL,
                                              &error);
  g_assert_no_error (error);
  g_assert_cmpuint (candles->len, ==, 3200);
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, 600 * 1000);
}

int
main (int   argc,
      char *argv[])
{
  /* With isolated XDG dirs, the GNOME proxy resolver of glib-networking
   * aborts for want of its GSettings schema; the mock is on loopback
   * anyway, so go direct. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sources/binance/parse/klines", test_parse_klines);
  g_test_add_func ("/sources/binance/parse/klines-bad", test_parse_klines_bad);
  g_test_add_func ("/sources/binance/parse/oi-history", test_parse_oi_history);
  g_test_add_func ("/sources/binance/parse/oi-current", test_parse_oi_current);
  g_test_add_func ("/sources/binance/parse/ratio", test_parse_ratio);
  g_test_add_func ("/sources/binance/parse/funding", test_parse_funding);
  g_test_add_func ("/sources/binance/parse/depth", test_parse_depth);
  g_test_add_func ("/sources/binance/parse/symbols", test_parse_symbols);
  g_test_add_func ("/sources/binance/parse/error", test_parse_error);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, lode_venue_fixture_teardown)

  ADD ("/sources/binance/identity", test_identity);
  ADD ("/sources/binance/klines/paging", test_klines_paging);
  ADD ("/sources/binance/klines/edges", test_klines_edges);
  ADD ("/sources/binance/market/oi-usd", test_market_oi_usd);
  ADD ("/sources/binance/market/finer-than-oi", test_market_finer_than_oi);
  ADD ("/sources/binance/oi/older-than-30-days", test_oi_older_than_30_days);
  ADD ("/sources/binance/retry/429-retry-after", test_retry_after_429);
  ADD ("/sources/binance/retry/418-backs-off", test_ban_418_backs_off);
  ADD ("/sources/binance/retry/5xx-then-error", test_server_error);
  ADD ("/sources/binance/timeout", test_timeout);
  ADD ("/sources/binance/bad-bodies", test_bad_bodies);
  ADD ("/sources/binance/invalid-symbol", test_invalid_symbol);
  ADD ("/sources/binance/invalid-query", test_invalid_query);
  ADD ("/sources/binance/cancel", test_cancel);
  ADD ("/sources/binance/depth", test_depth);
  ADD ("/sources/binance/symbols", test_symbols);
  ADD ("/sources/binance/funding", test_funding);
  ADD ("/sources/binance/rate-limit/paces-pages", test_rate_limit_paces_pages);

  return g_test_run ();
}
