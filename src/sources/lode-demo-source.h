/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lode-market.h"
#include "lode-source-error.h"

G_BEGIN_DECLS

/* The embedded demo market: a simulated BTC-like perpetual, deterministic
 * for a given seed, so that the first launch, screenshots, tests and
 * benchmarks all see the same picture without a network. */

#define LODE_DEMO_DEFAULT_SEED     G_GUINT64_CONSTANT (20260101)
#define LODE_DEMO_DEFAULT_DAYS     30
/* 2026-01-01T00:00:00Z: the series ends (exclusively) here by default. */
#define LODE_DEMO_DEFAULT_END_MS   G_GINT64_CONSTANT (1767225600000)
#define LODE_DEMO_MAX_DAYS         1830

typedef struct
{
  guint64 seed;         /* any value; the same seed gives the same series */
  guint   days;         /* length of the series; 0 = LODE_DEMO_DEFAULT_DAYS */
  gint64  interval_ms;  /* a multiple of one minute; 0 = one minute */
  gint64  end_ms;       /* exclusive end, rounded down to a multiple of the
                         * interval; 0 = LODE_DEMO_DEFAULT_END_MS */
} LodeDemoParams;

/* Seed LODE_DEMO_DEFAULT_SEED, 30 days of one-minute candles, default end. */
void         lode_demo_params_init_default (LodeDemoParams        *params);

/* Simulates one-minute candles over [end − days, end) and aggregates them
 * to the interval (lode_market_aggregate), so every interval shows the
 * same market. The series has regimes of volatility, trends and ranges;
 * open interest in USD that builds in trends and ranges and is flushed by
 * occasional liquidation cascades (fast moves that sweep the nearby
 * levels); and a long share λ that drifts around 0.5. OI is known from the
 * first candle. Fails with LODE_SOURCE_ERROR_INVALID_ARGUMENT for days or
 * an interval out of range. */
LodeMarket  *lode_demo_market_generate     (const LodeDemoParams  *params,
                                            GError               **error);

/* "Demo market (simulated)", translated: shown wherever a venue name is. */
const char  *lode_demo_source_get_label    (void);

G_END_DECLS
