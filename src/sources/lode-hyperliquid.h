/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lode-venue.h"

G_BEGIN_DECLS

#define LODE_HYPERLIQUID_DEFAULT_BASE_URL "https://api.hyperliquid.xyz"

#define LODE_TYPE_HYPERLIQUID (lode_hyperliquid_get_type ())

G_DECLARE_FINAL_TYPE (LodeHyperliquid, lode_hyperliquid, LODE, HYPERLIQUID, LodeVenue)

/* Hyperliquid perpetuals (exchange-apis.md §4), a LodeSource; every read
 * is POST /info. Symbols are coins ("BTC", "kPEPE"). Candles exist for the
 * latest 5000 bars only. There is no open-interest history and no
 * long/short ratio: see fetch_open_interest (one current point) and
 * fetch_long_short (always empty). Whether openInterest counts one side
 * or both is open (exchange-apis.md §5): property "oi-sides" (1 or 2,
 * default 1) divides it. @base_url NULL =
 * LODE_HYPERLIQUID_DEFAULT_BASE_URL. Rate-limit key (LodeHttp):
 * "hyperliquid" (weight 1200 a minute). */
LodeHyperliquid *lode_hyperliquid_new (LodeHttp   *http,
                                       const char *base_url);

G_END_DECLS
