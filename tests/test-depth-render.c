/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lode-chart-render.h"

/* The order-flow layers of a frame (issue 6): the book's depth beside the
 * profile and as bands, confluence marks, the §8 cascade's steps. */

#define HOUR_MS G_GINT64_CONSTANT (3600000)
#define T0 G_GINT64_CONSTANT (1767225600000)

/* A flat market at 100 whose open interest doubles at candle 1, all long,
 * with tiers 10× and 25× at half each: two long levels of 500 000 USD,
 * at 100 × (1 − 1/10 + 0.004) = 90.4 and 100 × (1 − 1/25 + 0.004) = 96.4. */
static LodeSnapshot *
make_two_level_snapshot (void)
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
  g_assert_true (lode_model_params_parse_tiers (&params, "10:0.5,25:0.5", &error));
  g_assert_no_error (error);
  model = lode_liq_model_build (market, &params, NULL, &error);
  g_assert_no_error (error);

  venue = (LodeVenueModel) { .label = "Test venue", .model = model };
  return lode_snapshot_new (&venue, 1, "TESTUSDT");
}

/* Bids 99 (100 000), 90 (450 000), 88 (1 000 000); asks 104 (1 000 000).
 * §8 from 96.3, just past the level at 96.4 (kept clear of the rounding
 * of 100 × 0.964): V_1 = 500 000; D from 100 down: 99 → 100 000,
 * 90 → 550 000 ≥ V_1, so p_2 = 90; V_2 = fuel(90) = 1 000 000;
 * 88 → 1 550 000, so p_3 = 88; V_3 = 1 000 000 reaches no further:
 * two steps, 96.3 → 90 → 88. */
static LodeBook *
make_book (void)
{
  const LodeBookLevel bids[] = { { 99, 1e5 }, { 90, 4.5e5 }, { 88, 1e6 } };
  const LodeBookLevel asks[] = { { 104, 1e6 } };

  return lode_book_new (bids, G_N_ELEMENTS (bids), asks, G_N_ELEMENTS (asks), 0);
}

/* An 800 × 400 frame over all 40 candles and prices [85, 105], dark, with
 * the legend off. */
