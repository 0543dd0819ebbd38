/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <math.h>

#include "lode-clusters.h"
#include "lode-liq-model.h"

static void
assert_close (double a,
              double b,
              double tol)
{
  if (!(fabs (a - b) <= tol * MAX (1.0, fabs (b))))
    g_error ("%.17g differs from %.17g beyond %g", a, b, tol);
}

/* Longs at 90 (100), 95 (200), 95 (50); shorts at 104 (300), 110 (400);
 * close 100. */
static LodeLevelSet *
sample_set (void)
{
  const LodeLevel levels[] = {
    { 110, 400, 5, LODE_SIDE_SHORT },
    { 95, 200, 2, LODE_SIDE_LONG },
    { 90, 100, 1, LODE_SIDE_LONG },
    { 104, 300, 4, LODE_SIDE_SHORT },
    { 95, 50, 3, LODE_SIDE_LONG },
  };

  return lode_level_set_new (levels, G_N_ELEMENTS (levels), 100);
}

static void
test_level_set_sorted (void)
{
  g_autoptr(LodeLevelSet) set = sample_set ();
  gsize n;
  const LodeLevel *l = lode_level_set_get_levels (set, &n);

  g_assert_cmpuint (n, ==, 5);
  for (gsize k = 1; k < n; k++)
    g_assert_cmpfloat (l[k - 1].price, <=, l[k].price);
  /* Equal prices: by side, then creation time. */
  g_assert_cmpint (l[1].created_ms, ==, 2);
  g_assert_cmpint (l[2].created_ms, ==, 3);
  g_assert_cmpfloat (lode_level_set_get_close (set), ==, 100);
  g_assert_cmpfloat (lode_level_set_get_total (set, LODE_SIDE_LONG), ==, 350);
  g_assert_cmpfloat (lode_level_set_get_total (set, LODE_SIDE_SHORT), ==, 700);
}

static void
test_level_set_fuel (void)
{
  g_autoptr(LodeLevelSet) set = sample_set ();

  /* §7 fuel_long(p) = Σ long amounts in [p, close], both ends inclusive. */
  g_assert_cmpfloat (lode_level_set_fuel (set, 96), ==, 0);
  g_assert_cmpfloat (lode_level_set_fuel (set, 95), ==, 250);
  g_assert_cmpfloat (lode_level_set_fuel (set, 90), ==, 350);
  g_assert_cmpfloat (lode_level_set_fuel (set, 10), ==, 350);
  /* fuel_short(p) = Σ short amounts in [close, p]. */
  g_assert_cmpfloat (lode_level_set_fuel (set, 103.9), ==, 0);
  g_assert_cmpfloat (lode_level_set_fuel (set, 104), ==, 300);
  g_assert_cmpfloat (lode_level_set_fuel (set, 200), ==, 700);
  /* At the close itself: the long side, nothing there. */
  g_assert_cmpfloat (lode_level_set_fuel (set, 100), ==, 0);
}

static void
test_level_set_sum_range (void)
{
  g_autoptr(LodeLevelSet) set = sample_set ();

  /* [lo, hi): 95 is in [95, 96) but not in [90, 95). */
  g_assert_cmpfloat (lode_level_set_sum_range (set, LODE_SIDE_LONG, 95, 96), ==, 250);
  g_assert_cmpfloat (lode_level_set_sum_range (set, LODE_SIDE_LONG, 90, 95), ==, 100);
  g_assert_cmpfloat (lode_level_set_sum_range (set, LODE_SIDE_SHORT, 0, 1000), ==, 700);
  g_assert_cmpfloat (lode_level_set_sum_range (set, LODE_SIDE_SHORT, 110, 104), ==, 0);
}

