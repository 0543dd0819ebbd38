/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lode-market.h"
#include "lode-source-error.h"
#include "lode-ws-stream.h"

G_BEGIN_DECLS

#define LODE_TYPE_CANDLE_STREAM (lode_candle_stream_get_type ())

G_DECLARE_FINAL_TYPE (LodeCandleStream, lode_candle_stream, LODE, CANDLE_STREAM, LodeWsStream)

/* Live candles of one symbol at one interval from one venue's public
 * websocket, so that the last candle moves in real time: Binance
 * <symbol>@kline_<i> on the routed /market endpoint (exchange-apis.md
 * §1.9), Bybit kline.<i>.<SYMBOL> on /v5/public/linear (§2), OKX
 * candle<bar> with instId on /ws/v5/business (§3.1), Hyperliquid
 * {"type":"candle","coin","interval"} on /ws (§4.1).
 *
 * The connection's life (subscribe and ack, keepalive, reconnect with
 * backoff and jitter, the "state", "error" and "next-attempt-ms"
 * properties, the tuning setters) is LodeWsStream's: use the
 * lode_ws_stream_* calls on it. Heartbeats: none for Binance (libsoup
 * answers the server's pings), Bybit's JSON ping every 20 s, OKX's text
 * "ping" after 25 s of silence, Hyperliquid's {"method":"ping"} every
 * 50 s (it closes connections idle for 60 s).
 *
 * Candles: ::candle delivers each changed candle at most once per
 * main-loop iteration, with the latest state the venue pushed for that open
 * time, in ascending open time. A candle is closed when the venue says so
 * (Binance k.x, Bybit confirm, OKX confirm "1"); Hyperliquid does not
 * say, so its candle is delivered closed (with the last values seen) once
 * a newer open time arrives, and a push for an open time older than the
 * newest seen counts as closed. Volume is in base units (OKX volCcy); the
 * candle's oi_usd is NaN and its long_share 0.5. Malformed frames are
 * counted (lode_ws_stream_get_n_malformed ()) and skipped; a refused
 * subscription is FAILED. */

/* The venue's real public websocket base for candles (§0): Binance
 * "wss://fstream.binance.com/market", OKX "…/ws/v5/business", …; NULL for
 * an unknown venue. */
const char         *lode_candle_stream_default_url   (const char   *venue);

/* A stopped stream of @symbol (the venue's id: "BTCUSDT",
 * "BTC-USDT-SWAP", "BTC") at @interval_ms (1m 5m 15m 1h 4h 1d) from
 * @venue ("binance", "bybit", "okx", "hyperliquid") at @base_url (NULL =
 * the real one; tests pass a loopback; an OKX …/ws/v5/public base is moved
 * to …/ws/v5/business, a Binance base without a route to /market). NULL
 * with @error set: G_IO_ERROR_NOT_SUPPORTED for an unknown venue,
 * LODE_SOURCE_ERROR_INVALID_ARGUMENT for an empty symbol or another
 * interval. */
LodeCandleStream   *lode_candle_stream_new           (const char   *venue,
                                                      const char   *base_url,
                                                      const char   *symbol,
                                                      gint64        interval_ms,
                                                      GError      **error);

void                lode_candle_stream_start         (LodeCandleStream *self);
/* Closes the connection and cancels any pending attempt; no ::candle is
 * emitted afterwards (queued updates are discarded). */
void                lode_candle_stream_stop          (LodeCandleStream *self);

const char         *lode_candle_stream_get_venue     (LodeCandleStream *self);
const char         *lode_candle_stream_get_symbol    (LodeCandleStream *self);
gint64              lode_candle_stream_get_interval_ms (LodeCandleStream *self);
LodeWsStreamState   lode_candle_stream_get_state     (LodeCandleStream *self);
/* Why the last connection ended or failed (NULL when none did). */
const GError       *lode_candle_stream_get_error     (LodeCandleStream *self);
/* ::candle emissions since the stream was made. */
guint64             lode_candle_stream_get_n_updates (LodeCandleStream *self);

G_END_DECLS
