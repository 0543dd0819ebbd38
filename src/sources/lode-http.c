/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <stdlib.h>
#include <string.h>

#include "lode-http.h"
#include "lode-venue-json.h"

#define DEFAULT_MAX_ATTEMPTS        4
#define DEFAULT_BACKOFF_BASE_MS     500
#define DEFAULT_BACKOFF_MAX_MS      30000
#define DEFAULT_MAX_RETRY_AFTER_MS  120000
#define MAX_CONNS_PER_HOST          4

/* One spending of weight in a limiter's window. */
typedef struct
{
  gint64 time_us;
  guint  weight;
} Spend;

/* A sliding window of request weights (see lode-http.h). */
typedef struct
{
  guint   capacity;
  gint64  window_us;
  GQueue  spends;         /* Spend*, oldest first */
  guint   used;           /* sum of the weights in spends */
  gint64  hold_until_us;  /* a rate-limit reply holds the key until then */
  char   *used_header;
  char   *remaining_header;  /* requests left in the venue's window */
  char   *reset_header;      /* when it resets, ms since the epoch */
} Limiter;

struct _LodeHttp
{
  GObject      parent_instance;

  SoupSession *session;
  GHashTable  *limiters;  /* key → Limiter* */
  guint        timeout_ms;
  guint        max_attempts;
  guint        backoff_base_ms;
  guint        backoff_max_ms;
  guint        max_retry_after_ms;
  gsize        max_body_bytes;
  guint        n_sent;
};

