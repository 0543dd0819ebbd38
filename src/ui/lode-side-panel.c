/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "lode-format.h"
#include "lode-interval.h"
#include "lode-side-panel.h"
#include "lode-cascade.h"
#include "lode-confluence.h"
#include "lode-flow.h"
#include "lode-source.h"

/* Clusters listed: the strongest ten (issue #4). */
#define N_CLUSTER_ROWS 10

struct _LodeSidePanel
{
  GtkWidget           parent_instance;

  LodeChartView      *chart_view;
  LodeDataController *controller;
  GBindingGroup      *chart_bindings;
  GBindingGroup      *controller_bindings;
  GArray             *clusters;      /* LodeCluster, in row order */
  gboolean            updating_tiers;

  GtkScrolledWindow  *scroller;
  GtkLabel           *mode_explanation;
  GtkDropDown        *colormap_dropdown;
  GtkAdjustment      *intensity_adjustment;
  GtkListBox         *cluster_list;
  GtkLabel           *cascade_label;
  GtkLabel           *stream_label;
  GtkLabel           *accuracy_label;
  GtkListBox         *prints_list;
  guint               accuracy_source;
  GCancellable       *accuracy_cancellable;
  GtkGrid            *tier_grid;
  GtkDropDown        *source_dropdown;
  GtkDropDown        *symbol_dropdown;
  GtkStringList      *symbols;
  GCancellable       *symbols_cancellable;
  char               *symbols_venue;     /* whose symbols the list holds */
  gboolean            updating_data;
  GtkDropDown        *interval_dropdown;
  GtkLabel           *merge_label;
  GtkFlowBox         *merge_box;
  GtkBox             *share_box;
  GtkSpinButton      *mmr_spin;
  GtkSpinButton      *lookback_spin;
};

G_DEFINE_FINAL_TYPE (LodeSidePanel, lode_side_panel, GTK_TYPE_WIDGET)

static gboolean
interval_to_selected (GBinding     *binding,
                      const GValue *from,
                      GValue       *to,
                      gpointer      user_data)
{
  const char *interval = g_value_get_string (from);
  const char * const *names = lode_interval_get_names ();

  /* The dropdown lists the intervals in the same order. */
  for (guint i = 0; names[i] != NULL; i++)
    if (g_strcmp0 (interval, names[i]) == 0)
      {
        g_value_set_uint (to, i);
        return TRUE;
      }

  return FALSE;
}

static gboolean
selected_to_interval (GBinding     *binding,
                      const GValue *from,
                      GValue       *to,
                      gpointer      user_data)
{
  guint selected = g_value_get_uint (from);
  const char * const *names = lode_interval_get_names ();

  if (selected >= g_strv_length ((char **) names))
    return FALSE;

  g_value_set_string (to, names[selected]);
  return TRUE;
}

/* Colour maps are listed in the order of LodeColormapId. */
static gboolean
enum_to_selected (GBinding     *binding,
                  const GValue *from,
                  GValue       *to,
                  gpointer      user_data)
{
  g_value_set_uint (to, g_value_get_enum (from));
  return TRUE;
}

static gboolean
selected_to_enum (GBinding     *binding,
                  const GValue *from,
                  GValue       *to,
                  gpointer      user_data)
{
  guint selected = g_value_get_uint (from);

  if (selected > LODE_COLORMAP_THERMAL)
    return FALSE;

  g_value_set_enum (to, selected);
  return TRUE;
}

static void
update_mode_explanation (LodeSidePanel *self)
{
  const char *text = "";

  if (self->chart_view == NULL)
    return;

  switch (lode_chart_view_get_mode (self->chart_view))
    {
    case LODE_RENDER_MODE_RAW:
      text = _("Every estimated level in its exact price row.");
      break;
    case LODE_RENDER_MODE_SMOOTHED:
      /* xgettext:no-c-format */
      text = _("Levels blurred over ±0.3 % so clusters read as zones.");
      break;
    case LODE_RENDER_MODE_LONG:
      text = _("Long liquidations only: forced selling below the price.");
      break;
    case LODE_RENDER_MODE_SHORT:
      text = _("Short liquidations only: forced buying above the price.");
      break;
    default:
      break;
    }

  gtk_label_set_label (self->mode_explanation, text);
}

