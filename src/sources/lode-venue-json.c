/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lode-source.h"
#include "lode-venue-json.h"

/* Bounds past which a number of a venue's reply is corrupt, not a market:
 * no asset trades above a trillion USD a unit, and no candle turns over a
 * quadrillion USD (ten times the world's money). Beyond them the model's
 * products (OI × price, sums of notional) would overflow to infinity and
 * draw a wrong chart instead of failing. */
#define MAX_PRICE    1e12
#define MAX_NOTIONAL 1e15

static gboolean
is_json_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* TRUE unless @data holds a second top-level value after its first, as in
 * "{} {}" or "2{\"a\":1}". JSON allows one; json-glib 1.6 goes on parsing
 * the next one and leaks the tree of the one before. Only the extent of the
 * first value is found here (brackets outside strings); whether it is valid
 * JSON is json-glib's to say. */
static gboolean
has_one_value (const char *data,
               gsize       len)
{
  gsize i = 0;
  guint depth = 0;

  if (len >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    i = 3;  /* json-glib skips a BOM */
  while (i < len && is_json_space (data[i]))
    i++;

  do
    {
      if (i >= len)
        return TRUE;  /* unterminated: json-glib reports it */
      if (data[i] == '"')
        {
          for (i++; i < len && data[i] != '"'; i++)
            if (data[i] == '\\')
              i++;
          i++;
        }
      else if (data[i] == '{' || data[i] == '[')
        {
          depth++;
          i++;
        }
      else if (data[i] == '}' || data[i] == ']')
        {
          if (depth == 0)
            return TRUE;  /* a stray closer: json-glib reports it */
          depth--;
          i++;
        }
      else if (depth == 0)
        {
          /* A bare scalar (number, true, false, null) at the top. */
          gsize start = i;

          while (i < len && !is_json_space (data[i]) && strchr ("{}[]\",", data[i]) == NULL)
            i++;
          if (i == start)
            return TRUE;  /* not a value: json-glib reports it */
        }
      else
        i++;
    }
  while (depth > 0);

  while (i < len && is_json_space (data[i]))
    i++;

  return i >= len;
}

JsonNode *
lode_json_parse_text (const char  *text,
                      gsize        length,
                      GError     **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (text, length);

  return lode_json_parse_bytes (bytes, error);
}

JsonNode *
lode_json_parse_bytes (GBytes  *body,
                       GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  const char *data;
  gsize len = 0;

  data = body != NULL ? g_bytes_get_data (body, &len) : NULL;
  if (len == 0)
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                   _("The exchange sent an empty reply"));
      return NULL;
    }

  if (!has_one_value (data, len))
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                   _("The exchange sent malformed JSON: data after the end of the reply"));
      return NULL;
    }

  if (!json_parser_load_from_data (parser, data, len, &local_error))
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                   _("The exchange sent malformed JSON: %s"), local_error->message);
      return NULL;
    }

  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                   _("The exchange sent an empty reply"));
      return NULL;
    }

  return json_parser_steal_root (parser);
}

JsonArray *
lode_json_node_array (JsonNode    *node,
                      const char  *what,
                      GError     **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                   _("Expected a list for %s"), what);
      return NULL;
    }

  return json_node_get_array (node);
}

JsonObject *
lode_json_node_object (JsonNode    *node,
                       const char  *what,
                       GError     **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                   _("Expected an object for %s"), what);
      return NULL;
    }

  return json_node_get_object (node);
}

static gboolean
node_is_missing (JsonNode *node)
{
  return node == NULL
         || JSON_NODE_HOLDS_NULL (node)
         || (JSON_NODE_HOLDS_VALUE (node)
             && json_node_get_value_type (node) == G_TYPE_STRING
             && *json_node_get_string (node) == '\0');
}

gboolean
lode_json_check_envelope (GBytes                *body,
                          const char            *marker,
                          LodeJsonEnvelopeFunc   check,
                          GError               **error)
{
  g_autoptr(JsonNode) root = lode_json_parse_bytes (body, NULL);

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || (marker != NULL && !json_object_has_member (json_node_get_object (root), marker)))
    return TRUE;

  return check (json_node_get_object (root), error);
}

