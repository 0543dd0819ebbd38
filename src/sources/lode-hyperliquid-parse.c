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
  static const LodeJsonCandleRows layout = {
    "candle", TRUE,
    { "t", "o", "h", "l", "c", "v" },
    { 0 },
  };
  g_autoptr(JsonNode) root = NULL;
  JsonArray *rows;

  if ((rows = parse_array (body, &root, "candleSnapshot", error)) == NULL)
    return NULL;

  return lode_json_candle_rows (rows, &layout, error);
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
  static const char *const names[] = { "time", "fundingRate" };
  g_autoptr(JsonNode) root = NULL;
  JsonArray *rows;

  if ((rows = parse_array (body, &root, "fundingHistory", error)) == NULL)
    return NULL;

  return lode_json_point_rows (rows, "funding", lode_json_read_time_value, names, error);
}

static gboolean
parse_levels (JsonNode    *node,
              const char  *what,
              GArray      *levels,
              GError     **error)
{
  JsonArray *rows = lode_json_node_array (node, what, error);

  return rows != NULL
         && lode_json_level_rows (rows, what, TRUE, "px", "sz", 1.0, levels, error);
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
