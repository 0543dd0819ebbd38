/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <math.h>

#include "lode-data-controller.h"
#include "lode-flow.h"
#include "lode-mock-exchange.h"
#include "lode-mock-ws.h"
#include "lode-store.h"

/* The data controller end to end against the loopback exchange: venue
 * adapters, the history store on a real SQLite file, the model worker. */

#define HOUR_MS G_GINT64_CONSTANT (3600000)

typedef struct
{
  LodeMockExchange   *mock;
  LodeDataController *controller;
  char               *store_path;
  guint               snapshots;
  guint               loads;  /* loads that ended, well or not */
} Fixture;

static gboolean
wait_for (gboolean (*done) (Fixture *fixture),
          Fixture   *fixture)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!done (fixture) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  return done (fixture);
}

static gboolean
idle (Fixture *fixture)
{
  return !lode_data_controller_get_loading (fixture->controller);
}

static gboolean
has_snapshot (Fixture *fixture)
{
  return idle (fixture) && lode_data_controller_get_snapshot (fixture->controller) != NULL;
}

static void
on_snapshot (LodeDataController *controller,
             GParamSpec         *pspec,
             Fixture            *fixture)
{
  fixture->snapshots++;
}

static void
on_loading (LodeDataController *controller,
            GParamSpec         *pspec,
            Fixture            *fixture)
{
  if (!lode_data_controller_get_loading (controller))
    fixture->loads++;
}

/* Reloads and waits until that load has ended. */
static void
reload_and_wait (Fixture *fixture)
{
  guint loads = fixture->loads;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  lode_data_controller_reload (fixture->controller);
  while (fixture->loads == loads && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fixture->loads, >, loads);
}

static LodeDataController *
controller_new (Fixture *fixture)
{
  LodeDataController *controller = lode_data_controller_new_with_store (fixture->store_path);
  const char * const venues[] = { "binance", "bybit", "okx", "hyperliquid", NULL };

  for (guint i = 0; venues[i] != NULL; i++)
    {
      g_autofree char *url = lode_mock_exchange_get_base_url (fixture->mock, venues[i]);

      lode_data_controller_set_base_url (controller, venues[i], url);
    }
  /* Quick retries: the failures below are meant to run out. No case
   * here is about a time-out: an attempt may take as long as a page takes
   * in a sanitizer build on a busy machine. */
  lode_http_set_retry_policy (lode_data_controller_get_http (controller), 2, 5, 20, 50);
  lode_http_set_timeout_ms (lode_data_controller_get_http (controller), 30000);
  lode_data_controller_set_now (controller, lode_mock_exchange_get_now_ms (fixture->mock));
  g_object_set (controller,
                "refresh-interval", 0,
                "interval", "1h",
                "symbol", "BTCUSDT",
                "source", "binance",
                NULL);
  g_signal_connect (controller, "notify::snapshot", G_CALLBACK (on_snapshot), fixture);
  g_signal_connect (controller, "notify::loading", G_CALLBACK (on_loading), fixture);

  return controller;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->mock = lode_mock_exchange_new (7);
  fixture->store_path = g_build_filename (g_get_user_cache_dir (), "history.sqlite3", NULL);
  fixture->controller = controller_new (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->controller);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_pointer (&fixture->mock, lode_mock_exchange_free);
  g_free (fixture->store_path);
}

