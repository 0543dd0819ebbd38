/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <math.h>
#include <string.h>

#include "lode-heatmap.h"
#include "lode-heatmap-private.h"
#include "naive-liq-model.h"

#define MINUTE 60000

static LodeLiqModel *
build (const LodeCandle      *c,
       gsize                  n,
       gint64                 interval_ms,
       const LodeModelParams *params)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = lode_market_new (c, n, interval_ms, &error);
  LodeLiqModel *model;

  g_assert_no_error (error);
  model = lode_liq_model_build (market, params, NULL, &error);
  g_assert_no_error (error);

  return model;
}

static void
test_column_candle (void)
{
  LodeHeatmapView v = { 0, 10, 4, 0, 1, 1, LODE_RENDER_MODE_RAW };

  /* §5 b_c = first + ⌊(c + 1)·N/C⌋ − 1 with N = 10, C = 4:
   * ⌊10/4⌋ − 1 = 1, ⌊20/4⌋ − 1 = 4, ⌊30/4⌋ − 1 = 6, ⌊40/4⌋ − 1 = 9. */
  g_assert_cmpint (lode_heatmap_view_get_candle (&v, 0), ==, 1);
  g_assert_cmpint (lode_heatmap_view_get_candle (&v, 1), ==, 4);
  g_assert_cmpint (lode_heatmap_view_get_candle (&v, 2), ==, 6);
  g_assert_cmpint (lode_heatmap_view_get_candle (&v, 3), ==, 9);

  /* More columns than candles: N = 2, C = 4 → ⌊2/4⌋ − 1 = −1 (empty),
   * ⌊4/4⌋ − 1 = 0, ⌊6/4⌋ − 1 = 0, ⌊8/4⌋ − 1 = 1. */
  v.n_candles = 2;
  g_assert_cmpint (lode_heatmap_view_get_candle (&v, 0), ==, -1);
  g_assert_cmpint (lode_heatmap_view_get_candle (&v, 1), ==, 0);
  g_assert_cmpint (lode_heatmap_view_get_candle (&v, 2), ==, 0);
  g_assert_cmpint (lode_heatmap_view_get_candle (&v, 3), ==, 1);
  /* With first = 100 the "empty" column shows candle 99. */
  v.first_candle = 100;
  g_assert_cmpint (lode_heatmap_view_get_candle (&v, 0), ==, 99);
}

static void
test_row_edges (void)
{
  /* 100 rows over [100, 200): δ = 1, row r = [100 + r, 101 + r). */
  LodeHeatmapView v = { 0, 1, 1, 100, 200, 100, LODE_RENDER_MODE_RAW };

  g_assert_cmpint (lode_heatmap_view_get_row (&v, 100), ==, 0);       /* price_min: row 0 */
  g_assert_cmpint (lode_heatmap_view_get_row (&v, 150), ==, 50);      /* a boundary: the upper row */
  g_assert_cmpint (lode_heatmap_view_get_row (&v, 150.999), ==, 50);
  g_assert_cmpint (lode_heatmap_view_get_row (&v, 199.999999), ==, 99);
  g_assert_cmpint (lode_heatmap_view_get_row (&v, 200), ==, -1);      /* price_max is outside */
  g_assert_cmpint (lode_heatmap_view_get_row (&v, 99.999999), ==, -1);
  g_assert_cmpint (lode_heatmap_view_get_row (&v, NAN), ==, -1);
  /* The largest double below price_max stays in the last row. */
  g_assert_cmpint (lode_heatmap_view_get_row (&v, nextafter (200, 0)), ==, 99);
}

/* The drain scenario of test-liq-model.c: 4×, m = 0, λ = 0.5; candle 1
 * opens 500 long at 75 and 500 short at 125; candle 3's low 75 drains the
 * long. Candles 2 and 4 close by 0.5 each. */
static LodeLiqModel *
small_model (void)
{
  LodeModelParams p;
  LodeCandle c[5];

  lode_model_params_init_default (&p);
  p.tiers[0] = (LodeTier) { 4, 1, TRUE };
  p.n_tiers = 1;
  p.mmr = 0;
  for (gsize i = 0; i < 5; i++)
    c[i] = (LodeCandle) { 1700000000000 + (gint64) i * MINUTE, 100, 120, 80, 100, 1, 1000, 0.5 };
  c[1].high = 125;
  c[1].low = 75;
  c[1].oi_usd = 2000;
  c[2].oi_usd = 1000;  /* f = 0.5: 250 each */
  c[3].low = 75;       /* drains the long */
  c[3].oi_usd = 1000;
  c[4].oi_usd = 500;   /* f = 0.5: short 125 */

  return build (c, 5, MINUTE, &p);
}

