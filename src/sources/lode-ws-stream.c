/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "lode-venue-json.h"
#include "lode-ws-stream.h"

#define DEFAULT_BACKOFF_BASE_MS   1000
#define DEFAULT_BACKOFF_MAX_MS    60000
#define DEFAULT_ACK_TIMEOUT_MS    10000
/* The venues' frames are small; a larger one is not a venue's. */
#define MAX_FRAME_BYTES           (1024 * 1024)
/* Parsing received frames takes turns with the rest of the main loop in
 * slices this long (µs): a third of a 60 Hz frame. */
#define PARSE_SLICE_US            5000
/* Frames received and not parsed yet, at most (bytes): seconds of the
 * busiest venue's busiest minute. Beyond it they are parsed as they come,
 * which slows the reading down (TCP then holds the venue back) rather than
 * growing memory or losing a print. */
#define MAX_BACKLOG_BYTES         (8 * 1024 * 1024)

typedef struct
{
  char                    *url;
  char                    *label;
  SoupSession             *session;
  GMainContext            *context;

  /* The connection and what it has said. */
  SoupWebsocketConnection *conn;
  GCancellable            *connect_cancellable;
  guint                    generation;  /* bumped per attempt: stale callbacks see it */
  gboolean                 subscribed;
  gint64                   last_rx_us;
  gint64                   last_ping_us;
  gboolean                 awaiting_pong;
  GError                  *conn_error;  /* the connection's "error" before "closed" */

  /* Frames received and not yet parsed (GBytes, oldest first, from
   * backlog_head on). libsoup emits every frame it has buffered in one
   * dispatch; parsing them there would stall the main loop for as long
   * as a flood has been arriving. */
  GPtrArray               *backlog;
  guint                    backlog_head;
  gsize                    backlog_bytes;
  gboolean                 close_pending;  /* "closed" came behind the backlog */

  LodeWsStreamState        state;
  gint64                   next_attempt_ms;
  GError                  *error;
  guint                    attempt;

  GSource                  *retry_source;
  GSource                  *ack_source;
  GSource                  *keepalive_source;
  GSource                  *delivery_source;
  GSource                  *parse_source;

  guint64                  n_malformed;
  guint                    n_connects;

  LodeWsHeartbeat          heartbeat;
  char                    *ping;
  guint                    default_keepalive_ms;
  guint                    keepalive_ms;
  guint                    backoff_base_ms;
  guint                    backoff_max_ms;
  guint                    ack_timeout_ms;
} LodeWsStreamPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (LodeWsStream, lode_ws_stream, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_URL,
  PROP_STATE,
  PROP_NEXT_ATTEMPT_MS,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GType
lode_ws_stream_state_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { LODE_WS_STREAM_DISCONNECTED, "LODE_WS_STREAM_DISCONNECTED", "disconnected" },
        { LODE_WS_STREAM_CONNECTING, "LODE_WS_STREAM_CONNECTING", "connecting" },
        { LODE_WS_STREAM_CONNECTED, "LODE_WS_STREAM_CONNECTED", "connected" },
        { LODE_WS_STREAM_RECONNECTING, "LODE_WS_STREAM_RECONNECTING", "reconnecting" },
        { LODE_WS_STREAM_FAILED, "LODE_WS_STREAM_FAILED", "failed" },
        { 0, NULL, NULL },
      };
      GType type = g_enum_register_static (g_intern_static_string ("LodeWsStreamState"), values);

      g_once_init_leave (&type_id, type);
    }

  return type_id;
}

static void connect_now (LodeWsStream *self);
static void handle_closed (LodeWsStream *self);

