/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lode-market.h"
#include "lode-source-error.h"
#include "lode-ws-stream.h"

G_BEGIN_DECLS

/* Pure parsers and builders of the venues' public kline/candle websockets
 * (exchange-apis.md §1.9 Binance <sym>@kline_<i> on the routed /market
 * endpoint, §2 Bybit kline.<i>.<SYM>, §3.1 OKX candle<bar> on
 * /ws/v5/business, §4.1 Hyperliquid candle): text frame in, candles out.
 * No I/O, no main loop. */

/* One state of one candle as a venue pushed it. */
typedef struct
{
  LodeCandle candle;  /* oi_usd NaN, long_share 0.5 */
  gboolean   closed;  /* the venue says the candle is final (Binance k.x,
                       * Bybit confirm, OKX confirm "1"); always FALSE from
                       * Hyperliquid, which does not say */
} LodeCandleUpdate;

/* The venue's name of @interval_ms (one of Lodestone's 1m 5m 15m 1h 4h 1d):
 * Binance and Hyperliquid "1m" … "1d", Bybit "1" "5" "15" "60" "240" "D",
 * OKX "1m" "5m" "15m" "1H" "4H" "1Dutc" (UTC-aligned days, §3). NULL for
 * another interval or an unknown venue. */
const char *lode_candle_interval_name (const char *venue,
                                       gint64      interval_ms);

/* Each parser reads one text frame of its venue and appends to @updates
 * (LodeCandleUpdate) the candles of the one subscription given — only when
 * the whole frame parsed. Other symbols, intervals and topics are IGNORED.
 * Numbers may be strings or numbers; unknown fields are ignored. Errors:
 * LODE_SOURCE_ERROR_PARSE for a malformed frame (bad JSON, a missing or
 * non-numeric required field, inconsistent prices); LODE_SOURCE_ERROR_VENUE
 * for the venue's own error reply (a refused subscription). */

/* A kline event {"e":"kline","s","k":{t,o,h,l,c,v,x,i,…}}, bare or
 * wrapped in {"stream","data"}; {"result":null,"id"} the SUBSCRIBE ack;
 * {"error":{…}} or {"code","msg"} an error. @symbol "BTCUSDT", @interval
 * "1m". */
gboolean lode_candle_parse_binance     (const char   *text,
                                        gsize         length,
                                        const char   *symbol,
                                        const char   *interval,
                                        LodeWsFrame  *out_kind,
                                        GArray       *updates,
                                        GError      **error);
/* {"topic":"kline.<interval>.<symbol>","data":[{start,open,high,low,
 * close,volume,confirm,…}]} (an object for data is taken too); op frames
 * as for the liquidation stream. */
gboolean lode_candle_parse_bybit       (const char   *text,
                                        gsize         length,
                                        const char   *symbol,
                                        const char   *interval,
                                        LodeWsFrame  *out_kind,
                                        GArray       *updates,
                                        GError      **error);
/* {"arg":{"channel":"candle<interval>","instId"},"data":[[ts,o,h,l,c,vol,
 * volCcy,volCcyQuote,confirm]]}: volume is volCcy (base coin; vol counts
 * contracts); the text "pong"; event subscribe / error. */
gboolean lode_candle_parse_okx         (const char   *text,
                                        gsize         length,
                                        const char   *inst_id,
                                        const char   *interval,
                                        LodeWsFrame  *out_kind,
                                        GArray       *updates,
                                        GError      **error);
/* {"channel":"candle","data":{t,T,s,i,o,c,h,l,v,n}} (or an array of
 * them); "subscriptionResponse" the ack, "pong" the heartbeat answer,
 * "error" (data: the reason) an error. @coin "BTC". */
gboolean lode_candle_parse_hyperliquid (const char   *text,
                                        gsize         length,
                                        const char   *coin,
                                        const char   *interval,
                                        LodeWsFrame  *out_kind,
                                        GArray       *updates,
                                        GError      **error);

/* What to send. */

/* "<base>/ws/<symbol lowercase>@kline_<interval>" on the routed /market
 * endpoint (lode_ws_binance_market_url ()). */
char    *lode_candle_binance_url           (const char *base_url,
                                            const char *symbol,
                                            const char *interval);
/* {"method":"SUBSCRIBE","params":["<symbol lowercase>@kline_<interval>"],"id":@id} */
char    *lode_candle_binance_subscribe     (guint       id,
                                            const char *symbol,
                                            const char *interval);
/* {"req_id":@req_id,"op":"subscribe","args":["kline.<interval>.<symbol>"]} */
char    *lode_candle_bybit_subscribe       (const char *req_id,
                                            const char *symbol,
                                            const char *interval);
/* Candles are on /ws/v5/business only (§3.1): a base ending in
 * /ws/v5/public is moved there; any other base is taken as given. */
char    *lode_candle_okx_url               (const char *base_url);
/* {"id":@id,"op":"subscribe","args":[{"channel":"candle<interval>","instId":@inst_id}]} */
char    *lode_candle_okx_subscribe         (const char *id,
                                            const char *inst_id,
                                            const char *interval);
/* {"method":"subscribe","subscription":{"type":"candle","coin":@coin,"interval":@interval}} */
char    *lode_candle_hyperliquid_subscribe (const char *coin,
                                            const char *interval);

G_END_DECLS
