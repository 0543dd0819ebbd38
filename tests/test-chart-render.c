/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lode-chart-render.h"

/* The ARGB32 pixel at (x, y), unpremultiplied channels as 0–255. */
static void
read_pixel (cairo_surface_t *surface,
            int              x,
            int              y,
            guint8           rgba[4])
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint32 p = *(const guint32 *) (data + y * stride + x * 4);

  rgba[3] = p >> 24;
  rgba[0] = (p >> 16) & 0xff;
  rgba[1] = (p >> 8) & 0xff;
  rgba[2] = p & 0xff;
}

static cairo_surface_t *
render (int      width,
        int      height,
        gboolean dark)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  LodeChartPalette palette;

  lode_chart_palette_init_default (&palette, dark);
  lode_chart_render_placeholder (cr, width, height, &palette, NULL);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  return surface;
}

static void
test_placeholder_background (void)
{
  cairo_surface_t *light = render (200, 170, FALSE);
  cairo_surface_t *dark = render (200, 170, TRUE);
  guint8 px[4];

  /* Light background 0.98 → 250 of 255; opaque. */
  read_pixel (light, 10, 10, px);
  g_assert_cmpuint (px[3], ==, 255);
  g_assert_cmpuint (px[0], ==, 250);
  g_assert_cmpuint (px[1], ==, 250);
  g_assert_cmpuint (px[2], ==, 250);

  /* Dark background #101014. */
  read_pixel (dark, 10, 10, px);
  g_assert_cmpuint (px[0], ==, 16);
  g_assert_cmpuint (px[2], ==, 20);

  /* The bottom-right corner is background too: the frame fills the surface. */
  read_pixel (light, 199, 169, px);
  g_assert_cmpuint (px[0], ==, 250);

  cairo_surface_destroy (light);
  cairo_surface_destroy (dark);
}

static void
test_placeholder_grid (void)
{
  cairo_surface_t *surface = render (200, 170, FALSE);
  guint8 line[4], beside[4];

  /* The grid step is 80 px: a one-pixel hairline at x = 80 and y = 80,
   * drawn in black at 8 % over 250 → 250 × 0.92 = 230. */
  read_pixel (surface, 80, 10, line);
  read_pixel (surface, 81, 10, beside);
  g_assert_cmpuint (line[0], ==, 230);
  g_assert_cmpuint (beside[0], ==, 250);

  read_pixel (surface, 10, 160, line);
  read_pixel (surface, 10, 161, beside);
  g_assert_cmpuint (line[0], ==, 230);
  g_assert_cmpuint (beside[0], ==, 250);

  cairo_surface_destroy (surface);
}

static void
test_placeholder_empty_surface (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 4, 4);
  cairo_t *cr = cairo_create (surface);
  LodeChartPalette palette;
  guint8 px[4];

  /* A zero-size frame draws nothing and leaves the surface transparent. */
  lode_chart_palette_init_default (&palette, FALSE);
  lode_chart_render_placeholder (cr, 0, 0, &palette, "caption");
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  read_pixel (surface, 1, 1, px);
  g_assert_cmpuint (px[3], ==, 0);

  cairo_surface_destroy (surface);
}

/* Frame tests ------------------------------------------------------------- */

#define HOUR_MS G_GINT64_CONSTANT (3600000)
#define T0 G_GINT64_CONSTANT (1767225600000)

/* 60 hourly candles alternating up (100 → 101) and down (101 → 100), range
 * 99.5–101.5, with open interest rising every candle, so that every candle
 * opens levels on both sides at the default tiers. */
static LodeSnapshot *
make_zigzag_snapshot (void)
{
  LodeCandle candles[60];
  g_autoptr(LodeMarket) market = NULL;
  g_autoptr(LodeLiqModel) model = NULL;
  g_autoptr(GError) error = NULL;
  LodeModelParams params;
  LodeVenueModel venue;

  for (guint i = 0; i < G_N_ELEMENTS (candles); i++)
    candles[i] = (LodeCandle) {
      .time_ms = T0 + i * HOUR_MS,
      .open = i % 2 == 0 ? 100.0 : 101.0,
      .close = i % 2 == 0 ? 101.0 : 100.0,
      .high = 101.5,
      .low = 99.5,
      .volume = 1.0,
      .oi_usd = 1e6 + i * 1e5,
      .long_share = 0.5,
    };

  market = lode_market_new (candles, G_N_ELEMENTS (candles), HOUR_MS, &error);
  g_assert_no_error (error);
  lode_model_params_init_default (&params);
  model = lode_liq_model_build (market, &params, NULL, &error);
  g_assert_no_error (error);

  venue = (LodeVenueModel) { .label = "Test venue", .model = model };
  return lode_snapshot_new (&venue, 1, "TESTUSDT");
}