static gboolean
on_query_static_tooltip (GtkWidget  *widget,
                         int         x,
                         int         y,
                         gboolean    keyboard_mode,
                         GtkTooltip *tooltip,
                         gpointer    text)
{
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* A fixed tooltip (@text: a static or translated string) for widgets made
 * anew at every snapshot. gtk_widget_set_tooltip_text () asks where the
 * pointer is at once, two round trips to an X server; twenty of them per
 * snapshot, each waiting for a busy server, stalled the main loop. */
static void
set_static_tooltip (GtkWidget  *widget,
                    const char *text)
{
  gtk_widget_set_has_tooltip (widget, TRUE);
  g_signal_connect (widget, "query-tooltip", G_CALLBACK (on_query_static_tooltip), (gpointer) text);
}

static GtkWidget *
cluster_row_new (const LodeCluster *cluster,
                 gboolean           confluence)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *marker = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *zone, *strength, *detail, *share;
  g_autofree char *low = lode_format_price (cluster->price_low);
  g_autofree char *high = lode_format_price (cluster->price_high);
  g_autofree char *zone_text = g_strdup_printf ("%s – %s", low, high);
  g_autofree char *usd = lode_format_usd (cluster->strength_usd);
  g_autofree char *detail_text = NULL;
  g_autofree char *accessible = NULL;
  const char *side = NULL;
  const char *css = NULL;

  switch (cluster->side)
    {
    case LODE_CLUSTER_LONG:
      side = _("Long");
      css = "cluster-long";
      break;
    case LODE_CLUSTER_SHORT:
      side = _("Short");
      css = "cluster-short";
      break;
    case LODE_CLUSTER_AT_PRICE:
    default:
      side = _("At price");
      css = "cluster-at-price";
      break;
    }

  /* Translators: cluster side and signed distance from the price, e.g. "Short · +3.2 %" */
  detail_text = g_strdup_printf (_("%s · %+.1f %%"), side, cluster->distance_pct);

  gtk_grid_set_column_spacing (GTK_GRID (grid), 8);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 2);
  gtk_widget_set_margin_start (grid, 6);
  gtk_widget_set_margin_end (grid, 8);
  gtk_widget_set_margin_top (grid, 6);
  gtk_widget_set_margin_bottom (grid, 6);

  gtk_widget_add_css_class (marker, "cluster-marker");
  gtk_widget_add_css_class (marker, css);
  gtk_widget_set_size_request (marker, 4, -1);
  gtk_grid_attach (GTK_GRID (grid), marker, 0, 0, 1, 2);

  zone = gtk_label_new (zone_text);
  gtk_label_set_xalign (GTK_LABEL (zone), 0);
  gtk_widget_set_hexpand (zone, TRUE);
  gtk_widget_add_css_class (zone, "numeric");
  gtk_grid_attach (GTK_GRID (grid), zone, 1, 0, 1, 1);

  strength = gtk_label_new (usd);
  gtk_label_set_xalign (GTK_LABEL (strength), 1);
  gtk_widget_add_css_class (strength, "numeric");
  gtk_widget_add_css_class (strength, "heading");
  gtk_grid_attach (GTK_GRID (grid), strength, 2, 0, 1, 1);

  detail = gtk_label_new (detail_text);
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_widget_add_css_class (detail, "caption");
  gtk_grid_attach (GTK_GRID (grid), detail, 1, 1, 1, 1);

  share = gtk_level_bar_new_for_interval (0.0, 1.0);
  gtk_level_bar_set_value (GTK_LEVEL_BAR (share), CLAMP (cluster->share, 0.0, 1.0));
  gtk_widget_set_valign (share, GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (share, 64, -1);
  set_static_tooltip (share, _("Share of all estimated liquidations"));
  gtk_grid_attach (GTK_GRID (grid), share, 2, 1, 1, 1);

  /* A depth wall sits at this cluster (issue #6 confluence). */
  if (confluence)
    {
      GtkWidget *wall = gtk_label_new (_("Depth wall"));

      gtk_widget_add_css_class (wall, "confluence-tag");
      gtk_widget_add_css_class (wall, "caption");
      gtk_widget_set_halign (wall, GTK_ALIGN_START);
      set_static_tooltip (wall, _("Resting orders of the book sit at this cluster"));
      gtk_grid_attach (GTK_GRID (grid), wall, 1, 2, 2, 1);
    }

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), grid);

  /* Translators: accessible description of a cluster row: side, zone, strength */
  accessible = g_strdup_printf (_("%s cluster %s, %s"), side, zone_text, usd);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
  return row;
}

