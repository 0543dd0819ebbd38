/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lode-chart-render.h"

G_BEGIN_DECLS

#define LODE_EXPORT_ERROR (lode_export_error_quark ())

typedef enum
{
  LODE_EXPORT_ERROR_INVALID_SIZE,  /* width or height not in 1 … LODE_EXPORT_MAX_SIZE */
  LODE_EXPORT_ERROR_FAILED,        /* cairo could not draw or encode the image */
} LodeExportError;

#define LODE_EXPORT_MAX_SIZE 16384

GQuark   lode_export_error_quark (void);

/* Renders the frame of @view, resized to @width × @height logical pixels
 * (its index and price ranges are kept), into a PNG or SVG file at @path.
 * The file is written in place. Failures to open or write the file are
 * G_FILE_ERROR (from errno); others LODE_EXPORT_ERROR. */
gboolean lode_export_png         (const char             *path,
                                  int                     width,
                                  int                     height,
                                  const LodeView         *view,
                                  const LodeChartPalette *palette,
                                  const LodeChartFrame   *frame,
                                  GError                **error);
gboolean lode_export_svg         (const char             *path,
                                  int                     width,
                                  int                     height,
                                  const LodeView         *view,
                                  const LodeChartPalette *palette,
                                  const LodeChartFrame   *frame,
                                  GError                **error);

G_END_DECLS
