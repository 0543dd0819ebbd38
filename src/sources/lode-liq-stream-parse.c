/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "lode-liq-stream-parse.h"
#include "lode-venue-json.h"
#include "lode-ws-stream.h"

LodeLiqSymbols *
lode_liq_symbols_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

void
lode_liq_symbols_add (LodeLiqSymbols *symbols,
                      const char     *symbol,
                      double          contract_value)
{
  double *value;

  g_return_if_fail (symbols != NULL);
  g_return_if_fail (symbol != NULL && *symbol != '\0');
  g_return_if_fail (isfinite (contract_value) && contract_value > 0.0);

  value = g_new (double, 1);
  *value = contract_value;
  g_hash_table_replace (symbols, g_strdup (symbol), value);
}

/* Whether @symbol was asked for, and its contract value. */
static gboolean
lookup_symbol (LodeLiqSymbols *symbols,
               const char     *symbol,
               double         *contract_value)
{
  const double *value;

  if (symbols == NULL)
    {
      *contract_value = 1.0;
      return TRUE;
    }

  value = g_hash_table_lookup (symbols, symbol);
  if (value == NULL)
    return FALSE;

  *contract_value = *value;
  return TRUE;
}

static gboolean
positive (double      value,
          const char *what,
          GError    **error)
{
  if (isfinite (value) && value > 0.0)
    return TRUE;

  g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
               _("Liquidation with an invalid %s"), what);
  return FALSE;
}

static gboolean
unknown_side (const char  *side,
              GError     **error)
{
  g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
               _("Liquidation with an unknown side “%s”"), side != NULL ? side : "");
  return FALSE;
}

/* ---- Binance ------------------------------------------------------------ */

static gboolean
binance_force_order (JsonObject      *event,
                     LodeLiqSymbols  *symbols,
                     GArray          *prints,
                     GError         **error)
{
  JsonObject *order = lode_json_member_object (event, "o", error);
  const char *symbol;
  const char *side_str;
  double contract_value;
  double q, p, ap, z, price, quantity;
  gint64 time_ms;
  LodeSide side;
  LodeLiqPrint print;

  if (order == NULL ||
      !lode_json_member_string (order, "s", TRUE, &symbol, error) ||
      !lode_json_member_string (order, "S", TRUE, &side_str, error) ||
      !lode_json_member_number (order, "q", TRUE, &q, error) ||
      !lode_json_member_number (order, "p", TRUE, &p, error) ||
      !lode_json_member_number (order, "ap", FALSE, &ap, error) ||
      !lode_json_member_number (order, "z", FALSE, &z, error))
    return FALSE;

  /* o.S is the liquidation *order's* side: selling closes a long. */
  if (g_ascii_strcasecmp (side_str, "SELL") == 0)
    side = LODE_SIDE_LONG;
  else if (g_ascii_strcasecmp (side_str, "BUY") == 0)
    side = LODE_SIDE_SHORT;
  else
    return unknown_side (side_str, error);

  if (json_object_has_member (order, "T"))
    {
      if (!lode_json_member_time (order, "T", &time_ms, error))
        return FALSE;
    }
  else if (!lode_json_member_time (event, "E", &time_ms, error))
    return FALSE;

  /* The filled part at its average price; an order not (yet) filled
   * reports ap = 0 and z = 0: then its limit price and size. */
  if (isfinite (ap) && ap > 0.0 && isfinite (z) && z > 0.0)
    {
      price = ap;
      quantity = z;
    }
  else
    {
      price = p;
      quantity = q;
    }

  if (!positive (price, _("price"), error) || !positive (quantity, _("size"), error))
    return FALSE;

  if (!lookup_symbol (symbols, symbol, &contract_value))
    return TRUE;

  lode_liq_print_init (&print, time_ms, "binance", symbol, side, price, quantity,
                       price * quantity);
  g_array_append_val (prints, print);

  return TRUE;
}

gboolean
lode_liq_parse_binance (const char      *text,
                        gsize            length,
                        LodeLiqSymbols  *symbols,
                        LodeLiqFrame    *out_kind,
                        GArray          *prints,
                        GError         **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GArray) got = g_array_new (FALSE, FALSE, sizeof (LodeLiqPrint));
  JsonObject *object;
  const char *event_type = NULL;

  g_return_val_if_fail (text != NULL || length == 0, FALSE);
  g_return_val_if_fail (out_kind != NULL && prints != NULL, FALSE);

  *out_kind = LODE_LIQ_FRAME_IGNORED;

  if ((root = lode_json_parse_text (text, length, error)) == NULL ||
      (object = lode_json_node_object (root, _("a Binance message"), error)) == NULL)
    return FALSE;

  if (!lode_ws_binance_event (object, &object, &event_type, error))
    return FALSE;
  if (object == NULL)
    {
      *out_kind = LODE_LIQ_FRAME_SUBSCRIBED;
      return TRUE;
    }
  if (g_strcmp0 (event_type, "forceOrder") != 0)
    return TRUE;

  if (!binance_force_order (object, symbols, got, error))
    return FALSE;

  g_array_append_vals (prints, got->data, got->len);
  *out_kind = LODE_LIQ_FRAME_PRINTS;
  return TRUE;
}

