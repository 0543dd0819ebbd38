/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lode-market.h"
#include "lode-source-error.h"

G_BEGIN_DECLS

/* CSV import and export of an aligned market series.
 *
 * Format: a header line, then one candle per line. Columns are found by
 * header name, in any order (case-insensitive, surrounding blanks and
 * double quotes ignored); unknown columns are ignored:
 *
 *   time        ms since the epoch; also seconds (|value| < 1e11) or
 *               ISO 8601 (UTC when no zone is given; a bare date
 *               YYYY-MM-DD is midnight UTC)
 *   open high low close   quote currency, finite, > 0
 *   volume      base units, finite, ≥ 0
 *   oi_usd      open interest as quote notional; empty or "nan" = unknown
 *   long_share  optional; λ in [0,1]; missing column or empty cell = 0.5
 *
 * A UTF-8 BOM, CRLF line ends, blank lines and a missing final newline are
 * accepted. The interval Δ is the most common difference between
 * consecutive times (at least two rows are needed).
 *
 * Any bad row fails the whole import (no partial series): the error is in
 * LODE_SOURCE_ERROR, its message starts with "line N:" (1-based, the header
 * is line 1) when a line is at fault. Codes: LODE_SOURCE_ERROR_PARSE for a
 * file that is not such a CSV (no header, a missing column, a cell that is
 * not a finite number, a wrong number of cells, no rows);
 * LODE_SOURCE_ERROR_INVALID_SERIES for rows that parse but break §1 (times
 * not ascending or duplicated, high < low, non-positive prices, …). A file
 * that cannot be read keeps its G_FILE_ERROR. */
LodeMarket *lode_file_source_load           (const char        *path,
                                             GError           **error);
/* The same from memory; pure (no I/O), for tests and fuzzing. @data need
 * not be NUL-terminated. */
LodeMarket *lode_file_source_load_from_data (const char        *data,
                                             gsize              len,
                                             GError           **error);

/* Writes @market in the format above: header
 * "time,open,high,low,close,volume,oi_usd,long_share", times in ms,
 * numbers in the C locale with the fewest digits that read back to the
 * same double, unknown OI as an empty cell. Loading the text gives an
 * identical series. */
char       *lode_file_source_to_string      (const LodeMarket  *market);
gboolean    lode_file_source_save           (const LodeMarket  *market,
                                             const char        *path,
                                             GError           **error);

/* Appends @value in the C locale with the fewest digits (%.15g, else
 * %.17g) that read back to the same double: what every export writes. */
void        lode_file_source_append_number  (GString           *out,
                                             double             value);

G_END_DECLS
