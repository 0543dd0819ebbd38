/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "lode-hyperliquid-parse.h"
#include "lode-venue-json.h"

static JsonArray *
parse_array (GBytes      *body,
             JsonNode   **root,
             const char  *what,
             GError     **error)
{
  *root = lode_json_parse_bytes (body, error);
  if (*root == NULL)
    return NULL;

  return lode_json_node_array (*root, what, error);
}

GArray *
lode_hyperliquid_parse_candles (GBytes  *body,
                                GError **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GArray) candles = NULL;
  JsonArray *rows;

  if ((rows = parse_array (body, &root, "candleSnapshot", error)) == NULL)
    return NULL;

  candles = g_array_sized_new (FALSE, FALSE, sizeof (LodeCandle), json_array_get_length (rows));
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      g_autofree char *what = g_strdup_printf ("candle %u", i);
      JsonObject *row = lode_json_node_object (json_array_get_element (rows, i), what, error);
      gint64 t;
      double o, h, l, c, v;
      LodeCandle candle;

      if (row == NULL
          || !lode_json_member_time (row, "t", &t, error)
          || !lode_json_member_number (row, "o", TRUE, &o, error)
          || !lode_json_member_number (row, "h", TRUE, &h, error)
          || !lode_json_member_number (row, "l", TRUE, &l, error)
          || !lode_json_member_number (row, "c", TRUE, &c, error)
          || !lode_json_member_number (row, "v", TRUE, &v, error)
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

gboolean
lode_hyperliquid_parse_asset_ctx (GBytes              *body,
                                  const char          *coin,
                                  LodeHyperliquidCtx  *out,
                                  GError             **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonArray *pair, *universe, *ctxs;
  JsonObject *meta, *ctx;

  if ((pair = parse_array (body, &root, "metaAndAssetCtxs", error)) == NULL)
    return FALSE;
  if (json_array_get_length (pair) != 2)
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                   _("Expected [meta, contexts] from metaAndAssetCtxs"));
      return FALSE;
    }

  if ((meta = lode_json_node_object (json_array_get_element (pair, 0), "meta", error)) == NULL
      || (universe = lode_json_member_array (meta, "universe", error)) == NULL
      || (ctxs = lode_json_node_array (json_array_get_element (pair, 1), "assetCtxs", error)) == NULL)
    return FALSE;

  /* Contexts match the universe by index (§4.2). */
  for (guint i = 0; i < json_array_get_length (universe); i++)
    {
      JsonObject *asset = lode_json_node_object (json_array_get_element (universe, i), "universe", error);
      const char *name;

      if (asset == NULL || !lode_json_member_string (asset, "name", TRUE, &name, error))
        return FALSE;
      if (g_strcmp0 (name, coin) != 0)
        continue;

      if (i >= json_array_get_length (ctxs))
        {
          g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                       _("No asset context for %s"), coin);
          return FALSE;
        }

      if ((ctx = lode_json_node_object (json_array_get_element (ctxs, i), "assetCtx", error)) == NULL
          || !lode_json_member_number (ctx, "openInterest", TRUE, &out->open_interest, error)
          || !lode_json_member_number (ctx, "markPx", TRUE, &out->mark_px, error)
          || !lode_json_member_number (ctx, "funding", FALSE, &out->funding, error))
        {
          g_prefix_error (error, "%s: ", coin);
          return FALSE;
        }
      if (!(out->open_interest >= 0 && out->mark_px > 0))
        {
          g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                       _("Invalid open interest or mark price of %s"), coin);
          return FALSE;
        }
      return TRUE;
    }

  g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE,
               _("Hyperliquid has no perpetual %s"), coin);
  return FALSE;
}

GArray *
lode_hyperliquid_parse_funding (GBytes  *body,
                                GError **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GArray) points = NULL;
  JsonArray *rows;

  if ((rows = parse_array (body, &root, "fundingHistory", error)) == NULL)
    return NULL;

  points = g_array_sized_new (FALSE, FALSE, sizeof (LodePoint), json_array_get_length (rows));
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = lode_json_node_object (json_array_get_element (rows, i), "funding", error);
      LodePoint point;

      if (row == NULL
          || !lode_json_member_time (row, "time", &point.time_ms, error)
          || !lode_json_member_number (row, "fundingRate", TRUE, &point.value, error))
        {
          g_prefix_error (error, "funding %u: ", i);
          return NULL;
        }
      g_array_append_val (points, point);
    }

  lode_points_sort_unique (points);
  return g_steal_pointer (&points);
}

