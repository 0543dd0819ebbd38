/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lode-file-source.h"

typedef enum
{
  COL_TIME,
  COL_OPEN,
  COL_HIGH,
  COL_LOW,
  COL_CLOSE,
  COL_VOLUME,
  COL_OI_USD,
  COL_LONG_SHARE,
  N_COLUMNS
} Column;

/* Every column before COL_LONG_SHARE is required. */
#define N_REQUIRED_COLUMNS COL_LONG_SHARE

static const char * const column_names[N_COLUMNS] = {
  [COL_TIME] = "time",
  [COL_OPEN] = "open",
  [COL_HIGH] = "high",
  [COL_LOW] = "low",
  [COL_CLOSE] = "close",
  [COL_VOLUME] = "volume",
  [COL_OI_USD] = "oi_usd",
  [COL_LONG_SHARE] = "long_share",
};

/* Below this magnitude a numeric time is in seconds: 1e11 s is the year
 * 5138, 1e11 ms is March 1973. */
#define SECONDS_LIMIT 1e11

typedef struct
{
  const char *pos;
  const char *end;
  guint       line;   /* number of the line last returned, 1-based */
} LineReader;

/* Returns the next line without its line end (LF or CRLF). */
static gboolean
line_reader_next (LineReader  *reader,
                  const char **line,
                  gsize       *len)
{
  const char *nl;
  gsize n;

  if (reader->pos >= reader->end)
    return FALSE;

  nl = memchr (reader->pos, '\n', reader->end - reader->pos);
  n = (nl != NULL ? nl : reader->end) - reader->pos;
  *line = reader->pos;
  reader->pos += n + (nl != NULL ? 1 : 0);
  reader->line++;

  if (n > 0 && (*line)[n - 1] == '\r')
    n--;
  *len = n;

  return TRUE;
}

static gboolean
is_blank_line (const char *line,
               gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (line[i] != ' ' && line[i] != '\t')
      return FALSE;

  return TRUE;
}

static inline gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

/* Splits one line into NUL-terminated cells stored in @scratch; @starts
 * receives each cell's offset. Blanks around a cell are dropped. Minimal
 * RFC 4180: a cell may be enclosed in double quotes (then it may contain
 * commas, and "" stands for one quote); line breaks inside quotes are not
 * supported. Offsets, not pointers, because @scratch may move as it grows. */
static gboolean
split_cells (const char  *line,
             gsize        len,
             guint        line_no,
             GString     *scratch,
             GArray      *starts,
             GError     **error)
{
  gsize i = 0;

  g_string_truncate (scratch, 0);
  g_array_set_size (starts, 0);

  if (memchr (line, '\0', len) != NULL)
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                   "line %u: contains a NUL byte", line_no);
      return FALSE;
    }

  for (;;)
    {
      gsize start = scratch->len;

      while (i < len && is_blank (line[i]))
        i++;

      if (i < len && line[i] == '"')
        {
          for (i++; ; i++)
            {
              if (i >= len)
                {
                  g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                               "line %u: unterminated quoted cell", line_no);
                  return FALSE;
                }
              if (line[i] == '"')
                {
                  if (i + 1 < len && line[i + 1] == '"')
                    i++;
                  else
                    break;
                }
              g_string_append_c (scratch, line[i]);
            }
          for (i++; i < len && is_blank (line[i]); i++)
            ;
          if (i < len && line[i] != ',')
            {
              g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                           "line %u: text after a closing quote", line_no);
              return FALSE;
            }
        }
      else
        {
          for (; i < len && line[i] != ','; i++)
            g_string_append_c (scratch, line[i]);
          while (scratch->len > start && is_blank (scratch->str[scratch->len - 1]))
            g_string_truncate (scratch, scratch->len - 1);
        }

      g_string_append_c (scratch, '\0');
      g_array_append_val (starts, start);

      if (i >= len)
        break;
      i++;  /* the comma */
    }

  return TRUE;
}

static gboolean
parse_number (const char *cell,
              double     *value)
{
  char *end = NULL;

  if (*cell == '\0')
    return FALSE;

  *value = g_ascii_strtod (cell, &end);

  return end != cell && *end == '\0';
}

/* ms since the epoch, seconds since the epoch, or ISO 8601 (UTC if the
 * text names no zone; a date alone is midnight). */
