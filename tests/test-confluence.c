/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <math.h>

#include "lode-confluence.h"

static void
assert_close (double a,
              double b)
{
  if (!(fabs (a - b) <= 1e-9 * MAX (1.0, fabs (b))))
    g_error ("%.17g differs from %.17g", a, b);
}

/* Bids at 94.25, 95.25, 96.25 (100 each) and a wall of 1000 at 97.25;
 * asks at 103.25, 104.25, 106.75 (100 each) and a wall of 900 at 105.25.
 * Prices on quarters, so that rows of 0.5 hold them exactly. */
static LodeBook *
walls_book (void)
{
  const LodeBookLevel bids[] = {
    { 97.25, 1000 }, { 96.25, 100 }, { 95.25, 100 }, { 94.25, 100 },
  };
  const LodeBookLevel asks[] = {
    { 103.25, 100 }, { 104.25, 100 }, { 105.25, 900 }, { 106.75, 100 },
  };

  return lode_book_new (bids, G_N_ELEMENTS (bids), asks, G_N_ELEMENTS (asks), 0);
}

/* Depth profile ------------------------------------------------------------- */

static void
test_depth_profile_rows (void)
{
  g_autoptr(LodeBook) book = walls_book ();
  g_autoptr(LodeDepthProfile) depth = NULL;

  /* [90, 110) in 40 rows of 0.5: row r = [90 + r/2, 90.5 + r/2). */
  depth = lode_depth_profile_new (book, 90, 110, 40);
  g_assert_cmpuint (depth->rows, ==, 40);
  g_assert_cmpfloat (depth->bucket, ==, 0.5);
  /* 97.25 → row (97.25 − 90) / 0.5 = 14; 94.25 → 8; 105.25 → 30. */
  g_assert_cmpfloat (depth->bid_usd[14], ==, 1000);
  g_assert_cmpfloat (depth->bid_usd[8], ==, 100);
  g_assert_cmpfloat (depth->ask_usd[30], ==, 900);
  g_assert_cmpfloat (depth->ask_usd[33], ==, 100);
  g_assert_cmpfloat (depth->bid_usd[15], ==, 0);
  g_assert_cmpfloat (depth->ask_usd[14], ==, 0);

  /* Outside levels are ignored, not clamped: over [95, 105) the bid at
   * 94.25 and the asks at 105.25 and 106.75 are in no row. */
  g_clear_pointer (&depth, lode_depth_profile_free);
  depth = lode_depth_profile_new (book, 95, 105, 10);
  {
    double bids = 0, asks = 0;

    for (guint r = 0; r < depth->rows; r++)
      {
        bids += depth->bid_usd[r];
        asks += depth->ask_usd[r];
      }
    g_assert_cmpfloat (bids, ==, 1200);
    g_assert_cmpfloat (asks, ==, 200);
  }
}

static void
test_depth_profile_default (void)
{
  g_autoptr(LodeBook) book = walls_book ();
  g_autoptr(LodeBook) empty = lode_book_new (NULL, 0, NULL, 0, 0);
  g_autoptr(LodeDepthProfile) depth = lode_depth_profile_new_default (book, 100);
  g_autoptr(LodeDepthProfile) none = lode_depth_profile_new_default (empty, 100);
  double bids = 0, asks = 0;

  /* §7 bucket: 0.05 % of 100 = 0.05, from the lowest level (94.25) past
   * the highest (106.75): floor (12.5 / 0.05) + 1 = 251 rows. */
  assert_close (depth->bucket, 0.05);
  g_assert_cmpfloat (depth->price_min, ==, 94.25);
  g_assert_cmpuint (depth->rows, ==, 251);
  for (guint r = 0; r < depth->rows; r++)
    {
      bids += depth->bid_usd[r];
      asks += depth->ask_usd[r];
    }
  g_assert_cmpfloat (bids, ==, 1300);
  g_assert_cmpfloat (asks, ==, 1200);

  /* An empty book: one empty row. */
  g_assert_cmpuint (none->rows, ==, 1);
  g_assert_cmpfloat (none->bid_usd[0], ==, 0);
}

/* Confluence ---------------------------------------------------------------- */