static void
test_hand_cells (void)
{
  g_autoptr(LodeLiqModel) model = small_model ();
  /* 5 columns over 5 candles: b_c = c. 4 rows over [50, 150): δ = 25,
   * rows [50,75) [75,100) [100,125) [125,150): the long at 75 is in row 1
   * (a boundary belongs to the upper row), the short at 125 in row 3. */
  LodeHeatmapView v = { 0, 5, 5, 50, 150, 4, LODE_RENDER_MODE_RAW };
  g_autoptr(LodeHeatmap) h = lode_heatmap_compute (model, &v);
  const float want[4][5] = {
    { 0, 0, 0, 0, 0 },
    { 0, 500, 250, 0, 0 },      /* S_1 500; S_2 ×0.5; drained at 3 */
    { 0, 0, 0, 0, 0 },
    { 0, 500, 250, 250, 125 },  /* S_4: ×0.5 again */
  };

  for (guint r = 0; r < 4; r++)
    for (guint c = 0; c < 5; c++)
      g_assert_cmpfloat_with_epsilon (lode_heatmap_get (h, c, r), want[r][c], 1e-4);

  /* Non-zero cells: 500, 250, 500, 250, 250, 125 → sorted 125, 250, 250,
   * 250, 500, 500; nearest rank ⌈0.99 · 6⌉ = 6 → 500. */
  g_assert_cmpfloat (h->reference, ==, 500);
  g_assert_cmpfloat (h->max, ==, 500);

  /* Long mode keeps row 1 only, short mode row 3 only. */
  {
    g_autoptr(LodeHeatmap) hl = NULL;
    g_autoptr(LodeHeatmap) hs = NULL;

    v.mode = LODE_RENDER_MODE_LONG;
    hl = lode_heatmap_compute (model, &v);
    v.mode = LODE_RENDER_MODE_SHORT;
    hs = lode_heatmap_compute (model, &v);
    g_assert_cmpfloat (lode_heatmap_get (hl, 1, 1), ==, 500);
    g_assert_cmpfloat (lode_heatmap_get (hl, 1, 3), ==, 0);
    g_assert_cmpfloat (lode_heatmap_get (hs, 1, 1), ==, 0);
    g_assert_cmpfloat (lode_heatmap_get (hs, 4, 3), ==, 125);
  }

  /* Levels outside the rows are ignored, not clamped: [76, 125) holds
   * neither the long at 75 nor the short at 125. */
  {
    LodeHeatmapView w = { 0, 5, 5, 76, 125, 7, LODE_RENDER_MODE_RAW };
    g_autoptr(LodeHeatmap) hw = lode_heatmap_compute (model, &w);

    g_assert_cmpfloat (hw->max, ==, 0);
    g_assert_cmpfloat (hw->reference, ==, 0);
  }
}

static void
test_columns_coarser_than_candles (void)
{
  g_autoptr(LodeLiqModel) model = small_model ();
  /* 2 columns over 5 candles: b_0 = ⌊5/2⌋ − 1 = 1, b_1 = ⌊10/2⌋ − 1 = 4.
   * A view past the end (candles 3 … 8 in 3 columns: b = 4, 6, 8) leaves
   * the columns after the last candle empty. */
  LodeHeatmapView v = { 0, 5, 2, 50, 150, 4, LODE_RENDER_MODE_RAW };
  LodeHeatmapView past = { 3, 6, 3, 50, 150, 4, LODE_RENDER_MODE_RAW };
  g_autoptr(LodeHeatmap) h = lode_heatmap_compute (model, &v);
  g_autoptr(LodeHeatmap) hp = lode_heatmap_compute (model, &past);

  g_assert_cmpfloat (lode_heatmap_get (h, 0, 1), ==, 500);
  g_assert_cmpfloat (lode_heatmap_get (h, 0, 3), ==, 500);
  g_assert_cmpfloat (lode_heatmap_get (h, 1, 1), ==, 0);
  g_assert_cmpfloat (lode_heatmap_get (h, 1, 3), ==, 125);

  g_assert_cmpfloat (lode_heatmap_get (hp, 0, 3), ==, 125);
  g_assert_cmpfloat (lode_heatmap_get (hp, 1, 3), ==, 0);
  g_assert_cmpfloat (lode_heatmap_get (hp, 2, 3), ==, 0);
}

