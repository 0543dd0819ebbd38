/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "lode-demo-source.h"

/* The simulation, one step per minute:
 *
 * - Price: log returns with a regime drift (trend: a 2–9 % move over 3–20 h;
 *   range: mean reversion to an anchor), a volatility that is the product of
 *   a regime level, a slow log-volatility process, the time of day (US and
 *   EU sessions busier, weekends quieter) and a boost that decays after a
 *   cascade. Rare jumps give fat tails. High and low come from the exact
 *   maximum and minimum of a Brownian bridge over the minute, so wicks have
 *   the right size for the volatility.
 * - Open interest (USD): grows in trends and, more slowly, in ranges, with
 *   noise; pulled back towards a slowly wandering baseline over days.
 *   That growth is what creates the model's levels, so it is concentrated
 *   where price lingers and bands form a few % away.
 * - Cascades: a hazard that rises when OI is crowded above its baseline.
 *   A cascade is a 4–18 minute move of 2–10 % (front-loaded, wide wicks,
 *   heavy volume) against the crowded side, with OI dropping 6–18 %: it
 *   sweeps the 100×/50×/25× bands of recent entries and leaves the 10×
 *   ones. A partial retrace and a volatile range follow.
 * - Long share λ: mean-reverting around 0.5; retail leans long into falls
 *   and is flushed by down cascades.
 *
 * The generator has its own PRNG (xoshiro256**, seeded by splitmix64) so
 * the series depends on nothing but the parameters. */

#define MINUTE_MS   G_GINT64_CONSTANT (60000)
#define DAY_MS      G_GINT64_CONSTANT (86400000)
#define DAY_MIN     1440.0

/* Where the price lives: centred on 85 k, pulled back outside 68–102 k. */
#define PRICE_CENTRE  85000.0
#define PRICE_LOW     68000.0
#define PRICE_HIGH    102000.0
#define OI_BASELINE   7.5e9
/* Prices in ticks of 0.1; dividing the tick count by 10 gives the double
 * nearest to the decimal, so the CSV export prints it short. */
#define TICKS_PER_UNIT 10.0

typedef struct
{
  guint64 s[4];
  double  spare;
  gboolean has_spare;
} Rng;

typedef enum
{
  REGIME_RANGE,
  REGIME_TREND,
} Regime;

typedef struct
{
  Rng     rng;

  double  log_p;         /* the unrounded log price */
  Regime  regime;
  int     regime_left;   /* minutes */
  double  trend_mu;      /* drift per minute in a trend */
  double  anchor;        /* log price a range reverts to */
  double  kappa;         /* reversion per minute in a range */

  double  log_vol;       /* slow log-volatility, mean 0 */
  double  boost;         /* ≥ 1, volatility after a cascade */

  double  log_oi;
  double  log_oi_base;
  double  lambda;
  double  seasonal[1440];

  int     cascade_left;  /* minutes left in the running cascade, 0 = none */
  int     cascade_len;
  int     cascade_dir;   /* −1 down (longs flushed), +1 up (shorts squeezed) */
  double  cascade_move;  /* total |log move| */
  double  cascade_oi;    /* total log OI drop */
  double  cascade_norm;  /* Σ of the per-minute weights */
  int     cooldown;      /* minutes before another cascade may start */
} Sim;

static guint64
splitmix64 (guint64 *x)
{
  guint64 z = (*x += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);

  return z ^ (z >> 31);
}

static inline guint64
rotl (guint64 x,
      int     k)
{
  return (x << k) | (x >> (64 - k));
}

static void
rng_init (Rng     *rng,
          guint64  seed)
{
  for (guint i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&seed);
  rng->has_spare = FALSE;
}

static inline guint64
rng_next (Rng *rng)
{
  guint64 *s = rng->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);

  return result;
}

/* Uniform in (0, 1]: never 0, so its log is finite. */
static inline double
rng_uniform (Rng *rng)
{
  return ((rng_next (rng) >> 11) + 1) * 0x1.0p-53;
}

static inline double
rng_range (Rng    *rng,
           double  lo,
           double  hi)
{
  return lo + (hi - lo) * rng_uniform (rng);
}

