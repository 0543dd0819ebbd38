/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lode-okx.h"
#include "lode-okx-parse.h"

#define MINUTE_MS        G_GINT64_CONSTANT (60000)

/* §3 limits. */
#define CANDLES_MAX      300
#define RUBIK_MAX        100
#define RUBIK_POINTS     1440   /* the latest entries kept per period */
#define FUNDING_MAX      400
#define BOOK_MAX         400

/* Limits are per endpoint, "N requests per 2 seconds". */
#define KEY_CANDLES      "okx:history-candles"
#define KEY_OI           "okx:open-interest-history"
#define KEY_RATIO        "okx:long-short-account-ratio"
#define KEY_FUNDING      "okx:funding-rate-history"
#define KEY_BOOKS        "okx:books"
#define KEY_INSTRUMENTS  "okx:instruments"

struct _LodeOkx
{
  LodeVenue   parent_instance;

  GHashTable *contract_values;  /* instId → double* (base per contract) */
};

static void source_iface_init (LodeSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LodeOkx, lode_okx, LODE_TYPE_VENUE,
                               G_IMPLEMENT_INTERFACE (LODE_TYPE_SOURCE, source_iface_init))

/* Bar and rubik period names; day bars in their UTC form ("1D" would be
 * aligned to UTC+8, §3). */
static const char *
bar_name (gint64 interval_ms)
{
  switch (interval_ms / MINUTE_MS)
    {
    case 1:
      return "1m";
    case 5:
      return "5m";
    case 15:
      return "15m";
    case 60:
      return "1H";
    case 240:
      return "4H";
    case 1440:
      return "1Dutc";
    default:
      return NULL;
    }
}

/* ---- Candles: history-candles backward, after = oldest ts ------------- */

static gboolean
candles_next (LodePager  *pager,
              GString    *url,
              char      **post_json)
{
  g_autoptr(GString) query = g_string_new (NULL);
  gint64 rows = (pager->cursor_ms - pager->query.start_ms + pager->query.interval_ms - 1)
                / pager->query.interval_ms;

  if (pager->cursor_ms <= pager->query.start_ms)
    return FALSE;

  pager->page_limit = (guint) CLAMP (rows, 1, CANDLES_MAX);
  lode_http_query_add (query, "instId", pager->query.symbol);
  lode_http_query_add (query, "bar", bar_name (pager->query.interval_ms));
  /* after = records older than this ts */
  lode_http_query_add_int (query, "after", pager->cursor_ms);
  lode_http_query_add_int (query, "limit", pager->page_limit);
  g_string_append_printf (url, "/api/v5/market/history-candles?%s", query->str);

  return TRUE;
}

static gboolean
candles_page (LodePager  *pager,
              GBytes     *body,
              GError    **error)
{
  g_autoptr(GArray) page = lode_okx_parse_candles (body, error);

  if (page == NULL)
    return FALSE;

  /* `after` excludes its own ts; a venue that ignored it ends the walk
   * rather than loop it. */
  lode_pager_add_page_backward (pager, page, pager->page_limit, TRUE);
  return TRUE;
}

static void
okx_fetch_candles_async (LodeSource            *source,
                         const LodeSourceQuery *query,
                         GCancellable          *cancellable,
                         GAsyncReadyCallback    callback,
                         gpointer               user_data)
{
  LodeHttpCall call = { KEY_CANDLES, 1, lode_okx_check };
  LodePager *pager = lode_venue_pager_new (LODE_VENUE (source), query, TRUE, &call);

  pager->cursor_ms = query->end_ms;
  pager->pages_expected = lode_pager_pages_for (query->end_ms - query->start_ms, query->interval_ms,
                                               CANDLES_MAX);
  pager->next_request = candles_next;
  pager->parse_page = candles_page;
  lode_pager_run (pager, cancellable, callback, user_data);
}

/* ---- Rubik statistics: backward, end = oldest − 1 ---------------------- */

typedef struct
{
  const char  *path;
  gint64       period_ms;
  GArray     *(*parse) (GBytes *body, GError **error);
} RubikSeries;

static gboolean
rubik_next (LodePager  *pager,
            GString    *url,
            char      **post_json)
{
  RubikSeries *series = pager->venue_data;
  g_autoptr(GString) query = g_string_new (NULL);

  if (pager->cursor_ms < pager->keep_from)
    return FALSE;

  lode_http_query_add (query, "instId", pager->query.symbol);
  lode_http_query_add (query, "period", bar_name (series->period_ms));
  lode_http_query_add_int (query, "begin", pager->keep_from);
  lode_http_query_add_int (query, "end", pager->cursor_ms);
  lode_http_query_add_int (query, "limit", RUBIK_MAX);
  g_string_append_printf (url, "%s?%s", series->path, query->str);

  return TRUE;
}