static void
test_level_set_merge (void)
{
  const LodeLevel more[] = { { 92, 1000, 9, LODE_SIDE_LONG } };
  g_autoptr(LodeLevelSet) a = sample_set ();
  g_autoptr(LodeLevelSet) b = lode_level_set_new (more, 1, 500);
  LodeLevelSet *sets[2] = { a, b };
  g_autoptr(LodeLevelSet) m = lode_level_set_merge (sets, 2);
  gsize n;

  /* §9: the union, amounts added as USD, the primary's close kept. */
  lode_level_set_get_levels (m, &n);
  g_assert_cmpuint (n, ==, 6);
  g_assert_cmpfloat (lode_level_set_get_close (m), ==, 100);
  g_assert_cmpfloat (lode_level_set_get_total (m, LODE_SIDE_LONG), ==, 1350);
  g_assert_cmpfloat (lode_level_set_fuel (m, 91), ==, 1250);
}

static void
test_level_set_large_sort (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  gsize n = 20000;
  g_autofree LodeLevel *l = g_new (LodeLevel, n);
  g_autoptr(LodeLevelSet) set = NULL;
  const LodeLevel *s;
  double total = 0;

  /* Big enough for the radix path, with exact price ties across sides. */
  for (gsize k = 0; k < n; k++)
    {
      l[k].price = k % 7 == 0 ? 100.0 : g_rand_double_range (rand, 50, 150);
      l[k].amount_usd = g_rand_double_range (rand, 1, 10);
      l[k].created_ms = g_rand_int_range (rand, 0, 1000);
      l[k].side = g_rand_boolean (rand) ? LODE_SIDE_LONG : LODE_SIDE_SHORT;
      total += l[k].side == LODE_SIDE_LONG ? l[k].amount_usd : 0;
    }
  set = lode_level_set_new (l, n, 100);
  s = lode_level_set_get_levels (set, NULL);
  for (gsize k = 1; k < n; k++)
    {
      g_assert_cmpfloat (s[k - 1].price, <=, s[k].price);
      if (s[k - 1].price == s[k].price)
        {
          g_assert_cmpint (s[k - 1].side, <=, s[k].side);
          if (s[k - 1].side == s[k].side)
            g_assert_cmpint (s[k - 1].created_ms, <=, s[k].created_ms);
        }
    }
  assert_close (lode_level_set_get_total (set, LODE_SIDE_LONG), total, 1e-12);
}

/* A hand-built profile: rows of 1 USD over [100, 200), so σ = max (1,
 * 0.1 % of ≤ 200 = 0.2) = 1 row everywhere and the kernel has radius 3:
 * weights ∝ 1, e^−½ = 0.6065, e^−2 = 0.1353, e^−4.5 = 0.0111. A lone spike
 * at r therefore smooths to ≥ half its peak exactly at r − 1 … r + 1. */
static LodeProfile *
spike_profile (void)
{
  LodeProfile *p = g_new0 (LodeProfile, 1);

  p->price_min = 100;
  p->bucket = 1;
  p->rows = 100;
  p->long_usd = g_new0 (double, 100);
  p->short_usd = g_new0 (double, 100);
  p->close = 150.5;  /* inside row 50 */

  p->long_usd[20] = 1000;   /* zone [19, 21] = [119, 122): long */
  p->long_usd[30] = 200;    /* 30 and 32 smooth into one maximum at 31 */
  p->long_usd[32] = 200;
  p->short_usd[50] = 500;   /* [149, 152) contains the close */
  p->short_usd[60] = 1000;  /* 60 and 63: two maxima with overlapping zones */
  p->short_usd[63] = 800;
  p->short_usd[80] = 3000;  /* [179, 182): short */

  return p;
}

