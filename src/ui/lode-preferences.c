/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lode-liq-model.h"
#include "lode-preferences.h"

struct _LodePreferences
{
  GtkWindow  parent_instance;

  GSettings *settings;
  GtkGrid   *grid;
  int        row;
  GtkEntry  *tiers_entry;
};

G_DEFINE_FINAL_TYPE (LodePreferences, lode_preferences, GTK_TYPE_WINDOW)

static const char * const colormap_nicks[] = { "magma", "viridis", "inferno", "thermal" };

static void
add_heading (LodePreferences *self,
             const char      *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  if (self->row > 0)
    gtk_widget_set_margin_top (label, 12);
  gtk_grid_attach (self->grid, label, 0, self->row++, 2, 1);
}

static void
add_row (LodePreferences *self,
         const char      *mnemonic,
         GtkWidget       *widget,
         const char      *tooltip)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (mnemonic);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), widget);
  gtk_widget_set_hexpand (widget, TRUE);
  if (tooltip != NULL)
    gtk_widget_set_tooltip_text (widget, tooltip);
  gtk_grid_attach (self->grid, label, 0, self->row, 1, 1);
  gtk_grid_attach (self->grid, widget, 1, self->row++, 1, 1);
}

static gboolean
colormap_get (GValue   *value,
              GVariant *variant,
              gpointer  user_data)
{
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (colormap_nicks); i++)
    if (g_strcmp0 (nick, colormap_nicks[i]) == 0)
      {
        g_value_set_uint (value, i);
        return TRUE;
      }

  return FALSE;
}

static GVariant *
colormap_set (const GValue       *value,
              const GVariantType *expected_type,
              gpointer            user_data)
{
  guint i = g_value_get_uint (value);

  return i < G_N_ELEMENTS (colormap_nicks) ? g_variant_new_string (colormap_nicks[i]) : NULL;
}

/* The cluster share is stored as a fraction, shown in percent. */
static gboolean
share_get (GValue   *value,
           GVariant *variant,
           gpointer  user_data)
{
  g_value_set_double (value, 100.0 * g_variant_get_double (variant));
  return TRUE;
}

static GVariant *
share_set (const GValue       *value,
           const GVariantType *expected_type,
           gpointer            user_data)
{
  return g_variant_new_double (g_value_get_double (value) / 100.0);
}

/* The tier string is applied only when it parses; otherwise the entry
 * says what is wrong and nothing changes. */
static void
on_tiers_activate (LodePreferences *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->tiers_entry));
  g_autoptr(GError) error = NULL;
  LodeModelParams params;

  lode_model_params_init_default (&params);
  if (lode_model_params_parse_tiers (&params, text, &error)
      && lode_model_params_validate (&params, &error))
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->tiers_entry), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->tiers_entry),
                                   _("Leverage:weight pairs, e.g. 10:0.3,25:0.3,50:0.25,100:0.15"));
      g_settings_set_string (self->settings, "tiers", text);
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->tiers_entry), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->tiers_entry), error->message);
    }
}

static void
on_tiers_setting_changed (LodePreferences *self)
{
  g_autofree char *tiers = g_settings_get_string (self->settings, "tiers");

  if (g_strcmp0 (tiers, gtk_editable_get_text (GTK_EDITABLE (self->tiers_entry))) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->tiers_entry), tiers);
}

