/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "lode-source.h"
#include "lode-venue-json.h"
#include "lode-binance.h"
#include "lode-bybit.h"
#include "lode-okx.h"
#include "lode-hyperliquid.h"

#define MINUTE_MS G_GINT64_CONSTANT (60000)

/* A pager never asks for more pages than this: a runaway cursor is a
 * venue bug, not a reason to hammer it. */
#define MAX_PAGES 2000

G_DEFINE_INTERFACE (LodeSource, lode_source, G_TYPE_OBJECT)

static void
lode_source_default_init (LodeSourceInterface *iface)
{
}

LodeDepth *
lode_depth_new (void)
{
  LodeDepth *depth = g_new0 (LodeDepth, 1);

  depth->bids = g_array_new (FALSE, FALSE, sizeof (LodeDepthLevel));
  depth->asks = g_array_new (FALSE, FALSE, sizeof (LodeDepthLevel));

  return depth;
}

void
lode_depth_free (LodeDepth *depth)
{
  if (depth == NULL)
    return;

  g_array_unref (depth->bids);
  g_array_unref (depth->asks);
  g_free (depth);
}

static int
compare_level_ascending (gconstpointer a,
                         gconstpointer b)
{
  double x = ((const LodeDepthLevel *) a)->price;
  double y = ((const LodeDepthLevel *) b)->price;

  return (x > y) - (x < y);
}

static int
compare_level_descending (gconstpointer a,
                          gconstpointer b)
{
  return compare_level_ascending (b, a);
}

static void
drop_empty_levels (GArray *levels)
{
  guint n = 0;

  for (guint i = 0; i < levels->len; i++)
    {
      LodeDepthLevel level = g_array_index (levels, LodeDepthLevel, i);

      if (level.size_base > 0)
        g_array_index (levels, LodeDepthLevel, n++) = level;
    }
  g_array_set_size (levels, n);
}

void
lode_depth_sort (LodeDepth *depth)
{
  drop_empty_levels (depth->bids);
  drop_empty_levels (depth->asks);
  g_array_sort (depth->bids, compare_level_descending);
  g_array_sort (depth->asks, compare_level_ascending);
}

LodeSymbolInfo *
lode_symbol_info_new (const char *id,
                      const char *base,
                      const char *quote,
                      double      contract_value)
{
  LodeSymbolInfo *info = g_new0 (LodeSymbolInfo, 1);

  info->id = g_strdup (id);
  info->base = g_strdup (base);
  info->quote = g_strdup (quote);
  info->contract_value = contract_value;

  return info;
}

void
lode_symbol_info_free (LodeSymbolInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->id);
  g_free (info->base);
  g_free (info->quote);
  g_free (info);
}

char *
lode_source_normalize_base_url (const char *base_url,
                                const char *fallback)
{
  char *url = g_strdup (base_url != NULL && *base_url != '\0' ? base_url : fallback);
  gsize len = strlen (url);

  while (len > 0 && url[len - 1] == '/')
    url[--len] = '\0';

  return url;
}

const char *
lode_source_interval_name (gint64 interval_ms)
{
  switch (interval_ms)
    {
    case MINUTE_MS:
      return "1m";
    case 5 * MINUTE_MS:
      return "5m";
    case 15 * MINUTE_MS:
      return "15m";
    case 60 * MINUTE_MS:
      return "1h";
    case 240 * MINUTE_MS:
      return "4h";
    case 1440 * MINUTE_MS:
      return "1d";
    default:
      return NULL;
    }
}

const char *
lode_source_get_id (LodeSource *self)
{
  g_return_val_if_fail (LODE_IS_SOURCE (self), NULL);

  return LODE_SOURCE_GET_IFACE (self)->get_id (self);
}

const char *
lode_source_get_label (LodeSource *self)
{
  g_return_val_if_fail (LODE_IS_SOURCE (self), NULL);

  return LODE_SOURCE_GET_IFACE (self)->get_label (self);
}