/* A flat market at 100 with one 10× tier and all OI opened long at candle
 * 1: a single long level at 100 × (1 − 1/10 + 0.004) = 90.4. */
static LodeSnapshot *
make_single_level_snapshot (void)
{
  LodeCandle candles[40];
  g_autoptr(LodeMarket) market = NULL;
  g_autoptr(LodeLiqModel) model = NULL;
  g_autoptr(GError) error = NULL;
  LodeModelParams params;
  LodeVenueModel venue;

  for (guint i = 0; i < G_N_ELEMENTS (candles); i++)
    candles[i] = (LodeCandle) {
      .time_ms = T0 + i * HOUR_MS,
      .open = 100.0,
      .close = 100.0,
      .high = 100.0,
      .low = 100.0,
      .volume = 1.0,
      .oi_usd = i == 0 ? 1e6 : 2e6,
      .long_share = 1.0,
    };

  market = lode_market_new (candles, G_N_ELEMENTS (candles), HOUR_MS, &error);
  g_assert_no_error (error);
  lode_model_params_init_default (&params);
  g_assert_true (lode_model_params_parse_tiers (&params, "10:1", &error));
  g_assert_no_error (error);
  model = lode_liq_model_build (market, &params, NULL, &error);
  g_assert_no_error (error);

  venue = (LodeVenueModel) { .label = "Test venue", .model = model };
  return lode_snapshot_new (&venue, 1, NULL);
}

/* A 400 × 300 frame over candles [0, @index_max) and prices
 * [@price_min, @price_max], with the profile and legend off so that the
 * plot shows only heat and candles. */
static void
setup_frame (LodeView         *view,
             LodeChartPalette *palette,
             LodeChartFrame   *frame,
             LodeSnapshot     *snapshot,
             double            index_max,
             double            price_min,
             double            price_max)
{
  lode_view_init (view, 400, 300);
  view->index_min = 0.0;
  view->index_max = index_max;
  view->price_min = price_min;
  view->price_max = price_max;
  view->price_auto = FALSE;
  lode_chart_palette_init_default (palette, TRUE);
  lode_chart_frame_init (frame);
  frame->snapshot = snapshot;
  frame->show_profile = FALSE;
  frame->show_legend = FALSE;
}

static cairo_surface_t *
render_frame (const LodeView         *view,
              const LodeChartPalette *palette,
              const LodeChartFrame   *frame)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                                         (int) view->width, (int) view->height);
  cairo_t *cr = cairo_create (surface);

  lode_chart_render_frame (cr, view, palette, frame);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  return surface;
}

static gboolean
pixel_is (cairo_surface_t *surface,
          double           x,
          double           y,
          const double     rgba[4])
{
  guint8 px[4];

  read_pixel (surface, (int) floor (x), (int) floor (y), px);
  return abs (px[0] - (int) round (rgba[0] * 255)) <= 2
         && abs (px[1] - (int) round (rgba[1] * 255)) <= 2
         && abs (px[2] - (int) round (rgba[2] * 255)) <= 2;
}

