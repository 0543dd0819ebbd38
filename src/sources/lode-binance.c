/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lode-binance.h"
#include "lode-binance-parse.h"

#define MINUTE_MS        G_GINT64_CONSTANT (60000)
#define DAY_MS           (1440 * MINUTE_MS)

/* §1 limits. */
#define KLINES_MAX       1500
#define DATA_MAX         500    /* /futures/data/… rows per page */
#define DATA_DAYS        30     /* /futures/data/… history */
#define FUNDING_MAX      1000
#define DEPTH_LIMIT      1000
#define DEPTH_WEIGHT     20

#define KEY_WEIGHT       "binance"
#define KEY_DATA         "binance:futures-data"
#define KEY_FUNDING      "binance:funding"

struct _LodeBinance
{
  LodeVenue parent_instance;
};

static void source_iface_init (LodeSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LodeBinance, lode_binance, LODE_TYPE_VENUE,
                               G_IMPLEMENT_INTERFACE (LODE_TYPE_SOURCE, source_iface_init))

/* Kline weight by limit (§1.1). */
static guint
klines_weight (guint limit)
{
  if (limit < 100)
    return 1;
  if (limit < 500)
    return 2;
  if (limit <= 1000)
    return 5;
  return 10;
}

/* The OI and ratio period for candles of @interval_ms: the same, but
 * never below 5m, the finest period of /futures/data. */
static const char *
data_period (gint64  interval_ms,
             gint64 *period_ms)
{
  *period_ms = MAX (interval_ms, 5 * MINUTE_MS);

  return lode_source_interval_name (*period_ms);
}

/* ---- Candles: forward from start, startTime = last open + Δ ----------- */

static gboolean
klines_next (LodePager  *pager,
             GString    *url,
             char      **post_json)
{
  g_autoptr(GString) query = g_string_new (NULL);
  gint64 rows = (pager->query.end_ms - pager->cursor_ms + pager->query.interval_ms - 1)
                / pager->query.interval_ms;

  if (pager->cursor_ms >= pager->query.end_ms)
    return FALSE;

  pager->page_limit = (guint) CLAMP (rows, 1, KLINES_MAX);
  pager->call.weight = klines_weight (pager->page_limit);

  lode_http_query_add (query, "symbol", pager->query.symbol);
  lode_http_query_add (query, "interval", lode_source_interval_name (pager->query.interval_ms));
  lode_http_query_add_int (query, "startTime", pager->cursor_ms);
  lode_http_query_add_int (query, "endTime", pager->query.end_ms - 1);
  lode_http_query_add_int (query, "limit", pager->page_limit);
  g_string_append_printf (url, "/fapi/v1/klines?%s", query->str);

  return TRUE;
}

static gboolean
klines_page (LodePager  *pager,
             GBytes     *body,
             GError    **error)
{
  g_autoptr(GArray) page = lode_binance_parse_klines (body, error);

  if (page == NULL)
    return FALSE;

  /* A venue that ignored startTime ends the walk rather than loop it. */
  lode_pager_add_page_forward (pager, page, pager->page_limit);
  return TRUE;
}

static void
binance_fetch_candles_async (LodeSource            *source,
                             const LodeSourceQuery *query,
                             GCancellable          *cancellable,
                             GAsyncReadyCallback    callback,
                             gpointer               user_data)
{
  LodeHttpCall call = { KEY_WEIGHT, 0, lode_binance_check };
  LodePager *pager = lode_venue_pager_new (LODE_VENUE (source), query, TRUE, &call);

  pager->cursor_ms = query->start_ms;
  pager->pages_expected = lode_pager_pages_for (query->end_ms - query->start_ms, query->interval_ms,
                                               KLINES_MAX);
  pager->next_request = klines_next;
  pager->parse_page = klines_page;
  lode_pager_run (pager, cancellable, callback, user_data);
}

/* ---- /futures/data/…: backward from the end, within 30 days ----------
 *
 * Only endTime is sent: with it alone every reading of the docs agrees
 * that the latest `limit` rows up to it come back, whereas which rows a
 * startTime + endTime range longer than a page gives is not said. */

