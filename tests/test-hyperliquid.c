/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <math.h>
#include <string.h>

#include "lode-hyperliquid.h"
#include "lode-hyperliquid-parse.h"
#include "lode-venue-test.h"

#define SEED      G_GUINT64_CONSTANT (5150)
#define MINUTE_MS G_GINT64_CONSTANT (60000)
#define HOUR_MS   (60 * MINUTE_MS)
#define DAY_MS    (24 * HOUR_MS)

#define INFO_PATH "/hyperliquid/info"

/* ---- Parsers on fixtures ------------------------------------------------- */

static GBytes *
load_fixture (const char *name)
{
  return lode_venue_test_load_fixture ("hyperliquid", name);
}

static void
test_parse_candles (void)
{
  g_autoptr(GBytes) body = load_fixture ("candles.json");
  g_autoptr(GBytes) missing = load_fixture ("candles-missing-close.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) candles = lode_hyperliquid_parse_candles (body, &error);
  const LodeCandle *c;

  g_assert_no_error (error);
  g_assert_cmpuint (candles->len, ==, 2);
  c = &g_array_index (candles, LodeCandle, 0);
  lode_venue_test_assert_candle (c, G_GINT64_CONSTANT (1767225600000),
                                 94012.0, 94110.0, 93990.0, 94080.0, 12.3412);
  g_assert_cmpfloat (g_array_index (candles, LodeCandle, 1).open, ==, 94080.0);

  g_clear_pointer (&candles, g_array_unref);
  candles = lode_hyperliquid_parse_candles (missing, &error);
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "“c”"));
}

static void
test_parse_asset_ctx (void)
{
  g_autoptr(GBytes) body = load_fixture ("meta-and-asset-ctxs.json");
  g_autoptr(GError) error = NULL;
  LodeHyperliquidCtx ctx;

  /* Matched by index: ETH is the second context. */
  g_assert_true (lode_hyperliquid_parse_asset_ctx (body, "ETH", &ctx, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (ctx.open_interest, ==, 500000.0);
  g_assert_cmpfloat (ctx.mark_px, ==, 3121.0);

  g_assert_true (lode_hyperliquid_parse_asset_ctx (body, "BTC", &ctx, &error));
  g_assert_cmpfloat (ctx.open_interest, ==, 31234.56);
  g_assert_cmpfloat (ctx.funding, ==, 0.0000125);

  g_assert_false (lode_hyperliquid_parse_asset_ctx (body, "DOGE", &ctx, &error));
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE);
}

static void
test_parse_funding (void)
{
  g_autoptr(GBytes) body = load_fixture ("funding.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) points = lode_hyperliquid_parse_funding (body, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 2);
  g_assert_cmpint (g_array_index (points, LodePoint, 0).time_ms, ==,
                   G_GINT64_CONSTANT (1767222000021));
  g_assert_cmpfloat (g_array_index (points, LodePoint, 0).value, ==, -0.000003);
}

static void
test_parse_depth (void)
{
  g_autoptr(GBytes) body = load_fixture ("l2book.json");
  g_autoptr(GBytes) null_book = g_bytes_new_static ("null", 4);
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeDepth) depth = lode_hyperliquid_parse_depth (body, &error);

  g_assert_no_error (error);
  g_assert_cmpint (depth->time_ms, ==, G_GINT64_CONSTANT (1767225612231));
  g_assert_cmpuint (depth->bids->len, ==, 2);
  g_assert_cmpfloat (g_array_index (depth->bids, LodeDepthLevel, 0).price, ==, 94050.0);
  g_assert_cmpfloat (g_array_index (depth->bids, LodeDepthLevel, 0).size_base, ==, 7.6699);
  g_assert_cmpuint (depth->asks->len, ==, 1);

  g_clear_pointer (&depth, lode_depth_free);
  depth = lode_hyperliquid_parse_depth (null_book, &error);
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE);
}

