/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <string.h>

#include "lode-candle-stream.h"
#include "lode-candle-stream-parse.h"
#include "lode-mock-ws.h"

/* Every wait gives up (and fails) after this long. */
#define WAIT_LIMIT_US (10 * G_USEC_PER_SEC)

#define WAIT_FOR(cond)                                                   \
  G_STMT_START {                                                         \
    gint64 wait_deadline_ = g_get_monotonic_time () + WAIT_LIMIT_US;     \
    while (!(cond))                                                      \
      {                                                                  \
        if (g_get_monotonic_time () > wait_deadline_)                    \
          g_error ("timed out waiting for %s", #cond);                   \
        g_main_context_iteration (NULL, TRUE);                           \
      }                                                                  \
  } G_STMT_END

#define MINUTE 60000

static void
run_for (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
}

typedef struct
{
  LodeCandleUpdate update;
  guint            batch;  /* the main-loop iteration it came in */
} Got;

typedef struct
{
  const char       *venue;
  const char       *symbol;
  const char       *interval;  /* the venue's name of 1m */
  LodeMockWs       *mock;
  LodeCandleStream *stream;
  GArray           *got;       /* Got */
  GSource          *counter;   /* counts main-loop iterations */
  guint             iteration;
} Fixture;

/* The mock's name of the endpoint a venue's candles use. */
static const char *
mock_venue (const char *venue)
{
  return g_str_equal (venue, "okx") ? "okx-business" : venue;
}

static const char *
venue_symbol (const char *venue)
{
  if (g_str_equal (venue, "okx"))
    return "BTC-USDT-SWAP";
  if (g_str_equal (venue, "hyperliquid"))
    return "BTC";
  return "BTCUSDT";
}

/* A source that is never ready, prepared once per main-loop iteration:
 * it numbers the iterations. */
typedef struct
{
  GSource  source;
  Fixture *f;
} CounterSource;

static gboolean
counter_prepare (GSource *source,
                 gint    *timeout)
{
  ((CounterSource *) source)->f->iteration++;
  *timeout = -1;
  return FALSE;
}

static GSourceFuncs counter_funcs = { counter_prepare, NULL, NULL, NULL, NULL, NULL };

static void
on_candle (LodeCandleStream *stream,
           const LodeCandle *candle,
           gboolean          closed,
           Fixture          *f)
{
  Got got = { { *candle, closed }, f->iteration };

  g_array_append_val (f->got, got);
}

static void
fixture_start (Fixture    *f,
               const char *venue)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  if (f->mock == NULL)
    f->mock = lode_mock_ws_new ();
  f->venue = venue;
  f->symbol = venue_symbol (venue);
  f->interval = lode_candle_interval_name (venue, MINUTE);
  f->got = g_array_new (FALSE, FALSE, sizeof (Got));

  url = lode_mock_ws_get_candle_url (f->mock, venue);
  f->stream = lode_candle_stream_new (venue, url, f->symbol, MINUTE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->stream);

  /* Tiny delays keep the tests fast. */
  lode_ws_stream_set_backoff (LODE_WS_STREAM (f->stream), 10, 40);
  lode_ws_stream_set_ack_timeout_ms (LODE_WS_STREAM (f->stream), 2000);
  g_signal_connect (f->stream, "candle", G_CALLBACK (on_candle), f);

  f->counter = g_source_new (&counter_funcs, sizeof (CounterSource));
  ((CounterSource *) f->counter)->f = f;
  g_source_attach (f->counter, NULL);

  lode_candle_stream_start (f->stream);
}

static void
fixture_clear (Fixture *f)
{
  if (f->stream != NULL)
    lode_candle_stream_stop (f->stream);
  g_clear_object (&f->stream);
  if (f->counter != NULL)
    {
      g_source_destroy (f->counter);
      g_clear_pointer (&f->counter, g_source_unref);
    }
  g_clear_pointer (&f->got, g_array_unref);
  run_for (20);
  g_clear_pointer (&f->mock, lode_mock_ws_free);
}

static gboolean
is_connected (Fixture *f)
{
  return lode_candle_stream_get_state (f->stream) == LODE_WS_STREAM_CONNECTED;
}

static const Got *
got (Fixture *f,
     guint    i)
{
  return &g_array_index (f->got, Got, i);
}

