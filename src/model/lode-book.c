/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "lode-book.h"

/* A default depth profile never has more rows than this; past it the
 * bucket grows instead (as for the liquidation profile). */
#define MAX_DEFAULT_ROWS (1u << 20)

struct _LodeBook
{
  gatomicrefcount ref_count;
  gint64          time_ms;
  /* Per side, outward from the spread: bids descending, asks ascending. */
  LodeBookLevel  *levels[2];
  gsize           n_levels[2];
  /* prefix[side][k] = Σ notional of levels[side][0 .. k): a price range
   * or a depth query is a binary search and a subtraction. */
  double         *prefix[2];
};

G_DEFINE_BOXED_TYPE (LodeBook, lode_book, lode_book_ref, lode_book_unref)


static int
compare_ascending (const void *a,
                   const void *b)
{
  double pa = ((const LodeBookLevel *) a)->price;
  double pb = ((const LodeBookLevel *) b)->price;

  return pa < pb ? -1 : pa > pb ? 1 : 0;
}

static int
compare_descending (const void *a,
                    const void *b)
{
  return compare_ascending (b, a);
}

/* Copies the usable levels of @in, sorted outward and with equal prices
 * summed, into the side's arrays. */
static void
side_init (LodeBook            *self,
           LodeBookSide         side,
           const LodeBookLevel *in,
           gsize                n_in)
{
  LodeBookLevel *out = g_new (LodeBookLevel, MAX (n_in, 1));
  gsize n = 0, merged = 0;

  for (gsize k = 0; k < n_in; k++)
    {
      /* Empty and malformed levels carry no liquidity; a book from the
       * network may hold either. */
      if (!(isfinite (in[k].price) && in[k].price > 0.0
            && isfinite (in[k].notional_usd) && in[k].notional_usd > 0.0))
        continue;
      out[n++] = in[k];
    }

  qsort (out, n, sizeof (LodeBookLevel),
         side == LODE_BOOK_BID ? compare_descending : compare_ascending);

  for (gsize k = 0; k < n; k++)
    {
      if (merged > 0 && out[merged - 1].price == out[k].price)
        out[merged - 1].notional_usd += out[k].notional_usd;
      else
        out[merged++] = out[k];
    }

  self->levels[side] = out;
  self->n_levels[side] = merged;
  self->prefix[side] = g_new (double, merged + 1);
  self->prefix[side][0] = 0.0;
  for (gsize k = 0; k < merged; k++)
    self->prefix[side][k + 1] = self->prefix[side][k] + out[k].notional_usd;
}