typedef struct
{
  const char   *path;
  gint64        period_ms;
  const char   *period;
  GArray     *(*parse) (GBytes *body, GError **error);
} DataSeries;

static gboolean
data_next (LodePager  *pager,
           GString    *url,
           char      **post_json)
{
  DataSeries *series = pager->venue_data;
  g_autoptr(GString) query = g_string_new (NULL);

  if (pager->cursor_ms < pager->keep_from)
    return FALSE;

  pager->page_limit = DATA_MAX;
  lode_http_query_add (query, "symbol", pager->query.symbol);
  lode_http_query_add (query, "period", series->period);
  lode_http_query_add_int (query, "endTime", pager->cursor_ms);
  lode_http_query_add_int (query, "limit", DATA_MAX);
  g_string_append_printf (url, "%s?%s", series->path, query->str);

  return TRUE;
}

static gboolean
data_page (LodePager  *pager,
           GBytes     *body,
           GError    **error)
{
  DataSeries *series = pager->venue_data;
  g_autoptr(GArray) page = series->parse (body, error);

  if (page == NULL)
    return FALSE;

  lode_pager_add_page_backward (pager, page, DATA_MAX, FALSE);
  if (pager->cursor_ms < pager->keep_from)
    pager->done = TRUE;  /* the page reached back to keep_from */
  return TRUE;
}

static void
fetch_data_series (LodeBinance           *self,
                   const LodeSourceQuery *query,
                   const char            *path,
                   GArray              *(*parse) (GBytes *, GError **),
                   GCancellable          *cancellable,
                   GAsyncReadyCallback    callback,
                   gpointer               user_data)
{
  LodeHttpCall call = { KEY_DATA, 1, lode_binance_check };
  LodePager *pager = lode_venue_pager_new (LODE_VENUE (self), query, FALSE, &call);
  DataSeries *series = g_new0 (DataSeries, 1);
  gint64 horizon;

  series->path = path;
  series->parse = parse;
  series->period = data_period (query->interval_ms, &series->period_ms);
  pager->venue_data = series;
  pager->venue_data_free = g_free;

  /* Only the last 30 days exist: stop one period inside that horizon, and
   * ask for nothing when the whole range is older. */
  horizon = g_get_real_time () / 1000 - DATA_DAYS * DAY_MS + series->period_ms;
  horizon = (horizon + series->period_ms - 1) / series->period_ms * series->period_ms;
  lode_pager_set_point_window (pager, series->period_ms, horizon, DATA_MAX);
  pager->next_request = data_next;
  pager->parse_page = data_page;
  lode_pager_run (pager, cancellable, callback, user_data);
}

static void
binance_fetch_open_interest_async (LodeSource            *source,
                                   const LodeSourceQuery *query,
                                   GCancellable          *cancellable,
                                   GAsyncReadyCallback    callback,
                                   gpointer               user_data)
{
  /* sumOpenInterestValue is already USD notional, one side (§5). */
  fetch_data_series (LODE_BINANCE (source), query, "/futures/data/openInterestHist",
                     lode_binance_parse_oi_history, cancellable, callback, user_data);
}

static void
binance_fetch_long_short_async (LodeSource            *source,
                                const LodeSourceQuery *query,
                                GCancellable          *cancellable,
                                GAsyncReadyCallback    callback,
                                gpointer               user_data)
{
  fetch_data_series (LODE_BINANCE (source), query, "/futures/data/globalLongShortAccountRatio",
                     lode_binance_parse_ratio, cancellable, callback, user_data);
}

/* ---- Funding: forward, startTime = last + 1 --------------------------- */

static gboolean
funding_next (LodePager  *pager,
              GString    *url,
              char      **post_json)
{
  g_autoptr(GString) query = g_string_new (NULL);

  if (pager->cursor_ms >= pager->query.end_ms)
    return FALSE;

  lode_http_query_add (query, "symbol", pager->query.symbol);
  lode_http_query_add_int (query, "startTime", pager->cursor_ms);
  lode_http_query_add_int (query, "endTime", pager->query.end_ms - 1);
  lode_http_query_add_int (query, "limit", FUNDING_MAX);
  g_string_append_printf (url, "/fapi/v1/fundingRate?%s", query->str);

  return TRUE;
}