static guint
push (Fixture    *f,
      gint64      time_ms,
      const char *close,
      gboolean    closed)
{
  LodeMockWsCandle c = { time_ms, "100", "110", "90", close, "2.5", closed };

  return lode_mock_ws_push_candle (f->mock, f->venue, f->symbol, f->interval, MINUTE, &c);
}

static void
assert_got (Fixture  *f,
            guint     i,
            gint64    time_ms,
            double    close,
            gboolean  closed)
{
  const LodeCandleUpdate *u = &got (f, i)->update;

  g_assert_cmpint (u->candle.time_ms, ==, time_ms);
  g_assert_cmpfloat (u->candle.open, ==, 100);
  g_assert_cmpfloat (u->candle.high, ==, 110);
  g_assert_cmpfloat (u->candle.low, ==, 90);
  g_assert_cmpfloat (u->candle.close, ==, close);
  g_assert_cmpfloat (u->candle.volume, ==, 2.5);
  g_assert_cmpint (u->closed, ==, closed);
}

/* ---- Tests ---------------------------------------------------------------- */

static void
test_new_errors (void)
{
  g_autoptr(GError) error = NULL;
  LodeCandleStream *stream;

  stream = lode_candle_stream_new ("nowhere", NULL, "BTC", MINUTE, &error);
  g_assert_null (stream);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  /* 3m: the venues have it, Lodestone does not. */
  stream = lode_candle_stream_new ("binance", NULL, "BTCUSDT", 3 * MINUTE, &error);
  g_assert_null (stream);
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_INVALID_ARGUMENT);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  stream = lode_candle_stream_new ("okx", NULL, "", MINUTE, &error);
  g_assert_null (stream);
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_cmpstr (lode_candle_stream_default_url ("binance"), ==, "wss://fstream.binance.com/market");
  g_assert_cmpstr (lode_candle_stream_default_url ("bybit"), ==, "wss://stream.bybit.com/v5/public/linear");
  g_assert_cmpstr (lode_candle_stream_default_url ("okx"), ==, "wss://ws.okx.com:8443/ws/v5/business");
  g_assert_cmpstr (lode_candle_stream_default_url ("hyperliquid"), ==, "wss://api.hyperliquid.xyz/ws");

  stream = lode_candle_stream_new ("hyperliquid", NULL, "ETH", 4 * 60 * MINUTE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lode_ws_stream_get_url (LODE_WS_STREAM (stream)), ==, "wss://api.hyperliquid.xyz/ws");
  g_assert_cmpstr (lode_candle_stream_get_venue (stream), ==, "hyperliquid");
  g_assert_cmpstr (lode_candle_stream_get_symbol (stream), ==, "ETH");
  g_assert_cmpint (lode_candle_stream_get_interval_ms (stream), ==, 4 * 60 * MINUTE);
  g_assert_cmpint (lode_candle_stream_get_state (stream), ==, LODE_WS_STREAM_DISCONNECTED);
  g_object_unref (stream);
}

/* An open candle, its close, the next one: the venue's closed flag; for
 * Hyperliquid, which has none, the next open time closes the candle. */
static void
test_updates (gconstpointer data)
{
  const char *venue = data;
  gboolean hyperliquid = g_str_equal (venue, "hyperliquid");
  Fixture f = { 0 };

  fixture_start (&f, venue);
  g_assert_cmpint (lode_candle_stream_get_state (f.stream), ==, LODE_WS_STREAM_CONNECTING);
  WAIT_FOR (is_connected (&f));
  g_assert_cmpuint (lode_mock_ws_get_n_subscribed (f.mock, mock_venue (venue)), ==, 1);
  g_assert_null (lode_candle_stream_get_error (f.stream));

  g_assert_cmpuint (push (&f, 10 * MINUTE, "101.5", FALSE), ==, 1);
  WAIT_FOR (f.got->len == 1);
  assert_got (&f, 0, 10 * MINUTE, 101.5, FALSE);

  g_assert_cmpuint (push (&f, 10 * MINUTE, "102", !hyperliquid), ==, 1);
  WAIT_FOR (f.got->len == 2);
  assert_got (&f, 1, 10 * MINUTE, 102, !hyperliquid);

  push (&f, 11 * MINUTE, "103", FALSE);
  if (hyperliquid)
    {
      /* The close of the old candle, with its last values, then the new. */
      WAIT_FOR (f.got->len == 4);
      assert_got (&f, 2, 10 * MINUTE, 102, TRUE);
      assert_got (&f, 3, 11 * MINUTE, 103, FALSE);
      g_assert_cmpuint (got (&f, 2)->batch, ==, got (&f, 3)->batch);
    }
  else
    {
      WAIT_FOR (f.got->len == 3);
      assert_got (&f, 2, 11 * MINUTE, 103, FALSE);
    }

  g_assert_cmpuint (lode_candle_stream_get_n_updates (f.stream), ==, f.got->len);
  run_for (50);
  g_assert_cmpuint (lode_candle_stream_get_n_updates (f.stream), ==, f.got->len);
  g_assert_cmpuint (lode_ws_stream_get_n_malformed (LODE_WS_STREAM (f.stream)), ==, 0);

  fixture_clear (&f);
}

