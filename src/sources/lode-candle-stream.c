/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lode-candle-stream.h"
#include "lode-candle-stream-parse.h"
#include "lode-liq-stream-parse.h"

#define BYBIT_KEEPALIVE_MS        20000  /* §2.6: a ping every 20 s */
#define OKX_KEEPALIVE_MS          25000  /* §3.6: ping within 30 s of silence */
#define HYPERLIQUID_KEEPALIVE_MS  50000  /* §4.6: idle close at 60 s; the SDK pings every 50 s */
/* Distinct open times held between two deliveries. A venue pushes one or
 * two per iteration; more means a replay, delivered at once when full. */
#define MAX_PENDING               256

typedef enum
{
  VENUE_BINANCE,
  VENUE_BYBIT,
  VENUE_OKX,
  VENUE_HYPERLIQUID,
} Venue;

static const struct
{
  const char *id;
  const char *label;
  const char *default_url;
} venues[] = {
  [VENUE_BINANCE] = { "binance", "Binance", "wss://fstream.binance.com/market" },
  [VENUE_BYBIT] = { "bybit", "Bybit", "wss://stream.bybit.com/v5/public/linear" },
  [VENUE_OKX] = { "okx", "OKX", "wss://ws.okx.com:8443/ws/v5/business" },
  [VENUE_HYPERLIQUID] = { "hyperliquid", "Hyperliquid", "wss://api.hyperliquid.xyz/ws" },
};

struct _LodeCandleStream
{
  LodeWsStream      parent_instance;

  Venue             venue;
  char             *symbol;
  gint64            interval_ms;
  const char       *interval;  /* the venue's name of interval_ms */

  GArray           *pending;   /* LodeCandleUpdate, ascending and unique by open time */
  GArray           *scratch;   /* one frame's updates */
  guint64           n_updates;

  /* Hyperliquid only: the newest candle seen, closed when a newer one comes. */
  gboolean          have_newest;
  LodeCandle        newest;
};

G_DEFINE_FINAL_TYPE (LodeCandleStream, lode_candle_stream, LODE_TYPE_WS_STREAM)

