/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <gtk/gtk.h>
#include <string.h>

#include "lode-application.h"
#include "lode-mock-exchange.h"
#include "lode-window.h"

/* The window on exchanges: the loopback mock as every venue's base URL,
 * picked from the side panel as a user would. */

typedef struct
{
  LodeMockExchange   *mock;
  LodeApplication    *app;
  LodeWindow         *window;
  LodeDataController *controller;
  LodeSidePanel      *panel;
  gboolean            saw_progress;
  guint               loads;
} Fixture;

static gboolean
wait_for (gboolean (*done) (Fixture *fixture),
          Fixture   *fixture)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!done (fixture) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  return done (fixture);
}

static GtkWidget *
find_visible (GtkWidget *root,
              GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) && gtk_widget_get_visible (child))
        return child;
      if ((found = find_visible (child, type)) != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
find_revealed_info_bar (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_INFO_BAR (child) && gtk_info_bar_get_revealed (GTK_INFO_BAR (child)))
        return child;
      if ((found = find_revealed_info_bar (child)) != NULL)
        return found;
    }

  return NULL;
}

/* While a history download runs, the header bar shows its pages. */
static void
on_progress_text (LodeDataController *controller,
                  GParamSpec         *pspec,
                  Fixture            *fixture)
{
  GtkWidget *titlebar = gtk_window_get_titlebar (GTK_WINDOW (fixture->window));
  GtkWidget *bar;

  gtk_widget_measure (titlebar, GTK_ORIENTATION_HORIZONTAL, -1, NULL, NULL, NULL, NULL);
  bar = find_visible (titlebar, GTK_TYPE_PROGRESS_BAR);
  if (bar != NULL && gtk_progress_bar_get_text (GTK_PROGRESS_BAR (bar)) != NULL)
    fixture->saw_progress = TRUE;
}

static void
on_loading (LodeDataController *controller,
            GParamSpec         *pspec,
            Fixture            *fixture)
{
  if (!lode_data_controller_get_loading (controller))
    fixture->loads++;
}

static gboolean
has_snapshot (Fixture *fixture)
{
  return lode_data_controller_get_snapshot (fixture->controller) != NULL
         && !lode_data_controller_get_loading (fixture->controller);
}

static gboolean
showing_binance (Fixture *fixture)
{
  return has_snapshot (fixture)
         && g_strcmp0 (lode_data_controller_get_source_label (fixture->controller), "Binance") == 0;
}

static gboolean
showing_eth (Fixture *fixture)
{
  LodeSnapshot *snapshot = lode_data_controller_get_snapshot (fixture->controller);

  return has_snapshot (fixture) && g_strcmp0 (lode_snapshot_get_symbol (snapshot), "ETHUSDT") == 0;
}

static gboolean
symbols_listed (Fixture *fixture)
{
  GtkDropDown *symbols = lode_side_panel_get_symbol_dropdown (fixture->panel);

  return g_list_model_get_n_items (gtk_drop_down_get_model (symbols)) >= 2;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char * const venues[] = { "binance", "bybit", "okx", "hyperliquid", NULL };
  GSettings *settings;

  fixture->mock = lode_mock_exchange_new (21);
  fixture->app = lode_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (fixture->app), NULL, &error));
  g_assert_no_error (error);

  /* The settings a user (or a mirror) would set: every venue's address. */
  settings = lode_application_get_settings (fixture->app);
  g_assert_nonnull (settings);
  for (guint i = 0; venues[i] != NULL; i++)
    {
      g_autofree char *key = g_strdup_printf ("%s-url", venues[i]);
      g_autofree char *url = lode_mock_exchange_get_base_url (fixture->mock, venues[i]);

      g_settings_set_string (settings, key, url);
    }
  g_settings_set_string (settings, "source", "demo");
  g_settings_set_string (settings, "symbol", "BTCUSDT");
  g_settings_set_string (settings, "interval", "1h");

  g_application_activate (G_APPLICATION (fixture->app));
  fixture->window = LODE_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (fixture->app)));
  fixture->controller = g_object_ref (lode_window_get_controller (fixture->window));
  fixture->panel = lode_window_get_side_panel (fixture->window);
  lode_data_controller_set_now (fixture->controller, lode_mock_exchange_get_now_ms (fixture->mock));
  lode_http_set_retry_policy (lode_data_controller_get_http (fixture->controller), 2, 5, 20, 50);
  g_signal_connect (fixture->controller, "notify::progress-text", G_CALLBACK (on_progress_text), fixture);
  g_signal_connect (fixture->controller, "notify::loading", G_CALLBACK (on_loading), fixture);

  g_assert_true (wait_for (has_snapshot, fixture));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_signal_handlers_disconnect_by_data (fixture->controller, fixture);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&fixture->controller);
  g_clear_object (&fixture->app);
  g_clear_pointer (&fixture->mock, lode_mock_exchange_free);
}