static gboolean
rubik_page (LodePager  *pager,
            GBytes     *body,
            GError    **error)
{
  RubikSeries *series = pager->venue_data;
  g_autoptr(GArray) page = series->parse (body, error);

  if (page == NULL)
    return FALSE;

  lode_pager_add_page_backward (pager, page, RUBIK_MAX, FALSE);
  return TRUE;
}

static void
fetch_rubik (LodeOkx               *self,
             const LodeSourceQuery *query,
             const char            *path,
             const char            *key,
             GArray              *(*parse) (GBytes *, GError **),
             GCancellable          *cancellable,
             GAsyncReadyCallback    callback,
             gpointer               user_data)
{
  LodeHttpCall call = { key, 1, lode_okx_check };
  LodePager *pager = lode_venue_pager_new (LODE_VENUE (self), query, FALSE, &call);
  RubikSeries *series = g_new0 (RubikSeries, 1);
  gint64 horizon;

  series->path = path;
  series->parse = parse;
  series->period_ms = MAX (query->interval_ms, 5 * MINUTE_MS);
  pager->venue_data = series;
  pager->venue_data_free = g_free;

  /* Only the latest 1,440 points exist: ask for nothing older (one
   * period of margin for the venue's clock). */
  horizon = g_get_real_time () / 1000 - (RUBIK_POINTS - 1) * series->period_ms;
  lode_pager_set_point_window (pager, series->period_ms, horizon, RUBIK_MAX);
  pager->next_request = rubik_next;
  pager->parse_page = rubik_page;
  lode_pager_run (pager, cancellable, callback, user_data);
}

static void
okx_fetch_open_interest_async (LodeSource            *source,
                               const LodeSourceQuery *query,
                               GCancellable          *cancellable,
                               GAsyncReadyCallback    callback,
                               gpointer               user_data)
{
  /* oiUsd: the venue's own USD notional of the one-sided `oi` (§5). */
  fetch_rubik (LODE_OKX (source), query, "/api/v5/rubik/stat/contracts/open-interest-history",
               KEY_OI, lode_okx_parse_oi_history, cancellable, callback, user_data);
}

static void
okx_fetch_long_short_async (LodeSource            *source,
                            const LodeSourceQuery *query,
                            GCancellable          *cancellable,
                            GAsyncReadyCallback    callback,
                            gpointer               user_data)
{
  fetch_rubik (LODE_OKX (source), query,
               "/api/v5/rubik/stat/contracts/long-short-account-ratio-contract",
               KEY_RATIO, lode_okx_parse_ratio, cancellable, callback, user_data);
}

/* ---- Funding: backward, after = oldest fundingTime -------------------- */

static gboolean
funding_next (LodePager  *pager,
              GString    *url,
              char      **post_json)
{
  g_autoptr(GString) query = g_string_new (NULL);

  if (pager->cursor_ms <= pager->query.start_ms)
    return FALSE;

  lode_http_query_add (query, "instId", pager->query.symbol);
  lode_http_query_add_int (query, "after", pager->cursor_ms);
  lode_http_query_add_int (query, "limit", FUNDING_MAX);
  g_string_append_printf (url, "/api/v5/public/funding-rate-history?%s", query->str);

  return TRUE;
}

static gboolean
funding_page (LodePager  *pager,
              GBytes     *body,
              GError    **error)
{
  g_autoptr(GArray) page = lode_okx_parse_funding (body, error);

  if (page == NULL)
    return FALSE;

  if (lode_pager_add_page (pager, page, FUNDING_MAX))
    pager->cursor_ms = g_array_index (page, LodePoint, 0).time_ms;
  return TRUE;
}

static void
okx_fetch_funding_async (LodeSource            *source,
                         const LodeSourceQuery *query,
                         GCancellable          *cancellable,
                         GAsyncReadyCallback    callback,
                         gpointer               user_data)
{
  LodeHttpCall call = { KEY_FUNDING, 1, lode_okx_check };
  LodePager *pager = lode_venue_pager_new (LODE_VENUE (source), query, FALSE, &call);

  pager->cursor_ms = query->end_ms;
  pager->next_request = funding_next;
  pager->parse_page = funding_page;
  lode_pager_run (pager, cancellable, callback, user_data);
}

/* ---- Depth: the instrument's contract value, then the book ------------- */

static void
okx_list_symbols_async (LodeSource          *source,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  LodeHttpCall call = { KEY_INSTRUMENTS, 1, lode_okx_check };

  lode_venue_request (LODE_VENUE (source), "/api/v5/public/instruments", "instType=SWAP", NULL, &call,
                      (LodeSourceParseFunc) lode_okx_parse_symbols,
                      (GDestroyNotify) g_ptr_array_unref,
                      cancellable, callback, user_data);
}