enum {
  PROP_0,
  PROP_VENUE,
  PROP_SYMBOL,
  PROP_INTERVAL_MS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_CANDLE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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

/* Emits the queue, in open-time order. */
static void
flush (LodeCandleStream *self)
{
  LodeWsStream *ws = LODE_WS_STREAM (self);
  g_autoptr(GArray) batch = NULL;
  guint generation;

  if (self->pending->len == 0)
    return;

  batch = g_steal_pointer (&self->pending);
  self->pending = g_array_new (FALSE, FALSE, sizeof (LodeCandleUpdate));
  generation = lode_ws_stream_get_generation (ws);

  g_object_ref (self);
  for (guint i = 0; i < batch->len; i++)
    {
      const LodeCandleUpdate *u = &g_array_index (batch, LodeCandleUpdate, i);

      self->n_updates++;
      g_signal_emit (self, signals[SIGNAL_CANDLE], 0, &u->candle, u->closed);
      /* A handler stopped the stream: the rest is not wanted. */
      if (lode_ws_stream_get_generation (ws) != generation)
        break;
    }
  g_object_unref (self);
}

/* Keeps the latest state per open time; a candle once closed stays closed. */
static void
merge (LodeCandleStream       *self,
       const LodeCandleUpdate *update)
{
  guint i = self->pending->len;

  /* Updates come in time order nearly always: search from the end. */
  while (i > 0 && g_array_index (self->pending, LodeCandleUpdate, i - 1).candle.time_ms > update->candle.time_ms)
    i--;

  if (i > 0)
    {
      LodeCandleUpdate *last = &g_array_index (self->pending, LodeCandleUpdate, i - 1);

      if (last->candle.time_ms == update->candle.time_ms)
        {
          gboolean closed = last->closed || update->closed;

          *last = *update;
          last->closed = closed;
          return;
        }
    }

  g_array_insert_val (self->pending, i, *update);
}

static void
queue_update (LodeCandleStream *self,
              LodeCandleUpdate *update)
{
  if (self->venue == VENUE_HYPERLIQUID)
    {
      gint64 t = update->candle.time_ms;

      /* The venue never says a candle is final: the next one does. */
      if (!self->have_newest || t > self->newest.time_ms)
        {
          if (self->have_newest)
            {
              LodeCandleUpdate done = { self->newest, TRUE };

              merge (self, &done);
            }
          self->newest = update->candle;
          self->have_newest = TRUE;
          update->closed = FALSE;
        }
      else if (t == self->newest.time_ms)
        {
          self->newest = update->candle;
          update->closed = FALSE;
        }
      else
        {
          update->closed = TRUE;
        }
    }

  merge (self, update);
}

static void
lode_candle_stream_queue_data (LodeWsStream *ws)
{
  LodeCandleStream *self = LODE_CANDLE_STREAM (ws);
  guint generation = lode_ws_stream_get_generation (ws);

  for (guint i = 0; i < self->scratch->len; i++)
    {
      queue_update (self, &g_array_index (self->scratch, LodeCandleUpdate, i));

      /* Full: deliver now rather than grow. */
      if (self->pending->len >= MAX_PENDING)
        {
          flush (self);
          if (lode_ws_stream_get_generation (ws) != generation)
            return;
        }
    }

  /* Otherwise once per main-loop iteration. */
  if (self->pending->len > 0)
    lode_ws_stream_queue_delivery (ws);
}

static gboolean
lode_candle_stream_parse_frame (LodeWsStream  *ws,
                                const char    *text,
                                gsize          length,
                                LodeWsFrame   *kind,
                                GError       **error)
{
  LodeCandleStream *self = LODE_CANDLE_STREAM (ws);

  g_array_set_size (self->scratch, 0);

  switch (self->venue)
    {
    case VENUE_BINANCE:
      return lode_candle_parse_binance (text, length, self->symbol, self->interval, kind,
                                        self->scratch, error);
    case VENUE_BYBIT:
      return lode_candle_parse_bybit (text, length, self->symbol, self->interval, kind,
                                      self->scratch, error);
    case VENUE_OKX:
      return lode_candle_parse_okx (text, length, self->symbol, self->interval, kind,
                                    self->scratch, error);
    case VENUE_HYPERLIQUID:
      return lode_candle_parse_hyperliquid (text, length, self->symbol, self->interval, kind,
                                            self->scratch, error);
    default:
      g_assert_not_reached ();
    }
}

static void
lode_candle_stream_deliver (LodeWsStream *ws)
{
  flush (LODE_CANDLE_STREAM (ws));
}

static void
lode_candle_stream_discard (LodeWsStream *ws)
{
  LodeCandleStream *self = LODE_CANDLE_STREAM (ws);

  g_array_set_size (self->pending, 0);
  self->have_newest = FALSE;
}

static void
lode_candle_stream_subscribe (LodeWsStream *ws)
{
  LodeCandleStream *self = LODE_CANDLE_STREAM (ws);
  g_autofree char *message = NULL;

  switch (self->venue)
    {
    case VENUE_BINANCE:
      /* The path carries the stream already; the SUBSCRIBE is for its ack,
       * which a quiet market would otherwise not give before the deadline. */
      message = lode_candle_binance_subscribe (1, self->symbol, self->interval);
      break;
    case VENUE_BYBIT:
      message = lode_candle_bybit_subscribe ("lode-kline", self->symbol, self->interval);
      break;
    case VENUE_OKX:
      message = lode_candle_okx_subscribe ("lode-kline", self->symbol, self->interval);
      break;
    case VENUE_HYPERLIQUID:
      message = lode_candle_hyperliquid_subscribe (self->symbol, self->interval);
      break;
    default:
      g_assert_not_reached ();
    }

  lode_ws_stream_send_text (ws, message);
}

static char *
lode_candle_stream_connection_url (LodeWsStream  *ws,
                                   GError       **error)
{
  LodeCandleStream *self = LODE_CANDLE_STREAM (ws);
  const char *base = lode_ws_stream_get_url (ws);

  switch (self->venue)
    {
    case VENUE_BINANCE:
      return lode_candle_binance_url (base, self->symbol, self->interval);
    case VENUE_OKX:
      return lode_candle_okx_url (base);
    case VENUE_BYBIT:
    case VENUE_HYPERLIQUID:
    default:
      return g_strdup (base);
    }
}

static void
lode_candle_stream_finalize (GObject *object)
{
  LodeCandleStream *self = (LodeCandleStream *) object;

  g_free (self->symbol);
  g_clear_pointer (&self->pending, g_array_unref);
  g_clear_pointer (&self->scratch, g_array_unref);

  G_OBJECT_CLASS (lode_candle_stream_parent_class)->finalize (object);
}

static void
lode_candle_stream_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  LodeCandleStream *self = LODE_CANDLE_STREAM (object);

