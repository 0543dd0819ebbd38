/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lode-bybit.h"
#include "lode-bybit-parse.h"

#define MINUTE_MS      G_GINT64_CONSTANT (60000)

/* §2 limits. */
#define KLINES_MAX     1000
#define OI_MAX         200
#define RATIO_MAX      500
#define FUNDING_MAX    200
#define DEPTH_LIMIT    1000

#define KEY            "bybit"

/* Every public market endpoint counts against the one limit. */
static const LodeHttpCall market_call = { KEY, 1, lode_bybit_check };

struct _LodeBybit
{
  LodeVenue parent_instance;
};

static void source_iface_init (LodeSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LodeBybit, lode_bybit, LODE_TYPE_VENUE,
                               G_IMPLEMENT_INTERFACE (LODE_TYPE_SOURCE, source_iface_init))

static const char *
kline_interval (gint64 interval_ms)
{
  switch (interval_ms / MINUTE_MS)
    {
    case 1:
      return "1";
    case 5:
      return "5";
    case 15:
      return "15";
    case 60:
      return "60";
    case 240:
      return "240";
    case 1440:
      return "D";
    default:
      return NULL;
    }
}

/* OI intervalTime and ratio period: the candle interval, at least 5 min. */
static const char *
data_period (gint64  interval_ms,
             gint64 *period_ms)
{
  *period_ms = MAX (interval_ms, 5 * MINUTE_MS);

  switch (*period_ms / MINUTE_MS)
    {
    case 5:
      return "5min";
    case 15:
      return "15min";
    case 60:
      return "1h";
    case 240:
      return "4h";
    case 1440:
      return "1d";
    default:
      return NULL;
    }
}

/* ---- Candles: backward from the end, end = oldest start − 1 ----------- */

static gboolean
klines_next (LodePager  *pager,
             GString    *url,
             char      **post_json)
{
  g_autoptr(GString) query = g_string_new (NULL);
  gint64 rows = (pager->cursor_ms - pager->query.start_ms) / pager->query.interval_ms + 1;

  if (pager->cursor_ms < pager->query.start_ms)
    return FALSE;

  pager->page_limit = (guint) CLAMP (rows, 1, KLINES_MAX);
  lode_http_query_add (query, "category", "linear");
  lode_http_query_add (query, "symbol", pager->query.symbol);
  lode_http_query_add (query, "interval", kline_interval (pager->query.interval_ms));
  lode_http_query_add_int (query, "start", pager->query.start_ms);
  lode_http_query_add_int (query, "end", pager->cursor_ms);
  lode_http_query_add_int (query, "limit", pager->page_limit);
  g_string_append_printf (url, "/v5/market/kline?%s", query->str);

  return TRUE;
}

static gboolean
klines_page (LodePager  *pager,
             GBytes     *body,
             GError    **error)
{
  g_autoptr(GArray) page = lode_bybit_parse_klines (body, error);

  if (page == NULL)
    return FALSE;

  /* A venue that ignored `end` ends the walk rather than loop it. */
  lode_pager_add_page_backward (pager, page, pager->page_limit, FALSE);
  return TRUE;
}

static void
bybit_fetch_candles_async (LodeSource            *source,
                           const LodeSourceQuery *query,
                           GCancellable          *cancellable,
                           GAsyncReadyCallback    callback,
                           gpointer               user_data)
{
  LodePager *pager = lode_venue_pager_new (LODE_VENUE (source), query, TRUE, &market_call);

  pager->cursor_ms = query->end_ms - 1;
  pager->pages_expected = lode_pager_pages_for (query->end_ms - query->start_ms, query->interval_ms,
                                               KLINES_MAX);
  pager->next_request = klines_next;
  pager->parse_page = klines_page;
  lode_pager_run (pager, cancellable, callback, user_data);
}

/* ---- Cursor series: open interest, account ratio ----------------------- */

typedef struct
{
  const char *path;
  const char *period_param;
  const char *period;
  gint64      period_ms;
  guint       limit;
  gboolean    is_oi;
  GArray     *candles;  /* OI: for the USD conversion */
} CursorSeries;

static void
cursor_series_free (gpointer data)
{
  CursorSeries *series = data;

  g_clear_pointer (&series->candles, g_array_unref);
  g_free (series);
}

static gboolean
cursor_next (LodePager  *pager,
             GString    *url,
             char      **post_json)
{
  CursorSeries *series = pager->venue_data;
  g_autoptr(GString) query = g_string_new (NULL);

  lode_http_query_add (query, "category", "linear");
  lode_http_query_add (query, "symbol", pager->query.symbol);
  lode_http_query_add (query, series->period_param, series->period);
  lode_http_query_add_int (query, "startTime", pager->keep_from);
  lode_http_query_add_int (query, "endTime", pager->keep_until);
  lode_http_query_add_int (query, "limit", series->limit);
  /* The cursor comes URL-encoded already ("lastid%3D…"): as it is. */
  if (pager->cursor != NULL)
    lode_http_query_add_raw (query, "cursor", pager->cursor);
  g_string_append_printf (url, "%s?%s", series->path, query->str);

  return TRUE;
}

