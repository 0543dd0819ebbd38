/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "lode-mock-ws.h"

typedef enum
{
  VENUE_BINANCE,
  VENUE_BINANCE_UNROUTED,
  VENUE_BYBIT,
  VENUE_OKX,
  VENUE_OKX_BUSINESS,
  VENUE_HYPERLIQUID,
  N_VENUES
} Venue;

static const char * const venue_ids[N_VENUES] = {
  "binance", "binance-unrouted", "bybit", "okx", "okx-business", "hyperliquid",
};

typedef struct
{
  guint accepted;
  guint subscribed;
  guint pings;
  guint idle_drops;
  gboolean reject;
} VenueStats;

struct _LodeMockWs
{
  SoupServer *server;
  char       *root;
  GList      *conns;  /* MockConn* */
  VenueStats  stats[N_VENUES];
  guint       okx_idle_timeout_ms;
  guint       hyperliquid_idle_timeout_ms;
  guint       binance_lifetime_ms;
  guint       n_idle_drops;
  guint       next_conn_id;
};

typedef struct
{
  LodeMockWs              *mock;
  SoupWebsocketConnection *conn;
  Venue                    venue;
  char                    *conn_id;
  GHashTable              *topics;  /* streams (Binance), topics (Bybit), channels (OKX
                                     * public), "channel:instId" (OKX business),
                                     * "type:coin[:interval]" (Hyperliquid) */
  gboolean                 wrap;    /* Binance stream mode */
  GSource                 *idle;    /* OKX and Hyperliquid idle drop */
  GSource                 *life;    /* Binance lifetime */
} MockConn;

static Venue
venue_from_id (const char *id)
{
  for (guint i = 0; i < N_VENUES; i++)
    if (g_strcmp0 (venue_ids[i], id) == 0)
      return i;

  g_assert_not_reached ();
}

static void
mock_conn_free (MockConn *mc)
{
  if (mc->idle != NULL)
    {
      g_source_destroy (mc->idle);
      g_source_unref (mc->idle);
    }
  if (mc->life != NULL)
    {
      g_source_destroy (mc->life);
      g_source_unref (mc->life);
    }
  g_signal_handlers_disconnect_by_data (mc->conn, mc);
  g_object_unref (mc->conn);
  g_hash_table_unref (mc->topics);
  g_free (mc->conn_id);
  g_free (mc);
}

static gboolean
is_open (MockConn *mc)
{
  return soup_websocket_connection_get_state (mc->conn) == SOUP_WEBSOCKET_STATE_OPEN;
}

/* Text that is not UTF-8 cannot be a text frame: it goes as binary. */
static void
send (MockConn   *mc,
      const char *text)
{
  if (!is_open (mc))
    return;

  if (g_utf8_validate (text, -1, NULL))
    soup_websocket_connection_send_text (mc->conn, text);
  else
    soup_websocket_connection_send_binary (mc->conn, text, strlen (text));
}

static char *
to_json (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

/* ---- Binance ------------------------------------------------------------ */

static void
binance_message (MockConn   *mc,
                 JsonObject *request)
{
  LodeMockWs *mock = mc->mock;
  const char *method = json_object_get_string_member_with_default (request, "method", "");
  JsonNode *id = json_object_get_member (request, "id");
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *reply = NULL;

  json_builder_begin_object (builder);

  if (mock->stats[mc->venue].reject)
    {
      json_builder_set_member_name (builder, "error");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_int_value (builder, 2);
      json_builder_set_member_name (builder, "msg");
      json_builder_add_string_value (builder, "Invalid request");
      json_builder_end_object (builder);
    }
  else if (g_str_equal (method, "SUBSCRIBE") &&
           json_object_get_member (request, "params") != NULL &&
           JSON_NODE_HOLDS_ARRAY (json_object_get_member (request, "params")))
    {
      JsonArray *params = json_object_get_array_member (request, "params");

      for (guint i = 0; i < json_array_get_length (params); i++)
        g_hash_table_add (mc->topics, g_strdup (json_array_get_string_element (params, i)));
      mock->stats[mc->venue].subscribed++;
      json_builder_set_member_name (builder, "result");
      json_builder_add_null_value (builder);
    }
  else
    {
      json_builder_set_member_name (builder, "error");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_int_value (builder, 1);
      json_builder_set_member_name (builder, "msg");
      json_builder_add_string_value (builder, "Invalid request: unknown method");
      json_builder_end_object (builder);
    }

  json_builder_set_member_name (builder, "id");
  if (id != NULL)
    json_builder_add_value (builder, json_node_copy (id));
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  reply = to_json (builder);
  send (mc, reply);
}

/* ---- Bybit -------------------------------------------------------------- */

/* kline.<interval>.<SYMBOL> with the intervals of §2. */
static gboolean
bybit_known_kline (const char *topic)
{
  static const char * const symbols[] = { LODE_MOCK_WS_BYBIT_SYMBOLS };
  static const char * const intervals[] = {
    "1", "3", "5", "15", "30", "60", "120", "240", "360", "720", "D", "W", "M",
  };
  g_auto(GStrv) parts = g_strsplit (topic, ".", -1);
  gboolean interval_ok = FALSE;

  if (g_strv_length (parts) != 3)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (intervals); i++)
    interval_ok |= g_str_equal (parts[1], intervals[i]);
  if (!interval_ok)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (symbols); i++)
    if (g_str_equal (parts[2], symbols[i]))
      return TRUE;

  return FALSE;
}

