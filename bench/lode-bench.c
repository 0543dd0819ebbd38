/* SPDX-License-Identifier: GPL-3.0-or-later */

/* lode-bench: times the model on a year of one-minute candles (issue 3's
 * targets) and prints one JSON object as its last line.
 *
 * The market is generated here from a fixed seed (a random walk with
 * volatility regimes and OI that builds and flushes), so the benchmark
 * depends on nothing but the model. Each figure is the best of a few runs:
 * the machine is shared, and the best run is the one least disturbed by
 * others; peak RSS is the process's high-water mark over all of them. */

#include "config.h"

#include <math.h>
#include <sys/resource.h>

#include "lode-clusters.h"
#include "lode-heatmap.h"
#include "lode-liq-model.h"

#define N_CANDLES 525600  /* 365 days of 1-minute candles */
#define MINUTE 60000
#define SEED 20240601
#define RUNS 3
/* The grid and frame figures are a few milliseconds that another process
 * on the shared cores easily doubles: more runs to take the best of. */
#define QUICK_RUNS 9

/* The report: one flat JSON object, keys in insertion order. Other layers'
 * benchmarks add their keys with bench_report_add() before it is printed. */
typedef struct
{
  GString *json;
} BenchReport;

static void
bench_report_init (BenchReport *report)
{
  report->json = g_string_new ("{");
}

static void
bench_report_add (BenchReport *report,
                  const char  *key,
                  double       value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (value == floor (value) && fabs (value) < 1e15)
    g_snprintf (buf, sizeof buf, "%.0f", value);
  else
    g_ascii_formatd (buf, sizeof buf, "%.3f", value);

  g_string_append_printf (report->json, "%s\"%s\": %s",
                          report->json->len > 1 ? ", " : "", key, buf);
}

static char *
bench_report_finish (BenchReport *report)
{
  g_string_append_c (report->json, '}');

  return g_string_free (g_steal_pointer (&report->json), FALSE);
}

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static double
peak_rss_mb (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);

  return usage.ru_maxrss / 1024.0;  /* ru_maxrss is in KiB on Linux */
}

static double
gauss (GRand *rand)
{
  double u = g_rand_double_range (rand, 1e-12, 1.0);
  double v = g_rand_double (rand);

  return sqrt (-2.0 * log (u)) * cos (2.0 * G_PI * v);
}

/* A year of BTC-like one-minute candles: volatility regimes (σ between
 * 0.03 % and 0.15 % per minute), OI drifting in multi-day build-ups and
 * flushes with minute noise, long share wandering around 0.5. */
static LodeMarket *
generate_market (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED);
  g_autofree LodeCandle *c = g_new (LodeCandle, N_CANDLES);
  g_autoptr(GError) error = NULL;
  double price = 30000;
  double oi = 8e9;
  double sigma = 0.0006;
  double oi_trend = 0;
  double lambda = 0.5;
  LodeMarket *market;

  for (gsize i = 0; i < N_CANDLES; i++)
    {
      double open = price;
      double close;

      if (i % 240 == 0)
        sigma = CLAMP (sigma * exp (0.3 * gauss (rand)), 0.0003, 0.0015);
      if (i % 1440 == 0)
        oi_trend = 0.00004 * gauss (rand);

      close = open * exp (sigma * gauss (rand));
      oi *= exp (oi_trend + 0.0008 * gauss (rand) - 0.00001 * log (oi / 8e9));
      lambda = CLAMP (lambda + 0.002 * gauss (rand) + 0.001 * (0.5 - lambda), 0.2, 0.8);

      c[i].time_ms = 1672531200000 + (gint64) i * MINUTE;  /* 2023-01-01 */
      c[i].open = open;
      c[i].close = close;
      c[i].high = MAX (open, close) * (1.0 + fabs (gauss (rand)) * sigma * 0.5);
      c[i].low = MIN (open, close) * (1.0 - fabs (gauss (rand)) * sigma * 0.5);
      c[i].volume = 10.0 + fabs (gauss (rand)) * 50.0;
      c[i].oi_usd = oi;
      c[i].long_share = lambda;
      price = close;
    }

  market = lode_market_new (c, N_CANDLES, MINUTE, &error);
  g_assert_no_error (error);

  return market;
}

static LodeLiqModel *
bench_build (LodeMarket  *market,
             BenchReport *report)
{
  LodeModelParams params;
  LodeLiqModel *model = NULL;
  double best = G_MAXDOUBLE;

  lode_model_params_init_default (&params);
  for (guint run = 0; run < RUNS; run++)
    {
      g_autoptr(GError) error = NULL;
      double t0;

      g_clear_pointer (&model, lode_liq_model_unref);
      t0 = now_ms ();
      model = lode_liq_model_build (market, &params, NULL, &error);
      best = MIN (best, now_ms () - t0);
      g_assert_no_error (error);
    }

  bench_report_add (report, "model_build_ms", best);

  return model;
}

static void
bench_heatmap (LodeLiqModel   *model,
               LodeRenderMode  mode,
               const char     *key,
               BenchReport    *report)
{
  LodeMarket *market = lode_liq_model_get_market (model);
  const LodeCandle *c = lode_market_get_candles (market);
  gsize n = lode_market_get_n_candles (market);
  LodeHeatmapView view = { 0, n, 1920, G_MAXDOUBLE, 0, 1080, mode };
  double best = G_MAXDOUBLE;

  for (gsize i = 0; i < n; i++)
    {
      view.price_min = MIN (view.price_min, c[i].low);
      view.price_max = MAX (view.price_max, c[i].high);
    }

  for (guint run = 0; run < QUICK_RUNS; run++)
    {
      g_autoptr(LodeHeatmap) heatmap = NULL;
      double t0 = now_ms ();

      heatmap = lode_heatmap_compute (model, &view);
      best = MIN (best, now_ms () - t0);
      g_assert_nonnull (heatmap);
    }

  bench_report_add (report, key, best);
}