static gboolean
funding_page (LodePager  *pager,
              GBytes     *body,
              GError    **error)
{
  g_autoptr(GArray) page = lode_binance_parse_funding (body, error);

  if (page == NULL)
    return FALSE;

  if (lode_pager_add_page (pager, page, FUNDING_MAX))
    pager->cursor_ms = g_array_index (page, LodePoint, page->len - 1).time_ms + 1;
  return TRUE;
}

static void
binance_fetch_funding_async (LodeSource            *source,
                             const LodeSourceQuery *query,
                             GCancellable          *cancellable,
                             GAsyncReadyCallback    callback,
                             gpointer               user_data)
{
  LodeHttpCall call = { KEY_FUNDING, 1, lode_binance_check };
  LodePager *pager = lode_venue_pager_new (LODE_VENUE (source), query, FALSE, &call);

  pager->cursor_ms = query->start_ms;
  pager->next_request = funding_next;
  pager->parse_page = funding_page;
  lode_pager_run (pager, cancellable, callback, user_data);
}

/* ---- One-shot requests ------------------------------------------------- */

static void
binance_fetch_depth_async (LodeSource          *source,
                           const char          *symbol,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GString) query = g_string_new (NULL);
  LodeHttpCall call = { KEY_WEIGHT, DEPTH_WEIGHT, lode_binance_check };

  lode_http_query_add (query, "symbol", symbol);
  lode_http_query_add_int (query, "limit", DEPTH_LIMIT);
  lode_venue_request (LODE_VENUE (source), "/fapi/v1/depth", query->str, NULL, &call,
                      (LodeSourceParseFunc) lode_binance_parse_depth,
                      (GDestroyNotify) lode_depth_free,
                      cancellable, callback, user_data);
}

static void
binance_list_symbols_async (LodeSource          *source,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  LodeHttpCall call = { KEY_WEIGHT, 1, lode_binance_check };

  lode_venue_request (LODE_VENUE (source), "/fapi/v1/exchangeInfo", NULL, NULL, &call,
                      (LodeSourceParseFunc) lode_binance_parse_symbols,
                      (GDestroyNotify) g_ptr_array_unref,
                      cancellable, callback, user_data);
}

static void
source_iface_init (LodeSourceInterface *iface)
{
  iface->fetch_candles_async = binance_fetch_candles_async;
  iface->fetch_open_interest_async = binance_fetch_open_interest_async;
  iface->fetch_long_short_async = binance_fetch_long_short_async;
  iface->fetch_funding_async = binance_fetch_funding_async;
  iface->fetch_depth_async = binance_fetch_depth_async;
  iface->list_symbols_async = binance_list_symbols_async;
}

static void
lode_binance_constructed (GObject *object)
{
  LodeHttp *http;

  G_OBJECT_CLASS (lode_binance_parent_class)->constructed (object);

  /* §1: 2400 weight a minute per IP, reported back in
   * X-MBX-USED-WEIGHT-1M; /futures/data/… 1000 requests per 5 minutes;
   * funding 500 per 5 minutes. */
  http = lode_venue_get_http (LODE_VENUE (object));
  lode_http_ensure_rate_limit (http, KEY_WEIGHT, 2400, 60000, "X-MBX-USED-WEIGHT-1M");
  lode_http_ensure_rate_limit (http, KEY_DATA, 1000, 300000, NULL);
  lode_http_ensure_rate_limit (http, KEY_FUNDING, 500, 300000, NULL);
}

static void
lode_binance_class_init (LodeBinanceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  LodeVenueClass *venue_class = LODE_VENUE_CLASS (klass);

  object_class->constructed = lode_binance_constructed;

  venue_class->id = "binance";
  venue_class->label = "Binance";
  venue_class->default_base_url = LODE_BINANCE_DEFAULT_BASE_URL;
}

static void
lode_binance_init (LodeBinance *self)
{
}

LodeBinance *
lode_binance_new (LodeHttp   *http,
                  const char *base_url)
{
  g_return_val_if_fail (LODE_IS_HTTP (http), NULL);

  return g_object_new (LODE_TYPE_BINANCE,
                       "http", http,
                       "base-url", base_url,
                       NULL);
}