static void
test_clusters_known_peaks (void)
{
  g_autoptr(LodeProfile) profile = spike_profile ();
  g_autoptr(GArray) clusters = lode_clusters_from_profile (profile, 6700, 0);
  const LodeCluster *c = (const LodeCluster *) (gpointer) clusters->data;

  /* In units of the centre weight g0 (1 : 0.6065 : 0.1353 : 0.0111):
   * 30/32: row 30 = 1 + 0.1353 = 1.135, row 31 = 2 × 0.6065 = 1.213 (the
   *   maximum), half = 0.6065; row 29 = 0.6065 + 0.0111 = 0.618 ≥ half,
   *   row 28 = 0.135 < half → zone [29, 33], strength 400.
   * 60/63 (×200 USD): smoothed 60 = 1000 + 800 × 0.0111 = 1008.9, 61 =
   *   606.5 + 108.3 = 714.8, 62 = 135.3 + 485.2 = 620.5, 63 = 11.1 + 800 =
   *   811.1, 59 = 606.5, 64 = 485.2, 58 = 135.3. Maxima 60 (half 504.4:
   *   zone [59, 63]) and 63 (half 405.5: zone [59, 64]) overlap → merged
   *   [59, 64], peak row 60, strength 1800.
   * Ranked: 3000 (row 80), 1800, 1000 (row 20), 500 (row 50), 400. */
  g_assert_cmpuint (clusters->len, ==, 5);

  g_assert_cmpfloat (c[0].strength_usd, ==, 3000);
  g_assert_cmpint (c[0].side, ==, LODE_CLUSTER_SHORT);
  g_assert_cmpfloat (c[0].price_low, ==, 179);
  g_assert_cmpfloat (c[0].price_high, ==, 182);
  g_assert_cmpfloat (c[0].peak_price, ==, 180.5);
  /* Nearest edge 179: (179 − 150.5) / 150.5 = +18.937 %. */
  assert_close (c[0].distance_pct, (179 - 150.5) / 150.5 * 100, 1e-12);
  assert_close (c[0].share, 3000.0 / 6700, 1e-12);

  g_assert_cmpfloat (c[1].strength_usd, ==, 1800);
  g_assert_cmpint (c[1].side, ==, LODE_CLUSTER_SHORT);
  g_assert_cmpfloat (c[1].price_low, ==, 159);
  g_assert_cmpfloat (c[1].price_high, ==, 165);
  g_assert_cmpfloat (c[1].peak_price, ==, 160.5);
  assert_close (c[1].distance_pct, (159 - 150.5) / 150.5 * 100, 1e-12);

  g_assert_cmpfloat (c[2].strength_usd, ==, 1000);
  g_assert_cmpint (c[2].side, ==, LODE_CLUSTER_LONG);
  g_assert_cmpfloat (c[2].price_low, ==, 119);
  g_assert_cmpfloat (c[2].price_high, ==, 122);
  /* Nearest edge 122: (122 − 150.5) / 150.5 = −18.937 %. */
  assert_close (c[2].distance_pct, (122 - 150.5) / 150.5 * 100, 1e-12);

  g_assert_cmpfloat (c[3].strength_usd, ==, 500);
  g_assert_cmpint (c[3].side, ==, LODE_CLUSTER_AT_PRICE);
  g_assert_cmpfloat (c[3].price_low, ==, 149);
  g_assert_cmpfloat (c[3].price_high, ==, 152);
  g_assert_cmpfloat (c[3].distance_pct, ==, 0);

  g_assert_cmpfloat (c[4].strength_usd, ==, 400);
  g_assert_cmpint (c[4].side, ==, LODE_CLUSTER_LONG);
  g_assert_cmpfloat (c[4].price_low, ==, 129);
  g_assert_cmpfloat (c[4].price_high, ==, 134);
  g_assert_cmpfloat (c[4].peak_price, ==, 131.5);

  /* At most 2. */
  {
    g_autoptr(GArray) top = lode_clusters_from_profile (profile, 6700, 2);

    g_assert_cmpuint (top->len, ==, 2);
    g_assert_cmpfloat (g_array_index (top, LodeCluster, 1).strength_usd, ==, 1800);
  }
}

/* A tall spike and a small one joined by a low bridge: the small maximum's
 * half-value run must stop where the profile rises above its own peak,
 * else it reaches into the tall hill and the two merge into one zone. */
