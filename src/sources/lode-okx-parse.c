/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "lode-okx-parse.h"
#include "lode-venue-json.h"

static gboolean
check_envelope (JsonObject  *envelope,
                GError     **error)
{
  JsonNode *node = json_object_get_member (envelope, "code");
  g_autofree char *code = NULL;
  const char *msg = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                   _("Missing field “%s”"), "code");
      return FALSE;
    }

  /* A string by the docs; a number is read the same way. */
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    code = g_strdup (json_node_get_string (node));
  else if (json_node_get_value_type (node) == G_TYPE_INT64)
    code = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  else
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                   _("Field “%s” is not a string"), "code");
      return FALSE;
    }

  if (g_str_equal (code, "0"))
    return TRUE;

  if (!lode_json_member_string (envelope, "msg", FALSE, &msg, NULL))
    msg = NULL;
  g_set_error (error, LODE_SOURCE_ERROR,
               g_str_equal (code, "50011") || g_str_equal (code, "50061")
               ? LODE_SOURCE_ERROR_RATE_LIMITED : LODE_SOURCE_ERROR_VENUE,
               _("OKX error %s: %s"), code, msg != NULL ? msg : "");
  return FALSE;
}

gboolean
lode_okx_check (GBytes  *body,
                GError **error)
{
  return lode_json_check_envelope (body, "code", check_envelope, error);
}

static JsonArray *
parse_data (GBytes     *body,
            JsonNode  **root,
            GError    **error)
{
  JsonObject *envelope = lode_json_parse_envelope (body, "OKX reply", check_envelope, root, error);

  return envelope != NULL ? lode_json_member_array (envelope, "data", error) : NULL;
}

GArray *
lode_okx_parse_candles (GBytes  *body,
                        GError **error)
{
  static const LodeJsonCandleRows layout = {
    "candle", FALSE,
    { "ts", "o", "h", "l", "c", "volCcy" },
    { 0, 1, 2, 3, 4, 6 },
  };
  g_autoptr(JsonNode) root = NULL;
  JsonArray *rows;

  if ((rows = parse_data (body, &root, error)) == NULL)
    return NULL;

  return lode_json_candle_rows (rows, &layout, error);
}

/* Rows [ts, …] whose element @index is the value. */
static GArray *
parse_row_points (GBytes      *body,
                  const char  *what,
                  guint        index,
                  const char  *name,
                  gboolean     non_negative,
                  GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GArray) points = NULL;
  JsonArray *rows;

  if ((rows = parse_data (body, &root, error)) == NULL)
    return NULL;

  points = g_array_sized_new (FALSE, FALSE, sizeof (LodePoint), json_array_get_length (rows));
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonArray *row = lode_json_node_array (json_array_get_element (rows, i), what, error);
      LodePoint point;

      if (row == NULL
          || !lode_json_element_time (row, 0, "ts", &point.time_ms, error)
          || !lode_json_element_number (row, index, name, &point.value, error))
        {
          g_prefix_error (error, "%s %u: ", what, i);
          return NULL;
        }
      if (non_negative && point.value < 0)
        {
          g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                       _("Negative value of “%s”"), name);
          return NULL;
        }
      g_array_append_val (points, point);
    }

  lode_points_sort_unique (points);
  return g_steal_pointer (&points);
}

GArray *
lode_okx_parse_oi_history (GBytes  *body,
                           GError **error)
{
  return parse_row_points (body, "open-interest-history", 3, "oiUsd", TRUE, error);
}

GArray *
lode_okx_parse_ratio (GBytes  *body,
                      GError **error)
{
  return parse_row_points (body, "long-short-account-ratio", 1, "longShortAcctRatio", TRUE, error);
}

gboolean
lode_okx_parse_oi_current (GBytes     *body,
                           LodePoint  *out,
                           GError    **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonArray *data;
  JsonObject *item;

  if ((data = parse_data (body, &root, error)) == NULL)
    return FALSE;
  if (json_array_get_length (data) == 0)
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE,
                   _("OKX sent no open interest for this instrument"));
      return FALSE;
    }

  return (item = lode_json_node_object (json_array_get_element (data, 0), "open-interest", error)) != NULL
         && lode_json_member_time (item, "ts", &out->time_ms, error)
         && lode_json_member_number (item, "oiUsd", TRUE, &out->value, error);
}

