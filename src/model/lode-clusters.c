/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>

#include "lode-clusters.h"
#include "lode-heatmap.h"

/* A default profile never has more rows than this; past it (levels spread
 * over several orders of magnitude of price) the bucket grows instead. */
#define MAX_DEFAULT_ROWS (1u << 20)

static LodeProfile *
profile_new (const LodeLevelSet *set,
             double              price_min,
             double              bucket,
             guint               rows)
{
  LodeProfile *self = g_new0 (LodeProfile, 1);
  const LodeLevel *levels;
  gsize n;
  double price_max = price_min + bucket * rows;

  self->price_min = price_min;
  self->bucket = bucket;
  self->rows = rows;
  self->long_usd = g_new0 (double, MAX (rows, 1));
  self->short_usd = g_new0 (double, MAX (rows, 1));
  self->close = lode_level_set_get_close (set);

  levels = lode_level_set_get_levels (set, &n);
  for (gsize k = 0; k < n; k++)
    {
      double p = levels[k].price;
      double r;

      /* The same row rule as the heatmap (§5): row r is [min + r·δ,
       * min + (r + 1)·δ) as computed in double; outside levels are ignored. */
      if (!(p >= price_min && p < price_max))
        continue;
      r = floor ((p - price_min) / bucket);
      if (r > 0 && p < price_min + r * bucket)
        r--;
      else if (r + 1 < rows && p >= price_min + (r + 1) * bucket)
        r++;
      if (r >= rows)
        r = rows - 1;

      if (levels[k].side == LODE_SIDE_LONG)
        self->long_usd[(guint) r] += levels[k].amount_usd;
      else
        self->short_usd[(guint) r] += levels[k].amount_usd;
    }

  return self;
}

LodeProfile *
lode_profile_new (const LodeLevelSet *set,
                  double              price_min,
                  double              price_max,
                  guint               rows)
{
  g_return_val_if_fail (set != NULL, NULL);
  g_return_val_if_fail (rows > 0, NULL);
  g_return_val_if_fail (isfinite (price_min) && isfinite (price_max) && price_max > price_min, NULL);

  return profile_new (set, price_min, (price_max - price_min) / rows, rows);
}

LodeProfile *
lode_profile_new_default (const LodeLevelSet *set)
{
  const LodeLevel *levels;
  gsize n;
  double close, bucket, lo, hi, span;

  g_return_val_if_fail (set != NULL, NULL);

  close = lode_level_set_get_close (set);
  levels = lode_level_set_get_levels (set, &n);

  /* §7: δ_p = 0.05 % of the close; rows start at the lowest live level and
   * reach past the highest (the set is sorted by price). */
  bucket = 0.0005 * close;
  if (n == 0)
    return profile_new (set, close, bucket, 1);

  lo = levels[0].price;
  hi = levels[n - 1].price;
  span = hi - lo;
  while (span / bucket + 1 > MAX_DEFAULT_ROWS)
    bucket *= 2;

  return profile_new (set, lo, bucket, (guint) floor (span / bucket) + 1);
}

void
lode_profile_free (LodeProfile *self)
{
  if (self == NULL)
    return;

  g_free (self->long_usd);
  g_free (self->short_usd);
  g_free (self);
}

typedef struct
{
  guint  lo;
  guint  hi;    /* inclusive */
  guint  peak;
  double peak_value;
} Zone;

static int
compare_zones (const void *a,
               const void *b)
{
  const Zone *za = a;
  const Zone *zb = b;

  return za->lo < zb->lo ? -1 : za->lo > zb->lo;
}

static int
compare_clusters (const void *a,
                  const void *b)
{
  const LodeCluster *ca = a;
  const LodeCluster *cb = b;

  if (ca->strength_usd != cb->strength_usd)
    return ca->strength_usd > cb->strength_usd ? -1 : 1;

  return ca->peak_price < cb->peak_price ? -1 : ca->peak_price > cb->peak_price;
}