static const char * const source_ids[] = {
  "binance",
  "bybit",
  "okx",
  "hyperliquid",
  NULL
};

const char * const *
lode_source_list_ids (void)
{
  return source_ids;
}

LodeSource *
lode_source_new_for_id (const char *id,
                        LodeHttp   *http,
                        const char *base_url)
{
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (LODE_IS_HTTP (http), NULL);

  if (g_str_equal (id, "binance"))
    return LODE_SOURCE (lode_binance_new (http, base_url));
  if (g_str_equal (id, "bybit"))
    return LODE_SOURCE (lode_bybit_new (http, base_url));
  if (g_str_equal (id, "okx"))
    return LODE_SOURCE (lode_okx_new (http, base_url));
  if (g_str_equal (id, "hyperliquid"))
    return LODE_SOURCE (lode_hyperliquid_new (http, base_url));

  return NULL;
}

/* Checks a history query; on failure returns the error through a task. */
static gboolean
check_query (LodeSource            *self,
             const LodeSourceQuery *query,
             gpointer               tag,
             GCancellable          *cancellable,
             GAsyncReadyCallback    callback,
             gpointer               user_data)
{
  const char *problem = NULL;
  g_autoptr(GTask) task = NULL;

  if (query->symbol == NULL || *query->symbol == '\0')
    problem = _("No symbol was given");
  else if (lode_source_interval_name (query->interval_ms) == NULL)
    problem = _("The interval is not one of 1m, 5m, 15m, 1h, 4h, 1d");
  else if (query->start_ms >= query->end_ms || query->start_ms < 0)
    problem = _("The time range is empty");

  if (problem == NULL)
    return TRUE;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tag);
  g_task_return_new_error (task, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_INVALID_ARGUMENT,
                           "%s", problem);
  return FALSE;
}