static gboolean
cursor_page (LodePager  *pager,
             GBytes     *body,
             GError    **error)
{
  CursorSeries *series = pager->venue_data;
  g_autofree char *next = NULL;
  g_autoptr(GArray) page = series->is_oi
                           ? lode_bybit_parse_open_interest (body, &next, error)
                           : lode_bybit_parse_ratio (body, &next, error);

  if (page == NULL)
    return FALSE;

  g_array_append_vals (pager->rows, page->data, page->len);

  /* An empty cursor ends the list; one that repeats would loop. */
  if (next == NULL || g_strcmp0 (next, pager->cursor) == 0)
    pager->done = TRUE;
  g_free (pager->cursor);
  pager->cursor = g_steal_pointer (&next);

  return TRUE;
}

static gboolean
oi_to_usd (LodePager  *pager,
           GError    **error)
{
  CursorSeries *series = pager->venue_data;

  lode_points_base_to_usd (pager->rows,
                           (const LodeCandle *) (void *) series->candles->data,
                           series->candles->len, pager->query.interval_ms);
  return TRUE;
}

static void
run_cursor_series (LodeBybit             *self,
                   const LodeSourceQuery *query,
                   gboolean               is_oi,
                   GArray                *candles,
                   GCancellable          *cancellable,
                   GAsyncReadyCallback    callback,
                   gpointer               user_data)
{
  LodePager *pager = lode_venue_pager_new (LODE_VENUE (self), query, FALSE, &market_call);
  CursorSeries *series = g_new0 (CursorSeries, 1);

  series->is_oi = is_oi;
  series->path = is_oi ? "/v5/market/open-interest" : "/v5/market/account-ratio";
  series->period_param = is_oi ? "intervalTime" : "period";
  series->period = data_period (query->interval_ms, &series->period_ms);
  series->limit = is_oi ? OI_MAX : RATIO_MAX;
  series->candles = candles != NULL ? g_array_ref (candles) : NULL;
  pager->venue_data = series;
  pager->venue_data_free = cursor_series_free;

  /* The whole range: the cursor string, not cursor_ms, walks it. */
  lode_pager_set_point_window (pager, series->period_ms, G_MININT64, series->limit);
  pager->next_request = cursor_next;
  pager->parse_page = cursor_page;
  pager->finish = is_oi ? oi_to_usd : NULL;
  lode_pager_run (pager, cancellable, callback, user_data);
}

/* OI needs the candles' closes; when the caller has none, fetch them. */
typedef struct
{
  LodeSourceQuery query;
  char           *symbol;
} OiFetch;

static void
oi_fetch_free (gpointer data)
{
  OiFetch *fetch = data;

  g_free (fetch->symbol);
  g_free (fetch);
}

static void
on_oi_done (GObject      *object,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;
  GArray *points = g_task_propagate_pointer (G_TASK (result), &error);

  if (points == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, points, (GDestroyNotify) g_array_unref);
}

static void
on_oi_candles (GObject      *object,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr(GTask) task = data;
  OiFetch *fetch = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GArray) candles = lode_source_fetch_candles_finish (LODE_SOURCE (object), result, &error);

  if (candles == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  run_cursor_series (LODE_BYBIT (object), &fetch->query, TRUE, candles,
                     g_task_get_cancellable (task), on_oi_done, g_object_ref (task));
}

static void
bybit_fetch_open_interest_async (LodeSource            *source,
                                 const LodeSourceQuery *query,
                                 GCancellable          *cancellable,
                                 GAsyncReadyCallback    callback,
                                 gpointer               user_data)
{
  LodeBybit *self = LODE_BYBIT (source);
  g_autoptr(GTask) task = NULL;
  OiFetch *fetch;

  if (query->candles != NULL)
    {
      g_autoptr(GArray) candles = g_array_sized_new (FALSE, FALSE, sizeof (LodeCandle), query->n_candles);

      g_array_append_vals (candles, query->candles, query->n_candles);
      run_cursor_series (self, query, TRUE, candles, cancellable, callback, user_data);
      return;
    }

  task = g_task_new (source, cancellable, callback, user_data);
  g_task_set_source_tag (task, bybit_fetch_open_interest_async);
  fetch = g_new0 (OiFetch, 1);
  fetch->query = *query;
  fetch->symbol = g_strdup (query->symbol);
  fetch->query.symbol = fetch->symbol;
  fetch->query.progress = NULL;
  g_task_set_task_data (task, fetch, oi_fetch_free);

  lode_source_fetch_candles_async (source, &fetch->query, cancellable, on_oi_candles,
                                   g_object_ref (task));
}

