/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <math.h>

#include "lode-prints-render.h"

#define HOUR_MS G_GINT64_CONSTANT (3600000)

/* 40 hourly candles around 100, OI rising: a small market to draw on. */
static LodeSnapshot *
snapshot_new (void)
{
  LodeCandle candles[40];
  LodeModelParams params;
  g_autoptr(LodeMarket) market = NULL;
  g_autoptr(LodeLiqModel) model = NULL;
  g_autoptr(GError) error = NULL;
  LodeVenueModel venue;

  for (guint i = 0; i < G_N_ELEMENTS (candles); i++)
    candles[i] = (LodeCandle) {
      .time_ms = G_GINT64_CONSTANT (1767225600000) + i * HOUR_MS,
      .open = 100, .high = 101, .low = 99, .close = 100 + (i % 2 ? 0.5 : -0.5),
      .volume = 1, .oi_usd = 1e6 + i * 1e4, .long_share = 0.5,
    };
  market = lode_market_new (candles, G_N_ELEMENTS (candles), HOUR_MS, &error);
  g_assert_no_error (error);
  lode_model_params_init_default (&params);
  model = lode_liq_model_build (market, &params, NULL, &error);
  g_assert_no_error (error);
  venue.label = "Test";
  venue.model = model;

  return lode_snapshot_new (&venue, 1, "TEST");
}

static void
pixel (cairo_surface_t *surface,
       double           x,
       double           y,
       guint8           rgb[3])
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  guint32 p = *(const guint32 *) (data + (int) y * cairo_image_surface_get_stride (surface) + (int) x * 4);

  rgb[0] = (p >> 16) & 0xff;
  rgb[1] = (p >> 8) & 0xff;
  rgb[2] = p & 0xff;
}

static void
test_bubbles_where_the_prints_are (void)
{
  g_autoptr(LodeSnapshot) snapshot = snapshot_new ();
  cairo_surface_t *with = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 800, 500);
  cairo_surface_t *without = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 800, 500);
  LodeMarket *market = lode_snapshot_get_market (snapshot);
  gint64 t0 = lode_market_get_candle (market, 0)->time_ms;
  LodeLiqPrint prints[2];
  LodeChartPalette palette;
  LodeChartFrame frame;
  LodeView view;
  guint8 a[3], b[3];
  double x_long, y_long, x_short, y_short;
  cairo_t *cr;

  /* A $4M long liquidated half way through candle 10 at 99.2, a $4M
   * short half way through candle 30 at 100.8: r = 12 × sqrt (4) = 24 px. */
  lode_liq_print_init (&prints[0], t0 + 10 * HOUR_MS + HOUR_MS / 2, "test", "TEST",
                       LODE_SIDE_LONG, 99.2, 40000, 4e6);
  lode_liq_print_init (&prints[1], t0 + 30 * HOUR_MS + HOUR_MS / 2, "test", "TEST",
                       LODE_SIDE_SHORT, 100.8, 40000, 4e6);
  g_assert_cmpfloat (lode_prints_bubble_radius (4e6), ==, 24.0);

  lode_view_init (&view, 800, 500);
  lode_view_fit_latest (&view, market, 0);
  lode_view_autoscale (&view, market);
  lode_chart_palette_init_default (&palette, TRUE);
  lode_chart_frame_init (&frame);
  frame.snapshot = snapshot;
  frame.show_profile = FALSE;
  frame.show_legend = FALSE;

  cr = cairo_create (without);
  lode_chart_render_frame (cr, &view, &palette, &frame);
  cairo_destroy (cr);

  frame.prints = prints;
  frame.n_prints = 2;
  cr = cairo_create (with);
  lode_chart_render_frame (cr, &view, &palette, &frame);
  cairo_destroy (cr);
  cairo_surface_flush (with);
  cairo_surface_flush (without);

  /* Candle 10's middle is index 10.5; the bubble is 24 px wide around it.
   * Sample 16 px off the centre, clear of the candle body. */
  x_long = lode_view_x_for_index (&view, 10.5);
  y_long = lode_view_y_for_price (&view, 99.2);
  x_short = lode_view_x_for_index (&view, 30.5);
  y_short = lode_view_y_for_price (&view, 100.8);

  /* What a bubble adds over the heat under it is its side's colour:
   * long orange (#f08a24, pulls red up more than blue), short cyan
   * (#27b6d6, pulls blue up more than red). */
  pixel (with, x_long - 16, y_long, a);
  pixel (without, x_long - 16, y_long, b);
  g_assert_true (a[0] != b[0] || a[1] != b[1] || a[2] != b[2]);
  g_assert_cmpint ((int) a[0] - b[0], >, (int) a[2] - b[2]);

  pixel (with, x_short + 16, y_short, a);
  pixel (without, x_short + 16, y_short, b);
  g_assert_cmpint ((int) a[2] - b[2], >, (int) a[0] - b[0]);

  /* The totals strip: under candle 10 a long bar down from the strip's
   * middle (36 px strip: middle 18 px above the plot's bottom), under
   * candle 30 a short bar up; both at the full half height (equal totals,
   * the largest in view), so 8 px off the middle is inside them. */
  {
    double bottom = view.plot_y + view.plot_height;

    pixel (with, x_long, bottom - 18 + 8, a);
    pixel (without, x_long, bottom - 18 + 8, b);
    g_assert_cmpint ((int) a[0] - b[0], >, (int) a[2] - b[2]);
    pixel (with, x_short, bottom - 18 - 8, a);
    pixel (without, x_short, bottom - 18 - 8, b);
    g_assert_cmpint ((int) a[2] - b[2], >, (int) a[0] - b[0]);
    /* No bar where no print is. */
    pixel (with, lode_view_x_for_index (&view, 20.5), bottom - 18 - 8, a);
    pixel (without, lode_view_x_for_index (&view, 20.5), bottom - 18 - 8, b);
    g_assert_true (a[0] == b[0] && a[1] == b[1] && a[2] == b[2]);
  }

  /* Far from both, nothing changed. */
  pixel (with, x_long - 60, y_long + 60, a);
  pixel (without, x_long - 60, y_long + 60, b);
  g_assert_true (a[0] == b[0] && a[1] == b[1] && a[2] == b[2]);

  cairo_surface_destroy (with);
  cairo_surface_destroy (without);
}

