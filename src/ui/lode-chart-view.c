/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lode-chart-render.h"
#include "lode-chart-view.h"

struct _LodeChartView
{
  GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE (LodeChartView, lode_chart_view, GTK_TYPE_WIDGET)

static gboolean
prefers_dark (GtkWidget *widget)
{
  GtkSettings *settings = gtk_widget_get_settings (widget);
  gboolean dark = FALSE;

  g_object_get (settings, "gtk-application-prefer-dark-theme", &dark, NULL);
  return dark;
}

static void
lode_chart_view_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  LodeChartPalette palette;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  lode_chart_palette_init_default (&palette, prefers_dark (widget));
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  lode_chart_render_placeholder (cr, width, height, &palette, _("No market loaded"));
  cairo_destroy (cr);
}

static void
lode_chart_view_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 320 : 240;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 960 : 600;
}

static void
lode_chart_view_class_init (LodeChartViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = lode_chart_view_snapshot;
  widget_class->measure = lode_chart_view_measure;

  gtk_widget_class_set_css_name (widget_class, "chartview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lode_chart_view_init (LodeChartView *self)
{
}

GtkWidget *
lode_chart_view_new (void)
{
  return g_object_new (LODE_TYPE_CHART_VIEW, NULL);
}