/* Another symbol's or interval's candles never reach us. */
static void
test_other_topics (gconstpointer data)
{
  const char *venue = data;
  Fixture f = { 0 };
  LodeMockWsCandle c = { MINUTE, "1", "1", "1", "1", "1", FALSE };
  g_autofree char *other_interval = NULL;

  fixture_start (&f, venue);
  WAIT_FOR (is_connected (&f));

  /* Pushed to us anyway, as a confused server might. */
  other_interval = lode_mock_ws_candle_frame (venue, f.symbol, lode_candle_interval_name (venue, 5 * MINUTE),
                                              5 * MINUTE, &c);
  g_assert_cmpuint (lode_mock_ws_push_raw (f.mock, mock_venue (venue), other_interval), ==, 1);
  push (&f, 2 * MINUTE, "100", FALSE);
  WAIT_FOR (f.got->len == 1);
  assert_got (&f, 0, 2 * MINUTE, 100, FALSE);
  run_for (30);
  g_assert_cmpuint (f.got->len, ==, 1);

  fixture_clear (&f);
}

/* One frame holding three states of one candle: one emission, the last
 * state. */
static void
test_coalesce_frame (gconstpointer data)
{
  const char *venue = data;
  Fixture f = { 0 };
  g_autofree char *frame = NULL;

  fixture_start (&f, venue);
  WAIT_FOR (is_connected (&f));

  if (g_str_equal (venue, "bybit"))
    frame = g_strdup_printf ("{\"topic\":\"kline.1.BTCUSDT\",\"data\":["
                             "{\"start\":%d,\"open\":\"100\",\"close\":\"101\",\"high\":\"110\",\"low\":\"90\",\"volume\":\"1\",\"confirm\":false},"
                             "{\"start\":%d,\"open\":\"100\",\"close\":\"102\",\"high\":\"110\",\"low\":\"90\",\"volume\":\"2\",\"confirm\":false},"
                             "{\"start\":%d,\"open\":\"100\",\"close\":\"104\",\"high\":\"110\",\"low\":\"90\",\"volume\":\"2.5\",\"confirm\":false}],"
                             "\"ts\":1,\"type\":\"snapshot\"}", MINUTE, MINUTE, MINUTE);
  else if (g_str_equal (venue, "okx"))
    frame = g_strdup_printf ("{\"arg\":{\"channel\":\"candle1m\",\"instId\":\"BTC-USDT-SWAP\"},\"data\":["
                             "[\"%d\",\"100\",\"110\",\"90\",\"101\",\"100\",\"1\",\"101\",\"0\"],"
                             "[\"%d\",\"100\",\"110\",\"90\",\"102\",\"200\",\"2\",\"204\",\"0\"],"
                             "[\"%d\",\"100\",\"110\",\"90\",\"104\",\"250\",\"2.5\",\"260\",\"0\"]]}",
                             MINUTE, MINUTE, MINUTE);
  else
    frame = g_strdup_printf ("{\"channel\":\"candle\",\"data\":["
                             "{\"t\":%d,\"s\":\"BTC\",\"i\":\"1m\",\"o\":\"100\",\"c\":\"101\",\"h\":\"110\",\"l\":\"90\",\"v\":\"1\"},"
                             "{\"t\":%d,\"s\":\"BTC\",\"i\":\"1m\",\"o\":\"100\",\"c\":\"102\",\"h\":\"110\",\"l\":\"90\",\"v\":\"2\"},"
                             "{\"t\":%d,\"s\":\"BTC\",\"i\":\"1m\",\"o\":\"100\",\"c\":\"104\",\"h\":\"110\",\"l\":\"90\",\"v\":\"2.5\"}]}",
                             MINUTE, MINUTE, MINUTE);

  g_assert_cmpuint (lode_mock_ws_push_candle_frame (f.mock, venue, f.symbol, f.interval, frame), ==, 1);
  WAIT_FOR (f.got->len >= 1);
  run_for (30);
  g_assert_cmpuint (f.got->len, ==, 1);
  assert_got (&f, 0, MINUTE, 104, FALSE);

  fixture_clear (&f);
}

