/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <math.h>
#include <string.h>

#include "lode-data-controller.h"
#include "lode-flow.h"
#include "lode-mock-exchange.h"
#include "lode-mock-ws.h"

/* Issue #7, fault injection end to end: the data controller, with its
 * history store on a real file, against a loopback exchange that fails on
 * purpose. In every case the app keeps the last good snapshot, says what
 * failed (the "error" property names the venue), and recovers when the
 * exchange does. Retries and time-outs are short so that each case takes
 * a second or two. */

#define MINUTE_MS G_GINT64_CONSTANT (60000)
#define KLINES    "/binance/fapi/v1/klines"
#define ATTEMPT_MS 10000

typedef struct
{
  LodeMockExchange   *mock;
  LodeDataController *controller;
  guint               loads;  /* loads that ended, well or not */
} Fixture;

static gboolean
wait_for (gboolean (*done) (Fixture *fixture),
          Fixture   *fixture)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!done (fixture) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  return done (fixture);
}

static gboolean
has_snapshot (Fixture *fixture)
{
  return !lode_data_controller_get_loading (fixture->controller)
         && lode_data_controller_get_snapshot (fixture->controller) != NULL;
}

static void
on_loading (LodeDataController *controller,
            GParamSpec         *pspec,
            Fixture            *fixture)
{
  if (!lode_data_controller_get_loading (controller))
    fixture->loads++;
}

/* Reloads and waits until that load has ended; returns how long it took
 * (µs). */
static gint64
reload_and_wait (Fixture *fixture)
{
  guint loads = fixture->loads;
  gint64 start = g_get_monotonic_time ();

  lode_data_controller_reload (fixture->controller);
  while (fixture->loads == loads && g_get_monotonic_time () < start + 30 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fixture->loads, >, loads);

  return g_get_monotonic_time () - start;
}

static LodeMarket *
market_of (Fixture *fixture)
{
  return lode_snapshot_get_market (lode_data_controller_get_snapshot (fixture->controller));
}

/* The candles on screen are the exchange's, one per minute, ascending. */
static void
assert_market_matches_mock (Fixture *fixture)
{
  LodeMarket *market = market_of (fixture);
  const LodeCandle *candles = lode_market_get_candles (market);
  gsize n = lode_market_get_n_candles (market);

  /* Two days up to the mock's now, which is on a minute: the candle
   * opening now has not opened yet, the newest has just closed. */
  g_assert_cmpuint (n, ==, 2 * 1440);
  g_assert_cmpint (candles[n - 1].time_ms, ==, lode_mock_exchange_get_now_ms (fixture->mock) - MINUTE_MS);
  for (gsize i = 0; i < n; i++)
    {
      LodeCandle expected;

      if (i > 0)
        g_assert_cmpint (candles[i].time_ms, ==, candles[i - 1].time_ms + MINUTE_MS);
      lode_mock_exchange_candle (fixture->mock, candles[i].time_ms, MINUTE_MS, &expected);
      g_assert_cmpfloat_with_epsilon (candles[i].open, expected.open, 1e-6);
      g_assert_cmpfloat_with_epsilon (candles[i].high, expected.high, 1e-6);
      g_assert_cmpfloat_with_epsilon (candles[i].low, expected.low, 1e-6);
      g_assert_cmpfloat_with_epsilon (candles[i].close, expected.close, 1e-6);
    }
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *store_path = g_build_filename (g_get_user_cache_dir (), "history.sqlite3", NULL);
  LodeHttp *http;

  fixture->mock = lode_mock_exchange_new (11);
  fixture->controller = lode_data_controller_new_with_store (store_path);
  for (guint i = 0; i < 4; i++)
    {
      const char *venues[] = { "binance", "bybit", "okx", "hyperliquid" };
      g_autofree char *url = lode_mock_exchange_get_base_url (fixture->mock, venues[i]);

      lode_data_controller_set_base_url (fixture->controller, venues[i], url);
    }
  /* Three attempts 5–20 ms apart; a Retry-After of up to 1.5 s is waited
   * for. An attempt may take ATTEMPT_MS: the mock builds a page of 1500
   * candles in well under that, even in a sanitizer build, whose every
   * allocation unwinds the stack; an attempt timed out would be asked
   * again and spoil the counts. */
  http = lode_data_controller_get_http (fixture->controller);
  lode_http_set_retry_policy (http, 3, 5, 20, 1500);
  lode_http_set_timeout_ms (http, ATTEMPT_MS);
  lode_data_controller_set_now (fixture->controller, lode_mock_exchange_get_now_ms (fixture->mock));
  /* One-minute candles: two days of them, a load of several pages. */
  g_object_set (fixture->controller,
                "refresh-interval", 0,
                "interval", "1m",
                "symbol", "BTCUSDT",
                "source", "binance",
                NULL);
  g_signal_connect (fixture->controller, "notify::loading", G_CALLBACK (on_loading), fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->controller);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_pointer (&fixture->mock, lode_mock_exchange_free);
}

