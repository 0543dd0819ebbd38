/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <libsoup/soup.h>
#include <string.h>

#include "lode-http.h"
#include "lode-mock-exchange.h"

#define SEED G_GUINT64_CONSTANT (7)

typedef struct
{
  LodeMockExchange *mock;
  LodeHttp         *http;
  char             *url;   /* a cheap Binance path on the mock */
  char             *path;  /* the same, as the mock sees it */
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *base = NULL;

  f->mock = lode_mock_exchange_new (SEED);
  f->http = lode_http_new ();
  lode_http_set_timeout_ms (f->http, 1000);
  lode_http_set_retry_policy (f->http, 3, 20, 100, 5000);
  base = lode_mock_exchange_get_base_url (f->mock, "binance");
  f->url = g_strconcat (base, "/fapi/v1/openInterest?symbol=BTCUSDT", NULL);
  f->path = g_strdup ("/binance/fapi/v1/openInterest");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->http);
  g_clear_pointer (&f->mock, lode_mock_exchange_free);
  g_free (f->url);
  g_free (f->path);
}

static void
on_result (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static GBytes *
get (Fixture     *f,
     const char  *url,
     const LodeHttpCall *call,
     GCancellable *cancellable,
     GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lode_http_get_async (f->http, url, call, cancellable, on_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return lode_http_request_finish (f->http, result, error);
}

static void
test_get_ok (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = get (f, f->url, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (body);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                  "\"openInterest\""));
  g_assert_cmpuint (lode_http_get_n_sent (f->http), ==, 1);
}

static void
test_post_json (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *base = lode_mock_exchange_get_base_url (f->mock, "hyperliquid");
  g_autofree char *url = g_strconcat (base, "/info", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  lode_http_post_json_async (f->http, url, "{\"type\":\"meta\"}", NULL, NULL, on_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  body = lode_http_request_finish (f->http, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (body, NULL), g_bytes_get_size (body), "universe"));
}

static void
test_bad_url (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = get (f, "ftp://example.org/x", NULL, NULL, &error);

  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_INVALID_ARGUMENT);
  g_assert_null (body);
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, NULL), ==, 0);
}

/* A 4xx that is not a rate limit is not retried and carries the venue's
 * message. */
static void
test_client_error_message (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *base = lode_mock_exchange_get_base_url (f->mock, "binance");
  g_autofree char *url = g_strconcat (base, "/fapi/v1/openInterest?symbol=NOPE", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = get (f, url, NULL, NULL, &error);

  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_HTTP_CLIENT);
  g_assert_nonnull (strstr (error->message, "Invalid symbol."));
  g_assert_nonnull (strstr (error->message, "-1121"));
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, f->path), ==, 1);
}

static void
test_retry_after (Fixture       *f,
                  gconstpointer  data)
{
  LodeMockFault fault = { .kind = LODE_MOCK_FAULT_RATE_LIMIT, .retry_after_s = 1 };
  LodeHttpCall call = { "binance", 1, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  gint64 start;

  lode_http_set_rate_limit (f->http, "binance", 100, 60000, NULL);
  lode_mock_exchange_add_fault (f->mock, f->path, 1, &fault);
  start = g_get_monotonic_time ();
  body = get (f, f->url, &call, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (body);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, G_USEC_PER_SEC);
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, f->path), ==, 2);
}

/* Retry-After beyond the patience limit (a ban of hours): fail at once. */
static void
test_retry_after_too_long (Fixture       *f,
                           gconstpointer  data)
{
  LodeMockFault fault = { .kind = LODE_MOCK_FAULT_BAN, .retry_after_s = 7200 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  lode_mock_exchange_add_fault (f->mock, f->path, 1, &fault);
  body = get (f, f->url, NULL, NULL, &error);

  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_RATE_LIMITED);
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, f->path), ==, 1);
}

