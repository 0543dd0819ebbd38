/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>

#include "lode-store.h"

/* "Lode": tells our files from other SQLite databases at the same path. */
#define APPLICATION_ID 0x4c6f6465
#define SCHEMA_VERSION 2
/* The WAL file is truncated to this after a checkpoint. */
#define JOURNAL_SIZE_LIMIT 8388608  /* 8 MiB */

/* migrations[v] takes a database from schema version v to v + 1; version 0
 * is the empty file. They run in one transaction together with the new
 * `PRAGMA user_version`, so a crash leaves the old version or the new one.
 *
 * Version 1. A series is one row of `series`; its rows live in `candles`
 * or `points`, keyed by (series_id, time_ms). The unique index on
 * (venue, symbol, kind, interval_ms) followed by the primary key
 * (series_id, time_ms) is the index on (venue, symbol, interval, time),
 * without repeating the strings in every row. The indexes on time_ms alone
 * serve pruning, which deletes the oldest rows across all series. Prices
 * are REAL; NULL stands for NaN (SQLite cannot store NaN).
 *
 * Version 2. Liquidation prints seen live, one row each, so that they
 * survive a restart. The same print saved twice (a batch saved again, a
 * stream that delivers it again) is kept once: the unique key is the
 * whole print. Its leading (symbol, time_ms) columns serve the reads of
 * one symbol over a time range; time_ms alone serves pruning. */
static const char * const migrations[] = {
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
  "CREATE INDEX points_by_time ON points (time_ms);",

  "CREATE TABLE prints ("
  "  id       INTEGER PRIMARY KEY,"
  "  symbol   TEXT    NOT NULL,"
  "  time_ms  INTEGER NOT NULL,"
  "  venue    TEXT    NOT NULL,"
  "  side     INTEGER NOT NULL,"
  "  price    REAL    NOT NULL,"
  "  quantity REAL    NOT NULL,"
  "  notional REAL    NOT NULL,"
  "  UNIQUE (symbol, time_ms, venue, side, price, quantity));"
  "CREATE INDEX prints_by_time ON prints (time_ms);",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == SCHEMA_VERSION);

typedef enum
{
  STMT_SERIES_FIND,
  STMT_SERIES_INSERT,
  STMT_CANDLE_PUT,
  STMT_CANDLES_GET,
  STMT_CANDLE_TIMES,
  STMT_CANDLE_EXTENT,
  STMT_POINT_PUT,
  STMT_POINTS_GET,
  STMT_POINT_TIMES,
  STMT_POINT_EXTENT,
  STMT_PRINT_PUT,
  STMT_PRINTS_GET,
  STMT_PRINTS_GET_ALL_VENUES,
  N_STMTS
} Stmt;

static const char * const stmt_sql[N_STMTS] = {
  [STMT_SERIES_FIND] =
    "SELECT id FROM series"
    " WHERE venue = ?1 AND symbol = ?2 AND kind = ?3 AND interval_ms = ?4",
  [STMT_SERIES_INSERT] =
    "INSERT INTO series (venue, symbol, kind, interval_ms) VALUES (?1, ?2, ?3, ?4)",
  /* A re-fetched candle replaces the stored one, but an unknown OI does
   * not erase a known one (candles fetched again after the venue's OI
   * window has passed them come without OI). */
  [STMT_CANDLE_PUT] =
    "INSERT INTO candles"
    " (series_id, time_ms, open, high, low, close, volume, oi_usd, long_share)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
    " ON CONFLICT (series_id, time_ms) DO UPDATE SET"
    "  open = excluded.open, high = excluded.high, low = excluded.low,"
    "  close = excluded.close, volume = excluded.volume,"
    "  oi_usd = coalesce (excluded.oi_usd, candles.oi_usd),"
    "  long_share = excluded.long_share",
  [STMT_CANDLES_GET] =
    "SELECT time_ms, open, high, low, close, volume, oi_usd, long_share"
    " FROM candles WHERE series_id = ?1 AND time_ms >= ?2 AND time_ms < ?3"
    " ORDER BY time_ms",
  [STMT_CANDLE_TIMES] =
    "SELECT time_ms FROM candles"
    " WHERE series_id = ?1 AND time_ms >= ?2 AND time_ms < ?3 ORDER BY time_ms",
  [STMT_CANDLE_EXTENT] =
    "SELECT count(*), min(time_ms), max(time_ms) FROM candles WHERE series_id = ?1",
  [STMT_POINT_PUT] =
    "INSERT INTO points (series_id, time_ms, value) VALUES (?1, ?2, ?3)"
    " ON CONFLICT (series_id, time_ms) DO UPDATE SET value = excluded.value",
  [STMT_POINTS_GET] =
    "SELECT time_ms, value FROM points"
    " WHERE series_id = ?1 AND time_ms >= ?2 AND time_ms < ?3 ORDER BY time_ms",
  [STMT_POINT_TIMES] =
    "SELECT time_ms FROM points"
    " WHERE series_id = ?1 AND time_ms >= ?2 AND time_ms < ?3 ORDER BY time_ms",
  [STMT_POINT_EXTENT] =
    "SELECT count(*), min(time_ms), max(time_ms) FROM points WHERE series_id = ?1",
  [STMT_PRINT_PUT] =
    "INSERT OR IGNORE INTO prints (symbol, time_ms, venue, side, price, quantity, notional)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
  [STMT_PRINTS_GET] =
    "SELECT time_ms, venue, symbol, side, price, quantity, notional FROM prints"
    " WHERE symbol = ?1 AND time_ms >= ?2 AND time_ms < ?3 AND venue = ?4"
    " ORDER BY time_ms, id",
  [STMT_PRINTS_GET_ALL_VENUES] =
    "SELECT time_ms, venue, symbol, side, price, quantity, notional FROM prints"
    " WHERE symbol = ?1 AND time_ms >= ?2 AND time_ms < ?3"
    " ORDER BY time_ms, id",
};

struct _LodeStore
{
  GObject       parent_instance;

  /* Guards db and stmts: one thread uses the connection at a time. */
  GMutex        mutex;
  sqlite3      *db;
  sqlite3_stmt *stmts[N_STMTS];

  /* Runs the _async jobs one at a time, in the order they were queued. */
  GThreadPool  *worker;

  char         *path;
  char         *recovery_notice;
  char         *recovered_path;
  guint64       max_bytes;
};

G_DEFINE_FINAL_TYPE (LodeStore, lode_store, G_TYPE_OBJECT)

typedef enum
{
  OPEN_OK,
  OPEN_DAMAGED,  /* not a database, malformed, or not our schema */
  OPEN_LOCKED,   /* still locked by another connection after the timeout */
  OPEN_FAILED,   /* anything moving the file aside would not cure */
} OpenStatus;

static OpenStatus
status_for_rc (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_FORMAT:
      return OPEN_DAMAGED;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return OPEN_LOCKED;
    default:
      return OPEN_FAILED;
    }
}

static void
set_sqlite_error (GError     **error,
                  sqlite3     *db,
                  int          rc,
                  const char  *what)
{
  int code = status_for_rc (rc) == OPEN_DAMAGED ? LODE_SOURCE_ERROR_STORE_CORRUPT
                                                : LODE_SOURCE_ERROR_STORE;
  const char *detail = db != NULL && sqlite3_errcode (db) == rc ? sqlite3_errmsg (db)
                                                                : sqlite3_errstr (rc);

  /* TRANSLATORS: "%s: %s" is what failed and SQLite's own message. */
  g_set_error (error, LODE_SOURCE_ERROR, code, _("History store: %s: %s"), what, detail);
}