/* Standard normal (Marsaglia's polar method, both values used). */
static double
rng_normal (Rng *rng)
{
  double u, v, s;

  if (rng->has_spare)
    {
      rng->has_spare = FALSE;
      return rng->spare;
    }

  do
    {
      u = 2.0 * rng_uniform (rng) - 1.0;
      v = 2.0 * rng_uniform (rng) - 1.0;
      s = u * u + v * v;
    }
  while (s >= 1.0 || s == 0.0);

  s = sqrt (-2.0 * log (s) / s);
  rng->spare = v * s;
  rng->has_spare = TRUE;

  return u * s;
}

static inline double
round_tick (double price)
{
  return floor (price * TICKS_PER_UNIT + 0.5) / TICKS_PER_UNIT;
}

/* Activity by minute of the day (UTC): busier at the EU and US opens;
 * about 1 on average. Weekends are quieter (× 0.7). */
static void
init_seasonal (double table[1440])
{
  for (guint m = 0; m < 1440; m++)
    {
      double hour = m / 60.0;

      table[m] = 0.8
                 + 0.5 * exp (-0.5 * pow ((hour - 14.5) / 1.6, 2))   /* US open */
                 + 0.2 * exp (-0.5 * pow ((hour - 8.0) / 1.2, 2));   /* EU open */
    }
}

static double
seasonal_factor (const double  table[1440],
                 gint64        time_ms)
{
  gint64 minute = time_ms >= 0 ? time_ms / 60000 : (time_ms - 59999) / 60000;
  gint64 day = minute >= 0 ? minute / 1440 : (minute - 1439) / 1440;
  int weekday = (int) (((day + 4) % 7 + 7) % 7);  /* 1970-01-01 was a Thursday; 0 = Sunday */
  double f = table[minute - day * 1440];

  return weekday == 0 || weekday == 6 ? 0.7 * f : f;
}

static void
start_regime (Sim *sim)
{
  Rng *rng = &sim->rng;
  double offset = sim->log_p - log (PRICE_CENTRE);
  gboolean trend;

  if (sim->regime == REGIME_TREND)
    trend = rng_uniform (rng) < 0.3;
  else
    trend = rng_uniform (rng) < 0.6;

  if (trend)
    {
      /* Trends lean back towards the centre when the price is far out. */
      double p_up = CLAMP (0.5 - 2.0 * offset, 0.1, 0.9);
      int dir = rng_uniform (rng) < p_up ? 1 : -1;
      double move = rng_range (rng, 0.02, 0.09);

      sim->regime = REGIME_TREND;
      sim->regime_left = (int) exp (rng_range (rng, log (180.0), log (1200.0)));
      sim->trend_mu = dir * move / sim->regime_left;
    }
  else
    {
      sim->regime = REGIME_RANGE;
      sim->regime_left = (int) exp (rng_range (rng, log (240.0), log (2160.0)));
      sim->anchor = sim->log_p;
      sim->kappa = 1.0 / rng_range (rng, 60.0, 300.0);
      sim->trend_mu = 0.0;
    }
}

static void
maybe_start_cascade (Sim    *sim,
                     double  seasonal)
{
  Rng *rng = &sim->rng;
  double crowding = exp (5.0 * (sim->log_oi - sim->log_oi_base));
  double hazard = crowding * seasonal / (3.0 * DAY_MIN);
  double p_down;

  if (sim->regime == REGIME_TREND)
    hazard *= 1.5;

  if (rng_uniform (rng) >= hazard)
    return;

  /* Against the crowded side, and with the trend more often than not. */
  p_down = 0.5 + 1.5 * (sim->lambda - 0.5);
  if (sim->regime == REGIME_TREND)
    p_down += sim->trend_mu < 0 ? 0.2 : -0.2;
  p_down = CLAMP (p_down, 0.15, 0.85);

  sim->cascade_dir = rng_uniform (rng) < p_down ? -1 : 1;
  sim->cascade_len = (int) rng_range (rng, 4.0, 19.0);
  sim->cascade_left = sim->cascade_len;
  sim->cascade_move = rng_uniform (rng) < 0.1 ? rng_range (rng, 0.06, 0.10)
                                               : rng_range (rng, 0.02, 0.06);
  sim->cascade_oi = rng_range (rng, 0.06, 0.10) + sim->cascade_move;
  sim->cascade_norm = 0;
  for (int k = 0; k < sim->cascade_len; k++)
    sim->cascade_norm += exp (-3.0 * k / sim->cascade_len);
}

