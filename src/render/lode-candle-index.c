/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lode-candle-index.h"

/* Two block sizes: small blocks bound the candles read at a range's ends,
 * large ones the blocks read in its middle. A query reads at most about
 * 2·SMALL candles, 2·LARGE/SMALL small blocks and range/LARGE large ones. */
#define SMALL 16
#define LARGE 256

typedef struct
{
  double high;
  double low;
} Extent;

struct _LodeCandleIndex
{
  LodeMarket *market;
  Extent     *small;   /* ⌈n / SMALL⌉ */
  Extent     *large;   /* ⌈n / LARGE⌉ */
};

static void
extent_add (Extent       *e,
            const Extent *other)
{
  e->high = MAX (e->high, other->high);
  e->low = MIN (e->low, other->low);
}

LodeCandleIndex *
lode_candle_index_new (LodeMarket *market)
{
  LodeCandleIndex *self;
  const LodeCandle *candles;
  gsize n, n_small, n_large;

  g_return_val_if_fail (market != NULL, NULL);

  n = lode_market_get_n_candles (market);
  candles = lode_market_get_candles (market);
  n_small = (n + SMALL - 1) / SMALL;
  n_large = (n + LARGE - 1) / LARGE;

  self = g_new0 (LodeCandleIndex, 1);
  self->market = lode_market_ref (market);
  self->small = g_new (Extent, n_small);
  self->large = g_new (Extent, n_large);

  for (gsize b = 0; b < n_small; b++)
    {
      Extent e = { -G_MAXDOUBLE, G_MAXDOUBLE };

      for (gsize i = b * SMALL; i < MIN ((b + 1) * SMALL, n); i++)
        extent_add (&e, &(Extent) { candles[i].high, candles[i].low });
      self->small[b] = e;
    }

  for (gsize b = 0; b < n_large; b++)
    {
      Extent e = { -G_MAXDOUBLE, G_MAXDOUBLE };

      for (gsize s = b * (LARGE / SMALL); s < MIN ((b + 1) * (LARGE / SMALL), n_small); s++)
        extent_add (&e, &self->small[s]);
      self->large[b] = e;
    }

  return self;
}

void
lode_candle_index_free (LodeCandleIndex *self)
{
  if (self == NULL)
    return;

  lode_market_unref (self->market);
  g_free (self->small);
  g_free (self->large);
  g_free (self);
}

LodeMarket *
lode_candle_index_get_market (const LodeCandleIndex *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->market;
}

gboolean
lode_candle_index_range (const LodeCandleIndex *self,
                         gsize                  first,
                         gsize                  last,
                         double                *high,
                         double                *low)
{
  const LodeCandle *candles;
  Extent e = { -G_MAXDOUBLE, G_MAXDOUBLE };
  gsize i;

  g_return_val_if_fail (self != NULL, FALSE);

  last = MIN (last, lode_market_get_n_candles (self->market));
  if (first >= last)
    return FALSE;

  candles = lode_market_get_candles (self->market);
  i = first;

  while (i < last && i % SMALL != 0)
    {
      extent_add (&e, &(Extent) { candles[i].high, candles[i].low });
      i++;
    }
  while (i + SMALL <= last && i % LARGE != 0)
    {
      extent_add (&e, &self->small[i / SMALL]);
      i += SMALL;
    }
  while (i + LARGE <= last)
    {
      extent_add (&e, &self->large[i / LARGE]);
      i += LARGE;
    }
  while (i + SMALL <= last)
    {
      extent_add (&e, &self->small[i / SMALL]);
      i += SMALL;
    }
  while (i < last)
    {
      extent_add (&e, &(Extent) { candles[i].high, candles[i].low });
      i++;
    }

  *high = e.high;
  *low = e.low;

  return TRUE;
}
