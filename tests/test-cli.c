/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Runs the built lodestone-cli (CLI_PATH, or $LODESTONE_CLI) without a
 * display and checks its exports against the model API. */

#include "config.h"

#include <cairo.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "lode-file-source.h"
#include "lode-liq-model.h"

typedef struct
{
  char *dir;      /* a fresh temporary directory for outputs */
  char *fixture;  /* tests/data/cli-market.csv */
} Fixture;

static const char *
cli_path (void)
{
  const char *path = g_getenv ("LODESTONE_CLI");

#ifdef CLI_PATH
  if (path == NULL)
    path = CLI_PATH;
#endif
  g_assert_nonnull (path);

  return path;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("lode-test-cli-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->fixture = g_test_build_filename (G_TEST_DIST, "data", "cli-market.csv", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->fixture);
}

static char *
out_path (Fixture    *fixture,
          const char *name)
{
  return g_build_filename (fixture->dir, name, NULL);
}

/* Runs the CLI with @args (NULL-terminated) and no display; returns its
 * exit status. */
static int
run_cli (const char * const  *args,
         char               **out,
         char               **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  int wait_status;
  int status = 0;

  envp = g_environ_unsetenv (envp, "DISPLAY");
  envp = g_environ_unsetenv (envp, "WAYLAND_DISPLAY");

  g_ptr_array_add (argv, (char *) cli_path ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
                &stdout_text, &stderr_text, &wait_status, &error);
  g_assert_no_error (error);

  if (!g_spawn_check_wait_status (wait_status, &error))
    {
      g_assert_error (error, G_SPAWN_EXIT_ERROR, error->code);
      status = error->code;
    }

  if (status != 0)
    g_test_message ("lodestone-cli exited with %d: %s", status, stderr_text);

  if (out != NULL)
    *out = g_steal_pointer (&stdout_text);
  if (err != NULL)
    *err = g_steal_pointer (&stderr_text);

  return status;
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  return contents;
}

static LodeLiqModel *
build_fixture_model (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = lode_file_source_load (fixture->fixture, &error);
  LodeModelParams params;
  LodeLiqModel *model;

  g_assert_no_error (error);
  lode_model_params_init_default (&params);
  model = lode_liq_model_build (market, &params, NULL, &error);
  g_assert_no_error (error);

  return model;
}

static void
test_help (void)
{
  const char *args[] = { "--help", NULL };
  g_autofree char *out = NULL;

  g_assert_cmpint (run_cli (args, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "--export-heatmap"));
  g_assert_nonnull (strstr (out, "--export-clusters"));
  g_assert_nonnull (strstr (out, "--source"));
}

static void
test_summary_demo (void)
{
  const char *args[] = { "--days", "2", "--interval", "5m", NULL };
  g_autofree char *out = NULL;

  g_assert_cmpint (run_cli (args, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Demo market (simulated)"));
  g_assert_nonnull (strstr (out, "576 × 5m"));
  g_assert_nonnull (strstr (out, "Live levels:"));
}

static void
test_export_series (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *path = out_path (fixture, "series.csv");
  const char *args[] = { "--input", fixture->fixture, "--export-series", path, NULL };
  g_autofree char *expected = read_file (fixture->fixture);
  g_autofree char *written = NULL;

  g_assert_cmpint (run_cli (args, NULL, NULL), ==, 0);

  /* The fixture was written by the same exporter: byte for byte. */
  written = read_file (path);
  g_assert_cmpstr (written, ==, expected);
}

static void
test_export_series_demo (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *path = out_path (fixture, "demo.csv");
  const char *args[] = { "--seed", "7", "--days", "1", "--interval", "1h",
                         "--export-series", path, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = NULL;

  g_assert_cmpint (run_cli (args, NULL, NULL), ==, 0);
  market = lode_file_source_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lode_market_get_n_candles (market), ==, 24);
  g_assert_cmpint (lode_market_get_interval_ms (market), ==, 3600000);
}

static void
test_export_to_stdout (void)
{
  const char *args[] = { "--days", "1", "--interval", "1h", "--export-series", "-", NULL };
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (run_cli (args, &out, NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "time,open,high,low,close,volume,oi_usd,long_share");
  /* Header, 24 candles, and the empty string after the last newline. */
  g_assert_cmpuint (g_strv_length (lines), ==, 26);
}

static void
test_export_levels (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *path = out_path (fixture, "levels.csv");
  const char *args[] = { "--input", fixture->fixture, "--export-levels", path, NULL };
  g_autoptr(LodeLiqModel) model = build_fixture_model (fixture);
  g_autoptr(LodeLevelSet) set = lode_liq_model_current (model);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  const LodeLevel *levels;
  gsize n_levels;
  double sum = 0, expected_sum = 0;
  guint n_rows = 0;

  g_assert_cmpint (run_cli (args, NULL, NULL), ==, 0);

  text = read_file (path);
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "price,side,amount_usd,created_ms");

  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[i], ",", -1);
      char *end = NULL;
      double price, amount;

      g_assert_cmpuint (g_strv_length (cells), ==, 4);
      price = g_ascii_strtod (cells[0], &end);
      g_assert_true (*end == '\0' && isfinite (price) && price > 0);
      g_assert_true (strcmp (cells[1], "long") == 0 || strcmp (cells[1], "short") == 0);
      amount = g_ascii_strtod (cells[2], &end);
      g_assert_true (*end == '\0' && isfinite (amount) && amount > 0);
      g_assert_true (g_ascii_string_to_signed (cells[3], 10, 0, G_MAXINT64, NULL, NULL));
      sum += amount;
      n_rows++;
    }

  levels = lode_level_set_get_levels (set, &n_levels);
  for (gsize i = 0; i < n_levels; i++)
    expected_sum += levels[i].amount_usd;

  g_assert_cmpuint (n_levels, >, 0);
  g_assert_cmpuint (n_rows, ==, n_levels);
  g_assert_cmpfloat_with_epsilon (sum, expected_sum, 1e-9 * expected_sum);
}

/* Σ over the columns of the live amounts (of @side, or both when @side is
 * -1) in [lo, hi) of the snapshot each column shows: what the grid must
 * add up to in the raw, long and short modes. */
static double
expected_heatmap_sum (LodeLiqModel *model,
                      guint         columns,
                      double        lo,
                      double        hi,
                      int           side)
{
  gsize n = lode_market_get_n_candles (lode_liq_model_get_market (model));
  double sum = 0;

  for (guint c = 0; c < columns; c++)
    {
      gsize b = (gsize) ((c + 1) * n / columns) - 1;
      g_autoptr(LodeLevelSet) set = lode_liq_model_snapshot (model, b);

      if (side != LODE_SIDE_SHORT)
        sum += lode_level_set_sum_range (set, LODE_SIDE_LONG, lo, hi);
      if (side != LODE_SIDE_LONG)
        sum += lode_level_set_sum_range (set, LODE_SIDE_SHORT, lo, hi);
    }

  return sum;
}

static double
read_grid (const char *path,
           guint       columns,
           guint       rows)
{
  g_autofree char *text = read_file (path);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  double sum = 0;

  /* R lines, each ending in a newline, so one empty string after them. */
  g_assert_cmpuint (g_strv_length (lines), ==, rows + 1);
  g_assert_cmpstr (lines[rows], ==, "");

  for (guint r = 0; r < rows; r++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[r], ",", -1);

      g_assert_cmpuint (g_strv_length (cells), ==, columns);
      for (guint c = 0; c < columns; c++)
        {
          char *end = NULL;
          double v = g_ascii_strtod (cells[c], &end);

          g_assert_true (*end == '\0' && isfinite (v) && v >= 0);
          sum += v;
        }
    }

  return sum;
}

