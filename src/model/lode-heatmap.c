/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>
#if defined (__x86_64__)
#include <immintrin.h>
#endif

#include "lode-heatmap.h"
#include "lode-heatmap-private.h"
#include "lode-liq-model-private.h"

/* Largest log-decay span inside one rebasing block of columns. Inside a
 * block every term is stored relative to the block's most decayed candle,
 * so a stored weight is ≥ e^−BLOCK_LOG_SPAN of its true value (far from
 * double underflow) and a column factor is ≤ e^BLOCK_LOG_SPAN (far from
 * overflow), however long the series and however deep its total decay. */
#define BLOCK_LOG_SPAN 64.0

/* The lists of waiting removals stay with the model between calls (a year
 * in 1920 × 1080 uses about 3 MB of them); larger ones, such as a
 * poster-sized export's, are freed at once. */
#define SCRATCH_KEEP_MAX ((gsize) 64 << 20)

/* Columns per tile: the sweep writes 64 floats (four cache lines) to
 * each row of the grid at a time. Measured against 16 and 32 (and 128):
 * 64 was the fastest for a year (~1 ms) and a day, on this machine; again
 * against 32 and 48 with the ring of RING below. */
#define TILE 64

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

/* The difference arrays hold RING columns (a multiple of TILE): the tile
 * being made and, if RING > TILE, the next ones, as a ring. A removal
 * further ahead waits in a list for its tile to enter the ring, in chunks
 * written and read sequentially. A key is the index in the ring. Two
 * tiles (about 1.7 MB for 1080 rows) measured best: more than half of the
 * removals a year's view queued with one tile land in the next tile, and
 * writing them there at once costs less than queueing them, though the
 * ring no longer fits in L2; one tile and three or four were slower. The order in which a cell's removals are
 * summed depends on RING (doubles, rounded to float at the end). */
#define RING (2 * TILE)
#define BUCKET_CHUNK 504

typedef struct
{
  guint32 next;   /* the tile's previous chunk; chunk 0 ends every list */
  guint32 count;
  guint32 key[BUCKET_CHUNK];
  double  w[BUCKET_CHUNK];
} BucketChunk;

/* Levels examined per batch of the filter below (a multiple of
 * LODE_LEVEL_GROUP). */
#define BATCH (4 * LODE_LEVEL_GROUP)

/* §6 smoothing kernels of a view, one per source row r: weights for the
 * rows r − reach … r + reach, reach = min (⌊3σ⌋, rows − 1), normalised over
 * the whole truncated kernel (the part beyond the view included), so that
 * a row's spread is one contiguous multiply-add. */
typedef struct
{
  guint   *reach;
  gsize   *offset;   /* into weight, of the weight of row r − reach */
  double  *weight;
} Kernels;

/* Where accumulate_model() applies the §6 smoothing, if at all: to each
 * column's changes before the sums (wide kernels, few rows change), or to
 * each tile of finished cells along its rows while it is still in cache
 * (narrow kernels, nearly every row changes). */
typedef enum
{
  SMOOTH_NONE,
  SMOOTH_CHANGES,
  SMOOTH_TILES,
} Smoothing;

static double row_sigma     (double         price_min,
                             double         delta,
                             guint          r);
static void   smooth_exact  (float         *cells,
                             guint          columns,
                             gsize          stride,
                             guint          rows,
                             const Kernels *k);
static void   kernels_init  (Kernels       *k,
                             guint          rows,
                             double         price_min,
                             double         delta);
static void   kernels_clear (Kernels       *k);

static gint simd_limit = LODE_HEATMAP_SIMD_AVX512;

/* The vector path to take: the processor's best, at most simd_limit. */
static LodeHeatmapSimd
simd_path (void)
{
  LodeHeatmapSimd best = LODE_HEATMAP_SIMD_BASELINE;

#if defined (__x86_64__) || defined (__i386__)
  if (__builtin_cpu_supports ("avx2"))
    best = LODE_HEATMAP_SIMD_AVX2;
#endif
#if defined (__x86_64__)
  if (__builtin_cpu_supports ("avx512f") && __builtin_cpu_supports ("avx512vl")
      && __builtin_cpu_supports ("avx512dq") && __builtin_cpu_supports ("avx512bw"))
    best = LODE_HEATMAP_SIMD_AVX512;
#endif

  return MIN (best, (LodeHeatmapSimd) g_atomic_int_get (&simd_limit));
}

LodeHeatmapSimd
lode_heatmap_limit_simd (LodeHeatmapSimd limit)
{
  g_atomic_int_set (&simd_limit, limit);

  return simd_path ();
}

/* row_of_price(), row @rows for a price outside the view. x = (price −
 * price_min) / δ is the row up to @eps (the rounding of the price, the
 * product and the boundaries, in rows): away from a boundary by more than
 * that, its integer part is the row; nearer, the boundaries themselves
 * (@bound[r] = row_boundary (r), r = 0 … rows) decide, as they define it. */
static inline guint
row_or_past (double        price,
             double        price_min,
             double        price_max,
             double        inv_delta,
             const double *bound,
             guint         rows,
             double        eps)
{
  double x = (price - price_min) * inv_delta;
  gboolean inside = (price >= price_min) & (price < price_max);
  gint64 r;
  double frac;

  x = x > 0 ? x : 0;
  x = x < rows - 1 ? x : rows - 1;
  r = (gint64) x;
  frac = x - (double) r;
  if (G_UNLIKELY (inside & ((frac < eps) | (frac > 1.0 - eps))))
    {
      r -= price < bound[r];
      r += price >= bound[r + 1];
      r = r > 0 ? r : 0;
      r = r < (gint64) rows - 1 ? r : (gint64) rows - 1;
    }

  return inside ? (guint) r : rows;
}

/* Two lanes of double: SSE2, the build's baseline. */
typedef double LodeDouble2 __attribute__ ((vector_size (16)));
typedef gint64 LodeInt2 __attribute__ ((vector_size (16)));
typedef float LodeFloat2 __attribute__ ((vector_size (8)));
typedef gint32 LodeInt32x2 __attribute__ ((vector_size (8)));
typedef float LodeFloat4 __attribute__ ((vector_size (16)));
typedef gint32 LodeInt4 __attribute__ ((vector_size (16)));

/* row_or_past() of two prices at once, in two-lane vectors; the same
 * rows (a lane near a boundary takes the scalar path). */
static inline void
rows_or_past2 (double        p0,
               double        p1,
               double        price_min,
               double        price_max,
               double        inv_delta,
               const double *bound,
               guint         rows,
               double        eps,
               guint32      *out)
{
  const LodeDouble2 zero = { 0, 0 };
  const LodeDouble2 lo = { price_min, price_min };
  const LodeDouble2 hi = { price_max, price_max };
  const LodeDouble2 top = { rows - 1, rows - 1 };
  const LodeDouble2 e0 = { eps, eps };
  const LodeDouble2 e1 = { 1.0 - eps, 1.0 - eps };
  LodeDouble2 p = { p0, p1 };
  LodeDouble2 x = (p - lo) * inv_delta;
  LodeInt2 inside = (p >= lo) & (p < hi);
  LodeInt2 below;
  LodeInt2 near;
  LodeInt32x2 r;
  LodeDouble2 frac;

  x = (LodeDouble2) ((LodeInt2) x & (x > zero));
  below = x < top;
  x = (LodeDouble2) (((LodeInt2) x & below) | ((LodeInt2) top & ~below));
  r = __builtin_convertvector (x, LodeInt32x2);
  frac = x - __builtin_convertvector (r, LodeDouble2);
  near = inside & ((frac < e0) | (frac > e1));

  out[0] = inside[0] ? (guint32) r[0] : rows;
  out[1] = inside[1] ? (guint32) r[1] : rows;
  if (G_UNLIKELY (near[0] | near[1]))
    {
      out[0] = row_or_past (p0, price_min, price_max, inv_delta, bound, rows, eps);
      out[1] = row_or_past (p1, price_min, price_max, inv_delta, bound, rows, eps);
    }
}

/* Whether level @k of @lv is live in S_@b and on a side @side_mask shows;
 * @all_sides (a constant where it is inlined) spares reading its side. */
G_ALWAYS_INLINE static inline guint
level_kept (const LodeModelLevelArrays *lv,
            gsize                       k,
            gsize                       b,
            guint                       side_mask,
            gboolean                    all_sides)
{
  return (lv->end[k] > b) & (all_sides || ((side_mask >> lv->side[k]) & 1));
}

/* The levels [@k, @k_stop) of @lv live in S_@b and on a side @side_mask
 * shows, in order: their rows (or @rows past the view), ends and weights
 * at @run_base; returns how many. Every level's row and weight are
 * made, two at a time from contiguous arrays, and those of the levels not
 * kept overwritten by the next: cheaper than picking the kept ones out
 * first and gathering them (a batch holds few that are not). */
