/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <string.h>

#include "lode-heatmap.h"
#include "lode-liq-model-private.h"

/* Largest log-decay span inside one rebasing block of columns. Inside a
 * block every term is stored relative to the block's most decayed candle,
 * so a stored weight is ≥ e^−BLOCK_LOG_SPAN of its true value (far from
 * double underflow) and a column factor is ≤ e^BLOCK_LOG_SPAN (far from
 * overflow), however long the series and however deep its total decay. */
#define BLOCK_LOG_SPAN 64.0

/* The difference arrays of views up to about 4 megapixels stay with the
 * model between calls (a 1920 × 1080 view needs 25 MB); larger ones, such
 * as a poster-sized export, are freed at once. */
#define SCRATCH_KEEP_MAX ((gsize) 64 << 20)

/* Columns per tile of the final sweep: 16 floats, one cache line. */
#define TILE 16

gssize
lode_heatmap_view_get_candle (const LodeHeatmapView *view,
                              guint                  column)
{
  guint64 k;

  g_return_val_if_fail (view != NULL, -1);
  g_return_val_if_fail (view->columns > 0, -1);

  /* §5 b_c = first + floor ((c + 1) · N / C) − 1, exactly, in integers. */
  k = ((guint64) column + 1) * view->n_candles / view->columns;
  if ((guint64) view->first_candle + k == 0)
    return -1;

  return (gssize) (view->first_candle + k - 1);
}

/* §5 row r covers [price_min + r·δ, price_min + (r + 1)·δ): the boundary
 * b_r = price_min + r·δ as computed in double, b_R = price_max. A guess
 * from 1/δ is off by at most one row and is corrected against the two
 * boundaries around it: no division, and a price exactly on a boundary
 * always lands in the row above it. */
static inline double
row_boundary (double price_min,
              double price_max,
              double delta,
              guint  rows,
              gint64 r)
{
  return r >= rows ? price_max : price_min + r * delta;
}

static inline gint
row_of_price (double price,
              double price_min,
              double price_max,
              double delta,
              double inv_delta,
              guint  rows)
{
  gint64 r;

  if (!(price >= price_min && price < price_max))
    return -1;

  r = (gint64) ((price - price_min) * inv_delta);
  r = CLAMP (r, 0, (gint64) rows - 1);
  if (price < row_boundary (price_min, price_max, delta, rows, r))
    r--;
  else if (price >= row_boundary (price_min, price_max, delta, rows, r + 1))
    r++;

  return (gint) CLAMP (r, 0, (gint64) rows - 1);
}

gint
lode_heatmap_view_get_row (const LodeHeatmapView *view,
                           double                 price)
{
  g_return_val_if_fail (view != NULL, -1);

  if (view->rows == 0 || !(view->price_max > view->price_min))
    return -1;

  return row_of_price (price, view->price_min, view->price_max,
                       (view->price_max - view->price_min) / view->rows,
                       view->rows / (view->price_max - view->price_min), view->rows);
}

/* First column in [c_lo, c_hi) whose b_c ≥ x (c_hi if none), x ≤ b_max.
 * For a single model b_c is the view's formula and this is arithmetic
 * (b_c ≥ x ⟺ (c + 1) · N ≥ y · C with y = x − first + 1); a table would be
 * a cache miss per level. Merged views use the table. */
typedef struct
{
  const guint32 *table;
  guint64        first;
  guint64        n_candles;
  guint64        columns;
  double         ratio;      /* C / N */
  guint          c_lo;
  guint          c_hi;
} ColumnMap;

static inline guint
column_of (const ColumnMap *m,
           gsize            x)
{
  gint64 y, yc, c;

  if (m->table != NULL)
    return m->table[x];

  if (x + 1 <= m->first)
    return m->c_lo;
  y = (gint64) (x + 1 - m->first);
  yc = y * (gint64) m->columns;

  /* ⌈y·C/N⌉ − 1 without a 64-bit division (a dozen cycles of latency per
   * level): a floating-point guess (signed, which converts in one
   * instruction), then made exact with a product or two. */
  c = (gint64) (y * m->ratio);
  while (c > 0 && c * (gint64) m->n_candles >= yc)
    c--;
  while (c * (gint64) m->n_candles < yc)
    c++;
  c = c > 0 ? c - 1 : 0;

  return (guint) CLAMP (c, (gint64) m->c_lo, (gint64) m->c_hi);
}