/* A good first load, the snapshot every later case must keep. */
static LodeSnapshot *
first_load (Fixture *fixture)
{
  g_assert_true (wait_for (has_snapshot, fixture));
  g_assert_null (lode_data_controller_get_error (fixture->controller));
  assert_market_matches_mock (fixture);

  return lode_snapshot_ref (lode_data_controller_get_snapshot (fixture->controller));
}

/* The failed load left the chart alone and said so, naming the venue. */
static void
assert_kept_and_reported (Fixture      *fixture,
                          LodeSnapshot *good,
                          const char   *what)
{
  const char *error = lode_data_controller_get_error (fixture->controller);
  LodeMarket *market = market_of (fixture);
  LodeMarket *before = lode_snapshot_get_market (good);

  g_test_message ("%s: “%s”", what, error);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error, "Binance"));
  g_assert_cmpuint (lode_market_get_n_candles (market), ==, lode_market_get_n_candles (before));
  g_assert_cmpint (lode_market_get_candle (market, 0)->time_ms, ==,
                   lode_market_get_candle (before, 0)->time_ms);
  assert_market_matches_mock (fixture);
}

/* The exchange is well again: the next refresh works and clears the error. */
static void
assert_recovers (Fixture *fixture)
{
  lode_mock_exchange_clear_faults (fixture->mock);
  reload_and_wait (fixture);
  g_assert_null (lode_data_controller_get_error (fixture->controller));
  assert_market_matches_mock (fixture);
}

static void
test_every_request_fails_once (Fixture       *fixture,
                               gconstpointer  data)
{
  LodeMockFault fault = { .kind = LODE_MOCK_FAULT_FIRST_TRY };
  const char * const paths[] = { KLINES, "/binance/futures/data/openInterestHist", NULL };

  /* Before the first load runs: each request of it gets a 503 first. */
  lode_mock_exchange_add_fault (fixture->mock, NULL, 10000, &fault);
  g_assert_true (wait_for (has_snapshot, fixture));

  g_assert_null (lode_data_controller_get_error (fixture->controller));
  assert_market_matches_mock (fixture);
  for (guint i = 0; paths[i] != NULL; i++)
    {
      guint hits = lode_mock_exchange_get_hits (fixture->mock, paths[i]);

      g_test_message ("%s: %u requests, half of them failed", paths[i], hits);
      /* Several pages, each asked for twice. */
      g_assert_cmpuint (hits, >=, 4);
      g_assert_cmpuint (hits % 2, ==, 0);
    }
}

static void
test_429_storm_recovers (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(LodeSnapshot) good = first_load (fixture);
  LodeMockFault fault = { .kind = LODE_MOCK_FAULT_RATE_LIMIT, .retry_after_s = 1 };

  /* Every request is refused, with Retry-After: 1 — twice over. */
  lode_mock_exchange_add_fault (fixture->mock, NULL, 10000, &fault);
  reload_and_wait (fixture);
  assert_kept_and_reported (fixture, good, "429 storm");
  g_assert_nonnull (strstr (lode_data_controller_get_error (fixture->controller), "429"));
  reload_and_wait (fixture);
  assert_kept_and_reported (fixture, good, "429 storm, again");
  g_assert_cmpuint (lode_mock_exchange_get_hits (fixture->mock, KLINES), >=, 1 + 2 * 3);

  assert_recovers (fixture);
}