static void
test_parse_symbols (void)
{
  g_autoptr(GBytes) body = load_fixture ("meta-and-asset-ctxs.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) symbols = lode_hyperliquid_parse_symbols (body, &error);

  g_assert_no_error (error);
  /* OLD is delisted. */
  g_assert_cmpuint (symbols->len, ==, 2);
  g_assert_cmpstr (((LodeSymbolInfo *) g_ptr_array_index (symbols, 0))->id, ==, "BTC");
  g_assert_cmpstr (((LodeSymbolInfo *) g_ptr_array_index (symbols, 0))->quote, ==, "USDC");
}

/* ---- The adapter against the mock ---------------------------------------- */

typedef LodeVenueFixture Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  lode_venue_fixture_setup (f, SEED, "hyperliquid", "BTC");
}

static void
test_identity (Fixture       *f,
               gconstpointer  data)
{
  lode_venue_fixture_assert_identity (f, "hyperliquid", "Hyperliquid",
                                      "https://api.hyperliquid.xyz");
}

/* 1200 one-minute candles: replies of at most 500, forward. */
static void
test_candles_paging (Fixture       *f,
                     gconstpointer  data)
{
  lode_venue_fixture_assert_minute_paging (f, 1200, INFO_PATH, 3);
}

/* Only the latest 5000 candles exist: an older start gets what exists. */
static void
test_candles_window (Fixture       *f,
                     gconstpointer  data)
{
  gint64 end = f->now_ms / HOUR_MS * HOUR_MS;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) candles = lode_venue_fixture_fetch_candles (f, HOUR_MS, end - 6000 * HOUR_MS,
                                                                end, NULL, &error);
  const LodeCandle *c;

  g_assert_no_error (error);
  c = (const LodeCandle *) (void *) candles->data;
  g_assert_cmpuint (candles->len, >=, 4990);
  g_assert_cmpuint (candles->len, <=, 5000);
  for (guint i = 1; i < candles->len; i++)
    g_assert_cmpint (c[i].time_ms - c[i - 1].time_ms, ==, HOUR_MS);
  g_assert_cmpint (c[candles->len - 1].time_ms, ==, end - HOUR_MS);
}

/* No OI history: the current OI (coin × mark) on the last candle; no
 * ratio: λ stays 0.5, and nobody asked for one. */
static void
test_market_current_oi (Fixture       *f,
                        gconstpointer  data)
{
  gint64 end = f->now_ms / HOUR_MS * HOUR_MS;
  gint64 start = end - 3 * DAY_MS;
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = lode_venue_fixture_fetch_market (f, "BTC", HOUR_MS, start, end,
                                                                  NULL, &error);
  const LodeCandle *candles;
  gsize n;
  double usd;

  g_assert_no_error (error);
  n = lode_market_get_n_candles (market);
  g_assert_cmpuint (n, ==, 72);
  candles = lode_market_get_candles (market);
  lode_venue_fixture_assert_candles (f, candles, n, start, HOUR_MS);

  usd = lode_mock_exchange_oi_base (f->mock, f->now_ms) * lode_mock_exchange_price (f->mock, f->now_ms);
  for (gsize i = 0; i + 1 < n; i++)
    g_assert_true (isnan (candles[i].oi_usd));
  g_assert_cmpfloat_with_epsilon (candles[n - 1].oi_usd / usd, 1.0, 1e-9);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpfloat (candles[i].long_share, ==, 0.5);
  /* One candles page and one metaAndAssetCtxs. */
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, INFO_PATH), ==, 2);
}

/* "oi-sides" 2 halves a two-sided figure. */
static void
test_oi_sides (Fixture       *f,
               gconstpointer  data)
{
  gint64 end = f->now_ms / HOUR_MS * HOUR_MS;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) points = NULL;
  LodeSourceQuery query = { "BTC", HOUR_MS, end - DAY_MS, end, NULL, 0, NULL, NULL };
  double usd = lode_mock_exchange_oi_base (f->mock, f->now_ms) * lode_mock_exchange_price (f->mock, f->now_ms);

  g_object_set (f->source, "oi-sides", 2.0, NULL);
  lode_source_fetch_open_interest_async (f->source, &query, NULL, lode_venue_test_on_result,
                                         &result);
  points = lode_source_fetch_open_interest_finish (f->source, lode_venue_test_wait (&result),
                                                   &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 1);
  g_assert_cmpint (g_array_index (points, LodePoint, 0).time_ms, ==, end);
  g_assert_cmpfloat_with_epsilon (g_array_index (points, LodePoint, 0).value / (usd / 2), 1.0,
                                  1e-9);
}