static gboolean
exec (sqlite3     *db,
      const char  *sql,
      const char  *what,
      GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, db, rc, what);
      return FALSE;
    }

  return TRUE;
}

/* Runs a one-row query and returns its first column as text (a copy) in
 * @out_text and/or as an integer in @out_int. */
static int
query_one (sqlite3     *db,
           const char  *sql,
           char       **out_text,
           gint64      *out_int)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return rc;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (out_text != NULL)
        *out_text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      if (out_int != NULL)
        *out_int = sqlite3_column_int64 (stmt, 0);
      rc = SQLITE_OK;
    }
  else if (rc == SQLITE_DONE)
    {
      rc = SQLITE_OK;
    }

  /* Keep the step's error, whose message sqlite3_finalize() would reset. */
  if (rc == SQLITE_OK)
    rc = sqlite3_finalize (stmt);
  else
    sqlite3_finalize (stmt);

  return rc;
}

static OpenStatus
fail_open (sqlite3     *db,
           int          rc,
           const char  *what,
           GError     **error)
{
  set_sqlite_error (error, db, rc, what);
  return status_for_rc (rc);
}

/* Opens and checks the file at @path and brings its schema up to date.
 * On OPEN_OK *@out_db is the connection; otherwise it is closed and @error
 * says why. */
static OpenStatus
try_open (const char  *path,
          guint        busy_timeout_ms,
          sqlite3    **out_db,
          GError     **error)
{
  sqlite3 *db = NULL;
  g_autofree char *check = NULL;
  g_autofree char *journal_mode = NULL;
  gint64 app_id = 0;
  gint64 version = 0;
  gint64 n_objects = 0;
  gint64 n_tables = 0;
  gint64 deadline;
  OpenStatus status;
  int rc;

  *out_db = NULL;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK)
    {
      status = fail_open (db, rc, _("cannot open the file"), error);
      goto fail;
    }

  sqlite3_extended_result_codes (db, TRUE);
  /* Another connection (the CLI next to the app, say) holds locks only for
   * a transaction; waiting covers it. */
  sqlite3_busy_timeout (db, (int) MIN (busy_timeout_ms, G_MAXINT));

  /* A file that is not a database fails here with SQLITE_NOTADB, an empty
   * file passes. quick_check reads every page (O(size)) but skips the
   * index-content cross-checks of integrity_check. */
  rc = query_one (db, "PRAGMA quick_check", &check, NULL);
  if (rc != SQLITE_OK)
    {
      status = fail_open (db, rc, _("checking the file"), error);
      goto fail;
    }
  if (g_strcmp0 (check, "ok") != 0)
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_STORE_CORRUPT,
                   _("History store: the file is damaged: %s"), check);
      status = OPEN_DAMAGED;
      goto fail;
    }

  /* One read transaction, so the three answers come from the same moment:
   * another process setting up a new file commits its tables, id and
   * version at once, and reading them apart could see the tables without
   * the id and take the file for a foreign one. */
  if ((rc = sqlite3_exec (db, "BEGIN", NULL, NULL, NULL)) != SQLITE_OK ||
      (rc = query_one (db, "PRAGMA application_id", NULL, &app_id)) != SQLITE_OK ||
      (rc = query_one (db, "PRAGMA user_version", NULL, &version)) != SQLITE_OK ||
      (rc = query_one (db, "SELECT count(*) FROM sqlite_master", NULL, &n_objects)) != SQLITE_OK ||
      (rc = sqlite3_exec (db, "COMMIT", NULL, NULL, NULL)) != SQLITE_OK)
    {
      status = fail_open (db, rc, _("reading the schema"), error);
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      goto fail;
    }

  if (n_objects == 0 && version == 0)
    {
      /* A new file. Incremental auto-vacuum can only be chosen before the
       * first table exists; it lets pruning give pages back to the file
       * system without rewriting the whole file. */
      if ((rc = sqlite3_exec (db, "PRAGMA auto_vacuum = INCREMENTAL", NULL, NULL, NULL)) != SQLITE_OK)
        {
          status = fail_open (db, rc, _("setting up the file"), error);
          goto fail;
        }
    }
  else if (app_id != APPLICATION_ID || version < 1)
    {
      g_set_error_literal (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_STORE_CORRUPT,
                           _("History store: the file is not a Lodestone history store"));
      status = OPEN_DAMAGED;
      goto fail;
    }
  else if (version > SCHEMA_VERSION)
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_STORE_CORRUPT,
                   _("History store: the file has schema version %d, this version of Lodestone knows up to %d"),
                   (int) version, SCHEMA_VERSION);
      status = OPEN_DAMAGED;
      goto fail;
    }

  /* Durability. In WAL mode a commit appends to the -wal file; with
   * synchronous=FULL that file is fsync'ed at every commit, so a committed
   * transaction survives a crash of the process *and* of the machine (with
   * NORMAL it would survive the process only). A transaction that was not
   * committed has no commit frame and is ignored at the next open. Never
   * OFF: this is the only copy of OI history the venues no longer serve. */
  deadline = g_get_monotonic_time () + (gint64) busy_timeout_ms * 1000;
  while ((rc = query_one (db, "PRAGMA journal_mode = WAL", &journal_mode, NULL)) != SQLITE_OK &&
         (rc & 0xff) == SQLITE_BUSY && g_get_monotonic_time () < deadline)
    {
      /* Two connections switching a new file to WAL at the same moment
       * both hold a read lock and want the write lock; SQLite answers one
       * of them SQLITE_BUSY at once, without the busy handler, rather than
       * deadlock. The other finishes quickly: try again until the busy
       * timeout. */
      g_clear_pointer (&journal_mode, g_free);
      g_usleep (5 * 1000);
    }
  if (rc != SQLITE_OK)
    {
      status = fail_open (db, rc, _("setting up the journal"), error);
      goto fail;
    }
  if (g_ascii_strcasecmp (journal_mode != NULL ? journal_mode : "", "wal") != 0)
    g_message ("History store %s: WAL is not available, using journal mode %s",
               path, journal_mode);

  if ((rc = sqlite3_exec (db, "PRAGMA synchronous = FULL", NULL, NULL, NULL)) != SQLITE_OK ||
      (rc = sqlite3_exec (db, "PRAGMA journal_size_limit = " G_STRINGIFY (JOURNAL_SIZE_LIMIT),
                          NULL, NULL, NULL)) != SQLITE_OK)
    {
      status = fail_open (db, rc, _("setting up the journal"), error);
      goto fail;
    }

  if (version < SCHEMA_VERSION)
    {
      /* The version is read again under the write lock: another process
       * (the CLI next to the app on a first run) may have just done it. */
      if ((rc = sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) != SQLITE_OK ||
          (rc = query_one (db, "PRAGMA user_version", NULL, &version)) != SQLITE_OK)
        {
          status = fail_open (db, rc, _("updating the schema"), error);
          sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          goto fail;
        }

      for (gint64 v = version; v < SCHEMA_VERSION; v++)
        {
          g_autofree char *sql = g_strdup_printf ("%s"
                                                  "PRAGMA application_id = %d;"
                                                  "PRAGMA user_version = %d;",
                                                  migrations[v], APPLICATION_ID, (int) v + 1);

          if ((rc = sqlite3_exec (db, sql, NULL, NULL, NULL)) != SQLITE_OK)
            break;
        }

      if (rc == SQLITE_OK)
        rc = sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
      if (rc != SQLITE_OK)
        {
          status = fail_open (db, rc, _("updating the schema"), error);
          sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          goto fail;
        }
    }

  rc = query_one (db,
                  "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                  " AND name IN ('series', 'candles', 'points', 'prints')",
                  NULL, &n_tables);
  if (rc != SQLITE_OK)
    {
      status = fail_open (db, rc, _("reading the schema"), error);
      goto fail;
    }
  if (n_tables != 4)
    {
      g_set_error_literal (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_STORE_CORRUPT,
                           _("History store: tables are missing from the file"));
      status = OPEN_DAMAGED;
      goto fail;
    }

  *out_db = db;
  return OPEN_OK;