static void
test_percentile (void)
{
  g_autofree float *v = g_new0 (float, 300);
  float one[1] = { 7 };

  /* 1 … 100 among 200 zeros. Nearest rank of the 100 non-zero values:
   * ⌈0.99 · 100⌉ = 99 → 99; ⌈0.5 · 100⌉ = 50 → 50; q = 1 → 100; q = 0 →
   * rank clamped to 1 → 1. */
  for (guint i = 0; i < 100; i++)
    v[i * 3 + 1] = 100 - i;
  g_assert_cmpfloat (lode_heatmap_percentile (v, 300, 0.99), ==, 99);
  g_assert_cmpfloat (lode_heatmap_percentile (v, 300, 0.5), ==, 50);
  g_assert_cmpfloat (lode_heatmap_percentile (v, 300, 1.0), ==, 100);
  g_assert_cmpfloat (lode_heatmap_percentile (v, 300, 0.0), ==, 1);
  /* 10 values: ⌈9.9⌉ = 10 → the largest. */
  g_assert_cmpfloat (lode_heatmap_percentile (v, 30, 0.99), ==, 100);
  g_assert_cmpfloat (lode_heatmap_percentile (one, 1, 0.99), ==, 7);
  /* All zero, or nothing: 0. */
  g_assert_cmpfloat (lode_heatmap_percentile (v, 1, 0.99), ==, 0);
  g_assert_cmpfloat (lode_heatmap_percentile (NULL, 0, 0.99), ==, 0);
}

static int
compare_floats (gconstpointer a,
                gconstpointer b,
                gpointer      data)
{
  float x = *(const float *) a;
  float y = *(const float *) b;

  return x < y ? -1 : x > y;
}

static void
check_percentile_against_sort (const float *v,
                               gsize        n)
{
  g_autofree float *sorted = g_new (float, MAX (n, 1));
  gsize m = 0;

  for (gsize i = 0; i < n; i++)
    if (v[i] != 0)
      sorted[m++] = v[i];
  g_qsort_with_data (sorted, m, sizeof (float), compare_floats, NULL);

  for (guint t = 0; t <= 20; t++)
    {
      double q = t / 20.0;
      gsize k = (gsize) ceil (q * m - 1e-9);

      k = CLAMP (k, 1, m);
      g_assert_cmpfloat (lode_heatmap_percentile (v, n, q), ==, sorted[k - 1]);
    }
  g_assert_cmpfloat (lode_heatmap_percentile (v, n, 0.99), ==, sorted[(gsize) ceil (0.99 * m - 1e-9) - 1]);
  g_assert_cmpfloat (lode_heatmap_percentile (v, n, 0.995), ==, sorted[(gsize) ceil (0.995 * m - 1e-9) - 1]);
}

static void
test_percentile_matches_sort (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  /* Small (the radix select) and large (the sampled bracket, ≥ 131 072
   * values) inputs, with many ties and a wide range. */
  const gsize sizes[] = { 50000, 400000 };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      gsize n = sizes[s];
      g_autofree float *v = g_new (float, n);

      for (gsize i = 0; i < n; i++)
        {
          double u = g_rand_double (rand);

          v[i] = u < 0.3 ? 0 : u < 0.4 ? 12.5f : (float) exp (g_rand_double_range (rand, -20, 30));
        }
      check_percentile_against_sort (v, n);

      /* A layout the strided sample misreads: the large values sit only
       * where the sample never looks (it falls back, still exact). */
      for (gsize i = 0; i < n; i++)
        v[i] = i % 48 == 0 ? 1.0f : i % 48 == 1 ? (float) (2 + i % 1000) : 0.0f;
      check_percentile_against_sort (v, n);
    }
}

static void
test_smooth_keeps_total (void)
{
  guint C = 3, R = 400;
  g_autofree float *cells = g_new0 (float, C * R);
  double before[3] = { 0 }, after[3] = { 0 };

  /* Rows over [1000, 1400): δ = 1, σ = 0.1 % of ~1200 = 1.2 rows, kernel
   * radius 3. Mass far from the edges keeps its total; the edge column
   * loses what spills below row 0. */
  cells[200 * C + 0] = 1000;
  cells[150 * C + 0] = 10;
  cells[201 * C + 1] = 7;
  cells[0 * C + 2] = 100;

  for (guint r = 0; r < R; r++)
    for (guint c = 0; c < C; c++)
      before[c] += cells[r * C + c];
  lode_heatmap_smooth_rows (cells, C, R, 1000, 1400);
  for (guint r = 0; r < R; r++)
    for (guint c = 0; c < C; c++)
      after[c] += cells[r * C + c];

  g_assert_cmpfloat (fabs (after[0] - before[0]), <, 1e-4 * before[0]);
  g_assert_cmpfloat (fabs (after[1] - before[1]), <, 1e-4 * before[1]);
  g_assert_cmpfloat (after[2], <, 0.8 * before[2]);
  /* Spread out: the peak is lower and its neighbours got some. */
  g_assert_cmpfloat (cells[200 * C + 0], <, 1000);
  g_assert_cmpfloat (cells[199 * C + 0], >, 0);
  g_assert_cmpfloat (cells[203 * C + 0], >, 0);
  g_assert_cmpfloat (cells[204 * C + 0], ==, 0);  /* beyond 3σ → 3 rows */
  /* Symmetric around the source row. */
  g_assert_cmpfloat (fabs (cells[199 * C + 0] - cells[201 * C + 0]), <, 1e-3);
}

