/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "lode-bybit-parse.h"
#include "lode-venue-json.h"

#define RETCODE_TOO_MANY_VISITS 10006
#define RETCODE_IP_RATE_LIMIT   10018

/* The envelope's verdict: TRUE for retCode 0. */
static gboolean
check_envelope (JsonObject  *envelope,
                GError     **error)
{
  double code;
  const char *msg = NULL;

  if (!lode_json_member_number (envelope, "retCode", TRUE, &code, error))
    return FALSE;
  if (code == 0)
    return TRUE;

  if (!lode_json_member_string (envelope, "retMsg", FALSE, &msg, NULL))
    msg = NULL;

  g_set_error (error, LODE_SOURCE_ERROR,
               code == RETCODE_TOO_MANY_VISITS || code == RETCODE_IP_RATE_LIMIT
               ? LODE_SOURCE_ERROR_RATE_LIMITED : LODE_SOURCE_ERROR_VENUE,
               _("Bybit error %.0f: %s"), code, msg != NULL ? msg : "");
  return FALSE;
}

gboolean
lode_bybit_check (GBytes  *body,
                  GError **error)
{
  return lode_json_check_envelope (body, "retCode", check_envelope, error);
}

/* The result object of a successful envelope; @root keeps it alive. */
static JsonObject *
parse_result (GBytes     *body,
              JsonNode  **root,
              GError    **error)
{
  JsonObject *envelope = lode_json_parse_envelope (body, "Bybit reply", check_envelope, root, error);

  return envelope != NULL ? lode_json_member_object (envelope, "result", error) : NULL;
}

/* result.list: an array, or a lone object where the docs say "Object"
 * but mean one element (§2.6); @single holds such a wrapper. */
static JsonArray *
result_list (JsonObject  *result,
             JsonArray  **single,
             GError     **error)
{
  JsonNode *node = json_object_get_member (result, "list");

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      *single = json_array_new ();
      json_array_add_element (*single, json_node_copy (node));
      return *single;
    }

  return lode_json_member_array (result, "list", error);
}

static gboolean
next_cursor (JsonObject  *result,
             char       **out,
             GError     **error)
{
  const char *cursor;

  if (!lode_json_member_string (result, "nextPageCursor", FALSE, &cursor, error))
    return FALSE;

  *out = g_strdup (cursor);  /* "" reads as missing: NULL, the end */
  return TRUE;
}

GArray *
lode_bybit_parse_klines (GBytes  *body,
                         GError **error)
{
  static const LodeJsonCandleRows layout = {
    "kline", FALSE,
    { "startTime", "open", "high", "low", "close", "volume" },
    { 0, 1, 2, 3, 4, 5 },
  };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonArray) single = NULL;
  JsonObject *result;
  JsonArray *rows;

  if ((result = parse_result (body, &root, error)) == NULL
      || (rows = result_list (result, &single, error)) == NULL)
    return NULL;

  return lode_json_candle_rows (rows, &layout, error);
}

static GArray *
parse_points (GBytes             *body,
              const char         *what,
              LodeJsonPointFunc   read,
              gconstpointer       data,
              char              **cursor,
              GError            **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonArray) single = NULL;
  g_autoptr(GArray) points = NULL;
  g_autofree char *next = NULL;
  JsonObject *result;
  JsonArray *rows;

  if ((result = parse_result (body, &root, error)) == NULL
      || (rows = result_list (result, &single, error)) == NULL
      || (cursor != NULL && !next_cursor (result, &next, error))
      || (points = lode_json_point_rows (rows, what, read, data, error)) == NULL)
    return NULL;

  if (cursor != NULL)
    *cursor = g_steal_pointer (&next);
  return g_steal_pointer (&points);
}

static gboolean
oi_row (JsonObject    *row,
        LodePoint     *point,
        gconstpointer  data,
        GError       **error)
{
  double both, single;

  if (!lode_json_member_time (row, "timestamp", &point->time_ms, error)
      || !lode_json_member_number (row, "singleOpenInterest", FALSE, &single, error))
    return FALSE;

  if (isnan (single))
    {
      /* Before 2026-06-11 only the two-sided figure exists: halve it. */
      if (!lode_json_member_number (row, "openInterest", TRUE, &both, error))
        return FALSE;
      single = both / 2;
    }

  if (single < 0)
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE, _("Negative open interest"));
      return FALSE;
    }

  point->value = single;
  return TRUE;
}

GArray *
lode_bybit_parse_open_interest (GBytes  *body,
                                char   **cursor,
                                GError **error)
{
  return parse_points (body, "open-interest", oi_row, NULL, cursor, error);
}

static gboolean
ratio_row (JsonObject    *row,
           LodePoint     *point,
           gconstpointer  data,
           GError       **error)
{
  double buy, sell;

  if (!lode_json_member_time (row, "timestamp", &point->time_ms, error)
      || !lode_json_member_number (row, "buyRatio", TRUE, &buy, error)
      || !lode_json_member_number (row, "sellRatio", TRUE, &sell, error))
    return FALSE;

  if (!(buy >= 0 && sell > 0))
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                   _("Invalid buy and sell ratios"));
      return FALSE;
    }

  point->value = buy / sell;
  return TRUE;
}

GArray *
lode_bybit_parse_ratio (GBytes  *body,
                        char   **cursor,
                        GError **error)
{
  return parse_points (body, "account-ratio", ratio_row, NULL, cursor, error);
}

GArray *
lode_bybit_parse_funding (GBytes  *body,
                          GError **error)
{
  static const char *const names[] = { "fundingRateTimestamp", "fundingRate" };

  return parse_points (body, "funding", lode_json_read_time_value, names, NULL, error);
}

static gboolean
parse_levels (JsonObject  *object,
              const char  *name,
              GArray      *levels,
              GError     **error)
{
  JsonArray *rows = lode_json_member_array (object, name, error);

  return rows != NULL
         && lode_json_level_rows (rows, name, FALSE, "price", "size", 1.0, levels, error);
}

LodeDepth *
lode_bybit_parse_depth (GBytes  *body,
                        GError **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(LodeDepth) depth = lode_depth_new ();
  JsonObject *result;

  if ((result = parse_result (body, &root, error)) == NULL
      || !parse_levels (result, "b", depth->bids, error)
      || !parse_levels (result, "a", depth->asks, error))
    return NULL;

  if (json_object_has_member (result, "ts")
      && !lode_json_member_time (result, "ts", &depth->time_ms, error))
    return NULL;

  lode_depth_sort (depth);
  return g_steal_pointer (&depth);
}

GPtrArray *
lode_bybit_parse_symbols (GBytes  *body,
                          GError **error)
{
  static const LodeJsonSymbolRows layout = {
    "instrument",
    { "symbol", "baseCoin", "quoteCoin", "contractType", "status" },
    "LinearPerpetual", "Trading",
  };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonArray) single = NULL;
  g_autoptr(GPtrArray) symbols = g_ptr_array_new_with_free_func ((GDestroyNotify) lode_symbol_info_free);
  JsonObject *result;
  JsonArray *list;

  if ((result = parse_result (body, &root, error)) == NULL
      || (list = result_list (result, &single, error)) == NULL
      || !lode_json_symbol_rows (list, &layout, symbols, error))
    return NULL;

  return g_steal_pointer (&symbols);
}
