/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lode-venue-loader.h"

typedef struct
{
  LodeSource         *source;
  LodeStore          *store;
  char               *symbol;
  gint64              interval_ms;
  gint64              start_ms;
  gint64              end_ms;
  gint64              fetch_from;
  LodeSourceProgress  progress;
  gpointer            progress_data;

  LodeStoreSlice     *stored;
  GArray             *candles;  /* fetched */
  GArray             *oi;
  GArray             *ratio;
  char               *warning;
} Load;

typedef struct
{
  LodeMarket *market;
  char       *warning;
} LoadResult;

static void
load_free (Load *load)
{
  g_clear_object (&load->source);
  g_clear_object (&load->store);
  g_free (load->symbol);
  g_clear_pointer (&load->stored, lode_store_slice_free);
  g_clear_pointer (&load->candles, g_array_unref);
  g_clear_pointer (&load->oi, g_array_unref);
  g_clear_pointer (&load->ratio, g_array_unref);
  g_free (load->warning);
  g_free (load);
}

static void
load_result_free (LoadResult *result)
{
  g_clear_pointer (&result->market, lode_market_unref);
  g_free (result->warning);
  g_free (result);
}

LodeMarket *
lode_venue_assemble (const GArray  *candles,
                     gint64         interval_ms,
                     const GArray  *oi,
                     const GArray  *ratio,
                     GError       **error)
{
  g_autoptr(GArray) aligned = NULL;

  g_return_val_if_fail (candles != NULL, NULL);

  if (candles->len == 0)
    {
      g_set_error_literal (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE,
                           _("The venue returned no candles for this symbol and interval"));
      return NULL;
    }

  aligned = g_array_sized_new (FALSE, FALSE, sizeof (LodeCandle), candles->len);
  g_array_append_vals (aligned, candles->data, candles->len);
  lode_market_align_oi ((LodeCandle *) aligned->data, aligned->len, interval_ms,
                        oi ? (const LodePoint *) oi->data : NULL, oi ? oi->len : 0,
                        LODE_OI_UNIT_USD, 1.0);
  lode_market_align_long_share ((LodeCandle *) aligned->data, aligned->len, interval_ms,
                                ratio ? (const LodePoint *) ratio->data : NULL,
                                ratio ? ratio->len : 0);

  return lode_market_new ((const LodeCandle *) aligned->data, aligned->len, interval_ms, error);
}

static void
return_market (GTask        *task,
               const GArray *candles,
               const GArray *oi,
               const GArray *ratio)
{
  Load *load = g_task_get_task_data (task);
  GError *error = NULL;
  LoadResult *result;
  LodeMarket *market;

  market = lode_venue_assemble (candles, load->interval_ms, oi, ratio, &error);
  if (market == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  result = g_new0 (LoadResult, 1);
  result->market = market;
  result->warning = g_steal_pointer (&load->warning);
  g_task_return_pointer (task, result, (GDestroyNotify) load_result_free);
}

/* The network failed: what the store has is still worth showing. */
static void
fall_back_to_store (GTask  *task,
                    GError *error)
{
  Load *load = g_task_get_task_data (task);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || load->stored == NULL || load->stored->candles->len == 0)
    {
      g_task_return_error (task, error);
      return;
    }

  /* Translators: %s is the venue, e.g. Binance; the second %s says why */
  load->warning = g_strdup_printf (_("Could not update from %s: %s"),
                                   lode_source_get_label (load->source), error->message);
  g_error_free (error);
  return_market (task, load->stored->candles, load->stored->oi, load->stored->ratio);
}

