/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <math.h>
#include <string.h>

#include "lode-mock-exchange.h"

#define MINUTE_MS  G_GINT64_CONSTANT (60000)
#define HOUR_MS    (60 * MINUTE_MS)
#define DAY_MS     (24 * HOUR_MS)

typedef struct
{
  char          *path;   /* NULL = any */
  guint          count;
  LodeMockFault  fault;
  char          *body;   /* fault.body's copy */
  GHashTable    *seen;   /* LODE_MOCK_FAULT_FIRST_TRY: requests failed once */
} FaultEntry;

struct _LodeMockExchange
{
  SoupServer *server;
  char       *url;        /* "http://127.0.0.1:PORT" */
  guint64     seed;
  double      phase[8];
  gint64      now_ms;
  gint64      listing_ms;
  GQueue      faults;     /* FaultEntry* */
  GHashTable *hits;       /* path → count */
  guint       total_hits;
  gboolean    bybit_single_oi;
  GQueue      binance_weights;  /* (time_us, weight) for X-MBX-USED-WEIGHT-1M */
  GQueue      bybit_requests;   /* gint64* real-time ms of each request */
  guint       bybit_limit;
  gint64      bybit_window_ms;
};

/* One reply under construction. */
typedef struct
{
  LodeMockExchange  *mock;
  SoupServerMessage *msg;
  const char        *venue;
  const char        *path;       /* after the venue prefix */
  GHashTable        *query;      /* decoded; never NULL */
  JsonObject        *body;       /* Hyperliquid: the POSTed object */
  guint              status;
  GString           *out;
  const char        *content_type;
  guint              weight;     /* Binance request weight */
  gboolean           cursor_loop;
} Reply;

/* ---- The synthetic market ------------------------------------------------ */

