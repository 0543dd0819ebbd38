/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "lode-axes.h"

/* More ticks than any axis could show: a guard against a step that does
 * not fit the range (a caller's mistake), never reached on a chart. */
#define MAX_TICKS 10000

double
lode_axes_nice_step (double range,
                     double target_ticks)
{
  static const double mantissas[] = { 1.0, 2.0, 5.0, 10.0 };
  double raw, magnitude, best = 0.0, best_dist = G_MAXDOUBLE;

  if (!(range > 0.0) || !isfinite (range))
    return 0.0;
  if (!(target_ticks >= 1.0))
    target_ticks = 1.0;

  raw = range / target_ticks;
  magnitude = pow (10.0, floor (log10 (raw)));

  /* Closest in ratio, but never more than 1.5 × the ticks asked for. */
  for (guint i = 0; i < G_N_ELEMENTS (mantissas); i++)
    {
      double step = mantissas[i] * magnitude;
      double dist = fabs (log (step / raw));

      if (step < raw / 1.5)
        continue;
      if (dist < best_dist)
        {
          best = step;
          best_dist = dist;
        }
    }

  return best;
}

guint
lode_axes_decimals_for_step (double step)
{
  double d;

  if (!(step > 0.0) || !isfinite (step) || step >= 1.0)
    return 0;

  /* 1e-9 absorbs the binary error of steps like 0.1 or 0.05. */
  d = ceil (-log10 (step) - 1e-9);
  /* A step of 0.25 or 2.5e-3 needs one more digit than its magnitude. */
  if (fabs (step * pow (10.0, d) - round (step * pow (10.0, d))) > 1e-6)
    d += 1.0;

  return (guint) CLAMP (d, 0.0, 8.0);
}

char *
lode_axes_format_price (double price,
                        guint  decimals)
{
  decimals = MIN (decimals, 12);

  /* No "-0.00" for a tick that is zero up to rounding. */
  if (fabs (price) < 0.5 * pow (10.0, -(double) decimals))
    price = 0.0;

  /* The ' flag groups thousands as LC_NUMERIC says. */
  return g_strdup_printf ("%'.*f", (int) decimals, price);
}

gint64
lode_axes_time_step_ms (LodeTimeStep step)
{
  gint64 unit;

  switch (step.unit)
    {
    case LODE_TIME_UNIT_MINUTE:
      unit = G_GINT64_CONSTANT (60000);
      break;
    case LODE_TIME_UNIT_HOUR:
      unit = G_GINT64_CONSTANT (3600000);
      break;
    case LODE_TIME_UNIT_DAY:
      unit = G_GINT64_CONSTANT (86400000);
      break;
    case LODE_TIME_UNIT_MONTH:
      unit = G_GINT64_CONSTANT (30) * 86400000;
      break;
    case LODE_TIME_UNIT_YEAR:
    default:
      unit = G_GINT64_CONSTANT (365) * 86400000;
      break;
    }

  return unit * MAX (step.count, 1);
}

LodeTimeStep
lode_axes_choose_time_step (double ms_per_px,
                            double min_spacing_px,
                            gint64 interval_ms)
{
  static const LodeTimeStep ladder[] = {
    { LODE_TIME_UNIT_MINUTE, 1 }, { LODE_TIME_UNIT_MINUTE, 5 },
    { LODE_TIME_UNIT_MINUTE, 10 }, { LODE_TIME_UNIT_MINUTE, 15 },
    { LODE_TIME_UNIT_MINUTE, 30 },
    { LODE_TIME_UNIT_HOUR, 1 }, { LODE_TIME_UNIT_HOUR, 2 },
    { LODE_TIME_UNIT_HOUR, 3 }, { LODE_TIME_UNIT_HOUR, 4 },
    { LODE_TIME_UNIT_HOUR, 6 }, { LODE_TIME_UNIT_HOUR, 12 },
    { LODE_TIME_UNIT_DAY, 1 }, { LODE_TIME_UNIT_DAY, 2 },
    { LODE_TIME_UNIT_DAY, 7 }, { LODE_TIME_UNIT_DAY, 14 },
    { LODE_TIME_UNIT_MONTH, 1 }, { LODE_TIME_UNIT_MONTH, 2 },
    { LODE_TIME_UNIT_MONTH, 3 }, { LODE_TIME_UNIT_MONTH, 6 },
  };
  double wanted = MAX (ms_per_px, 0.0) * MAX (min_spacing_px, 0.0);
  LodeTimeStep years = { LODE_TIME_UNIT_YEAR, 1 };

  for (guint i = 0; i < G_N_ELEMENTS (ladder); i++)
    {
      gint64 ms = lode_axes_time_step_ms (ladder[i]);

      if (ms >= interval_ms && (double) ms >= wanted)
        return ladder[i];
    }

  /* Years in a 1-2-5 sequence. */
  for (guint base = 1; base < 100000; base *= 10)
    {
      static const guint mult[] = { 1, 2, 5 };

      for (guint k = 0; k < G_N_ELEMENTS (mult); k++)
        {
          years.count = base * mult[k];
          if ((double) lode_axes_time_step_ms (years) >= wanted)
            return years;
        }
    }

  return years;
}