/* Issue #6: the stream's candle is drawn in place of the stale last one,
 * and the last price follows it. */
static void
test_live_candle_replaces_the_last (void)
{
  g_autoptr(LodeSnapshot) snapshot = snapshot_new ();
  cairo_surface_t *with = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 800, 500);
  cairo_surface_t *without = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 800, 500);
  LodeMarket *market = lode_snapshot_get_market (snapshot);
  LodeCandle live = *lode_market_get_candle (market, 39);
  LodeChartPalette palette;
  LodeChartFrame frame;
  LodeView view;
  guint8 a[3], b[3];
  double x;
  cairo_t *cr;

  /* Candle 39 was 99–101 with a body 100 → 100.5; the stream has it at
   * 99–101.8 with a body 101.2 → 101.6, clear of the old body. */
  live.open = 101.2;
  live.high = 101.8;
  live.close = 101.6;

  lode_view_init (&view, 800, 500);
  lode_view_fit_latest (&view, market, 0);
  /* A fixed price range that holds both: 98 … 103. */
  view.price_min = 98;
  view.price_max = 103;
  view.price_auto = FALSE;
  lode_chart_palette_init_default (&palette, TRUE);
  lode_chart_frame_init (&frame);
  frame.snapshot = snapshot;
  frame.show_profile = FALSE;
  frame.show_legend = FALSE;

  cr = cairo_create (without);
  lode_chart_render_frame (cr, &view, &palette, &frame);
  cairo_destroy (cr);
  frame.live_candle = &live;
  cr = cairo_create (with);
  lode_chart_render_frame (cr, &view, &palette, &frame);
  cairo_destroy (cr);
  cairo_surface_flush (with);
  cairo_surface_flush (without);

  /* At 101.4, inside the live body but above the stale candle's 101 high:
   * the up colour now, not before. */
  x = floor (lode_view_x_for_index (&view, 39.5)) + 0.5;
  pixel (with, x, lode_view_y_for_price (&view, 101.4), a);
  pixel (without, x, lode_view_y_for_price (&view, 101.4), b);
  g_assert_true (a[0] != b[0] || a[1] != b[1] || a[2] != b[2]);
  g_assert_cmpuint (a[1], >, a[0]);  /* teal-green up colour: green above red */

  /* Replaced, not drawn over: off the wick, the stale body (100 … 100.5)
   * is gone. */
  pixel (with, x + 3, lode_view_y_for_price (&view, 100.25), a);
  pixel (without, x + 3, lode_view_y_for_price (&view, 100.25), b);
  g_assert_true (a[0] != b[0] || a[1] != b[1] || a[2] != b[2]);

  cairo_surface_destroy (with);
  cairo_surface_destroy (without);
}

static void
test_bubble_radius (void)
{
  /* r = 12 × sqrt (V / 1e6), in [2, 30]. */
  g_assert_cmpfloat (lode_prints_bubble_radius (0), ==, 0);
  g_assert_cmpfloat (lode_prints_bubble_radius (1e6), ==, 12);
  g_assert_cmpfloat (lode_prints_bubble_radius (1e3), ==, 2);     /* 0.38 → 2 */
  g_assert_cmpfloat (lode_prints_bubble_radius (25e6), ==, 30);   /* 60 → 30 */
  g_assert_cmpfloat_with_epsilon (lode_prints_bubble_radius (2.25e6), 18, 1e-9);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/render/prints/bubble-radius", test_bubble_radius);
  g_test_add_func ("/render/prints/bubbles-where-the-prints-are", test_bubbles_where_the_prints_are);
  g_test_add_func ("/render/live-candle/replaces-the-last", test_live_candle_replaces_the_last);

  return g_test_run ();
}