static void
test_ban_backs_off (Fixture       *f,
                    gconstpointer  data)
{
  LodeMockFault fault = { .kind = LODE_MOCK_FAULT_BAN };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  gint64 start;

  /* 418 twice, no Retry-After: backoff 10–20 ms, then 20–40 ms. */
  lode_http_set_retry_policy (f->http, 3, 20, 1000, 5000);
  lode_mock_exchange_add_fault (f->mock, f->path, 2, &fault);
  start = g_get_monotonic_time ();
  body = get (f, f->url, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 30 * 1000);
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, f->path), ==, 3);
}

static void
test_server_error_exhausts (Fixture       *f,
                            gconstpointer  data)
{
  LodeMockFault fault = { .kind = LODE_MOCK_FAULT_STATUS, .status = 502 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  lode_mock_exchange_add_fault (f->mock, f->path, 10, &fault);
  body = get (f, f->url, NULL, NULL, &error);

  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_HTTP_SERVER);
  g_assert_null (body);
  /* max-attempts = 3 */
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, f->path), ==, 3);
}

static void
test_server_error_recovers (Fixture       *f,
                            gconstpointer  data)
{
  LodeMockFault fault = { .kind = LODE_MOCK_FAULT_STATUS, .status = 503 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  lode_mock_exchange_add_fault (f->mock, f->path, 2, &fault);
  body = get (f, f->url, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, f->path), ==, 3);
}

static void
test_timeout (Fixture       *f,
              gconstpointer  data)
{
  LodeMockFault fault = { .kind = LODE_MOCK_FAULT_DELAY, .delay_ms = 3000 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  gint64 start, elapsed;

  lode_http_set_timeout_ms (f->http, 300);
  lode_http_set_retry_policy (f->http, 2, 10, 10, 5000);
  lode_mock_exchange_add_fault (f->mock, f->path, 2, &fault);
  start = g_get_monotonic_time ();
  body = get (f, f->url, NULL, NULL, &error);
  elapsed = g_get_monotonic_time () - start;

  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_NETWORK);
  /* Two attempts of 300 ms and a 5–10 ms pause. */
  g_assert_cmpint (elapsed, >=, 600 * 1000);
  g_assert_cmpint (elapsed, <, 1500 * 1000);
}

static void
test_connection_refused (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  lode_http_set_retry_policy (f->http, 2, 5, 5, 5000);
  /* Port 1 on loopback: nothing listens there. */
  body = get (f, "http://127.0.0.1:1/x", NULL, NULL, &error);
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_NETWORK);
  g_assert_cmpuint (lode_http_get_n_sent (f->http), ==, 2);
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel_in_flight (Fixture       *f,
                       gconstpointer  data)
{
  LodeMockFault fault = { .kind = LODE_MOCK_FAULT_DELAY, .delay_ms = 2000 };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  gint64 start;

  lode_mock_exchange_add_fault (f->mock, f->path, 1, &fault);
  g_timeout_add (100, cancel_cb, cancellable);
  start = g_get_monotonic_time ();
  body = get (f, f->url, NULL, cancellable, &error);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 900 * 1000);
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, f->path), ==, 1);
}

static void
test_cancel_while_waiting (Fixture       *f,
                           gconstpointer  data)
{
  LodeMockFault fault = { .kind = LODE_MOCK_FAULT_RATE_LIMIT, .retry_after_s = 3 };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  gint64 start;

  lode_mock_exchange_add_fault (f->mock, f->path, 1, &fault);
  g_timeout_add (200, cancel_cb, cancellable);
  start = g_get_monotonic_time ();
  body = get (f, f->url, NULL, cancellable, &error);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 1500 * 1000);
  /* The retry never went out. */
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, f->path), ==, 1);
}

typedef struct
{
  guint  pending;
  guint  failed;
} Burst;

static void
on_burst_reply (GObject      *object,
                GAsyncResult *result,
                gpointer      data)
{
  Burst *burst = data;
  g_autoptr(GBytes) body = lode_http_request_finish (LODE_HTTP (object), result, NULL);

  if (body == NULL)
    burst->failed++;
  burst->pending--;
}