static gint32
offset_at (GTimeZone *tz,
           gint64     unix_s)
{
  int interval = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, unix_s);

  return g_time_zone_get_offset (tz, MAX (interval, 0));
}

static gint64
floor_div (gint64 a,
           gint64 b)
{
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Sub-day steps divide a day, so multiples of the step in local seconds
 * since the epoch are multiples of it from local midnight. */
static void
add_clock_ticks (GArray    *ticks,
                 gint64     start_s,
                 gint64     end_s,
                 gint64     step_s,
                 GTimeZone *tz)
{
  gint64 cur = start_s;

  while (cur <= end_s && ticks->len < MAX_TICKS)
    {
      gint32 off = offset_at (tz, cur);
      gint64 local = cur + off;
      gint64 tick_local = -floor_div (-local, step_s) * step_s;
      gint64 tick = tick_local - off;
      gint64 ms;

      /* Across a DST change, place the tick with the offset in force at it. */
      if (offset_at (tz, tick) != off)
        tick = tick_local - offset_at (tz, tick);
      if (tick < cur)
        tick = cur;
      if (tick > end_s)
        break;

      ms = tick * 1000;
      if (ticks->len == 0 || g_array_index (ticks, gint64, ticks->len - 1) < ms)
        g_array_append_val (ticks, ms);
      cur = tick + 1;
    }
}

static gboolean
day_is_tick (int   day,
             guint n)
{
  if (n == 7)
    return day == 1 || day == 8 || day == 15 || day == 22;
  if (n == 14)
    return day == 1 || day == 15;
  /* Every n-th day from the 1st; the 31st stays out so that it never
   * crowds the next month's 1st. */
  return (day - 1) % n == 0 && (n == 1 || day < 31);
}

static void
append_if_inside (GArray    *ticks,
                  GDateTime *dt,
                  gint64     start_ms,
                  gint64     end_ms)
{
  gint64 ms;

  if (dt == NULL)
    return;

  ms = g_date_time_to_unix (dt) * 1000;
  if (ms >= start_ms && ms <= end_ms
      && (ticks->len == 0 || g_array_index (ticks, gint64, ticks->len - 1) < ms))
    g_array_append_val (ticks, ms);
}

GArray *
lode_axes_time_ticks (gint64       start_ms,
                      gint64       end_ms,
                      LodeTimeStep step,
                      GTimeZone   *tz)
{
  g_autoptr(GArray) ticks = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GDateTime) start_utc = NULL;
  g_autoptr(GDateTime) start = NULL;
  guint n = MAX (step.count, 1);
  int year, month, day;

  g_return_val_if_fail (tz != NULL, NULL);

  if (end_ms < start_ms)
    return g_steal_pointer (&ticks);

  if (step.unit == LODE_TIME_UNIT_MINUTE || step.unit == LODE_TIME_UNIT_HOUR)
    {
      add_clock_ticks (ticks, -floor_div (-start_ms, 1000), floor_div (end_ms, 1000),
                       lode_axes_time_step_ms (step) / 1000, tz);
      return g_steal_pointer (&ticks);
    }

  start_utc = g_date_time_new_from_unix_utc (floor_div (start_ms, 1000));
  if (start_utc == NULL)
    return g_steal_pointer (&ticks);
  start = g_date_time_to_timezone (start_utc, tz);
  g_date_time_get_ymd (start, &year, &month, &day);

  switch (step.unit)
    {
    case LODE_TIME_UNIT_DAY:
      {
        g_autoptr(GDate) date = g_date_new_dmy (day, month, year);

        for (guint i = 0; i < 100000 && ticks->len < MAX_TICKS; i++)
          {
            g_autoptr(GDateTime) dt = NULL;
            int d = g_date_get_day (date);

            if (day_is_tick (d, n))
              {
                dt = g_date_time_new (tz, g_date_get_year (date), g_date_get_month (date), d, 0, 0, 0);
                if (dt != NULL && g_date_time_to_unix (dt) * 1000 > end_ms)
                  break;
                append_if_inside (ticks, dt, start_ms, end_ms);
              }
            g_date_add_days (date, 1);
          }
      }
      break;

    case LODE_TIME_UNIT_MONTH:
      for (guint i = 0; i < 100000 && ticks->len < MAX_TICKS; i++)
        {
          g_autoptr(GDateTime) dt = NULL;

          if ((month - 1) % n == 0)
            {
              dt = g_date_time_new (tz, year, month, 1, 0, 0, 0);
              if (dt == NULL || g_date_time_to_unix (dt) * 1000 > end_ms)
                break;
              append_if_inside (ticks, dt, start_ms, end_ms);
            }
          if (++month > 12)
            {
              month = 1;
              year++;
            }
        }
      break;

    case LODE_TIME_UNIT_YEAR:
    default:
      for (year = year - year % (int) n; year < 10000 && ticks->len < MAX_TICKS; year += n)
        {
          g_autoptr(GDateTime) dt = g_date_time_new (tz, year, 1, 1, 0, 0, 0);

          if (dt == NULL || g_date_time_to_unix (dt) * 1000 > end_ms)
            break;
          append_if_inside (ticks, dt, start_ms, end_ms);
        }
      break;
    }

  return g_steal_pointer (&ticks);
}