G_ALWAYS_INLINE static inline guint
gather_levels (const LodeModelLevelArrays *lv,
               gsize                       k,
               gsize                       k_stop,
               gsize                       b,
               guint                       side_mask,
               gboolean                    all_sides,
               double                      run_base,
               double                      price_min,
               double                      price_max,
               double                      inv_delta,
               const double               *bound,
               guint                       rows,
               double                      eps,
               guint32                    *restrict row,
               guint32                    *restrict end,
               double                     *restrict w)
{
  guint n = 0;

  for (; k + 2 <= k_stop; k += 2)
    {
      guint32 r[2];
      guint32 e0 = lv->end[k], e1 = lv->end[k + 1];
      double w0 = lv->scaled[k] * run_base, w1 = lv->scaled[k + 1] * run_base;

      rows_or_past2 (lv->price[k], lv->price[k + 1], price_min, price_max, inv_delta,
                     bound, rows, eps, r);
      row[n] = r[0];
      end[n] = e0;
      w[n] = w0;
      n += level_kept (lv, k, b, side_mask, all_sides);
      row[n] = r[1];
      end[n] = e1;
      w[n] = w1;
      n += level_kept (lv, k + 1, b, side_mask, all_sides);
    }
  if (k < k_stop)
    {
      row[n] = row_or_past (lv->price[k], price_min, price_max, inv_delta, bound, rows, eps);
      end[n] = lv->end[k];
      w[n] = lv->scaled[k] * run_base;
      n += level_kept (lv, k, b, side_mask, all_sides);
    }

  return n;
}

#if defined (__x86_64__)
/* gather_levels() and the last columns' lookup after it (see
 * accumulate_model_inline()), eight levels at a time in AVX-512 registers
 * for processors that have them (the build's baseline is SSE2): the same
 * rows (a lane near a boundary takes the scalar path), the same products
 * and the same columns, the kept levels packed by the processor's
 * compress. Its columns come from @col_last as 32 bits (@x_max, b_max + 1,
 * below 2^32 − 1). Writes up to seven entries past the last kept one: the
 * outputs have room for BATCH + 8. */
__attribute__ ((target ("avx512f,avx512vl,avx512dq,avx512bw")))
static guint
gather_levels_avx512 (const LodeModelLevelArrays *lv,
                      gsize                       k,
                      gsize                       k_stop,
                      gsize                       b,
                      guint                       side_mask,
                      double                      run_base,
                      double                      price_min,
                      double                      price_max,
                      double                      inv_delta,
                      const double               *bound,
                      guint                       rows,
                      double                      eps,
                      const guint32              *col_first,
                      const guint32              *col_last,
                      guint32                     col_base,
                      guint                       col_shift,
                      guint32                     x_max,
                      guint32                    *restrict row,
                      guint32                    *restrict col,
                      double                     *restrict w)
{
  const __m256i vx_max = _mm256_set1_epi32 ((int) x_max);
  const __m256i vbase = _mm256_set1_epi32 ((int) col_base);
  const __m128i shift = _mm_cvtsi32_si128 ((int) col_shift);
  const __m512d lo = _mm512_set1_pd (price_min);
  const __m512d hi = _mm512_set1_pd (price_max);
  const __m512d top = _mm512_set1_pd (rows - 1);
  const __m512d e0 = _mm512_set1_pd (eps);
  const __m512d e1 = _mm512_set1_pd (1.0 - eps);
  const __m512d scale = _mm512_set1_pd (inv_delta);
  const __m512d base = _mm512_set1_pd (run_base);
  const __m256i past = _mm256_set1_epi32 ((int) rows);
  const __m256i vb = _mm256_set1_epi32 ((int) (guint32) b);
  const __m256i sides = _mm256_set1_epi32 ((int) side_mask);
  const __m256i one = _mm256_set1_epi32 (1);
  const __m256i none = _mm256_setzero_si256 ();
  guint n = 0;

  for (; k < k_stop; k += 8)
    {
      __mmask8 load = k + 8 <= k_stop ? 0xff : (__mmask8) ((1u << (k_stop - k)) - 1);
      __m512d p = _mm512_maskz_loadu_pd (load, lv->price + k);
      __m512d y = _mm512_mul_pd (_mm512_sub_pd (p, lo), scale);
      __m256i e = _mm256_maskz_loadu_epi32 (load, lv->end + k);
      __m512d wv = _mm512_mul_pd (_mm512_maskz_loadu_pd (load, lv->scaled + k), base);
      __mmask8 inside, near, kept;
      __m256i r, x, c, last;
      __m512d frac;

      /* row_or_past()'s steps: max and min pick as its comparisons do.
       * (The zero-masked forms with all lanes: GCC 12 warns of the plain
       * ones' undefined source.) */
      inside = _mm512_cmp_pd_mask (p, lo, _CMP_GE_OQ) & _mm512_cmp_pd_mask (p, hi, _CMP_LT_OQ);
      y = _mm512_maskz_min_pd (0xff, _mm512_maskz_max_pd (0xff, y, _mm512_setzero_pd ()), top);
      r = _mm512_maskz_cvttpd_epi32 (0xff, y);
      frac = _mm512_sub_pd (y, _mm512_maskz_cvtepi32_pd (0xff, r));
      near = inside & (_mm512_cmp_pd_mask (frac, e0, _CMP_LT_OQ)
                       | _mm512_cmp_pd_mask (frac, e1, _CMP_GT_OQ));
      r = _mm256_mask_blend_epi32 (inside, past, r);
      if (G_UNLIKELY (near != 0))
        {
          guint32 lane[8];

          _mm256_storeu_si256 ((__m256i *) lane, r);
          for (guint i = 0; i < 8; i++)
            if (near & (1u << i))
              lane[i] = row_or_past (lv->price[k + i], price_min, price_max, inv_delta,
                                     bound, rows, eps);
          r = _mm256_loadu_si256 ((const __m256i *) lane);
        }

      kept = load & _mm256_cmpgt_epu32_mask (e, vb);
      if (side_mask != 3)
        {
          __m256i s = _mm256_cvtepu8_epi32 (_mm_maskz_loadu_epi8 (load, lv->side + k));

          kept &= _mm256_test_epi32_mask (_mm256_srlv_epi32 (sides, s), one);
        }

      /* The first column without the level, as the scalar lookup finds
       * it; only the kept lanes read the tables. */
      x = _mm256_min_epu32 (e, vx_max);
      c = _mm256_mmask_i32gather_epi32 (none, kept,
                                        _mm256_srl_epi32 (_mm256_sub_epi32 (x, vbase), shift),
                                        (const int *) col_first, 4);
      last = _mm256_mmask_i32gather_epi32 (none, kept, c, (const int *) col_last, 4);
      c = _mm256_mask_add_epi32 (c, _mm256_cmpgt_epu32_mask (x, last), c, one);

      _mm256_storeu_si256 ((__m256i *) (row + n), _mm256_maskz_compress_epi32 (kept, r));
      _mm256_storeu_si256 ((__m256i *) (col + n), _mm256_maskz_compress_epi32 (kept, c));
      _mm512_storeu_pd (w + n, _mm512_maskz_compress_pd (kept, wv));
      n += __builtin_popcount (kept);
    }

  return n;
}
#endif

/* sd[o] += g[o] · d and scd[o] += dl for o in [0, n). */
static inline void
spread (double       *restrict sd,
        gint32       *restrict scd,
        const double *restrict g,
        double                 d,
        gint32                 dl,
        guint                  n)
{
  for (guint o = 0; o < n; o++)
    {
      sd[o] += g[o] * d;
      scd[o] += dl;
    }
}

static inline LodeDouble2
load2 (const double *p)
{
  LodeDouble2 v;

  memcpy (&v, p, sizeof v);

  return v;
}

/* One column's step of two rows' running sums: s = m ≠ 0 ? s · carry + v
 * : 0, @live the rows' masks of m ≠ 0 (a row without live levels is
 * exactly 0). */
static inline LodeDouble2
sweep_step (LodeDouble2 s,
            LodeInt2    live,
            LodeDouble2 v,
            LodeDouble2 carry)
{
  s = s * carry + v;

  return (LodeDouble2) ((LodeInt2) s & live);
}

/* The cells of two rows: s · factor as a float where s > 0, else 0. */
static inline LodeFloat2
sweep_cells (LodeDouble2 s,
             LodeDouble2 factor)
{
  const LodeDouble2 zero = { 0, 0 };

  s = (LodeDouble2) ((LodeInt2) s & (s > zero));

  return __builtin_convertvector (s * factor, LodeFloat2);
}

/* Rows ahead that the sweep asks for: 32 measured best (16 and 64 close). */
#define SWEEP_AHEAD 32

/* The prefix sums of a tile's difference (@width columns of @stride,
 * column-major, rows @rows … @stride − 1 unread) along each row, from the
 * running @sum and @live, written (or added) to the grid's rows at @out;
 * the difference is left all zeros for the next tile, cleared as it is
 * read. Four rows at a time in two-lane vectors: each row's sum is a chain
 * of dependent operations, and several chains keep the core busy.
 *
 * The running counts are 32-bit and wrap: a row would need a multiple of
 * 2^32 live levels (hundreds of gigabytes of model) to read as empty. */