static void
setup_frame (LodeView         *view,
             LodeChartPalette *palette,
             LodeChartFrame   *frame,
             LodeSnapshot     *snapshot)
{
  lode_view_init (view, 800, 400);
  view->index_min = 0.0;
  view->index_max = 40.0;
  view->price_min = 85.0;
  view->price_max = 105.0;
  view->price_auto = FALSE;
  lode_chart_palette_init_default (palette, TRUE);
  lode_chart_frame_init (frame);
  frame->snapshot = snapshot;
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

/* Pixels that differ between @a and @b in the rows of [@y0, @y1) and the
 * columns of [@x0, @x1). */
static guint
count_changed (cairo_surface_t *a,
               cairo_surface_t *b,
               double           x0,
               double           x1,
               double           y0,
               double           y1)
{
  guint changed = 0;

  for (int y = (int) floor (y0); y < (int) ceil (y1); y++)
    for (int x = (int) floor (x0); x < (int) ceil (x1); x++)
      {
        guint8 pa[4], pb[4];

        read_pixel (a, x, y, pa);
        read_pixel (b, x, y, pb);
        if (memcmp (pa, pb, 4) != 0)
          changed++;
      }

  return changed;
}

/* The depth band: left of the liquidation profile band, as wide as
 * lode-chart-render.c makes it (35 % of the profile band, at most 44). */
static void
depth_band (const LodeView *view,
            double         *left,
            double         *right)
{
  *right = view->plot_x + view->plot_width - view->profile_width;
  *left = *right - floor (MIN (view->profile_width * 0.35, 44.0));
}

static void
test_frame_init_leaves_order_flow_off (void)
{
  LodeChartFrame frame;

  memset (&frame, 0xff, sizeof frame);
  lode_chart_frame_init (&frame);
  g_assert_null (frame.book);
  g_assert_false (frame.show_depth_bands);
  g_assert_null (frame.confluence);
  g_assert_false (frame.has_cascade);
}

static void
test_depth_band_where_the_book_says (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_two_level_snapshot ();
  g_autoptr(LodeBook) book = make_book ();
  g_autoptr(LodeBook) empty = lode_book_new (NULL, 0, NULL, 0, 0);
  cairo_surface_t *with, *without;
  LodeChartPalette palette;
  LodeChartFrame frame;
  LodeView view;
  double left, right;
  guint8 px[4];

  setup_frame (&view, &palette, &frame, snapshot);
  depth_band (&view, &left, &right);
  g_assert_cmpfloat (right - left, >=, 20.0);

  /* The same band with an empty book: backdrop and edge, no bars. */
  frame.book = empty;
  without = render_frame (&view, &palette, &frame);
  frame.book = book;
  with = render_frame (&view, &palette, &frame);

  /* Bars in the rows of 99, 90 and 88 (bids) and 104 (ask)... */
  for (guint i = 0; i < 4; i++)
    {
      double price = (double[]) { 99, 90, 88, 104 }[i];
      double y = lode_view_y_for_price (&view, price);

      g_assert_cmpuint (count_changed (with, without, left, right, y - 2, y + 2), >, 0);
    }
  /* ...bids green, asks pink, just left of the band's right edge... */
  read_pixel (with, (int) right - 3, (int) lode_view_y_for_price (&view, 88) - 1, px);
  if (!(px[1] > px[0] + 40))
    read_pixel (with, (int) right - 3, (int) lode_view_y_for_price (&view, 88), px);
  g_assert_cmpint (px[1], >, px[0] + 40);
  read_pixel (with, (int) right - 3, (int) lode_view_y_for_price (&view, 104) - 1, px);
  if (!(px[0] > px[1] + 40))
    read_pixel (with, (int) right - 3, (int) lode_view_y_for_price (&view, 104), px);
  g_assert_cmpint (px[0], >, px[1] + 40);

  /* ...and nothing where the book is empty: [91.5, 97.5], above 105 is
   * out of view, and [100.5, 103] has no level either. */
  g_assert_cmpuint (count_changed (with, without, left, right,
                                   lode_view_y_for_price (&view, 97.5),
                                   lode_view_y_for_price (&view, 91.5)), ==, 0);
  g_assert_cmpuint (count_changed (with, without, left, right,
                                   lode_view_y_for_price (&view, 103),
                                   lode_view_y_for_price (&view, 100.5)), ==, 0);
  /* Nor anywhere else in the plot. */
  g_assert_cmpuint (count_changed (with, without, view.plot_x, left,
                                   view.plot_y, view.plot_y + view.plot_height), ==, 0);

  cairo_surface_destroy (with);
  cairo_surface_destroy (without);
}

static void
test_depth_band_needs_profile (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_two_level_snapshot ();
  g_autoptr(LodeBook) book = make_book ();
  cairo_surface_t *with, *without;
  LodeChartPalette palette;
  LodeChartFrame frame;
  LodeView view;

  /* With the profile hidden the book's band goes too. */
  setup_frame (&view, &palette, &frame, snapshot);
  frame.show_profile = FALSE;
  without = render_frame (&view, &palette, &frame);
  frame.book = book;
  with = render_frame (&view, &palette, &frame);
  g_assert_cmpuint (count_changed (with, without, 0, view.width, 0, view.height), ==, 0);

  cairo_surface_destroy (with);
  cairo_surface_destroy (without);
}

static void
test_depth_bands_over_plot (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_two_level_snapshot ();
  g_autoptr(LodeBook) book = make_book ();
  cairo_surface_t *with, *without;
  LodeChartPalette palette;
  LodeChartFrame frame;
  LodeView view;
  double x0, x1;

  setup_frame (&view, &palette, &frame, snapshot);
  frame.show_profile = FALSE;
  frame.book = book;
  without = render_frame (&view, &palette, &frame);
  frame.show_depth_bands = TRUE;
  with = render_frame (&view, &palette, &frame);

  /* Faint bands across the plot at the book's prices only. */
  x0 = view.plot_x + 10;
  x1 = view.plot_x + view.plot_width - 10;
  g_assert_cmpuint (count_changed (with, without, x0, x1,
                                   lode_view_y_for_price (&view, 104) - 1,
                                   lode_view_y_for_price (&view, 104) + 1), >, 0);
  g_assert_cmpuint (count_changed (with, without, x0, x1,
                                   lode_view_y_for_price (&view, 90) - 1,
                                   lode_view_y_for_price (&view, 90) + 1), >, 0);
  g_assert_cmpuint (count_changed (with, without, x0, x1,
                                   lode_view_y_for_price (&view, 97.5),
                                   lode_view_y_for_price (&view, 91.5)), ==, 0);

  cairo_surface_destroy (with);
  cairo_surface_destroy (without);
}

static void
test_cascade_steps_between_trigger_and_final (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_two_level_snapshot ();
  g_autoptr(LodeBook) book = make_book ();
  g_autoptr(LodeCascade) cascade = NULL;
  g_autoptr(GError) error = NULL;
  cairo_surface_t *with, *without;
  LodeChartPalette palette;
  LodeChartFrame frame;
  LodeView view;
  double y_99, y_87;

  /* The model's answer first (see make_book()). */
  cascade = lode_cascade_estimate (lode_snapshot_get_current (snapshot), book, 96.3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cascade->n_steps, ==, 2);
  g_assert_cmpfloat (g_array_index (cascade->steps, LodeCascadeStep, 1).price, ==, 90);
  g_assert_cmpfloat (cascade->final_price, ==, 88);
  g_assert_cmpfloat (cascade->liquidated_usd, ==, 1e6);
  g_assert_false (cascade->book_exhausted);

  setup_frame (&view, &palette, &frame, snapshot);
  frame.book = book;
  frame.cascade_trigger = 96.3;
  without = render_frame (&view, &palette, &frame);
  frame.has_cascade = TRUE;
  with = render_frame (&view, &palette, &frame);

  /* The arrows down from 96.3 to 90 and from 90 to 88 cross the rows of
   * 93 and 89. */
  g_assert_cmpuint (count_changed (with, without, view.plot_x, view.plot_x + view.plot_width,
                                   lode_view_y_for_price (&view, 93) - 1,
                                   lode_view_y_for_price (&view, 93) + 1), >, 0);
  g_assert_cmpuint (count_changed (with, without, view.plot_x, view.plot_x + view.plot_width,
                                   lode_view_y_for_price (&view, 89) - 1,
                                   lode_view_y_for_price (&view, 89) + 1), >, 0);
  /* A segment at p_2 = 90: a run of the steps' colour (white here). */
  {
    /* Segments are stroked along the middle of device row round (y). */
    double y = round (lode_view_y_for_price (&view, 90));
    guint white = 0;

    for (int x = (int) view.plot_x; x < (int) (view.plot_x + view.plot_width); x++)
      {
        guint8 px[4];

        read_pixel (with, x, (int) y, px);
        if (px[0] > 200 && px[1] > 200 && px[2] > 200)
          white++;
      }
    g_assert_cmpuint (white, >=, 20);
  }

  /* Nothing above 99 (the trigger's label and sentence stay within a
   * line or two of 96.3) and nothing below 87, on the plot or the axis. */
  y_99 = lode_view_y_for_price (&view, 99);
  y_87 = lode_view_y_for_price (&view, 87);
  g_assert_cmpuint (count_changed (with, without, 0, view.width, 0, y_99), ==, 0);
  g_assert_cmpuint (count_changed (with, without, 0, view.width, y_87, view.plot_y + view.plot_height), ==, 0);

  /* The final price as a tag on the price axis. */
  g_assert_cmpuint (count_changed (with, without, view.plot_x + view.plot_width + 2, view.width,
                                   lode_view_y_for_price (&view, 88) - 2,
                                   lode_view_y_for_price (&view, 88) + 2), >, 0);

  cairo_surface_destroy (with);
  cairo_surface_destroy (without);
}

static void
test_cascade_needs_depth (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_two_level_snapshot ();
  cairo_surface_t *with, *without;
  LodeChartPalette palette;
  LodeChartFrame frame;
  LodeView view;
  double y = 0;

  setup_frame (&view, &palette, &frame, snapshot);
  frame.cascade_trigger = 96.3;
  without = render_frame (&view, &palette, &frame);
  frame.has_cascade = TRUE;
  with = render_frame (&view, &palette, &frame);

  /* "Needs order-book depth" at the trigger... */
  y = lode_view_y_for_price (&view, 96.3);
  g_assert_cmpuint (count_changed (with, without, view.plot_x, view.plot_x + view.plot_width,
                                   y - 6, y + 6), >, 20);
  /* ...and no invented steps: nothing changes below 94 or on the axis. */
  g_assert_cmpuint (count_changed (with, without, 0, view.width,
                                   lode_view_y_for_price (&view, 94), view.height), ==, 0);
  g_assert_cmpuint (count_changed (with, without, view.plot_x + view.plot_width + 1, view.width,
                                   0, view.height), ==, 0);

  cairo_surface_destroy (with);
  cairo_surface_destroy (without);
}

static void
test_cascade_describe (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_two_level_snapshot ();
  g_autoptr(LodeBook) book = make_book ();
  const LodeBookLevel wall[] = { { 99, 1e7 } };
  const LodeBookLevel thin[] = { { 99, 1e5 } };
  g_autoptr(LodeBook) deep = lode_book_new (wall, 1, NULL, 0, 0);
  g_autoptr(LodeBook) shallow = lode_book_new (thin, 1, NULL, 0, 0);
  LodeLevelSet *current = lode_snapshot_get_current (snapshot);
  g_autoptr(LodeCascade) moves = lode_cascade_estimate (current, book, 96.3, NULL);
  g_autoptr(LodeCascade) absorbed = lode_cascade_estimate (current, deep, 96.3, NULL);
  g_autoptr(LodeCascade) beyond = lode_cascade_estimate (current, shallow, 90, NULL);
  g_autofree char *a = lode_chart_cascade_describe (moves);
  g_autofree char *b = lode_chart_cascade_describe (absorbed);
  g_autofree char *c = lode_chart_cascade_describe (beyond);

  /* C locale: prices and compact USD. */
  g_assert_cmpstr (a, ==, "If price touches 96.30, forced orders of about $1.00M could carry it to 88.00");
  g_assert_cmpstr (b, ==, "If price touches 96.30, the order book absorbs forced orders of about $500K");
  g_assert_cmpstr (c, ==, "If price touches 90.00, forced orders of about $1.00M exceed the known order book");
}

static void
test_confluence_marker_at_zone (void)
{
  g_autoptr(LodeSnapshot) snapshot = make_two_level_snapshot ();
  g_autoptr(GArray) zones = g_array_new (FALSE, FALSE, sizeof (LodeConfluenceZone));
  LodeConfluenceZone zone = {
    .price_low = 96.3,
    .price_high = 96.5,
    .cluster = 0,
    .wall_usd = 1e6,
    .wall_price = 96.4,
    .side = LODE_BOOK_BID,
  };
  cairo_surface_t *with, *without;
  LodeChartPalette palette;
  LodeChartFrame frame;
  LodeView view;
  double axis_x, y;
  guint8 px[4];

  g_array_append_val (zones, zone);
  setup_frame (&view, &palette, &frame, snapshot);
  without = render_frame (&view, &palette, &frame);
  frame.confluence = zones;
  with = render_frame (&view, &palette, &frame);

  /* On the price axis's edge at the zone: the confluence colour. */
  axis_x = view.plot_x + view.plot_width + 3;
  y = lode_view_y_for_price (&view, 96.4);
  read_pixel (with, (int) axis_x, (int) y, px);
  g_assert_cmpint (abs (px[0] - (int) round (palette.confluence[0] * 255)), <=, 2);
  g_assert_cmpint (abs (px[1] - (int) round (palette.confluence[1] * 255)), <=, 2);
  g_assert_cmpint (abs (px[2] - (int) round (palette.confluence[2] * 255)), <=, 2);
  /* An outline across the profile band at the zone's height. */
  g_assert_cmpuint (count_changed (with, without, view.plot_x + view.plot_width - view.profile_width,
                                   view.plot_x + view.plot_width, y - 12, y + 12), >, 20);
  /* Elsewhere nothing. */
  g_assert_cmpuint (count_changed (with, without, 0, view.width, 0, y - 12), ==, 0);
  g_assert_cmpuint (count_changed (with, without, 0, view.width, y + 12, view.height), ==, 0);
  g_assert_cmpuint (count_changed (with, without, 0, view.plot_x + view.plot_width - view.profile_width,
                                   0, view.height), ==, 0);

  cairo_surface_destroy (with);
  cairo_surface_destroy (without);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/render/order-flow/off-by-default", test_frame_init_leaves_order_flow_off);
  g_test_add_func ("/render/depth/band-where-the-book-says", test_depth_band_where_the_book_says);
  g_test_add_func ("/render/depth/band-goes-with-the-profile", test_depth_band_needs_profile);
  g_test_add_func ("/render/depth/bands-over-the-plot", test_depth_bands_over_plot);
  g_test_add_func ("/render/cascade/steps-between-trigger-and-final", test_cascade_steps_between_trigger_and_final);
  g_test_add_func ("/render/cascade/needs-depth", test_cascade_needs_depth);
  g_test_add_func ("/render/cascade/describe", test_cascade_describe);
  g_test_add_func ("/render/confluence/marker-at-zone", test_confluence_marker_at_zone);

  return g_test_run ();
}
