/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <glib/gi18n-lib.h>
#include <string.h>

#include "lode-book.h"
#include "lode-confluence.h"
#include "lode-data-controller.h"
#include "lode-demo-source.h"
#include "lode-file-source.h"
#include "lode-http.h"
#include "lode-interval.h"
#include "lode-candle-stream.h"
#include "lode-liq-stream.h"
#include "lode-source.h"
#include "lode-store.h"
#include "lode-venue-loader.h"

#define DAY_MS G_GINT64_CONSTANT (86400000)
/* Prints kept in memory for the chart (older ones stay in the store). */
#define MAX_PRINTS 20000
/* New prints are published (and stored) together at most this often: each
 * publication copies the kept ones, and a flood brings a batch every
 * main-loop iteration. */
#define PRINTS_PUBLISH_MS 50

struct _LodeDataController
{
  GObject          parent_instance;

  /* Inputs. */
  char            *source;
  char            *file;
  char            *symbol;
  char           **merge_venues;
  char            *interval;
  char            *tiers;
  double           mmr;
  guint            lookback;
  guint            refresh_interval;
  guint            demo_days;     /* 0 = demo_days_for () the interval */
  char            *store_path;
  GHashTable      *base_urls;     /* venue id → URL */
  gint64           now_ms;
  LodeConfluenceParams confluence_params;

  /* Outputs. */
  LodeSnapshot    *snapshot;
  char            *error;
  char            *notice;
  char            *source_label;
  gboolean         loading;
  double           progress;
  char            *progress_text;
  gint64           updated;
  LodeBook        *book;          /* merged order books of the venues, or NULL */
  GArray          *prints;        /* LodeLiqPrint, ascending, at most MAX_PRINTS */
  GArray          *incoming;      /* LodeLiqPrint received, not yet published */
  guint            publish_source;
  GPtrArray       *streams;       /* LodeLiqStream of the venues shown */
  char            *streams_key;   /* which venues and symbols they follow */
  char            *stream_state;
  GHashTable      *stream_urls;   /* venue id → websocket base */
  GCancellable    *prints_cancellable;
  LodeCandleStream *candle_stream;  /* the primary venue's live candles */
  char            *candle_key;
  LodeCandle      *live_candle;
  GArray          *confluence;    /* LodeConfluenceZone of snapshot × book */
  GCancellable    *depth_cancellable;

  /* The markets of the last load (primary first) and their labels, reused
   * while only the model's parameters change; market_key says which
   * inputs made them. */
  GPtrArray       *markets;
  GPtrArray       *labels;
  char            *market_key;

  LodeHttp        *http;
  LodeStore       *store;
  guint64          store_max_bytes;  /* 0 = the store's default */
  gboolean         store_opening;
  gboolean         store_failed;

  GCancellable    *cancellable;
  guint            rebuild_source;
  guint            refresh_source;
  gboolean         force_reload;
};

G_DEFINE_FINAL_TYPE (LodeDataController, lode_data_controller, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SOURCE,
  PROP_FILE,
  PROP_SYMBOL,
  PROP_MERGE_VENUES,
  PROP_INTERVAL,
  PROP_TIERS,
  PROP_MMR,
  PROP_LOOKBACK,
  PROP_REFRESH_INTERVAL,
  PROP_DEMO_DAYS,
  PROP_STORE_PATH,
  PROP_SNAPSHOT,
  PROP_LOADING,
  PROP_PROGRESS,
  PROP_PROGRESS_TEXT,
  PROP_UPDATED,
  PROP_ERROR,
  PROP_NOTICE,
  PROP_SOURCE_LABEL,
  PROP_BOOK,
  PROP_CONFLUENCE,
  PROP_WALL_MULTIPLE,
  PROP_CLUSTER_SHARE,
  PROP_PRINTS,
  PROP_STREAM_STATE,
  PROP_LIVE_CANDLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void queue_rebuild (LodeDataController *self);

static gboolean
is_venue (const char *source)
{
  const char * const *ids = lode_source_list_ids ();

  return source != NULL && g_strv_contains (ids, source);
}

/* How much history a live load asks for: enough candles for the heatmap
 * to build up, few enough pages for a quick first load. */
static gint64
history_ms_for (gint64 interval_ms)
{
  if (interval_ms <= 60 * 1000)
    return 2 * DAY_MS;
  if (interval_ms <= 5 * 60 * 1000)
    return 7 * DAY_MS;
  if (interval_ms <= 15 * 60 * 1000)
    return 14 * DAY_MS;
  if (interval_ms <= 60 * 60 * 1000)
    return 30 * DAY_MS;
  if (interval_ms <= 4 * 60 * 60 * 1000)
    return 90 * DAY_MS;
  return 365 * DAY_MS;
}

/* The demo's length: about 30 days where that still gives enough candles
 * to read a heatmap, more for the coarse intervals. */
static guint
demo_days_for (gint64 interval_ms)
{
  if (interval_ms >= DAY_MS)
    return 365;
  if (interval_ms >= 4 * 60 * 60 * 1000)
    return 120;
  return LODE_DEMO_DEFAULT_DAYS;
}

char *
lode_data_controller_map_symbol (const char *venue,
                                 const char *symbol)
{
  static const char * const quotes[] = { "USDT", "USDC", "PERP", "USD", NULL };
  g_autofree char *asset = NULL;
  const char *dash;

  g_return_val_if_fail (venue != NULL, NULL);
  g_return_val_if_fail (symbol != NULL, NULL);

  /* The base asset: BTC-USDT-SWAP → BTC, BTCUSDT → BTC, BTC → BTC. */
  if ((dash = strchr (symbol, '-')) != NULL)
    asset = g_strndup (symbol, dash - symbol);
  else
    {
      asset = g_strdup (symbol);
      for (guint i = 0; quotes[i] != NULL; i++)
        {
          if (g_str_has_suffix (asset, quotes[i]) && strlen (asset) > strlen (quotes[i]))
            {
              asset[strlen (asset) - strlen (quotes[i])] = '\0';
              break;
            }
        }
    }

  if (g_str_equal (venue, "okx"))
    return g_strdup_printf ("%s-USDT-SWAP", asset);
  if (g_str_equal (venue, "hyperliquid"))
    return g_steal_pointer (&asset);

  return g_strdup_printf ("%sUSDT", asset);
}

/* Build jobs ------------------------------------------------------------ */

/* What the worker needs; it owns all of it. */
typedef struct
{
  char            *source;
  char            *file;
  char            *symbol;
  gint64           interval_ms;
  guint            demo_days;
  LodeModelParams  params;
  GPtrArray       *markets;  /* LodeMarket, primary first; empty: load demo/file */
  GPtrArray       *labels;
  char            *warning;  /* shown with the result: stored data, a venue missing */
  gboolean         market_changed;  /* another market than the last one's */
  gint             cancel;   /* set from the GCancellable, polled by the model */
  gulong           cancel_id;
  GCancellable    *cancellable;
} BuildJob;

typedef struct
{
  GPtrArray    *markets;
  GPtrArray    *labels;
  LodeSnapshot *snapshot;
} BuildResult;

static void
build_job_free (BuildJob *job)
{
  if (job->cancel_id != 0)
    g_cancellable_disconnect (job->cancellable, job->cancel_id);
  g_clear_object (&job->cancellable);
  g_free (job->source);
  g_free (job->file);
  g_free (job->symbol);
  g_free (job->warning);
  g_clear_pointer (&job->markets, g_ptr_array_unref);
  g_clear_pointer (&job->labels, g_ptr_array_unref);
  g_free (job);
}

static void
build_result_free (BuildResult *result)
{
  g_clear_pointer (&result->markets, g_ptr_array_unref);
  g_clear_pointer (&result->labels, g_ptr_array_unref);
  g_clear_pointer (&result->snapshot, lode_snapshot_unref);
  g_free (result);
}

static GPtrArray *
markets_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) lode_market_unref);
}