static void
append_cluster (GArray          *clusters,
                double           low,
                double           high,
                LodeClusterSide  side,
                double           strength,
                double           share)
{
  LodeCluster c = {
    .price_low = low,
    .price_high = high,
    .peak_price = (low + high) / 2,
    .side = side,
    .strength_usd = strength,
    .share = share,
  };

  g_array_append_val (clusters, c);
}

/* 0: long [97.2, 97.4], 30 %  — on the bid wall's row [97, 97.5)
 * 1: short [105.6, 106], 20 % — 0.1 % tolerance reaches down to
 *    105.6 × 0.999 = 105.4944 < 105.5, the top of the ask wall's row
 * 2: long [95.1, 95.4], 25 %  — bright, but its row holds 100: no wall
 * 3: long [97, 97.3], 1 %     — on the wall, but faint */
static GArray *
sample_clusters (void)
{
  GArray *clusters = g_array_new (FALSE, FALSE, sizeof (LodeCluster));

  append_cluster (clusters, 97.2, 97.4, LODE_CLUSTER_LONG, 3000, 0.30);
  append_cluster (clusters, 105.6, 106.0, LODE_CLUSTER_SHORT, 2000, 0.20);
  append_cluster (clusters, 95.1, 95.4, LODE_CLUSTER_LONG, 2500, 0.25);
  append_cluster (clusters, 97.0, 97.3, LODE_CLUSTER_LONG, 100, 0.01);

  return clusters;
}

static void
test_confluence_default (void)
{
  g_autoptr(LodeBook) book = walls_book ();
  g_autoptr(LodeDepthProfile) depth = lode_depth_profile_new (book, 90, 110, 40);
  g_autoptr(GArray) clusters = sample_clusters ();
  g_autoptr(GArray) zones = NULL;
  LodeConfluenceParams params;
  const LodeConfluenceZone *z;

  /* Non-empty rows: six of 100, one of 900, one of 1000; the median of
   * eight is (100 + 100) / 2 = 100, so walls are rows ≥ 4 × 100 = 400:
   * the bid row [97, 97.5) and the ask row [105, 105.5). */
  lode_confluence_params_init_default (&params);
  zones = lode_confluence_find (clusters, depth, &params);
  g_assert_cmpuint (zones->len, ==, 2);

  /* Cluster 0 widened: [97.2 × 0.999, 97.4 × 1.001] = [97.1028, 97.4974],
   * inside the wall's row: the zone is the widened cluster. */
  z = &g_array_index (zones, LodeConfluenceZone, 0);
  g_assert_cmpuint (z->cluster, ==, 0);
  g_assert_cmpint (z->side, ==, LODE_BOOK_BID);
  g_assert_cmpfloat (z->wall_usd, ==, 1000);
  g_assert_cmpfloat (z->wall_price, ==, 97.25);
  assert_close (z->price_low, 97.2 * 0.999);
  assert_close (z->price_high, 97.4 * 1.001);

  /* Cluster 1: the widened zone [105.4944, 106.1056] meets the wall's
   * row [105, 105.5) in [105.4944, 105.5]. */
  z = &g_array_index (zones, LodeConfluenceZone, 1);
  g_assert_cmpuint (z->cluster, ==, 1);
  g_assert_cmpint (z->side, ==, LODE_BOOK_ASK);
  g_assert_cmpfloat (z->wall_usd, ==, 900);
  g_assert_cmpfloat (z->wall_price, ==, 105.25);
  assert_close (z->price_low, 105.6 * 0.999);
  assert_close (z->price_high, 105.5);
}

static void
test_confluence_tolerance (void)
{
  g_autoptr(LodeBook) book = walls_book ();
  g_autoptr(LodeDepthProfile) depth = lode_depth_profile_new (book, 90, 110, 40);
  g_autoptr(GArray) clusters = sample_clusters ();
  g_autoptr(GArray) zones = NULL;
  LodeConfluenceParams params;

  /* Without tolerance cluster 1 starts at 105.6, above the ask wall's
   * row [105, 105.5): only cluster 0 meets a wall. */
  lode_confluence_params_init_default (&params);
  params.tolerance_pct = 0.0;
  zones = lode_confluence_find (clusters, depth, &params);
  g_assert_cmpuint (zones->len, ==, 1);
  g_assert_cmpuint (g_array_index (zones, LodeConfluenceZone, 0).cluster, ==, 0);
}