/* A burst of frames: within a main-loop iteration an open time is
 * delivered at most once, in time order; the last state of each candle
 * arrives, and a close sticks. */
static void
test_coalesce_burst (gconstpointer data)
{
  const char *venue = data;
  gboolean hyperliquid = g_str_equal (venue, "hyperliquid");
  Fixture f = { 0 };
  const guint n = 20;
  const Got *last_old = NULL;
  const Got *last_new = NULL;

  fixture_start (&f, venue);
  WAIT_FOR (is_connected (&f));

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *close = g_strdup_printf ("%u", 91 + i);

      push (&f, MINUTE, close, !hyperliquid && i == n - 1);
    }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *close = g_strdup_printf ("%u", 91 + i);

      push (&f, 2 * MINUTE, close, FALSE);
    }

  WAIT_FOR (f.got->len > 0 &&
            got (&f, f.got->len - 1)->update.candle.time_ms == 2 * MINUTE &&
            got (&f, f.got->len - 1)->update.candle.close == 91 + n - 1);
  run_for (30);

  g_test_message ("%s: %u frames delivered as %u candles", venue, 2 * n, f.got->len);
  g_assert_cmpuint (f.got->len, <, 2 * n);

  for (guint i = 0; i < f.got->len; i++)
    {
      const Got *g = got (&f, i);

      /* Within one iteration: unique and ascending open times. */
      if (i > 0 && got (&f, i - 1)->batch == g->batch)
        g_assert_cmpint (got (&f, i - 1)->update.candle.time_ms, <, g->update.candle.time_ms);

      if (g->update.candle.time_ms == MINUTE)
        last_old = g;
      else
        last_new = g;
    }

  g_assert_nonnull (last_old);
  g_assert_nonnull (last_new);
  g_assert_cmpfloat (last_old->update.candle.close, ==, 91 + n - 1);
  g_assert_true (last_old->update.closed);
  g_assert_cmpfloat (last_new->update.candle.close, ==, 91 + n - 1);
  g_assert_false (last_new->update.closed);

  fixture_clear (&f);
}

/* A mid-stream disconnect: reconnect with backoff, subscribe again, and
 * candles flow again. */
static void
test_reconnect (gconstpointer data)
{
  const char *venue = data;
  Fixture f = { 0 };

  fixture_start (&f, venue);
  WAIT_FOR (is_connected (&f));
  push (&f, MINUTE, "100", FALSE);
  WAIT_FOR (f.got->len == 1);

  lode_mock_ws_drop (f.mock, mock_venue (venue));
  WAIT_FOR (lode_ws_stream_get_n_connects (LODE_WS_STREAM (f.stream)) == 2 && is_connected (&f));

  g_assert_cmpuint (lode_mock_ws_get_n_accepted (f.mock, mock_venue (venue)), ==, 2);
  g_assert_cmpuint (lode_mock_ws_get_n_subscribed (f.mock, mock_venue (venue)), ==, 2);
  g_assert_null (lode_candle_stream_get_error (f.stream));

  push (&f, MINUTE, "105", FALSE);
  WAIT_FOR (f.got->len == 2);
  assert_got (&f, 1, MINUTE, 105, FALSE);

  fixture_clear (&f);
}