static guint64
splitmix (guint64 x)
{
  x += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  x = (x ^ (x >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  x = (x ^ (x >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return x ^ (x >> 31);
}

static double
hash01 (LodeMockExchange *self,
        gint64            k,
        guint             salt)
{
  return (splitmix (self->seed ^ ((guint64) k * 0x100000001B3ull) ^ ((guint64) salt << 56)) >> 11)
         / 9007199254740992.0;
}

static gint64
minute_of (gint64 t)
{
  return t >= 0 ? t / MINUTE_MS : (t - MINUTE_MS + 1) / MINUTE_MS;
}

double
lode_mock_exchange_price (LodeMockExchange *self,
                          gint64            time_ms)
{
  double k = (double) minute_of (time_ms);
  double p = 40000
             + 8000 * sin (k / 2000 + self->phase[0])
             + 1500 * sin (k / 173 + self->phase[1])
             + 200 * sin (k / 11 + self->phase[2]);

  /* round(x · 10) / 10 is the double nearest the 0.1-decimal, the same
   * one g_ascii_strtod() gives for its "%.1f" text. */
  return round (p * 10) / 10;
}

void
lode_mock_exchange_candle (LodeMockExchange *self,
                           gint64            open_ms,
                           gint64            interval_ms,
                           LodeCandle       *out)
{
  gint64 k = minute_of (open_ms);
  double o = lode_mock_exchange_price (self, open_ms);
  double c = lode_mock_exchange_price (self, open_ms + interval_ms);

  out->time_ms = open_ms;
  out->open = o;
  out->close = c;
  out->high = round (MAX (o, c) * (1 + 0.002 * hash01 (self, k, 1)) * 10) / 10;
  out->low = round (MIN (o, c) * (1 - 0.002 * hash01 (self, k, 2)) * 10) / 10;
  out->volume = round ((5 + 100 * hash01 (self, k, 3)) * 1000) / 1000;
  out->oi_usd = NAN;
  out->long_share = 0.5;
}

double
lode_mock_exchange_oi_base (LodeMockExchange *self,
                            gint64            time_ms)
{
  double k = (double) minute_of (time_ms);

  return round ((80000 + 10000 * sin (k / 3000 + self->phase[3])
                 + 2000 * sin (k / 97 + self->phase[4])) * 1000) / 1000;
}

double
lode_mock_exchange_ratio (LodeMockExchange *self,
                          gint64            time_ms)
{
  double k = (double) minute_of (time_ms);

  return round ((1 + 0.4 * sin (k / 500 + self->phase[5])) * 10000) / 10000;
}

static double
funding_rate (LodeMockExchange *self,
              gint64            time_ms)
{
  double k = (double) minute_of (time_ms);

  return round ((0.0001 + 0.00005 * sin (k / 5000 + self->phase[6])) * 1e8) / 1e8;
}

/* ---- Helpers ------------------------------------------------------------- */

static void
append_num (GString    *out,
            const char *format,
            double      value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (out, g_ascii_formatd (buf, sizeof buf, format, value));
}

/* "%.1f" as a JSON string. */
static void
append_str_num (GString    *out,
                const char *format,
                double      value)
{
  g_string_append_c (out, '"');
  append_num (out, format, value);
  g_string_append_c (out, '"');
}

static gint64
floor_to (gint64 t,
          gint64 step,
          gint64 offset)
{
  gint64 x = t - offset;

  return (x >= 0 ? x / step : (x - step + 1) / step) * step + offset;
}

static gint64
ceil_to (gint64 t,
         gint64 step,
         gint64 offset)
{
  return -floor_to (-t, step, -offset);
}

/* The grid times offset + k·step within [first, last] and the optional
 * bounds [start, end] (−1 = none): at most @limit of them, the earliest
 * (@from_start) or the latest. Returns the count, *t0 the first. */
static guint
select_rows (gint64  step,
             gint64  offset,
             gint64  first,
             gint64  last,
             gint64  start,
             gint64  end,
             guint   limit,
             gboolean from_start,
             gint64 *t0)
{
  gint64 lo = ceil_to (first, step, offset);
  gint64 hi = floor_to (last, step, offset);
  gint64 n;

  if (start >= 0)
    lo = MAX (lo, ceil_to (start, step, offset));
  if (end >= 0)
    hi = MIN (hi, floor_to (end, step, offset));
  if (hi < lo || limit == 0)
    return 0;

  n = (hi - lo) / step + 1;
  if (n > limit)
    {
      if (from_start)
        hi = lo + (limit - 1) * step;
      else
        lo = hi - (limit - 1) * step;
      n = limit;
    }

  *t0 = lo;
  return (guint) n;
}

/* "open","high","low","close" of a positional candle row. */
static void
append_ohlc (GString          *out,
             const LodeCandle *c)
{
  append_str_num (out, "%.1f", c->open);
  g_string_append_c (out, ',');
  append_str_num (out, "%.1f", c->high);
  g_string_append_c (out, ',');
  append_str_num (out, "%.1f", c->low);
  g_string_append_c (out, ',');
  append_str_num (out, "%.1f", c->close);
}

/* Writes the row of a series at @t, without a separator; @data is the
 * caller's. */
typedef void (*RowWriter) (Reply         *reply,
                           gint64         t,
                           gconstpointer  data);

/* The @n rows @step apart from @t0, comma-separated: oldest first, or
 * newest first as Bybit and OKX send them. */
static void
append_rows (Reply         *reply,
             gint64         t0,
             gint64         step,
             guint          n,
             gboolean       newest_first,
             RowWriter      write,
             gconstpointer  data)
{
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (reply->out, ',');
      write (reply, t0 + (gint64) (newest_first ? n - 1 - i : i) * step, data);
    }
}

static const char *
param (Reply      *reply,
       const char *name)
{
  const char *value = g_hash_table_lookup (reply->query, name);

  return value != NULL && *value != '\0' ? value : NULL;
}

/* An integer parameter: @fallback when absent; FALSE when not a number. */
static gboolean
param_int (Reply      *reply,
           const char *name,
           gint64      fallback,
           gint64     *out)
{
  const char *value = param (reply, name);
  char *end;

  if (value == NULL)
    {
      *out = fallback;
      return TRUE;
    }

  *out = g_ascii_strtoll (value, &end, 10);
  return end != value && *end == '\0';
}

/* Hyperliquid body members. */
static gboolean
body_int (JsonObject *object,
          const char *name,
          gint64      fallback,
          gint64     *out)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *out = fallback;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;

  *out = json_node_get_int (node);
  return TRUE;
}

static const char *
body_string (JsonObject *object,
             const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

typedef struct
{
  const char *name;
  gint64      ms;
  gint64      offset;  /* grid offset: OKX's UTC+8 day bars start at 16:00 UTC */
} IntervalName;

static const IntervalName *
find_interval (const IntervalName *table,
               const char         *name)
{
  if (name == NULL)
    return NULL;

  for (; table->name != NULL; table++)
    if (g_str_equal (table->name, name))
      return table;

  return NULL;
}

static const IntervalName binance_intervals[] = {
  { "1m", MINUTE_MS, 0 }, { "3m", 3 * MINUTE_MS, 0 }, { "5m", 5 * MINUTE_MS, 0 },
  { "15m", 15 * MINUTE_MS, 0 }, { "30m", 30 * MINUTE_MS, 0 }, { "1h", HOUR_MS, 0 },
  { "2h", 2 * HOUR_MS, 0 }, { "4h", 4 * HOUR_MS, 0 }, { "6h", 6 * HOUR_MS, 0 },
  { "8h", 8 * HOUR_MS, 0 }, { "12h", 12 * HOUR_MS, 0 }, { "1d", DAY_MS, 0 },
  { NULL, 0, 0 }
};

static const IntervalName binance_periods[] = {
  { "5m", 5 * MINUTE_MS, 0 }, { "15m", 15 * MINUTE_MS, 0 }, { "30m", 30 * MINUTE_MS, 0 },
  { "1h", HOUR_MS, 0 }, { "2h", 2 * HOUR_MS, 0 }, { "4h", 4 * HOUR_MS, 0 },
  { "6h", 6 * HOUR_MS, 0 }, { "12h", 12 * HOUR_MS, 0 }, { "1d", DAY_MS, 0 },
  { NULL, 0, 0 }
};

static const IntervalName bybit_intervals[] = {
  { "1", MINUTE_MS, 0 }, { "3", 3 * MINUTE_MS, 0 }, { "5", 5 * MINUTE_MS, 0 },
  { "15", 15 * MINUTE_MS, 0 }, { "30", 30 * MINUTE_MS, 0 }, { "60", HOUR_MS, 0 },
  { "120", 2 * HOUR_MS, 0 }, { "240", 4 * HOUR_MS, 0 }, { "360", 6 * HOUR_MS, 0 },
  { "720", 12 * HOUR_MS, 0 }, { "D", DAY_MS, 0 },
  { NULL, 0, 0 }
};

static const IntervalName bybit_periods[] = {
  { "5min", 5 * MINUTE_MS, 0 }, { "15min", 15 * MINUTE_MS, 0 }, { "30min", 30 * MINUTE_MS, 0 },
  { "1h", HOUR_MS, 0 }, { "4h", 4 * HOUR_MS, 0 }, { "1d", DAY_MS, 0 },
  { NULL, 0, 0 }
};

static const IntervalName okx_bars[] = {
  { "1m", MINUTE_MS, 0 }, { "3m", 3 * MINUTE_MS, 0 }, { "5m", 5 * MINUTE_MS, 0 },
  { "15m", 15 * MINUTE_MS, 0 }, { "30m", 30 * MINUTE_MS, 0 }, { "1H", HOUR_MS, 0 },
  { "2H", 2 * HOUR_MS, 0 }, { "4H", 4 * HOUR_MS, 0 },
  { "6H", 6 * HOUR_MS, -8 * HOUR_MS }, { "12H", 12 * HOUR_MS, -8 * HOUR_MS },
  { "1D", DAY_MS, -8 * HOUR_MS },
  { "6Hutc", 6 * HOUR_MS, 0 }, { "12Hutc", 12 * HOUR_MS, 0 }, { "1Dutc", DAY_MS, 0 },
  { NULL, 0, 0 }
};

static const IntervalName hyperliquid_intervals[] = {
  { "1m", MINUTE_MS, 0 }, { "3m", 3 * MINUTE_MS, 0 }, { "5m", 5 * MINUTE_MS, 0 },
  { "15m", 15 * MINUTE_MS, 0 }, { "30m", 30 * MINUTE_MS, 0 }, { "1h", HOUR_MS, 0 },
  { "2h", 2 * HOUR_MS, 0 }, { "4h", 4 * HOUR_MS, 0 }, { "8h", 8 * HOUR_MS, 0 },
  { "12h", 12 * HOUR_MS, 0 }, { "1d", DAY_MS, 0 },
  { NULL, 0, 0 }
};

/* The newest complete period: a series point at T is the value at T. */
static gint64
last_point (LodeMockExchange *self,
            gint64            step,
            gint64            offset)
{
  return floor_to (self->now_ms, step, offset);
}

/* The open of the newest candle (the one still forming included). */
static gint64
last_open (LodeMockExchange *self,
           gint64            step,
           gint64            offset)
{
  return floor_to (self->now_ms - 1, step, offset);
}

/* ---- Binance (§1) -------------------------------------------------------- */

static void
binance_error (Reply      *reply,
               guint       status,
               int         code,
               const char *msg)
{
  reply->status = status;
  g_string_printf (reply->out, "{\"code\":%d,\"msg\":\"%s\"}", code, msg);
}

static gboolean
binance_symbol_ok (Reply *reply)
{
  const char *symbol = param (reply, "symbol");

  if (symbol == NULL)
    {
      binance_error (reply, 400, -1102,
                     "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
      return FALSE;
    }
  if (!g_str_equal (symbol, "BTCUSDT") && !g_str_equal (symbol, "ETHUSDT"))
    {
      binance_error (reply, 400, -1121, "Invalid symbol.");
      return FALSE;
    }
  return TRUE;
}

static gboolean
binance_range (Reply  *reply,
               gint64  default_limit,
               gint64  max_limit,
               gint64 *start,
               gint64 *end,
               gint64 *limit)
{
  if (!param_int (reply, "startTime", -1, start)
      || !param_int (reply, "endTime", -1, end)
      || !param_int (reply, "limit", default_limit, limit)
      || *limit < 1 || *limit > max_limit)
    {
      binance_error (reply, 400, -1130, "Data sent for parameter 'limit' is not valid.");
      return FALSE;
    }
  if (*start >= 0 && *end >= 0 && *start > *end)
    {
      binance_error (reply, 400, -1023, "Start time is greater than end time.");
      return FALSE;
    }
  return TRUE;
}

/* [openTime int, o, h, l, c, volume, closeTime int, quoteVolume, trades
 *  int, takerBuyBase, takerBuyQuote, ignore]; @data the interval. */
static void
binance_kline_row (Reply         *reply,
                   gint64         t,
                   gconstpointer  data)
{
  const IntervalName *interval = data;
  LodeCandle c;

  lode_mock_exchange_candle (reply->mock, t, interval->ms, &c);
  g_string_append_printf (reply->out, "[%" G_GINT64_FORMAT ",", t);
  append_ohlc (reply->out, &c);
  g_string_append_c (reply->out, ',');
  append_str_num (reply->out, "%.3f", c.volume);
  g_string_append_printf (reply->out, ",%" G_GINT64_FORMAT ",", t + interval->ms - 1);
  append_str_num (reply->out, "%.2f", c.volume * c.close);
  g_string_append_printf (reply->out, ",%d,", 100 + (int) (t / MINUTE_MS % 1000));
  append_str_num (reply->out, "%.3f", c.volume / 2);
  g_string_append_c (reply->out, ',');
  append_str_num (reply->out, "%.2f", c.volume * c.close / 2);
  g_string_append (reply->out, ",\"0\"]");
}

static void
binance_klines (Reply *reply)
{
  LodeMockExchange *self = reply->mock;
  const IntervalName *interval;
  gint64 start, end, limit, t0;
  guint n;

  if (!binance_symbol_ok (reply))
    return;
  interval = find_interval (binance_intervals, param (reply, "interval"));
  if (interval == NULL)
    {
      binance_error (reply, 400, -1120, "Invalid interval.");
      return;
    }
  if (!binance_range (reply, 500, 1500, &start, &end, &limit))
    return;

  reply->weight = limit < 100 ? 1 : limit < 500 ? 2 : limit <= 1000 ? 5 : 10;

  /* With startTime: the first `limit` from it; else the latest ones. */
  n = select_rows (interval->ms, 0, self->listing_ms, last_open (self, interval->ms, 0),
                   start, end, (guint) limit, start >= 0, &t0);

  g_string_append_c (reply->out, '[');
  append_rows (reply, t0, interval->ms, n, FALSE, binance_kline_row, interval);
  g_string_append_c (reply->out, ']');
}

/* /futures/data/…: the last 30 days only, weight 0 (own limit). */
static gboolean
binance_data_rows (Reply  *reply,
                   gint64 *t0,
                   gint64 *step,
                   guint  *n)
{
  LodeMockExchange *self = reply->mock;
  const IntervalName *period;
  gint64 start, end, limit;

  if (!binance_symbol_ok (reply))
    return FALSE;
  period = find_interval (binance_periods, param (reply, "period"));
  if (period == NULL)
    {
      binance_error (reply, 400, -1130, "Invalid period.");
      return FALSE;
    }
  if (!binance_range (reply, 30, 500, &start, &end, &limit))
    return FALSE;

  reply->weight = 0;
  *step = period->ms;
  *n = select_rows (period->ms, 0, self->now_ms - 30 * DAY_MS, last_point (self, period->ms, 0),
                    start, end, (guint) limit, start >= 0, t0);
  return TRUE;
}

static void
binance_oi_row (Reply         *reply,
                gint64         t,
                gconstpointer  data)
{
  double oi = lode_mock_exchange_oi_base (reply->mock, t);

  g_string_append_printf (reply->out, "{\"symbol\":\"%s\",\"sumOpenInterest\":",
                          param (reply, "symbol"));
  append_str_num (reply->out, "%.3f", oi);
  g_string_append (reply->out, ",\"sumOpenInterestValue\":");
  append_str_num (reply->out, "%.4f", oi * lode_mock_exchange_price (reply->mock, t));
  /* Captured replies carry the timestamp as an int (§1.2). */
  g_string_append_printf (reply->out,
                          ",\"CMCCirculatingSupply\":\"19987654.0\",\"timestamp\":%" G_GINT64_FORMAT "}",
                          t);
}

static void
binance_ratio_row (Reply         *reply,
                   gint64         t,
                   gconstpointer  data)
{
  double r = lode_mock_exchange_ratio (reply->mock, t);

  g_string_append_printf (reply->out, "{\"symbol\":\"%s\",\"longShortRatio\":",
                          param (reply, "symbol"));
  append_str_num (reply->out, "%.4f", r);
  g_string_append (reply->out, ",\"longAccount\":");
  append_str_num (reply->out, "%.4f", r / (1 + r));
  g_string_append (reply->out, ",\"shortAccount\":");
  append_str_num (reply->out, "%.4f", 1 / (1 + r));
  /* The documented example has a string timestamp (§1.3). */
  g_string_append_printf (reply->out, ",\"timestamp\":\"%" G_GINT64_FORMAT "\"}", t);
}

/* /futures/data/… rows of @write. */
static void
binance_data (Reply     *reply,
              RowWriter  write)
{
  gint64 t0, step;
  guint n;

  if (!binance_data_rows (reply, &t0, &step, &n))
    return;

  g_string_append_c (reply->out, '[');
  append_rows (reply, t0, step, n, FALSE, write, NULL);
  g_string_append_c (reply->out, ']');
}

static void
binance_oi_hist (Reply *reply)
{
  binance_data (reply, binance_oi_row);
}

static void
binance_ratio (Reply *reply)
{
  binance_data (reply, binance_ratio_row);
}

static void
binance_funding_row (Reply         *reply,
                     gint64         t,
                     gconstpointer  data)
{
  g_string_append_printf (reply->out, "{\"symbol\":\"%s\",\"fundingRate\":", param (reply, "symbol"));
  append_str_num (reply->out, "%.8f", funding_rate (reply->mock, t));
  g_string_append_printf (reply->out, ",\"fundingTime\":%" G_GINT64_FORMAT ",\"markPrice\":", t);
  append_str_num (reply->out, "%.8f", lode_mock_exchange_price (reply->mock, t));
  g_string_append_c (reply->out, '}');
}

static void
binance_funding (Reply *reply)
{
  LodeMockExchange *self = reply->mock;
  gint64 start, end, limit, t0;
  guint n;

  if (!binance_symbol_ok (reply) || !binance_range (reply, 100, 1000, &start, &end, &limit))
    return;

  reply->weight = 0;
  n = select_rows (8 * HOUR_MS, 0, self->listing_ms, last_point (self, 8 * HOUR_MS, 0),
                   start, end, (guint) limit, TRUE, &t0);
  g_string_append_c (reply->out, '[');
  append_rows (reply, t0, 8 * HOUR_MS, n, FALSE, binance_funding_row, NULL);
  g_string_append_c (reply->out, ']');
}

/* Price levels around the current price, tick 0.1, @n per side. */
static void
append_levels (LodeMockExchange *self,
               GString          *out,
               int               side,   /* −1 bids, +1 asks */
               guint             n,
               double            size_scale,
               gboolean          objects,
               const char       *extra)
{
  double mid = lode_mock_exchange_price (self, self->now_ms);

  g_string_append_c (out, '[');
  for (guint i = 0; i < n; i++)
    {
      double px = side < 0 ? mid - 0.1 * i : mid + 0.1 * (i + 1);
      double sz = round ((0.5 + 3 * hash01 (self, i, side < 0 ? 5 : 6)) * 1000) / 1000;

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, objects ? "{\"px\":" : "[");
      append_str_num (out, "%.1f", px);
      g_string_append (out, objects ? ",\"sz\":" : ",");
      append_str_num (out, "%.3f", sz / size_scale);
      if (objects)
        g_string_append_printf (out, ",\"n\":%u}", 1 + i % 7);
      else
        g_string_append_printf (out, "%s]", extra != NULL ? extra : "");
    }
  g_string_append_c (out, ']');
}

static void
binance_depth (Reply *reply)
{
  gint64 limit;
  static const gint64 limits[] = { 5, 10, 20, 50, 100, 500, 1000 };
  gboolean ok = FALSE;

  if (!binance_symbol_ok (reply))
    return;
  if (param_int (reply, "limit", 500, &limit))
    for (guint i = 0; i < G_N_ELEMENTS (limits); i++)
      ok = ok || limit == limits[i];
  if (!ok)
    {
      binance_error (reply, 400, -1130, "Data sent for parameter 'limit' is not valid.");
      return;
    }

  reply->weight = limit <= 50 ? 2 : limit == 100 ? 5 : limit == 500 ? 10 : 20;
  g_string_append_printf (reply->out,
                          "{\"lastUpdateId\":1027024,\"E\":%" G_GINT64_FORMAT ",\"T\":%" G_GINT64_FORMAT ",\"bids\":",
                          reply->mock->now_ms, reply->mock->now_ms - 13);
  append_levels (reply->mock, reply->out, -1, (guint) limit, 1, FALSE, NULL);
  g_string_append (reply->out, ",\"asks\":");
  append_levels (reply->mock, reply->out, +1, (guint) limit, 1, FALSE, NULL);
  g_string_append_c (reply->out, '}');
}

static void
binance_open_interest (Reply *reply)
{
  if (!binance_symbol_ok (reply))
    return;

  reply->weight = 1;
  g_string_append (reply->out, "{\"openInterest\":");
  append_str_num (reply->out, "%.3f", lode_mock_exchange_oi_base (reply->mock, reply->mock->now_ms));
  g_string_append_printf (reply->out, ",\"symbol\":\"%s\",\"time\":%" G_GINT64_FORMAT "}",
                          param (reply, "symbol"), reply->mock->now_ms);
}

static void
binance_exchange_info (Reply *reply)
{
  static const struct { const char *symbol, *base, *type, *status; } symbols[] = {
    { "BTCUSDT", "BTC", "PERPETUAL", "TRADING" },
    { "ETHUSDT", "ETH", "PERPETUAL", "TRADING" },
    { "BTCUSDT_260626", "BTC", "CURRENT_QUARTER", "TRADING" },
    { "OLDUSDT", "OLD", "PERPETUAL", "SETTLING" },
  };

  reply->weight = 1;
  g_string_append_printf (reply->out,
                          "{\"timezone\":\"UTC\",\"serverTime\":%" G_GINT64_FORMAT ","
                          "\"rateLimits\":[{\"rateLimitType\":\"REQUEST_WEIGHT\",\"interval\":\"MINUTE\","
                          "\"intervalNum\":1,\"limit\":2400}],\"exchangeFilters\":[],\"assets\":[],\"symbols\":[",
                          reply->mock->now_ms);
  for (guint i = 0; i < G_N_ELEMENTS (symbols); i++)
    g_string_append_printf (reply->out,
                            "%s{\"symbol\":\"%s\",\"pair\":\"%sUSDT\",\"contractType\":\"%s\","
                            "\"status\":\"%s\",\"baseAsset\":\"%s\",\"quoteAsset\":\"USDT\","
                            "\"marginAsset\":\"USDT\",\"onboardDate\":%" G_GINT64_FORMAT ","
                            "\"maintMarginPercent\":\"2.5000\",\"filters\":[{\"filterType\":\"PRICE_FILTER\","
                            "\"tickSize\":\"0.10\"},{\"filterType\":\"LOT_SIZE\",\"stepSize\":\"0.001\"}]}",
                            i > 0 ? "," : "", symbols[i].symbol, symbols[i].base, symbols[i].type,
                            symbols[i].status, symbols[i].base, reply->mock->listing_ms);
  g_string_append (reply->out, "]}");
}

static void
binance_route (Reply *reply)
{
  const char *p = reply->path;

  reply->weight = 1;
  if (g_str_equal (p, "/fapi/v1/klines"))
    binance_klines (reply);
  else if (g_str_equal (p, "/futures/data/openInterestHist"))
    binance_oi_hist (reply);
  else if (g_str_equal (p, "/futures/data/globalLongShortAccountRatio")
           || g_str_equal (p, "/futures/data/topLongShortAccountRatio")
           || g_str_equal (p, "/futures/data/topLongShortPositionRatio"))
    binance_ratio (reply);
  else if (g_str_equal (p, "/fapi/v1/fundingRate"))
    binance_funding (reply);
  else if (g_str_equal (p, "/fapi/v1/depth"))
    binance_depth (reply);
  else if (g_str_equal (p, "/fapi/v1/openInterest"))
    binance_open_interest (reply);
  else if (g_str_equal (p, "/fapi/v1/exchangeInfo"))
    binance_exchange_info (reply);
  else
    binance_error (reply, 404, -5000, "Path not found");
}

/* ---- Bybit v5 (§2) ------------------------------------------------------- */

static void
bybit_envelope_open (Reply *reply)
{
  g_string_append (reply->out, "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":");
}

static void
bybit_envelope_close (Reply *reply)
{
  g_string_append_printf (reply->out, ",\"retExtInfo\":{},\"time\":%" G_GINT64_FORMAT "}",
                          g_get_real_time () / 1000);
}

static void
bybit_error (Reply      *reply,
             int         code,
             const char *msg)
{
  reply->status = 200;
  g_string_printf (reply->out,
                   "{\"retCode\":%d,\"retMsg\":\"%s\",\"result\":{},\"retExtInfo\":{},\"time\":%" G_GINT64_FORMAT "}",
                   code, msg, g_get_real_time () / 1000);
}

static gboolean
bybit_common_ok (Reply *reply)
{
  const char *category = param (reply, "category");
  const char *symbol = param (reply, "symbol");

  if (category != NULL && !g_str_equal (category, "linear"))
    {
      bybit_error (reply, 10001, "params error: category only support linear");
      return FALSE;
    }
  if (symbol == NULL || (!g_str_equal (symbol, "BTCUSDT") && !g_str_equal (symbol, "ETHUSDT")))
    {
      bybit_error (reply, 10001, "params error: symbol invalid");
      return FALSE;
    }
  return TRUE;
}

/* @data the interval. */
static void
bybit_kline_row (Reply         *reply,
                 gint64         t,
                 gconstpointer  data)
{
  const IntervalName *interval = data;
  LodeCandle c;

  lode_mock_exchange_candle (reply->mock, t, interval->ms, &c);
  g_string_append_printf (reply->out, "[\"%" G_GINT64_FORMAT "\",", t);
  append_ohlc (reply->out, &c);
  g_string_append_c (reply->out, ',');
  append_str_num (reply->out, "%.3f", c.volume);
  g_string_append_c (reply->out, ',');
  append_str_num (reply->out, "%.2f", c.volume * c.close);
  g_string_append_c (reply->out, ']');
}

static void
bybit_kline (Reply *reply)
{
  LodeMockExchange *self = reply->mock;
  const IntervalName *interval;
  gint64 start, end, limit, t0;
  guint n;

  if (!bybit_common_ok (reply))
    return;
  interval = find_interval (bybit_intervals, param (reply, "interval"));
  if (interval == NULL)
    {
      bybit_error (reply, 10001, "params error: interval invalid");
      return;
    }
  if (!param_int (reply, "start", -1, &start) || !param_int (reply, "end", -1, &end)
      || !param_int (reply, "limit", 200, &limit) || limit < 1 || limit > 1000)
    {
      bybit_error (reply, 10001, "params error: limit invalid");
      return;
    }

  /* The latest `limit` candles of the range, newest first (§2.1). */
  n = select_rows (interval->ms, 0, self->listing_ms, last_open (self, interval->ms, 0),
                   start, end, (guint) limit, FALSE, &t0);

  bybit_envelope_open (reply);
  g_string_append_printf (reply->out, "{\"category\":\"linear\",\"symbol\":\"%s\",\"list\":[",
                          param (reply, "symbol"));
  append_rows (reply, t0, interval->ms, n, TRUE, bybit_kline_row, interval);
  g_string_append (reply->out, "]}");
  bybit_envelope_close (reply);
}

/* Cursor-paged series, newest first: the cursor, once decoded by the
 * query parser, reads "lastid=<row>&lasttime=<s>"; a cursor that was
 * encoded twice (so still has %3D in it) is refused. */
static gboolean
bybit_cursor_rows (Reply      *reply,
                   const char *period_param,
                   gint64      max_limit,
                   gint64     *t0,
                   gint64     *step,
                   guint      *n,
                   gboolean   *more)
{
  LodeMockExchange *self = reply->mock;
  const IntervalName *period;
  const char *cursor = param (reply, "cursor");
  gint64 start, end, limit, first, last;

  if (!bybit_common_ok (reply))
    return FALSE;
  period = find_interval (bybit_periods, param (reply, period_param));
  if (period == NULL)
    {
      bybit_error (reply, 10001, "params error: period invalid");
      return FALSE;
    }
  if (!param_int (reply, "startTime", -1, &start) || !param_int (reply, "endTime", -1, &end)
      || !param_int (reply, "limit", 50, &limit) || limit < 1 || limit > max_limit)
    {
      bybit_error (reply, 10001, "params error: limit invalid");
      return FALSE;
    }

  if (cursor != NULL)
    {
      g_autoptr(GHashTable) fields = soup_form_decode (cursor);
      const char *lasttime = g_hash_table_lookup (fields, "lasttime");
      char *tail;
      gint64 seconds;

      if (lasttime == NULL || g_hash_table_lookup (fields, "lastid") == NULL)
        {
          bybit_error (reply, 10001, "params error: cursor invalid");
          return FALSE;
        }
      seconds = g_ascii_strtoll (lasttime, &tail, 10);
      if (*tail != '\0')
        {
          bybit_error (reply, 10001, "params error: cursor invalid");
          return FALSE;
        }
      end = end >= 0 ? MIN (end, seconds * 1000 - 1) : seconds * 1000 - 1;
    }

  first = ceil_to (self->listing_ms, period->ms, 0);
  last = last_point (self, period->ms, 0);
  *step = period->ms;
  *n = select_rows (period->ms, 0, first, last, start, end, (guint) limit, FALSE, t0);
  *more = *n > 0 && *t0 > MAX (first, start >= 0 ? ceil_to (start, period->ms, 0) : first);
  return TRUE;
}

static void
bybit_append_cursor (Reply  *reply,
                     gboolean more,
                     gint64  oldest,
                     gint64  step)
{
  if (reply->cursor_loop)
    g_string_append_printf (reply->out,
                            ",\"nextPageCursor\":\"lastid%%3D1%%26lasttime%%3D%" G_GINT64_FORMAT "\"}",
                            reply->mock->now_ms / 1000);
  else if (more)
    g_string_append_printf (reply->out,
                            ",\"nextPageCursor\":\"lastid%%3D%" G_GINT64_FORMAT "%%26lasttime%%3D%" G_GINT64_FORMAT "\"}",
                            (oldest - reply->mock->listing_ms) / step, oldest / 1000);
  else
    g_string_append (reply->out, ",\"nextPageCursor\":\"\"}");
}

static void
bybit_oi_row (Reply         *reply,
              gint64         t,
              gconstpointer  data)
{
  double single = lode_mock_exchange_oi_base (reply->mock, t);

  /* openInterest is documented as both sides (§2.2). */
  g_string_append (reply->out, "{\"openInterest\":");
  append_str_num (reply->out, "%.3f", 2 * single);
  if (reply->mock->bybit_single_oi)
    {
      g_string_append (reply->out, ",\"singleOpenInterest\":");
      append_str_num (reply->out, "%.3f", single);
    }
  g_string_append_printf (reply->out, ",\"timestamp\":\"%" G_GINT64_FORMAT "\"}", t);
}

static void
bybit_open_interest (Reply *reply)
{
  gint64 t0, step;
  guint n;
  gboolean more;

  if (!bybit_cursor_rows (reply, "intervalTime", 200, &t0, &step, &n, &more))
    return;

  bybit_envelope_open (reply);
  g_string_append_printf (reply->out, "{\"symbol\":\"%s\",\"category\":\"linear\",\"list\":[",
                          param (reply, "symbol"));
  append_rows (reply, t0, step, n, TRUE, bybit_oi_row, NULL);
  g_string_append_c (reply->out, ']');
  bybit_append_cursor (reply, more, t0, step);
  bybit_envelope_close (reply);
}

static void
bybit_ratio_row (Reply         *reply,
                 gint64         t,
                 gconstpointer  data)
{
  double r = lode_mock_exchange_ratio (reply->mock, t);

  g_string_append_printf (reply->out, "{\"symbol\":\"%s\",\"buyRatio\":", param (reply, "symbol"));
  append_str_num (reply->out, "%.4f", r / (1 + r));
  g_string_append (reply->out, ",\"sellRatio\":");
  append_str_num (reply->out, "%.4f", 1 / (1 + r));
  g_string_append_printf (reply->out, ",\"timestamp\":\"%" G_GINT64_FORMAT "\"}", t);
}

static void
bybit_account_ratio (Reply *reply)
{
  gint64 t0, step;
  guint n;
  gboolean more;

  if (!bybit_cursor_rows (reply, "period", 500, &t0, &step, &n, &more))
    return;

  bybit_envelope_open (reply);
  g_string_append (reply->out, "{\"list\":[");
  append_rows (reply, t0, step, n, TRUE, bybit_ratio_row, NULL);
  g_string_append_c (reply->out, ']');
  bybit_append_cursor (reply, more, t0, step);
  bybit_envelope_close (reply);
}

static void
bybit_funding_row (Reply         *reply,
                   gint64         t,
                   gconstpointer  data)
{
  g_string_append_printf (reply->out, "{\"symbol\":\"%s\",\"fundingRate\":", param (reply, "symbol"));
  append_str_num (reply->out, "%.8f", funding_rate (reply->mock, t));
  g_string_append_printf (reply->out, ",\"fundingRateTimestamp\":\"%" G_GINT64_FORMAT "\"}", t);
}

static void
bybit_funding (Reply *reply)
{
  LodeMockExchange *self = reply->mock;
  gint64 start, end, limit, t0;
  guint n;

  if (!bybit_common_ok (reply))
    return;
  if (!param_int (reply, "startTime", -1, &start) || !param_int (reply, "endTime", -1, &end)
      || !param_int (reply, "limit", 200, &limit) || limit < 1 || limit > 200)
    {
      bybit_error (reply, 10001, "params error: limit invalid");
      return;
    }
  /* §2.4: startTime alone is an error. */
  if (start >= 0 && end < 0)
    {
      bybit_error (reply, 10001, "params error: endTime is required when startTime is given");
      return;
    }

  n = select_rows (8 * HOUR_MS, 0, self->listing_ms, last_point (self, 8 * HOUR_MS, 0),
                   start, end, (guint) limit, FALSE, &t0);
  bybit_envelope_open (reply);
  g_string_append (reply->out, "{\"category\":\"linear\",\"list\":[");
  append_rows (reply, t0, 8 * HOUR_MS, n, TRUE, bybit_funding_row, NULL);
  g_string_append (reply->out, "]}");
  bybit_envelope_close (reply);
}

static void
bybit_orderbook (Reply *reply)
{
  gint64 limit;

  if (!bybit_common_ok (reply))
    return;
  if (!param_int (reply, "limit", 25, &limit) || limit < 1 || limit > 1000)
    {
      bybit_error (reply, 10001, "params error: limit invalid");
      return;
    }

  bybit_envelope_open (reply);
  g_string_append_printf (reply->out, "{\"s\":\"%s\",\"b\":", param (reply, "symbol"));
  append_levels (reply->mock, reply->out, -1, (guint) limit, 1, FALSE, NULL);
  g_string_append (reply->out, ",\"a\":");
  append_levels (reply->mock, reply->out, +1, (guint) limit, 1, FALSE, NULL);
  g_string_append_printf (reply->out,
                          ",\"ts\":%" G_GINT64_FORMAT ",\"u\":230704,\"seq\":1432604333,\"cts\":%" G_GINT64_FORMAT "}",
                          reply->mock->now_ms, reply->mock->now_ms - 45);
  bybit_envelope_close (reply);
}

static void
bybit_instruments (Reply *reply)
{
  static const struct { const char *symbol, *base, *quote, *type, *status; } list[] = {
    { "BTCUSDT", "BTC", "USDT", "LinearPerpetual", "Trading" },
    { "ETHUSDT", "ETH", "USDT", "LinearPerpetual", "Trading" },
    { "BTCPERP", "BTC", "USDC", "LinearPerpetual", "Trading" },
    { "BTC-26DEC25", "BTC", "USDC", "LinearFutures", "Trading" },
    { "GONEUSDT", "GONE", "USDT", "LinearPerpetual", "Closed" },
  };

  bybit_envelope_open (reply);
  g_string_append (reply->out, "{\"category\":\"linear\",\"list\":[");
  for (guint i = 0; i < G_N_ELEMENTS (list); i++)
    g_string_append_printf (reply->out,
                            "%s{\"symbol\":\"%s\",\"contractType\":\"%s\",\"status\":\"%s\","
                            "\"baseCoin\":\"%s\",\"quoteCoin\":\"%s\",\"settleCoin\":\"%s\","
                            "\"launchTime\":\"%" G_GINT64_FORMAT "\",\"fundingInterval\":480,"
                            "\"priceFilter\":{\"tickSize\":\"0.10\"},"
                            "\"lotSizeFilter\":{\"qtyStep\":\"0.001\",\"minOrderQty\":\"0.001\",\"maxOrderQty\":\"1190.000\"},"
                            "\"leverageFilter\":{\"maxLeverage\":\"100.00\"}}",
                            i > 0 ? "," : "", list[i].symbol, list[i].type, list[i].status,
                            list[i].base, list[i].quote, list[i].quote, reply->mock->listing_ms);
  g_string_append (reply->out, "],\"nextPageCursor\":\"\"}");
  bybit_envelope_close (reply);
}

static void
bybit_route (Reply *reply)
{
  const char *p = reply->path;

  if (g_str_equal (p, "/v5/market/kline"))
    bybit_kline (reply);
  else if (g_str_equal (p, "/v5/market/open-interest"))
    bybit_open_interest (reply);
  else if (g_str_equal (p, "/v5/market/account-ratio"))
    bybit_account_ratio (reply);
  else if (g_str_equal (p, "/v5/market/funding/history"))
    bybit_funding (reply);
  else if (g_str_equal (p, "/v5/market/orderbook"))
    bybit_orderbook (reply);
  else if (g_str_equal (p, "/v5/market/instruments-info"))
    bybit_instruments (reply);
  else
    {
      reply->status = 404;
      g_string_assign (reply->out, "{\"retCode\":10404,\"retMsg\":\"Not found\"}");
    }
}

/* ---- OKX v5 (§3) --------------------------------------------------------- */

static void
okx_error (Reply      *reply,
           guint       status,
           const char *code,
           const char *msg)
{
  reply->status = status;
  g_string_printf (reply->out, "{\"code\":\"%s\",\"msg\":\"%s\",\"data\":[]}", code, msg);
}

static gboolean
okx_inst_ok (Reply *reply)
{
  const char *inst = param (reply, "instId");

  if (inst == NULL)
    {
      okx_error (reply, 400, "50014", "Parameter instId can not be empty");
      return FALSE;
    }
  if (!g_str_equal (inst, "BTC-USDT-SWAP") && !g_str_equal (inst, "ETH-USDT-SWAP"))
    {
      okx_error (reply, 200, "51001", "Instrument ID does not exist");
      return FALSE;
    }
  return TRUE;
}

/* after = older than, before = newer than (both exclusive); the newest
 * `limit` rows, newest first. */
static gboolean
okx_after_before (Reply  *reply,
                  gint64  default_limit,
                  gint64  max_limit,
                  gint64 *start,
                  gint64 *end,
                  gint64 *limit)
{
  gint64 after, before;

  if (!param_int (reply, "after", -1, &after) || !param_int (reply, "before", -1, &before)
      || !param_int (reply, "limit", default_limit, limit) || *limit < 1 || *limit > max_limit)
    {
      okx_error (reply, 400, "51000", "Parameter limit error");
      return FALSE;
    }

  *start = before >= 0 ? before + 1 : -1;
  *end = after >= 0 ? after - 1 : -1;
  return TRUE;
}

/* @data the bar. */
static void
okx_candle_row (Reply         *reply,
                gint64         t,
                gconstpointer  data)
{
  const IntervalName *bar = data;
  LodeCandle c;

  lode_mock_exchange_candle (reply->mock, t, bar->ms, &c);
  g_string_append_printf (reply->out, "[\"%" G_GINT64_FORMAT "\",", t);
  append_ohlc (reply->out, &c);
  g_string_append_c (reply->out, ',');
  /* vol in contracts, volCcy in base, volCcyQuote in USDT */
  append_str_num (reply->out, "%.1f", c.volume / LODE_MOCK_OKX_CT_VAL);
  g_string_append_c (reply->out, ',');
  append_str_num (reply->out, "%.3f", c.volume);
  g_string_append_c (reply->out, ',');
  append_str_num (reply->out, "%.2f", c.volume * c.close);
  g_string_append_printf (reply->out, ",\"%s\"]", t + bar->ms <= reply->mock->now_ms ? "1" : "0");
}

static void
okx_candles (Reply    *reply,
             gboolean  history)
{
  LodeMockExchange *self = reply->mock;
  const IntervalName *bar;
  gint64 start, end, limit, t0, first, last;
  guint n;

  if (!okx_inst_ok (reply))
    return;
  bar = find_interval (okx_bars, param (reply, "bar") != NULL ? param (reply, "bar") : "1m");
  if (bar == NULL)
    {
      okx_error (reply, 400, "51000", "Parameter bar error");
      return;
    }
  if (!okx_after_before (reply, 100, 300, &start, &end, &limit))
    return;

  last = last_open (self, bar->ms, bar->offset);
  first = history ? self->listing_ms : last - 1439 * bar->ms;  /* `candles`: latest 1440 */
  n = select_rows (bar->ms, bar->offset, first, last, start, end, (guint) limit, FALSE, &t0);

  g_string_append (reply->out, "{\"code\":\"0\",\"msg\":\"\",\"data\":[");
  append_rows (reply, t0, bar->ms, n, TRUE, okx_candle_row, bar);
  g_string_append (reply->out, "]}");
}

/* Rubik statistics: begin/end inclusive, latest 1,440 entries, newest
 * first, at most 100 a page. */
static gboolean
okx_rubik_rows (Reply  *reply,
                gint64 *t0,
                gint64 *step,
                guint  *n)
{
  LodeMockExchange *self = reply->mock;
  const IntervalName *period;
  gint64 begin, end, limit, last;

  if (!okx_inst_ok (reply))
    return FALSE;
  period = find_interval (okx_bars, param (reply, "period") != NULL ? param (reply, "period") : "5m");
  if (period == NULL || period->ms < 5 * MINUTE_MS)
    {
      okx_error (reply, 400, "51000", "Parameter period error");
      return FALSE;
    }
  if (!param_int (reply, "begin", -1, &begin) || !param_int (reply, "end", -1, &end)
      || !param_int (reply, "limit", 100, &limit) || limit < 1 || limit > 100)
    {
      okx_error (reply, 400, "51000", "Parameter limit error");
      return FALSE;
    }

  last = last_point (self, period->ms, period->offset);
  *step = period->ms;
  *n = select_rows (period->ms, period->offset, MAX (self->listing_ms, last - 1439 * period->ms),
                    last, begin, end, (guint) limit, FALSE, t0);
  return TRUE;
}

/* [ts, oi (contracts), oiCcy (coin), oiUsd] */
static void
okx_oi_row (Reply         *reply,
            gint64         t,
            gconstpointer  data)
{
  double oi = lode_mock_exchange_oi_base (reply->mock, t);

  g_string_append_printf (reply->out, "[\"%" G_GINT64_FORMAT "\",", t);
  append_str_num (reply->out, "%.1f", oi / LODE_MOCK_OKX_CT_VAL);
  g_string_append_c (reply->out, ',');
  append_str_num (reply->out, "%.3f", oi);
  g_string_append_c (reply->out, ',');
  append_str_num (reply->out, "%.4f", oi * lode_mock_exchange_price (reply->mock, t));
  g_string_append_c (reply->out, ']');
}

static void
okx_ratio_row (Reply         *reply,
               gint64         t,
               gconstpointer  data)
{
  g_string_append_printf (reply->out, "[\"%" G_GINT64_FORMAT "\",", t);
  append_str_num (reply->out, "%.4f", lode_mock_exchange_ratio (reply->mock, t));
  g_string_append_c (reply->out, ']');
}

/* Rubik rows of @write. */
static void
okx_rubik (Reply     *reply,
           RowWriter  write)
{
  gint64 t0, step;
  guint n;

  if (!okx_rubik_rows (reply, &t0, &step, &n))
    return;

  g_string_append (reply->out, "{\"code\":\"0\",\"msg\":\"\",\"data\":[");
  append_rows (reply, t0, step, n, TRUE, write, NULL);
  g_string_append (reply->out, "]}");
}

static void
okx_oi_history (Reply *reply)
{
  okx_rubik (reply, okx_oi_row);
}

static void
okx_ratio (Reply *reply)
{
  okx_rubik (reply, okx_ratio_row);
}

static void
okx_books (Reply *reply)
{
  gint64 sz;

  if (!okx_inst_ok (reply))
    return;
  if (!param_int (reply, "sz", 1, &sz) || sz < 1 || sz > 400)
    {
      okx_error (reply, 400, "51000", "Parameter sz error");
      return;
    }

  g_string_append (reply->out, "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"asks\":");
  append_levels (reply->mock, reply->out, +1, (guint) sz, LODE_MOCK_OKX_CT_VAL, FALSE, ",\"0\",\"6\"");
  g_string_append (reply->out, ",\"bids\":");
  append_levels (reply->mock, reply->out, -1, (guint) sz, LODE_MOCK_OKX_CT_VAL, FALSE, ",\"0\",\"11\"");
  g_string_append_printf (reply->out, ",\"ts\":\"%" G_GINT64_FORMAT "\"}]}", reply->mock->now_ms);
}

static void
okx_instruments (Reply *reply)
{
  static const struct { const char *inst, *family, *settle, *ct_val, *ct_val_ccy, *ct_type, *state; } list[] = {
    { "BTC-USDT-SWAP", "BTC-USDT", "USDT", "0.01", "BTC", "linear", "live" },
    { "ETH-USDT-SWAP", "ETH-USDT", "USDT", "0.1", "ETH", "linear", "live" },
    { "BTC-USD-SWAP", "BTC-USD", "BTC", "100", "USD", "inverse", "live" },
    { "OLD-USDT-SWAP", "OLD-USDT", "USDT", "1", "OLD", "linear", "suspend" },
  };
  const char *type = param (reply, "instType");

  if (type == NULL || !g_str_equal (type, "SWAP"))
    {
      okx_error (reply, 400, "51000", "Parameter instType error");
      return;
    }

  g_string_append (reply->out, "{\"code\":\"0\",\"msg\":\"\",\"data\":[");
  for (guint i = 0; i < G_N_ELEMENTS (list); i++)
    g_string_append_printf (reply->out,
                            "%s{\"instType\":\"SWAP\",\"instId\":\"%s\",\"uly\":\"%s\",\"instFamily\":\"%s\","
                            "\"settleCcy\":\"%s\",\"ctVal\":\"%s\",\"ctMult\":\"1\",\"ctValCcy\":\"%s\","
                            "\"ctType\":\"%s\",\"lotSz\":\"0.01\",\"minSz\":\"0.01\",\"tickSz\":\"0.1\","
                            "\"lever\":\"100\",\"state\":\"%s\",\"listTime\":\"%" G_GINT64_FORMAT "\","
                            "\"expTime\":\"\",\"alias\":\"\"}",
                            i > 0 ? "," : "", list[i].inst, list[i].family, list[i].family,
                            list[i].settle, list[i].ct_val, list[i].ct_val_ccy, list[i].ct_type,
                            list[i].state, reply->mock->listing_ms);
  g_string_append (reply->out, "]}");
}

static void
okx_open_interest (Reply *reply)
{
  LodeMockExchange *self = reply->mock;
  double oi = lode_mock_exchange_oi_base (self, self->now_ms);

  if (!okx_inst_ok (reply))
    return;

  g_string_append_printf (reply->out,
                          "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"instType\":\"SWAP\",\"instId\":\"%s\",\"oi\":",
                          param (reply, "instId"));
  append_str_num (reply->out, "%.1f", oi / LODE_MOCK_OKX_CT_VAL);
  g_string_append (reply->out, ",\"oiCcy\":");
  append_str_num (reply->out, "%.3f", oi);
  g_string_append (reply->out, ",\"oiUsd\":");
  append_str_num (reply->out, "%.4f", oi * lode_mock_exchange_price (self, self->now_ms));
  g_string_append_printf (reply->out, ",\"ts\":\"%" G_GINT64_FORMAT "\"}]}", self->now_ms);
}

static void
okx_funding_row (Reply         *reply,
                 gint64         t,
                 gconstpointer  data)
{
  g_string_append_printf (reply->out, "{\"instType\":\"SWAP\",\"instId\":\"%s\",\"fundingRate\":",
                          param (reply, "instId"));
  append_str_num (reply->out, "%.8f", funding_rate (reply->mock, t));
  g_string_append (reply->out, ",\"realizedRate\":");
  append_str_num (reply->out, "%.8f", funding_rate (reply->mock, t));
  g_string_append_printf (reply->out,
                          ",\"fundingTime\":\"%" G_GINT64_FORMAT "\",\"method\":\"current_period\","
                          "\"formulaType\":\"withRate\"}", t);
}

static void
okx_funding_history (Reply *reply)
{
  LodeMockExchange *self = reply->mock;
  gint64 start, end, limit, t0;
  guint n;

  if (!okx_inst_ok (reply) || !okx_after_before (reply, 100, 400, &start, &end, &limit))
    return;

  /* About three months only. */
  n = select_rows (8 * HOUR_MS, 0, self->now_ms - 92 * DAY_MS, last_point (self, 8 * HOUR_MS, 0),
                   start, end, (guint) limit, FALSE, &t0);
  g_string_append (reply->out, "{\"code\":\"0\",\"msg\":\"\",\"data\":[");
  append_rows (reply, t0, 8 * HOUR_MS, n, TRUE, okx_funding_row, NULL);
  g_string_append (reply->out, "]}");
}

static void
okx_route (Reply *reply)
{
  const char *p = reply->path;

  if (g_str_equal (p, "/api/v5/market/history-candles"))
    okx_candles (reply, TRUE);
  else if (g_str_equal (p, "/api/v5/market/candles"))
    okx_candles (reply, FALSE);
  else if (g_str_equal (p, "/api/v5/rubik/stat/contracts/open-interest-history"))
    okx_oi_history (reply);
  else if (g_str_equal (p, "/api/v5/rubik/stat/contracts/long-short-account-ratio-contract")
           || g_str_equal (p, "/api/v5/rubik/stat/contracts/long-short-account-ratio-contract-top-trader"))
    okx_ratio (reply);
  else if (g_str_equal (p, "/api/v5/market/books"))
    okx_books (reply);
  else if (g_str_equal (p, "/api/v5/public/instruments"))
    okx_instruments (reply);
  else if (g_str_equal (p, "/api/v5/public/open-interest"))
    okx_open_interest (reply);
  else if (g_str_equal (p, "/api/v5/public/funding-rate-history"))
    okx_funding_history (reply);
  else
    okx_error (reply, 404, "404", "Not Found");
}

/* ---- Hyperliquid (§4) ---------------------------------------------------- */

static const char * const hyperliquid_coins[] = { "BTC", "ETH", "kPEPE" };

static gboolean
hyperliquid_coin_ok (const char *coin)
{
  for (guint i = 0; i < G_N_ELEMENTS (hyperliquid_coins); i++)
    if (g_strcmp0 (coin, hyperliquid_coins[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
hyperliquid_unprocessable (Reply *reply)
{
  reply->status = 422;
  reply->content_type = "text/plain";
  g_string_assign (reply->out, "Failed to deserialize the JSON body into the target type");
}

typedef struct
{
  const char         *coin;
  const IntervalName *interval;
} HyperliquidSeries;

static void
hyperliquid_candle_row (Reply         *reply,
                        gint64         t,
                        gconstpointer  data)
{
  const HyperliquidSeries *series = data;
  LodeCandle c;

  lode_mock_exchange_candle (reply->mock, t, series->interval->ms, &c);
  g_string_append_printf (reply->out,
                          "{\"t\":%" G_GINT64_FORMAT ",\"T\":%" G_GINT64_FORMAT ",\"s\":\"%s\",\"i\":\"%s\",\"o\":",
                          t, t + series->interval->ms - 1, series->coin, series->interval->name);
  append_str_num (reply->out, "%.1f", c.open);
  g_string_append (reply->out, ",\"c\":");
  append_str_num (reply->out, "%.1f", c.close);
  g_string_append (reply->out, ",\"h\":");
  append_str_num (reply->out, "%.1f", c.high);
  g_string_append (reply->out, ",\"l\":");
  append_str_num (reply->out, "%.1f", c.low);
  g_string_append (reply->out, ",\"v\":");
  append_str_num (reply->out, "%.4f", c.volume);
  g_string_append_printf (reply->out, ",\"n\":%d}", 10 + (int) (t / MINUTE_MS % 200));
}

static void
hyperliquid_candles (Reply *reply)
{
  LodeMockExchange *self = reply->mock;
  JsonNode *req_node = json_object_get_member (reply->body, "req");
  JsonObject *req = req_node != NULL && JSON_NODE_HOLDS_OBJECT (req_node)
                    ? json_node_get_object (req_node) : NULL;
  const IntervalName *interval;
  const char *coin;
  HyperliquidSeries series;
  gint64 start, end, t0, last;
  guint n;

  /* The parameters are nested in "req" (§4.1). */
  if (req == NULL || !body_int (req, "startTime", -2, &start) || start < 0
      || !body_int (req, "endTime", -1, &end)
      || (interval = find_interval (hyperliquid_intervals, body_string (req, "interval"))) == NULL
      || (coin = body_string (req, "coin")) == NULL)
    {
      hyperliquid_unprocessable (reply);
      return;
    }
  if (!hyperliquid_coin_ok (coin))
    {
      g_string_assign (reply->out, "[]");
      return;
    }

  /* The latest 5000 candles exist; at most 500 a reply, from startTime. */
  last = last_open (self, interval->ms, 0);
  n = select_rows (interval->ms, 0, MAX (self->listing_ms, last - 4999 * interval->ms), last,
                   start, end, 500, TRUE, &t0);

  series.coin = coin;
  series.interval = interval;
  g_string_append_c (reply->out, '[');
  append_rows (reply, t0, interval->ms, n, FALSE, hyperliquid_candle_row, &series);
  g_string_append_c (reply->out, ']');
}

static void
hyperliquid_meta_object (Reply *reply)
{
  g_string_append (reply->out,
                   "{\"universe\":["
                   "{\"name\":\"BTC\",\"szDecimals\":5,\"maxLeverage\":40,\"marginTableId\":56},"
                   "{\"name\":\"ETH\",\"szDecimals\":4,\"maxLeverage\":25,\"marginTableId\":55},"
                   "{\"name\":\"kPEPE\",\"szDecimals\":0,\"maxLeverage\":10,\"marginTableId\":10},"
                   "{\"name\":\"OLD\",\"szDecimals\":1,\"maxLeverage\":3,\"marginTableId\":3,\"isDelisted\":true}],"
                   "\"marginTables\":[[56,{\"description\":\"tiered 40x\",\"marginTiers\":["
                   "{\"lowerBound\":\"0.0\",\"maxLeverage\":40},{\"lowerBound\":\"150000000.0\",\"maxLeverage\":20}]}],"
                   "[55,{\"description\":\"tiered 25x\",\"marginTiers\":[{\"lowerBound\":\"0.0\",\"maxLeverage\":25}]}]]}");
}

static void
hyperliquid_asset_ctxs (Reply *reply)
{
  LodeMockExchange *self = reply->mock;
  double px = lode_mock_exchange_price (self, self->now_ms);
  double oi = lode_mock_exchange_oi_base (self, self->now_ms);

  g_string_append_c (reply->out, '[');
  hyperliquid_meta_object (reply);
  g_string_append (reply->out, ",[{\"funding\":\"0.0000125\",\"openInterest\":");
  append_str_num (reply->out, "%.3f", oi);
  g_string_append (reply->out, ",\"prevDayPx\":\"93500.0\",\"dayNtlVlm\":\"2512345678.9\",\"premium\":\"0.00012\",\"oraclePx\":");
  append_str_num (reply->out, "%.1f", px);
  g_string_append (reply->out, ",\"markPx\":");
  append_str_num (reply->out, "%.1f", px);
  g_string_append (reply->out, ",\"midPx\":");
  append_str_num (reply->out, "%.1f", px);
  g_string_append (reply->out, ",\"impactPxs\":[");
  append_str_num (reply->out, "%.1f", px - 1);
  g_string_append_c (reply->out, ',');
  append_str_num (reply->out, "%.1f", px + 1);
  g_string_append (reply->out, "],\"dayBaseVlm\":\"26712.3\"},"
                   "{\"funding\":\"0.00001\",\"openInterest\":\"500000.0\",\"prevDayPx\":\"3100.0\",\"dayNtlVlm\":\"1000.0\","
                   "\"premium\":\"0.0001\",\"oraclePx\":\"3120.0\",\"markPx\":\"3121.0\",\"midPx\":null,\"impactPxs\":null,"
                   "\"dayBaseVlm\":\"10.0\"},"
                   "{\"funding\":\"0.00002\",\"openInterest\":\"90000000\",\"prevDayPx\":\"0.01\",\"dayNtlVlm\":\"1.0\","
                   "\"premium\":\"0.0\",\"oraclePx\":\"0.0102\",\"markPx\":\"0.0102\",\"midPx\":\"0.0102\","
                   "\"impactPxs\":[\"0.0101\",\"0.0103\"],\"dayBaseVlm\":\"1.0\"},"
                   "{\"funding\":\"0.0\",\"openInterest\":\"0.0\",\"prevDayPx\":\"1.0\",\"dayNtlVlm\":\"0.0\","
                   "\"premium\":null,\"oraclePx\":\"1.0\",\"markPx\":\"1.0\",\"midPx\":null,\"impactPxs\":null,"
                   "\"dayBaseVlm\":\"0.0\"}]]");
}

/* @data the coin. */
static void
hyperliquid_funding_row (Reply         *reply,
                         gint64         t,
                         gconstpointer  data)
{
  g_string_append_printf (reply->out, "{\"coin\":\"%s\",\"fundingRate\":", (const char *) data);
  append_str_num (reply->out, "%.7f", funding_rate (reply->mock, t) / 8);
  /* Funding times carry a few ms of jitter. */
  g_string_append_printf (reply->out, ",\"premium\":\"0.00010000\",\"time\":%" G_GINT64_FORMAT "}", t + 34);
}

static void
hyperliquid_funding (Reply *reply)
{
  LodeMockExchange *self = reply->mock;
  const char *coin = body_string (reply->body, "coin");
  gint64 start, end, t0;
  guint n;

  if (coin == NULL || !body_int (reply->body, "startTime", -2, &start) || start < 0
      || !body_int (reply->body, "endTime", -1, &end))
    {
      hyperliquid_unprocessable (reply);
      return;
    }
  if (!hyperliquid_coin_ok (coin))
    {
      g_string_assign (reply->out, "[]");
      return;
    }

  n = select_rows (HOUR_MS, 0, self->listing_ms, last_point (self, HOUR_MS, 0),
                   start, end, 500, TRUE, &t0);
  g_string_append_c (reply->out, '[');
  append_rows (reply, t0, HOUR_MS, n, FALSE, hyperliquid_funding_row, coin);
  g_string_append_c (reply->out, ']');
}

static void
hyperliquid_l2book (Reply *reply)
{
  const char *coin = body_string (reply->body, "coin");

  if (coin == NULL)
    {
      hyperliquid_unprocessable (reply);
      return;
    }
  if (!hyperliquid_coin_ok (coin))
    {
      g_string_assign (reply->out, "null");
      return;
    }

  /* At most 20 levels per side (§4.5). */
  g_string_append_printf (reply->out, "{\"coin\":\"%s\",\"time\":%" G_GINT64_FORMAT ",\"levels\":[",
                          coin, reply->mock->now_ms);
  append_levels (reply->mock, reply->out, -1, 20, 1, TRUE, NULL);
  g_string_append_c (reply->out, ',');
  append_levels (reply->mock, reply->out, +1, 20, 1, TRUE, NULL);
  g_string_append (reply->out, "]}");
}

static void
hyperliquid_route (Reply *reply)
{
  const char *type;

  if (!g_str_equal (reply->path, "/info"))
    {
      reply->status = 404;
      reply->content_type = "text/plain";
      g_string_assign (reply->out, "Not Found");
      return;
    }
  if (reply->body == NULL)
    {
      hyperliquid_unprocessable (reply);
      return;
    }

  type = body_string (reply->body, "type");
  if (g_strcmp0 (type, "candleSnapshot") == 0)
    hyperliquid_candles (reply);
  else if (g_strcmp0 (type, "metaAndAssetCtxs") == 0)
    hyperliquid_asset_ctxs (reply);
  else if (g_strcmp0 (type, "meta") == 0)
    hyperliquid_meta_object (reply);
  else if (g_strcmp0 (type, "fundingHistory") == 0)
    hyperliquid_funding (reply);
  else if (g_strcmp0 (type, "l2Book") == 0)
    hyperliquid_l2book (reply);
  else
    hyperliquid_unprocessable (reply);
}

/* ---- Faults and dispatch ------------------------------------------------- */

/* @request names the request whole (path, query, POST body): a
 * LODE_MOCK_FAULT_FIRST_TRY entry passes over a request it failed before. */
static FaultEntry *
take_fault (LodeMockExchange *self,
            const char       *path,
            const char       *request)
{
  for (GList *l = self->faults.head; l != NULL; l = l->next)
    {
      FaultEntry *entry = l->data;

      if (entry->count > 0 && (entry->path == NULL || g_str_equal (entry->path, path)))
        {
          if (entry->fault.kind == LODE_MOCK_FAULT_FIRST_TRY)
            {
              if (g_hash_table_contains (entry->seen, request))
                continue;
              g_hash_table_add (entry->seen, g_strdup (request));
            }
          entry->count--;
          return entry;
        }
    }
  return NULL;
}

static void
fault_reply (Reply               *reply,
             const LodeMockFault *fault)
{
  gboolean rate_limit = fault->kind == LODE_MOCK_FAULT_RATE_LIMIT;
  gboolean ban = fault->kind == LODE_MOCK_FAULT_BAN;
  const char *venue = reply->venue;

  g_string_truncate (reply->out, 0);
  reply->content_type = "application/json";

  if ((fault->kind == LODE_MOCK_FAULT_STATUS && fault->status >= 500)
      || fault->kind == LODE_MOCK_FAULT_FIRST_TRY)
    {
      reply->status = fault->kind == LODE_MOCK_FAULT_FIRST_TRY ? 503 : fault->status;
      reply->content_type = "text/html";
      g_string_assign (reply->out, "<html><head><title>502 Bad Gateway</title></head>"
                                   "<body><center><h1>Bad Gateway</h1></center></body></html>");
    }
  else if (fault->kind == LODE_MOCK_FAULT_STATUS)
    {
      reply->status = fault->status;
      if (g_str_equal (venue, "binance"))
        g_string_assign (reply->out, "{\"code\":-1100,\"msg\":\"Illegal characters found in a parameter.\"}");
      else if (g_str_equal (venue, "bybit"))
        g_string_assign (reply->out, "{\"retCode\":10001,\"retMsg\":\"params error\",\"result\":{},\"retExtInfo\":{},\"time\":0}");
      else if (g_str_equal (venue, "okx"))
        g_string_assign (reply->out, "{\"code\":\"51000\",\"msg\":\"Parameter error\",\"data\":[]}");
      else
        {
          reply->content_type = "text/plain";
          g_string_assign (reply->out, "Failed to deserialize the JSON body into the target type");
        }
    }
  else if (rate_limit && g_str_equal (venue, "bybit"))
    {
      /* Bybit's limit code comes in a 200 envelope (§2). */
      reply->status = 200;
      g_string_assign (reply->out, "{\"retCode\":10006,\"retMsg\":\"Too many visits!\",\"result\":{},\"retExtInfo\":{},\"time\":0}");
    }
  else if (rate_limit && g_str_equal (venue, "okx"))
    {
      reply->status = 429;
      g_string_assign (reply->out, "{\"code\":\"50011\",\"msg\":\"Too Many Requests\",\"data\":[]}");
    }
  else if (rate_limit && g_str_equal (venue, "binance"))
    {
      reply->status = 429;
      g_string_assign (reply->out, "{\"code\":-1003,\"msg\":\"Too many requests; current limit of IP is 2400 requests per minute.\"}");
    }
  else if (rate_limit)
    {
      reply->status = 429;
      reply->content_type = "text/plain";
      g_string_assign (reply->out, "Too Many Requests");
    }
  else if (ban && g_str_equal (venue, "binance"))
    {
      reply->status = 418;
      g_string_assign (reply->out, "{\"code\":-1003,\"msg\":\"Way too many requests; IP banned until 1767225912345.\"}");
    }
  else if (ban)
    {
      reply->status = 403;
      reply->content_type = "text/plain";
      g_string_assign (reply->out, "access too frequent");
    }
  else if (fault->kind == LODE_MOCK_FAULT_BODY)
    {
      reply->status = 200;
      g_string_assign (reply->out, fault->body != NULL ? fault->body : "");
    }
  else if (fault->kind == LODE_MOCK_FAULT_MALFORMED)
    {
      reply->status = 200;
      g_string_assign (reply->out, "<!DOCTYPE html><p>not json {\"code\":");
    }
  else if (fault->kind == LODE_MOCK_FAULT_EMPTY)
    {
      reply->status = 200;
      if (g_str_equal (venue, "bybit"))
        g_string_assign (reply->out, "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"category\":\"linear\","
                                     "\"list\":[],\"nextPageCursor\":\"\"},\"retExtInfo\":{},\"time\":0}");
      else if (g_str_equal (venue, "okx"))
        g_string_assign (reply->out, "{\"code\":\"0\",\"msg\":\"\",\"data\":[]}");
      else
        g_string_assign (reply->out, "[]");
    }
  else if (fault->kind == LODE_MOCK_FAULT_VENUE_ERROR)
    {
      if (g_str_equal (venue, "bybit"))
        bybit_error (reply, 10001, "params error: symbol invalid");
      else if (g_str_equal (venue, "okx"))
        okx_error (reply, 200, "51001", "Instrument ID does not exist");
      else if (g_str_equal (venue, "binance"))
        binance_error (reply, 400, -1121, "Invalid symbol.");
      else
        hyperliquid_unprocessable (reply);
    }

  if ((rate_limit || ban || fault->kind == LODE_MOCK_FAULT_STATUS) && fault->retry_after_s > 0)
    {
      char buf[16];

      g_snprintf (buf, sizeof buf, "%u", fault->retry_after_s);
      soup_message_headers_replace (soup_server_message_get_response_headers (reply->msg),
                                    "Retry-After", buf);
    }
}

/* Binance reports the weight of the last minute in every reply. */
static guint
binance_used_weight (LodeMockExchange *self,
                     guint             weight)
{
  gint64 now = g_get_monotonic_time ();
  gint64 *entry;
  guint used = 0;

  while ((entry = g_queue_peek_head (&self->binance_weights)) != NULL
         && entry[0] + G_USEC_PER_SEC * 60 <= now)
    g_free (g_queue_pop_head (&self->binance_weights));

  if (weight > 0)
    {
      entry = g_new (gint64, 2);
      entry[0] = now;
      entry[1] = weight;
      g_queue_push_tail (&self->binance_weights, entry);
    }

  for (GList *l = self->binance_weights.head; l != NULL; l = l->next)
    used += (guint) ((gint64 *) l->data)[1];

  return used;
}

/* Bybit's X-Bapi-Limit* headers for one more request now. */
static void
bybit_limit_headers (LodeMockExchange   *self,
                     SoupMessageHeaders *headers)
{
  gint64 now = g_get_real_time () / 1000;
  gint64 *entry;
  char buf[32];
  guint used;

  while ((entry = g_queue_peek_head (&self->bybit_requests)) != NULL
         && *entry + self->bybit_window_ms <= now)
    g_free (g_queue_pop_head (&self->bybit_requests));
  g_queue_push_tail (&self->bybit_requests, g_memdup2 (&now, sizeof now));
  used = g_queue_get_length (&self->bybit_requests);

  g_snprintf (buf, sizeof buf, "%u", self->bybit_limit);
  soup_message_headers_replace (headers, "X-Bapi-Limit", buf);
  g_snprintf (buf, sizeof buf, "%u", used < self->bybit_limit ? self->bybit_limit - used : 0);
  soup_message_headers_replace (headers, "X-Bapi-Limit-Status", buf);
  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT,
              *(gint64 *) g_queue_peek_head (&self->bybit_requests) + self->bybit_window_ms);
  soup_message_headers_replace (headers, "X-Bapi-Limit-Reset-Timestamp", buf);
}

static void
reply_send (Reply *reply)
{
  soup_server_message_set_status (reply->msg, reply->status, NULL);
  soup_server_message_set_response (reply->msg, reply->content_type, SOUP_MEMORY_COPY,
                                    reply->out->str, reply->out->len);
}

typedef struct
{
  SoupServerMessage *msg;
  gboolean           gone;
  gulong             handler;
} Delayed;

static void
on_delayed_disconnected (SoupServerMessage *msg,
                         gpointer           data)
{
  ((Delayed *) data)->gone = TRUE;
}

static gboolean
delayed_reply_cb (gpointer data)
{
  Delayed *delayed = data;

  if (!delayed->gone)
    soup_server_message_unpause (delayed->msg);
  g_signal_handler_disconnect (delayed->msg, delayed->handler);
  g_object_unref (delayed->msg);
  g_free (delayed);

  return G_SOURCE_REMOVE;
}

static void
server_callback (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           data)
{
  LodeMockExchange *self = data;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GHashTable) empty = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  const char *slash;
  g_autofree char *venue = NULL;
  Reply reply = { 0 };
  FaultEntry *fault;

  self->total_hits++;
  g_hash_table_insert (self->hits, g_strdup (path),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (self->hits, path)) + 1));

  slash = strchr (path + 1, '/');
  venue = slash != NULL ? g_strndup (path + 1, slash - path - 1) : g_strdup (path + 1);

  if (query == NULL)
    query = empty = g_hash_table_new (g_str_hash, g_str_equal);

  reply.mock = self;
  reply.msg = msg;
  reply.venue = venue;
  reply.path = slash != NULL ? slash : "/";
  reply.query = query;
  reply.status = 200;
  reply.out = out;
  reply.content_type = "application/json";

  if (g_str_equal (venue, "hyperliquid"))
    {
      SoupMessageBody *body = soup_server_message_get_request_body (msg);

      if (soup_server_message_get_method (msg) != SOUP_METHOD_POST)
        {
          reply.status = 405;
          reply.content_type = "text/plain";
          g_string_assign (out, "Method Not Allowed");
          reply_send (&reply);
          return;
        }
      parser = json_parser_new ();
      if (body->length > 0 && json_parser_load_from_data (parser, body->data, body->length, NULL)
          && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        reply.body = json_node_get_object (json_parser_get_root (parser));
    }
  else if (soup_server_message_get_method (msg) != SOUP_METHOD_GET)
    {
      reply.status = 405;
      reply_send (&reply);
      return;
    }

  {
    SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
    const char *query_string = g_uri_get_query (soup_server_message_get_uri (msg));
    g_autofree char *request = g_strdup_printf ("%s?%s\n%.*s", path,
                                                query_string != NULL ? query_string : "",
                                                (int) request_body->length,
                                                request_body->data != NULL ? request_body->data : "");

    fault = take_fault (self, path, request);
  }
  reply.cursor_loop = fault != NULL && fault->fault.kind == LODE_MOCK_FAULT_CURSOR_LOOP;

  if (g_str_equal (venue, "binance"))
    binance_route (&reply);
  else if (g_str_equal (venue, "bybit"))
    bybit_route (&reply);
  else if (g_str_equal (venue, "okx"))
    okx_route (&reply);
  else if (g_str_equal (venue, "hyperliquid"))
    hyperliquid_route (&reply);
  else
    {
      reply.status = 404;
      reply.content_type = "text/plain";
      g_string_assign (out, "Not Found");
    }

  if (g_str_equal (venue, "bybit"))
    bybit_limit_headers (self, soup_server_message_get_response_headers (msg));

  if (g_str_equal (venue, "binance"))
    {
      char buf[16];

      g_snprintf (buf, sizeof buf, "%u", binance_used_weight (self, reply.weight));
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "X-MBX-USED-WEIGHT-1M", buf);
    }

  if (fault != NULL)
    {
      switch (fault->fault.kind)
        {
        case LODE_MOCK_FAULT_CURSOR_LOOP:
          break;

        case LODE_MOCK_FAULT_TRUNCATE:
          g_string_truncate (out, out->len / 2);
          break;

        case LODE_MOCK_FAULT_HUGE:
          {
            gsize len = out->len;

            g_string_set_size (out, fault->fault.body_bytes + len);
            memmove (out->str + fault->fault.body_bytes, out->str, len);
            memset (out->str, ' ', fault->fault.body_bytes);
          }
          break;

        case LODE_MOCK_FAULT_DELAY:
          {
            Delayed *delayed = g_new0 (Delayed, 1);

            reply_send (&reply);
            delayed->msg = g_object_ref (msg);
            delayed->handler = g_signal_connect (msg, "disconnected",
                                                 G_CALLBACK (on_delayed_disconnected), delayed);
            soup_server_message_pause (msg);
            g_timeout_add (fault->fault.delay_ms, delayed_reply_cb, delayed);
            return;
          }

        case LODE_MOCK_FAULT_STATUS:
        case LODE_MOCK_FAULT_RATE_LIMIT:
        case LODE_MOCK_FAULT_BAN:
        case LODE_MOCK_FAULT_MALFORMED:
        case LODE_MOCK_FAULT_VENUE_ERROR:
        case LODE_MOCK_FAULT_EMPTY:
        default:
          fault_reply (&reply, &fault->fault);
          break;
        }
    }

  reply_send (&reply);
}

/* ---- Public API ---------------------------------------------------------- */

LodeMockExchange *
lode_mock_exchange_new (guint64 seed)
{
  LodeMockExchange *self = g_new0 (LodeMockExchange, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;
  g_autofree char *uri = NULL;

  self->seed = seed;
  for (guint i = 0; i < G_N_ELEMENTS (self->phase); i++)
    self->phase[i] = hash01 (self, (gint64) i, 7) * 2 * G_PI;
  self->now_ms = g_get_real_time () / 1000 / MINUTE_MS * MINUTE_MS;
  self->listing_ms = (self->now_ms - 400 * DAY_MS) / DAY_MS * DAY_MS;
  self->bybit_single_oi = TRUE;
  self->hits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->faults);
  g_queue_init (&self->binance_weights);
  g_queue_init (&self->bybit_requests);
  self->bybit_limit = 600;
  self->bybit_window_ms = 5000;

  self->server = soup_server_new ("server-header", "lode-mock-exchange", NULL);
  soup_server_add_handler (self->server, NULL, server_callback, self, NULL);
  if (!soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("mock exchange: %s", error->message);

  uris = soup_server_get_uris (self->server);
  g_assert (uris != NULL);
  uri = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  /* "http://127.0.0.1:PORT/" → without the slash. */
  if (g_str_has_suffix (uri, "/"))
    uri[strlen (uri) - 1] = '\0';
  self->url = g_steal_pointer (&uri);

  return self;
}

static void
fault_entry_free (gpointer data)
{
  FaultEntry *entry = data;

  g_free (entry->path);
  g_free (entry->body);
  g_clear_pointer (&entry->seen, g_hash_table_unref);
  g_free (entry);
}

void
lode_mock_exchange_free (LodeMockExchange *self)
{
  if (self == NULL)
    return;

  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_queue_clear_full (&self->faults, fault_entry_free);
  g_queue_clear_full (&self->binance_weights, g_free);
  g_queue_clear_full (&self->bybit_requests, g_free);
  g_hash_table_unref (self->hits);
  g_free (self->url);
  g_free (self);
}

char *
lode_mock_exchange_get_base_url (LodeMockExchange *self,
                                 const char       *venue)
{
  return g_strdup_printf ("%s/%s", self->url, venue);
}

SoupServer *
lode_mock_exchange_get_server (LodeMockExchange *self)
{
  return self->server;
}

gint64
lode_mock_exchange_get_now_ms (LodeMockExchange *self)
{
  return self->now_ms;
}

gint64
lode_mock_exchange_get_listing_ms (LodeMockExchange *self)
{
  return self->listing_ms;
}

void
lode_mock_exchange_add_fault (LodeMockExchange    *self,
                              const char          *path,
                              guint                count,
                              const LodeMockFault *fault)
{
  FaultEntry *entry = g_new0 (FaultEntry, 1);

  entry->path = g_strdup (path);
  entry->count = count;
  entry->fault = *fault;
  entry->body = g_strdup (fault->body);
  entry->fault.body = entry->body;
  if (fault->kind == LODE_MOCK_FAULT_FIRST_TRY)
    entry->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_push_tail (&self->faults, entry);
}

void
lode_mock_exchange_clear_faults (LodeMockExchange *self)
{
  g_queue_clear_full (&self->faults, fault_entry_free);
}

guint
lode_mock_exchange_get_hits (LodeMockExchange *self,
                             const char       *path)
{
  if (path == NULL)
    return self->total_hits;

  return GPOINTER_TO_UINT (g_hash_table_lookup (self->hits, path));
}

void
lode_mock_exchange_set_bybit_single_oi (LodeMockExchange *self,
                                        gboolean          single)
{
  self->bybit_single_oi = single;
}

void
lode_mock_exchange_set_bybit_limit (LodeMockExchange *self,
                                    guint             limit,
                                    guint             window_ms)
{
  self->bybit_limit = limit;
  self->bybit_window_ms = window_ms;
}
