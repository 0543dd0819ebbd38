/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <math.h>
#include <stdlib.h>

#include "lode-liq-model.h"
#include "naive-liq-model.h"

#define T0 1700000000000
#define MINUTE 60000

static void
assert_rel (double a,
            double b,
            double tol)
{
  if (!(fabs (a - b) <= tol * MAX (1.0, MAX (fabs (a), fabs (b)))))
    g_error ("%.17g differs from %.17g beyond %g", a, b, tol);
}

/* A candle with open = close = @close; OI in USD, λ = 0.5. */
static LodeCandle
candle (gsize  i,
        double high,
        double low,
        double close,
        double oi)
{
  LodeCandle c = { T0 + (gint64) i * MINUTE, close, high, low, close, 1, oi, 0.5 };

  return c;
}

static LodeLiqModel *
build (const LodeCandle      *c,
       gsize                  n,
       const LodeModelParams *params)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = lode_market_new (c, n, MINUTE, &error);
  LodeLiqModel *model;

  g_assert_no_error (error);
  model = lode_liq_model_build (market, params, NULL, &error);
  g_assert_no_error (error);

  return model;
}

/* One tier at @leverage with weight 1, m = @mmr, no lookback. */
static void
one_tier (LodeModelParams *p,
          double           leverage,
          double           mmr)
{
  lode_model_params_init_default (p);
  p->tiers[0] = (LodeTier) { leverage, 1.0, TRUE };
  p->n_tiers = 1;
  p->mmr = mmr;
}

static const LodeLevel *
find_level (LodeLevelSet *set,
            LodeSide      side,
            double        price)
{
  gsize n;
  const LodeLevel *l = lode_level_set_get_levels (set, &n);

  for (gsize k = 0; k < n; k++)
    if (l[k].side == side && fabs (l[k].price - price) < 1e-9 * price)
      return &l[k];

  return NULL;
}

static gsize
n_live (LodeLevelSet *set)
{
  gsize n;

  lode_level_set_get_levels (set, &n);
  return n;
}

static void
test_liq_price_example (void)
{
  /* §3: e = 100 000, L = 10, m = 0.004:
   * long  = 100 000 × (1 − 0.1 + 0.004) = 90 400
   * short = 100 000 × (1 + 0.1 − 0.004) = 109 600 */
  assert_rel (lode_liq_price (LODE_SIDE_LONG, 100000, 10, 0.004), 90400, 1e-12);
  assert_rel (lode_liq_price (LODE_SIDE_SHORT, 100000, 10, 0.004), 109600, 1e-12);
  /* L = 100, m = 0.004: 100 000 × (1 − 0.01 + 0.004) = 99 400; short 100 600. */
  assert_rel (lode_liq_price (LODE_SIDE_LONG, 100000, 100, 0.004), 99400, 1e-12);
  assert_rel (lode_liq_price (LODE_SIDE_SHORT, 100000, 100, 0.004), 100600, 1e-12);
}

static void
test_liq_price_typical_entry (void)
{
  LodeModelParams p;
  g_autoptr(LodeLiqModel) model = NULL;
  g_autoptr(LodeLevelSet) s1 = NULL;
  LodeCandle c[2];

  /* Candle 1: H 112, L 94, C 100 → e = (112 + 94 + 100) / 3 = 102.
   * L = 10, m = 0.004: long 102 × 0.904 = 92.208; short 102 × 1.096 = 111.792. */
  one_tier (&p, 10, 0.004);
  c[0] = candle (0, 101, 99, 100, 1000);
  c[1] = candle (1, 112, 94, 100, 2000);
  model = build (c, 2, &p);
  s1 = lode_liq_model_snapshot (model, 1);
  g_assert_cmpuint (n_live (s1), ==, 2);
  g_assert_nonnull (find_level (s1, LODE_SIDE_LONG, 92.208));
  g_assert_nonnull (find_level (s1, LODE_SIDE_SHORT, 111.792));
}

/* The scenario of the drain tests: one tier 4×, m = 0, λ = 0.5 (exact
 * binary fractions, so "touches" is exact equality). Candle 1 (H 125,
 * L 75, C 100) has e = 100 and adds d = 1000: long at 100 × 0.75 = 75 and
 * short at 100 × 1.25 = 125, 500 USD each. Its own low 75 and high 125
 * touch both prices, yet neither drains. */