static void
test_no_answer_times_out (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(LodeSnapshot) good = first_load (fixture);
  LodeMockFault fault = { .kind = LODE_MOCK_FAULT_DELAY, .delay_ms = 30000 };
  LodeHttp *http = lode_data_controller_get_http (fixture->controller);
  gint64 took;

  /* The exchange accepts the connection and says nothing for 30 s. */
  lode_mock_exchange_add_fault (fixture->mock, KLINES, 10000, &fault);
  lode_http_set_timeout_ms (http, 500);
  took = reload_and_wait (fixture);
  lode_http_set_timeout_ms (http, ATTEMPT_MS);
  g_test_message ("no answer: given up after %.2f s", took / 1e6);
  /* Three attempts of 500 ms and two short waits, not the 30 s. The rest
   * of the load (JSON of two days of candles) takes a fraction of a
   * second here, but seconds in a sanitizer build on a busy machine: the
   * bound is loose, the silence long. */
  g_assert_cmpint (took, <, 15 * G_USEC_PER_SEC);
  assert_kept_and_reported (fixture, good, "no answer");
  g_assert_nonnull (strstr (lode_data_controller_get_error (fixture->controller), "did not answer"));

  assert_recovers (fixture);
}

static void
test_cut_and_malformed_bodies (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(LodeSnapshot) good = first_load (fixture);
  LodeMockFault cut = { .kind = LODE_MOCK_FAULT_TRUNCATE };
  LodeMockFault malformed = { .kind = LODE_MOCK_FAULT_MALFORMED };

  lode_mock_exchange_add_fault (fixture->mock, KLINES, 10000, &cut);
  reload_and_wait (fixture);
  assert_kept_and_reported (fixture, good, "body cut mid-JSON");
  assert_recovers (fixture);

  lode_mock_exchange_add_fault (fixture->mock, KLINES, 10000, &malformed);
  reload_and_wait (fixture);
  assert_kept_and_reported (fixture, good, "malformed body");
  assert_recovers (fixture);
}

static void
test_huge_body_refused (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(LodeSnapshot) good = first_load (fixture);
  LodeMockFault huge = { .kind = LODE_MOCK_FAULT_HUGE, .body_bytes = 50 * 1024 * 1024 };

  /* 50 MB of valid JSON: more than any venue's reply may be. */
  lode_mock_exchange_add_fault (fixture->mock, KLINES, 10000, &huge);
  reload_and_wait (fixture);
  assert_kept_and_reported (fixture, good, "50 MB body");
  g_assert_nonnull (strstr (lode_data_controller_get_error (fixture->controller), "larger than"));

  assert_recovers (fixture);
}

typedef struct
{
  LodeHttp *http;
  GBytes   *body;
  GError   *error;
  gboolean  done;
} Get;

static void
on_get (GObject      *object,
        GAsyncResult *result,
        gpointer      data)
{
  Get *get = data;

  get->body = lode_http_request_finish (LODE_HTTP (object), result, &get->error);
  get->done = TRUE;
}

/* A reply sent without a length (chunked) is cut off as it is read, at
 * the bound, not after: the bound is what memory a reply may cost. */
static void
on_chunked_request (SoupServer        *server,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           data)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  g_autofree char *chunk = g_malloc (1024 * 1024);

  memset (chunk, ' ', 1024 * 1024);
  soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                     SOUP_ENCODING_CHUNKED);
  soup_server_message_set_status (msg, 200, NULL);
  for (guint i = 0; i < 8; i++)
    soup_message_body_append (body, SOUP_MEMORY_COPY, chunk, 1024 * 1024);
  soup_message_body_append (body, SOUP_MEMORY_STATIC, "[]", 2);
  soup_message_body_complete (body);
}

