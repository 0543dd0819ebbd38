/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "lode-liq-stream.h"
#include "lode-liq-stream-parse.h"

#define DEFAULT_BACKOFF_BASE_MS   1000
#define DEFAULT_BACKOFF_MAX_MS    60000
#define BYBIT_KEEPALIVE_MS        20000  /* §2.6: a ping every 20 s */
#define OKX_KEEPALIVE_MS          25000  /* §3.6: ping within 30 s of silence */
#define DEFAULT_ACK_TIMEOUT_MS    10000
#define DEFAULT_MAX_PENDING       4096
/* Liquidation frames are small; a larger one is not a venue's. */
#define MAX_FRAME_BYTES           (1024 * 1024)

typedef enum
{
  VENUE_BINANCE,
  VENUE_BYBIT,
  VENUE_OKX,
} Venue;

static const struct
{
  const char *id;
  const char *label;
  const char *default_url;
} venues[] = {
  [VENUE_BINANCE] = { "binance", "Binance", "wss://fstream.binance.com/market" },
  [VENUE_BYBIT] = { "bybit", "Bybit", "wss://stream.bybit.com/v5/public/linear" },
  [VENUE_OKX] = { "okx", "OKX", "wss://ws.okx.com:8443/ws/v5/public" },
};

struct _LodeLiqStream
{
  GObject                  parent_instance;

  Venue                    venue;
  char                    *base_url;
  LodeLiqSymbols          *symbols;
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

  LodeLiqStreamState       state;
  gint64                   next_attempt_ms;
  GError                  *error;
  guint                    attempt;

  GSource                  *retry_source;
  GSource                  *ack_source;
  GSource                  *keepalive_source;
  GSource                  *flush_source;

  GArray                   *pending;  /* LodeLiqPrint, at most max_pending */
  GArray                   *scratch;  /* one frame's prints */
  guint                     max_pending;
  guint                     peak_pending;
  guint64                   n_prints;
  guint64                   n_malformed;
  guint                     n_connects;

  guint                     backoff_base_ms;
  guint                     backoff_max_ms;
  guint                     keepalive_ms;
  guint                     ack_timeout_ms;
};

G_DEFINE_FINAL_TYPE (LodeLiqStream, lode_liq_stream, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_VENUE,
  PROP_URL,
  PROP_STATE,
  PROP_NEXT_ATTEMPT_MS,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_PRINTS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GType
lode_liq_stream_state_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { LODE_LIQ_STREAM_DISCONNECTED, "LODE_LIQ_STREAM_DISCONNECTED", "disconnected" },
        { LODE_LIQ_STREAM_CONNECTING, "LODE_LIQ_STREAM_CONNECTING", "connecting" },
        { LODE_LIQ_STREAM_CONNECTED, "LODE_LIQ_STREAM_CONNECTED", "connected" },
        { LODE_LIQ_STREAM_RECONNECTING, "LODE_LIQ_STREAM_RECONNECTING", "reconnecting" },
        { LODE_LIQ_STREAM_FAILED, "LODE_LIQ_STREAM_FAILED", "failed" },
        { 0, NULL, NULL },
      };
      GType type = g_enum_register_static (g_intern_static_string ("LodeLiqStreamState"), values);

      g_once_init_leave (&type_id, type);
    }

  return type_id;
}

static void connect_now (LodeLiqStream *self);

static gboolean
find_venue (const char *id,
            Venue      *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (venues); i++)
    if (g_strcmp0 (venues[i].id, id) == 0)
      {
        *out = i;
        return TRUE;
      }

  return FALSE;
}