static LodeLiqModel *
drain_scenario (double low3,
                double high3)
{
  LodeModelParams p;
  LodeCandle c[4];

  one_tier (&p, 4, 0);
  c[0] = candle (0, 101, 99, 100, 1000);
  c[1] = candle (1, 125, 75, 100, 2000);
  c[2] = candle (2, 120, 80, 100, 2000);
  c[3] = candle (3, high3, low3, 100, 2000);

  return build (c, 4, &p);
}

static void
test_drain_not_on_creating_candle (void)
{
  g_autoptr(LodeLiqModel) model = drain_scenario (80, 120);
  g_autoptr(LodeLevelSet) s1 = lode_liq_model_snapshot (model, 1);
  g_autoptr(LodeLevelSet) s3 = lode_liq_model_snapshot (model, 3);

  g_assert_cmpuint (n_live (s1), ==, 2);
  assert_rel (find_level (s1, LODE_SIDE_LONG, 75)->amount_usd, 500, 1e-12);
  assert_rel (find_level (s1, LODE_SIDE_SHORT, 125)->amount_usd, 500, 1e-12);
  g_assert_cmpfloat (lode_liq_model_get_liquidated (model, 1, LODE_SIDE_LONG), ==, 0);
  g_assert_cmpfloat (lode_liq_model_get_liquidated (model, 1, LODE_SIDE_SHORT), ==, 0);
  /* Candles 2 and 3 stay inside (75, 125): both survive to the end. */
  g_assert_cmpuint (n_live (s3), ==, 2);
}

static void
test_drain_long_on_low (void)
{
  /* Candle 3: low 75 ≤ 75 (p ≥ L_3) drains the long; high 120 < 125 keeps
   * the short. Liquidated long at candle 3 = its amount in S_2 = 500. */
  g_autoptr(LodeLiqModel) model = drain_scenario (75, 120);
  g_autoptr(LodeLevelSet) s3 = lode_liq_model_snapshot (model, 3);

  g_assert_cmpuint (n_live (s3), ==, 1);
  g_assert_null (find_level (s3, LODE_SIDE_LONG, 75));
  g_assert_nonnull (find_level (s3, LODE_SIDE_SHORT, 125));
  assert_rel (lode_liq_model_get_liquidated (model, 3, LODE_SIDE_LONG), 500, 1e-12);
  g_assert_cmpfloat (lode_liq_model_get_liquidated (model, 3, LODE_SIDE_SHORT), ==, 0);
}

static void
test_drain_short_on_high (void)
{
  /* Candle 3: high 125 ≥ 125 drains the short; low 75.01 > 75 keeps the long. */
  g_autoptr(LodeLiqModel) model = drain_scenario (75.01, 125);
  g_autoptr(LodeLevelSet) s3 = lode_liq_model_snapshot (model, 3);

  g_assert_cmpuint (n_live (s3), ==, 1);
  g_assert_nonnull (find_level (s3, LODE_SIDE_LONG, 75));
  assert_rel (lode_liq_model_get_liquidated (model, 3, LODE_SIDE_SHORT), 500, 1e-12);
  g_assert_cmpfloat (lode_liq_model_get_liquidated (model, 3, LODE_SIDE_LONG), ==, 0);
  /* S_2 is untouched by what candle 3 does. */
  {
    g_autoptr(LodeLevelSet) s2 = lode_liq_model_snapshot (model, 2);
    g_assert_cmpuint (n_live (s2), ==, 2);
  }
}

