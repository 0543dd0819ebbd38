/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "lode-data-controller.h"
#include "lode-demo-source.h"
#include "lode-file-source.h"
#include "lode-interval.h"

struct _LodeDataController
{
  GObject          parent_instance;

  /* Inputs. */
  char            *source;
  char            *file;
  char            *interval;
  char            *tiers;
  double           mmr;
  guint            lookback;

  /* Outputs. */
  LodeSnapshot    *snapshot;
  char            *error;
  char            *source_label;
  gboolean         loading;

  /* The market of the last load, reused while only the model's
   * parameters change; market_key says which inputs made it. */
  LodeMarket      *market;
  char            *market_key;

  GCancellable    *cancellable;
  guint            rebuild_source;
  gboolean         force_reload;
};

G_DEFINE_FINAL_TYPE (LodeDataController, lode_data_controller, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SOURCE,
  PROP_FILE,
  PROP_INTERVAL,
  PROP_TIERS,
  PROP_MMR,
  PROP_LOOKBACK,
  PROP_SNAPSHOT,
  PROP_LOADING,
  PROP_ERROR,
  PROP_SOURCE_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Length of the demo market: about 30 days where that still gives enough
 * candles to read a heatmap, more for the coarse intervals. */
static guint
demo_days_for (gint64 interval_ms)
{
  if (interval_ms >= 24 * 60 * 60 * 1000)
    return 365;
  if (interval_ms >= 4 * 60 * 60 * 1000)
    return 120;
  return LODE_DEMO_DEFAULT_DAYS;
}

/* What the worker needs; it owns all of it. */
typedef struct
{
  char            *source;
  char            *file;
  char            *interval;
  char            *symbol;
  gint64           interval_ms;
  guint            demo_days;
  LodeModelParams  params;
  LodeMarket      *market;   /* reused when not NULL, with its label */
  char            *label;
  gint             cancel;   /* set from the GCancellable, polled by the model */
  gulong           cancel_id;
  GCancellable    *cancellable;
} BuildJob;

typedef struct
{
  LodeMarket   *market;
  LodeSnapshot *snapshot;
  char         *label;
} BuildResult;

static void
build_job_free (BuildJob *job)
{
  if (job->cancel_id != 0)
    g_cancellable_disconnect (job->cancellable, job->cancel_id);
  g_clear_object (&job->cancellable);
  g_free (job->source);
  g_free (job->file);
  g_free (job->interval);
  g_free (job->symbol);
  g_free (job->label);
  g_clear_pointer (&job->market, lode_market_unref);
  g_free (job);
}

static void
build_result_free (BuildResult *result)
{
  g_clear_pointer (&result->market, lode_market_unref);
  g_clear_pointer (&result->snapshot, lode_snapshot_unref);
  g_free (result->label);
  g_free (result);
}

static void
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  BuildJob *job = user_data;

  g_atomic_int_set (&job->cancel, 1);
}

static LodeMarket *
load_market (BuildJob  *job,
             char     **label,
             GError   **error)
{
  if (g_strcmp0 (job->source, "file") == 0)
    {
      g_autofree char *basename = NULL;

      if (job->file == NULL || *job->file == '\0')
        {
          g_set_error_literal (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_INVALID_ARGUMENT,
                               _("No CSV file is chosen"));
          return NULL;
        }
      basename = g_path_get_basename (job->file);
      *label = g_strdup (basename);
      return lode_file_source_load (job->file, error);
    }
  else
    {
      LodeDemoParams params;

      lode_demo_params_init_default (&params);
      params.interval_ms = job->interval_ms;
      params.days = job->demo_days;
      *label = g_strdup (lode_demo_source_get_label ());
      return lode_demo_market_generate (&params, error);
    }
}