static void
on_books (GObject      *object,
          GAsyncResult *result,
          gpointer      data)
{
  g_autoptr(GTask) task = data;
  LodeOkx *self = g_task_get_source_object (task);
  const char *symbol = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;
  LodeDepth *depth;
  double *contract_value;

  body = lode_http_request_finish (LODE_HTTP (object), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  contract_value = g_hash_table_lookup (self->contract_values, symbol);
  depth = lode_okx_parse_depth (body, *contract_value, &error);
  if (depth == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, depth, (GDestroyNotify) lode_depth_free);
}

static void
request_books (GTask *task)
{
  LodeVenue *venue = g_task_get_source_object (task);
  const char *symbol = g_task_get_task_data (task);
  g_autoptr(GString) url = g_string_new (lode_venue_get_base_url (venue));
  g_autoptr(GString) query = g_string_new (NULL);
  LodeHttpCall call = { KEY_BOOKS, 1, lode_okx_check };

  lode_http_query_add (query, "instId", symbol);
  lode_http_query_add_int (query, "sz", BOOK_MAX);
  g_string_append_printf (url, "/api/v5/market/books?%s", query->str);
  lode_http_get_async (lode_venue_get_http (venue), url->str, &call, g_task_get_cancellable (task),
                       on_books, g_object_ref (task));
}

static void
on_instruments (GObject      *object,
                GAsyncResult *result,
                gpointer      data)
{
  g_autoptr(GTask) task = data;
  LodeOkx *self = g_task_get_source_object (task);
  const char *symbol = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GPtrArray) symbols = lode_source_list_symbols_finish (LODE_SOURCE (object), result, &error);

  if (symbols == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  for (guint i = 0; i < symbols->len; i++)
    {
      LodeSymbolInfo *info = g_ptr_array_index (symbols, i);

      g_hash_table_replace (self->contract_values, g_strdup (info->id),
                            g_memdup2 (&info->contract_value, sizeof (double)));
    }

  if (!g_hash_table_contains (self->contract_values, symbol))
    {
      g_task_return_new_error (task, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE,
                               _("OKX has no live linear swap %s"), symbol);
      return;
    }

  request_books (task);
}

static void
okx_fetch_depth_async (LodeSource          *source,
                       const char          *symbol,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  LodeOkx *self = LODE_OKX (source);
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);

  g_task_set_source_tag (task, okx_fetch_depth_async);
  g_task_set_task_data (task, g_strdup (symbol), g_free);

  /* Contract values do not change: one instruments request per run. */
  if (g_hash_table_contains (self->contract_values, symbol))
    request_books (task);
  else
    okx_list_symbols_async (source, cancellable, on_instruments, g_object_ref (task));
}

static void
source_iface_init (LodeSourceInterface *iface)
{
  iface->fetch_candles_async = okx_fetch_candles_async;
  iface->fetch_open_interest_async = okx_fetch_open_interest_async;
  iface->fetch_long_short_async = okx_fetch_long_short_async;
  iface->fetch_funding_async = okx_fetch_funding_async;
  iface->fetch_depth_async = okx_fetch_depth_async;
  iface->list_symbols_async = okx_list_symbols_async;
}

static void
lode_okx_constructed (GObject *object)
{
  LodeHttp *http;

  G_OBJECT_CLASS (lode_okx_parent_class)->constructed (object);

  /* §3: per IP and endpoint, N requests per 2 s. */
  http = lode_venue_get_http (LODE_VENUE (object));
  lode_http_ensure_rate_limit (http, KEY_CANDLES, 20, 2000, NULL);
  lode_http_ensure_rate_limit (http, KEY_OI, 10, 2000, NULL);
  lode_http_ensure_rate_limit (http, KEY_RATIO, 5, 2000, NULL);
  lode_http_ensure_rate_limit (http, KEY_FUNDING, 10, 2000, NULL);
  lode_http_ensure_rate_limit (http, KEY_BOOKS, 40, 2000, NULL);
  lode_http_ensure_rate_limit (http, KEY_INSTRUMENTS, 20, 2000, NULL);
}

static void
lode_okx_finalize (GObject *object)
{
  LodeOkx *self = LODE_OKX (object);

  g_hash_table_unref (self->contract_values);

  G_OBJECT_CLASS (lode_okx_parent_class)->finalize (object);
}

static void
lode_okx_class_init (LodeOkxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  LodeVenueClass *venue_class = LODE_VENUE_CLASS (klass);

  object_class->constructed = lode_okx_constructed;
  object_class->finalize = lode_okx_finalize;

  venue_class->id = "okx";
  venue_class->label = "OKX";
  venue_class->default_base_url = LODE_OKX_DEFAULT_BASE_URL;
}

static void
lode_okx_init (LodeOkx *self)
{
  self->contract_values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

LodeOkx *
lode_okx_new (LodeHttp   *http,
              const char *base_url)
{
  g_return_val_if_fail (LODE_IS_HTTP (http), NULL);

  return g_object_new (LODE_TYPE_OKX,
                       "http", http,
                       "base-url", base_url,
                       NULL);
}