GArray *
lode_clusters_from_profile (const LodeProfile *profile,
                            double             total_usd,
                            guint              max_clusters)
{
  GArray *clusters;
  g_autofree float *smooth = NULL;
  g_autoptr(GArray) zones = NULL;
  guint rows;

  g_return_val_if_fail (profile != NULL, NULL);

  clusters = g_array_new (FALSE, FALSE, sizeof (LodeCluster));
  rows = profile->rows;
  if (rows == 0)
    return clusters;

  /* §7: the profile (both sides) smoothed as in §6. */
  smooth = g_new (float, rows);
  for (guint r = 0; r < rows; r++)
    smooth[r] = (float) (profile->long_usd[r] + profile->short_usd[r]);
  lode_heatmap_smooth_rows (smooth, 1, rows, profile->price_min,
                            profile->price_min + profile->bucket * rows);

  /* Local maxima; a plateau of equal values is one maximum, its peak the
   * plateau's middle row. Each zone is the run around it at ≥ half its
   * value — within its own hill: rows that rise above the peak belong to
   * a taller maximum, so the run stops there. Without that, every small
   * maximum on a noisy profile reached across its taller neighbours, and
   * merging chained a whole side into one zone. */
  zones = g_array_new (FALSE, FALSE, sizeof (Zone));
  for (guint r = 0; r < rows;)
    {
      guint end = r;
      float v = smooth[r];

      while (end + 1 < rows && smooth[end + 1] == v)
        end++;

      if (v > 0
          && (r == 0 || smooth[r - 1] < v)
          && (end + 1 == rows || smooth[end + 1] < v))
        {
          Zone z = { r, end, r + (end - r) / 2, v };

          while (z.lo > 0 && smooth[z.lo - 1] >= 0.5f * v && smooth[z.lo - 1] <= v)
            z.lo--;
          while (z.hi + 1 < rows && smooth[z.hi + 1] >= 0.5f * v && smooth[z.hi + 1] <= v)
            z.hi++;
          g_array_append_val (zones, z);
        }

      r = end + 1;
    }

  /* Overlapping zones merge; the merged peak is the higher maximum. */
  g_array_sort (zones, compare_zones);
  {
    guint out = 0;

    for (guint i = 0; i < zones->len; i++)
      {
        Zone *z = &g_array_index (zones, Zone, i);

        if (out > 0 && z->lo <= g_array_index (zones, Zone, out - 1).hi)
          {
            Zone *m = &g_array_index (zones, Zone, out - 1);

            m->hi = MAX (m->hi, z->hi);
            if (z->peak_value > m->peak_value)
              {
                m->peak = z->peak;
                m->peak_value = z->peak_value;
              }
          }
        else
          g_array_index (zones, Zone, out++) = *z;
      }
    g_array_set_size (zones, out);
  }

  for (guint i = 0; i < zones->len; i++)
    {
      const Zone *z = &g_array_index (zones, Zone, i);
      const double close = profile->close;
      LodeCluster cl;
      double strength = 0;

      for (guint r = z->lo; r <= z->hi; r++)
        strength += profile->long_usd[r] + profile->short_usd[r];

      cl.price_low = profile->price_min + z->lo * profile->bucket;
      cl.price_high = profile->price_min + (z->hi + 1) * profile->bucket;
      cl.peak_price = profile->price_min + (z->peak + 0.5) * profile->bucket;
      cl.strength_usd = strength;
      cl.share = total_usd > 0 ? strength / total_usd : 0;

      /* The zone is [low, high): it contains the close iff low ≤ close < high. */
      if (cl.price_high <= close)
        {
          cl.side = LODE_CLUSTER_LONG;
          cl.distance_pct = (cl.price_high - close) / close * 100.0;
        }
      else if (cl.price_low > close)
        {
          cl.side = LODE_CLUSTER_SHORT;
          cl.distance_pct = (cl.price_low - close) / close * 100.0;
        }
      else
        {
          cl.side = LODE_CLUSTER_AT_PRICE;
          cl.distance_pct = 0;
        }

      g_array_append_val (clusters, cl);
    }

  g_array_sort (clusters, compare_clusters);
  if (max_clusters > 0 && clusters->len > max_clusters)
    g_array_set_size (clusters, max_clusters);

  return clusters;
}

GArray *
lode_clusters_find (const LodeLevelSet *set,
                    guint               max_clusters)
{
  g_autoptr(LodeProfile) profile = NULL;

  g_return_val_if_fail (set != NULL, NULL);

  profile = lode_profile_new_default (set);

  return lode_clusters_from_profile (profile,
                                     lode_level_set_get_total (set, LODE_SIDE_LONG)
                                     + lode_level_set_get_total (set, LODE_SIDE_SHORT),
                                     max_clusters);
}

const char *
lode_cluster_side_to_string (LodeClusterSide side)
{
  switch (side)
    {
    case LODE_CLUSTER_LONG:
      return "long";
    case LODE_CLUSTER_SHORT:
      return "short";
    case LODE_CLUSTER_AT_PRICE:
      return "at-price";
    default:
      g_return_val_if_reached (NULL);
    }
}
