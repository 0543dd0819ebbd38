/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <gtk/gtk.h>

#include "lode-application.h"
#include "lode-window.h"

/* Iterates the default main context until @done returns TRUE or about five
 * seconds have passed; returns the last result. */
static gboolean
iterate_until (gboolean (*done) (gpointer data),
               gpointer   data)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (!done (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);

  return done (data);
}

static gboolean
widget_has_size (gpointer data)
{
  GtkWidget *widget = data;

  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0;
}

static gboolean
panel_hidden (gpointer data)
{
  return !gtk_widget_get_mapped (GTK_WIDGET (data));
}

static gboolean
about_dialog_shown (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (GTK_IS_ABOUT_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        {
          *(GtkWindow **) data = window;
          return TRUE;
        }
    }

  return FALSE;
}

static gboolean
no_app_windows (gpointer data)
{
  return gtk_application_get_windows (GTK_APPLICATION (data)) == NULL;
}

static LodeApplication *
start_app (LodeWindow **window_out)
{
  LodeApplication *app = lode_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));

  *window_out = LODE_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_true (LODE_IS_WINDOW (*window_out));
  return app;
}

static void
test_window_layout (void)
{
  LodeWindow *window;
  g_autoptr(LodeApplication) app = start_app (&window);
  GtkWidget *titlebar = gtk_window_get_titlebar (GTK_WINDOW (window));
  GtkWidget *chart = GTK_WIDGET (lode_window_get_chart_view (window));
  GtkWidget *panel = GTK_WIDGET (lode_window_get_side_panel (window));

  g_assert_true (GTK_IS_HEADER_BAR (titlebar));
  g_assert_true (LODE_IS_CHART_VIEW (chart));
  g_assert_true (iterate_until (widget_has_size, chart));

  /* The chart takes the window's content beside the side panel: with the
   * default 1280×800 window it is far above the widget's minimum 320×240,
   * and chart + panel span the window. */
  g_assert_true (iterate_until (widget_has_size, panel));
  g_assert_cmpint (gtk_widget_get_width (chart), >=, 640);
  g_assert_cmpint (gtk_widget_get_height (chart), >=, 480);
  g_assert_cmpint (gtk_widget_get_width (chart) + gtk_widget_get_width (panel), >=,
                   gtk_widget_get_width (GTK_WIDGET (window)) - 2);

  /* F9's action hides the panel and the chart takes the room. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-side-panel", NULL);
  g_assert_true (iterate_until (panel_hidden, panel));
  g_assert_cmpint (gtk_widget_get_width (chart), ==, gtk_widget_get_width (GTK_WIDGET (window)));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_actions (void)
{
  LodeWindow *window;
  g_autoptr(LodeApplication) app = start_app (&window);
  GtkWindow *about = NULL;

  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "about"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "quit"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "show-help-overlay"));
  g_assert_nonnull (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));

  /* About opens a real about dialog, transient for the window. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  g_assert_true (iterate_until (about_dialog_shown, &about));
  g_assert_cmpstr (gtk_about_dialog_get_version (GTK_ABOUT_DIALOG (about)), ==, PACKAGE_VERSION);
  g_assert_true (gtk_window_get_transient_for (about) == GTK_WINDOW (window));
  gtk_window_destroy (about);

  /* Quit closes every window of the application. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  g_assert_true (iterate_until (no_app_windows, app));
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

  g_test_add_func ("/ui/window/layout", test_window_layout);
  g_test_add_func ("/ui/window/actions", test_window_actions);

  return g_test_run ();
}