static GDateTime *
date_time_in (gint64     time_ms,
              GTimeZone *tz)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (floor_div (time_ms, 1000));

  if (utc == NULL)
    return NULL;

  return g_date_time_to_timezone (utc, tz);
}

char *
lode_axes_format_time_tick (gint64     time_ms,
                            GTimeZone *tz)
{
  g_autoptr(GDateTime) dt = NULL;
  const char *format;

  g_return_val_if_fail (tz != NULL, NULL);

  dt = date_time_in (time_ms, tz);
  if (dt == NULL)
    return g_strdup ("");

  if (g_date_time_get_hour (dt) != 0 || g_date_time_get_minute (dt) != 0)
    /* Translators: a time axis label within a day; strftime-like format
     * of g_date_time_format(). */
    format = C_("time axis", "%H:%M");
  else if (g_date_time_get_day_of_month (dt) != 1)
    /* Translators: a time axis label at midnight, e.g. "Nov 24". */
    format = C_("time axis", "%b %-d");
  else if (g_date_time_get_month (dt) != 1)
    /* Translators: a time axis label on the first of a month, e.g. "Dec". */
    format = C_("time axis", "%b");
  else
    /* Translators: a time axis label on New Year, e.g. "2026". */
    format = C_("time axis", "%Y");

  return g_date_time_format (dt, format);
}

char *
lode_axes_format_time_full (gint64     time_ms,
                            gint64     interval_ms,
                            GTimeZone *tz)
{
  g_autoptr(GDateTime) dt = NULL;
  const char *format;

  g_return_val_if_fail (tz != NULL, NULL);

  dt = date_time_in (time_ms, tz);
  if (dt == NULL)
    return g_strdup ("");

  if (interval_ms >= G_GINT64_CONSTANT (86400000))
    /* Translators: the crosshair's date of a daily candle. */
    format = C_("crosshair", "%a %b %-d %Y");
  else
    /* Translators: the crosshair's time of a candle. */
    format = C_("crosshair", "%a %b %-d %Y %H:%M");

  return g_date_time_format (dt, format);
}
