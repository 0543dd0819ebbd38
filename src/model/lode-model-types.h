/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LODE_MODEL_ERROR (lode_model_error_quark ())

typedef enum
{
  LODE_MODEL_ERROR_INVALID_SERIES,  /* a market series breaks §1 (order, prices) */
  LODE_MODEL_ERROR_INVALID_PARAMS,  /* tiers, mmr or lookback out of range */
  LODE_MODEL_ERROR_CANCELLED,       /* a build was cancelled through its flag */
  LODE_MODEL_ERROR_NEEDS_DEPTH,     /* §8 without order-book depth on the side hit */
} LodeModelError;

/* The side of a position, and so of its liquidation level: long levels sit
 * below the price (forced selling when hit), short levels above it. */
typedef enum
{
  LODE_SIDE_LONG,
  LODE_SIDE_SHORT,
} LodeSide;

/* §6 rendering modes. The nicks (raw, smoothed, long, short) are used by
 * GSettings, actions and lodestone-cli --mode. */
typedef enum
{
  LODE_RENDER_MODE_RAW,
  LODE_RENDER_MODE_SMOOTHED,
  LODE_RENDER_MODE_LONG,
  LODE_RENDER_MODE_SHORT,
} LodeRenderMode;

typedef enum
{
  LODE_COLORMAP_MAGMA,
  LODE_COLORMAP_VIRIDIS,
  LODE_COLORMAP_INFERNO,
  LODE_COLORMAP_THERMAL,
} LodeColormapId;

GQuark lode_model_error_quark (void);

const char *lode_side_to_string        (LodeSide        side);
const char *lode_render_mode_to_string (LodeRenderMode  mode);
gboolean    lode_render_mode_from_string (const char     *str,
                                          LodeRenderMode *mode);

G_END_DECLS