/* §6 by the definition, gathered in double. */
static double *
naive_smooth (const float *cells,
              guint        columns,
              guint        rows,
              double       price_min,
              double       price_max)
{
  double delta = (price_max - price_min) / rows;
  double *out = g_new0 (double, (gsize) columns * rows);

  for (guint r = 0; r < rows; r++)
    {
      double centre = price_min + (r + 0.5) * delta;
      double sigma = MAX (1.0, 0.001 * centre / delta);
      gint radius = (gint) floor (3 * sigma);
      double norm = 0;

      for (gint o = -radius; o <= radius; o++)
        norm += exp (-(double) o * o / (2 * sigma * sigma));
      for (gint o = -radius; o <= radius; o++)
        {
          gint t = (gint) r + o;
          double w = exp (-(double) o * o / (2 * sigma * sigma)) / norm;

          if (t < 0 || t >= (gint) rows)
            continue;
          for (guint c = 0; c < columns; c++)
            out[(gsize) t * columns + c] += w * cells[(gsize) r * columns + c];
        }
    }

  return out;
}

static void
test_smooth_wide (void)
{
  /* A zoomed-in view: [1000, 1010) in 600 rows, δ = 1/60, σ = 0.1 % of
   * ~1005 = 1.005 USD = 60 rows (3σ = 180 rows). Wide kernels take the
   * sampled path (every ⌊σ/3⌋-th row, interpolated): within 1.5 % of the
   * largest cell of the column of the exact result — the worst is at the
   * 3σ cut-off, a step of e^−4.5 = 1.1 % of a spike's peak that the
   * interpolation smears over a few rows — and the total kept for mass
   * far from the edges. */
  guint C = 4, R = 600;
  g_autofree float *cells = g_new0 (float, C * R);
  g_autofree double *want = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (17);
  double before = 0, after = 0;

  cells[300 * C + 0] = 1000;                 /* a spike */
  for (guint r = 250; r < 350; r++)           /* a noisy band */
    cells[r * C + 1] = (float) g_rand_double_range (rand, 0, 50);
  cells[290 * C + 2] = 500;                  /* two nearby spikes */
  cells[330 * C + 2] = 800;
  cells[5 * C + 3] = 100;                    /* at the edge */

  want = naive_smooth (cells, C, R, 1000, 1010);
  for (guint r = 0; r < R; r++)
    before += cells[r * C + 1];
  lode_heatmap_smooth_rows (cells, C, R, 1000, 1010);
  for (guint r = 0; r < R; r++)
    after += cells[r * C + 1];

  for (guint c = 0; c < C; c++)
    {
      double col_max = 0;

      for (guint r = 0; r < R; r++)
        col_max = MAX (col_max, want[r * C + c]);
      for (guint r = 0; r < R; r++)
        if (fabs (cells[r * C + c] - want[r * C + c]) > 1.5e-2 * col_max)
          g_error ("row %u column %u: %g, exact %g (max %g)", r, c, cells[r * C + c], want[r * C + c], col_max);
    }
  g_assert_cmpfloat (fabs (after - before), <, 2e-3 * before);
}

/* The naive §5 grid: run §4 candle by candle, and at each column's b_c
 * bucket the live levels straight from the definition. */