/* What an envelope reader of lode-ws-stream.h classed as an answer rather
 * than a push (LODE_WS_FRAME_DATA), as a liquidation frame. */
static LodeLiqFrame
liq_frame_of_answer (LodeWsFrame kind)
{
  switch (kind)
    {
    case LODE_WS_FRAME_SUBSCRIBED:
      return LODE_LIQ_FRAME_SUBSCRIBED;
    case LODE_WS_FRAME_PONG:
      return LODE_LIQ_FRAME_PONG;
    case LODE_WS_FRAME_DATA:
    case LODE_WS_FRAME_IGNORED:
    default:
      return LODE_LIQ_FRAME_IGNORED;
    }
}

/* ---- Bybit -------------------------------------------------------------- */

static gboolean
bybit_liquidation (JsonNode        *node,
                   const char      *topic_symbol,
                   LodeLiqSymbols  *symbols,
                   GArray          *prints,
                   GError         **error)
{
  JsonObject *item = lode_json_node_object (node, _("a Bybit liquidation"), error);
  const char *symbol = NULL;
  const char *side_str;
  double contract_value, price, size;
  gint64 time_ms;
  LodeSide side;
  LodeLiqPrint print;

  if (item == NULL ||
      !lode_json_member_string (item, "s", FALSE, &symbol, error) ||
      !lode_json_member_string (item, "S", TRUE, &side_str, error) ||
      !lode_json_member_number (item, "v", TRUE, &size, error) ||
      !lode_json_member_number (item, "p", TRUE, &price, error) ||
      !lode_json_member_time (item, "T", &time_ms, error))
    return FALSE;

  if (symbol == NULL)
    symbol = topic_symbol;

  /* S is the *position's* side (the opposite of Binance's o.S). */
  if (g_ascii_strcasecmp (side_str, "Buy") == 0)
    side = LODE_SIDE_LONG;
  else if (g_ascii_strcasecmp (side_str, "Sell") == 0)
    side = LODE_SIDE_SHORT;
  else
    return unknown_side (side_str, error);

  if (!positive (price, _("price"), error) || !positive (size, _("size"), error))
    return FALSE;

  if (!lookup_symbol (symbols, symbol, &contract_value))
    return TRUE;

  lode_liq_print_init (&print, time_ms, "bybit", symbol, side, price, size, size * price);
  g_array_append_val (prints, print);

  return TRUE;
}

gboolean
lode_liq_parse_bybit (const char      *text,
                      gsize            length,
                      LodeLiqSymbols  *symbols,
                      LodeLiqFrame    *out_kind,
                      GArray          *prints,
                      GError         **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GArray) got = g_array_new (FALSE, FALSE, sizeof (LodeLiqPrint));
  JsonObject *object;
  const char *topic;
  JsonNode *data;
  LodeWsFrame kind;

  g_return_val_if_fail (text != NULL || length == 0, FALSE);
  g_return_val_if_fail (out_kind != NULL && prints != NULL, FALSE);

  *out_kind = LODE_LIQ_FRAME_IGNORED;

  if (!lode_ws_bybit_frame (text, length, &root, &kind, &object, &topic, error))
    return FALSE;
  if (kind != LODE_WS_FRAME_DATA)
    {
      *out_kind = liq_frame_of_answer (kind);
      return TRUE;
    }

  if (topic == NULL || !g_str_has_prefix (topic, "allLiquidation."))
    return TRUE;

  data = json_object_get_member (object, "data");
  /* The docs' table says Object, their example an array: take both. */
  if (data != NULL && JSON_NODE_HOLDS_ARRAY (data))
    {
      JsonArray *array = json_node_get_array (data);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (!bybit_liquidation (json_array_get_element (array, i),
                                topic + strlen ("allLiquidation."), symbols, got, error))
          return FALSE;
    }
  else if (!bybit_liquidation (data, topic + strlen ("allLiquidation."), symbols, got, error))
    {
      return FALSE;
    }

  g_array_append_vals (prints, got->data, got->len);
  *out_kind = LODE_LIQ_FRAME_PRINTS;
  return TRUE;
}

/* ---- OKX ---------------------------------------------------------------- */

