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
  g_autoptr(JsonNode) root = lode_json_parse_bytes (body, NULL);

  /* Only an error object is this function's business; malformed bodies
   * are the parser's. */
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return TRUE;

  return lode_binance_check_object (json_node_get_object (root), error);
}

GArray *
lode_binance_parse_klines (GBytes  *body,
                           GError **error)
{
  g_autoptr(JsonNode) root = lode_json_parse_bytes (body, error);
  g_autoptr(GArray) candles = NULL;
  JsonArray *rows;

  if (root == NULL || (rows = root_array (root, "klines", error)) == NULL)
    return NULL;

  candles = g_array_sized_new (FALSE, FALSE, sizeof (LodeCandle), json_array_get_length (rows));
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      g_autofree char *what = g_strdup_printf ("kline %u", i);
      JsonArray *row = lode_json_node_array (json_array_get_element (rows, i), what, error);
      gint64 t;
      double o, h, l, c, v;
      LodeCandle candle;

      if (row == NULL
          || !lode_json_element_time (row, 0, "openTime", &t, error)
          || !lode_json_element_number (row, 1, "open", &o, error)
          || !lode_json_element_number (row, 2, "high", &h, error)
          || !lode_json_element_number (row, 3, "low", &l, error)
          || !lode_json_element_number (row, 4, "close", &c, error)
          || !lode_json_element_number (row, 5, "volume", &v, error)
          || !lode_json_make_candle (t, o, h, l, c, v, what, &candle, error))
        {
          g_prefix_error (error, "%s: ", what);
          return NULL;
        }
      g_array_append_val (candles, candle);
    }

  lode_candles_sort_unique (candles);
  return g_steal_pointer (&candles);
}

/* Rows of objects with a "timestamp"; @parse_row reads the value. */
static GArray *
parse_object_rows (GBytes      *body,
                   const char  *what,
                   gboolean   (*parse_row) (JsonObject *row, double *value, GError **error),
                   GError     **error)
{
  g_autoptr(JsonNode) root = lode_json_parse_bytes (body, error);
  g_autoptr(GArray) points = NULL;
  JsonArray *rows;

  if (root == NULL || (rows = root_array (root, what, error)) == NULL)
    return NULL;

  points = g_array_sized_new (FALSE, FALSE, sizeof (LodePoint), json_array_get_length (rows));
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = lode_json_node_object (json_array_get_element (rows, i), what, error);
      LodePoint point;

      if (row == NULL
          || !lode_json_member_time (row, "timestamp", &point.time_ms, error)
          || !parse_row (row, &point.value, error))
        {
          g_prefix_error (error, "%s %u: ", what, i);
          return NULL;
        }
      g_array_append_val (points, point);
    }

  lode_points_sort_unique (points);
  return g_steal_pointer (&points);
}

static gboolean
oi_row (JsonObject  *row,
        double      *value,
        GError     **error)
{
  return lode_json_member_number (row, "sumOpenInterestValue", TRUE, value, error)
         && (*value >= 0 || (g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
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
  g_autoptr(JsonNode) root = lode_json_parse_bytes (body, error);
  JsonObject *object;

  if (root == NULL
      || (object = lode_json_node_object (root, "openInterest", error)) == NULL
      || !lode_binance_check_object (object, error)
      || !lode_json_member_number (object, "openInterest", TRUE, &out->value, error)
      || !lode_json_member_time (object, "time", &out->time_ms, error))
    return FALSE;

  return TRUE;
}

static gboolean
ratio_row (JsonObject  *row,
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
  g_autoptr(JsonNode) root = lode_json_parse_bytes (body, error);
  g_autoptr(GArray) points = NULL;
  JsonArray *rows;

  if (root == NULL || (rows = root_array (root, "fundingRate", error)) == NULL)
    return NULL;

  points = g_array_sized_new (FALSE, FALSE, sizeof (LodePoint), json_array_get_length (rows));
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = lode_json_node_object (json_array_get_element (rows, i), "fundingRate", error);
      LodePoint point;

      if (row == NULL
          || !lode_json_member_time (row, "fundingTime", &point.time_ms, error)
          || !lode_json_member_number (row, "fundingRate", TRUE, &point.value, error))
        {
          g_prefix_error (error, "fundingRate %u: ", i);
          return NULL;
        }
      g_array_append_val (points, point);
    }

  lode_points_sort_unique (points);
  return g_steal_pointer (&points);
}

/* [[price, qty], …] of strings. */
static gboolean
parse_levels (JsonObject  *object,
              const char  *name,
              GArray      *levels,
              GError     **error)
{
  JsonArray *rows = lode_json_member_array (object, name, error);

  if (rows == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonArray *row = lode_json_node_array (json_array_get_element (rows, i), name, error);
      LodeDepthLevel level;

      if (row == NULL
          || !lode_json_element_number (row, 0, "price", &level.price, error)
          || !lode_json_element_number (row, 1, "qty", &level.size_base, error))
        {
          g_prefix_error (error, "%s %u: ", name, i);
          return FALSE;
        }
      if (!(level.price > 0 && level.size_base >= 0))
        {
          g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                       _("Invalid order-book level in %s"), name);
          return FALSE;
        }
      g_array_append_val (levels, level);
    }

  return TRUE;
}

LodeDepth *
lode_binance_parse_depth (GBytes  *body,
                          GError **error)
{
  g_autoptr(JsonNode) root = lode_json_parse_bytes (body, error);
  g_autoptr(LodeDepth) depth = lode_depth_new ();
  JsonObject *object;
  gint64 t = 0;

  if (root == NULL
      || (object = lode_json_node_object (root, "depth", error)) == NULL
      || !lode_binance_check_object (object, error)
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
  g_autoptr(JsonNode) root = lode_json_parse_bytes (body, error);
  g_autoptr(GPtrArray) symbols = g_ptr_array_new_with_free_func ((GDestroyNotify) lode_symbol_info_free);
  JsonObject *object;
  JsonArray *list;

  if (root == NULL
      || (object = lode_json_node_object (root, "exchangeInfo", error)) == NULL
      || !lode_binance_check_object (object, error)
      || (list = lode_json_member_array (object, "symbols", error)) == NULL)
    return NULL;

  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *item = lode_json_node_object (json_array_get_element (list, i), "symbols", error);
      const char *symbol, *base, *quote, *type, *status;

      if (item == NULL
          || !lode_json_member_string (item, "symbol", TRUE, &symbol, error)
          || !lode_json_member_string (item, "baseAsset", TRUE, &base, error)
          || !lode_json_member_string (item, "quoteAsset", TRUE, &quote, error)
          || !lode_json_member_string (item, "contractType", FALSE, &type, error)
          || !lode_json_member_string (item, "status", FALSE, &status, error))
        {
          g_prefix_error (error, "symbols %u: ", i);
          return NULL;
        }

      if (g_strcmp0 (type, "PERPETUAL") != 0
          || (status != NULL && !g_str_equal (status, "TRADING")))
        continue;

      g_ptr_array_add (symbols, lode_symbol_info_new (symbol, base, quote, 1.0));
    }

  return g_steal_pointer (&symbols);
}
