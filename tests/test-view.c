/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <math.h>

#include "lode-view.h"

#define EPS 1e-9

/* @n one-minute candles around 100 with a gentle ramp: candle i spans
 * [100 + i − 1, 100 + i + 1]. */
static LodeMarket *
make_market (gsize n)
{
  g_autofree LodeCandle *candles = g_new0 (LodeCandle, n);
  g_autoptr(GError) error = NULL;
  LodeMarket *market;

  for (gsize i = 0; i < n; i++)
    candles[i] = (LodeCandle) {
      .time_ms = G_GINT64_CONSTANT (1767225600000) + (gint64) i * 60000,
      .open = 100.0 + i,
      .high = 101.0 + i,
      .low = 99.0 + i,
      .close = 100.5 + i,
      .volume = 1.0,
      .oi_usd = 1e6,
      .long_share = 0.5,
    };

  market = lode_market_new (candles, n, 60000, &error);
  g_assert_no_error (error);

  return market;
}

static void
make_view (LodeView *view)
{
  lode_view_init (view, 800, 600);
  view->index_min = 10.0;
  view->index_max = 60.0;
  view->price_min = 100.0;
  view->price_max = 200.0;
}

static void
test_layout (void)
{
  LodeView view;

  lode_view_init (&view, 800, 600);

  /* The plot starts at the top-left and leaves room for both axes. */
  g_assert_cmpfloat (view.plot_x, ==, 0.0);
  g_assert_cmpfloat (view.plot_y, ==, 0.0);
  g_assert_cmpfloat (view.plot_width, >, 600.0);
  g_assert_cmpfloat (view.plot_width, <, 800.0);
  g_assert_cmpfloat (view.plot_height, >, 540.0);
  g_assert_cmpfloat (view.plot_height, <, 600.0);
  g_assert_cmpfloat (view.profile_width, >, 0.0);
  g_assert_cmpfloat (view.profile_width, <, view.plot_width / 4);
  g_assert_true (view.price_auto);

  /* A frame smaller than the axes still has a plot to divide by. */
  lode_view_set_size (&view, 10, 10);
  g_assert_cmpfloat (view.plot_width, >=, 1.0);
  g_assert_cmpfloat (view.plot_height, >=, 1.0);
}

static void
test_round_trip (void)
{
  LodeView view;

  make_view (&view);

  /* The plot's edges are the view's ranges. */
  g_assert_cmpfloat_with_epsilon (lode_view_x_for_index (&view, 10.0), view.plot_x, EPS);
  g_assert_cmpfloat_with_epsilon (lode_view_x_for_index (&view, 60.0), view.plot_x + view.plot_width, EPS);
  g_assert_cmpfloat_with_epsilon (lode_view_y_for_price (&view, 200.0), view.plot_y, EPS);
  g_assert_cmpfloat_with_epsilon (lode_view_y_for_price (&view, 100.0), view.plot_y + view.plot_height, EPS);

  for (double i = -5.0; i < 80.0; i += 3.7)
    g_assert_cmpfloat_with_epsilon (lode_view_index_for_x (&view, lode_view_x_for_index (&view, i)), i, 1e-9);
  for (double p = 50.0; p < 250.0; p += 13.3)
    g_assert_cmpfloat_with_epsilon (lode_view_price_for_y (&view, lode_view_y_for_price (&view, p)), p, 1e-9);

  g_assert_true (lode_view_contains_point (&view, 1, 1));
  g_assert_false (lode_view_contains_point (&view, view.plot_width + 1, 1));
  g_assert_false (lode_view_contains_point (&view, 1, view.plot_height + 1));
}

static void
test_zoom_time_keeps_anchor (void)
{
  LodeView view;
  double anchor_x = 300.0, before, span;

  make_view (&view);
  before = lode_view_index_for_x (&view, anchor_x);
  span = view.index_max - view.index_min;

  lode_view_zoom_time (&view, 2.0, anchor_x);
  g_assert_cmpfloat_with_epsilon (lode_view_index_for_x (&view, anchor_x), before, 1e-9);
  g_assert_cmpfloat_with_epsilon (view.index_max - view.index_min, span / 2.0, 1e-9);

  lode_view_zoom_time (&view, 0.25, anchor_x);
  g_assert_cmpfloat_with_epsilon (lode_view_index_for_x (&view, anchor_x), before, 1e-9);
  g_assert_cmpfloat_with_epsilon (view.index_max - view.index_min, span * 2.0, 1e-9);

  /* Time zoom leaves the price axis alone. */
  g_assert_true (view.price_auto);
  g_assert_cmpfloat (view.price_min, ==, 100.0);
}