static void
set_state (LodeWsStream      *self,
           LodeWsStreamState  state,
           gint64             next_attempt_ms)
{
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);
  gboolean state_changed = priv->state != state;
  gboolean time_changed = priv->next_attempt_ms != next_attempt_ms;

  priv->state = state;
  priv->next_attempt_ms = next_attempt_ms;

  /* Both first, then the notifications: a handler sees a coherent pair. */
  if (time_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEXT_ATTEMPT_MS]);
  if (state_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* Takes @error (NULL clears). */
static void
set_error (LodeWsStream *self,
           GError       *error)
{
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  if (priv->error == NULL && error == NULL)
    return;

  g_clear_error (&priv->error);
  priv->error = error;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

/* A source on the stream's context calling @func with the stream (not
 * referenced: every source is destroyed before the stream goes away). */
static GSource *
add_source (LodeWsStream *self,
            GSource      *source,
            GSourceFunc   func,
            const char   *name)
{
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  g_source_set_callback (source, func, self, NULL);
  g_source_set_static_name (source, name);
  g_source_attach (source, priv->context);

  return source;
}

static void
discard_backlog (LodeWsStream *self)
{
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  for (guint i = priv->backlog_head; i < priv->backlog->len; i++)
    g_bytes_unref (g_ptr_array_index (priv->backlog, i));
  g_ptr_array_set_size (priv->backlog, 0);
  priv->backlog_head = 0;
  priv->backlog_bytes = 0;
  priv->close_pending = FALSE;
  clear_source (&priv->parse_source);
}

/* Forgets the connection (and any attempt in flight, and what it sent
 * that is not parsed yet) without touching the state. */
static void
teardown (LodeWsStream *self)
{
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  priv->generation++;
  discard_backlog (self);

  if (priv->connect_cancellable != NULL)
    {
      g_cancellable_cancel (priv->connect_cancellable);
      g_clear_object (&priv->connect_cancellable);
    }

  if (priv->conn != NULL)
    {
      g_signal_handlers_disconnect_by_data (priv->conn, self);
      if (soup_websocket_connection_get_state (priv->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (priv->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_clear_object (&priv->conn);
    }

  g_clear_error (&priv->conn_error);
  clear_source (&priv->ack_source);
  clear_source (&priv->keepalive_source);
  priv->subscribed = FALSE;
  priv->awaiting_pong = FALSE;
}

static gboolean
on_retry (gpointer data)
{
  LodeWsStream *self = data;
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  g_clear_pointer (&priv->retry_source, g_source_unref);
  connect_now (self);

  return G_SOURCE_REMOVE;
}

/* The connection is gone for @error (taken): try again later. */
static void
drop_and_retry (LodeWsStream *self,
                GError       *error)
{
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);
  guint64 delay;
  guint64 half;

  teardown (self);
  clear_source (&priv->retry_source);

  g_debug ("%s: %s", G_OBJECT_TYPE_NAME (self), error->message);
  set_error (self, error);

  /* Exponential, capped, with jitter in [½, 1] so that many clients
   * dropped at once do not come back at once. */
  delay = (guint64) priv->backoff_base_ms << MIN (priv->attempt, 20);
  delay = MIN (delay, priv->backoff_max_ms);
  half = delay / 2;
  delay = half + (guint64) g_random_int_range (0, (gint32) (delay - half) + 1);
  priv->attempt++;

  priv->retry_source = add_source (self, g_timeout_source_new ((guint) delay), on_retry,
                                   "[lodestone] websocket stream retry");
  set_state (self, LODE_WS_STREAM_RECONNECTING, g_get_real_time () / 1000 + (gint64) delay);
}

/* The request cannot succeed (@error taken): asking again the same way
 * would be refused again. */
static void
fail (LodeWsStream *self,
      GError       *error)
{
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  teardown (self);
  clear_source (&priv->retry_source);
  g_message ("%s: %s", G_OBJECT_TYPE_NAME (self), error->message);
  set_error (self, error);
  set_state (self, LODE_WS_STREAM_FAILED, 0);
}

static void
set_subscribed (LodeWsStream *self)
{
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  if (priv->subscribed)
    return;

  priv->subscribed = TRUE;
  priv->attempt = 0;
  priv->n_connects++;
  clear_source (&priv->ack_source);
  set_error (self, NULL);
  set_state (self, LODE_WS_STREAM_CONNECTED, 0);
}

static gboolean
on_delivery (gpointer data)
{
  LodeWsStream *self = data;
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  g_clear_pointer (&priv->delivery_source, g_source_unref);
  LODE_WS_STREAM_GET_CLASS (self)->deliver (self);

  return G_SOURCE_REMOVE;
}

/* One frame, parsed and acted on. */
static void
handle_frame (LodeWsStream *self,
              GBytes       *message)
{
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);
  LodeWsStreamClass *klass = LODE_WS_STREAM_GET_CLASS (self);
  g_autoptr(GError) error = NULL;
  LodeWsFrame kind = LODE_WS_FRAME_IGNORED;
  const char *text;
  gsize length;

  text = g_bytes_get_data (message, &length);

  if (!klass->parse_frame (self, text != NULL ? text : "", length, &kind, &error))
    {
      if (g_error_matches (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE))
        {
          fail (self, g_steal_pointer (&error));
          return;
        }

      priv->n_malformed++;
      g_debug ("%s: skipped a frame: %s", G_OBJECT_TYPE_NAME (self), error->message);
      return;
    }

  switch (kind)
    {
    case LODE_WS_FRAME_SUBSCRIBED:
      set_subscribed (self);
      break;

    case LODE_WS_FRAME_DATA:
      /* Data before the ack (Binance's path streams need none) proves
       * the subscription too. */
      set_subscribed (self);
      if (klass->queue_data != NULL)
        klass->queue_data (self);
      break;

    case LODE_WS_FRAME_PONG:
    case LODE_WS_FRAME_IGNORED:
    default:
      break;
    }
}

/* Parses the oldest frame of the backlog. FALSE when there was none, or
 * when handling it tore the connection down (which emptied the backlog). */
static gboolean
parse_next (LodeWsStream *self)
{
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);
  g_autoptr(GBytes) message = NULL;
  guint generation = priv->generation;

  if (priv->backlog_head >= priv->backlog->len)
    return FALSE;

  message = g_steal_pointer (&g_ptr_array_index (priv->backlog, priv->backlog_head));
  priv->backlog_head++;
  priv->backlog_bytes -= g_bytes_get_size (message);

  /* Drop the parsed slots: all of them when none is left, else once they
   * are the larger part, so that each frame is moved at most once. */
  if (priv->backlog_head == priv->backlog->len)
    {
      g_ptr_array_set_size (priv->backlog, 0);
      priv->backlog_head = 0;
    }
  else if (priv->backlog_head > 1024 && priv->backlog_head > priv->backlog->len / 2)
    {
      g_ptr_array_remove_range (priv->backlog, 0, priv->backlog_head);
      priv->backlog_head = 0;
    }

  handle_frame (self, message);

  return priv->generation == generation;
}

static gboolean
on_parse (gpointer data)
{
  LodeWsStream *self = data;
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);
  GSource *source = g_main_current_source ();
  gint64 deadline = g_get_monotonic_time () + PARSE_SLICE_US;

  while (parse_next (self) && g_get_monotonic_time () < deadline)
    ;

  /* Torn down meanwhile: the source is gone with the backlog. */
  if (priv->parse_source != source)
    return G_SOURCE_REMOVE;

  if (priv->backlog_head < priv->backlog->len)
    return G_SOURCE_CONTINUE;

  g_clear_pointer (&priv->parse_source, g_source_unref);
  if (priv->close_pending)
    handle_closed (self);

  return G_SOURCE_REMOVE;
}

/* Parses the backlog now, as far as it goes: an answer waited for may be
 * in it. */
static void
parse_backlog (LodeWsStream *self)
{
  while (parse_next (self))
    ;
}

static void
on_message (SoupWebsocketConnection *conn,
            gint                     type,
            GBytes                  *message,
            gpointer                 data)
{
  LodeWsStream *self = data;
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  priv->last_rx_us = g_get_monotonic_time ();
  priv->awaiting_pong = FALSE;

  /* Over the bound: catch up here, oldest first. */
  while (priv->backlog_bytes + g_bytes_get_size (message) > MAX_BACKLOG_BYTES)
    {
      if (!parse_next (self))
        {
          /* Torn down: this connection's frames are not wanted any more. */
          if (priv->conn != conn)
            return;
          break;
        }
    }

  g_ptr_array_add (priv->backlog, g_bytes_ref (message));
  priv->backlog_bytes += g_bytes_get_size (message);

  /* The default priority, as the socket's: reading and parsing take turns
   * every iteration, and nothing waits for more than one slice. */
  if (priv->parse_source == NULL)
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      priv->parse_source = add_source (self, source, on_parse,
                                       "[lodestone] websocket stream parse");
    }
}

