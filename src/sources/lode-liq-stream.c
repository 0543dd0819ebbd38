/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "lode-liq-stream.h"
#include "lode-liq-stream-parse.h"

#define BYBIT_KEEPALIVE_MS        20000  /* §2.6: a ping every 20 s */
#define OKX_KEEPALIVE_MS          25000  /* §3.6: ping within 30 s of silence */
#define DEFAULT_MAX_PENDING       4096

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

/* The public enum mirrors LodeWsStreamState, whose values the base keeps. */
G_STATIC_ASSERT ((int) LODE_LIQ_STREAM_DISCONNECTED == (int) LODE_WS_STREAM_DISCONNECTED);
G_STATIC_ASSERT ((int) LODE_LIQ_STREAM_CONNECTING == (int) LODE_WS_STREAM_CONNECTING);
G_STATIC_ASSERT ((int) LODE_LIQ_STREAM_CONNECTED == (int) LODE_WS_STREAM_CONNECTED);
G_STATIC_ASSERT ((int) LODE_LIQ_STREAM_RECONNECTING == (int) LODE_WS_STREAM_RECONNECTING);
G_STATIC_ASSERT ((int) LODE_LIQ_STREAM_FAILED == (int) LODE_WS_STREAM_FAILED);

struct _LodeLiqStream
{
  LodeWsStream     parent_instance;

  Venue            venue;
  LodeLiqSymbols  *symbols;

  GArray          *pending;  /* LodeLiqPrint, at most max_pending */
  GArray          *scratch;  /* one frame's prints */
  guint            max_pending;
  guint            peak_pending;
  guint64          n_prints;
};

G_DEFINE_FINAL_TYPE (LodeLiqStream, lode_liq_stream, LODE_TYPE_WS_STREAM)

enum {
  PROP_0,
  PROP_VENUE,
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

static void
queue_prints (LodeLiqStream      *self,
              const LodeLiqPrint *prints,
              guint               n)
{
  LodeWsStream *ws = LODE_WS_STREAM (self);
  guint generation = lode_ws_stream_get_generation (ws);

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
          if (lode_ws_stream_get_generation (ws) != generation)
            return;
        }
    }

  /* Otherwise once per main-loop iteration. */
  if (self->pending->len > 0)
    lode_ws_stream_queue_delivery (ws);
}

static gboolean
lode_liq_stream_parse_frame (LodeWsStream  *ws,
                             const char    *text,
                             gsize          length,
                             LodeWsFrame   *kind,
                             GError       **error)
{
  LodeLiqStream *self = LODE_LIQ_STREAM (ws);
  LodeLiqFrame liq_kind = LODE_LIQ_FRAME_IGNORED;
  gboolean ok;

  g_array_set_size (self->scratch, 0);

  switch (self->venue)
    {
    case VENUE_BINANCE:
      /* Nothing asked for: the whole market. */
      ok = lode_liq_parse_binance (text, length,
                                   g_hash_table_size (self->symbols) > 0 ? self->symbols : NULL,
                                   &liq_kind, self->scratch, error);
      break;
    case VENUE_BYBIT:
      ok = lode_liq_parse_bybit (text, length, self->symbols, &liq_kind, self->scratch, error);
      break;
    case VENUE_OKX:
      ok = lode_liq_parse_okx (text, length, self->symbols, &liq_kind, self->scratch, error);
      break;
    default:
      g_assert_not_reached ();
    }

  switch (liq_kind)
    {
    case LODE_LIQ_FRAME_PRINTS:
      *kind = LODE_WS_FRAME_DATA;
      break;
    case LODE_LIQ_FRAME_SUBSCRIBED:
      *kind = LODE_WS_FRAME_SUBSCRIBED;
      break;
    case LODE_LIQ_FRAME_PONG:
      *kind = LODE_WS_FRAME_PONG;
      break;
    case LODE_LIQ_FRAME_IGNORED:
    default:
      *kind = LODE_WS_FRAME_IGNORED;
      break;
    }

  return ok;
}

static void
lode_liq_stream_queue_data (LodeWsStream *ws)
{
  LodeLiqStream *self = LODE_LIQ_STREAM (ws);

  queue_prints (self, (const LodeLiqPrint *) self->scratch->data, self->scratch->len);
}

static void
lode_liq_stream_deliver (LodeWsStream *ws)
{
  flush (LODE_LIQ_STREAM (ws));
}

static void
lode_liq_stream_discard (LodeWsStream *ws)
{
  g_array_set_size (LODE_LIQ_STREAM (ws)->pending, 0);
}

static void
lode_liq_stream_subscribe (LodeWsStream *ws)
{
  LodeLiqStream *self = LODE_LIQ_STREAM (ws);
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

  lode_ws_stream_send_text (ws, message);
}

static char *
lode_liq_stream_connection_url (LodeWsStream  *ws,
                                GError       **error)
{
  LodeLiqStream *self = LODE_LIQ_STREAM (ws);

  /* Bybit has no all-market topic (§2.6). */
  if (self->venue == VENUE_BYBIT && g_hash_table_size (self->symbols) == 0)
    {
      g_set_error_literal (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_INVALID_ARGUMENT,
                           _("Bybit liquidations need at least one symbol"));
      return NULL;
    }

  if (self->venue == VENUE_BINANCE)
    return lode_liq_binance_url (lode_ws_stream_get_url (ws));

  return g_strdup (lode_ws_stream_get_url (ws));
}