static void
test_close_by_oi_ratio (void)
{
  LodeModelParams p;
  g_autoptr(LodeLiqModel) model = NULL;
  LodeCandle c[5];

  /* Candle 1 opens 1000 (500 + 500) at 90 / 110 as in the drain scenario.
   * Candle 2: OI 2000 → 1500, f = 0.75: 500 × 0.75 = 375 each.
   * Candle 3: OI 1500 → 1200, f = 0.8: 375 × 0.8 = 300 each.
   * Candle 4: OI 1200 → 1200, d = 0: unchanged, 300 each. */
  one_tier (&p, 10, 0);
  c[0] = candle (0, 101, 99, 100, 1000);
  c[1] = candle (1, 110, 90, 100, 2000);
  c[2] = candle (2, 105, 95, 100, 1500);
  c[3] = candle (3, 105, 95, 100, 1200);
  c[4] = candle (4, 105, 95, 100, 1200);
  model = build (c, 5, &p);

  for (gsize i = 2; i <= 4; i++)
    {
      g_autoptr(LodeLevelSet) s = lode_liq_model_snapshot (model, i);
      double want = i == 2 ? 375 : 300;

      assert_rel (find_level (s, LODE_SIDE_LONG, 90)->amount_usd, want, 1e-12);
      assert_rel (find_level (s, LODE_SIDE_SHORT, 110)->amount_usd, want, 1e-12);
    }

  /* §10: the running log is Σ log f = log 0.75 + log 0.8 = log 0.6. */
  assert_rel (lode_liq_model_get_log_decay (model)[4], log (0.6), 1e-12);
}

static void
test_close_drain_uses_previous_amount (void)
{
  LodeModelParams p;
  g_autoptr(LodeLiqModel) model = NULL;
  LodeCandle c[4];

  /* Candle 2 closes by f = 0.8 (500 → 400). Candle 3 drains the long and
   * also closes (OI 1600 → 800): drain comes first (§4 order), so the
   * liquidated amount is 400, not 400 × 0.5; the short is then 400 × 0.5. */
  one_tier (&p, 10, 0);
  c[0] = candle (0, 101, 99, 100, 1000);
  c[1] = candle (1, 110, 90, 100, 2000);
  c[2] = candle (2, 105, 95, 100, 1600);
  c[3] = candle (3, 105, 89, 100, 800);
  model = build (c, 4, &p);

  assert_rel (lode_liq_model_get_liquidated (model, 3, LODE_SIDE_LONG), 400, 1e-12);
  {
    g_autoptr(LodeLevelSet) s3 = lode_liq_model_snapshot (model, 3);

    g_assert_cmpuint (n_live (s3), ==, 1);
    assert_rel (find_level (s3, LODE_SIDE_SHORT, 110)->amount_usd, 200, 1e-12);
  }
}

static void
test_close_to_zero (void)
{
  LodeModelParams p;
  g_autoptr(LodeLiqModel) model = NULL;
  LodeCandle c[5];

  /* Candle 2: OI 2000 → 0, f = 0: every level is closed to nothing and
   * leaves the state. Candle 3: 0 → 500 opens 250 + 250 again at e = 100;
   * candle 4: 500 → 250 closes them by 0.5 to 125 (not affected by the
   * earlier zero). */
  one_tier (&p, 10, 0);
  c[0] = candle (0, 101, 99, 100, 1000);
  c[1] = candle (1, 110, 90, 100, 2000);
  c[2] = candle (2, 105, 95, 100, 0);
  c[3] = candle (3, 110, 90, 100, 500);
  c[4] = candle (4, 105, 95, 100, 250);
  model = build (c, 5, &p);

  {
    g_autoptr(LodeLevelSet) s2 = lode_liq_model_snapshot (model, 2);
    g_autoptr(LodeLevelSet) s4 = lode_liq_model_snapshot (model, 4);

    g_assert_cmpuint (n_live (s2), ==, 0);
    g_assert_cmpuint (n_live (s4), ==, 2);
    assert_rel (find_level (s4, LODE_SIDE_LONG, 90)->amount_usd, 125, 1e-12);
  }
}