static gboolean
bybit_known_topic (const char *topic)
{
  static const char * const symbols[] = { LODE_MOCK_WS_BYBIT_SYMBOLS };
  const char *dot = strchr (topic, '.');

  if (dot == NULL)
    return FALSE;
  if (g_str_has_prefix (topic, "kline."))
    return bybit_known_kline (topic);
  if (strncmp (topic, "allLiquidation.", dot - topic + 1) != 0 &&
      strncmp (topic, "tickers.", dot - topic + 1) != 0)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (symbols); i++)
    if (g_str_equal (dot + 1, symbols[i]))
      return TRUE;

  return FALSE;
}

static void
bybit_message (MockConn   *mc,
               JsonObject *request)
{
  LodeMockWs *mock = mc->mock;
  const char *op = json_object_get_string_member_with_default (request, "op", "");
  const char *req_id = json_object_get_string_member_with_default (request, "req_id", "");
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *reply = NULL;
  g_autofree char *bad = NULL;
  gboolean success = TRUE;
  const char *ret_msg = "";

  if (g_str_equal (op, "ping"))
    {
      mock->stats[mc->venue].pings++;
      ret_msg = "pong";
    }
  else if (g_str_equal (op, "subscribe"))
    {
      JsonNode *args = json_object_get_member (request, "args");

      if (args == NULL || !JSON_NODE_HOLDS_ARRAY (args))
        {
          success = FALSE;
          ret_msg = "args is required";
        }
      else
        {
          JsonArray *array = json_node_get_array (args);

          for (guint i = 0; i < json_array_get_length (array) && bad == NULL; i++)
            {
              const char *topic = json_array_get_string_element (array, i);

              if (mock->stats[mc->venue].reject || topic == NULL || !bybit_known_topic (topic))
                bad = g_strdup_printf ("error:handler not found,topic:%s", topic ? topic : "");
            }

          if (bad != NULL)
            {
              success = FALSE;
              ret_msg = bad;
            }
          else
            {
              for (guint i = 0; i < json_array_get_length (array); i++)
                g_hash_table_add (mc->topics, g_strdup (json_array_get_string_element (array, i)));
              mock->stats[mc->venue].subscribed++;
            }
        }
    }
  else
    {
      success = FALSE;
      ret_msg = "Invalid op";
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, success);
  json_builder_set_member_name (builder, "ret_msg");
  json_builder_add_string_value (builder, ret_msg);
  json_builder_set_member_name (builder, "conn_id");
  json_builder_add_string_value (builder, mc->conn_id);
  json_builder_set_member_name (builder, "req_id");
  json_builder_add_string_value (builder, req_id);
  json_builder_set_member_name (builder, "op");
  json_builder_add_string_value (builder, op);
  json_builder_end_object (builder);

  reply = to_json (builder);
  send (mc, reply);
}

/* ---- OKX ---------------------------------------------------------------- */

static void
okx_reply_error (MockConn   *mc,
                 const char *code,
                 const char *msg)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *reply = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "event");
  json_builder_add_string_value (builder, "error");
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "msg");
  json_builder_add_string_value (builder, msg);
  json_builder_set_member_name (builder, "connId");
  json_builder_add_string_value (builder, mc->conn_id);
  json_builder_end_object (builder);

  reply = to_json (builder);
  send (mc, reply);
}

/* candle<bar> with the bars of §3. */
static gboolean
okx_candle_channel (const char *channel)
{
  static const char * const bars[] = {
    "1m", "3m", "5m", "15m", "30m", "1H", "2H", "4H", "6H", "12H", "1D", "2D", "3D", "1W", "1M",
    "6Hutc", "12Hutc", "1Dutc", "2Dutc", "3Dutc", "1Wutc", "1Mutc",
  };

  if (!g_str_has_prefix (channel, "candle"))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (bars); i++)
    if (g_str_equal (channel + strlen ("candle"), bars[i]))
      return TRUE;

  return FALSE;
}

