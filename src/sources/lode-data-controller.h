/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lode-snapshot.h"

G_BEGIN_DECLS

#define LODE_TYPE_DATA_CONTROLLER (lode_data_controller_get_type ())

G_DECLARE_FINAL_TYPE (LodeDataController, lode_data_controller, LODE, DATA_CONTROLLER, GObject)

/* Sits between the sources and the UI: loads the market of the chosen
 * source and interval, rebuilds the model in a worker thread whenever an
 * input changes (a newer request cancels an older one), and publishes each
 * result as an immutable LodeSnapshot through the "snapshot" property, on
 * the main thread. A failure sets "error" and keeps the last good snapshot.
 *
 * Properties (all readable; the inputs writable, so they bind to GSettings):
 *   source    "demo" or "file"
 *   file      path of the CSV file for source "file"
 *   interval  "1m" "5m" "15m" "1h" "4h" "1d"
 *   tiers     "10:0.3,25:0.3,50:0.25,100:0.15" (lode_model_params_parse_tiers)
 *   mmr       maintenance margin rate
 *   lookback  candles; 0 = all
 *   snapshot  (LodeSnapshot, read-only) the latest result, or NULL
 *   loading   (read-only) TRUE while work is under way
 *   error     (read-only) what failed last, or NULL when the last load worked
 *   source-label (read-only) "Demo market (simulated)", a file name, …
 */
LodeDataController *lode_data_controller_new            (void);
LodeSnapshot       *lode_data_controller_get_snapshot   (LodeDataController *self);
gboolean            lode_data_controller_get_loading    (LodeDataController *self);
const char         *lode_data_controller_get_error      (LodeDataController *self);
const char         *lode_data_controller_get_source_label (LodeDataController *self);
/* Switches to the CSV file at @path (source "file"). */
void                lode_data_controller_open_file      (LodeDataController *self,
                                                         const char         *path);
/* Loads the market again and rebuilds, even if no input changed. */
void                lode_data_controller_reload         (LodeDataController *self);

G_END_DECLS