fail:
  sqlite3_close_v2 (db);
  return status;
}

/* Renames @path (and its -wal, -shm and -journal files, which belong to
 * it) to "@path.corrupt-<UTC time>" and returns that name. The old file is
 * kept for the user, never deleted. A process still holding the file keeps
 * using it under its new name (POSIX rename keeps open descriptors). */
static char *
move_aside (const char  *path,
            GError     **error)
{
  static const char * const companions[] = { "-wal", "-shm", "-journal" };
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  g_autofree char *dest = NULL;

  for (guint i = 0; dest == NULL || g_file_test (dest, G_FILE_TEST_EXISTS); i++)
    {
      g_free (dest);
      dest = i == 0 ? g_strdup_printf ("%s.corrupt-%s", path, stamp)
                    : g_strdup_printf ("%s.corrupt-%s-%u", path, stamp, i);
    }

  if (g_rename (path, dest) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_STORE,
                   _("History store: could not move the damaged file %s aside: %s"),
                   path, g_strerror (saved_errno));
      return NULL;
    }

  /* A journal left next to the new file would be replayed into it. */
  for (guint i = 0; i < G_N_ELEMENTS (companions); i++)
    {
      g_autofree char *from = g_strconcat (path, companions[i], NULL);
      g_autofree char *to = g_strconcat (dest, companions[i], NULL);

      if (g_file_test (from, G_FILE_TEST_EXISTS) &&
          g_rename (from, to) != 0 &&
          g_unlink (from) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_STORE,
                       _("History store: could not move %s aside: %s"),
                       from, g_strerror (saved_errno));
          return NULL;
        }
    }

  return g_steal_pointer (&dest);
}

/* The statement, reset and unbound, ready for use. Callers reset it again
 * when done so that no read transaction stays open (it would hold back WAL
 * checkpoints). */
static sqlite3_stmt *
get_stmt (LodeStore *self,
          Stmt       which)
{
  sqlite3_stmt *stmt = self->stmts[which];

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  return stmt;
}

static void
bind_double (sqlite3_stmt *stmt,
             int           index,
             double        value)
{
  if (isnan (value))
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_double (stmt, index, value);
}

static double
column_double (sqlite3_stmt *stmt,
               int           index)
{
  if (sqlite3_column_type (stmt, index) == SQLITE_NULL)
    return NAN;

  return sqlite3_column_double (stmt, index);
}

static gint64
add_saturated (gint64 a,
               gint64 b)
{
  if (b > 0 && a > G_MAXINT64 - b)
    return G_MAXINT64;
  if (b < 0 && a < G_MININT64 - b)
    return G_MININT64;

  return a + b;
}

/* The id of a series in *@out_id; 0 when it does not exist and @create is
 * FALSE. Creating needs an open write transaction. */
static gboolean
find_series (LodeStore        *self,
             const char       *venue,
             const char       *symbol,
             LodeStoreSeries   kind,
             gint64            interval_ms,
             gboolean          create,
             gint64           *out_id,
             GError          **error)
{
  sqlite3_stmt *stmt = get_stmt (self, STMT_SERIES_FIND);
  int rc;

  if (kind != LODE_STORE_SERIES_CANDLES)
    interval_ms = 0;

  *out_id = 0;

  sqlite3_bind_text (stmt, 1, venue, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, symbol, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, kind);
  sqlite3_bind_int64 (stmt, 4, interval_ms);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->db, rc, _("finding a series"));
      return FALSE;
    }

  if (*out_id != 0 || !create)
    return TRUE;

  stmt = get_stmt (self, STMT_SERIES_INSERT);
  sqlite3_bind_text (stmt, 1, venue, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, symbol, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, kind);
  sqlite3_bind_int64 (stmt, 4, interval_ms);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->db, rc, _("adding a series"));
      return FALSE;
    }

  *out_id = sqlite3_last_insert_rowid (self->db);

  return TRUE;
}

/* BEGIN IMMEDIATE takes the write lock up front, where the busy timeout
 * applies, rather than failing to upgrade a read lock half-way. */
static gboolean
begin_write (LodeStore  *self,
             GError    **error)
{
  return exec (self->db, "BEGIN IMMEDIATE", _("starting a transaction"), error);
}

static gboolean
commit_write (LodeStore  *self,
              GError    **error)
{
  if (exec (self->db, "COMMIT", _("committing"), error))
    return TRUE;

  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);

  return FALSE;
}

