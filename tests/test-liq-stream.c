/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <string.h>

#include "lode-liq-stream.h"
#include "lode-liq-stream-parse.h"
#include "lode-mock-ws.h"

/* Every wait gives up (and fails) after this long. */
#define WAIT_LIMIT_US (10 * G_USEC_PER_SEC)

#define WAIT_FOR(cond) WAIT_FOR_US (cond, WAIT_LIMIT_US)

#define WAIT_FOR_US(cond, limit_us)                                      \
  G_STMT_START {                                                         \
    gint64 wait_deadline_ = g_get_monotonic_time () + (limit_us);        \
    while (!(cond))                                                      \
      {                                                                  \
        if (g_get_monotonic_time () > wait_deadline_)                    \
          g_error ("timed out waiting for %s", #cond);                   \
        g_main_context_iteration (NULL, TRUE);                           \
      }                                                                  \
  } G_STMT_END

/* Runs the main loop for @ms. */
static void
run_for (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
}

typedef struct
{
  LodeMockWs    *mock;
  LodeLiqStream *stream;
  GArray        *got;        /* LodeLiqPrint, as delivered */
  guint          n_batches;
} Fixture;

static void
on_prints (LodeLiqStream *stream,
           gpointer       prints,
           guint          n_prints,
           Fixture       *f)
{
  const LodeLiqPrint *p = prints;

  g_assert_cmpuint (n_prints, >, 0);
  /* Each batch is in time order. */
  for (guint i = 1; i < n_prints; i++)
    g_assert_cmpint (p[i - 1].time_ms, <=, p[i].time_ms);

  g_array_append_vals (f->got, prints, n_prints);
  f->n_batches++;
}

static void
fixture_start (Fixture    *f,
               const char *venue,
               const char *const *symbols,
               double      contract_value)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  if (f->mock == NULL)
    f->mock = lode_mock_ws_new ();
  f->got = g_array_new (FALSE, FALSE, sizeof (LodeLiqPrint));

  url = lode_mock_ws_get_url (f->mock, venue);
  f->stream = lode_liq_stream_new (venue, url, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->stream);

  for (guint i = 0; symbols != NULL && symbols[i] != NULL; i++)
    lode_liq_stream_add_symbol (f->stream, symbols[i], contract_value);

  /* Tiny delays keep the tests fast. */
  lode_liq_stream_set_backoff (f->stream, 10, 40);
  lode_liq_stream_set_ack_timeout_ms (f->stream, 2000);
  g_signal_connect (f->stream, "prints", G_CALLBACK (on_prints), f);

  lode_liq_stream_start (f->stream);
}

static void
fixture_clear (Fixture *f)
{
  if (f->stream != NULL)
    lode_liq_stream_stop (f->stream);
  g_clear_object (&f->stream);
  g_clear_pointer (&f->got, g_array_unref);
  /* Let the closing handshakes finish before the server goes. */
  run_for (20);
  g_clear_pointer (&f->mock, lode_mock_ws_free);
}

static gboolean
is_connected (Fixture *f)
{
  return lode_liq_stream_get_state (f->stream) == LODE_LIQ_STREAM_CONNECTED;
}

static const LodeLiqPrint *
got (Fixture *f,
     guint    i)
{
  return &g_array_index (f->got, LodeLiqPrint, i);
}

static char *
binance_event (const char *symbol,
               const char *side,
               gint64      time_ms,
               const char *price,
               const char *qty)
{
  return g_strdup_printf ("{\"e\":\"forceOrder\",\"E\":%" G_GINT64_FORMAT ","
                          "\"o\":{\"s\":\"%s\",\"S\":\"%s\",\"o\":\"LIMIT\",\"f\":\"IOC\","
                          "\"q\":\"%s\",\"p\":\"%s\",\"ap\":\"%s\",\"X\":\"FILLED\","
                          "\"l\":\"%s\",\"z\":\"%s\",\"T\":%" G_GINT64_FORMAT "}}",
                          time_ms + 3, symbol, side, qty, price, price, qty, qty, time_ms);
}

static char *
bybit_frame (const char *symbol,
             const char *side,
             gint64      time_ms,
             const char *price,
             const char *size)
{
  return g_strdup_printf ("{\"topic\":\"allLiquidation.%s\",\"type\":\"snapshot\",\"ts\":%" G_GINT64_FORMAT ","
                          "\"data\":[{\"T\":%" G_GINT64_FORMAT ",\"s\":\"%s\",\"S\":\"%s\",\"v\":\"%s\",\"p\":\"%s\"}]}",
                          symbol, time_ms + 200, time_ms, symbol, side, size, price);
}

