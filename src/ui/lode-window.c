/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lode-window.h"

struct _LodeWindow
{
  GtkApplicationWindow parent_instance;

  GtkHeaderBar  *header_bar;
  GtkMenuButton *primary_menu_button;
  LodeChartView *chart_view;
};

G_DEFINE_FINAL_TYPE (LodeWindow, lode_window, GTK_TYPE_APPLICATION_WINDOW)

static GSettings *
window_settings (LodeWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (!LODE_IS_APPLICATION (app))
    return NULL;

  return lode_application_get_settings (LODE_APPLICATION (app));
}

static void
restore_window_state (LodeWindow *self)
{
  GSettings *settings = window_settings (self);

  if (settings == NULL)
    return;

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static gboolean
lode_window_close_request (GtkWindow *window)
{
  LodeWindow *self = LODE_WINDOW (window);
  GSettings *settings = window_settings (self);

  if (settings != NULL)
    {
      int width, height;

      /* The default size tracks the unmaximized size in GTK 4. */
      gtk_window_get_default_size (window, &width, &height);
      g_settings_delay (settings);
      if (width > 0 && height > 0)
        {
          g_settings_set_int (settings, "window-width", width);
          g_settings_set_int (settings, "window-height", height);
        }
      g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (window));
      g_settings_apply (settings);
    }

  return GTK_WINDOW_CLASS (lode_window_parent_class)->close_request (window);
}

static void
lode_window_constructed (GObject *object)
{
  LodeWindow *self = LODE_WINDOW (object);

  G_OBJECT_CLASS (lode_window_parent_class)->constructed (object);

  restore_window_state (self);
}

static void
lode_window_class_init (LodeWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = lode_window_constructed;
  window_class->close_request = lode_window_close_request;

  g_type_ensure (LODE_TYPE_CHART_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/lode-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LodeWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, LodeWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, LodeWindow, chart_view);
}

static void
lode_window_init (LodeWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

LodeWindow *
lode_window_new (LodeApplication *application)
{
  g_return_val_if_fail (LODE_IS_APPLICATION (application), NULL);

  return g_object_new (LODE_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

LodeChartView *
lode_window_get_chart_view (LodeWindow *self)
{
  g_return_val_if_fail (LODE_IS_WINDOW (self), NULL);

  return self->chart_view;
}