static void
sweep_tile (double       *restrict vd,
            gint32       *restrict cd,
            guint                  stride,
            guint                  rows,
            guint                  width,
            const double *restrict col_carry,
            const double *restrict col_factor,
            double       *restrict sum,
            guint32      *restrict live,
            float        *restrict out,
            gsize                  columns,
            gboolean               add)
{
  const LodeInt4 none = { 0, 0, 0, 0 };
  const LodeDouble2 zero = { 0, 0 };
  guint r = 0;

  for (; r + 4 <= rows; r += 4)
    {
      LodeDouble2 s01 = load2 (sum + r), s23 = load2 (sum + r + 2);
      LodeInt4 m;
      float *restrict d0 = out + (gsize) r * columns;
      float *restrict d1 = d0 + columns;
      float *restrict d2 = d1 + columns;
      float *restrict d3 = d2 + columns;

      memcpy (&m, live + r, sizeof m);
      for (guint t = 0; t < width; t++)
        {
          double *v = vd + (gsize) t * stride + r;
          gint32 *n = cd + (gsize) t * stride + r;
          LodeDouble2 carry = { col_carry[t], col_carry[t] };
          LodeDouble2 f = { col_factor[t], col_factor[t] };
          LodeInt4 dn, nz;
          LodeFloat2 x01, x23;

          /* The tile's 64 columns are as many streams, too many for the
           * hardware's prefetcher; the ring is out of L2. */
          __builtin_prefetch (v + SWEEP_AHEAD, 1);
          __builtin_prefetch (n + SWEEP_AHEAD, 1);
          memcpy (&dn, n, sizeof dn);
          m += dn;
          nz = m != none;
          s01 = sweep_step (s01, (LodeInt2) __builtin_shufflevector (nz, nz, 0, 0, 1, 1),
                            load2 (v), carry);
          s23 = sweep_step (s23, (LodeInt2) __builtin_shufflevector (nz, nz, 2, 2, 3, 3),
                            load2 (v + 2), carry);
          memcpy (v, &zero, sizeof zero);
          memcpy (v + 2, &zero, sizeof zero);
          memcpy (n, &none, sizeof none);
          x01 = sweep_cells (s01, f);
          x23 = sweep_cells (s23, f);
          if (add)
            {
              d0[t] += x01[0];
              d1[t] += x01[1];
              d2[t] += x23[0];
              d3[t] += x23[1];
            }
          else
            {
              d0[t] = x01[0];
              d1[t] = x01[1];
              d2[t] = x23[0];
              d3[t] = x23[1];
            }
        }
      memcpy (sum + r, &s01, sizeof s01);
      memcpy (sum + r + 2, &s23, sizeof s23);
      memcpy (live + r, &m, sizeof m);
    }

  for (; r < rows; r++)
    {
      double s = sum[r];
      guint32 m = live[r];
      float *restrict d = out + (gsize) r * columns;

      for (guint t = 0; t < width; t++)
        {
          gsize i = (gsize) t * stride + r;
          float x;

          m += (guint32) cd[i];
          s = m != 0 ? s * col_carry[t] + vd[i] : 0;
          x = s > 0 ? (float) (s * col_factor[t]) : 0.0f;
          vd[i] = 0;
          cd[i] = 0;
          if (add)
            d[t] += x;
          else
            d[t] = x;
        }
      sum[r] = s;
      live[r] = m;
    }

  /* The rows past the view are never read: cleared all the same. */
  for (guint t = 0; t < width; t++)
    for (guint o = rows; o < stride; o++)
      {
        vd[(gsize) t * stride + o] = 0;
        cd[(gsize) t * stride + o] = 0;
      }
}

/* What finishing a tile of accumulate_model() needs: the difference of
 * its columns, the running sums, and where the cells go. */
typedef struct
{
  double        *vdiff;
  gint32        *cdiff;
  double        *sdiff;
  gint32        *scdiff;
  guint          stride;
  guint          rows;
  guint          columns;
  guint          ring;       /* RING or PIPELINE_RING, a power of two */
  guint          c_lo;
  guint          c_hi;
  const double  *col_carry;
  const double  *col_factor;
  double        *sum;
  guint32       *live;
  float         *out;
  gboolean       add;
  Smoothing      smoothing;
  const Kernels *kernels;
} TileSweep;

/* Tile @tile's cells from its difference (smoothed as @ts says), leaving
 * the difference all zeros for the tile that takes its place in the ring. */
static void
finish_tile (const TileSweep *ts,
             guint            tile)
{
  const guint R = ts->rows;
  const guint stride = ts->stride;
  guint c0 = ts->c_lo + tile * TILE;
  guint width = MIN (TILE, ts->c_hi - c0);
  guint slot0 = (c0 - ts->c_lo) & (ts->ring - 1);

  if (ts->smoothing == SMOOTH_CHANGES)
    {
      const Kernels *kernels = ts->kernels;

      /* Smoothed: spread each changed row of each column
       * (in any order: a row's change and its count's go together). */
      for (guint t = 0; t < width; t++)
        {
          const double *vd = ts->vdiff + (gsize) (slot0 + t) * stride;
          const gint32 *cd = ts->cdiff + (gsize) (slot0 + t) * stride;
          double *sd = ts->sdiff + (gsize) t * stride;
          gint32 *scd = ts->scdiff + (gsize) t * stride;

          for (guint r = 0; r < R; r++)
            if (vd[r] != 0 || cd[r] != 0)
              {
                guint reach = kernels->reach[r];
                guint lo = r > reach ? r - reach : 0;
                guint hi = MIN (R - 1, r + reach);
                const double *g = kernels->weight + kernels->offset[r] + (lo + reach - r);

                spread (sd + lo, scd + lo, g, vd[r], cd[r], hi - lo + 1);
              }
        }
      memset (ts->vdiff + (gsize) slot0 * stride, 0, (gsize) stride * width * sizeof (double));
      memset (ts->cdiff + (gsize) slot0 * stride, 0, (gsize) stride * width * sizeof (gint32));
      sweep_tile (ts->sdiff, ts->scdiff, stride, R, width, ts->col_carry + c0, ts->col_factor + c0,
                  ts->sum, ts->live, ts->out + c0, ts->columns, ts->add);
    }
  else
    {
      sweep_tile (ts->vdiff + (gsize) slot0 * stride, ts->cdiff + (gsize) slot0 * stride, stride, R,
                  width, ts->col_carry + c0, ts->col_factor + c0, ts->sum, ts->live,
                  ts->out + c0, ts->columns, ts->add);
      if (ts->smoothing == SMOOTH_TILES)
        smooth_exact (ts->out + c0, width, ts->columns, R, ts->kernels);
    }
}

/* The kept levels of some columns as the writes take them: each one's row
 * (rows past the view), first column without it, and weight in its
 * column's block base. */
typedef struct
{
  guint32 *row;
  guint32 *col;
  double  *w;
  gsize    len;
  gsize    cap;
  gboolean fixed;  /* arrays on the stack, never grown */
} LevelBuf;

/* Room for @more entries past len. */
static void
level_buf_reserve (LevelBuf *buf,
                   gsize     more)
{
  if (buf->len + more <= buf->cap)
    return;
  g_assert (!buf->fixed);
  buf->cap = MAX (buf->len + more, 2 * buf->cap);
  buf->row = g_renew (guint32, buf->row, buf->cap);
  buf->col = g_renew (guint32, buf->col, buf->cap);
  buf->w = g_renew (double, buf->w, buf->cap);
}

static void
level_buf_clear (LevelBuf *buf)
{
  g_clear_pointer (&buf->row, g_free);
  g_clear_pointer (&buf->col, g_free);
  g_clear_pointer (&buf->w, g_free);
  buf->len = buf->cap = 0;
}

/* What picking out a column's levels needs (see accumulate_model_inline()
 * for the tables); read-only, so both threads of the pipeline use it. */
typedef struct
{
  LodeModelLevelArrays lv;
  const gssize        *bcol;
  const double        *L;
  const double        *run;
  const gsize         *chunks;
  const guint         *block_of;
  const double        *block_base;
  const gsize         *block_cand;
  const gsize         *block_chunk;
  const double        *bound;
  const guint32       *col_first;
  const gsize         *col_last;
  const guint32       *col_last32;  /* col_last in 32 bits, for avx512 */
  gsize                col_base;
  guint                col_shift;
  gsize                b_max;
  double               price_min;
  double               price_max;
  double               inv_delta;
  double               row_eps;
  guint                rows;
  guint                side_mask;
  gboolean             avx512;
} Gatherer;

/* Appends to @buf the levels of column @c from *@k on that are live in
 * S_{b_c} and on a side shown, in order, in batches without a branch per
 * level, until the column's last (then TRUE) or until @buf holds @max or
 * more (then *@k is where to go on). *@j, a candle whose first level is
 * at or before *@k, follows the levels for the rare ones whose decay run
 * restarts before the block's base. */