static float *
naive_grid (const LodeCandle      *c,
            gsize                  n,
            const LodeModelParams *p,
            const LodeHeatmapView *v)
{
  float *cells = g_new0 (float, (gsize) v->columns * v->rows);
  g_autofree double *acc = g_new0 (double, (gsize) v->columns * v->rows);
  double delta = (v->price_max - v->price_min) / v->rows;
  NaiveSim sim;
  gsize i = 0;

  naive_init (&sim, n);
  for (guint col = 0; col < v->columns; col++)
    {
      gssize b = (gssize) v->first_candle + (gssize) (((guint64) col + 1) * v->n_candles / v->columns) - 1;

      if (b < 0 || b >= (gssize) n)
        continue;
      while (i < (gsize) b)
        naive_step (&sim, c, ++i, p);

      for (guint k = 0; k < sim.live->len; k++)
        {
          const NaiveLevel *l = &g_array_index (sim.live, NaiveLevel, k);
          guint r;

          if ((v->mode == LODE_RENDER_MODE_LONG && l->side != LODE_SIDE_LONG)
              || (v->mode == LODE_RENDER_MODE_SHORT && l->side != LODE_SIDE_SHORT))
            continue;
          if (!(l->price >= v->price_min && l->price < v->price_max))
            continue;
          /* §5: row r is [min + r·δ, min + (r + 1)·δ), the top one ending
           * at price_max; found by walking the boundaries. */
          for (r = 0; r + 1 < v->rows && l->price >= v->price_min + (r + 1) * delta; r++)
            ;
          acc[(gsize) r * v->columns + col] += l->amount;
        }
    }
  naive_clear (&sim);

  for (gsize k = 0; k < (gsize) v->columns * v->rows; k++)
    cells[k] = (float) acc[k];

  /* §6 smoothed: σ = 0.1 % of the source row's centre price in rows, ≥ 1,
   * truncated at 3σ, normalised over the whole kernel; gathered here. */
  if (v->mode == LODE_RENDER_MODE_SMOOTHED)
    {
      g_autofree double *out = g_new0 (double, (gsize) v->columns * v->rows);

      for (guint r = 0; r < v->rows; r++)
        {
          double centre = v->price_min + (r + 0.5) * delta;
          double sigma = MAX (1.0, 0.001 * centre / delta);
          gint radius = (gint) floor (3 * sigma);
          double norm = 0;

          for (gint o = -radius; o <= radius; o++)
            norm += exp (-(double) o * o / (2 * sigma * sigma));
          for (gint o = -radius; o <= radius; o++)
            {
              gint t = (gint) r + o;
              double w = exp (-(double) o * o / (2 * sigma * sigma)) / norm;

              if (t < 0 || t >= (gint) v->rows)
                continue;
              for (guint col = 0; col < v->columns; col++)
                out[(gsize) t * v->columns + col] += w * cells[(gsize) r * v->columns + col];
            }
        }
      for (gsize k = 0; k < (gsize) v->columns * v->rows; k++)
        cells[k] = (float) out[k];
    }

  return cells;
}

/* Cells are floats: each must match to float precision, relative to the
 * cell or, for cells near zero, to the largest cell of its column (the
 * difference arrays leave rounding of the order of a column's past sums). */
static void
assert_grids_equal (const LodeHeatmap *h,
                    const float       *want,
                    guint              columns,
                    guint              rows)
{
  for (guint c = 0; c < columns; c++)
    {
      float col_max = 0;

      for (guint r = 0; r < rows; r++)
        col_max = MAX (col_max, want[(gsize) r * columns + c]);

      for (guint r = 0; r < rows; r++)
        {
          double a = lode_heatmap_get (h, c, r);
          double b = want[(gsize) r * columns + c];

          if (fabs (a - b) > 2e-6 * fabs (b) + 1e-6 * col_max)
            g_error ("cell (%u, %u): %.9g, naive %.9g (column max %g)", c, r, a, b, col_max);
          /* Exact zeros stay zero (the live-level counts). */
          if (b == 0 && a != 0)
            g_error ("cell (%u, %u): %.9g where naive is 0", c, r, a);
        }
    }
}

static void
check_grid (const LodeCandle      *c,
            gsize                  n,
            const LodeModelParams *p,
            LodeLiqModel          *model,
            LodeHeatmapView        v)
{
  for (LodeRenderMode mode = LODE_RENDER_MODE_RAW; mode <= LODE_RENDER_MODE_SHORT; mode++)
    {
      g_autoptr(LodeHeatmap) h = NULL;
      g_autofree float *want = NULL;

      v.mode = mode;
      h = lode_heatmap_compute (model, &v);
      want = naive_grid (c, n, p, &v);
      assert_grids_equal (h, want, v.columns, v.rows);
      g_assert_cmpfloat (fabs (h->reference - lode_heatmap_percentile (want, (gsize) v.columns * v.rows, 0.99)),
                         <=, 1e-5 * h->reference);
    }
}

static void
test_matches_naive (void)
{
  for (guint32 seed = 1; seed <= 3; seed++)
    {
      gsize n = 2500;
      g_autofree LodeCandle *c = naive_random_candles (seed, n, 5);
      LodeModelParams p;
      g_autoptr(LodeLiqModel) model = NULL;
      double lo = G_MAXDOUBLE, hi = 0;

      lode_model_params_init_default (&p);
      if (seed == 2)
        p.lookback = 300;
      model = build (c, n, MINUTE, &p);
      for (gsize i = 0; i < n; i++)
        {
          lo = MIN (lo, c[i].low);
          hi = MAX (hi, c[i].high);
        }

      /* The whole series; a zoom into the middle with fewer candles than
       * columns; and a view starting before the first candle's levels. */
      check_grid (c, n, &p, model, (LodeHeatmapView) { 0, n, 97, lo, hi, 61, 0 });
      check_grid (c, n, &p, model, (LodeHeatmapView) { 1000, 40, 64, lo * 1.05, hi * 0.95, 50, 0 });
      check_grid (c, n, &p, model, (LodeHeatmapView) { 0, n / 3, 150, lo * 0.8, hi * 1.2, 200, 0 });
    }
}

