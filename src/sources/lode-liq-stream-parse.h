/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lode-flow.h"
#include "lode-source-error.h"

G_BEGIN_DECLS

/* Pure parsers and builders of the venues' public liquidation websockets
 * (exchange-apis.md §1.6, §1.9, §2.6, §3.6, §5): text frame in, prints out.
 * No I/O, no main loop. */

/* What a frame was. */
typedef enum
{
  LODE_LIQ_FRAME_PRINTS,      /* a liquidation push (its prints, possibly none
                               * after filtering, were appended) */
  LODE_LIQ_FRAME_SUBSCRIBED,  /* the venue acknowledged a subscription */
  LODE_LIQ_FRAME_PONG,        /* the answer to our heartbeat */
  LODE_LIQ_FRAME_IGNORED,     /* well-formed, of no interest (other topics, notices) */
} LodeLiqFrame;

/* The symbols asked for and their contract values (base units per
 * contract: 1 for Binance and Bybit, ctVal for OKX). Maps the venue's
 * symbol ("BTCUSDT", "BTC-USDT-SWAP") to a double *; NULL = every symbol
 * with a contract value of 1. Prints of other symbols are dropped. */
typedef GHashTable LodeLiqSymbols;

LodeLiqSymbols *lode_liq_symbols_new     (void);
void            lode_liq_symbols_add     (LodeLiqSymbols *symbols,
                                          const char     *symbol,
                                          double          contract_value);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LodeLiqSymbols, g_hash_table_unref)

/* Each parser reads one text frame of its venue. Prints (LodeLiqPrint)
 * are appended to @prints only when the whole frame parsed. Errors:
 * LODE_SOURCE_ERROR_PARSE for a malformed frame (bad JSON, a missing or
 * non-numeric field, an unknown side, a price or size ≤ 0);
 * LODE_SOURCE_ERROR_VENUE for the venue's own error reply (a rejected
 * subscription), with its message. */

/* Binance USD-M: a forceOrder event, bare or wrapped in {"stream","data"}
 * (stream mode); {"result":null,"id":…} is the SUBSCRIBE ack; {"error":…}
 * or {"code":…,"msg":…} an error. o.S SELL ⇒ a long was liquidated.
 * Price ap (the average fill) when > 0, else p; size z when > 0, else q;
 * notional ap × z, else p × q. Time o.T, else E. */
gboolean lode_liq_parse_binance (const char      *text,
                                 gsize            length,
                                 LodeLiqSymbols  *symbols,
                                 LodeLiqFrame    *out_kind,
                                 GArray          *prints,
                                 GError         **error);

/* Bybit v5 linear: {"topic":"allLiquidation.SYM","data":[…] or {…}};
 * {"op":"subscribe","success":…} the ack (success false is an error);
 * {"op":"ping"|"pong","ret_msg":"pong"} the heartbeat answer. S is the
 * position side: Buy ⇒ a long was liquidated. Notional v × p. */
gboolean lode_liq_parse_bybit   (const char      *text,
                                 gsize            length,
                                 LodeLiqSymbols  *symbols,
                                 LodeLiqFrame    *out_kind,
                                 GArray          *prints,
                                 GError         **error);

/* OKX v5: the text "pong"; {"event":"subscribe"} the ack; {"event":"error"}
 * an error; {"arg":{"channel":"liquidation-orders"},"data":[{"instId",
 * "details":[…]}]}. posSide long/short; with net (one-way mode) or no
 * posSide, side sell ⇒ long. sz is in contracts: base = sz × ctVal,
 * notional = sz × ctVal × bkPx. Only instruments in @symbols have a known
 * ctVal: with @symbols NULL nothing is printed. Details are appended in
 * the order received (the venue's are not chronological). */
gboolean lode_liq_parse_okx     (const char      *text,
                                 gsize            length,
                                 LodeLiqSymbols  *symbols,
                                 LodeLiqFrame    *out_kind,
                                 GArray          *prints,
                                 GError         **error);

/* What to send. */

/* The Binance market-stream URL of the all-market liquidation stream:
 * "<base>/ws/!forceOrder@arr" on the routed /market endpoint. A base
 * without a route (wss://fstream.binance.com, or ending in /ws) gets
 * "/market" added: since 2026-04-23 an un-routed connection stays silent
 * (§1.9). */
char    *lode_liq_binance_url            (const char          *base_url);
/* {"method":"SUBSCRIBE","params":["!forceOrder@arr"],"id":@id} */
char    *lode_liq_binance_subscribe      (guint                id);
/* {"req_id":@req_id,"op":"subscribe","args":["allLiquidation.SYM",…]} */
char    *lode_liq_bybit_subscribe        (const char          *req_id,
                                          const char * const  *symbols);
/* {"req_id":@req_id,"op":"ping"} */
char    *lode_liq_bybit_ping             (const char          *req_id);
/* {"id":@id,"op":"subscribe","args":[{"channel":"liquidation-orders","instType":"SWAP"}]} */
char    *lode_liq_okx_subscribe          (const char          *id);

G_END_DECLS