static void
test_zoom_price_keeps_anchor (void)
{
  LodeView view;
  double anchor_y = 123.0, before;

  make_view (&view);
  before = lode_view_price_for_y (&view, anchor_y);

  lode_view_zoom_price (&view, 4.0, anchor_y);
  g_assert_cmpfloat_with_epsilon (lode_view_price_for_y (&view, anchor_y), before, 1e-9);
  g_assert_cmpfloat_with_epsilon (view.price_max - view.price_min, 25.0, 1e-9);
  g_assert_false (view.price_auto);
}

static void
test_pan (void)
{
  LodeView view;
  double x = 200.0, y = 150.0, index, price;

  make_view (&view);
  index = lode_view_index_for_x (&view, x);
  price = lode_view_price_for_y (&view, y);

  /* The data under the pointer follows it. */
  lode_view_pan (&view, 40.0, 0.0);
  g_assert_cmpfloat_with_epsilon (lode_view_index_for_x (&view, x + 40.0), index, 1e-9);
  g_assert_true (view.price_auto);

  lode_view_pan (&view, 0.0, -25.0);
  g_assert_cmpfloat_with_epsilon (lode_view_price_for_y (&view, y - 25.0), price, 1e-9);
  g_assert_false (view.price_auto);
}

static void
test_fit_latest (void)
{
  g_autoptr(LodeMarket) market = make_market (500);
  LodeView view;

  make_view (&view);
  view.price_auto = FALSE;
  lode_view_fit_latest (&view, market, 100);

  /* The last 100 candles, the newest left of the profile band. */
  g_assert_cmpfloat_with_epsilon (view.index_min, 400.0, EPS);
  g_assert_cmpfloat (lode_view_x_for_index (&view, 500.0), <=,
                     view.plot_x + view.plot_width - view.profile_width);
  g_assert_cmpfloat (lode_view_x_for_index (&view, 500.0), >,
                     view.plot_x + view.plot_width * 0.6);

  /* Price follows the visible candles (lows 499, highs 600) with padding. */
  g_assert_true (view.price_auto);
  g_assert_cmpfloat (view.price_min, <, 499.0);
  g_assert_cmpfloat (view.price_min, >, 499.0 - 0.2 * 101.0);
  g_assert_cmpfloat (view.price_max, >, 600.0);
  g_assert_cmpfloat (view.price_max, <, 600.0 + 0.2 * 101.0);

  /* Fitting more candles than there are shows them all. */
  lode_view_fit_latest (&view, market, 10000);
  g_assert_cmpfloat_with_epsilon (view.index_min, 0.0, EPS);
}

static void
test_autoscale (void)
{
  g_autoptr(LodeMarket) market = make_market (100);
  LodeView view;

  make_view (&view);
  view.index_min = 20.0;
  view.index_max = 30.0;
  lode_view_autoscale (&view, market);

  /* Candles 20–29: lows from 119, highs to 130; 8 % padding of 11. */
  g_assert_cmpfloat_with_epsilon (view.price_min, 119.0 - 0.88, 1e-9);
  g_assert_cmpfloat_with_epsilon (view.price_max, 130.0 + 0.88, 1e-9);

  /* A manual price scale is kept. */
  view.price_auto = FALSE;
  view.index_min = 50.0;
  view.index_max = 60.0;
  lode_view_autoscale (&view, market);
  g_assert_cmpfloat_with_epsilon (view.price_min, 119.0 - 0.88, 1e-9);
}

static void
test_autoscale_indexed (void)
{
  g_autoptr(LodeMarket) market = make_market (3000);
  g_autoptr(LodeCandleIndex) index = lode_candle_index_new (market);
  LodeView a, b;

  /* The index gives the range the candles give, wherever the view is. */
  for (double start = -50.0; start < 3100.0; start += 377.0)
    {
      make_view (&a);
      a.index_min = start;
      a.index_max = start + 555.5;
      b = a;
      lode_view_autoscale (&a, market);
      lode_view_autoscale_indexed (&b, index);
      g_assert_cmpfloat (a.price_min, ==, b.price_min);
      g_assert_cmpfloat (a.price_max, ==, b.price_max);
    }
}