static void
on_conn_error (SoupWebsocketConnection *conn,
               GError                  *error,
               gpointer                 data)
{
  LodeWsStream *self = data;
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  if (priv->conn_error == NULL)
    priv->conn_error = g_error_copy (error);
}

static void
handle_closed (LodeWsStream *self)
{
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);
  SoupWebsocketConnection *conn = priv->conn;
  GError *error;

  if (priv->conn_error != NULL)
    error = g_error_new (LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_NETWORK,
                         /* TRANSLATORS: "Connection to Bybit lost: <reason>" */
                         _("Connection to %s lost: %s"), priv->label,
                         priv->conn_error->message);
  else
    error = g_error_new (LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_NETWORK,
                         _("%s closed the connection (code %u)"), priv->label,
                         (guint) soup_websocket_connection_get_close_code (conn));

  drop_and_retry (self, error);
}

static void
on_closed (SoupWebsocketConnection *conn,
           gpointer                 data)
{
  LodeWsStream *self = data;
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  /* What came before the close is handled first, in order: its prints
   * are kept, and a refusal still ends as FAILED rather than retried. */
  if (priv->backlog_head < priv->backlog->len)
    {
      priv->close_pending = TRUE;
      return;
    }

  handle_closed (self);
}

static gboolean
on_keepalive (gpointer data)
{
  LodeWsStream *self = data;
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);
  gint64 now = g_get_monotonic_time ();
  gint64 interval_us = (gint64) priv->keepalive_ms * 1000;

  if (priv->awaiting_pong && now - priv->last_ping_us >= interval_us)
    {
      drop_and_retry (self, g_error_new (LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_NETWORK,
                                         _("%s stopped answering"), priv->label));
      return G_SOURCE_REMOVE;
    }

  if ((priv->heartbeat == LODE_WS_HEARTBEAT_PERIODIC && now - priv->last_ping_us >= interval_us) ||
      (priv->heartbeat == LODE_WS_HEARTBEAT_ON_SILENCE && !priv->awaiting_pong &&
       now - priv->last_rx_us >= interval_us))
    {
      lode_ws_stream_send_text (self, priv->ping);
      priv->last_ping_us = now;
      priv->awaiting_pong = TRUE;
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
on_ack_timeout (gpointer data)
{
  LodeWsStream *self = data;
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  g_clear_pointer (&priv->ack_source, g_source_unref);

  /* The answer may have come and wait in the backlog. */
  parse_backlog (self);
  if (priv->subscribed || priv->state != LODE_WS_STREAM_CONNECTING)
    return G_SOURCE_REMOVE;

  drop_and_retry (self, g_error_new (LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_NETWORK,
                                     _("%s did not confirm the subscription in time"),
                                     priv->label));

  return G_SOURCE_REMOVE;
}

typedef struct
{
  LodeWsStream *self;
  guint         generation;
} ConnectData;

static void
on_connected (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ConnectData *cd = user_data;
  g_autoptr(LodeWsStream) self = cd->self;
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupWebsocketConnection) conn = NULL;
  guint generation = cd->generation;

  g_free (cd);
  conn = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);

  /* Stopped, timed out or superseded since: not ours any more. */
  if (generation != priv->generation)
    return;

  g_clear_object (&priv->connect_cancellable);

  if (conn == NULL)
    {
      drop_and_retry (self, g_error_new (LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_NETWORK,
                                         _("Could not connect to %s: %s"),
                                         priv->label, error->message));
      return;
    }

  priv->conn = g_steal_pointer (&conn);
  soup_websocket_connection_set_max_incoming_payload_size (priv->conn, MAX_FRAME_BYTES);
  g_signal_connect (priv->conn, "message", G_CALLBACK (on_message), self);
  g_signal_connect (priv->conn, "error", G_CALLBACK (on_conn_error), self);
  g_signal_connect (priv->conn, "closed", G_CALLBACK (on_closed), self);

  priv->last_rx_us = priv->last_ping_us = g_get_monotonic_time ();
  priv->awaiting_pong = FALSE;

  if (priv->heartbeat != LODE_WS_HEARTBEAT_NONE)
    {
      guint interval = priv->keepalive_ms;
      /* A ping due after a silence: look more often than that. */
      guint period = priv->heartbeat == LODE_WS_HEARTBEAT_ON_SILENCE ? MAX (interval / 5, 1) : interval;

      priv->keepalive_source = add_source (self, g_timeout_source_new (period), on_keepalive,
                                           "[lodestone] websocket stream keepalive");
    }

  LODE_WS_STREAM_GET_CLASS (self)->subscribe (self);
}