static void
test_confluence_thresholds (void)
{
  g_autoptr(LodeBook) book = walls_book ();
  g_autoptr(LodeDepthProfile) depth = lode_depth_profile_new (book, 90, 110, 40);
  g_autoptr(GArray) clusters = sample_clusters ();
  LodeConfluenceParams params;

  /* Walls must be ≥ 12 × 100 = 1200: none is. */
  {
    g_autoptr(GArray) zones = NULL;

    lode_confluence_params_init_default (&params);
    params.wall_multiple = 12;
    zones = lode_confluence_find (clusters, depth, &params);
    g_assert_cmpuint (zones->len, ==, 0);
  }

  /* An absolute floor of 950 above 4 × 100: only the bid wall (1000). */
  {
    g_autoptr(GArray) zones = NULL;

    lode_confluence_params_init_default (&params);
    params.wall_min_usd = 950;
    zones = lode_confluence_find (clusters, depth, &params);
    g_assert_cmpuint (zones->len, ==, 1);
    g_assert_cmpint (g_array_index (zones, LodeConfluenceZone, 0).side, ==, LODE_BOOK_BID);
  }

  /* Brightness by strength as well as share: cluster 3 (100 USD, 1 %)
   * passes strength ≥ 100, and sits on the bid wall too. */
  {
    g_autoptr(GArray) zones = NULL;

    lode_confluence_params_init_default (&params);
    params.cluster_min_usd = 100;
    zones = lode_confluence_find (clusters, depth, &params);
    g_assert_cmpuint (zones->len, ==, 3);
    g_assert_cmpuint (g_array_index (zones, LodeConfluenceZone, 2).cluster, ==, 3);
    g_assert_cmpfloat (g_array_index (zones, LodeConfluenceZone, 2).wall_usd, ==, 1000);
  }

  /* Share ≥ 26 %: only cluster 0 is bright. */
  {
    g_autoptr(GArray) zones = NULL;

    lode_confluence_params_init_default (&params);
    params.cluster_min_share = 0.26;
    zones = lode_confluence_find (clusters, depth, &params);
    g_assert_cmpuint (zones->len, ==, 1);
    g_assert_cmpuint (g_array_index (zones, LodeConfluenceZone, 0).cluster, ==, 0);
  }
}

static void
test_confluence_empty_book (void)
{
  g_autoptr(LodeBook) empty = lode_book_new (NULL, 0, NULL, 0, 0);
  g_autoptr(LodeDepthProfile) depth = lode_depth_profile_new (empty, 90, 110, 40);
  g_autoptr(GArray) clusters = sample_clusters ();
  g_autoptr(GArray) none = g_array_new (FALSE, FALSE, sizeof (LodeCluster));
  g_autoptr(GArray) zones = NULL;
  g_autoptr(GArray) zones2 = NULL;
  g_autoptr(LodeBook) book = walls_book ();
  g_autoptr(LodeDepthProfile) full = lode_depth_profile_new (book, 90, 110, 40);
  LodeConfluenceParams params;

  /* No resting orders: no walls. No clusters: nothing to meet. */
  lode_confluence_params_init_default (&params);
  zones = lode_confluence_find (clusters, depth, &params);
  g_assert_nonnull (zones);
  g_assert_cmpuint (zones->len, ==, 0);
  zones2 = lode_confluence_find (none, full, &params);
  g_assert_cmpuint (zones2->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/model/depth-profile/rows", test_depth_profile_rows);
  g_test_add_func ("/model/depth-profile/default-bucket", test_depth_profile_default);
  g_test_add_func ("/model/confluence/wall-meets-bright-cluster", test_confluence_default);
  g_test_add_func ("/model/confluence/tolerance", test_confluence_tolerance);
  g_test_add_func ("/model/confluence/thresholds", test_confluence_thresholds);
  g_test_add_func ("/model/confluence/empty", test_confluence_empty_book);

  return g_test_run ();
}
