/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lode-level-set.h"

struct _LodeLevelSet
{
  gatomicrefcount ref_count;
  LodeLevel      *levels;    /* ascending by price */
  gsize           n_levels;
  double          close;
  /* prefix[side][k] = Σ amounts of @side among levels[0 .. k), so a price
   * range is two binary searches and one subtraction. */
  double         *prefix[2];
};

static int
compare_levels (const void *a,
                const void *b)
{
  const LodeLevel *la = a;
  const LodeLevel *lb = b;

  /* Total order, so that equal inputs give byte-identical sets. */
  if (la->price != lb->price)
    return la->price < lb->price ? -1 : 1;
  if (la->side != lb->side)
    return la->side < lb->side ? -1 : 1;
  if (la->created_ms != lb->created_ms)
    return la->created_ms < lb->created_ms ? -1 : 1;
  if (la->amount_usd != lb->amount_usd)
    return la->amount_usd < lb->amount_usd ? -1 : 1;

  return 0;
}

/* Orders @levels like compare_levels(), fast enough for snapshots of
 * hundreds of thousands of levels: a stable LSD radix sort (three passes of
 * 11 bits) on the top 32 bits of an order-preserving key of the price,
 * packed with the index into one 64-bit word, then insertion sort inside
 * the rare runs whose coarse keys tie. Returns a new array. */
static LodeLevel *
sort_levels (LodeLevel *levels,
             gsize      n)
{
  g_autofree guint64 *a = NULL;
  g_autofree guint64 *b = NULL;
  g_autofree gsize *count = NULL;
  LodeLevel *out;

  if (n < 64 || n > G_MAXUINT32)
    {
      qsort (levels, n, sizeof (LodeLevel), compare_levels);
      return levels;
    }

  a = g_new (guint64, n);
  b = g_new (guint64, n);
  count = g_new (gsize, 2048);
  for (gsize k = 0; k < n; k++)
    {
      guint64 bits;

      memcpy (&bits, &levels[k].price, sizeof bits);
      bits = (bits & G_GUINT64_CONSTANT (0x8000000000000000)) ? ~bits
             : bits | G_GUINT64_CONSTANT (0x8000000000000000);
      a[k] = (bits & G_GUINT64_CONSTANT (0xffffffff00000000)) | k;
    }

  for (guint shift = 32; shift < 64; shift += 11)
    {
      gsize sum = 0;
      guint64 *tmp;

      memset (count, 0, 2048 * sizeof (gsize));
      for (gsize k = 0; k < n; k++)
        count[(a[k] >> shift) & 2047]++;
      for (guint d = 0; d < 2048; d++)
        {
          gsize c = count[d];

          count[d] = sum;
          sum += c;
        }
      for (gsize k = 0; k < n; k++)
        b[count[(a[k] >> shift) & 2047]++] = a[k];
      tmp = a;
      a = b;
      b = tmp;
    }

  out = g_new (LodeLevel, n);
  for (gsize k = 0; k < n; k++)
    out[k] = levels[a[k] & 0xffffffff];
  g_free (levels);

  for (gsize k = 1; k < n; k++)
    {
      if ((a[k] >> 32) == (a[k - 1] >> 32))
        {
          gsize m = k;

          while (m > 0 && (a[m - 1] >> 32) == (a[k] >> 32) && compare_levels (&out[m - 1], &out[m]) > 0)
            {
              LodeLevel t = out[m];

              out[m] = out[m - 1];
              out[m - 1] = t;
              m--;
            }
        }
    }

  return out;
}

static LodeLevelSet *
level_set_new_take (LodeLevel *levels,
                    gsize      n_levels,
                    double     close)
{
  LodeLevelSet *self = g_new0 (LodeLevelSet, 1);

  if (n_levels > 1)
    levels = sort_levels (levels, n_levels);

  g_atomic_ref_count_init (&self->ref_count);
  self->levels = levels;
  self->n_levels = n_levels;
  self->close = close;

  for (guint s = 0; s < 2; s++)
    {
      double sum = 0;

      self->prefix[s] = g_new (double, n_levels + 1);
      self->prefix[s][0] = 0;
      for (gsize k = 0; k < n_levels; k++)
        {
          if (levels[k].side == (LodeSide) s)
            sum += levels[k].amount_usd;
          self->prefix[s][k + 1] = sum;
        }
    }

  return self;
}

LodeLevelSet *
lode_level_set_new (const LodeLevel *levels,
                    gsize            n_levels,
                    double           close)
{
  g_return_val_if_fail (levels != NULL || n_levels == 0, NULL);

  return level_set_new_take (g_memdup2 (levels, n_levels * sizeof (LodeLevel)),
                             n_levels, close);
}

LodeLevelSet *
lode_level_set_merge (LodeLevelSet *const *sets,
                      guint                n_sets)
{
  LodeLevel *all;
  gsize n = 0;

  g_return_val_if_fail (sets != NULL && n_sets > 0, NULL);

  for (guint s = 0; s < n_sets; s++)
    n += sets[s]->n_levels;

  all = g_new (LodeLevel, MAX (n, 1));
  n = 0;
  for (guint s = 0; s < n_sets; s++)
    {
      if (sets[s]->n_levels > 0)
        memcpy (all + n, sets[s]->levels, sets[s]->n_levels * sizeof (LodeLevel));
      n += sets[s]->n_levels;
    }

  return level_set_new_take (all, n, sets[0]->close);
}

LodeLevelSet *
lode_level_set_ref (LodeLevelSet *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
lode_level_set_unref (LodeLevelSet *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->levels);
      g_free (self->prefix[0]);
      g_free (self->prefix[1]);
      g_free (self);
    }
}

const LodeLevel *
lode_level_set_get_levels (const LodeLevelSet *self,
                           gsize              *n_levels)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (n_levels != NULL)
    *n_levels = self->n_levels;

  return self->levels;
}

double
lode_level_set_get_close (const LodeLevelSet *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->close;
}

double
lode_level_set_get_total (const LodeLevelSet *self,
                          LodeSide            side)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (side <= LODE_SIDE_SHORT, 0);

  return self->prefix[side][self->n_levels];
}

/* Number of levels with price < @price (@inclusive: ≤ @price). */
static gsize
count_below (const LodeLevelSet *self,
             double              price,
             gboolean            inclusive)
{
  gsize lo = 0;
  gsize hi = self->n_levels;

  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;
      double p = self->levels[mid].price;

      if (p < price || (inclusive && p == price))
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

double
lode_level_set_fuel (const LodeLevelSet *self,
                     double              price)
{
  g_return_val_if_fail (self != NULL, 0);

  /* §7: both ends inclusive; at exactly the close this is the long side. */
  if (price <= self->close)
    return self->prefix[LODE_SIDE_LONG][count_below (self, self->close, TRUE)]
           - self->prefix[LODE_SIDE_LONG][count_below (self, price, FALSE)];
  else
    return self->prefix[LODE_SIDE_SHORT][count_below (self, price, TRUE)]
           - self->prefix[LODE_SIDE_SHORT][count_below (self, self->close, FALSE)];
}

double
lode_level_set_sum_range (const LodeLevelSet *self,
                          LodeSide            side,
                          double              lo,
                          double              hi)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (side <= LODE_SIDE_SHORT, 0);

  if (!(hi > lo))
    return 0;

  return self->prefix[side][count_below (self, hi, FALSE)]
         - self->prefix[side][count_below (self, lo, FALSE)];
}