static void
rollback_write (LodeStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

/* The put_* helpers write inside the caller's transaction. */
static gboolean
put_candles_in_transaction (LodeStore         *self,
                            const char        *venue,
                            const char        *symbol,
                            gint64             interval_ms,
                            const LodeCandle  *candles,
                            gsize              n,
                            GError           **error)
{
  gint64 series_id;

  if (n == 0)
    return TRUE;

  if (!find_series (self, venue, symbol, LODE_STORE_SERIES_CANDLES, interval_ms,
                    TRUE, &series_id, error))
    return FALSE;

  for (gsize i = 0; i < n; i++)
    {
      const LodeCandle *c = &candles[i];
      sqlite3_stmt *stmt = get_stmt (self, STMT_CANDLE_PUT);
      int rc;

      sqlite3_bind_int64 (stmt, 1, series_id);
      sqlite3_bind_int64 (stmt, 2, c->time_ms);
      bind_double (stmt, 3, c->open);
      bind_double (stmt, 4, c->high);
      bind_double (stmt, 5, c->low);
      bind_double (stmt, 6, c->close);
      bind_double (stmt, 7, c->volume);
      bind_double (stmt, 8, c->oi_usd);
      bind_double (stmt, 9, c->long_share);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);

      if (rc != SQLITE_DONE)
        {
          set_sqlite_error (error, self->db, rc, _("writing candles"));
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
put_points_in_transaction (LodeStore        *self,
                           const char       *venue,
                           const char       *symbol,
                           LodeStoreSeries   kind,
                           const LodePoint  *points,
                           gsize             n,
                           GError          **error)
{
  gint64 series_id;

  if (n == 0)
    return TRUE;

  if (!find_series (self, venue, symbol, kind, 0, TRUE, &series_id, error))
    return FALSE;

  for (gsize i = 0; i < n; i++)
    {
      sqlite3_stmt *stmt = get_stmt (self, STMT_POINT_PUT);
      int rc;

      sqlite3_bind_int64 (stmt, 1, series_id);
      sqlite3_bind_int64 (stmt, 2, points[i].time_ms);
      bind_double (stmt, 3, points[i].value);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);

      if (rc != SQLITE_DONE)
        {
          set_sqlite_error (error, self->db, rc, _("writing points"));
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
put_points_locked (LodeStore        *self,
                   const char       *venue,
                   const char       *symbol,
                   LodeStoreSeries   kind,
                   const LodePoint  *points,
                   gsize             n,
                   GError          **error)
{
  if (n == 0)
    return TRUE;

  if (!begin_write (self, error))
    return FALSE;

  if (!put_points_in_transaction (self, venue, symbol, kind, points, n, error))
    {
      rollback_write (self);
      return FALSE;
    }

  return commit_write (self, error);
}

static gboolean
save_locked (LodeStore         *self,
             const char        *venue,
             const char        *symbol,
             gint64             interval_ms,
             const LodeCandle  *candles,
             gsize              n_candles,
             const LodePoint   *oi,
             gsize              n_oi,
             const LodePoint   *ratio,
             gsize              n_ratio,
             GError           **error)
{
  if (n_candles == 0 && n_oi == 0 && n_ratio == 0)
    return TRUE;

  if (!begin_write (self, error))
    return FALSE;

  if (!put_candles_in_transaction (self, venue, symbol, interval_ms, candles, n_candles, error) ||
      !put_points_in_transaction (self, venue, symbol, LODE_STORE_SERIES_OI, oi, n_oi, error) ||
      !put_points_in_transaction (self, venue, symbol, LODE_STORE_SERIES_RATIO, ratio, n_ratio, error))
    {
      rollback_write (self);
      return FALSE;
    }

  return commit_write (self, error);
}

static GArray *
get_candles_locked (LodeStore   *self,
                    const char  *venue,
                    const char  *symbol,
                    gint64       interval_ms,
                    gint64       start_ms,
                    gint64       end_ms,
                    GError     **error)
{
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (LodeCandle));
  sqlite3_stmt *stmt;
  gint64 series_id;
  int rc;

  if (!find_series (self, venue, symbol, LODE_STORE_SERIES_CANDLES, interval_ms,
                    FALSE, &series_id, error))
    return NULL;

  if (series_id == 0 || start_ms >= end_ms)
    return g_steal_pointer (&out);

  stmt = get_stmt (self, STMT_CANDLES_GET);
  sqlite3_bind_int64 (stmt, 1, series_id);
  sqlite3_bind_int64 (stmt, 2, start_ms);
  sqlite3_bind_int64 (stmt, 3, end_ms);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      LodeCandle c = {
        .time_ms = sqlite3_column_int64 (stmt, 0),
        .open = column_double (stmt, 1),
        .high = column_double (stmt, 2),
        .low = column_double (stmt, 3),
        .close = column_double (stmt, 4),
        .volume = column_double (stmt, 5),
        .oi_usd = column_double (stmt, 6),
        .long_share = column_double (stmt, 7),
      };

      g_array_append_val (out, c);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->db, rc, _("reading candles"));
      return NULL;
    }

  return g_steal_pointer (&out);
}

static GArray *
get_points_locked (LodeStore        *self,
                   const char       *venue,
                   const char       *symbol,
                   LodeStoreSeries   kind,
                   gint64            start_ms,
                   gint64            end_ms,
                   GError          **error)
{
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (LodePoint));
  sqlite3_stmt *stmt;
  gint64 series_id;
  int rc;

  if (!find_series (self, venue, symbol, kind, 0, FALSE, &series_id, error))
    return NULL;

  if (series_id == 0 || start_ms >= end_ms)
    return g_steal_pointer (&out);

  stmt = get_stmt (self, STMT_POINTS_GET);
  sqlite3_bind_int64 (stmt, 1, series_id);
  sqlite3_bind_int64 (stmt, 2, start_ms);
  sqlite3_bind_int64 (stmt, 3, end_ms);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      LodePoint p = {
        .time_ms = sqlite3_column_int64 (stmt, 0),
        .value = column_double (stmt, 1),
      };

      g_array_append_val (out, p);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->db, rc, _("reading points"));
      return NULL;
    }

  return g_steal_pointer (&out);
}

static GArray *
get_missing_ranges_locked (LodeStore        *self,
                           const char       *venue,
                           const char       *symbol,
                           LodeStoreSeries   kind,
                           gint64            interval_ms,
                           gint64            start_ms,
                           gint64            end_ms,
                           GError          **error)
{
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (LodeStoreRange));
  sqlite3_stmt *stmt;
  gint64 series_id;
  gint64 cursor = start_ms;  /* everything before it is covered */
  int rc;

  if (start_ms >= end_ms)
    return g_steal_pointer (&out);

  if (!find_series (self, venue, symbol, kind, interval_ms, FALSE, &series_id, error))
    return NULL;

  if (series_id != 0)
    {
      stmt = get_stmt (self, kind == LODE_STORE_SERIES_CANDLES ? STMT_CANDLE_TIMES
                                                               : STMT_POINT_TIMES);
      sqlite3_bind_int64 (stmt, 1, series_id);
      /* A row that starts before the range may still cover its start. */
      sqlite3_bind_int64 (stmt, 2, add_saturated (start_ms, 1 - interval_ms));
      sqlite3_bind_int64 (stmt, 3, end_ms);

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 t = sqlite3_column_int64 (stmt, 0);

          if (t > cursor)
            {
              LodeStoreRange gap = { cursor, t };

              g_array_append_val (out, gap);
            }
          cursor = MAX (cursor, add_saturated (t, interval_ms));
        }
      sqlite3_reset (stmt);

      if (rc != SQLITE_DONE)
        {
          set_sqlite_error (error, self->db, rc, _("reading the stored times"));
          return NULL;
        }
    }

  if (cursor < end_ms)
    {
      LodeStoreRange gap = { cursor, end_ms };

      g_array_append_val (out, gap);
    }

  return g_steal_pointer (&out);
}

static gboolean
get_extent_locked (LodeStore        *self,
                   const char       *venue,
                   const char       *symbol,
                   LodeStoreSeries   kind,
                   gint64            interval_ms,
                   LodeStoreExtent  *extent,
                   GError          **error)
{
  sqlite3_stmt *stmt;
  gint64 series_id;
  int rc;

  *extent = (LodeStoreExtent) { 0, 0, 0 };

  if (!find_series (self, venue, symbol, kind, interval_ms, FALSE, &series_id, error))
    return FALSE;

  if (series_id == 0)
    return TRUE;

  stmt = get_stmt (self, kind == LODE_STORE_SERIES_CANDLES ? STMT_CANDLE_EXTENT
                                                           : STMT_POINT_EXTENT);
  sqlite3_bind_int64 (stmt, 1, series_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      extent->count = sqlite3_column_int64 (stmt, 0);
      if (extent->count > 0)
        {
          extent->first_ms = sqlite3_column_int64 (stmt, 1);
          extent->last_ms = sqlite3_column_int64 (stmt, 2);
        }
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (error, self->db, rc, _("reading the stored times"));
      return FALSE;
    }

  return TRUE;
}

static gint64
get_size_locked (LodeStore  *self,
                 GError    **error)
{
  gint64 page_count = 0;
  gint64 page_size = 0;
  int rc;

  if ((rc = query_one (self->db, "PRAGMA page_count", NULL, &page_count)) != SQLITE_OK ||
      (rc = query_one (self->db, "PRAGMA page_size", NULL, &page_size)) != SQLITE_OK)
    {
      set_sqlite_error (error, self->db, rc, _("reading the size"));
      return -1;
    }

  return page_count * page_size;
}