static void
test_binance_end_to_end (Fixture       *fixture,
                         gconstpointer  data)
{
  LodeSnapshot *snapshot;
  LodeMarket *market;
  const LodeCandle *candles;
  gint64 now = lode_mock_exchange_get_now_ms (fixture->mock);
  gsize n, with_oi = 0;

  g_assert_true (wait_for (has_snapshot, fixture));
  g_assert_null (lode_data_controller_get_error (fixture->controller));
  g_assert_cmpstr (lode_data_controller_get_source_label (fixture->controller), ==, "Binance");
  g_assert_cmpint (lode_data_controller_get_updated (fixture->controller), >, 0);

  snapshot = lode_data_controller_get_snapshot (fixture->controller);
  g_assert_cmpstr (lode_snapshot_get_symbol (snapshot), ==, "BTCUSDT");
  market = lode_snapshot_get_market (snapshot);
  candles = lode_market_get_candles (market);
  n = lode_market_get_n_candles (market);

  /* 30 days of hourly candles up to and with the open one. The mock's
   * clock is on a minute, so about one run in sixty it is exactly on the
   * hour: then the candle opening now has not opened, and the newest is
   * the one that has just closed. */
  g_assert_cmpuint (n, ==, 720);
  g_assert_cmpint (candles[n - 1].time_ms, ==, (now - 1) / HOUR_MS * HOUR_MS);
  for (gsize i = 1; i < n; i++)
    g_assert_cmpint (candles[i].time_ms, ==, candles[i - 1].time_ms + HOUR_MS);

  /* What the venue serves, candle by candle, and OI in USD: the mock's
   * base-unit OI × price, within the step of the OI grid. */
  for (gsize i = 0; i < n; i++)
    {
      LodeCandle expected;

      lode_mock_exchange_candle (fixture->mock, candles[i].time_ms, HOUR_MS, &expected);
      g_assert_cmpfloat_with_epsilon (candles[i].open, expected.open, 1e-6);
      g_assert_cmpfloat_with_epsilon (candles[i].close, expected.close, 1e-6);
      if (!isnan (candles[i].oi_usd))
        {
          gint64 t = MIN (candles[i].time_ms + HOUR_MS, now);
          double usd = lode_mock_exchange_oi_base (fixture->mock, t) * lode_mock_exchange_price (fixture->mock, t);

          g_assert_cmpfloat (fabs (candles[i].oi_usd - usd), <, 0.05 * usd);
          with_oi++;
        }
      g_assert_cmpfloat (candles[i].long_share, >, 0.0);
      g_assert_cmpfloat (candles[i].long_share, <, 1.0);
    }
  g_assert_cmpuint (with_oi, >, n * 9 / 10);

  /* The model ran on it: levels on both sides of the price. */
  g_assert_cmpfloat (lode_level_set_get_total (lode_snapshot_get_current (snapshot), LODE_SIDE_LONG), >, 0);
  g_assert_cmpfloat (lode_level_set_get_total (lode_snapshot_get_current (snapshot), LODE_SIDE_SHORT), >, 0);
}

static void
test_refresh_fetches_only_the_gap (Fixture       *fixture,
                                   gconstpointer  data)
{
  guint first, second;
  gsize n;

  g_assert_true (wait_for (has_snapshot, fixture));
  n = lode_market_get_n_candles (lode_snapshot_get_market (lode_data_controller_get_snapshot (fixture->controller)));
  first = lode_mock_exchange_get_hits (fixture->mock, "/binance/fapi/v1/klines");
  /* 720 candles at up to 1500 a page: one page. */
  g_assert_cmpuint (first, >=, 1);

  fixture->snapshots = 0;
  reload_and_wait (fixture);
  g_assert_cmpuint (fixture->snapshots, ==, 1);
  second = lode_mock_exchange_get_hits (fixture->mock, "/binance/fapi/v1/klines") - first;

  /* Only the open candle is asked for again: one small page. */
  g_assert_cmpuint (second, ==, 1);
  g_assert_cmpuint (lode_market_get_n_candles (lode_snapshot_get_market (lode_data_controller_get_snapshot (fixture->controller))), ==, n);
  g_assert_null (lode_data_controller_get_error (fixture->controller));
}

static void
test_failure_keeps_the_chart (Fixture       *fixture,
                              gconstpointer  data)
{
  LodeMockFault fault = { .kind = LODE_MOCK_FAULT_STATUS, .status = 503 };
  LodeSnapshot *before;
  const char *error;

  g_assert_true (wait_for (has_snapshot, fixture));
  before = lode_snapshot_ref (lode_data_controller_get_snapshot (fixture->controller));

  lode_mock_exchange_add_fault (fixture->mock, "/binance/fapi/v1/klines", 100, &fault);
  reload_and_wait (fixture);

  /* The stored market is shown, and what failed is said. */
  error = lode_data_controller_get_error (fixture->controller);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error, "Binance"));
  g_assert_nonnull (lode_data_controller_get_snapshot (fixture->controller));
  g_assert_cmpuint (lode_market_get_n_candles (lode_snapshot_get_market (lode_data_controller_get_snapshot (fixture->controller))),
                    ==, lode_market_get_n_candles (lode_snapshot_get_market (before)));
  lode_snapshot_unref (before);
}

static void
test_starts_from_the_store_offline (Fixture       *fixture,
                                    gconstpointer  data)
{
  LodeMockFault fault = { .kind = LODE_MOCK_FAULT_STATUS, .status = 502 };
  LodeSnapshot *snapshot;
  gsize n;

  g_assert_true (wait_for (has_snapshot, fixture));
  n = lode_market_get_n_candles (lode_snapshot_get_market (lode_data_controller_get_snapshot (fixture->controller)));
  g_clear_object (&fixture->controller);

  /* Next start: the venue is down; the store alone gives the chart. */
  lode_mock_exchange_add_fault (fixture->mock, "/binance/fapi/v1/klines", 100, &fault);
  fixture->controller = controller_new (fixture);
  g_assert_true (wait_for (has_snapshot, fixture));

  /* What the first run stored: the same candles. */
  snapshot = lode_data_controller_get_snapshot (fixture->controller);
  g_assert_cmpuint (lode_market_get_n_candles (lode_snapshot_get_market (snapshot)), ==, n);
  g_assert_nonnull (lode_data_controller_get_error (fixture->controller));
}

