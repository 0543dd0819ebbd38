/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "lode-market.h"
#include "lode-source-error.h"

G_BEGIN_DECLS

/* Tolerant readers shared by the venue parsers (exchange-apis.md §6):
 * every number may come as a JSON number or as a numeric string; "" and
 * null count as missing; a missing required value is a
 * LODE_SOURCE_ERROR_PARSE naming it; non-finite numbers and trailing junk
 * are rejected. @what names the value in messages ("kline row 3", …). */

/* Parses @body as JSON; the root, or a PARSE error. */
/* The same on text that need not be NUL-terminated (a websocket frame). */
JsonNode   *lode_json_parse_text       (const char   *text,
                                        gsize         length,
                                        GError      **error);
JsonNode   *lode_json_parse_bytes      (GBytes       *body,
                                        GError      **error);

/* A venue's verdict on the object its replies come wrapped in: TRUE for
 * success, else FALSE with the error it reports. */
typedef gboolean (*LodeJsonEnvelopeFunc) (JsonObject  *envelope,
                                          GError     **error);

/* A LodeHttpCheckFunc's work: a @body that parses to an object (with a
 * member @marker, unless @marker is NULL) is judged by @check; anything
 * else passes, since malformed bodies are the parser's business. */
gboolean    lode_json_check_envelope   (GBytes                *body,
                                        const char            *marker,
                                        LodeJsonEnvelopeFunc   check,
                                        GError               **error);
/* @body parsed as an object (@what in errors) that @check accepts; @root
 * takes the parsed tree, which the object lives in. */
JsonObject *lode_json_parse_envelope   (GBytes                *body,
                                        const char            *what,
                                        LodeJsonEnvelopeFunc   check,
                                        JsonNode             **root,
                                        GError               **error);

/* The root as an array / object, or a PARSE error naming @what. */
JsonArray  *lode_json_node_array       (JsonNode     *node,
                                        const char   *what,
                                        GError      **error);
JsonObject *lode_json_node_object      (JsonNode     *node,
                                        const char   *what,
                                        GError      **error);

/* A number from a number or a numeric string. A missing value (NULL node,
 * null, "") gives FALSE with a PARSE error if @required, else TRUE and NaN. */
gboolean    lode_json_node_number      (JsonNode     *node,
                                        const char   *what,
                                        gboolean      required,
                                        double       *out,
                                        GError      **error);
/* An integer (ms epochs) from an integer, an integral double or a string. */
gboolean    lode_json_node_time        (JsonNode     *node,
                                        const char   *what,
                                        gint64       *out,
                                        GError      **error);

gboolean    lode_json_member_number    (JsonObject   *object,
                                        const char   *name,
                                        gboolean      required,
                                        double       *out,
                                        GError      **error);
gboolean    lode_json_member_time      (JsonObject   *object,
                                        const char   *name,
                                        gint64       *out,
                                        GError      **error);
/* A string member; missing or "" → NULL (an error only if @required). */
gboolean    lode_json_member_string    (JsonObject   *object,
                                        const char   *name,
                                        gboolean      required,
                                        const char  **out,
                                        GError      **error);
/* An array / object member; missing → error. */
JsonArray  *lode_json_member_array     (JsonObject   *object,
                                        const char   *name,
                                        GError      **error);
JsonObject *lode_json_member_object    (JsonObject   *object,
                                        const char   *name,
                                        GError      **error);

/* Element @index of a positional row (Binance klines, OKX candles). */
gboolean    lode_json_element_number   (JsonArray    *row,
                                        guint         index,
                                        const char   *what,
                                        double       *out,
                                        GError      **error);
gboolean    lode_json_element_time     (JsonArray    *row,
                                        guint         index,
                                        const char   *what,
                                        gint64       *out,
                                        GError      **error);

/* A candle from its prices: checks that they are > 0 and consistent (low
 * ≤ open, close ≤ high), volume ≥ 0, and that neither a price (≤ 1e12)
 * nor the candle's turnover (≤ 1e15) is implausibly large; oi_usd NaN and
 * long_share 0.5. */
gboolean    lode_json_make_candle      (gint64        time_ms,
                                        double        open,
                                        double        high,
                                        double        low,
                                        double        close,
                                        double        volume,
                                        const char   *what,
                                        LodeCandle   *out,
                                        GError      **error);

/* ---- Row loops ----------------------------------------------------------
 *
 * The lists the venues send, read one way whatever their field names. A
 * row is positional (a JSON array; fields by index) or keyed (an object;
 * fields by name); names label errors either way. A bad row fails the
 * whole list with a PARSE error prefixed "<row> <i>: ". */

/* Candle rows: time, open, high, low, close and volume, in that order in
 * @names and (positional rows) @index. */
typedef struct
{
  const char *row;        /* "kline" */
  gboolean    keyed;
  const char *names[6];
  guint       index[6];
} LodeJsonCandleRows;

/* The candles of @rows, checked by lode_json_make_candle () and put in
 * order by lode_candles_sort_unique (). */
GArray     *lode_json_candle_rows      (JsonArray                *rows,
                                        const LodeJsonCandleRows *layout,
                                        GError                  **error);

/* Reads one keyed row into @point; @data as given to lode_json_point_rows (). */
typedef gboolean (*LodeJsonPointFunc)  (JsonObject   *row,
                                        LodePoint    *point,
                                        gconstpointer data,
                                        GError      **error);

/* The points of keyed @rows, each read by @read, put in order by
 * lode_points_sort_unique (). @what names a row ("funding"). */
GArray     *lode_json_point_rows       (JsonArray         *rows,
                                        const char        *what,
                                        LodeJsonPointFunc  read,
                                        gconstpointer      data,
                                        GError           **error);
/* A LodeJsonPointFunc for rows {names[0]: time, names[1]: number};
 * @names is a const char *const[2]. */
gboolean    lode_json_read_time_value  (JsonObject   *row,
                                        LodePoint    *point,
                                        gconstpointer names,
                                        GError      **error);

/* Order-book levels of @rows ([price, size, …] or {@price_name,
 * @size_name}) appended to @levels (LodeDepthLevel), sizes times
 * @size_scale (> 0; contracts to base units). A price ≤ 0 or a negative
 * size is a PARSE error. @what names a row ("bids"). */
gboolean    lode_json_level_rows       (JsonArray    *rows,
                                        const char   *what,
                                        gboolean      keyed,
                                        const char   *price_name,
                                        const char   *size_name,
                                        double        size_scale,
                                        GArray       *levels,
                                        GError      **error);

/* Instrument rows: symbol, base and quote (required), contract type and
 * status (optional), in that order in @names. Those of contract type
 * @type whose status is @status or missing are listed. */
typedef struct
{
  const char *row;        /* "symbols" */
  const char *names[5];
  const char *type;
  const char *status;
} LodeJsonSymbolRows;

/* The listed instruments of @rows appended to @symbols (LodeSymbolInfo,
 * contract value 1). */
gboolean    lode_json_symbol_rows      (JsonArray                *rows,
                                        const LodeJsonSymbolRows *layout,
                                        GPtrArray                *symbols,
                                        GError                  **error);

/* Sorts ascending by time and drops duplicate times (keeping the element
 * seen last), whatever order the venue used. */
void        lode_candles_sort_unique   (GArray       *candles);
void        lode_points_sort_unique    (GArray       *points);

/* A venue's error code read as a number, as an integer for a GError
 * message: 0 when it is not finite or beyond ±9e15 (a cast of such a
 * double to gint64 is undefined behaviour). */
gint64      lode_json_error_code       (double        code);

G_END_DECLS