G_DEFINE_FINAL_TYPE (LodeHttp, lode_http, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TIMEOUT_MS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The state of one request across its attempts (the GTask's data). */
typedef struct
{
  char                *method;
  char                *url;
  GBytes              *body;         /* POST only */
  char                *limit_key;
  guint                weight;
  LodeHttpCheckFunc    check;
  guint                attempt;      /* attempts started so far */

  /* The attempt in flight. */
  GCancellable        *attempt_cancellable;
  gulong               cancel_handler;
  GSource             *timeout_source;  /* on the task's context */
  gboolean             timed_out;
  SoupMessage         *msg;
  GInputStream        *stream;       /* the reply's body, being read */
  GByteArray          *received;     /* what was read of it so far */

  /* A wait (pacing or backoff) in progress. */
  GSource             *wait_source;
  GSource             *wait_cancel_source;
  void               (*wait_then) (GTask *task);
} Request;

static void request_pace (GTask *task);

static void
limiter_free (gpointer data)
{
  Limiter *limiter = data;

  g_queue_clear_full (&limiter->spends, g_free);
  g_free (limiter->used_header);
  g_free (limiter->remaining_header);
  g_free (limiter->reset_header);
  g_free (limiter);
}

static void
limiter_prune (Limiter *limiter,
               gint64   now_us)
{
  Spend *spend;

  while ((spend = g_queue_peek_head (&limiter->spends)) != NULL
         && spend->time_us + limiter->window_us <= now_us)
    {
      limiter->used -= spend->weight;
      g_free (g_queue_pop_head (&limiter->spends));
    }
}

/* Microseconds to wait before @weight fits in the window; 0 = now. A
 * weight above the capacity waits for an empty window. */
static gint64
limiter_delay (Limiter *limiter,
               guint    weight,
               gint64   now_us)
{
  guint w = MIN (weight, limiter->capacity);
  guint freed = 0;

  if (limiter->hold_until_us > now_us)
    return limiter->hold_until_us - now_us;

  limiter_prune (limiter, now_us);
  if (limiter->used + w <= limiter->capacity)
    return 0;

  for (GList *l = limiter->spends.head; l != NULL; l = l->next)
    {
      Spend *spend = l->data;

      freed += spend->weight;
      if (limiter->used - freed + w <= limiter->capacity)
        return MAX (spend->time_us + limiter->window_us - now_us, 1000);
    }

  return limiter->window_us;
}

static void
limiter_spend (Limiter *limiter,
               guint    weight,
               gint64   now_us)
{
  Spend *spend = g_new (Spend, 1);

  spend->time_us = now_us;
  spend->weight = MIN (weight, limiter->capacity);
  limiter->used += spend->weight;
  g_queue_push_tail (&limiter->spends, spend);
}

/* The venue says @reported weight is used: count what we did not see
 * (other programs on the same IP) as spent now. */
static void
limiter_report_used (Limiter *limiter,
                     guint    reported,
                     gint64   now_us)
{
  limiter_prune (limiter, now_us);
  if (reported > limiter->used)
    limiter_spend (limiter, MIN (reported, limiter->capacity) - MIN (limiter->used, limiter->capacity), now_us);
}

/* What the venue says of its own count: weight used (Binance), or
 * requests left and when the window resets (Bybit). Nothing left holds
 * the key until the reset, at most one window away. */
static void
limiter_read_headers (Limiter            *limiter,
                      SoupMessageHeaders *headers)
{
  gint64 now = g_get_monotonic_time ();
  const char *value;

  if (limiter->used_header != NULL
      && (value = soup_message_headers_get_one (headers, limiter->used_header)) != NULL)
    limiter_report_used (limiter, (guint) g_ascii_strtoull (value, NULL, 10), now);

  if (limiter->remaining_header != NULL && limiter->reset_header != NULL
      && (value = soup_message_headers_get_one (headers, limiter->remaining_header)) != NULL
      && g_ascii_strtoll (value, NULL, 10) <= 0
      && (value = soup_message_headers_get_one (headers, limiter->reset_header)) != NULL)
    {
      gint64 wait_us = (g_ascii_strtoll (value, NULL, 10) - g_get_real_time () / 1000) * 1000;

      wait_us = CLAMP (wait_us, 0, limiter->window_us);
      limiter->hold_until_us = MAX (limiter->hold_until_us, now + wait_us);
    }
}

static void
request_free (gpointer data)
{
  Request *request = data;

  g_assert (request->wait_source == NULL);
  g_assert (request->timeout_source == NULL);
  g_free (request->method);
  g_free (request->url);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_free (request->limit_key);
  g_clear_object (&request->attempt_cancellable);
  g_clear_object (&request->msg);
  g_clear_object (&request->stream);
  g_clear_pointer (&request->received, g_byte_array_unref);
  g_free (request);
}

static Limiter *
request_get_limiter (LodeHttp *self,
                     Request  *request)
{
  if (request->limit_key == NULL)
    return NULL;

  return g_hash_table_lookup (self->limiters, request->limit_key);
}

static void
wait_clear (Request *request)
{
  if (request->wait_source != NULL)
    {
      g_source_destroy (request->wait_source);
      g_clear_pointer (&request->wait_source, g_source_unref);
    }
  if (request->wait_cancel_source != NULL)
    {
      g_source_destroy (request->wait_cancel_source);
      g_clear_pointer (&request->wait_cancel_source, g_source_unref);
    }
}

static gboolean
wait_done_cb (gpointer data)
{
  GTask *task = data;
  Request *request = g_task_get_task_data (task);
  void (*then) (GTask *) = request->wait_then;

  /* The source's own reference keeps @task alive until this returns. */
  wait_clear (request);
  then (task);

  return G_SOURCE_REMOVE;
}

static gboolean
wait_cancelled_cb (GCancellable *cancellable,
                   gpointer      data)
{
  GTask *task = data;
  Request *request = g_task_get_task_data (task);

  wait_clear (request);
  g_task_return_error_if_cancelled (task);

  return G_SOURCE_REMOVE;
}

/* Calls @then after @delay_us, unless the task's cancellable fires first
 * (then the task returns G_IO_ERROR_CANCELLED). */
static void
request_wait (GTask  *task,
              gint64  delay_us,
              void  (*then) (GTask *task))
{
  Request *request = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GMainContext *context = g_task_get_context (task);

  g_assert (request->wait_source == NULL);

  request->wait_then = then;
  request->wait_source = g_timeout_source_new ((guint) ((delay_us + 999) / 1000));
  g_source_set_callback (request->wait_source, wait_done_cb,
                         g_object_ref (task), g_object_unref);
  g_source_attach (request->wait_source, context);

  if (cancellable != NULL)
    {
      request->wait_cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (request->wait_cancel_source,
                             G_SOURCE_FUNC (wait_cancelled_cb),
                             g_object_ref (task), g_object_unref);
      g_source_attach (request->wait_cancel_source, context);
    }
}

/* The venue's message in a JSON error body, or NULL. */
static char *
venue_message (GBytes *body)
{
  static const char * const names[] = { "msg", "retMsg", "message", "error" };
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;

  /* Through lode_json_parse_bytes (): json-glib alone leaks on a body with
   * two top-level values. */
  root = lode_json_parse_bytes (body, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  object = json_node_get_object (root);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      JsonNode *node = json_object_get_member (object, names[i]);

      if (node != NULL && JSON_NODE_HOLDS_VALUE (node)
          && json_node_get_value_type (node) == G_TYPE_STRING
          && *json_node_get_string (node) != '\0')
        {
          JsonNode *code = json_object_get_member (object, "code");

          if (code == NULL)
            code = json_object_get_member (object, "retCode");
          if (code != NULL && JSON_NODE_HOLDS_VALUE (code))
            {
              if (json_node_get_value_type (code) == G_TYPE_STRING)
                return g_strdup_printf ("%s (%s)", json_node_get_string (node),
                                        json_node_get_string (code));
              if (json_node_get_value_type (code) == G_TYPE_INT64)
                return g_strdup_printf ("%s (%" G_GINT64_FORMAT ")",
                                        json_node_get_string (node),
                                        json_node_get_int (code));
            }
          return g_strdup (json_node_get_string (node));
        }
    }

  return NULL;
}

/* Retry-After in ms (delta-seconds or an HTTP date), or -1. */
static gint64
parse_retry_after (SoupMessage *msg)
{
  const char *value;
  char *end;
  gint64 seconds;

  value = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                        "Retry-After");
  if (value == NULL)
    return -1;

  seconds = g_ascii_strtoll (value, &end, 10);
  if (end != value && *end == '\0' && seconds >= 0)
    return seconds * 1000;

  {
    g_autoptr(GDateTime) date = soup_date_time_new_from_http_string (value);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

    if (date == NULL)
      return -1;

    return MAX (g_date_time_difference (date, now) / 1000, 0);
  }
}

static gint64
backoff_ms (LodeHttp *self,
            guint     attempt)
{
  gint64 delay = self->backoff_base_ms;

  for (guint i = 1; i < attempt && delay < self->backoff_max_ms; i++)
    delay *= 2;
  delay = MIN (delay, (gint64) self->backoff_max_ms);

  /* Equal jitter: between half the delay and the delay, so that clients
   * who failed together do not retry together. */
  if (delay >= 2)
    delay = delay / 2 + g_random_int_range (0, (gint32) (delay / 2) + 1);

  return delay;
}

/* Either retries @task after the right delay or returns @error. */
static void
request_fail (GTask    *task,
              GError   *error,
              gboolean  retryable,
              gint64    retry_after_ms)
{
  LodeHttp *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  gboolean rate_limited = g_error_matches (error, LODE_SOURCE_ERROR,
                                           LODE_SOURCE_ERROR_RATE_LIMITED);
  Limiter *limiter = request_get_limiter (self, request);
  gint64 delay_ms;

  if (retry_after_ms > self->max_retry_after_ms)
    retryable = FALSE;

  if (!retryable || request->attempt >= self->max_attempts)
    {
      g_task_return_error (task, error);
      return;
    }

  delay_ms = retry_after_ms >= 0 ? retry_after_ms : backoff_ms (self, request->attempt);

  if (rate_limited && limiter != NULL)
    limiter->hold_until_us = MAX (limiter->hold_until_us,
                                  g_get_monotonic_time () + delay_ms * 1000);

  g_debug ("%s %s: %s; attempt %u again in %" G_GINT64_FORMAT " ms",
           request->method, request->url, error->message,
           request->attempt + 1, delay_ms);
  g_error_free (error);

  request_wait (task, delay_ms * 1000, request_pace);
}

static void
attempt_cleanup (GTask *task)
{
  Request *request = g_task_get_task_data (task);

  if (request->timeout_source != NULL)
    {
      g_source_destroy (request->timeout_source);
      g_clear_pointer (&request->timeout_source, g_source_unref);
    }
  if (request->cancel_handler != 0)
    {
      g_cancellable_disconnect (g_task_get_cancellable (task), request->cancel_handler);
      request->cancel_handler = 0;
    }
}

/* The attempt ended: with the whole @body of the reply, or with @error
 * (the connection failed, timed out or was cancelled). Takes both. */
static void
on_body (GTask  *task,
         GBytes *body_in,
         GError *error_in)
{
  LodeHttp *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = error_in;
  g_autoptr(GBytes) body = body_in;
  g_autofree char *message = NULL;
  Limiter *limiter;
  guint status;

  g_clear_object (&request->stream);
  g_clear_pointer (&request->received, g_byte_array_unref);
  attempt_cleanup (task);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (body == NULL)
    {
      GError *network;

      if (request->timed_out)
        network = g_error_new (LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_NETWORK,
                               _("%s did not answer within %.1f s"),
                               g_uri_get_host (soup_message_get_uri (request->msg)),
                               self->timeout_ms / 1000.0);
      else
        network = g_error_new (LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_NETWORK,
                               _("Could not reach %s: %s"),
                               g_uri_get_host (soup_message_get_uri (request->msg)),
                               error->message);

      /* A bad certificate does not get better by asking again. */
      request_fail (task, network, error == NULL || error->domain != G_TLS_ERROR, -1);
      return;
    }

  status = soup_message_get_status (request->msg);

  limiter = request_get_limiter (self, request);
  if (limiter != NULL)
    limiter_read_headers (limiter, soup_message_get_response_headers (request->msg));

  if (status == 429 || status == 418 || status == 403)
    {
      message = venue_message (body);
      request_fail (task,
                    g_error_new (LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_RATE_LIMITED,
                                 _("The exchange limits requests (HTTP %u%s%s)"),
                                 status, message != NULL ? ": " : "",
                                 message != NULL ? message : ""),
                    TRUE, parse_retry_after (request->msg));
      return;
    }

  if (status >= 500)
    {
      /* The body of a 5xx is typically a proxy's HTML page: never parsed. */
      request_fail (task,
                    g_error_new (LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_HTTP_SERVER,
                                 _("The exchange had a server error (HTTP %u)"), status),
                    TRUE, parse_retry_after (request->msg));
      return;
    }

  if (status < 200 || status >= 300)
    {
      message = venue_message (body);
      if (message != NULL)
        g_task_return_new_error (task, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_HTTP_CLIENT,
                                 _("The exchange refused the request (HTTP %u): %s"),
                                 status, message);
      else
        g_task_return_new_error (task, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_HTTP_CLIENT,
                                 _("The exchange refused the request (HTTP %u)"), status);
      return;
    }

  if (request->check != NULL && !request->check (body, &error))
    {
      gboolean rate_limited = g_error_matches (error, LODE_SOURCE_ERROR,
                                               LODE_SOURCE_ERROR_RATE_LIMITED);

      request_fail (task, g_steal_pointer (&error), rate_limited, -1);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&body), (GDestroyNotify) g_bytes_unref);
}