static void
lode_liq_stream_finalize (GObject *object)
{
  LodeLiqStream *self = (LodeLiqStream *) object;

  g_clear_pointer (&self->symbols, g_hash_table_unref);
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

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lode_liq_stream_constructed (GObject *object)
{
  LodeLiqStream *self = LODE_LIQ_STREAM (object);
  LodeWsStream *ws = LODE_WS_STREAM (object);

  G_OBJECT_CLASS (lode_liq_stream_parent_class)->constructed (object);

  switch (self->venue)
    {
    case VENUE_BINANCE:
      /* The server pings; libsoup answers. */
      lode_ws_stream_setup (ws, venues[self->venue].label, venues[self->venue].default_url,
                            LODE_WS_HEARTBEAT_NONE, OKX_KEEPALIVE_MS, NULL);
      break;

    case VENUE_BYBIT:
      {
        g_autofree char *ping = lode_liq_bybit_ping ("lode-hb");

        lode_ws_stream_setup (ws, venues[self->venue].label, venues[self->venue].default_url,
                              LODE_WS_HEARTBEAT_PERIODIC, BYBIT_KEEPALIVE_MS, ping);
      }
      break;

    case VENUE_OKX:
      lode_ws_stream_setup (ws, venues[self->venue].label, venues[self->venue].default_url,
                            LODE_WS_HEARTBEAT_ON_SILENCE, OKX_KEEPALIVE_MS, "ping");
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
lode_liq_stream_class_init (LodeLiqStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  LodeWsStreamClass *ws_class = LODE_WS_STREAM_CLASS (klass);

  object_class->finalize = lode_liq_stream_finalize;
  object_class->constructed = lode_liq_stream_constructed;
  object_class->get_property = lode_liq_stream_get_property;
  object_class->set_property = lode_liq_stream_set_property;

  ws_class->connection_url = lode_liq_stream_connection_url;
  ws_class->subscribe = lode_liq_stream_subscribe;
  ws_class->parse_frame = lode_liq_stream_parse_frame;
  ws_class->queue_data = lode_liq_stream_queue_data;
  ws_class->deliver = lode_liq_stream_deliver;
  ws_class->discard = lode_liq_stream_discard;

  properties[PROP_VENUE] =
    g_param_spec_string ("venue", NULL, NULL, "binance",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

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

  lode_ws_stream_start (LODE_WS_STREAM (self));
}

void
lode_liq_stream_stop (LodeLiqStream *self)
{
  g_return_if_fail (LODE_IS_LIQ_STREAM (self));

  lode_ws_stream_stop (LODE_WS_STREAM (self));
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

  return lode_ws_stream_get_url (LODE_WS_STREAM (self));
}

LodeLiqStreamState
lode_liq_stream_get_state (LodeLiqStream *self)
{
  g_return_val_if_fail (LODE_IS_LIQ_STREAM (self), LODE_LIQ_STREAM_DISCONNECTED);

  return (LodeLiqStreamState) lode_ws_stream_get_state (LODE_WS_STREAM (self));
}

gint64
lode_liq_stream_get_next_attempt_ms (LodeLiqStream *self)
{
  g_return_val_if_fail (LODE_IS_LIQ_STREAM (self), 0);

  return lode_ws_stream_get_next_attempt_ms (LODE_WS_STREAM (self));
}

const GError *
lode_liq_stream_get_error (LodeLiqStream *self)
{
  g_return_val_if_fail (LODE_IS_LIQ_STREAM (self), NULL);

  return lode_ws_stream_get_error (LODE_WS_STREAM (self));
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

  return lode_ws_stream_get_n_malformed (LODE_WS_STREAM (self));
}

guint
lode_liq_stream_get_n_connects (LodeLiqStream *self)
{
  g_return_val_if_fail (LODE_IS_LIQ_STREAM (self), 0);

  return lode_ws_stream_get_n_connects (LODE_WS_STREAM (self));
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

  lode_ws_stream_set_backoff (LODE_WS_STREAM (self), base_ms, max_ms);
}

void
lode_liq_stream_set_keepalive_ms (LodeLiqStream *self,
                                  guint          interval_ms)
{
  g_return_if_fail (LODE_IS_LIQ_STREAM (self));

  lode_ws_stream_set_keepalive_ms (LODE_WS_STREAM (self), interval_ms);
}

void
lode_liq_stream_set_ack_timeout_ms (LodeLiqStream *self,
                                    guint          timeout_ms)
{
  g_return_if_fail (LODE_IS_LIQ_STREAM (self));

  lode_ws_stream_set_ack_timeout_ms (LODE_WS_STREAM (self), timeout_ms);
}

void
lode_liq_stream_set_max_pending (LodeLiqStream *self,
                                 guint          max_pending)
{
  g_return_if_fail (LODE_IS_LIQ_STREAM (self));
  g_return_if_fail (max_pending > 0);

  self->max_pending = max_pending;
}