static void
test_export_heatmap (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *path = out_path (fixture, "heatmap.csv");
  const char *args[] = { "--input", fixture->fixture, "--export-heatmap", path,
                         "--columns", "7", "--rows", "11", NULL };
  g_autoptr(LodeLiqModel) model = build_fixture_model (fixture);
  LodeMarket *market = lode_liq_model_get_market (model);
  const LodeCandle *candles = lode_market_get_candles (market);
  double lo = INFINITY, hi = 0, sum, expected;

  g_assert_cmpint (run_cli (args, NULL, NULL), ==, 0);

  /* Default rows: the lowest low to the highest high. */
  for (gsize i = 0; i < lode_market_get_n_candles (market); i++)
    {
      lo = MIN (lo, candles[i].low);
      hi = MAX (hi, candles[i].high);
    }

  sum = read_grid (path, 7, 11);
  expected = expected_heatmap_sum (model, 7, lo, hi, -1);
  g_assert_cmpfloat (expected, >, 0);
  g_assert_cmpfloat_with_epsilon (sum, expected, 1e-5 * expected);
}

static void
test_export_heatmap_smoothed (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *raw_path = out_path (fixture, "heatmap-raw.csv");
  g_autofree char *smooth_path = out_path (fixture, "heatmap-smoothed.csv");
  const char *raw_args[] = { "--input", fixture->fixture, "--export-heatmap", raw_path,
                             "--columns", "6", "--rows", "300", NULL };
  const char *smooth_args[] = { "--input", fixture->fixture, "--export-heatmap", smooth_path,
                                "--columns", "6", "--rows", "300", "--mode", "smoothed", NULL };
  double raw, smoothed;

  g_assert_cmpint (run_cli (raw_args, NULL, NULL), ==, 0);
  g_assert_cmpint (run_cli (smooth_args, NULL, NULL), ==, 0);

  /* §6: smoothing moves mass along the price axis; only what leaves the
   * view is lost. */
  raw = read_grid (raw_path, 6, 300);
  smoothed = read_grid (smooth_path, 6, 300);
  g_assert_cmpfloat (smoothed, >, 0.5 * raw);
  g_assert_cmpfloat (smoothed, <=, raw * (1 + 1e-5));
}