static void
update_clusters (LodeSidePanel *self)
{
  LodeSnapshot *snapshot = self->chart_view ? lode_chart_view_get_snapshot (self->chart_view) : NULL;
  g_autoptr(GArray) confluence = NULL;
  GtkWidget *child;
  GArray *clusters;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->cluster_list))) != NULL)
    gtk_list_box_remove (self->cluster_list, child);
  g_array_set_size (self->clusters, 0);

  if (snapshot == NULL)
    return;

  if (self->controller != NULL)
    g_object_get (self->controller, "confluence", &confluence, NULL);

  clusters = lode_snapshot_get_clusters (snapshot);
  for (guint i = 0; i < clusters->len && i < N_CLUSTER_ROWS; i++)
    {
      const LodeCluster *cluster = &g_array_index (clusters, LodeCluster, i);
      gboolean wall = FALSE;

      for (guint k = 0; confluence != NULL && k < confluence->len; k++)
        wall |= g_array_index (confluence, LodeConfluenceZone, k).cluster == i;

      g_array_append_val (self->clusters, *cluster);
      gtk_list_box_append (self->cluster_list, cluster_row_new (cluster, wall));
    }

  if (self->clusters->len == 0)
    {
      GtkWidget *empty = gtk_label_new (_("No clusters in the current state"));

      gtk_widget_add_css_class (empty, "dim-label");
      gtk_widget_set_margin_top (empty, 12);
      gtk_widget_set_margin_bottom (empty, 12);
      gtk_list_box_append (self->cluster_list, empty);
      gtk_list_box_row_set_activatable (gtk_list_box_get_row_at_index (self->cluster_list, 0), FALSE);
    }
}

/* Each venue's share of the merged live notional (§9). */
static void
update_shares (LodeSidePanel *self)
{
  LodeSnapshot *snapshot = self->chart_view ? lode_chart_view_get_snapshot (self->chart_view) : NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->share_box))) != NULL)
    gtk_box_remove (self->share_box, child);

  if (snapshot == NULL || lode_snapshot_get_n_venues (snapshot) < 2)
    return;

  for (guint i = 0; i < lode_snapshot_get_n_venues (snapshot); i++)
    {
      double share = lode_snapshot_get_venue_share (snapshot, i);
      g_autofree char *percent = g_strdup_printf ("%.0f %%", 100.0 * share);
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      GtkWidget *name = gtk_label_new (lode_snapshot_get_venue_label (snapshot, i));
      GtkWidget *value = gtk_label_new (percent);
      GtkWidget *bar = gtk_level_bar_new_for_interval (0.0, 1.0);

      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_widget_set_size_request (name, 96, -1);
      gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), share);
      gtk_widget_set_hexpand (bar, TRUE);
      gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (value, "numeric");
      gtk_box_append (GTK_BOX (row), name);
      gtk_box_append (GTK_BOX (row), bar);
      gtk_box_append (GTK_BOX (row), value);
      gtk_box_append (self->share_box, row);
    }
}

static void update_accuracy (LodeSidePanel *self);

static void
on_snapshot_changed (LodeSidePanel *self)
{
  update_clusters (self);
  update_shares (self);
  update_accuracy (self);
}

/* Live liquidations ------------------------------------------------------------ */

#define N_PRINT_ROWS 12

static void
on_accuracy (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  double share = lode_chart_view_compute_accuracy_finish (LODE_CHART_VIEW (object), result, &error);
  LodeSidePanel *self;
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = LODE_SIDE_PANEL (user_data);
  if (isnan (share))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->accuracy_label), FALSE);
      return;
    }

  if (share < 0)
    text = g_strdup (_("Zoom in to compare the prints with the map"));
  else
    /* Translators: how much of the printed liquidation notional of the
     * visible range fell in zones the heatmap showed bright beforehand */
    text = g_strdup_printf (_("%.0f %% of the printed notional in view hit bright zones"), 100.0 * share);
  gtk_label_set_label (self->accuracy_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->accuracy_label), TRUE);
}

/* The figure is computed in a worker; a newer request cancels the older. */
static void
update_accuracy (LodeSidePanel *self)
{
  if (self->chart_view == NULL)
    return;

  g_cancellable_cancel (self->accuracy_cancellable);
  g_clear_object (&self->accuracy_cancellable);
  self->accuracy_cancellable = g_cancellable_new ();
  lode_chart_view_compute_accuracy_async (self->chart_view, self->accuracy_cancellable,
                                          on_accuracy, self);
}

static gboolean
on_accuracy_timeout (gpointer user_data)
{
  LodeSidePanel *self = user_data;

  self->accuracy_source = 0;
  update_accuracy (self);
  return G_SOURCE_REMOVE;
}

/* Panning and zooming settle before the figure is computed again: it
 * builds a grid of the visible candles, too much for every motion event. */
static void
on_view_changed (LodeSidePanel *self)
{
  g_clear_handle_id (&self->accuracy_source, g_source_remove);
  self->accuracy_source = g_timeout_add (300, on_accuracy_timeout, self);
}

