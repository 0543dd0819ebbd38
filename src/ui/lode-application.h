/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LODE_TYPE_APPLICATION (lode_application_get_type ())

G_DECLARE_FINAL_TYPE (LodeApplication, lode_application, LODE, APPLICATION, GtkApplication)

LodeApplication *lode_application_new          (const char      *application_id,
                                                GApplicationFlags flags);
/* The app's settings, or NULL when the schema is not installed (then
 * nothing persists, and the app says so once on the log). */
GSettings       *lode_application_get_settings (LodeApplication *self);

G_END_DECLS
