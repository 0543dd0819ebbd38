/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lode-http.h"
#include "lode-market.h"
#include "lode-source-error.h"

G_BEGIN_DECLS

/* One page of a multi-page history arrived (main thread). @pages_expected
 * is an estimate, 0 when unknown. */
typedef void (*LodeSourceProgress) (guint    pages_done,
                                    guint    pages_expected,
                                    gpointer user_data);

/* One price level of an order book, size in base units. */
typedef struct
{
  double price;
  double size_base;
} LodeDepthLevel;

/* An order-book snapshot: bids descending and asks ascending by price
 * (both outward from the spread). */
typedef struct
{
  gint64  time_ms;  /* 0 when the venue does not say */
  GArray *bids;     /* LodeDepthLevel */
  GArray *asks;     /* LodeDepthLevel */
} LodeDepth;

LodeDepth *lode_depth_new  (void);
void       lode_depth_free (LodeDepth *depth);
/* Sorts bids descending and asks ascending, drops empty levels. */
void       lode_depth_sort (LodeDepth *depth);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LodeDepth, lode_depth_free)

/* One tradable perpetual, for the symbol picker. */
typedef struct
{
  char   *id;              /* what the venue calls it: "BTCUSDT", "BTC-USDT-SWAP", "BTC" */
  char   *base;            /* "BTC" */
  char   *quote;           /* "USDT", "USDC" */
  double  contract_value;  /* base units per contract (1 where sizes are in base units) */
} LodeSymbolInfo;

LodeSymbolInfo *lode_symbol_info_new  (const char *id,
                                       const char *base,
                                       const char *quote,
                                       double      contract_value);
void            lode_symbol_info_free (LodeSymbolInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LodeSymbolInfo, lode_symbol_info_free)

/* What a history fetch asks for: [start_ms, end_ms) at one of our
 * intervals (1m 5m 15m 1h 4h 1d). */
typedef struct
{
  const char         *symbol;
  gint64              interval_ms;
  gint64              start_ms;
  gint64              end_ms;
  /* Open interest only: the candles of the same symbol, ascending, to
   * turn base-unit OI into USD (NULL: the adapter fetches them). */
  const LodeCandle   *candles;
  gsize               n_candles;
  LodeSourceProgress  progress;
  gpointer            progress_data;
} LodeSourceQuery;

#define LODE_TYPE_SOURCE (lode_source_get_type ())

G_DECLARE_INTERFACE (LodeSource, lode_source, LODE, SOURCE, GObject)

/* A venue adapter. Each *_async vfunc completes a GTask whose source
 * object is the LodeSource and whose value is given below; the finish
 * functions are common to all adapters. The query is only valid during
 * the call: adapters copy what they keep. */
struct _LodeSourceInterface
{
  GTypeInterface parent_iface;

  const char *(*get_id)    (LodeSource *self);
  const char *(*get_label) (LodeSource *self);

  /* GArray of LodeCandle, ascending, unique, within the range; oi_usd NaN
   * and long_share 0.5. */
  void (*fetch_candles_async)       (LodeSource            *self,
                                     const LodeSourceQuery *query,
                                     GCancellable          *cancellable,
                                     GAsyncReadyCallback    callback,
                                     gpointer               user_data);
  /* GArray of LodePoint, ascending, value = one-sided open interest in
   * USD; from about one period before start_ms (so the first candle has
   * a point to hold) to end_ms inclusive (the last candle's close), as
   * far as the venue keeps history (Binance 30 days, OKX 1,440 points,
   * Hyperliquid only the present). */
  void (*fetch_open_interest_async) (LodeSource            *self,
                                     const LodeSourceQuery *query,
                                     GCancellable          *cancellable,
                                     GAsyncReadyCallback    callback,
                                     gpointer               user_data);
  /* GArray of LodePoint, value = long/short account ratio r, over the
   * same span as open interest (empty where the venue has none). */
  void (*fetch_long_short_async)    (LodeSource            *self,
                                     const LodeSourceQuery *query,
                                     GCancellable          *cancellable,
                                     GAsyncReadyCallback    callback,
                                     gpointer               user_data);
  /* GArray of LodePoint, value = funding rate per the venue's interval. */
  void (*fetch_funding_async)       (LodeSource            *self,
                                     const LodeSourceQuery *query,
                                     GCancellable          *cancellable,
                                     GAsyncReadyCallback    callback,
                                     gpointer               user_data);
  /* LodeDepth, the deepest book the venue gives in one public request. */
  void (*fetch_depth_async)         (LodeSource            *self,
                                     const char            *symbol,
                                     GCancellable          *cancellable,
                                     GAsyncReadyCallback    callback,
                                     gpointer               user_data);
  /* GPtrArray of LodeSymbolInfo (perpetuals only). */
  void (*list_symbols_async)        (LodeSource            *self,
                                     GCancellable          *cancellable,
                                     GAsyncReadyCallback    callback,
                                     gpointer               user_data);
};