static void
okx_message (MockConn   *mc,
             JsonObject *request)
{
  LodeMockWs *mock = mc->mock;
  const char *op = json_object_get_string_member_with_default (request, "op", "");
  JsonNode *args = json_object_get_member (request, "args");
  JsonArray *array;

  if (!g_str_equal (op, "subscribe") || args == NULL || !JSON_NODE_HOLDS_ARRAY (args))
    {
      okx_reply_error (mc, "60012", "Invalid request");
      return;
    }

  array = json_node_get_array (args);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *arg_node = json_array_get_element (array, i);
      JsonObject *arg = JSON_NODE_HOLDS_OBJECT (arg_node) ? json_node_get_object (arg_node) : NULL;
      const char *channel = arg ? json_object_get_string_member_with_default (arg, "channel", "") : "";
      const char *inst_type = arg ? json_object_get_string_member_with_default (arg, "instType", "") : "";
      const char *inst_id = arg ? json_object_get_string_member_with_default (arg, "instId", "") : "";
      g_autoptr(JsonBuilder) builder = NULL;
      g_autofree char *reply = NULL;

      if (mc->venue == VENUE_OKX_BUSINESS)
        {
          /* §3.1: candles, on this endpoint only. */
          if (mock->stats[mc->venue].reject || !okx_candle_channel (channel) || *inst_id == '\0')
            {
              g_autofree char *msg = g_strdup_printf ("Wrong URL or channel:%s,instId:%s doesn't exist. "
                                                      "Please use the correct URL, channel and parameters.",
                                                      channel, inst_id);

              okx_reply_error (mc, "60018", msg);
              return;
            }

          g_hash_table_add (mc->topics, g_strconcat (channel, ":", inst_id, NULL));
        }
      else if (mock->stats[mc->venue].reject ||
               !g_str_equal (channel, "liquidation-orders") ||
               !(g_str_equal (inst_type, "SWAP") || g_str_equal (inst_type, "FUTURES") ||
                 g_str_equal (inst_type, "MARGIN") || g_str_equal (inst_type, "OPTION")))
        {
          g_autofree char *msg = g_strdup_printf ("Wrong URL or channel:%s,instType:%s doesn't exist. "
                                                  "Please use the correct URL, channel and parameters.",
                                                  channel, inst_type);

          okx_reply_error (mc, "60018", msg);
          return;
        }
      else
        {
          g_hash_table_add (mc->topics, g_strdup (channel));
        }
      mock->stats[mc->venue].subscribed++;

      builder = json_builder_new ();
      json_builder_begin_object (builder);
      if (json_object_has_member (request, "id"))
        {
          json_builder_set_member_name (builder, "id");
          json_builder_add_value (builder, json_node_copy (json_object_get_member (request, "id")));
        }
      json_builder_set_member_name (builder, "event");
      json_builder_add_string_value (builder, "subscribe");
      json_builder_set_member_name (builder, "arg");
      json_builder_add_value (builder, json_node_copy (arg_node));
      json_builder_set_member_name (builder, "connId");
      json_builder_add_string_value (builder, mc->conn_id);
      json_builder_end_object (builder);

      reply = to_json (builder);
      send (mc, reply);
    }
}

static gboolean
okx_idle_expired (gpointer data)
{
  MockConn *mc = data;

  g_clear_pointer (&mc->idle, g_source_unref);
  if (mc->venue == VENUE_OKX)
    mc->mock->n_idle_drops++;
  mc->mock->stats[mc->venue].idle_drops++;
  if (is_open (mc))
    soup_websocket_connection_close (mc->conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "idle");

  return G_SOURCE_REMOVE;
}

static void
okx_arm_idle (MockConn *mc)
{
  if (mc->idle != NULL)
    {
      g_source_destroy (mc->idle);
      g_source_unref (mc->idle);
    }

  mc->idle = g_timeout_source_new (mc->venue == VENUE_HYPERLIQUID
                                   ? mc->mock->hyperliquid_idle_timeout_ms
                                   : mc->mock->okx_idle_timeout_ms);
  g_source_set_callback (mc->idle, okx_idle_expired, mc, NULL);
  g_source_attach (mc->idle, g_main_context_get_thread_default ());
}

/* ---- Hyperliquid -------------------------------------------------------- */

static void
hyperliquid_reply (MockConn   *mc,
                   const char *channel,
                   JsonNode   *data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *reply = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "channel");
  json_builder_add_string_value (builder, channel);
  if (data != NULL)
    {
      json_builder_set_member_name (builder, "data");
      json_builder_add_value (builder, data);
    }
  json_builder_end_object (builder);

  reply = to_json (builder);
  send (mc, reply);
}