static void
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  BuildJob *job = user_data;

  g_atomic_int_set (&job->cancel, 1);
}

/* Workers run below the main thread: on a machine with few cores a model
 * build or a raster competes with the UI for the CPU, and the UI must win
 * (issue #7, no freeze). GTask's pool threads are reused and a thread
 * cannot raise itself back, so a pool thread stays lowered: all work there
 * is background work (builds, rasters, store writes). */
static void
lower_thread_priority (void)
{
#ifdef __linux__
  setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), 10);
#endif
}

/* The demo or a CSV file, loaded in the worker. */
static gboolean
load_local_market (BuildJob  *job,
                   GError   **error)
{
  LodeMarket *market;

  if (g_strcmp0 (job->source, "file") == 0)
    {
      if (job->file == NULL || *job->file == '\0')
        {
          g_set_error_literal (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_INVALID_ARGUMENT,
                               _("No CSV file is chosen"));
          return FALSE;
        }
      market = lode_file_source_load (job->file, error);
      g_ptr_array_add (job->labels, g_path_get_basename (job->file));
    }
  else
    {
      LodeDemoParams params;

      lode_demo_params_init_default (&params);
      params.interval_ms = job->interval_ms;
      params.days = job->demo_days;
      market = lode_demo_market_generate (&params, error);
      g_ptr_array_add (job->labels, g_strdup (lode_demo_source_get_label ()));
    }

  if (market == NULL)
    return FALSE;

  g_ptr_array_add (job->markets, market);
  return TRUE;
}

static void
build_worker (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  BuildJob *job = task_data;
  g_autofree LodeVenueModel *venues = NULL;
  g_autoptr(GPtrArray) models = g_ptr_array_new_with_free_func ((GDestroyNotify) lode_liq_model_unref);
  g_autoptr(GError) error = NULL;
  BuildResult *result;

  lower_thread_priority ();

  if (job->markets->len == 0 && !load_local_market (job, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  /* §9: each venue's series runs through the model on its own. */
  venues = g_new0 (LodeVenueModel, job->markets->len);
  for (guint i = 0; i < job->markets->len; i++)
    {
      LodeLiqModel *model = lode_liq_model_build (g_ptr_array_index (job->markets, i),
                                                  &job->params, &job->cancel, &error);

      if (model == NULL)
        {
          if (g_error_matches (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_CANCELLED))
            g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", error->message);
          else
            g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_ptr_array_add (models, model);
      venues[i].label = g_ptr_array_index (job->labels, i);
      venues[i].model = model;
    }

  result = g_new0 (BuildResult, 1);
  result->snapshot = lode_snapshot_new (venues, job->markets->len, job->symbol);
  result->markets = g_ptr_array_ref (job->markets);
  result->labels = g_ptr_array_ref (job->labels);
  g_task_return_pointer (task, result, (GDestroyNotify) build_result_free);
}

/* State ------------------------------------------------------------------ */

static char *
market_key (LodeDataController *self)
{
  g_autofree char *merged = self->merge_venues ? g_strjoinv (",", self->merge_venues) : NULL;

  return g_strdup_printf ("%s\n%s\n%s\n%s\n%s", self->source,
                          g_strcmp0 (self->source, "file") == 0 ? self->file : "",
                          is_venue (self->source) ? self->symbol : "",
                          is_venue (self->source) && merged ? merged : "",
                          self->interval);
}

static void
set_loading (LodeDataController *self,
             gboolean            loading)
{
  if (self->loading == loading)
    return;

  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
set_string_output (LodeDataController  *self,
                   char               **field,
                   const char          *value,
                   guint                prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_error (LodeDataController *self,
           const char         *message)
{
  set_string_output (self, &self->error, message, PROP_ERROR);
}

static void
set_progress (LodeDataController *self,
              double              fraction,
              const char         *text)
{
  if (self->progress != fraction)
    {
      self->progress = fraction;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
    }
  set_string_output (self, &self->progress_text, text, PROP_PROGRESS_TEXT);
}

static char *
label_for (GPtrArray *labels)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < labels->len; i++)
    {
      if (i > 0)
        g_string_append (text, " + ");
      g_string_append (text, g_ptr_array_index (labels, i));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Confluence (issue #6): where a depth wall and a bright cluster meet.
 * Small (hundreds of rows): computed here whenever either side changes. */
static void
update_confluence (LodeDataController *self)
{
  g_autoptr(LodeDepthProfile) depth = NULL;

  g_clear_pointer (&self->confluence, g_array_unref);
  if (self->book != NULL && self->snapshot != NULL)
    {
      depth = lode_depth_profile_new_default (self->book,
                                              lode_level_set_get_close (lode_snapshot_get_current (self->snapshot)));
      self->confluence = lode_confluence_find (lode_snapshot_get_clusters (self->snapshot),
                                               depth, &self->confluence_params);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONFLUENCE]);
}

static void
set_book (LodeDataController *self,
          LodeBook           *book)
{
  if (self->book == book)
    return;

  g_clear_pointer (&self->book, lode_book_unref);
  self->book = book ? lode_book_ref (book) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BOOK]);
  update_confluence (self);
}

/* A venue's depth snapshot as the model's book: notional = price × size. */
static LodeBook *
book_from_depth (const LodeDepth *depth)
{
  g_autoptr(GArray) bids = g_array_sized_new (FALSE, FALSE, sizeof (LodeBookLevel), depth->bids->len);
  g_autoptr(GArray) asks = g_array_sized_new (FALSE, FALSE, sizeof (LodeBookLevel), depth->asks->len);

  for (guint i = 0; i < depth->bids->len; i++)
    {
      const LodeDepthLevel *l = &g_array_index (depth->bids, LodeDepthLevel, i);
      LodeBookLevel level = { l->price, l->price * l->size_base };

      g_array_append_val (bids, level);
    }
  for (guint i = 0; i < depth->asks->len; i++)
    {
      const LodeDepthLevel *l = &g_array_index (depth->asks, LodeDepthLevel, i);
      LodeBookLevel level = { l->price, l->price * l->size_base };

      g_array_append_val (asks, level);
    }

  return lode_book_new ((const LodeBookLevel *) bids->data, bids->len,
                        (const LodeBookLevel *) asks->data, asks->len, depth->time_ms);
}

typedef struct
{
  LodeDataController *self;
  GCancellable       *cancellable;
  GPtrArray          *books;   /* LodeBook */
  guint               pending;
} DepthBatch;

static void
on_depth (GObject      *object,
          GAsyncResult *res,
          gpointer      user_data)
{
  DepthBatch *batch = user_data;
  g_autoptr(LodeDepth) depth = lode_source_fetch_depth_finish (LODE_SOURCE (object), res, NULL);

  /* A venue without a book this time just adds nothing: a book is never
   * invented, and the cascade says when it has none. */
  if (depth != NULL)
    g_ptr_array_add (batch->books, book_from_depth (depth));

  if (--batch->pending > 0)
    return;

  if (!g_cancellable_is_cancelled (batch->cancellable))
    {
      g_autoptr(LodeBook) merged = NULL;

      if (batch->books->len > 0)
        merged = lode_book_merge ((LodeBook *const *) batch->books->pdata, batch->books->len);
      set_book (batch->self, merged);
    }

  g_object_unref (batch->self);
  g_object_unref (batch->cancellable);
  g_ptr_array_unref (batch->books);
  g_free (batch);
}

static LodeSource *source_for (LodeDataController *self,
                               const char         *id);

/* Polls the books of the venues shown (largest public depth). */
static void
fetch_depth (LodeDataController *self)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  DepthBatch *batch;

  if (self->depth_cancellable != NULL)
    g_cancellable_cancel (self->depth_cancellable);
  g_clear_object (&self->depth_cancellable);

  if (!is_venue (self->source))
    {
      set_book (self, NULL);
      return;
    }

  g_ptr_array_add (ids, self->source);
  for (guint i = 0; self->merge_venues != NULL && self->merge_venues[i] != NULL; i++)
    if (is_venue (self->merge_venues[i]) && !g_str_equal (self->merge_venues[i], self->source))
      g_ptr_array_add (ids, self->merge_venues[i]);

  self->depth_cancellable = g_cancellable_new ();
  batch = g_new0 (DepthBatch, 1);
  batch->self = g_object_ref (self);
  batch->cancellable = g_object_ref (self->depth_cancellable);
  batch->books = g_ptr_array_new_with_free_func ((GDestroyNotify) lode_book_unref);
  batch->pending = ids->len;

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(LodeSource) source = source_for (self, g_ptr_array_index (ids, i));
      g_autofree char *symbol = lode_data_controller_map_symbol (g_ptr_array_index (ids, i), self->symbol);

      lode_source_fetch_depth_async (source, symbol, batch->cancellable, on_depth, batch);
    }
}

/* Live liquidation prints (issue #6) ----------------------------------------- */

/* Appends @n of @src to @dest, less the first *@skip of them (which are
 * counted off). */
static void
append_run (GArray             *dest,
            const LodeLiqPrint *src,
            guint               n,
            guint              *skip)
{
  guint drop = MIN (n, *skip);

  *skip -= drop;
  if (n > drop)
    g_array_append_vals (dest, src + drop, n - drop);
}

/* Publishes @prints (ascending) merged into the current ones as a new
 * array: holders of the old one (the chart, an export or accuracy worker)
 * keep reading an array that never changes under them. Linear, in runs:
 * new prints are mostly newer than all the kept ones. */
static void
append_prints (LodeDataController *self,
               const LodeLiqPrint *prints,
               guint               n)
{
  const LodeLiqPrint *old = self->prints != NULL ? (const LodeLiqPrint *) self->prints->data : NULL;
  guint n_old = self->prints != NULL ? self->prints->len : 0;
  guint total = n_old + n;
  /* The oldest beyond MAX_PRINTS are not kept. */
  guint skip = total > MAX_PRINTS ? total - MAX_PRINTS : 0;
  GArray *next = g_array_sized_new (FALSE, FALSE, sizeof (LodeLiqPrint), total - skip);
  guint i = 0, j = 0;

  while (i < n_old && j < n)
    {
      guint run;

      /* Among equal times the kept ones first, as a stable sort would. */
      for (run = 0; i + run < n_old && old[i + run].time_ms <= prints[j].time_ms; run++)
        ;
      append_run (next, old + i, run, &skip);
      i += run;
      if (i == n_old)
        break;

      for (run = 0; j + run < n && prints[j + run].time_ms < old[i].time_ms; run++)
        ;
      append_run (next, prints + j, run, &skip);
      j += run;
    }
  append_run (next, old + i, n_old - i, &skip);
  append_run (next, prints + j, n - j, &skip);

  g_clear_pointer (&self->prints, g_array_unref);
  self->prints = next;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRINTS]);
}