const char *lode_source_get_id                 (LodeSource             *self);
const char *lode_source_get_label              (LodeSource             *self);

/* "binance", "bybit", "okx" or "hyperliquid"; @base_url NULL = the venue's
 * real REST base (exchange-apis.md §0). NULL for an unknown id. */
LodeSource *lode_source_new_for_id             (const char             *id,
                                                LodeHttp               *http,
                                                const char             *base_url);
/* The ids lode_source_new_for_id() knows, NULL-terminated. */
const char * const *lode_source_list_ids       (void);

/* History fetches. A query outside the rules (unknown interval, empty
 * range) fails with LODE_SOURCE_ERROR_INVALID_ARGUMENT. */
void        lode_source_fetch_candles_async       (LodeSource             *self,
                                                   const LodeSourceQuery  *query,
                                                   GCancellable           *cancellable,
                                                   GAsyncReadyCallback     callback,
                                                   gpointer                user_data);
GArray     *lode_source_fetch_candles_finish      (LodeSource             *self,
                                                   GAsyncResult           *result,
                                                   GError                **error);
void        lode_source_fetch_open_interest_async (LodeSource             *self,
                                                   const LodeSourceQuery  *query,
                                                   GCancellable           *cancellable,
                                                   GAsyncReadyCallback     callback,
                                                   gpointer                user_data);
GArray     *lode_source_fetch_open_interest_finish (LodeSource            *self,
                                                    GAsyncResult          *result,
                                                    GError               **error);
void        lode_source_fetch_long_short_async    (LodeSource             *self,
                                                   const LodeSourceQuery  *query,
                                                   GCancellable           *cancellable,
                                                   GAsyncReadyCallback     callback,
                                                   gpointer                user_data);
GArray     *lode_source_fetch_long_short_finish   (LodeSource             *self,
                                                   GAsyncResult           *result,
                                                   GError                **error);
void        lode_source_fetch_funding_async       (LodeSource             *self,
                                                   const LodeSourceQuery  *query,
                                                   GCancellable           *cancellable,
                                                   GAsyncReadyCallback     callback,
                                                   gpointer                user_data);
GArray     *lode_source_fetch_funding_finish      (LodeSource             *self,
                                                   GAsyncResult           *result,
                                                   GError                **error);
void        lode_source_fetch_depth_async         (LodeSource             *self,
                                                   const char             *symbol,
                                                   GCancellable           *cancellable,
                                                   GAsyncReadyCallback     callback,
                                                   gpointer                user_data);
LodeDepth  *lode_source_fetch_depth_finish        (LodeSource             *self,
                                                   GAsyncResult           *result,
                                                   GError                **error);
void        lode_source_list_symbols_async        (LodeSource             *self,
                                                   GCancellable           *cancellable,
                                                   GAsyncReadyCallback     callback,
                                                   gpointer                user_data);
GPtrArray  *lode_source_list_symbols_finish       (LodeSource             *self,
                                                   GAsyncResult           *result,
                                                   GError                **error);

/* Candles, open interest and the long/short ratio of [start_ms, end_ms),
 * in turn, aligned per liquidation-model.md §1 (OI in USD, step hold; λ
 * from the ratio, 0.5 where unknown) into a validated LodeMarket.
 * @progress_cb (may be NULL) is called on the caller's main context after
 * every page of every series, with the pages done so far. */
void        lode_source_fetch_market_async        (LodeSource             *self,
                                                   const char             *symbol,
                                                   gint64                  interval_ms,
                                                   gint64                  start_ms,
                                                   gint64                  end_ms,
                                                   LodeSourceProgress      progress_cb,
                                                   gpointer                progress_data,
                                                   GCancellable           *cancellable,
                                                   GAsyncReadyCallback     callback,
                                                   gpointer                user_data);
LodeMarket *lode_source_fetch_market_finish       (LodeSource             *self,
                                                   GAsyncResult           *result,
                                                   GError                **error);

/* ---- For the adapters ------------------------------------------------ */

/* @base_url without trailing slashes, or @fallback when NULL or empty. */
char       *lode_source_normalize_base_url        (const char             *base_url,
                                                   const char             *fallback);

/* Our interval names: 60000 → "1m", … 86400000 → "1d"; NULL otherwise. */
const char *lode_source_interval_name             (gint64                  interval_ms);

/* A multi-page fetch driven by two venue functions: @next_request builds
 * the URL (and a JSON body for POST) of the next page or returns FALSE
 * when there is none; @parse_page parses a reply and appends to rows
 * (LodeCandle or LodePoint). Rows are then sorted, deduplicated and
 * clipped to [keep_from, keep_until]. A page that adds nothing new ends the
 * fetch, so a venue's cursor loop cannot spin forever. */