  switch (prop_id)
    {
    case PROP_VENUE:
      g_value_set_string (value, venues[self->venue].id);
      break;

    case PROP_SYMBOL:
      g_value_set_string (value, self->symbol);
      break;

    case PROP_INTERVAL_MS:
      g_value_set_int64 (value, self->interval_ms);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lode_candle_stream_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  LodeCandleStream *self = LODE_CANDLE_STREAM (object);

  switch (prop_id)
    {
    case PROP_VENUE:
      if (!find_venue (g_value_get_string (value), &self->venue))
        g_critical ("LodeCandleStream: unsupported venue %s", g_value_get_string (value));
      break;

    case PROP_SYMBOL:
      g_free (self->symbol);
      self->symbol = g_value_dup_string (value);
      break;

    case PROP_INTERVAL_MS:
      self->interval_ms = g_value_get_int64 (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lode_candle_stream_constructed (GObject *object)
{
  LodeCandleStream *self = LODE_CANDLE_STREAM (object);
  LodeWsStream *ws = LODE_WS_STREAM (object);
  const char *label = venues[self->venue].label;
  const char *url = venues[self->venue].default_url;

  G_OBJECT_CLASS (lode_candle_stream_parent_class)->constructed (object);

  self->interval = lode_candle_interval_name (venues[self->venue].id, self->interval_ms);
  if (self->interval == NULL || self->symbol == NULL || *self->symbol == '\0')
    g_critical ("LodeCandleStream: no %s stream of “%s” at %" G_GINT64_FORMAT " ms",
                label, self->symbol != NULL ? self->symbol : "", self->interval_ms);

  switch (self->venue)
    {
    case VENUE_BINANCE:
      lode_ws_stream_setup (ws, label, url, LODE_WS_HEARTBEAT_NONE, 0, NULL);
      break;

    case VENUE_BYBIT:
      {
        g_autofree char *ping = lode_liq_bybit_ping ("lode-hb");

        lode_ws_stream_setup (ws, label, url, LODE_WS_HEARTBEAT_PERIODIC, BYBIT_KEEPALIVE_MS, ping);
      }
      break;

    case VENUE_OKX:
      lode_ws_stream_setup (ws, label, url, LODE_WS_HEARTBEAT_ON_SILENCE, OKX_KEEPALIVE_MS, "ping");
      break;

    case VENUE_HYPERLIQUID:
      lode_ws_stream_setup (ws, label, url, LODE_WS_HEARTBEAT_PERIODIC, HYPERLIQUID_KEEPALIVE_MS,
                            "{\"method\":\"ping\"}");
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
lode_candle_stream_class_init (LodeCandleStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  LodeWsStreamClass *ws_class = LODE_WS_STREAM_CLASS (klass);

  object_class->finalize = lode_candle_stream_finalize;
  object_class->constructed = lode_candle_stream_constructed;
  object_class->get_property = lode_candle_stream_get_property;
  object_class->set_property = lode_candle_stream_set_property;

  ws_class->connection_url = lode_candle_stream_connection_url;
  ws_class->subscribe = lode_candle_stream_subscribe;
  ws_class->parse_frame = lode_candle_stream_parse_frame;
  ws_class->queue_data = lode_candle_stream_queue_data;
  ws_class->deliver = lode_candle_stream_deliver;
  ws_class->discard = lode_candle_stream_discard;

  properties[PROP_VENUE] =
    g_param_spec_string ("venue", NULL, NULL, "binance",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SYMBOL] =
    g_param_spec_string ("symbol", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_INTERVAL_MS] =
    g_param_spec_int64 ("interval-ms", NULL, NULL, 0, G_MAXINT64, 60000,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LodeCandleStream::candle:
   * @candle: (type gpointer): the LodeCandle, valid during the emission only
   * @closed: whether the candle is final
   *
   * A candle changed. Within one main-loop iteration each open time is
   * emitted once (its latest state), in ascending open time.
   */
  signals[SIGNAL_CANDLE] =
    g_signal_new ("candle", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_BOOLEAN);
}

static void
lode_candle_stream_init (LodeCandleStream *self)
{
  self->pending = g_array_new (FALSE, FALSE, sizeof (LodeCandleUpdate));
  self->scratch = g_array_new (FALSE, FALSE, sizeof (LodeCandleUpdate));
}

/* Public API */

const char *
lode_candle_stream_default_url (const char *venue)
{
  Venue v;

  return find_venue (venue, &v) ? venues[v].default_url : NULL;
}

LodeCandleStream *
lode_candle_stream_new (const char  *venue,
                        const char  *base_url,
                        const char  *symbol,
                        gint64       interval_ms,
                        GError     **error)
{
  Venue v;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!find_venue (venue, &v))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("No candle stream is known for “%s”"), venue != NULL ? venue : "");
      return NULL;
    }

  if (symbol == NULL || *symbol == '\0')
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_INVALID_ARGUMENT,
                   _("A %s candle stream needs a symbol"), venues[v].label);
      return NULL;
    }

  if (lode_candle_interval_name (venue, interval_ms) == NULL)
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_INVALID_ARGUMENT,
                   /* TRANSLATORS: "OKX has no live candles of 120000 ms" */
                   _("%s has no live candles of %lld ms"),
                   venues[v].label, (long long) interval_ms);
      return NULL;
    }