static void
test_frame_candles (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_zigzag_snapshot ();
  cairo_surface_t *surface;
  LodeChartPalette palette;
  LodeChartFrame frame;
  LodeView view;

  setup_frame (&view, &palette, &frame, snapshot, 60.0, 95.0, 106.0);
  surface = render_frame (&view, &palette, &frame);

  for (guint i = 10; i < 14; i++)
    {
      const double *colour = i % 2 == 0 ? palette.candle_up : palette.candle_down;
      double x = lode_view_x_for_index (&view, i + 0.5);

      /* The body's centre has the candle's colour… */
      g_assert_true (pixel_is (surface, x, lode_view_y_for_price (&view, 100.5), colour));
      /* …and so has the wick between body and high… */
      g_assert_true (pixel_is (surface, x, lode_view_y_for_price (&view, 101.3), colour));
      /* …but nothing above the high or below the low is a candle. */
      for (double p = 101.7; p < 102.3; p += 0.1)
        {
          g_assert_false (pixel_is (surface, x, lode_view_y_for_price (&view, p), palette.candle_up));
          g_assert_false (pixel_is (surface, x, lode_view_y_for_price (&view, p), palette.candle_down));
        }
      g_assert_false (pixel_is (surface, x, lode_view_y_for_price (&view, 99.2), colour));
    }

  cairo_surface_destroy (surface);
}

static void
test_frame_aggregated_candles (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_zigzag_snapshot ();
  cairo_surface_t *surface;
  LodeChartPalette palette;
  LodeChartFrame frame;
  LodeView view;
  guint candle_columns = 0;

  /* 60 candles over 12 px: one bar per pixel column, five candles each,
   * spanning 99.5–101.5. */
  setup_frame (&view, &palette, &frame, snapshot, 60.0, 95.0, 106.0);
  view.index_max = 60.0 * view.plot_width / 12.0;
  surface = render_frame (&view, &palette, &frame);

  for (int x = 0; x < 20; x++)
    if (pixel_is (surface, x, lode_view_y_for_price (&view, 100.5), palette.candle_up)
        || pixel_is (surface, x, lode_view_y_for_price (&view, 100.5), palette.candle_down))
      candle_columns++;
  g_assert_cmpuint (candle_columns, >=, 11);
  g_assert_cmpuint (candle_columns, <=, 13);

  cairo_surface_destroy (surface);
}

static void
test_frame_candle_index_same_picture (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_zigzag_snapshot ();
  g_autoptr(LodeCandleIndex) index = lode_candle_index_new (lode_snapshot_get_market (snapshot));
  cairo_surface_t *plain, *indexed;
  LodeChartPalette palette;
  LodeChartFrame frame;
  LodeView view;
  int stride, height;

  /* Aggregated bars: the index only makes them cheaper. */
  setup_frame (&view, &palette, &frame, snapshot, 60.0, 95.0, 106.0);
  view.index_max = 60.0 * view.plot_width / 12.0;
  plain = render_frame (&view, &palette, &frame);
  frame.candle_index = index;
  indexed = render_frame (&view, &palette, &frame);

  stride = cairo_image_surface_get_stride (plain);
  height = cairo_image_surface_get_height (plain);
  g_assert_cmpmem (cairo_image_surface_get_data (plain), stride * height,
                   cairo_image_surface_get_data (indexed), stride * height);

  cairo_surface_destroy (plain);
  cairo_surface_destroy (indexed);
}

static void
test_frame_heat_continues_right_of_data (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_zigzag_snapshot ();
  const LodeLevel *levels;
  cairo_surface_t *surface;
  LodeChartPalette palette;
  LodeChartFrame frame;
  LodeView view;
  gsize n_levels;
  double y;

  /* Both raster paths: one cell per pixel (more candles than pixels) and
   * one column per candle. Right of the newest candle the current state's
   * heat goes on: a live level has heat there at its price. */
  levels = lode_level_set_get_levels (lode_snapshot_get_current (snapshot), &n_levels);
  g_assert_cmpuint (n_levels, >, 0);

  for (int pass = 0; pass < 2; pass++)
    {
      setup_frame (&view, &palette, &frame, snapshot, 60.0, 85.0, 115.0);
      frame.mode = LODE_RENDER_MODE_RAW;
      view.index_max = pass == 0 ? 60.0 * view.plot_width / 12.0 : 90.0;
      y = lode_view_y_for_price (&view, levels[n_levels - 1].price);

      surface = render_frame (&view, &palette, &frame);
      g_assert_false (pixel_is (surface, lode_view_x_for_index (&view, 60.0) + 3.0, y, palette.background));
      g_assert_false (pixel_is (surface, view.plot_x + view.plot_width - 3.0, y, palette.background));
      cairo_surface_destroy (surface);
    }
}

