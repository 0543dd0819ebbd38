/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lode-level-set.h"

G_BEGIN_DECLS

/* §7 profile of a level set: @rows buckets of size δ over [price_min, ...). */
typedef struct
{
  double  price_min;
  double  bucket;       /* δ_p */
  guint   rows;
  double *long_usd;     /* per row */
  double *short_usd;    /* per row */
  double  close;
} LodeProfile;

/* Profile over an explicit range (the chart's rows). */
LodeProfile *lode_profile_new          (const LodeLevelSet *set,
                                        double              price_min,
                                        double              price_max,
                                        guint               rows);
/* §7 default: bucket = 0.05 % of the close, spanning every live level. */
LodeProfile *lode_profile_new_default  (const LodeLevelSet *set);
void         lode_profile_free         (LodeProfile        *self);

typedef enum
{
  LODE_CLUSTER_LONG,      /* the zone lies below the close */
  LODE_CLUSTER_SHORT,     /* above the close */
  LODE_CLUSTER_AT_PRICE,  /* the zone contains the close */
} LodeClusterSide;

typedef struct
{
  double          price_low;
  double          price_high;
  double          peak_price;
  LodeClusterSide side;
  double          strength_usd;  /* Σ raw amounts inside the zone */
  double          distance_pct;  /* from the close to the zone's nearest edge, signed (+ above) */
  double          share;         /* strength / all live notional, in [0,1] */
} LodeCluster;

/* §7 ranked clusters of the default profile of @set, strongest first;
 * at most @max_clusters (0 = all). Element type LodeCluster. */
GArray      *lode_clusters_find        (const LodeLevelSet *set,
                                        guint               max_clusters);
/* The same on an explicit profile (tests build profiles by hand). */
GArray      *lode_clusters_from_profile (const LodeProfile *profile,
                                         double             total_usd,
                                         guint              max_clusters);
const char  *lode_cluster_side_to_string (LodeClusterSide side);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LodeProfile, lode_profile_free)

G_END_DECLS