/* OI alternating ×1.5 and ×0.5, restarting at 1e6 every 1000 candles (a
 * jump up) to stay representable: the running log decay falls by log 2
 * every two candles. */
static void
set_decaying_oi (LodeCandle *c,
                 gsize       n)
{
  double oi = 1e6;

  for (gsize i = 0; i < n; i++)
    {
      if (i % 1000 == 0)
        oi = 1e6;
      else
        oi = i % 2 == 1 ? oi * 1.5 : oi * 0.5;
      c[i].oi_usd = oi;
    }
}

static void
test_large_decay (void)
{
  /* 20 000 candles whose OI alternates ×1.5 and ×0.5: each pair opens
   * levels and then closes everything by half, so the running log decay
   * falls by log 2 every two candles, to about −6900 — exp of minus that
   * overflows a double a dozen times over. Recent levels must still come
   * out exactly (the rebasing blocks), old ones as 0, and nothing inf/NaN. */
  gsize n = 20000;
  g_autofree LodeCandle *c = naive_random_candles (9, n, 0);
  LodeModelParams p;
  g_autoptr(LodeLiqModel) model = NULL;
  double lo = G_MAXDOUBLE, hi = 0;

  set_decaying_oi (c, n);
  for (gsize i = 0; i < n; i++)
    {
      lo = MIN (lo, c[i].low);
      hi = MAX (hi, c[i].high);
    }

  lode_model_params_init_default (&p);
  model = build (c, n, MINUTE, &p);
  g_assert_cmpfloat (lode_liq_model_get_log_decay (model)[n - 1], <, -5000);

  for (guint pass = 0; pass < 2; pass++)
    {
      LodeHeatmapView v = { 0, n, 200, lo, hi, 80, pass == 0 ? LODE_RENDER_MODE_RAW : LODE_RENDER_MODE_SHORT };
      g_autoptr(LodeHeatmap) h = lode_heatmap_compute (model, &v);
      g_autofree float *want = naive_grid (c, n, &p, &v);

      for (gsize k = 0; k < (gsize) v.columns * v.rows; k++)
        g_assert_true (isfinite (h->cells[k]));
      assert_grids_equal (h, want, v.columns, v.rows);
      g_assert_cmpfloat (h->max, >, 0);
    }
}

/* @h is @want, bit for bit: its size, cells, reference and largest cell. */
static void
assert_same_bits (const LodeHeatmap *h,
                  const LodeHeatmap *want)
{
  g_assert_cmpuint (h->columns, ==, want->columns);
  g_assert_cmpuint (h->rows, ==, want->rows);
  g_assert_cmpmem (h->cells, (gsize) h->columns * h->rows * sizeof (float),
                   want->cells, (gsize) want->columns * want->rows * sizeof (float));
  g_assert_true (memcmp (&h->reference, &want->reference, sizeof (double)) == 0);
  g_assert_true (memcmp (&h->max, &want->max, sizeof (double)) == 0);
}

/* lode_heatmap_compute_threaded(): the same bits as lode_heatmap_compute()
 * with any number of threads, in every mode. */
static void
assert_threaded_same_bits (LodeLiqModel    *model,
                           LodeHeatmapView  v)
{
  for (LodeRenderMode mode = LODE_RENDER_MODE_RAW; mode <= LODE_RENDER_MODE_SHORT; mode++)
    {
      g_autoptr(LodeHeatmap) one = NULL;

      v.mode = mode;
      one = lode_heatmap_compute (model, &v);
      for (guint n_threads = 0; n_threads <= 3; n_threads++)
        {
          g_autoptr(LodeHeatmap) h = lode_heatmap_compute_threaded (model, &v, n_threads);

          assert_same_bits (h, one);
        }
    }
}

/* Every path beyond the SSE2 baseline that this processor has (AVX2,
 * AVX-512): the same bits as the baseline, in every mode. */
static void
assert_simd_same_bits (LodeLiqModel    *model,
                       LodeHeatmapView  v)
{
  LodeHeatmapSimd best = lode_heatmap_limit_simd (LODE_HEATMAP_SIMD_AVX512);

  for (LodeRenderMode mode = LODE_RENDER_MODE_RAW; mode <= LODE_RENDER_MODE_SHORT; mode++)
    {
      g_autoptr(LodeHeatmap) baseline = NULL;

      v.mode = mode;
      lode_heatmap_limit_simd (LODE_HEATMAP_SIMD_BASELINE);
      baseline = lode_heatmap_compute (model, &v);
      for (LodeHeatmapSimd simd = LODE_HEATMAP_SIMD_AVX2; simd <= best; simd++)
        {
          g_autoptr(LodeHeatmap) h = NULL;

          g_assert_cmpint (lode_heatmap_limit_simd (simd), ==, simd);
          h = lode_heatmap_compute (model, &v);
          assert_same_bits (h, baseline);
        }
    }
  lode_heatmap_limit_simd (LODE_HEATMAP_SIMD_AVX512);
}