/* Hands what arrived since the last publication to the store (so that
 * bubbles survive a restart) and forgets it. */
static void
store_incoming (LodeDataController *self)
{
  g_clear_handle_id (&self->publish_source, g_source_remove);

  if (self->incoming->len > 0 && self->store != NULL)
    lode_store_put_prints_async (self->store, (const LodeLiqPrint *) self->incoming->data,
                                 self->incoming->len, NULL, NULL, NULL);
  g_array_set_size (self->incoming, 0);
}

static void
publish_incoming (LodeDataController *self)
{
  if (self->incoming->len == 0)
    return;

  /* Batches come sorted, venues interleave. */
  lode_liq_prints_sort ((LodeLiqPrint *) self->incoming->data, self->incoming->len);
  append_prints (self, (const LodeLiqPrint *) self->incoming->data, self->incoming->len);
  store_incoming (self);
}

static gboolean
on_publish_prints (gpointer user_data)
{
  LodeDataController *self = user_data;

  self->publish_source = 0;
  publish_incoming (self);

  return G_SOURCE_REMOVE;
}

static void
on_stream_prints (LodeLiqStream *stream,
                  gpointer       prints,
                  guint          n,
                  gpointer       user_data)
{
  LodeDataController *self = user_data;

  g_array_append_vals (self->incoming, prints, n);

  /* As many as are kept: waiting longer would only grow the queue. */
  if (self->incoming->len >= MAX_PRINTS)
    publish_incoming (self);
  else if (self->publish_source == 0)
    self->publish_source = g_timeout_add_full (G_PRIORITY_DEFAULT, PRINTS_PUBLISH_MS,
                                               on_publish_prints, self, NULL);
}

static void
update_stream_state (LodeDataController *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; self->streams != NULL && i < self->streams->len; i++)
    {
      LodeLiqStream *stream = g_ptr_array_index (self->streams, i);
      g_autoptr(LodeSource) source = lode_source_new_for_id (lode_liq_stream_get_venue (stream),
                                                             lode_data_controller_get_http (self), NULL);
      const char *state;

      switch (lode_liq_stream_get_state (stream))
        {
        case LODE_LIQ_STREAM_CONNECTED:
          state = _("live");
          break;
        case LODE_LIQ_STREAM_CONNECTING:
          state = _("connecting");
          break;
        case LODE_LIQ_STREAM_RECONNECTING:
          state = _("reconnecting");
          break;
        case LODE_LIQ_STREAM_FAILED:
          state = _("failed");
          break;
        case LODE_LIQ_STREAM_DISCONNECTED:
        default:
          state = _("disconnected");
          break;
        }
      if (text->len > 0)
        g_string_append (text, " · ");
      /* Translators: a venue and the state of its liquidation feed, e.g. "Binance: live" */
      g_string_append_printf (text, _("%s: %s"), lode_source_get_label (source), state);
    }

  set_string_output (self, &self->stream_state, text->len > 0 ? text->str : NULL, PROP_STREAM_STATE);
}

static void
stop_streams (LodeDataController *self)
{
  for (guint i = 0; self->streams != NULL && i < self->streams->len; i++)
    {
      LodeLiqStream *stream = g_ptr_array_index (self->streams, i);

      g_signal_handlers_disconnect_by_data (stream, self);
      lode_liq_stream_stop (stream);
    }
  g_clear_pointer (&self->streams, g_ptr_array_unref);
  g_clear_pointer (&self->streams_key, g_free);
  update_stream_state (self);
}

static void
on_stream_state (LodeDataController *self)
{
  update_stream_state (self);
}

static void
start_stream (LodeDataController *self,
              const char         *venue,
              const char         *symbol,
              double              contract_value)
{
  g_autoptr(GError) error = NULL;
  LodeLiqStream *stream = lode_liq_stream_new (venue, g_hash_table_lookup (self->stream_urls, venue), &error);

  if (stream == NULL)
    return;

  lode_liq_stream_add_symbol (stream, symbol, contract_value);
  g_signal_connect (stream, "prints", G_CALLBACK (on_stream_prints), self);
  g_signal_connect_swapped (stream, "notify::state", G_CALLBACK (on_stream_state), self);
  g_ptr_array_add (self->streams, stream);
  lode_liq_stream_start (stream);
  update_stream_state (self);
}

typedef struct
{
  LodeDataController *self;
  char               *key;
  char               *symbol;
} OkxStart;

