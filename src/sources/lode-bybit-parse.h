/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lode-source.h"

G_BEGIN_DECLS

/* Pure parsers of Bybit v5 (category linear) replies, exchange-apis.md §2:
 * the {"retCode","retMsg","result","time"} envelope, all numbers and times
 * as strings (numbers accepted too), lists newest first (returned
 * ascending). A non-zero retCode is LODE_SOURCE_ERROR_VENUE, or
 * _RATE_LIMITED for 10006 ("Too many visits!") and 10018. */

/* A LodeHttpCheckFunc: the envelope's retCode as a GError. A body that is
 * not an envelope passes (the parser reports it). */
gboolean   lode_bybit_check               (GBytes      *body,
                                           GError     **error);

/* /v5/market/kline: rows [start, o, h, l, c, volume, turnover]. */
GArray    *lode_bybit_parse_klines        (GBytes      *body,
                                           GError     **error);
/* /v5/market/open-interest: value = one-sided OI in base units:
 * singleOpenInterest when present, else openInterest / 2 (documented as
 * both sides, §5). @next_cursor: nextPageCursor, NULL when empty. */
GArray    *lode_bybit_parse_open_interest (GBytes      *body,
                                           char       **next_cursor,
                                           GError     **error);
/* /v5/market/account-ratio: value = buyRatio / sellRatio. */
GArray    *lode_bybit_parse_ratio         (GBytes      *body,
                                           char       **next_cursor,
                                           GError     **error);
/* /v5/market/funding/history: value = fundingRate. */
GArray    *lode_bybit_parse_funding       (GBytes      *body,
                                           GError     **error);
/* /v5/market/orderbook. */
LodeDepth *lode_bybit_parse_depth         (GBytes      *body,
                                           GError     **error);
/* /v5/market/instruments-info: perpetuals (LinearPerpetual) trading. */
GPtrArray *lode_bybit_parse_symbols       (GBytes      *body,
                                           GError     **error);

G_END_DECLS