/* Adds @model's §5 grid for the columns whose snapshots are @bcol (one per
 * column, ascending; < 0 or ≥ n = empty) into @out, keeping only the sides
 * @mode shows.
 *
 * §10: one difference array per row over the columns. A level created at j
 * and live until end covers the columns c with j ≤ b_c < end; in S_{b_c}
 * its amount is a · exp (L[b_c] − L[j]) with L the running log decay, so it
 * adds a · exp (G − L[j]) at its first column and removes it after its last,
 * and after the prefix sum each column is multiplied by exp (L[b_c] − G).
 * G is not one number for the whole view: L can fall by thousands over a
 * year of data and exp (−L[j]) would overflow. The columns are cut into
 * blocks whose decay spans at most BLOCK_LOG_SPAN; G_β is the block's most
 * decayed candle, a running sum is carried into the next block by the factor
 * exp (G_{β+1} − G_β) ≤ 1, and a level's removal is expressed in the base of
 * the block it ends in. Every exp() then has an argument in
 * [−BLOCK_LOG_SPAN, BLOCK_LOG_SPAN] or below (pure decay, where underflow to
 * 0 is the right answer).
 *
 * Rounding in the removals leaves residues of ~1e−16 of a row's past sums
 * where the exact result is 0, so a second, integer difference array counts
 * the live levels per cell and a cell with none is exactly 0. */