static gboolean
prune_locked (LodeStore  *self,
              guint64     max_bytes,
              GError    **error)
{
  gint64 size = get_size_locked (self, error);
  guint64 target = max_bytes - max_bytes / 10;
  gboolean pruned = FALSE;
  int rc;

  if (size < 0)
    return FALSE;

  /* Each round deletes the oldest rows, as many as the share of the size
   * that is over the target. Rows are not all the same size, so a round
   * may fall short; the next one corrects it. */
  for (guint round = 0; (guint64) size > max_bytes && round < 64; round++)
    {
      g_autofree char *delete_sql = NULL;
      sqlite3_stmt *stmt = NULL;
      gint64 n_rows = 0;
      gint64 n_delete;
      gint64 cutoff = 0;

      rc = query_one (self->db,
                      "SELECT (SELECT count(*) FROM candles) + (SELECT count(*) FROM points)"
                      " + (SELECT count(*) FROM prints)",
                      NULL, &n_rows);
      if (rc != SQLITE_OK)
        {
          set_sqlite_error (error, self->db, rc, _("pruning"));
          return FALSE;
        }
      if (n_rows == 0)
        break;

      n_delete = (gint64) ceil ((double) n_rows * ((double) size - (double) target) / (double) size);
      n_delete = CLAMP (n_delete, 1, n_rows);

      /* A merge of the time indexes: reads n_delete entries, no sort. */
      rc = sqlite3_prepare_v2 (self->db,
                               "SELECT time_ms FROM"
                               " (SELECT time_ms FROM candles UNION ALL SELECT time_ms FROM points"
                               "  UNION ALL SELECT time_ms FROM prints)"
                               " ORDER BY time_ms LIMIT 1 OFFSET ?1",
                               -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        {
          sqlite3_bind_int64 (stmt, 1, n_delete - 1);
          rc = sqlite3_step (stmt);
          if (rc == SQLITE_ROW)
            {
              cutoff = sqlite3_column_int64 (stmt, 0);
              rc = SQLITE_OK;
            }
        }
      /* Report the step's error, not the finalize's. */
      if (rc == SQLITE_OK)
        rc = sqlite3_finalize (stmt);
      else
        sqlite3_finalize (stmt);
      if (rc != SQLITE_OK)
        {
          set_sqlite_error (error, self->db, rc, _("pruning"));
          return FALSE;
        }

      delete_sql = g_strdup_printf ("DELETE FROM candles WHERE time_ms <= %" G_GINT64_FORMAT ";"
                                    "DELETE FROM points WHERE time_ms <= %" G_GINT64_FORMAT ";"
                                    "DELETE FROM prints WHERE time_ms <= %" G_GINT64_FORMAT ";",
                                    cutoff, cutoff, cutoff);
      if (!begin_write (self, error))
        return FALSE;
      if (!exec (self->db, delete_sql, _("pruning"), error))
        {
          rollback_write (self);
          return FALSE;
        }
      if (!commit_write (self, error))
        return FALSE;

      /* Freed pages go back to the file system only now. */
      if (!exec (self->db, "PRAGMA incremental_vacuum", _("pruning"), error))
        return FALSE;

      pruned = TRUE;
      size = get_size_locked (self, error);
      if (size < 0)
        return FALSE;
    }

  /* Shrink the files on disk too: copy the WAL back and truncate it. */
  if (pruned)
    sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);

  return TRUE;
}

static gboolean
save_and_bound_locked (LodeStore         *self,
                       const char        *venue,
                       const char        *symbol,
                       gint64             interval_ms,
                       const LodeCandle  *candles,
                       gsize              n_candles,
                       const LodePoint   *oi,
                       gsize              n_oi,
                       const LodePoint   *ratio,
                       gsize              n_ratio,
                       GError           **error)
{
  guint64 max_bytes = self->max_bytes;
  g_autoptr(GError) prune_error = NULL;
  gint64 size;

  if (!save_locked (self, venue, symbol, interval_ms, candles, n_candles,
                    oi, n_oi, ratio, n_ratio, error))
    return FALSE;

  if (max_bytes == 0)
    return TRUE;

  /* The data is committed: a failure to prune is not the caller's. */
  size = get_size_locked (self, &prune_error);
  if (size >= 0 && (guint64) size > max_bytes)
    prune_locked (self, max_bytes, &prune_error);
  if (prune_error != NULL)
    g_message ("History store %s: %s", self->path, prune_error->message);

  return TRUE;
}

static gboolean
print_is_storable (const LodeLiqPrint *print)
{
  return print->venue[0] != '\0' && print->symbol[0] != '\0'
         && (print->side == LODE_SIDE_LONG || print->side == LODE_SIDE_SHORT)
         && isfinite (print->price) && isfinite (print->quantity_base)
         && isfinite (print->notional_usd);
}

static gboolean
put_prints_locked (LodeStore           *self,
                   const LodeLiqPrint  *prints,
                   gsize                n,
                   GError             **error)
{
  if (n == 0)
    return TRUE;

  if (!begin_write (self, error))
    return FALSE;

  for (gsize i = 0; i < n; i++)
    {
      const LodeLiqPrint *p = &prints[i];
      sqlite3_stmt *stmt;
      int rc;

      if (!print_is_storable (p))
        continue;

      stmt = get_stmt (self, STMT_PRINT_PUT);
      /* The fields are NUL-terminated within their arrays. */
      sqlite3_bind_text (stmt, 1, p->symbol, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, p->time_ms);
      sqlite3_bind_text (stmt, 3, p->venue, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 4, p->side);
      sqlite3_bind_double (stmt, 5, p->price);
      sqlite3_bind_double (stmt, 6, p->quantity_base);
      sqlite3_bind_double (stmt, 7, p->notional_usd);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);

      if (rc != SQLITE_DONE)
        {
          set_sqlite_error (error, self->db, rc, _("writing liquidation prints"));
          rollback_write (self);
          return FALSE;
        }
    }

  return commit_write (self, error);
}

/* As save_and_bound_locked(): the prints, then pruning when over the
 * bound (whose failure is not the caller's: the prints are committed). */
static gboolean
put_prints_and_bound_locked (LodeStore           *self,
                             const LodeLiqPrint  *prints,
                             gsize                n,
                             GError             **error)
{
  g_autoptr(GError) prune_error = NULL;
  gint64 size;

  if (!put_prints_locked (self, prints, n, error))
    return FALSE;

  if (self->max_bytes == 0 || n == 0)
    return TRUE;

  size = get_size_locked (self, &prune_error);
  if (size >= 0 && (guint64) size > self->max_bytes)
    prune_locked (self, self->max_bytes, &prune_error);
  if (prune_error != NULL)
    g_message ("History store %s: %s", self->path, prune_error->message);

  return TRUE;
}

static GArray *
get_prints_locked (LodeStore   *self,
                   const char  *venue,
                   const char  *symbol,
                   gint64       start_ms,
                   gint64       end_ms,
                   GError     **error)
{
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (LodeLiqPrint));
  sqlite3_stmt *stmt;
  int rc;

  if (start_ms >= end_ms)
    return g_steal_pointer (&out);

  stmt = get_stmt (self, venue != NULL ? STMT_PRINTS_GET : STMT_PRINTS_GET_ALL_VENUES);
  sqlite3_bind_text (stmt, 1, symbol, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, start_ms);
  sqlite3_bind_int64 (stmt, 3, end_ms);
  if (venue != NULL)
    sqlite3_bind_text (stmt, 4, venue, -1, SQLITE_STATIC);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      LodeLiqPrint p;
      int side = sqlite3_column_int (stmt, 3);

      lode_liq_print_init (&p, sqlite3_column_int64 (stmt, 0),
                           (const char *) sqlite3_column_text (stmt, 1),
                           (const char *) sqlite3_column_text (stmt, 2),
                           side == LODE_SIDE_SHORT ? LODE_SIDE_SHORT : LODE_SIDE_LONG,
                           sqlite3_column_double (stmt, 4),
                           sqlite3_column_double (stmt, 5),
                           sqlite3_column_double (stmt, 6));
      g_array_append_val (out, p);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->db, rc, _("reading liquidation prints"));
      return NULL;
    }

  return g_steal_pointer (&out);
}

