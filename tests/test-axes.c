/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <math.h>

#include "lode-axes.h"
#include "lode-format.h"

/* 2026-01-01T00:00:00Z */
#define NEW_YEAR_2026 G_GINT64_CONSTANT (1767225600000)
#define MINUTE G_GINT64_CONSTANT (60000)
#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)

static void
test_nice_step (void)
{
  /* 1-2-5 × 10^k, closest to the asked number of ticks. */
  g_assert_cmpfloat_with_epsilon (lode_axes_nice_step (100.0, 10.0), 10.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (lode_axes_nice_step (100.0, 5.0), 20.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (lode_axes_nice_step (100.0, 20.0), 5.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (lode_axes_nice_step (7300.0, 12.0), 500.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (lode_axes_nice_step (0.037, 8.0), 0.005, 1e-12);
  g_assert_cmpfloat_with_epsilon (lode_axes_nice_step (96500.0 - 91200.0, 14.0), 500.0, 1e-9);

  /* Never far more ticks than asked. */
  for (double range = 0.001; range < 1e7; range *= 1.37)
    for (double target = 2; target < 30; target += 3)
      {
        double step = lode_axes_nice_step (range, target);
        double mantissa = step / pow (10.0, floor (log10 (step) + 1e-9));

        g_assert_cmpfloat (range / step, <=, 1.5 * target + 1e-9);
        g_assert_true (fabs (mantissa - 1) < 1e-6 || fabs (mantissa - 2) < 1e-6
                       || fabs (mantissa - 5) < 1e-6);
      }

  g_assert_cmpfloat (lode_axes_nice_step (0.0, 10.0), ==, 0.0);
  g_assert_cmpfloat (lode_axes_nice_step (-1.0, 10.0), ==, 0.0);
  g_assert_cmpfloat (lode_axes_nice_step (NAN, 10.0), ==, 0.0);
}

static void
test_decimals (void)
{
  g_assert_cmpuint (lode_axes_decimals_for_step (500.0), ==, 0);
  g_assert_cmpuint (lode_axes_decimals_for_step (1.0), ==, 0);
  g_assert_cmpuint (lode_axes_decimals_for_step (0.5), ==, 1);
  g_assert_cmpuint (lode_axes_decimals_for_step (0.1), ==, 1);
  g_assert_cmpuint (lode_axes_decimals_for_step (0.05), ==, 2);
  g_assert_cmpuint (lode_axes_decimals_for_step (0.25), ==, 2);
  g_assert_cmpuint (lode_axes_decimals_for_step (0.0002), ==, 4);
}

static void
test_format_price (void)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;

  /* The test runs in C.UTF-8: no grouping, '.' as the decimal point. */
  a = lode_axes_format_price (96500.0, 0);
  g_assert_cmpstr (a, ==, "96500");
  b = lode_axes_format_price (0.12345, 3);
  g_assert_cmpstr (b, ==, "0.123");
  c = lode_axes_format_price (-0.0001, 2);
  g_assert_cmpstr (c, ==, "0.00");
}

static void
test_format_usd (void)
{
  static const struct { double usd; const char *text; } cases[] = {
    { 0.0, "$0" },
    { 512.4, "$512" },
    { 1234.0, "$1.23K" },
    { 85240.0, "$85.2K" },
    { 850000.0, "$850K" },
    { 12.3e6, "$12.3M" },
    { 999999.0, "$1.00M" },
    { 1.2e9, "$1.20B" },
    { -4.5e6, "−$4.50M" },
    { 999.6, "$1.00K" },
    { 9.996e6, "$10.0M" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = lode_format_usd (cases[i].usd);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_choose_time_step (void)
{
  LodeTimeStep step;

  /* One-minute candles, 3 px per candle, labels ≥ 90 px apart: 30 candles
   * per label → 30 minutes. */
  step = lode_axes_choose_time_step (MINUTE / 3.0, 90.0, MINUTE);
  g_assert_cmpint (step.unit, ==, LODE_TIME_UNIT_MINUTE);
  g_assert_cmpuint (step.count, ==, 30);

  /* A day over 1800 px → 2 hours. */
  step = lode_axes_choose_time_step ((double) DAY / 1800.0, 90.0, MINUTE);
  g_assert_cmpint (step.unit, ==, LODE_TIME_UNIT_HOUR);
  g_assert_cmpuint (step.count, ==, 2);

  /* A month over 1800 px → 2 days. */
  step = lode_axes_choose_time_step (30.0 * DAY / 1800.0, 90.0, MINUTE);
  g_assert_cmpint (step.unit, ==, LODE_TIME_UNIT_DAY);
  g_assert_cmpuint (step.count, ==, 2);

  /* A year over 1800 px → months. */
  step = lode_axes_choose_time_step (365.0 * DAY / 1800.0, 90.0, MINUTE);
  g_assert_cmpint (step.unit, ==, LODE_TIME_UNIT_MONTH);
  g_assert_cmpuint (step.count, ==, 1);

  /* Ten years → years. */
  step = lode_axes_choose_time_step (3650.0 * DAY / 1800.0, 90.0, MINUTE);
  g_assert_cmpint (step.unit, ==, LODE_TIME_UNIT_YEAR);
  g_assert_cmpuint (step.count, ==, 1);

  /* Never finer than a candle: hourly candles zoomed in far. */
  step = lode_axes_choose_time_step (1000.0, 90.0, HOUR);
  g_assert_cmpint (step.unit, ==, LODE_TIME_UNIT_HOUR);
  g_assert_cmpuint (step.count, ==, 1);
}

static void
assert_ticks (GArray       *ticks,
              const gint64 *expected,
              guint         n)
{
  g_assert_cmpuint (ticks->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (g_array_index (ticks, gint64, i), ==, expected[i]);
}

static void
test_time_ticks_utc (void)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GArray) minutes = NULL;
  g_autoptr(GArray) days = NULL;
  g_autoptr(GArray) weeks = NULL;
  g_autoptr(GArray) months = NULL;
  g_autoptr(GArray) years = NULL;
  gint64 start = NEW_YEAR_2026 + 7 * MINUTE + 5000;

  /* 15-minute ticks on the quarter hours. */
  minutes = lode_axes_time_ticks (start, start + HOUR, (LodeTimeStep) { LODE_TIME_UNIT_MINUTE, 15 }, utc);
  assert_ticks (minutes, (gint64[]) { NEW_YEAR_2026 + 15 * MINUTE, NEW_YEAR_2026 + 30 * MINUTE,
                                      NEW_YEAR_2026 + 45 * MINUTE, NEW_YEAR_2026 + 60 * MINUTE }, 4);

  /* 2-day ticks on days 1, 3, 5 … */
  days = lode_axes_time_ticks (start, NEW_YEAR_2026 + 6 * DAY, (LodeTimeStep) { LODE_TIME_UNIT_DAY, 2 }, utc);
  assert_ticks (days, (gint64[]) { NEW_YEAR_2026 + 2 * DAY, NEW_YEAR_2026 + 4 * DAY,
                                   NEW_YEAR_2026 + 6 * DAY }, 3);

  /* Weeks on days 1, 8, 15, 22. */
  weeks = lode_axes_time_ticks (NEW_YEAR_2026, NEW_YEAR_2026 + 35 * DAY, (LodeTimeStep) { LODE_TIME_UNIT_DAY, 7 }, utc);
  assert_ticks (weeks, (gint64[]) { NEW_YEAR_2026, NEW_YEAR_2026 + 7 * DAY, NEW_YEAR_2026 + 14 * DAY,
                                    NEW_YEAR_2026 + 21 * DAY, NEW_YEAR_2026 + 31 * DAY }, 5);

  /* Quarters: Jan, Apr, Jul, Oct 2026. */
  months = lode_axes_time_ticks (NEW_YEAR_2026 - DAY, NEW_YEAR_2026 + 300 * DAY, (LodeTimeStep) { LODE_TIME_UNIT_MONTH, 3 }, utc);
  assert_ticks (months, (gint64[]) { NEW_YEAR_2026, NEW_YEAR_2026 + 90 * DAY,
                                     NEW_YEAR_2026 + 181 * DAY, NEW_YEAR_2026 + 273 * DAY }, 4);

  /* Years divisible by 2 between 2021 and 2026. */
  years = lode_axes_time_ticks (NEW_YEAR_2026 - 1826 * DAY, NEW_YEAR_2026, (LodeTimeStep) { LODE_TIME_UNIT_YEAR, 2 }, utc);
  g_assert_cmpuint (years->len, ==, 3);
  g_assert_cmpint (g_array_index (years, gint64, 2), ==, NEW_YEAR_2026);
}

static void
test_time_ticks_local (void)
{
  g_autoptr(GTimeZone) ist = g_time_zone_new_offset (19800);  /* UTC+05:30 */
  g_autoptr(GArray) hours = NULL;
  g_autoptr(GArray) days = NULL;

  /* Whole local hours are half UTC hours. */
  hours = lode_axes_time_ticks (NEW_YEAR_2026, NEW_YEAR_2026 + 2 * HOUR, (LodeTimeStep) { LODE_TIME_UNIT_HOUR, 1 }, ist);
  assert_ticks (hours, (gint64[]) { NEW_YEAR_2026 + 30 * MINUTE, NEW_YEAR_2026 + 90 * MINUTE }, 2);

  /* Local midnight is 18:30 UTC. */
  days = lode_axes_time_ticks (NEW_YEAR_2026, NEW_YEAR_2026 + DAY, (LodeTimeStep) { LODE_TIME_UNIT_DAY, 1 }, ist);
  assert_ticks (days, (gint64[]) { NEW_YEAR_2026 + DAY - 5 * HOUR - 30 * MINUTE }, 1);
}

static void
test_format_time (void)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  static const struct { gint64 ms; const char *text; } cases[] = {
    { NEW_YEAR_2026, "2026" },
    { NEW_YEAR_2026 + 31 * DAY, "Feb" },
    { NEW_YEAR_2026 + 23 * DAY, "Jan 24" },
    { NEW_YEAR_2026 + 14 * HOUR + 30 * MINUTE, "14:30" },
  };
  g_autofree char *full = NULL;
  g_autofree char *daily = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = lode_axes_format_time_tick (cases[i].ms, utc);

      g_assert_cmpstr (text, ==, cases[i].text);
    }

  full = lode_axes_format_time_full (NEW_YEAR_2026 + 14 * HOUR + 30 * MINUTE, MINUTE, utc);
  g_assert_cmpstr (full, ==, "Thu Jan 1 2026 14:30");
  daily = lode_axes_format_time_full (NEW_YEAR_2026, DAY, utc);
  g_assert_cmpstr (daily, ==, "Thu Jan 1 2026");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/render/axes/nice-step", test_nice_step);
  g_test_add_func ("/render/axes/decimals", test_decimals);
  g_test_add_func ("/render/axes/format-price", test_format_price);
  g_test_add_func ("/render/format/usd", test_format_usd);
  g_test_add_func ("/render/axes/choose-time-step", test_choose_time_step);
  g_test_add_func ("/render/axes/time-ticks-utc", test_time_ticks_utc);
  g_test_add_func ("/render/axes/time-ticks-local", test_time_ticks_local);
  g_test_add_func ("/render/axes/format-time", test_format_time);

  return g_test_run ();
}
