/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "lode-source-error.h"

G_BEGIN_DECLS

/* Where a stream stands. */
typedef enum
{
  LODE_WS_STREAM_DISCONNECTED,  /* not started, or stopped */
  LODE_WS_STREAM_CONNECTING,    /* opening the socket and subscribing */
  LODE_WS_STREAM_CONNECTED,     /* subscribed: data flows */
  LODE_WS_STREAM_RECONNECTING,  /* dropped; next attempt at "next-attempt-ms" */
  LODE_WS_STREAM_FAILED,        /* the venue refused the subscription (or the
                                 * request cannot be made): "error" says why;
                                 * no retry until started again */
} LodeWsStreamState;

#define LODE_TYPE_WS_STREAM_STATE (lode_ws_stream_state_get_type ())
GType lode_ws_stream_state_get_type (void) G_GNUC_CONST;

/* What a text frame was, as a subclass's parser tells it. */
typedef enum
{
  LODE_WS_FRAME_DATA,        /* a push of the subscribed topic: proves the
                              * subscription too */
  LODE_WS_FRAME_SUBSCRIBED,  /* the venue acknowledged the subscription */
  LODE_WS_FRAME_PONG,        /* the answer to our heartbeat */
  LODE_WS_FRAME_IGNORED,     /* well-formed, of no interest */
} LodeWsFrame;

/* How a venue wants to be kept alive. */
typedef enum
{
  LODE_WS_HEARTBEAT_NONE,        /* the server pings; libsoup answers (Binance) */
  LODE_WS_HEARTBEAT_PERIODIC,    /* our ping every interval (Bybit, Hyperliquid) */
  LODE_WS_HEARTBEAT_ON_SILENCE,  /* our ping after an interval without a frame (OKX) */
} LodeWsHeartbeat;

#define LODE_TYPE_WS_STREAM (lode_ws_stream_get_type ())

G_DECLARE_DERIVABLE_TYPE (LodeWsStream, lode_ws_stream, LODE, WS_STREAM, GObject)

/* One subscription over one venue's public websocket, kept up: the
 * connection machinery LodeLiqStream and LodeCandleStream share.
 *
 * Life: lode_ws_stream_start() connects, has the subclass subscribe, and
 * counts as CONNECTED once the venue acknowledges (or pushes data). It
 * keeps the connection alive as the subclass's heartbeat says and treats
 * a heartbeat left unanswered for another interval, or a subscription not
 * acknowledged within the ack time-out (which also bounds connecting), as
 * a drop. After any drop it reconnects with exponential backoff and
 * jitter (base × 2^attempt, at most max, each delay drawn in [½, 1] of
 * that) and subscribes again; the attempt count resets once subscribed. A
 * venue error reply to the subscription is FAILED: retrying the same
 * request would fail the same way.
 *
 * Frames are queued as they arrive and handed to the subclass in order
 * from an idle that parses for a few milliseconds per main-loop iteration,
 * so that a flood never stalls the main loop; a close is acted on once the
 * frames before it are handled. What they carry is delivered from an idle
 * at most once per main-loop iteration (lode_ws_stream_queue_delivery ()).
 * Malformed frames are counted and skipped.
 *
 * Everything runs on the thread-default main context of the thread that
 * called lode_ws_stream_start(). */
struct _LodeWsStreamClass
{
  GObjectClass parent_class;

  /* The address to connect to now, or NULL with @error set: FAILED. */
  char     *(*connection_url) (LodeWsStream  *self,
                               GError       **error);
  /* The socket is open: send the subscription. */
  void      (*subscribe)      (LodeWsStream  *self);
  /* One frame. FALSE with LODE_SOURCE_ERROR_VENUE for the venue's refusal
   * (FAILED), with any other error for a malformed frame (counted,
   * skipped). */
  gboolean  (*parse_frame)    (LodeWsStream  *self,
                               const char    *text,
                               gsize          length,
                               LodeWsFrame   *kind,
                               GError       **error);
  /* After a DATA frame was parsed and the stream counted as subscribed:
   * queue what it carried. */
  void      (*queue_data)     (LodeWsStream  *self);
  /* The idle armed by lode_ws_stream_queue_delivery () fired. */
  void      (*deliver)        (LodeWsStream  *self);
  /* Stopped: forget anything queued. */
  void      (*discard)        (LodeWsStream  *self);

  gpointer padding[8];
};

void                lode_ws_stream_start             (LodeWsStream    *self);
/* Closes the connection and cancels any pending attempt and delivery. */
void                lode_ws_stream_stop              (LodeWsStream    *self);

const char         *lode_ws_stream_get_url           (LodeWsStream    *self);
LodeWsStreamState   lode_ws_stream_get_state         (LodeWsStream    *self);
/* Wall-clock ms (g_get_real_time () / 1000) of the next attempt while
 * RECONNECTING, else 0. */
gint64              lode_ws_stream_get_next_attempt_ms (LodeWsStream  *self);
/* Why the last connection ended or failed (NULL when none did). Network
 * failures are LODE_SOURCE_ERROR_NETWORK, a refused subscription
 * LODE_SOURCE_ERROR_VENUE. */