static void
end_cascade (Sim *sim)
{
  Rng *rng = &sim->rng;

  /* A partial retrace in a volatile range. */
  sim->regime = REGIME_RANGE;
  sim->regime_left = (int) rng_range (rng, 240.0, 720.0);
  sim->anchor = sim->log_p - sim->cascade_dir * sim->cascade_move * rng_range (rng, 0.2, 0.5);
  sim->kappa = 1.0 / rng_range (rng, 60.0, 150.0);
  sim->trend_mu = 0.0;
  sim->boost = 2.5;
  sim->cooldown = (int) rng_range (rng, 0.5 * DAY_MIN, 1.5 * DAY_MIN);
  sim->lambda += sim->cascade_dir * rng_range (rng, 0.04, 0.10);
}

/* One minute. @open is the previous close as published. */
static void
step (Sim        *sim,
      gint64      time_ms,
      double      open,
      LodeCandle *candle)
{
  Rng *rng = &sim->rng;
  double seasonal = seasonal_factor (sim->seasonal, time_ms);
  double sigma, sigma_bridge, x, z, g, hi, lo, lambda_target;
  double log_open = sim->log_p;
  double volume;
  gboolean cascade_over = FALSE;

  if (sim->cascade_left == 0)
    {
      if (--sim->regime_left <= 0)
        start_regime (sim);
      if (sim->cooldown > 0)
        sim->cooldown--;
      else
        maybe_start_cascade (sim, seasonal);
    }

  sigma = (sim->regime == REGIME_TREND ? 0.00060 : 0.00045)
          * exp (sim->log_vol) * seasonal * sim->boost;
  z = rng_normal (rng);
  if (rng_uniform (rng) < 0.015)
    z *= 3.0;

  if (sim->cascade_left > 0)
    {
      int k = sim->cascade_len - sim->cascade_left;
      double w = exp (-3.0 * k / sim->cascade_len) / sim->cascade_norm;
      double move = sim->cascade_move * w;

      x = sim->cascade_dir * move + 1.5 * sigma * z;
      sigma_bridge = MAX (2.0 * sigma, 0.6 * move);
      g = -sim->cascade_oi * w + 0.0003 * rng_normal (rng);
      volume = 150.0 * (4.0 + 40.0 * w) * rng_range (rng, 0.8, 1.3);

      cascade_over = --sim->cascade_left == 0;
    }
  else
    {
      double drift;
      double outside = 0.0;

      if (sim->log_p > log (PRICE_HIGH))
        outside = sim->log_p - log (PRICE_HIGH);
      else if (sim->log_p < log (PRICE_LOW))
        outside = sim->log_p - log (PRICE_LOW);

      drift = sim->regime == REGIME_TREND ? sim->trend_mu
                                          : -sim->kappa * (sim->log_p - sim->anchor);
      drift -= outside / DAY_MIN;
      x = drift + sigma * z;
      sigma_bridge = sigma;

      /* Positions open in trends and build up in ranges; the baseline
       * pulls OI back over about three days. */
      g = (sim->regime == REGIME_TREND ? 0.00004 : 0.000015)
          + 0.05 * fabs (x)
          + 0.00011 * rng_normal (rng)
          - (sim->log_oi - sim->log_oi_base) / (3.0 * DAY_MIN);
      if (sim->boost > 1.5)
        g -= 0.00002;

      volume = 150.0 * seasonal * exp (sim->log_vol) * sim->boost
               * (0.5 + 0.6 * fabs (z)) * exp (0.3 * rng_normal (rng));
    }

  sim->log_p += x;
  sim->log_oi += g;
  if (cascade_over)
    end_cascade (sim);
  sim->log_oi_base += 0.00002 * rng_normal (rng);
  sim->log_oi_base = CLAMP (sim->log_oi_base, log (5e9), log (11e9));

  sim->log_vol = sim->log_vol * (1.0 - 1.0 / 720.0) + 0.018 * rng_normal (rng);
  if (fabs (z) > 3.0)
    sim->log_vol += 0.1;
  sim->boost = 1.0 + (sim->boost - 1.0) * exp (-1.0 / 120.0);

  /* Retail leans long into falls and short into rallies. */
  lambda_target = 0.52;
  if (sim->regime == REGIME_TREND)
    lambda_target = sim->trend_mu < 0 ? 0.58 : 0.47;
  sim->lambda += (lambda_target - sim->lambda) / DAY_MIN + 0.0015 * rng_normal (rng);
  sim->lambda = CLAMP (sim->lambda, 0.2, 0.8);

  /* Extremes of a Brownian bridge from 0 to x with variance σ²: the max M
   * has P(M > m) = exp(−2 m (m − x) / σ²) for m ≥ max(0, x). */
  hi = 0.5 * (x + sqrt (x * x - 2.0 * sigma_bridge * sigma_bridge * log (rng_uniform (rng))));
  lo = 0.5 * (x - sqrt (x * x - 2.0 * sigma_bridge * sigma_bridge * log (rng_uniform (rng))));

  candle->time_ms = time_ms;
  candle->open = open;
  candle->close = round_tick (exp (sim->log_p));
  candle->high = MAX (round_tick (exp (log_open + hi)), MAX (candle->open, candle->close));
  candle->low = MIN (round_tick (exp (log_open + lo)), MIN (candle->open, candle->close));
  candle->volume = floor (volume * 1000.0 + 0.5) / 1000.0;
  candle->oi_usd = floor (exp (sim->log_oi) + 0.5);
  candle->long_share = floor (sim->lambda * 10000.0 + 0.5) / 10000.0;
}

