/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lode-model-types.h"

G_BEGIN_DECLS

#define LODE_COLORMAP_SIZE 256

/* 256 entries of premultiplied ARGB32 (cairo's CAIRO_FORMAT_ARGB32 in native
 * endianness); entry 0 is fully transparent, alpha rises with intensity so
 * that faint heat never hides the candles. */
const guint32 *lode_colormap_get_table   (LodeColormapId  id);
/* @t in [0,1] (clamped; NaN → 0) after the curve t^@gamma; 0 maps to entry 0. */
guint32        lode_colormap_lookup      (LodeColormapId  id,
                                          double          t,
                                          double          gamma);
const char    *lode_colormap_to_string   (LodeColormapId  id);
gboolean       lode_colormap_from_string (const char     *str,
                                          LodeColormapId *id);

G_END_DECLS