static GtkWidget *
print_row_new (const LodeLiqPrint *print)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (print->time_ms / 1000);
  g_autofree char *clock = g_date_time_format (time, "%H:%M:%S");
  g_autofree char *price = lode_format_price (print->price);
  g_autofree char *usd = lode_format_usd (print->notional_usd);
  /* The side that was liquidated: a long (forced sell) or a short (forced buy). */
  const char *side = print->side == LODE_SIDE_LONG ? _("Long") : _("Short");
  g_autofree char *text = g_strdup_printf ("%s  %s  %s  %s", clock, print->venue, side, price);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *marker = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *label = gtk_label_new (text);
  GtkWidget *amount = gtk_label_new (usd);

  gtk_widget_add_css_class (marker, "cluster-marker");
  gtk_widget_add_css_class (marker, print->side == LODE_SIDE_LONG ? "cluster-long" : "cluster-short");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (amount, "numeric");
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 8);
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);
  gtk_box_append (GTK_BOX (box), marker);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), amount);

  return box;
}

static void
update_prints (LodeSidePanel *self)
{
  g_autoptr(GArray) prints = NULL;
  g_autofree char *state = NULL;
  GtkWidget *child;

  if (self->controller == NULL)
    return;

  g_object_get (self->controller, "prints", &prints, "stream-state", &state, NULL);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->prints_list))) != NULL)
    gtk_list_box_remove (self->prints_list, child);

  /* Newest first. */
  for (guint k = 0; prints != NULL && k < prints->len && k < N_PRINT_ROWS; k++)
    gtk_list_box_append (self->prints_list,
                         print_row_new (&g_array_index (prints, LodeLiqPrint, prints->len - 1 - k)));
  gtk_widget_set_visible (GTK_WIDGET (self->prints_list), prints != NULL && prints->len > 0);

  if (state == NULL)
    gtk_label_set_label (self->stream_label,
                         _("Live prints come from the exchanges’ liquidation feeds (Binance, Bybit, OKX)."));
  else
    gtk_label_set_label (self->stream_label, state);

  update_accuracy (self);
}

/* Data: source, symbol, merged venues --------------------------------------- */

/* The rows of the source dropdown. */
static const char * const source_ids[] = { "demo", "file", "binance", "bybit", "okx", "hyperliquid" };

static char *
controller_string (LodeSidePanel *self,
                   const char    *property)
{
  char *value = NULL;

  g_object_get (self->controller, property, &value, NULL);
  return value;
}

static gboolean
source_is_venue (const char *source)
{
  return source != NULL && !g_str_equal (source, "demo") && !g_str_equal (source, "file");
}

static void
on_symbols_listed (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(LodeSidePanel) self = user_data;
  g_autoptr(GPtrArray) symbols = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autofree char *symbol = NULL;
  g_autofree char *source = NULL;
  g_autofree char *current = NULL;

  symbols = lode_data_controller_list_symbols_finish (LODE_DATA_CONTROLLER (object), result, &error);
  if (symbols == NULL)
    return;  /* offline: the list keeps the symbol in use */

  for (guint i = 0; i < symbols->len; i++)
    g_ptr_array_add (ids, ((LodeSymbolInfo *) g_ptr_array_index (symbols, i))->id);
  g_ptr_array_sort (ids, (GCompareFunc) g_ascii_strcasecmp);

  symbol = controller_string (self, "symbol");
  source = controller_string (self, "source");
  current = lode_data_controller_map_symbol (source, symbol);

  self->updating_data = TRUE;
  gtk_string_list_splice (self->symbols, 0, g_list_model_get_n_items (G_LIST_MODEL (self->symbols)), NULL);
  for (guint i = 0; i < ids->len; i++)
    {
      gtk_string_list_append (self->symbols, g_ptr_array_index (ids, i));
      if (g_str_equal (g_ptr_array_index (ids, i), current))
        gtk_drop_down_set_selected (self->symbol_dropdown, i);
    }
  self->updating_data = FALSE;
}

