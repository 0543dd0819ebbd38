/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "lode-candle-stream-parse.h"
#include "lode-interval.h"
#include "lode-venue-json.h"

/* Lodestone's intervals (lode-interval.c order) in each venue's words. */
static const struct
{
  const char *venue;
  const char *names[6];
} interval_names[] = {
  { "binance", { "1m", "5m", "15m", "1h", "4h", "1d" } },
  { "bybit", { "1", "5", "15", "60", "240", "D" } },
  { "okx", { "1m", "5m", "15m", "1H", "4H", "1Dutc" } },
  { "hyperliquid", { "1m", "5m", "15m", "1h", "4h", "1d" } },
};

const char *
lode_candle_interval_name (const char *venue,
                           gint64      interval_ms)
{
  const char * const *ours = lode_interval_get_names ();

  for (guint v = 0; v < G_N_ELEMENTS (interval_names); v++)
    {
      if (g_strcmp0 (interval_names[v].venue, venue) != 0)
        continue;

      for (guint i = 0; ours[i] != NULL && i < G_N_ELEMENTS (interval_names[v].names); i++)
        {
          gint64 ms;

          if (lode_interval_parse (ours[i], &ms) && ms == interval_ms)
            return interval_names[v].names[i];
        }
    }

  return NULL;
}

/* A flag sent as a boolean, 0/1 or "true"/"false"/"1"/"0"; required. */
static gboolean
node_flag (JsonNode    *node,
           const char  *what,
           gboolean    *out,
           GError     **error)
{
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_BOOLEAN)
        {
          *out = json_node_get_boolean (node);
          return TRUE;
        }
      if (type == G_TYPE_INT64 && (json_node_get_int (node) == 0 || json_node_get_int (node) == 1))
        {
          *out = json_node_get_int (node) == 1;
          return TRUE;
        }
      if (type == G_TYPE_STRING)
        {
          const char *s = json_node_get_string (node);

          if (g_str_equal (s, "true") || g_str_equal (s, "1"))
            {
              *out = TRUE;
              return TRUE;
            }
          if (g_str_equal (s, "false") || g_str_equal (s, "0"))
            {
              *out = FALSE;
              return TRUE;
            }
        }
    }

  g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
               _("Missing or invalid flag “%s”"), what);
  return FALSE;
}

/* Appends the candle of keyed @row (fields named by @names: time, open,
 * high, low, close, volume, closed flag or NULL). */
static gboolean
keyed_candle (JsonNode           *node,
              const char         *what,
              const char * const  names[7],
              GArray             *updates,
              GError            **error)
{
  JsonObject *row = lode_json_node_object (node, what, error);
  LodeCandleUpdate update = { 0 };
  gint64 time_ms;
  double o, h, l, c, v;

  if (row == NULL ||
      !lode_json_member_time (row, names[0], &time_ms, error) ||
      !lode_json_member_number (row, names[1], TRUE, &o, error) ||
      !lode_json_member_number (row, names[2], TRUE, &h, error) ||
      !lode_json_member_number (row, names[3], TRUE, &l, error) ||
      !lode_json_member_number (row, names[4], TRUE, &c, error) ||
      !lode_json_member_number (row, names[5], TRUE, &v, error) ||
      (names[6] != NULL &&
       !node_flag (json_object_get_member (row, names[6]), names[6], &update.closed, error)) ||
      !lode_json_make_candle (time_ms, o, h, l, c, v, what, &update.candle, error))
    return FALSE;

  g_array_append_val (updates, update);
  return TRUE;
}

/* ---- Binance ------------------------------------------------------------ */