static void
accumulate_model (const LodeLiqModel    *model,
                  const gssize          *bcol,
                  gboolean               regular,
                  const LodeHeatmapView *view,
                  float                 *out)
{
  const guint C = view->columns;
  const guint R = view->rows;
  const double delta = (view->price_max - view->price_min) / R;
  const double inv_delta = 1.0 / delta;
  const double *L = lode_liq_model_get_log_decay (model);
  gsize n = lode_market_get_n_candles (lode_liq_model_get_market (model));
  const LodeModelLevel *levels;
  gsize n_levels;
  guint c_lo = 0, c_hi = C;
  gsize b_max;
  g_autofree guint32 *col_first = NULL;
  ColumnMap map = { NULL, };
  g_autofree guint *block_of = NULL;
  g_autofree double *block_base = NULL;
  g_autofree gsize *block_cand = NULL;   /* the candle of each block's base */
  g_autofree gsize *block_chunk = NULL;  /* its chunk of the decay run */
  const gsize *chunks;
  gsize n_chunks;
  gsize next_chunk = 0;
  const double *run = lode_liq_model_get_decay_run (model, &chunks, &n_chunks);
  g_autofree double *col_factor = NULL;
  g_autofree double *carry = NULL;
  LodeModelScratch *scratch;
  gsize need;
  double *vdiff;
  gint32 *cdiff;
  g_autofree double *sum = NULL;
  g_autofree gint32 *live = NULL;
  g_autofree float *tile = NULL;
  guint n_blocks = 0;
  gsize cur_j = G_MAXSIZE;
  gsize cs_j = G_MAXSIZE;
  guint cs_cached = 0;
  double cur_w = 0;
  gboolean want[2];

  want[LODE_SIDE_LONG] = view->mode != LODE_RENDER_MODE_SHORT;
  want[LODE_SIDE_SHORT] = view->mode != LODE_RENDER_MODE_LONG;

  while (c_lo < C && bcol[c_lo] < 0)
    c_lo++;
  while (c_hi > c_lo && bcol[c_hi - 1] >= (gssize) n)
    c_hi--;
  if (c_lo >= c_hi)
    return;
  b_max = (gsize) bcol[c_hi - 1];

  map.c_lo = c_lo;
  map.c_hi = c_hi;
  map.first = view->first_candle;
  map.n_candles = view->n_candles;
  map.columns = C;
  map.ratio = view->n_candles > 0 ? (double) C / view->n_candles : 0;
  if (!regular)
    {
      guint c = c_lo;

      col_first = g_new (guint32, b_max + 2);
      for (gsize x = 0; x <= b_max + 1; x++)
        {
          while (c < c_hi && (gsize) bcol[c] < x)
            c++;
          col_first[x] = c;
        }
      map.table = col_first;
    }

  /* Rebasing blocks: greedy, each as long as its decay span allows. */
  block_of = g_new (guint, C + 1);
  block_base = g_new (double, C + 1);
  block_cand = g_new (gsize, C + 1);
  block_chunk = g_new (gsize, C + 1);
  col_factor = g_new (double, C);
  carry = g_new (double, C + 1);
  {
    guint start = c_lo;

    while (start < c_hi)
      {
        double top = L[bcol[start]];
        guint end = start + 1;

        while (end < c_hi && top - L[bcol[end]] <= BLOCK_LOG_SPAN)
          end++;
        block_base[n_blocks] = L[bcol[end - 1]];
        block_cand[n_blocks] = (gsize) bcol[end - 1];
        block_chunk[n_blocks] = 0;
        while (block_chunk[n_blocks] < n_chunks && chunks[block_chunk[n_blocks]] <= block_cand[n_blocks])
          block_chunk[n_blocks]++;
        for (guint c = start; c < end; c++)
          {
            block_of[c] = n_blocks;
            col_factor[c] = exp (L[bcol[c]] - block_base[n_blocks]);
          }
        n_blocks++;
        start = end;
      }
    block_of[c_hi] = n_blocks - 1;
    for (guint b = 0; b + 1 < n_blocks; b++)
      carry[b] = exp (block_base[b + 1] - block_base[b]);
  }

  /* Column-major: the adds of consecutive levels fall in one or two
   * neighbouring columns, a few pages, not one page per row. The arrays
   * live in the model's scratch (all zero between calls: the sweep below
   * clears what it reads). */
  need = (gsize) (C + 1) * R * (sizeof (double) + sizeof (gint32));
  scratch = lode_liq_model_take_scratch (model);
  if (scratch == NULL || scratch->size < need)
    {
      g_clear_pointer (&scratch, lode_model_scratch_free);
      scratch = g_new0 (LodeModelScratch, 1);
      scratch->data = g_malloc0 (need);
      scratch->size = need;
    }
  vdiff = scratch->data;
  cdiff = (gint32 *) (vdiff + (gsize) (C + 1) * R);

  levels = lode_liq_model_get_levels (model, &n_levels);
  for (gsize k = 0; k < n_levels; k++)
    {
      const LodeModelLevel *l = &levels[k];
      guint cs, ce;
      gint r;
      double w;

      /* Levels are in creation order: nothing later can be visible. */
      if (l->created > b_max)
        break;
      if (!want[l->side])
        continue;

      if (l->created != cs_j)
        {
          cs_j = l->created;
          cs_cached = column_of (&map, cs_j);
        }
      cs = cs_cached;
      /* Gone before its first column's snapshot: never visible. */
      if (cs >= c_hi || l->end <= (gsize) bcol[cs])
        continue;
      ce = l->end > b_max ? c_hi : column_of (&map, l->end);
      if (cs >= ce)
        continue;

      r = row_of_price (l->price, view->price_min, view->price_max, delta, inv_delta, R);
      if (r < 0)
        continue;

      /* exp (G_bs − L[j]) once per creating candle, as a ratio of the
       * model's running products when no restart lies between. */
      if (l->created != cur_j)
        {
          guint bs = block_of[cs];

          cur_j = l->created;
          while (next_chunk < n_chunks && chunks[next_chunk] <= cur_j)
            next_chunk++;
          cur_w = block_chunk[bs] == next_chunk
                  ? run[block_cand[bs]] / run[cur_j]
                  : exp (block_base[bs] - L[cur_j]);
        }
      w = l->amount * cur_w;

      vdiff[(gsize) cs * R + r] += w;
      cdiff[(gsize) cs * R + r] += 1;
      if (ce < c_hi)
        {
          guint bs = block_of[cs], be = block_of[ce];

          /* In the base of the block it ends in: exp (G_be − G_bs) ≤ 1. */
          vdiff[(gsize) ce * R + r] -= bs == be ? w
                                       : block_chunk[bs] == block_chunk[be]
                                       ? w * (run[block_cand[be]] / run[block_cand[bs]])
                                       : w * exp (block_base[be] - block_base[bs]);
          cdiff[(gsize) ce * R + r] -= 1;
        }
    }

  /* The sweep runs down the columns with one running sum per row and
   * writes the grid (row-major) through a tile of TILE columns, so that
   * each row receives whole cache lines. Its loops are kept simple and
   * branch-free: they run over every cell. */
  sum = g_new0 (double, R);
  live = g_new0 (gint32, R);
  tile = g_new (float, (gsize) R * TILE);
  for (guint c0 = c_lo; c0 < c_hi; c0 += TILE)
    {
      guint width = MIN (TILE, c_hi - c0);

      for (guint t = 0; t < width; t++)
        {
          guint c = c0 + t;
          double *restrict vd = vdiff + (gsize) c * R;
          gint32 *restrict cd = cdiff + (gsize) c * R;
          float *restrict col = tile + (gsize) t * R;
          double *restrict s = sum;
          gint32 *restrict n_live = live;
          double factor = col_factor[c];

          if (c > c_lo && block_of[c] != block_of[c - 1])
            {
              double k = carry[block_of[c - 1]];

              for (guint r = 0; r < R; r++)
                s[r] *= k;
            }

          for (guint r = 0; r < R; r++)
            {
              n_live[r] += cd[r];
              s[r] = n_live[r] != 0 ? s[r] + vd[r] : 0;
              col[r] = s[r] > 0 ? (float) (s[r] * factor) : 0.0f;
            }
          memset (vd, 0, R * sizeof (double));
          memset (cd, 0, R * sizeof (gint32));
        }

      for (guint r = 0; r < R; r++)
        {
          float *restrict dst = out + (gsize) r * C + c0;

          for (guint t = 0; t < width; t++)
            dst[t] += tile[(gsize) t * R + r];
        }
    }

  /* Kept for the next view unless it is export-sized. */
  if (scratch->size <= SCRATCH_KEEP_MAX)
    lode_liq_model_return_scratch (model, scratch);
  else
    lode_model_scratch_free (scratch);
}