JsonObject *
lode_json_parse_envelope (GBytes                *body,
                          const char            *what,
                          LodeJsonEnvelopeFunc   check,
                          JsonNode             **root,
                          GError               **error)
{
  JsonObject *envelope;

  *root = lode_json_parse_bytes (body, error);
  if (*root == NULL
      || (envelope = lode_json_node_object (*root, what, error)) == NULL
      || !check (envelope, error))
    return NULL;

  return envelope;
}

gboolean
lode_json_node_number (JsonNode    *node,
                       const char  *what,
                       gboolean     required,
                       double      *out,
                       GError     **error)
{
  double value;

  if (node_is_missing (node))
    {
      if (required)
        {
          g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                       _("Missing field “%s”"), what);
          return FALSE;
        }
      *out = NAN;
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node))
    goto bad;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      value = (double) json_node_get_int (node);
      break;

    case G_TYPE_DOUBLE:
      value = json_node_get_double (node);
      break;

    case G_TYPE_STRING:
      {
        const char *s = json_node_get_string (node);
        char *end;

        value = g_ascii_strtod (s, &end);
        if (end == s || *end != '\0')
          goto bad;
      }
      break;

    default:
      goto bad;
    }

  if (!isfinite (value))
    goto bad;

  *out = value;
  return TRUE;

bad:
  g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
               _("Field “%s” is not a finite number"), what);
  return FALSE;
}

gboolean
lode_json_node_time (JsonNode    *node,
                     const char  *what,
                     gint64      *out,
                     GError     **error)
{
  if (node_is_missing (node))
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                   _("Missing field “%s”"), what);
      return FALSE;
    }

  if (JSON_NODE_HOLDS_VALUE (node))
    {
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          *out = json_node_get_int (node);
          return TRUE;

        case G_TYPE_DOUBLE:
          {
            double d = json_node_get_double (node);

            if (isfinite (d) && d == floor (d) && fabs (d) < 9e15)
              {
                *out = (gint64) d;
                return TRUE;
              }
          }
          break;

        case G_TYPE_STRING:
          {
            const char *s = json_node_get_string (node);
            char *end;
            gint64 v;

            errno = 0;
            v = g_ascii_strtoll (s, &end, 10);
            if (end != s && *end == '\0' && errno == 0)
              {
                *out = v;
                return TRUE;
              }
          }
          break;

        default:
          break;
        }
    }

  g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
               _("Field “%s” is not a time"), what);
  return FALSE;
}

gboolean
lode_json_member_number (JsonObject  *object,
                         const char  *name,
                         gboolean     required,
                         double      *out,
                         GError     **error)
{
  return lode_json_node_number (json_object_get_member (object, name),
                                name, required, out, error);
}

gboolean
lode_json_member_time (JsonObject  *object,
                       const char  *name,
                       gint64      *out,
                       GError     **error)
{
  return lode_json_node_time (json_object_get_member (object, name), name, out, error);
}

gboolean
lode_json_member_string (JsonObject  *object,
                         const char  *name,
                         gboolean     required,
                         const char **out,
                         GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = NULL;
  if (node_is_missing (node))
    {
      if (required)
        {
          g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                       _("Missing field “%s”"), name);
          return FALSE;
        }
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                   _("Field “%s” is not a string"), name);
      return FALSE;
    }

  *out = json_node_get_string (node);
  return TRUE;
}

JsonArray *
lode_json_member_array (JsonObject  *object,
                        const char  *name,
                        GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                   _("Missing field “%s”"), name);
      return NULL;
    }

  return lode_json_node_array (node, name, error);
}

JsonObject *
lode_json_member_object (JsonObject  *object,
                         const char  *name,
                         GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                   _("Missing field “%s”"), name);
      return NULL;
    }

  return lode_json_node_object (node, name, error);
}

static JsonNode *
element (JsonArray *row,
         guint      index)
{
  return index < json_array_get_length (row) ? json_array_get_element (row, index) : NULL;
}

gboolean
lode_json_element_number (JsonArray   *row,
                          guint        index,
                          const char  *what,
                          double      *out,
                          GError     **error)
{
  return lode_json_node_number (element (row, index), what, TRUE, out, error);
}