gboolean
lode_candle_parse_binance (const char   *text,
                           gsize         length,
                           const char   *symbol,
                           const char   *interval,
                           LodeWsFrame  *out_kind,
                           GArray       *updates,
                           GError      **error)
{
  static const char * const names[7] = { "t", "o", "h", "l", "c", "v", "x" };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GArray) got = g_array_new (FALSE, FALSE, sizeof (LodeCandleUpdate));
  JsonObject *object;
  JsonObject *k;
  const char *event_type = NULL;
  const char *event_symbol = NULL;
  const char *k_interval = NULL;

  g_return_val_if_fail (text != NULL || length == 0, FALSE);
  g_return_val_if_fail (symbol != NULL && interval != NULL, FALSE);
  g_return_val_if_fail (out_kind != NULL && updates != NULL, FALSE);

  *out_kind = LODE_WS_FRAME_IGNORED;

  if ((root = lode_json_parse_text (text, length, error)) == NULL ||
      (object = lode_json_node_object (root, _("a Binance message"), error)) == NULL)
    return FALSE;

  if (!lode_ws_binance_event (object, &object, &event_type, error))
    return FALSE;
  if (object == NULL)
    {
      *out_kind = LODE_WS_FRAME_SUBSCRIBED;
      return TRUE;
    }
  if (g_strcmp0 (event_type, "kline") != 0)
    return TRUE;

  if ((k = lode_json_member_object (object, "k", error)) == NULL ||
      !lode_json_member_string (object, "s", FALSE, &event_symbol, error) ||
      !lode_json_member_string (k, "i", TRUE, &k_interval, error))
    return FALSE;
  if (event_symbol == NULL &&
      !lode_json_member_string (k, "s", TRUE, &event_symbol, error))
    return FALSE;

  if (g_ascii_strcasecmp (event_symbol, symbol) != 0 || !g_str_equal (k_interval, interval))
    return TRUE;

  if (!keyed_candle (json_object_get_member (object, "k"), _("a Binance kline"), names, got, error))
    return FALSE;

  g_array_append_vals (updates, got->data, got->len);
  *out_kind = LODE_WS_FRAME_DATA;
  return TRUE;
}

/* ---- Bybit -------------------------------------------------------------- */

gboolean
lode_candle_parse_bybit (const char   *text,
                         gsize         length,
                         const char   *symbol,
                         const char   *interval,
                         LodeWsFrame  *out_kind,
                         GArray       *updates,
                         GError      **error)
{
  static const char * const names[7] = { "start", "open", "high", "low", "close", "volume", "confirm" };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GArray) got = g_array_new (FALSE, FALSE, sizeof (LodeCandleUpdate));
  g_autofree char *want_topic = NULL;
  JsonObject *object;
  const char *topic;
  JsonNode *data;

  g_return_val_if_fail (text != NULL || length == 0, FALSE);
  g_return_val_if_fail (symbol != NULL && interval != NULL, FALSE);
  g_return_val_if_fail (out_kind != NULL && updates != NULL, FALSE);

  if (!lode_ws_bybit_frame (text, length, &root, out_kind, &object, &topic, error))
    return FALSE;
  if (*out_kind != LODE_WS_FRAME_DATA)
    return TRUE;

  /* A push is data only on the topic asked for. */
  *out_kind = LODE_WS_FRAME_IGNORED;
  want_topic = g_strconcat ("kline.", interval, ".", symbol, NULL);
  if (g_strcmp0 (topic, want_topic) != 0)
    return TRUE;

  data = json_object_get_member (object, "data");
  if (data != NULL && JSON_NODE_HOLDS_ARRAY (data))
    {
      JsonArray *array = json_node_get_array (data);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (!keyed_candle (json_array_get_element (array, i), _("a Bybit kline"), names, got, error))
          return FALSE;
    }
  else if (!keyed_candle (data, _("a Bybit kline"), names, got, error))
    {
      return FALSE;
    }

  g_array_append_vals (updates, got->data, got->len);
  *out_kind = LODE_WS_FRAME_DATA;
  return TRUE;
}

/* ---- OKX ---------------------------------------------------------------- */

static gboolean
okx_row (JsonNode    *node,
         GArray      *updates,
         GError     **error)
{
  const char *what = _("an OKX candle");
  JsonArray *row = lode_json_node_array (node, what, error);
  LodeCandleUpdate update = { 0 };
  gint64 time_ms;
  double o, h, l, c, v;

  /* [ts, o, h, l, c, vol (contracts), volCcy (base), volCcyQuote, confirm] */
  if (row == NULL ||
      !lode_json_element_time (row, 0, what, &time_ms, error) ||
      !lode_json_element_number (row, 1, what, &o, error) ||
      !lode_json_element_number (row, 2, what, &h, error) ||
      !lode_json_element_number (row, 3, what, &l, error) ||
      !lode_json_element_number (row, 4, what, &c, error) ||
      !lode_json_element_number (row, 6, what, &v, error))
    return FALSE;

  if (json_array_get_length (row) < 9)
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                   _("Missing field “%s”"), "confirm");
      return FALSE;
    }

  if (!node_flag (json_array_get_element (row, 8), "confirm", &update.closed, error) ||
      !lode_json_make_candle (time_ms, o, h, l, c, v, what, &update.candle, error))
    return FALSE;

  g_array_append_val (updates, update);
  return TRUE;
}

