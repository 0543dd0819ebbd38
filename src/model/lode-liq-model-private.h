/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lode-liq-model.h"

G_BEGIN_DECLS

/* The model's levels as parallel arrays, in creation order: those created
 * at candle j are the indices [first_level[j], first_level[j + 1]) (n + 1
 * entries). end is the first candle at which a level is no longer live,
 * min (death, j + W) (§4), and side a LodeSide. The amount at creation is
 * stored divided by the decay run of its creating candle, scaled =
 * amount / run[j] (run as lode_liq_model_get_decay_run() gives it, @run
 * here), so that its amount in S_m for m in the same chunk is scaled ·
 * run[m], with no per-candle lookup. The layout the heatmap streams;
 * LodeModelLevel is the public, slower equivalent. */
#define LODE_LEVEL_GROUP 64

typedef struct
{
  const double  *price;
  const double  *scaled;
  const double  *run;
  const guint32 *end;
  const guint8  *side;
  /* The largest end of levels [g · LODE_LEVEL_GROUP, (g + 1) ·
   * LODE_LEVEL_GROUP): a group whose largest end is ≤ i has no level live
   * in S_i and need not be read (most of history, for a recent view). */
  const guint32 *group_end;
  const gsize   *first_level;
  gsize          n_levels;
} LodeModelLevelArrays;

void              lode_liq_model_get_level_arrays (const LodeLiqModel   *self,
                                                   LodeModelLevelArrays *arrays);

/* Scratch memory that lode-heatmap.c keeps with the model between calls,
 * so that recomputing a view (every pan and zoom) does not fault in fresh
 * pages each time. One buffer, taken and given back atomically:
 * concurrent callers that find the slot empty simply allocate their own.
 * Its contents mean nothing between calls. */
typedef struct
{
  gpointer data;
  gsize    size;
} LodeModelScratch;

LodeModelScratch *lode_liq_model_take_scratch   (const LodeLiqModel *self);
/* Gives @scratch back, or frees it if the slot was refilled meanwhile. */
void              lode_liq_model_return_scratch (const LodeLiqModel *self,
                                                 LodeModelScratch   *scratch);
void              lode_model_scratch_free       (LodeModelScratch   *scratch);

/* The decay of §4 step 2 as a running product of the closing factors,
 * restarted at each of the @n_chunks candles in @chunks (ascending) before
 * it could underflow: for j ≤ m in the same chunk (no restart in (j, m]),
 * exp (log_decay[m] − log_decay[j]) = run[m] / run[j] up to ~1e−16 per
 * candle between them. A division instead of an exp(). */
const double     *lode_liq_model_get_decay_run  (const LodeLiqModel *self,
                                                 const gsize       **chunks,
                                                 gsize              *n_chunks);

G_END_DECLS