static void
connect_now (LodeWsStream *self)
{
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  ConnectData *cd;

  teardown (self);

  url = LODE_WS_STREAM_GET_CLASS (self)->connection_url (self, &error);
  if (url == NULL)
    {
      fail (self, g_steal_pointer (&error));
      return;
    }

  msg = soup_message_new (SOUP_METHOD_GET, url);
  if (msg == NULL)
    {
      fail (self, g_error_new (LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_INVALID_ARGUMENT,
                               _("Invalid address for %s: %s"), priv->label, url));
      return;
    }

  set_state (self, LODE_WS_STREAM_CONNECTING, 0);

  priv->connect_cancellable = g_cancellable_new ();
  /* One deadline for connecting and being acknowledged: a black-holed
   * address or a silent endpoint ends up retried. */
  priv->ack_source = add_source (self, g_timeout_source_new (priv->ack_timeout_ms), on_ack_timeout,
                                 "[lodestone] websocket stream ack");

  cd = g_new0 (ConnectData, 1);
  cd->self = g_object_ref (self);
  cd->generation = priv->generation;
  soup_session_websocket_connect_async (priv->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        priv->connect_cancellable, on_connected, cd);
}

static void
lode_ws_stream_dispose (GObject *object)
{
  LodeWsStream *self = (LodeWsStream *) object;
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  teardown (self);
  clear_source (&priv->retry_source);
  clear_source (&priv->delivery_source);
  g_clear_object (&priv->session);

  G_OBJECT_CLASS (lode_ws_stream_parent_class)->dispose (object);
}