G_ALWAYS_INLINE static inline gboolean
gather_column (const Gatherer *g,
               guint           c,
               gsize          *k,
               gsize          *j,
               LevelBuf       *buf,
               gsize           max)
{
  const LodeModelLevelArrays *lv = &g->lv;
  gsize b = (gsize) g->bcol[c];
  gsize k_end = lv->first_level[b + 1];
  guint bs = g->block_of[c];
  double run_base = g->run[g->block_cand[bs]];
  gsize chunk = g->block_chunk[bs];
  /* From here on, no restart of the run before the base. */
  gsize k_fast = lv->first_level[chunk > 0 ? g->chunks[chunk - 1] : 0];

  while (*k < k_end && buf->len < max)
    {
      guint32 *row, *col;
      double *w;
      guint n_batch;
      gsize k_stop;

      /* Whole groups of levels gone by b_c (the history before a zoomed
       * view) are skipped unread. */
      while (*k % LODE_LEVEL_GROUP == 0 && *k + LODE_LEVEL_GROUP <= k_end
             && lv->group_end[*k / LODE_LEVEL_GROUP] <= b)
        *k += LODE_LEVEL_GROUP;
      /* Batches end on a group's boundary (BATCH is a multiple). */
      k_stop = MIN (k_end, *k / LODE_LEVEL_GROUP * LODE_LEVEL_GROUP + BATCH);

      level_buf_reserve (buf, BATCH + 8);
      row = buf->row + buf->len;
      col = buf->col + buf->len;
      w = buf->w + buf->len;
#if defined (__x86_64__)
      if (g->avx512)
        n_batch = gather_levels_avx512 (lv, *k, k_stop, b, g->side_mask, run_base,
                                        g->price_min, g->price_max, g->inv_delta, g->bound,
                                        g->rows, g->row_eps, g->col_first, g->col_last32,
                                        g->col_base, g->col_shift, g->b_max + 1, row, col, w);
      else
#endif
        {
          guint32 end[BATCH];

          if (g->side_mask == 3)
            n_batch = gather_levels (lv, *k, k_stop, b, g->side_mask, TRUE, run_base,
                                     g->price_min, g->price_max, g->inv_delta, g->bound,
                                     g->rows, g->row_eps, row, end, w);
          else
            n_batch = gather_levels (lv, *k, k_stop, b, g->side_mask, FALSE, run_base,
                                     g->price_min, g->price_max, g->inv_delta, g->bound,
                                     g->rows, g->row_eps, row, end, w);

          /* The first column without each: a stage of its own, so that
           * its chains of dependent loads overlap across levels. */
          for (guint e = 0; e < n_batch; e++)
            {
              gsize x = MIN (end[e], g->b_max + 1);
              guint cw = g->col_first[(x - g->col_base) >> g->col_shift];

              col[e] = cw + (x > g->col_last[cw]);
            }
        }
      if (G_UNLIKELY (*k < k_fast))
        for (guint e = 0; *k < k_stop && *k < k_fast; (*k)++)
          {
            if (!level_kept (lv, *k, b, g->side_mask, FALSE))
              continue;
            /* A restart of the run lies between: by the logs. */
            while (lv->first_level[*j + 1] <= *k)
              (*j)++;
            w[e++] = lv->scaled[*k] * g->run[*j] * exp (g->block_base[bs] - g->L[*j]);
          }
      *k = k_stop;
      buf->len += n_batch;
    }

  return *k >= k_end;
}

/* With two threads, accumulate_model() is a pipeline: the calling thread
 * puts each tile's levels into the difference arrays while a second one,
 * the sweeper, picks out the levels of every other column a few tiles
 * ahead (gather_column()) and finishes the tiles before (finish_tile()),
 * in a ring of PIPELINE_RING columns (a power of two, as RING: a division
 * for the ring's index per level measured 5 ms more for a year). Every
 * cell of the ring sees the same operations in the same order as with one
 * thread (the levels are written in the same order whoever picked them
 * out, and which removals are written at once and which wait is still
 * decided by RING), so the cells are the same bits. The handover is a
 * count of tiles each way, under a mutex. */
#define PIPELINE_RING (2 * RING)

G_STATIC_ASSERT ((RING & (RING - 1)) == 0 && (PIPELINE_RING & (PIPELINE_RING - 1)) == 0);

#define GATHER_AHEAD 4

/* The levels of a tile's odd columns (counted from c_lo), picked out by
 * the sweeper: column t's are [start[t], start[t] + count[t]) of buf. */
typedef struct
{
  LevelBuf buf;
  gsize    start[TILE];
  gsize    count[TILE];
} GatherSlot;

typedef struct
{
  const TileSweep *ts;
  const Gatherer  *g;
  guint            n_tiles;
  GMutex           lock;
  GCond            cond;
  guint            filled;    /* tiles whose levels are all in the ring */
  guint            swept;     /* tiles finished */
  guint            gathered;  /* tiles whose odd columns are in a slot */
  gsize            j;         /* the sweeper's, see gather_column() */
  GatherSlot       slots[GATHER_AHEAD];  /* tile q's in slots[q % GATHER_AHEAD] */
} Pipeline;

/* Waits until *@count ≥ @want; the counts only grow, under the lock.
 * (A spin before sleeping measured no faster, and once, with the other
 * thread preempted on the other core, twice as slow.) */
static void
pipeline_wait (Pipeline *pl,
               guint    *count,
               guint     want)
{
  g_mutex_lock (&pl->lock);
  while (*count < want)
    g_cond_wait (&pl->cond, &pl->lock);
  g_mutex_unlock (&pl->lock);
}

static void
pipeline_post (Pipeline *pl,
               guint    *count,
               guint     value)
{
  g_mutex_lock (&pl->lock);
  *count = value;
  g_cond_broadcast (&pl->cond);
  g_mutex_unlock (&pl->lock);
}

/* Whether column @c's levels are picked out by the sweeper. */
static inline gboolean
pipeline_gathers (guint c,
                  guint c_lo)
{
  return ((c - c_lo) & 1) != 0;
}

/* Picks out the levels of @tile's odd columns into its slot. Each column
 * starts where the one before ends (the first is the calling thread's). */
static void
pipeline_gather_tile (Pipeline *pl,
                      guint     tile)
{
  const Gatherer *g = pl->g;
  guint c_lo = pl->ts->c_lo;
  guint c0 = c_lo + tile * TILE;
  guint width = MIN (TILE, pl->ts->c_hi - c0);
  GatherSlot *slot = &pl->slots[tile % GATHER_AHEAD];

  slot->buf.len = 0;
  for (guint t = 0; t < width; t++)
    if (pipeline_gathers (c0 + t, c_lo))
      {
        gsize k = g->lv.first_level[g->bcol[c0 + t - 1] + 1];

        slot->start[t] = slot->buf.len;
        gather_column (g, c0 + t, &k, &pl->j, &slot->buf, G_MAXSIZE);
        slot->count[t] = slot->buf.len - slot->start[t];
      }
  pipeline_post (pl, &pl->gathered, tile + 1);
}

/* The sweeper: the odd columns' levels GATHER_AHEAD tiles ahead of the
 * calling thread (in the slot of the tile that thread has just filled),
 * and the tiles it has filled. That is about half of the levels' picking
 * out, which leaves the two threads about as busy; the slots ahead spare
 * the calling thread a wait each time the sweeper is a little late. */
static gpointer
pipeline_sweep_thread (gpointer data)
{
  Pipeline *pl = data;

  for (guint tile = 0; tile < MIN (GATHER_AHEAD, pl->n_tiles); tile++)
    pipeline_gather_tile (pl, tile);
  for (guint tile = 0; tile < pl->n_tiles; tile++)
    {
      pipeline_wait (pl, &pl->filled, tile + 1);
      finish_tile (pl->ts, tile);
      pipeline_post (pl, &pl->swept, tile + 1);
      if (tile + GATHER_AHEAD < pl->n_tiles)
        pipeline_gather_tile (pl, tile + GATHER_AHEAD);
    }

  return NULL;
}

/* Writes (or, if @add, adds) @model's §5 grid for the columns whose
 * snapshots are @bcol (one per column, ascending; < 0 or ≥ n = empty) into
 * @out, keeping only the sides @mode shows, smoothed (§6) with @kernels
 * as @smoothing says.
 *
 * §10: one difference array per row over the columns, then a prefix sum,
 * then the per-column factor, a tile of TILE columns at a time: the
 * difference arrays are a ring of RING columns (in L2 or L3) and the
 * prefix sums run along the rows of the grid as it is laid out. A level created at
 * j and live until end covers the columns c with j ≤ b_c < end: it is added
 * at its first column (levels come in creation order: in the tile being
 * made) and removed at the first column whose snapshot no longer has it, in
 * the ring or, further ahead, queued until its tile enters the ring. Only
 * levels live at a column's snapshot are touched, picked out by their end
 * alone (§10: no step is levels × columns).
 *
 * In S_{b_c} the level's amount is a · exp (L[b_c] − L[j]), L the running
 * log decay: the sums hold a · exp (G − L[j]) and each column is multiplied
 * by exp (L[b_c] − G). G is not one number for the whole view: L can fall
 * by thousands over a year of data and exp (−L[j]) would overflow. The
 * columns are cut into blocks whose decay spans at most BLOCK_LOG_SPAN; G_β
 * is the block's most decayed candle, the running sums are carried into
 * the next block by the factor exp (G_{β+1} − G_β) ≤ 1, and a level's
 * removal is expressed in the base of the block it ends in. Every exp()
 * then has an argument in [−BLOCK_LOG_SPAN, BLOCK_LOG_SPAN] or below (pure
 * decay, where underflow to 0 is the right answer). Where no restart of the
 * model's decay run lies between j and G_β's candle, exp (G_β − L[j]) is
 * the ratio of the runs, and the model stores a / run[j] (the common case:
 * one product a level).
 *
 * Rounding in the removals leaves residues of ~1e−16 of a row's past sums
 * where the exact result is 0, so the live levels are counted per row too
 * and a cell with none is exactly 0.
 *
 * §6 smoothing is linear and commutes with the prefix sums over columns:
 * with SMOOTH_CHANGES each column's difference is smoothed (only its rows
 * that changed are spread, O(changed rows · 6σ), exact for any σ), then
 * summed as above. A smoothed cell is exactly 0 when no live level lies
 * within its row's reach, which the counts, spread the same way, tell.
 * With SMOOTH_TILES (not with @add) each tile's cells are smoothed as soon
 * as they are written, the same cells as smoothing the whole grid after. */