/* §4.1 intervals. */
static gboolean
hyperliquid_known_interval (const char *interval)
{
  static const char * const intervals[] = {
    "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "8h", "12h", "1d", "3d", "1w", "1M",
  };

  for (guint i = 0; i < G_N_ELEMENTS (intervals); i++)
    if (g_str_equal (interval, intervals[i]))
      return TRUE;

  return FALSE;
}

static void
hyperliquid_message (MockConn   *mc,
                     JsonObject *request)
{
  static const char * const coins[] = { LODE_MOCK_WS_HYPERLIQUID_COINS };
  LodeMockWs *mock = mc->mock;
  const char *method = json_object_get_string_member_with_default (request, "method", "");
  JsonNode *sub_node = json_object_get_member (request, "subscription");
  JsonObject *sub = sub_node != NULL && JSON_NODE_HOLDS_OBJECT (sub_node) ? json_node_get_object (sub_node) : NULL;
  const char *type = sub ? json_object_get_string_member_with_default (sub, "type", "") : "";
  const char *coin = sub ? json_object_get_string_member_with_default (sub, "coin", "") : "";
  const char *interval = sub ? json_object_get_string_member_with_default (sub, "interval", "") : "";
  gboolean coin_ok = FALSE;
  g_autofree char *text = NULL;

  if (g_str_equal (method, "ping"))
    {
      mock->stats[mc->venue].pings++;
      hyperliquid_reply (mc, "pong", NULL);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (coins); i++)
    coin_ok |= g_str_equal (coin, coins[i]);

  if (!g_str_equal (method, "subscribe") || sub == NULL || mock->stats[mc->venue].reject ||
      !coin_ok ||
      !(g_str_equal (type, "trades") || g_str_equal (type, "l2Book") ||
        g_str_equal (type, "activeAssetCtx") ||
        (g_str_equal (type, "candle") && hyperliquid_known_interval (interval))))
    {
      g_autoptr(JsonNode) copy = json_node_new (JSON_NODE_OBJECT);
      g_autofree char *request_text = NULL;

      json_node_set_object (copy, request);
      request_text = json_to_string (copy, FALSE);
      text = g_strdup_printf ("Invalid subscription %s", request_text);
      hyperliquid_reply (mc, "error", json_node_init_string (json_node_alloc (), text));
      return;
    }

  if (g_str_equal (type, "candle"))
    g_hash_table_add (mc->topics, g_strconcat (type, ":", coin, ":", interval, NULL));
  else
    g_hash_table_add (mc->topics, g_strconcat (type, ":", coin, NULL));
  mock->stats[mc->venue].subscribed++;

  {
    JsonNode *data = json_node_new (JSON_NODE_OBJECT);

    json_node_set_object (data, request);
    hyperliquid_reply (mc, "subscriptionResponse", data);
  }
}

/* ---- Connections ---------------------------------------------------------- */