static void
test_export_heatmap_range_and_mode (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autofree char *path = out_path (fixture, "heatmap-long.csv");
  const char *args[] = { "--input", fixture->fixture, "--export-heatmap", path,
                         "--columns", "5", "--rows", "40", "--mode", "long",
                         "--price-min", "80000", "--price-max", "90000", NULL };
  g_autoptr(LodeLiqModel) model = build_fixture_model (fixture);
  double sum, expected;

  g_assert_cmpint (run_cli (args, NULL, NULL), ==, 0);

  sum = read_grid (path, 5, 40);
  expected = expected_heatmap_sum (model, 5, 80000, 90000, LODE_SIDE_LONG);
  g_assert_cmpfloat (expected, >, 0);
  g_assert_cmpfloat_with_epsilon (sum, expected, 1e-5 * expected);
}

static void
test_export_clusters (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *path = out_path (fixture, "clusters.json");
  const char *args[] = { "--input", fixture->fixture, "--export-clusters", path, NULL };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonArray *clusters;
  double previous = INFINITY, share_sum = 0;
  guint n;

  g_assert_cmpint (run_cli (args, NULL, NULL), ==, 0);

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpfloat (json_object_get_double_member (root, "close"), >, 0);
  clusters = json_object_get_array_member (root, "clusters");
  n = json_array_get_length (clusters);
  g_assert_cmpuint (n, >, 0);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *cluster = json_array_get_object_element (clusters, i);
      const char *side = json_object_get_string_member (cluster, "side");
      double strength = json_object_get_double_member (cluster, "strength_usd");

      g_assert_cmpint (json_object_get_int_member (cluster, "rank"), ==, i + 1);
      g_assert_true (strcmp (side, "long") == 0 || strcmp (side, "short") == 0 ||
                     strcmp (side, "at-price") == 0);
      g_assert_cmpfloat (json_object_get_double_member (cluster, "price_low"), <=,
                         json_object_get_double_member (cluster, "peak_price"));
      g_assert_cmpfloat (json_object_get_double_member (cluster, "peak_price"), <=,
                         json_object_get_double_member (cluster, "price_high"));
      g_assert_true (json_object_has_member (cluster, "distance_pct"));
      g_assert_cmpfloat (strength, >, 0);
      g_assert_cmpfloat (strength, <=, previous);
      previous = strength;
      share_sum += json_object_get_double_member (cluster, "share");
    }

  g_assert_cmpfloat (share_sum, <=, 1.0 + 1e-9);
}

