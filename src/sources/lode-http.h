/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lode-source-error.h"

G_BEGIN_DECLS

#define LODE_TYPE_HTTP (lode_http_get_type ())

G_DECLARE_FINAL_TYPE (LodeHttp, lode_http, LODE, HTTP, GObject)

/* The one HTTP client of the app: a SoupSession with the user agent
 * "Lodestone/<version>", a bounded number of connections per host, the
 * system proxy (the default GProxyResolver) and TLS through glib-networking
 * (an invalid certificate is an error, never accepted).
 *
 * Every request runs on the thread-default main context of its caller and
 * goes through three stages:
 *
 * 1. Pacing. A request names a rate-limit key ("binance", "okx:candles", …)
 *    and a weight. Each key is a sliding window of at most `capacity` weight
 *    per `window_ms`; a request that would overflow it waits (it never fails
 *    for that). A key can also follow the venue's own count in reply
 *    headers: the weight already used (X-MBX-USED-WEIGHT-1M), or the
 *    requests left and the reset time (X-Bapi-Limit-Status and
 *    X-Bapi-Limit-Reset-Timestamp).
 * 2. The exchange, under a time-out per attempt ("timeout-ms"). A reply
 *    body larger than the maximum (LODE_HTTP_DEFAULT_MAX_BODY_BYTES unless
 *    set) is not read further: LODE_SOURCE_ERROR_PARSE, not retried. The status
 *    is checked before anything reads the body: 429, 418 and 403 are
 *    LODE_SOURCE_ERROR_RATE_LIMITED; other 4xx HTTP_CLIENT (with the venue's
 *    message when the body is a JSON object with "msg", "retMsg" or
 *    "message"); 5xx HTTP_SERVER (the body, often HTML, is never parsed).
 *    A 2xx body is then given to the request's check function, which turns
 *    a venue's error envelope into a GError.
 * 3. Retries. Rate limits (including RATE_LIMITED from a check function),
 *    5xx and network failures (time-outs included) are retried after the
 *    reply's Retry-After when it has one, else after an exponential backoff
 *    with full jitter ("backoff-base-ms" × 2^attempt, at most
 *    "backoff-max-ms"), up to "max-attempts" attempts in all; a rate-limit
 *    reply also holds back the other requests of its key for that long. A
 *    Retry-After longer than "max-retry-after-ms" (an IP ban of hours) is
 *    not waited for: the error is returned at once.
 *
 * Cancelling the GCancellable stops a request at any stage with
 * G_IO_ERROR_CANCELLED.
 *
 * A LodeHttp and its limiters belong to one thread: the requests of one
 * object may run on different main contexts only if they are made from
 * the same thread (the main one, as the app does). */

/* Turns the body of a 2xx reply into a GError when it is a venue's error
 * envelope (Bybit retCode ≠ 0, OKX code ≠ "0"). A RATE_LIMITED error is
 * retried like a 429. */
typedef gboolean (*LodeHttpCheckFunc) (GBytes  *body,
                                       GError **error);

typedef struct
{
  const char        *limit_key;  /* NULL: not paced */
  guint              weight;     /* 0 counts as 1 */
  LodeHttpCheckFunc  check;      /* NULL: any 2xx body is accepted */
} LodeHttpCall;

#define LODE_HTTP_DEFAULT_TIMEOUT_MS 20000
/* The largest reply body read; the venues' biggest (instrument lists,
 * full pages of candles) are a few MB. */
#define LODE_HTTP_DEFAULT_MAX_BODY_BYTES (16 * 1024 * 1024)

LodeHttp *lode_http_new                 (void);

void      lode_http_set_timeout_ms      (LodeHttp            *self,
                                         guint                timeout_ms);
guint     lode_http_get_timeout_ms      (LodeHttp            *self);
void      lode_http_set_max_body_bytes  (LodeHttp            *self,
                                         gsize                max_bytes);
/* Retry policy: @max_attempts ≥ 1 counts the first attempt. */
void      lode_http_set_retry_policy    (LodeHttp            *self,
                                         guint                max_attempts,
                                         guint                backoff_base_ms,
                                         guint                backoff_max_ms,
                                         guint                max_retry_after_ms);

/* Sets (or replaces) the limit of @key. @used_header, if not NULL, names a
 * reply header that reports the weight used in the current window. */
void      lode_http_set_rate_limit      (LodeHttp            *self,
                                         const char          *key,
                                         guint                capacity,
                                         guint                window_ms,
                                         const char          *used_header);
/* Makes the existing limit of @key follow the venue's count of requests
 * left (@remaining_header) and its reset time in ms since the epoch
 * (@reset_header): when nothing is left, the key waits for the reset
 * (at most one window). NULL headers turn it off. */
void      lode_http_set_rate_limit_reset_headers (LodeHttp   *self,
                                                  const char *key,
                                                  const char *remaining_header,
                                                  const char *reset_header);
/* As lode_http_set_rate_limit(), unless @key already has a limit: adapters
 * install the venue's defaults with it, so a limit set before (by a test
 * or a setting) wins. */
void      lode_http_ensure_rate_limit   (LodeHttp            *self,
                                         const char          *key,
                                         guint                capacity,
                                         guint                window_ms,
                                         const char          *used_header);

/* Appends "key=value" to a query string (with "&" when not empty), the
 * value percent-encoded. The _raw variant appends a value that is already
 * encoded (Bybit's opaque nextPageCursor). */
void      lode_http_query_add           (GString             *query,
                                         const char          *key,
                                         const char          *value);
void      lode_http_query_add_raw       (GString             *query,
                                         const char          *key,
                                         const char          *value);
void      lode_http_query_add_int       (GString             *query,
                                         const char          *key,
                                         gint64               value);

/* GET @url (with its query already in it). */
void      lode_http_get_async           (LodeHttp            *self,
                                         const char          *url,
                                         const LodeHttpCall  *call,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
/* POST @json to @url with Content-Type application/json. */
void      lode_http_post_json_async     (LodeHttp            *self,
                                         const char          *url,
                                         const char          *json,
                                         const LodeHttpCall  *call,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
/* The body of a 2xx reply that passed the check, for either call. */
GBytes   *lode_http_request_finish      (LodeHttp            *self,
                                         GAsyncResult        *result,
                                         GError             **error);

/* How many requests went out on the wire (attempts, retries included). */
guint     lode_http_get_n_sent          (LodeHttp            *self);

G_END_DECLS
