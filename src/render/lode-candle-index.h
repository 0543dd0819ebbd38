/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lode-market.h"

G_BEGIN_DECLS

/* Highs and lows of a market in blocks of candles, so that the chart can
 * draw a year of one-minute candles as one bar per pixel column without
 * reading every candle on every frame. Built once per market (one pass,
 * about a millisecond for a year), immutable, safe to share between
 * threads. Pass it in LodeChartFrame.candle_index; without it the chart
 * reads the candles directly and draws the same picture, only slower. */
typedef struct _LodeCandleIndex LodeCandleIndex;

LodeCandleIndex *lode_candle_index_new        (LodeMarket             *market);
void             lode_candle_index_free       (LodeCandleIndex        *self);
LodeMarket      *lode_candle_index_get_market (const LodeCandleIndex  *self);
/* The highest high and lowest low of the candles [@first, @last); FALSE
 * (and nothing written) when the range is empty. */
gboolean         lode_candle_index_range      (const LodeCandleIndex  *self,
                                               gsize                   first,
                                               gsize                   last,
                                               double                 *high,
                                               double                 *low);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LodeCandleIndex, lode_candle_index_free)

G_END_DECLS