static char *
okx_frame (const char *inst_id,
           const char *pos_side,
           const char *side,
           gint64      time_ms,
           const char *price,
           const char *size)
{
  return g_strdup_printf ("{\"arg\":{\"channel\":\"liquidation-orders\",\"instType\":\"SWAP\"},"
                          "\"data\":[{\"instType\":\"SWAP\",\"instId\":\"%s\",\"details\":["
                          "{\"side\":\"%s\",\"posSide\":\"%s\",\"bkPx\":\"%s\",\"sz\":\"%s\","
                          "\"bkLoss\":\"0\",\"ccy\":\"\",\"ts\":\"%" G_GINT64_FORMAT "\"}]}]}",
                          inst_id, side, pos_side, price, size, time_ms);
}

/* One print of @venue's main symbol, at @time_ms. */
static void
push_one (Fixture    *f,
          const char *venue,
          gint64      time_ms)
{
  g_autofree char *text = NULL;

  if (g_str_equal (venue, "binance"))
    {
      text = binance_event ("BTCUSDT", "SELL", time_ms, "93955.2", "0.014");
      g_assert_cmpuint (lode_mock_ws_push_binance (f->mock, "BTCUSDT", text), ==, 1);
    }
  else if (g_str_equal (venue, "bybit"))
    {
      text = bybit_frame ("BTCUSDT", "Buy", time_ms, "93120.5", "0.5");
      g_assert_cmpuint (lode_mock_ws_push_bybit (f->mock, "allLiquidation.BTCUSDT", text), ==, 1);
    }
  else
    {
      text = okx_frame ("BTC-USDT-SWAP", "long", "sell", time_ms, "93120.5", "12");
      g_assert_cmpuint (lode_mock_ws_push_okx (f->mock, "liquidation-orders", text), ==, 1);
    }
}

static const char * const btc_binance[] = { "BTCUSDT", NULL };
static const char * const btc_okx[] = { "BTC-USDT-SWAP", NULL };

static void
start_venue (Fixture    *f,
             const char *venue)
{
  if (g_str_equal (venue, "okx"))
    fixture_start (f, venue, btc_okx, 0.01);
  else
    fixture_start (f, venue, btc_binance, 1.0);
}

/* ---- Tests ---------------------------------------------------------------- */

static void
test_hyperliquid_not_supported (void)
{
  g_autoptr(GError) error = NULL;
  LodeLiqStream *stream = lode_liq_stream_new ("hyperliquid", NULL, &error);

  /* §4.6: no public liquidation feed, so no stream and no invented prints. */
  g_assert_null (stream);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  g_assert_false (lode_liq_stream_venue_supported ("nowhere", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);

  g_assert_true (lode_liq_stream_venue_supported ("okx", NULL));
  g_assert_cmpstr (lode_liq_stream_default_url ("binance"), ==, "wss://fstream.binance.com/market");
  g_assert_cmpstr (lode_liq_stream_default_url ("bybit"), ==, "wss://stream.bybit.com/v5/public/linear");
  g_assert_cmpstr (lode_liq_stream_default_url ("okx"), ==, "wss://ws.okx.com:8443/ws/v5/public");
}

static void
test_binance_prints (void)
{
  Fixture f = { 0 };
  g_autofree char *sell = binance_event ("BTCUSDT", "SELL", 1000, "93955.2", "0.014");
  g_autofree char *other = binance_event ("ETHUSDT", "SELL", 1001, "3000", "1");
  g_autofree char *buy = binance_event ("BTCUSDT", "BUY", 1002, "94000", "2");

  fixture_start (&f, "binance", btc_binance, 1.0);
  g_assert_cmpint (lode_liq_stream_get_state (f.stream), ==, LODE_LIQ_STREAM_CONNECTING);
  WAIT_FOR (is_connected (&f));
  g_assert_cmpuint (lode_mock_ws_get_n_subscribed (f.mock, "binance"), ==, 1);
  g_assert_null (lode_liq_stream_get_error (f.stream));

  /* The all-market stream carries ETH too: filtered out. */
  lode_mock_ws_push_binance (f.mock, "BTCUSDT", sell);
  lode_mock_ws_push_binance (f.mock, "ETHUSDT", other);
  lode_mock_ws_push_binance (f.mock, "BTCUSDT", buy);
  WAIT_FOR (f.got->len == 2);

  g_assert_cmpstr (got (&f, 0)->venue, ==, "binance");
  g_assert_cmpstr (got (&f, 0)->symbol, ==, "BTCUSDT");
  g_assert_cmpint (got (&f, 0)->time_ms, ==, 1000);
  g_assert_cmpint (got (&f, 0)->side, ==, LODE_SIDE_LONG);
  g_assert_cmpfloat (got (&f, 0)->price, ==, 93955.2);
  g_assert_cmpfloat_with_epsilon (got (&f, 0)->notional_usd, 93955.2 * 0.014, 1e-9);
  g_assert_cmpint (got (&f, 1)->side, ==, LODE_SIDE_SHORT);
  g_assert_cmpfloat (got (&f, 1)->notional_usd, ==, 188000);
  g_assert_cmpuint (lode_liq_stream_get_n_prints (f.stream), ==, 2);

  run_for (50);
  g_assert_cmpuint (f.got->len, ==, 2);
  fixture_clear (&f);
}

/* A plain libsoup client, to see what the mock sends. */
typedef struct
{
  SoupWebsocketConnection *conn;
  char                    *text;
} RawClient;

static void
on_raw_connected (GObject      *object,
                  GAsyncResult *result,
                  gpointer      data)
{
  RawClient *client = data;
  g_autoptr(GError) error = NULL;

  client->conn = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);
  g_assert_no_error (error);
}