static void
on_message (SoupWebsocketConnection *conn,
            gint                     type,
            GBytes                  *message,
            gpointer                 data)
{
  MockConn *mc = data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize length;
  const char *text = g_bytes_get_data (message, &length);
  JsonNode *root;

  if (mc->venue == VENUE_HYPERLIQUID)
    okx_arm_idle (mc);

  if (mc->venue == VENUE_OKX || mc->venue == VENUE_OKX_BUSINESS)
    {
      okx_arm_idle (mc);
      if (length == 4 && memcmp (text, "ping", 4) == 0)
        {
          mc->mock->stats[mc->venue].pings++;
          send (mc, "pong");
          return;
        }
    }

  if (!json_parser_load_from_data (parser, text, length, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      if (mc->venue == VENUE_OKX || mc->venue == VENUE_OKX_BUSINESS)
        okx_reply_error (mc, "60012", "Invalid request");
      return;
    }

  switch (mc->venue)
    {
    case VENUE_BINANCE:
    case VENUE_BINANCE_UNROUTED:
      /* Un-routed: answered, but its streams never carry forceOrder. */
      binance_message (mc, json_node_get_object (root));
      break;
    case VENUE_BYBIT:
      bybit_message (mc, json_node_get_object (root));
      break;
    case VENUE_OKX:
    case VENUE_OKX_BUSINESS:
      okx_message (mc, json_node_get_object (root));
      break;
    case VENUE_HYPERLIQUID:
      hyperliquid_message (mc, json_node_get_object (root));
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
on_closed (SoupWebsocketConnection *conn,
           gpointer                 data)
{
  MockConn *mc = data;

  mc->mock->conns = g_list_remove (mc->mock->conns, mc);
  mock_conn_free (mc);
}

static gboolean
binance_life_over (gpointer data)
{
  MockConn *mc = data;

  g_clear_pointer (&mc->life, g_source_unref);
  if (is_open (mc))
    soup_websocket_connection_close (mc->conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "lifetime");

  return G_SOURCE_REMOVE;
}

static MockConn *
accept_conn (LodeMockWs              *mock,
             SoupWebsocketConnection *connection,
             Venue                    venue)
{
  MockConn *mc = g_new0 (MockConn, 1);

  mc->mock = mock;
  mc->conn = g_object_ref (connection);
  mc->venue = venue;
  mc->conn_id = g_strdup_printf ("mock-%u", ++mock->next_conn_id);
  mc->topics = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  mock->stats[venue].accepted++;
  mock->conns = g_list_prepend (mock->conns, mc);

  g_signal_connect (connection, "message", G_CALLBACK (on_message), mc);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), mc);

  return mc;
}

static void
binance_handler (SoupServer              *server,
                 SoupServerMessage       *msg,
                 const char              *path,
                 SoupWebsocketConnection *connection,
                 gpointer                 user_data)
{
  LodeMockWs *mock = user_data;
  MockConn *mc = accept_conn (mock, connection, VENUE_BINANCE);
  GUri *uri = soup_server_message_get_uri (msg);
  g_auto(GStrv) streams = NULL;

  if (g_str_has_prefix (path, "/market/ws/"))
    {
      g_autofree char *unescaped = g_uri_unescape_string (path + strlen ("/market/ws/"), NULL);

      streams = g_strsplit (unescaped != NULL ? unescaped : "", "/", -1);
    }
  else if (g_str_equal (path, "/market/stream") && g_uri_get_query (uri) != NULL)
    {
      g_autoptr(GHashTable) query = g_uri_parse_params (g_uri_get_query (uri), -1, "&",
                                                        G_URI_PARAMS_NONE, NULL);
      const char *list = query != NULL ? g_hash_table_lookup (query, "streams") : NULL;

      streams = g_strsplit (list != NULL ? list : "", "/", -1);
      mc->wrap = TRUE;
    }

  for (guint i = 0; streams != NULL && streams[i] != NULL; i++)
    if (*streams[i] != '\0')
      g_hash_table_add (mc->topics, g_strdup (streams[i]));

  /* §1.9: a ping frame every few minutes; here every second. */
  soup_websocket_connection_set_keepalive_interval (connection, 1);
  if (mock->binance_lifetime_ms > 0)
    {
      mc->life = g_timeout_source_new (mock->binance_lifetime_ms);
      g_source_set_callback (mc->life, binance_life_over, mc, NULL);
      g_source_attach (mc->life, g_main_context_get_thread_default ());
    }
}

static void
unrouted_handler (SoupServer              *server,
                  SoupServerMessage       *msg,
                  const char              *path,
                  SoupWebsocketConnection *connection,
                  gpointer                 user_data)
{
  /* Exactly /ws is Hyperliquid's endpoint (§4); /ws/<streams> stays the
   * legacy Binance URL. */
  if (g_str_equal (path, "/ws"))
    {
      MockConn *mc = accept_conn (user_data, connection, VENUE_HYPERLIQUID);

      okx_arm_idle (mc);
      return;
    }

  accept_conn (user_data, connection, VENUE_BINANCE_UNROUTED);
}

static void
okx_business_handler (SoupServer              *server,
                      SoupServerMessage       *msg,
                      const char              *path,
                      SoupWebsocketConnection *connection,
                      gpointer                 user_data)
{
  MockConn *mc = accept_conn (user_data, connection, VENUE_OKX_BUSINESS);

  okx_arm_idle (mc);
}

static void
bybit_handler (SoupServer              *server,
               SoupServerMessage       *msg,
               const char              *path,
               SoupWebsocketConnection *connection,
               gpointer                 user_data)
{
  accept_conn (user_data, connection, VENUE_BYBIT);
}

static void
okx_handler (SoupServer              *server,
             SoupServerMessage       *msg,
             const char              *path,
             SoupWebsocketConnection *connection,
             gpointer                 user_data)
{
  MockConn *mc = accept_conn (user_data, connection, VENUE_OKX);

  okx_arm_idle (mc);
}

LodeMockWs *
lode_mock_ws_new (void)
{
  LodeMockWs *self = g_new0 (LodeMockWs, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  self->okx_idle_timeout_ms = 30000;
  self->hyperliquid_idle_timeout_ms = 60000;
  self->server = soup_server_new (NULL, NULL);

  soup_server_add_websocket_handler (self->server, "/market", NULL, NULL, binance_handler, self, NULL);
  soup_server_add_websocket_handler (self->server, "/ws", NULL, NULL, unrouted_handler, self, NULL);
  soup_server_add_websocket_handler (self->server, "/public", NULL, NULL, unrouted_handler, self, NULL);
  soup_server_add_websocket_handler (self->server, "/v5/public/linear", NULL, NULL, bybit_handler, self, NULL);
  soup_server_add_websocket_handler (self->server, "/ws/v5/public", NULL, NULL, okx_handler, self, NULL);
  soup_server_add_websocket_handler (self->server, "/ws/v5/business", NULL, NULL, okx_business_handler, self, NULL);

  soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (self->server);
  g_assert_nonnull (uris);
  self->root = g_strdup_printf ("ws://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return self;
}

void
lode_mock_ws_free (LodeMockWs *self)
{
  if (self == NULL)
    return;

  g_list_free_full (g_steal_pointer (&self->conns), (GDestroyNotify) mock_conn_free);
  soup_server_disconnect (self->server);
  g_object_unref (self->server);
  g_free (self->root);
  g_free (self);
}

const char *
lode_mock_ws_get_root (LodeMockWs *self)
{
  return self->root;
}

char *
lode_mock_ws_get_url (LodeMockWs *self,
                      const char *venue)
{
  switch (venue_from_id (venue))
    {
    case VENUE_BINANCE:
      return g_strconcat (self->root, "/market", NULL);
    case VENUE_BINANCE_UNROUTED:
      return g_strdup (self->root);
    case VENUE_BYBIT:
      return g_strconcat (self->root, "/v5/public/linear", NULL);
    case VENUE_OKX:
      return g_strconcat (self->root, "/ws/v5/public", NULL);
    case VENUE_OKX_BUSINESS:
      return g_strconcat (self->root, "/ws/v5/business", NULL);
    case VENUE_HYPERLIQUID:
      return g_strconcat (self->root, "/ws", NULL);
    default:
      g_assert_not_reached ();
    }
}

guint
lode_mock_ws_push_binance (LodeMockWs *self,
                           const char *symbol,
                           const char *event_json)
{
  g_autofree char *lower = g_ascii_strdown (symbol, -1);
  g_autofree char *stream = g_strconcat (lower, "@forceOrder", NULL);
  guint n = 0;

  for (GList *l = self->conns; l != NULL; l = l->next)
    {
      MockConn *mc = l->data;
      const char *via = NULL;

      if (mc->venue != VENUE_BINANCE || !is_open (mc))
        continue;

      if (g_hash_table_contains (mc->topics, "!forceOrder@arr"))
        via = "!forceOrder@arr";
      else if (g_hash_table_contains (mc->topics, stream))
        via = stream;
      if (via == NULL)
        continue;

      if (mc->wrap)
        {
          g_autofree char *wrapped = g_strdup_printf ("{\"stream\":\"%s\",\"data\":%s}", via, event_json);

          send (mc, wrapped);
        }
      else
        {
          send (mc, event_json);
        }
      n++;
    }

  return n;
}

static guint
push_topic (LodeMockWs *self,
            Venue       venue,
            const char *topic,
            const char *text)
{
  guint n = 0;

  for (GList *l = self->conns; l != NULL; l = l->next)
    {
      MockConn *mc = l->data;

      if (mc->venue == venue && is_open (mc) &&
          (topic == NULL || g_hash_table_contains (mc->topics, topic)))
        {
          send (mc, text);
          n++;
        }
    }

  return n;
}

guint
lode_mock_ws_push_bybit (LodeMockWs *self,
                         const char *topic,
                         const char *frame_json)
{
  return push_topic (self, VENUE_BYBIT, topic, frame_json);
}

guint
lode_mock_ws_push_okx (LodeMockWs *self,
                       const char *channel,
                       const char *frame_json)
{
  return push_topic (self, VENUE_OKX, channel, frame_json);
}

guint
lode_mock_ws_push_raw (LodeMockWs *self,
                       const char *venue,
                       const char *text)
{
  return push_topic (self, venue_from_id (venue), NULL, text);
}

void
lode_mock_ws_drop (LodeMockWs *self,
                   const char *venue)
{
  Venue v = venue_from_id (venue);

  for (GList *l = self->conns; l != NULL; l = l->next)
    {
      MockConn *mc = l->data;
      GIOStream *stream;

      if (mc->venue != v || !is_open (mc))
        continue;

      /* No close frame: the peer sees the TCP connection end. */
      stream = soup_websocket_connection_get_io_stream (mc->conn);
      if (G_IS_SOCKET_CONNECTION (stream))
        g_socket_shutdown (g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream)),
                           TRUE, TRUE, NULL);
      else
        soup_websocket_connection_close (mc->conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
    }
}

void
lode_mock_ws_set_reject_subscribe (LodeMockWs *self,
                                   const char *venue,
                                   gboolean    reject)
{
  self->stats[venue_from_id (venue)].reject = reject;
}

void
lode_mock_ws_set_okx_idle_timeout_ms (LodeMockWs *self,
                                      guint       timeout_ms)
{
  self->okx_idle_timeout_ms = timeout_ms;
}

void
lode_mock_ws_set_binance_lifetime_ms (LodeMockWs *self,
                                      guint       lifetime_ms)
{
  self->binance_lifetime_ms = lifetime_ms;
}

guint
lode_mock_ws_get_n_accepted (LodeMockWs *self,
                             const char *venue)
{
  return self->stats[venue_from_id (venue)].accepted;
}

guint
lode_mock_ws_get_n_open (LodeMockWs *self,
                         const char *venue)
{
  Venue v = venue_from_id (venue);
  guint n = 0;

  for (GList *l = self->conns; l != NULL; l = l->next)
    if (((MockConn *) l->data)->venue == v && is_open (l->data))
      n++;

  return n;
}

guint
lode_mock_ws_get_n_subscribed (LodeMockWs *self,
                               const char *venue)
{
  return self->stats[venue_from_id (venue)].subscribed;
}

guint
lode_mock_ws_get_n_pings (LodeMockWs *self,
                          const char *venue)
{
  return self->stats[venue_from_id (venue)].pings;
}

guint
lode_mock_ws_get_n_idle_drops (LodeMockWs *self)
{
  return self->n_idle_drops;
}

/* ---- Candles (kline streams) -------------------------------------------- */

char *
lode_mock_ws_get_candle_url (LodeMockWs *self,
                             const char *venue)
{
  if (g_str_equal (venue, "okx"))
    return lode_mock_ws_get_url (self, "okx-business");

  return lode_mock_ws_get_url (self, venue);
}

void
lode_mock_ws_set_hyperliquid_idle_timeout_ms (LodeMockWs *self,
                                              guint       timeout_ms)
{
  self->hyperliquid_idle_timeout_ms = timeout_ms;
}

guint
lode_mock_ws_get_n_idle_drops_for (LodeMockWs *self,
                                   const char *venue)
{
  return self->stats[venue_from_id (venue)].idle_drops;
}

guint
lode_mock_ws_push_binance_stream (LodeMockWs *self,
                                  const char *stream,
                                  const char *event_json)
{
  guint n = 0;

  for (GList *l = self->conns; l != NULL; l = l->next)
    {
      MockConn *mc = l->data;

      if (mc->venue != VENUE_BINANCE || !is_open (mc) || !g_hash_table_contains (mc->topics, stream))
        continue;

      if (mc->wrap)
        {
          g_autofree char *wrapped = g_strdup_printf ("{\"stream\":\"%s\",\"data\":%s}", stream, event_json);

          send (mc, wrapped);
        }
      else
        {
          send (mc, event_json);
        }
      n++;
    }

  return n;
}

guint
lode_mock_ws_push_okx_business (LodeMockWs *self,
                                const char *key,
                                const char *frame_json)
{
  return push_topic (self, VENUE_OKX_BUSINESS, key, frame_json);
}

guint
lode_mock_ws_push_hyperliquid (LodeMockWs *self,
                               const char *key,
                               const char *frame_json)
{
  return push_topic (self, VENUE_HYPERLIQUID, key, frame_json);
}

/* @a × @b as a plain decimal string. */
static char *
product (const char *a,
         double      b)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_dtostr (buf, sizeof buf, g_ascii_strtod (a, NULL) * b));
}