static void
assert_fails (const char * const *args,
              const char         *needle)
{
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (args, NULL, &err), !=, 0);
  g_assert_true (g_str_has_prefix (err, "lodestone-cli: "));
  if (needle != NULL && strstr (err, needle) == NULL)
    g_error ("stderr “%s” lacks “%s”", err, needle);
}

static void
test_errors (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *bad = g_test_build_filename (G_TEST_DIST, "data", "cli-bad.csv", NULL);
  g_autofree char *path = out_path (fixture, "never.csv");
  const char *unknown[] = { "--bogus", NULL };
  const char *bad_mode[] = { "--mode", "sparkly", NULL };
  const char *bad_interval[] = { "--interval", "7m", NULL };
  const char *bad_tiers[] = { "--tiers", "10:x", NULL };
  const char *bad_mmr[] = { "--mmr", "0,004", NULL };
  const char *bad_file[] = { "--input", bad, "--export-series", path, NULL };
  const char *missing_file[] = { "--input", "/nonexistent/x.csv", NULL };
  const char *no_grid[] = { "--export-heatmap", path, NULL };
  const char *no_input[] = { "--source", "file", NULL };
  const char *stray[] = { "extra", NULL };

  assert_fails (unknown, "bogus");
  assert_fails (bad_mode, "--mode");
  assert_fails (bad_interval, "--interval");
  assert_fails (bad_tiers, NULL);
  assert_fails (bad_mmr, "--mmr");
  assert_fails (bad_file, "line 3");
  assert_fails (missing_file, NULL);
  assert_fails (no_grid, "--columns");
  assert_fails (no_input, "--input");
  assert_fails (stray, "extra");

  /* Nothing half-written. */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_no_gtk (void)
{
  g_autofree char *ldd = g_find_program_in_path ("ldd");
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { NULL, cli_path (), NULL };
  int wait_status;

  if (ldd == NULL)
    {
      g_test_skip ("ldd is not installed");
      return;
    }

  argv[0] = ldd;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &out, NULL, &wait_status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (wait_status, &error);
  g_assert_no_error (error);

  g_assert_nonnull (strstr (out, "libglib-2.0"));
  if (strstr (out, "libgtk") != NULL || strstr (out, "libgdk") != NULL)
    g_error ("lodestone-cli links GTK:\n%s", out);
}

/* The bottom-right corner, where the axes meet: always background. */
static guint32
corner_pixel (cairo_surface_t *surface)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  return *(const guint32 *) (data + (cairo_image_surface_get_height (surface) - 1) * stride
                             + (cairo_image_surface_get_width (surface) - 1) * 4);
}

/* Share of the pixels of an ARGB32 surface that differ from the frame's
 * background. */
static double
share_not_background (cairo_surface_t *surface)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  int w = cairo_image_surface_get_width (surface);
  int h = cairo_image_surface_get_height (surface);
  guint32 background = corner_pixel (surface);
  gsize differ = 0;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      if (*(const guint32 *) (data + y * stride + x * 4) != background)
        differ++;

  return (double) differ / ((double) w * h);
}