/* A reply larger than the bound: the connection is dropped unread and the
 * request fails for good (the same request would get the same reply). */
static void
body_too_large (GTask *task)
{
  LodeHttp *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  GError *error;

  error = g_error_new (LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE,
                       _("The reply of %s is larger than %lu MB"),
                       g_uri_get_host (soup_message_get_uri (request->msg)),
                       (unsigned long) (self->max_body_bytes / (1024 * 1024)));
  /* Cancelling the attempt makes libsoup close the connection. */
  g_cancellable_cancel (request->attempt_cancellable);
  g_clear_object (&request->stream);
  g_clear_pointer (&request->received, g_byte_array_unref);
  attempt_cleanup (task);
  request_fail (task, error, FALSE, -1);
}

static void read_next (GTask *task);

static void
on_read (GObject      *object,
         GAsyncResult *result,
         gpointer      data)
{
  g_autoptr(GTask) task = data;
  LodeHttp *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);

  if (chunk == NULL)
    {
      on_body (task, NULL, error);
      return;
    }
  if (g_bytes_get_size (chunk) == 0)
    {
      on_body (task, g_byte_array_free_to_bytes (g_steal_pointer (&request->received)), NULL);
      return;
    }

  if (request->received->len + g_bytes_get_size (chunk) > self->max_body_bytes)
    {
      body_too_large (task);
      return;
    }
  g_byte_array_append (request->received, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  read_next (task);
}