G_ALWAYS_INLINE static inline void
accumulate_model_inline (const LodeLiqModel    *model,
                         const gssize          *bcol,
                         const LodeHeatmapView *view,
                         const Kernels         *kernels,
                         Smoothing              smoothing,
                         gboolean               add,
                         gboolean               pipelined,
                         float                 *out)
{
  const guint C = view->columns;
  const guint R = view->rows;
  const double delta = (view->price_max - view->price_min) / R;
  const double inv_delta = 1.0 / delta;
  const double *L = lode_liq_model_get_log_decay (model);
  gsize n = lode_market_get_n_candles (lode_liq_model_get_market (model));
  guint lookback = lode_liq_model_get_params (model)->lookback;
  LodeModelLevelArrays lv;
  guint c_lo = 0, c_hi = C;
  gsize b_max;
  g_autofree guint32 *col_first = NULL;
  g_autofree gsize *col_last = NULL;
  gsize col_base;
  guint col_shift = 0;
  g_autofree guint *block_of = NULL;
  g_autofree double *block_base = NULL;
  g_autofree gsize *block_cand = NULL;   /* the candle of each block's base */
  g_autofree gsize *block_chunk = NULL;  /* its chunk of the decay run */
  g_autofree double *conv = NULL;        /* removal factors, see below */
  guint conv_block = G_MAXUINT;
  const gsize *chunks;
  gsize n_chunks;
  const double *run = lode_liq_model_get_decay_run (model, &chunks, &n_chunks);
  g_autofree double *col_factor = NULL;
  g_autofree double *col_carry = NULL;
  g_autofree double *bound = NULL;
  LodeModelScratch *scratch;
  BucketChunk *pool;
  gsize pool_size, pool_used;
  g_autofree guint32 *head = NULL;
  guint n_tiles;
  const guint stride = R + 1;         /* a column: the rows, then row R for
                                       * the levels outside the view */
  g_autofree double *vdiff = NULL;    /* RING × stride, column-major */
  g_autofree gint32 *cdiff = NULL;    /* live counts, wrapping (see sweep_tile()) */
  g_autofree double *sdiff = NULL;    /* SMOOTH_CHANGES: a tile of vdiff smoothed */
  g_autofree gint32 *scdiff = NULL;
  g_autofree double *sum = NULL;      /* per row */
  g_autofree guint32 *live = NULL;
  g_autofree guint32 *col_last32 = NULL;
  guint32 batch_row[2 * BATCH + 8], batch_col[2 * BATCH + 8];
  double batch_w[2 * BATCH + 8];
  LevelBuf batch = { batch_row, batch_col, batch_w, 0, 2 * BATCH + 8, TRUE };
  Gatherer g;
  guint gathered = 0;
  gboolean avx512 = FALSE;
  const double pmin = view->price_min, pmax = view->price_max;
  double row_eps;
  guint ring;
  TileSweep ts;
  Pipeline pl;
  GThread *sweeper = NULL;
  guint n_blocks = 0;
  gsize j = 0, k = 0;
  guint side_mask;

  side_mask = (view->mode != LODE_RENDER_MODE_SHORT ? 1u << LODE_SIDE_LONG : 0)
              | (view->mode != LODE_RENDER_MODE_LONG ? 1u << LODE_SIDE_SHORT : 0);

  while (c_lo < C && bcol[c_lo] < 0)
    c_lo++;
  while (c_hi > c_lo && bcol[c_hi - 1] >= (gssize) n)
    c_hi--;
  if (!add)
    for (guint r = 0; r < R; r++)
      {
        memset (out + (gsize) r * C, 0, c_lo * sizeof (float));
        if (c_hi > c_lo)
          memset (out + (gsize) r * C + c_hi, 0, (C - c_hi) * sizeof (float));
        else
          memset (out + (gsize) r * C + c_lo, 0, (C - c_lo) * sizeof (float));
      }
  if (c_lo >= c_hi)
    return;
  b_max = (gsize) bcol[c_hi - 1];

  /* The first column in [c_lo, c_hi] whose b_c ≥ x (c_hi if none), for x
   * from col_base = b_{c_lo} + 1 (no level shown ends sooner) to b_max + 1,
   * by a table over the view's candles in windows of 2^col_shift: every
   * column but the first spans at least that many candles, so within a
   * window the answer is the window's first x's column or the next one,
   * which col_last (b_c, and past c_hi's none) tells. Two loads a level,
   * both from a table that stays in L1 for a year's view; with columns of
   * a candle or less (zoomed in, or another venue's repeated snapshots)
   * the windows are single candles. */
  col_base = (gsize) bcol[c_lo] + 1;
  {
    gsize narrow = G_MAXSIZE;

    for (guint c = c_lo + 1; c < c_hi; c++)
      narrow = MIN (narrow, (gsize) (bcol[c] - bcol[c - 1]));
    while (col_shift < 16 && ((gsize) 2 << col_shift) <= narrow)
      col_shift++;
  }
  col_first = g_new (guint32, ((b_max + 1 - col_base) >> col_shift) + 1);
  col_last = g_new (gsize, C + 1);
  {
    guint c = c_lo + 1;

    for (gsize w = 0; w <= (b_max + 1 - col_base) >> col_shift; w++)
      {
        gsize x = col_base + (w << col_shift);

        while (c < c_hi && (gsize) bcol[c] < x)
          c++;
        col_first[w] = c;
      }
    for (c = c_lo; c < c_hi; c++)
      col_last[c] = (gsize) bcol[c];
    col_last[c_hi] = G_MAXSIZE;
  }

  /* Rebasing blocks: greedy, each as long as its decay span allows. */
  block_of = g_new (guint, C + 1);
  block_base = g_new (double, C + 1);
  block_cand = g_new (gsize, C + 1);
  block_chunk = g_new (gsize, C + 1);
  col_factor = g_new (double, C);
  col_carry = g_new (double, C);
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
            /* Entering a block, the sums are carried into its base (a
             * product by 1 elsewhere, which is exact). */
            col_carry[c] = c == start && c > c_lo
                           ? exp (block_base[n_blocks] - block_base[n_blocks - 1]) : 1.0;
          }
        n_blocks++;
        start = end;
      }
    block_of[c_hi] = n_blocks - 1;
  }
  /* conv[be]: a removal in block be of a level added in block bs is the
   * added weight times exp (G_be − G_bs) ≤ 1; times 1 exactly for be = bs.
   * The last entry is for the levels that outlive the view. */
  conv = g_new (double, n_blocks + 1);
  conv[n_blocks] = 0;

  bound = g_new (double, R + 1);
  for (guint r = 0; r <= R; r++)
    bound[r] = row_boundary (view->price_min, view->price_max, delta, R, r);
  /* A generous bound on the rounding of x in row_or_past(), in rows: a few
   * units in the last place of the prices over δ, and of x itself. At 0.5
   * or more every level goes by the boundaries. */
  row_eps = 16.0 * DBL_EPSILON * ((fabs (view->price_min) + fabs (view->price_max)) * inv_delta + R);

  /* Column-major: the adds of consecutive levels fall in one column. */
  n_tiles = (c_hi - c_lo + TILE - 1) / TILE;
  ring = pipelined && n_tiles >= 2 ? PIPELINE_RING : RING;
  vdiff = g_new0 (double, (gsize) ring * stride);
  cdiff = g_new0 (gint32, (gsize) ring * stride);

  /* The waiting removals live in the model's scratch between calls (fresh
   * pages would cost a fault each). Chunk 0 is a full sentinel that ends
   * every list. */
  scratch = lode_liq_model_take_scratch (model);
  if (scratch == NULL)
    scratch = g_new0 (LodeModelScratch, 1);
  pool = scratch->data;
  pool_size = scratch->size / sizeof (BucketChunk);
  if (pool_size < 16)
    {
      pool_size = 16;
      pool = g_renew (BucketChunk, pool, pool_size);
    }
  pool[0].next = 0;
  pool[0].count = BUCKET_CHUNK;
  pool_used = 1;
  head = g_new (guint32, n_tiles);
  for (guint q = 0; q < n_tiles; q++)
    head[q] = 0;

  if (smoothing == SMOOTH_CHANGES)
    {
      sdiff = g_new0 (double, (gsize) stride * TILE);
      scdiff = g_new0 (gint32, (gsize) stride * TILE);
    }
  sum = g_new0 (double, R);
  live = g_new0 (guint32, R);

  lode_liq_model_get_level_arrays (model, &lv);
#if defined (__x86_64__)
  avx512 = simd_path () == LODE_HEATMAP_SIMD_AVX512 && b_max + 1 < G_MAXUINT32;