static void
on_raw_message (SoupWebsocketConnection *conn,
                gint                     type,
                GBytes                  *message,
                RawClient               *client)
{
  g_free (client->text);
  client->text = g_strndup (g_bytes_get_data (message, NULL), g_bytes_get_size (message));
}

/* §1.9: an un-routed connection stays silent; the stream routes a bare
 * base to /market by itself. */
static void
test_binance_routing (void)
{
  Fixture f = { 0 };
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *unrouted = NULL;
  RawClient client = { 0 };
  g_autofree char *event = binance_event ("BTCUSDT", "SELL", 5, "100", "1");

  f.mock = lode_mock_ws_new ();
  f.got = g_array_new (FALSE, FALSE, sizeof (LodeLiqPrint));

  /* A raw client on the legacy URL connects, and hears nothing. */
  unrouted = g_strconcat (lode_mock_ws_get_root (f.mock), "/ws/!forceOrder@arr", NULL);
  msg = soup_message_new ("GET", unrouted);
  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        on_raw_connected, &client);
  WAIT_FOR (client.conn != NULL);
  g_signal_connect (client.conn, "message", G_CALLBACK (on_raw_message), &client);
  WAIT_FOR (lode_mock_ws_get_n_open (f.mock, "binance-unrouted") == 1);
  g_assert_cmpuint (lode_mock_ws_push_binance (f.mock, "BTCUSDT", event), ==, 0);

  /* The stream given the bare root goes to /market. */
  {
    g_autoptr(LodeLiqStream) stream = lode_liq_stream_new ("binance", lode_mock_ws_get_root (f.mock), &error);

    g_assert_no_error (error);
    g_signal_connect (stream, "prints", G_CALLBACK (on_prints), &f);
    lode_liq_stream_start (stream);
    WAIT_FOR (lode_liq_stream_get_state (stream) == LODE_LIQ_STREAM_CONNECTED);
    g_assert_cmpuint (lode_mock_ws_get_n_accepted (f.mock, "binance"), ==, 1);
    g_assert_cmpuint (lode_mock_ws_get_n_accepted (f.mock, "binance-unrouted"), ==, 1);

    /* No symbols added: the whole market. */
    g_assert_cmpuint (lode_mock_ws_push_binance (f.mock, "BTCUSDT", event), ==, 1);
    WAIT_FOR (f.got->len == 1);
    lode_liq_stream_stop (stream);
  }

  run_for (50);
  g_assert_null (client.text);
  soup_websocket_connection_close (client.conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&client.conn);
  fixture_clear (&f);
}