/* @check on a set of views of three markets: a long random series (with
 * and without a lookback), and the large decay market of
 * test_large_decay(), whose decay run restarts. */
static void
check_views (void (*check) (LodeLiqModel *model, LodeHeatmapView v))
{
  for (guint market = 0; market < 3; market++)
    {
      gsize n = 20000;
      g_autofree LodeCandle *c = naive_random_candles (41 + market, n, market == 2 ? 0 : 5);
      LodeModelParams p;
      g_autoptr(LodeLiqModel) model = NULL;
      double lo = G_MAXDOUBLE, hi = 0;

      lode_model_params_init_default (&p);
      if (market == 1)
        p.lookback = 300;
      if (market == 2)
        set_decaying_oi (c, n);
      for (gsize i = 0; i < n; i++)
        {
          lo = MIN (lo, c[i].low);
          hi = MAX (hi, c[i].high);
        }
      model = build (c, n, MINUTE, &p);
      if (market == 2)
        g_assert_cmpfloat (lode_liq_model_get_log_decay (model)[n - 1], <, -5000);

      /* The whole series, year-like (many candles a column); the same
       * with odd columns; a view starting mid-data; one running past the
       * last candle; one starting before the first (empty columns); more
       * columns than candles; and fewer columns than two tiles. */
      check (model, (LodeHeatmapView) { 0, n, 1920, lo, hi, 300, 0 });
      check (model, (LodeHeatmapView) { 0, n, 777, lo * 0.9, hi * 1.1, 97, 0 });
      check (model, (LodeHeatmapView) { n / 3, n / 2, 500, lo, hi, 200, 0 });
      check (model, (LodeHeatmapView) { n / 2, n, 400, lo, hi, 150, 0 });
      check (model, (LodeHeatmapView) { 0, n / 4, 300, lo, hi, 120, 0 });
      check (model, (LodeHeatmapView) { 7000, 150, 640, lo * 1.02, hi * 0.98, 400, 0 });
      check (model, (LodeHeatmapView) { 5000, 3000, 100, lo, hi, 80, 0 });
    }
}

static void
test_threaded_same_bits (void)
{
  check_views (assert_threaded_same_bits);
}

static void
test_simd_same_bits (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (9);
  LodeHeatmapSimd best = lode_heatmap_limit_simd (LODE_HEATMAP_SIMD_AVX512);

  g_test_message ("vector paths beyond SSE2 on this processor: %s",
                  best == LODE_HEATMAP_SIMD_AVX512 ? "AVX2, AVX-512"
                  : best == LODE_HEATMAP_SIMD_AVX2 ? "AVX2" : "none");
  check_views (assert_simd_same_bits);

  /* The smoothing of single rows, at widths that leave the vector loops a
   * remainder, and the percentile's pass over a large grid. */
  for (guint columns = 1; columns <= 150; columns += 7)
    {
      guint R = 400;
      g_autofree float *cells = g_new (float, (gsize) columns * R);
      g_autofree float *want = NULL;

      for (gsize i = 0; i < (gsize) columns * R; i++)
        cells[i] = g_rand_double (rand) < 0.7 ? 0.0f : (float) g_rand_double_range (rand, 0, 1e6);
      want = g_memdup2 (cells, (gsize) columns * R * sizeof (float));
      lode_heatmap_limit_simd (LODE_HEATMAP_SIMD_BASELINE);
      lode_heatmap_smooth_rows (want, columns, R, 990, 1010);
      for (LodeHeatmapSimd simd = LODE_HEATMAP_SIMD_AVX2; simd <= best; simd++)
        {
          g_autofree float *got = g_memdup2 (cells, (gsize) columns * R * sizeof (float));

          lode_heatmap_limit_simd (simd);
          lode_heatmap_smooth_rows (got, columns, R, 990, 1010);
          g_assert_cmpmem (got, (gsize) columns * R * sizeof (float),
                           want, (gsize) columns * R * sizeof (float));
        }
    }
  {
    gsize n = 1000003;  /* a remainder for every vector width */
    g_autofree float *v = g_new (float, n);
    double want;

    for (gsize i = 0; i < n; i++)
      v[i] = g_rand_double (rand) < 0.4 ? 0.0f : (float) exp (g_rand_double_range (rand, -5, 20));
    lode_heatmap_limit_simd (LODE_HEATMAP_SIMD_BASELINE);
    want = lode_heatmap_percentile (v, n, 0.99);
    for (LodeHeatmapSimd simd = LODE_HEATMAP_SIMD_AVX2; simd <= best; simd++)
      {
        lode_heatmap_limit_simd (simd);
        g_assert_cmpfloat (lode_heatmap_percentile (v, n, 0.99), ==, want);
      }
  }
  lode_heatmap_limit_simd (LODE_HEATMAP_SIMD_AVX512);
}