/* 12 requests of weight 1 against 5 per 400 ms: the last ones wait for
 * two windows to pass. */
static void
test_limiter_paces_burst (Fixture       *f,
                          gconstpointer  data)
{
  LodeHttpCall call = { "burst", 1, NULL };
  Burst burst = { 12, 0 };
  gint64 start;

  lode_http_set_rate_limit (f->http, "burst", 5, 400, NULL);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < 12; i++)
    lode_http_get_async (f->http, f->url, &call, NULL, on_burst_reply, &burst);
  while (burst.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (burst.failed, ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 800 * 1000);
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, f->path), ==, 12);
}

/* Weighted requests: three of weight 4 against 10 per 300 ms. */
static void
test_limiter_weights (Fixture       *f,
                      gconstpointer  data)
{
  LodeHttpCall call = { "weights", 4, NULL };
  Burst burst = { 3, 0 };
  gint64 start;

  lode_http_set_rate_limit (f->http, "weights", 10, 300, NULL);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < 3; i++)
    lode_http_get_async (f->http, f->url, &call, NULL, on_burst_reply, &burst);
  while (burst.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpint (g_get_monotonic_time () - start, >=, 300 * 1000);
}

/* The venue's used-weight header counts weight spent by others. */
static void
test_limiter_used_header (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *base = lode_mock_exchange_get_base_url (f->mock, "binance");
  g_autofree char *heavy = g_strconcat (base, "/fapi/v1/depth?symbol=BTCUSDT&limit=1000", NULL);
  LodeHttpCall call = { "binance", 1, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  gint64 start;

  /* Somebody else's request of weight 20 … */
  first = get (f, heavy, NULL, NULL, &error);
  g_assert_no_error (error);

  /* … fills our window of 20, reported in X-MBX-USED-WEIGHT-1M. */
  lode_http_set_rate_limit (f->http, "binance", 20, 500, "X-MBX-USED-WEIGHT-1M");
  g_clear_pointer (&first, g_bytes_unref);
  first = get (f, f->url, &call, NULL, &error);
  g_assert_no_error (error);
  start = g_get_monotonic_time ();
  second = get (f, f->url, &call, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 400 * 1000);
}

static void
tls_handler (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           data)
{
  guint *served = data;

  (*served)++;
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
}

/* A certificate nobody vouches for is an error, not retried, and the
 * request never reaches the server. (The certificate in data/tls is a
 * self-signed one made for this test only.) */
static void
test_tls_bad_certificate (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *cert_path = g_test_build_filename (G_TEST_DIST, "data", "tls", "self-signed-cert.pem", NULL);
  g_autofree char *key_path = g_test_build_filename (G_TEST_DIST, "data", "tls", "self-signed-key.pem", NULL);
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = NULL;
  GSList *uris;
  guint served = 0;
  gint64 start;

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("no TLS backend (glib-networking)");
      return;
    }

  cert = g_tls_certificate_new_from_files (cert_path, key_path, &error);
  g_assert_no_error (error);
  server = soup_server_new ("tls-certificate", cert, NULL);
  soup_server_add_handler (server, NULL, tls_handler, &served, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_assert_true (g_str_has_prefix (url, "https://"));

  /* The attempt must end in the handshake, not in the fixture's 1 s
   * time-out (which is retried): in a sanitizer build, whose every
   * allocation unwinds the stack, GnuTLS takes seconds over a handshake
   * with both ends in this thread. */
  lode_http_set_timeout_ms (f->http, 60000);
  start = g_get_monotonic_time ();
  body = get (f, url, NULL, NULL, &error);
  g_test_message ("refused after %.2f s", (g_get_monotonic_time () - start) / 1e6);
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_NETWORK);
  g_test_message ("%s", error->message);
  g_assert_null (body);
  g_assert_cmpuint (lode_http_get_n_sent (f->http), ==, 1);
  g_assert_cmpuint (served, ==, 0);

  soup_server_disconnect (server);
}

