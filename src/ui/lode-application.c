/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lode-application.h"
#include "lode-preferences.h"
#include "lode-window.h"

/* Declared by the generated lode-resources.h (--manual-register). */
void lode_register_resource (void);

struct _LodeApplication
{
  GtkApplication parent_instance;

  GSettings  *settings;
  GDBusProxy *portal;
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

static void
lode_application_preferences (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  LodeApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (self->settings == NULL)
    return;

  gtk_window_present (GTK_WINDOW (lode_preferences_new (parent, self->settings)));
}

static const GActionEntry app_actions[] = {
  { .name = "about", .activate = lode_application_about },
  { .name = "preferences", .activate = lode_application_preferences },
  { .name = "quit", .activate = lode_application_quit },
};

/* GTK 4.8 does not follow the desktop's light/dark preference by itself
 * (libadwaita does); read it from the settings portal and follow changes.
 * Without a session bus (tests, CI) the theme's default stays. */
static void
apply_color_scheme (GVariant *value)
{
  guint32 scheme;

  /* Read() wraps the value in one or two variants. */
  while (value != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE_VARIANT))
    value = g_variant_get_variant (value);
  if (value == NULL || !g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    return;

  /* 0 no preference, 1 prefer dark, 2 prefer light. */
  scheme = g_variant_get_uint32 (value);
  g_object_set (gtk_settings_get_default (),
                "gtk-application-prefer-dark-theme", scheme == 1,
                NULL);
}

static void
on_portal_signal (GDBusProxy *proxy,
                  const char *sender_name,
                  const char *signal_name,
                  GVariant   *parameters,
                  gpointer    user_data)
{
  const char *namespace, *key;
  g_autoptr(GVariant) value = NULL;

  if (g_strcmp0 (signal_name, "SettingChanged") != 0
      || !g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ssv)")))
    return;

  g_variant_get (parameters, "(&s&sv)", &namespace, &key, &value);
  if (g_strcmp0 (namespace, "org.freedesktop.appearance") == 0
      && g_strcmp0 (key, "color-scheme") == 0)
    apply_color_scheme (value);
}

static void
on_color_scheme_read (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GVariant) reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (object), result, NULL);
  g_autoptr(GVariant) value = NULL;

  if (reply == NULL)
    return;

  g_variant_get (reply, "(v)", &value);
  apply_color_scheme (value);
}

static void
on_portal_proxy (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(LodeApplication) self = user_data;
  GDBusProxy *proxy = g_dbus_proxy_new_for_bus_finish (result, NULL);

  if (proxy == NULL)
    return;

  self->portal = proxy;
  g_signal_connect (proxy, "g-signal", G_CALLBACK (on_portal_signal), NULL);
  g_dbus_proxy_call (proxy, "Read",
                     g_variant_new ("(ss)", "org.freedesktop.appearance", "color-scheme"),
                     G_DBUS_CALL_FLAGS_NONE, 2000, NULL, on_color_scheme_read, NULL);
}

static void
watch_color_scheme (LodeApplication *self)
{
  g_dbus_proxy_new_for_bus (G_BUS_TYPE_SESSION,
                            G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES,
                            NULL,
                            "org.freedesktop.portal.Desktop",
                            "/org/freedesktop/portal/desktop",
                            "org.freedesktop.portal.Settings",
                            NULL, on_portal_proxy, g_object_ref (self));
}

static void
lode_application_startup (GApplication *application)
{
  LodeApplication *self = LODE_APPLICATION (application);
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
    { "win.open-file", { "<Control>o", NULL } },
    { "win.reload", { "F5", "<Control>r", NULL } },
    { "win.export-image", { "<Control>e", NULL } },
    { "win.export-data", { "<Control><Shift>e", NULL } },
    { "win.show-side-panel", { "F9", NULL } },
    { "view.mode::raw", { "<Control>1", NULL } },
    { "view.mode::smoothed", { "<Control>2", NULL } },
    { "view.mode::long", { "<Control>3", NULL } },
    { "view.mode::short", { "<Control>4", NULL } },
    { "view.show-profile", { "<Control>p", NULL } },
    { "view.show-depth-bands", { "<Control>d", NULL } },
  };

  G_APPLICATION_CLASS (lode_application_parent_class)->startup (application);

  gtk_css_provider_load_from_resource (css, RESOURCE_BASE "/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);

  self->settings = settings_new_if_installed ();
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "preferences")),
                               self->settings != NULL);
  watch_color_scheme (self);
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
  g_clear_object (&self->portal);

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
