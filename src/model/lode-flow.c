/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <string.h>

#include "lode-flow.h"

#define DEFAULT_THRESHOLD 0.5

void
lode_liq_print_init (LodeLiqPrint *print,
                     gint64        time_ms,
                     const char   *venue,
                     const char   *symbol,
                     LodeSide      side,
                     double        price,
                     double        quantity_base,
                     double        notional_usd)
{
  g_return_if_fail (print != NULL);

  memset (print, 0, sizeof *print);
  print->time_ms = time_ms;
  g_strlcpy (print->venue, venue != NULL ? venue : "", sizeof print->venue);
  g_strlcpy (print->symbol, symbol != NULL ? symbol : "", sizeof print->symbol);
  print->side = side;
  print->price = price;
  print->quantity_base = quantity_base;
  print->notional_usd = notional_usd;
}

static int
compare_print_time (gconstpointer a,
                    gconstpointer b)
{
  const LodeLiqPrint *pa = a;
  const LodeLiqPrint *pb = b;

  return (pa->time_ms > pb->time_ms) - (pa->time_ms < pb->time_ms);
}

void
lode_liq_prints_sort (LodeLiqPrint *prints,
                      gsize         n)
{
  g_return_if_fail (prints != NULL || n == 0);

  /* g_qsort_with_data is a stable merge sort. */
  if (n > 1)
    g_qsort_with_data (prints, (gint) MIN (n, G_MAXINT), sizeof *prints,
                       (GCompareDataFunc) compare_print_time, NULL);
}

gssize
lode_flow_find_candle (const LodeMarket *market,
                       gint64            time_ms)
{
  const LodeCandle *candles;
  gsize n;
  gsize lo = 0;
  gsize hi;

  g_return_val_if_fail (market != NULL, -1);

  candles = lode_market_get_candles (market);
  n = lode_market_get_n_candles (market);

  /* The first candle opening after @time_ms; the one before may hold it. */
  hi = n;
  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;

      if (candles[mid].time_ms <= time_ms)
        lo = mid + 1;
      else
        hi = mid;
    }

  if (lo == 0)
    return -1;
  if (time_ms - candles[lo - 1].time_ms >= lode_market_get_interval_ms (market))
    return -1;

  return (gssize) lo - 1;
}

static gboolean
print_is_usable (const LodeLiqPrint *print)
{
  return isfinite (print->notional_usd) && print->notional_usd >= 0.0
         && (print->side == LODE_SIDE_LONG || print->side == LODE_SIDE_SHORT);
}

gsize
lode_flow_bucket (const LodeMarket   *market,
                  const LodeLiqPrint *prints,
                  gsize               n_prints,
                  LodeFlowTotals     *out)
{
  gsize n_candles;
  gsize counted = 0;

  g_return_val_if_fail (market != NULL, 0);
  g_return_val_if_fail (prints != NULL || n_prints == 0, 0);
  g_return_val_if_fail (out != NULL, 0);

  n_candles = lode_market_get_n_candles (market);
  memset (out, 0, n_candles * sizeof *out);

  for (gsize k = 0; k < n_prints; k++)
    {
      const LodeLiqPrint *print = &prints[k];
      gssize i;

      if (!print_is_usable (print))
        continue;

      i = lode_flow_find_candle (market, print->time_ms);
      if (i < 0)
        continue;

      if (print->side == LODE_SIDE_LONG)
        {
          out[i].long_usd += print->notional_usd;
          out[i].n_long++;
        }
      else
        {
          out[i].short_usd += print->notional_usd;
          out[i].n_short++;
        }
      counted++;
    }

  return counted;
}

void
lode_flow_accuracy_params_init_default (LodeFlowAccuracyParams *params)
{
  g_return_if_fail (params != NULL);

  params->threshold = DEFAULT_THRESHOLD;
  params->reference = 0.0;
}