static void
lode_store_finalize (GObject *object)
{
  LodeStore *self = (LodeStore *) object;

  /* Every queued job holds a reference, so the worker is idle (or is the
   * thread dropping the last reference): do not wait for it. */
  g_thread_pool_free (self->worker, FALSE, FALSE);

  for (guint i = 0; i < N_STMTS; i++)
    sqlite3_finalize (self->stmts[i]);
  /* Closing the last connection checkpoints the WAL and deletes it. */
  sqlite3_close_v2 (self->db);

  g_mutex_clear (&self->mutex);
  g_free (self->path);
  g_free (self->recovery_notice);
  g_free (self->recovered_path);

  G_OBJECT_CLASS (lode_store_parent_class)->finalize (object);
}

static void
lode_store_class_init (LodeStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lode_store_finalize;
}

static void run_job (gpointer data,
                     gpointer user_data);

static void
lode_store_init (LodeStore *self)
{
  g_mutex_init (&self->mutex);
  self->max_bytes = LODE_STORE_DEFAULT_MAX_BYTES;
  /* One thread at most, shared with GLib's pool of idle threads. */
  self->worker = g_thread_pool_new (run_job, NULL, 1, FALSE, NULL);
}

/* Public API */

char *
lode_store_get_default_path (void)
{
  return g_build_filename (g_get_user_cache_dir (), "lodestone", "history.sqlite3", NULL);
}

LodeStore *
lode_store_open_full (const char  *path,
                      guint        busy_timeout_ms,
                      GError     **error)
{
  g_autoptr(LodeStore) self = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *recovered_path = NULL;
  g_autofree char *notice = NULL;
  sqlite3 *db = NULL;
  OpenStatus status;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_STORE,
                   _("History store: could not create the folder %s: %s"),
                   dir, g_strerror (saved_errno));
      return NULL;
    }

  status = try_open (path, busy_timeout_ms, &db, &local_error);

  if (status == OPEN_DAMAGED || status == OPEN_LOCKED)
    {
      g_message ("History store %s: %s; moving it aside", path, local_error->message);

      recovered_path = move_aside (path, error);
      if (recovered_path == NULL)
        return NULL;

      if (status == OPEN_DAMAGED)
        notice = g_strdup_printf (_("The history database was damaged. It was moved to “%s” and a new one was started."),
                                  recovered_path);
      else
        notice = g_strdup_printf (_("The history database was locked by another program. It was moved to “%s” and a new one was started."),
                                  recovered_path);

      g_clear_error (&local_error);
      status = try_open (path, busy_timeout_ms, &db, &local_error);
    }

  if (status != OPEN_OK)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  self = g_object_new (LODE_TYPE_STORE, NULL);
  self->db = db;
  self->path = g_strdup (path);
  self->recovered_path = g_steal_pointer (&recovered_path);
  self->recovery_notice = g_steal_pointer (&notice);

  for (guint i = 0; i < N_STMTS; i++)
    {
      int rc = sqlite3_prepare_v3 (db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                   &self->stmts[i], NULL);

      if (rc != SQLITE_OK)
        {
          set_sqlite_error (error, db, rc, _("preparing statements"));
          return NULL;
        }
    }

  return g_steal_pointer (&self);
}

LodeStore *
lode_store_open (const char  *path,
                 GError     **error)
{
  return lode_store_open_full (path, LODE_STORE_DEFAULT_BUSY_TIMEOUT_MS, error);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  LodeStore *store = lode_store_open (task_data, &error);

  if (store == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, store, g_object_unref);
}

void
lode_store_open_async (const char          *path,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lode_store_open_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, open_thread);
}

LodeStore *
lode_store_open_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lode_store_open_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
lode_store_get_path (LodeStore *self)
{
  g_return_val_if_fail (LODE_IS_STORE (self), NULL);

  return self->path;
}

const char *
lode_store_get_recovery_notice (LodeStore *self)
{
  g_return_val_if_fail (LODE_IS_STORE (self), NULL);

  return self->recovery_notice;
}

const char *
lode_store_get_recovered_path (LodeStore *self)
{
  g_return_val_if_fail (LODE_IS_STORE (self), NULL);

  return self->recovered_path;
}

void
lode_store_set_max_bytes (LodeStore *self,
                          guint64    max_bytes)
{
  g_return_if_fail (LODE_IS_STORE (self));

  g_mutex_lock (&self->mutex);
  self->max_bytes = max_bytes;
  g_mutex_unlock (&self->mutex);
}

guint64
lode_store_get_max_bytes (LodeStore *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (LODE_IS_STORE (self), 0);

  locker = g_mutex_locker_new (&self->mutex);

  return self->max_bytes;
}

gboolean
lode_store_put_candles (LodeStore         *self,
                        const char        *venue,
                        const char        *symbol,
                        gint64             interval_ms,
                        const LodeCandle  *candles,
                        gsize              n,
                        GError           **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (LODE_IS_STORE (self), FALSE);
  g_return_val_if_fail (venue != NULL && symbol != NULL, FALSE);
  g_return_val_if_fail (interval_ms > 0, FALSE);
  g_return_val_if_fail (candles != NULL || n == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);

  return save_locked (self, venue, symbol, interval_ms, candles, n, NULL, 0, NULL, 0, error);
}

gboolean
lode_store_put_points (LodeStore        *self,
                       const char       *venue,
                       const char       *symbol,
                       LodeStoreSeries   kind,
                       const LodePoint  *points,
                       gsize             n,
                       GError          **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (LODE_IS_STORE (self), FALSE);
  g_return_val_if_fail (venue != NULL && symbol != NULL, FALSE);
  g_return_val_if_fail (kind == LODE_STORE_SERIES_OI || kind == LODE_STORE_SERIES_RATIO, FALSE);
  g_return_val_if_fail (points != NULL || n == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);

  return put_points_locked (self, venue, symbol, kind, points, n, error);
}

gboolean
lode_store_record_point (LodeStore        *self,
                         const char       *venue,
                         const char       *symbol,
                         LodeStoreSeries   kind,
                         gint64            time_ms,
                         double            value,
                         GError          **error)
{
  LodePoint point = { time_ms, value };

  return lode_store_put_points (self, venue, symbol, kind, &point, 1, error);
}

GArray *
lode_store_get_candles (LodeStore   *self,
                        const char  *venue,
                        const char  *symbol,
                        gint64       interval_ms,
                        gint64       start_ms,
                        gint64       end_ms,
                        GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (LODE_IS_STORE (self), NULL);
  g_return_val_if_fail (venue != NULL && symbol != NULL, NULL);
  g_return_val_if_fail (interval_ms > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);

  return get_candles_locked (self, venue, symbol, interval_ms, start_ms, end_ms, error);
}