static LodeHeatmap *
heatmap_new (const LodeHeatmapView *view)
{
  LodeHeatmap *self = g_new0 (LodeHeatmap, 1);

  self->columns = view->columns;
  self->rows = view->rows;
  self->cells = g_new0 (float, MAX ((gsize) view->columns * view->rows, 1));

  return self;
}

static double percentile_and_max (const float *values,
                                  gsize        n,
                                  double       q,
                                  float       *max_out);

static void
finish (LodeHeatmap           *self,
        const LodeHeatmapView *view)
{
  float max;

  if (view->mode == LODE_RENDER_MODE_SMOOTHED)
    lode_heatmap_smooth_rows (self->cells, self->columns, self->rows,
                              view->price_min, view->price_max);

  self->reference = percentile_and_max (self->cells, (gsize) self->columns * self->rows, 0.99, &max);
  self->max = max;
}

static gboolean
view_is_valid (const LodeHeatmapView *view)
{
  return view->columns > 0 && view->rows > 0
         && isfinite (view->price_min) && isfinite (view->price_max)
         && view->price_max > view->price_min
         && view->mode <= LODE_RENDER_MODE_SHORT;
}

LodeHeatmap *
lode_heatmap_compute (const LodeLiqModel    *model,
                      const LodeHeatmapView *view)
{
  g_autoptr(LodeHeatmap) self = NULL;
  g_autofree gssize *bcol = NULL;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (view != NULL, NULL);
  g_return_val_if_fail (view_is_valid (view), NULL);

  self = heatmap_new (view);
  bcol = g_new (gssize, view->columns);
  for (guint c = 0; c < view->columns; c++)
    bcol[c] = lode_heatmap_view_get_candle (view, c);

  accumulate_model (model, bcol, TRUE, view, self->cells);
  finish (self, view);

  return g_steal_pointer (&self);
}

LodeHeatmap *
lode_heatmap_compute_merged (LodeLiqModel   *const *models,
                             guint                  n_models,
                             const LodeHeatmapView *view)
{
  g_autoptr(LodeHeatmap) self = NULL;
  g_autofree gssize *bcol = NULL;
  g_autofree gssize *bother = NULL;
  const LodeMarket *primary;
  gsize n0;

  g_return_val_if_fail (models != NULL && n_models > 0, NULL);
  g_return_val_if_fail (view != NULL, NULL);
  g_return_val_if_fail (view_is_valid (view), NULL);

  self = heatmap_new (view);
  bcol = g_new (gssize, view->columns);
  bother = g_new (gssize, view->columns);
  for (guint c = 0; c < view->columns; c++)
    bcol[c] = lode_heatmap_view_get_candle (view, c);

  primary = lode_liq_model_get_market (models[0]);
  n0 = lode_market_get_n_candles (primary);
  accumulate_model (models[0], bcol, TRUE, view, self->cells);

  /* §9: another venue shows its last snapshot closed by the close of the
   * primary's candle b_c (its own candles, OI and λ). */
  for (guint m = 1; m < n_models; m++)
    {
      const LodeMarket *market = lode_liq_model_get_market (models[m]);

      for (guint c = 0; c < view->columns; c++)
        {
          if (bcol[c] < 0)
            bother[c] = -1;
          else if ((gsize) bcol[c] >= n0)
            bother[c] = (gssize) lode_market_get_n_candles (market);
          else
            bother[c] = lode_market_find_closed_at (market,
                                                    lode_market_get_candle (primary, bcol[c])->time_ms
                                                    + lode_market_get_interval_ms (primary));
        }
      accumulate_model (models[m], bother, FALSE, view, self->cells);
    }

  finish (self, view);

  return g_steal_pointer (&self);
}