static void
update_data_section (LodeSidePanel *self)
{
  g_autofree char *source = NULL;
  g_autofree char *symbol = NULL;
  g_auto(GStrv) merged = NULL;
  gboolean live;
  GtkWidget *child;
  guint i;

  if (self->controller == NULL)
    return;

  source = controller_string (self, "source");
  symbol = controller_string (self, "symbol");
  g_object_get (self->controller, "merge-venues", &merged, NULL);
  live = source_is_venue (source);

  self->updating_data = TRUE;

  for (i = 0; i < G_N_ELEMENTS (source_ids); i++)
    if (g_strcmp0 (source, source_ids[i]) == 0)
      gtk_drop_down_set_selected (self->source_dropdown, i);

  /* The symbol in use at once; the venue's whole list when it arrives. */
  if (g_strcmp0 (self->symbols_venue, live ? source : NULL) != 0
      || g_list_model_get_n_items (G_LIST_MODEL (self->symbols)) == 0)
    {
      g_autofree char *current = live ? lode_data_controller_map_symbol (source, symbol)
                                      : g_strdup (g_str_equal (source, "file") ? "—" : "BTCUSDT");
      const char *single[] = { current, NULL };

      gtk_string_list_splice (self->symbols, 0, g_list_model_get_n_items (G_LIST_MODEL (self->symbols)), single);
      gtk_drop_down_set_selected (self->symbol_dropdown, 0);

      g_free (self->symbols_venue);
      self->symbols_venue = live ? g_strdup (source) : NULL;
      g_cancellable_cancel (self->symbols_cancellable);
      g_clear_object (&self->symbols_cancellable);
      if (live)
        {
          self->symbols_cancellable = g_cancellable_new ();
          lode_data_controller_list_symbols_async (self->controller, source, self->symbols_cancellable,
                                                   on_symbols_listed, g_object_ref (self));
        }
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->symbol_dropdown), live);

  /* Merging adds other exchanges to an exchange source. */
  for (child = gtk_widget_get_first_child (GTK_WIDGET (self->merge_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *check = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));
      const char *id = g_object_get_data (G_OBJECT (check), "lode-venue");
      gboolean primary = g_strcmp0 (id, source) == 0;

      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   primary || (merged && g_strv_contains ((const char * const *) merged, id)));
      gtk_widget_set_sensitive (check, live && !primary);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->merge_box), live);
  gtk_widget_set_visible (GTK_WIDGET (self->merge_label), live);

  self->updating_data = FALSE;
}

static void
on_source_selected (LodeSidePanel *self)
{
  guint selected = gtk_drop_down_get_selected (self->source_dropdown);
  g_autofree char *source = NULL;

  if (self->updating_data || self->controller == NULL || selected >= G_N_ELEMENTS (source_ids))
    return;

  source = controller_string (self, "source");
  if (g_str_equal (source_ids[selected], "file"))
    {
      /* A file source needs a file: the chooser sets it, and the source. */
      if (g_strcmp0 (source, "file") != 0)
        {
          update_data_section (self);
          gtk_widget_activate_action (GTK_WIDGET (self), "win.open-file", NULL);
        }
      return;
    }

  g_object_set (self->controller, "source", source_ids[selected], NULL);
}

static void
on_symbol_selected (LodeSidePanel *self)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (self->symbol_dropdown);

  if (self->updating_data || self->controller == NULL || item == NULL)
    return;

  if (self->symbols_venue != NULL)
    g_object_set (self->controller, "symbol", gtk_string_object_get_string (item), NULL);
}

static void
on_merge_toggled (LodeSidePanel *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *source = NULL;
  g_auto(GStrv) venues = NULL;
  GtkWidget *child;

  if (self->updating_data || self->controller == NULL)
    return;

  source = controller_string (self, "source");
  for (child = gtk_widget_get_first_child (GTK_WIDGET (self->merge_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *check = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));
      const char *id = g_object_get_data (G_OBJECT (check), "lode-venue");

      if (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)) && g_strcmp0 (id, source) != 0)
        g_strv_builder_add (builder, id);
    }

  venues = g_strv_builder_end (builder);
  g_object_set (self->controller, "merge-venues", venues, NULL);
}

static void
build_data_section (LodeSidePanel *self)
{
  static const char * const labels[] = { "Binance", "Bybit", "OKX", "Hyperliquid" };
  GtkExpression *expression;

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      GtkWidget *check = gtk_check_button_new_with_label (labels[i]);

      g_object_set_data (G_OBJECT (check), "lode-venue", (gpointer) source_ids[i + 2]);
      g_signal_connect_swapped (check, "toggled", G_CALLBACK (on_merge_toggled), self);
      gtk_flow_box_append (self->merge_box, check);
    }

  self->symbols = gtk_string_list_new (NULL);
  gtk_drop_down_set_model (self->symbol_dropdown, G_LIST_MODEL (self->symbols));
  expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  gtk_drop_down_set_expression (self->symbol_dropdown, expression);
  gtk_expression_unref (expression);

  g_signal_connect_swapped (self->source_dropdown, "notify::selected",
                            G_CALLBACK (on_source_selected), self);
  g_signal_connect_swapped (self->symbol_dropdown, "notify::selected",
                            G_CALLBACK (on_symbol_selected), self);
}

