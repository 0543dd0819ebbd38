/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lode-chart-view.h"
#include "lode-data-controller.h"

G_BEGIN_DECLS

#define LODE_TYPE_SIDE_PANEL (lode_side_panel_get_type ())

G_DECLARE_FINAL_TYPE (LodeSidePanel, lode_side_panel, LODE, SIDE_PANEL, GtkWidget)

/* The collapsible panel beside the chart: rendering mode, colours, the
 * ranked clusters, leverage tiers and the data source. Its controls are
 * bound to the properties of the chart view and the data controller it is
 * given; activating a cluster centres the chart on its zone. */
GtkWidget *lode_side_panel_new            (void);
void       lode_side_panel_set_chart_view (LodeSidePanel      *self,
                                           LodeChartView      *chart_view);
void       lode_side_panel_set_controller (LodeSidePanel      *self,
                                           LodeDataController *controller);
/* The rows of the cluster list, for tests and keyboard navigation. */
GtkListBox *lode_side_panel_get_cluster_list (LodeSidePanel   *self);
/* The source and symbol pickers (tests drive them as a user would). */
GtkDropDown *lode_side_panel_get_source_dropdown (LodeSidePanel *self);
GtkDropDown *lode_side_panel_get_symbol_dropdown (LodeSidePanel *self);
/* What the panel says of the activated cluster's cascade (§8). */
const char  *lode_side_panel_get_cascade_text    (LodeSidePanel *self);

G_END_DECLS
