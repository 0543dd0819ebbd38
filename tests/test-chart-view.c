/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <gtk/gtk.h>

#include "lode-application.h"
#include "lode-window.h"

/* The chart in a real window on the demo market, driven as a user would:
 * the side panel's buttons, a cluster row, keyboard actions. */

typedef struct
{
  LodeApplication *app;
  LodeWindow      *window;
  LodeChartView   *chart;
} Fixture;

static gboolean
wait_for (gboolean (*done) (gpointer data),
          gpointer   data)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!done (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  return done (data);
}

static gboolean
chart_ready (gpointer data)
{
  LodeChartView *chart = data;

  return lode_chart_view_get_snapshot (chart) != NULL
         && gtk_widget_get_width (GTK_WIDGET (chart)) > 0
         && !lode_chart_view_get_rendering (chart);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->app = lode_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (fixture->app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (fixture->app));

  fixture->window = LODE_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (fixture->app)));
  fixture->chart = lode_window_get_chart_view (fixture->window);
  g_assert_true (wait_for (chart_ready, fixture->chart));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&fixture->app);
}

/* The widget's pixels as the renderer of its window draws them. */
static GBytes *
render_widget (GtkWidget *widget,
               int       *width,
               int       *height,
               gsize     *stride)
{
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  guint8 *data;

  *width = gtk_widget_get_width (widget);
  *height = gtk_widget_get_height (widget);
  /* The widget's own snapshot, as GTK calls it for a frame. */
  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, *width, *height));
  *width = gdk_texture_get_width (texture);
  *height = gdk_texture_get_height (texture);
  *stride = (gsize) *width * 4;
  data = g_malloc ((gsize) *height * *stride);
  gdk_texture_download (texture, data, *stride);

  return g_bytes_new_take (data, (gsize) *height * *stride);
}

/* Pixels of the plot above and below the last close that differ from the
 * plot's background (heat, candles, lines), counted on a grid of samples. */
typedef struct
{
  gsize above;
  gsize below;
  GBytes *pixels;
} Heat;

static Heat
measure_heat (LodeChartView *chart)
{
  const LodeView *view = lode_chart_view_get_view (chart);
  LodeSnapshot *snapshot = lode_chart_view_get_snapshot (chart);
  LodeMarket *market = lode_snapshot_get_market (snapshot);
  double close = lode_market_get_candle (market, lode_market_get_n_candles (market) - 1)->close;
  double close_y = lode_view_y_for_price (view, close);
  int width, height;
  gsize stride;
  Heat heat = { 0 };
  const guint8 *data;
  guint32 background;

  heat.pixels = render_widget (GTK_WIDGET (chart), &width, &height, &stride);
  data = g_bytes_get_data (heat.pixels, NULL);

  /* The background is what the plot's top-left corner shows. */
  background = *(const guint32 *) (data + ((int) view->plot_y + 1) * stride + ((int) view->plot_x + 1) * 4);

  for (int y = view->plot_y + 2; y < view->plot_y + view->plot_height - 2; y += 2)
    {
      /* Leave out the band around the close line and its tag. */
      if (ABS (y - close_y) < 6)
        continue;
      for (int x = view->plot_x + 2; x < view->plot_x + view->plot_width - 2; x += 2)
        {
          guint32 p = *(const guint32 *) (data + y * stride + x * 4);

          if (p != background)
            {
              if (y < close_y)
                heat.above++;
              else
                heat.below++;
            }
        }
    }

  return heat;
}

static GtkWidget *
find_mode_button (GtkWidget  *root,
                  const char *nick)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_TOGGLE_BUTTON (child)
          && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)), "view.mode") == 0)
        {
          GVariant *target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (child));

          if (target != NULL && g_strcmp0 (g_variant_get_string (target, NULL), nick) == 0)
            return child;
        }

      if ((found = find_mode_button (child, nick)) != NULL)
        return found;
    }

  return NULL;
}

static Heat
switch_mode (Fixture    *fixture,
             const char *nick)
{
  GtkWidget *panel = GTK_WIDGET (lode_window_get_side_panel (fixture->window));
  GtkWidget *button = find_mode_button (panel, nick);

  g_assert_nonnull (button);
  /* A click, as the pointer gives it (activate would animate a press and
   * click a quarter second later). */
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)));
  g_assert_true (wait_for (chart_ready, fixture->chart));

  return measure_heat (fixture->chart);
}

static gboolean
bytes_differ (GBytes *a,
              GBytes *b)
{
  return !g_bytes_equal (a, b);
}

