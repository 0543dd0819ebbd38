/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lode-flow.h"
#include "lode-source-error.h"
#include "lode-ws-stream.h"

G_BEGIN_DECLS

/* Where a stream stands: the values of LodeWsStreamState, whose type the
 * "state" property (LodeWsStream's) has. */
typedef enum
{
  LODE_LIQ_STREAM_DISCONNECTED,  /* not started, or stopped */
  LODE_LIQ_STREAM_CONNECTING,    /* opening the socket and subscribing */
  LODE_LIQ_STREAM_CONNECTED,     /* subscribed: prints flow */
  LODE_LIQ_STREAM_RECONNECTING,  /* dropped; next attempt at "next-attempt-ms" */
  LODE_LIQ_STREAM_FAILED,        /* the venue refused the subscription: "error"
                                  * says why; no retry until started again */
} LodeLiqStreamState;

#define LODE_TYPE_LIQ_STREAM_STATE (lode_liq_stream_state_get_type ())
GType lode_liq_stream_state_get_type (void) G_GNUC_CONST;

#define LODE_TYPE_LIQ_STREAM (lode_liq_stream_get_type ())

G_DECLARE_FINAL_TYPE (LodeLiqStream, lode_liq_stream, LODE, LIQ_STREAM, LodeWsStream)

/* Live liquidation prints of one venue's public websocket
 * (exchange-apis.md §1.6/§1.9 Binance !forceOrder@arr on the routed /market
 * endpoint, §2.6 Bybit allLiquidation.SYM, §3.6 OKX liquidation-orders
 * SWAP), filtered to the symbols added, sides per §5. The connection's
 * life is LodeWsStream's; the lode_ws_stream_* calls work on it too.
 *
 * Life: lode_liq_stream_start() connects, subscribes and counts as
 * CONNECTED once the venue acknowledges. It keeps the connection alive
 * (Bybit: a JSON ping every keepalive interval, 20 s; OKX: the text
 * "ping" after that long without a frame, 25 s; Binance: libsoup answers
 * the server's ping frames) and treats a heartbeat left unanswered for
 * another interval, or a subscription not acknowledged within the ack
 * time-out, as a drop. After any drop it reconnects with exponential
 * backoff and jitter (base × 2^attempt, at most max, each delay drawn in
 * [½, 1] of that) and subscribes again; the attempt count resets once
 * subscribed. A venue error reply to the subscription is FAILED: retrying
 * the same request would fail the same way.
 *
 * Prints: frames are parsed as they arrive and queued; the queue is
 * delivered by ::prints once per main-loop iteration, each batch sorted by
 * time (OKX pushes are not chronological). The queue holds at most
 * "max-pending" prints: when a flood fills it, it is delivered at once,
 * so memory stays bounded whatever the venue sends and no print is lost.
 * Malformed frames are counted and skipped.
 *
 * Everything runs on the thread-default main context of the thread that
 * called lode_liq_stream_start(). */

/* FALSE, with G_IO_ERROR_NOT_SUPPORTED, for a venue that publishes no
 * liquidation feed (Hyperliquid: §4.6) or that this stream does not know. */
gboolean            lode_liq_stream_venue_supported  (const char          *venue,
                                                      GError             **error);
/* The venue's real public websocket base (§0). */
const char         *lode_liq_stream_default_url      (const char          *venue);

/* A stopped stream of @venue ("binance", "bybit", "okx") at @base_url (NULL
 * = the real one; tests pass a loopback). NULL with @error set when the
 * venue is not supported. */
LodeLiqStream      *lode_liq_stream_new              (const char          *venue,
                                                      const char          *base_url,
                                                      GError             **error);

/* Asks for @symbol (the venue's id: "BTCUSDT", "BTC-USDT-SWAP") with its
 * contract value in base units per contract (OKX ctVal from
 * instruments; 1 for Binance and Bybit, whose sizes are in base units).
 * Takes effect at the next (re)connection. A Binance stream without
 * symbols delivers the whole market; an OKX one delivers nothing (no
 * contract value is known); a Bybit one fails to start (the venue has no
 * all-market topic). */
void                lode_liq_stream_add_symbol       (LodeLiqStream       *self,
                                                      const char          *symbol,
                                                      double               contract_value);

void                lode_liq_stream_start            (LodeLiqStream       *self);
/* Closes the connection and cancels any pending attempt; no ::prints is
 * emitted afterwards (queued prints are discarded). */
void                lode_liq_stream_stop             (LodeLiqStream       *self);

const char         *lode_liq_stream_get_venue        (LodeLiqStream       *self);
const char         *lode_liq_stream_get_url          (LodeLiqStream       *self);
LodeLiqStreamState  lode_liq_stream_get_state        (LodeLiqStream       *self);
/* Wall-clock ms (g_get_real_time () / 1000) of the next attempt while
 * RECONNECTING, else 0. */
gint64              lode_liq_stream_get_next_attempt_ms (LodeLiqStream    *self);
/* Why the last connection ended or failed (NULL when none did). Network
 * failures are LODE_SOURCE_ERROR_NETWORK, a refused subscription
 * LODE_SOURCE_ERROR_VENUE. */
const GError       *lode_liq_stream_get_error        (LodeLiqStream       *self);

/* Counters since the stream was made. */
guint64             lode_liq_stream_get_n_prints     (LodeLiqStream       *self);
guint64             lode_liq_stream_get_n_malformed  (LodeLiqStream       *self);
/* Connections that reached CONNECTED. */
guint               lode_liq_stream_get_n_connects   (LodeLiqStream       *self);
/* The most prints ever queued between two deliveries (≤ "max-pending"). */
guint               lode_liq_stream_get_peak_pending (LodeLiqStream       *self);

/* Tuning (defaults: backoff 1 s … 60 s, keepalive 20 s for Bybit and 25 s
 * for OKX, ack time-out 10 s, max-pending 4096). Take effect at the next
 * connection. */
void                lode_liq_stream_set_backoff      (LodeLiqStream       *self,
                                                      guint                base_ms,
                                                      guint                max_ms);
/* 0 keeps the venue's default. */
void                lode_liq_stream_set_keepalive_ms (LodeLiqStream       *self,
                                                      guint                interval_ms);
void                lode_liq_stream_set_ack_timeout_ms (LodeLiqStream     *self,
                                                        guint              timeout_ms);
void                lode_liq_stream_set_max_pending  (LodeLiqStream       *self,
                                                      guint                max_pending);

G_END_DECLS