/* OKX sizes prints in contracts: its contract value comes with its list
 * of instruments. */
static void
on_okx_symbols (GObject      *object,
                GAsyncResult *res,
                gpointer      user_data)
{
  OkxStart *start = user_data;
  LodeDataController *self = start->self;
  g_autoptr(GPtrArray) symbols = lode_data_controller_list_symbols_finish (self, res, NULL);

  for (guint i = 0; symbols != NULL && i < symbols->len; i++)
    {
      LodeSymbolInfo *info = g_ptr_array_index (symbols, i);

      if (g_str_equal (info->id, start->symbol) && g_strcmp0 (start->key, self->streams_key) == 0
          && self->streams != NULL)
        start_stream (self, "okx", info->id, info->contract_value);
    }

  g_free (start->key);
  g_free (start->symbol);
  g_object_unref (start->self);
  g_free (start);
}

/* One stream per venue shown that publishes liquidations; kept while the
 * venues and symbol stay the same. */
static void
ensure_streams (LodeDataController *self)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autofree char *key = NULL;
  g_autofree char *merged = NULL;

  if (!is_venue (self->source))
    {
      stop_streams (self);
      return;
    }

  merged = self->merge_venues ? g_strjoinv (",", self->merge_venues) : g_strdup ("");
  key = g_strdup_printf ("%s|%s|%s", self->source, merged, self->symbol);
  if (g_strcmp0 (key, self->streams_key) == 0)
    return;

  stop_streams (self);
  self->streams = g_ptr_array_new_with_free_func (g_object_unref);
  self->streams_key = g_strdup (key);

  g_ptr_array_add (ids, self->source);
  for (guint i = 0; self->merge_venues != NULL && self->merge_venues[i] != NULL; i++)
    if (is_venue (self->merge_venues[i]) && !g_str_equal (self->merge_venues[i], self->source))
      g_ptr_array_add (ids, self->merge_venues[i]);

  for (guint i = 0; i < ids->len; i++)
    {
      const char *venue = g_ptr_array_index (ids, i);
      g_autofree char *symbol = lode_data_controller_map_symbol (venue, self->symbol);

      /* Hyperliquid publishes no liquidations: nothing is invented. */
      if (!lode_liq_stream_venue_supported (venue, NULL))
        continue;

      if (g_str_equal (venue, "okx"))
        {
          OkxStart *start = g_new0 (OkxStart, 1);

          start->self = g_object_ref (self);
          start->key = g_strdup (key);
          start->symbol = g_steal_pointer (&symbol);
          lode_data_controller_list_symbols_async (self, "okx", NULL, on_okx_symbols, start);
        }
      else
        start_stream (self, venue, symbol, 1.0);
    }
}

/* Live candles (issue #6): the last candle moves with the venue's stream;
 * the model itself refreshes on the controller's schedule. */
static void
set_live_candle (LodeDataController *self,
                 const LodeCandle   *candle)
{
  g_clear_pointer (&self->live_candle, g_free);
  if (candle != NULL)
    self->live_candle = lode_candle_copy (candle);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIVE_CANDLE]);
}

static void
on_live_candle (LodeCandleStream *stream,
                const LodeCandle *candle,
                gboolean          closed,
                gpointer          user_data)
{
  LodeDataController *self = user_data;
  LodeMarket *market = self->snapshot ? lode_snapshot_get_market (self->snapshot) : NULL;
  const LodeCandle *last;

  if (market == NULL)
    return;

  /* Only the last candle or the next one: older updates change nothing
   * the chart shows, and a gap waits for the next refresh. */
  last = lode_market_get_candle (market, lode_market_get_n_candles (market) - 1);
  if (candle->time_ms == last->time_ms
      || candle->time_ms == last->time_ms + lode_market_get_interval_ms (market))
    set_live_candle (self, candle);
}

static void
stop_candle_stream (LodeDataController *self)
{
  if (self->candle_stream != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->candle_stream, self);
      lode_candle_stream_stop (self->candle_stream);
    }
  g_clear_object (&self->candle_stream);
  g_clear_pointer (&self->candle_key, g_free);
  if (self->live_candle != NULL)
    set_live_candle (self, NULL);
}

static void
ensure_candle_stream (LodeDataController *self)
{
  g_autofree char *symbol = NULL;
  g_autofree char *key = NULL;
  gint64 interval_ms;

  if (!is_venue (self->source) || !lode_interval_parse (self->interval, &interval_ms))
    {
      stop_candle_stream (self);
      return;
    }

  symbol = lode_data_controller_map_symbol (self->source, self->symbol);
  key = g_strdup_printf ("%s|%s|%s", self->source, symbol, self->interval);
  if (g_strcmp0 (key, self->candle_key) == 0)
    return;

  stop_candle_stream (self);
  self->candle_stream = lode_candle_stream_new (self->source,
                                                g_hash_table_lookup (self->stream_urls, self->source),
                                                symbol, interval_ms, NULL);
  if (self->candle_stream == NULL)
    return;
  self->candle_key = g_steal_pointer (&key);
  g_signal_connect (self->candle_stream, "candle", G_CALLBACK (on_live_candle), self);
  lode_candle_stream_start (self->candle_stream);
}

static void
on_stored_prints (GObject      *object,
                  GAsyncResult *res,
                  gpointer      user_data)
{
  g_autoptr(LodeDataController) self = user_data;
  g_autoptr(GArray) stored = lode_store_get_prints_finish (LODE_STORE (object), res, NULL);
  g_autoptr(GArray) merged = NULL;

  if (stored == NULL || stored->len == 0)
    return;

  /* Live prints may already have arrived: merge, dropping repeats. */
  if (self->prints != NULL)
    g_array_append_vals (stored, self->prints->data, self->prints->len);
  lode_liq_prints_sort ((LodeLiqPrint *) stored->data, stored->len);
  merged = g_array_sized_new (FALSE, FALSE, sizeof (LodeLiqPrint), stored->len);
  for (guint i = 0; i < stored->len; i++)
    {
      const LodeLiqPrint *p = &g_array_index (stored, LodeLiqPrint, i);
      const LodeLiqPrint *last = merged->len > 0
                                 ? &g_array_index (merged, LodeLiqPrint, merged->len - 1) : NULL;

      if (last == NULL || memcmp (last, p, sizeof *p) != 0)
        g_array_append_val (merged, *p);
    }
  g_clear_pointer (&self->prints, g_array_unref);
  append_prints (self, (const LodeLiqPrint *) merged->data, merged->len);
}

/* A new market: its stored prints come back, those of others go. */
static void
restore_prints (LodeDataController *self)
{
  LodeMarket *market = self->snapshot ? lode_snapshot_get_market (self->snapshot) : NULL;
  const LodeCandle *first, *last;

  if (self->prints_cancellable != NULL)
    g_cancellable_cancel (self->prints_cancellable);
  g_clear_object (&self->prints_cancellable);
  /* Those not published yet were the old market's. */
  store_incoming (self);
  g_clear_pointer (&self->prints, g_array_unref);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRINTS]);

  if (self->store == NULL || market == NULL || !is_venue (self->source))
    return;

  first = lode_market_get_candle (market, 0);
  last = lode_market_get_candle (market, lode_market_get_n_candles (market) - 1);
  self->prints_cancellable = g_cancellable_new ();
  lode_store_get_prints_async (self->store, NULL,
                               lode_snapshot_get_symbol (self->snapshot),
                               first->time_ms, last->time_ms + lode_market_get_interval_ms (market),
                               self->prints_cancellable, on_stored_prints, g_object_ref (self));
}