/* §8 for the activated cluster: a touch of its peak, through the book. */
static void
update_cascade (LodeSidePanel     *self,
                const LodeCluster *cluster)
{
  LodeSnapshot *snapshot = lode_chart_view_get_snapshot (self->chart_view);
  LodeBook *book = lode_chart_view_get_book (self->chart_view);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  LodeCascade *cascade;

  if (snapshot == NULL)
    return;

  lode_chart_view_set_cascade (self->chart_view, TRUE, cluster->peak_price);
  cascade = lode_cascade_estimate (lode_snapshot_get_current (snapshot), book,
                                   cluster->peak_price, &error);
  if (cascade != NULL)
    {
      text = lode_chart_cascade_describe (cascade);
      lode_cascade_free (cascade);
    }
  else if (g_error_matches (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_NEEDS_DEPTH))
    text = g_strdup (_("The cascade estimate needs order-book depth, which this source does not "
                       "give. Choose an exchange to see it."));
  else
    text = g_strdup (error->message);

  gtk_label_set_label (self->cascade_label, text);
}

static void
on_cluster_activated (GtkListBox    *list,
                      GtkListBoxRow *row,
                      LodeSidePanel *self)
{
  int index = gtk_list_box_row_get_index (row);
  const LodeCluster *cluster;

  if (self->chart_view == NULL || index < 0 || (guint) index >= self->clusters->len)
    return;

  cluster = &g_array_index (self->clusters, LodeCluster, index);
  lode_chart_view_focus_zone (self->chart_view, cluster->price_low, cluster->price_high);
  update_cascade (self, cluster);
}

/* Tiers ---------------------------------------------------------------- */

static void
tiers_changed_by_user (LodeSidePanel *self)
{
  LodeModelParams params;
  g_autofree char *spec = NULL;
  GtkWidget *child;
  guint k = 0;

  if (self->updating_tiers || self->controller == NULL)
    return;

  /* The grid holds, per tier row r: a check button at (0, r) and a weight
   * spin button at (1, r); read them back in order. */
  lode_model_params_init_default (&params);
  params.n_tiers = 0;
  for (child = gtk_widget_get_first_child (GTK_WIDGET (self->tier_grid));
       child != NULL && k < LODE_MAX_TIERS;
       child = gtk_widget_get_next_sibling (child))
    {
      double *leverage = g_object_get_data (G_OBJECT (child), "lode-leverage");
      GtkWidget *spin = g_object_get_data (G_OBJECT (child), "lode-weight");

      if (leverage == NULL || spin == NULL)
        continue;

      params.tiers[k].leverage = *leverage;
      params.tiers[k].weight = gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin));
      params.tiers[k].enabled = gtk_check_button_get_active (GTK_CHECK_BUTTON (child));
      gtk_widget_set_sensitive (spin, params.tiers[k].enabled);
      k++;
    }
  params.n_tiers = k;

  spec = lode_model_params_format_tiers (&params);
  self->updating_tiers = TRUE;
  g_object_set (self->controller, "tiers", spec, NULL);
  self->updating_tiers = FALSE;
}

static void
rebuild_tier_grid (LodeSidePanel *self)
{
  LodeModelParams params;
  g_autofree char *spec = NULL;
  GtkWidget *child;
  guint row = 0;

  if (self->updating_tiers || self->controller == NULL)
    return;

  g_object_get (self->controller, "tiers", &spec, NULL);
  lode_model_params_init_default (&params);
  if (spec != NULL && !lode_model_params_parse_tiers (&params, spec, NULL))
    lode_model_params_init_default (&params);

  /* Keep the mmr and lookback rows (they carry no leverage). */
  child = gtk_widget_get_first_child (GTK_WIDGET (self->tier_grid));
  while (child != NULL)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (child);

      if (g_object_get_data (G_OBJECT (child), "lode-tier-row") != NULL)
        gtk_grid_remove (self->tier_grid, child);
      child = next;
    }

  for (guint k = 0; k < params.n_tiers; k++, row++)
    {
      g_autofree char *label = g_strdup_printf (_("%g× leverage"), params.tiers[k].leverage);
      GtkWidget *check = gtk_check_button_new_with_label (label);
      GtkWidget *spin = gtk_spin_button_new_with_range (0.0, 1.0, 0.05);
      double *leverage = g_new (double, 1);

      *leverage = params.tiers[k].leverage;
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), params.tiers[k].enabled);
      gtk_widget_set_hexpand (check, TRUE);
      gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), 2);
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), params.tiers[k].weight);
      gtk_widget_set_sensitive (spin, params.tiers[k].enabled);
      gtk_widget_set_tooltip_text (spin, _("Weight of this tier before renormalisation"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      label, -1);

      g_object_set_data_full (G_OBJECT (check), "lode-leverage", leverage, g_free);
      g_object_set_data (G_OBJECT (check), "lode-weight", spin);
      g_object_set_data (G_OBJECT (check), "lode-tier-row", GINT_TO_POINTER (1));
      g_object_set_data (G_OBJECT (spin), "lode-tier-row", GINT_TO_POINTER (1));

      g_signal_connect_swapped (check, "toggled", G_CALLBACK (tiers_changed_by_user), self);
      g_signal_connect_swapped (spin, "value-changed", G_CALLBACK (tiers_changed_by_user), self);

      gtk_grid_attach (self->tier_grid, check, 0, row, 1, 1);
      gtk_grid_attach (self->tier_grid, spin, 1, row, 1, 1);
    }
}

