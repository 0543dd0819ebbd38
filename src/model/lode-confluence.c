/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "lode-confluence.h"

void
lode_confluence_params_init_default (LodeConfluenceParams *params)
{
  g_return_if_fail (params != NULL);

  *params = (LodeConfluenceParams) {
    .wall_multiple = 4.0,
    .wall_min_usd = 0.0,
    .cluster_min_share = 0.05,
    .cluster_min_usd = 0.0,
    .tolerance_pct = 0.1,
  };
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

/* The median of the non-empty rows of both sides; 0 when all are empty.
 * Empty rows are left out: over a range wider than the book they would
 * make the median 0 and every row a wall. */
static double
median_row (const LodeDepthProfile *depth)
{
  g_autofree double *values = g_new (double, 2 * (gsize) depth->rows + 1);
  gsize n = 0;

  for (guint r = 0; r < depth->rows; r++)
    {
      if (depth->bid_usd[r] > 0.0)
        values[n++] = depth->bid_usd[r];
      if (depth->ask_usd[r] > 0.0)
        values[n++] = depth->ask_usd[r];
    }
  if (n == 0)
    return 0.0;

  qsort (values, n, sizeof (double), compare_doubles);

  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

static gboolean
cluster_is_bright (const LodeCluster          *cluster,
                   const LodeConfluenceParams *params)
{
  gboolean by_share = params->cluster_min_share > 0.0;
  gboolean by_usd = params->cluster_min_usd > 0.0;

  if (!by_share && !by_usd)
    return TRUE;

  return (by_share && cluster->share >= params->cluster_min_share)
         || (by_usd && cluster->strength_usd >= params->cluster_min_usd);
}

GArray *
lode_confluence_find (const GArray               *clusters,
                      const LodeDepthProfile     *depth,
                      const LodeConfluenceParams *params)
{
  GArray *zones;
  double threshold, median, tol;

  g_return_val_if_fail (clusters != NULL, NULL);
  g_return_val_if_fail (depth != NULL, NULL);
  g_return_val_if_fail (params != NULL, NULL);

  zones = g_array_new (FALSE, FALSE, sizeof (LodeConfluenceZone));

  median = median_row (depth);
  if (!(median > 0.0) || !(depth->bucket > 0.0))
    return zones;
  threshold = MAX (params->wall_multiple * median, params->wall_min_usd);
  tol = MAX (params->tolerance_pct, 0.0) / 100.0;

  for (guint i = 0; i < clusters->len; i++)
    {
      const LodeCluster *cluster = &g_array_index (clusters, LodeCluster, i);
      double lo, hi, first_d, last_d;
      guint first, last;

      if (!cluster_is_bright (cluster, params))
        continue;

      lo = cluster->price_low * (1.0 - tol);
      hi = cluster->price_high * (1.0 + tol);

      /* The rows that may touch [lo, hi]; the exact test is below. */
      first_d = floor ((lo - depth->price_min) / depth->bucket) - 1.0;
      last_d = floor ((hi - depth->price_min) / depth->bucket) + 1.0;
      if (last_d < 0.0 || first_d >= (double) depth->rows)
        continue;
      first = (guint) MAX (first_d, 0.0);
      last = (guint) MIN (last_d, (double) depth->rows - 1.0);

      for (int side = 0; side < 2; side++)
        {
          const double *usd = side == LODE_BOOK_BID ? depth->bid_usd : depth->ask_usd;
          LodeConfluenceZone zone = { .cluster = i, .side = side };
          double span_lo = G_MAXDOUBLE, span_hi = -G_MAXDOUBLE, largest = 0.0;

          for (guint r = first; r <= last; r++)
            {
              double row_lo = depth->price_min + r * depth->bucket;
              double row_hi = row_lo + depth->bucket;

              /* Row [row_lo, row_hi) against the closed zone [lo, hi]. */
              if (!(row_lo <= hi && row_hi > lo))
                continue;
              if (!(usd[r] > 0.0 && usd[r] >= threshold))
                continue;

              zone.wall_usd += usd[r];
              span_lo = MIN (span_lo, row_lo);
              span_hi = MAX (span_hi, row_hi);
              if (usd[r] > largest)
                {
                  largest = usd[r];
                  zone.wall_price = row_lo + depth->bucket / 2.0;
                }
            }

          if (!(zone.wall_usd > 0.0))
            continue;
          zone.price_low = MAX (span_lo, lo);
          zone.price_high = MIN (span_hi, hi);
          g_array_append_val (zones, zone);
        }
    }

  return zones;
}