GArray *
lode_store_get_points (LodeStore        *self,
                       const char       *venue,
                       const char       *symbol,
                       LodeStoreSeries   kind,
                       gint64            start_ms,
                       gint64            end_ms,
                       GError          **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (LODE_IS_STORE (self), NULL);
  g_return_val_if_fail (venue != NULL && symbol != NULL, NULL);
  g_return_val_if_fail (kind == LODE_STORE_SERIES_OI || kind == LODE_STORE_SERIES_RATIO, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);

  return get_points_locked (self, venue, symbol, kind, start_ms, end_ms, error);
}

gboolean
lode_store_get_extent (LodeStore        *self,
                       const char       *venue,
                       const char       *symbol,
                       LodeStoreSeries   kind,
                       gint64            interval_ms,
                       LodeStoreExtent  *extent,
                       GError          **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (LODE_IS_STORE (self), FALSE);
  g_return_val_if_fail (venue != NULL && symbol != NULL, FALSE);
  g_return_val_if_fail (kind != LODE_STORE_SERIES_CANDLES || interval_ms > 0, FALSE);
  g_return_val_if_fail (extent != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);

  return get_extent_locked (self, venue, symbol, kind, interval_ms, extent, error);
}

GArray *
lode_store_get_missing_ranges (LodeStore        *self,
                               const char       *venue,
                               const char       *symbol,
                               LodeStoreSeries   kind,
                               gint64            interval_ms,
                               gint64            start_ms,
                               gint64            end_ms,
                               GError          **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (LODE_IS_STORE (self), NULL);
  g_return_val_if_fail (venue != NULL && symbol != NULL, NULL);
  g_return_val_if_fail (interval_ms > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);

  return get_missing_ranges_locked (self, venue, symbol, kind, interval_ms,
                                    start_ms, end_ms, error);
}

gint64
lode_store_get_size (LodeStore  *self,
                     GError    **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (LODE_IS_STORE (self), -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  locker = g_mutex_locker_new (&self->mutex);

  return get_size_locked (self, error);
}

gboolean
lode_store_prune (LodeStore  *self,
                  guint64     max_bytes,
                  GError    **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (LODE_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);

  return prune_locked (self, max_bytes, error);
}

gboolean
lode_store_put_prints (LodeStore           *self,
                       const LodeLiqPrint  *prints,
                       gsize                n,
                       GError             **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (LODE_IS_STORE (self), FALSE);
  g_return_val_if_fail (prints != NULL || n == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);

  return put_prints_and_bound_locked (self, prints, n, error);
}

GArray *
lode_store_get_prints (LodeStore   *self,
                       const char  *venue,
                       const char  *symbol,
                       gint64       start_ms,
                       gint64       end_ms,
                       GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (LODE_IS_STORE (self), NULL);
  g_return_val_if_fail (symbol != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);

  return get_prints_locked (self, venue, symbol, start_ms, end_ms, error);
}

static LodeStoreSlice *
load_locked (LodeStore   *self,
             const char  *venue,
             const char  *symbol,
             gint64       interval_ms,
             gint64       start_ms,
             gint64       end_ms,
             GError     **error)
{
  g_autoptr(LodeStoreSlice) slice = g_new0 (LodeStoreSlice, 1);

  /* One read transaction, so that the four parts agree with each other. */
  if (!exec (self->db, "BEGIN", _("starting a transaction"), error))
    return NULL;

  if ((slice->candles = get_candles_locked (self, venue, symbol, interval_ms,
                                            start_ms, end_ms, error)) == NULL ||
      (slice->oi = get_points_locked (self, venue, symbol, LODE_STORE_SERIES_OI,
                                      start_ms, end_ms, error)) == NULL ||
      (slice->ratio = get_points_locked (self, venue, symbol, LODE_STORE_SERIES_RATIO,
                                         start_ms, end_ms, error)) == NULL ||
      (slice->missing = get_missing_ranges_locked (self, venue, symbol,
                                                   LODE_STORE_SERIES_CANDLES, interval_ms,
                                                   start_ms, end_ms, error)) == NULL)
    {
      rollback_write (self);
      return NULL;
    }

  sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);

  return g_steal_pointer (&slice);
}

LodeStoreSlice *
lode_store_load (LodeStore   *self,
                 const char  *venue,
                 const char  *symbol,
                 gint64       interval_ms,
                 gint64       start_ms,
                 gint64       end_ms,
                 GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (LODE_IS_STORE (self), NULL);
  g_return_val_if_fail (venue != NULL && symbol != NULL, NULL);
  g_return_val_if_fail (interval_ms > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);

  return load_locked (self, venue, symbol, interval_ms, start_ms, end_ms, error);
}

gboolean
lode_store_save (LodeStore         *self,
                 const char        *venue,
                 const char        *symbol,
                 gint64             interval_ms,
                 const LodeCandle  *candles,
                 gsize              n_candles,
                 const LodePoint   *oi,
                 gsize              n_oi,
                 const LodePoint   *ratio,
                 gsize              n_ratio,
                 GError           **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (LODE_IS_STORE (self), FALSE);
  g_return_val_if_fail (venue != NULL && symbol != NULL, FALSE);
  g_return_val_if_fail (interval_ms > 0, FALSE);
  g_return_val_if_fail (candles != NULL || n_candles == 0, FALSE);
  g_return_val_if_fail (oi != NULL || n_oi == 0, FALSE);
  g_return_val_if_fail (ratio != NULL || n_ratio == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);

  return save_and_bound_locked (self, venue, symbol, interval_ms, candles, n_candles,
                                oi, n_oi, ratio, n_ratio, error);
}

void
lode_store_slice_free (LodeStoreSlice *slice)
{
  if (slice == NULL)
    return;

  g_clear_pointer (&slice->candles, g_array_unref);
  g_clear_pointer (&slice->oi, g_array_unref);
  g_clear_pointer (&slice->ratio, g_array_unref);
  g_clear_pointer (&slice->missing, g_array_unref);
  g_free (slice);
}

/* Async jobs: a GTask whose task data is a Job, queued on the store's
 * one-thread pool. */

typedef enum
{
  JOB_LOAD,
  JOB_SAVE,
  JOB_RECORD,
  JOB_PRUNE,
  JOB_PUT_PRINTS,
  JOB_GET_PRINTS,
} JobKind;

typedef struct
{
  JobKind          kind;
  char            *venue;
  char            *symbol;
  gint64           interval_ms;
  gint64           start_ms;
  gint64           end_ms;
  GArray          *candles;
  GArray          *oi;
  GArray          *ratio;
  LodeStoreSeries  series;
  LodePoint        point;
  guint64          max_bytes;
  GArray          *prints;  /* LodeLiqPrint */
} Job;

static void
job_free (Job *job)
{
  g_free (job->venue);
  g_free (job->symbol);
  g_clear_pointer (&job->candles, g_array_unref);
  g_clear_pointer (&job->oi, g_array_unref);
  g_clear_pointer (&job->ratio, g_array_unref);
  g_clear_pointer (&job->prints, g_array_unref);
  g_free (job);
}

static GArray *
copy_array (gconstpointer data,
            gsize         n,
            gsize         element_size)
{
  GArray *array = g_array_sized_new (FALSE, FALSE, element_size, n);

  if (n > 0)
    g_array_append_vals (array, data, n);

  return array;
}

