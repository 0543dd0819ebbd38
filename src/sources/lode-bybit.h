/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lode-venue.h"

G_BEGIN_DECLS

#define LODE_BYBIT_DEFAULT_BASE_URL "https://api.bybit.com"

#define LODE_TYPE_BYBIT (lode_bybit_get_type ())

G_DECLARE_FINAL_TYPE (LodeBybit, lode_bybit, LODE, BYBIT, LodeVenue)

/* Bybit v5 linear perpetuals (exchange-apis.md §2), a LodeSource. Symbols
 * are Bybit's ("BTCUSDT"). Open interest is one-sided (singleOpenInterest,
 * else half of the documented two-sided openInterest) in base units,
 * turned into USD with the candles' closes. @base_url NULL =
 * LODE_BYBIT_DEFAULT_BASE_URL. Rate-limit key (LodeHttp): "bybit". */
LodeBybit *lode_bybit_new (LodeHttp   *http,
                           const char *base_url);

G_END_DECLS