  return g_object_new (LODE_TYPE_CANDLE_STREAM,
                       "venue", venue,
                       "url", base_url,
                       "symbol", symbol,
                       "interval-ms", interval_ms,
                       NULL);
}

void
lode_candle_stream_start (LodeCandleStream *self)
{
  g_return_if_fail (LODE_IS_CANDLE_STREAM (self));

  lode_ws_stream_start (LODE_WS_STREAM (self));
}

void
lode_candle_stream_stop (LodeCandleStream *self)
{
  g_return_if_fail (LODE_IS_CANDLE_STREAM (self));

  lode_ws_stream_stop (LODE_WS_STREAM (self));
}

const char *
lode_candle_stream_get_venue (LodeCandleStream *self)
{
  g_return_val_if_fail (LODE_IS_CANDLE_STREAM (self), NULL);

  return venues[self->venue].id;
}

const char *
lode_candle_stream_get_symbol (LodeCandleStream *self)
{
  g_return_val_if_fail (LODE_IS_CANDLE_STREAM (self), NULL);

  return self->symbol;
}

gint64
lode_candle_stream_get_interval_ms (LodeCandleStream *self)
{
  g_return_val_if_fail (LODE_IS_CANDLE_STREAM (self), 0);

  return self->interval_ms;
}

LodeWsStreamState
lode_candle_stream_get_state (LodeCandleStream *self)
{
  g_return_val_if_fail (LODE_IS_CANDLE_STREAM (self), LODE_WS_STREAM_DISCONNECTED);

  return lode_ws_stream_get_state (LODE_WS_STREAM (self));
}

const GError *
lode_candle_stream_get_error (LodeCandleStream *self)
{
  g_return_val_if_fail (LODE_IS_CANDLE_STREAM (self), NULL);

  return lode_ws_stream_get_error (LODE_WS_STREAM (self));
}

guint64
lode_candle_stream_get_n_updates (LodeCandleStream *self)
{
  g_return_val_if_fail (LODE_IS_CANDLE_STREAM (self), 0);

  return self->n_updates;
}