static void
build_model_rows (LodeSidePanel *self)
{
  GtkWidget *mmr_label = gtk_label_new_with_mnemonic (_("Maintenance _margin"));
  GtkWidget *lookback_label = gtk_label_new_with_mnemonic (_("_Lookback (candles, 0 = all)"));

  self->mmr_spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (0.0, 0.05, 0.0005));
  gtk_spin_button_set_digits (self->mmr_spin, 4);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->mmr_spin),
                               _("Maintenance margin rate used in the liquidation price"));
  self->lookback_spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (0, 1000000, 10));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->lookback_spin),
                               _("Levels older than this many candles expire"));

  gtk_label_set_xalign (GTK_LABEL (mmr_label), 0);
  gtk_label_set_xalign (GTK_LABEL (lookback_label), 0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (mmr_label), GTK_WIDGET (self->mmr_spin));
  gtk_label_set_mnemonic_widget (GTK_LABEL (lookback_label), GTK_WIDGET (self->lookback_spin));

  gtk_grid_attach (self->tier_grid, mmr_label, 0, LODE_MAX_TIERS, 1, 1);
  gtk_grid_attach (self->tier_grid, GTK_WIDGET (self->mmr_spin), 1, LODE_MAX_TIERS, 1, 1);
  gtk_grid_attach (self->tier_grid, lookback_label, 0, LODE_MAX_TIERS + 1, 1, 1);
  gtk_grid_attach (self->tier_grid, GTK_WIDGET (self->lookback_spin), 1, LODE_MAX_TIERS + 1, 1, 1);
}

/* GObject ----------------------------------------------------------------- */

static void
lode_side_panel_dispose (GObject *object)
{
  LodeSidePanel *self = LODE_SIDE_PANEL (object);

  if (self->chart_view != NULL)
    g_signal_handlers_disconnect_by_data (self->chart_view, self);
  if (self->controller != NULL)
    g_signal_handlers_disconnect_by_data (self->controller, self);
  g_clear_handle_id (&self->accuracy_source, g_source_remove);
  g_cancellable_cancel (self->accuracy_cancellable);
  g_clear_object (&self->accuracy_cancellable);
  g_clear_object (&self->chart_bindings);
  g_clear_object (&self->controller_bindings);
  g_clear_object (&self->chart_view);
  g_clear_object (&self->controller);
  g_clear_pointer (&self->clusters, g_array_unref);
  if (self->symbols_cancellable != NULL)
    g_cancellable_cancel (self->symbols_cancellable);
  g_clear_object (&self->symbols_cancellable);
  g_clear_object (&self->symbols);
  g_clear_pointer (&self->symbols_venue, g_free);

  gtk_widget_dispose_template (GTK_WIDGET (self), LODE_TYPE_SIDE_PANEL);

  G_OBJECT_CLASS (lode_side_panel_parent_class)->dispose (object);
}

static void
lode_side_panel_class_init (LodeSidePanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lode_side_panel_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/lode-side-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, LodeSidePanel, scroller);
  gtk_widget_class_bind_template_child (widget_class, LodeSidePanel, mode_explanation);
  gtk_widget_class_bind_template_child (widget_class, LodeSidePanel, colormap_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LodeSidePanel, intensity_adjustment);
  gtk_widget_class_bind_template_child (widget_class, LodeSidePanel, cluster_list);
  gtk_widget_class_bind_template_child (widget_class, LodeSidePanel, cascade_label);
  gtk_widget_class_bind_template_child (widget_class, LodeSidePanel, stream_label);
  gtk_widget_class_bind_template_child (widget_class, LodeSidePanel, accuracy_label);
  gtk_widget_class_bind_template_child (widget_class, LodeSidePanel, prints_list);
  gtk_widget_class_bind_template_child (widget_class, LodeSidePanel, tier_grid);
  gtk_widget_class_bind_template_child (widget_class, LodeSidePanel, source_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LodeSidePanel, symbol_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LodeSidePanel, merge_label);
  gtk_widget_class_bind_template_child (widget_class, LodeSidePanel, merge_box);
  gtk_widget_class_bind_template_child (widget_class, LodeSidePanel, share_box);
  gtk_widget_class_bind_template_child (widget_class, LodeSidePanel, interval_dropdown);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "sidepanel");
}