char *
lode_mock_ws_candle_frame (const char             *venue,
                           const char             *symbol,
                           const char             *interval,
                           gint64                  interval_ms,
                           const LodeMockWsCandle *c)
{
  gint64 end = c->time_ms + interval_ms - 1;

  if (g_str_equal (venue, "binance"))
    {
      g_autofree char *quote = product (c->volume, g_ascii_strtod (c->close, NULL));

      /* §1.9 kline event: numbers as strings, times and counts as ints. */
      return g_strdup_printf ("{\"e\":\"kline\",\"E\":%" G_GINT64_FORMAT ",\"s\":\"%s\","
                              "\"k\":{\"t\":%" G_GINT64_FORMAT ",\"T\":%" G_GINT64_FORMAT ","
                              "\"s\":\"%s\",\"i\":\"%s\",\"f\":100,\"L\":200,"
                              "\"o\":\"%s\",\"c\":\"%s\",\"h\":\"%s\",\"l\":\"%s\",\"v\":\"%s\","
                              "\"n\":101,\"x\":%s,\"q\":\"%s\",\"V\":\"0\",\"Q\":\"0\",\"B\":\"0\"}}",
                              c->time_ms + 250, symbol, c->time_ms, end, symbol, interval,
                              c->open, c->close, c->high, c->low, c->volume,
                              c->closed ? "true" : "false", quote);
    }

  if (g_str_equal (venue, "bybit"))
    {
      g_autofree char *turnover = product (c->volume, g_ascii_strtod (c->close, NULL));

      /* §2: times as ints here, prices as strings, confirm a boolean. */
      return g_strdup_printf ("{\"topic\":\"kline.%s.%s\",\"data\":[{\"start\":%" G_GINT64_FORMAT ","
                              "\"end\":%" G_GINT64_FORMAT ",\"interval\":\"%s\",\"open\":\"%s\","
                              "\"close\":\"%s\",\"high\":\"%s\",\"low\":\"%s\",\"volume\":\"%s\","
                              "\"turnover\":\"%s\",\"confirm\":%s,\"timestamp\":%" G_GINT64_FORMAT "}],"
                              "\"ts\":%" G_GINT64_FORMAT ",\"type\":\"snapshot\"}",
                              interval, symbol, c->time_ms, end, interval, c->open, c->close,
                              c->high, c->low, c->volume, turnover, c->closed ? "true" : "false",
                              c->time_ms + 300, c->time_ms + 301);
    }

  if (g_str_equal (venue, "okx"))
    {
      /* §3.1 row, all strings; vol in contracts of 0.01 base. */
      g_autofree char *contracts = product (c->volume, 100);
      g_autofree char *quote = product (c->volume, g_ascii_strtod (c->close, NULL));

      return g_strdup_printf ("{\"arg\":{\"channel\":\"candle%s\",\"instId\":\"%s\"},"
                              "\"data\":[[\"%" G_GINT64_FORMAT "\",\"%s\",\"%s\",\"%s\",\"%s\","
                              "\"%s\",\"%s\",\"%s\",\"%s\"]]}",
                              interval, symbol, c->time_ms, c->open, c->high, c->low, c->close,
                              contracts, c->volume, quote, c->closed ? "1" : "0");
    }

  if (g_str_equal (venue, "hyperliquid"))
    {
      /* §4.1: no closed flag. */
      return g_strdup_printf ("{\"channel\":\"candle\",\"data\":{\"t\":%" G_GINT64_FORMAT ","
                              "\"T\":%" G_GINT64_FORMAT ",\"s\":\"%s\",\"i\":\"%s\","
                              "\"o\":\"%s\",\"c\":\"%s\",\"h\":\"%s\",\"l\":\"%s\",\"v\":\"%s\",\"n\":42}}",
                              c->time_ms, end, symbol, interval, c->open, c->close, c->high, c->low,
                              c->volume);
    }

  g_assert_not_reached ();
}