static void
build_done (GObject      *object,
            GAsyncResult *res,
            gpointer      user_data)
{
  g_autoptr(LodeDataController) self = user_data;
  BuildJob *job = g_task_get_task_data (G_TASK (res));
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  BuildResult *result;

  result = g_task_propagate_pointer (G_TASK (res), &error);

  /* A superseded build: its successor owns the state. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || job->cancellable != self->cancellable)
    {
      g_clear_pointer (&result, build_result_free);
      return;
    }

  g_clear_object (&self->cancellable);
  set_loading (self, FALSE);
  set_progress (self, -1, NULL);

  if (result == NULL)
    {
      /* Keep the last good snapshot on screen; say what failed. */
      set_error (self, error->message);
      return;
    }

  g_clear_pointer (&self->markets, g_ptr_array_unref);
  g_clear_pointer (&self->labels, g_ptr_array_unref);
  self->markets = g_ptr_array_ref (result->markets);
  self->labels = g_ptr_array_ref (result->labels);
  g_free (self->market_key);
  self->market_key = market_key (self);

  label = label_for (self->labels);
  set_string_output (self, &self->source_label, label, PROP_SOURCE_LABEL);

  g_clear_pointer (&self->snapshot, lode_snapshot_unref);
  self->snapshot = lode_snapshot_ref (result->snapshot);
  set_error (self, job->warning);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SNAPSHOT]);

  self->updated = g_get_real_time () / 1000;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATED]);

  /* The book goes with the market on screen: polled with every load. */
  update_confluence (self);
  fetch_depth (self);
  if (job->market_changed)
    {
      restore_prints (self);
      set_live_candle (self, NULL);
    }
  ensure_streams (self);
  ensure_candle_stream (self);

  build_result_free (result);
}

/* Starts the model build of @job in a worker. */
static void
run_build (LodeDataController *self,
           BuildJob           *job)
{
  g_autoptr(GTask) task = NULL;

  if (job->cancellable == NULL)
    job->cancellable = g_object_ref (self->cancellable);
  job->cancel_id = g_cancellable_connect (job->cancellable, G_CALLBACK (on_cancelled), job, NULL);

  /* The controller is held by the callback, which runs here, not by the
   * task: the worker drops its reference to the task after the callback
   * may have run, and were that the controller's last, it would be
   * disposed in the worker, stopping libsoup connections that belong to
   * this thread. */
  task = g_task_new (NULL, self->cancellable, build_done, g_object_ref (self));
  g_task_set_source_tag (task, run_build);
  g_task_set_task_data (task, job, (GDestroyNotify) build_job_free);
  g_task_run_in_thread (task, build_worker);
}

/* Live venues -------------------------------------------------------------- */

/* One refresh of one or more venues: each loads through the store; when
 * all are back, the model is built from those that succeeded. */
typedef struct
{
  LodeDataController *self;
  BuildJob           *job;
  guint               n_venues;
  guint               pending;
  LodeMarket        **markets;
  char              **labels;
  GError             *primary_error;
  GString            *warnings;
  guint              *pages_done;
  guint              *pages_expected;
} VenueBatch;

typedef struct
{
  VenueBatch *batch;
  guint       index;
} VenueSlot;

static void
venue_batch_free (VenueBatch *batch)
{
  for (guint i = 0; i < batch->n_venues; i++)
    {
      g_clear_pointer (&batch->markets[i], lode_market_unref);
      g_free (batch->labels[i]);
    }
  g_free (batch->markets);
  g_free (batch->labels);
  g_free (batch->pages_done);
  g_free (batch->pages_expected);
  g_clear_error (&batch->primary_error);
  g_string_free (batch->warnings, TRUE);
  g_clear_pointer (&batch->job, build_job_free);
  g_object_unref (batch->self);
  g_free (batch);
}

/* Page counts of all venues and series, summed: expected grows as each
 * series learns how many pages it needs. */
static void
on_venue_progress (guint    pages_done,
                   guint    pages_expected,
                   gpointer user_data)
{
  VenueSlot *slot = user_data;
  VenueBatch *batch = slot->batch;
  guint done = 0, expected = 0;
  g_autofree char *text = NULL;

  if (batch->job->cancellable != batch->self->cancellable)
    return;

  batch->pages_done[slot->index]++;
  batch->pages_expected[slot->index] = MAX (batch->pages_expected[slot->index],
                                            batch->pages_done[slot->index] + (pages_expected > pages_done ? pages_expected - pages_done : 0));
  for (guint i = 0; i < batch->n_venues; i++)
    {
      done += batch->pages_done[i];
      expected += MAX (batch->pages_expected[i], batch->pages_done[i]);
    }

  /* Translators: pages of a history download */
  text = g_strdup_printf (_("Page %u of %u"), done, MAX (expected, done));
  set_progress (batch->self, expected > 0 ? (double) done / MAX (expected, done) : -1, text);
}

static void
venue_batch_finish (VenueBatch *batch)
{
  LodeDataController *self = batch->self;
  BuildJob *job = g_steal_pointer (&batch->job);

  if (job->cancellable != self->cancellable)
    {
      build_job_free (job);
      venue_batch_free (batch);
      return;
    }

  if (batch->markets[0] == NULL)
    {
      /* Nothing for the primary venue: the last chart stays. */
      g_clear_object (&self->cancellable);
      set_loading (self, FALSE);
      set_progress (self, -1, NULL);
      set_error (self, batch->primary_error ? batch->primary_error->message : _("No data"));
      build_job_free (job);
      venue_batch_free (batch);
      return;
    }

  for (guint i = 0; i < batch->n_venues; i++)
    {
      if (batch->markets[i] == NULL)
        continue;
      g_ptr_array_add (job->markets, g_steal_pointer (&batch->markets[i]));
      g_ptr_array_add (job->labels, g_steal_pointer (&batch->labels[i]));
    }

  /* Stored data or some venues only: shown, and said. */
  if (batch->warnings->len > 0)
    job->warning = g_strdup (batch->warnings->str);
  set_progress (self, -1, NULL);
  run_build (self, job);
  venue_batch_free (batch);
}

static void
on_venue_loaded (GObject      *object,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  VenueSlot *slot = user_data;
  VenueBatch *batch = slot->batch;
  g_autoptr(GError) error = NULL;
  g_autofree char *warning = NULL;
  guint index = slot->index;

  g_free (slot);

  batch->markets[index] = lode_venue_load_finish (res, &warning, &error);
  if (batch->markets[index] == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = g_strdup_printf (_("%s: %s"), batch->labels[index], error->message);

      if (index == 0)
        batch->primary_error = g_error_new_literal (error->domain, error->code, text);
      else
        warning = g_steal_pointer (&text);
    }
  if (warning != NULL)
    {
      if (batch->warnings->len > 0)
        g_string_append (batch->warnings, "\n");
      g_string_append (batch->warnings, warning);
    }

  if (--batch->pending == 0)
    venue_batch_finish (batch);
}

static LodeSource *
source_for (LodeDataController *self,
            const char         *id)
{
  return lode_source_new_for_id (id, lode_data_controller_get_http (self),
                                 g_hash_table_lookup (self->base_urls, id));
}