static void
read_next (GTask *task)
{
  Request *request = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (request->stream, 64 * 1024, G_PRIORITY_DEFAULT,
                                   request->attempt_cancellable, on_read, g_object_ref (task));
}

/* The headers are in: the body is read in chunks, at most max_body_bytes
 * in all, so that a runaway reply costs bounded memory. */
static void
on_sent (GObject      *object,
         GAsyncResult *result,
         gpointer      data)
{
  g_autoptr(GTask) task = data;
  LodeHttp *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  SoupMessageHeaders *headers;
  GError *error = NULL;

  request->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (request->stream == NULL)
    {
      on_body (task, NULL, error);
      return;
    }

  headers = soup_message_get_response_headers (request->msg);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
      && soup_message_headers_get_content_length (headers) > (goffset) self->max_body_bytes)
    {
      body_too_large (task);
      return;
    }

  request->received = g_byte_array_new ();
  read_next (task);
}

static gboolean
attempt_timeout_cb (gpointer data)
{
  Request *request = data;

  request->timed_out = TRUE;
  g_cancellable_cancel (request->attempt_cancellable);

  return G_SOURCE_REMOVE;
}

static void
forward_cancel_cb (GCancellable *cancellable,
                   gpointer      data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
}

static void
request_send (GTask *task)
{
  LodeHttp *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GSource *timeout;

  g_clear_object (&request->msg);
  g_clear_object (&request->attempt_cancellable);

  request->msg = soup_message_new (request->method, request->url);
  g_assert (request->msg != NULL);  /* checked when the request was made */
  soup_message_headers_replace (soup_message_get_request_headers (request->msg),
                                "Accept", "application/json");
  if (request->body != NULL)
    soup_message_set_request_body_from_bytes (request->msg, "application/json",
                                              request->body);

  request->attempt++;
  request->timed_out = FALSE;
  request->attempt_cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    request->cancel_handler = g_cancellable_connect (cancellable,
                                                     G_CALLBACK (forward_cancel_cb),
                                                     g_object_ref (request->attempt_cancellable),
                                                     g_object_unref);

  /* Not g_timeout_add(): the caller's context need not be the default. */
  timeout = g_timeout_source_new (self->timeout_ms);
  g_source_set_callback (timeout, attempt_timeout_cb, request, NULL);
  g_source_attach (timeout, g_task_get_context (task));
  request->timeout_source = timeout;

  self->n_sent++;
  soup_session_send_async (self->session, request->msg, G_PRIORITY_DEFAULT,
                           request->attempt_cancellable, on_sent, g_object_ref (task));
}