LodeBook *
lode_book_new (const LodeBookLevel *bids,
               gsize                n_bids,
               const LodeBookLevel *asks,
               gsize                n_asks,
               gint64               time_ms)
{
  LodeBook *self;

  g_return_val_if_fail (bids != NULL || n_bids == 0, NULL);
  g_return_val_if_fail (asks != NULL || n_asks == 0, NULL);

  self = g_new0 (LodeBook, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->time_ms = time_ms;
  side_init (self, LODE_BOOK_BID, bids, n_bids);
  side_init (self, LODE_BOOK_ASK, asks, n_asks);

  return self;
}

LodeBook *
lode_book_merge (LodeBook *const *books,
                 guint            n_books)
{
  g_autoptr(GArray) bids = g_array_new (FALSE, FALSE, sizeof (LodeBookLevel));
  g_autoptr(GArray) asks = g_array_new (FALSE, FALSE, sizeof (LodeBookLevel));
  GArray *all[2] = { bids, asks };
  gint64 time_ms = 0;

  g_return_val_if_fail (books != NULL || n_books == 0, NULL);

  for (guint i = 0; i < n_books; i++)
    {
      g_return_val_if_fail (books[i] != NULL, NULL);

      time_ms = MAX (time_ms, books[i]->time_ms);
      for (int side = 0; side < 2; side++)
        g_array_append_vals (all[side], books[i]->levels[side], books[i]->n_levels[side]);
    }

  return lode_book_new ((const LodeBookLevel *) (gconstpointer) bids->data, bids->len,
                        (const LodeBookLevel *) (gconstpointer) asks->data, asks->len,
                        time_ms);
}

LodeBook *
lode_book_ref (LodeBook *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
lode_book_unref (LodeBook *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  for (int side = 0; side < 2; side++)
    {
      g_free (self->levels[side]);
      g_free (self->prefix[side]);
    }
  g_free (self);
}

const LodeBookLevel *
lode_book_get_levels (const LodeBook *self,
                      LodeBookSide    side,
                      gsize          *n_levels)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (side <= LODE_BOOK_ASK, NULL);

  if (n_levels != NULL)
    *n_levels = self->n_levels[side];

  return self->levels[side];
}

gint64
lode_book_get_time (const LodeBook *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->time_ms;
}

/* The number of @side's levels, counted outward, that lie before @price:
 * for bids those above it, for asks those below it; with @inclusive,
 * those at @price too. */
static gsize
count_before (const LodeBook *self,
              LodeBookSide    side,
              double          price,
              gboolean        inclusive)
{
  const LodeBookLevel *levels = self->levels[side];
  gsize lo = 0, hi = self->n_levels[side];

  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;
      double p = levels[mid].price;
      gboolean before = side == LODE_BOOK_BID ? p > price : p < price;

      if (before || (inclusive && p == price))
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

double
lode_book_sum_range (const LodeBook *self,
                     LodeBookSide    side,
                     double          lo,
                     double          hi)
{
  gsize first, end;

  g_return_val_if_fail (self != NULL, 0.0);
  g_return_val_if_fail (side <= LODE_BOOK_ASK, 0.0);

  if (!(hi >= lo))
    return 0.0;

  /* Outward order: bids start at the high end, asks at the low end. */
  if (side == LODE_BOOK_BID)
    {
      first = count_before (self, side, hi, FALSE);
      end = count_before (self, side, lo, TRUE);
    }
  else
    {
      first = count_before (self, side, lo, FALSE);
      end = count_before (self, side, hi, TRUE);
    }

  return end > first ? self->prefix[side][end] - self->prefix[side][first] : 0.0;
}

double
lode_book_price_for_depth (const LodeBook *self,
                           LodeBookSide    side,
                           double          from,
                           double          notional_usd,
                           gboolean       *reached)
{
  const double *prefix;
  gsize first, lo, hi, n;

  g_return_val_if_fail (self != NULL, from);
  g_return_val_if_fail (side <= LODE_BOOK_ASK, from);

  if (reached != NULL)
    *reached = TRUE;
  if (!(notional_usd > 0.0))
    return from;

  n = self->n_levels[side];
  prefix = self->prefix[side];
  first = count_before (self, side, from, FALSE);
  if (first == n || prefix[n] - prefix[first] < notional_usd)
    {
      if (reached != NULL)
        *reached = FALSE;
      return first < n ? self->levels[side][n - 1].price : from;
    }

  /* The least j ≥ first with Σ levels[first .. j] ≥ @notional_usd; the
   * sums only grow (every level is positive). */
  lo = first;
  hi = n - 1;
  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;

      if (prefix[mid + 1] - prefix[first] >= notional_usd)
        hi = mid;
      else
        lo = mid + 1;
    }

  return self->levels[side][lo].price;
}

const char *
lode_book_side_to_string (LodeBookSide side)
{
  return side == LODE_BOOK_BID ? "bid" : "ask";
}

/* Depth profile ------------------------------------------------------------ */

static LodeDepthProfile *
depth_profile_new (const LodeBook *book,
                   double          price_min,
                   double          bucket,
                   guint           rows)
{
  LodeDepthProfile *self = g_new0 (LodeDepthProfile, 1);
  double price_max = price_min + bucket * rows;

  self->price_min = price_min;
  self->bucket = bucket;
  self->rows = rows;
  self->bid_usd = g_new0 (double, MAX (rows, 1));
  self->ask_usd = g_new0 (double, MAX (rows, 1));

  for (int side = 0; side < 2; side++)
    {
      double *out = side == LODE_BOOK_BID ? self->bid_usd : self->ask_usd;

      for (gsize k = 0; k < book->n_levels[side]; k++)
        {
          double p = book->levels[side][k].price;
          double r;

          /* The row rule of lode_profile_new() (§5): row r is
           * [min + r·δ, min + (r + 1)·δ) as computed in double. */
          if (!(p >= price_min && p < price_max))
            continue;
          r = floor ((p - price_min) / bucket);
          if (r > 0 && p < price_min + r * bucket)
            r--;
          else if (r + 1 < rows && p >= price_min + (r + 1) * bucket)
            r++;
          if (r >= rows)
            r = rows - 1;

          out[(guint) r] += book->levels[side][k].notional_usd;
        }
    }

  return self;
}

LodeDepthProfile *
lode_depth_profile_new (const LodeBook *book,
                        double          price_min,
                        double          price_max,
                        guint           rows)
{
  g_return_val_if_fail (book != NULL, NULL);
  g_return_val_if_fail (rows > 0, NULL);
  g_return_val_if_fail (isfinite (price_min) && isfinite (price_max) && price_max > price_min, NULL);

  return depth_profile_new (book, price_min, (price_max - price_min) / rows, rows);
}

LodeDepthProfile *
lode_depth_profile_new_default (const LodeBook *book,
                                double          close)
{
  double bucket, lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE, span;
  guint rows;

  g_return_val_if_fail (book != NULL, NULL);
  g_return_val_if_fail (isfinite (close) && close > 0.0, NULL);

  /* §7: δ = 0.05 % of the close. */
  bucket = 0.0005 * close;
  for (int side = 0; side < 2; side++)
    {
      gsize n = book->n_levels[side];

      if (n == 0)
        continue;
      /* Outward order: the first level is the nearest, the last the deepest. */
      lo = MIN (lo, MIN (book->levels[side][0].price, book->levels[side][n - 1].price));
      hi = MAX (hi, MAX (book->levels[side][0].price, book->levels[side][n - 1].price));
    }
  if (lo > hi)
    return depth_profile_new (book, close, bucket, 1);

  span = hi - lo;
  while (span / bucket + 1 > MAX_DEFAULT_ROWS)
    bucket *= 2;

  rows = (guint) floor (span / bucket) + 1;
  /* The highest level must fall inside the last row, whatever the
   * rounding of the division. */
  while (lo + rows * bucket <= hi)
    rows++;

  return depth_profile_new (book, lo, bucket, rows);
}

void
lode_depth_profile_free (LodeDepthProfile *self)
{
  if (self == NULL)
    return;

  g_free (self->bid_usd);
  g_free (self->ask_usd);
  g_free (self);
}