static void
test_clusters_stay_in_their_hill (void)
{
  g_autoptr(LodeProfile) p = g_new0 (LodeProfile, 1);
  g_autoptr(GArray) clusters = NULL;
  const LodeCluster *c;

  p->price_min = 100;
  p->bucket = 1;
  p->rows = 100;
  p->long_usd = g_new0 (double, 100);
  p->short_usd = g_new0 (double, 100);
  p->close = 180.5;
  p->long_usd[40] = 1000;
  for (guint r = 41; r < 50; r++)
    p->long_usd[r] = 30;
  p->long_usd[50] = 100;

  /* Smoothed (weights 0.399, 0.242, 0.054, 0.0044 as above):
   *   row 38 54.14, 39 243.79, 40 408.06 (max), 41 263.02, 42 82.25,
   *   43 34.30, 44–46 30.00, 47 30.31, 48 33.65, 49 45.19, 50 48.92 (max),
   *   51 25.96, 52 5.53.
   * Tall: half 204.03 → [39, 41], strength 1000 + 30 = 1030.
   * Small: half 24.46; leftwards 49 … 43 stay in [24.46, 48.92], row 42
   *   (82.25) rises above the peak → stop; rightwards 51 ≥ 24.46, 52 <
   *   → [43, 51], strength 7 × 30 + 100 = 310.
   * (Reaching past row 42 would give one zone [38, 51] of 1370.) */
  clusters = lode_clusters_from_profile (p, 1370, 0);
  g_assert_cmpuint (clusters->len, ==, 2);
  c = (const LodeCluster *) (gpointer) clusters->data;

  g_assert_cmpfloat (c[0].price_low, ==, 139);
  g_assert_cmpfloat (c[0].price_high, ==, 142);
  g_assert_cmpfloat (c[0].strength_usd, ==, 1030);
  g_assert_cmpfloat (c[1].price_low, ==, 143);
  g_assert_cmpfloat (c[1].price_high, ==, 152);
  g_assert_cmpfloat (c[1].strength_usd, ==, 310);
  g_assert_cmpfloat (c[1].peak_price, ==, 150.5);
}

static void
test_clusters_plateau (void)
{
  g_autoptr(LodeProfile) p = g_new0 (LodeProfile, 1);
  g_autoptr(GArray) clusters = NULL;

  /* Five equal rows [40, 44] smooth into a symmetric hump whose top is the
   * middle row; one cluster, peak at row 42, strength 5 × 100. */
  p->price_min = 100;
  p->bucket = 1;
  p->rows = 100;
  p->long_usd = g_new0 (double, 100);
  p->short_usd = g_new0 (double, 100);
  p->close = 199;
  for (guint r = 40; r <= 44; r++)
    p->long_usd[r] = 100;

  clusters = lode_clusters_from_profile (p, 500, 0);
  g_assert_cmpuint (clusters->len, ==, 1);
  g_assert_cmpfloat (g_array_index (clusters, LodeCluster, 0).peak_price, ==, 142.5);
  g_assert_cmpfloat (g_array_index (clusters, LodeCluster, 0).strength_usd, ==, 500);
  g_assert_cmpfloat (g_array_index (clusters, LodeCluster, 0).share, ==, 1);
}

static void
test_clusters_empty (void)
{
  g_autoptr(LodeLevelSet) set = lode_level_set_new (NULL, 0, 100);
  g_autoptr(GArray) clusters = lode_clusters_find (set, 0);

  g_assert_cmpuint (clusters->len, ==, 0);
}

static void
test_profile_default (void)
{
  g_autoptr(LodeLevelSet) set = sample_set ();
  g_autoptr(LodeProfile) p = lode_profile_new_default (set);
  double sum_long = 0, sum_short = 0;

  /* §7: δ_p = 0.05 % of the close 100 = 0.05; rows from the lowest level
   * (90) past the highest (110): ⌊20 / 0.05⌋ + 1 = 401 rows. */
  g_assert_cmpfloat (p->bucket, ==, 0.05);
  g_assert_cmpfloat (p->price_min, ==, 90);
  g_assert_cmpuint (p->rows, ==, 401);
  for (guint r = 0; r < p->rows; r++)
    {
      sum_long += p->long_usd[r];
      sum_short += p->short_usd[r];
    }
  g_assert_cmpfloat (sum_long, ==, 350);
  g_assert_cmpfloat (sum_short, ==, 700);
  g_assert_cmpfloat (p->long_usd[0], ==, 100);
}