/* Waits until the request's weight fits its limiter, then sends. */
static void
request_pace (GTask *task)
{
  LodeHttp *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  Limiter *limiter = request_get_limiter (self, request);
  gint64 now = g_get_monotonic_time ();

  if (g_task_return_error_if_cancelled (task))
    return;

  if (limiter != NULL)
    {
      gint64 delay = limiter_delay (limiter, MAX (request->weight, 1), now);

      if (delay > 0)
        {
          request_wait (task, delay, request_pace);
          return;
        }
      limiter_spend (limiter, MAX (request->weight, 1), now);
    }

  request_send (task);
}

static void
request_start (LodeHttp            *self,
               const char          *method,
               const char          *url,
               GBytes              *body,
               const LodeHttpCall  *call,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUri) uri = NULL;
  Request *request;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, request_start);

  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL
      || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0
          && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    {
      g_task_return_new_error (task, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_INVALID_ARGUMENT,
                               _("“%s” is not an http or https address"), url);
      return;
    }

  request = g_new0 (Request, 1);
  request->method = g_strdup (method);
  request->url = g_strdup (url);
  request->body = body != NULL ? g_bytes_ref (body) : NULL;
  if (call != NULL)
    {
      request->limit_key = g_strdup (call->limit_key);
      request->weight = call->weight;
      request->check = call->check;
    }
  g_task_set_task_data (task, request, request_free);

  request_pace (task);
}