static void
bench_clusters (LodeLiqModel *model,
                BenchReport  *report)
{
  double best = G_MAXDOUBLE;

  for (guint run = 0; run < QUICK_RUNS; run++)
    {
      g_autoptr(LodeLevelSet) current = NULL;
      g_autoptr(GArray) clusters = NULL;
      double t0 = now_ms ();

      current = lode_liq_model_current (model);
      clusters = lode_clusters_find (current, 0);
      best = MIN (best, now_ms () - t0);
    }

  bench_report_add (report, "clusters_ms", best);
}

static void
run_model_benchmarks (BenchReport *report)
{
  g_autoptr(LodeMarket) market = generate_market ();
  g_autoptr(LodeLiqModel) model = bench_build (market, report);

  bench_heatmap (model, LODE_RENDER_MODE_RAW, "heatmap_raw_ms", report);
  bench_heatmap (model, LODE_RENDER_MODE_SMOOTHED, "heatmap_smoothed_ms", report);
  bench_clusters (model, report);

  bench_report_add (report, "candles", lode_market_get_n_candles (market));
  bench_report_add (report, "levels", lode_liq_model_get_n_levels (model));
}

/* ---- Render benchmarks (owned by src/render) ---------------------------- */

#include "lode-candle-index.h"
#include "lode-chart-render.h"

/* Issue 4's targets on a year of one-minute candles at 1920×1080:
 * frame_ms       a whole frame fitted to the year (heatmap grid and raster,
 *                background, candles, axes, profile, legend), default mode;
 * frame_zoom_ms  the same zoomed to the last day;
 * redraw_ms      the year again with the raster cached, as the widget draws
 *                on a pointer move: background, raster blit, base, crosshair;
 * candle_index_ms building the per-snapshot candle index (once per snapshot).
 * Best of a few runs, as for the model. */
static double
bench_frame (cairo_t              *cr,
             const LodeView       *view,
             const LodeChartFrame *frame)
{
  LodeChartPalette palette;
  double best = G_MAXDOUBLE;

  lode_chart_palette_init_default (&palette, TRUE);
  for (guint run = 0; run < QUICK_RUNS; run++)
    {
      double t0 = now_ms ();

      lode_chart_render_frame (cr, view, &palette, frame);
      best = MIN (best, now_ms () - t0);
    }

  return best;
}

static double
bench_redraw (cairo_t              *cr,
              const LodeView       *view,
              const LodeChartFrame *frame)
{
  LodeChartPalette palette;
  LodeChartFrame pointer = *frame;
  cairo_surface_t *raster;
  double x, y, width, height, reference, best = G_MAXDOUBLE;

  lode_chart_palette_init_default (&palette, TRUE);
  raster = lode_chart_render_heatmap_raster (view, frame, 1.0, &x, &y, &width, &height, &reference);
  pointer.has_crosshair = TRUE;

  for (guint run = 0; run < 4 * RUNS; run++)
    {
      double t0 = now_ms ();

      pointer.crosshair_x = view->plot_x + view->plot_width * (0.3 + 0.04 * run);
      pointer.crosshair_y = view->plot_y + view->plot_height * 0.5;
      lode_chart_render_background (cr, view, &palette);
      lode_chart_render_paint_raster (cr, view, raster, x, y, width, height);
      lode_chart_render_base (cr, view, &palette, &pointer, reference);
      lode_chart_render_overlay (cr, view, &palette, &pointer);
      best = MIN (best, now_ms () - t0);
    }

  g_clear_pointer (&raster, cairo_surface_destroy);

  return best;
}

static void
run_render_benchmarks (BenchReport *report)
{
  g_autoptr(LodeMarket) market = generate_market ();
  g_autoptr(LodeLiqModel) model = NULL;
  g_autoptr(LodeSnapshot) snapshot = NULL;
  g_autoptr(LodeCandleIndex) index = NULL;
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface;
  LodeModelParams params;
  LodeVenueModel venue;
  LodeChartFrame frame;
  LodeView view;
  cairo_t *cr;
  double t0;

  lode_model_params_init_default (&params);
  model = lode_liq_model_build (market, &params, NULL, &error);
  g_assert_no_error (error);
  venue = (LodeVenueModel) { .label = "Bench", .model = model };
  snapshot = lode_snapshot_new (&venue, 1, "BTCUSDT");

  t0 = now_ms ();
  index = lode_candle_index_new (market);
  bench_report_add (report, "candle_index_ms", now_ms () - t0);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1920, 1080);
  cr = cairo_create (surface);
  lode_chart_frame_init (&frame);
  frame.snapshot = snapshot;
  frame.candle_index = index;
  lode_view_init (&view, 1920, 1080);

  lode_view_fit_latest (&view, market, 0);
  bench_report_add (report, "frame_ms", bench_frame (cr, &view, &frame));
  bench_report_add (report, "redraw_ms", bench_redraw (cr, &view, &frame));

  lode_view_fit_latest (&view, market, 1440);
  bench_report_add (report, "frame_zoom_ms", bench_frame (cr, &view, &frame));
  bench_report_add (report, "redraw_zoom_ms", bench_redraw (cr, &view, &frame));

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* ---- End of render benchmarks ------------------------------------------- */

int
main (int   argc,
      char *argv[])
{
  BenchReport report;
  g_autofree char *json = NULL;

  bench_report_init (&report);
  run_model_benchmarks (&report);
  run_render_benchmarks (&report);
  bench_report_add (&report, "peak_rss_mb", peak_rss_mb ());

  json = bench_report_finish (&report);
  g_print ("%s\n", json);

  return 0;
}