gboolean
lode_json_element_time (JsonArray   *row,
                        guint        index,
                        const char  *what,
                        gint64      *out,
                        GError     **error)
{
  return lode_json_node_time (element (row, index), what, out, error);
}

gboolean
lode_json_make_candle (gint64       time_ms,
                       double       open,
                       double       high,
                       double       low,
                       double       close,
                       double       volume,
                       const char  *what,
                       LodeCandle  *out,
                       GError     **error)
{
  if (!(open > 0 && high > 0 && low > 0 && close > 0)
      || low > MIN (open, close) || high < MAX (open, close)
      || !(volume >= 0))
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                   _("Inconsistent prices in %s"), what);
      return FALSE;
    }
  if (high > MAX_PRICE || volume * high > MAX_NOTIONAL)
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                   _("Implausibly large numbers in %s"), what);
      return FALSE;
    }

  out->time_ms = time_ms;
  out->open = open;
  out->high = high;
  out->low = low;
  out->close = close;
  out->volume = volume;
  out->oi_usd = NAN;
  out->long_share = 0.5;

  return TRUE;
}

/* g_array_sort() is stable (g_qsort_with_data, GLib ≥ 2.32): equal times
 * keep their order, so the element seen last ends its run. */
static int
compare_candle_time (gconstpointer a,
                     gconstpointer b)
{
  gint64 x = ((const LodeCandle *) a)->time_ms;
  gint64 y = ((const LodeCandle *) b)->time_ms;

  return (x > y) - (x < y);
}

static int
compare_point_time (gconstpointer a,
                    gconstpointer b)
{
  gint64 x = ((const LodePoint *) a)->time_ms;
  gint64 y = ((const LodePoint *) b)->time_ms;

  return (x > y) - (x < y);
}

void
lode_candles_sort_unique (GArray *candles)
{
  LodeCandle *c = (LodeCandle *) (void *) candles->data;
  guint n = 0;

  g_array_sort (candles, compare_candle_time);
  for (guint i = 0; i < candles->len; i++)
    {
      if (n > 0 && c[n - 1].time_ms == c[i].time_ms)
        c[n - 1] = c[i];
      else
        c[n++] = c[i];
    }
  g_array_set_size (candles, n);
}

void
lode_points_sort_unique (GArray *points)
{
  LodePoint *p = (LodePoint *) (void *) points->data;
  guint n = 0;

  g_array_sort (points, compare_point_time);
  for (guint i = 0; i < points->len; i++)
    {
      if (n > 0 && p[n - 1].time_ms == p[i].time_ms)
        p[n - 1] = p[i];
      else
        p[n++] = p[i];
    }
  g_array_set_size (points, n);
}

/* A row of a list: exactly one of the two is set. */
typedef struct
{
  JsonArray  *array;
  JsonObject *object;
} Row;

static gboolean
row_open (JsonNode    *node,
          gboolean     keyed,
          const char  *what,
          Row         *row,
          GError     **error)
{
  row->array = keyed ? NULL : lode_json_node_array (node, what, error);
  row->object = keyed ? lode_json_node_object (node, what, error) : NULL;

  return row->array != NULL || row->object != NULL;
}

static gboolean
row_number (const Row   *row,
            guint        index,
            const char  *name,
            double      *out,
            GError     **error)
{
  return row->object != NULL
         ? lode_json_member_number (row->object, name, TRUE, out, error)
         : lode_json_element_number (row->array, index, name, out, error);
}

static gboolean
row_time (const Row   *row,
          guint        index,
          const char  *name,
          gint64      *out,
          GError     **error)
{
  return row->object != NULL
         ? lode_json_member_time (row->object, name, out, error)
         : lode_json_element_time (row->array, index, name, out, error);
}

