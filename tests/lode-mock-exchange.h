/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "lode-market.h"

G_BEGIN_DECLS

/* A loopback exchange for tests: one SoupServer on 127.0.0.1 that answers
 * as Binance USDⓈ-M under /binance, Bybit v5 under /bybit, OKX v5 under
 * /okx and Hyperliquid under /hyperliquid, in each venue's documented
 * REST format (shared/design/exchange-apis.md §1–§4 and §7): envelopes,
 * string numbers, sort orders, page caps, cursors and history horizons.
 *
 * The market it serves is synthetic and deterministic for a seed: prices,
 * open interest and long/short ratios are functions of time (below), so a
 * test can check what an adapter assembled against what the mock holds.
 * Faults are scripted per path. (WebSocket streams come later: they will
 * be handlers on the same server.)
 *
 * It runs on the thread-default main context of its creator. */

typedef struct _LodeMockExchange LodeMockExchange;

typedef enum
{
  /* Reply with `status`: 4xx with the venue's error body, 5xx with an HTML
   * page; a Retry-After header when retry_after_s > 0. */
  LODE_MOCK_FAULT_STATUS,
  /* The venue's own rate-limit reply: Binance and Hyperliquid HTTP 429,
   * Bybit HTTP 200 retCode 10006, OKX HTTP 429 code "50011"; Retry-After
   * when retry_after_s > 0. */
  LODE_MOCK_FAULT_RATE_LIMIT,
  /* The venue's ban: Binance HTTP 418, Bybit HTTP 403 "access too
   * frequent", others HTTP 403. */
  LODE_MOCK_FAULT_BAN,
  /* The normal reply, delay_ms late. */
  LODE_MOCK_FAULT_DELAY,
  /* The normal reply cut in the middle (HTTP 200). */
  LODE_MOCK_FAULT_TRUNCATE,
  /* HTTP 200 with a body that is not JSON. */
  LODE_MOCK_FAULT_MALFORMED,
  /* The normal reply, with a JSON error body in place of the data: a
   * venue error code (Bybit 10001, OKX 51001, Binance -1121). */
  LODE_MOCK_FAULT_VENUE_ERROR,
  /* A valid reply with an empty list (and Bybit's nextPageCursor ""). */
  LODE_MOCK_FAULT_EMPTY,
  /* Bybit's cursor endpoints: the normal rows, but a nextPageCursor that
   * always points at the same page. */
  LODE_MOCK_FAULT_CURSOR_LOOP,
  /* HTTP 503 to the first request of each distinct path and query (or
   * POST body); a repeat of it gets the normal reply. The count bounds the
   * failures. */
  LODE_MOCK_FAULT_FIRST_TRY,
  /* HTTP 200: body_bytes of JSON whitespace, then the normal reply — valid
   * JSON, as large as asked. */
  LODE_MOCK_FAULT_HUGE,
  /* HTTP 200 with `body` as it is: a reply the test wrote. */
  LODE_MOCK_FAULT_BODY,
} LodeMockFaultKind;

typedef struct
{
  LodeMockFaultKind kind;
  guint             status;         /* LODE_MOCK_FAULT_STATUS */
  guint             retry_after_s;  /* 0 = no header */
  guint             delay_ms;       /* LODE_MOCK_FAULT_DELAY */
  gsize             body_bytes;     /* LODE_MOCK_FAULT_HUGE */
  const char       *body;           /* LODE_MOCK_FAULT_BODY; copied */
} LodeMockFault;

/* The contract value of the mock's OKX swaps (base units per contract). */
#define LODE_MOCK_OKX_CT_VAL 0.01

LodeMockExchange *lode_mock_exchange_new          (guint64                 seed);
void              lode_mock_exchange_free         (LodeMockExchange       *self);

/* "http://127.0.0.1:PORT/<venue>" for "binance", "bybit", "okx",
 * "hyperliquid". */
char             *lode_mock_exchange_get_base_url (LodeMockExchange       *self,
                                                   const char             *venue);
/* The server itself, to add handlers (WebSocket streams) under the same
 * base URLs. */
SoupServer       *lode_mock_exchange_get_server   (LodeMockExchange       *self);
/* The mock's present: the wall clock at creation, floored to the minute.
 * Data exists up to (excluding) it. */
gint64            lode_mock_exchange_get_now_ms   (LodeMockExchange       *self);
/* Trading starts here (400 days before now, day-aligned). */
gint64            lode_mock_exchange_get_listing_ms (LodeMockExchange     *self);

/* The next @count requests whose path is @path ("/binance/fapi/v1/klines";
 * NULL = any path) get @fault. Faults are used in the order added. */
void              lode_mock_exchange_add_fault    (LodeMockExchange       *self,
                                                   const char             *path,
                                                   guint                   count,
                                                   const LodeMockFault    *fault);
/* Drops the faults not used yet: the exchange recovers. */
void              lode_mock_exchange_clear_faults (LodeMockExchange       *self);
/* Requests seen for @path (NULL = all), faults included. */
guint             lode_mock_exchange_get_hits     (LodeMockExchange       *self,
                                                   const char             *path);
/* Bybit open-interest rows carry singleOpenInterest (the default) or, as
 * before 2026-06-11, only the two-sided openInterest. */
void              lode_mock_exchange_set_bybit_single_oi (LodeMockExchange *self,
                                                          gboolean          single);

/* Bybit's count of requests per IP: at most @limit per @window_ms (600
 * per 5000 by default), reported in X-Bapi-Limit, X-Bapi-Limit-Status
 * (requests left) and X-Bapi-Limit-Reset-Timestamp. The mock reports
 * only; it does not refuse. */
void              lode_mock_exchange_set_bybit_limit (LodeMockExchange *self,
                                                      guint             limit,
                                                      guint             window_ms);

/* The synthetic market. Times are ms; values on the minute grid. */
double            lode_mock_exchange_price        (LodeMockExchange       *self,
                                                   gint64                  time_ms);
/* The candle that opens at @open_ms: open = price(open), close =
 * price(open + Δ), high/low around them, volume in base units. */
void              lode_mock_exchange_candle       (LodeMockExchange       *self,
                                                   gint64                  open_ms,
                                                   gint64                  interval_ms,
                                                   LodeCandle             *out);
/* One-sided open interest in base units at @time_ms. */
double            lode_mock_exchange_oi_base      (LodeMockExchange       *self,
                                                   gint64                  time_ms);
/* Long/short account ratio at @time_ms. */
double            lode_mock_exchange_ratio        (LodeMockExchange       *self,
                                                   gint64                  time_ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LodeMockExchange, lode_mock_exchange_free)

G_END_DECLS