static guint
index_of (GtkDropDown *dropdown,
          const char  *text)
{
  GListModel *model = gtk_drop_down_get_model (dropdown);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_str_equal (gtk_string_object_get_string (item), text))
        return i;
    }

  g_assert_not_reached ();
}

static void
test_switch_venue_and_symbol (Fixture       *fixture,
                              gconstpointer  data)
{
  GtkDropDown *sources = lode_side_panel_get_source_dropdown (fixture->panel);
  GtkDropDown *symbols = lode_side_panel_get_symbol_dropdown (fixture->panel);
  LodeChartView *chart = lode_window_get_chart_view (fixture->window);
  g_autoptr(LodeSnapshot) snapshot = NULL;
  GSettings *settings = lode_application_get_settings (fixture->app);
  g_autofree char *source = NULL;
  guint hits;

  g_assert_cmpstr (lode_data_controller_get_source_label (fixture->controller), ==,
                   "Demo market (simulated)");

  /* Binance from the panel: the download shows its pages, then the chart
   * shows the venue's market. */
  gtk_drop_down_set_selected (sources, index_of (sources, "Binance"));
  g_assert_true (wait_for (showing_binance, fixture));
  g_assert_true (fixture->saw_progress);
  snapshot = lode_snapshot_ref (lode_chart_view_get_snapshot (chart));
  g_assert_true (snapshot == lode_data_controller_get_snapshot (fixture->controller));
  g_assert_cmpstr (lode_snapshot_get_symbol (snapshot), ==, "BTCUSDT");
  g_assert_cmpuint (lode_mock_exchange_get_hits (fixture->mock, "/binance/fapi/v1/klines"), >=, 1);
  source = g_settings_get_string (settings, "source");
  g_assert_cmpstr (source, ==, "binance");

  /* The venue's symbol list arrives; ETHUSDT from it is fetched (the
   * mock serves one synthetic series for every symbol, so the requests
   * and the snapshot's symbol tell them apart). */
  g_assert_true (wait_for (symbols_listed, fixture));
  hits = lode_mock_exchange_get_hits (fixture->mock, "/binance/fapi/v1/klines");
  gtk_drop_down_set_selected (symbols, index_of (symbols, "ETHUSDT"));
  g_assert_true (wait_for (showing_eth, fixture));
  g_assert_cmpuint (lode_mock_exchange_get_hits (fixture->mock, "/binance/fapi/v1/klines"), >, hits);
  g_assert_true (lode_chart_view_get_snapshot (chart) != snapshot);
  g_assert_cmpstr (lode_snapshot_get_symbol (lode_chart_view_get_snapshot (chart)), ==, "ETHUSDT");
}

static gboolean
error_shown (Fixture *fixture)
{
  return lode_data_controller_get_error (fixture->controller) != NULL
         && !lode_data_controller_get_loading (fixture->controller);
}