#endif
  if (avx512)
    {
      col_last32 = g_new (guint32, C + 1);
      for (guint c = c_lo; c <= c_hi; c++)
        col_last32[c] = (guint32) MIN (col_last[c], G_MAXUINT32);
    }

  /* Only levels created in (b − W, b] can be live in S_b (§4 step 4). */
  if (lookback > 0 && (gsize) bcol[c_lo] + 1 > lookback)
    j = (gsize) bcol[c_lo] + 1 - lookback;
  k = lv.first_level[j];

  g = (Gatherer) { lv, bcol, L, run, chunks, block_of, block_base, block_cand, block_chunk,
                   bound, col_first, col_last, col_last32, col_base, col_shift, b_max,
                   pmin, pmax, inv_delta, row_eps, R, side_mask, avx512 };

  ts = (TileSweep) { vdiff, cdiff, sdiff, scdiff, stride, R, C, ring, c_lo, c_hi,
                     col_carry, col_factor, sum, live, out, add, smoothing, kernels };
  if (ring == PIPELINE_RING)
    {
      memset (&pl, 0, sizeof pl);
      pl.ts = &ts;
      pl.g = &g;
      pl.n_tiles = n_tiles;
      pl.j = j;
      g_mutex_init (&pl.lock);
      g_cond_init (&pl.cond);
      sweeper = g_thread_try_new ("lode-heatmap-sweep", pipeline_sweep_thread, &pl, NULL);
      if (sweeper == NULL)
        {
          /* On one thread after all: the ring is wider, the cells the same. */
          g_mutex_clear (&pl.lock);
          g_cond_clear (&pl.cond);
        }
    }

  for (guint c0 = c_lo; c0 < c_hi; c0 += TILE)
    {
      guint width = MIN (TILE, c_hi - c0);
      guint tile = (c0 - c_lo) / TILE;

      /* The levels first shown in this tile's columns. */
      for (guint t = 0; t < width; t++)
        {
          guint c = c0 + t;
          gsize b = (gsize) bcol[c];
          guint bs = block_of[c];
          double *vd = vdiff + (gsize) ((c - c_lo) & (ring - 1)) * stride;
          gint32 *cd = cdiff + (gsize) ((c - c_lo) & (ring - 1)) * stride;
          gboolean done = FALSE;

          if (bs != conv_block)
            {
              double f = 1.0;

              /* Only be ≥ bs is used. Past the first that underflows, all
               * do (the bases fall): one exp() per block at most a dozen
               * times, however many blocks. */
              conv_block = bs;
              for (guint be = bs; be < n_blocks; be++)
                {
                  if (f > 0 && be > bs)
                    f = block_chunk[bs] == block_chunk[be]
                        ? run[block_cand[be]] / run[block_cand[bs]]
                        : exp (block_base[be] - block_base[bs]);
                  conv[be] = f;
                }
            }

          /* Those created up to b_c and live in S_{b_c}: picked out here a
           * few batches at a time, or by the pipeline's sweeper; then
           * written, a stage of its own so that each stage's chains of
           * dependent loads overlap across levels (fused, they measured
           * slower). */
          while (!done)
            {
              const guint32 *b_row, *b_col;
              const double *b_w;
              gsize n_batch;

              if (sweeper != NULL && pipeline_gathers (c, c_lo))
                {
                  const GatherSlot *slot = &pl.slots[tile % GATHER_AHEAD];

                  if (gathered < tile + 1)
                    {
                      pipeline_wait (&pl, &pl.gathered, tile + 1);
                      gathered = tile + 1;
                    }
                  b_row = slot->buf.row + slot->start[t];
                  b_col = slot->buf.col + slot->start[t];
                  b_w = slot->buf.w + slot->start[t];
                  n_batch = slot->count[t];
                  k = lv.first_level[b + 1];
                  done = TRUE;
                }
              else
                {
                  /* Up to BATCH − 1 and then a batch more: within the
                   * stack's arrays, which measured faster than the heap's
                   * (0.5 ms of a year's smoothed grid). */
                  batch.len = 0;
                  done = gather_column (&g, c, &k, &j, &batch, BATCH);
                  b_row = batch.row;
                  b_col = batch.col;
                  b_w = batch.w;
                  n_batch = batch.len;
                }

              for (gsize e = 0; e < n_batch; e++)
                {
                  guint r = b_row[e];
                  guint ce = b_col[e];
                  guint32 key;
                  double w = b_w[e], wr;

                  vd[r] += w;
                  cd[r] += 1;

                  /* The removal, at the first column without it (c_hi: it
                   * outlives the view). */
                  if (ce == c_hi)
                    continue;
                  wr = w * conv[block_of[ce]];
                  key = (guint32) (((ce - c_lo) & (ring - 1)) * stride + r);
                  if (G_LIKELY (ce < c0 + RING))
                    {
                      vdiff[key] -= wr;
                      cdiff[key] -= 1;
                    }
                  else
                    {
                      guint q = (ce - c_lo) / TILE;
                      guint32 ch = head[q];
                      BucketChunk *bc;

                      if (pool[ch].count == BUCKET_CHUNK)
                        {
                          if (pool_used == pool_size)
                            {
                              pool_size *= 2;
                              pool = g_renew (BucketChunk, pool, pool_size);
                            }
                          pool[pool_used].next = ch;
                          pool[pool_used].count = 0;
                          ch = head[q] = (guint32) pool_used++;
                        }
                      bc = &pool[ch];
                      bc->key[bc->count] = key;
                      bc->w[bc->count] = wr;
                      bc->count++;
                    }
                }
            }
        }

      /* The pipeline's sweeper finishes this tile while the next ones'
       * levels come in. The waiting removals below (for tile + 2) and the
       * next tile's levels (tiles + 1 and + 2) go to the slots of tiles
       * tile − 3 and tile − 2 of the ring of four: those must be finished,
       * and the sweeper may lag one tile more. */
      if (sweeper != NULL)
        pipeline_wait (&pl, &pl.swept, tile > 0 ? tile - 1 : 0);
      else
        finish_tile (&ts, tile);

      /* The tile RING columns ahead takes this tile's place in the ring,
       * with the removals that waited for it. */
      if ((c0 - c_lo) / TILE + RING / TILE < n_tiles)
        for (guint32 ch = head[(c0 - c_lo) / TILE + RING / TILE]; ch != 0; ch = pool[ch].next)
          {
            const BucketChunk *bc = &pool[ch];

            for (guint32 e = 0; e < bc->count; e++)
              {
                vdiff[bc->key[e]] -= bc->w[e];
                cdiff[bc->key[e]] -= 1;
              }
          }

      if (sweeper != NULL)
        pipeline_post (&pl, &pl.filled, tile + 1);
    }

  if (sweeper != NULL)
    {
      g_thread_join (sweeper);
      g_mutex_clear (&pl.lock);
      g_cond_clear (&pl.cond);
      for (guint q = 0; q < GATHER_AHEAD; q++)
        level_buf_clear (&pl.slots[q].buf);
    }

  /* Kept for the next view unless it is export-sized. */
  scratch->data = pool;
  scratch->size = pool_size * sizeof (BucketChunk);
  if (scratch->size <= SCRATCH_KEEP_MAX)
    lode_liq_model_return_scratch (model, scratch);
  else
    lode_model_scratch_free (scratch);
}

/* Two copies of the above: the one-thread one with its ring's size a
 * constant, as it was before the pipeline (a variable one measured a few
 * tenths of a millisecond slower for a year). */
static void
accumulate_model (const LodeLiqModel    *model,
                  const gssize          *bcol,
                  const LodeHeatmapView *view,
                  const Kernels         *kernels,
                  Smoothing              smoothing,
                  gboolean               add,
                  guint                  n_threads,
                  float                 *out)
{
  if (n_threads >= 2)
    accumulate_model_inline (model, bcol, view, kernels, smoothing, add, TRUE, out);
  else
    accumulate_model_inline (model, bcol, view, kernels, smoothing, add, FALSE, out);
}

static LodeHeatmap *
heatmap_new (const LodeHeatmapView *view)
{
  LodeHeatmap *self = g_new0 (LodeHeatmap, 1);

  self->columns = view->columns;
  self->rows = view->rows;
  self->cells = g_new (float, MAX ((gsize) view->columns * view->rows, 1));

  return self;
}

static double percentile_and_max (const float *values,
                                  gsize        n,
                                  double       q,
                                  float       *max_out);

/* §6: the reference value and the largest cell. */
static void
finish (LodeHeatmap *self)
{
  float max;

  self->reference = percentile_and_max (self->cells, (gsize) self->columns * self->rows,
                                        0.99, &max);
  self->max = max;
}

static gboolean
view_is_valid (const LodeHeatmapView *view)
{
  /* A removal's key is a ring index, in 32 bits: rows below 2^26 (such a
   * grid could not be allocated anyway). */
  return view->columns > 0 && view->rows > 0 && view->rows < G_MAXUINT32 / RING
         && isfinite (view->price_min) && isfinite (view->price_max)
         && view->price_max > view->price_min
         && view->mode <= LODE_RENDER_MODE_SHORT;
}

/* §6 σ in rows is 0.1 % of the price over δ. Up to SMOOTH_AFTER_REACH
 * (⌊3σ⌋ rows, as in a view of months or more) nearly every row changes
 * from one column to the next, and the finished cells are smoothed along
 * their rows in float, many columns to a vector. Wider kernels (zoomed
 * views, where few rows change) are spread per column from the changes, at
 * a cost that does not grow with σ. Both are exact. */
#define SMOOTH_AFTER_REACH 8