static void
test_frame_last_price_line (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_zigzag_snapshot ();
  cairo_surface_t *surface;
  LodeChartPalette palette;
  LodeChartFrame frame;
  LodeView view;
  double y;
  guint hits = 0;

  /* Room right of the data: the dashed line at the last close (100) runs
   * through it. */
  setup_frame (&view, &palette, &frame, snapshot, 90.0, 95.0, 106.0);
  surface = render_frame (&view, &palette, &frame);

  y = lode_view_y_for_price (&view, 100.0);
  for (double x = lode_view_x_for_index (&view, 70.0); x < lode_view_x_for_index (&view, 80.0); x += 1.0)
    if (pixel_is (surface, x, y, palette.last_price))
      hits++;
  g_assert_cmpuint (hits, >, 5);

  cairo_surface_destroy (surface);
}

/* Rows of @raster (a raster of one column per candle) that hold heat in
 * column @col, as a count, and whether any lies above or below @price. */
static guint
raster_column (cairo_surface_t *raster,
               const LodeView  *view,
               int              col,
               double           price,
               gboolean        *above,
               gboolean        *below)
{
  int rows = cairo_image_surface_get_height (raster);
  double row_size = (view->price_max - view->price_min) / rows;
  guint count = 0;

  *above = *below = FALSE;
  for (int yy = 0; yy < rows; yy++)
    {
      guint8 px[4];
      double top = view->price_max - yy * row_size;
      double bottom = top - row_size;

      read_pixel (raster, col, yy, px);
      if (px[3] == 0)
        continue;
      count++;
      if (bottom > price)
        *above = TRUE;
      if (top < price)
        *below = TRUE;
    }

  return count;
}

static cairo_surface_t *
raster_for (const LodeView       *view,
            const LodeChartFrame *frame,
            double               *reference)
{
  double x, y, w, h;
  cairo_surface_t *raster = lode_chart_render_heatmap_raster (view, frame, 1.0, &x, &y, &w, &h, reference);

  g_assert_nonnull (raster);
  /* Fewer candles than pixels: one column per candle, over the plot's height. */
  g_assert_cmpfloat_with_epsilon (x, lode_view_x_for_index (view, 0.0), 1e-9);
  g_assert_cmpfloat_with_epsilon (h, view->plot_height, 1e-9);

  return raster;
}

static void
test_frame_long_mode (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_zigzag_snapshot ();
  LodeMarket *market = lode_snapshot_get_market (snapshot);
  cairo_surface_t *raster;
  LodeChartPalette palette;
  LodeChartFrame frame;
  LodeView view;
  double reference;
  guint total = 0;

  setup_frame (&view, &palette, &frame, snapshot, 60.0, 85.0, 115.0);
  frame.mode = LODE_RENDER_MODE_LONG;
  raster = raster_for (&view, &frame, &reference);
  g_assert_cmpint (cairo_image_surface_get_width (raster), ==, 60);
  g_assert_cmpfloat (reference, >, 0.0);

  for (int col = 1; col < 60; col++)
    {
      gboolean above, below;

      total += raster_column (raster, &view, col, lode_market_get_candle (market, col)->close, &above, &below);
      g_assert_false (above);
    }
  g_assert_cmpuint (total, >, 0);

  cairo_surface_destroy (raster);
}

static void
test_frame_short_mode (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_zigzag_snapshot ();
  LodeMarket *market = lode_snapshot_get_market (snapshot);
  cairo_surface_t *raster;
  LodeChartPalette palette;
  LodeChartFrame frame;
  LodeView view;
  double reference;
  guint total = 0;

  setup_frame (&view, &palette, &frame, snapshot, 60.0, 85.0, 115.0);
  frame.mode = LODE_RENDER_MODE_SHORT;
  raster = raster_for (&view, &frame, &reference);

  for (int col = 1; col < 60; col++)
    {
      gboolean above, below;

      total += raster_column (raster, &view, col, lode_market_get_candle (market, col)->close, &above, &below);
      g_assert_false (below);
    }
  g_assert_cmpuint (total, >, 0);

  cairo_surface_destroy (raster);
}