static gboolean
parse_time (const char *cell,
            GTimeZone  *utc,
            gint64     *time_ms)
{
  g_autoptr(GDateTime) dt = NULL;
  char *end = NULL;
  gint64 integer;
  double number;

  if (*cell == '\0')
    return FALSE;

  errno = 0;
  integer = g_ascii_strtoll (cell, &end, 10);
  if (end != cell && *end == '\0' && errno == 0)
    {
      if (integer > -SECONDS_LIMIT && integer < SECONDS_LIMIT)
        integer *= 1000;
      *time_ms = integer;
      return TRUE;
    }

  if (parse_number (cell, &number) && isfinite (number))
    {
      if (fabs (number) < SECONDS_LIMIT)
        number *= 1000.0;
      if (fabs (number) >= 9.0e18)
        return FALSE;
      *time_ms = (gint64) llround (number);
      return TRUE;
    }

  /* A bare date (daily candles) is midnight UTC. */
  if (strlen (cell) == 10 && cell[4] == '-' && cell[7] == '-')
    {
      g_autofree char *midnight = g_strconcat (cell, "T00:00:00Z", NULL);

      dt = g_date_time_new_from_iso8601 (midnight, utc);
    }
  else
    dt = g_date_time_new_from_iso8601 (cell, utc);
  if (dt == NULL)
    return FALSE;

  *time_ms = g_date_time_to_unix (dt) * 1000 + g_date_time_get_microsecond (dt) / 1000;

  return TRUE;
}

/* Maps the header's cells to columns; @index[c] is the cell of column c,
 * or -1 for a missing optional column. */
static gboolean
parse_header (const GString  *scratch,
              const GArray   *starts,
              guint           line_no,
              int             index[N_COLUMNS],
              GError        **error)
{
  g_autoptr(GString) missing = NULL;
  gboolean any_known = FALSE;

  for (guint c = 0; c < N_COLUMNS; c++)
    index[c] = -1;

  for (guint k = 0; k < starts->len; k++)
    {
      const char *name = scratch->str + g_array_index (starts, gsize, k);

      for (guint c = 0; c < N_COLUMNS; c++)
        {
          if (g_ascii_strcasecmp (name, column_names[c]) != 0)
            continue;

          if (index[c] >= 0)
            {
              g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                           "line %u: column “%s” appears twice",
                           line_no, column_names[c]);
              return FALSE;
            }
          index[c] = (int) k;
          any_known = TRUE;
        }
    }

  if (!any_known)
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                   "line %u: missing header; the first line must name the columns "
                   "(time,open,high,low,close,volume,oi_usd[,long_share])",
                   line_no);
      return FALSE;
    }

  for (guint c = 0; c < N_REQUIRED_COLUMNS; c++)
    {
      if (index[c] >= 0)
        continue;
      if (missing == NULL)
        missing = g_string_new (NULL);
      else
        g_string_append (missing, ", ");
      g_string_append (missing, column_names[c]);
    }

  if (missing != NULL)
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                   "line %u: missing column(s) %s", line_no, missing->str);
      return FALSE;
    }

  return TRUE;
}

static gboolean
parse_row (const GString  *scratch,
           const GArray   *starts,
           const int       index[N_COLUMNS],
           guint           line_no,
           GTimeZone      *utc,
           LodeCandle     *candle,
           GError        **error)
{
  double values[N_COLUMNS];
  const char *cell;

  cell = scratch->str + g_array_index (starts, gsize, index[COL_TIME]);
  if (!parse_time (cell, utc, &candle->time_ms))
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                   "line %u: time: “%s” is not ms or seconds since the epoch "
                   "nor an ISO 8601 date and time", line_no, cell);
      return FALSE;
    }

  for (guint c = COL_OPEN; c < N_COLUMNS; c++)
    {
      if (index[c] < 0)
        {
          values[c] = 0.5;  /* only long_share may be missing: §1 unknown λ */
          continue;
        }

      cell = scratch->str + g_array_index (starts, gsize, index[c]);

      /* §1: unknown OI is NaN, unknown λ is 0.5. */
      if ((c == COL_OI_USD || c == COL_LONG_SHARE) &&
          (*cell == '\0' || g_ascii_strcasecmp (cell, "nan") == 0))
        {
          values[c] = c == COL_OI_USD ? NAN : 0.5;
          continue;
        }

      if (!parse_number (cell, &values[c]))
        {
          g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                       "line %u: %s: “%s” is not a number",
                       line_no, column_names[c], cell);
          return FALSE;
        }
      if (!isfinite (values[c]))
        {
          g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                       "line %u: %s: “%s” is not a finite number",
                       line_no, column_names[c], cell);
          return FALSE;
        }
    }

  candle->open = values[COL_OPEN];
  candle->high = values[COL_HIGH];
  candle->low = values[COL_LOW];
  candle->close = values[COL_CLOSE];
  candle->volume = values[COL_VOLUME];
  candle->oi_usd = values[COL_OI_USD];
  candle->long_share = values[COL_LONG_SHARE];

  return TRUE;
}

