/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "lode-liq-model-private.h"

struct _LodeLiqModel
{
  gatomicrefcount  ref_count;
  LodeMarket      *market;
  LodeModelParams  params;

  /* Every level ever created, in creation order, as parallel arrays (the
   * heatmap streams end[] over all of them and reads the rest only for the
   * levels it shows); those created at candle j are the indices
   * [first_level[j], first_level[j + 1]). 21 bytes a level. */
  double          *price;
  double          *scaled;         /* amount at creation / decay_run[j] */
  guint32         *end;            /* min (death, wipe, j + W) */
  guint8          *side;           /* LodeSide */
  guint32         *group_end;      /* max end of each LODE_LEVEL_GROUP levels */
  gsize            n_levels;
  gsize           *first_level;

  /* lode_liq_model_get_levels(): the same levels as structs, made on the
   * first call only (nothing in the app needs them; 32 bytes a level). */
  LodeModelLevel  *levels;

  double          *log_decay;      /* n: Σ log f_m, m ≤ i */
  double          *liquidated[2];  /* n per side: §4 step 1 */
  double          *decay_run;      /* n: see lode_liq_model_get_decay_run() */
  GArray          *chunks;         /* gsize: restarts of decay_run */
  LodeLevelSet    *current;        /* S_{n−1} */

  /* Not part of the model's value: see lode-liq-model-private.h. */
  LodeModelScratch *scratch;
};

/* A 16-ary tree of minima over a series, for "first index ≥ s whose value
 * is ≤ p" in O(16 · log₁₆ n): the sparse-table/segment-tree search of §10
 * with a fan-out that keeps each step inside one or two cache lines.
 * Every level is padded with +∞ to a multiple of 16. */
#define TREE_FANOUT 16
#define TREE_MAX_LEVELS 16

typedef struct
{
  double *level[TREE_MAX_LEVELS];
  gsize   size[TREE_MAX_LEVELS];
  guint   n_levels;
  gsize   n;
} MinTree;

static gsize
round_up_fanout (gsize n)
{
  return (n + TREE_FANOUT - 1) / TREE_FANOUT * TREE_FANOUT;
}

/* Takes @values, which must have room for round_up_fanout (n) entries. */
static void
min_tree_init (MinTree *t,
               double  *values,
               gsize    n)
{
  memset (t, 0, sizeof *t);
  t->n = n;
  t->level[0] = values;
  t->size[0] = round_up_fanout (MAX (n, 1));
  for (gsize i = n; i < t->size[0]; i++)
    values[i] = INFINITY;
  t->n_levels = 1;

  while (t->size[t->n_levels - 1] > TREE_FANOUT)
    {
      const double *below = t->level[t->n_levels - 1];
      gsize n_below = t->size[t->n_levels - 1];
      gsize n_here = n_below / TREE_FANOUT;
      gsize size = round_up_fanout (n_here);
      double *here = g_new (double, size);

      for (gsize i = 0; i < n_here; i++)
        {
          double m = below[i * TREE_FANOUT];

          for (guint k = 1; k < TREE_FANOUT; k++)
            m = MIN (m, below[i * TREE_FANOUT + k]);
          here[i] = m;
        }
      for (gsize i = n_here; i < size; i++)
        here[i] = INFINITY;

      t->level[t->n_levels] = here;
      t->size[t->n_levels] = size;
      t->n_levels++;
    }
}

static void
min_tree_clear (MinTree *t)
{
  for (guint k = 0; k < t->n_levels; k++)
    g_free (t->level[k]);
  memset (t, 0, sizeof *t);
}