void
lode_heatmap_free (LodeHeatmap *self)
{
  if (self == NULL)
    return;

  g_free (self->cells);
  g_free (self);
}

/* §6 σ of source row @r: 0.1 % of the row's centre price, in rows, at
 * least 1. The kernel is truncated at radius ⌊3σ⌋ and normalised over the
 * whole truncated kernel, so the mass that lands outside the view is lost
 * and nothing else is. */
static double
row_sigma (double price_min,
           double delta,
           guint  r)
{
  double centre = price_min + (r + 0.5) * delta;

  return MAX (1.0, 0.001 * fabs (centre) / delta);
}

/* exp (−o² / 2σ²) for o = 0 … radius into @g, by the recurrence
 * g(o + 1) = g(o) · q(o), q(o + 1) = q(o) · e^(−1/σ²): two products a term
 * instead of an exp (rounding grows by ~1e−16 a term). Returns the sum over
 * −radius … radius. */
static double
half_kernel (double  sigma,
             guint   radius,
             double *g)
{
  double a = 1.0 / (2.0 * sigma * sigma);
  double q = exp (-a);
  double q2 = exp (-2.0 * a);
  double sum = 1.0;

  g[0] = 1.0;
  for (guint o = 1; o <= radius; o++)
    {
      g[o] = g[o - 1] * q;
      q *= q2;
      sum += 2.0 * g[o];
    }

  return sum;
}

/* dst[0 .. n) += w · src[0 .. n), eight lanes at a time: the build's -O2
 * only vectorises loops whose trip count needs no scalar remainder. */
typedef float LodeFloat8 __attribute__ ((vector_size (32)));

static inline void
add_scaled (float       *restrict dst,
            const float *restrict src,
            float                 w,
            guint                 n)
{
  guint c = 0;

  for (; c + 8 <= n; c += 8)
    {
      LodeFloat8 d, x;

      memcpy (&d, dst + c, sizeof d);
      memcpy (&x, src + c, sizeof x);
      d += w * x;
      memcpy (dst + c, &d, sizeof d);
    }
  for (; c < n; c++)
    dst[c] += w * src[c];
}

/* Exact, in place: destination rows in order, each gathered from the
 * source rows within the largest radius, with the source rows it has
 * already overwritten kept in a ring of max_radius + 1 rows.
 * O(R · 6σ · C), and no copy of the grid. */
static void
smooth_exact (float  *cells,
              guint   columns,
              guint   rows,
              double  price_min,
              double  delta)
{
  g_autofree guint *radius = g_new (guint, rows);
  g_autofree double **kernel = g_new0 (double *, rows);
  g_autofree gboolean *nonzero = g_new (gboolean, rows);
  g_autofree float *ring = NULL;
  g_autofree float *acc = g_new (float, columns);
  guint max_radius = 0;
  guint ring_rows;

  for (guint r = 0; r < rows; r++)
    {
      const float *in = cells + (gsize) r * columns;
      double sigma = row_sigma (price_min, delta, r);
      double sum;

      nonzero[r] = FALSE;
      for (guint c = 0; c < columns && !nonzero[r]; c++)
        nonzero[r] = in[c] != 0;

      radius[r] = (guint) floor (3.0 * sigma);
      max_radius = MAX (max_radius, radius[r]);
      if (!nonzero[r])
        continue;
      kernel[r] = g_new (double, radius[r] + 1);
      sum = half_kernel (sigma, radius[r], kernel[r]);
      for (guint o = 0; o <= radius[r]; o++)
        kernel[r][o] /= sum;
    }

  ring_rows = max_radius + 1;
  ring = g_new (float, (gsize) ring_rows * columns);

  for (guint t = 0; t < rows; t++)
    {
      guint lo = t > max_radius ? t - max_radius : 0;
      guint hi = MIN (rows - 1, t + max_radius);
      gboolean any = FALSE;

      memcpy (ring + (gsize) (t % ring_rows) * columns,
              cells + (gsize) t * columns, columns * sizeof (float));
      memset (acc, 0, columns * sizeof (float));

      for (guint r = lo; r <= hi; r++)
        {
          guint o = r > t ? r - t : t - r;
          const float *in;

          if (!nonzero[r] || o > radius[r])
            continue;
          in = r <= t ? ring + (gsize) (r % ring_rows) * columns
                      : cells + (gsize) r * columns;
          add_scaled (acc, in, (float) kernel[r][o], columns);
          any = TRUE;
        }

      if (any)
        memcpy (cells + (gsize) t * columns, acc, columns * sizeof (float));
      else
        memset (cells + (gsize) t * columns, 0, columns * sizeof (float));
    }

  for (guint r = 0; r < rows; r++)
    g_free (kernel[r]);
}

