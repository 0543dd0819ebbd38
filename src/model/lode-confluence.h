/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lode-book.h"
#include "lode-clusters.h"

G_BEGIN_DECLS

/* Where a depth wall and a bright liquidation cluster (§7) sit at the same
 * price: resting orders and forced orders meet there (issue 6). Both
 * thresholds are user settings. */
typedef struct
{
  /* A depth row is a wall when its notional, on one side, is at least
   * wall_multiple × the median of the non-empty rows (bid and ask rows
   * alike) and at least wall_min_usd. Judged on the profile's rows, so the
   * row size matters: lode_depth_profile_new_default() uses the §7 bucket. */
  double wall_multiple;
  double wall_min_usd;
  /* A cluster is bright when its share of all live notional is at least
   * cluster_min_share or its strength at least cluster_min_usd; a zero
   * disables that test, both zero make every cluster bright. */
  double cluster_min_share;
  double cluster_min_usd;
  /* The cluster's zone is widened by this many percent of its prices on
   * each side before it is compared with the walls. */
  double tolerance_pct;
} LodeConfluenceParams;

typedef struct
{
  /* The part of the (widened) cluster zone that the wall rows cover. */
  double       price_low;
  double       price_high;
  guint        cluster;      /* index into the clusters searched */
  double       wall_usd;     /* Σ notional of the overlapping wall rows */
  double       wall_price;   /* centre of the largest of those rows */
  LodeBookSide side;         /* the side of the wall */
} LodeConfluenceZone;

/* Defaults: walls ≥ 4 × the median row, bright clusters ≥ 5 % of the live
 * notional, 0.1 % tolerance. */
void    lode_confluence_params_init_default (LodeConfluenceParams       *params);

/* Zones for @clusters (element LodeCluster, e.g. lode_clusters_find())
 * against @depth, in the clusters' order (strongest first), a bid wall
 * before an ask wall of the same cluster. Element LodeConfluenceZone;
 * empty, never NULL, when nothing meets. */
GArray *lode_confluence_find                (const GArray               *clusters,
                                             const LodeDepthProfile     *depth,
                                             const LodeConfluenceParams *params);

G_END_DECLS
