/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lode-source.h"

G_BEGIN_DECLS

/* Pure parsers of OKX v5 replies (instType SWAP), exchange-apis.md §3: the
 * {"code","msg","data"} envelope with a string code, every number and
 * time a string (numbers accepted too), time series newest first
 * (returned ascending). Code "50011" (and "50061") is
 * LODE_SOURCE_ERROR_RATE_LIMITED, any other non-"0" code _VENUE. */

/* A LodeHttpCheckFunc for the envelope's code. */
gboolean   lode_okx_check                 (GBytes      *body,
                                           GError     **error);

/* /api/v5/market/(history-)candles: rows [ts, o, h, l, c, vol (contracts),
 * volCcy (base), volCcyQuote, confirm]; volume = volCcy. */
GArray    *lode_okx_parse_candles         (GBytes      *body,
                                           GError     **error);
/* /api/v5/rubik/stat/contracts/open-interest-history: rows [ts, oi,
 * oiCcy, oiUsd]; value = oiUsd. */
GArray    *lode_okx_parse_oi_history      (GBytes      *body,
                                           GError     **error);
/* /api/v5/public/open-interest (one instrument): value = oiUsd. */
gboolean   lode_okx_parse_oi_current      (GBytes      *body,
                                           LodePoint   *out,
                                           GError     **error);
/* /api/v5/rubik/stat/contracts/long-short-account-ratio-contract: rows
 * [ts, ratio]. */
GArray    *lode_okx_parse_ratio           (GBytes      *body,
                                           GError     **error);
/* /api/v5/public/funding-rate-history: value = fundingRate. */
GArray    *lode_okx_parse_funding         (GBytes      *body,
                                           GError     **error);
/* /api/v5/market/books: levels [px, sz (contracts), "0", orders]; sizes
 * × @contract_value into base units. */
LodeDepth *lode_okx_parse_depth           (GBytes      *body,
                                           double       contract_value,
                                           GError     **error);
/* /api/v5/public/instruments?instType=SWAP: live linear swaps; the
 * contract value is ctVal × ctMult (base units per contract). */
GPtrArray *lode_okx_parse_symbols         (GBytes      *body,
                                           GError     **error);

G_END_DECLS