/* Frames that do not parse are counted and skipped; the stream goes on. */
static void
test_malformed (gconstpointer data)
{
  const char *venue = data;
  const char *mv = mock_venue (venue);
  Fixture f = { 0 };
  LodeMockWsCandle bad = { MINUTE, "100", "95", "90", "101", "1", FALSE };  /* high < close */
  g_autofree char *inconsistent = NULL;

  fixture_start (&f, venue);
  WAIT_FOR (is_connected (&f));

  inconsistent = lode_mock_ws_candle_frame (venue, f.symbol, f.interval, MINUTE, &bad);
  lode_mock_ws_push_raw (f.mock, mv, "{\"truncated\":");
  lode_mock_ws_push_raw (f.mock, mv, "\xff\xfe not even text");
  g_assert_cmpuint (lode_mock_ws_push_candle_frame (f.mock, venue, f.symbol, f.interval, inconsistent), ==, 1);
  push (&f, 3 * MINUTE, "100", FALSE);

  WAIT_FOR (f.got->len == 1);
  assert_got (&f, 0, 3 * MINUTE, 100, FALSE);
  g_assert_cmpuint (lode_ws_stream_get_n_malformed (LODE_WS_STREAM (f.stream)), ==, 3);
  g_assert_true (is_connected (&f));
  g_assert_cmpuint (lode_ws_stream_get_n_connects (LODE_WS_STREAM (f.stream)), ==, 1);

  fixture_clear (&f);
}

/* A refused subscription is an error state, not a retry loop. */
static void
test_subscription_error (gconstpointer data)
{
  const char *venue = data;
  Fixture f = { 0 };
  const GError *error;

  f.mock = lode_mock_ws_new ();
  lode_mock_ws_set_reject_subscribe (f.mock, mock_venue (venue), TRUE);
  fixture_start (&f, venue);

  WAIT_FOR (lode_candle_stream_get_state (f.stream) == LODE_WS_STREAM_FAILED);
  error = lode_candle_stream_get_error (f.stream);
  g_assert_error ((GError *) error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE);
  g_test_message ("%s: %s", venue, error->message);

  run_for (100);
  g_assert_cmpint (lode_candle_stream_get_state (f.stream), ==, LODE_WS_STREAM_FAILED);
  g_assert_cmpuint (lode_mock_ws_get_n_accepted (f.mock, mock_venue (venue)), ==, 1);

  fixture_clear (&f);
}

/* §4: Hyperliquid closes a connection idle for 60 s (here 600 ms); the
 * JSON ping keeps it; without it the stream is dropped and comes back. */
static void
test_hyperliquid_keepalive (void)
{
  Fixture f = { 0 };
  LodeWsStream *ws;

  f.mock = lode_mock_ws_new ();
  lode_mock_ws_set_hyperliquid_idle_timeout_ms (f.mock, 600);
  fixture_start (&f, "hyperliquid");
  ws = LODE_WS_STREAM (f.stream);
  lode_ws_stream_set_keepalive_ms (ws, 150);
  lode_candle_stream_stop (f.stream);
  lode_candle_stream_start (f.stream);
  WAIT_FOR (is_connected (&f));

  run_for (1300);
  g_assert_cmpuint (lode_mock_ws_get_n_idle_drops_for (f.mock, "hyperliquid"), ==, 0);
  g_assert_cmpuint (lode_mock_ws_get_n_pings (f.mock, "hyperliquid"), >=, 3);
  g_assert_true (is_connected (&f));
  g_assert_cmpuint (lode_ws_stream_get_n_connects (ws), ==, 1);

  /* Pinging too rarely: closed for idleness, reconnected, resubscribed. */
  lode_ws_stream_set_keepalive_ms (ws, 60000);
  lode_candle_stream_stop (f.stream);
  lode_candle_stream_start (f.stream);
  WAIT_FOR (lode_mock_ws_get_n_idle_drops_for (f.mock, "hyperliquid") >= 1);
  WAIT_FOR (lode_ws_stream_get_n_connects (ws) >= 3);
  g_assert_cmpuint (lode_mock_ws_get_n_subscribed (f.mock, "hyperliquid"), >=, 3);

  fixture_clear (&f);
}

/* §3.1: given the public OKX endpoint, the stream goes to /business;
 * §1.9: given a bare Binance root, it goes to /market. */