static void
test_modes_from_panel (Fixture       *fixture,
                       gconstpointer  data)
{
  Heat raw = switch_mode (fixture, "raw");
  Heat smoothed = switch_mode (fixture, "smoothed");
  Heat longs = switch_mode (fixture, "long");
  Heat shorts = switch_mode (fixture, "short");

  g_assert_cmpint (lode_chart_view_get_mode (fixture->chart), ==, LODE_RENDER_MODE_SHORT);

  /* The demo market has heat on both sides of the price. */
  g_assert_cmpuint (raw.above, >, 0);
  g_assert_cmpuint (raw.below, >, 0);

  /* Every mode draws something else. */
  g_assert_true (bytes_differ (raw.pixels, smoothed.pixels));
  g_assert_true (bytes_differ (raw.pixels, longs.pixels));
  g_assert_true (bytes_differ (longs.pixels, shorts.pixels));

  /* Long mode keeps the heat below the price and drops the short levels
   * above it; Short mode the other way round. What remains on the other
   * side is candles and lines, far less than the heat. */
  g_assert_cmpuint (longs.above, <, raw.above);
  g_assert_cmpuint (shorts.below, <, raw.below);
  g_assert_cmpuint (longs.below, >, shorts.below);
  g_assert_cmpuint (shorts.above, >, longs.above);

  g_bytes_unref (raw.pixels);
  g_bytes_unref (smoothed.pixels);
  g_bytes_unref (longs.pixels);
  g_bytes_unref (shorts.pixels);
}

static void
test_cluster_row_moves_view (Fixture       *fixture,
                             gconstpointer  data)
{
  LodeSidePanel *panel = lode_window_get_side_panel (fixture->window);
  GtkListBox *list = lode_side_panel_get_cluster_list (panel);
  GArray *clusters = lode_snapshot_get_clusters (lode_chart_view_get_snapshot (fixture->chart));
  const LodeView *view = lode_chart_view_get_view (fixture->chart);
  GtkListBoxRow *row;
  double before_min = view->price_min, before_max = view->price_max;
  double mid;
  guint pick;

  g_assert_cmpuint (clusters->len, >, 1);
  /* Take the last row shown: the weakest of the ten, usually the farthest
   * from the current view. */
  pick = MIN (clusters->len, 10) - 1;
  row = gtk_list_box_get_row_at_index (list, pick);
  g_assert_nonnull (row);

  g_signal_emit_by_name (list, "row-activated", row);

  {
    const LodeCluster *cluster = &g_array_index (clusters, LodeCluster, pick);

    mid = (cluster->price_low + cluster->price_high) / 2.0;
    /* The zone is now in view, centred, and the view moved. */
    g_assert_cmpfloat (view->price_min, <, cluster->price_low);
    g_assert_cmpfloat (view->price_max, >, cluster->price_high);
    g_assert_cmpfloat_with_epsilon ((view->price_min + view->price_max) / 2.0, mid,
                                    (view->price_max - view->price_min) * 0.01);
    g_assert_true (view->price_min != before_min || view->price_max != before_max);
    g_assert_false (view->price_auto);
  }
}

static void
test_keyboard_actions (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkWidget *chart = GTK_WIDGET (fixture->chart);
  const LodeView *view = lode_chart_view_get_view (fixture->chart);
  double span = view->index_max - view->index_min;
  double index_max = view->index_max;

  g_assert_true (gtk_widget_activate_action (chart, "chart.zoom-in", NULL));
  g_assert_cmpfloat (view->index_max - view->index_min, <, span * 0.9);

  g_assert_true (gtk_widget_activate_action (chart, "chart.zoom-out", NULL));
  g_assert_true (gtk_widget_activate_action (chart, "chart.zoom-out", NULL));
  g_assert_cmpfloat (view->index_max - view->index_min, >, span * 1.1);

  /* Left brings earlier candles in: the right edge moves back in time. */
  index_max = view->index_max;
  g_assert_true (gtk_widget_activate_action (chart, "chart.pan", "(ii)", 1, 0));
  g_assert_cmpfloat (view->index_max, <, index_max);

  /* Price zoom takes over the axis; fit gives it back. */
  g_assert_true (gtk_widget_activate_action (chart, "chart.zoom-price-in", NULL));
  g_assert_false (view->price_auto);
  g_assert_true (gtk_widget_activate_action (chart, "chart.fit", NULL));
  g_assert_true (view->price_auto);
  g_assert_cmpfloat (view->index_max, >=, lode_market_get_n_candles (lode_snapshot_get_market (lode_chart_view_get_snapshot (fixture->chart))));
}

static void
test_mode_persists (Fixture       *fixture,
                    gconstpointer  data)
{
  GSettings *settings = lode_application_get_settings (fixture->app);
  g_autofree char *nick = NULL;

  g_assert_nonnull (settings);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "view.mode", "s", "long"));
  nick = g_settings_get_string (settings, "render-mode");
  g_assert_cmpstr (nick, ==, "long");
  g_assert_cmpint (lode_chart_view_get_mode (fixture->chart), ==, LODE_RENDER_MODE_LONG);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  if (!gtk_init_check ())
    {
      g_printerr ("No display: skipping the UI tests\n");
      return 77;
    }

  g_test_add ("/ui/chart/modes-from-panel", Fixture, NULL,
              fixture_set_up, test_modes_from_panel, fixture_tear_down);
  g_test_add ("/ui/chart/cluster-row-moves-view", Fixture, NULL,
              fixture_set_up, test_cluster_row_moves_view, fixture_tear_down);
  g_test_add ("/ui/chart/keyboard-actions", Fixture, NULL,
              fixture_set_up, test_keyboard_actions, fixture_tear_down);
  g_test_add ("/ui/chart/mode-persists", Fixture, NULL,
              fixture_set_up, test_mode_persists, fixture_tear_down);

  return g_test_run ();
}