static void
test_open_split_by_lambda_and_weights (void)
{
  LodeModelParams p;
  g_autoptr(LodeLiqModel) model = NULL;
  g_autoptr(LodeLevelSet) s1 = NULL;
  LodeCandle c[2];

  /* Tiers 10×:0.6, 20×:0.2, 50×:0.2 disabled → renormalised over the
   * enabled: 0.6/0.8 = 0.75 and 0.2/0.8 = 0.25. m = 0.01, e = 100, λ = 0.8,
   * d = 1000:
   *   long 10×  at 100 × (1 − 0.1 + 0.01)  = 91,  1000 × 0.8 × 0.75 = 600
   *   long 20×  at 100 × (1 − 0.05 + 0.01) = 96,  1000 × 0.8 × 0.25 = 200
   *   short 10× at 100 × (1 + 0.1 − 0.01)  = 109, 1000 × 0.2 × 0.75 = 150
   *   short 20× at 100 × (1 + 0.05 − 0.01) = 104, 1000 × 0.2 × 0.25 = 50 */
  lode_model_params_init_default (&p);
  p.tiers[0] = (LodeTier) { 10, 0.6, TRUE };
  p.tiers[1] = (LodeTier) { 20, 0.2, TRUE };
  p.tiers[2] = (LodeTier) { 50, 0.2, FALSE };
  p.n_tiers = 3;
  p.mmr = 0.01;
  c[0] = candle (0, 101, 99, 100, 1000);
  c[1] = candle (1, 110, 90, 100, 2000);
  c[1].long_share = 0.8;
  model = build (c, 2, &p);
  s1 = lode_liq_model_current (model);

  g_assert_cmpuint (n_live (s1), ==, 4);
  assert_rel (find_level (s1, LODE_SIDE_LONG, 91)->amount_usd, 600, 1e-12);
  assert_rel (find_level (s1, LODE_SIDE_LONG, 96)->amount_usd, 200, 1e-12);
  assert_rel (find_level (s1, LODE_SIDE_SHORT, 109)->amount_usd, 150, 1e-12);
  assert_rel (find_level (s1, LODE_SIDE_SHORT, 104)->amount_usd, 50, 1e-12);
  assert_rel (lode_level_set_get_total (s1, LODE_SIDE_LONG), 800, 1e-12);
  assert_rel (lode_level_set_get_total (s1, LODE_SIDE_SHORT), 200, 1e-12);
  g_assert_cmpint (find_level (s1, LODE_SIDE_LONG, 91)->created_ms, ==, T0 + MINUTE);
}

static void
test_open_candle_zero (void)
{
  LodeModelParams p;
  g_autoptr(LodeLiqModel) model = NULL;
  g_autoptr(LodeLevelSet) s0 = NULL;
  LodeCandle c[2];

  /* Candle 0 only provides OI_0, even a large one; candle 1 has d = 0. */
  one_tier (&p, 10, 0);
  c[0] = candle (0, 110, 90, 100, 5000);
  c[1] = candle (1, 110, 90, 100, 5000);
  model = build (c, 2, &p);
  s0 = lode_liq_model_snapshot (model, 0);
  g_assert_cmpuint (n_live (s0), ==, 0);
  g_assert_cmpuint (lode_liq_model_get_n_levels (model), ==, 0);
}

static void
test_expire_after_lookback (void)
{
  LodeModelParams p;
  g_autoptr(LodeLiqModel) model = NULL;
  LodeCandle c[5];

  /* W = 2. Levels created at 1 are live in S_1 and S_2 (i − j = 1 < 2) and
   * expire at candle 3 (j = 1 ≤ 3 − 2). Candle 2 opens d = 1000 more
   * (500 + 500 at e = 100) that live in S_2, S_3 and expire at 4. */
  one_tier (&p, 10, 0);
  p.lookback = 2;
  c[0] = candle (0, 101, 99, 100, 1000);
  c[1] = candle (1, 110, 90, 100, 2000);
  c[2] = candle (2, 105, 95, 100, 3000);
  c[3] = candle (3, 105, 95, 100, 3000);
  c[4] = candle (4, 105, 95, 100, 3000);
  model = build (c, 5, &p);

  {
    g_autoptr(LodeLevelSet) s2 = lode_liq_model_snapshot (model, 2);
    g_autoptr(LodeLevelSet) s3 = lode_liq_model_snapshot (model, 3);
    g_autoptr(LodeLevelSet) s4 = lode_liq_model_snapshot (model, 4);

    g_assert_cmpuint (n_live (s2), ==, 4);
    g_assert_cmpuint (n_live (s3), ==, 2);
    g_assert_cmpint (lode_level_set_get_levels (s3, NULL)[0].created_ms, ==, T0 + 2 * MINUTE);
    g_assert_cmpuint (n_live (s4), ==, 0);
  }
  /* Expiry is not liquidation. */
  for (gsize i = 0; i < 5; i++)
    g_assert_cmpfloat (lode_liq_model_get_liquidated (model, i, LODE_SIDE_LONG), ==, 0);
}