static void
test_routing (void)
{
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *okx_public = NULL;
  g_autoptr(LodeCandleStream) okx = NULL;
  g_autoptr(LodeCandleStream) binance = NULL;

  f.mock = lode_mock_ws_new ();
  okx_public = lode_mock_ws_get_url (f.mock, "okx");
  okx = lode_candle_stream_new ("okx", okx_public, "BTC-USDT-SWAP", MINUTE, &error);
  g_assert_no_error (error);
  binance = lode_candle_stream_new ("binance", lode_mock_ws_get_root (f.mock), "BTCUSDT", MINUTE, &error);
  g_assert_no_error (error);

  lode_candle_stream_start (okx);
  lode_candle_stream_start (binance);
  WAIT_FOR (lode_candle_stream_get_state (okx) == LODE_WS_STREAM_CONNECTED &&
            lode_candle_stream_get_state (binance) == LODE_WS_STREAM_CONNECTED);
  g_assert_cmpuint (lode_mock_ws_get_n_accepted (f.mock, "okx-business"), ==, 1);
  g_assert_cmpuint (lode_mock_ws_get_n_accepted (f.mock, "okx"), ==, 0);
  g_assert_cmpuint (lode_mock_ws_get_n_accepted (f.mock, "binance"), ==, 1);
  g_assert_cmpuint (lode_mock_ws_get_n_accepted (f.mock, "binance-unrouted"), ==, 0);

  lode_candle_stream_stop (okx);
  lode_candle_stream_stop (binance);
  fixture_clear (&f);
}

/* After stop, nothing more: no candles, no attempts. */
static void
test_stop (void)
{
  Fixture f = { 0 };

  fixture_start (&f, "bybit");
  WAIT_FOR (is_connected (&f));
  push (&f, MINUTE, "100", FALSE);
  lode_candle_stream_stop (f.stream);
  g_assert_cmpint (lode_candle_stream_get_state (f.stream), ==, LODE_WS_STREAM_DISCONNECTED);

  WAIT_FOR (lode_mock_ws_get_n_open (f.mock, "bybit") == 0);
  run_for (50);
  g_assert_cmpuint (f.got->len, ==, 0);

  lode_candle_stream_start (f.stream);
  WAIT_FOR (is_connected (&f));
  push (&f, MINUTE, "101", FALSE);
  WAIT_FOR (f.got->len == 1);
  assert_got (&f, 0, MINUTE, 101, FALSE);

  fixture_clear (&f);
}

static gboolean
wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  static const char * const venues[] = { "binance", "bybit", "okx", "hyperliquid" };
  static const char * const multi_row_venues[] = { "bybit", "okx", "hyperliquid" };

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  /* g_main_context_iteration (…, TRUE) returns at least this often, so
   * that WAIT_FOR sees its deadline. */
  g_timeout_add (20, wake, NULL);

  g_test_add_func ("/sources/candle-stream/new/errors", test_new_errors);
  g_test_add_func ("/sources/candle-stream/routing", test_routing);
  g_test_add_func ("/sources/candle-stream/hyperliquid/keepalive", test_hyperliquid_keepalive);
  g_test_add_func ("/sources/candle-stream/stop", test_stop);

  for (guint i = 0; i < G_N_ELEMENTS (venues); i++)
    {
      g_autofree char *updates = g_strdup_printf ("/sources/candle-stream/%s/updates", venues[i]);
      g_autofree char *other = g_strdup_printf ("/sources/candle-stream/%s/other-topics", venues[i]);
      g_autofree char *burst = g_strdup_printf ("/sources/candle-stream/%s/coalesce-burst", venues[i]);
      g_autofree char *reconnect = g_strdup_printf ("/sources/candle-stream/%s/reconnect", venues[i]);
      g_autofree char *malformed = g_strdup_printf ("/sources/candle-stream/%s/malformed", venues[i]);
      g_autofree char *refused = g_strdup_printf ("/sources/candle-stream/%s/subscription-error", venues[i]);

      g_test_add_data_func (updates, venues[i], test_updates);
      g_test_add_data_func (other, venues[i], test_other_topics);
      g_test_add_data_func (burst, venues[i], test_coalesce_burst);
      g_test_add_data_func (reconnect, venues[i], test_reconnect);
      g_test_add_data_func (malformed, venues[i], test_malformed);
      g_test_add_data_func (refused, venues[i], test_subscription_error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (multi_row_venues); i++)
    {
      g_autofree char *frame = g_strdup_printf ("/sources/candle-stream/%s/coalesce-frame", multi_row_venues[i]);

      g_test_add_data_func (frame, multi_row_venues[i], test_coalesce_frame);
    }

  return g_test_run ();
}
