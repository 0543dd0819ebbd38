/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>

#include "lode-market.h"

struct _LodeMarket
{
  gatomicrefcount ref_count;
  LodeCandle     *candles;
  gsize           n_candles;
  gint64          interval_ms;
};

G_DEFINE_BOXED_TYPE (LodeCandle, lode_candle, lode_candle_copy, g_free)

LodeCandle *
lode_candle_copy (const LodeCandle *candle)
{
  g_return_val_if_fail (candle != NULL, NULL);

  return g_memdup2 (candle, sizeof *candle);
}

static gboolean
candle_invalid (const LodeCandle *c,
                const LodeCandle *prev,
                const char      **problem)
{
  if (prev != NULL && c->time_ms <= prev->time_ms)
    *problem = c->time_ms == prev->time_ms ? N_("duplicate time") : N_("time before the previous row");
  else if (!isfinite (c->open) || !isfinite (c->high) || !isfinite (c->low) || !isfinite (c->close))
    *problem = N_("a price is not finite");
  else if (c->open <= 0 || c->high <= 0 || c->low <= 0 || c->close <= 0)
    *problem = N_("a price is not positive");
  else if (c->low > MIN (c->open, c->close))
    *problem = N_("low above open or close");
  else if (c->high < MAX (c->open, c->close))
    *problem = N_("high below open or close");
  else if (!isfinite (c->volume) || c->volume < 0)
    *problem = N_("volume not finite or negative");
  else if (!isnan (c->oi_usd) && (!isfinite (c->oi_usd) || c->oi_usd < 0))
    *problem = N_("open interest not finite or negative");
  else if (!isfinite (c->long_share) || c->long_share < 0 || c->long_share > 1)
    *problem = N_("long share outside [0, 1]");
  else
    return FALSE;

  return TRUE;
}

/* The error names the row both by its 0-based index and by its time, so a
 * user can find it in a file and a developer in an array. */
static gboolean
validate (const LodeCandle  *candles,
          gsize              n_candles,
          gint64             interval_ms,
          GError           **error)
{
  if (n_candles == 0)
    {
      g_set_error_literal (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_INVALID_SERIES,
                           _("The series has no candles"));
      return FALSE;
    }

  if (interval_ms <= 0)
    {
      g_autofree char *ms = g_strdup_printf ("%" G_GINT64_FORMAT, interval_ms);

      /* Translators: %s is a duration in milliseconds */
      g_set_error (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_INVALID_SERIES,
                   _("Candle interval %s ms is not positive"), ms);
      return FALSE;
    }

  for (gsize i = 0; i < n_candles; i++)
    {
      const char *problem = NULL;

      if (candle_invalid (&candles[i], i > 0 ? &candles[i - 1] : NULL, &problem))
        {
          g_autofree char *row = g_strdup_printf ("%" G_GSIZE_FORMAT, i);
          g_autofree char *time = g_strdup_printf ("%" G_GINT64_FORMAT, candles[i].time_ms);

          /* Translators: a row of a series, its time in ms and what is wrong with it */
          g_set_error (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_INVALID_SERIES,
                       _("Row %s (time %s ms): %s"), row, time, _(problem));
          return FALSE;
        }
    }

  return TRUE;
}

static LodeMarket *
market_new_take (LodeCandle *candles,
                 gsize       n_candles,
                 gint64      interval_ms)
{
  LodeMarket *self = g_new0 (LodeMarket, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->candles = candles;
  self->n_candles = n_candles;
  self->interval_ms = interval_ms;

  return self;
}

LodeMarket *
lode_market_new (const LodeCandle  *candles,
                 gsize              n_candles,
                 gint64             interval_ms,
                 GError           **error)
{
  g_return_val_if_fail (candles != NULL || n_candles == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!validate (candles, n_candles, interval_ms, error))
    return NULL;

  return market_new_take (g_memdup2 (candles, n_candles * sizeof (LodeCandle)),
                          n_candles, interval_ms);
}

LodeMarket *
lode_market_ref (LodeMarket *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
lode_market_unref (LodeMarket *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->candles);
      g_free (self);
    }
}

gsize
lode_market_get_n_candles (const LodeMarket *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_candles;
}

const LodeCandle *
lode_market_get_candles (const LodeMarket *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->candles;
}

const LodeCandle *
lode_market_get_candle (const LodeMarket *self,
                        gsize             i)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (i < self->n_candles, NULL);

  return &self->candles[i];
}

gint64
lode_market_get_interval_ms (const LodeMarket *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->interval_ms;
}

gssize
lode_market_find_closed_at (const LodeMarket *self,
                            gint64            time_ms)
{
  gsize lo = 0;
  gsize hi;

  g_return_val_if_fail (self != NULL, -1);

  /* First candle whose close time t + Δ is > @time_ms; the answer is the one before. */
  hi = self->n_candles;
  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;

      if (self->candles[mid].time_ms <= time_ms - self->interval_ms)
        lo = mid + 1;
      else
        hi = mid;
    }

  return (gssize) lo - 1;
}