/* Stream mode wraps each event: the mock does, the parser unwraps. */
static void
test_binance_stream_mode (void)
{
  Fixture f = { 0 };
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) prints = g_array_new (FALSE, FALSE, sizeof (LodeLiqPrint));
  g_autofree char *url = NULL;
  g_autofree char *event = binance_event ("BTCUSDT", "BUY", 9, "100", "3");
  RawClient client = { 0 };
  LodeLiqFrame kind;

  f.mock = lode_mock_ws_new ();
  url = g_strconcat (lode_mock_ws_get_root (f.mock),
                     "/market/stream?streams=btcusdt@forceOrder/ethusdt@forceOrder", NULL);
  msg = soup_message_new ("GET", url);
  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        on_raw_connected, &client);
  WAIT_FOR (client.conn != NULL);
  g_signal_connect (client.conn, "message", G_CALLBACK (on_raw_message), &client);
  WAIT_FOR (lode_mock_ws_get_n_open (f.mock, "binance") == 1);

  g_assert_cmpuint (lode_mock_ws_push_binance (f.mock, "BTCUSDT", event), ==, 1);
  g_assert_cmpuint (lode_mock_ws_push_binance (f.mock, "SOLUSDT", event), ==, 0);
  WAIT_FOR (client.text != NULL);
  g_assert_true (g_str_has_prefix (client.text, "{\"stream\":\"btcusdt@forceOrder\",\"data\":"));

  g_assert_true (lode_liq_parse_binance (client.text, strlen (client.text), NULL, &kind, prints, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (prints->len, ==, 1);
  g_assert_cmpint (g_array_index (prints, LodeLiqPrint, 0).side, ==, LODE_SIDE_SHORT);
  g_assert_cmpfloat (g_array_index (prints, LodeLiqPrint, 0).notional_usd, ==, 300);

  soup_websocket_connection_close (client.conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&client.conn);
  g_free (client.text);
  fixture_clear (&f);
}

static void
test_bybit_prints (void)
{
  const char * const symbols[] = { "BTCUSDT", "ETHUSDT", NULL };
  Fixture f = { 0 };
  g_autofree char *btc = bybit_frame ("BTCUSDT", "Buy", 2000, "93120.5", "0.5");
  const char *eth = "{\"topic\":\"allLiquidation.ETHUSDT\",\"type\":\"snapshot\",\"ts\":3000,"
                    "\"data\":{\"T\":2500,\"s\":\"ETHUSDT\",\"S\":\"Sell\",\"v\":\"2\",\"p\":\"3000\"}}";

  fixture_start (&f, "bybit", symbols, 1.0);
  WAIT_FOR (is_connected (&f));

  g_assert_cmpuint (lode_mock_ws_push_bybit (f.mock, "allLiquidation.BTCUSDT", btc), ==, 1);
  g_assert_cmpuint (lode_mock_ws_push_bybit (f.mock, "allLiquidation.ETHUSDT", eth), ==, 1);
  /* Not subscribed: never sent. */
  g_assert_cmpuint (lode_mock_ws_push_bybit (f.mock, "allLiquidation.SOLUSDT", eth), ==, 0);
  WAIT_FOR (f.got->len == 2);

  /* Bybit's S is the position: Buy ⇒ long. */
  g_assert_cmpstr (got (&f, 0)->venue, ==, "bybit");
  g_assert_cmpint (got (&f, 0)->side, ==, LODE_SIDE_LONG);
  g_assert_cmpfloat (got (&f, 0)->price, ==, 93120.5);
  g_assert_cmpfloat (got (&f, 0)->notional_usd, ==, 46560.25);
  g_assert_cmpstr (got (&f, 1)->symbol, ==, "ETHUSDT");
  g_assert_cmpint (got (&f, 1)->side, ==, LODE_SIDE_SHORT);
  g_assert_cmpfloat (got (&f, 1)->notional_usd, ==, 6000);

  fixture_clear (&f);
}

static void
test_bybit_keepalive (void)
{
  Fixture f = { 0 };

  f.mock = lode_mock_ws_new ();
  fixture_start (&f, "bybit", btc_binance, 1.0);
  lode_liq_stream_set_keepalive_ms (f.stream, 150);
  /* The interval applies from the next connection. */
  lode_liq_stream_stop (f.stream);
  lode_liq_stream_start (f.stream);
  WAIT_FOR (is_connected (&f));

  WAIT_FOR (lode_mock_ws_get_n_pings (f.mock, "bybit") >= 3);
  g_assert_true (is_connected (&f));
  g_assert_cmpuint (lode_liq_stream_get_n_connects (f.stream), ==, 1);

  fixture_clear (&f);
}

/* OKX pushes are not chronological: the batch is sorted; sz × ctVal × bkPx. */
static void
test_okx_prints (void)
{
  Fixture f = { 0 };
  const char *frame =
    "{\"arg\":{\"channel\":\"liquidation-orders\",\"instType\":\"SWAP\"},"
    "\"data\":[{\"instType\":\"SWAP\",\"instId\":\"BTC-USDT-SWAP\",\"details\":["
    "{\"side\":\"sell\",\"posSide\":\"long\",\"bkPx\":\"93120.5\",\"sz\":\"12\",\"ts\":\"3000\"},"
    "{\"side\":\"buy\",\"posSide\":\"net\",\"bkPx\":\"93500\",\"sz\":\"4\",\"ts\":\"1000\"},"
    "{\"side\":\"sell\",\"posSide\":\"net\",\"bkPx\":\"93000\",\"sz\":\"2\",\"ts\":\"2000\"}]},"
    "{\"instType\":\"SWAP\",\"instId\":\"ETH-USDT-SWAP\",\"details\":["
    "{\"side\":\"buy\",\"posSide\":\"short\",\"bkPx\":\"3000\",\"sz\":\"5\",\"ts\":\"1500\"}]}]}";

  fixture_start (&f, "okx", btc_okx, 0.01);
  WAIT_FOR (is_connected (&f));

  g_assert_cmpuint (lode_mock_ws_push_okx (f.mock, "liquidation-orders", frame), ==, 1);
  WAIT_FOR (f.got->len == 3);

  g_assert_cmpint (got (&f, 0)->time_ms, ==, 1000);
  g_assert_cmpint (got (&f, 0)->side, ==, LODE_SIDE_SHORT);
  g_assert_cmpfloat_with_epsilon (got (&f, 0)->notional_usd, 4 * 0.01 * 93500, 1e-6);
  g_assert_cmpint (got (&f, 1)->time_ms, ==, 2000);
  g_assert_cmpint (got (&f, 1)->side, ==, LODE_SIDE_LONG);
  g_assert_cmpint (got (&f, 2)->time_ms, ==, 3000);
  g_assert_cmpint (got (&f, 2)->side, ==, LODE_SIDE_LONG);
  g_assert_cmpfloat_with_epsilon (got (&f, 2)->quantity_base, 0.12, 1e-12);
  g_assert_cmpfloat_with_epsilon (got (&f, 2)->notional_usd, 12 * 0.01 * 93120.5, 1e-6);
  g_assert_cmpstr (got (&f, 2)->symbol, ==, "BTC-USDT-SWAP");

  fixture_clear (&f);
}

/* OKX drops a silent connection after 30 s (here 700 ms): the text ping
 * keeps it; without it the stream is dropped and comes back. */
static void
test_okx_idle (void)
{
  Fixture f = { 0 };

  f.mock = lode_mock_ws_new ();
  lode_mock_ws_set_okx_idle_timeout_ms (f.mock, 700);

  fixture_start (&f, "okx", btc_okx, 0.01);
  lode_liq_stream_set_keepalive_ms (f.stream, 200);
  lode_liq_stream_stop (f.stream);
  lode_liq_stream_start (f.stream);
  WAIT_FOR (is_connected (&f));

  run_for (1600);
  g_assert_cmpuint (lode_mock_ws_get_n_idle_drops (f.mock), ==, 0);
  g_assert_cmpuint (lode_mock_ws_get_n_pings (f.mock, "okx"), >=, 3);
  g_assert_true (is_connected (&f));
  g_assert_cmpuint (lode_liq_stream_get_n_connects (f.stream), ==, 1);

  /* Pinging too rarely: dropped for idleness, reconnected, resubscribed. */
  lode_liq_stream_set_keepalive_ms (f.stream, 60000);
  lode_liq_stream_stop (f.stream);
  lode_liq_stream_start (f.stream);
  WAIT_FOR (lode_mock_ws_get_n_idle_drops (f.mock) >= 1);
  WAIT_FOR (lode_liq_stream_get_n_connects (f.stream) >= 3);
  g_assert_cmpuint (lode_mock_ws_get_n_subscribed (f.mock, "okx"), >=, 3);

  fixture_clear (&f);
}

static void
on_state (LodeLiqStream *stream,
          GParamSpec    *pspec,
          GArray        *states)
{
  LodeLiqStreamState state = lode_liq_stream_get_state (stream);

  g_array_append_val (states, state);
  if (state == LODE_LIQ_STREAM_RECONNECTING)
    {
      gint64 now_ms = g_get_real_time () / 1000;
      gint64 next = lode_liq_stream_get_next_attempt_ms (stream);

      /* Backoff 10…40 ms with jitter: never later than the cap from now. */
      g_assert_cmpint (next, >, 0);
      g_assert_cmpint (next, <=, now_ms + 40);
      g_assert_error ((GError *) lode_liq_stream_get_error (stream), LODE_SOURCE_ERROR,
                      LODE_SOURCE_ERROR_NETWORK);
    }
}

/* A mid-stream disconnect: reconnect with backoff, subscribe again, and
 * prints flow again. */
static void
test_reconnect (gconstpointer data)
{
  const char *venue = data;
  Fixture f = { 0 };
  g_autoptr(GArray) states = g_array_new (FALSE, FALSE, sizeof (LodeLiqStreamState));

  start_venue (&f, venue);
  g_signal_connect (f.stream, "notify::state", G_CALLBACK (on_state), states);
  WAIT_FOR (is_connected (&f));
  push_one (&f, venue, 100);
  WAIT_FOR (f.got->len == 1);

  lode_mock_ws_drop (f.mock, venue);
  WAIT_FOR (lode_liq_stream_get_n_connects (f.stream) == 2 && is_connected (&f));

  g_assert_cmpuint (lode_mock_ws_get_n_accepted (f.mock, venue), ==, 2);
  g_assert_cmpuint (lode_mock_ws_get_n_subscribed (f.mock, venue), ==, 2);
  g_assert_null (lode_liq_stream_get_error (f.stream));
  g_assert_cmpint (lode_liq_stream_get_next_attempt_ms (f.stream), ==, 0);

  /* connected → reconnecting → connecting → connected */
  g_assert_cmpuint (states->len, >=, 3);
  g_assert_cmpint (g_array_index (states, LodeLiqStreamState, states->len - 3), ==,
                   LODE_LIQ_STREAM_RECONNECTING);
  g_assert_cmpint (g_array_index (states, LodeLiqStreamState, states->len - 2), ==,
                   LODE_LIQ_STREAM_CONNECTING);

  push_one (&f, venue, 200);
  WAIT_FOR (f.got->len == 2);
  g_assert_cmpint (got (&f, 1)->time_ms, ==, 200);

  fixture_clear (&f);
}

/* Binance closes every connection after 24 h (here 150 ms). */
static void
test_binance_lifetime (void)
{
  Fixture f = { 0 };

  f.mock = lode_mock_ws_new ();
  lode_mock_ws_set_binance_lifetime_ms (f.mock, 150);
  fixture_start (&f, "binance", btc_binance, 1.0);
  WAIT_FOR (lode_liq_stream_get_n_connects (f.stream) >= 3);
  WAIT_FOR (is_connected (&f));
  push_one (&f, "binance", 7);
  WAIT_FOR (f.got->len == 1);

  fixture_clear (&f);
}

/* Frames that do not parse are counted and skipped; the stream goes on. */
static void
test_malformed (gconstpointer data)
{
  const char *venue = data;
  Fixture f = { 0 };

  start_venue (&f, venue);
  WAIT_FOR (is_connected (&f));

  lode_mock_ws_push_raw (f.mock, venue, "{\"truncated\":");
  lode_mock_ws_push_raw (f.mock, venue, "\xff\xfe not even text");
  if (g_str_equal (venue, "binance"))
    lode_mock_ws_push_binance (f.mock, "BTCUSDT",
                               "{\"e\":\"forceOrder\",\"E\":1,\"o\":{\"s\":\"BTCUSDT\",\"S\":\"SELL\",\"q\":\"x\",\"p\":\"1\"}}");
  else if (g_str_equal (venue, "bybit"))
    lode_mock_ws_push_bybit (f.mock, "allLiquidation.BTCUSDT",
                             "{\"topic\":\"allLiquidation.BTCUSDT\",\"data\":[{\"T\":1,\"S\":\"Up\",\"v\":\"1\",\"p\":\"1\"}]}");
  else
    lode_mock_ws_push_okx (f.mock, "liquidation-orders",
                           "{\"arg\":{\"channel\":\"liquidation-orders\"},\"data\":[{\"instId\":\"BTC-USDT-SWAP\",\"details\":7}]}");
  push_one (&f, venue, 42);

  WAIT_FOR (f.got->len == 1);
  g_assert_cmpint (got (&f, 0)->time_ms, ==, 42);
  g_assert_cmpuint (lode_liq_stream_get_n_malformed (f.stream), ==, 3);
  g_assert_true (is_connected (&f));
  g_assert_cmpuint (lode_liq_stream_get_n_connects (f.stream), ==, 1);

  fixture_clear (&f);
}

/* A refused subscription is an error state, not a retry loop. */
static void
test_subscription_error (gconstpointer data)
{
  const char *venue = data;
  const char * const nope[] = { "NOPEUSDT", NULL };
  Fixture f = { 0 };
  const GError *error;

  f.mock = lode_mock_ws_new ();
  if (g_str_equal (venue, "bybit"))
    {
      /* The mock's Bybit does not know the symbol. */
      fixture_start (&f, venue, nope, 1.0);
    }
  else
    {
      lode_mock_ws_set_reject_subscribe (f.mock, venue, TRUE);
      start_venue (&f, venue);
    }

  WAIT_FOR (lode_liq_stream_get_state (f.stream) == LODE_LIQ_STREAM_FAILED);
  error = lode_liq_stream_get_error (f.stream);
  g_assert_error ((GError *) error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE);
  g_test_message ("%s: %s", venue, error->message);
  g_assert_cmpint (lode_liq_stream_get_next_attempt_ms (f.stream), ==, 0);

  run_for (100);
  g_assert_cmpint (lode_liq_stream_get_state (f.stream), ==, LODE_LIQ_STREAM_FAILED);
  g_assert_cmpuint (lode_mock_ws_get_n_accepted (f.mock, venue), ==, 1);
  g_assert_cmpuint (lode_liq_stream_get_n_connects (f.stream), ==, 0);

  fixture_clear (&f);
}

/* Nobody listening: RECONNECTING with growing, capped delays. */
static void
test_refused (void)
{
  Fixture f = { 0 };
  g_autoptr(GArray) states = g_array_new (FALSE, FALSE, sizeof (LodeLiqStreamState));
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;
  guint n_reconnecting = 0;

  f.mock = lode_mock_ws_new ();
  url = lode_mock_ws_get_url (f.mock, "okx");
  g_clear_pointer (&f.mock, lode_mock_ws_free);
  run_for (10);

  f.got = g_array_new (FALSE, FALSE, sizeof (LodeLiqPrint));
  f.stream = lode_liq_stream_new ("okx", url, &error);
  g_assert_no_error (error);
  lode_liq_stream_set_backoff (f.stream, 10, 40);
  g_signal_connect (f.stream, "notify::state", G_CALLBACK (on_state), states);
  lode_liq_stream_start (f.stream);

  WAIT_FOR (states->len >= 8);
  for (guint i = 0; i < states->len; i++)
    if (g_array_index (states, LodeLiqStreamState, i) == LODE_LIQ_STREAM_RECONNECTING)
      n_reconnecting++;
  g_assert_cmpuint (n_reconnecting, >=, 3);
  g_assert_cmpuint (lode_liq_stream_get_n_connects (f.stream), ==, 0);

  lode_liq_stream_stop (f.stream);
  g_assert_cmpint (lode_liq_stream_get_state (f.stream), ==, LODE_LIQ_STREAM_DISCONNECTED);
  g_assert_cmpint (lode_liq_stream_get_next_attempt_ms (f.stream), ==, 0);

  fixture_clear (&f);
}

static gboolean
count_tick (gpointer data)
{
  guint *ticks = data;

  (*ticks)++;
  return G_SOURCE_CONTINUE;
}

static void
drop_message (const char     *log_domain,
              GLogLevelFlags  log_level,
              const char     *message,
              gpointer        user_data)
{
}

/* 10 000 prints at once: the queue never holds more than its bound (it is
 * delivered when full), nothing is lost, and other sources still run. */
static void
test_flood (void)
{
  Fixture f = { 0 };
  const guint n_flood = 10000;
  const guint bound = 64;
  guint ticks = 0;
  guint ticks_at_start;
  GSource *ticker;
  guint quiet;

  /* libsoup says a few words per frame at debug level, which the test
   * harness prints: forty thousand lines of them. */
  quiet = g_log_set_handler ("libsoup", G_LOG_LEVEL_DEBUG, drop_message, NULL);
  fixture_start (&f, "binance", btc_binance, 1.0);
  lode_liq_stream_set_max_pending (f.stream, bound);
  WAIT_FOR (is_connected (&f));

  ticker = g_timeout_source_new (0);
  g_source_set_callback (ticker, count_tick, &ticks, NULL);
  g_source_attach (ticker, NULL);
  ticks_at_start = ticks;

  for (guint i = 0; i < n_flood; i++)
    {
      g_autofree char *event = binance_event ("BTCUSDT", i % 2 ? "BUY" : "SELL",
                                              10000 + i, "90000", "0.001");

      lode_mock_ws_push_binance (f.mock, "BTCUSDT", event);
    }

  /* Parsing is the work here: a fraction of a second, but 15 s in a
   * sanitizer build, whose every allocation unwinds the stack
   * (fast_unwind_on_malloc=0, tests/meson.build). */
  WAIT_FOR_US (f.got->len == n_flood, 120 * G_USEC_PER_SEC);

  g_test_message ("delivered %u in %u batches, peak queue %u, ticks %u",
                  f.got->len, f.n_batches, lode_liq_stream_get_peak_pending (f.stream),
                  ticks - ticks_at_start);
  g_assert_cmpuint (lode_liq_stream_get_peak_pending (f.stream), <=, bound);
  g_assert_cmpuint (f.n_batches, >=, n_flood / bound);
  g_assert_cmpuint (lode_liq_stream_get_n_prints (f.stream), ==, n_flood);
  g_assert_cmpuint (ticks, >, ticks_at_start);
  g_assert_cmpuint (lode_liq_stream_get_n_malformed (f.stream), ==, 0);
  g_assert_true (is_connected (&f));
  for (guint i = 0; i < n_flood; i++)
    g_assert_cmpint (got (&f, i)->time_ms, ==, 10000 + i);

  g_source_destroy (ticker);
  g_source_unref (ticker);
  fixture_clear (&f);
  g_log_remove_handler ("libsoup", quiet);
}

/* After stop, nothing more: no prints, no attempts. */
static void
test_stop (void)
{
  Fixture f = { 0 };

  fixture_start (&f, "bybit", btc_binance, 1.0);
  WAIT_FOR (is_connected (&f));
  push_one (&f, "bybit", 1);
  lode_liq_stream_stop (f.stream);
  g_assert_cmpint (lode_liq_stream_get_state (f.stream), ==, LODE_LIQ_STREAM_DISCONNECTED);

  WAIT_FOR (lode_mock_ws_get_n_open (f.mock, "bybit") == 0);
  run_for (50);
  g_assert_cmpuint (f.got->len, ==, 0);
  g_assert_cmpuint (lode_mock_ws_get_n_accepted (f.mock, "bybit"), ==, 1);

  /* And it can start again. */
  lode_liq_stream_start (f.stream);
  WAIT_FOR (is_connected (&f));
  push_one (&f, "bybit", 2);
  WAIT_FOR (f.got->len == 1);

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
  static const char * const venues[] = { "binance", "bybit", "okx" };

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  /* g_main_context_iteration (…, TRUE) returns at least this often, so
   * that WAIT_FOR sees its deadline. */
  g_timeout_add (20, wake, NULL);

  g_test_add_func ("/sources/liq-stream/hyperliquid/not-supported", test_hyperliquid_not_supported);
  g_test_add_func ("/sources/liq-stream/binance/prints", test_binance_prints);
  g_test_add_func ("/sources/liq-stream/binance/routing", test_binance_routing);
  g_test_add_func ("/sources/liq-stream/binance/stream-mode", test_binance_stream_mode);
  g_test_add_func ("/sources/liq-stream/binance/lifetime", test_binance_lifetime);
  g_test_add_func ("/sources/liq-stream/bybit/prints", test_bybit_prints);
  g_test_add_func ("/sources/liq-stream/bybit/keepalive", test_bybit_keepalive);
  g_test_add_func ("/sources/liq-stream/okx/prints-out-of-order", test_okx_prints);
  g_test_add_func ("/sources/liq-stream/okx/idle", test_okx_idle);

  for (guint i = 0; i < G_N_ELEMENTS (venues); i++)
    {
      g_autofree char *reconnect = g_strdup_printf ("/sources/liq-stream/%s/reconnect", venues[i]);
      g_autofree char *malformed = g_strdup_printf ("/sources/liq-stream/%s/malformed", venues[i]);
      g_autofree char *refused = g_strdup_printf ("/sources/liq-stream/%s/subscription-error", venues[i]);

      g_test_add_data_func (reconnect, venues[i], test_reconnect);
      g_test_add_data_func (malformed, venues[i], test_malformed);
      g_test_add_data_func (refused, venues[i], test_subscription_error);
    }

  g_test_add_func ("/sources/liq-stream/backoff/refused", test_refused);
  g_test_add_func ("/sources/liq-stream/flood/bounded", test_flood);
  g_test_add_func ("/sources/liq-stream/stop", test_stop);

  return g_test_run ();
}
