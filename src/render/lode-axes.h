/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Tick placement and labels of the chart's axes: pure functions, tested
 * without a display. Times are ms since the Unix epoch; the time zone is a
 * parameter so that tests are independent of the machine's (the chart
 * passes the local zone). */

/* The 1-2-5 step (1, 2 or 5 × 10^k) closest to giving @target_ticks ticks
 * over @range, never giving more than about 1.5 × @target_ticks.
 * Returns 0 when @range is not positive and finite. */
double   lode_axes_nice_step           (double          range,
                                        double          target_ticks);
/* Decimals that show a price on a grid of @step exactly (0 for steps ≥ 1),
 * at most 8. */
guint    lode_axes_decimals_for_step   (double          step);
/* @price with @decimals decimals, in the locale's number format (thousands
 * separators and decimal point of LC_NUMERIC). */
char    *lode_axes_format_price        (double          price,
                                        guint           decimals);
typedef enum
{
  LODE_TIME_UNIT_MINUTE,
  LODE_TIME_UNIT_HOUR,
  LODE_TIME_UNIT_DAY,
  LODE_TIME_UNIT_MONTH,
  LODE_TIME_UNIT_YEAR,
} LodeTimeUnit;

typedef struct
{
  LodeTimeUnit unit;
  guint        count;   /* e.g. 15 × minute, 4 × hour, 3 × month */
} LodeTimeStep;

/* Nominal length of @step in ms (a month counts 30 days, a year 365). */
gint64   lode_axes_time_step_ms        (LodeTimeStep    step);
/* The finest step from the ladder 1 5 10 15 30 min, 1 2 3 4 6 12 h,
 * 1 2 7 14 d, 1 2 3 6 months, 1 2 5 10 … years whose ticks are at least
 * @min_spacing_px apart at @ms_per_px, and never finer than one candle
 * (@interval_ms). */
LodeTimeStep lode_axes_choose_time_step (double         ms_per_px,
                                         double         min_spacing_px,
                                         gint64         interval_ms);
/* Tick times in [@start_ms, @end_ms], ascending, at the round local times
 * of @step in @tz: minute and hour steps at multiples of the step from
 * local midnight, day steps at midnights of days 1, 1+n, … of each month
 * (weeks at days 1, 8, 15, 22), month steps on the 1st of months 1, 1+n, …,
 * year steps on 1 January of years divisible by n. */
GArray  *lode_axes_time_ticks          (gint64          start_ms,
                                        gint64          end_ms,
                                        LodeTimeStep    step,
                                        GTimeZone      *tz);
/* The label of a tick, by the largest boundary it falls on: "2026" on a
 * new year, "Dec" on the 1st of a month, "Nov 24" at midnight, else
 * "14:30" (translatable formats). */
char    *lode_axes_format_time_tick    (gint64          time_ms,
                                        GTimeZone      *tz);
/* The full time of a candle for the crosshair, e.g. "Tue Nov 24 2026
 * 14:30"; without the time of day for daily or coarser candles. */
char    *lode_axes_format_time_full    (gint64          time_ms,
                                        gint64          interval_ms,
                                        GTimeZone      *tz);

G_END_DECLS