/* Past this σ (in rows, over the whole view) the smoothing is evaluated on
 * every h-th row only, h = ⌊σ_min / 3⌋, and interpolated (Catmull–Rom)
 * between: a Gaussian of σ ≥ 3h is smooth on that scale, and a zoomed-in
 * view (σ of hundreds of rows) drops from O(R · 6σ · C) to O(R · 18 · C).
 * Inside the kernels the interpolation is within ~1e−3 of the exact
 * result; the 3σ cut-off, a step of e^−4.5 = 1.1 % of a source's peak, is
 * smeared over h rows (error up to that step there; the tests hold the
 * whole to 1.5 % of a column's largest cell). Views where σ is smaller (a
 * year at 1080 rows: σ ≈ 1.3) take the exact path. */
#define SIGMA_SAMPLED 6.0

static void
smooth_sampled (float       *cells,
                const float *src,
                guint        columns,
                guint        rows,
                double       price_min,
                double       delta,
                guint        h)
{
  /* Samples at rows s·h for s = −1 … S + 2 (virtual rows outside the view
   * included, for the interpolation's four-point support). */
  guint S = (rows - 1 + h - 1) / h;
  guint n_samples = S + 4;
  g_autofree double *samples = g_new0 (double, (gsize) n_samples * columns);
  g_autofree double *g = NULL;
  gsize capacity = 0;

  for (guint r = 0; r < rows; r++)
    {
      const float *restrict in = src + (gsize) r * columns;
      gboolean any = FALSE;
      double sigma, sum;
      guint radius;
      gint64 s_lo, s_hi;

      for (guint c = 0; c < columns && !any; c++)
        any = in[c] != 0;
      if (!any)
        continue;

      sigma = row_sigma (price_min, delta, r);
      radius = (guint) floor (3.0 * sigma);
      if (radius + 1 > capacity)
        {
          capacity = radius + 1;
          g = g_renew (double, g, capacity);
        }
      sum = half_kernel (sigma, radius, g);

      /* The samples s·h within r ± radius, s in −1 … S + 1. */
      s_lo = MAX (-1, ((gint64) r - (gint64) radius + (gint64) h - 1 + 2 * (gint64) h) / (gint64) h - 2);
      s_hi = MIN ((gint64) S + 2, ((gint64) r + (gint64) radius + 2 * (gint64) h) / (gint64) h - 2);
      for (gint64 si = s_lo; si <= s_hi; si++)
        {
          gint64 o = si * (gint64) h - (gint64) r;
          double *restrict dst = samples + (gsize) (si + 1) * columns;
          double w;

          if (o < -(gint64) radius || o > (gint64) radius)
            continue;
          w = g[o < 0 ? -o : o] / sum;
          for (guint c = 0; c < columns; c++)
            dst[c] += w * in[c];
        }
    }

  for (guint t = 0; t < rows; t++)
    {
      guint si = t / h;                 /* sample at or below t */
      double u = (double) (t - si * h) / h;
      const double *p0 = samples + (gsize) si * columns;  /* sample si − 1 */
      const double *p1 = p0 + columns;
      const double *p2 = p1 + columns;
      const double *p3 = p2 + columns;
      float *restrict dst = cells + (gsize) t * columns;
      double c1 = 0.5 * u * ((2.0 - u) * u - 1.0);
      double c2 = 0.5 * (u * u * (3.0 * u - 5.0) + 2.0);
      double c3 = 0.5 * u * ((4.0 - 3.0 * u) * u + 1.0);
      double c4 = 0.5 * u * u * (u - 1.0);

      for (guint c = 0; c < columns; c++)
        {
          double v = c1 * p0[c] + c2 * p1[c] + c3 * p2[c] + c4 * p3[c];

          dst[c] = v > 0 ? (float) v : 0.0f;
        }
    }
}