static gboolean
okx_detail (JsonNode        *node,
            const char      *inst_id,
            double           contract_value,
            GArray          *prints,
            GError         **error)
{
  JsonObject *detail = lode_json_node_object (node, _("an OKX liquidation"), error);
  const char *pos_side = NULL;
  const char *side_str = NULL;
  double price, contracts, base;
  gint64 time_ms;
  LodeSide side;
  LodeLiqPrint print;

  if (detail == NULL ||
      !lode_json_member_string (detail, "posSide", FALSE, &pos_side, error) ||
      !lode_json_member_string (detail, "side", FALSE, &side_str, error) ||
      !lode_json_member_number (detail, "bkPx", TRUE, &price, error) ||
      !lode_json_member_number (detail, "sz", TRUE, &contracts, error) ||
      !lode_json_member_time (detail, "ts", &time_ms, error))
    return FALSE;

  /* Hedge mode names the position; one-way mode ("net") only the order:
   * a forced sell closes a long. */
  if (g_strcmp0 (pos_side, "long") == 0)
    side = LODE_SIDE_LONG;
  else if (g_strcmp0 (pos_side, "short") == 0)
    side = LODE_SIDE_SHORT;
  else if (pos_side != NULL && g_strcmp0 (pos_side, "net") != 0)
    return unknown_side (pos_side, error);
  else if (g_strcmp0 (side_str, "sell") == 0)
    side = LODE_SIDE_LONG;
  else if (g_strcmp0 (side_str, "buy") == 0)
    side = LODE_SIDE_SHORT;
  else
    return unknown_side (side_str, error);

  if (!positive (price, _("price"), error) || !positive (contracts, _("size"), error))
    return FALSE;

  if (prints == NULL)
    return TRUE;

  base = contracts * contract_value;
  lode_liq_print_init (&print, time_ms, "okx", inst_id, side, price, base, base * price);
  g_array_append_val (prints, print);

  return TRUE;
}

gboolean
lode_liq_parse_okx (const char      *text,
                    gsize            length,
                    LodeLiqSymbols  *symbols,
                    LodeLiqFrame    *out_kind,
                    GArray          *prints,
                    GError         **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GArray) got = g_array_new (FALSE, FALSE, sizeof (LodeLiqPrint));
  JsonObject *object;
  JsonObject *arg;
  JsonArray *data;
  const char *channel = NULL;
  LodeWsFrame kind;

  g_return_val_if_fail (text != NULL || length == 0, FALSE);
  g_return_val_if_fail (out_kind != NULL && prints != NULL, FALSE);

  *out_kind = LODE_LIQ_FRAME_IGNORED;

  if (!lode_ws_okx_frame (text, length, &root, &kind, &object, &arg, error))
    return FALSE;

  if (kind != LODE_WS_FRAME_DATA)
    {
      *out_kind = liq_frame_of_answer (kind);
      return TRUE;
    }

  if (!lode_json_member_string (arg, "channel", FALSE, &channel, error))
    return FALSE;
  if (g_strcmp0 (channel, "liquidation-orders") != 0)
    return TRUE;

  if ((data = lode_json_member_array (object, "data", error)) == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (data); i++)
    {
      JsonObject *item = lode_json_node_object (json_array_get_element (data, i),
                                                _("an OKX liquidation"), error);
      const char *inst_id;
      JsonArray *details;
      double contract_value = NAN;
      gboolean wanted;

      if (item == NULL ||
          !lode_json_member_string (item, "instId", TRUE, &inst_id, error) ||
          (details = lode_json_member_array (item, "details", error)) == NULL)
        return FALSE;

      /* Without a contract value there is no size in base units. */
      wanted = symbols != NULL && lookup_symbol (symbols, inst_id, &contract_value);

      for (guint k = 0; k < json_array_get_length (details); k++)
        if (!okx_detail (json_array_get_element (details, k), inst_id, contract_value,
                         wanted ? got : NULL, error))
          return FALSE;
    }

  g_array_append_vals (prints, got->data, got->len);
  *out_kind = LODE_LIQ_FRAME_PRINTS;
  return TRUE;
}

/* ---- What to send ------------------------------------------------------- */

char *
lode_liq_binance_url (const char *base_url)
{
  g_return_val_if_fail (base_url != NULL, NULL);

  return lode_ws_binance_market_url (base_url, "!forceOrder@arr");
}

static char *
node_to_string (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

char *
lode_liq_binance_subscribe (guint id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, "SUBSCRIBE");
  json_builder_set_member_name (builder, "params");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "!forceOrder@arr");
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, id);
  json_builder_end_object (builder);

  return node_to_string (builder);
}

char *
lode_liq_bybit_subscribe (const char         *req_id,
                          const char * const *symbols)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (req_id != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "req_id");
  json_builder_add_string_value (builder, req_id);
  json_builder_set_member_name (builder, "op");
  json_builder_add_string_value (builder, "subscribe");
  json_builder_set_member_name (builder, "args");
  json_builder_begin_array (builder);
  for (guint i = 0; symbols != NULL && symbols[i] != NULL; i++)
    {
      g_autofree char *topic = g_strconcat ("allLiquidation.", symbols[i], NULL);

      json_builder_add_string_value (builder, topic);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return node_to_string (builder);
}

char *
lode_liq_bybit_ping (const char *req_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (req_id != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "req_id");
  json_builder_add_string_value (builder, req_id);
  json_builder_set_member_name (builder, "op");
  json_builder_add_string_value (builder, "ping");
  json_builder_end_object (builder);

  return node_to_string (builder);
}

char *
lode_liq_okx_subscribe (const char *id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (id != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "op");
  json_builder_add_string_value (builder, "subscribe");
  json_builder_set_member_name (builder, "args");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "channel");
  json_builder_add_string_value (builder, "liquidation-orders");
  json_builder_set_member_name (builder, "instType");
  json_builder_add_string_value (builder, "SWAP");
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return node_to_string (builder);
}