/* First i ≥ @s with value[i] ≤ @p, or t->n if there is none. */
static gsize
min_tree_find (const MinTree *t,
               gsize          s,
               double         p)
{
  guint k = 0;
  gsize i = s;

  if (s >= t->n)
    return t->n;

  for (;;)
    {
      const double *v = t->level[k];
      gsize end = (i | (TREE_FANOUT - 1)) + 1;

      /* The parent's minimum covers the whole group: a group whose minimum
       * is above p is skipped unread, the common case while climbing. */
      if (k + 1 == t->n_levels || t->level[k + 1][i / TREE_FANOUT] <= p)
        for (; i < end; i++)
          if (v[i] <= p)
            goto found;

      /* Nothing left in this group: continue with the parent's next group. */
      k++;
      if (k == t->n_levels)
        return t->n;
      i = end / TREE_FANOUT;
      if (i >= t->size[k])
        return t->n;
    }

found:
  while (k > 0)
    {
      k--;
      i *= TREE_FANOUT;
      while (t->level[k][i] > p)
        i++;
    }

  return MIN (i, t->n);
}

/* Parameters */

void
lode_model_params_init_default (LodeModelParams *params)
{
  static const LodeTier defaults[] = {
    { 10, 0.30, TRUE },
    { 25, 0.30, TRUE },
    { 50, 0.25, TRUE },
    { 100, 0.15, TRUE },
  };

  g_return_if_fail (params != NULL);

  memset (params, 0, sizeof *params);
  memcpy (params->tiers, defaults, sizeof defaults);
  params->n_tiers = G_N_ELEMENTS (defaults);
  params->mmr = 0.004;
  params->lookback = 0;
}

static gboolean
parse_number (const char *str,
              double     *out)
{
  char *end = NULL;
  double v;

  str += strspn (str, " \t");
  if (*str == '\0')
    return FALSE;
  v = g_ascii_strtod (str, &end);
  end += strspn (end, " \t");
  if (*end != '\0' || !isfinite (v))
    return FALSE;

  *out = v;
  return TRUE;
}

