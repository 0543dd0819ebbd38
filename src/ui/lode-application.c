/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lode-application.h"
#include "lode-window.h"

/* Declared by the generated lode-resources.h (--manual-register). */
void lode_register_resource (void);

struct _LodeApplication
{
  GtkApplication parent_instance;

  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (LodeApplication, lode_application, GTK_TYPE_APPLICATION)

static GSettings *
settings_new_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);

  if (schema == NULL)
    {
      g_message ("Settings schema %s is not installed; settings will not persist", APP_ID);
      return NULL;
    }

  return g_settings_new (APP_ID);
}

static void
lode_application_about (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  GtkApplication *app = user_data;
  static const char *developers[] = { "The Lodestone developers", NULL };

  gtk_show_about_dialog (gtk_application_get_active_window (app),
                         "program-name", _("Lodestone"),
                         "logo-icon-name", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Liquidation heatmaps for crypto perpetual futures"),
                         "website", "https://github.com/lodestone/lodestone",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "authors", developers,
                         /* Translators: your names, one per line */
                         "translator-credits", _("translator-credits"),
                         "copyright", "© 2026 The Lodestone developers",
                         NULL);
}

static void
lode_application_quit (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  GtkApplication *app = user_data;
  GList *windows = gtk_application_get_windows (app);

  /* Close rather than destroy, so each window saves its state. */
  for (GList *l = windows; l != NULL;)
    {
      GList *next = l->next;

      gtk_window_close (GTK_WINDOW (l->data));
      l = next;
    }

  g_application_quit (G_APPLICATION (app));
}

static const GActionEntry app_actions[] = {
  { .name = "about", .activate = lode_application_about },
  { .name = "quit", .activate = lode_application_quit },
};

static void
lode_application_startup (GApplication *application)
{
  LodeApplication *self = LODE_APPLICATION (application);
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *help_accels[] = { "<Control>question", NULL };

  G_APPLICATION_CLASS (lode_application_parent_class)->startup (application);

  gtk_css_provider_load_from_resource (css, RESOURCE_BASE "/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay", help_accels);

  self->settings = settings_new_if_installed ();
}

static void
lode_application_activate (GApplication *application)
{
  LodeApplication *self = LODE_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (lode_window_new (self));

  gtk_window_present (window);
}

static void
lode_application_dispose (GObject *object)
{
  LodeApplication *self = LODE_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (lode_application_parent_class)->dispose (object);
}

static void
lode_application_class_init (LodeApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = lode_application_dispose;
  app_class->startup = lode_application_startup;
  app_class->activate = lode_application_activate;

  lode_register_resource ();
}

static void
lode_application_init (LodeApplication *self)
{
}

LodeApplication *
lode_application_new (const char       *application_id,
                      GApplicationFlags flags)
{
  g_return_val_if_fail (application_id != NULL, NULL);

  return g_object_new (LODE_TYPE_APPLICATION,
                       "application-id", application_id,
                       "flags", flags,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}

GSettings *
lode_application_get_settings (LodeApplication *self)
{
  g_return_val_if_fail (LODE_IS_APPLICATION (self), NULL);

  return self->settings;
}