gboolean
lode_candle_parse_okx (const char   *text,
                       gsize         length,
                       const char   *inst_id,
                       const char   *interval,
                       LodeWsFrame  *out_kind,
                       GArray       *updates,
                       GError      **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GArray) got = g_array_new (FALSE, FALSE, sizeof (LodeCandleUpdate));
  g_autofree char *want_channel = NULL;
  JsonObject *object;
  JsonObject *arg;
  JsonArray *data;
  const char *channel = NULL;
  const char *arg_inst_id = NULL;

  g_return_val_if_fail (text != NULL || length == 0, FALSE);
  g_return_val_if_fail (inst_id != NULL && interval != NULL, FALSE);
  g_return_val_if_fail (out_kind != NULL && updates != NULL, FALSE);

  if (!lode_ws_okx_frame (text, length, &root, out_kind, &object, &arg, error))
    return FALSE;
  if (*out_kind != LODE_WS_FRAME_DATA)
    return TRUE;

  /* A push is data only on the channel and instrument asked for. */
  *out_kind = LODE_WS_FRAME_IGNORED;
  if (!lode_json_member_string (arg, "channel", FALSE, &channel, error) ||
      !lode_json_member_string (arg, "instId", FALSE, &arg_inst_id, error))
    return FALSE;

  want_channel = g_strconcat ("candle", interval, NULL);
  if (g_strcmp0 (channel, want_channel) != 0 || g_strcmp0 (arg_inst_id, inst_id) != 0)
    return TRUE;

  if ((data = lode_json_member_array (object, "data", error)) == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (data); i++)
    if (!okx_row (json_array_get_element (data, i), got, error))
      return FALSE;

  g_array_append_vals (updates, got->data, got->len);
  *out_kind = LODE_WS_FRAME_DATA;
  return TRUE;
}

/* ---- Hyperliquid -------------------------------------------------------- */

static gboolean
hyperliquid_candle (JsonNode    *node,
                    const char  *coin,
                    const char  *interval,
                    GArray      *updates,
                    GError     **error)
{
  static const char * const names[7] = { "t", "o", "h", "l", "c", "v", NULL };
  JsonObject *item = lode_json_node_object (node, _("a Hyperliquid candle"), error);
  const char *s;
  const char *i;

  if (item == NULL ||
      !lode_json_member_string (item, "s", TRUE, &s, error) ||
      !lode_json_member_string (item, "i", TRUE, &i, error))
    return FALSE;

  if (!g_str_equal (s, coin) || !g_str_equal (i, interval))
    return TRUE;

  return keyed_candle (node, _("a Hyperliquid candle"), names, updates, error);
}

gboolean
lode_candle_parse_hyperliquid (const char   *text,
                               gsize         length,
                               const char   *coin,
                               const char   *interval,
                               LodeWsFrame  *out_kind,
                               GArray       *updates,
                               GError      **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GArray) got = g_array_new (FALSE, FALSE, sizeof (LodeCandleUpdate));
  JsonObject *object;
  const char *channel = NULL;
  JsonNode *data;

  g_return_val_if_fail (text != NULL || length == 0, FALSE);
  g_return_val_if_fail (coin != NULL && interval != NULL, FALSE);
  g_return_val_if_fail (out_kind != NULL && updates != NULL, FALSE);

  *out_kind = LODE_WS_FRAME_IGNORED;

  if ((root = lode_json_parse_text (text, length, error)) == NULL ||
      (object = lode_json_node_object (root, _("a Hyperliquid message"), error)) == NULL ||
      !lode_json_member_string (object, "channel", TRUE, &channel, error))
    return FALSE;

  data = json_object_get_member (object, "data");

  if (g_str_equal (channel, "pong"))
    {
      *out_kind = LODE_WS_FRAME_PONG;
      return TRUE;
    }

  if (g_str_equal (channel, "subscriptionResponse"))
    {
      *out_kind = LODE_WS_FRAME_SUBSCRIBED;
      return TRUE;
    }

  if (g_str_equal (channel, "error"))
    {
      const char *reason = data != NULL && JSON_NODE_HOLDS_VALUE (data) &&
                           json_node_get_value_type (data) == G_TYPE_STRING
                           ? json_node_get_string (data) : NULL;

      lode_ws_set_venue_error (error, "Hyperliquid", 0, reason);
      return FALSE;
    }

  if (!g_str_equal (channel, "candle"))
    return TRUE;

  if (data != NULL && JSON_NODE_HOLDS_ARRAY (data))
    {
      JsonArray *array = json_node_get_array (data);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (!hyperliquid_candle (json_array_get_element (array, i), coin, interval, got, error))
          return FALSE;
    }
  else if (!hyperliquid_candle (data, coin, interval, got, error))
    {
      return FALSE;
    }

  /* Other coins' candles only: nothing of ours. */
  if (got->len == 0)
    return TRUE;

  g_array_append_vals (updates, got->data, got->len);
  *out_kind = LODE_WS_FRAME_DATA;
  return TRUE;
}