static void
build_worker (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  BuildJob *job = task_data;
  g_autoptr(LodeMarket) market = NULL;
  g_autoptr(LodeLiqModel) model = NULL;
  g_autofree char *label = NULL;
  g_autoptr(GError) error = NULL;
  BuildResult *result;
  LodeVenueModel venue;

  if (job->market != NULL)
    {
      market = lode_market_ref (job->market);
      label = g_strdup (job->label);
    }
  else if (!(market = load_market (job, &label, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  model = lode_liq_model_build (market, &job->params, &job->cancel, &error);
  if (model == NULL)
    {
      if (g_error_matches (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_CANCELLED))
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", error->message);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  venue.label = label;
  venue.model = model;

  result = g_new0 (BuildResult, 1);
  result->market = g_steal_pointer (&market);
  result->snapshot = lode_snapshot_new (&venue, 1, job->symbol);
  result->label = g_steal_pointer (&label);
  g_task_return_pointer (task, result, (GDestroyNotify) build_result_free);
}

static char *
market_key (LodeDataController *self)
{
  return g_strdup_printf ("%s\n%s\n%s", self->source,
                          g_strcmp0 (self->source, "file") == 0 ? self->file : "",
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
set_error (LodeDataController *self,
           const char         *message)
{
  if (g_strcmp0 (self->error, message) == 0)
    return;

  g_free (self->error);
  self->error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

static void
build_done (GObject      *object,
            GAsyncResult *res,
            gpointer      user_data)
{
  LodeDataController *self = LODE_DATA_CONTROLLER (object);
  BuildJob *job = g_task_get_task_data (G_TASK (res));
  g_autoptr(GError) error = NULL;
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

  if (result == NULL)
    {
      /* Keep the last good snapshot on screen; say what failed. */
      set_error (self, error->message);
      return;
    }

  if (job->market == NULL)
    {
      g_clear_pointer (&self->market, lode_market_unref);
      self->market = lode_market_ref (result->market);
      g_free (self->market_key);
      self->market_key = market_key (self);

      g_free (self->source_label);
      self->source_label = g_strdup (result->label);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOURCE_LABEL]);
    }

  g_clear_pointer (&self->snapshot, lode_snapshot_unref);
  self->snapshot = lode_snapshot_ref (result->snapshot);
  set_error (self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SNAPSHOT]);

  build_result_free (result);
}

static gboolean
start_rebuild (gpointer user_data)
{
  LodeDataController *self = user_data;
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = market_key (self);
  BuildJob *job;

  self->rebuild_source = 0;

  job = g_new0 (BuildJob, 1);
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
  job->interval = g_strdup (self->interval);
  job->symbol = g_strdup (g_strcmp0 (self->source, "file") == 0 ? NULL : "BTCUSDT");
  job->demo_days = demo_days_for (job->interval_ms);
  if (!self->force_reload && self->market != NULL && g_strcmp0 (key, self->market_key) == 0)
    {
      job->market = lode_market_ref (self->market);
      job->label = g_strdup (self->source_label);
    }
  job->cancellable = g_object_ref (self->cancellable);
  job->cancel_id = g_cancellable_connect (job->cancellable, G_CALLBACK (on_cancelled), job, NULL);
  self->force_reload = FALSE;

  task = g_task_new (self, self->cancellable, build_done, NULL);
  g_task_set_source_tag (task, start_rebuild);
  g_task_set_task_data (task, job, (GDestroyNotify) build_job_free);
  set_loading (self, TRUE);
  g_task_run_in_thread (task, build_worker);

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

static void
set_string (LodeDataController  *self,
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

static void
lode_data_controller_dispose (GObject *object)
{
  LodeDataController *self = LODE_DATA_CONTROLLER (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->rebuild_source, g_source_remove);

  G_OBJECT_CLASS (lode_data_controller_parent_class)->dispose (object);
}

static void
lode_data_controller_finalize (GObject *object)
{
  LodeDataController *self = LODE_DATA_CONTROLLER (object);

  g_free (self->source);
  g_free (self->file);
  g_free (self->interval);
  g_free (self->tiers);
  g_free (self->error);
  g_free (self->source_label);
  g_free (self->market_key);
  g_clear_pointer (&self->snapshot, lode_snapshot_unref);
  g_clear_pointer (&self->market, lode_market_unref);

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
    case PROP_SNAPSHOT:
      g_value_set_boxed (value, self->snapshot);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    case PROP_SOURCE_LABEL:
      g_value_set_string (value, self->source_label);
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
      set_string (self, &self->source, g_value_get_string (value), prop_id);
      break;
    case PROP_FILE:
      set_string (self, &self->file, g_value_get_string (value), prop_id);
      break;
    case PROP_INTERVAL:
      set_string (self, &self->interval, g_value_get_string (value), prop_id);
      break;
    case PROP_TIERS:
      set_string (self, &self->tiers, g_value_get_string (value), prop_id);
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
  properties[PROP_INTERVAL] = g_param_spec_string ("interval", NULL, NULL, "1h", rw);
  properties[PROP_TIERS] = g_param_spec_string ("tiers", NULL, NULL,
                                                "10:0.3,25:0.3,50:0.25,100:0.15", rw);
  properties[PROP_MMR] = g_param_spec_double ("mmr", NULL, NULL, 0.0, 0.5, 0.004, rw);
  properties[PROP_LOOKBACK] = g_param_spec_uint ("lookback", NULL, NULL, 0, G_MAXUINT, 0, rw);
  properties[PROP_SNAPSHOT] = g_param_spec_boxed ("snapshot", NULL, NULL, LODE_TYPE_SNAPSHOT, ro);
  properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE, ro);
  properties[PROP_ERROR] = g_param_spec_string ("error", NULL, NULL, NULL, ro);
  properties[PROP_SOURCE_LABEL] = g_param_spec_string ("source-label", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lode_data_controller_init (LodeDataController *self)
{
  self->source = g_strdup ("demo");
  self->interval = g_strdup ("1h");
  self->tiers = g_strdup ("10:0.3,25:0.3,50:0.25,100:0.15");
  self->mmr = 0.004;
  queue_rebuild (self);
}

LodeDataController *
lode_data_controller_new (void)
{
  return g_object_new (LODE_TYPE_DATA_CONTROLLER, NULL);
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

void
lode_data_controller_open_file (LodeDataController *self,
                                const char         *path)
{
  g_return_if_fail (LODE_IS_DATA_CONTROLLER (self));
  g_return_if_fail (path != NULL);

  g_object_freeze_notify (G_OBJECT (self));
  set_string (self, &self->file, path, PROP_FILE);
  set_string (self, &self->source, "file", PROP_SOURCE);
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
