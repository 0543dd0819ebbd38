/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "lode-source.h"

G_BEGIN_DECLS

/* Pure parsers of Binance USDⓈ-M futures replies (exchange-apis.md §1):
 * bytes in, structs or a GError (LODE_SOURCE_ERROR_PARSE, or _VENUE for a
 * {"code","msg"} error body) out. No I/O. Lists come back ascending and
 * unique whatever order they arrived in. */

/* GET /fapi/v1/klines: positional rows [openTime, o, h, l, c, volume, …];
 * GArray of LodeCandle. */
GArray    *lode_binance_parse_klines      (GBytes     *body,
                                           GError    **error);
/* GET /futures/data/openInterestHist: GArray of LodePoint, value =
 * sumOpenInterestValue (USD). Timestamps as strings or ints. */
GArray    *lode_binance_parse_oi_history  (GBytes     *body,
                                           GError    **error);
/* GET /fapi/v1/openInterest: value = openInterest in base units. */
gboolean   lode_binance_parse_oi_current  (GBytes     *body,
                                           LodePoint  *out,
                                           GError    **error);
/* GET /futures/data/…LongShort*Ratio: GArray of LodePoint, value = r
 * (longShortRatio, or longAccount/shortAccount, or longPosition/
 * shortPosition when the ratio itself is missing). */
GArray    *lode_binance_parse_ratio       (GBytes     *body,
                                           GError    **error);
/* GET /fapi/v1/fundingRate: GArray of LodePoint, value = fundingRate. */
GArray    *lode_binance_parse_funding     (GBytes     *body,
                                           GError    **error);
/* GET /fapi/v1/depth. */
LodeDepth *lode_binance_parse_depth       (GBytes     *body,
                                           GError    **error);
/* GET /fapi/v1/exchangeInfo: perpetuals (contractType PERPETUAL) that are
 * TRADING; GPtrArray of LodeSymbolInfo. */
GPtrArray *lode_binance_parse_symbols     (GBytes     *body,
                                           GError    **error);
/* A 2xx body that is Binance's error object {"code": -1121, "msg": …} is
 * LODE_SOURCE_ERROR_VENUE; anything else passes (a LodeHttpCheckFunc). */
gboolean   lode_binance_check             (GBytes     *body,
                                           GError    **error);
gboolean   lode_binance_check_object      (JsonObject *object,
                                           GError    **error);

G_END_DECLS
