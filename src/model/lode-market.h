/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "lode-model-types.h"

G_BEGIN_DECLS

/* One candle of an aligned market series (liquidation-model.md §1). */
typedef struct
{
  gint64 time_ms;     /* open time, ms since the epoch (UTC) */
  double open;
  double high;
  double low;
  double close;
  double volume;      /* base units, informational */
  double oi_usd;      /* open interest as quote notional at the close; NaN = unknown */
  double long_share;  /* λ in [0,1]; 0.5 when unknown */
} LodeCandle;

#define LODE_TYPE_CANDLE (lode_candle_get_type ())

/* A boxed copy, for properties (the live candle of a stream). */
GType             lode_candle_get_type        (void) G_GNUC_CONST;
LodeCandle       *lode_candle_copy            (const LodeCandle  *candle);

/* A timestamped value of a coarser series (OI points, long/short ratios). */
typedef struct
{
  gint64 time_ms;
  double value;
} LodePoint;

typedef enum
{
  LODE_OI_UNIT_USD,        /* already quote notional */
  LODE_OI_UNIT_BASE,       /* base units: × the candle's close */
  LODE_OI_UNIT_CONTRACTS,  /* contracts: × contract value (base) × close */
} LodeOiUnit;

/* An immutable, validated, reference-counted market series. Safe to read
 * from several threads at once. */
typedef struct _LodeMarket LodeMarket;

/* Copies @candles. Validation (each failure is LODE_MODEL_ERROR_INVALID_SERIES
 * with a message naming the row and the problem): n ≥ 1, times ascending and
 * unique, all prices finite and > 0, low ≤ min(open, close), high ≥ max(open,
 * close), volume finite and ≥ 0, oi_usd NaN or finite ≥ 0, long_share finite
 * in [0,1]. @interval_ms > 0 is the candle interval Δ. */
LodeMarket       *lode_market_new             (const LodeCandle  *candles,
                                               gsize              n_candles,
                                               gint64             interval_ms,
                                               GError           **error);
LodeMarket       *lode_market_ref             (LodeMarket        *self);
void              lode_market_unref           (LodeMarket        *self);
gsize             lode_market_get_n_candles   (const LodeMarket  *self);
const LodeCandle *lode_market_get_candles     (const LodeMarket  *self);
const LodeCandle *lode_market_get_candle      (const LodeMarket  *self,
                                               gsize              i);
gint64            lode_market_get_interval_ms (const LodeMarket  *self);
/* Index of the last candle whose close time (t + Δ) is ≤ @time_ms, or -1. */
gssize            lode_market_find_closed_at  (const LodeMarket  *self,
                                               gint64             time_ms);

/* §1 alignment, applied by sources before lode_market_new(). Step hold:
 * each candle takes the latest point with time ≤ its close time
 * (t_i + interval_ms), never a later one; candles before the first point
 * get NaN (OI) or 0.5 (λ). @points must be ascending by time.
 * Base-unit OI is multiplied by the candle's close; contracts by
 * @contract_value and then the close. */
void              lode_market_align_oi        (LodeCandle        *candles,
                                               gsize              n_candles,
                                               gint64             interval_ms,
                                               const LodePoint   *points,
                                               gsize              n_points,
                                               LodeOiUnit         unit,
                                               double             contract_value);
/* Points hold long/short ratios r; each candle gets λ = r / (1 + r). */
void              lode_market_align_long_share (LodeCandle       *candles,
                                                gsize             n_candles,
                                                gint64            interval_ms,
                                                const LodePoint  *ratio_points,
                                                gsize             n_points);
double            lode_long_share_from_ratio  (double             ratio);

/* Aggregates 1-candle-interval data into a coarser interval (a multiple of
 * the source interval, bucket-aligned to the epoch): first open, max high,
 * min low, last close, summed volume, last OI and λ of the bucket. */
LodeMarket       *lode_market_aggregate       (const LodeMarket  *self,
                                               gint64             interval_ms,
                                               GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LodeMarket, lode_market_unref)

G_END_DECLS