static void
start_venue_batch (LodeDataController *self,
                   BuildJob           *job)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  gint64 now = self->now_ms > 0 ? self->now_ms : g_get_real_time () / 1000;
  /* Up to the close of the newest candle that has opened, the one still
   * forming included. A candle opening exactly now has no trade yet and a
   * venue need not list it: counting it in would leave the range one
   * candle short at the other end. */
  gint64 end = (now + job->interval_ms - 1) / job->interval_ms * job->interval_ms;
  gint64 start = end - history_ms_for (job->interval_ms);
  VenueBatch *batch;

  g_ptr_array_add (ids, self->source);
  for (guint i = 0; self->merge_venues != NULL && self->merge_venues[i] != NULL; i++)
    if (is_venue (self->merge_venues[i]) && !g_str_equal (self->merge_venues[i], self->source))
      g_ptr_array_add (ids, self->merge_venues[i]);

  batch = g_new0 (VenueBatch, 1);
  batch->self = g_object_ref (self);
  batch->job = job;
  batch->n_venues = ids->len;
  batch->pending = ids->len;
  batch->markets = g_new0 (LodeMarket *, ids->len);
  batch->labels = g_new0 (char *, ids->len);
  batch->pages_done = g_new0 (guint, ids->len);
  batch->pages_expected = g_new0 (guint, ids->len);
  batch->warnings = g_string_new (NULL);
  job->cancellable = g_object_ref (self->cancellable);

  set_progress (self, -1, _("Connecting…"));

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(LodeSource) source = source_for (self, g_ptr_array_index (ids, i));
      g_autofree char *symbol = lode_data_controller_map_symbol (g_ptr_array_index (ids, i), self->symbol);
      VenueSlot *slot = g_new0 (VenueSlot, 1);

      slot->batch = batch;
      slot->index = i;
      batch->labels[i] = g_strdup (lode_source_get_label (source));
      lode_venue_load_async (source, self->store, symbol, job->interval_ms, start, end,
                             on_venue_progress, slot, self->cancellable,
                             on_venue_loaded, slot);
    }
}

/* The store --------------------------------------------------------------- */

static void
on_store_opened (GObject      *object,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  g_autoptr(LodeDataController) self = user_data;
  g_autoptr(GError) error = NULL;

  self->store_opening = FALSE;
  self->store = lode_store_open_finish (res, &error);
  if (self->store == NULL)
    {
      /* Live data still works, only without history. */
      self->store_failed = TRUE;
      set_string_output (self, &self->notice, error->message, PROP_NOTICE);
    }
  else
    {
      if (self->store_max_bytes > 0)
        lode_store_set_max_bytes (self->store, self->store_max_bytes);
      if (lode_store_get_recovery_notice (self->store) != NULL)
        set_string_output (self, &self->notice, lode_store_get_recovery_notice (self->store), PROP_NOTICE);
    }

  queue_rebuild (self);
}

/* Opens the store once, on its worker; FALSE while that is under way. */
static gboolean
ensure_store (LodeDataController *self)
{
  g_autofree char *path = NULL;

  if (self->store != NULL || self->store_failed
      || (self->store_path != NULL && *self->store_path == '\0'))
    return TRUE;
  if (self->store_opening)
    return FALSE;

  self->store_opening = TRUE;
  path = self->store_path ? g_strdup (self->store_path) : lode_store_get_default_path ();
  lode_store_open_async (path, NULL, on_store_opened, g_object_ref (self));
  return FALSE;
}

/* Rebuilds ------------------------------------------------------------------ */

static gboolean
start_rebuild (gpointer user_data)
{
  LodeDataController *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = market_key (self);
  gboolean live = is_venue (self->source);
  BuildJob *job;

  self->rebuild_source = 0;

  if (live && !ensure_store (self))
    return G_SOURCE_REMOVE;  /* on_store_opened() queues us again */

  job = g_new0 (BuildJob, 1);
  job->markets = markets_new ();
  job->labels = g_ptr_array_new_with_free_func (g_free);
  lode_model_params_init_default (&job->params);
  job->params.mmr = self->mmr;
  job->params.lookback = self->lookback;
  if (!lode_model_params_parse_tiers (&job->params, self->tiers, &error)
      || !lode_model_params_validate (&job->params, &error))
    {
      build_job_free (job);
      set_error (self, error->message);
      return G_SOURCE_REMOVE;
    }

  if (!lode_interval_parse (self->interval, &job->interval_ms))
    {
      build_job_free (job);
      set_error (self, _("Unknown candle interval"));
      return G_SOURCE_REMOVE;
    }

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  job->source = g_strdup (self->source);
  job->file = g_strdup (self->file);
  job->demo_days = self->demo_days > 0 ? self->demo_days : demo_days_for (job->interval_ms);
  if (live)
    job->symbol = lode_data_controller_map_symbol (self->source, self->symbol);
  else if (g_strcmp0 (self->source, "file") != 0)
    job->symbol = g_strdup ("BTCUSDT");
  set_loading (self, TRUE);

  /* Only the model's parameters changed: the markets are reused. */
  if (!self->force_reload && self->markets != NULL && g_strcmp0 (key, self->market_key) == 0)
    {
      for (guint i = 0; i < self->markets->len; i++)
        {
          g_ptr_array_add (job->markets, lode_market_ref (g_ptr_array_index (self->markets, i)));
          g_ptr_array_add (job->labels, g_strdup (g_ptr_array_index (self->labels, i)));
        }
      self->force_reload = FALSE;
      run_build (self, job);
      return G_SOURCE_REMOVE;
    }
  self->force_reload = FALSE;

  job->market_changed = g_strcmp0 (key, self->market_key) != 0;
  if (live)
    start_venue_batch (self, job);
  else
    run_build (self, job);

  return G_SOURCE_REMOVE;
}

/* Coalesces the changes of one main-loop turn (several bound settings at
 * start-up, a dragged spin button) into one rebuild. */
static void
queue_rebuild (LodeDataController *self)
{
  if (self->rebuild_source == 0)
    self->rebuild_source = g_idle_add_full (G_PRIORITY_DEFAULT, start_rebuild, self, NULL);
}

static gboolean
on_refresh (gpointer user_data)
{
  LodeDataController *self = user_data;

  /* A refresh never piles up on a load that is still running. */
  if (is_venue (self->source) && !self->loading)
    lode_data_controller_reload (self);

  return G_SOURCE_CONTINUE;
}

static void
restart_refresh_timer (LodeDataController *self)
{
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (self->refresh_interval > 0)
    self->refresh_source = g_timeout_add_seconds (self->refresh_interval, on_refresh, self);
}

static void
set_input_string (LodeDataController  *self,
                  char               **field,
                  const char          *value,
                  guint                prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  queue_rebuild (self);
}

/* GObject ------------------------------------------------------------------ */