static void
test_oi_past_range (Fixture       *f,
                    gconstpointer  data)
{
  gint64 end = f->now_ms - 10 * DAY_MS;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) points = NULL;
  LodeSourceQuery query = { "BTC", HOUR_MS, end - DAY_MS, end, NULL, 0, NULL, NULL };

  lode_source_fetch_open_interest_async (f->source, &query, NULL, lode_venue_test_on_result,
                                         &result);
  points = lode_source_fetch_open_interest_finish (f->source, lode_venue_test_wait (&result),
                                                   &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 0);
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, NULL), ==, 0);
}

static void
test_rate_limit_429 (Fixture       *f,
                     gconstpointer  data)
{
  LodeMockFault fault = { .kind = LODE_MOCK_FAULT_RATE_LIMIT };

  lode_venue_fixture_assert_recovers (f, INFO_PATH, &fault, 1, 30);
}

static void
test_bad_bodies (Fixture       *f,
                 gconstpointer  data)
{
  const char *const paths[] = { INFO_PATH };

  lode_venue_fixture_assert_bad_bodies (f, DAY_MS, paths, G_N_ELEMENTS (paths));
}

static void
test_unknown_coin (Fixture       *f,
                   gconstpointer  data)
{
  gint64 end = f->now_ms / HOUR_MS * HOUR_MS;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = lode_venue_fixture_fetch_market (f, "NOPE", HOUR_MS, end - DAY_MS,
                                                                  end, NULL, &error);
  g_autoptr(LodeDepth) depth = NULL;

  /* The venue answers [] for candles of a coin it does not know. */
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE);
  g_clear_error (&error);

  depth = lode_venue_fixture_fetch_depth (f, "NOPE", &error);
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE);
}

static void
test_funding (Fixture       *f,
              gconstpointer  data)
{
  gint64 end = f->now_ms / DAY_MS * DAY_MS;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) points = NULL;
  LodeSourceQuery query = { "BTC", HOUR_MS, end - 30 * DAY_MS, end, NULL, 0, NULL, NULL };

  points = lode_venue_fixture_fetch_funding (f, &query, &error);
  g_assert_no_error (error);
  /* Hourly: 720 points in replies of 500. */
  g_assert_cmpuint (points->len, ==, 720);
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, INFO_PATH), ==, 2);
}

static void
test_depth (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeDepth) depth = NULL;

  depth = lode_venue_fixture_fetch_depth (f, "BTC", &error);
  g_assert_no_error (error);
  lode_venue_test_assert_depth (depth, 20);
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
  g_assert_cmpstr (((LodeSymbolInfo *) g_ptr_array_index (symbols, 2))->id, ==, "kPEPE");
}

int
main (int   argc,
      char *argv[])
{
  /* See test-http.c: no GNOME proxy resolver without its schema. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sources/hyperliquid/parse/candles", test_parse_candles);
  g_test_add_func ("/sources/hyperliquid/parse/asset-ctx", test_parse_asset_ctx);
  g_test_add_func ("/sources/hyperliquid/parse/funding", test_parse_funding);
  g_test_add_func ("/sources/hyperliquid/parse/depth", test_parse_depth);
  g_test_add_func ("/sources/hyperliquid/parse/symbols", test_parse_symbols);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, lode_venue_fixture_teardown)

  ADD ("/sources/hyperliquid/identity", test_identity);
  ADD ("/sources/hyperliquid/candles/paging", test_candles_paging);
  ADD ("/sources/hyperliquid/candles/5000-window", test_candles_window);
  ADD ("/sources/hyperliquid/market/current-oi", test_market_current_oi);
  ADD ("/sources/hyperliquid/oi/past-range", test_oi_past_range);
  ADD ("/sources/hyperliquid/oi/sides", test_oi_sides);
  ADD ("/sources/hyperliquid/retry/429", test_rate_limit_429);
  ADD ("/sources/hyperliquid/bad-bodies", test_bad_bodies);
  ADD ("/sources/hyperliquid/unknown-coin", test_unknown_coin);
  ADD ("/sources/hyperliquid/funding", test_funding);
  ADD ("/sources/hyperliquid/depth", test_depth);
  ADD ("/sources/hyperliquid/symbols", test_symbols);

  return g_test_run ();
}
