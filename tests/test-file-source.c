/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "lode-demo-source.h"
#include "lode-file-source.h"

static LodeMarket *
load_string (const char  *text,
             GError     **error)
{
  return lode_file_source_load_from_data (text, strlen (text), error);
}

static LodeMarket *
load_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  LodeMarket *market = load_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (market);

  return market;
}

static void
test_good_ms (void)
{
  g_autoptr(LodeMarket) market = load_ok (
    "time,open,high,low,close,volume,oi_usd,long_share\n"
    "1700000000000,100,110,95,105,12.5,1000000,0.6\n"
    "1700000060000,105,106,101,102,3,1100000,0.55\n"
    "1700000120000,102,103,100,100.5,0,900000,0.5\n");
  const LodeCandle *c;

  g_assert_cmpuint (lode_market_get_n_candles (market), ==, 3);
  g_assert_cmpint (lode_market_get_interval_ms (market), ==, 60000);

  c = lode_market_get_candle (market, 0);
  g_assert_cmpint (c->time_ms, ==, G_GINT64_CONSTANT (1700000000000));
  g_assert_cmpfloat (c->open, ==, 100);
  g_assert_cmpfloat (c->high, ==, 110);
  g_assert_cmpfloat (c->low, ==, 95);
  g_assert_cmpfloat (c->close, ==, 105);
  g_assert_cmpfloat (c->volume, ==, 12.5);
  g_assert_cmpfloat (c->oi_usd, ==, 1000000);
  g_assert_cmpfloat (c->long_share, ==, 0.6);

  c = lode_market_get_candle (market, 2);
  g_assert_cmpfloat (c->close, ==, 100.5);
}

static void
test_good_seconds (void)
{
  g_autoptr(LodeMarket) market = load_ok (
    "time,open,high,low,close,volume,oi_usd\n"
    "1700000000,100,110,95,105,1,1000\n"
    "1700000300,105,106,101,102,1,1100\n"
    "1700000600,102,103,100,101,1,900\n");

  g_assert_cmpuint (lode_market_get_n_candles (market), ==, 3);
  g_assert_cmpint (lode_market_get_candle (market, 0)->time_ms, ==, G_GINT64_CONSTANT (1700000000000));
  g_assert_cmpint (lode_market_get_interval_ms (market), ==, 300000);
}

