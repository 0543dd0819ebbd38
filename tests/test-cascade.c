/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <math.h>

#include "lode-cascade.h"

/* Book --------------------------------------------------------------------- */

static void
test_book_sorted_outward (void)
{
  const LodeBookLevel bids[] = {
    { 97, 10 }, { 99, 20 }, { 98, 30 }, { 99, 5 },
    { NAN, 10 }, { 96, 0 }, { -1, 10 }, { 95, INFINITY },
  };
  const LodeBookLevel asks[] = { { 103, 7 }, { 101, 3 } };
  g_autoptr(LodeBook) book = lode_book_new (bids, G_N_ELEMENTS (bids), asks, G_N_ELEMENTS (asks), 1234);
  const LodeBookLevel *l;
  gsize n;

  /* Bids descending with the two 99s summed (20 + 5 = 25); NaN, zero,
   * negative and infinite entries dropped. */
  l = lode_book_get_levels (book, LODE_BOOK_BID, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpfloat (l[0].price, ==, 99);
  g_assert_cmpfloat (l[0].notional_usd, ==, 25);
  g_assert_cmpfloat (l[1].price, ==, 98);
  g_assert_cmpfloat (l[2].price, ==, 97);

  /* Asks ascending. */
  l = lode_book_get_levels (book, LODE_BOOK_ASK, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpfloat (l[0].price, ==, 101);
  g_assert_cmpfloat (l[1].price, ==, 103);

  g_assert_cmpint (lode_book_get_time (book), ==, 1234);
}

static void
test_book_sum_range (void)
{
  const LodeBookLevel bids[] = { { 99, 25 }, { 98, 30 }, { 97, 10 } };
  const LodeBookLevel asks[] = { { 101, 3 }, { 103, 7 } };
  g_autoptr(LodeBook) book = lode_book_new (bids, 3, asks, 2, 0);

  /* Both ends inclusive: [97, 98] holds 30 + 10. */
  g_assert_cmpfloat (lode_book_sum_range (book, LODE_BOOK_BID, 97, 98), ==, 40);
  g_assert_cmpfloat (lode_book_sum_range (book, LODE_BOOK_BID, 97.5, 99), ==, 55);
  g_assert_cmpfloat (lode_book_sum_range (book, LODE_BOOK_BID, 0, 1000), ==, 65);
  g_assert_cmpfloat (lode_book_sum_range (book, LODE_BOOK_BID, 99.5, 1000), ==, 0);
  g_assert_cmpfloat (lode_book_sum_range (book, LODE_BOOK_ASK, 101, 103), ==, 10);
  g_assert_cmpfloat (lode_book_sum_range (book, LODE_BOOK_ASK, 101.5, 103), ==, 7);
  /* An empty range. */
  g_assert_cmpfloat (lode_book_sum_range (book, LODE_BOOK_ASK, 103, 101), ==, 0);
}

static void
test_book_price_for_depth (void)
{
  const LodeBookLevel bids[] = { { 99, 25 }, { 98, 30 }, { 97, 10 } };
  const LodeBookLevel asks[] = { { 101, 3 }, { 103, 7 } };
  g_autoptr(LodeBook) book = lode_book_new (bids, 3, asks, 2, 0);
  gboolean reached;

  /* From 100 down, cumulative bids: 99 → 25, 98 → 55, 97 → 65. */
  g_assert_cmpfloat (lode_book_price_for_depth (book, LODE_BOOK_BID, 100, 25, &reached), ==, 99);
  g_assert_true (reached);
  g_assert_cmpfloat (lode_book_price_for_depth (book, LODE_BOOK_BID, 100, 25.5, &reached), ==, 98);
  g_assert_cmpfloat (lode_book_price_for_depth (book, LODE_BOOK_BID, 100, 65, &reached), ==, 97);
  g_assert_true (reached);
  /* 66 > 65: no deeper than the book is known. */
  g_assert_cmpfloat (lode_book_price_for_depth (book, LODE_BOOK_BID, 100, 66, &reached), ==, 97);
  g_assert_false (reached);
  /* From 98 (inclusive) down: 98 → 30, 97 → 40. */
  g_assert_cmpfloat (lode_book_price_for_depth (book, LODE_BOOK_BID, 98, 31, &reached), ==, 97);
  /* Nothing to reach. */
  g_assert_cmpfloat (lode_book_price_for_depth (book, LODE_BOOK_BID, 100, 0, &reached), ==, 100);
  g_assert_true (reached);
  /* No level beyond 96.5. */
  g_assert_cmpfloat (lode_book_price_for_depth (book, LODE_BOOK_BID, 96.5, 1, &reached), ==, 96.5);
  g_assert_false (reached);
  /* Asks from 100 up: 101 → 3, 103 → 10. */
  g_assert_cmpfloat (lode_book_price_for_depth (book, LODE_BOOK_ASK, 100, 4, &reached), ==, 103);
  g_assert_true (reached);
}

static void
test_book_merge (void)
{
  const LodeBookLevel a_bids[] = { { 99, 25 }, { 98, 30 } };
  const LodeBookLevel b_bids[] = { { 99, 5 }, { 97, 10 } };
  const LodeBookLevel b_asks[] = { { 101, 3 } };
  g_autoptr(LodeBook) a = lode_book_new (a_bids, 2, NULL, 0, 100);
  g_autoptr(LodeBook) b = lode_book_new (b_bids, 2, b_asks, 1, 200);
  g_autoptr(LodeBook) merged = NULL;
  LodeBook *books[2];
  const LodeBookLevel *l;
  gsize n;

  books[0] = a;
  books[1] = b;
  merged = lode_book_merge (books, 2);

  /* USD adds up: 99 → 25 + 5 = 30; the newest time is kept. */
  l = lode_book_get_levels (merged, LODE_BOOK_BID, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpfloat (l[0].price, ==, 99);
  g_assert_cmpfloat (l[0].notional_usd, ==, 30);
  lode_book_get_levels (merged, LODE_BOOK_ASK, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (lode_book_get_time (merged), ==, 200);
}

/* Cascade ------------------------------------------------------------------ */

/* Close 100. Longs at 98 (100 USD), 96 (200), 94 (400), 90 (1000);
 * shorts mirrored about 100: 102 (100), 104 (200), 106 (400), 110 (1000).
 *
 * §7 fuel_long(p) = Σ longs in [p, 100]:
 *   p in (98, 100] → 0      p in (96, 98] → 100    p in (94, 96] → 300
 *   p in (90, 94]  → 700    p ≤ 90        → 1700
 * fuel_short mirrors it: (102, 104] → 300 etc. */
static LodeLevelSet *
cascade_set (void)
{
  const LodeLevel levels[] = {
    { 98, 100, 1, LODE_SIDE_LONG },
    { 96, 200, 1, LODE_SIDE_LONG },
    { 94, 400, 1, LODE_SIDE_LONG },
    { 90, 1000, 1, LODE_SIDE_LONG },
    { 102, 100, 1, LODE_SIDE_SHORT },
    { 104, 200, 1, LODE_SIDE_SHORT },
    { 106, 400, 1, LODE_SIDE_SHORT },
    { 110, 1000, 1, LODE_SIDE_SHORT },
  };

  return lode_level_set_new (levels, G_N_ELEMENTS (levels), 100);
}

/* A book of @n levels given on the bid side, mirrored about 100 onto the
 * ask side (bid at p → ask at 200 − p), so that both sides face the same
 * arithmetic. */
static LodeBook *
mirrored_book (const LodeBookLevel *bids,
               gsize                n)
{
  g_autofree LodeBookLevel *asks = g_new (LodeBookLevel, n);

  for (gsize k = 0; k < n; k++)
    asks[k] = (LodeBookLevel) { 200 - bids[k].price, bids[k].notional_usd };

  return lode_book_new (bids, n, asks, n, 0);
}

/* Runs the cascade from @trigger and from its mirror 200 − @trigger, and
 * checks both against the expected prices (given for the long side). */
static void
check_cascade (const LodeBookLevel *bids,
               gsize                n_bids,
               double               trigger,
               const double        *prices,
               const double        *fuels,
               guint                n_steps,
               gboolean             exhausted,
               double               depth)
{
  g_autoptr(LodeLevelSet) set = cascade_set ();
  g_autoptr(LodeBook) book = mirrored_book (bids, n_bids);

  for (int mirror = 0; mirror < 2; mirror++)
    {
      g_autoptr(LodeCascade) cascade = NULL;
      g_autoptr(GError) error = NULL;
      double p1 = mirror ? 200 - trigger : trigger;

      cascade = lode_cascade_estimate (set, book, p1, &error);
      g_assert_no_error (error);
      g_assert_nonnull (cascade);

      g_assert_cmpint (cascade->side, ==, mirror ? LODE_SIDE_SHORT : LODE_SIDE_LONG);
      g_assert_cmpfloat (cascade->close, ==, 100);
      g_assert_cmpfloat (cascade->trigger, ==, p1);
      g_assert_cmpuint (cascade->n_steps, ==, n_steps);
      g_assert_cmpuint (cascade->steps->len, ==, n_steps + 1);
      for (guint k = 0; k <= n_steps; k++)
        {
          const LodeCascadeStep *s = &g_array_index (cascade->steps, LodeCascadeStep, k);

          g_assert_cmpfloat (s->price, ==, mirror ? 200 - prices[k] : prices[k]);
          g_assert_cmpfloat (s->fuel_usd, ==, fuels[k]);
        }
      g_assert_cmpfloat (cascade->final_price, ==, mirror ? 200 - prices[n_steps] : prices[n_steps]);
      g_assert_cmpfloat (cascade->liquidated_usd, ==, fuels[n_steps]);
      g_assert_cmpint (cascade->book_exhausted, ==, exhausted);
      g_assert_cmpfloat (cascade->depth_usd, ==, depth);
    }
}

static void
test_cascade_no_step (void)
{
  /* A wall of 500 at 99. Trigger 96: V_1 = fuel(96) = 100 + 200 = 300.
   * D from 100 down reaches 300 at 99 (500 ≥ 300): p_2 = 99, not below
   * 96, so the book takes the forced orders: 0 steps, final 96, 300
   * liquidated; 300 ≤ 500 known, not a bound. */
  const LodeBookLevel bids[] = { { 99, 500 } };

  check_cascade (bids, G_N_ELEMENTS (bids), 96,
                 (const double[]) { 96 }, (const double[]) { 300 },
                 0, FALSE, 500);
}

static void
test_cascade_one_step (void)
{
  /* Cumulative bids from 100 down: 99 → 50, 97 → 150, 95 → 550.
   * Trigger 98: V_1 = fuel(98) = 100; D reaches 100 at 97 → p_2 = 97,
   * below 98: one step. V_2 = fuel(97) = 100 (only the level at 98);
   * p_3 = 97 again, not below p_2: stop. Final 97, 100 liquidated. */
  const LodeBookLevel bids[] = { { 99, 50 }, { 97, 100 }, { 95, 400 } };

  check_cascade (bids, G_N_ELEMENTS (bids), 98,
                 (const double[]) { 98, 97 }, (const double[]) { 100, 100 },
                 1, FALSE, 550);
}

static void
test_cascade_three_steps (void)
{
  /* Cumulative bids from 100 down:
   *   99 → 50, 96 → 110, 95 → 210, 94 → 360, 92 → 560, 91 → 1060.
   * p_1 = 98: V_1 = 100  → D reaches 100 at 96 (110)  → p_2 = 96
   * p_2 = 96: V_2 = 300  → D reaches 300 at 94 (360)  → p_3 = 94
   * p_3 = 94: V_3 = 700  → D reaches 700 at 91 (1060) → p_4 = 91
   * p_4 = 91: V_4 = 700 (no long level in [91, 94)) → p_5 = 91: stop.
   * Three steps, final 91, 700 liquidated of 1060 known depth. */
  const LodeBookLevel bids[] = {
    { 99, 50 }, { 96, 60 }, { 95, 100 }, { 94, 150 }, { 92, 200 }, { 91, 500 },
  };

  check_cascade (bids, G_N_ELEMENTS (bids), 98,
                 (const double[]) { 98, 96, 94, 91 },
                 (const double[]) { 100, 300, 700, 700 },
                 3, FALSE, 1060);
}

static void
test_cascade_book_ends (void)
{
  /* Cumulative bids from 100 down: 99 → 50, 96 → 110, 95 → 210 (all).
   * p_1 = 98: V_1 = 100 → D reaches 100 at 96 → p_2 = 96
   * p_2 = 96: V_2 = 300 > 210 → no deeper than the book: p_3 = 95
   * p_3 = 95: V_3 = 300 (no long level in [95, 96)) → p_4 = 95: stop.
   * Two steps, final 95; 300 > 210 known: the book ran out, a bound. */
  const LodeBookLevel bids[] = { { 99, 50 }, { 96, 60 }, { 95, 100 } };

  check_cascade (bids, G_N_ELEMENTS (bids), 98,
                 (const double[]) { 98, 96, 95 },
                 (const double[]) { 100, 300, 300 },
                 2, TRUE, 210);
}

static void
test_cascade_trigger_beyond_levels (void)
{
  /* Trigger 85, below every long level: V_1 = fuel(85) = 1700.
   * Shallow book (1060 in all, deepest bid 91): D never reaches 1700, so
   * p_2 = the deepest level 91, which is not below 85: 0 steps, final 85,
   * 1700 liquidated, and a bound (1700 > 1060). */
  const LodeBookLevel shallow[] = {
    { 99, 50 }, { 96, 60 }, { 95, 100 }, { 94, 150 }, { 92, 200 }, { 91, 500 },
  };
  /* Deep book: a wall of 5000 at 99 takes it all: 0 steps, not a bound. */
  const LodeBookLevel deep[] = { { 99, 5000 } };

  check_cascade (shallow, G_N_ELEMENTS (shallow), 85,
                 (const double[]) { 85 }, (const double[]) { 1700 },
                 0, TRUE, 1060);
  check_cascade (deep, G_N_ELEMENTS (deep), 85,
                 (const double[]) { 85 }, (const double[]) { 1700 },
                 0, FALSE, 5000);
}

static void
test_cascade_no_fuel (void)
{
  /* Trigger 99: fuel(99) = 0, and D reaches 0 at the close itself: no
   * move, nothing liquidated. */
  const LodeBookLevel bids[] = { { 99, 50 } };

  check_cascade (bids, G_N_ELEMENTS (bids), 99,
                 (const double[]) { 99 }, (const double[]) { 0 },
                 0, FALSE, 50);
}

static void
test_cascade_needs_depth (void)
{
  g_autoptr(LodeLevelSet) set = cascade_set ();
  g_autoptr(LodeBook) empty = lode_book_new (NULL, 0, NULL, 0, 0);
  const LodeBookLevel asks[] = { { 101, 50 } };
  /* Bids only above the close (a book newer than the candle): nothing
   * from the close down. */
  const LodeBookLevel high_bids[] = { { 100.5, 50 } };
  g_autoptr(LodeBook) asks_only = lode_book_new (NULL, 0, asks, 1, 0);
  g_autoptr(LodeBook) bids_above = lode_book_new (high_bids, 1, NULL, 0, 0);
  LodeBook *books[] = { NULL, empty, asks_only, bids_above };

  for (guint i = 0; i < G_N_ELEMENTS (books); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LodeCascade) cascade = lode_cascade_estimate (set, books[i], 96, &error);

      g_assert_null (cascade);
      g_assert_error (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_NEEDS_DEPTH);
    }

  /* The ask side of asks_only is enough for a rise: 104 → V_1 = 300 >
   * 50 known, p_2 = 101 (deepest) not above 104: 0 steps, a bound. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(LodeCascade) cascade = lode_cascade_estimate (set, asks_only, 104, &error);

    g_assert_no_error (error);
    g_assert_cmpint (cascade->side, ==, LODE_SIDE_SHORT);
    g_assert_cmpuint (cascade->n_steps, ==, 0);
    g_assert_cmpfloat (cascade->liquidated_usd, ==, 300);
    g_assert_true (cascade->book_exhausted);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/model/book/sorted-outward-and-cleaned", test_book_sorted_outward);
  g_test_add_func ("/model/book/sum-range", test_book_sum_range);
  g_test_add_func ("/model/book/price-for-depth", test_book_price_for_depth);
  g_test_add_func ("/model/book/merge-adds-usd", test_book_merge);
  g_test_add_func ("/model/cascade/no-step-when-the-book-takes-it", test_cascade_no_step);
  g_test_add_func ("/model/cascade/one-step", test_cascade_one_step);
  g_test_add_func ("/model/cascade/three-steps", test_cascade_three_steps);
  g_test_add_func ("/model/cascade/stops-at-the-book-end", test_cascade_book_ends);
  g_test_add_func ("/model/cascade/trigger-beyond-all-levels", test_cascade_trigger_beyond_levels);
  g_test_add_func ("/model/cascade/no-fuel-no-move", test_cascade_no_fuel);
  g_test_add_func ("/model/cascade/needs-depth", test_cascade_needs_depth);

  return g_test_run ();
}