/* Takes the reference to the GTask that queue_job() gave the pool. */
static void
run_job (gpointer data,
         gpointer user_data)
{
  g_autoptr(GTask) task = data;
  LodeStore *self = g_task_get_source_object (task);
  Job *job = g_task_get_task_data (task);
  g_autoptr(GMutexLocker) locker = NULL;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  locker = g_mutex_locker_new (&self->mutex);

  switch (job->kind)
    {
    case JOB_LOAD:
      {
        LodeStoreSlice *slice = load_locked (self, job->venue, job->symbol, job->interval_ms,
                                             job->start_ms, job->end_ms, &error);

        g_clear_pointer (&locker, g_mutex_locker_free);
        if (slice == NULL)
          g_task_return_error (task, error);
        else
          g_task_return_pointer (task, slice, (GDestroyNotify) lode_store_slice_free);
      }
      break;

    case JOB_SAVE:
      {
        gboolean ok = save_and_bound_locked (self, job->venue, job->symbol, job->interval_ms,
                                             (const LodeCandle *) job->candles->data,
                                             job->candles->len,
                                             (const LodePoint *) job->oi->data, job->oi->len,
                                             (const LodePoint *) job->ratio->data,
                                             job->ratio->len, &error);

        g_clear_pointer (&locker, g_mutex_locker_free);
        if (!ok)
          g_task_return_error (task, error);
        else
          g_task_return_boolean (task, TRUE);
      }
      break;

    case JOB_RECORD:
      {
        gboolean ok = put_points_locked (self, job->venue, job->symbol, job->series,
                                         &job->point, 1, &error);

        g_clear_pointer (&locker, g_mutex_locker_free);
        if (!ok)
          g_task_return_error (task, error);
        else
          g_task_return_boolean (task, TRUE);
      }
      break;

    case JOB_PRUNE:
      {
        gboolean ok = prune_locked (self, job->max_bytes, &error);

        g_clear_pointer (&locker, g_mutex_locker_free);
        if (!ok)
          g_task_return_error (task, error);
        else
          g_task_return_boolean (task, TRUE);
      }
      break;

    case JOB_PUT_PRINTS:
      {
        gboolean ok = put_prints_and_bound_locked (self, (const LodeLiqPrint *) job->prints->data,
                                                   job->prints->len, &error);

        g_clear_pointer (&locker, g_mutex_locker_free);
        if (!ok)
          g_task_return_error (task, error);
        else
          g_task_return_boolean (task, TRUE);
      }
      break;

    case JOB_GET_PRINTS:
      {
        GArray *prints = get_prints_locked (self, job->venue, job->symbol,
                                            job->start_ms, job->end_ms, &error);

        g_clear_pointer (&locker, g_mutex_locker_free);
        if (prints == NULL)
          g_task_return_error (task, error);
        else
          g_task_return_pointer (task, prints, (GDestroyNotify) g_array_unref);
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
queue_job (LodeStore           *self,
           Job                 *job,
           gpointer             source_tag,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  /* Cannot fail: the pool is not exclusive. */
  g_thread_pool_push (self->worker, task, NULL);
}

void
lode_store_load_async (LodeStore           *self,
                       const char          *venue,
                       const char          *symbol,
                       gint64               interval_ms,
                       gint64               start_ms,
                       gint64               end_ms,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  Job *job;

  g_return_if_fail (LODE_IS_STORE (self));
  g_return_if_fail (venue != NULL && symbol != NULL);
  g_return_if_fail (interval_ms > 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  job = g_new0 (Job, 1);
  job->kind = JOB_LOAD;
  job->venue = g_strdup (venue);
  job->symbol = g_strdup (symbol);
  job->interval_ms = interval_ms;
  job->start_ms = start_ms;
  job->end_ms = end_ms;

  queue_job (self, job, lode_store_load_async, cancellable, callback, user_data);
}

LodeStoreSlice *
lode_store_load_finish (LodeStore     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (LODE_IS_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lode_store_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
lode_store_save_async (LodeStore           *self,
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
                       gpointer             user_data)
{
  Job *job;

  g_return_if_fail (LODE_IS_STORE (self));
  g_return_if_fail (venue != NULL && symbol != NULL);
  g_return_if_fail (interval_ms > 0);
  g_return_if_fail (candles != NULL || n_candles == 0);
  g_return_if_fail (oi != NULL || n_oi == 0);
  g_return_if_fail (ratio != NULL || n_ratio == 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  job = g_new0 (Job, 1);
  job->kind = JOB_SAVE;
  job->venue = g_strdup (venue);
  job->symbol = g_strdup (symbol);
  job->interval_ms = interval_ms;
  job->candles = copy_array (candles, n_candles, sizeof (LodeCandle));
  job->oi = copy_array (oi, n_oi, sizeof (LodePoint));
  job->ratio = copy_array (ratio, n_ratio, sizeof (LodePoint));

  queue_job (self, job, lode_store_save_async, cancellable, callback, user_data);
}

gboolean
lode_store_save_finish (LodeStore     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (LODE_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lode_store_save_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
lode_store_record_point_async (LodeStore           *self,
                               const char          *venue,
                               const char          *symbol,
                               LodeStoreSeries      kind,
                               gint64               time_ms,
                               double               value,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  Job *job;

  g_return_if_fail (LODE_IS_STORE (self));
  g_return_if_fail (venue != NULL && symbol != NULL);
  g_return_if_fail (kind == LODE_STORE_SERIES_OI || kind == LODE_STORE_SERIES_RATIO);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  job = g_new0 (Job, 1);
  job->kind = JOB_RECORD;
  job->venue = g_strdup (venue);
  job->symbol = g_strdup (symbol);
  job->series = kind;
  job->point = (LodePoint) { time_ms, value };

  queue_job (self, job, lode_store_record_point_async, cancellable, callback, user_data);
}

gboolean
lode_store_record_point_finish (LodeStore     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (LODE_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lode_store_record_point_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
lode_store_prune_async (LodeStore           *self,
                        guint64              max_bytes,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  Job *job;

  g_return_if_fail (LODE_IS_STORE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  job = g_new0 (Job, 1);
  job->kind = JOB_PRUNE;
  job->max_bytes = max_bytes;

  queue_job (self, job, lode_store_prune_async, cancellable, callback, user_data);
}

gboolean
lode_store_prune_finish (LodeStore     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (LODE_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lode_store_prune_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
lode_store_put_prints_async (LodeStore           *self,
                             const LodeLiqPrint  *prints,
                             gsize                n,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  Job *job;

  g_return_if_fail (LODE_IS_STORE (self));
  g_return_if_fail (prints != NULL || n == 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  job = g_new0 (Job, 1);
  job->kind = JOB_PUT_PRINTS;
  job->prints = copy_array (prints, n, sizeof (LodeLiqPrint));

  queue_job (self, job, lode_store_put_prints_async, cancellable, callback, user_data);
}

gboolean
lode_store_put_prints_finish (LodeStore     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (LODE_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lode_store_put_prints_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
lode_store_get_prints_async (LodeStore           *self,
                             const char          *venue,
                             const char          *symbol,
                             gint64               start_ms,
                             gint64               end_ms,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  Job *job;

  g_return_if_fail (LODE_IS_STORE (self));
  g_return_if_fail (symbol != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  job = g_new0 (Job, 1);
  job->kind = JOB_GET_PRINTS;
  job->venue = g_strdup (venue);
  job->symbol = g_strdup (symbol);
  job->start_ms = start_ms;
  job->end_ms = end_ms;

  queue_job (self, job, lode_store_get_prints_async, cancellable, callback, user_data);
}

GArray *
lode_store_get_prints_finish (LodeStore     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (LODE_IS_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lode_store_get_prints_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