static void
test_good_iso8601 (void)
{
  /* 2024-01-01T00:00:00Z = 1704067200 s. No zone means UTC; an offset is
   * honoured (01:02+01:00 is 00:02Z). */
  g_autoptr(LodeMarket) market = load_ok (
    "time,open,high,low,close,volume,oi_usd\n"
    "2024-01-01T00:00:00Z,100,110,95,105,1,1000\n"
    "2024-01-01T00:01:00,105,106,101,102,1,1100\n"
    "2024-01-01T01:02:00+01:00,102,103,100,101,1,900\n"
    "2024-01-01T00:03:00.000Z,102,103,100,101,1,900\n");

  g_assert_cmpuint (lode_market_get_n_candles (market), ==, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (lode_market_get_candle (market, i)->time_ms, ==,
                     G_GINT64_CONSTANT (1704067200000) + i * 60000);
  g_assert_cmpint (lode_market_get_interval_ms (market), ==, 60000);
}

static void
test_good_iso_date (void)
{
  /* Daily candles dated without a time: midnight UTC; a space may stand
   * for the T. */
  g_autoptr(LodeMarket) market = load_ok (
    "time,open,high,low,close,volume,oi_usd\n"
    "2024-01-01,100,110,95,105,1,1000\n"
    "2024-01-02 00:00:00,105,106,101,102,1,1100\n"
    "2024-01-03,102,103,100,101,1,900\n");

  g_assert_cmpint (lode_market_get_candle (market, 0)->time_ms, ==, G_GINT64_CONSTANT (1704067200000));
  g_assert_cmpint (lode_market_get_candle (market, 1)->time_ms, ==, G_GINT64_CONSTANT (1704153600000));
  g_assert_cmpint (lode_market_get_interval_ms (market), ==, 86400000);
}

static void
test_good_columns (void)
{
  /* Any order, any case, unknown columns ignored, no long_share → 0.5. */
  g_autoptr(LodeMarket) market = load_ok (
    "symbol,OI_USD,close,Time,low,high,open,trades,volume\n"
    "BTC,1000,105,1700000000000,95,110,100,7,2\n"
    "BTC,1200,102,1700003600000,101,106,105,9,3\n");
  const LodeCandle *c = lode_market_get_candle (market, 1);

  g_assert_cmpint (lode_market_get_interval_ms (market), ==, 3600000);
  g_assert_cmpfloat (c->open, ==, 105);
  g_assert_cmpfloat (c->high, ==, 106);
  g_assert_cmpfloat (c->low, ==, 101);
  g_assert_cmpfloat (c->close, ==, 102);
  g_assert_cmpfloat (c->volume, ==, 3);
  g_assert_cmpfloat (c->oi_usd, ==, 1200);
  g_assert_cmpfloat (c->long_share, ==, 0.5);
}

static void
test_good_unknown_oi (void)
{
  g_autoptr(LodeMarket) market = load_ok (
    "time,open,high,low,close,volume,oi_usd,long_share\n"
    "1700000000000,100,110,95,105,1,,\n"
    "1700000060000,105,106,101,102,1,nan,0.7\n"
    "1700000120000,102,103,100,101,1,5e6,0.5\n");

  g_assert_true (isnan (lode_market_get_candle (market, 0)->oi_usd));
  g_assert_cmpfloat (lode_market_get_candle (market, 0)->long_share, ==, 0.5);
  g_assert_true (isnan (lode_market_get_candle (market, 1)->oi_usd));
  g_assert_cmpfloat (lode_market_get_candle (market, 2)->oi_usd, ==, 5e6);
}

static void
test_good_dialect (void)
{
  /* BOM, CRLF, quoted cells (one with a comma in an ignored column),
   * blanks around cells, a blank line, no final newline. */
  g_autoptr(LodeMarket) market = load_ok (
    "\xEF\xBB\xBF\"time\",\"open\",high,low,close,volume,oi_usd,note\r\n"
    "1700000000000, \"100\" ,110,95,105,1,1000,\"a, \"\"b\"\"\"\r\n"
    "\r\n"
    "1700000060000,105,106,101,102,1,1100,\r\n"
    "1700000120000,102,103,100,101,1,900,x");

  g_assert_cmpuint (lode_market_get_n_candles (market), ==, 3);
  g_assert_cmpfloat (lode_market_get_candle (market, 0)->open, ==, 100);
  g_assert_cmpfloat (lode_market_get_candle (market, 2)->oi_usd, ==, 900);
}

static void
test_good_interval_with_gap (void)
{
  /* Differences 60, 60, 180 (an outage), 60 s: Δ is the common one. */
  g_autoptr(LodeMarket) market = load_ok (
    "time,open,high,low,close,volume,oi_usd\n"
    "1700000000000,100,110,95,105,1,1000\n"
    "1700000060000,105,106,101,102,1,1100\n"
    "1700000120000,102,103,100,101,1,900\n"
    "1700000300000,102,103,100,101,1,900\n"
    "1700000360000,102,103,100,101,1,900\n");

  g_assert_cmpint (lode_market_get_interval_ms (market), ==, 60000);
}

typedef struct
{
  const char *name;
  const char *text;
  int         code;
  const char *needle;  /* must appear in the message */
} BadCase;

#define HEADER "time,open,high,low,close,volume,oi_usd\n"
#define ROW1   "1700000000000,100,110,95,105,1,1000\n"

static const BadCase bad_cases[] = {
  { "empty", "", LODE_SOURCE_ERROR_PARSE, "empty" },
  { "blank", "\n\r\n  \n", LODE_SOURCE_ERROR_PARSE, "empty" },
  { "missing-header", ROW1 "1700000060000,105,106,101,102,1,1100\n",
    LODE_SOURCE_ERROR_PARSE, "line 1: missing header" },
  { "missing-column", "time,open,high,low,close,volume\n" "1,2,3,1,2,1\n",
    LODE_SOURCE_ERROR_PARSE, "line 1: missing column(s) oi_usd" },
  { "duplicate-column", "time,open,high,low,close,volume,oi_usd,open\n",
    LODE_SOURCE_ERROR_PARSE, "line 1: column “open” appears twice" },
  { "header-only", HEADER, LODE_SOURCE_ERROR_PARSE, "no candles" },
  { "one-row", HEADER ROW1, LODE_SOURCE_ERROR_PARSE, "only one candle" },
  { "non-numeric", HEADER ROW1 "1700000060000,105,abc,101,102,1,1100\n",
    LODE_SOURCE_ERROR_PARSE, "line 3: high: “abc” is not a number" },
  { "trailing-garbage", HEADER ROW1 "1700000060000,105,106x,101,102,1,1100\n",
    LODE_SOURCE_ERROR_PARSE, "line 3: high" },
  { "empty-price", HEADER ROW1 "1700000060000,,106,101,102,1,1100\n",
    LODE_SOURCE_ERROR_PARSE, "line 3: open" },
  { "non-finite", HEADER ROW1 "1700000060000,105,106,101,102,1,1100\n" "1700000120000,105,inf,101,102,1,1100\n",
    LODE_SOURCE_ERROR_PARSE, "line 4: high: “inf” is not a finite number" },
  { "overflow", HEADER "1700000060000,105,1e999,101,102,1,1100\n",
    LODE_SOURCE_ERROR_PARSE, "line 2: high: “1e999” is not a finite number" },
  { "nan-price", HEADER "1700000060000,nan,106,101,102,1,1100\n",
    LODE_SOURCE_ERROR_PARSE, "line 2: open" },
  { "bad-time", HEADER "yesterday,105,106,101,102,1,1100\n",
    LODE_SOURCE_ERROR_PARSE, "line 2: time" },
  { "too-few-cells", HEADER ROW1 "1700000060000,105,106,101,102,1\n",
    LODE_SOURCE_ERROR_PARSE, "line 3: too few cells: expected 7, found 6" },
  { "too-many-cells", HEADER ROW1 "1700000060000,105,106,101,102,1,5,5\n",
    LODE_SOURCE_ERROR_PARSE, "line 3: too many cells" },
  { "unterminated-quote", HEADER ROW1 "1700000060000,\"105,106,101,102,1,5\n",
    LODE_SOURCE_ERROR_PARSE, "line 3: unterminated" },
  { "not-ascending", HEADER ROW1 "1700000060000,105,106,101,102,1,1100\n"
    "1699999940000,105,106,101,102,1,1100\n",
    LODE_SOURCE_ERROR_INVALID_SERIES, "line 4: times not ascending (earlier than line 3)" },
  { "duplicate-time", HEADER ROW1 "\n" ROW1,
    LODE_SOURCE_ERROR_INVALID_SERIES, "line 4: duplicate time 1700000000000 (also on line 2)" },
  { "high-below-low", HEADER ROW1 "1700000060000,105,100,106,102,1,1100\n",
    LODE_SOURCE_ERROR_INVALID_SERIES, "line 3: high is below low" },
  { "low-above-close", HEADER ROW1 "1700000060000,105,110,103,102,1,1100\n",
    LODE_SOURCE_ERROR_INVALID_SERIES, "line 3: low is above" },
  { "negative-price", HEADER ROW1 "1700000060000,-1,106,-2,102,1,1100\n",
    LODE_SOURCE_ERROR_INVALID_SERIES, "line 3: prices must be > 0" },
  { "negative-volume", HEADER ROW1 "1700000060000,105,106,101,102,-1,1100\n",
    LODE_SOURCE_ERROR_INVALID_SERIES, "line 3: volume" },
  { "negative-oi", HEADER ROW1 "1700000060000,105,106,101,102,1,-5\n",
    LODE_SOURCE_ERROR_INVALID_SERIES, "line 3: oi_usd" },
  { "long-share-range", "time,open,high,low,close,volume,oi_usd,long_share\n"
    "1700000060000,105,106,101,102,1,5,1.5\n",
    LODE_SOURCE_ERROR_INVALID_SERIES, "line 2: long_share" },
  { "nul-byte", HEADER "1700000060000,105\0,106,101,102,1,5\n",
    LODE_SOURCE_ERROR_PARSE, "line 2: contains a NUL byte" },
};

static void
test_bad (gconstpointer data)
{
  const BadCase *bad = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = NULL;
  gsize len = strlen (bad->text);

  /* The NUL case carries its length past the NUL. */
  if (strcmp (bad->name, "nul-byte") == 0)
    len = sizeof (HEADER "1700000060000,105\0,106,101,102,1,5\n") - 1;

  market = lode_file_source_load_from_data (bad->text, len, &error);
  g_assert_null (market);
  g_assert_error (error, LODE_SOURCE_ERROR, bad->code);
  if (strstr (error->message, bad->needle) == NULL)
    g_error ("message “%s” lacks “%s”", error->message, bad->needle);
}

static void
assert_same_series (const LodeMarket *a,
                    const LodeMarket *b)
{
  gsize n = lode_market_get_n_candles (a);

  g_assert_cmpuint (lode_market_get_n_candles (b), ==, n);
  g_assert_cmpint (lode_market_get_interval_ms (a), ==, lode_market_get_interval_ms (b));

  for (gsize i = 0; i < n; i++)
    {
      const LodeCandle *x = lode_market_get_candle (a, i);
      const LodeCandle *y = lode_market_get_candle (b, i);

      g_assert_cmpint (x->time_ms, ==, y->time_ms);
      g_assert_cmpfloat (x->open, ==, y->open);
      g_assert_cmpfloat (x->high, ==, y->high);
      g_assert_cmpfloat (x->low, ==, y->low);
      g_assert_cmpfloat (x->close, ==, y->close);
      g_assert_cmpfloat (x->volume, ==, y->volume);
      g_assert_cmpint (isnan (x->oi_usd), ==, isnan (y->oi_usd));
      if (!isnan (x->oi_usd))
        g_assert_cmpfloat (x->oi_usd, ==, y->oi_usd);
      g_assert_cmpfloat (x->long_share, ==, y->long_share);
    }
}

static void
test_round_trip_demo (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = NULL;
  g_autoptr(LodeMarket) loaded = NULL;
  g_autoptr(LodeMarket) reloaded = NULL;
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  LodeDemoParams params;

  lode_demo_params_init_default (&params);
  params.days = 2;
  params.interval_ms = 5 * 60000;
  market = lode_demo_market_generate (&params, &error);
  g_assert_no_error (error);

  text = lode_file_source_to_string (market);
  g_assert_true (g_str_has_prefix (text, "time,open,high,low,close,volume,oi_usd,long_share\n"));
  loaded = lode_file_source_load_from_data (text, strlen (text), &error);
  g_assert_no_error (error);
  assert_same_series (market, loaded);

  dir = g_dir_make_tmp ("lode-file-source-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "series.csv", NULL);
  lode_file_source_save (loaded, path, &error);
  g_assert_no_error (error);
  reloaded = lode_file_source_load (path, &error);
  g_assert_no_error (error);
  assert_same_series (market, reloaded);

  again = lode_file_source_to_string (reloaded);
  g_assert_cmpstr (text, ==, again);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_round_trip_exact (void)
{
  /* Values that %.15g would not reproduce, and unknown OI. */
  LodeCandle candles[2] = {
    { 1700000000000, 0.1 + 0.2, 1.0 / 3.0 + 1, 0.1, 0.3, 1e-300, NAN, 0.5 },
    { 1700000060000, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0, 123456.789, 1e12 / 7, 1.0 / 7 },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = lode_market_new (candles, 2, 60000, &error);
  g_autoptr(LodeMarket) loaded = NULL;
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  text = lode_file_source_to_string (market);
  loaded = lode_file_source_load_from_data (text, strlen (text), &error);
  g_assert_no_error (error);
  assert_same_series (market, loaded);
}

static void
test_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = lode_file_source_load ("/nonexistent/lodestone.csv", &error);

  g_assert_null (market);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

static void
test_round_trip_before_1973 (void)
{
  /* Found by fuzz-csv: ms below 1e11 (before March 1973) were written as a
   * bare number, which reads back as seconds. */
  static const char text[] =
    "time,open,high,low,close,volume,oi_usd\n"
    "-1.5,1,2,0.5,0.5,10,\n"
    "-0.5,1,2,0.5,0.5,10,\n"
    "4718215.25,1,2,0.5,0.5,10,\n"
    "1700000060000,1.5,2,1,1.2,3,nan\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = NULL;
  g_autoptr(LodeMarket) loaded = NULL;
  g_autofree char *written = NULL;

  market = lode_file_source_load_from_data (text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_cmpint (lode_market_get_candles (market)[0].time_ms, ==, -1500);
  g_assert_cmpint (lode_market_get_candles (market)[2].time_ms, ==, 4718215250);
  written = lode_file_source_to_string (market);
  loaded = lode_file_source_load_from_data (written, strlen (written), &error);
  g_assert_no_error (error);
  assert_same_series (market, loaded);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sources/file/good/ms", test_good_ms);
  g_test_add_func ("/sources/file/good/seconds", test_good_seconds);
  g_test_add_func ("/sources/file/good/iso8601", test_good_iso8601);
  g_test_add_func ("/sources/file/good/iso-date", test_good_iso_date);
  g_test_add_func ("/sources/file/good/columns-by-name", test_good_columns);
  g_test_add_func ("/sources/file/good/unknown-oi", test_good_unknown_oi);
  g_test_add_func ("/sources/file/good/bom-crlf-quotes", test_good_dialect);
  g_test_add_func ("/sources/file/good/interval-with-gap", test_good_interval_with_gap);

  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sources/file/bad/%s", bad_cases[i].name);

      g_test_add_data_func (path, &bad_cases[i], test_bad);
    }

  g_test_add_func ("/sources/file/round-trip/demo", test_round_trip_demo);
  g_test_add_func ("/sources/file/round-trip/exact", test_round_trip_exact);
  g_test_add_func ("/sources/file/missing-file", test_missing_file);
  g_test_add_func ("/sources/file/round-trip/before-1973", test_round_trip_before_1973);

  return g_test_run ();
}