static void
bybit_fetch_long_short_async (LodeSource            *source,
                              const LodeSourceQuery *query,
                              GCancellable          *cancellable,
                              GAsyncReadyCallback    callback,
                              gpointer               user_data)
{
  run_cursor_series (LODE_BYBIT (source), query, FALSE, NULL, cancellable, callback, user_data);
}

/* ---- Funding: backward, endTime = oldest − 1 (startTime alone fails) ---- */

static gboolean
funding_next (LodePager  *pager,
              GString    *url,
              char      **post_json)
{
  g_autoptr(GString) query = g_string_new (NULL);

  if (pager->cursor_ms < pager->query.start_ms)
    return FALSE;

  lode_http_query_add (query, "category", "linear");
  lode_http_query_add (query, "symbol", pager->query.symbol);
  lode_http_query_add_int (query, "startTime", pager->query.start_ms);
  lode_http_query_add_int (query, "endTime", pager->cursor_ms);
  lode_http_query_add_int (query, "limit", FUNDING_MAX);
  g_string_append_printf (url, "/v5/market/funding/history?%s", query->str);

  return TRUE;
}

static gboolean
funding_page (LodePager  *pager,
              GBytes     *body,
              GError    **error)
{
  g_autoptr(GArray) page = lode_bybit_parse_funding (body, error);

  if (page == NULL)
    return FALSE;

  if (lode_pager_add_page (pager, page, FUNDING_MAX))
    pager->cursor_ms = g_array_index (page, LodePoint, 0).time_ms - 1;
  return TRUE;
}

static void
bybit_fetch_funding_async (LodeSource            *source,
                           const LodeSourceQuery *query,
                           GCancellable          *cancellable,
                           GAsyncReadyCallback    callback,
                           gpointer               user_data)
{
  LodePager *pager = lode_venue_pager_new (LODE_VENUE (source), query, FALSE, &market_call);

  pager->cursor_ms = query->end_ms - 1;
  pager->next_request = funding_next;
  pager->parse_page = funding_page;
  lode_pager_run (pager, cancellable, callback, user_data);
}

/* ---- One-shot requests ------------------------------------------------- */

static void
bybit_fetch_depth_async (LodeSource          *source,
                         const char          *symbol,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GString) query = g_string_new (NULL);

  lode_http_query_add (query, "category", "linear");
  lode_http_query_add (query, "symbol", symbol);
  lode_http_query_add_int (query, "limit", DEPTH_LIMIT);
  lode_venue_request (LODE_VENUE (source), "/v5/market/orderbook", query->str, NULL, &market_call,
                      (LodeSourceParseFunc) lode_bybit_parse_depth,
                      (GDestroyNotify) lode_depth_free,
                      cancellable, callback, user_data);
}

static void
bybit_list_symbols_async (LodeSource          *source,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  /* One page of 1000 holds every linear contract today; the cursor of a
   * longer list is not followed yet. */
  lode_venue_request (LODE_VENUE (source), "/v5/market/instruments-info",
                      "category=linear&limit=1000", NULL, &market_call,
                      (LodeSourceParseFunc) lode_bybit_parse_symbols,
                      (GDestroyNotify) g_ptr_array_unref,
                      cancellable, callback, user_data);
}

static void
source_iface_init (LodeSourceInterface *iface)
{
  iface->fetch_candles_async = bybit_fetch_candles_async;
  iface->fetch_open_interest_async = bybit_fetch_open_interest_async;
  iface->fetch_long_short_async = bybit_fetch_long_short_async;
  iface->fetch_funding_async = bybit_fetch_funding_async;
  iface->fetch_depth_async = bybit_fetch_depth_async;
  iface->list_symbols_async = bybit_list_symbols_async;
}

static void
lode_bybit_constructed (GObject *object)
{
  LodeHttp *http;

  G_OBJECT_CLASS (lode_bybit_parent_class)->constructed (object);

  /* §2: 600 requests per 5 s per IP across the public market endpoints;
   * beyond it an HTTP 403 and a ban of ten minutes. */
  http = lode_venue_get_http (LODE_VENUE (object));
  lode_http_ensure_rate_limit (http, KEY, 600, 5000, NULL);
  lode_http_set_rate_limit_reset_headers (http, KEY, "X-Bapi-Limit-Status",
                                          "X-Bapi-Limit-Reset-Timestamp");
}

static void
lode_bybit_class_init (LodeBybitClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  LodeVenueClass *venue_class = LODE_VENUE_CLASS (klass);

  object_class->constructed = lode_bybit_constructed;

  venue_class->id = "bybit";
  venue_class->label = "Bybit";
  venue_class->default_base_url = LODE_BYBIT_DEFAULT_BASE_URL;
}

static void
lode_bybit_init (LodeBybit *self)
{
}

LodeBybit *
lode_bybit_new (LodeHttp   *http,
                const char *base_url)
{
  g_return_val_if_fail (LODE_IS_HTTP (http), NULL);

  return g_object_new (LODE_TYPE_BYBIT,
                       "http", http,
                       "base-url", base_url,
                       NULL);
}
