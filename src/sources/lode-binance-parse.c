/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "lode-binance-parse.h"
#include "lode-venue-json.h"

/* The root as an array, or Binance's error object as a VENUE error. */
static JsonArray *
root_array (JsonNode    *root,
            const char  *what,
            GError     **error)
{
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root)
      && !lode_binance_check_object (json_node_get_object (root), error))
    return NULL;

  return lode_json_node_array (root, what, error);
}

gboolean
lode_binance_check_object (JsonObject  *object,
                           GError     **error)
{
  JsonNode *code = json_object_get_member (object, "code");
  JsonNode *msg = json_object_get_member (object, "msg");
  double value;

  if (code == NULL || msg == NULL
      || !lode_json_node_number (code, "code", TRUE, &value, NULL)
      || value == 0 || value == 200)
    return TRUE;

  g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE,
               _("Binance error %.0f: %s"), value,
               JSON_NODE_HOLDS_VALUE (msg) && json_node_get_value_type (msg) == G_TYPE_STRING
               ? json_node_get_string (msg) : "");
  return FALSE;
}

gboolean
lode_binance_check (GBytes  *body,
                    GError **error)
{
  /* Any object may be Binance's error object. */
  return lode_json_check_envelope (body, NULL, lode_binance_check_object, error);
}

GArray *
lode_binance_parse_klines (GBytes  *body,
                           GError **error)
{
  static const LodeJsonCandleRows layout = {
    "kline", FALSE,
    { "openTime", "open", "high", "low", "close", "volume" },
    { 0, 1, 2, 3, 4, 5 },
  };
  g_autoptr(JsonNode) root = lode_json_parse_bytes (body, error);
  JsonArray *rows;

  if (root == NULL || (rows = root_array (root, "klines", error)) == NULL)
    return NULL;

  return lode_json_candle_rows (rows, &layout, error);
}

/* Rows of objects read by @read. */
static GArray *
parse_object_rows (GBytes             *body,
                   const char         *what,
                   LodeJsonPointFunc   read,
                   GError            **error)
{
  g_autoptr(JsonNode) root = lode_json_parse_bytes (body, error);
  JsonArray *rows;

  if (root == NULL || (rows = root_array (root, what, error)) == NULL)
    return NULL;

  return lode_json_point_rows (rows, what, read, NULL, error);
}

static gboolean
oi_row (JsonObject    *row,
        LodePoint     *point,
        gconstpointer  data,
        GError       **error)
{
  return lode_json_member_time (row, "timestamp", &point->time_ms, error)
         && lode_json_member_number (row, "sumOpenInterestValue", TRUE, &point->value, error)
         && (point->value >= 0 || (g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                                                _("Negative open interest")), FALSE));
}

GArray *
lode_binance_parse_oi_history (GBytes  *body,
                               GError **error)
{
  return parse_object_rows (body, "openInterestHist", oi_row, error);
}

gboolean
lode_binance_parse_oi_current (GBytes     *body,
                               LodePoint  *out,
                               GError    **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;

  if ((object = lode_json_parse_envelope (body, "openInterest", lode_binance_check_object,
                                          &root, error)) == NULL
      || !lode_json_member_number (object, "openInterest", TRUE, &out->value, error)
      || !lode_json_member_time (object, "time", &out->time_ms, error))
    return FALSE;

  return TRUE;
}

/* The ratio, or the long and short shares it is made of. */
static gboolean
ratio_value (JsonObject  *row,
             double      *value,
             GError     **error)
{
  double longs, shorts;

  if (!lode_json_member_number (row, "longShortRatio", FALSE, value, error))
    return FALSE;
  if (!isnan (*value))
    return *value >= 0 || (g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                                        _("Negative long/short ratio")), FALSE);

  /* USD-M names the shares longAccount/shortAccount even for the position
   * ratio; COIN-M says longPosition/shortPosition (§1.3). */
  if (json_object_has_member (row, "longAccount"))
    {
      if (!lode_json_member_number (row, "longAccount", TRUE, &longs, error)
          || !lode_json_member_number (row, "shortAccount", TRUE, &shorts, error))
        return FALSE;
    }
  else if (json_object_has_member (row, "longPosition"))
    {
      if (!lode_json_member_number (row, "longPosition", TRUE, &longs, error)
          || !lode_json_member_number (row, "shortPosition", TRUE, &shorts, error))
        return FALSE;
    }
  else
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                   _("Missing field “%s”"), "longShortRatio");
      return FALSE;
    }

  if (!(longs >= 0 && shorts > 0))
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                   _("Invalid long and short shares"));
      return FALSE;
    }

  *value = longs / shorts;
  return TRUE;
}

static gboolean
ratio_row (JsonObject    *row,
           LodePoint     *point,
           gconstpointer  data,
           GError       **error)
{
  return lode_json_member_time (row, "timestamp", &point->time_ms, error)
         && ratio_value (row, &point->value, error);
}

GArray *
lode_binance_parse_ratio (GBytes  *body,
                          GError **error)
{
  return parse_object_rows (body, "longShortRatio", ratio_row, error);
}

GArray *
lode_binance_parse_funding (GBytes  *body,
                            GError **error)
{
  static const char *const names[] = { "fundingTime", "fundingRate" };
  g_autoptr(JsonNode) root = lode_json_parse_bytes (body, error);
  JsonArray *rows;

  if (root == NULL || (rows = root_array (root, "fundingRate", error)) == NULL)
    return NULL;

  return lode_json_point_rows (rows, "fundingRate", lode_json_read_time_value, names, error);
}

/* [[price, qty], …] of strings. */
static gboolean
parse_levels (JsonObject  *object,
              const char  *name,
              GArray      *levels,
              GError     **error)
{
  JsonArray *rows = lode_json_member_array (object, name, error);

  return rows != NULL
         && lode_json_level_rows (rows, name, FALSE, "price", "qty", 1.0, levels, error);
}

LodeDepth *
lode_binance_parse_depth (GBytes  *body,
                          GError **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(LodeDepth) depth = lode_depth_new ();
  JsonObject *object;
  gint64 t = 0;

  if ((object = lode_json_parse_envelope (body, "depth", lode_binance_check_object,
                                          &root, error)) == NULL
      || !parse_levels (object, "bids", depth->bids, error)
      || !parse_levels (object, "asks", depth->asks, error))
    return NULL;

  if (json_object_has_member (object, "T")
      && !lode_json_member_time (object, "T", &t, error))
    return NULL;
  depth->time_ms = t;
  lode_depth_sort (depth);

  return g_steal_pointer (&depth);
}

GPtrArray *
lode_binance_parse_symbols (GBytes  *body,
                            GError **error)
{
  static const LodeJsonSymbolRows layout = {
    "symbols",
    { "symbol", "baseAsset", "quoteAsset", "contractType", "status" },
    "PERPETUAL", "TRADING",
  };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) symbols = g_ptr_array_new_with_free_func ((GDestroyNotify) lode_symbol_info_free);
  JsonObject *object;
  JsonArray *list;

  if ((object = lode_json_parse_envelope (body, "exchangeInfo", lode_binance_check_object,
                                          &root, error)) == NULL
      || (list = lode_json_member_array (object, "symbols", error)) == NULL
      || !lode_json_symbol_rows (list, &layout, symbols, error))
    return NULL;

  return g_steal_pointer (&symbols);
}
