/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "lode-liq-model.h"
#include "lode-clusters.h"
#include "lode-heatmap.h"

G_BEGIN_DECLS

/* One complete, immutable result of a rebuild: what the UI and the
 * exporters hold and draw. The first venue is the primary one (its candles
 * are drawn; §9). Reference-counted; safe to share between threads. */
typedef struct _LodeSnapshot LodeSnapshot;

#define LODE_TYPE_SNAPSHOT (lode_snapshot_get_type ())

GType                lode_snapshot_get_type         (void) G_GNUC_CONST;

typedef struct
{
  const char   *label;   /* e.g. "Demo market (simulated)", "Binance" */
  LodeLiqModel *model;
} LodeVenueModel;

/* Takes references on every model; copies the labels. Computes the current
 * merged level set (§9) and its ranked clusters (§7). @symbol may be NULL. */
LodeSnapshot        *lode_snapshot_new              (const LodeVenueModel *venues,
                                                     guint                 n_venues,
                                                     const char           *symbol);
LodeSnapshot        *lode_snapshot_ref              (LodeSnapshot         *self);
void                 lode_snapshot_unref            (LodeSnapshot         *self);
guint                lode_snapshot_get_n_venues     (const LodeSnapshot   *self);
const char          *lode_snapshot_get_venue_label  (const LodeSnapshot   *self,
                                                     guint                 venue);
LodeLiqModel        *lode_snapshot_get_model        (const LodeSnapshot   *self,
                                                     guint                 venue);
/* The primary venue's market and model. */
LodeMarket          *lode_snapshot_get_market       (const LodeSnapshot   *self);
LodeLiqModel        *lode_snapshot_get_primary      (const LodeSnapshot   *self);
const char          *lode_snapshot_get_symbol       (const LodeSnapshot   *self);
/* The merged current state S_{n−1} and its clusters (element LodeCluster). */
LodeLevelSet        *lode_snapshot_get_current      (const LodeSnapshot   *self);
GArray              *lode_snapshot_get_clusters     (const LodeSnapshot   *self);
/* Share of the merged live notional from @venue, in [0,1]. */
double               lode_snapshot_get_venue_share  (const LodeSnapshot   *self,
                                                     guint                 venue);
/* The heatmap of @view over all venues (lode_heatmap_compute_merged). */
LodeHeatmap         *lode_snapshot_compute_heatmap  (const LodeSnapshot   *self,
                                                     const LodeHeatmapView *view);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LodeSnapshot, lode_snapshot_unref)

G_END_DECLS