void
lode_heatmap_smooth_rows (float  *cells,
                          guint   columns,
                          guint   rows,
                          double  price_min,
                          double  price_max)
{
  g_autofree float *src = NULL;
  double delta, sigma_min = G_MAXDOUBLE;

  g_return_if_fail (cells != NULL || columns == 0 || rows == 0);

  if (columns == 0 || rows == 0 || !(price_max > price_min))
    return;

  delta = (price_max - price_min) / rows;
  for (guint r = 0; r < rows; r++)
    sigma_min = MIN (sigma_min, row_sigma (price_min, delta, r));

  if (sigma_min < SIGMA_SAMPLED)
    {
      smooth_exact (cells, columns, rows, price_min, delta);
      return;
    }

  src = g_memdup2 (cells, (gsize) columns * rows * sizeof (float));
  memset (cells, 0, (gsize) columns * rows * sizeof (float));
  smooth_sampled (cells, src, columns, rows, price_min, delta, (guint) floor (sigma_min / 3.0));
}

/* Maps a float to a key whose unsigned order is the float order. */
static inline guint32
float_key (float v)
{
  guint32 bits;

  memcpy (&bits, &v, sizeof bits);

  return (bits & 0x80000000u) ? ~bits : bits | 0x80000000u;
}

static inline float
key_float (guint32 key)
{
  guint32 bits = (key & 0x80000000u) ? key & 0x7fffffffu : ~key;
  float v;

  memcpy (&v, &bits, sizeof v);

  return v;
}

/* k-th smallest (1-based) of @v[0 .. n), by quickselect; reorders @v. */
static float
select_kth (float *v,
            gsize  n,
            gsize  k)
{
  gsize lo = 0, hi = n - 1;

  k--;
  while (lo < hi)
    {
      float pivot = v[lo + (hi - lo) / 2];
      gsize i = lo, j = hi;

      while (i <= j)
        {
          while (v[i] < pivot)
            i++;
          while (v[j] > pivot)
            j--;
          if (i <= j)
            {
              float t = v[i];

              v[i] = v[j];
              v[j] = t;
              i++;
              if (j == 0)
                break;
              j--;
            }
        }
      if (k <= j)
        hi = j;
      else if (k >= i)
        lo = i;
      else
        return v[k];
    }

  return v[k];
}

static int
compare_floats (const void *a,
                const void *b)
{
  float x = *(const float *) a;
  float y = *(const float *) b;

  return x < y ? -1 : x > y;
}

#define SAMPLE_SIZE 8192

/* The nearest-rank percentile in one pass over the values: a strided
 * sample brackets the answer between two sample values, the pass counts
 * the non-zero values below the bracket and keeps those inside it, and a
 * quickselect among the kept ones finishes — exact whenever the answer's
 * rank falls inside the bracket, which the caller checks. FALSE if not (a
 * sample unlike the whole), and the exact radix select runs instead. */
static gboolean
percentile_bracketed (const float *values,
                      gsize        n,
                      double       q,
                      double      *result,
                      float       *max_out)
{
  g_autofree float *sample = NULL;
  g_autofree float *kept = NULL;
  gsize n_sample = 0, stride, m = 0, below = 0, n_kept = 0, k, ks, margin;
  float lo, hi, max = 0;

  stride = MAX (n / SAMPLE_SIZE, 1);
  sample = g_new (float, n / stride + 1);
  for (gsize i = 0; i < n; i += stride)
    if (values[i] != 0 && !isnan (values[i]))
      sample[n_sample++] = values[i];
  if (n_sample < 64)
    return FALSE;
  qsort (sample, n_sample, sizeof (float), compare_floats);

  /* ±6 binomial standard deviations of the sample rank, plus some. */
  ks = (gsize) (CLAMP (q, 0.0, 1.0) * n_sample);
  margin = (gsize) (6.0 * sqrt (n_sample * q * (1.0 - q) + 1.0)) + 8;
  lo = sample[ks > margin ? ks - margin : 0];
  hi = sample[MIN (ks + margin, n_sample - 1)];

  /* Room for what the sample suggests, and more; overflow → give up. */
  {
    gsize cap = (gsize) ((double) (2 * margin + 1) / n_sample * n * 4) + 1024;

    kept = g_new (float, cap + 1);
    for (gsize i = 0; i < n; i++)
      {
        float v = values[i];
        gboolean nonzero = (v != 0) & (v == v);

        m += nonzero;
        below += nonzero & (v < lo);
        kept[n_kept] = v;
        n_kept += nonzero & (v >= lo) & (v <= hi);
        max = v > max ? v : max;
        if (G_UNLIKELY (n_kept == cap))
          return FALSE;
      }
  }
  *max_out = max;

  k = (gsize) ceil (CLAMP (q, 0.0, 1.0) * m - 1e-9);
  k = CLAMP (k, 1, m);
  if (k <= below || k > below + n_kept)
    return FALSE;

  *result = select_kth (kept, n_kept, k - below);
  return TRUE;
}

