/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lode-venue.h"

G_BEGIN_DECLS

#define LODE_BINANCE_DEFAULT_BASE_URL "https://fapi.binance.com"

#define LODE_TYPE_BINANCE (lode_binance_get_type ())

G_DECLARE_FINAL_TYPE (LodeBinance, lode_binance, LODE, BINANCE, LodeVenue)

/* Binance USDⓈ-M perpetuals (exchange-apis.md §1), a LodeSource. Symbols
 * are Binance's ("BTCUSDT"). Open interest comes from
 * /futures/data/openInterestHist, which serves the last 30 days only:
 * earlier candles get no OI (NaN) rather than a request that cannot be
 * answered. @base_url NULL = LODE_BINANCE_DEFAULT_BASE_URL.
 *
 * Rate-limit keys (LodeHttp): "binance" (request weight, 2400 a minute,
 * following X-MBX-USED-WEIGHT-1M), "binance:futures-data" and
 * "binance:funding". */
LodeBinance *lode_binance_new (LodeHttp   *http,
                               const char *base_url);

G_END_DECLS