static void
test_expire_drain_comes_first (void)
{
  LodeModelParams p;
  g_autoptr(LodeLiqModel) model = NULL;
  LodeCandle c[4];

  /* W = 2: the level created at 1 expires at candle 3, but candle 3's low
   * 89 ≤ 90 drains it first (step 1 before step 4): 500 liquidated. */
  one_tier (&p, 10, 0);
  p.lookback = 2;
  c[0] = candle (0, 101, 99, 100, 1000);
  c[1] = candle (1, 110, 90, 100, 2000);
  c[2] = candle (2, 105, 95, 100, 2000);
  c[3] = candle (3, 105, 89, 100, 2000);
  model = build (c, 4, &p);
  assert_rel (lode_liq_model_get_liquidated (model, 3, LODE_SIDE_LONG), 500, 1e-12);
}

static void
test_nan_oi (void)
{
  LodeModelParams p;
  g_autoptr(LodeLiqModel) model = NULL;
  LodeCandle c[6];

  /* OI: NaN, 1000, 1500, NaN, 800, 400.
   * Candle 1: d = 0 (previous NaN): opens nothing although OI "appears".
   * Candle 2: d = 500 → 250 + 250 at e = 100 (90 and 110).
   * Candle 3: NaN → d = 0. Candle 4: previous NaN → d = 0, no close
   * although 800 < 1500. Candle 5: 800 → 400, f = 0.5 → 125 each. */
  one_tier (&p, 10, 0);
  c[0] = candle (0, 101, 99, 100, NAN);
  c[1] = candle (1, 110, 90, 100, 1000);
  c[2] = candle (2, 110, 90, 100, 1500);
  c[3] = candle (3, 105, 95, 100, NAN);
  c[4] = candle (4, 105, 95, 100, 800);
  c[5] = candle (5, 105, 95, 100, 400);
  model = build (c, 6, &p);

  {
    g_autoptr(LodeLevelSet) s1 = lode_liq_model_snapshot (model, 1);
    g_autoptr(LodeLevelSet) s4 = lode_liq_model_snapshot (model, 4);
    g_autoptr(LodeLevelSet) s5 = lode_liq_model_snapshot (model, 5);

    g_assert_cmpuint (n_live (s1), ==, 0);
    assert_rel (find_level (s4, LODE_SIDE_LONG, 90)->amount_usd, 250, 1e-12);
    assert_rel (find_level (s5, LODE_SIDE_SHORT, 110)->amount_usd, 125, 1e-12);
  }
}

static void
test_cancel (void)
{
  LodeModelParams p;
  g_autoptr(GError) error = NULL;
  g_autofree LodeCandle *c = naive_random_candles (1, 10000, 0);
  g_autoptr(LodeMarket) market = lode_market_new (c, 10000, MINUTE, &error);
  gint cancel = 1;
  LodeLiqModel *model;

  lode_model_params_init_default (&p);
  model = lode_liq_model_build (market, &p, &cancel, &error);
  g_assert_null (model);
  g_assert_error (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_CANCELLED);
}

static void
test_params_default (void)
{
  LodeModelParams p;
  g_autofree char *s = NULL;

  lode_model_params_init_default (&p);
  g_assert_cmpuint (p.n_tiers, ==, 4);
  g_assert_cmpfloat (p.mmr, ==, 0.004);
  g_assert_cmpuint (p.lookback, ==, 0);
  g_assert_true (lode_model_params_validate (&p, NULL));
  s = lode_model_params_format_tiers (&p);
  g_assert_cmpstr (s, ==, "10:0.3,25:0.3,50:0.25,100:0.15");
}