static void
test_error_keeps_the_chart (Fixture       *fixture,
                            gconstpointer  data)
{
  GtkDropDown *sources = lode_side_panel_get_source_dropdown (fixture->panel);
  LodeMockFault fault = { .kind = LODE_MOCK_FAULT_STATUS, .status = 503 };
  LodeChartView *chart = lode_window_get_chart_view (fixture->window);
  GtkWidget *bar;
  guint n_before;

  gtk_drop_down_set_selected (sources, index_of (sources, "Binance"));
  g_assert_true (wait_for (showing_binance, fixture));
  n_before = lode_market_get_n_candles (lode_snapshot_get_market (lode_chart_view_get_snapshot (chart)));

  /* The venue fails; Reload (F5) from the window. */
  lode_mock_exchange_add_fault (fixture->mock, "/binance/fapi/v1/klines", 100, &fault);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.reload", NULL));
  g_assert_true (wait_for (error_shown, fixture));

  /* A visible message that names the venue; the chart stays. */
  bar = find_revealed_info_bar (GTK_WIDGET (fixture->window));
  g_assert_nonnull (bar);
  g_assert_cmpint (gtk_info_bar_get_message_type (GTK_INFO_BAR (bar)), ==, GTK_MESSAGE_WARNING);
  g_assert_nonnull (strstr (lode_data_controller_get_error (fixture->controller), "Binance"));
  g_assert_nonnull (lode_chart_view_get_snapshot (chart));
  g_assert_cmpuint (lode_market_get_n_candles (lode_snapshot_get_market (lode_chart_view_get_snapshot (chart))),
                    ==, n_before);
}

static gboolean
has_book (Fixture *fixture)
{
  return showing_binance (fixture)
         && lode_chart_view_get_book (lode_window_get_chart_view (fixture->window)) != NULL;
}

static void
test_depth_and_cascade (Fixture       *fixture,
                        gconstpointer  data)
{
  GtkDropDown *sources = lode_side_panel_get_source_dropdown (fixture->panel);
  GtkListBox *list = lode_side_panel_get_cluster_list (fixture->panel);
  g_autofree char *needs_depth = NULL;
  const char *text = NULL;
  gboolean estimated;

  /* The demo has no book: the cascade says what it needs, invents nothing. */
  g_signal_emit_by_name (list, "row-activated", gtk_list_box_get_row_at_index (list, 0));
  needs_depth = g_strdup (lode_side_panel_get_cascade_text (fixture->panel));
  g_assert_nonnull (strstr (needs_depth, "depth"));

  /* On Binance the venue's book comes with the market. */
  gtk_drop_down_set_selected (sources, index_of (sources, "Binance"));
  g_assert_true (wait_for (has_book, fixture));
  g_assert_cmpuint (lode_mock_exchange_get_hits (fixture->mock, "/binance/fapi/v1/depth"), >=, 1);

  /* A cluster's cascade through that book: an estimate, not the request
   * for depth. (The mock's book sits at its present price, which may lie
   * on one side of the last close: one side's clusters can be out of its
   * reach, so the listed clusters are tried in turn.) */
  estimated = FALSE;
  for (int i = 0; !estimated && gtk_list_box_get_row_at_index (list, i) != NULL; i++)
    {
      g_signal_emit_by_name (list, "row-activated", gtk_list_box_get_row_at_index (list, i));
      text = lode_side_panel_get_cascade_text (fixture->panel);
      estimated = g_strcmp0 (text, needs_depth) != 0;
    }
  g_assert_true (estimated);
  g_assert_null (strstr (text, "needs order-book depth"));
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

  g_test_add ("/ui/venues/switch-venue-and-symbol", Fixture, NULL,
              fixture_set_up, test_switch_venue_and_symbol, fixture_tear_down);
  g_test_add ("/ui/venues/depth-and-cascade", Fixture, NULL,
              fixture_set_up, test_depth_and_cascade, fixture_tear_down);
  g_test_add ("/ui/venues/error-keeps-the-chart", Fixture, NULL,
              fixture_set_up, test_error_keeps_the_chart, fixture_tear_down);

  return g_test_run ();
}
