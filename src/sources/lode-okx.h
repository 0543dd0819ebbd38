/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lode-venue.h"

G_BEGIN_DECLS

#define LODE_OKX_DEFAULT_BASE_URL "https://www.okx.com"

#define LODE_TYPE_OKX (lode_okx_get_type ())

G_DECLARE_FINAL_TYPE (LodeOkx, lode_okx, LODE, OKX, LodeVenue)

/* OKX v5 perpetual swaps (exchange-apis.md §3), a LodeSource. Symbols are
 * OKX instrument ids ("BTC-USDT-SWAP"). Candles come from history-candles
 * (years deep); open interest (oiUsd, USD) and the account long/short
 * ratio from the rubik statistics, which keep the latest 1,440 points per
 * period only. Book sizes in contracts are turned into base units with
 * the instrument's ctVal × ctMult. @base_url NULL =
 * LODE_OKX_DEFAULT_BASE_URL.
 *
 * Rate-limit keys (LodeHttp), per endpoint as OKX counts them:
 * "okx:history-candles", "okx:open-interest-history",
 * "okx:long-short-account-ratio", "okx:funding-rate-history", "okx:books",
 * "okx:instruments". */
LodeOkx *lode_okx_new (LodeHttp   *http,
                       const char *base_url);

G_END_DECLS