static void
test_clamp (void)
{
  g_autoptr(LodeMarket) market = make_market (1000);
  LodeView view;

  make_view (&view);

  /* Panned far past the newest candle: some candles stay in view. */
  view.index_min = 5000.0;
  view.index_max = 5050.0;
  lode_view_clamp (&view, market);
  g_assert_cmpfloat (view.index_min, <, 1000.0);
  g_assert_cmpfloat_with_epsilon (view.index_max - view.index_min, 50.0, 1e-9);

  /* Panned before the first candle. */
  view.index_min = -5000.0;
  view.index_max = -4950.0;
  lode_view_clamp (&view, market);
  g_assert_cmpfloat (view.index_max, >, 0.0);

  /* Zoomed in to a fraction of a candle, or out far beyond the data. */
  view.index_min = 100.0;
  view.index_max = 100.01;
  lode_view_clamp (&view, market);
  g_assert_cmpfloat (view.index_max - view.index_min, >=, 3.0);
  view.index_min = -1e6;
  view.index_max = 1e6;
  lode_view_clamp (&view, market);
  g_assert_cmpfloat (view.index_max - view.index_min, <=, 1500.0);

  /* A broken price range is repaired by auto-scaling. */
  view.price_min = NAN;
  lode_view_clamp (&view, market);
  g_assert_true (isfinite (view.price_min));
  g_assert_cmpfloat (view.price_max, >, view.price_min);
}

static void
test_center_on_prices (void)
{
  LodeView view;

  make_view (&view);
  lode_view_center_on_prices (&view, 150.0, 160.0);

  /* The zone is centred and takes a third of the height. */
  g_assert_cmpfloat_with_epsilon (0.5 * (view.price_min + view.price_max), 155.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (view.price_max - view.price_min, 30.0, 1e-9);
  g_assert_false (view.price_auto);
}

static void
test_heatmap_view (void)
{
  g_autoptr(LodeMarket) market = make_market (100);
  LodeHeatmapView hv;
  LodeView view;

  make_view (&view);
  view.index_min = 10.5;
  view.index_max = 60.2;

  /* Partly visible candles at both ends are in. */
  g_assert_true (lode_view_get_heatmap_view (&view, market, LODE_RENDER_MODE_SMOOTHED, 51, 300, &hv));
  g_assert_cmpuint (hv.first_candle, ==, 10);
  g_assert_cmpuint (hv.n_candles, ==, 51);
  g_assert_cmpuint (hv.columns, ==, 51);
  g_assert_cmpuint (hv.rows, ==, 300);
  g_assert_cmpfloat (hv.price_min, ==, 100.0);
  g_assert_cmpfloat (hv.price_max, ==, 200.0);
  g_assert_cmpint (hv.mode, ==, LODE_RENDER_MODE_SMOOTHED);

  /* Clipped to the data. */
  view.index_min = -20.0;
  view.index_max = 130.0;
  g_assert_true (lode_view_get_heatmap_view (&view, market, LODE_RENDER_MODE_RAW, 10, 10, &hv));
  g_assert_cmpuint (hv.first_candle, ==, 0);
  g_assert_cmpuint (hv.n_candles, ==, 100);

  /* Nothing visible. */
  view.index_min = 120.0;
  view.index_max = 130.0;
  g_assert_false (lode_view_get_heatmap_view (&view, market, LODE_RENDER_MODE_RAW, 10, 10, &hv));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/render/view/layout", test_layout);
  g_test_add_func ("/render/view/round-trip", test_round_trip);
  g_test_add_func ("/render/view/zoom-time-keeps-anchor", test_zoom_time_keeps_anchor);
  g_test_add_func ("/render/view/zoom-price-keeps-anchor", test_zoom_price_keeps_anchor);
  g_test_add_func ("/render/view/pan", test_pan);
  g_test_add_func ("/render/view/fit-latest", test_fit_latest);
  g_test_add_func ("/render/view/autoscale", test_autoscale);
  g_test_add_func ("/render/view/autoscale-indexed", test_autoscale_indexed);
  g_test_add_func ("/render/view/clamp", test_clamp);
  g_test_add_func ("/render/view/center-on-prices", test_center_on_prices);
  g_test_add_func ("/render/view/heatmap-view", test_heatmap_view);

  return g_test_run ();
}