/* Nearest rank: of the m non-zero values v_(1) ≤ … ≤ v_(m) (NaN ignored),
 * the one of rank k = ⌈q · m⌉ clamped to [1, m] (a tolerance of 1e−9 keeps
 * q · m that is an integer up to rounding, e.g. 0.99 · 100, at that integer).
 * Exact and O(n): a radix select on the values' bit patterns, 11 bits over
 * all values (a histogram that stays in L1, updated without branches), then
 * 11 + 10 bits over the few that share the chosen top 11 bits. Also gives
 * the largest value, to spare the caller another pass. */
static double
percentile_exact (const float *values,
                    gsize        n,
                    double       q,
                    float       *max_out)
{
  /* Four interleaved histograms: neighbouring cells tend to share a bin,
   * and one counter would serialise the increments through memory. */
  guint32 hist[4][2048];
  guint32 fine[2048];
  g_autofree guint32 *sel = NULL;
  gsize m = 0;
  gsize n_sel = 0;
  gsize k, below = 0;
  guint32 top, mid, low;
  float max = 0;
  gsize i;

  memset (hist, 0, sizeof hist);
  for (i = 0; i + 4 <= n; i += 4)
    {
      for (guint h = 0; h < 4; h++)
        {
          float v = values[i + h];
          guint32 ok = (v != 0) & (v == v);

          hist[h][float_key (v) >> 21] += ok;
          m += ok;
          max = v > max ? v : max;
        }
    }
  for (; i < n; i++)
    {
      float v = values[i];
      guint32 ok = (v != 0) & (v == v);

      hist[0][float_key (v) >> 21] += ok;
      m += ok;
      max = v > max ? v : max;
    }
  *max_out = max;
  if (m == 0)
    return 0;

  k = (gsize) ceil (CLAMP (q, 0.0, 1.0) * m - 1e-9);
  k = CLAMP (k, 1, m);

  for (guint d = 0; d < 2048; d++)
    hist[0][d] += hist[1][d] + hist[2][d] + hist[3][d];
  for (top = 0; below + hist[0][top] < k; top++)
    below += hist[0][top];

  sel = g_new (guint32, hist[0][top] + 1);
  for (i = 0; i < n; i++)
    {
      float v = values[i];
      guint32 key = float_key (v);

      sel[n_sel] = key;
      n_sel += (v != 0) & (v == v) & ((key >> 21) == top);
    }

  /* The remaining 21 bits: 11, then 10. */
  memset (fine, 0, sizeof fine);
  for (i = 0; i < n_sel; i++)
    fine[(sel[i] >> 10) & 2047]++;
  for (mid = 0; below + fine[mid] < k; mid++)
    below += fine[mid];

  memset (fine, 0, sizeof fine);
  for (i = 0; i < n_sel; i++)
    if (((sel[i] >> 10) & 2047) == mid)
      fine[sel[i] & 1023]++;
  for (low = 0; below + fine[low] < k; low++)
    below += fine[low];

  return key_float ((top << 21) | (mid << 10) | low);
}

static double
percentile_and_max (const float *values,
                    gsize        n,
                    double       q,
                    float       *max_out)
{
  double result;

  if (n >= 16 * SAMPLE_SIZE && percentile_bracketed (values, n, q, &result, max_out))
    return result;

  return percentile_exact (values, n, q, max_out);
}

double
lode_heatmap_percentile (const float *values,
                         gsize        n,
                         double       q)
{
  float max;

  g_return_val_if_fail (values != NULL || n == 0, 0);

  return percentile_and_max (values, n, q, &max);
}