GArray *
lode_okx_parse_funding (GBytes  *body,
                        GError **error)
{
  static const char *const names[] = { "fundingTime", "fundingRate" };
  g_autoptr(JsonNode) root = NULL;
  JsonArray *rows;

  if ((rows = parse_data (body, &root, error)) == NULL)
    return NULL;

  return lode_json_point_rows (rows, "funding", lode_json_read_time_value, names, error);
}

static gboolean
parse_levels (JsonObject  *object,
              const char  *name,
              double       contract_value,
              GArray      *levels,
              GError     **error)
{
  JsonArray *rows = lode_json_member_array (object, name, error);

  return rows != NULL
         && lode_json_level_rows (rows, name, FALSE, "price", "size", contract_value,
                                  levels, error);
}

LodeDepth *
lode_okx_parse_depth (GBytes  *body,
                      double   contract_value,
                      GError **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(LodeDepth) depth = lode_depth_new ();
  JsonArray *data;
  JsonObject *book;

  g_return_val_if_fail (contract_value > 0, NULL);

  if ((data = parse_data (body, &root, error)) == NULL)
    return NULL;
  if (json_array_get_length (data) == 0)
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE,
                   _("OKX sent no order book for this instrument"));
      return NULL;
    }

  if ((book = lode_json_node_object (json_array_get_element (data, 0), "books", error)) == NULL
      || !parse_levels (book, "bids", contract_value, depth->bids, error)
      || !parse_levels (book, "asks", contract_value, depth->asks, error))
    return NULL;

  if (json_object_has_member (book, "ts")
      && !lode_json_member_time (book, "ts", &depth->time_ms, error))
    return NULL;

  lode_depth_sort (depth);
  return g_steal_pointer (&depth);
}

GPtrArray *
lode_okx_parse_symbols (GBytes  *body,
                        GError **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) symbols = g_ptr_array_new_with_free_func ((GDestroyNotify) lode_symbol_info_free);
  JsonArray *data;

  if ((data = parse_data (body, &root, error)) == NULL)
    return NULL;

  for (guint i = 0; i < json_array_get_length (data); i++)
    {
      JsonObject *item = lode_json_node_object (json_array_get_element (data, i), "instrument", error);
      const char *inst, *family, *type, *state, *settle;
      double ct_val, ct_mult;
      g_auto(GStrv) parts = NULL;

      if (item == NULL
          || !lode_json_member_string (item, "instId", TRUE, &inst, error)
          || !lode_json_member_string (item, "ctType", FALSE, &type, error)
          || !lode_json_member_string (item, "state", FALSE, &state, error)
          || !lode_json_member_string (item, "instFamily", FALSE, &family, error)
          || !lode_json_member_string (item, "settleCcy", FALSE, &settle, error))
        {
          g_prefix_error (error, "instrument %u: ", i);
          return NULL;
        }

      /* Linear swaps only: inverse ones count in USD, not in the coin. */
      if (g_strcmp0 (type, "linear") != 0 || g_strcmp0 (state, "live") != 0)
        continue;

      if (!lode_json_member_number (item, "ctVal", TRUE, &ct_val, error)
          || !lode_json_member_number (item, "ctMult", FALSE, &ct_mult, error))
        {
          g_prefix_error (error, "%s: ", inst);
          return NULL;
        }
      if (isnan (ct_mult))
        ct_mult = 1;
      if (!(ct_val > 0 && ct_mult > 0))
        {
          g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                       _("Invalid contract value of %s"), inst);
          return NULL;
        }

      /* "BTC-USDT-SWAP": family "BTC-USDT" → base BTC, quote USDT. */
      parts = g_strsplit (family != NULL ? family : inst, "-", 3);
      if (g_strv_length (parts) < 2)
        continue;
      g_ptr_array_add (symbols, lode_symbol_info_new (inst, parts[0],
                                                      parts[1] != NULL ? parts[1] : settle,
                                                      ct_val * ct_mult));
    }

  return g_steal_pointer (&symbols);
}