/* The rules of lode_market_new(), checked here as well because only the
 * importer knows the file's line numbers; lode_market_new() stays the
 * authority and validates again. */
static gboolean
check_row (const LodeCandle  *candle,
           const LodeCandle  *previous,
           guint              line_no,
           guint              previous_line_no,
           GError           **error)
{
  const char *problem = NULL;
  char buf[128];

  if (previous != NULL && candle->time_ms == previous->time_ms)
    {
      g_snprintf (buf, sizeof buf, "duplicate time %" G_GINT64_FORMAT " (also on line %u)",
                  candle->time_ms, previous_line_no);
      problem = buf;
    }
  else if (previous != NULL && candle->time_ms < previous->time_ms)
    {
      g_snprintf (buf, sizeof buf, "times not ascending (earlier than line %u)",
                  previous_line_no);
      problem = buf;
    }
  else if (!(candle->open > 0 && candle->high > 0 && candle->low > 0 && candle->close > 0))
    problem = "prices must be > 0";
  else if (candle->high < candle->low)
    problem = "high is below low";
  else if (candle->low > MIN (candle->open, candle->close))
    problem = "low is above the open or the close";
  else if (candle->high < MAX (candle->open, candle->close))
    problem = "high is below the open or the close";
  else if (candle->volume < 0)
    problem = "volume must be ≥ 0";
  else if (candle->oi_usd < 0)
    problem = "oi_usd must be ≥ 0";
  else if (candle->long_share < 0 || candle->long_share > 1)
    problem = "long_share must lie in [0, 1]";

  if (problem != NULL)
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_INVALID_SERIES,
                   "line %u: %s", line_no, problem);
      return FALSE;
    }

  return TRUE;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* The most common difference between consecutive times; the smallest one
 * on a tie. Gaps in a file (an exchange outage) do not change it. */
static gint64
infer_interval (const LodeCandle *candles,
                gsize             n)
{
  g_autofree gint64 *diffs = g_new (gint64, n - 1);
  gint64 best = 0;
  gsize best_count = 0;

  for (gsize i = 1; i < n; i++)
    diffs[i - 1] = candles[i].time_ms - candles[i - 1].time_ms;

  qsort (diffs, n - 1, sizeof *diffs, compare_gint64);

  for (gsize i = 0; i < n - 1;)
    {
      gsize j = i;

      while (j < n - 1 && diffs[j] == diffs[i])
        j++;
      if (j - i > best_count)
        {
          best = diffs[i];
          best_count = j - i;
        }
      i = j;
    }

  return best;
}