/* §1 step hold: calls @apply for every candle with the latest point whose
 * time is ≤ the candle's close time t_i + Δ, or NULL before the first one. */
static void
step_hold (LodeCandle      *candles,
           gsize            n_candles,
           gint64           interval_ms,
           const LodePoint *points,
           gsize            n_points,
           void           (*apply) (LodeCandle      *candle,
                                    const LodePoint *point,
                                    gpointer         data),
           gpointer         data)
{
  gsize k = 0;

  for (gsize i = 0; i < n_candles; i++)
    {
      gint64 close_time = candles[i].time_ms + interval_ms;

      while (k < n_points && points[k].time_ms <= close_time)
        k++;

      apply (&candles[i], k > 0 ? &points[k - 1] : NULL, data);
    }
}

typedef struct
{
  LodeOiUnit unit;
  double     contract_value;
} OiAlign;

static void
apply_oi (LodeCandle      *candle,
          const LodePoint *point,
          gpointer         data)
{
  const OiAlign *align = data;

  if (point == NULL)
    {
      candle->oi_usd = NAN;
      return;
    }

  switch (align->unit)
    {
    case LODE_OI_UNIT_USD:
      candle->oi_usd = point->value;
      break;
    case LODE_OI_UNIT_BASE:
      candle->oi_usd = point->value * candle->close;
      break;
    case LODE_OI_UNIT_CONTRACTS:
      candle->oi_usd = point->value * align->contract_value * candle->close;
      break;
    default:
      g_assert_not_reached ();
    }
}

void
lode_market_align_oi (LodeCandle      *candles,
                      gsize            n_candles,
                      gint64           interval_ms,
                      const LodePoint *points,
                      gsize            n_points,
                      LodeOiUnit       unit,
                      double           contract_value)
{
  OiAlign align = { unit, contract_value };

  g_return_if_fail (candles != NULL || n_candles == 0);
  g_return_if_fail (points != NULL || n_points == 0);
  g_return_if_fail (unit <= LODE_OI_UNIT_CONTRACTS);

  step_hold (candles, n_candles, interval_ms, points, n_points, apply_oi, &align);
}

double
lode_long_share_from_ratio (double ratio)
{
  /* §1: λ = r / (1 + r); a ratio that is not a ratio means "unknown". */
  if (isnan (ratio) || ratio < 0)
    return 0.5;
  if (isinf (ratio))
    return 1.0;

  return ratio / (1.0 + ratio);
}

static void
apply_long_share (LodeCandle      *candle,
                  const LodePoint *point,
                  gpointer         data)
{
  candle->long_share = point != NULL ? lode_long_share_from_ratio (point->value) : 0.5;
}

void
lode_market_align_long_share (LodeCandle      *candles,
                              gsize            n_candles,
                              gint64           interval_ms,
                              const LodePoint *ratio_points,
                              gsize            n_points)
{
  g_return_if_fail (candles != NULL || n_candles == 0);
  g_return_if_fail (ratio_points != NULL || n_points == 0);

  step_hold (candles, n_candles, interval_ms, ratio_points, n_points, apply_long_share, NULL);
}

static gint64
floor_to (gint64 t,
          gint64 step)
{
  gint64 q = t / step;

  if (t % step != 0 && t < 0)
    q--;

  return q * step;
}

LodeMarket *
lode_market_aggregate (const LodeMarket  *self,
                       gint64             interval_ms,
                       GError           **error)
{
  g_autofree LodeCandle *out = NULL;
  gsize n_out = 0;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (interval_ms <= 0 || interval_ms % self->interval_ms != 0)
    {
      g_autofree char *want = g_strdup_printf ("%" G_GINT64_FORMAT, interval_ms);
      g_autofree char *have = g_strdup_printf ("%" G_GINT64_FORMAT, self->interval_ms);

      g_set_error (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_INVALID_SERIES,
                   _("Interval %s ms is not a positive multiple of %s ms"), want, have);
      return NULL;
    }

  out = g_new (LodeCandle, self->n_candles);

  for (gsize i = 0; i < self->n_candles; i++)
    {
      const LodeCandle *c = &self->candles[i];
      gint64 bucket = floor_to (c->time_ms, interval_ms);

      if (n_out == 0 || out[n_out - 1].time_ms != bucket)
        {
          out[n_out] = *c;
          out[n_out].time_ms = bucket;
          n_out++;
        }
      else
        {
          LodeCandle *b = &out[n_out - 1];

          b->high = MAX (b->high, c->high);
          b->low = MIN (b->low, c->low);
          b->close = c->close;
          b->volume += c->volume;
          b->oi_usd = c->oi_usd;
          b->long_share = c->long_share;
        }
    }

  /* The input is valid, so the output is too (times strictly ascend because
   * the buckets do); validating again costs O(n) and guards future edits. */
  if (!validate (out, n_out, interval_ms, error))
    return NULL;

  out = g_renew (LodeCandle, g_steal_pointer (&out), n_out);

  return market_new_take (g_steal_pointer (&out), n_out, interval_ms);
}