static void
set_state (LodeLiqStream      *self,
           LodeLiqStreamState  state,
           gint64              next_attempt_ms)
{
  gboolean state_changed = self->state != state;
  gboolean time_changed = self->next_attempt_ms != next_attempt_ms;

  self->state = state;
  self->next_attempt_ms = next_attempt_ms;

  /* Both first, then the notifications: a handler sees a coherent pair. */
  if (time_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEXT_ATTEMPT_MS]);
  if (state_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* Takes @error (NULL clears). */
static void
set_error (LodeLiqStream *self,
           GError        *error)
{
  if (self->error == NULL && error == NULL)
    return;

  g_clear_error (&self->error);
  self->error = error;
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
add_source (LodeLiqStream *self,
            GSource       *source,
            GSourceFunc    func,
            const char    *name)
{
  g_source_set_callback (source, func, self, NULL);
  g_source_set_static_name (source, name);
  g_source_attach (source, self->context);

  return source;
}

/* Forgets the connection (and any attempt in flight) without touching the
 * state. */
static void
teardown (LodeLiqStream *self)
{
  self->generation++;

  if (self->connect_cancellable != NULL)
    {
      g_cancellable_cancel (self->connect_cancellable);
      g_clear_object (&self->connect_cancellable);
    }

  if (self->conn != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->conn, self);
      if (soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_clear_object (&self->conn);
    }

  g_clear_error (&self->conn_error);
  clear_source (&self->ack_source);
  clear_source (&self->keepalive_source);
  self->subscribed = FALSE;
  self->awaiting_pong = FALSE;
}

static gboolean
on_retry (gpointer data)
{
  LodeLiqStream *self = data;

  g_clear_pointer (&self->retry_source, g_source_unref);
  connect_now (self);

  return G_SOURCE_REMOVE;
}

/* The connection is gone for @error (taken): try again later. */
static void
drop_and_retry (LodeLiqStream *self,
                GError        *error)
{
  guint64 delay;
  guint64 half;

  teardown (self);
  clear_source (&self->retry_source);

  g_debug ("%s liquidation stream: %s", venues[self->venue].id, error->message);
  set_error (self, error);

  /* Exponential, capped, with jitter in [½, 1] so that many clients
   * dropped at once do not come back at once. */
  delay = (guint64) self->backoff_base_ms << MIN (self->attempt, 20);
  delay = MIN (delay, self->backoff_max_ms);
  half = delay / 2;
  delay = half + (guint64) g_random_int_range (0, (gint32) (delay - half) + 1);
  self->attempt++;

  self->retry_source = add_source (self, g_timeout_source_new ((guint) delay), on_retry,
                                   "[lodestone] liquidation stream retry");
  set_state (self, LODE_LIQ_STREAM_RECONNECTING, g_get_real_time () / 1000 + (gint64) delay);
}

/* The venue refused the subscription (@error taken): asking again the
 * same way would be refused again. */
static void
fail (LodeLiqStream *self,
      GError        *error)
{
  teardown (self);
  clear_source (&self->retry_source);
  g_message ("%s liquidation stream: %s", venues[self->venue].id, error->message);
  set_error (self, error);
  set_state (self, LODE_LIQ_STREAM_FAILED, 0);
}

static void
set_subscribed (LodeLiqStream *self)
{
  if (self->subscribed)
    return;

  self->subscribed = TRUE;
  self->attempt = 0;
  self->n_connects++;
  clear_source (&self->ack_source);
  set_error (self, NULL);
  set_state (self, LODE_LIQ_STREAM_CONNECTED, 0);
}

/* Delivers the queue. */
static void
flush (LodeLiqStream *self)
{
  g_autoptr(GArray) batch = NULL;

  if (self->pending->len == 0)
    return;

  batch = g_steal_pointer (&self->pending);
  self->pending = g_array_new (FALSE, FALSE, sizeof (LodeLiqPrint));
  lode_liq_prints_sort ((LodeLiqPrint *) batch->data, batch->len);
  self->n_prints += batch->len;

  g_object_ref (self);
  g_signal_emit (self, signals[SIGNAL_PRINTS], 0, batch->data, batch->len);
  g_object_unref (self);
}

static gboolean
on_flush (gpointer data)
{
  LodeLiqStream *self = data;

  g_clear_pointer (&self->flush_source, g_source_unref);
  flush (self);

  return G_SOURCE_REMOVE;
}

static void
queue_prints (LodeLiqStream      *self,
              const LodeLiqPrint *prints,
              guint               n)
{
  guint generation = self->generation;

  while (n > 0)
    {
      guint take = MIN (n, self->max_pending - MIN (self->pending->len, self->max_pending));

      g_array_append_vals (self->pending, prints, take);
      prints += take;
      n -= take;
      self->peak_pending = MAX (self->peak_pending, self->pending->len);

      /* Full: deliver now rather than grow (libsoup hands over every frame
       * it has buffered in one go) or lose prints. */
      if (self->pending->len >= self->max_pending)
        {
          flush (self);
          /* A handler stopped the stream: the rest is not wanted. */
          if (self->generation != generation)
            return;
        }
    }

  /* Otherwise once per main-loop iteration. Default priority: the
   * delivery interleaves with the socket's reads instead of waiting for a
   * busy connection to fall quiet. */
  if (self->flush_source == NULL && self->pending->len > 0)
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      self->flush_source = add_source (self, source, on_flush,
                                       "[lodestone] liquidation prints");
    }
}

static gboolean
parse_frame (LodeLiqStream  *self,
             const char     *text,
             gsize           length,
             LodeLiqFrame   *kind,
             GError        **error)
{
  switch (self->venue)
    {
    case VENUE_BINANCE:
      /* Nothing asked for: the whole market. */
      return lode_liq_parse_binance (text, length,
                                     g_hash_table_size (self->symbols) > 0 ? self->symbols : NULL,
                                     kind, self->scratch, error);
    case VENUE_BYBIT:
      return lode_liq_parse_bybit (text, length, self->symbols, kind, self->scratch, error);
    case VENUE_OKX:
      return lode_liq_parse_okx (text, length, self->symbols, kind, self->scratch, error);
    default:
      g_assert_not_reached ();
    }
}

static void
on_message (SoupWebsocketConnection *conn,
            gint                     type,
            GBytes                  *message,
            gpointer                 data)
{
  LodeLiqStream *self = data;
  g_autoptr(GError) error = NULL;
  LodeLiqFrame kind;
  const char *text;
  gsize length;

  self->last_rx_us = g_get_monotonic_time ();
  self->awaiting_pong = FALSE;

  text = g_bytes_get_data (message, &length);
  g_array_set_size (self->scratch, 0);

  if (!parse_frame (self, text != NULL ? text : "", length, &kind, &error))
    {
      if (g_error_matches (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE))
        {
          fail (self, g_steal_pointer (&error));
          return;
        }

      self->n_malformed++;
      g_debug ("%s liquidation stream: skipped a frame: %s", venues[self->venue].id,
               error->message);
      return;
    }

  switch (kind)
    {
    case LODE_LIQ_FRAME_SUBSCRIBED:
      set_subscribed (self);
      break;

    case LODE_LIQ_FRAME_PRINTS:
      /* Data before the ack (Binance's path streams need none) proves
       * the subscription too. */
      set_subscribed (self);
      queue_prints (self, (const LodeLiqPrint *) self->scratch->data, self->scratch->len);
      break;

    case LODE_LIQ_FRAME_PONG:
    case LODE_LIQ_FRAME_IGNORED:
    default:
      break;
    }
}

static void
on_conn_error (SoupWebsocketConnection *conn,
               GError                  *error,
               gpointer                 data)
{
  LodeLiqStream *self = data;

  if (self->conn_error == NULL)
    self->conn_error = g_error_copy (error);
}

static void
on_closed (SoupWebsocketConnection *conn,
           gpointer                 data)
{
  LodeLiqStream *self = data;
  GError *error;

  if (self->conn_error != NULL)
    error = g_error_new (LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_NETWORK,
                         /* TRANSLATORS: "Connection to Bybit lost: <reason>" */
                         _("Connection to %s lost: %s"), venues[self->venue].label,
                         self->conn_error->message);
  else
    error = g_error_new (LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_NETWORK,
                         _("%s closed the connection (code %u)"), venues[self->venue].label,
                         (guint) soup_websocket_connection_get_close_code (conn));

  drop_and_retry (self, error);
}

static void
send_text (LodeLiqStream *self,
           const char    *text)
{
  if (self->conn != NULL &&
      soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (self->conn, text);
}

static gboolean
on_keepalive (gpointer data)
{
  LodeLiqStream *self = data;
  gint64 now = g_get_monotonic_time ();
  gint64 interval_us = (gint64) self->keepalive_ms * 1000;

  if (self->awaiting_pong && now - self->last_ping_us >= interval_us)
    {
      drop_and_retry (self, g_error_new (LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_NETWORK,
                                         _("%s stopped answering"), venues[self->venue].label));
      return G_SOURCE_REMOVE;
    }

  if (self->venue == VENUE_BYBIT && now - self->last_ping_us >= interval_us)
    {
      g_autofree char *ping = lode_liq_bybit_ping ("lode-hb");

      send_text (self, ping);
      self->last_ping_us = now;
      self->awaiting_pong = TRUE;
    }
  else if (self->venue == VENUE_OKX && !self->awaiting_pong && now - self->last_rx_us >= interval_us)
    {
      send_text (self, "ping");
      self->last_ping_us = now;
      self->awaiting_pong = TRUE;
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
on_ack_timeout (gpointer data)
{
  LodeLiqStream *self = data;

  g_clear_pointer (&self->ack_source, g_source_unref);
  drop_and_retry (self, g_error_new (LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_NETWORK,
                                     _("%s did not confirm the subscription in time"),
                                     venues[self->venue].label));

  return G_SOURCE_REMOVE;
}

static void
subscribe (LodeLiqStream *self)
{
  g_autofree char *message = NULL;

  switch (self->venue)
    {
    case VENUE_BINANCE:
      message = lode_liq_binance_subscribe (1);
      break;

    case VENUE_BYBIT:
      {
        g_autofree const char **symbols =
          (const char **) g_hash_table_get_keys_as_array (self->symbols, NULL);

        message = lode_liq_bybit_subscribe ("lode-liq", symbols);
      }
      break;

    case VENUE_OKX:
      message = lode_liq_okx_subscribe ("lode-liq");
      break;

    default:
      g_assert_not_reached ();
    }

  send_text (self, message);
}

typedef struct
{
  LodeLiqStream *self;
  guint          generation;
} ConnectData;

static void
on_connected (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ConnectData *cd = user_data;
  g_autoptr(LodeLiqStream) self = cd->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupWebsocketConnection) conn = NULL;
  guint generation = cd->generation;

  g_free (cd);
  conn = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);

  /* Stopped, timed out or superseded since: not ours any more. */
  if (generation != self->generation)
    return;

  g_clear_object (&self->connect_cancellable);

  if (conn == NULL)
    {
      drop_and_retry (self, g_error_new (LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_NETWORK,
                                         _("Could not connect to %s: %s"),
                                         venues[self->venue].label, error->message));
      return;
    }

  self->conn = g_steal_pointer (&conn);
  soup_websocket_connection_set_max_incoming_payload_size (self->conn, MAX_FRAME_BYTES);
  g_signal_connect (self->conn, "message", G_CALLBACK (on_message), self);
  g_signal_connect (self->conn, "error", G_CALLBACK (on_conn_error), self);
  g_signal_connect (self->conn, "closed", G_CALLBACK (on_closed), self);

  self->last_rx_us = self->last_ping_us = g_get_monotonic_time ();
  self->awaiting_pong = FALSE;

  if (self->venue != VENUE_BINANCE)
    {
      guint interval = self->keepalive_ms;
      /* OKX wants a ping after a silence, so look more often than that. */
      guint period = self->venue == VENUE_OKX ? MAX (interval / 5, 1) : interval;

      self->keepalive_source = add_source (self, g_timeout_source_new (period), on_keepalive,
                                           "[lodestone] liquidation stream keepalive");
    }

  subscribe (self);
}

static char *
connection_url (LodeLiqStream *self)
{
  if (self->venue == VENUE_BINANCE)
    return lode_liq_binance_url (self->base_url);

  return g_strdup (self->base_url);
}

static void
connect_now (LodeLiqStream *self)
{
  g_autofree char *url = connection_url (self);
  g_autoptr(SoupMessage) msg = NULL;
  ConnectData *cd;

  teardown (self);

  /* Bybit has no all-market topic (§2.6). */
  if (self->venue == VENUE_BYBIT && g_hash_table_size (self->symbols) == 0)
    {
      fail (self, g_error_new_literal (LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_INVALID_ARGUMENT,
                                       _("Bybit liquidations need at least one symbol")));
      return;
    }

  msg = soup_message_new (SOUP_METHOD_GET, url);
  if (msg == NULL)
    {
      fail (self, g_error_new (LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_INVALID_ARGUMENT,
                               _("Invalid address for %s: %s"), venues[self->venue].label, url));
      return;
    }

  set_state (self, LODE_LIQ_STREAM_CONNECTING, 0);

  self->connect_cancellable = g_cancellable_new ();
  /* One deadline for connecting and being acknowledged: a black-holed
   * address or a silent endpoint ends up retried. */
  self->ack_source = add_source (self, g_timeout_source_new (self->ack_timeout_ms), on_ack_timeout,
                                 "[lodestone] liquidation stream ack");

  cd = g_new0 (ConnectData, 1);
  cd->self = g_object_ref (self);
  cd->generation = self->generation;
  soup_session_websocket_connect_async (self->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        self->connect_cancellable, on_connected, cd);
}

static void
lode_liq_stream_dispose (GObject *object)
{
  LodeLiqStream *self = (LodeLiqStream *) object;

  teardown (self);
  clear_source (&self->retry_source);
  clear_source (&self->flush_source);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (lode_liq_stream_parent_class)->dispose (object);
}

static void
lode_liq_stream_finalize (GObject *object)
{
  LodeLiqStream *self = (LodeLiqStream *) object;

  g_free (self->base_url);
  g_clear_pointer (&self->symbols, g_hash_table_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_error (&self->error);
  g_clear_pointer (&self->pending, g_array_unref);
  g_clear_pointer (&self->scratch, g_array_unref);

  G_OBJECT_CLASS (lode_liq_stream_parent_class)->finalize (object);
}

static void
lode_liq_stream_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  LodeLiqStream *self = LODE_LIQ_STREAM (object);

  switch (prop_id)
    {
    case PROP_VENUE:
      g_value_set_string (value, venues[self->venue].id);
      break;

    case PROP_URL:
      g_value_set_string (value, self->base_url);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_NEXT_ATTEMPT_MS:
      g_value_set_int64 (value, self->next_attempt_ms);
      break;

    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lode_liq_stream_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  LodeLiqStream *self = LODE_LIQ_STREAM (object);

  switch (prop_id)
    {
    case PROP_VENUE:
      if (!find_venue (g_value_get_string (value), &self->venue))
        g_critical ("LodeLiqStream: unsupported venue %s", g_value_get_string (value));
      break;

    case PROP_URL:
      g_free (self->base_url);
      self->base_url = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lode_liq_stream_constructed (GObject *object)
{
  LodeLiqStream *self = LODE_LIQ_STREAM (object);

  G_OBJECT_CLASS (lode_liq_stream_parent_class)->constructed (object);

  if (self->base_url == NULL || *self->base_url == '\0')
    {
      g_free (self->base_url);
      self->base_url = g_strdup (venues[self->venue].default_url);
    }

  self->keepalive_ms = self->venue == VENUE_BYBIT ? BYBIT_KEEPALIVE_MS : OKX_KEEPALIVE_MS;
}

static void
lode_liq_stream_class_init (LodeLiqStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lode_liq_stream_dispose;
  object_class->finalize = lode_liq_stream_finalize;
  object_class->constructed = lode_liq_stream_constructed;
  object_class->get_property = lode_liq_stream_get_property;
  object_class->set_property = lode_liq_stream_set_property;

  properties[PROP_VENUE] =
    g_param_spec_string ("venue", NULL, NULL, "binance",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, LODE_TYPE_LIQ_STREAM_STATE,
                       LODE_LIQ_STREAM_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NEXT_ATTEMPT_MS] =
    g_param_spec_int64 ("next-attempt-ms", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LodeLiqStream::prints:
   * @prints: (array length=n_prints): LodeLiqPrint, ascending by time,
   *   valid during the emission only
   * @n_prints: at least 1
   *
   * New prints, at most once per main-loop iteration.
   */
  signals[SIGNAL_PRINTS] =
    g_signal_new ("prints", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_UINT);
}

static void
lode_liq_stream_init (LodeLiqStream *self)
{
  self->symbols = lode_liq_symbols_new ();
  self->pending = g_array_new (FALSE, FALSE, sizeof (LodeLiqPrint));
  self->scratch = g_array_new (FALSE, FALSE, sizeof (LodeLiqPrint));
  self->max_pending = DEFAULT_MAX_PENDING;
  self->backoff_base_ms = DEFAULT_BACKOFF_BASE_MS;
  self->backoff_max_ms = DEFAULT_BACKOFF_MAX_MS;
  self->ack_timeout_ms = DEFAULT_ACK_TIMEOUT_MS;
  /* Built as LodeHttp builds its session: our user agent, the system's
   * proxy settings, TLS through glib-networking with bad certificates
   * refused. */
  self->session = soup_session_new_with_options ("user-agent", "Lodestone/" PACKAGE_VERSION,
                                                 "proxy-resolver", g_proxy_resolver_get_default (),
                                                 NULL);
}

/* Public API */

gboolean
lode_liq_stream_venue_supported (const char  *venue,
                                 GError     **error)
{
  Venue v;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (find_venue (venue, &v))
    return TRUE;

  if (g_strcmp0 (venue, "hyperliquid") == 0)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                         _("Hyperliquid publishes no market-wide liquidation feed: its liquidations are known per account only"));
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                 _("No liquidation feed is known for “%s”"), venue != NULL ? venue : "");

  return FALSE;
}

const char *
lode_liq_stream_default_url (const char *venue)
{
  Venue v;

  return find_venue (venue, &v) ? venues[v].default_url : NULL;
}

LodeLiqStream *
lode_liq_stream_new (const char  *venue,
                     const char  *base_url,
                     GError     **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!lode_liq_stream_venue_supported (venue, error))
    return NULL;

  return g_object_new (LODE_TYPE_LIQ_STREAM, "venue", venue, "url", base_url, NULL);
}

void
lode_liq_stream_add_symbol (LodeLiqStream *self,
                            const char    *symbol,
                            double         contract_value)
{
  g_return_if_fail (LODE_IS_LIQ_STREAM (self));
  g_return_if_fail (symbol != NULL && *symbol != '\0');
  g_return_if_fail (contract_value > 0.0);

  lode_liq_symbols_add (self->symbols, symbol, contract_value);
}

void
lode_liq_stream_start (LodeLiqStream *self)
{
  g_return_if_fail (LODE_IS_LIQ_STREAM (self));

  if (self->state != LODE_LIQ_STREAM_DISCONNECTED && self->state != LODE_LIQ_STREAM_FAILED)
    return;

  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();
  self->attempt = 0;
  set_error (self, NULL);
  connect_now (self);
}

void
lode_liq_stream_stop (LodeLiqStream *self)
{
  g_return_if_fail (LODE_IS_LIQ_STREAM (self));

  teardown (self);
  clear_source (&self->retry_source);
  clear_source (&self->flush_source);
  g_array_set_size (self->pending, 0);
  set_state (self, LODE_LIQ_STREAM_DISCONNECTED, 0);
}

const char *
lode_liq_stream_get_venue (LodeLiqStream *self)
{
  g_return_val_if_fail (LODE_IS_LIQ_STREAM (self), NULL);

  return venues[self->venue].id;
}

const char *
lode_liq_stream_get_url (LodeLiqStream *self)
{
  g_return_val_if_fail (LODE_IS_LIQ_STREAM (self), NULL);

  return self->base_url;
}

LodeLiqStreamState
lode_liq_stream_get_state (LodeLiqStream *self)
{
  g_return_val_if_fail (LODE_IS_LIQ_STREAM (self), LODE_LIQ_STREAM_DISCONNECTED);

  return self->state;
}

gint64
lode_liq_stream_get_next_attempt_ms (LodeLiqStream *self)
{
  g_return_val_if_fail (LODE_IS_LIQ_STREAM (self), 0);

  return self->next_attempt_ms;
}

const GError *
lode_liq_stream_get_error (LodeLiqStream *self)
{
  g_return_val_if_fail (LODE_IS_LIQ_STREAM (self), NULL);

  return self->error;
}

guint64
lode_liq_stream_get_n_prints (LodeLiqStream *self)
{
  g_return_val_if_fail (LODE_IS_LIQ_STREAM (self), 0);

  return self->n_prints;
}

guint64
lode_liq_stream_get_n_malformed (LodeLiqStream *self)
{
  g_return_val_if_fail (LODE_IS_LIQ_STREAM (self), 0);

  return self->n_malformed;
}

guint
lode_liq_stream_get_n_connects (LodeLiqStream *self)
{
  g_return_val_if_fail (LODE_IS_LIQ_STREAM (self), 0);

  return self->n_connects;
}

guint
lode_liq_stream_get_peak_pending (LodeLiqStream *self)
{
  g_return_val_if_fail (LODE_IS_LIQ_STREAM (self), 0);

  return self->peak_pending;
}

void
lode_liq_stream_set_backoff (LodeLiqStream *self,
                             guint          base_ms,
                             guint          max_ms)
{
  g_return_if_fail (LODE_IS_LIQ_STREAM (self));
  g_return_if_fail (base_ms > 0 && max_ms >= base_ms && max_ms < G_MAXINT32);

  self->backoff_base_ms = base_ms;
  self->backoff_max_ms = max_ms;
}

void
lode_liq_stream_set_keepalive_ms (LodeLiqStream *self,
                                  guint          interval_ms)
{
  g_return_if_fail (LODE_IS_LIQ_STREAM (self));

  if (interval_ms == 0)
    interval_ms = self->venue == VENUE_BYBIT ? BYBIT_KEEPALIVE_MS : OKX_KEEPALIVE_MS;
  self->keepalive_ms = interval_ms;
}

void
lode_liq_stream_set_ack_timeout_ms (LodeLiqStream *self,
                                    guint          timeout_ms)
{
  g_return_if_fail (LODE_IS_LIQ_STREAM (self));
  g_return_if_fail (timeout_ms > 0);

  self->ack_timeout_ms = timeout_ms;
}

void
lode_liq_stream_set_max_pending (LodeLiqStream *self,
                                 guint          max_pending)
{
  g_return_if_fail (LODE_IS_LIQ_STREAM (self));
  g_return_if_fail (max_pending > 0);

  self->max_pending = max_pending;
}
