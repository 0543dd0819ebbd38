/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>

#include "lode-clusters.h"
#include "lode-data-export.h"
#include "lode-file-source.h"

char *
lode_data_export_levels_csv (const LodeLevelSet *set)
{
  GString *out = g_string_new ("price,side,amount_usd,created_ms\n");
  const LodeLevel *levels;
  gsize n_levels;

  g_return_val_if_fail (set != NULL, NULL);

  levels = lode_level_set_get_levels (set, &n_levels);
  for (gsize i = 0; i < n_levels; i++)
    {
      lode_file_source_append_number (out, levels[i].price);
      g_string_append_printf (out, ",%s,", lode_side_to_string (levels[i].side));
      lode_file_source_append_number (out, levels[i].amount_usd);
      g_string_append_printf (out, ",%" G_GINT64_FORMAT "\n", levels[i].created_ms);
    }

  return g_string_free (out, FALSE);
}

char *
lode_data_export_clusters_csv (GArray *clusters)
{
  GString *out = g_string_new ("rank,side,price_low,price_high,peak_price,"
                               "strength_usd,distance_pct,share\n");

  g_return_val_if_fail (clusters != NULL, NULL);

  for (guint i = 0; i < clusters->len; i++)
    {
      const LodeCluster *c = &g_array_index (clusters, LodeCluster, i);
      const double values[] = { c->price_low, c->price_high, c->peak_price,
                                c->strength_usd, c->distance_pct, c->share };

      g_string_append_printf (out, "%u,%s", i + 1, lode_cluster_side_to_string (c->side));
      for (guint k = 0; k < G_N_ELEMENTS (values); k++)
        {
          g_string_append_c (out, ',');
          lode_file_source_append_number (out, values[k]);
        }
      g_string_append_c (out, '\n');
    }

  return g_string_free (out, FALSE);
}

static void
add_double_member (JsonBuilder *builder,
                   const char  *name,
                   double       value)
{
  json_builder_set_member_name (builder, name);
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

char *
lode_data_export_clusters_json (GArray *clusters,
                                double  close)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (clusters != NULL, NULL);

  json_builder_begin_object (builder);
  add_double_member (builder, "close", close);
  json_builder_set_member_name (builder, "clusters");
  json_builder_begin_array (builder);
  for (guint i = 0; i < clusters->len; i++)
    {
      const LodeCluster *cluster = &g_array_index (clusters, LodeCluster, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "rank");
      json_builder_add_int_value (builder, i + 1);
      json_builder_set_member_name (builder, "side");
      json_builder_add_string_value (builder, lode_cluster_side_to_string (cluster->side));
      add_double_member (builder, "price_low", cluster->price_low);
      add_double_member (builder, "price_high", cluster->price_high);
      add_double_member (builder, "peak_price", cluster->peak_price);
      add_double_member (builder, "strength_usd", cluster->strength_usd);
      add_double_member (builder, "distance_pct", cluster->distance_pct);
      add_double_member (builder, "share", cluster->share);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);

  return g_strconcat (text, "\n", NULL);
}
