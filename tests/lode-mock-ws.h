/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* A loopback websocket server for tests that speaks the venues' public
 * liquidation streams as exchange-apis.md §7 describes:
 *
 * - Binance: path-routed streams under /market: /market/ws/<s>[/<s>…]
 *   (raw events) and /market/stream?streams=a/b (each event wrapped as
 *   {"stream","data"}); JSON SUBSCRIBE → {"result":null,"id":N}; ping
 *   frames every second; connections closed after a configurable
 *   lifetime (the venue's 24 h). Un-routed paths (/ws/…, /public/…)
 *   connect but never carry a liquidation.
 * - Bybit: /v5/public/linear; op subscribe → ack with conn_id and req_id
 *   (unknown symbols are refused with success:false); op ping → pong JSON.
 * - OKX: /ws/v5/public; event subscribe ack with connId (event:error for
 *   bad args); text ping → text pong; a connection that sends nothing
 *   for the idle time-out (30 s, configurable) is dropped.
 *
 * Pushes go to the connections subscribed to what they carry. Runs on the
 * thread-default main context of its creator. */

typedef struct _LodeMockWs LodeMockWs;

/* Symbols the mock's Bybit knows; others are refused at subscription. */
#define LODE_MOCK_WS_BYBIT_SYMBOLS "BTCUSDT", "ETHUSDT", "SOLUSDT"

LodeMockWs *lode_mock_ws_new                    (void);
void        lode_mock_ws_free                   (LodeMockWs  *self);

/* "ws://127.0.0.1:PORT" */
const char *lode_mock_ws_get_root               (LodeMockWs  *self);
/* The base a LodeLiqStream takes: "<root>/market" for "binance",
 * "<root>/v5/public/linear" for "bybit", "<root>/ws/v5/public" for "okx". */
char       *lode_mock_ws_get_url                (LodeMockWs  *self,
                                                 const char  *venue);

/* A Binance forceOrder event (bare JSON) of @symbol, to every /market
 * connection with !forceOrder@arr or <symbol>@forceOrder. Returns the
 * number of connections it went to. */
guint       lode_mock_ws_push_binance           (LodeMockWs  *self,
                                                 const char  *symbol,
                                                 const char  *event_json);
/* A whole Bybit frame, to the connections subscribed to @topic. */
guint       lode_mock_ws_push_bybit             (LodeMockWs  *self,
                                                 const char  *topic,
                                                 const char  *frame_json);
/* A whole OKX frame, to the connections subscribed to @channel. */
guint       lode_mock_ws_push_okx               (LodeMockWs  *self,
                                                 const char  *channel,
                                                 const char  *frame_json);
/* Any text to every open connection of @venue ("binance", "bybit",
 * "okx"): malformed frames (a binary frame when not UTF-8). */
guint       lode_mock_ws_push_raw               (LodeMockWs  *self,
                                                 const char  *venue,
                                                 const char  *text);

/* Cuts every connection of @venue at the TCP level, mid-stream. */
void        lode_mock_ws_drop                   (LodeMockWs  *self,
                                                 const char  *venue);
/* Refuse every subscription of @venue with its error reply. */
void        lode_mock_ws_set_reject_subscribe   (LodeMockWs  *self,
                                                 const char  *venue,
                                                 gboolean     reject);
void        lode_mock_ws_set_okx_idle_timeout_ms (LodeMockWs *self,
                                                  guint       timeout_ms);
/* 0 = 24 h. */
void        lode_mock_ws_set_binance_lifetime_ms (LodeMockWs *self,
                                                  guint       lifetime_ms);

/* Per venue ("binance", "binance-unrouted", "bybit", "okx", "okx-business",
 * "hyperliquid"). */
guint       lode_mock_ws_get_n_accepted         (LodeMockWs  *self,
                                                 const char  *venue);
guint       lode_mock_ws_get_n_open             (LodeMockWs  *self,
                                                 const char  *venue);
/* Subscriptions acknowledged. */
guint       lode_mock_ws_get_n_subscribed       (LodeMockWs  *self,
                                                 const char  *venue);
/* Heartbeats answered (Bybit JSON pings, OKX text pings). */
guint       lode_mock_ws_get_n_pings            (LodeMockWs  *self,
                                                 const char  *venue);
/* OKX connections dropped for idleness. */
guint       lode_mock_ws_get_n_idle_drops       (LodeMockWs  *self);

/* ---- Candles (kline/candle streams) --------------------------------------
 *
 * - Binance: <symbol lowercase>@kline_<interval> on /market (path or
 *   SUBSCRIBE); kline events {"e":"kline","E","s","k":{t,T,s,i,f,L,o,c,h,
 *   l,v,n,x,q,V,Q,B}}.
 * - Bybit: kline.<interval>.<SYMBOL> (intervals of §2, the symbols above)
 *   on /v5/public/linear; {"topic","data":[{start,end,interval,open,close,
 *   high,low,volume,turnover,confirm,timestamp}],"ts","type":"snapshot"}.
 * - OKX: /ws/v5/business ("okx-business") takes candle<bar> channels with
 *   an instId and refuses others (60018), as /ws/v5/public refuses
 *   candles; {"arg":{"channel","instId"},"data":[[ts,o,h,l,c,vol,volCcy,
 *   volCcyQuote,confirm]]}; text ping → pong; idle drop as on /public.
 * - Hyperliquid: exactly /ws ("hyperliquid"; /ws/<streams> stays the
 *   un-routed Binance URL); {"method":"subscribe","subscription":{"type":
 *   "candle","coin","interval"}} → {"channel":"subscriptionResponse",
 *   "data":<the request>}, unknown coins or intervals → {"channel":"error",
 *   "data":"Invalid subscription …"}; {"method":"ping"} → {"channel":
 *   "pong"}; a connection that sends nothing for 60 s (configurable) is
 *   closed. */

/* Coins the mock's Hyperliquid knows. */
#define LODE_MOCK_WS_HYPERLIQUID_COINS "BTC", "ETH", "SOL"

/* One state of a candle, numbers as the venue's strings. */
typedef struct
{
  gint64      time_ms;  /* open time */
  const char *open;
  const char *high;
  const char *low;
  const char *close;
  const char *volume;   /* base units */
  gboolean    closed;   /* not sent to Hyperliquid clients: it has no flag */
} LodeMockWsCandle;

/* The base a LodeCandleStream takes: as lode_mock_ws_get_url () but
 * "<root>/ws/v5/business" for "okx" and "<root>/ws" for "hyperliquid". */
char       *lode_mock_ws_get_candle_url         (LodeMockWs  *self,
                                                 const char  *venue);
/* @candle of @symbol at the venue's @interval name ("1m"; Bybit "1", OKX
 * "1H"/"1Dutc"), @interval_ms long, as @venue ("binance", "bybit", "okx",
 * "hyperliquid") sends it. */
char       *lode_mock_ws_candle_frame           (const char             *venue,
                                                 const char             *symbol,
                                                 const char             *interval,
                                                 gint64                  interval_ms,
                                                 const LodeMockWsCandle *candle);
/* @frame_json to the connections of @venue subscribed to @symbol's
 * candles at @interval. Returns the number of connections. */
guint       lode_mock_ws_push_candle_frame      (LodeMockWs  *self,
                                                 const char  *venue,
                                                 const char  *symbol,
                                                 const char  *interval,
                                                 const char  *frame_json);
/* lode_mock_ws_candle_frame () pushed by lode_mock_ws_push_candle_frame (). */
guint       lode_mock_ws_push_candle            (LodeMockWs             *self,
                                                 const char             *venue,
                                                 const char             *symbol,
                                                 const char             *interval,
                                                 gint64                  interval_ms,
                                                 const LodeMockWsCandle *candle);
/* A Binance event to the /market connections with @stream. */
guint       lode_mock_ws_push_binance_stream    (LodeMockWs  *self,
                                                 const char  *stream,
                                                 const char  *event_json);
/* A whole frame to the okx-business connections subscribed to @key
 * ("candle1m:BTC-USDT-SWAP"). */
guint       lode_mock_ws_push_okx_business      (LodeMockWs  *self,
                                                 const char  *key,
                                                 const char  *frame_json);
/* A whole frame to the Hyperliquid connections subscribed to @key
 * ("candle:BTC:1m", "trades:BTC"). */
guint       lode_mock_ws_push_hyperliquid       (LodeMockWs  *self,
                                                 const char  *key,
                                                 const char  *frame_json);
void        lode_mock_ws_set_hyperliquid_idle_timeout_ms (LodeMockWs *self,
                                                          guint       timeout_ms);
/* Connections of @venue ("okx", "okx-business", "hyperliquid") dropped
 * for idleness. */
guint       lode_mock_ws_get_n_idle_drops_for   (LodeMockWs  *self,
                                                 const char  *venue);

G_END_DECLS