LodeMarket *
lode_file_source_load_from_data (const char  *data,
                                 gsize        len,
                                 GError     **error)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GString) scratch = g_string_sized_new (256);
  g_autoptr(GArray) starts = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GArray) candles = g_array_new (FALSE, FALSE, sizeof (LodeCandle));
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GError) local_error = NULL;
  LodeMarket *market;
  LineReader reader;
  int index[N_COLUMNS];
  guint n_header_cells = 0;
  gboolean have_header = FALSE;
  const char *line;
  gsize line_len;
  gint64 interval_ms;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      data += 3;
      len -= 3;
    }

  reader.pos = data;
  reader.end = data + len;
  reader.line = 0;

  while (line_reader_next (&reader, &line, &line_len))
    {
      LodeCandle candle;

      if (is_blank_line (line, line_len))
        continue;

      if (!split_cells (line, line_len, reader.line, scratch, starts, error))
        return NULL;

      if (!have_header)
        {
          if (!parse_header (scratch, starts, reader.line, index, error))
            return NULL;
          n_header_cells = starts->len;
          have_header = TRUE;
          continue;
        }

      if (starts->len != n_header_cells)
        {
          g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                       "line %u: %s cells: expected %u, found %u", reader.line,
                       starts->len < n_header_cells ? "too few" : "too many",
                       n_header_cells, starts->len);
          return NULL;
        }

      if (!parse_row (scratch, starts, index, reader.line, utc, &candle, error))
        return NULL;

      if (!check_row (&candle,
                      candles->len > 0 ? &g_array_index (candles, LodeCandle, candles->len - 1) : NULL,
                      reader.line,
                      lines->len > 0 ? g_array_index (lines, guint, lines->len - 1) : 0,
                      error))
        return NULL;

      g_array_append_val (candles, candle);
      g_array_append_val (lines, reader.line);
    }

  if (!have_header)
    {
      g_set_error_literal (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                           "the file is empty");
      return NULL;
    }

  if (candles->len < 2)
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                   "%s; at least two candles are needed to tell the interval",
                   candles->len == 0 ? "no candles after the header" : "only one candle");
      return NULL;
    }

  interval_ms = infer_interval ((const LodeCandle *) candles->data, candles->len);

  market = lode_market_new ((const LodeCandle *) candles->data, candles->len,
                            interval_ms, &local_error);
  if (market == NULL)
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_INVALID_SERIES,
                   "%s", local_error->message);
      return NULL;
    }

  return market;
}

LodeMarket *
lode_file_source_load (const char  *path,
                       GError     **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  LodeMarket *market;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;

  market = lode_file_source_load_from_data (contents, len, error);
  if (market == NULL)
    {
      g_autofree char *display = g_filename_display_name (path);

      g_prefix_error (error, "%s: ", display);
    }

  return market;
}

/* The shortest of %.15g and %.17g that reads back as @value: readable for
 * most prices, exact always. */
void
lode_file_source_append_number (GString *out,
                                double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (buf, sizeof buf, "%.15g", value);
  if (g_ascii_strtod (buf, NULL) != value)
    g_ascii_dtostr (buf, sizeof buf, value);
  g_string_append (out, buf);
}

/* Writes @time_ms so that parse_time () reads it back: in ms, except
 * below SECONDS_LIMIT (before March 1973), where a bare number is read as
 * seconds, so it is written as exact decimal seconds. */
static void
append_time (GString *out,
             gint64   time_ms)
{
  guint64 magnitude;

  if (time_ms <= -SECONDS_LIMIT || time_ms >= SECONDS_LIMIT)
    {
      g_string_append_printf (out, "%" G_GINT64_FORMAT, time_ms);
      return;
    }

  magnitude = time_ms < 0 ? (guint64) -time_ms : (guint64) time_ms;
  g_string_append_printf (out, "%s%" G_GUINT64_FORMAT ".%03u",
                          time_ms < 0 ? "-" : "",
                          magnitude / 1000, (guint) (magnitude % 1000));
}

char *
lode_file_source_to_string (const LodeMarket *market)
{
  const LodeCandle *candles;
  GString *out;
  gsize n;

  g_return_val_if_fail (market != NULL, NULL);

  candles = lode_market_get_candles (market);
  n = lode_market_get_n_candles (market);
  out = g_string_sized_new (64 + n * 96);

  g_string_append (out, "time,open,high,low,close,volume,oi_usd,long_share\n");

  for (gsize i = 0; i < n; i++)
    {
      const LodeCandle *c = &candles[i];

      append_time (out, c->time_ms);
      g_string_append_c (out, ',');
      lode_file_source_append_number (out, c->open);
      g_string_append_c (out, ',');
      lode_file_source_append_number (out, c->high);
      g_string_append_c (out, ',');
      lode_file_source_append_number (out, c->low);
      g_string_append_c (out, ',');
      lode_file_source_append_number (out, c->close);
      g_string_append_c (out, ',');
      lode_file_source_append_number (out, c->volume);
      g_string_append_c (out, ',');
      if (!isnan (c->oi_usd))
        lode_file_source_append_number (out, c->oi_usd);
      g_string_append_c (out, ',');
      lode_file_source_append_number (out, c->long_share);
      g_string_append_c (out, '\n');
    }

  return g_string_free (out, FALSE);
}

gboolean
lode_file_source_save (const LodeMarket  *market,
                       const char        *path,
                       GError           **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (market != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  text = lode_file_source_to_string (market);

  return g_file_set_contents (path, text, -1, error);
}
