/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lode-source.h"

G_BEGIN_DECLS

/* Pure parsers of Hyperliquid POST /info replies, exchange-apis.md §4:
 * bare JSON, prices and sizes as strings (numbers accepted too), times as
 * integers; time-ranged lists ascending (either order accepted). */

/* The context of one perpetual from metaAndAssetCtxs. */
typedef struct
{
  double open_interest;  /* coin units */
  double mark_px;
  double funding;        /* the current hourly rate */
} LodeHyperliquidCtx;

/* {"type":"candleSnapshot"}: objects {t, T, s, i, o, c, h, l, v, n}. */
GArray    *lode_hyperliquid_parse_candles    (GBytes              *body,
                                              GError             **error);
/* {"type":"metaAndAssetCtxs"}: [meta, ctxs]; ctxs[i] belongs to
 * meta.universe[i]. An unknown @coin is LODE_SOURCE_ERROR_VENUE. */
gboolean   lode_hyperliquid_parse_asset_ctx  (GBytes              *body,
                                              const char          *coin,
                                              LodeHyperliquidCtx  *out,
                                              GError             **error);
/* {"type":"fundingHistory"}: value = fundingRate (hourly). */
GArray    *lode_hyperliquid_parse_funding    (GBytes              *body,
                                              GError             **error);
/* {"type":"l2Book"}: levels [bids, asks] of {px, sz, n}; null = unknown
 * coin (LODE_SOURCE_ERROR_VENUE). */
LodeDepth *lode_hyperliquid_parse_depth      (GBytes              *body,
                                              GError             **error);
/* {"type":"meta"} (or metaAndAssetCtxs): the perpetuals not delisted;
 * quote USDC, sizes in coins. */
GPtrArray *lode_hyperliquid_parse_symbols    (GBytes              *body,
                                              GError             **error);

G_END_DECLS