static void
lode_side_panel_init (LodeSidePanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->clusters = g_array_new (FALSE, FALSE, sizeof (LodeCluster));
  g_signal_connect (self->cluster_list, "row-activated", G_CALLBACK (on_cluster_activated), self);
  build_model_rows (self);
  build_data_section (self);

  self->chart_bindings = g_binding_group_new ();
  g_binding_group_bind_full (self->chart_bindings, "colormap",
                             self->colormap_dropdown, "selected",
                             G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL,
                             enum_to_selected, selected_to_enum, NULL, NULL);
  g_binding_group_bind (self->chart_bindings, "intensity",
                        self->intensity_adjustment, "value",
                        G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);

  self->controller_bindings = g_binding_group_new ();
  g_binding_group_bind_full (self->controller_bindings, "interval",
                             self->interval_dropdown, "selected",
                             G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL,
                             interval_to_selected, selected_to_interval, NULL, NULL);
  g_binding_group_bind (self->controller_bindings, "mmr",
                        self->mmr_spin, "value",
                        G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  g_binding_group_bind (self->controller_bindings, "lookback",
                        self->lookback_spin, "value",
                        G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
}

GtkWidget *
lode_side_panel_new (void)
{
  return g_object_new (LODE_TYPE_SIDE_PANEL, NULL);
}

void
lode_side_panel_set_chart_view (LodeSidePanel *self,
                                LodeChartView *chart_view)
{
  g_return_if_fail (LODE_IS_SIDE_PANEL (self));
  g_return_if_fail (!chart_view || LODE_IS_CHART_VIEW (chart_view));

  if (self->chart_view != NULL)
    g_signal_handlers_disconnect_by_data (self->chart_view, self);
  g_set_object (&self->chart_view, chart_view);
  g_binding_group_set_source (self->chart_bindings, chart_view);

  if (chart_view != NULL)
    {
      g_signal_connect_swapped (chart_view, "notify::mode",
                                G_CALLBACK (update_mode_explanation), self);
      g_signal_connect_swapped (chart_view, "notify::snapshot",
                                G_CALLBACK (on_snapshot_changed), self);
      g_signal_connect_swapped (chart_view, "view-changed",
                                G_CALLBACK (on_view_changed), self);
    }
  update_mode_explanation (self);
  on_snapshot_changed (self);
}

void
lode_side_panel_set_controller (LodeSidePanel      *self,
                                LodeDataController *controller)
{
  g_return_if_fail (LODE_IS_SIDE_PANEL (self));
  g_return_if_fail (!controller || LODE_IS_DATA_CONTROLLER (controller));

  if (self->controller != NULL)
    g_signal_handlers_disconnect_by_data (self->controller, self);
  g_set_object (&self->controller, controller);
  g_binding_group_set_source (self->controller_bindings, controller);

  if (controller != NULL)
    {
      g_signal_connect_swapped (controller, "notify::tiers",
                                G_CALLBACK (rebuild_tier_grid), self);
      g_signal_connect_swapped (controller, "notify::source",
                                G_CALLBACK (update_data_section), self);
      g_signal_connect_swapped (controller, "notify::symbol",
                                G_CALLBACK (update_data_section), self);
      g_signal_connect_swapped (controller, "notify::merge-venues",
                                G_CALLBACK (update_data_section), self);
      g_signal_connect_swapped (controller, "notify::confluence",
                                G_CALLBACK (update_clusters), self);
      g_signal_connect_swapped (controller, "notify::prints",
                                G_CALLBACK (update_prints), self);
      g_signal_connect_swapped (controller, "notify::stream-state",
                                G_CALLBACK (update_prints), self);
    }
  rebuild_tier_grid (self);
  update_data_section (self);
  update_prints (self);
}

GtkListBox *
lode_side_panel_get_cluster_list (LodeSidePanel *self)
{
  g_return_val_if_fail (LODE_IS_SIDE_PANEL (self), NULL);

  return self->cluster_list;
}

GtkDropDown *
lode_side_panel_get_source_dropdown (LodeSidePanel *self)
{
  g_return_val_if_fail (LODE_IS_SIDE_PANEL (self), NULL);

  return self->source_dropdown;
}

GtkDropDown *
lode_side_panel_get_symbol_dropdown (LodeSidePanel *self)
{
  g_return_val_if_fail (LODE_IS_SIDE_PANEL (self), NULL);

  return self->symbol_dropdown;
}

const char *
lode_side_panel_get_cascade_text (LodeSidePanel *self)
{
  g_return_val_if_fail (LODE_IS_SIDE_PANEL (self), NULL);

  return gtk_label_get_label (self->cascade_label);
}