gboolean
lode_model_params_parse_tiers (LodeModelParams  *params,
                               const char       *spec,
                               GError          **error)
{
  g_auto(GStrv) parts = NULL;
  LodeTier tiers[LODE_MAX_TIERS];
  guint n = 0;

  g_return_val_if_fail (params != NULL, FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  parts = g_strsplit (spec, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *part = g_strstrip (parts[i]);
      g_auto(GStrv) lw = NULL;
      LodeTier tier = { 0, 1.0, TRUE };

      if (n == LODE_MAX_TIERS)
        {
          g_set_error (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_INVALID_PARAMS,
                       _("At most %d leverage tiers are supported"), LODE_MAX_TIERS);
          return FALSE;
        }

      if (*part == '!')
        {
          tier.enabled = FALSE;
          part++;
        }

      lw = g_strsplit (part, ":", 3);
      if (lw[0] == NULL
          || !parse_number (lw[0], &tier.leverage)
          || (lw[1] != NULL && !parse_number (lw[1], &tier.weight))
          || (lw[1] != NULL && lw[2] != NULL))
        {
          g_set_error (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_INVALID_PARAMS,
                       _("Tier %u “%s” is not LEVERAGE[:WEIGHT]"), i + 1, parts[i]);
          return FALSE;
        }

      tiers[n++] = tier;
    }

  if (n == 0)
    {
      g_set_error_literal (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_INVALID_PARAMS,
                           _("No leverage tiers given"));
      return FALSE;
    }

  memset (params->tiers, 0, sizeof params->tiers);
  memcpy (params->tiers, tiers, n * sizeof (LodeTier));
  params->n_tiers = n;

  return TRUE;
}

static char *
format_number (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* The shortest of %.15g / %.17g that reads back exactly. */
  g_ascii_formatd (buf, sizeof buf, "%.15g", v);
  if (g_ascii_strtod (buf, NULL) != v)
    g_ascii_formatd (buf, sizeof buf, "%.17g", v);

  return g_strdup (buf);
}

char *
lode_model_params_format_tiers (const LodeModelParams *params)
{
  GString *str;

  g_return_val_if_fail (params != NULL, NULL);

  str = g_string_new (NULL);
  for (guint k = 0; k < params->n_tiers; k++)
    {
      g_autofree char *lev = format_number (params->tiers[k].leverage);
      g_autofree char *w = format_number (params->tiers[k].weight);

      g_string_append_printf (str, "%s%s%s:%s",
                              k > 0 ? "," : "",
                              params->tiers[k].enabled ? "" : "!",
                              lev, w);
    }

  return g_string_free (str, FALSE);
}

gboolean
lode_model_params_validate (const LodeModelParams  *params,
                            GError                **error)
{
  gboolean any = FALSE;

  g_return_val_if_fail (params != NULL, FALSE);

  if (params->n_tiers == 0 || params->n_tiers > LODE_MAX_TIERS)
    {
      g_set_error (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_INVALID_PARAMS,
                   _("Between 1 and %d leverage tiers are needed"), LODE_MAX_TIERS);
      return FALSE;
    }

  if (!isfinite (params->mmr) || params->mmr < 0)
    {
      g_set_error (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_INVALID_PARAMS,
                   _("Maintenance margin rate %g is not a finite rate ≥ 0"), params->mmr);
      return FALSE;
    }

  for (guint k = 0; k < params->n_tiers; k++)
    {
      const LodeTier *t = &params->tiers[k];

      if (!isfinite (t->leverage) || t->leverage <= 1)
        {
          g_set_error (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_INVALID_PARAMS,
                       _("Tier %u: leverage %g is not > 1"), k + 1, t->leverage);
          return FALSE;
        }
      if (!isfinite (t->weight) || t->weight < 0)
        {
          g_set_error (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_INVALID_PARAMS,
                       _("Tier %u: weight %g is not ≥ 0"), k + 1, t->weight);
          return FALSE;
        }
      /* §3: m < 1/L keeps p_long below and p_short above the entry. */
      if (t->enabled && params->mmr >= 1.0 / t->leverage)
        {
          g_set_error (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_INVALID_PARAMS,
                       _("Tier %u: maintenance margin rate %g is not below 1/%g"),
                       k + 1, params->mmr, t->leverage);
          return FALSE;
        }
      if (t->enabled && t->weight > 0)
        any = TRUE;
    }

  if (!any)
    {
      g_set_error_literal (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_INVALID_PARAMS,
                           _("No enabled leverage tier has a weight above 0"));
      return FALSE;
    }

  return TRUE;
}

double
lode_model_params_get_weight (const LodeModelParams *params,
                              guint                  k)
{
  double sum = 0;

  g_return_val_if_fail (params != NULL, 0);
  g_return_val_if_fail (k < params->n_tiers, 0);

  if (!params->tiers[k].enabled)
    return 0;

  /* §2: renormalised over the enabled tiers. */
  for (guint i = 0; i < params->n_tiers; i++)
    if (params->tiers[i].enabled)
      sum += params->tiers[i].weight;

  return sum > 0 ? params->tiers[k].weight / sum : 0;
}

double
lode_liq_price (LodeSide side,
                double   entry,
                double   leverage,
                double   mmr)
{
  /* §3, linear contract, isolated margin. */
  if (side == LODE_SIDE_LONG)
    return entry * (1.0 - 1.0 / leverage + mmr);
  else
    return entry * (1.0 + 1.0 / leverage - mmr);
}

/* Model */

static void
lode_liq_model_free (LodeLiqModel *self)
{
  g_clear_pointer (&self->market, lode_market_unref);
  g_clear_pointer (&self->current, lode_level_set_unref);
  g_clear_pointer (&self->scratch, lode_model_scratch_free);
  g_free (self->price);
  g_free (self->scaled);
  g_free (self->end);
  g_free (self->side);
  g_free (self->group_end);
  g_free (self->levels);
  g_free (self->first_level);
  g_free (self->log_decay);
  g_free (self->liquidated[0]);
  g_free (self->liquidated[1]);
  g_free (self->decay_run);
  g_clear_pointer (&self->chunks, g_array_unref);
  g_free (self);
}

static gboolean
is_cancelled (const gint *cancel)
{
  return cancel != NULL && g_atomic_int_get (cancel) != 0;
}

static void
set_cancelled (GError **error)
{
  g_set_error_literal (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_CANCELLED,
                       _("The model build was cancelled"));
}

static LodeLevelSet *
snapshot_range (const LodeLiqModel *self,
                gsize               i)
{
  const LodeCandle *candles = lode_market_get_candles (self->market);
  gsize lo = 0;
  gsize n_out = 0;
  g_autofree LodeLevel *out = NULL;
  gsize from, to;

  /* Only levels created in (i − W, i] can be live in S_i (§4 step 4). */
  if (self->params.lookback > 0 && i + 1 > self->params.lookback)
    lo = i + 1 - self->params.lookback;
  from = self->first_level[lo];
  to = self->first_level[i + 1];

  out = g_new (LodeLevel, MAX (to - from, 1));
  for (gsize j = lo; j <= i; j++)
    {
      gsize k_end = self->first_level[j + 1];
      double factor = 0;
      gboolean have_factor = FALSE;

      for (gsize k = self->first_level[j]; k < k_end; k++)
        {
          if (self->end[k] <= i)
            continue;

          /* One exp() per creating candle. */
          if (!have_factor)
            {
              factor = self->decay_run[j] * exp (self->log_decay[i] - self->log_decay[j]);
              have_factor = TRUE;
            }

          out[n_out].price = self->price[k];
          out[n_out].amount_usd = self->scaled[k] * factor;
          out[n_out].created_ms = candles[j].time_ms;
          out[n_out].side = (LodeSide) self->side[k];
          n_out++;
        }
    }

  return lode_level_set_new (out, n_out, candles[i].close);
}

LodeLiqModel *
lode_liq_model_build (LodeMarket             *market,
                      const LodeModelParams  *params,
                      const gint             *cancel,
                      GError                **error)
{
  g_autoptr(LodeLiqModel) self = NULL;
  const LodeCandle *c;
  gsize n;
  guint order[LODE_MAX_TIERS];
  double weight[LODE_MAX_TIERS];
  guint n_order = 0;
  gsize n_rising = 0;
  g_autoptr(GArray) wipes = NULL;
  g_autoptr(GArray) alive = g_array_new (FALSE, FALSE, sizeof (gsize));
  double *run;
  gsize next_wipe = 0;
  gsize chunk_end = 0;
  gsize next_chunk = 0;
  GArray *chunks;
  MinTree lows = { 0 };
  MinTree neg_highs = { 0 };
  guint64 lookback;

  g_return_val_if_fail (market != NULL, NULL);
  g_return_val_if_fail (params != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!lode_model_params_validate (params, error))
    return NULL;

  n = lode_market_get_n_candles (market);
  c = lode_market_get_candles (market);
  if (n >= G_MAXUINT32)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GSIZE_FORMAT, n);

      g_set_error (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_INVALID_SERIES,
                   _("Too many candles (%s)"), count);
      return NULL;
    }

  self = g_new0 (LodeLiqModel, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->market = lode_market_ref (market);
  self->params = *params;
  lookback = params->lookback;

  /* Enabled tiers by leverage, highest first: their long (short) prices
   * then fall (rise) away from the entry, so each death is at or after the
   * previous tier's and the searches of one candle sweep forward once. */
  for (guint k = 0; k < params->n_tiers; k++)
    {
      weight[k] = lode_model_params_get_weight (params, k);
      if (weight[k] > 0)
        {
          guint pos = n_order++;

          while (pos > 0 && params->tiers[order[pos - 1]].leverage < params->tiers[k].leverage)
            {
              order[pos] = order[pos - 1];
              pos--;
            }
          order[pos] = k;
        }
    }

  /* §4 step 2 and §10: the running log of the closing factors f_i. A close
   * to exactly 0 (OI falls to 0) cannot be a log; it ends every level
   * created before it instead, which is what multiplying by 0 means.
   *
   * run[i] is the same decay as a running product, restarted (a new chunk,
   * listed in @chunks) before it could underflow: within a chunk the decay
   * from j to m is run[m] / run[j], which spares one exp() per liquidated
   * level here and per creating candle in the heatmap. Its rounding grows
   * with the distance, ~1e−16 per candle; the tests hold it to 1e−9. */
  self->log_decay = g_new (double, n);
  self->log_decay[0] = 0;
  run = self->decay_run = g_new (double, n);
  run[0] = 1;
  wipes = g_array_new (FALSE, FALSE, sizeof (gsize));
  chunks = self->chunks = g_array_new (FALSE, FALSE, sizeof (gsize));
  for (gsize i = 1; i < n; i++)
    {
      double prev = c[i - 1].oi_usd;
      double cur = c[i].oi_usd;
      double f = 1;

      if (!isnan (prev) && !isnan (cur))
        {
          if (cur < prev)
            {
              if (cur > 0)
                f = cur / prev;
              else
                g_array_append_val (wipes, i);
            }
          else if (cur > prev)
            n_rising++;
        }
      self->log_decay[i] = f == 1 ? self->log_decay[i - 1] : self->log_decay[i - 1] + log (f);
      run[i] = run[i - 1] * f;
      if (run[i] < 1e-200)
        {
          run[i] = 1;
          g_array_append_val (chunks, i);
        }
    }

  if (is_cancelled (cancel))
    {
      set_cancelled (error);
      return NULL;
    }

  {
    double *v = g_new (double, round_up_fanout (n));
    double *w = g_new (double, round_up_fanout (n));

    for (gsize i = 0; i < n; i++)
      {
        v[i] = c[i].low;
        w[i] = -c[i].high;
      }
    min_tree_init (&lows, v, n);
    min_tree_init (&neg_highs, w, n);
  }

  {
    gsize capacity = MAX (n_rising * n_order * 2, 1);

    self->price = g_new (double, capacity);
    self->scaled = g_new (double, capacity);
    self->end = g_new (guint32, capacity);
    self->side = g_new (guint8, capacity);
  }
  self->first_level = g_new (gsize, n + 1);
  self->liquidated[LODE_SIDE_LONG] = g_new0 (double, n);
  self->liquidated[LODE_SIDE_SHORT] = g_new0 (double, n);
  self->first_level[0] = 0;

  for (gsize j = 0; j < n; j++)
    {
      double prev, cur, d, entry, lambda;
      gsize death_long, death_short;
      gsize wipe_after;
      gsize expiry;

      self->first_level[j] = self->n_levels;

      if ((j & 0xfff) == 0 && is_cancelled (cancel))
        {
          min_tree_clear (&lows);
          min_tree_clear (&neg_highs);
          set_cancelled (error);
          return NULL;
        }

      /* §4: candle 0 opens nothing; d = 0 next to a NaN; only d > 0 opens. */
      if (j == 0)
        continue;
      prev = c[j - 1].oi_usd;
      cur = c[j].oi_usd;
      if (isnan (prev) || isnan (cur) || !(cur > prev))
        continue;

      d = cur - prev;
      entry = (c[j].high + c[j].low + c[j].close) / 3.0;  /* §2 typical price */
      lambda = c[j].long_share;

      while (next_wipe < wipes->len && g_array_index (wipes, gsize, next_wipe) <= j)
        next_wipe++;
      wipe_after = next_wipe < wipes->len ? g_array_index (wipes, gsize, next_wipe) : n;
      /* The chunk of j ends before chunk_end (the next restart). */
      while (next_chunk < chunks->len && g_array_index (chunks, gsize, next_chunk) <= j)
        next_chunk++;
      chunk_end = next_chunk < chunks->len ? g_array_index (chunks, gsize, next_chunk) : n;
      expiry = lookback > 0 ? (gsize) MIN ((guint64) j + lookback, (guint64) n) : n;

      /* §4 closed form: death(j, p) is the first m > j whose low (high)
       * reaches p; never j itself, the creating candle. */
      death_long = j + 1;
      death_short = j + 1;

      for (guint o = 0; o < n_order; o++)
        {
          guint k = order[o];
          double lev = params->tiers[k].leverage;
          double amounts[2] = { d * lambda * weight[k], d * (1.0 - lambda) * weight[k] };
          double prices[2];
          gsize deaths[2];

          prices[LODE_SIDE_LONG] = lode_liq_price (LODE_SIDE_LONG, entry, lev, params->mmr);
          prices[LODE_SIDE_SHORT] = lode_liq_price (LODE_SIDE_SHORT, entry, lev, params->mmr);

          death_long = min_tree_find (&lows, death_long, prices[LODE_SIDE_LONG]);
          death_short = min_tree_find (&neg_highs, death_short, -prices[LODE_SIDE_SHORT]);
          deaths[LODE_SIDE_LONG] = death_long;
          deaths[LODE_SIDE_SHORT] = death_short;

          for (guint s = 0; s < 2; s++)
            {
              gsize death = deaths[s];
              gsize index, end;

              /* A level of 0 USD changes no sum; it is not stored. */
              if (!(amounts[s] > 0))
                continue;

              index = self->n_levels++;
              end = MIN (MIN (death, wipe_after), expiry);
              self->price[index] = prices[s];
              self->scaled[index] = amounts[s] / run[j];
              self->end[index] = (guint32) end;
              self->side[index] = (guint8) s;
              if (end == n)
                g_array_append_val (alive, index);

              /* §4 step 1: drained at candle m = death if still live in
               * S_{m−1}; the amount removed is its amount in S_{m−1}. */
              if (death < n && death <= wipe_after && death <= expiry)
                {
                  double decay = death - 1 < chunk_end
                                 ? run[death - 1] / run[j]
                                 : exp (self->log_decay[death - 1] - self->log_decay[j]);

                  self->liquidated[s][death] += amounts[s] * decay;
                }
            }
        }
    }
  self->first_level[n] = self->n_levels;

  min_tree_clear (&lows);
  min_tree_clear (&neg_highs);

  if (self->n_levels < n_rising * n_order * 2)
    {
      gsize size = MAX (self->n_levels, 1);

      self->price = g_renew (double, self->price, size);
      self->scaled = g_renew (double, self->scaled, size);
      self->end = g_renew (guint32, self->end, size);
      self->side = g_renew (guint8, self->side, size);
    }

  {
    const guint32 *end = self->end;
    gsize n_groups = self->n_levels / LODE_LEVEL_GROUP + 1;
    guint32 *group_end = self->group_end = g_new (guint32, n_groups);

    for (gsize g = 0; g < n_groups; g++)
      {
        gsize k_end = MIN ((g + 1) * LODE_LEVEL_GROUP, self->n_levels);
        guint32 m = 0;

        for (gsize k = g * LODE_LEVEL_GROUP; k < k_end; k++)
          m = MAX (m, end[k]);
        group_end[g] = m;
      }
  }

  /* S_{n−1}: the levels that outlive the series, listed as they were made
   * (a second pass over every level would cost more than the list). */
  {
    g_autofree LodeLevel *out = g_new (LodeLevel, MAX (alive->len, 1));
    gsize j = 0;
    gsize factor_j = G_MAXSIZE;
    double factor = 0;

    for (guint k = 0; k < alive->len; k++)
      {
        gsize index = g_array_index (alive, gsize, k);

        /* The creating candle, by walking first_level forward. */
        while (self->first_level[j + 1] <= index)
          j++;
        if (j != factor_j)
          {
            factor_j = j;
            factor = run[j] * exp (self->log_decay[n - 1] - self->log_decay[j]);
          }
        out[k].price = self->price[index];
        out[k].amount_usd = self->scaled[index] * factor;
        out[k].created_ms = c[j].time_ms;
        out[k].side = (LodeSide) self->side[index];
      }
    self->current = lode_level_set_new (out, alive->len, c[n - 1].close);
  }

  return g_steal_pointer (&self);
}