static void
test_export_image (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *png = out_path (fixture, "chart.png");
  g_autofree char *light = out_path (fixture, "light.png");
  g_autofree char *svg = out_path (fixture, "chart.svg");
  const char *png_args[] = { "--interval", "1h", "--mode", "smoothed",
                             "--export-png", png, "--size", "640x360", NULL };
  const char *light_args[] = { "--interval", "1h", "--palette", "light",
                               "--export-png", light, "--size", "640x360", NULL };
  const char *svg_args[] = { "--interval", "1h", "--export-svg", svg, "--size", "800x500", NULL };
  const char *bad_args[] = { "--export-png", png, "--size", "640by360", NULL };
  cairo_surface_t *dark_image, *light_image;
  g_autofree char *svg_text = NULL;
  g_autofree char *err = NULL;
  guint32 dark_bg, light_bg;

  g_assert_cmpint (run_cli (png_args, NULL, NULL), ==, 0);
  g_assert_cmpint (run_cli (light_args, NULL, NULL), ==, 0);
  g_assert_cmpint (run_cli (svg_args, NULL, NULL), ==, 0);

  /* A real PNG of the asked size, with a chart on it: candles and heat
   * cover a good part of the frame, not a blank or an error box. */
  dark_image = cairo_image_surface_create_from_png (png);
  light_image = cairo_image_surface_create_from_png (light);
  g_assert_cmpint (cairo_surface_status (dark_image), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (dark_image), ==, 640);
  g_assert_cmpint (cairo_image_surface_get_height (dark_image), ==, 360);
  g_assert_cmpfloat (share_not_background (dark_image), >, 0.3);

  /* The palettes differ where the frame is empty: dark and light. */
  dark_bg = corner_pixel (dark_image);
  light_bg = corner_pixel (light_image);
  g_assert_cmpuint ((dark_bg >> 16) & 0xff, <, 0x40);
  g_assert_cmpuint ((light_bg >> 16) & 0xff, >, 0xc0);

  g_assert_true (g_file_get_contents (svg, &svg_text, NULL, NULL));
  g_assert_nonnull (strstr (svg_text, "<svg"));
  g_assert_nonnull (strstr (svg_text, "width=\"800\""));

  g_assert_cmpint (run_cli (bad_args, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "--size"));

  cairo_surface_destroy (dark_image);
  cairo_surface_destroy (light_image);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/summary/demo", test_summary_demo);
  g_test_add_func ("/cli/export/stdout", test_export_to_stdout);
  g_test_add ("/cli/export/series", Fixture, NULL,
              fixture_set_up, test_export_series, fixture_tear_down);
  g_test_add ("/cli/export/series-demo", Fixture, NULL,
              fixture_set_up, test_export_series_demo, fixture_tear_down);
  g_test_add ("/cli/export/levels", Fixture, NULL,
              fixture_set_up, test_export_levels, fixture_tear_down);
  g_test_add ("/cli/export/heatmap", Fixture, NULL,
              fixture_set_up, test_export_heatmap, fixture_tear_down);
  g_test_add ("/cli/export/heatmap-smoothed", Fixture, NULL,
              fixture_set_up, test_export_heatmap_smoothed, fixture_tear_down);
  g_test_add ("/cli/export/heatmap-range-and-mode", Fixture, NULL,
              fixture_set_up, test_export_heatmap_range_and_mode, fixture_tear_down);
  g_test_add ("/cli/export/clusters", Fixture, NULL,
              fixture_set_up, test_export_clusters, fixture_tear_down);
  g_test_add ("/cli/errors", Fixture, NULL,
              fixture_set_up, test_errors, fixture_tear_down);
  g_test_add ("/cli/export/image", Fixture, NULL,
              fixture_set_up, test_export_image, fixture_tear_down);
  g_test_add_func ("/cli/no-gtk", test_no_gtk);

  return g_test_run ();
}
