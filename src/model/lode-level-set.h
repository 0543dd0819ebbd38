/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lode-model-types.h"

G_BEGIN_DECLS

/* One live level of a snapshot (§4). */
typedef struct
{
  double   price;
  double   amount_usd;   /* amount in this snapshot */
  gint64   created_ms;   /* open time of the creating candle */
  LodeSide side;
} LodeLevel;

/* The live levels of one snapshot — of one venue or merged over several
 * (§9) — sorted by price, with prefix sums per side for fuel queries.
 * Immutable and reference-counted. */
typedef struct _LodeLevelSet LodeLevelSet;

/* Copies and sorts @levels; @close is the reference price (the snapshot's close). */
LodeLevelSet    *lode_level_set_new        (const LodeLevel     *levels,
                                            gsize                n_levels,
                                            double               close);
/* §9: the union of several venues' sets; amounts are USD so they add up.
 * The close of the first set (the primary venue) is kept. */
LodeLevelSet    *lode_level_set_merge      (LodeLevelSet *const *sets,
                                            guint                n_sets);
LodeLevelSet    *lode_level_set_ref        (LodeLevelSet        *self);
void             lode_level_set_unref      (LodeLevelSet        *self);
const LodeLevel *lode_level_set_get_levels (const LodeLevelSet  *self,
                                            gsize               *n_levels);
double           lode_level_set_get_close  (const LodeLevelSet  *self);
double           lode_level_set_get_total  (const LodeLevelSet  *self,
                                            LodeSide             side);
/* §7 fuel: for @price ≤ close, Σ long amounts with price in [@price, close];
 * for @price ≥ close, Σ short amounts in [close, @price]. O(log n). */
double           lode_level_set_fuel       (const LodeLevelSet  *self,
                                            double               price);
/* Σ amounts of @side with price in [lo, hi). O(log n). */
double           lode_level_set_sum_range  (const LodeLevelSet  *self,
                                            LodeSide             side,
                                            double               lo,
                                            double               hi);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LodeLevelSet, lode_level_set_unref)

G_END_DECLS