LodeLiqModel *
lode_liq_model_ref (LodeLiqModel *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
lode_liq_model_unref (LodeLiqModel *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    lode_liq_model_free (self);
}

LodeMarket *
lode_liq_model_get_market (const LodeLiqModel *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->market;
}

const LodeModelParams *
lode_liq_model_get_params (const LodeLiqModel *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return &self->params;
}

gsize
lode_liq_model_get_n_levels (const LodeLiqModel *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_levels;
}

LodeLevelSet *
lode_liq_model_snapshot (const LodeLiqModel *self,
                         gsize               i)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (i < lode_market_get_n_candles (self->market), NULL);

  if (i + 1 == lode_market_get_n_candles (self->market))
    return lode_level_set_ref (self->current);

  return snapshot_range (self, i);
}

LodeLevelSet *
lode_liq_model_current (const LodeLiqModel *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return lode_level_set_ref (self->current);
}

double
lode_liq_model_get_liquidated (const LodeLiqModel *self,
                               gsize               i,
                               LodeSide            side)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (i < lode_market_get_n_candles (self->market), 0);
  g_return_val_if_fail (side <= LODE_SIDE_SHORT, 0);

  return self->liquidated[side][i];
}

const LodeModelLevel *
lode_liq_model_get_levels (const LodeLiqModel *self,
                           gsize              *n_levels)
{
  LodeLiqModel *mutable_self = (LodeLiqModel *) self;

  g_return_val_if_fail (self != NULL, NULL);

  if (n_levels != NULL)
    *n_levels = self->n_levels;

  if (g_once_init_enter (&mutable_self->levels))
    {
      LodeModelLevel *levels = g_new (LodeModelLevel, MAX (self->n_levels, 1));
      gsize n = lode_market_get_n_candles (self->market);

      for (gsize j = 0; j < n; j++)
        for (gsize k = self->first_level[j]; k < self->first_level[j + 1]; k++)
          levels[k] = (LodeModelLevel) {
            .price = self->price[k],
            .amount = self->scaled[k] * self->decay_run[j],
            .created = (guint32) j,
            .end = self->end[k],
            .side = (LodeSide) self->side[k],
          };
      g_once_init_leave (&mutable_self->levels, levels);
    }

  return self->levels;
}

