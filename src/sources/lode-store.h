/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lode-flow.h"
#include "lode-market.h"
#include "lode-source-error.h"

G_BEGIN_DECLS

#define LODE_TYPE_STORE (lode_store_get_type ())

G_DECLARE_FINAL_TYPE (LodeStore, lode_store, LODE, STORE, GObject)

/* The history store: a SQLite file that keeps what the venues served
 * (candles per venue + symbol + interval; open-interest and long/short
 * ratio points per venue + symbol) and the liquidation prints seen live,
 * so that the app starts instantly and
 * offline, fetches only what is missing, and keeps OI beyond the venues'
 * short history windows by recording the live value while it runs.
 *
 * Durability: every write is one transaction in WAL mode with
 * synchronous=FULL, so a crash or a kill at any moment loses nothing that
 * was committed, and never leaves half a batch.
 *
 * Recovery: lode_store_open() runs `PRAGMA quick_check`. A file that is not
 * a database, is malformed, has a schema this version does not know, or
 * stays locked longer than the busy timeout is renamed to
 * "<path>.corrupt-<UTC timestamp>" (kept, with its -wal and -shm) and a
 * fresh store is created in its place; lode_store_get_recovery_notice()
 * then says so. Only failures that moving aside cannot cure (the folder
 * cannot be created, the disk is full or read-only, …) are errors.
 *
 * Threads: a LodeStore may be used from any thread. One connection is used
 * by one thread at a time: every synchronous function takes the store's
 * lock for its whole duration, so they block and must not be called on the
 * main thread of the app (the CLI and the tests may). The _async functions
 * run on one worker per store, in the order they were called (a save
 * followed by a load sees the saved data), and call back on the
 * thread-default main context of the thread that called them. A job that
 * is cancelled before it starts does nothing and fails with
 * G_IO_ERROR_CANCELLED; once started, a write runs to its commit.
 *
 * Errors are LODE_SOURCE_ERROR_STORE, or LODE_SOURCE_ERROR_STORE_CORRUPT
 * when SQLite finds the file damaged after it was opened (opening the path
 * again moves it aside).
 *
 * Times are ms since the epoch (UTC); every range is [start_ms, end_ms). */

/* What a series of points holds. */
typedef enum
{
  LODE_STORE_SERIES_CANDLES,  /* LodeCandle, keyed also by the interval */
  LODE_STORE_SERIES_OI,       /* open interest, USD notional */
  LODE_STORE_SERIES_RATIO,    /* long/short account ratio r (not λ) */
} LodeStoreSeries;

typedef struct
{
  gint64 start_ms;
  gint64 end_ms;
} LodeStoreRange;

/* What is stored of one series: the number of rows and the times of the
 * first and the last (both 0 when count is 0). */
typedef struct
{
  gsize  count;
  gint64 first_ms;
  gint64 last_ms;
} LodeStoreExtent;

/* One venue + symbol + interval over a time range, as
 * lode_store_load() returns it. All arrays are owned by the slice. */
typedef struct
{
  GArray *candles;  /* LodeCandle, ascending */
  GArray *oi;       /* LodePoint, USD, ascending */
  GArray *ratio;    /* LodePoint, r, ascending */
  GArray *missing;  /* LodeStoreRange: the candle gaps of the range */
} LodeStoreSlice;

#define LODE_STORE_DEFAULT_MAX_BYTES (G_GUINT64_CONSTANT (512) * 1024 * 1024)
#define LODE_STORE_DEFAULT_BUSY_TIMEOUT_MS 5000

/* g_get_user_cache_dir()/lodestone/history.sqlite3. Free with g_free(). */
char            *lode_store_get_default_path    (void);

/* Opens the store at @path, creating the file and its folder when missing,
 * recovering as described above. Blocks (quick_check reads the whole
 * file). Returns a new reference, or NULL with @error set. */
LodeStore       *lode_store_open                (const char          *path,
                                                 GError             **error);
/* The same with the time to wait for another connection's lock before the
 * file counts as locked and is moved aside. */
LodeStore       *lode_store_open_full           (const char          *path,
                                                 guint                busy_timeout_ms,
                                                 GError             **error);