static gpointer
propagate (LodeSource    *self,
           GAsyncResult  *result,
           GError       **error)
{
  g_return_val_if_fail (LODE_IS_SOURCE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
lode_source_fetch_candles_async (LodeSource            *self,
                                 const LodeSourceQuery *query,
                                 GCancellable          *cancellable,
                                 GAsyncReadyCallback    callback,
                                 gpointer               user_data)
{
  g_return_if_fail (LODE_IS_SOURCE (self));
  g_return_if_fail (query != NULL);

  if (check_query (self, query, lode_source_fetch_candles_async, cancellable, callback, user_data))
    LODE_SOURCE_GET_IFACE (self)->fetch_candles_async (self, query, cancellable, callback, user_data);
}

GArray *
lode_source_fetch_candles_finish (LodeSource    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return propagate (self, result, error);
}

void
lode_source_fetch_open_interest_async (LodeSource            *self,
                                       const LodeSourceQuery *query,
                                       GCancellable          *cancellable,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data)
{
  g_return_if_fail (LODE_IS_SOURCE (self));
  g_return_if_fail (query != NULL);

  if (check_query (self, query, lode_source_fetch_open_interest_async, cancellable, callback, user_data))
    LODE_SOURCE_GET_IFACE (self)->fetch_open_interest_async (self, query, cancellable, callback, user_data);
}

GArray *
lode_source_fetch_open_interest_finish (LodeSource    *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return propagate (self, result, error);
}

void
lode_source_fetch_long_short_async (LodeSource            *self,
                                    const LodeSourceQuery *query,
                                    GCancellable          *cancellable,
                                    GAsyncReadyCallback    callback,
                                    gpointer               user_data)
{
  g_return_if_fail (LODE_IS_SOURCE (self));
  g_return_if_fail (query != NULL);

  if (check_query (self, query, lode_source_fetch_long_short_async, cancellable, callback, user_data))
    LODE_SOURCE_GET_IFACE (self)->fetch_long_short_async (self, query, cancellable, callback, user_data);
}

GArray *
lode_source_fetch_long_short_finish (LodeSource    *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return propagate (self, result, error);
}

void
lode_source_fetch_funding_async (LodeSource            *self,
                                 const LodeSourceQuery *query,
                                 GCancellable          *cancellable,
                                 GAsyncReadyCallback    callback,
                                 gpointer               user_data)
{
  g_return_if_fail (LODE_IS_SOURCE (self));
  g_return_if_fail (query != NULL);

  if (check_query (self, query, lode_source_fetch_funding_async, cancellable, callback, user_data))
    LODE_SOURCE_GET_IFACE (self)->fetch_funding_async (self, query, cancellable, callback, user_data);
}

GArray *
lode_source_fetch_funding_finish (LodeSource    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return propagate (self, result, error);
}

void
lode_source_fetch_depth_async (LodeSource          *self,
                               const char          *symbol,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (LODE_IS_SOURCE (self));
  g_return_if_fail (symbol != NULL);

  LODE_SOURCE_GET_IFACE (self)->fetch_depth_async (self, symbol, cancellable, callback, user_data);
}

LodeDepth *
lode_source_fetch_depth_finish (LodeSource    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return propagate (self, result, error);
}

void
lode_source_list_symbols_async (LodeSource          *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (LODE_IS_SOURCE (self));

  LODE_SOURCE_GET_IFACE (self)->list_symbols_async (self, cancellable, callback, user_data);
}

GPtrArray *
lode_source_list_symbols_finish (LodeSource    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return propagate (self, result, error);
}

/* ---- The pager ------------------------------------------------------- */

LodePager *
lode_pager_new (LodeSource            *source,
                LodeHttp              *http,
                const char            *base_url,
                const LodeSourceQuery *query,
                gboolean               is_candles)
{
  LodePager *pager = g_new0 (LodePager, 1);

  pager->source = g_object_ref (source);
  pager->http = g_object_ref (http);
  pager->base_url = g_strdup (base_url);
  pager->query = *query;
  pager->query.symbol = g_strdup (query->symbol);
  pager->query.candles = NULL;
  pager->query.n_candles = 0;
  pager->is_candles = is_candles;
  pager->keep_from = query->start_ms;
  pager->keep_until = is_candles ? query->end_ms - 1 : query->end_ms;
  pager->rows = g_array_new (FALSE, FALSE, is_candles ? sizeof (LodeCandle) : sizeof (LodePoint));

  return pager;
}

void
lode_pager_free (LodePager *pager)
{
  if (pager == NULL)
    return;

  if (pager->venue_data_free != NULL)
    pager->venue_data_free (pager->venue_data);
  g_clear_object (&pager->source);
  g_clear_object (&pager->http);
  g_free (pager->base_url);
  g_free ((char *) pager->query.symbol);
  g_clear_pointer (&pager->rows, g_array_unref);
  g_free (pager->cursor);
  g_free (pager);
}

guint
lode_pager_pages_for (gint64 span_ms,
                      gint64 step_ms,
                      guint  per_page)
{
  gint64 rows = (span_ms + step_ms - 1) / step_ms;

  return (guint) MAX ((rows + per_page - 1) / per_page, 1);
}

void
lode_pager_set_point_window (LodePager *pager,
                             gint64     period_ms,
                             gint64     horizon_ms,
                             guint      per_page)
{
  pager->keep_from = MAX (pager->query.start_ms - period_ms, horizon_ms);
  pager->cursor_ms = pager->keep_until;
  pager->pages_expected = pager->keep_from <= pager->keep_until
                          ? lode_pager_pages_for (pager->keep_until - pager->keep_from + 1,
                                                  period_ms, per_page)
                          : 0;
}

static gint64
page_time (LodePager *pager,
           GArray    *page,
           guint      index)
{
  return pager->is_candles ? g_array_index (page, LodeCandle, index).time_ms
                           : g_array_index (page, LodePoint, index).time_ms;
}

gboolean
lode_pager_add_page (LodePager *pager,
                     GArray    *page,
                     guint      full)
{
  g_array_append_vals (pager->rows, page->data, page->len);
  if (page->len < full || page->len == 0)
    {
      pager->done = TRUE;
      return FALSE;
    }

  return TRUE;
}

void
lode_pager_add_page_forward (LodePager *pager,
                             GArray    *page,
                             guint      full)
{
  gint64 last;

  if (!lode_pager_add_page (pager, page, full))
    return;

  last = page_time (pager, page, page->len - 1);
  if (last < pager->cursor_ms)
    pager->done = TRUE;
  pager->cursor_ms = last + pager->query.interval_ms;
}

void
lode_pager_add_page_backward (LodePager *pager,
                              GArray    *page,
                              guint      full,
                              gboolean   exclusive)
{
  gint64 next;

  if (!lode_pager_add_page (pager, page, full))
    return;

  next = page_time (pager, page, 0) - (exclusive ? 0 : 1);
  if (next >= pager->cursor_ms)
    pager->done = TRUE;
  pager->cursor_ms = next;
}

static void pager_next (GTask *task);

/* Sorted, unique, within [keep_from, keep_until]. */
static void
pager_tidy (LodePager *pager)
{
  guint n = 0;

  if (pager->is_candles)
    {
      LodeCandle *c = (LodeCandle *) (void *) pager->rows->data;

      lode_candles_sort_unique (pager->rows);
      for (guint i = 0; i < pager->rows->len; i++)
        if (c[i].time_ms >= pager->keep_from && c[i].time_ms <= pager->keep_until)
          c[n++] = c[i];
    }
  else
    {
      LodePoint *p = (LodePoint *) (void *) pager->rows->data;

      lode_points_sort_unique (pager->rows);
      for (guint i = 0; i < pager->rows->len; i++)
        if (p[i].time_ms >= pager->keep_from && p[i].time_ms <= pager->keep_until)
          p[n++] = p[i];
    }
  g_array_set_size (pager->rows, n);
}

static void
pager_complete (GTask *task)
{
  LodePager *pager = g_task_get_task_data (task);
  GError *error = NULL;

  pager_tidy (pager);
  if (pager->finish != NULL && !pager->finish (pager, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, g_array_ref (pager->rows), (GDestroyNotify) g_array_unref);
}

static void
on_page (GObject      *object,
         GAsyncResult *result,
         gpointer      data)
{
  g_autoptr(GTask) task = data;
  LodePager *pager = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;
  guint before = pager->rows->len;

  body = lode_http_request_finish (LODE_HTTP (object), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (!pager->parse_page (pager, body, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  pager->pages_done++;
  if (pager->query.progress != NULL)
    pager->query.progress (pager->pages_done,
                           MAX (pager->pages_expected, pager->done ? pager->pages_done : 0),
                           pager->query.progress_data);

  if (pager->rows->len == before || pager->pages_done >= MAX_PAGES)
    pager->done = TRUE;

  if (pager->done)
    pager_complete (task);
  else
    pager_next (task);
}

static void
pager_next (GTask *task)
{
  LodePager *pager = g_task_get_task_data (task);
  g_autoptr(GString) url = g_string_new (pager->base_url);
  g_autofree char *post_json = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (!pager->next_request (pager, url, &post_json))
    {
      pager_complete (task);
      return;
    }

  if (post_json != NULL)
    lode_http_post_json_async (pager->http, url->str, post_json, &pager->call,
                               g_task_get_cancellable (task), on_page, g_object_ref (task));
  else
    lode_http_get_async (pager->http, url->str, &pager->call,
                         g_task_get_cancellable (task), on_page, g_object_ref (task));
}

void
lode_pager_run (LodePager           *pager,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (pager->source, cancellable, callback, user_data);

  g_task_set_source_tag (task, lode_pager_run);
  g_task_set_task_data (task, pager, (GDestroyNotify) lode_pager_free);
  pager_next (task);
}

typedef struct
{
  LodeSourceParseFunc parse;
  GDestroyNotify      free_result;
} OneRequest;

static void
on_one_reply (GObject      *object,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(GTask) task = data;
  OneRequest *one = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;
  gpointer value;

  body = lode_http_request_finish (LODE_HTTP (object), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  value = one->parse (body, &error);
  if (value == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, value, one->free_result);
}

void
lode_source_request_one (LodeSource          *source,
                         LodeHttp            *http,
                         const char          *url,
                         const char          *post_json,
                         const LodeHttpCall  *call,
                         LodeSourceParseFunc  parse,
                         GDestroyNotify       free_result,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  OneRequest *one = g_new0 (OneRequest, 1);

  g_task_set_source_tag (task, lode_source_request_one);
  one->parse = parse;
  one->free_result = free_result;
  g_task_set_task_data (task, one, g_free);

  if (post_json != NULL)
    lode_http_post_json_async (http, url, post_json, call, cancellable, on_one_reply,
                               g_object_ref (task));
  else
    lode_http_get_async (http, url, call, cancellable, on_one_reply, g_object_ref (task));
}

void
lode_points_base_to_usd (GArray           *points,
                         const LodeCandle *candles,
                         gsize             n_candles,
                         gint64            interval_ms)
{
  gsize j = 0;

  /* Both ascending: one merge pass. */
  for (guint i = 0; i < points->len; i++)
    {
      LodePoint *p = &g_array_index (points, LodePoint, i);
      double price;

      if (n_candles == 0)
        {
          p->value = NAN;
          continue;
        }

      while (j < n_candles && candles[j].time_ms + interval_ms <= p->time_ms)
        j++;
      price = j > 0 ? candles[j - 1].close : candles[0].open;
      p->value *= price;
    }
}

/* ---- The whole market ------------------------------------------------- */

typedef enum
{
  STAGE_CANDLES,
  STAGE_OPEN_INTEREST,
  STAGE_LONG_SHORT,
} Stage;

typedef struct
{
  char               *symbol;
  gint64              interval_ms;
  gint64              start_ms;
  gint64              end_ms;
  LodeSourceProgress  progress;
  gpointer            progress_data;
  Stage               stage;
  guint               pages_before;  /* pages of the finished stages */
  guint               stage_pages;   /* pages of the stage under way */
  GArray             *candles;
  GArray             *oi;
  GArray             *ratio;
} MarketFetch;

static void
market_fetch_free (gpointer data)
{
  MarketFetch *fetch = data;

  g_free (fetch->symbol);
  g_clear_pointer (&fetch->candles, g_array_unref);
  g_clear_pointer (&fetch->oi, g_array_unref);
  g_clear_pointer (&fetch->ratio, g_array_unref);
  g_free (fetch);
}

static void market_next_stage (GTask *task);

static void
market_progress (guint    pages_done,
                 guint    pages_expected,
                 gpointer data)
{
  MarketFetch *fetch = data;

  fetch->stage_pages = pages_done;
  if (fetch->progress != NULL)
    fetch->progress (fetch->pages_before + pages_done,
                     pages_expected > 0 ? fetch->pages_before + pages_expected : 0,
                     fetch->progress_data);
}

static void
market_build (GTask *task)
{
  MarketFetch *fetch = g_task_get_task_data (task);
  LodeCandle *candles = (LodeCandle *) (void *) fetch->candles->data;
  gsize n = fetch->candles->len;
  g_autoptr(GError) error = NULL;
  LodeMarket *market;

  lode_market_align_oi (candles, n, fetch->interval_ms,
                        (const LodePoint *) (void *) fetch->oi->data, fetch->oi->len,
                        LODE_OI_UNIT_USD, 1.0);
  lode_market_align_long_share (candles, n, fetch->interval_ms,
                                (const LodePoint *) (void *) fetch->ratio->data,
                                fetch->ratio->len);

  market = lode_market_new (candles, n, fetch->interval_ms, &error);
  if (market == NULL)
    {
      g_task_return_new_error (task, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_INVALID_SERIES,
                               _("The exchange sent an inconsistent series: %s"),
                               error->message);
      return;
    }

  g_task_return_pointer (task, market, (GDestroyNotify) lode_market_unref);
}

static void
on_market_stage (GObject      *object,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(GTask) task = data;
  MarketFetch *fetch = g_task_get_task_data (task);
  GError *error = NULL;
  GArray *rows;

  rows = propagate (LODE_SOURCE (object), result, &error);
  if (rows == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  fetch->pages_before += fetch->stage_pages;
  fetch->stage_pages = 0;

  switch (fetch->stage)
    {
    case STAGE_CANDLES:
      fetch->candles = rows;
      if (rows->len == 0)
        {
          g_task_return_new_error (task, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE,
                                   _("%s has no candles of %s in this time range"),
                                   lode_source_get_label (LODE_SOURCE (object)),
                                   fetch->symbol);
          return;
        }
      fetch->stage = STAGE_OPEN_INTEREST;
      break;

    case STAGE_OPEN_INTEREST:
      fetch->oi = rows;
      fetch->stage = STAGE_LONG_SHORT;
      break;

    case STAGE_LONG_SHORT:
      fetch->ratio = rows;
      market_build (task);
      return;

    default:
      g_assert_not_reached ();
    }

  market_next_stage (task);
}

static void
market_next_stage (GTask *task)
{
  LodeSource *self = g_task_get_source_object (task);
  MarketFetch *fetch = g_task_get_task_data (task);
  LodeSourceQuery query = {
    .symbol = fetch->symbol,
    .interval_ms = fetch->interval_ms,
    .start_ms = fetch->start_ms,
    .end_ms = fetch->end_ms,
    .progress = market_progress,
    .progress_data = fetch,
  };
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (g_task_return_error_if_cancelled (task))
    return;

  switch (fetch->stage)
    {
    case STAGE_CANDLES:
      lode_source_fetch_candles_async (self, &query, cancellable, on_market_stage,
                                       g_object_ref (task));
      break;

    case STAGE_OPEN_INTEREST:
      query.candles = (const LodeCandle *) (void *) fetch->candles->data;
      query.n_candles = fetch->candles->len;
      lode_source_fetch_open_interest_async (self, &query, cancellable, on_market_stage,
                                             g_object_ref (task));
      break;

    case STAGE_LONG_SHORT:
      lode_source_fetch_long_short_async (self, &query, cancellable, on_market_stage,
                                          g_object_ref (task));
      break;

    default:
      g_assert_not_reached ();
    }
}

void
lode_source_fetch_market_async (LodeSource          *self,
                                const char          *symbol,
                                gint64               interval_ms,
                                gint64               start_ms,
                                gint64               end_ms,
                                LodeSourceProgress   progress_cb,
                                gpointer             progress_data,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  MarketFetch *fetch;

  g_return_if_fail (LODE_IS_SOURCE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lode_source_fetch_market_async);

  fetch = g_new0 (MarketFetch, 1);
  fetch->symbol = g_strdup (symbol);
  fetch->interval_ms = interval_ms;
  fetch->start_ms = start_ms;
  fetch->end_ms = end_ms;
  fetch->progress = progress_cb;
  fetch->progress_data = progress_data;
  fetch->stage = STAGE_CANDLES;
  g_task_set_task_data (task, fetch, market_fetch_free);

  market_next_stage (task);
}

LodeMarket *
lode_source_fetch_market_finish (LodeSource    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (LODE_IS_SOURCE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lode_source_fetch_market_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
