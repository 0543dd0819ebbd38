/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lode-level-set.h"

G_BEGIN_DECLS

/* Text exports of a model state, in the C locale (numbers read back to the
 * same double), for lodestone-cli and the app's Export Data. */

/* "price,side,amount_usd,created_ms", one row per live level; side is
 * long or short. */
char *lode_data_export_levels_csv    (const LodeLevelSet *set);
/* "rank,side,price_low,price_high,peak_price,strength_usd,distance_pct,share",
 * @clusters (LodeCluster) in rank order. */
char *lode_data_export_clusters_csv  (GArray             *clusters);
/* {"close": …, "clusters": [{"rank": 1, "side": …, …}, …]}, pretty-printed. */
char *lode_data_export_clusters_json (GArray             *clusters,
                                      double              close);

G_END_DECLS