static void
test_profile_range (void)
{
  g_autoptr(LodeLevelSet) set = sample_set ();
  /* [90, 110) in 4 rows of 5: 90 → row 0, 95 → row 1, 104 → row 2, 110 is
   * outside (the upper end is open). */
  g_autoptr(LodeProfile) p = lode_profile_new (set, 90, 110, 4);

  g_assert_cmpfloat (p->long_usd[0], ==, 100);
  g_assert_cmpfloat (p->long_usd[1], ==, 250);
  g_assert_cmpfloat (p->short_usd[2], ==, 300);
  g_assert_cmpfloat (p->short_usd[3], ==, 0);
}

static void
test_clusters_find (void)
{
  /* Two groups of levels; the larger (short, above) ranks first. */
  LodeLevel l[40];
  g_autoptr(LodeLevelSet) set = NULL;
  g_autoptr(GArray) clusters = NULL;
  const LodeCluster *c;

  for (guint k = 0; k < 20; k++)
    {
      l[k] = (LodeLevel) { 95.0 + k * 0.001, 10, k, LODE_SIDE_LONG };
      l[20 + k] = (LodeLevel) { 104.0 + k * 0.001, 30, k, LODE_SIDE_SHORT };
    }
  set = lode_level_set_new (l, 40, 100);
  clusters = lode_clusters_find (set, 0);
  c = (const LodeCluster *) (gpointer) clusters->data;

  g_assert_cmpuint (clusters->len, ==, 2);
  g_assert_cmpint (c[0].side, ==, LODE_CLUSTER_SHORT);
  assert_close (c[0].strength_usd, 600, 1e-12);
  assert_close (c[0].share, 0.75, 1e-12);
  g_assert_cmpfloat (c[0].price_low, <=, 104.0);
  g_assert_cmpfloat (c[0].price_high, >, 104.019);
  g_assert_cmpint (c[1].side, ==, LODE_CLUSTER_LONG);
  assert_close (c[1].strength_usd, 200, 1e-12);
  /* Nearest edge a few buckets above 95.019: about −4.9 %. */
  g_assert_cmpfloat (c[1].distance_pct, <, -4.5);
  g_assert_cmpfloat (c[1].distance_pct, >, -5.0);
  assert_close (c[1].distance_pct, (c[1].price_high - 100) / 100 * 100, 1e-12);

  g_assert_cmpstr (lode_cluster_side_to_string (LODE_CLUSTER_AT_PRICE), ==, "at-price");
  g_assert_cmpstr (lode_cluster_side_to_string (LODE_CLUSTER_LONG), ==, "long");
  g_assert_cmpstr (lode_cluster_side_to_string (LODE_CLUSTER_SHORT), ==, "short");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/model/level-set/sorted", test_level_set_sorted);
  g_test_add_func ("/model/level-set/fuel", test_level_set_fuel);
  g_test_add_func ("/model/level-set/sum-range", test_level_set_sum_range);
  g_test_add_func ("/model/level-set/merge", test_level_set_merge);
  g_test_add_func ("/model/level-set/large-sort", test_level_set_large_sort);
  g_test_add_func ("/model/profile/default", test_profile_default);
  g_test_add_func ("/model/profile/range", test_profile_range);
  g_test_add_func ("/model/clusters/known-peaks", test_clusters_known_peaks);
  g_test_add_func ("/model/clusters/plateau", test_clusters_plateau);
  g_test_add_func ("/model/clusters/stay-in-their-hill", test_clusters_stay_in_their_hill);
  g_test_add_func ("/model/clusters/empty", test_clusters_empty);
  g_test_add_func ("/model/clusters/find", test_clusters_find);

  return g_test_run ();
}