static void
lode_data_controller_dispose (GObject *object)
{
  LodeDataController *self = LODE_DATA_CONTROLLER (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (self->depth_cancellable != NULL)
    g_cancellable_cancel (self->depth_cancellable);
  g_clear_object (&self->depth_cancellable);
  if (self->prints_cancellable != NULL)
    g_cancellable_cancel (self->prints_cancellable);
  g_clear_object (&self->prints_cancellable);
  stop_streams (self);
  stop_candle_stream (self);
  store_incoming (self);
  g_clear_object (&self->store);
  g_clear_object (&self->http);

  G_OBJECT_CLASS (lode_data_controller_parent_class)->dispose (object);
}

static void
lode_data_controller_finalize (GObject *object)
{
  LodeDataController *self = LODE_DATA_CONTROLLER (object);

  g_free (self->source);
  g_free (self->file);
  g_free (self->symbol);
  g_strfreev (self->merge_venues);
  g_free (self->interval);
  g_free (self->tiers);
  g_free (self->store_path);
  g_clear_pointer (&self->base_urls, g_hash_table_unref);
  g_free (self->error);
  g_free (self->notice);
  g_free (self->source_label);
  g_free (self->progress_text);
  g_free (self->market_key);
  g_clear_pointer (&self->snapshot, lode_snapshot_unref);
  g_clear_pointer (&self->book, lode_book_unref);
  g_clear_pointer (&self->confluence, g_array_unref);
  g_clear_pointer (&self->prints, g_array_unref);
  g_clear_pointer (&self->incoming, g_array_unref);
  g_clear_pointer (&self->stream_urls, g_hash_table_unref);
  g_free (self->stream_state);
  g_free (self->live_candle);
  g_clear_pointer (&self->markets, g_ptr_array_unref);
  g_clear_pointer (&self->labels, g_ptr_array_unref);

  G_OBJECT_CLASS (lode_data_controller_parent_class)->finalize (object);
}

static void
lode_data_controller_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  LodeDataController *self = LODE_DATA_CONTROLLER (object);

  switch (prop_id)
    {
    case PROP_SOURCE:
      g_value_set_string (value, self->source);
      break;
    case PROP_FILE:
      g_value_set_string (value, self->file);
      break;
    case PROP_SYMBOL:
      g_value_set_string (value, self->symbol);
      break;
    case PROP_MERGE_VENUES:
      g_value_set_boxed (value, self->merge_venues);
      break;
    case PROP_INTERVAL:
      g_value_set_string (value, self->interval);
      break;
    case PROP_TIERS:
      g_value_set_string (value, self->tiers);
      break;
    case PROP_MMR:
      g_value_set_double (value, self->mmr);
      break;
    case PROP_LOOKBACK:
      g_value_set_uint (value, self->lookback);
      break;
    case PROP_REFRESH_INTERVAL:
      g_value_set_uint (value, self->refresh_interval);
      break;
    case PROP_DEMO_DAYS:
      g_value_set_uint (value, self->demo_days);
      break;
    case PROP_STORE_PATH:
      g_value_set_string (value, self->store_path);
      break;
    case PROP_SNAPSHOT:
      g_value_set_boxed (value, self->snapshot);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    case PROP_PROGRESS_TEXT:
      g_value_set_string (value, self->progress_text);
      break;
    case PROP_UPDATED:
      g_value_set_int64 (value, self->updated);
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    case PROP_NOTICE:
      g_value_set_string (value, self->notice);
      break;
    case PROP_SOURCE_LABEL:
      g_value_set_string (value, self->source_label);
      break;
    case PROP_BOOK:
      g_value_set_boxed (value, self->book);
      break;
    case PROP_CONFLUENCE:
      g_value_set_boxed (value, self->confluence);
      break;
    case PROP_WALL_MULTIPLE:
      g_value_set_double (value, self->confluence_params.wall_multiple);
      break;
    case PROP_CLUSTER_SHARE:
      g_value_set_double (value, self->confluence_params.cluster_min_share);
      break;
    case PROP_PRINTS:
      g_value_set_boxed (value, self->prints);
      break;
    case PROP_STREAM_STATE:
      g_value_set_string (value, self->stream_state);
      break;
    case PROP_LIVE_CANDLE:
      g_value_set_boxed (value, self->live_candle);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lode_data_controller_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  LodeDataController *self = LODE_DATA_CONTROLLER (object);

  switch (prop_id)
    {
    case PROP_SOURCE:
      set_input_string (self, &self->source, g_value_get_string (value), prop_id);
      break;
    case PROP_FILE:
      set_input_string (self, &self->file, g_value_get_string (value), prop_id);
      break;
    case PROP_SYMBOL:
      set_input_string (self, &self->symbol, g_value_get_string (value), prop_id);
      break;
    case PROP_MERGE_VENUES:
      {
        const char * const *venues = g_value_get_boxed (value);
        g_autofree char *old = self->merge_venues ? g_strjoinv (",", self->merge_venues) : NULL;
        g_autofree char *new = venues ? g_strjoinv (",", (char **) venues) : NULL;

        if (g_strcmp0 (old, new) != 0)
          {
            g_strfreev (self->merge_venues);
            self->merge_venues = g_strdupv ((char **) venues);
            g_object_notify_by_pspec (object, pspec);
            queue_rebuild (self);
          }
      }
      break;
    case PROP_INTERVAL:
      set_input_string (self, &self->interval, g_value_get_string (value), prop_id);
      break;
    case PROP_TIERS:
      set_input_string (self, &self->tiers, g_value_get_string (value), prop_id);
      break;
    case PROP_MMR:
      if (self->mmr != g_value_get_double (value))
        {
          self->mmr = g_value_get_double (value);
          g_object_notify_by_pspec (object, pspec);
          queue_rebuild (self);
        }
      break;
    case PROP_LOOKBACK:
      if (self->lookback != g_value_get_uint (value))
        {
          self->lookback = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
          queue_rebuild (self);
        }
      break;
    case PROP_REFRESH_INTERVAL:
      if (self->refresh_interval != g_value_get_uint (value))
        {
          self->refresh_interval = g_value_get_uint (value);
          restart_refresh_timer (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_DEMO_DAYS:
      if (self->demo_days != g_value_get_uint (value))
        {
          self->demo_days = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
          if (!is_venue (self->source) && g_strcmp0 (self->source, "file") != 0)
            lode_data_controller_reload (self);
        }
      break;
    case PROP_STORE_PATH:
      self->store_path = g_value_dup_string (value);
      break;
    case PROP_WALL_MULTIPLE:
    case PROP_CLUSTER_SHARE:
      {
        double *field = prop_id == PROP_WALL_MULTIPLE ? &self->confluence_params.wall_multiple
                                                      : &self->confluence_params.cluster_min_share;

        if (*field != g_value_get_double (value))
          {
            *field = g_value_get_double (value);
            g_object_notify_by_pspec (object, pspec);
            update_confluence (self);
          }
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lode_data_controller_class_init (LodeDataControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = lode_data_controller_dispose;
  object_class->finalize = lode_data_controller_finalize;
  object_class->get_property = lode_data_controller_get_property;
  object_class->set_property = lode_data_controller_set_property;

  properties[PROP_SOURCE] = g_param_spec_string ("source", NULL, NULL, "demo", rw);
  properties[PROP_FILE] = g_param_spec_string ("file", NULL, NULL, NULL, rw);
  properties[PROP_SYMBOL] = g_param_spec_string ("symbol", NULL, NULL, "BTCUSDT", rw);
  properties[PROP_MERGE_VENUES] = g_param_spec_boxed ("merge-venues", NULL, NULL, G_TYPE_STRV, rw);
  properties[PROP_INTERVAL] = g_param_spec_string ("interval", NULL, NULL, "1h", rw);
  properties[PROP_TIERS] = g_param_spec_string ("tiers", NULL, NULL,
                                                "10:0.3,25:0.3,50:0.25,100:0.15", rw);
  properties[PROP_MMR] = g_param_spec_double ("mmr", NULL, NULL, 0.0, 0.5, 0.004, rw);
  properties[PROP_LOOKBACK] = g_param_spec_uint ("lookback", NULL, NULL, 0, G_MAXUINT, 0, rw);
  properties[PROP_REFRESH_INTERVAL] = g_param_spec_uint ("refresh-interval", NULL, NULL,
                                                         0, 24 * 3600, 60, rw);
  properties[PROP_DEMO_DAYS] = g_param_spec_uint ("demo-days", NULL, NULL, 0, 3650, 0, rw);
  properties[PROP_STORE_PATH] = g_param_spec_string ("store-path", NULL, NULL, NULL,
                                                     G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                                     G_PARAM_STATIC_STRINGS);
  properties[PROP_SNAPSHOT] = g_param_spec_boxed ("snapshot", NULL, NULL, LODE_TYPE_SNAPSHOT, ro);
  properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE, ro);
  properties[PROP_PROGRESS] = g_param_spec_double ("progress", NULL, NULL, -1.0, 1.0, -1.0, ro);
  properties[PROP_PROGRESS_TEXT] = g_param_spec_string ("progress-text", NULL, NULL, NULL, ro);
  properties[PROP_UPDATED] = g_param_spec_int64 ("updated", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_ERROR] = g_param_spec_string ("error", NULL, NULL, NULL, ro);
  properties[PROP_NOTICE] = g_param_spec_string ("notice", NULL, NULL, NULL, ro);
  properties[PROP_SOURCE_LABEL] = g_param_spec_string ("source-label", NULL, NULL, NULL, ro);
  properties[PROP_BOOK] = g_param_spec_boxed ("book", NULL, NULL, LODE_TYPE_BOOK, ro);
  properties[PROP_PRINTS] = g_param_spec_boxed ("prints", NULL, NULL, G_TYPE_ARRAY, ro);
  properties[PROP_STREAM_STATE] = g_param_spec_string ("stream-state", NULL, NULL, NULL, ro);
  properties[PROP_LIVE_CANDLE] = g_param_spec_boxed ("live-candle", NULL, NULL, LODE_TYPE_CANDLE, ro);
  properties[PROP_CONFLUENCE] = g_param_spec_boxed ("confluence", NULL, NULL, G_TYPE_ARRAY, ro);
  properties[PROP_WALL_MULTIPLE] = g_param_spec_double ("confluence-wall-multiple", NULL, NULL,
                                                        1.0, 100.0, 4.0, rw);
  properties[PROP_CLUSTER_SHARE] = g_param_spec_double ("confluence-cluster-share", NULL, NULL,
                                                        0.0, 1.0, 0.05, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lode_data_controller_init (LodeDataController *self)
{
  self->source = g_strdup ("demo");
  self->symbol = g_strdup ("BTCUSDT");
  self->interval = g_strdup ("1h");
  self->tiers = g_strdup ("10:0.3,25:0.3,50:0.25,100:0.15");
  self->mmr = 0.004;
  self->refresh_interval = 60;
  self->progress = -1;
  lode_confluence_params_init_default (&self->confluence_params);
  self->base_urls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->stream_urls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->incoming = g_array_new (FALSE, FALSE, sizeof (LodeLiqPrint));
  restart_refresh_timer (self);
  queue_rebuild (self);
}

LodeDataController *
lode_data_controller_new (void)
{
  return g_object_new (LODE_TYPE_DATA_CONTROLLER, NULL);
}

LodeDataController *
lode_data_controller_new_with_store (const char *store_path)
{
  return g_object_new (LODE_TYPE_DATA_CONTROLLER, "store-path", store_path, NULL);
}

LodeSnapshot *
lode_data_controller_get_snapshot (LodeDataController *self)
{
  g_return_val_if_fail (LODE_IS_DATA_CONTROLLER (self), NULL);

  return self->snapshot;
}

gboolean
lode_data_controller_get_loading (LodeDataController *self)
{
  g_return_val_if_fail (LODE_IS_DATA_CONTROLLER (self), FALSE);

  return self->loading;
}

const char *
lode_data_controller_get_error (LodeDataController *self)
{
  g_return_val_if_fail (LODE_IS_DATA_CONTROLLER (self), NULL);

  return self->error;
}

const char *
lode_data_controller_get_source_label (LodeDataController *self)
{
  g_return_val_if_fail (LODE_IS_DATA_CONTROLLER (self), NULL);

  return self->source_label;
}

gint64
lode_data_controller_get_updated (LodeDataController *self)
{
  g_return_val_if_fail (LODE_IS_DATA_CONTROLLER (self), 0);

  return self->updated;
}

void
lode_data_controller_open_file (LodeDataController *self,
                                const char         *path)
{
  g_return_if_fail (LODE_IS_DATA_CONTROLLER (self));
  g_return_if_fail (path != NULL);

  g_object_freeze_notify (G_OBJECT (self));
  set_input_string (self, &self->file, path, PROP_FILE);
  set_input_string (self, &self->source, "file", PROP_SOURCE);
  g_object_thaw_notify (G_OBJECT (self));
  /* The same file again means "read it again". */
  self->force_reload = TRUE;
  queue_rebuild (self);
}

void
lode_data_controller_reload (LodeDataController *self)
{
  g_return_if_fail (LODE_IS_DATA_CONTROLLER (self));

  self->force_reload = TRUE;
  queue_rebuild (self);
}

/* Per-venue address tables: NULL or "" means the venue's real one.
 * Returns whether the address changed. */
static gboolean
set_url (GHashTable *urls,
         const char *venue,
         const char *url)
{
  if (url != NULL && *url == '\0')
    url = NULL;
  if (g_strcmp0 (g_hash_table_lookup (urls, venue), url) == 0)
    return FALSE;

  if (url != NULL)
    g_hash_table_insert (urls, g_strdup (venue), g_strdup (url));
  else
    g_hash_table_remove (urls, venue);
  return TRUE;
}

void
lode_data_controller_set_base_url (LodeDataController *self,
                                   const char         *venue,
                                   const char         *base_url)
{
  g_return_if_fail (LODE_IS_DATA_CONTROLLER (self));
  g_return_if_fail (venue != NULL);

  if (!set_url (self->base_urls, venue, base_url))
    return;

  if (g_strcmp0 (self->source, venue) == 0
      || (self->merge_venues != NULL && g_strv_contains ((const char * const *) self->merge_venues, venue)))
    lode_data_controller_reload (self);
}

static void
on_symbols_listed (GObject      *object,
                   GAsyncResult *res,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GPtrArray *symbols = lode_source_list_symbols_finish (LODE_SOURCE (object), res, &error);

  if (symbols == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, symbols, (GDestroyNotify) g_ptr_array_unref);
}

void
lode_data_controller_list_symbols_async (LodeDataController  *self,
                                         const char          *venue,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(LodeSource) source = NULL;

  g_return_if_fail (LODE_IS_DATA_CONTROLLER (self));
  g_return_if_fail (venue != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lode_data_controller_list_symbols_async);
  if (!is_venue (venue))
    {
      g_task_return_new_error (task, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_INVALID_ARGUMENT,
                               _("“%s” is not an exchange"), venue);
      return;
    }

  source = source_for (self, venue);
  lode_source_list_symbols_async (source, cancellable, on_symbols_listed, g_steal_pointer (&task));
}

GPtrArray *
lode_data_controller_list_symbols_finish (LodeDataController  *self,
                                          GAsyncResult        *result,
                                          GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
lode_data_controller_set_store_max_bytes (LodeDataController *self,
                                          guint64             max_bytes)
{
  g_return_if_fail (LODE_IS_DATA_CONTROLLER (self));

  self->store_max_bytes = max_bytes;
  if (self->store != NULL && max_bytes > 0)
    lode_store_set_max_bytes (self->store, max_bytes);
}

void
lode_data_controller_set_stream_url (LodeDataController *self,
                                     const char         *venue,
                                     const char         *url)
{
  g_return_if_fail (LODE_IS_DATA_CONTROLLER (self));
  g_return_if_fail (venue != NULL);

  if (!set_url (self->stream_urls, venue, url))
    return;

  /* Reconnect with the new address. */
  if (self->streams != NULL)
    {
      stop_streams (self);
      ensure_streams (self);
    }
  if (self->candle_stream != NULL)
    {
      stop_candle_stream (self);
      ensure_candle_stream (self);
    }
}

LodeHttp *
lode_data_controller_get_http (LodeDataController *self)
{
  g_return_val_if_fail (LODE_IS_DATA_CONTROLLER (self), NULL);

  /* One shared session, made when a venue is first used. */
  if (self->http == NULL)
    self->http = lode_http_new ();

  return self->http;
}

void
lode_data_controller_set_now (LodeDataController *self,
                              gint64              now_ms)
{
  g_return_if_fail (LODE_IS_DATA_CONTROLLER (self));

  self->now_ms = now_ms;
}