static void
lode_http_finalize (GObject *object)
{
  LodeHttp *self = (LodeHttp *) object;

  g_clear_object (&self->session);
  g_clear_pointer (&self->limiters, g_hash_table_unref);

  G_OBJECT_CLASS (lode_http_parent_class)->finalize (object);
}

static void
lode_http_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  LodeHttp *self = LODE_HTTP (object);

  switch (prop_id)
    {
    case PROP_TIMEOUT_MS:
      g_value_set_uint (value, self->timeout_ms);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lode_http_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  LodeHttp *self = LODE_HTTP (object);

  switch (prop_id)
    {
    case PROP_TIMEOUT_MS:
      lode_http_set_timeout_ms (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lode_http_class_init (LodeHttpClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lode_http_finalize;
  object_class->get_property = lode_http_get_property;
  object_class->set_property = lode_http_set_property;

  /**
   * LodeHttp:timeout-ms:
   *
   * The time one attempt may take, connection included.
   */
  properties[PROP_TIMEOUT_MS] =
    g_param_spec_uint ("timeout-ms", NULL, NULL,
                       1, G_MAXUINT, LODE_HTTP_DEFAULT_TIMEOUT_MS,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lode_http_init (LodeHttp *self)
{
  self->timeout_ms = LODE_HTTP_DEFAULT_TIMEOUT_MS;
  self->max_attempts = DEFAULT_MAX_ATTEMPTS;
  self->backoff_base_ms = DEFAULT_BACKOFF_BASE_MS;
  self->backoff_max_ms = DEFAULT_BACKOFF_MAX_MS;
  self->max_retry_after_ms = DEFAULT_MAX_RETRY_AFTER_MS;
  self->max_body_bytes = LODE_HTTP_DEFAULT_MAX_BODY_BYTES;
  self->limiters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, limiter_free);

  /* The default proxy resolver follows the system settings; TLS goes
   * through glib-networking's database, and since nothing handles
   * SoupMessage::accept-certificate a bad certificate fails the request. */
  self->session = soup_session_new_with_options ("user-agent", "Lodestone/" PACKAGE_VERSION,
                                                 "max-conns-per-host", MAX_CONNS_PER_HOST,
                                                 "proxy-resolver", g_proxy_resolver_get_default (),
                                                 "timeout", (self->timeout_ms + 999) / 1000,
                                                 NULL);
}

LodeHttp *
lode_http_new (void)
{
  return g_object_new (LODE_TYPE_HTTP, NULL);
}

void
lode_http_set_timeout_ms (LodeHttp *self,
                          guint     timeout_ms)
{
  g_return_if_fail (LODE_IS_HTTP (self));
  g_return_if_fail (timeout_ms > 0);

  if (self->timeout_ms == timeout_ms)
    return;

  self->timeout_ms = timeout_ms;
  /* libsoup's own I/O time-out, a backstop behind the per-attempt timer. */
  g_object_set (self->session, "timeout", (timeout_ms + 999) / 1000, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT_MS]);
}

void
lode_http_set_max_body_bytes (LodeHttp *self,
                              gsize     max_bytes)
{
  g_return_if_fail (LODE_IS_HTTP (self));
  g_return_if_fail (max_bytes > 0);

  self->max_body_bytes = max_bytes;
}

guint
lode_http_get_timeout_ms (LodeHttp *self)
{
  g_return_val_if_fail (LODE_IS_HTTP (self), 0);

  return self->timeout_ms;
}

void
lode_http_set_retry_policy (LodeHttp *self,
                            guint     max_attempts,
                            guint     backoff_base_ms,
                            guint     backoff_max_ms,
                            guint     max_retry_after_ms)
{
  g_return_if_fail (LODE_IS_HTTP (self));
  g_return_if_fail (max_attempts >= 1);

  self->max_attempts = max_attempts;
  self->backoff_base_ms = backoff_base_ms;
  self->backoff_max_ms = MAX (backoff_max_ms, backoff_base_ms);
  self->max_retry_after_ms = max_retry_after_ms;
}

void
lode_http_set_rate_limit (LodeHttp   *self,
                          const char *key,
                          guint       capacity,
                          guint       window_ms,
                          const char *used_header)
{
  Limiter *limiter;

  g_return_if_fail (LODE_IS_HTTP (self));
  g_return_if_fail (key != NULL);
  g_return_if_fail (capacity > 0 && window_ms > 0);

  limiter = g_new0 (Limiter, 1);
  limiter->capacity = capacity;
  limiter->window_us = (gint64) window_ms * 1000;
  limiter->used_header = g_strdup (used_header);
  g_queue_init (&limiter->spends);
  g_hash_table_replace (self->limiters, g_strdup (key), limiter);
}

void
lode_http_set_rate_limit_reset_headers (LodeHttp   *self,
                                        const char *key,
                                        const char *remaining_header,
                                        const char *reset_header)
{
  Limiter *limiter;

  g_return_if_fail (LODE_IS_HTTP (self));
  g_return_if_fail (key != NULL);

  limiter = g_hash_table_lookup (self->limiters, key);
  g_return_if_fail (limiter != NULL);

  g_free (limiter->remaining_header);
  g_free (limiter->reset_header);
  limiter->remaining_header = g_strdup (remaining_header);
  limiter->reset_header = g_strdup (reset_header);
}

void
lode_http_ensure_rate_limit (LodeHttp   *self,
                             const char *key,
                             guint       capacity,
                             guint       window_ms,
                             const char *used_header)
{
  g_return_if_fail (LODE_IS_HTTP (self));
  g_return_if_fail (key != NULL);

  if (!g_hash_table_contains (self->limiters, key))
    lode_http_set_rate_limit (self, key, capacity, window_ms, used_header);
}

void
lode_http_query_add (GString    *query,
                     const char *key,
                     const char *value)
{
  if (query->len > 0)
    g_string_append_c (query, '&');
  g_string_append_uri_escaped (query, key, NULL, FALSE);
  g_string_append_c (query, '=');
  g_string_append_uri_escaped (query, value, NULL, FALSE);
}

void
lode_http_query_add_raw (GString    *query,
                         const char *key,
                         const char *value)
{
  if (query->len > 0)
    g_string_append_c (query, '&');
  g_string_append_uri_escaped (query, key, NULL, FALSE);
  g_string_append_c (query, '=');
  g_string_append (query, value);
}

void
lode_http_query_add_int (GString    *query,
                         const char *key,
                         gint64      value)
{
  char buf[32];

  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, value);
  lode_http_query_add (query, key, buf);
}

void
lode_http_get_async (LodeHttp            *self,
                     const char          *url,
                     const LodeHttpCall  *call,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_return_if_fail (LODE_IS_HTTP (self));
  g_return_if_fail (url != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  request_start (self, SOUP_METHOD_GET, url, NULL, call, cancellable, callback, user_data);
}

void
lode_http_post_json_async (LodeHttp            *self,
                           const char          *url,
                           const char          *json,
                           const LodeHttpCall  *call,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GBytes) body = NULL;

  g_return_if_fail (LODE_IS_HTTP (self));
  g_return_if_fail (url != NULL);
  g_return_if_fail (json != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  body = g_bytes_new (json, strlen (json));
  request_start (self, SOUP_METHOD_POST, url, body, call, cancellable, callback, user_data);
}

GBytes *
lode_http_request_finish (LodeHttp      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (LODE_IS_HTTP (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == request_start, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

guint
lode_http_get_n_sent (LodeHttp *self)
{
  g_return_val_if_fail (LODE_IS_HTTP (self), 0);

  return self->n_sent;
}
