/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The grid's vector paths beyond the build's SSE2 baseline, on processors
 * that have them. Every path makes the same cells, bit for bit. */
typedef enum
{
  LODE_HEATMAP_SIMD_BASELINE,
  LODE_HEATMAP_SIMD_AVX2,
  LODE_HEATMAP_SIMD_AVX512,
} LodeHeatmapSimd;

/* The processor's best path, at most @limit from now on (for the tests,
 * which compare the paths; the default is no limit). Returns it. */
LodeHeatmapSimd lode_heatmap_limit_simd (LodeHeatmapSimd limit);

G_END_DECLS