static void
test_params_parse (void)
{
  LodeModelParams p;
  g_autoptr(GError) error = NULL;
  g_autofree char *s = NULL;

  lode_model_params_init_default (&p);
  g_assert_true (lode_model_params_parse_tiers (&p, "5:2, 20 ,!100:0.5", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (p.n_tiers, ==, 3);
  g_assert_cmpfloat (p.tiers[1].weight, ==, 1.0);
  g_assert_false (p.tiers[2].enabled);
  /* Renormalised over the enabled 2 + 1: 2/3, 1/3, 0. */
  assert_rel (lode_model_params_get_weight (&p, 0), 2.0 / 3.0, 1e-15);
  assert_rel (lode_model_params_get_weight (&p, 1), 1.0 / 3.0, 1e-15);
  g_assert_cmpfloat (lode_model_params_get_weight (&p, 2), ==, 0);
  s = lode_model_params_format_tiers (&p);
  g_assert_cmpstr (s, ==, "5:2,20:1,!100:0.5");

  g_assert_false (lode_model_params_parse_tiers (&p, "10:x", &error));
  g_assert_error (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_INVALID_PARAMS);
  g_clear_error (&error);
  g_assert_false (lode_model_params_parse_tiers (&p, "", &error));
  g_assert_error (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_INVALID_PARAMS);
  g_clear_error (&error);
  g_assert_false (lode_model_params_parse_tiers (&p, "1,2,3,4,5,6,7,8,9", &error));
  g_assert_error (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_INVALID_PARAMS);
  /* A failed parse leaves the tiers as they were. */
  g_assert_cmpuint (p.n_tiers, ==, 3);
}

static void
test_params_validate (void)
{
  LodeModelParams p;
  g_autoptr(GError) error = NULL;

  lode_model_params_init_default (&p);
  p.tiers[0].leverage = 1.0;
  g_assert_false (lode_model_params_validate (&p, &error));
  g_assert_error (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_INVALID_PARAMS);
  g_clear_error (&error);

  /* m = 0.01 ≥ 1/100 for the enabled 100× tier. */
  lode_model_params_init_default (&p);
  p.mmr = 0.01;
  g_assert_false (lode_model_params_validate (&p, &error));
  g_assert_error (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_INVALID_PARAMS);
  g_clear_error (&error);
  /* … fine once that tier is disabled. */
  p.tiers[3].enabled = FALSE;
  g_assert_true (lode_model_params_validate (&p, NULL));

  lode_model_params_init_default (&p);
  for (guint k = 0; k < p.n_tiers; k++)
    p.tiers[k].enabled = FALSE;
  g_assert_false (lode_model_params_validate (&p, &error));
  g_assert_error (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_INVALID_PARAMS);
  g_clear_error (&error);

  lode_model_params_init_default (&p);
  p.mmr = NAN;
  g_assert_false (lode_model_params_validate (&p, &error));
  g_assert_error (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_INVALID_PARAMS);
}

/* The fast build equals §4 run literally. */

static int
compare_naive (const void *a,
               const void *b)
{
  const NaiveLevel *x = a, *y = b;

  if (x->price != y->price)
    return x->price < y->price ? -1 : 1;
  if (x->side != y->side)
    return x->side < y->side ? -1 : 1;
  return x->created < y->created ? -1 : x->created > y->created;
}

static void
assert_snapshot_equal (LodeLevelSet     *fast,
                       GArray           *naive_live,
                       const LodeCandle *c)
{
  g_autoptr(GArray) naive = g_array_copy (naive_live);
  gsize n;
  const LodeLevel *l = lode_level_set_get_levels (fast, &n);

  g_array_sort (naive, compare_naive);
  g_assert_cmpuint (n, ==, naive->len);
  for (gsize k = 0; k < n; k++)
    {
      const NaiveLevel *v = &g_array_index (naive, NaiveLevel, k);

      assert_rel (l[k].price, v->price, 1e-12);
      g_assert_cmpint (l[k].side, ==, v->side);
      g_assert_cmpint (l[k].created_ms, ==, c[v->created].time_ms);
      assert_rel (l[k].amount_usd, v->amount, 1e-9);
    }
}

static void
check_candles_against_naive (const LodeCandle      *c,
                             gsize                  n,
                             const LodeModelParams *p)
{
  g_autoptr(LodeLiqModel) model = build (c, n, p);
  NaiveSim sim;
  guint checked = 0;

  naive_init (&sim, n);
  for (gsize i = 1; i < n; i++)
    {
      naive_step (&sim, c, i, p);
      if (i % 97 == 0 || i + 1 == n || i < 10)
        {
          g_autoptr(LodeLevelSet) s = lode_liq_model_snapshot (model, i);

          assert_snapshot_equal (s, sim.live, c);
          checked++;
        }
    }

  for (gsize i = 0; i < n; i++)
    for (guint s = 0; s < 2; s++)
      assert_rel (lode_liq_model_get_liquidated (model, i, s), sim.liquidated[s][i], 1e-9);

  g_assert_cmpuint (checked, >, 10);
  naive_clear (&sim);
}

static void
check_against_naive (guint32                seed,
                     gsize                  n,
                     const LodeModelParams *p)
{
  g_autofree LodeCandle *c = naive_random_candles (seed, n, 7);

  check_candles_against_naive (c, n, p);
}

static void
test_fast_equals_naive (void)
{
  LodeModelParams p;

  lode_model_params_init_default (&p);
  for (guint32 seed = 1; seed <= 3; seed++)
    check_against_naive (seed, 3000, &p);
}

static void
test_fast_equals_naive_lookback (void)
{
  LodeModelParams p;

  lode_model_params_init_default (&p);
  p.lookback = 150;
  check_against_naive (11, 3000, &p);
  p.lookback = 1;
  check_against_naive (12, 1000, &p);
}

static void
test_fast_equals_naive_tiers (void)
{
  LodeModelParams p;

  /* Unsorted leverages, a disabled one and one of weight 0. */
  lode_model_params_init_default (&p);
  g_assert_true (lode_model_params_parse_tiers (&p, "50:1,3:2,!20:1,100:0,12:0.5,7:1", NULL));
  p.mmr = 0.002;
  check_against_naive (21, 4000, &p);
}

static void
test_fast_equals_naive_deep_decay (void)
{
  LodeModelParams p;
  gsize n = 3000;
  g_autofree LodeCandle *c = naive_random_candles (41, n, 0);
  double oi = 1e6;

  /* OI ×1.5, ×0.5, … (restarting at 1e6 every 700 candles): the running
   * decay falls by log 2 every two candles, to about −1000, past the
   * build's running-product restarts (every ~460 of log decay). */
  for (gsize i = 0; i < n; i++)
    {
      oi = i % 700 == 0 ? 1e6 : i % 2 == 1 ? oi * 1.5 : oi * 0.5;
      c[i].oi_usd = oi;
    }
  lode_model_params_init_default (&p);
  check_candles_against_naive (c, n, &p);
  {
    g_autoptr(LodeLiqModel) model = build (c, n, &p);

    g_assert_cmpfloat (lode_liq_model_get_log_decay (model)[n - 1], <, -900);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/model/liq-price/example", test_liq_price_example);
  g_test_add_func ("/model/liq-price/typical-entry", test_liq_price_typical_entry);
  g_test_add_func ("/model/drain/not-on-creating-candle", test_drain_not_on_creating_candle);
  g_test_add_func ("/model/drain/long-on-low", test_drain_long_on_low);
  g_test_add_func ("/model/drain/short-on-high", test_drain_short_on_high);
  g_test_add_func ("/model/close/by-oi-ratio", test_close_by_oi_ratio);
  g_test_add_func ("/model/close/drain-uses-previous-amount", test_close_drain_uses_previous_amount);
  g_test_add_func ("/model/close/to-zero", test_close_to_zero);
  g_test_add_func ("/model/open/split-by-lambda-and-weights", test_open_split_by_lambda_and_weights);
  g_test_add_func ("/model/open/candle-zero", test_open_candle_zero);
  g_test_add_func ("/model/expire/after-lookback", test_expire_after_lookback);
  g_test_add_func ("/model/expire/drain-comes-first", test_expire_drain_comes_first);
  g_test_add_func ("/model/nan-oi", test_nan_oi);
  g_test_add_func ("/model/build/cancel", test_cancel);
  g_test_add_func ("/model/params/default", test_params_default);
  g_test_add_func ("/model/params/parse", test_params_parse);
  g_test_add_func ("/model/params/validate", test_params_validate);
  g_test_add_func ("/model/build/equals-naive", test_fast_equals_naive);
  g_test_add_func ("/model/build/equals-naive-lookback", test_fast_equals_naive_lookback);
  g_test_add_func ("/model/build/equals-naive-tiers", test_fast_equals_naive_tiers);
  g_test_add_func ("/model/build/equals-naive-deep-decay", test_fast_equals_naive_deep_decay);

  return g_test_run ();
}