static void
build (LodePreferences *self)
{
  const char *colormaps[] = { C_("colour map", "Magma"), C_("colour map", "Viridis"),
                              C_("colour map", "Inferno"), C_("colour map", "Thermal"), NULL };
  GtkWidget *colormap = gtk_drop_down_new_from_strings (colormaps);
  GtkWidget *intensity = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0.2, 2.0, 0.05);
  GtkWidget *mmr = gtk_spin_button_new_with_range (0.0, 0.05, 0.0005);
  GtkWidget *lookback = gtk_spin_button_new_with_range (0, 1000000, 10);
  GtkWidget *refresh = gtk_spin_button_new_with_range (10, 3600, 10);
  GtkWidget *panel = gtk_switch_new ();
  GtkWidget *depth_bands = gtk_switch_new ();
  GtkWidget *wall = gtk_spin_button_new_with_range (1, 100, 0.5);
  GtkWidget *share = gtk_spin_button_new_with_range (0, 100, 1);
  GtkWidget *history = gtk_spin_button_new_with_range (16, 65536, 16);

  self->tiers_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (mmr), 4);
  gtk_scale_set_draw_value (GTK_SCALE (intensity), FALSE);
  gtk_widget_set_halign (panel, GTK_ALIGN_START);
  gtk_widget_set_halign (depth_bands, GTK_ALIGN_START);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (wall), 1);

  add_heading (self, _("Appearance"));
  add_row (self, _("Colour _map"), colormap, NULL);
  add_row (self, _("_Intensity"), intensity, _("Lower values brighten faint bands"));
  add_row (self, _("Show the side _panel"), panel, NULL);

  add_heading (self, _("Model"));
  add_row (self, _("Leverage _tiers"), GTK_WIDGET (self->tiers_entry),
           _("Leverage:weight pairs, e.g. 10:0.3,25:0.3,50:0.25,100:0.15"));
  add_row (self, _("Maintenance _margin rate"), mmr, NULL);
  add_row (self, _("_Lookback (candles, 0 = all)"), lookback, NULL);

  add_heading (self, _("Order Flow"));
  add_row (self, _("Show _depth over the chart"), depth_bands,
           _("Resting order-book liquidity as faint bands across the chart"));
  add_row (self, _("Depth _wall (× median row)"), wall,
           _("A book row counts as a wall from this multiple of the median row"));
  /* xgettext:no-c-format */
  add_row (self, _("Bright _cluster (% of notional)"), share,
           _("A cluster counts as bright from this share of all estimated liquidations"));

  add_heading (self, _("Data"));
  add_row (self, _("_Refresh every (seconds)"), refresh,
           _("How often live sources are polled"));
  add_row (self, _("_History store limit (MB)"), history,
           _("The local history of candles and open interest; the oldest data goes first"));

  g_settings_bind_with_mapping (self->settings, "colormap", colormap, "selected",
                                G_SETTINGS_BIND_DEFAULT, colormap_get, colormap_set, NULL, NULL);
  g_settings_bind (self->settings, "intensity-gamma",
                   gtk_range_get_adjustment (GTK_RANGE (intensity)), "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "show-side-panel", panel, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "mmr", mmr, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "lookback", lookback, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "refresh-interval", refresh, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "show-depth-bands", depth_bands, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "confluence-wall-multiple", wall, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "confluence-cluster-share", share, "value",
                                G_SETTINGS_BIND_DEFAULT, share_get, share_set, NULL, NULL);
  g_settings_bind (self->settings, "history-max-mb", history, "value", G_SETTINGS_BIND_DEFAULT);

  on_tiers_setting_changed (self);
  g_signal_connect_swapped (self->tiers_entry, "activate", G_CALLBACK (on_tiers_activate), self);
  g_signal_connect_object (self->settings, "changed::tiers",
                           G_CALLBACK (on_tiers_setting_changed), self, G_CONNECT_SWAPPED);
}

static void
lode_preferences_dispose (GObject *object)
{
  LodePreferences *self = LODE_PREFERENCES (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (lode_preferences_parent_class)->dispose (object);
}

static void
lode_preferences_class_init (LodePreferencesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lode_preferences_dispose;

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
lode_preferences_init (LodePreferences *self)
{
  self->grid = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_row_spacing (self->grid, 8);
  gtk_grid_set_column_spacing (self->grid, 18);
  gtk_widget_set_margin_start (GTK_WIDGET (self->grid), 18);
  gtk_widget_set_margin_end (GTK_WIDGET (self->grid), 18);
  gtk_widget_set_margin_top (GTK_WIDGET (self->grid), 18);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->grid), 18);

  gtk_window_set_title (GTK_WINDOW (self), _("Preferences"));
  gtk_window_set_default_size (GTK_WINDOW (self), 480, -1);
  gtk_window_set_child (GTK_WINDOW (self), GTK_WIDGET (self->grid));
}

GtkWidget *
lode_preferences_new (GtkWindow *parent,
                      GSettings *settings)
{
  LodePreferences *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (LODE_TYPE_PREFERENCES,
                       "transient-for", parent,
                       "modal", TRUE,
                       "destroy-with-parent", TRUE,
                       NULL);
  self->settings = g_object_ref (settings);
  build (self);

  return GTK_WIDGET (self);
}