static void
test_frame_raw_mode_both_sides (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_zigzag_snapshot ();
  cairo_surface_t *raster;
  LodeChartPalette palette;
  LodeChartFrame frame;
  LodeView view;
  gboolean above, below;
  double reference;

  setup_frame (&view, &palette, &frame, snapshot, 60.0, 85.0, 115.0);
  frame.mode = LODE_RENDER_MODE_RAW;
  raster = raster_for (&view, &frame, &reference);
  raster_column (raster, &view, 40, 100.5, &above, &below);
  g_assert_true (above);
  g_assert_true (below);

  cairo_surface_destroy (raster);
}

static void
test_frame_smoothed_spreads (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_single_level_snapshot ();
  cairo_surface_t *raw, *smoothed;
  LodeChartPalette palette;
  LodeChartFrame frame;
  LodeView view;
  gboolean above, below;
  double reference;
  guint raw_rows, smoothed_rows;

  setup_frame (&view, &palette, &frame, snapshot, 40.0, 85.0, 95.0);

  frame.mode = LODE_RENDER_MODE_RAW;
  raw = raster_for (&view, &frame, &reference);
  raw_rows = raster_column (raw, &view, 30, 90.4, &above, &below);
  /* One level: one row (two if it sits on a row boundary). */
  g_assert_cmpuint (raw_rows, >=, 1);
  g_assert_cmpuint (raw_rows, <=, 2);

  frame.mode = LODE_RENDER_MODE_SMOOTHED;
  smoothed = raster_for (&view, &frame, &reference);
  smoothed_rows = raster_column (smoothed, &view, 30, 90.4, &above, &below);
  g_assert_cmpuint (smoothed_rows, >=, 4);
  g_assert_true (above);
  g_assert_true (below);

  cairo_surface_destroy (raw);
  cairo_surface_destroy (smoothed);
}

static void
test_frame_colormap_changes_colours (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_single_level_snapshot ();
  cairo_surface_t *magma, *viridis;
  LodeChartPalette palette;
  LodeChartFrame frame;
  LodeView view;
  double reference;
  int rows, hot = -1;
  guint8 a[4], b[4];

  setup_frame (&view, &palette, &frame, snapshot, 40.0, 85.0, 95.0);
  frame.mode = LODE_RENDER_MODE_RAW;
  frame.colormap = LODE_COLORMAP_MAGMA;
  magma = raster_for (&view, &frame, &reference);
  frame.colormap = LODE_COLORMAP_VIRIDIS;
  viridis = raster_for (&view, &frame, &reference);

  rows = cairo_image_surface_get_height (magma);
  for (int yy = 0; yy < rows && hot < 0; yy++)
    {
      read_pixel (magma, 30, yy, a);
      if (a[3] != 0)
        hot = yy;
    }
  g_assert_cmpint (hot, >=, 0);

  read_pixel (magma, 30, hot, a);
  read_pixel (viridis, 30, hot, b);
  g_assert_cmpuint (b[3], !=, 0);
  g_assert_true (a[0] != b[0] || a[1] != b[1] || a[2] != b[2]);

  /* And the whole frame shows it. */
  {
    cairo_surface_t *frame_magma, *frame_viridis;
    double x = lode_view_x_for_index (&view, 30.5);
    double y = lode_view_y_for_price (&view, 90.4);

    frame.colormap = LODE_COLORMAP_MAGMA;
    frame_magma = render_frame (&view, &palette, &frame);
    frame.colormap = LODE_COLORMAP_VIRIDIS;
    frame_viridis = render_frame (&view, &palette, &frame);
    read_pixel (frame_magma, (int) x, (int) y, a);
    read_pixel (frame_viridis, (int) x, (int) y, b);
    g_assert_true (a[0] != b[0] || a[1] != b[1] || a[2] != b[2]);
    cairo_surface_destroy (frame_magma);
    cairo_surface_destroy (frame_viridis);
  }

  cairo_surface_destroy (magma);
  cairo_surface_destroy (viridis);
}