void
lode_demo_params_init_default (LodeDemoParams *params)
{
  g_return_if_fail (params != NULL);

  params->seed = LODE_DEMO_DEFAULT_SEED;
  params->days = LODE_DEMO_DEFAULT_DAYS;
  params->interval_ms = MINUTE_MS;
  params->end_ms = LODE_DEMO_DEFAULT_END_MS;
}

LodeMarket *
lode_demo_market_generate (const LodeDemoParams  *params,
                           GError               **error)
{
  g_autoptr(LodeMarket) minutes = NULL;
  g_autofree LodeCandle *candles = NULL;
  guint days;
  gint64 interval_ms, end_ms, start_ms;
  gsize n;
  double open;
  g_autofree Sim *sim = g_new0 (Sim, 1);

  g_return_val_if_fail (params != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  days = params->days != 0 ? params->days : LODE_DEMO_DEFAULT_DAYS;
  interval_ms = params->interval_ms != 0 ? params->interval_ms : MINUTE_MS;
  end_ms = params->end_ms != 0 ? params->end_ms : LODE_DEMO_DEFAULT_END_MS;

  if (days > LODE_DEMO_MAX_DAYS)
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_INVALID_ARGUMENT,
                   "The demo market spans at most %u days, not %u",
                   LODE_DEMO_MAX_DAYS, days);
      return NULL;
    }
  if (interval_ms < 0 || interval_ms % MINUTE_MS != 0 || interval_ms > (gint64) days * DAY_MS)
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_INVALID_ARGUMENT,
                   "The demo market's interval must be a whole number of minutes "
                   "no longer than the series, not %" G_GINT64_FORMAT " ms", interval_ms);
      return NULL;
    }
  if (end_ms < (gint64) days * DAY_MS)
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_INVALID_ARGUMENT,
                   "The demo market cannot start before 1970");
      return NULL;
    }

  /* Whole buckets only: an end on the interval grid keeps every bucket
   * complete for the usual intervals (which divide a day). */
  end_ms -= end_ms % interval_ms;
  start_ms = end_ms - (gint64) days * DAY_MS;
  n = (gsize) days * 1440;

  init_seasonal (sim->seasonal);
  rng_init (&sim->rng, params->seed);
  sim->log_p = log (PRICE_CENTRE) + rng_range (&sim->rng, -0.1, 0.1);
  sim->regime = REGIME_RANGE;
  sim->regime_left = 0;
  sim->boost = 1.0;
  sim->log_oi_base = log (OI_BASELINE);
  sim->log_oi = sim->log_oi_base + rng_range (&sim->rng, -0.1, 0.05);
  sim->lambda = 0.5 + rng_range (&sim->rng, -0.04, 0.04);
  sim->cooldown = (int) DAY_MIN / 2;

  candles = g_new (LodeCandle, n);
  open = round_tick (exp (sim->log_p));
  for (gsize i = 0; i < n; i++)
    {
      step (sim, start_ms + (gint64) i * MINUTE_MS, open, &candles[i]);
      open = candles[i].close;
    }

  minutes = lode_market_new (candles, n, MINUTE_MS, error);
  if (minutes == NULL)
    return NULL;

  if (interval_ms == MINUTE_MS)
    return g_steal_pointer (&minutes);

  return lode_market_aggregate (minutes, interval_ms, error);
}

const char *
lode_demo_source_get_label (void)
{
  return _("Demo market (simulated)");
}