typedef struct _LodePager LodePager;

struct _LodePager
{
  LodeSource       *source;
  LodeHttp         *http;
  char             *base_url;
  LodeHttpCall      call;
  LodeSourceQuery   query;           /* symbol owned; candles not kept */
  gboolean          is_candles;      /* rows hold LodeCandle, else LodePoint */
  /* Rows kept, by time, both inclusive. Candles: [start, end − 1]. Points:
   * [start, end], since the point at the last candle's close belongs to
   * it; adapters move keep_from back one period so that the first candle
   * has a point to hold. */
  gint64            keep_from;
  gint64            keep_until;
  GArray           *rows;
  guint             pages_done;
  guint             pages_expected;
  guint             page_limit;      /* the venue's rows per page */
  gint64            cursor_ms;       /* venue-defined */
  char             *cursor;          /* venue-defined */
  gboolean          done;            /* set by parse_page: no more pages */
  gpointer          venue_data;
  GDestroyNotify    venue_data_free;

  gboolean        (*next_request)    (LodePager  *pager,
                                      GString    *url,
                                      char      **post_json);
  gboolean        (*parse_page)      (LodePager  *pager,
                                      GBytes     *body,
                                      GError    **error);
  /* Optional, after the last page: turns rows into the result (e.g.
   * base-unit OI × price). */
  gboolean        (*finish)          (LodePager  *pager,
                                      GError    **error);
};

LodePager  *lode_pager_new                        (LodeSource             *source,
                                                   LodeHttp               *http,
                                                   const char             *base_url,
                                                   const LodeSourceQuery  *query,
                                                   gboolean                is_candles);
/* Runs @pager (taking it) and returns its rows through a new GTask made
 * from @cancellable, @callback and @user_data. */
void        lode_pager_run                        (LodePager              *pager,
                                                   GCancellable           *cancellable,
                                                   GAsyncReadyCallback     callback,
                                                   gpointer                user_data);
void        lode_pager_free                       (LodePager              *pager);
/* For parse_page: appends @page (rows of the pager's kind) to the rows.
 * A page of fewer than @full rows is the last: the pager is done and
 * this returns FALSE; TRUE when it was full. */
gboolean    lode_pager_add_page                   (LodePager              *pager,
                                                   GArray                 *page,
                                                   guint                   full);
/* lode_pager_add_page () for a walk forward in time, cursor_ms the start
 * of the next page: a full page moves it one candle interval past its
 * last row, and ends the walk if that row is before the cursor (the
 * venue ignored it). */
void        lode_pager_add_page_forward           (LodePager              *pager,
                                                   GArray                 *page,
                                                   guint                   full);
/* lode_pager_add_page () for a walk backward in time, cursor_ms the
 * newest time the next page may hold (@exclusive: the oldest it may not):
 * a full page moves it before its oldest row, and ends the walk if that
 * does not move it back (the venue ignored it). */
void        lode_pager_add_page_backward          (LodePager              *pager,
                                                   GArray                 *page,
                                                   guint                   full,
                                                   gboolean                exclusive);
/* For an OI or ratio series of points @period_ms apart: keeps them from
 * one period before the start, so that the first candle has one to hold,
 * but none before @horizon_ms (G_MININT64: no horizon); starts cursor_ms
 * at keep_until for a walk backward; expects the pages of @per_page
 * points that the window needs (none when it is empty). */
void        lode_pager_set_point_window           (LodePager              *pager,
                                                   gint64                  period_ms,
                                                   gint64                  horizon_ms,
                                                   guint                   per_page);
/* The pages of @per_page rows that @span_ms of rows @step_ms apart need,
 * at least 1: what pages_expected is set to. */
guint       lode_pager_pages_for                  (gint64                  span_ms,
                                                   gint64                  step_ms,
                                                   guint                   per_page);

/* One request whose reply @parse turns into the task's value (freed with
 * @free_result when nobody takes it). @post_json NULL = GET. */
typedef gpointer (*LodeSourceParseFunc) (GBytes  *body,
                                         GError **error);

void        lode_source_request_one               (LodeSource             *source,
                                                   LodeHttp               *http,
                                                   const char             *url,
                                                   const char             *post_json,
                                                   const LodeHttpCall     *call,
                                                   LodeSourceParseFunc     parse,
                                                   GDestroyNotify          free_result,
                                                   GCancellable           *cancellable,
                                                   GAsyncReadyCallback     callback,
                                                   gpointer                user_data);

/* Base-unit OI points to USD with the candles' prices: the price at a
 * point's time is the close of the last candle that closed by then, or
 * the open of the first candle for earlier points. */
void        lode_points_base_to_usd               (GArray                 *points,
                                                   const LodeCandle       *candles,
                                                   gsize                   n_candles,
                                                   gint64                  interval_ms);

G_END_DECLS
