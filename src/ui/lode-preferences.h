/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LODE_TYPE_PREFERENCES (lode_preferences_get_type ())

G_DECLARE_FINAL_TYPE (LodePreferences, lode_preferences, LODE, PREFERENCES, GtkWindow)

/* The preferences window: every control is bound to @settings, so a change
 * applies at once and persists. */
GtkWidget *lode_preferences_new (GtkWindow *parent,
                                 GSettings *settings);

G_END_DECLS