gboolean
lode_flow_grid_view (const LodeHeatmapView *view,
                     gsize                  n_model_candles,
                     LodeHeatmapView       *out_grid_view,
                     gsize                 *out_first_print_candle)
{
  gsize lo;
  gsize hi;

  g_return_val_if_fail (view != NULL, FALSE);
  g_return_val_if_fail (out_grid_view != NULL, FALSE);
  g_return_val_if_fail (out_first_print_candle != NULL, FALSE);

  /* Prints at candle i are judged by S_{i−1}: candle 0 has no state
   * before it. */
  lo = MAX (view->first_candle, 1);
  hi = view->first_candle + MIN (view->n_candles, G_MAXSIZE - view->first_candle);
  hi = MIN (hi, n_model_candles);

  if (lo >= hi || hi - lo > G_MAXUINT)
    return FALSE;

  *out_grid_view = *view;
  out_grid_view->first_candle = lo - 1;
  out_grid_view->n_candles = hi - lo;
  /* §5: with C = N, b_c = first + c. */
  out_grid_view->columns = (guint) (hi - lo);
  *out_first_print_candle = lo;

  return TRUE;
}

void
lode_flow_accuracy_from_grid (const LodeHeatmap            *grid,
                              const LodeHeatmapView        *grid_view,
                              gsize                         first_print_candle,
                              const LodeMarket             *market,
                              const LodeLiqPrint           *prints,
                              gsize                         n_prints,
                              const LodeFlowAccuracyParams *params,
                              LodeFlowAccuracy             *out)
{
  LodeFlowAccuracyParams defaults;
  double reference;
  double bright;

  g_return_if_fail (grid != NULL);
  g_return_if_fail (grid_view != NULL);
  g_return_if_fail (grid->columns == grid_view->columns && grid->rows == grid_view->rows);
  g_return_if_fail (market != NULL);
  g_return_if_fail (prints != NULL || n_prints == 0);
  g_return_if_fail (out != NULL);

  if (params == NULL)
    {
      lode_flow_accuracy_params_init_default (&defaults);
      params = &defaults;
    }

  reference = params->reference > 0.0 && isfinite (params->reference) ? params->reference
                                                                       : grid->reference;
  bright = params->threshold * reference;

  memset (out, 0, sizeof *out);
  out->reference = reference;

  for (gsize k = 0; k < n_prints; k++)
    {
      const LodeLiqPrint *print = &prints[k];
      gssize i;
      gint row;
      gsize column;

      if (!print_is_usable (print))
        continue;

      i = lode_flow_find_candle (market, print->time_ms);
      if (i < 0 || (gsize) i < first_print_candle)
        continue;
      column = (gsize) i - first_print_candle;
      if (column >= grid->columns)
        continue;

      row = lode_heatmap_view_get_row (grid_view, print->price);
      if (row < 0)
        continue;

      out->total_usd += print->notional_usd;
      out->n_total++;

      /* Nothing is bright in a view without levels (reference 0). */
      if (reference > 0.0 && lode_heatmap_get (grid, (guint) column, (guint) row) >= bright)
        {
          out->inside_usd += print->notional_usd;
          out->n_inside++;
        }
    }

  out->share = out->total_usd > 0.0 ? out->inside_usd / out->total_usd : NAN;
}

void
lode_flow_accuracy (const LodeSnapshot           *snapshot,
                    const LodeHeatmapView        *view,
                    const LodeLiqPrint           *prints,
                    gsize                         n_prints,
                    const LodeFlowAccuracyParams *params,
                    LodeFlowAccuracy             *out)
{
  g_autoptr(LodeHeatmap) grid = NULL;
  LodeHeatmapView grid_view;
  LodeMarket *market;
  gsize first;

  g_return_if_fail (snapshot != NULL);
  g_return_if_fail (view != NULL);
  g_return_if_fail (prints != NULL || n_prints == 0);
  g_return_if_fail (out != NULL);

  market = lode_snapshot_get_market (snapshot);

  if (!lode_flow_grid_view (view, lode_market_get_n_candles (market), &grid_view, &first))
    {
      memset (out, 0, sizeof *out);
      out->share = NAN;
      out->reference = params != NULL && params->reference > 0.0 ? params->reference : 0.0;
      return;
    }

  grid = lode_snapshot_compute_heatmap (snapshot, &grid_view);
  lode_flow_accuracy_from_grid (grid, &grid_view, first, market, prints, n_prints, params, out);
}
