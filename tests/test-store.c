/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lode-store.h"

#define MINUTE_MS G_GINT64_CONSTANT (60000)
#define HOUR_MS   G_GINT64_CONSTANT (3600000)
#define DAY_MS    G_GINT64_CONSTANT (86400000)
/* 2024-01-01T00:00:00Z */
#define T0        G_GINT64_CONSTANT (1704067200000)

/* Candles per batch of the writer child in the kill test; it also writes
 * one OI point per KILL_POINTS_EVERY candles in the same transaction.
 * KILL_ROUNDS_PER_FILE rounds share a file, so that a kill also meets the
 * data (and the WAL) of earlier rounds, while a file stays small enough
 * for its quick_check at every open to be fast. */
#define KILL_BATCH        500
#define KILL_POINTS_EVERY 10
#define KILL_ROUNDS_PER_FILE 5

static char *self_exe;

static char *
store_path (void)
{
  /* G_TEST_OPTION_ISOLATE_DIRS: a fresh cache dir for every test. */
  return lode_store_get_default_path ();
}

static LodeStore *
open_ok (const char *path)
{
  g_autoptr(GError) error = NULL;
  LodeStore *store = lode_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_true (LODE_IS_STORE (store));

  return store;
}

static LodeCandle
make_candle (gint64 time_ms,
             double base)
{
  return (LodeCandle) {
    .time_ms = time_ms,
    .open = base,
    .high = base + 2.5,
    .low = base - 1.25,
    .close = base + 0.5,
    .volume = 10 + base / 1000,
    .oi_usd = base * 1e4,
    .long_share = 0.55,
  };
}

static void
assert_candle_eq (const LodeCandle *a,
                  const LodeCandle *b)
{
  g_assert_cmpint (a->time_ms, ==, b->time_ms);
  g_assert_cmpfloat (a->open, ==, b->open);
  g_assert_cmpfloat (a->high, ==, b->high);
  g_assert_cmpfloat (a->low, ==, b->low);
  g_assert_cmpfloat (a->close, ==, b->close);
  g_assert_cmpfloat (a->volume, ==, b->volume);
  if (isnan (b->oi_usd))
    g_assert_true (isnan (a->oi_usd));
  else
    g_assert_cmpfloat (a->oi_usd, ==, b->oi_usd);
  g_assert_cmpfloat (a->long_share, ==, b->long_share);
}

/* Daily candles for days @first..@last (1 = T0), inclusive. */
static void
put_days (LodeStore  *store,
          const char *symbol,
          int         first,
          int         last)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) candles = g_array_new (FALSE, FALSE, sizeof (LodeCandle));

  for (int day = first; day <= last; day++)
    {
      LodeCandle c = make_candle (T0 + (day - 1) * DAY_MS, 40000 + day);

      g_array_append_val (candles, c);
    }

  lode_store_put_candles (store, "binance", symbol, DAY_MS,
                          (LodeCandle *) candles->data, candles->len, &error);
  g_assert_no_error (error);
}

static gint64
raw_query_int (const char *path,
               const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return value;
}

static char *
raw_query_text (const char *path,
                const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return value;
}

static void
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                    NULL), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

/* The files in the store's folder whose names start with "history.sqlite3.corrupt-"
 * and do not end in -wal/-shm. */
static GPtrArray *
list_moved_aside (const char *path)
{
  g_autofree char *dir_path = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *prefix = g_strconcat (base, ".corrupt-", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_prefix (name, prefix) &&
          !g_str_has_suffix (name, "-wal") && !g_str_has_suffix (name, "-shm"))
        g_ptr_array_add (found, g_build_filename (dir_path, name, NULL));
    }

  return found;
}

/* After a recovery: the notice names the moved file, which is kept, and
 * the fresh store at @path works. */
static void
assert_recovered (LodeStore  *store,
                  const char *path)
{
  g_autoptr(GPtrArray) moved = list_moved_aside (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) got = NULL;
  LodeCandle c = make_candle (T0, 123);
  const char *notice = lode_store_get_recovery_notice (store);
  const char *recovered = lode_store_get_recovered_path (store);

  g_assert_nonnull (notice);
  g_assert_nonnull (recovered);
  g_assert_nonnull (strstr (notice, recovered));
  g_assert_cmpuint (moved->len, ==, 1);
  g_assert_cmpstr (moved->pdata[0], ==, recovered);
  g_assert_true (g_file_test (recovered, G_FILE_TEST_IS_REGULAR));

  lode_store_put_candles (store, "okx", "BTC-USDT-SWAP", MINUTE_MS, &c, 1, &error);
  g_assert_no_error (error);
  got = lode_store_get_candles (store, "okx", "BTC-USDT-SWAP", MINUTE_MS, T0, T0 + MINUTE_MS,
                                &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, 1);
  assert_candle_eq (&g_array_index (got, LodeCandle, 0), &c);
}