static void
test_huge_chunked_body_refused (void)
{
  g_autoptr(LodeMockExchange) mock = lode_mock_exchange_new (11);
  g_autoptr(LodeHttp) http = lode_http_new ();
  g_autofree char *base = lode_mock_exchange_get_base_url (mock, "binance");
  g_autofree char *url = g_strconcat (base, "/chunked", NULL);
  Get get = { 0 };

  soup_server_add_handler (lode_mock_exchange_get_server (mock), "/binance/chunked",
                           on_chunked_request, NULL, NULL);
  lode_http_set_max_body_bytes (http, 2 * 1024 * 1024);
  lode_http_get_async (http, url, &(LodeHttpCall) { 0 }, NULL, on_get, &get);
  while (!get.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_null (get.body);
  g_assert_error (get.error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE);
  /* Not retried: the same request would get the same reply. */
  g_assert_cmpuint (lode_http_get_n_sent (http), ==, 1);
  g_clear_error (&get.error);

  /* Under the bound it is read whole. */
  lode_http_set_max_body_bytes (http, 16 * 1024 * 1024);
  get.done = FALSE;
  lode_http_get_async (http, url, &(LodeHttpCall) { 0 }, NULL, on_get, &get);
  while (!get.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (get.error);
  g_assert_cmpuint (g_bytes_get_size (get.body), ==, 8 * 1024 * 1024 + 2);
  g_bytes_unref (get.body);
}

/* Binance kline rows [open time, o, h, l, c, volume, close time, …] of
 * the minutes before the mock's now, with @bad in place of a number. */
static char *
klines_with (Fixture    *fixture,
             const char *open,
             const char *high,
             const char *low,
             const char *close,
             const char *volume)
{
  gint64 t = lode_mock_exchange_get_now_ms (fixture->mock) - MINUTE_MS;

  return g_strdup_printf ("[[%" G_GINT64_FORMAT ",\"%s\",\"%s\",\"%s\",\"%s\",\"%s\",%" G_GINT64_FORMAT
                          ",\"0\",1,\"0\",\"0\",\"0\"]]",
                          t, open, high, low, close, volume, t + MINUTE_MS - 1);
}

static void
test_bad_numbers_rejected (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(LodeSnapshot) good = first_load (fixture);
  struct
  {
    const char *what;
    const char *o, *h, *l, *c, *v;
  } cases[] = {
    { "NaN price", "NaN", "100", "90", "95", "1" },
    { "inf price", "100", "inf", "90", "95", "1" },
    { "negative price", "-100", "100", "-110", "95", "1" },
    { "negative volume", "100", "105", "90", "95", "-1" },
    { "huge price", "1e300", "1e300", "1e300", "1e300", "1" },
    { "huge volume", "100", "105", "90", "95", "1e300" },
    { "number past double", "100", "1e999", "90", "95", "1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body = klines_with (fixture, cases[i].o, cases[i].h, cases[i].l,
                                           cases[i].c, cases[i].v);
      LodeMockFault fault = { .kind = LODE_MOCK_FAULT_BODY, .body = body };

      lode_mock_exchange_add_fault (fixture->mock, KLINES, 10000, &fault);
      reload_and_wait (fixture);
      assert_kept_and_reported (fixture, good, cases[i].what);
      lode_mock_exchange_clear_faults (fixture->mock);
    }

  assert_recovers (fixture);
}

/* Repeated and unsorted rows are repaired: each minute once, in order, the
 * last of a repeat winning, as the venue's own rows are. */
static void
test_duplicated_unsorted_candles_repaired (Fixture       *fixture,
                                           gconstpointer  data)
{
  g_autoptr(LodeSnapshot) good = first_load (fixture);
  g_autoptr(GString) body = g_string_new ("[");
  gint64 now = lode_mock_exchange_get_now_ms (fixture->mock);
  const gint64 order[] = { 1, 3, 2, 1, 3, 2, 2 };  /* minutes before now */
  LodeMockFault fault = { .kind = LODE_MOCK_FAULT_BODY };

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      gint64 t = now - order[i] * MINUTE_MS;
      LodeCandle c;

      lode_mock_exchange_candle (fixture->mock, t, MINUTE_MS, &c);
      g_string_append_printf (body, "%s[%" G_GINT64_FORMAT ",\"%.8f\",\"%.8f\",\"%.8f\",\"%.8f\",\"%.8f\","
                              "%" G_GINT64_FORMAT ",\"0\",1,\"0\",\"0\",\"0\"]",
                              i > 0 ? "," : "", t, c.open, c.high, c.low, c.close, c.volume,
                              t + MINUTE_MS - 1);
    }
  g_string_append (body, "]");
  fault.body = body->str;

  lode_mock_exchange_add_fault (fixture->mock, KLINES, 10000, &fault);
  reload_and_wait (fixture);
  g_assert_null (lode_data_controller_get_error (fixture->controller));
  assert_market_matches_mock (fixture);
  g_assert_cmpuint (lode_market_get_n_candles (market_of (fixture)), ==,
                    lode_market_get_n_candles (lode_snapshot_get_market (good)));
}

static gboolean
streaming (Fixture *fixture)
{
  g_autofree char *state = NULL;

  g_object_get (fixture->controller, "stream-state", &state, NULL);
  return has_snapshot (fixture) && g_strcmp0 (state, "Binance: live") == 0;
}

typedef struct
{
  gint64 last;
  gint64 max_gap;
} Ticks;

static gboolean
on_tick (gpointer data)
{
  Ticks *ticks = data;
  gint64 now = g_get_monotonic_time ();

  if (ticks->last > 0)
    ticks->max_gap = MAX (ticks->max_gap, now - ticks->last);
  ticks->last = now;

  return G_SOURCE_CONTINUE;
}

static guint
n_prints (Fixture *fixture)
{
  g_autoptr(GArray) prints = NULL;

  g_object_get (fixture->controller, "prints", &prints, NULL);
  return prints != NULL ? prints->len : 0;
}

static gint64
newest_print_ms (Fixture *fixture)
{
  g_autoptr(GArray) prints = NULL;

  g_object_get (fixture->controller, "prints", &prints, NULL);
  return prints != NULL && prints->len > 0
         ? g_array_index (prints, LodeLiqPrint, prints->len - 1).time_ms : -1;
}

/* The venue's side of a flood: paced at 10 per ms, sent from a source of
 * the main loop that sends at most a millisecond's worth per dispatch, as
 * a network hands over a few frames at a time. A venue that falls behind
 * the pace (a sanitizer build) catches up in more dispatches, never in
 * one that would stall the loop it shares with the app. */
typedef struct
{
  LodeMockWs *ws;
  gint64      now_ms;
  gint64      start;
  guint       sent;
  guint       total;
  gint64      done;    /* when the last was sent */
} Flood;

static gboolean
on_flood (gpointer data)
{
  Flood *flood = data;
  guint due = MIN (flood->total, (guint) ((g_get_monotonic_time () - flood->start) / 100));
  guint until = MIN (due, flood->sent + 10);

  for (; flood->sent < until; flood->sent++)
    {
      g_autofree char *event = g_strdup_printf ("{\"e\":\"forceOrder\",\"E\":%" G_GINT64_FORMAT ",\"o\":{"
                                                "\"s\":\"BTCUSDT\",\"S\":\"%s\",\"o\":\"LIMIT\",\"f\":\"IOC\","
                                                "\"q\":\"0.01\",\"p\":\"95000\",\"ap\":\"95000\",\"X\":\"FILLED\","
                                                "\"l\":\"0.01\",\"z\":\"0.01\",\"T\":%" G_GINT64_FORMAT "}}",
                                                flood->now_ms, flood->sent % 2 ? "SELL" : "BUY",
                                                flood->now_ms - flood->total + flood->sent);

      lode_mock_ws_push_binance (flood->ws, "BTCUSDT", event);
    }

  if (flood->sent < flood->total)
    return G_SOURCE_CONTINUE;

  flood->done = g_get_monotonic_time ();
  return G_SOURCE_REMOVE;
}

static void
drop_message (const char     *log_domain,
              GLogLevelFlags  log_level,
              const char     *message,
              gpointer        user_data)
{
}

/* An AddressSanitizer build, where a frame costs milliseconds, sends
 * just over the 20 000 prints kept: the same paths for a fifth less of
 * the work. */
#ifdef __SANITIZE_ADDRESS__
#define FLOOD_TOTAL 21000
#else
#define FLOOD_TOTAL 25000
#endif

/* 10 000 liquidations a second, for two and a half seconds: the
 * controller keeps the newest 20 000, and the main loop keeps running. */
static void
test_websocket_flood (Fixture       *fixture,
                      gconstpointer  data)
{
  Flood flood = {
    .ws = lode_mock_ws_new (),
    .now_ms = lode_mock_exchange_get_now_ms (fixture->mock),
    .total = FLOOD_TOTAL,
  };
  g_autofree char *url = lode_mock_ws_get_url (flood.ws, "binance");
  gint64 deadline;
  Ticks ticks = { 0 };
  guint tick_id, quiet;

  /* libsoup says a few words per frame at debug level, which the test
   * harness prints: a hundred thousand lines would be most of the work. */
  quiet = g_log_set_handler ("libsoup", G_LOG_LEVEL_DEBUG, drop_message, NULL);

  lode_data_controller_set_stream_url (fixture->controller, "binance", url);
  g_assert_true (wait_for (streaming, fixture));

  tick_id = g_timeout_add_full (G_PRIORITY_HIGH, 5, on_tick, &ticks, NULL);
  flood.start = g_get_monotonic_time ();
  g_idle_add_full (G_PRIORITY_DEFAULT, on_flood, &flood, NULL);

  /* Everything sent arrives: the newest 20 000 of it are kept. A
   * sanitizer build sends and parses a hundred times slower (every
   * allocation unwinds the stack), the more so on a busy machine: the
   * wait only gives up when nothing has moved for 30 s. The stall bound
   * holds all the same. */
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while ((flood.done == 0 || n_prints (fixture) < 20000 || newest_print_ms (fixture) != flood.now_ms - 1)
         && g_get_monotonic_time () < deadline)
    {
      gint64 newest = newest_print_ms (fixture);

      g_main_context_iteration (NULL, TRUE);
      if (newest_print_ms (fixture) != newest)
        deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
    }
  g_source_remove (tick_id);

  g_test_message ("flood: %u messages sent in %.2f s", flood.sent,
                  flood.done > 0 ? (flood.done - flood.start) / 1e6 : -1.0);
  g_test_message ("flood: %u prints kept; longest main-loop stall %.1f ms",
                  n_prints (fixture), ticks.max_gap / 1000.0);
  g_assert_cmpuint (flood.sent, ==, flood.total);
  g_assert_cmpuint (n_prints (fixture), ==, 20000);
  g_assert_cmpint (newest_print_ms (fixture), ==, flood.now_ms - 1);
  g_assert_cmpint (ticks.max_gap, <, 250 * 1000);
  g_assert_null (lode_data_controller_get_error (fixture->controller));

  g_clear_object (&fixture->controller);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  lode_mock_ws_free (flood.ws);
  g_log_remove_handler ("libsoup", quiet);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/sources/faults/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("every-request-fails-once", test_every_request_fails_once);
  ADD ("429-storm-recovers", test_429_storm_recovers);
  ADD ("no-answer-times-out", test_no_answer_times_out);
  ADD ("cut-and-malformed-bodies", test_cut_and_malformed_bodies);
  ADD ("huge-body-refused", test_huge_body_refused);
  g_test_add_func ("/sources/faults/huge-chunked-body-refused", test_huge_chunked_body_refused);
  ADD ("bad-numbers-rejected", test_bad_numbers_rejected);
  ADD ("duplicated-unsorted-candles-repaired", test_duplicated_unsorted_candles_repaired);
  ADD ("websocket-flood", test_websocket_flood);

#undef ADD

  return g_test_run ();
}
