/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The reference the model is tested against: liquidation-model.md §4 run
 * literally, candle by candle, over a list of live levels, with none of the
 * fast build's closed form, trees, logs or difference arrays. Also a seeded
 * random market for it. Shared by test-liq-model.c and test-heatmap.c. */

#include <math.h>

#include "lode-liq-model.h"

typedef struct
{
  double   price;
  double   amount;
  gsize    created;
  LodeSide side;
} NaiveLevel;

typedef struct
{
  GArray *live;         /* NaiveLevel, S_i after naive_step (i) */
  double *liquidated[2];
  gsize   i;            /* the last candle stepped */
} NaiveSim;

static inline void
naive_init (NaiveSim *sim,
            gsize     n)
{
  sim->live = g_array_new (FALSE, FALSE, sizeof (NaiveLevel));
  sim->liquidated[0] = g_new0 (double, n);
  sim->liquidated[1] = g_new0 (double, n);
  sim->i = 0;
}

static inline void
naive_clear (NaiveSim *sim)
{
  g_array_unref (sim->live);
  g_free (sim->liquidated[0]);
  g_free (sim->liquidated[1]);
}

/* §4 for candle i ≥ 1. */
static inline void
naive_step (NaiveSim              *sim,
            const LodeCandle      *c,
            gsize                  i,
            const LodeModelParams *params)
{
  double d = 0;
  double wsum = 0;
  guint k;

  if (!isnan (c[i].oi_usd) && !isnan (c[i - 1].oi_usd))
    d = c[i].oi_usd - c[i - 1].oi_usd;

  /* 1. Drain: everything live was created before candle i. */
  for (k = 0; k < sim->live->len;)
    {
      NaiveLevel *l = &g_array_index (sim->live, NaiveLevel, k);

      if ((l->side == LODE_SIDE_LONG && l->price >= c[i].low)
          || (l->side == LODE_SIDE_SHORT && l->price <= c[i].high))
        {
          sim->liquidated[l->side][i] += l->amount;
          g_array_remove_index (sim->live, k);
        }
      else
        k++;
    }

  /* 2. Close. */
  if (d < 0)
    {
      double f = c[i].oi_usd / c[i - 1].oi_usd;

      for (k = 0; k < sim->live->len; k++)
        g_array_index (sim->live, NaiveLevel, k).amount *= f;
    }

  /* 3. Open, weights renormalised over enabled tiers. */
  for (k = 0; k < params->n_tiers; k++)
    if (params->tiers[k].enabled)
      wsum += params->tiers[k].weight;
  if (d > 0)
    {
      double e = (c[i].high + c[i].low + c[i].close) / 3.0;

      for (k = 0; k < params->n_tiers; k++)
        {
          double w = params->tiers[k].weight / wsum;
          double lev = params->tiers[k].leverage;
          NaiveLevel lo = { e * (1.0 - 1.0 / lev + params->mmr), d * c[i].long_share * w, i, LODE_SIDE_LONG };
          NaiveLevel sh = { e * (1.0 + 1.0 / lev - params->mmr), d * (1.0 - c[i].long_share) * w, i, LODE_SIDE_SHORT };

          if (!params->tiers[k].enabled)
            continue;
          /* Zero-amount levels are not kept by the model; they change no sum. */
          if (lo.amount > 0)
            g_array_append_val (sim->live, lo);
          if (sh.amount > 0)
            g_array_append_val (sim->live, sh);
        }
    }

  /* 4. Expire. */
  if (params->lookback > 0)
    for (k = 0; k < sim->live->len;)
      {
        if (g_array_index (sim->live, NaiveLevel, k).created + params->lookback <= i)
          g_array_remove_index (sim->live, k);
        else
          k++;
      }

  sim->i = i;
}

/* A seeded random market: a geometric random walk with wicks, OI that
 * rises and falls (and is NaN for the first @nan_head candles), λ in
 * [0.2, 0.8]. Volatile enough that near tiers die within tens of candles
 * and far ones live for hundreds. */
static inline LodeCandle *
naive_random_candles (guint32 seed,
                      gsize   n,
                      gsize   nan_head)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  LodeCandle *c = g_new0 (LodeCandle, n);
  double price = 100.0;
  double oi = 1e6;

  for (gsize i = 0; i < n; i++)
    {
      double open = price;
      double close = price * exp (g_rand_double_range (rand, -0.01, 0.01));
      double hi = MAX (open, close) * (1.0 + g_rand_double_range (rand, 0, 0.006));
      double lo = MIN (open, close) * (1.0 - g_rand_double_range (rand, 0, 0.006));

      oi *= exp (g_rand_double_range (rand, -0.05, 0.052));
      c[i].time_ms = 1700000000000 + (gint64) i * 60000;
      c[i].open = open;
      c[i].high = hi;
      c[i].low = lo;
      c[i].close = close;
      c[i].volume = g_rand_double_range (rand, 0, 100);
      c[i].oi_usd = i < nan_head ? NAN : oi;
      c[i].long_share = g_rand_double_range (rand, 0.2, 0.8);
      price = close;
    }

  return c;
}