const GError       *lode_ws_stream_get_error         (LodeWsStream    *self);
/* Counters since the stream was made. */
guint64             lode_ws_stream_get_n_malformed   (LodeWsStream    *self);
/* Connections that reached CONNECTED. */
guint               lode_ws_stream_get_n_connects    (LodeWsStream    *self);

/* Tuning (defaults: backoff 1 s … 60 s, ack time-out 10 s, keepalive the
 * subclass's). Take effect at the next connection. */
void                lode_ws_stream_set_backoff       (LodeWsStream    *self,
                                                      guint            base_ms,
                                                      guint            max_ms);
/* 0 restores the subclass's default. */
void                lode_ws_stream_set_keepalive_ms  (LodeWsStream    *self,
                                                      guint            interval_ms);
void                lode_ws_stream_set_ack_timeout_ms (LodeWsStream   *self,
                                                       guint           timeout_ms);

/* For subclasses. */

/* Called once from the subclass's constructed (): @label names the venue
 * in messages ("Bybit"); @default_url replaces a NULL or empty "url";
 * @ping is the heartbeat's text (ignored for NONE). */
void                lode_ws_stream_setup             (LodeWsStream    *self,
                                                      const char      *label,
                                                      const char      *default_url,
                                                      LodeWsHeartbeat  heartbeat,
                                                      guint            keepalive_ms,
                                                      const char      *ping);
const char         *lode_ws_stream_get_label         (LodeWsStream    *self);
/* Sends @text when the connection is open; dropped otherwise. */
void                lode_ws_stream_send_text         (LodeWsStream    *self,
                                                      const char      *text);
/* Arms the delivery idle (default priority, so that it interleaves with a
 * busy socket's reads) unless it is armed already. */
void                lode_ws_stream_queue_delivery    (LodeWsStream    *self);
/* Changes whenever the connection is torn down (stop, drop, retry): a
 * subclass that emits signals compares it before and after to learn that a
 * handler stopped or restarted the stream. */
guint               lode_ws_stream_get_generation    (LodeWsStream    *self);

/* The Binance market-stream URL of @stream ("!forceOrder@arr",
 * "btcusdt@kline_1m"): "<base>/ws/<stream>" on the routed /market
 * endpoint. A base without a route (wss://fstream.binance.com, or ending in
 * /ws) gets "/market" added: since 2026-04-23 an un-routed connection only
 * carries the /public streams (exchange-apis.md §1.9). */
char               *lode_ws_binance_market_url       (const char      *base_url,
                                                      const char      *stream);

/* Binance's frame envelope (exchange-apis.md §1.6, §1.9): stream mode
 * wraps each event in {"stream", "data"}; {"error": {…}} or {"code",
 * "msg"} is the venue refusing (an error, FALSE); {"result", "id"}
 * acknowledges a subscription (*event NULL). Otherwise *event is the event
 * object and *event_type its "e" member (NULL when absent). */
gboolean            lode_ws_binance_event            (JsonObject      *object,
                                                      JsonObject     **event,
                                                      const char     **event_type,
                                                      GError         **error);

/* The envelope of every Bybit frame: {"op": …} answers, where
 * "success": false is the venue refusing (FALSE), "subscribe" its
 * acknowledgement and "pong" (or a "ping" whose "ret_msg" is "pong") the
 * heartbeat's answer; and pushes, {"topic", "data"}. The parsed JSON goes
 * to *@root. An answer sets *@kind to LODE_WS_FRAME_SUBSCRIBED, _PONG or
 * _IGNORED; a push sets it to LODE_WS_FRAME_DATA, with *@object the frame
 * and *@topic its topic (NULL when absent). */
gboolean            lode_ws_bybit_frame              (const char      *text,
                                                      gsize            length,
                                                      JsonNode       **root,
                                                      LodeWsFrame     *kind,
                                                      JsonObject     **object,
                                                      const char     **topic,
                                                      GError         **error);

/* The envelope of every OKX frame: the plain-text "pong"; {"event": …}
 * answers, where "error" is the venue refusing (FALSE) and "subscribe" its
 * acknowledgement; and pushes, {"arg": {"channel", …}, "data": […]}. The
 * parsed JSON goes to *@root. A frame that is not a push sets *@kind to
 * LODE_WS_FRAME_PONG, _SUBSCRIBED or _IGNORED; a push sets it to
 * LODE_WS_FRAME_DATA, with *@object the frame and *@arg its "arg". */
gboolean            lode_ws_okx_frame                (const char      *text,
                                                      gsize            length,
                                                      JsonNode       **root,
                                                      LodeWsFrame     *kind,
                                                      JsonObject     **object,
                                                      JsonObject     **arg,
                                                      GError         **error);

/* A venue's refusal of a subscription as LODE_SOURCE_ERROR_VENUE (@code 0
 * = none given). */
void                lode_ws_set_venue_error          (GError         **error,
                                                      const char      *venue,
                                                      gint64           code,
                                                      const char      *message);

G_END_DECLS