static gboolean
has_merged_snapshot (Fixture *fixture)
{
  return has_snapshot (fixture)
         && lode_snapshot_get_n_venues (lode_data_controller_get_snapshot (fixture->controller)) == 2;
}

static void
test_merged_venues (Fixture       *fixture,
                    gconstpointer  data)
{
  const char * const merge[] = { "bybit", NULL };
  LodeSnapshot *snapshot;
  double shares = 0;

  g_assert_true (wait_for (has_snapshot, fixture));
  g_object_set (fixture->controller, "merge-venues", merge, NULL);
  /* Not simply the next snapshot: a rebuild of Binance alone may land
   * first (the store, opened in a worker, asks for one when it is ready,
   * and in a sanitizer build that can be after the first load). */
  g_assert_true (wait_for (has_merged_snapshot, fixture));

  snapshot = lode_data_controller_get_snapshot (fixture->controller);
  g_assert_cmpuint (lode_snapshot_get_n_venues (snapshot), ==, 2);
  g_assert_cmpstr (lode_snapshot_get_venue_label (snapshot, 0), ==, "Binance");
  g_assert_cmpstr (lode_snapshot_get_venue_label (snapshot, 1), ==, "Bybit");
  g_assert_cmpstr (lode_data_controller_get_source_label (fixture->controller), ==, "Binance + Bybit");
  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpfloat (lode_snapshot_get_venue_share (snapshot, i), >, 0.05);
      shares += lode_snapshot_get_venue_share (snapshot, i);
    }
  g_assert_cmpfloat_with_epsilon (shares, 1.0, 1e-9);
}

static gboolean
streaming (Fixture *fixture)
{
  g_autofree char *state = NULL;

  g_object_get (fixture->controller, "stream-state", &state, NULL);
  return has_snapshot (fixture) && g_strcmp0 (state, "Binance: live") == 0;
}

static gboolean
has_prints (Fixture *fixture)
{
  g_autoptr(GArray) prints = NULL;

  g_object_get (fixture->controller, "prints", &prints, NULL);
  return prints != NULL && prints->len > 0;
}

/* Waits (a minute at most) until the store on disk holds a BTCUSDT print
 * at @time_ms, as another process would see it. */
static gboolean
wait_for_stored_print (Fixture *fixture,
                       gint64   time_ms)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeStore) store = lode_store_open (fixture->store_path, &error);
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  g_assert_no_error (error);
  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(GArray) prints = lode_store_get_prints (store, NULL, "BTCUSDT", time_ms, time_ms + 1, &error);

      g_assert_no_error (error);
      if (prints->len > 0)
        return TRUE;
      g_usleep (10 * 1000);
    }

  return FALSE;
}

/* Issue #6: a live print from the venue's websocket reaches the controller
 * with Binance's side convention (SELL order ⇒ a long liquidated) and its
 * notional (ap × z); it is stored, and a restart brings it back. */
static void
test_live_prints (Fixture       *fixture,
                  gconstpointer  data)
{
  LodeMockWs *ws = lode_mock_ws_new ();
  g_autofree char *url = lode_mock_ws_get_url (ws, "binance");
  g_autoptr(GArray) prints = NULL;
  g_autofree char *event = NULL;
  gint64 now = lode_mock_exchange_get_now_ms (fixture->mock);
  const LodeLiqPrint *p;

  lode_data_controller_set_stream_url (fixture->controller, "binance", url);
  g_assert_true (wait_for (streaming, fixture));

  /* 0.5 BTC at an average 95 000: 47 500 USD. */
  event = g_strdup_printf ("{\"e\":\"forceOrder\",\"E\":%" G_GINT64_FORMAT ",\"o\":{\"s\":\"BTCUSDT\","
                           "\"S\":\"SELL\",\"o\":\"LIMIT\",\"f\":\"IOC\",\"q\":\"0.5\",\"p\":\"94900\","
                           "\"ap\":\"95000\",\"X\":\"FILLED\",\"l\":\"0.5\",\"z\":\"0.5\",\"T\":%" G_GINT64_FORMAT "}}",
                           now, now - 100);
  g_assert_cmpuint (lode_mock_ws_push_binance (ws, "BTCUSDT", event), >=, 1);
  g_assert_true (wait_for (has_prints, fixture));

  g_object_get (fixture->controller, "prints", &prints, NULL);
  g_assert_cmpuint (prints->len, ==, 1);
  p = &g_array_index (prints, LodeLiqPrint, 0);
  g_assert_cmpint (p->side, ==, LODE_SIDE_LONG);
  g_assert_cmpfloat_with_epsilon (p->notional_usd, 47500, 1e-6);
  g_assert_cmpint (p->time_ms, ==, now - 100);

  /* Restart: the print comes back from the store with the market. The
   * write is the old store's worker's, done when it gets to it: a restart
   * before it has committed would read nothing, as it should. */
  g_clear_object (&fixture->controller);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (wait_for_stored_print (fixture, now - 100));
  fixture->controller = controller_new (fixture);
  g_assert_true (wait_for (has_prints, fixture));

  g_clear_object (&fixture->controller);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  lode_mock_ws_free (ws);
}

