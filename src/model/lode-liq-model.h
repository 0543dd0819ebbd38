/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lode-market.h"
#include "lode-level-set.h"

G_BEGIN_DECLS

#define LODE_MAX_TIERS 8

/* One leverage tier (§2). Weights are renormalised over enabled tiers. */
typedef struct
{
  double   leverage;  /* L_k > 1 */
  double   weight;    /* w_k ≥ 0, before renormalisation */
  gboolean enabled;
} LodeTier;

typedef struct
{
  LodeTier tiers[LODE_MAX_TIERS];
  guint    n_tiers;
  double   mmr;       /* maintenance margin rate m, 0 ≤ m < 1/L for every tier */
  guint    lookback;  /* W in candles; 0 = all loaded */
} LodeModelParams;

/* §2 defaults: 10×:0.30, 25×:0.30, 50×:0.25, 100×:0.15; m = 0.004; W = all. */
void      lode_model_params_init_default (LodeModelParams       *params);
/* Parses "10:0.3,25:0.3,50:0.25,100:0.15" (a tier without ":w" gets weight 1;
 * a leading '!' disables it, e.g. "!100:0.15"). Replaces params->tiers. */
gboolean  lode_model_params_parse_tiers  (LodeModelParams       *params,
                                          const char            *spec,
                                          GError               **error);
char     *lode_model_params_format_tiers (const LodeModelParams *params);
/* At least one enabled tier with weight > 0, leverages > 1, finite mmr in
 * [0, 1/L) for every enabled tier. LODE_MODEL_ERROR_INVALID_PARAMS. */
gboolean  lode_model_params_validate     (const LodeModelParams *params,
                                          GError               **error);
/* The renormalised weight of tier @k (0 for a disabled one). */
double    lode_model_params_get_weight   (const LodeModelParams *params,
                                          guint                  k);

/* §3 */
double    lode_liq_price                 (LodeSide               side,
                                          double                 entry,
                                          double                 leverage,
                                          double                 mmr);

/* The built model of one market: every level ever created, with its birth,
 * death and decay, so that any snapshot S_i can be queried. Immutable and
 * reference-counted; safe to read from several threads. */
typedef struct _LodeLiqModel LodeLiqModel;

/* §4 built by the closed form in O(n·K·log n) (§10). @cancel, if not NULL,
 * is polled (g_atomic_int_get) and a non-zero value stops the build with
 * LODE_MODEL_ERROR_CANCELLED. Levels of 0 USD (λ = 0 or 1) are not stored;
 * an OI that falls to exactly 0 (f = 0) closes every level, which then
 * leaves the state instead of lingering at 0 USD. */
LodeLiqModel          *lode_liq_model_build            (LodeMarket            *market,
                                                        const LodeModelParams *params,
                                                        const gint            *cancel,
                                                        GError               **error);
LodeLiqModel          *lode_liq_model_ref              (LodeLiqModel          *self);
void                   lode_liq_model_unref            (LodeLiqModel          *self);
LodeMarket            *lode_liq_model_get_market       (const LodeLiqModel    *self);
const LodeModelParams *lode_liq_model_get_params       (const LodeLiqModel    *self);
/* Number of levels created over the whole series (live or not). */
gsize                  lode_liq_model_get_n_levels     (const LodeLiqModel    *self);
/* The live levels of snapshot S_i with their amounts in S_i. O(levels
 * created in the lookback window before i) plus the sort; S_{n−1} is built
 * once with the model and only referenced. */
LodeLevelSet          *lode_liq_model_snapshot         (const LodeLiqModel    *self,
                                                        gsize                  i);
/* S_{n-1}. */
LodeLevelSet          *lode_liq_model_current          (const LodeLiqModel    *self);
/* §4 step 1: USD drained at candle i, per side (0 for candle 0). */
double                 lode_liq_model_get_liquidated   (const LodeLiqModel    *self,
                                                        gsize                  i,
                                                        LodeSide               side);

/* Every level ever created, for inspection and tests (the heatmap reads
 * the model's own compact arrays, not these). Read-only. */
typedef struct
{
  double   price;
  double   amount;      /* amount at creation, USD */
  guint32  created;     /* candle j */
  guint32  end;         /* first candle at which it is no longer live: min(death, j + W) */
  LodeSide side;
} LodeModelLevel;

/* Built on the first call (thread-safe) and kept with the model: about
 * 32 bytes a level, some 67 MB for a year of one-minute data. */
const LodeModelLevel  *lode_liq_model_get_levels       (const LodeLiqModel    *self,
                                                        gsize                 *n_levels);
/* Running Σ log f_m for m ≤ i (§10); the amount of a level created at j in
 * S_i is amount × exp(log_decay[i] − log_decay[j]). */
const double          *lode_liq_model_get_log_decay    (const LodeLiqModel    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LodeLiqModel, lode_liq_model_unref)

G_END_DECLS