static void
lode_ws_stream_finalize (GObject *object)
{
  LodeWsStream *self = (LodeWsStream *) object;
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  g_free (priv->url);
  g_free (priv->label);
  g_free (priv->ping);
  g_clear_pointer (&priv->backlog, g_ptr_array_unref);
  g_clear_pointer (&priv->context, g_main_context_unref);
  g_clear_error (&priv->error);

  G_OBJECT_CLASS (lode_ws_stream_parent_class)->finalize (object);
}

static void
lode_ws_stream_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  LodeWsStream *self = LODE_WS_STREAM (object);
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, priv->url);
      break;

    case PROP_STATE:
      g_value_set_enum (value, priv->state);
      break;

    case PROP_NEXT_ATTEMPT_MS:
      g_value_set_int64 (value, priv->next_attempt_ms);
      break;

    case PROP_ERROR:
      g_value_set_boxed (value, priv->error);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lode_ws_stream_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  LodeWsStream *self = LODE_WS_STREAM (object);
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_URL:
      g_free (priv->url);
      priv->url = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lode_ws_stream_class_init (LodeWsStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lode_ws_stream_dispose;
  object_class->finalize = lode_ws_stream_finalize;
  object_class->get_property = lode_ws_stream_get_property;
  object_class->set_property = lode_ws_stream_set_property;

  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, LODE_TYPE_WS_STREAM_STATE,
                       LODE_WS_STREAM_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NEXT_ATTEMPT_MS] =
    g_param_spec_int64 ("next-attempt-ms", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lode_ws_stream_init (LodeWsStream *self)
{
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  priv->label = g_strdup ("?");
  priv->backlog = g_ptr_array_new ();
  priv->backoff_base_ms = DEFAULT_BACKOFF_BASE_MS;
  priv->backoff_max_ms = DEFAULT_BACKOFF_MAX_MS;
  priv->ack_timeout_ms = DEFAULT_ACK_TIMEOUT_MS;
  /* Built as LodeHttp builds its session: our user agent, the system's
   * proxy settings, TLS through glib-networking with bad certificates
   * refused. */
  priv->session = soup_session_new_with_options ("user-agent", "Lodestone/" PACKAGE_VERSION,
                                                 "proxy-resolver", g_proxy_resolver_get_default (),
                                                 NULL);
}

/* Public API */

void
lode_ws_stream_start (LodeWsStream *self)
{
  LodeWsStreamPrivate *priv;

  g_return_if_fail (LODE_IS_WS_STREAM (self));

  priv = lode_ws_stream_get_instance_private (self);
  if (priv->state != LODE_WS_STREAM_DISCONNECTED && priv->state != LODE_WS_STREAM_FAILED)
    return;

  g_clear_pointer (&priv->context, g_main_context_unref);
  priv->context = g_main_context_ref_thread_default ();
  priv->attempt = 0;
  set_error (self, NULL);
  connect_now (self);
}

void
lode_ws_stream_stop (LodeWsStream *self)
{
  LodeWsStreamPrivate *priv;
  LodeWsStreamClass *klass;

  g_return_if_fail (LODE_IS_WS_STREAM (self));

  priv = lode_ws_stream_get_instance_private (self);
  klass = LODE_WS_STREAM_GET_CLASS (self);
  teardown (self);
  clear_source (&priv->retry_source);
  clear_source (&priv->delivery_source);
  if (klass->discard != NULL)
    klass->discard (self);
  set_state (self, LODE_WS_STREAM_DISCONNECTED, 0);
}

const char *
lode_ws_stream_get_url (LodeWsStream *self)
{
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  g_return_val_if_fail (LODE_IS_WS_STREAM (self), NULL);

  return priv->url;
}

LodeWsStreamState
lode_ws_stream_get_state (LodeWsStream *self)
{
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  g_return_val_if_fail (LODE_IS_WS_STREAM (self), LODE_WS_STREAM_DISCONNECTED);

  return priv->state;
}

gint64
lode_ws_stream_get_next_attempt_ms (LodeWsStream *self)
{
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  g_return_val_if_fail (LODE_IS_WS_STREAM (self), 0);

  return priv->next_attempt_ms;
}

const GError *
lode_ws_stream_get_error (LodeWsStream *self)
{
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  g_return_val_if_fail (LODE_IS_WS_STREAM (self), NULL);

  return priv->error;
}

guint64
lode_ws_stream_get_n_malformed (LodeWsStream *self)
{
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  g_return_val_if_fail (LODE_IS_WS_STREAM (self), 0);

  return priv->n_malformed;
}

guint
lode_ws_stream_get_n_connects (LodeWsStream *self)
{
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  g_return_val_if_fail (LODE_IS_WS_STREAM (self), 0);

  return priv->n_connects;
}

void
lode_ws_stream_set_backoff (LodeWsStream *self,
                            guint         base_ms,
                            guint         max_ms)
{
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  g_return_if_fail (LODE_IS_WS_STREAM (self));
  g_return_if_fail (base_ms > 0 && max_ms >= base_ms && max_ms < G_MAXINT32);

  priv->backoff_base_ms = base_ms;
  priv->backoff_max_ms = max_ms;
}

void
lode_ws_stream_set_keepalive_ms (LodeWsStream *self,
                                 guint         interval_ms)
{
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  g_return_if_fail (LODE_IS_WS_STREAM (self));

  priv->keepalive_ms = interval_ms > 0 ? interval_ms : priv->default_keepalive_ms;
}

void
lode_ws_stream_set_ack_timeout_ms (LodeWsStream *self,
                                   guint         timeout_ms)
{
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  g_return_if_fail (LODE_IS_WS_STREAM (self));
  g_return_if_fail (timeout_ms > 0);

  priv->ack_timeout_ms = timeout_ms;
}

void
lode_ws_stream_setup (LodeWsStream    *self,
                      const char      *label,
                      const char      *default_url,
                      LodeWsHeartbeat  heartbeat,
                      guint            keepalive_ms,
                      const char      *ping)
{
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  g_return_if_fail (LODE_IS_WS_STREAM (self));
  g_return_if_fail (label != NULL);
  g_return_if_fail (heartbeat == LODE_WS_HEARTBEAT_NONE || (keepalive_ms > 0 && ping != NULL));

  g_free (priv->label);
  priv->label = g_strdup (label);

  if ((priv->url == NULL || *priv->url == '\0') && default_url != NULL)
    {
      g_free (priv->url);
      priv->url = g_strdup (default_url);
    }

  priv->heartbeat = heartbeat;
  g_free (priv->ping);
  priv->ping = g_strdup (ping);
  priv->default_keepalive_ms = priv->keepalive_ms = keepalive_ms;
}

const char *
lode_ws_stream_get_label (LodeWsStream *self)
{
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  g_return_val_if_fail (LODE_IS_WS_STREAM (self), NULL);

  return priv->label;
}

void
lode_ws_stream_send_text (LodeWsStream *self,
                          const char   *text)
{
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  g_return_if_fail (LODE_IS_WS_STREAM (self));
  g_return_if_fail (text != NULL);

  if (priv->conn != NULL &&
      soup_websocket_connection_get_state (priv->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (priv->conn, text);
}

void
lode_ws_stream_queue_delivery (LodeWsStream *self)
{
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  g_return_if_fail (LODE_IS_WS_STREAM (self));

  if (priv->delivery_source == NULL)
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      priv->delivery_source = add_source (self, source, on_delivery,
                                          "[lodestone] websocket stream delivery");
    }
}

guint
lode_ws_stream_get_generation (LodeWsStream *self)
{
  LodeWsStreamPrivate *priv = lode_ws_stream_get_instance_private (self);

  g_return_val_if_fail (LODE_IS_WS_STREAM (self), 0);

  return priv->generation;
}

char *
lode_ws_binance_market_url (const char *base_url,
                            const char *stream)
{
  g_autofree char *base = NULL;
  gsize len;

  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (stream != NULL, NULL);

  base = g_strdup (base_url);
  len = strlen (base);
  while (len > 0 && base[len - 1] == '/')
    base[--len] = '\0';
  if (g_str_has_suffix (base, "/ws"))
    base[len -= 3] = '\0';

  /* §1.9: the legacy un-routed URL connects but carries no /market stream. */
  if (!g_str_has_suffix (base, "/market"))
    return g_strconcat (base, "/market/ws/", stream, NULL);

  return g_strconcat (base, "/ws/", stream, NULL);
}

gboolean
lode_ws_binance_event (JsonObject  *object,
                       JsonObject **event,
                       const char **event_type,
                       GError     **error)
{
  JsonNode *error_node;
  JsonObject *error_object;

  *event = NULL;
  *event_type = NULL;

  if (json_object_has_member (object, "stream") && json_object_has_member (object, "data"))
    {
      if ((object = lode_json_member_object (object, "data", error)) == NULL)
        return FALSE;
    }

  error_node = json_object_get_member (object, "error");
  error_object = error_node != NULL && JSON_NODE_HOLDS_OBJECT (error_node)
                 ? json_node_get_object (error_node) : NULL;
  if (error_object != NULL ||
      (json_object_has_member (object, "code") && json_object_has_member (object, "msg")))
    {
      JsonObject *o = error_object != NULL ? error_object : object;
      double code = 0;
      const char *msg = NULL;

      lode_json_member_number (o, "code", FALSE, &code, NULL);
      lode_json_member_string (o, "msg", FALSE, &msg, NULL);
      lode_ws_set_venue_error (error, "Binance", lode_json_error_code (code), msg);
      return FALSE;
    }

  if (json_object_has_member (object, "result") && json_object_has_member (object, "id"))
    return TRUE;

  if (!lode_json_member_string (object, "e", FALSE, event_type, error))
    return FALSE;
  *event = object;
  return TRUE;
}

gboolean
lode_ws_bybit_frame (const char   *text,
                     gsize         length,
                     JsonNode    **root,
                     LodeWsFrame  *kind,
                     JsonObject  **object,
                     const char  **topic,
                     GError      **error)
{
  const char *op = NULL;

  *object = NULL;
  *topic = NULL;
  *kind = LODE_WS_FRAME_IGNORED;

  if ((*root = lode_json_parse_text (text, length, error)) == NULL ||
      (*object = lode_json_node_object (*root, _("a Bybit message"), error)) == NULL ||
      !lode_json_member_string (*object, "op", FALSE, &op, error) ||
      !lode_json_member_string (*object, "topic", FALSE, topic, error))
    return FALSE;

  if (op != NULL)
    {
      const char *ret_msg = NULL;
      JsonNode *success = json_object_get_member (*object, "success");

      lode_json_member_string (*object, "ret_msg", FALSE, &ret_msg, NULL);

      if (success != NULL && JSON_NODE_HOLDS_VALUE (success) &&
          json_node_get_value_type (success) == G_TYPE_BOOLEAN &&
          !json_node_get_boolean (success))
        {
          lode_ws_set_venue_error (error, "Bybit", 0, ret_msg);
          return FALSE;
        }

      if (g_str_equal (op, "subscribe"))
        *kind = LODE_WS_FRAME_SUBSCRIBED;
      else if (g_str_equal (op, "pong") || (g_str_equal (op, "ping") && g_strcmp0 (ret_msg, "pong") == 0))
        *kind = LODE_WS_FRAME_PONG;

      return TRUE;
    }

  *kind = LODE_WS_FRAME_DATA;
  return TRUE;
}

gboolean
lode_ws_okx_frame (const char   *text,
                   gsize         length,
                   JsonNode    **root,
                   LodeWsFrame  *kind,
                   JsonObject  **object,
                   JsonObject  **arg,
                   GError      **error)
{
  const char *event = NULL;

  *root = NULL;
  *object = NULL;
  *arg = NULL;
  *kind = LODE_WS_FRAME_IGNORED;

  /* The heartbeat answer is plain text, not JSON. */
  if (length == 4 && memcmp (text, "pong", 4) == 0)
    {
      *kind = LODE_WS_FRAME_PONG;
      return TRUE;
    }

  if ((*root = lode_json_parse_text (text, length, error)) == NULL ||
      (*object = lode_json_node_object (*root, _("an OKX message"), error)) == NULL ||
      !lode_json_member_string (*object, "event", FALSE, &event, error))
    return FALSE;

  if (event != NULL)
    {
      if (g_str_equal (event, "error"))
        {
          double code = 0;
          const char *msg = NULL;

          lode_json_member_number (*object, "code", FALSE, &code, NULL);
          lode_json_member_string (*object, "msg", FALSE, &msg, NULL);
          lode_ws_set_venue_error (error, "OKX", lode_json_error_code (code), msg);
          return FALSE;
        }

      if (g_str_equal (event, "subscribe"))
        *kind = LODE_WS_FRAME_SUBSCRIBED;

      /* "notice" (a coming disconnect), "channel-conn-count", …: the
       * connection's own life will tell. */
      return TRUE;
    }

  if (!json_object_has_member (*object, "arg"))
    return TRUE;
  if ((*arg = lode_json_member_object (*object, "arg", error)) == NULL)
    return FALSE;

  *kind = LODE_WS_FRAME_DATA;
  return TRUE;
}

void
lode_ws_set_venue_error (GError     **error,
                         const char  *venue,
                         gint64       code,
                         const char  *message)
{
  const char *reason = message != NULL && *message != '\0' ? message : _("no reason given");

  if (code != 0)
    /* TRANSLATORS: "Binance refused the subscription (code 2): Invalid request" */
    g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE,
                 _("%s refused the subscription (code %lld): %s"),
                 venue, (long long) code, reason);
  else
    /* TRANSLATORS: "Bybit refused the subscription: error:handler not found,…" */
    g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE,
                 _("%s refused the subscription: %s"), venue, reason);
}