static gboolean
has_live_candle (Fixture *fixture)
{
  g_autofree LodeCandle *live = NULL;

  g_object_get (fixture->controller, "live-candle", &live, NULL);
  return live != NULL && live->close == 123456.5;
}

/* Issue #6: the last candle moves with the venue's kline stream. */
static void
test_live_candle (Fixture       *fixture,
                  gconstpointer  data)
{
  LodeMockWs *ws = lode_mock_ws_new ();
  g_autofree char *url = lode_mock_ws_get_candle_url (ws, "binance");
  g_autofree LodeCandle *live = NULL;
  LodeMarket *market;
  const LodeCandle *last;
  LodeMockWsCandle candle = { 0 };
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  guint pushed = 0;

  g_assert_true (wait_for (has_snapshot, fixture));
  lode_data_controller_set_stream_url (fixture->controller, "binance", url);

  /* The open candle, with a close no candle had: 123 456.5. */
  market = lode_snapshot_get_market (lode_data_controller_get_snapshot (fixture->controller));
  last = lode_market_get_candle (market, lode_market_get_n_candles (market) - 1);
  candle.time_ms = last->time_ms;
  candle.open = "100000.0";
  candle.high = "123500.0";
  candle.low = "99000.0";
  candle.close = "123456.5";
  candle.volume = "12.5";

  /* Pushed once the stream has subscribed. */
  while (pushed == 0 && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      pushed = lode_mock_ws_push_candle (ws, "binance", "BTCUSDT", "1h", HOUR_MS, &candle);
      g_usleep (2000);
    }
  g_assert_cmpuint (pushed, >=, 1);
  g_assert_true (wait_for (has_live_candle, fixture));

  g_object_get (fixture->controller, "live-candle", &live, NULL);
  g_assert_cmpint (live->time_ms, ==, last->time_ms);
  g_assert_cmpfloat (live->high, ==, 123500.0);
  g_assert_cmpfloat (live->low, ==, 99000.0);

  g_clear_object (&fixture->controller);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  lode_mock_ws_free (ws);
}

static void
test_map_symbol (void)
{
  g_autofree char *okx = lode_data_controller_map_symbol ("okx", "BTCUSDT");
  g_autofree char *hl = lode_data_controller_map_symbol ("hyperliquid", "ETH-USDT-SWAP");
  g_autofree char *bybit = lode_data_controller_map_symbol ("bybit", "SOL");
  g_autofree char *binance = lode_data_controller_map_symbol ("binance", "BTCUSDC");

  g_assert_cmpstr (okx, ==, "BTC-USDT-SWAP");
  g_assert_cmpstr (hl, ==, "ETH");
  g_assert_cmpstr (bybit, ==, "SOLUSDT");
  g_assert_cmpstr (binance, ==, "BTCUSDT");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sources/controller/map-symbol", test_map_symbol);
  g_test_add ("/sources/controller/binance-end-to-end", Fixture, NULL,
              fixture_set_up, test_binance_end_to_end, fixture_tear_down);
  g_test_add ("/sources/controller/refresh-fetches-only-the-gap", Fixture, NULL,
              fixture_set_up, test_refresh_fetches_only_the_gap, fixture_tear_down);
  g_test_add ("/sources/controller/failure-keeps-the-chart", Fixture, NULL,
              fixture_set_up, test_failure_keeps_the_chart, fixture_tear_down);
  g_test_add ("/sources/controller/starts-from-the-store-offline", Fixture, NULL,
              fixture_set_up, test_starts_from_the_store_offline, fixture_tear_down);
  g_test_add ("/sources/controller/live-prints", Fixture, NULL,
              fixture_set_up, test_live_prints, fixture_tear_down);
  g_test_add ("/sources/controller/live-candle", Fixture, NULL,
              fixture_set_up, test_live_candle, fixture_tear_down);
  g_test_add ("/sources/controller/merged-venues", Fixture, NULL,
              fixture_set_up, test_merged_venues, fixture_tear_down);

  return g_test_run ();
}