static void
test_frame_crosshair_info (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_zigzag_snapshot ();
  LodeLevelSet *current = lode_snapshot_get_current (snapshot);
  LodeCrosshairInfo info;
  LodeChartPalette palette;
  LodeChartFrame frame;
  LodeView view;
  double x, y;

  setup_frame (&view, &palette, &frame, snapshot, 60.0, 85.0, 115.0);
  x = lode_view_x_for_index (&view, 21.5);
  y = lode_view_y_for_price (&view, 96.0);

  g_assert_true (lode_chart_crosshair_info (&view, &frame, x, y, &info));
  g_assert_cmpint (info.candle, ==, 21);
  g_assert_cmpint (info.time_ms, ==, T0 + 21 * HOUR_MS);
  g_assert_cmpfloat (info.open, ==, 101.0);
  g_assert_cmpfloat (info.high, ==, 101.5);
  g_assert_cmpfloat (info.low, ==, 99.5);
  g_assert_cmpfloat (info.close, ==, 100.0);
  g_assert_cmpfloat_with_epsilon (info.price, 96.0, 1e-9);

  /* The fuel and the row's amount are the level set's. */
  g_assert_cmpfloat (info.fuel_usd, >, 0.0);
  g_assert_cmpfloat_with_epsilon (info.fuel_usd, lode_level_set_fuel (current, info.price), 1e-6);
  g_assert_cmpfloat (info.row_low, <=, info.price);
  g_assert_cmpfloat (info.row_high, >, info.price);
  g_assert_cmpfloat_with_epsilon (info.row_usd,
                                  lode_level_set_sum_range (current, LODE_SIDE_LONG, info.row_low, info.row_high)
                                  + lode_level_set_sum_range (current, LODE_SIDE_SHORT, info.row_low, info.row_high),
                                  1e-6);

  /* The newest candle. */
  x = lode_view_x_for_index (&view, 59.9);
  g_assert_true (lode_chart_crosshair_info (&view, &frame, x, y, &info));
  g_assert_cmpint (info.candle, ==, 59);

  /* Outside the plot: nothing. */
  g_assert_false (lode_chart_crosshair_info (&view, &frame, view.plot_x + view.plot_width + 5, y, &info));
  g_assert_false (lode_chart_crosshair_info (&view, &frame, x, view.plot_y + view.plot_height + 5, &info));
}

static void
test_frame_crosshair_drawn (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_zigzag_snapshot ();
  cairo_surface_t *plain, *with;
  LodeChartPalette palette;
  LodeChartFrame frame;
  LodeView view;
  guint8 a[4], b[4];
  int changed = 0;

  setup_frame (&view, &palette, &frame, snapshot, 60.0, 85.0, 115.0);
  plain = render_frame (&view, &palette, &frame);
  frame.has_crosshair = TRUE;
  frame.crosshair_x = 100.0;
  frame.crosshair_y = 60.0;
  with = render_frame (&view, &palette, &frame);

  /* The horizontal dashed line crosses the plot at the pointer's row. */
  for (int x = 0; x < 90; x++)
    {
      read_pixel (plain, x, 60, a);
      read_pixel (with, x, 60, b);
      if (memcmp (a, b, 4) != 0)
        changed++;
    }
  g_assert_cmpint (changed, >, 20);

  cairo_surface_destroy (plain);
  cairo_surface_destroy (with);
}

static void
test_frame_highlight (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_zigzag_snapshot ();
  cairo_surface_t *plain, *with;
  LodeChartPalette palette;
  LodeChartFrame frame;
  LodeView view;
  guint8 a[4], b[4];
  double y_in, y_out, x;

  setup_frame (&view, &palette, &frame, snapshot, 60.0, 85.0, 115.0);
  plain = render_frame (&view, &palette, &frame);
  frame.has_highlight = TRUE;
  frame.highlight_low = 88.0;
  frame.highlight_high = 92.0;
  with = render_frame (&view, &palette, &frame);

  x = lode_view_x_for_index (&view, 30.0);
  y_in = lode_view_y_for_price (&view, 90.0);
  y_out = lode_view_y_for_price (&view, 94.0);
  read_pixel (plain, (int) x, (int) y_in, a);
  read_pixel (with, (int) x, (int) y_in, b);
  g_assert_true (memcmp (a, b, 4) != 0);
  read_pixel (plain, (int) x, (int) y_out, a);
  read_pixel (with, (int) x, (int) y_out, b);
  g_assert_true (memcmp (a, b, 4) == 0);

  cairo_surface_destroy (plain);
  cairo_surface_destroy (with);
}