void
lode_liq_model_get_level_arrays (const LodeLiqModel   *self,
                                 LodeModelLevelArrays *arrays)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (arrays != NULL);

  *arrays = (LodeModelLevelArrays) {
    .price = self->price,
    .scaled = self->scaled,
    .run = self->decay_run,
    .end = self->end,
    .side = self->side,
    .group_end = self->group_end,
    .first_level = self->first_level,
    .n_levels = self->n_levels,
  };
}

const double *
lode_liq_model_get_log_decay (const LodeLiqModel *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->log_decay;
}

void
lode_model_scratch_free (LodeModelScratch *scratch)
{
  if (scratch == NULL)
    return;

  g_free (scratch->data);
  g_free (scratch);
}

LodeModelScratch *
lode_liq_model_take_scratch (const LodeLiqModel *self)
{
  LodeLiqModel *mutable_self = (LodeLiqModel *) self;

  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_pointer_exchange (&mutable_self->scratch, NULL);
}

void
lode_liq_model_return_scratch (const LodeLiqModel *self,
                               LodeModelScratch   *scratch)
{
  LodeLiqModel *mutable_self = (LodeLiqModel *) self;

  g_return_if_fail (self != NULL);

  if (scratch != NULL
      && !g_atomic_pointer_compare_and_exchange (&mutable_self->scratch, NULL, scratch))
    lode_model_scratch_free (scratch);
}

const double *
lode_liq_model_get_decay_run (const LodeLiqModel  *self,
                              const gsize        **chunks,
                              gsize               *n_chunks)
{
  g_return_val_if_fail (self != NULL, NULL);

  *chunks = (const gsize *) (gpointer) self->chunks->data;
  *n_chunks = self->chunks->len;

  return self->decay_run;
}