static gboolean
parse_levels (JsonNode    *node,
              const char  *what,
              GArray      *levels,
              GError     **error)
{
  JsonArray *rows = lode_json_node_array (node, what, error);

  if (rows == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = lode_json_node_object (json_array_get_element (rows, i), what, error);
      LodeDepthLevel level;

      if (row == NULL
          || !lode_json_member_number (row, "px", TRUE, &level.price, error)
          || !lode_json_member_number (row, "sz", TRUE, &level.size_base, error))
        {
          g_prefix_error (error, "%s %u: ", what, i);
          return FALSE;
        }
      if (!(level.price > 0 && level.size_base >= 0))
        {
          g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                       _("Invalid order-book level in %s"), what);
          return FALSE;
        }
      g_array_append_val (levels, level);
    }

  return TRUE;
}

LodeDepth *
lode_hyperliquid_parse_depth (GBytes  *body,
                              GError **error)
{
  g_autoptr(JsonNode) root = lode_json_parse_bytes (body, error);
  g_autoptr(LodeDepth) depth = lode_depth_new ();
  JsonObject *book;
  JsonArray *levels;

  if (root == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_NULL (root))
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE,
                   _("Hyperliquid has no order book for this coin"));
      return NULL;
    }

  if ((book = lode_json_node_object (root, "l2Book", error)) == NULL
      || (levels = lode_json_member_array (book, "levels", error)) == NULL)
    return NULL;
  if (json_array_get_length (levels) != 2)
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                   _("Expected [bids, asks] in levels"));
      return NULL;
    }

  if (!parse_levels (json_array_get_element (levels, 0), "bids", depth->bids, error)
      || !parse_levels (json_array_get_element (levels, 1), "asks", depth->asks, error))
    return NULL;

  if (json_object_has_member (book, "time")
      && !lode_json_member_time (book, "time", &depth->time_ms, error))
    return NULL;

  lode_depth_sort (depth);
  return g_steal_pointer (&depth);
}

GPtrArray *
lode_hyperliquid_parse_symbols (GBytes  *body,
                                GError **error)
{
  g_autoptr(JsonNode) root = lode_json_parse_bytes (body, error);
  g_autoptr(GPtrArray) symbols = g_ptr_array_new_with_free_func ((GDestroyNotify) lode_symbol_info_free);
  JsonNode *meta_node = root;
  JsonObject *meta;
  JsonArray *universe;

  if (root == NULL)
    return NULL;
  /* metaAndAssetCtxs has meta first. */
  if (JSON_NODE_HOLDS_ARRAY (root) && json_array_get_length (json_node_get_array (root)) > 0)
    meta_node = json_array_get_element (json_node_get_array (root), 0);

  if ((meta = lode_json_node_object (meta_node, "meta", error)) == NULL
      || (universe = lode_json_member_array (meta, "universe", error)) == NULL)
    return NULL;

  for (guint i = 0; i < json_array_get_length (universe); i++)
    {
      JsonObject *asset = lode_json_node_object (json_array_get_element (universe, i), "universe", error);
      JsonNode *delisted;
      const char *name;

      if (asset == NULL || !lode_json_member_string (asset, "name", TRUE, &name, error))
        {
          g_prefix_error (error, "universe %u: ", i);
          return NULL;
        }

      delisted = json_object_get_member (asset, "isDelisted");
      if (delisted != NULL && JSON_NODE_HOLDS_VALUE (delisted)
          && json_node_get_value_type (delisted) == G_TYPE_BOOLEAN
          && json_node_get_boolean (delisted))
        continue;

      g_ptr_array_add (symbols, lode_symbol_info_new (name, name, "USDC", 1.0));
    }

  return g_steal_pointer (&symbols);
}