static Smoothing
smoothing_of (const LodeHeatmapView *view)
{
  double delta = (view->price_max - view->price_min) / view->rows;
  double top = MAX (row_sigma (view->price_min, delta, 0),
                    row_sigma (view->price_min, delta, view->rows - 1));

  if (view->mode != LODE_RENDER_MODE_SMOOTHED)
    return SMOOTH_NONE;

  return floor (3.0 * top) <= SMOOTH_AFTER_REACH ? SMOOTH_TILES : SMOOTH_CHANGES;
}

LodeHeatmap *
lode_heatmap_compute (const LodeLiqModel    *model,
                      const LodeHeatmapView *view)
{
  return lode_heatmap_compute_threaded (model, view, 1);
}

LodeHeatmap *
lode_heatmap_compute_threaded (const LodeLiqModel    *model,
                               const LodeHeatmapView *view,
                               guint                  n_threads)
{
  g_autoptr(LodeHeatmap) self = NULL;
  g_autofree gssize *bcol = NULL;
  Kernels kernels = { NULL, };
  Smoothing smoothing;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (view != NULL, NULL);
  g_return_val_if_fail (view_is_valid (view), NULL);

  self = heatmap_new (view);
  bcol = g_new (gssize, view->columns);
  for (guint c = 0; c < view->columns; c++)
    bcol[c] = lode_heatmap_view_get_candle (view, c);

  smoothing = smoothing_of (view);
  if (smoothing != SMOOTH_NONE)
    kernels_init (&kernels, view->rows, view->price_min,
                  (view->price_max - view->price_min) / view->rows);
  accumulate_model (model, bcol, view, &kernels, smoothing, FALSE, n_threads, self->cells);
  kernels_clear (&kernels);
  finish (self);

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
  Kernels kernels = { NULL, };
  const LodeMarket *primary;
  gsize n0;
  Smoothing smoothing;

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
  /* §6 smoothing is linear: per column, each venue's grid is smoothed on
   * its own; by tiles, the sum of the venues' grids is, once made. */
  smoothing = smoothing_of (view);
  if (smoothing != SMOOTH_NONE)
    kernels_init (&kernels, view->rows, view->price_min,
                  (view->price_max - view->price_min) / view->rows);
  accumulate_model (models[0], bcol, view, &kernels,
                    smoothing == SMOOTH_CHANGES ? SMOOTH_CHANGES : SMOOTH_NONE,
                    FALSE, 1, self->cells);

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
      accumulate_model (models[m], bother, view, &kernels,
                        smoothing == SMOOTH_CHANGES ? SMOOTH_CHANGES : SMOOTH_NONE,
                        TRUE, 1, self->cells);
    }

  if (smoothing == SMOOTH_TILES)
    smooth_exact (self->cells, view->columns, view->columns, view->rows, &kernels);
  kernels_clear (&kernels);
  finish (self);

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

static void
kernels_init (Kernels *k,
              guint    rows,
              double   price_min,
              double   delta)
{
  g_autofree double *g = NULL;
  gsize capacity = 0;
  gsize total = 0;

  k->reach = g_new (guint, rows);
  k->offset = g_new (gsize, rows);
  for (guint r = 0; r < rows; r++)
    {
      guint radius = (guint) floor (3.0 * row_sigma (price_min, delta, r));

      k->reach[r] = MIN (radius, rows - 1);
      k->offset[r] = total;
      total += 2 * (gsize) k->reach[r] + 1;
    }

  k->weight = g_new (double, total);
  for (guint r = 0; r < rows; r++)
    {
      double sigma = row_sigma (price_min, delta, r);
      guint radius = (guint) floor (3.0 * sigma);
      double *w = k->weight + k->offset[r] + k->reach[r];
      double sum;

      if (radius + 1 > capacity)
        {
          capacity = radius + 1;
          g = g_renew (double, g, capacity);
        }
      sum = half_kernel (sigma, radius, g);
      for (guint o = 0; o <= k->reach[r]; o++)
        w[o] = w[-(gssize) o] = g[o] / sum;
    }
}

static void
kernels_clear (Kernels *k)
{
  g_clear_pointer (&k->reach, g_free);
  g_clear_pointer (&k->offset, g_free);
  g_clear_pointer (&k->weight, g_free);
}

/* dst[c] = Σ_j w[j] · src[j][c] for c in [@c, @end), one column at a time:
 * the columns the vector loops below leave over, in the same order of j. */
static inline __attribute__ ((always_inline)) void
gather_columns (float              *restrict dst,
                const float *const *restrict src,
                const float        *restrict w,
                guint                        n_src,
                guint                        c,
                guint                        end)
{
  for (; c < end; c++)
    {
      float acc = 0;

      for (guint j = 0; j < n_src; j++)
        acc += w[j] * src[j][c];
      dst[c] = acc;
    }
}

/* One destination row: dst[c] = Σ_j w[j] · src[j][c], summed in the order
 * of j from 0 in float, eight columns at a time in two SSE2 registers (the
 * build's -O2 only vectorises loops whose trip count needs no scalar
 * remainder, and keeps a wider vector in memory). */
static void
gather_row_sse2 (float              *restrict dst,
                 const float *const *restrict src,
                 const float        *restrict w,
                 guint                        n_src,
                 guint                        columns)
{
  guint c = 0;

  for (; c + 8 <= columns; c += 8)
    {
      LodeFloat4 acc0 = { 0, }, acc1 = { 0, };

      for (guint j = 0; j < n_src; j++)
        {
          LodeFloat4 x0, x1;

          memcpy (&x0, src[j] + c, sizeof x0);
          memcpy (&x1, src[j] + c + 4, sizeof x1);
          acc0 += w[j] * x0;
          acc1 += w[j] * x1;
        }
      memcpy (dst + c, &acc0, sizeof acc0);
      memcpy (dst + c + 4, &acc1, sizeof acc1);
    }
  gather_columns (dst, src, w, n_src, c, columns);
}

#if defined (__x86_64__) || defined (__i386__)
typedef float LodeFloat8 __attribute__ ((vector_size (32)));

/* gather_row_sse2() sixteen columns at a time in two AVX2 registers, for
 * processors that have them (the build's baseline is SSE2): the same
 * products and sums in the same order, so the same cells. No FMA, which
 * would round each product and sum once instead of twice. */
__attribute__ ((target ("avx2")))
static void
gather_row_avx2 (float              *restrict dst,
                 const float *const *restrict src,
                 const float        *restrict w,
                 guint                        n_src,
                 guint                        columns)
{
  guint c = 0;

  for (; c + 16 <= columns; c += 16)
    {
      LodeFloat8 acc0 = { 0, }, acc1 = { 0, };

      for (guint j = 0; j < n_src; j++)
        {
          LodeFloat8 x0, x1;

          memcpy (&x0, src[j] + c, sizeof x0);
          memcpy (&x1, src[j] + c + 8, sizeof x1);
          acc0 += w[j] * x0;
          acc1 += w[j] * x1;
        }
      memcpy (dst + c, &acc0, sizeof acc0);
      memcpy (dst + c + 8, &acc1, sizeof acc1);
    }
  gather_columns (dst, src, w, n_src, c, columns);
}

#if defined (__x86_64__)
/* The same, sixty-four columns (a tile's width) at a time in four AVX-512
 * registers, then sixteen, then the rest in a masked one. The products and
 * sums are the zero-masked forms, which GCC never contracts into a fused
 * multiply-add (under this target it would, plain vector arithmetic or
 * scalar). */
__attribute__ ((target ("avx512f")))
static inline __m512
madd16 (__m512 acc,
        __m512 w,
        __m512 x)
{
  return _mm512_maskz_add_ps (0xffff, acc, _mm512_maskz_mul_ps (0xffff, w, x));
}

__attribute__ ((target ("avx512f")))
static void
gather_row_avx512 (float              *restrict dst,
                   const float *const *restrict src,
                   const float        *restrict w,
                   guint                        n_src,
                   guint                        columns)
{
  guint c = 0;

  for (; c + 64 <= columns; c += 64)
    {
      __m512 acc0 = _mm512_setzero_ps (), acc1 = acc0, acc2 = acc0, acc3 = acc0;

      for (guint j = 0; j < n_src; j++)
        {
          __m512 wj = _mm512_set1_ps (w[j]);

          acc0 = madd16 (acc0, wj, _mm512_loadu_ps (src[j] + c));
          acc1 = madd16 (acc1, wj, _mm512_loadu_ps (src[j] + c + 16));
          acc2 = madd16 (acc2, wj, _mm512_loadu_ps (src[j] + c + 32));
          acc3 = madd16 (acc3, wj, _mm512_loadu_ps (src[j] + c + 48));
        }
      _mm512_storeu_ps (dst + c, acc0);
      _mm512_storeu_ps (dst + c + 16, acc1);
      _mm512_storeu_ps (dst + c + 32, acc2);
      _mm512_storeu_ps (dst + c + 48, acc3);
    }
  for (; c < columns; c += 16)
    {
      __mmask16 lanes = c + 16 <= columns ? 0xffff : (__mmask16) ((1u << (columns - c)) - 1);
      __m512 acc = _mm512_setzero_ps ();

      for (guint j = 0; j < n_src; j++)
        acc = madd16 (acc, _mm512_set1_ps (w[j]), _mm512_maskz_loadu_ps (lanes, src[j] + c));
      _mm512_mask_storeu_ps (dst + c, lanes, acc);
    }
}
#endif /* __x86_64__ */
#endif