static void
on_reloaded (GObject      *object,
             GAsyncResult *res,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(LodeStoreSlice) slice = NULL;
  GError *error = NULL;

  slice = lode_store_load_finish (LODE_STORE (object), res, &error);
  if (slice == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  return_market (task, slice->candles, slice->oi, slice->ratio);
}

static void
on_saved (GObject      *object,
          GAsyncResult *res,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Load *load = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  if (!lode_store_save_finish (LODE_STORE (object), res, &error))
    {
      /* Not saved, still fresh: show it and say the store failed. */
      load->warning = g_strdup_printf (_("Could not save to the history store: %s"), error->message);
      return_market (task, load->candles, load->oi, load->ratio);
      return;
    }

  cancellable = g_task_get_cancellable (task);
  lode_store_load_async (load->store, lode_source_get_id (load->source), load->symbol,
                         load->interval_ms, load->start_ms, load->end_ms,
                         cancellable, on_reloaded, g_steal_pointer (&task));
}

static void
store_fetched (GTask *task)
{
  Load *load = g_task_get_task_data (task);

  if (load->store == NULL)
    {
      return_market (task, load->candles, load->oi, load->ratio);
      g_object_unref (task);
      return;
    }

  lode_store_save_async (load->store, lode_source_get_id (load->source), load->symbol,
                         load->interval_ms,
                         (const LodeCandle *) load->candles->data, load->candles->len,
                         (const LodePoint *) load->oi->data, load->oi->len,
                         (const LodePoint *) load->ratio->data, load->ratio->len,
                         g_task_get_cancellable (task), on_saved, task);
}

static LodeSourceQuery
query_for (Load *load)
{
  return (LodeSourceQuery) {
    .symbol = load->symbol,
    .interval_ms = load->interval_ms,
    .start_ms = load->fetch_from,
    .end_ms = load->end_ms,
    .progress = load->progress,
    .progress_data = load->progress_data,
  };
}

static void
on_ratio (GObject      *object,
          GAsyncResult *res,
          gpointer      user_data)
{
  GTask *task = user_data;
  Load *load = g_task_get_task_data (task);
  GError *error = NULL;

  load->ratio = lode_source_fetch_long_short_finish (LODE_SOURCE (object), res, &error);
  if (load->ratio == NULL)
    {
      fall_back_to_store (task, error);
      g_object_unref (task);
      return;
    }

  store_fetched (task);
}

static void
on_open_interest (GObject      *object,
                  GAsyncResult *res,
                  gpointer      user_data)
{
  GTask *task = user_data;
  Load *load = g_task_get_task_data (task);
  LodeSourceQuery query = query_for (load);
  GError *error = NULL;

  load->oi = lode_source_fetch_open_interest_finish (LODE_SOURCE (object), res, &error);
  if (load->oi == NULL)
    {
      fall_back_to_store (task, error);
      g_object_unref (task);
      return;
    }

  lode_source_fetch_long_short_async (load->source, &query, g_task_get_cancellable (task),
                                      on_ratio, task);
}

static void
on_candles (GObject      *object,
            GAsyncResult *res,
            gpointer      user_data)
{
  GTask *task = user_data;
  Load *load = g_task_get_task_data (task);
  LodeSourceQuery query = query_for (load);
  GError *error = NULL;

  load->candles = lode_source_fetch_candles_finish (LODE_SOURCE (object), res, &error);
  if (load->candles == NULL)
    {
      fall_back_to_store (task, error);
      g_object_unref (task);
      return;
    }

  /* Base-unit OI becomes USD with these candles' closes. */
  query.candles = (const LodeCandle *) load->candles->data;
  query.n_candles = load->candles->len;
  lode_source_fetch_open_interest_async (load->source, &query, g_task_get_cancellable (task),
                                         on_open_interest, task);
}

static void
fetch_missing (GTask *task)
{
  Load *load = g_task_get_task_data (task);
  LodeSourceQuery query;

  /* From the first gap on: the still-open last candle is always fetched
   * again, older gaps are filled, and OI and ratio follow the same span. */
  load->fetch_from = load->start_ms;
  if (load->stored != NULL && load->stored->candles->len > 0)
    {
      const LodeCandle *last = &g_array_index (load->stored->candles, LodeCandle,
                                               load->stored->candles->len - 1);

      load->fetch_from = last->time_ms;
      if (load->stored->missing->len > 0)
        load->fetch_from = MIN (load->fetch_from,
                                g_array_index (load->stored->missing, LodeStoreRange, 0).start_ms);
    }

  query = query_for (load);
  lode_source_fetch_candles_async (load->source, &query, g_task_get_cancellable (task),
                                   on_candles, task);
}

static void
on_stored (GObject      *object,
           GAsyncResult *res,
           gpointer      user_data)
{
  GTask *task = user_data;
  Load *load = g_task_get_task_data (task);
  GError *error = NULL;

  load->stored = lode_store_load_finish (LODE_STORE (object), res, &error);
  if (load->stored == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, error);
          g_object_unref (task);
          return;
        }
      /* A store that cannot be read is not a reason to show nothing. */
      load->warning = g_strdup_printf (_("Could not read the history store: %s"), error->message);
      g_error_free (error);
      g_clear_object (&load->store);
    }

  fetch_missing (task);
}

void
lode_venue_load_async (LodeSource          *source,
                       LodeStore           *store,
                       const char          *symbol,
                       gint64               interval_ms,
                       gint64               start_ms,
                       gint64               end_ms,
                       LodeSourceProgress   progress,
                       gpointer             progress_data,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task;
  Load *load;

  g_return_if_fail (LODE_IS_SOURCE (source));
  g_return_if_fail (!store || LODE_IS_STORE (store));
  g_return_if_fail (symbol != NULL);
  g_return_if_fail (interval_ms > 0 && start_ms < end_ms);

  load = g_new0 (Load, 1);
  load->source = g_object_ref (source);
  load->store = store ? g_object_ref (store) : NULL;
  load->symbol = g_strdup (symbol);
  load->interval_ms = interval_ms;
  load->start_ms = start_ms;
  load->end_ms = end_ms;
  load->progress = progress;
  load->progress_data = progress_data;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lode_venue_load_async);
  g_task_set_task_data (task, load, (GDestroyNotify) load_free);

  if (load->store != NULL)
    lode_store_load_async (load->store, lode_source_get_id (source), symbol, interval_ms,
                           start_ms, end_ms, cancellable, on_stored, task);
  else
    fetch_missing (task);
}

LodeMarket *
lode_venue_load_finish (GAsyncResult  *result,
                        char         **warning,
                        GError       **error)
{
  LoadResult *loaded;
  LodeMarket *market;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lode_venue_load_async, NULL);

  loaded = g_task_propagate_pointer (G_TASK (result), error);
  if (loaded == NULL)
    return NULL;

  market = g_steal_pointer (&loaded->market);
  if (warning != NULL)
    *warning = g_steal_pointer (&loaded->warning);
  load_result_free (loaded);

  return market;
}
