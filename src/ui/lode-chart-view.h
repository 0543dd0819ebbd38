/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LODE_TYPE_CHART_VIEW (lode_chart_view_get_type ())

G_DECLARE_FINAL_TYPE (LodeChartView, lode_chart_view, LODE, CHART_VIEW, GtkWidget)

GtkWidget *lode_chart_view_new (void);

G_END_DECLS