static void
test_frame_profile (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_zigzag_snapshot ();
  cairo_surface_t *surface;
  LodeChartPalette palette;
  LodeChartFrame frame;
  LodeView view;
  double edge;
  guint long_px = 0, short_px = 0;

  setup_frame (&view, &palette, &frame, snapshot, 60.0, 85.0, 115.0);
  frame.show_profile = TRUE;
  surface = render_frame (&view, &palette, &frame);

  /* Orange-ish bars below the close (100), cyan-ish above, at the plot's
   * right edge. */
  edge = view.plot_x + view.plot_width - 2.0;
  for (double y = view.plot_y; y < view.plot_y + view.plot_height; y += 1.0)
    {
      guint8 px[4];

      read_pixel (surface, (int) edge, (int) y, px);
      if (px[0] > px[2] + 60 && lode_view_price_for_y (&view, y) < 100.0)
        long_px++;
      if (px[2] > px[0] + 60 && lode_view_price_for_y (&view, y) > 100.0)
        short_px++;
    }
  g_assert_cmpuint (long_px, >, 0);
  g_assert_cmpuint (short_px, >, 0);

  cairo_surface_destroy (surface);
}

static void
test_frame_message_without_snapshot (void)
{
  cairo_surface_t *plain, *with;
  LodeChartPalette palette;
  LodeChartFrame frame;
  LodeView view;
  int changed = 0;

  lode_view_init (&view, 400, 300);
  lode_chart_palette_init_default (&palette, FALSE);
  lode_chart_frame_init (&frame);
  plain = render_frame (&view, &palette, &frame);
  frame.message = "Loading…";
  with = render_frame (&view, &palette, &frame);

  /* The message sits in the middle of the plot. */
  for (int y = view.plot_height / 2 - 10; y < view.plot_height / 2 + 10; y++)
    for (int x = view.plot_width / 2 - 40; x < view.plot_width / 2 + 40; x++)
      {
        guint8 a[4], b[4];

        read_pixel (plain, x, y, a);
        read_pixel (with, x, y, b);
        if (abs (a[0] - b[0]) > 60)
          changed++;
      }
  g_assert_cmpint (changed, >, 10);

  cairo_surface_destroy (plain);
  cairo_surface_destroy (with);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/render/placeholder/background", test_placeholder_background);
  g_test_add_func ("/render/placeholder/grid", test_placeholder_grid);
  g_test_add_func ("/render/placeholder/empty-surface", test_placeholder_empty_surface);
  g_test_add_func ("/render/frame/candles-where-the-data-says", test_frame_candles);
  g_test_add_func ("/render/frame/aggregated-candles-per-pixel-column", test_frame_aggregated_candles);
  g_test_add_func ("/render/frame/candle-index-same-picture", test_frame_candle_index_same_picture);
  g_test_add_func ("/render/frame/heat-continues-right-of-data", test_frame_heat_continues_right_of_data);
  g_test_add_func ("/render/frame/last-price-line", test_frame_last_price_line);
  g_test_add_func ("/render/frame/long-mode-no-heat-above-close", test_frame_long_mode);
  g_test_add_func ("/render/frame/short-mode-no-heat-below-close", test_frame_short_mode);
  g_test_add_func ("/render/frame/raw-mode-both-sides", test_frame_raw_mode_both_sides);
  g_test_add_func ("/render/frame/smoothed-spreads-a-level", test_frame_smoothed_spreads);
  g_test_add_func ("/render/frame/colormap-changes-colours", test_frame_colormap_changes_colours);
  g_test_add_func ("/render/frame/crosshair-info", test_frame_crosshair_info);
  g_test_add_func ("/render/frame/crosshair-drawn", test_frame_crosshair_drawn);
  g_test_add_func ("/render/frame/highlight", test_frame_highlight);
  g_test_add_func ("/render/frame/profile-sides", test_frame_profile);
  g_test_add_func ("/render/frame/message-without-snapshot", test_frame_message_without_snapshot);

  return g_test_run ();
}