typedef struct
{
  Fixture *f;
  GError  *ok_error;
  GError  *timeout_error;
  gint     done;
} ThreadRun;

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_REMOVE;
}

static gpointer
worker_thread (gpointer data)
{
  ThreadRun *run = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(LodeHttp) http = NULL;
  g_autoptr(GAsyncResult) ok = NULL;
  g_autoptr(GAsyncResult) slow = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) none = NULL;

  g_main_context_push_thread_default (context);
  http = lode_http_new ();
  lode_http_set_timeout_ms (http, 300);
  lode_http_set_retry_policy (http, 1, 10, 10, 1000);

  /* The mock delays the first request; the second one is answered. */
  lode_http_get_async (http, run->f->url, NULL, NULL, on_result, &slow);
  while (slow == NULL)
    g_main_context_iteration (context, TRUE);
  none = lode_http_request_finish (http, slow, &run->timeout_error);

  lode_http_get_async (http, run->f->url, NULL, NULL, on_result, &ok);
  while (ok == NULL)
    g_main_context_iteration (context, TRUE);
  body = lode_http_request_finish (http, ok, &run->ok_error);

  g_clear_object (&http);
  g_main_context_pop_thread_default (context);
  g_atomic_int_set (&run->done, 1);
  g_idle_add (wake_cb, NULL);

  return NULL;
}

/* Requests made on another thread's context stay on it, time-outs
 * included. */
static void
test_other_context (Fixture       *f,
                    gconstpointer  data)
{
  LodeMockFault fault = { .kind = LODE_MOCK_FAULT_DELAY, .delay_ms = 1000 };
  ThreadRun run = { f, NULL, NULL, 0 };
  GThread *thread;

  lode_mock_exchange_add_fault (f->mock, f->path, 1, &fault);
  thread = g_thread_new ("lode-http-test", worker_thread, &run);
  /* The mock serves from this thread's (default) context. */
  while (!g_atomic_int_get (&run.done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);

  g_assert_error (run.timeout_error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_NETWORK);
  g_assert_no_error (run.ok_error);
  g_clear_error (&run.timeout_error);
}

int
main (int   argc,
      char *argv[])
{
  /* With isolated XDG dirs, the GNOME proxy resolver of glib-networking
   * aborts for want of its GSettings schema; the mock is on loopback
   * anyway, so go direct. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/sources/http/get", test_get_ok);
  ADD ("/sources/http/post-json", test_post_json);
  ADD ("/sources/http/bad-url", test_bad_url);
  ADD ("/sources/http/client-error/venue-message", test_client_error_message);
  ADD ("/sources/http/retry/retry-after", test_retry_after);
  ADD ("/sources/http/retry/retry-after-too-long", test_retry_after_too_long);
  ADD ("/sources/http/retry/ban-backs-off", test_ban_backs_off);
  ADD ("/sources/http/retry/server-error-exhausts", test_server_error_exhausts);
  ADD ("/sources/http/retry/server-error-recovers", test_server_error_recovers);
  ADD ("/sources/http/timeout", test_timeout);
  ADD ("/sources/http/connection-refused", test_connection_refused);
  ADD ("/sources/http/other-context", test_other_context);
  ADD ("/sources/http/tls/bad-certificate", test_tls_bad_certificate);
  ADD ("/sources/http/cancel/in-flight", test_cancel_in_flight);
  ADD ("/sources/http/cancel/while-waiting", test_cancel_while_waiting);
  ADD ("/sources/http/limiter/paces-burst", test_limiter_paces_burst);
  ADD ("/sources/http/limiter/weights", test_limiter_weights);
  ADD ("/sources/http/limiter/used-weight-header", test_limiter_used_header);

  return g_test_run ();
}
