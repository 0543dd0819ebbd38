/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lode-application.h"
#include "lode-chart-view.h"
#include "lode-data-controller.h"
#include "lode-side-panel.h"

G_BEGIN_DECLS

#define LODE_TYPE_WINDOW (lode_window_get_type ())

G_DECLARE_FINAL_TYPE (LodeWindow, lode_window, LODE, WINDOW, GtkApplicationWindow)

LodeWindow         *lode_window_new            (LodeApplication *application);
LodeChartView      *lode_window_get_chart_view (LodeWindow      *self);
LodeDataController *lode_window_get_controller (LodeWindow      *self);
LodeSidePanel      *lode_window_get_side_panel (LodeWindow      *self);

G_END_DECLS