/* ---- What to send ------------------------------------------------------- */

static char *
builder_to_string (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

static char *
binance_stream (const char *symbol,
                const char *interval)
{
  g_autofree char *lower = g_ascii_strdown (symbol, -1);

  return g_strconcat (lower, "@kline_", interval, NULL);
}

char *
lode_candle_binance_url (const char *base_url,
                         const char *symbol,
                         const char *interval)
{
  g_autofree char *stream = NULL;

  g_return_val_if_fail (base_url != NULL && symbol != NULL && interval != NULL, NULL);

  stream = binance_stream (symbol, interval);
  return lode_ws_binance_market_url (base_url, stream);
}

char *
lode_candle_binance_subscribe (guint       id,
                               const char *symbol,
                               const char *interval)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autofree char *stream = NULL;

  g_return_val_if_fail (symbol != NULL && interval != NULL, NULL);

  stream = binance_stream (symbol, interval);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, "SUBSCRIBE");
  json_builder_set_member_name (builder, "params");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, stream);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, id);
  json_builder_end_object (builder);

  return builder_to_string (builder);
}

char *
lode_candle_bybit_subscribe (const char *req_id,
                             const char *symbol,
                             const char *interval)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autofree char *topic = NULL;

  g_return_val_if_fail (req_id != NULL && symbol != NULL && interval != NULL, NULL);

  topic = g_strconcat ("kline.", interval, ".", symbol, NULL);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "req_id");
  json_builder_add_string_value (builder, req_id);
  json_builder_set_member_name (builder, "op");
  json_builder_add_string_value (builder, "subscribe");
  json_builder_set_member_name (builder, "args");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, topic);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return builder_to_string (builder);
}

char *
lode_candle_okx_url (const char *base_url)
{
  g_autofree char *base = NULL;
  gsize len;

  g_return_val_if_fail (base_url != NULL, NULL);

  base = g_strdup (base_url);
  len = strlen (base);
  while (len > 0 && base[len - 1] == '/')
    base[--len] = '\0';

  /* §3.1: the public endpoint refuses candle channels. */
  if (g_str_has_suffix (base, "/ws/v5/public"))
    {
      base[len - strlen ("public")] = '\0';
      return g_strconcat (base, "business", NULL);
    }

  return g_steal_pointer (&base);
}

char *
lode_candle_okx_subscribe (const char *id,
                           const char *inst_id,
                           const char *interval)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autofree char *channel = NULL;

  g_return_val_if_fail (id != NULL && inst_id != NULL && interval != NULL, NULL);

  channel = g_strconcat ("candle", interval, NULL);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "op");
  json_builder_add_string_value (builder, "subscribe");
  json_builder_set_member_name (builder, "args");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "channel");
  json_builder_add_string_value (builder, channel);
  json_builder_set_member_name (builder, "instId");
  json_builder_add_string_value (builder, inst_id);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return builder_to_string (builder);
}

char *
lode_candle_hyperliquid_subscribe (const char *coin,
                                   const char *interval)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (coin != NULL && interval != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, "subscribe");
  json_builder_set_member_name (builder, "subscription");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "candle");
  json_builder_set_member_name (builder, "coin");
  json_builder_add_string_value (builder, coin);
  json_builder_set_member_name (builder, "interval");
  json_builder_add_string_value (builder, interval);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return builder_to_string (builder);
}