guint
lode_mock_ws_push_candle_frame (LodeMockWs *self,
                                const char *venue,
                                const char *symbol,
                                const char *interval,
                                const char *frame_json)
{
  if (g_str_equal (venue, "binance"))
    {
      g_autofree char *lower = g_ascii_strdown (symbol, -1);
      g_autofree char *stream = g_strconcat (lower, "@kline_", interval, NULL);

      return lode_mock_ws_push_binance_stream (self, stream, frame_json);
    }

  if (g_str_equal (venue, "bybit"))
    {
      g_autofree char *topic = g_strconcat ("kline.", interval, ".", symbol, NULL);

      return lode_mock_ws_push_bybit (self, topic, frame_json);
    }

  if (g_str_equal (venue, "okx"))
    {
      g_autofree char *key = g_strconcat ("candle", interval, ":", symbol, NULL);

      return lode_mock_ws_push_okx_business (self, key, frame_json);
    }

  if (g_str_equal (venue, "hyperliquid"))
    {
      g_autofree char *key = g_strconcat ("candle:", symbol, ":", interval, NULL);

      return lode_mock_ws_push_hyperliquid (self, key, frame_json);
    }

  g_assert_not_reached ();
}

guint
lode_mock_ws_push_candle (LodeMockWs             *self,
                          const char             *venue,
                          const char             *symbol,
                          const char             *interval,
                          gint64                  interval_ms,
                          const LodeMockWsCandle *candle)
{
  g_autofree char *frame = lode_mock_ws_candle_frame (venue, symbol, interval, interval_ms, candle);

  return lode_mock_ws_push_candle_frame (self, venue, symbol, interval, frame);
}