void             lode_store_open_async          (const char          *path,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
LodeStore       *lode_store_open_finish         (GAsyncResult        *result,
                                                 GError             **error);

const char      *lode_store_get_path            (LodeStore           *self);
/* NULL, or a translated sentence for the UI saying that the old file was
 * damaged or locked, where it was moved, and that a new store was started. */
const char      *lode_store_get_recovery_notice (LodeStore           *self);
/* Where the old file was moved, or NULL. */
const char      *lode_store_get_recovered_path  (LodeStore           *self);

/* The bound lode_store_save() keeps the store under (it prunes after
 * writing when over it); 0 = unbounded. Default
 * LODE_STORE_DEFAULT_MAX_BYTES. Thread-safe. */
void             lode_store_set_max_bytes       (LodeStore           *self,
                                                 guint64              max_bytes);
guint64          lode_store_get_max_bytes       (LodeStore           *self);

/* Upserts @n candles of the series (@venue, @symbol, @interval_ms) in one
 * transaction: a candle at a stored time replaces the stored one (so the
 * still-open last candle is updated), except that an unknown (NaN) oi_usd
 * keeps a known stored one. @candles need not be sorted. */
gboolean         lode_store_put_candles         (LodeStore           *self,
                                                 const char          *venue,
                                                 const char          *symbol,
                                                 gint64               interval_ms,
                                                 const LodeCandle    *candles,
                                                 gsize                n,
                                                 GError             **error);
/* Upserts @n points of an OI or ratio series (@kind is not
 * LODE_STORE_SERIES_CANDLES) in one transaction. */
gboolean         lode_store_put_points          (LodeStore           *self,
                                                 const char          *venue,
                                                 const char          *symbol,
                                                 LodeStoreSeries      kind,
                                                 const LodePoint     *points,
                                                 gsize                n,
                                                 GError             **error);
/* One live point (the current OI at a poll, say): what keeps history
 * growing beyond the venue's window. */
gboolean         lode_store_record_point        (LodeStore           *self,
                                                 const char          *venue,
                                                 const char          *symbol,
                                                 LodeStoreSeries      kind,
                                                 gint64               time_ms,
                                                 double               value,
                                                 GError             **error);

/* Candles with time in [@start_ms, @end_ms), ascending; an empty array when
 * none. Returns a new GArray of LodeCandle (unknown OI as NaN), or NULL with
 * @error set. */
GArray          *lode_store_get_candles         (LodeStore           *self,
                                                 const char          *venue,
                                                 const char          *symbol,
                                                 gint64               interval_ms,
                                                 gint64               start_ms,
                                                 gint64               end_ms,
                                                 GError             **error);
/* The same for points: a new GArray of LodePoint. */
GArray          *lode_store_get_points          (LodeStore           *self,
                                                 const char          *venue,
                                                 const char          *symbol,
                                                 LodeStoreSeries      kind,
                                                 gint64               start_ms,
                                                 gint64               end_ms,
                                                 GError             **error);
/* Count and first/last time of a series. @interval_ms is the candle
 * interval for LODE_STORE_SERIES_CANDLES and ignored for points. */
gboolean         lode_store_get_extent          (LodeStore           *self,
                                                 const char          *venue,
                                                 const char          *symbol,
                                                 LodeStoreSeries      kind,
                                                 gint64               interval_ms,
                                                 LodeStoreExtent     *extent,
                                                 GError             **error);
/* The parts of [@start_ms, @end_ms) the store does not cover, ascending and
 * disjoint, as a new GArray of LodeStoreRange (empty when all is stored).
 * A stored row at time t covers [t, t + @interval_ms), so a run of
 * consecutive candles covers its whole span. For candles @interval_ms is
 * the series' interval; for points it is the spacing the venue serves them
 * at. The still-open last candle counts as covered: refetch from the last
 * stored time to update it. */
GArray          *lode_store_get_missing_ranges  (LodeStore           *self,
                                                 const char          *venue,
                                                 const char          *symbol,
                                                 LodeStoreSeries      kind,
                                                 gint64               interval_ms,
                                                 gint64               start_ms,
                                                 gint64               end_ms,
                                                 GError             **error);

/* Size of the database in bytes (pages × page size; the WAL, bounded
 * by checkpoints, is not counted), or -1 with @error set. */
gint64           lode_store_get_size            (LodeStore           *self,
                                                 GError             **error);
/* Deletes the oldest rows across all series (candles and points alike,
 * by time) until the size is at most @max_bytes, going about 10% below to
 * leave room, then returns the freed pages to the file system. Does
 * nothing when already under. It cannot go below the empty schema (a few
 * pages). */
gboolean         lode_store_prune               (LodeStore           *self,
                                                 guint64              max_bytes,
                                                 GError             **error);

/* Everything about (@venue, @symbol, @interval_ms) in [@start_ms, @end_ms):
 * candles, OI and ratio points, and the candle gaps. Free with
 * lode_store_slice_free(). */
LodeStoreSlice  *lode_store_load                (LodeStore           *self,
                                                 const char          *venue,
                                                 const char          *symbol,
                                                 gint64               interval_ms,
                                                 gint64               start_ms,
                                                 gint64               end_ms,
                                                 GError             **error);
void             lode_store_load_async          (LodeStore           *self,
                                                 const char          *venue,
                                                 const char          *symbol,
                                                 gint64               interval_ms,
                                                 gint64               start_ms,
                                                 gint64               end_ms,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
LodeStoreSlice  *lode_store_load_finish         (LodeStore           *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

/* Upserts candles, OI and ratio points of one venue + symbol (any of them
 * may be empty) in a single transaction, then prunes when the store is
 * over its max bytes. The _async variant copies the arrays before it
 * returns. */
gboolean         lode_store_save                (LodeStore           *self,
                                                 const char          *venue,
                                                 const char          *symbol,
                                                 gint64               interval_ms,
                                                 const LodeCandle    *candles,
                                                 gsize                n_candles,
                                                 const LodePoint     *oi,
                                                 gsize                n_oi,
                                                 const LodePoint     *ratio,
                                                 gsize                n_ratio,
                                                 GError             **error);
void             lode_store_save_async          (LodeStore           *self,
                                                 const char          *venue,
                                                 const char          *symbol,
                                                 gint64               interval_ms,
                                                 const LodeCandle    *candles,
                                                 gsize                n_candles,
                                                 const LodePoint     *oi,
                                                 gsize                n_oi,
                                                 const LodePoint     *ratio,
                                                 gsize                n_ratio,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean         lode_store_save_finish         (LodeStore           *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

/* lode_store_record_point() on the store's worker. */
void             lode_store_record_point_async  (LodeStore           *self,
                                                 const char          *venue,
                                                 const char          *symbol,
                                                 LodeStoreSeries      kind,
                                                 gint64               time_ms,
                                                 double               value,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean         lode_store_record_point_finish (LodeStore           *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

/* lode_store_prune() on the store's worker (after a change of the size
 * setting, say). */
void             lode_store_prune_async         (LodeStore           *self,
                                                 guint64              max_bytes,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean         lode_store_prune_finish        (LodeStore           *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

/* Liquidation prints (schema version 2). Inserts @n prints in one
 * transaction; a print already stored (same venue, symbol, time, side,
 * price and size) is kept once, and prints with an empty venue or symbol
 * or a non-finite number are skipped. Prunes afterwards when the store is
 * over its max bytes (prints count like any other row, by time). The
 * _async variant copies the prints before it returns. */
gboolean         lode_store_put_prints          (LodeStore           *self,
                                                 const LodeLiqPrint  *prints,
                                                 gsize                n,
                                                 GError             **error);
void             lode_store_put_prints_async    (LodeStore           *self,
                                                 const LodeLiqPrint  *prints,
                                                 gsize                n,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean         lode_store_put_prints_finish   (LodeStore           *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
/* The prints of @symbol (the venue's id) with time in [@start_ms,
 * @end_ms), of @venue or of every venue when @venue is NULL, ascending by
 * time (then by arrival). Returns a new GArray of LodeLiqPrint (empty when
 * none), or NULL with @error set. */
GArray          *lode_store_get_prints          (LodeStore           *self,
                                                 const char          *venue,
                                                 const char          *symbol,
                                                 gint64               start_ms,
                                                 gint64               end_ms,
                                                 GError             **error);
void             lode_store_get_prints_async    (LodeStore           *self,
                                                 const char          *venue,
                                                 const char          *symbol,
                                                 gint64               start_ms,
                                                 gint64               end_ms,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
GArray          *lode_store_get_prints_finish   (LodeStore           *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

void             lode_store_slice_free          (LodeStoreSlice      *slice);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LodeStoreSlice, lode_store_slice_free)

G_END_DECLS