typedef void (*GatherRowFunc) (float              *restrict dst,
                               const float *const *restrict src,
                               const float        *restrict w,
                               guint                        n_src,
                               guint                        columns);

/* Whether any of @columns cells is not zero: four at a time, without
 * the branch per cell that a row of zeros mostly mispredicts. */
static gboolean
row_nonzero (const float *in,
             guint        columns)
{
  const LodeFloat4 zero = { 0, 0, 0, 0 };
  LodeInt4 any = { 0, 0, 0, 0 };
  guint c = 0;

  for (; c + 4 <= columns; c += 4)
    {
      LodeFloat4 v;

      memcpy (&v, in + c, sizeof v);
      any |= v != zero;
    }
  for (; c < columns; c++)
    any[0] |= in[c] != 0;

  return (any[0] | any[1] | any[2] | any[3]) != 0;
}

/* Exact, in place, for @columns columns of rows @stride floats apart:
 * destination rows in order, each gathered from the source rows within the
 * largest reach of @k, with the source rows it has already overwritten
 * kept in a ring of max_reach + 1 rows. O(R · 6σ · C), and no copy of the
 * grid. A run of columns is smoothed on its own as it would be in the
 * whole grid (the rows are independent columns apart). */
static void
smooth_exact (float         *cells,
              guint          columns,
              gsize          stride,
              guint          rows,
              const Kernels *k)
{
  g_autofree gboolean *nonzero = g_new (gboolean, rows);
  g_autofree float *ring = NULL;
  g_autofree const float **src = NULL;
  g_autofree float *w = NULL;
  guint max_reach = 0;
  guint ring_rows;
  GatherRowFunc gather_row = gather_row_sse2;

#if defined (__x86_64__)
  if (simd_path () == LODE_HEATMAP_SIMD_AVX512)
    gather_row = gather_row_avx512;
#endif
#if defined (__x86_64__) || defined (__i386__)
  if (simd_path () == LODE_HEATMAP_SIMD_AVX2)
    gather_row = gather_row_avx2;
#endif

  for (guint r = 0; r < rows; r++)
    {
      const float *in = cells + r * stride;

      nonzero[r] = row_nonzero (in, columns);
      max_reach = MAX (max_reach, k->reach[r]);
    }

  ring_rows = max_reach + 1;
  ring = g_new (float, (gsize) ring_rows * columns);
  src = g_new (const float *, 2 * (gsize) max_reach + 1);
  w = g_new (float, 2 * (gsize) max_reach + 1);

  for (guint t = 0; t < rows; t++)
    {
      guint lo = t > max_reach ? t - max_reach : 0;
      guint hi = MIN (rows - 1, t + max_reach);
      guint n_src = 0;

      memcpy (ring + (gsize) (t % ring_rows) * columns,
              cells + t * stride, columns * sizeof (float));

      /* Rows of zeros add nothing; left out, with the same sums. */
      for (guint r = lo; r <= hi; r++)
        {
          guint o = r > t ? r - t : t - r;

          if (!nonzero[r] || o > k->reach[r])
            continue;
          src[n_src] = r <= t ? ring + (gsize) (r % ring_rows) * columns
                              : cells + r * stride;
          w[n_src] = (float) k->weight[k->offset[r] + k->reach[r] + o];
          n_src++;
        }

      if (n_src > 0)
        gather_row (cells + t * stride, src, w, n_src, columns);
      else
        memset (cells + t * stride, 0, columns * sizeof (float));
    }
}

/* Exact for every σ (the heatmap itself smooths its columns as it makes
 * them, see accumulate_model(); this serves single profiles and tests). */
void
lode_heatmap_smooth_rows (float  *cells,
                          guint   columns,
                          guint   rows,
                          double  price_min,
                          double  price_max)
{
  Kernels k;

  g_return_if_fail (cells != NULL || columns == 0 || rows == 0);

  if (columns == 0 || rows == 0 || !(price_max > price_min))
    return;

  kernels_init (&k, rows, price_min, (price_max - price_min) / rows);
  smooth_exact (cells, columns, columns, rows, &k);
  kernels_clear (&k);
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

#define SAMPLE_SIZE 8192

#if defined (__x86_64__)
/* percentile_bracketed()'s pass in AVX-512, sixteen values at a time: the
 * same counts, largest value and kept values (in order), packed by the
 * processor's compress into @kept, which has room for @cap + 16. Returns
 * how many values it took (a multiple of sixteen), or G_MAXSIZE if more
 * than @cap were kept. */
__attribute__ ((target ("avx512f")))
static gsize
bracket_pass_avx512 (const float *values,
                     gsize        n,
                     float        lo,
                     float        hi,
                     float       *kept,
                     gsize        cap,
                     gsize       *n_kept,
                     gsize       *m,
                     gsize       *below,
                     float       *max)
{
  const __m512 zero = _mm512_setzero_ps ();
  const __m512 vlo = _mm512_set1_ps (lo);
  const __m512 vhi = _mm512_set1_ps (hi);
  __m512 vmax = zero;
  gsize i = 0, nk = *n_kept, nm = 0, nb = 0;

  for (; i + 16 <= n; i += 16)
    {
      __m512 v = _mm512_loadu_ps (values + i);
      __mmask16 nonzero = _mm512_cmp_ps_mask (v, zero, _CMP_NEQ_OQ);
      __mmask16 inside = _mm512_mask_cmp_ps_mask (nonzero, v, vlo, _CMP_GE_OQ)
                         & _mm512_cmp_ps_mask (v, vhi, _CMP_LE_OQ);

      nm += __builtin_popcount (nonzero);
      nb += __builtin_popcount (_mm512_mask_cmp_ps_mask (nonzero, v, vlo, _CMP_LT_OQ));
      vmax = _mm512_maskz_max_ps (0xffff, v, vmax);
      if (inside != 0)
        {
          if (nk > cap)
            return G_MAXSIZE;
          _mm512_storeu_ps (kept + nk, _mm512_maskz_compress_ps (inside, v));
          nk += __builtin_popcount (inside);
        }
    }
  if (nk > cap)
    return G_MAXSIZE;
  {
    float lanes[16];

    _mm512_storeu_ps (lanes, vmax);
    for (guint h = 0; h < 16; h++)
      *max = lanes[h] > *max ? lanes[h] : *max;
  }
  *n_kept = nk;
  *m += nm;
  *below += nb;

  return i;
}
#endif

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

  /* ±6 binomial standard deviations of the sample rank, plus some; the two
   * sample values by selection (the sample's order is not needed). */
  ks = (gsize) (CLAMP (q, 0.0, 1.0) * n_sample);
  margin = (gsize) (6.0 * sqrt (n_sample * q * (1.0 - q) + 1.0)) + 8;
  lo = select_kth (sample, n_sample, (ks > margin ? ks - margin : 0) + 1);
  hi = select_kth (sample, n_sample, MIN (ks + margin, n_sample - 1) + 1);

  /* Room for what the sample suggests, and more; overflow → give up. */
  {
    gsize cap = (gsize) ((double) (2 * margin + 1) / n_sample * n * 4) + 1024;
    const LodeFloat4 zero = { 0, 0, 0, 0 };
    const LodeFloat4 vlo = { lo, lo, lo, lo };
    const LodeFloat4 vhi = { hi, hi, hi, hi };
    LodeFloat4 vmax = zero;
    gsize i = 0;

    kept = g_new (float, cap + 16);
#if defined (__x86_64__)
    if (simd_path () == LODE_HEATMAP_SIMD_AVX512)
      {
        i = bracket_pass_avx512 (values, n, lo, hi, kept, cap, &n_kept, &m, &below, &max);
        if (i == G_MAXSIZE)
          return FALSE;
      }
#endif
    /* Four values to an SSE2 vector, counted in 32-bit lanes added up
     * every 2^30 values; the few inside the bracket are kept one by one. */
    while (i + 4 <= n)
      {
        gsize block_end = i + MIN ((n - i) / 4 * 4, (gsize) 1 << 30);
        LodeInt4 vm = { 0, }, vbelow = { 0, };

        for (; i < block_end; i += 4)
          {
            LodeFloat4 v;
            LodeInt4 nonzero, inside, above;

            memcpy (&v, values + i, sizeof v);
            nonzero = (v != zero) & (v == v);
            vm -= nonzero;
            vbelow -= nonzero & (v < vlo);
            inside = nonzero & (v >= vlo) & (v <= vhi);
            above = v > vmax;
            vmax = (LodeFloat4) (((LodeInt4) v & above) | ((LodeInt4) vmax & ~above));
            if (G_UNLIKELY (inside[0] | inside[1] | inside[2] | inside[3]))
              {
                if (n_kept + 4 > cap)
                  return FALSE;
                for (guint h = 0; h < 4; h++)
                  {
                    kept[n_kept] = v[h];
                    n_kept += inside[h] & 1;
                  }
              }
          }
        for (guint h = 0; h < 4; h++)
          {
            m += (guint32) vm[h];
            below += (guint32) vbelow[h];
          }
      }
    for (guint h = 0; h < 4; h++)
      max = vmax[h] > max ? vmax[h] : max;

    for (; i < n; i++)
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