static void
test_round_trip (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(LodeStore) store = open_ok (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) got = NULL;
  g_autoptr(GArray) got_oi = NULL;
  g_autoptr(GArray) got_ratio = NULL;
  g_autoptr(GArray) other = NULL;
  LodeCandle candles[5];
  LodePoint oi[3] = { { T0, 1.5e9 }, { T0 + 5 * MINUTE_MS, 1.6e9 }, { T0 + 10 * MINUTE_MS, NAN } };
  LodePoint ratio[2] = { { T0, 1.25 }, { T0 + 5 * MINUTE_MS, 0.8 } };

  g_assert_null (lode_store_get_recovery_notice (store));
  g_assert_null (lode_store_get_recovered_path (store));
  g_assert_cmpstr (lode_store_get_path (store), ==, path);

  /* Out of order on purpose; two with unknown OI. */
  for (guint i = 0; i < G_N_ELEMENTS (candles); i++)
    candles[i] = make_candle (T0 + (4 - (gint64) i) * MINUTE_MS, 42000.125 + i);
  candles[1].oi_usd = NAN;
  candles[3].oi_usd = NAN;

  g_assert_true (lode_store_put_candles (store, "binance", "BTCUSDT", MINUTE_MS,
                                         candles, G_N_ELEMENTS (candles), &error));
  g_assert_no_error (error);
  g_assert_true (lode_store_put_points (store, "binance", "BTCUSDT", LODE_STORE_SERIES_OI,
                                        oi, G_N_ELEMENTS (oi), &error));
  g_assert_no_error (error);
  g_assert_true (lode_store_put_points (store, "binance", "BTCUSDT", LODE_STORE_SERIES_RATIO,
                                        ratio, G_N_ELEMENTS (ratio), &error));
  g_assert_no_error (error);

  /* Reopen: it is on disk. */
  g_clear_object (&store);
  store = open_ok (path);
  g_assert_null (lode_store_get_recovery_notice (store));

  got = lode_store_get_candles (store, "binance", "BTCUSDT", MINUTE_MS, T0, T0 + 5 * MINUTE_MS,
                                &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, 5);
  for (guint i = 0; i < got->len; i++)
    assert_candle_eq (&g_array_index (got, LodeCandle, i), &candles[4 - i]);

  /* [start, end): the end is excluded, the start included. */
  g_clear_pointer (&got, g_array_unref);
  got = lode_store_get_candles (store, "binance", "BTCUSDT", MINUTE_MS, T0 + MINUTE_MS,
                                T0 + 3 * MINUTE_MS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, 2);
  g_assert_cmpint (g_array_index (got, LodeCandle, 0).time_ms, ==, T0 + MINUTE_MS);
  g_assert_cmpint (g_array_index (got, LodeCandle, 1).time_ms, ==, T0 + 2 * MINUTE_MS);

  got_oi = lode_store_get_points (store, "binance", "BTCUSDT", LODE_STORE_SERIES_OI,
                                  G_MININT64, G_MAXINT64, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got_oi->len, ==, 3);
  g_assert_cmpint (g_array_index (got_oi, LodePoint, 0).time_ms, ==, T0);
  g_assert_cmpfloat (g_array_index (got_oi, LodePoint, 0).value, ==, 1.5e9);
  g_assert_cmpfloat (g_array_index (got_oi, LodePoint, 1).value, ==, 1.6e9);
  g_assert_true (isnan (g_array_index (got_oi, LodePoint, 2).value));

  got_ratio = lode_store_get_points (store, "binance", "BTCUSDT", LODE_STORE_SERIES_RATIO,
                                     T0, T0 + HOUR_MS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got_ratio->len, ==, 2);
  g_assert_cmpfloat (g_array_index (got_ratio, LodePoint, 0).value, ==, 1.25);
  g_assert_cmpfloat (g_array_index (got_ratio, LodePoint, 1).value, ==, 0.8);

  /* Series are separate: another interval, symbol or venue sees nothing. */
  other = lode_store_get_candles (store, "binance", "BTCUSDT", HOUR_MS, G_MININT64, G_MAXINT64,
                                  &error);
  g_assert_no_error (error);
  g_assert_cmpuint (other->len, ==, 0);
  g_clear_pointer (&other, g_array_unref);
  other = lode_store_get_candles (store, "bybit", "BTCUSDT", MINUTE_MS, G_MININT64, G_MAXINT64,
                                  &error);
  g_assert_no_error (error);
  g_assert_cmpuint (other->len, ==, 0);
  g_clear_pointer (&other, g_array_unref);
  other = lode_store_get_points (store, "binance", "ETHUSDT", LODE_STORE_SERIES_OI,
                                 G_MININT64, G_MAXINT64, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (other->len, ==, 0);
}

static void
test_upsert (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(LodeStore) store = open_ok (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) got = NULL;
  g_autoptr(GArray) points = NULL;
  LodeStoreExtent extent;
  LodeCandle candles[3];
  LodeCandle refetched[2];
  LodePoint oi = { T0, 5e8 };

  for (guint i = 0; i < 3; i++)
    candles[i] = make_candle (T0 + i * MINUTE_MS, 100 + i);
  lode_store_put_candles (store, "bybit", "BTCUSDT", MINUTE_MS, candles, 3, &error);
  g_assert_no_error (error);

  /* The still-open last candle moved on; an older one came back without OI
   * (outside the venue's OI window): its prices are replaced, its OI kept. */
  refetched[0] = candles[2];
  refetched[0].high = 120;
  refetched[0].close = 119;
  refetched[0].volume = 99;
  refetched[0].oi_usd = 7e6;
  refetched[0].long_share = 0.4;
  refetched[1] = candles[0];
  refetched[1].close = 100.75;
  refetched[1].oi_usd = NAN;
  lode_store_put_candles (store, "bybit", "BTCUSDT", MINUTE_MS, refetched, 2, &error);
  g_assert_no_error (error);

  lode_store_get_extent (store, "bybit", "BTCUSDT", LODE_STORE_SERIES_CANDLES, MINUTE_MS,
                         &extent, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (extent.count, ==, 3);

  got = lode_store_get_candles (store, "bybit", "BTCUSDT", MINUTE_MS, G_MININT64, G_MAXINT64,
                                &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, 3);
  assert_candle_eq (&g_array_index (got, LodeCandle, 2), &refetched[0]);
  assert_candle_eq (&g_array_index (got, LodeCandle, 1), &candles[1]);
  g_assert_cmpfloat (g_array_index (got, LodeCandle, 0).close, ==, 100.75);
  g_assert_cmpfloat (g_array_index (got, LodeCandle, 0).oi_usd, ==, candles[0].oi_usd);

  /* Points: the last value at a time wins. */
  lode_store_put_points (store, "bybit", "BTCUSDT", LODE_STORE_SERIES_OI, &oi, 1, &error);
  g_assert_no_error (error);
  oi.value = 6e8;
  lode_store_put_points (store, "bybit", "BTCUSDT", LODE_STORE_SERIES_OI, &oi, 1, &error);
  g_assert_no_error (error);
  points = lode_store_get_points (store, "bybit", "BTCUSDT", LODE_STORE_SERIES_OI,
                                  G_MININT64, G_MAXINT64, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 1);
  g_assert_cmpfloat (g_array_index (points, LodePoint, 0).value, ==, 6e8);
}

static void
assert_ranges (GArray       *ranges,
               const gint64 *expected,
               guint         n_expected)
{
  g_assert_cmpuint (ranges->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    {
      g_assert_cmpint (g_array_index (ranges, LodeStoreRange, i).start_ms, ==, expected[2 * i]);
      g_assert_cmpint (g_array_index (ranges, LodeStoreRange, i).end_ms, ==, expected[2 * i + 1]);
    }
}

static void
test_missing_ranges_gap (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(LodeStore) store = open_ok (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) missing = NULL;
  g_autoptr(GArray) none = NULL;
  g_autoptr(GArray) inside = NULL;
  g_autoptr(GArray) empty = NULL;
  const gint64 gaps[] = {
    T0 + 3 * DAY_MS, T0 + 4 * DAY_MS,  /* day 4 */
    T0 + 6 * DAY_MS, T0 + 7 * DAY_MS,  /* day 7 */
  };
  const gint64 unaligned[] = { T0 + 3 * DAY_MS, T0 + 3 * DAY_MS + HOUR_MS };
  const gint64 all[] = { T0, T0 + 7 * DAY_MS };

  put_days (store, "BTCUSDT", 1, 3);
  put_days (store, "BTCUSDT", 5, 6);

  /* Days 1–7: only day 4 and day 7 are to fetch. */
  missing = lode_store_get_missing_ranges (store, "binance", "BTCUSDT",
                                           LODE_STORE_SERIES_CANDLES, DAY_MS,
                                           T0, T0 + 7 * DAY_MS, &error);
  g_assert_no_error (error);
  assert_ranges (missing, gaps, 2);

  /* Inside a stored run nothing is missing, even when the range starts in
   * the middle of a candle. */
  none = lode_store_get_missing_ranges (store, "binance", "BTCUSDT",
                                        LODE_STORE_SERIES_CANDLES, DAY_MS,
                                        T0 + HOUR_MS, T0 + 3 * DAY_MS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);

  inside = lode_store_get_missing_ranges (store, "binance", "BTCUSDT",
                                          LODE_STORE_SERIES_CANDLES, DAY_MS,
                                          T0 + 2 * DAY_MS + HOUR_MS,
                                          T0 + 3 * DAY_MS + HOUR_MS, &error);
  g_assert_no_error (error);
  assert_ranges (inside, unaligned, 1);

  /* Nothing stored for another interval: the whole range. */
  empty = lode_store_get_missing_ranges (store, "binance", "BTCUSDT",
                                         LODE_STORE_SERIES_CANDLES, HOUR_MS,
                                         T0, T0 + 7 * DAY_MS, &error);
  g_assert_no_error (error);
  assert_ranges (empty, all, 1);

  /* After fetching exactly the gaps, nothing is missing. */
  put_days (store, "BTCUSDT", 4, 4);
  put_days (store, "BTCUSDT", 7, 7);
  g_clear_pointer (&missing, g_array_unref);
  missing = lode_store_get_missing_ranges (store, "binance", "BTCUSDT",
                                           LODE_STORE_SERIES_CANDLES, DAY_MS,
                                           T0, T0 + 7 * DAY_MS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (missing->len, ==, 0);
}

static void
test_missing_ranges_points (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(LodeStore) store = open_ok (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) missing = NULL;
  LodePoint points[8];
  guint n = 0;
  const gint64 period = 5 * MINUTE_MS;
  const gint64 gaps[] = { T0 + 4 * period, T0 + 6 * period, T0 + 9 * period, T0 + 12 * period };

  /* 5-minute OI at slots 0–3 and 6–8. */
  for (gint64 slot = 0; slot < 9; slot++)
    if (slot < 4 || slot >= 6)
      points[n++] = (LodePoint) { T0 + slot * period, 1e9 + slot };

  lode_store_put_points (store, "binance", "BTCUSDT", LODE_STORE_SERIES_OI, points, n, &error);
  g_assert_no_error (error);

  missing = lode_store_get_missing_ranges (store, "binance", "BTCUSDT", LODE_STORE_SERIES_OI,
                                           period, T0, T0 + 12 * period, &error);
  g_assert_no_error (error);
  assert_ranges (missing, gaps, 2);
}

static void
test_extent (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(LodeStore) store = open_ok (path);
  g_autoptr(GError) error = NULL;
  LodeStoreExtent extent;
  LodePoint ratio[2] = { { T0 + HOUR_MS, 1.1 }, { T0 + 3 * HOUR_MS, 0.9 } };

  g_assert_true (lode_store_get_extent (store, "binance", "BTCUSDT", LODE_STORE_SERIES_CANDLES,
                                        DAY_MS, &extent, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (extent.count, ==, 0);

  put_days (store, "BTCUSDT", 2, 5);
  lode_store_get_extent (store, "binance", "BTCUSDT", LODE_STORE_SERIES_CANDLES, DAY_MS,
                         &extent, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (extent.count, ==, 4);
  g_assert_cmpint (extent.first_ms, ==, T0 + DAY_MS);
  g_assert_cmpint (extent.last_ms, ==, T0 + 4 * DAY_MS);

  lode_store_put_points (store, "binance", "BTCUSDT", LODE_STORE_SERIES_RATIO, ratio, 2, &error);
  g_assert_no_error (error);
  lode_store_get_extent (store, "binance", "BTCUSDT", LODE_STORE_SERIES_RATIO, 0,
                         &extent, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (extent.count, ==, 2);
  g_assert_cmpint (extent.first_ms, ==, T0 + HOUR_MS);
  g_assert_cmpint (extent.last_ms, ==, T0 + 3 * HOUR_MS);

  lode_store_get_extent (store, "binance", "BTCUSDT", LODE_STORE_SERIES_OI, 0, &extent, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (extent.count, ==, 0);
}

/* The live poll: one point at a time, beyond what the venue serves. */
static void
test_record_point (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(LodeStore) store = open_ok (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) points = NULL;

  for (gint64 i = 0; i < 4; i++)
    {
      lode_store_record_point (store, "hyperliquid", "BTC", LODE_STORE_SERIES_OI,
                               T0 + i * MINUTE_MS + 17, 2e9 + i, &error);
      g_assert_no_error (error);
    }

  points = lode_store_get_points (store, "hyperliquid", "BTC", LODE_STORE_SERIES_OI,
                                  G_MININT64, G_MAXINT64, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 4);
  g_assert_cmpint (g_array_index (points, LodePoint, 3).time_ms, ==, T0 + 3 * MINUTE_MS + 17);
  g_assert_cmpfloat (g_array_index (points, LodePoint, 3).value, ==, 2e9 + 3);
}

static void
test_schema (void)
{
  g_autofree char *path = store_path ();
  g_autofree char *journal_mode = NULL;
  g_autoptr(LodeStore) store = open_ok (path);

  /* The folder was created; the file is ours, versioned, in WAL mode. */
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (raw_query_int (path, "PRAGMA user_version"), ==, 2);
  g_assert_cmpint (raw_query_int (path, "PRAGMA application_id"), ==, 0x4c6f6465);
  g_assert_cmpint (raw_query_int (path, "PRAGMA auto_vacuum"), ==, 2);
  journal_mode = raw_query_text (path, "PRAGMA journal_mode");
  g_assert_cmpstr (journal_mode, ==, "wal");
}

static void
test_recovery_garbage (void)
{
  g_autofree char *path = store_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GString) garbage = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeStore) store = NULL;
  g_autofree char *kept = NULL;
  gsize kept_len;

  while (garbage->len < 10000)
    g_string_append (garbage, "This is not a SQLite database. ");

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, garbage->str, garbage->len, &error);
  g_assert_no_error (error);

  store = open_ok (path);
  assert_recovered (store, path);

  /* The old file is kept as it was. */
  g_file_get_contents (lode_store_get_recovered_path (store), &kept, &kept_len, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (kept, kept_len, garbage->str, garbage->len);

  /* Once recovered, it stays a healthy store. */
  g_clear_object (&store);
  store = open_ok (path);
  g_assert_null (lode_store_get_recovery_notice (store));
}

static void
test_recovery_truncated (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(LodeStore) store = open_ok (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) candles = g_array_new (FALSE, FALSE, sizeof (LodeCandle));
  GStatBuf st;

  for (gint64 i = 0; i < 5000; i++)
    {
      LodeCandle c = make_candle (T0 + i * MINUTE_MS, 30000 + i);

      g_array_append_val (candles, c);
    }
  lode_store_put_candles (store, "binance", "BTCUSDT", MINUTE_MS,
                          (LodeCandle *) candles->data, candles->len, &error);
  g_assert_no_error (error);
  /* Closing checkpoints the WAL into the file and removes it. */
  g_clear_object (&store);

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 16 * 4096);
  g_assert_cmpint (truncate (path, st.st_size / 2), ==, 0);

  store = open_ok (path);
  assert_recovered (store, path);
  g_assert_cmpint (g_stat (lode_store_get_recovered_path (store), &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 0);
}

static void
test_recovery_newer_schema (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(LodeStore) store = open_ok (path);

  g_clear_object (&store);
  raw_exec (path, "PRAGMA user_version = 99");

  store = open_ok (path);
  assert_recovered (store, path);
  g_assert_cmpint (raw_query_int (lode_store_get_recovered_path (store), "PRAGMA user_version"),
                   ==, 99);
}

static void
test_recovery_foreign (void)
{
  g_autofree char *path = store_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(LodeStore) store = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  raw_exec (path, "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('mine')");

  store = open_ok (path);
  assert_recovered (store, path);
  g_assert_cmpint (raw_query_int (lode_store_get_recovered_path (store),
                                  "SELECT count(*) FROM notes"), ==, 1);
}

/* What moving aside cannot cure is an error, not a crash. */
static void
test_open_unusable_folder (void)
{
  g_autofree char *blocker = g_build_filename (g_get_user_cache_dir (), "not-a-folder", NULL);
  g_autofree char *path = g_build_filename (blocker, "history.sqlite3", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeStore) store = NULL;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_cache_dir (), 0700), ==, 0);
  g_file_set_contents (blocker, "a file", -1, &error);
  g_assert_no_error (error);

  store = lode_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_STORE);
}

static gpointer
open_in_thread (gpointer data)
{
  g_autoptr(GError) error = NULL;
  LodeStore *store = lode_store_open (data, &error);

  g_assert_no_error (error);

  return store;
}

/* The app and the CLI starting at once on a first run: both create the
 * schema, neither sees a damaged file. */
static void
test_open_concurrent_first (void)
{
  g_autofree char *path = store_path ();
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("open", open_in_thread, path);

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      g_autoptr(LodeStore) store = g_thread_join (threads[i]);

      g_assert_nonnull (store);
      g_assert_null (lode_store_get_recovery_notice (store));
    }

  g_assert_cmpint (raw_query_int (path, "PRAGMA user_version"), ==, 2);
}

typedef struct
{
  sqlite3 *db;
  guint    hold_ms;
} Holder;

static gpointer
release_later (gpointer data)
{
  Holder *holder = data;

  g_usleep (holder->hold_ms * 1000);
  g_assert_cmpint (sqlite3_exec (holder->db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);

  return NULL;
}

/* Another connection writing for a while: the store waits for it. */
static void
test_locked_waits (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(LodeStore) store = open_ok (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) got = NULL;
  Holder holder = { NULL, 300 };
  GThread *thread;
  LodeCandle c = make_candle (T0, 500);
  gint64 start;

  g_clear_object (&store);

  g_assert_cmpint (sqlite3_open (path, &holder.db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (holder.db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);
  thread = g_thread_new ("holder", release_later, &holder);

  start = g_get_monotonic_time ();
  store = open_ok (path);
  lode_store_put_candles (store, "binance", "BTCUSDT", MINUTE_MS, &c, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 200 * 1000);
  g_thread_join (thread);
  sqlite3_close (holder.db);

  g_assert_null (lode_store_get_recovery_notice (store));
  got = lode_store_get_candles (store, "binance", "BTCUSDT", MINUTE_MS, T0, T0 + MINUTE_MS,
                                &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, 1);
}

/* A connection that keeps the file locked for good: after the busy timeout
 * the file is moved aside (the holder keeps its file) and a new store
 * starts. */
static void
test_locked_recovers (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(LodeStore) store = open_ok (path);
  g_autoptr(GError) error = NULL;
  sqlite3 *holder = NULL;
  gint64 start;

  g_clear_object (&store);

  g_assert_cmpint (sqlite3_open (path, &holder), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (holder,
                                 "PRAGMA locking_mode = EXCLUSIVE;"
                                 "BEGIN EXCLUSIVE;"
                                 "INSERT INTO series (venue, symbol, kind, interval_ms)"
                                 " VALUES ('holder', 'X', 0, 1);"
                                 "COMMIT;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);

  start = g_get_monotonic_time ();
  store = lode_store_open_full (path, 200, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 150 * 1000);
  assert_recovered (store, path);
  g_assert_nonnull (strstr (lode_store_get_recovery_notice (store), "locked"));

  /* The holder still works, on the file that was moved. */
  g_assert_cmpint (sqlite3_exec (holder, "DELETE FROM series WHERE venue = 'holder'",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (holder);
}

static void
kill_batch (guint64     batch,
            LodeCandle *candles,
            LodePoint  *points)
{
  for (guint i = 0; i < KILL_BATCH; i++)
    {
      gint64 index = (gint64) batch * KILL_BATCH + i;

      candles[i] = make_candle (T0 + index * MINUTE_MS, 1000 + (double) index / 8);
      if (i % KILL_POINTS_EVERY == 0)
        points[i / KILL_POINTS_EVERY] = (LodePoint) { candles[i].time_ms, 1e9 + index };
    }
}

/* The child of the kill test: writes batches until killed, and after each
 * commit prints the batch number. */
static int
run_writer (const char *path,
            const char *symbol)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeStore) store = lode_store_open (path, &error);
  LodeCandle candles[KILL_BATCH];
  LodePoint points[KILL_BATCH / KILL_POINTS_EVERY];

  if (store == NULL)
    {
      g_printerr ("writer: %s\n", error->message);
      return 1;
    }
  lode_store_set_max_bytes (store, 0);

  for (guint64 batch = 0; ; batch++)
    {
      char line[32];
      int len;

      kill_batch (batch, candles, points);
      if (!lode_store_save (store, "binance", symbol, MINUTE_MS, candles, KILL_BATCH,
                            points, G_N_ELEMENTS (points), NULL, 0, &error))
        {
          g_printerr ("writer: %s\n", error->message);
          return 2;
        }

      len = g_snprintf (line, sizeof line, "%" G_GUINT64_FORMAT "\n", batch);
      if (write (STDOUT_FILENO, line, len) != len)
        return 3;
    }
}

/* Reads from @fd until a newline (@until_newline) or the end. */
static void
read_pipe (int      fd,
           GString *out,
           gboolean until_newline)
{
  char buf[4096];

  for (;;)
    {
      ssize_t n;

      if (until_newline && strchr (out->str, '\n') != NULL)
        return;

      n = read (fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (n, >=, 0);
      if (n == 0)
        return;
      g_string_append_len (out, buf, n);
    }
}

/* Issue #7 asks for at least 100 kills; LODE_STORE_KILL_ROUNDS runs
 * another number of rounds. */
static void
test_kill_during_write (void)
{
  g_autofree char *default_path = store_path ();
  g_autofree char *dir = g_path_get_dirname (default_path);
  const char *rounds_env = g_getenv ("LODE_STORE_KILL_ROUNDS");
  guint n_rounds = rounds_env != NULL ? (guint) g_ascii_strtoull (rounds_env, NULL, 10) : 100;
  g_autofree gsize *stored = g_new0 (gsize, MAX (n_rounds, 1));
  gint64 total_start = g_get_monotonic_time ();

  for (guint round = 0; round < n_rounds; round++)
    {
      g_autofree char *name = g_strdup_printf ("kill-%u.sqlite3", round / KILL_ROUNDS_PER_FILE);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *symbol = g_strdup_printf ("KILL%u", round);
      g_autoptr(LodeStore) store = NULL;
      const char *argv[] = { self_exe, "--store-writer", path, symbol, NULL };
      g_autoptr(GError) error = NULL;
      g_autoptr(GString) output = g_string_new (NULL);
      g_auto(GStrv) lines = NULL;
      g_autoptr(GArray) got = NULL;
      g_autofree char *check = NULL;
      LodeStoreExtent extent;
      LodeStoreExtent oi_extent;
      GPid pid;
      int out_fd;
      int status;
      guint reported = 0;
      guint delay_us;
      gint64 start = g_get_monotonic_time ();
      gint64 killed_at;

      g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                NULL, NULL, &pid, NULL, &out_fd, NULL, &error);
      g_assert_no_error (error);

      /* Wait for the first commit, then kill at a random moment. */
      read_pipe (out_fd, output, TRUE);
      g_assert_nonnull (strchr (output->str, '\n'));
      delay_us = g_test_rand_int_range (0, 40000);
      g_usleep (delay_us);
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFSIGNALED (status));
      g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
      g_spawn_close_pid (pid);
      killed_at = g_get_monotonic_time ();

      read_pipe (out_fd, output, FALSE);
      close (out_fd);

      /* Complete lines are batches 0, 1, … in order. */
      lines = g_strsplit (output->str, "\n", -1);
      for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
        {
          g_assert_cmpuint (g_ascii_strtoull (lines[i], NULL, 10), ==, i);
          reported++;
        }
      g_assert_cmpuint (reported, >=, 1);

      store = open_ok (path);
      g_assert_null (lode_store_get_recovery_notice (store));
      check = raw_query_text (path, "PRAGMA integrity_check");
      g_assert_cmpstr (check, ==, "ok");

      /* Whole batches only: the one being written when the child died is
       * there entirely (committed, not yet reported) or not at all. */
      lode_store_get_extent (store, "binance", symbol, LODE_STORE_SERIES_CANDLES, MINUTE_MS,
                             &extent, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (extent.count % KILL_BATCH, ==, 0);
      g_assert_cmpuint (extent.count / KILL_BATCH, >=, reported);
      g_assert_cmpuint (extent.count / KILL_BATCH, <=, reported + 1);
      lode_store_get_extent (store, "binance", symbol, LODE_STORE_SERIES_OI, 0,
                             &oi_extent, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (oi_extent.count, ==, extent.count / KILL_POINTS_EVERY);

      /* Every reported batch is there, value for value. */
      got = lode_store_get_candles (store, "binance", symbol, MINUTE_MS, G_MININT64, G_MAXINT64,
                                    &error);
      g_assert_no_error (error);
      for (guint64 batch = 0; batch < extent.count / KILL_BATCH; batch++)
        {
          LodeCandle candles[KILL_BATCH];
          LodePoint points[KILL_BATCH / KILL_POINTS_EVERY];

          kill_batch (batch, candles, points);
          for (guint i = 0; i < KILL_BATCH; i++)
            assert_candle_eq (&g_array_index (got, LodeCandle, batch * KILL_BATCH + i),
                              &candles[i]);
        }

      stored[round] = extent.count;

      /* Earlier rounds in the same file lost nothing. */
      for (guint earlier = round - round % KILL_ROUNDS_PER_FILE; earlier < round; earlier++)
        {
          g_autofree char *earlier_symbol = g_strdup_printf ("KILL%u", earlier);

          lode_store_get_extent (store, "binance", earlier_symbol, LODE_STORE_SERIES_CANDLES,
                                 MINUTE_MS, &extent, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (extent.count, ==, stored[earlier]);
        }

      g_clear_object (&store);
      g_test_message ("kill round %u: %u batches reported, %" G_GSIZE_FORMAT " stored, "
                      "killed %.1f ms after the first commit, child ran %.1f ms, "
                      "reopen + verify %.1f ms",
                      round, reported, stored[round] / KILL_BATCH, delay_us / 1000.0,
                      (killed_at - start) / 1000.0,
                      (g_get_monotonic_time () - killed_at) / 1000.0);
    }

  g_test_message ("kill test: %u rounds in %.1f ms", n_rounds,
                  (g_get_monotonic_time () - total_start) / 1000.0);
}

static void
on_result (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GArray *
fill_for_prune (LodeStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) candles = g_array_new (FALSE, FALSE, sizeof (LodeCandle));
  g_autoptr(GArray) oi = g_array_new (FALSE, FALSE, sizeof (LodePoint));
  g_autoptr(GArray) ratio = g_array_new (FALSE, FALSE, sizeof (LodePoint));

  /* Two weeks of minutes on one venue, the second week of 5-minute OI on
   * another, hourly ratios over both weeks on a third. */
  for (gint64 i = 0; i < 14 * 1440; i++)
    {
      LodeCandle c = make_candle (T0 + i * MINUTE_MS, 20000 + i);

      g_array_append_val (candles, c);
    }
  for (gint64 i = 7 * 288; i < 14 * 288; i++)
    {
      LodePoint p = { T0 + i * 5 * MINUTE_MS, 1e9 + i };

      g_array_append_val (oi, p);
    }
  for (gint64 i = 0; i < 14 * 24; i++)
    {
      LodePoint p = { T0 + i * HOUR_MS, 1 + i / 1000.0 };

      g_array_append_val (ratio, p);
    }

  lode_store_save (store, "binance", "BTCUSDT", MINUTE_MS,
                   (LodeCandle *) candles->data, candles->len, NULL, 0, NULL, 0, &error);
  g_assert_no_error (error);
  lode_store_save (store, "bybit", "BTCUSDT", MINUTE_MS, NULL, 0,
                   (LodePoint *) oi->data, oi->len, NULL, 0, &error);
  g_assert_no_error (error);
  lode_store_save (store, "okx", "BTC-USDT-SWAP", MINUTE_MS, NULL, 0, NULL, 0,
                   (LodePoint *) ratio->data, ratio->len, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&candles);
}

/* The oldest rows go first: what is left of each series is a suffix of
 * it, with its newest row. With @common_cutoff (one prune after all was
 * written) every series lost exactly its rows before one common time. */
static void
assert_pruned_oldest_first (LodeStore *store,
                            GArray    *all_candles,
                            gboolean   common_cutoff)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) candles = NULL;
  g_autoptr(GArray) oi = NULL;
  g_autoptr(GArray) ratio = NULL;
  gint64 cutoff = G_MAXINT64;
  gint64 last = T0 + (14 * 1440 - 1) * MINUTE_MS;

  candles = lode_store_get_candles (store, "binance", "BTCUSDT", MINUTE_MS,
                                    G_MININT64, G_MAXINT64, &error);
  g_assert_no_error (error);
  oi = lode_store_get_points (store, "bybit", "BTCUSDT", LODE_STORE_SERIES_OI,
                              G_MININT64, G_MAXINT64, &error);
  g_assert_no_error (error);
  ratio = lode_store_get_points (store, "okx", "BTC-USDT-SWAP", LODE_STORE_SERIES_RATIO,
                                 G_MININT64, G_MAXINT64, &error);
  g_assert_no_error (error);

  /* Something went, the newest of each series stayed. */
  g_assert_cmpuint (candles->len, >, 0);
  g_assert_cmpuint (candles->len, <, all_candles->len);
  g_assert_cmpint (g_array_index (candles, LodeCandle, candles->len - 1).time_ms, ==, last);
  g_assert_cmpuint (oi->len, >, 0);
  g_assert_cmpint (g_array_index (oi, LodePoint, oi->len - 1).time_ms, ==,
                   T0 + (14 * 288 - 1) * 5 * MINUTE_MS);
  g_assert_cmpuint (ratio->len, >, 0);
  g_assert_cmpint (g_array_index (ratio, LodePoint, ratio->len - 1).time_ms, ==,
                   T0 + (14 * 24 - 1) * HOUR_MS);

  g_assert_cmpuint (candles->len, ==, (last - g_array_index (candles, LodeCandle, 0).time_ms)
                                       / MINUTE_MS + 1);
  for (guint i = 0; i < candles->len; i++)
    assert_candle_eq (&g_array_index (candles, LodeCandle, i),
                      &g_array_index (all_candles, LodeCandle,
                                      all_candles->len - candles->len + i));

  if (!common_cutoff)
    return;

  cutoff = MIN (cutoff, g_array_index (candles, LodeCandle, 0).time_ms);
  cutoff = MIN (cutoff, g_array_index (oi, LodePoint, 0).time_ms);
  cutoff = MIN (cutoff, g_array_index (ratio, LodePoint, 0).time_ms);

  /* Contiguous suffixes, all starting at or just after the cutoff. */
  g_assert_cmpint (g_array_index (candles, LodeCandle, 0).time_ms, <, cutoff + MINUTE_MS);
  g_assert_cmpint (g_array_index (ratio, LodePoint, 0).time_ms, <, cutoff + HOUR_MS);
  if (cutoff > T0 + 7 * DAY_MS)
    g_assert_cmpint (g_array_index (oi, LodePoint, 0).time_ms, <, cutoff + 5 * MINUTE_MS);
  else
    g_assert_cmpuint (oi->len, ==, 7 * 288);
}

static void
test_prune (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(LodeStore) store = open_ok (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) all_candles = NULL;
  const guint64 bound = 512 * 1024;
  gint64 before;
  gint64 after;
  GStatBuf st;

  lode_store_set_max_bytes (store, 0);
  all_candles = fill_for_prune (store);
  before = lode_store_get_size (store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (before, >, 2 * bound);

  /* Under the bound: nothing to do. */
  lode_store_prune (store, before, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lode_store_get_size (store, NULL), ==, before);

  g_assert_true (lode_store_prune (store, bound, &error));
  g_assert_no_error (error);
  after = lode_store_get_size (store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (after, <=, bound);
  g_test_message ("pruned from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT " bytes", before, after);

  /* The file on disk shrank too. */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, <=, bound);

  assert_pruned_oldest_first (store, all_candles, TRUE);

  /* The same on the worker, to half of that. */
  {
    g_autoptr(GAsyncResult) result = NULL;

    lode_store_prune_async (store, bound / 2, NULL, on_result, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    g_assert_true (lode_store_prune_finish (store, result, &error));
    g_assert_no_error (error);
    g_assert_cmpint (lode_store_get_size (store, NULL), <=, bound / 2);
    assert_pruned_oldest_first (store, all_candles, TRUE);
  }
}

static void
test_save_keeps_bound (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(LodeStore) store = open_ok (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) all_candles = NULL;
  const guint64 bound = 384 * 1024;

  g_assert_cmpuint (lode_store_get_max_bytes (store), ==, LODE_STORE_DEFAULT_MAX_BYTES);
  lode_store_set_max_bytes (store, bound);
  g_assert_cmpuint (lode_store_get_max_bytes (store), ==, bound);

  all_candles = fill_for_prune (store);
  g_assert_cmpint (lode_store_get_size (store, &error), <=, bound);
  g_assert_no_error (error);
  assert_pruned_oldest_first (store, all_candles, FALSE);
}

typedef struct
{
  GMainContext   *context;
  GThread        *thread;
  guint           n_done;
  gboolean        saved;
  LodeStore      *opened;
  LodeStoreSlice *slice;
  GError         *error;
} AsyncState;

static void
assert_on_caller (AsyncState *state)
{
  g_assert_true (g_thread_self () == state->thread);
  g_assert_true (g_main_context_get_thread_default () == state->context);
}

static void
on_opened (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  AsyncState *state = user_data;
  g_autoptr(GError) error = NULL;

  assert_on_caller (state);
  state->opened = lode_store_open_finish (result, &error);
  g_assert_no_error (error);
  state->n_done++;
}

static void
on_saved (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  AsyncState *state = user_data;
  g_autoptr(GError) error = NULL;

  assert_on_caller (state);
  /* Jobs finish in the order they were queued. */
  g_assert_null (state->slice);
  state->saved = lode_store_save_finish (LODE_STORE (object), result, &error);
  g_assert_no_error (error);
  state->n_done++;
}

static void
on_recorded (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncState *state = user_data;
  g_autoptr(GError) error = NULL;

  assert_on_caller (state);
  g_assert_true (lode_store_record_point_finish (LODE_STORE (object), result, &error));
  g_assert_no_error (error);
  state->n_done++;
}

static void
on_loaded (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  AsyncState *state = user_data;

  assert_on_caller (state);
  g_assert_true (state->saved);
  state->slice = lode_store_load_finish (LODE_STORE (object), result, &state->error);
  state->n_done++;
}

static void
on_cancelled (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  AsyncState *state = user_data;

  assert_on_caller (state);
  g_assert_false (lode_store_save_finish (LODE_STORE (object), result, &state->error));
  state->n_done++;
}

static void
iterate_until (AsyncState *state,
               guint       n_done)
{
  while (state->n_done < n_done)
    g_main_context_iteration (state->context, TRUE);
}

static void
test_async (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(LodeStore) store = NULL;
  g_autoptr(LodeStoreSlice) slice = NULL;
  AsyncState state = { context, g_thread_self (), 0, FALSE, NULL, NULL, NULL };
  LodeCandle candles[3];
  LodePoint oi = { T0, 3e9 };

  for (guint i = 0; i < 3; i++)
    candles[i] = make_candle (T0 + i * HOUR_MS, 60000 + i);

  /* A thread-default context other than the global one: callbacks must
   * arrive there, on this thread. */
  g_main_context_push_thread_default (context);

  lode_store_open_async (path, NULL, on_opened, &state);
  iterate_until (&state, 1);
  store = g_steal_pointer (&state.opened);
  g_assert_nonnull (store);

  /* Queued back to back: the save is done before the load runs. The
   * arrays are copied, so they may change right after the call. */
  lode_store_save_async (store, "binance", "BTCUSDT", HOUR_MS, candles, 3, &oi, 1, NULL, 0,
                         NULL, on_saved, &state);
  candles[0].close = -1;
  lode_store_record_point_async (store, "binance", "BTCUSDT", LODE_STORE_SERIES_RATIO,
                                 T0, 1.5, NULL, on_recorded, &state);
  lode_store_load_async (store, "binance", "BTCUSDT", HOUR_MS, T0, T0 + 4 * HOUR_MS,
                         NULL, on_loaded, &state);
  iterate_until (&state, 4);
  g_assert_no_error (state.error);
  slice = g_steal_pointer (&state.slice);

  g_assert_cmpuint (slice->candles->len, ==, 3);
  g_assert_cmpfloat (g_array_index (slice->candles, LodeCandle, 0).close, ==, 60000.5);
  g_assert_cmpuint (slice->oi->len, ==, 1);
  g_assert_cmpfloat (g_array_index (slice->oi, LodePoint, 0).value, ==, 3e9);
  g_assert_cmpuint (slice->ratio->len, ==, 1);
  g_assert_cmpfloat (g_array_index (slice->ratio, LodePoint, 0).value, ==, 1.5);
  g_assert_cmpuint (slice->missing->len, ==, 1);
  g_assert_cmpint (g_array_index (slice->missing, LodeStoreRange, 0).start_ms, ==,
                   T0 + 3 * HOUR_MS);
  g_assert_cmpint (g_array_index (slice->missing, LodeStoreRange, 0).end_ms, ==,
                   T0 + 4 * HOUR_MS);

  /* Cancelled before it ran: nothing written. */
  g_cancellable_cancel (cancelled);
  candles[0] = make_candle (T0 + 10 * HOUR_MS, 1);
  lode_store_save_async (store, "binance", "BTCUSDT", HOUR_MS, candles, 1, NULL, 0, NULL, 0,
                         cancelled, on_cancelled, &state);
  iterate_until (&state, 5);
  g_assert_error (state.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&state.error);

  g_main_context_pop_thread_default (context);

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) got = lode_store_get_candles (store, "binance", "BTCUSDT", HOUR_MS,
                                                    G_MININT64, G_MAXINT64, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (got->len, ==, 3);
  }
}

/* A store held only by a job finishes the job and goes away cleanly. */
static void
test_async_last_reference (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  AsyncState state = { context, g_thread_self (), 0, FALSE, NULL, NULL, NULL };
  LodeStore *store = open_ok (path);
  LodeCandle c = make_candle (T0, 7);

  g_main_context_push_thread_default (context);
  lode_store_save_async (store, "binance", "BTCUSDT", MINUTE_MS, &c, 1, NULL, 0, NULL, 0,
                         NULL, on_saved, &state);
  g_object_unref (store);
  iterate_until (&state, 1);
  g_main_context_pop_thread_default (context);

  g_assert_true (state.saved);
  store = open_ok (path);
  g_assert_cmpuint (raw_query_int (path, "SELECT count(*) FROM candles"), ==, 1);
  g_object_unref (store);
}

/* Liquidation prints (schema version 2). */

static LodeLiqPrint
make_print (gint64      time_ms,
            const char *venue,
            const char *symbol,
            LodeSide    side,
            double      price,
            double      quantity)
{
  LodeLiqPrint p;

  lode_liq_print_init (&p, time_ms, venue, symbol, side, price, quantity, price * quantity);
  return p;
}

static void
assert_print_eq (const LodeLiqPrint *a,
                 const LodeLiqPrint *b)
{
  g_assert_cmpint (a->time_ms, ==, b->time_ms);
  g_assert_cmpstr (a->venue, ==, b->venue);
  g_assert_cmpstr (a->symbol, ==, b->symbol);
  g_assert_cmpint (a->side, ==, b->side);
  g_assert_cmpfloat (a->price, ==, b->price);
  g_assert_cmpfloat (a->quantity_base, ==, b->quantity_base);
  g_assert_cmpfloat (a->notional_usd, ==, b->notional_usd);
}

static void
test_prints_round_trip (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(LodeStore) store = open_ok (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) binance = NULL;
  g_autoptr(GArray) all = NULL;
  g_autoptr(GArray) okx = NULL;
  g_autoptr(GArray) range = NULL;
  LodeLiqPrint prints[] = {
    make_print (T0 + 3000, "binance", "BTCUSDT", LODE_SIDE_SHORT, 94000, 2),
    make_print (T0 + 1000, "binance", "BTCUSDT", LODE_SIDE_LONG, 93955.2, 0.014),
    make_print (T0 + 2000, "bybit", "BTCUSDT", LODE_SIDE_LONG, 93120.5, 0.5),
    make_print (T0 + 1500, "okx", "BTC-USDT-SWAP", LODE_SIDE_SHORT, 93000, 0.12),
  };

  g_assert_true (lode_store_put_prints (store, prints, G_N_ELEMENTS (prints), &error));
  g_assert_no_error (error);

  /* One venue, ascending by time whatever the order they were put in. */
  binance = lode_store_get_prints (store, "binance", "BTCUSDT", T0, T0 + MINUTE_MS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (binance->len, ==, 2);
  assert_print_eq (&g_array_index (binance, LodeLiqPrint, 0), &prints[1]);
  assert_print_eq (&g_array_index (binance, LodeLiqPrint, 1), &prints[0]);

  /* Every venue of a symbol. */
  all = lode_store_get_prints (store, NULL, "BTCUSDT", T0, T0 + MINUTE_MS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 3);
  assert_print_eq (&g_array_index (all, LodeLiqPrint, 1), &prints[2]);

  okx = lode_store_get_prints (store, NULL, "BTC-USDT-SWAP", T0, T0 + MINUTE_MS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (okx->len, ==, 1);
  assert_print_eq (&g_array_index (okx, LodeLiqPrint, 0), &prints[3]);

  /* [start, end) */
  range = lode_store_get_prints (store, NULL, "BTCUSDT", T0 + 1000, T0 + 3000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (range->len, ==, 2);
  g_assert_cmpint (g_array_index (range, LodeLiqPrint, 0).time_ms, ==, T0 + 1000);
  g_assert_cmpint (g_array_index (range, LodeLiqPrint, 1).time_ms, ==, T0 + 2000);
  g_clear_pointer (&range, g_array_unref);

  range = lode_store_get_prints (store, "bybit", "ETHUSDT", T0, T0 + MINUTE_MS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (range->len, ==, 0);
}

/* A print saved twice is kept once; unusable ones are skipped. */
static void
test_prints_duplicates (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(LodeStore) store = open_ok (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) got = NULL;
  LodeLiqPrint prints[] = {
    make_print (T0, "binance", "BTCUSDT", LODE_SIDE_LONG, 100, 1),
    make_print (T0, "binance", "BTCUSDT", LODE_SIDE_LONG, 100, 2),
    make_print (T0 + 1, "binance", "BTCUSDT", LODE_SIDE_SHORT, 100, 1),
    make_print (T0 + 2, "binance", "BTCUSDT", LODE_SIDE_SHORT, NAN, 1),
    make_print (T0 + 3, "", "BTCUSDT", LODE_SIDE_SHORT, 100, 1),
  };

  g_assert_true (lode_store_put_prints (store, prints, G_N_ELEMENTS (prints), &error));
  g_assert_no_error (error);
  g_assert_true (lode_store_put_prints (store, prints, 3, &error));
  g_assert_no_error (error);

  got = lode_store_get_prints (store, NULL, "BTCUSDT", T0, T0 + MINUTE_MS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, 3);
  g_assert_cmpuint (raw_query_int (path, "SELECT count(*) FROM prints"), ==, 3);
}

/* Bubbles survive a restart. */
static void
test_prints_reopen (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(LodeStore) store = open_ok (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) got = NULL;
  LodeLiqPrint print = make_print (T0 + 7, "bybit", "ETHUSDT", LODE_SIDE_SHORT, 3000, 2);

  g_assert_true (lode_store_put_prints (store, &print, 1, &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  store = open_ok (path);
  g_assert_null (lode_store_get_recovery_notice (store));
  got = lode_store_get_prints (store, "bybit", "ETHUSDT", T0, T0 + MINUTE_MS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, 1);
  assert_print_eq (&g_array_index (got, LodeLiqPrint, 0), &print);
}

/* A version 1 file (before prints) is migrated in place: its data stays,
 * the prints table appears. */
static void
test_prints_migration (void)
{
  g_autofree char *path = store_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(LodeStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) candles = NULL;
  g_autoptr(GArray) prints = NULL;
  LodeLiqPrint print = make_print (T0, "okx", "BTC-USDT-SWAP", LODE_SIDE_LONG, 93000, 0.01);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  /* Schema version 1 as lode-store.c created it. */
  raw_exec (path,
            "PRAGMA auto_vacuum = INCREMENTAL;"
            "CREATE TABLE series ("
            "  id          INTEGER PRIMARY KEY,"
            "  venue       TEXT    NOT NULL,"
            "  symbol      TEXT    NOT NULL,"
            "  kind        INTEGER NOT NULL,"
            "  interval_ms INTEGER NOT NULL,"
            "  UNIQUE (venue, symbol, kind, interval_ms));"
            "CREATE TABLE candles ("
            "  series_id  INTEGER NOT NULL,"
            "  time_ms    INTEGER NOT NULL,"
            "  open       REAL,"
            "  high       REAL,"
            "  low        REAL,"
            "  close      REAL,"
            "  volume     REAL,"
            "  oi_usd     REAL,"
            "  long_share REAL,"
            "  PRIMARY KEY (series_id, time_ms)) WITHOUT ROWID;"
            "CREATE INDEX candles_by_time ON candles (time_ms);"
            "CREATE TABLE points ("
            "  series_id INTEGER NOT NULL,"
            "  time_ms   INTEGER NOT NULL,"
            "  value     REAL,"
            "  PRIMARY KEY (series_id, time_ms)) WITHOUT ROWID;"
            "CREATE INDEX points_by_time ON points (time_ms);"
            "INSERT INTO series VALUES (1, 'binance', 'BTCUSDT', 0, 3600000);"
            "INSERT INTO candles VALUES (1, 1704067200000, 1, 2, 0.5, 1.5, 10, 1e9, 0.5);"
            "PRAGMA application_id = 1282368613;"
            "PRAGMA user_version = 1;");

  store = open_ok (path);
  g_assert_null (lode_store_get_recovery_notice (store));
  g_assert_cmpint (raw_query_int (path, "PRAGMA user_version"), ==, 2);

  candles = lode_store_get_candles (store, "binance", "BTCUSDT", HOUR_MS, T0, T0 + HOUR_MS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (candles->len, ==, 1);
  g_assert_cmpfloat (g_array_index (candles, LodeCandle, 0).close, ==, 1.5);

  g_assert_true (lode_store_put_prints (store, &print, 1, &error));
  g_assert_no_error (error);
  prints = lode_store_get_prints (store, "okx", "BTC-USDT-SWAP", T0, T0 + 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (prints->len, ==, 1);
}

/* Pruning counts prints like other rows: the oldest go first. */
static void
test_prints_pruned (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(LodeStore) store = open_ok (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) prints = g_array_new (FALSE, FALSE, sizeof (LodeLiqPrint));
  g_autoptr(GArray) got = NULL;
  const guint n = 20000;
  gint64 before;

  lode_store_set_max_bytes (store, 0);
  for (guint i = 0; i < n; i++)
    {
      LodeLiqPrint p = make_print (T0 + i * MINUTE_MS, "binance", "BTCUSDT",
                                   i % 2 ? LODE_SIDE_LONG : LODE_SIDE_SHORT, 90000 + i, 0.5);

      g_array_append_val (prints, p);
    }
  g_assert_true (lode_store_put_prints (store, (LodeLiqPrint *) prints->data, n, &error));
  g_assert_no_error (error);

  before = lode_store_get_size (store, &error);
  g_assert_no_error (error);
  g_assert_true (lode_store_prune (store, before / 2, &error));
  g_assert_no_error (error);
  g_assert_cmpint (lode_store_get_size (store, NULL), <=, before / 2);

  got = lode_store_get_prints (store, NULL, "BTCUSDT", T0, T0 + n * MINUTE_MS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, >, 0);
  g_assert_cmpuint (got->len, <, n);
  /* What is left is the newest, without a gap. */
  g_assert_cmpint (g_array_index (got, LodeLiqPrint, got->len - 1).time_ms, ==,
                   T0 + (n - 1) * MINUTE_MS);
  g_assert_cmpint (g_array_index (got, LodeLiqPrint, 0).time_ms, ==,
                   T0 + (gint64) (n - got->len) * MINUTE_MS);
}

/* On the worker, in order, calling back on the caller's context. */
static void
test_prints_async (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(LodeStore) store = open_ok (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) put_result = NULL;
  g_autoptr(GAsyncResult) get_result = NULL;
  g_autoptr(GArray) got = NULL;
  LodeLiqPrint prints[] = {
    make_print (T0 + 5, "bybit", "SOLUSDT", LODE_SIDE_LONG, 150, 10),
    make_print (T0 + 6, "bybit", "SOLUSDT", LODE_SIDE_SHORT, 151, 3),
  };

  lode_store_put_prints_async (store, prints, G_N_ELEMENTS (prints), NULL, on_result, &put_result);
  /* The prints were copied: changing them now does not matter. */
  prints[0].price = -1;
  lode_store_get_prints_async (store, "bybit", "SOLUSDT", T0, T0 + MINUTE_MS, NULL,
                               on_result, &get_result);

  while (put_result == NULL || get_result == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (lode_store_put_prints_finish (store, put_result, &error));
  g_assert_no_error (error);
  got = lode_store_get_prints_finish (store, get_result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, 2);
  g_assert_cmpfloat (g_array_index (got, LodeLiqPrint, 0).price, ==, 150);
  g_assert_cmpfloat (g_array_index (got, LodeLiqPrint, 1).notional_usd, ==, 453);
}

int
main (int   argc,
      char *argv[])
{
  /* The kill test runs this program again as its writer child. */
  if (argc == 4 && g_str_equal (argv[1], "--store-writer"))
    return run_writer (argv[2], argv[3]);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  if (self_exe == NULL)
    self_exe = g_canonicalize_filename (argv[0], NULL);

  g_test_add_func ("/sources/store/round-trip", test_round_trip);
  g_test_add_func ("/sources/store/upsert", test_upsert);
  g_test_add_func ("/sources/store/missing-ranges/gap", test_missing_ranges_gap);
  g_test_add_func ("/sources/store/missing-ranges/points", test_missing_ranges_points);
  g_test_add_func ("/sources/store/extent", test_extent);
  g_test_add_func ("/sources/store/record-point", test_record_point);
  g_test_add_func ("/sources/store/schema", test_schema);
  g_test_add_func ("/sources/store/recovery/garbage", test_recovery_garbage);
  g_test_add_func ("/sources/store/recovery/truncated", test_recovery_truncated);
  g_test_add_func ("/sources/store/recovery/newer-schema", test_recovery_newer_schema);
  g_test_add_func ("/sources/store/recovery/foreign-database", test_recovery_foreign);
  g_test_add_func ("/sources/store/open/unusable-folder", test_open_unusable_folder);
  g_test_add_func ("/sources/store/open/concurrent-first", test_open_concurrent_first);
  g_test_add_func ("/sources/store/locked/waits", test_locked_waits);
  g_test_add_func ("/sources/store/locked/recovers", test_locked_recovers);
  g_test_add_func ("/sources/store/kill-during-write", test_kill_during_write);
  g_test_add_func ("/sources/store/prune/oldest-first", test_prune);
  g_test_add_func ("/sources/store/prune/on-save", test_save_keeps_bound);
  g_test_add_func ("/sources/store/async/main-context", test_async);
  g_test_add_func ("/sources/store/async/last-reference", test_async_last_reference);
  g_test_add_func ("/sources/store/prints/round-trip", test_prints_round_trip);
  g_test_add_func ("/sources/store/prints/duplicates", test_prints_duplicates);
  g_test_add_func ("/sources/store/prints/survive-reopen", test_prints_reopen);
  g_test_add_func ("/sources/store/prints/migration-from-v1", test_prints_migration);
  g_test_add_func ("/sources/store/prints/pruned-oldest-first", test_prints_pruned);
  g_test_add_func ("/sources/store/prints/async", test_prints_async);

  return g_test_run ();
}
