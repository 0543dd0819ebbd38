/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lode-snapshot.h"

/* Clusters listed per snapshot: the side panel shows ten, exports all. */
#define MAX_CLUSTERS 50

typedef struct
{
  char         *label;
  LodeLiqModel *model;
} Venue;

struct _LodeSnapshot
{
  gatomicrefcount ref_count;
  Venue          *venues;
  guint           n_venues;
  char           *symbol;
  LodeLevelSet   *current;
  GArray         *clusters;
  double         *venue_shares;
};

G_DEFINE_BOXED_TYPE (LodeSnapshot, lode_snapshot, lode_snapshot_ref, lode_snapshot_unref)

LodeSnapshot *
lode_snapshot_new (const LodeVenueModel *venues,
                   guint                 n_venues,
                   const char           *symbol)
{
  g_autofree LodeLevelSet **sets = NULL;
  LodeSnapshot *self;
  double total = 0.0;

  g_return_val_if_fail (venues != NULL, NULL);
  g_return_val_if_fail (n_venues > 0, NULL);

  self = g_new0 (LodeSnapshot, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->venues = g_new0 (Venue, n_venues);
  self->n_venues = n_venues;
  self->symbol = g_strdup (symbol);
  self->venue_shares = g_new0 (double, n_venues);

  sets = g_new0 (LodeLevelSet *, n_venues);
  for (guint i = 0; i < n_venues; i++)
    {
      g_return_val_if_fail (venues[i].model != NULL, NULL);

      self->venues[i].label = g_strdup (venues[i].label);
      self->venues[i].model = lode_liq_model_ref (venues[i].model);
      sets[i] = lode_liq_model_current (venues[i].model);
      self->venue_shares[i] = lode_level_set_get_total (sets[i], LODE_SIDE_LONG)
                              + lode_level_set_get_total (sets[i], LODE_SIDE_SHORT);
      total += self->venue_shares[i];
    }

  /* §9: merge before bucketing; the primary venue's close is kept. */
  if (n_venues == 1)
    self->current = lode_level_set_ref (sets[0]);
  else
    self->current = lode_level_set_merge ((LodeLevelSet *const *) sets, n_venues);

  for (guint i = 0; i < n_venues; i++)
    {
      self->venue_shares[i] = total > 0.0 ? self->venue_shares[i] / total : 0.0;
      lode_level_set_unref (sets[i]);
    }

  self->clusters = lode_clusters_find (self->current, MAX_CLUSTERS);

  return self;
}

LodeSnapshot *
lode_snapshot_ref (LodeSnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
lode_snapshot_unref (LodeSnapshot *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  for (guint i = 0; i < self->n_venues; i++)
    {
      g_free (self->venues[i].label);
      lode_liq_model_unref (self->venues[i].model);
    }
  g_free (self->venues);
  g_free (self->symbol);
  g_free (self->venue_shares);
  g_clear_pointer (&self->current, lode_level_set_unref);
  g_clear_pointer (&self->clusters, g_array_unref);
  g_free (self);
}

guint
lode_snapshot_get_n_venues (const LodeSnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_venues;
}

const char *
lode_snapshot_get_venue_label (const LodeSnapshot *self,
                               guint               venue)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (venue < self->n_venues, NULL);

  return self->venues[venue].label;
}

LodeLiqModel *
lode_snapshot_get_model (const LodeSnapshot *self,
                         guint               venue)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (venue < self->n_venues, NULL);

  return self->venues[venue].model;
}

LodeMarket *
lode_snapshot_get_market (const LodeSnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return lode_liq_model_get_market (self->venues[0].model);
}

LodeLiqModel *
lode_snapshot_get_primary (const LodeSnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->venues[0].model;
}

const char *
lode_snapshot_get_symbol (const LodeSnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->symbol;
}

LodeLevelSet *
lode_snapshot_get_current (const LodeSnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->current;
}

GArray *
lode_snapshot_get_clusters (const LodeSnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->clusters;
}

double
lode_snapshot_get_venue_share (const LodeSnapshot *self,
                               guint               venue)
{
  g_return_val_if_fail (self != NULL, 0.0);
  g_return_val_if_fail (venue < self->n_venues, 0.0);

  return self->venue_shares[venue];
}

LodeHeatmap *
lode_snapshot_compute_heatmap (const LodeSnapshot    *self,
                               const LodeHeatmapView *view)
{
  g_autofree LodeLiqModel **models = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (view != NULL, NULL);

  if (self->n_venues == 1)
    return lode_heatmap_compute (self->venues[0].model, view);

  models = g_new (LodeLiqModel *, self->n_venues);
  for (guint i = 0; i < self->n_venues; i++)
    models[i] = self->venues[i].model;

  return lode_heatmap_compute_merged ((LodeLiqModel *const *) models, self->n_venues, view);
}