GArray *
lode_json_candle_rows (JsonArray                *rows,
                       const LodeJsonCandleRows *layout,
                       GError                  **error)
{
  g_autoptr(GArray) candles = g_array_sized_new (FALSE, FALSE, sizeof (LodeCandle),
                                                 json_array_get_length (rows));
  const char *const *name = layout->names;
  const guint *index = layout->index;

  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      g_autofree char *what = g_strdup_printf ("%s %u", layout->row, i);
      gint64 t;
      double o, h, l, c, v;
      LodeCandle candle;
      Row row;

      if (!row_open (json_array_get_element (rows, i), layout->keyed, what, &row, error)
          || !row_time (&row, index[0], name[0], &t, error)
          || !row_number (&row, index[1], name[1], &o, error)
          || !row_number (&row, index[2], name[2], &h, error)
          || !row_number (&row, index[3], name[3], &l, error)
          || !row_number (&row, index[4], name[4], &c, error)
          || !row_number (&row, index[5], name[5], &v, error)
          || !lode_json_make_candle (t, o, h, l, c, v, what, &candle, error))
        {
          g_prefix_error (error, "%s: ", what);
          return NULL;
        }
      g_array_append_val (candles, candle);
    }

  lode_candles_sort_unique (candles);
  return g_steal_pointer (&candles);
}

GArray *
lode_json_point_rows (JsonArray          *rows,
                      const char         *what,
                      LodeJsonPointFunc   read,
                      gconstpointer       data,
                      GError            **error)
{
  g_autoptr(GArray) points = g_array_sized_new (FALSE, FALSE, sizeof (LodePoint),
                                                json_array_get_length (rows));

  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = lode_json_node_object (json_array_get_element (rows, i), what, error);
      LodePoint point;

      if (row == NULL || !read (row, &point, data, error))
        {
          g_prefix_error (error, "%s %u: ", what, i);
          return NULL;
        }
      g_array_append_val (points, point);
    }

  lode_points_sort_unique (points);
  return g_steal_pointer (&points);
}

gboolean
lode_json_read_time_value (JsonObject    *row,
                           LodePoint     *point,
                           gconstpointer  names,
                           GError       **error)
{
  const char *const *name = names;

  return lode_json_member_time (row, name[0], &point->time_ms, error)
         && lode_json_member_number (row, name[1], TRUE, &point->value, error);
}

gboolean
lode_json_level_rows (JsonArray   *rows,
                      const char  *what,
                      gboolean     keyed,
                      const char  *price_name,
                      const char  *size_name,
                      double       size_scale,
                      GArray      *levels,
                      GError     **error)
{
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      LodeDepthLevel level;
      double size;
      Row row;

      if (!row_open (json_array_get_element (rows, i), keyed, what, &row, error)
          || !row_number (&row, 0, price_name, &level.price, error)
          || !row_number (&row, 1, size_name, &size, error))
        {
          g_prefix_error (error, "%s %u: ", what, i);
          return FALSE;
        }
      if (!(level.price > 0 && size >= 0))
        {
          g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                       _("Invalid order-book level in %s"), what);
          return FALSE;
        }
      level.size_base = size * size_scale;
      g_array_append_val (levels, level);
    }

  return TRUE;
}

gboolean
lode_json_symbol_rows (JsonArray                *rows,
                       const LodeJsonSymbolRows *layout,
                       GPtrArray                *symbols,
                       GError                  **error)
{
  const char *const *name = layout->names;

  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *item = lode_json_node_object (json_array_get_element (rows, i), layout->row, error);
      const char *symbol, *base, *quote, *type, *status;

      if (item == NULL
          || !lode_json_member_string (item, name[0], TRUE, &symbol, error)
          || !lode_json_member_string (item, name[1], TRUE, &base, error)
          || !lode_json_member_string (item, name[2], TRUE, &quote, error)
          || !lode_json_member_string (item, name[3], FALSE, &type, error)
          || !lode_json_member_string (item, name[4], FALSE, &status, error))
        {
          g_prefix_error (error, "%s %u: ", layout->row, i);
          return FALSE;
        }

      if (g_strcmp0 (type, layout->type) != 0
          || (status != NULL && !g_str_equal (status, layout->status)))
        continue;

      g_ptr_array_add (symbols, lode_symbol_info_new (symbol, base, quote, 1.0));
    }

  return TRUE;
}

gint64
lode_json_error_code (double code)
{
  if (!isfinite (code) || fabs (code) >= 9e15)
    return 0;

  return (gint64) code;
}