static void
test_merged (void)
{
  gsize n = 1500;
  g_autofree LodeCandle *a = naive_random_candles (31, n, 0);
  g_autofree LodeCandle *b = naive_random_candles (32, n, 0);
  g_autofree LodeCandle *b5 = g_new (LodeCandle, n / 5);
  LodeModelParams p;
  g_autoptr(LodeLiqModel) ma = NULL;
  g_autoptr(LodeLiqModel) mb = NULL;
  g_autoptr(LodeLiqModel) mb5 = NULL;
  LodeHeatmapView v = { 0, n, 50, 60, 160, 40, LODE_RENDER_MODE_RAW };

  lode_model_params_init_default (&p);
  ma = build (a, n, MINUTE, &p);
  mb = build (b, n, MINUTE, &p);

  /* Same candle times: the merged grid is the sum of the two grids. */
  {
    LodeLiqModel *models[2] = { ma, mb };
    g_autoptr(LodeHeatmap) h = lode_heatmap_compute_merged (models, 2, &v);
    g_autoptr(LodeHeatmap) ha = lode_heatmap_compute (ma, &v);
    g_autoptr(LodeHeatmap) hb = lode_heatmap_compute (mb, &v);

    for (gsize k = 0; k < (gsize) v.columns * v.rows; k++)
      g_assert_cmpfloat (fabs (h->cells[k] - (ha->cells[k] + hb->cells[k])), <=, 1e-6 * (ha->cells[k] + hb->cells[k]) + 1e-3);
  }

  /* A second venue on 5-minute candles: column c shows its last snapshot
   * closed by the end of the primary's candle b_c. With 50 columns over
   * 1500 one-minute candles, b_c = 30c + 29 closes at t_0 + 30(c + 1) min:
   * the 5-minute candle 6(c + 1) − 1. */
  for (gsize i = 0; i < n / 5; i++)
    {
      b5[i] = b[i * 5];
      b5[i].time_ms = a[0].time_ms + (gint64) i * 5 * MINUTE;
    }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(LodeMarket) m5 = lode_market_new (b5, n / 5, 5 * MINUTE, &error);
    LodeLiqModel *models[2];
    g_autoptr(LodeHeatmap) h = NULL;
    g_autoptr(LodeHeatmap) ha = NULL;

    g_assert_no_error (error);
    mb5 = lode_liq_model_build (m5, &p, NULL, &error);
    g_assert_no_error (error);
    models[0] = ma;
    models[1] = mb5;
    h = lode_heatmap_compute_merged (models, 2, &v);
    ha = lode_heatmap_compute (ma, &v);

    for (guint c = 0; c < v.columns; c++)
      {
        g_autoptr(LodeLevelSet) s = lode_liq_model_snapshot (mb5, 6 * (c + 1) - 1);
        gsize nl;
        const LodeLevel *l = lode_level_set_get_levels (s, &nl);
        g_autofree double *col = g_new0 (double, v.rows);

        for (gsize k = 0; k < nl; k++)
          {
            gint r = lode_heatmap_view_get_row (&v, l[k].price);

            if (r >= 0)
              col[r] += l[k].amount_usd;
          }
        for (guint r = 0; r < v.rows; r++)
          {
            double want = lode_heatmap_get (ha, c, r) + col[r];

            g_assert_cmpfloat (fabs (lode_heatmap_get (h, c, r) - want), <=, 1e-6 * want + 1e-3);
          }
      }
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/model/heatmap/column-candle", test_column_candle);
  g_test_add_func ("/model/heatmap/row-edges", test_row_edges);
  g_test_add_func ("/model/heatmap/hand-cells", test_hand_cells);
  g_test_add_func ("/model/heatmap/columns-coarser-than-candles", test_columns_coarser_than_candles);
  g_test_add_func ("/model/heatmap/percentile", test_percentile);
  g_test_add_func ("/model/heatmap/percentile-matches-sort", test_percentile_matches_sort);
  g_test_add_func ("/model/heatmap/smooth-keeps-total", test_smooth_keeps_total);
  g_test_add_func ("/model/heatmap/smooth-wide", test_smooth_wide);
  g_test_add_func ("/model/heatmap/matches-naive", test_matches_naive);
  g_test_add_func ("/model/heatmap/large-decay", test_large_decay);
  g_test_add_func ("/model/heatmap/threaded-same-bits", test_threaded_same_bits);
  g_test_add_func ("/model/heatmap/simd-same-bits", test_simd_same_bits);
  g_test_add_func ("/model/heatmap/merged", test_merged);

  return g_test_run ();
}
