/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "lode-hyperliquid.h"
#include "lode-hyperliquid-parse.h"

#define MINUTE_MS         G_GINT64_CONSTANT (60000)

/* §4: at most 500 elements per time-ranged reply. */
#define PAGE_MAX          500
#define KEY               "hyperliquid"
/* Weights: most info requests 20, l2Book 2; candleSnapshot +1 per 60
 * items and fundingHistory +1 per 20 items returned, counted up front
 * for a full page. */
#define WEIGHT_INFO       20
#define WEIGHT_BOOK       2
#define WEIGHT_CANDLES    (WEIGHT_INFO + PAGE_MAX / 60)
#define WEIGHT_FUNDING    (WEIGHT_INFO + PAGE_MAX / 20)

struct _LodeHyperliquid
{
  LodeVenue parent_instance;

  double    oi_sides;
};

static void source_iface_init (LodeSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LodeHyperliquid, lode_hyperliquid, LODE_TYPE_VENUE,
                               G_IMPLEMENT_INTERFACE (LODE_TYPE_SOURCE, source_iface_init))

enum {
  PROP_0,
  PROP_OI_SIDES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A request body: {"type": @type, …} with the members added by the
 * caller between begin and end. */
static JsonBuilder *
body_begin (const char *type)
{
  JsonBuilder *builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  return builder;
}

static char *
body_end (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = NULL;

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  g_object_unref (builder);
  return json_to_string (root, FALSE);
}

/* ---- Candles: forward, startTime = last t + Δ -------------------------- */

static gboolean
candles_next (LodePager  *pager,
              GString    *url,
              char      **post_json)
{
  JsonBuilder *builder;

  if (pager->cursor_ms >= pager->query.end_ms)
    return FALSE;

  /* Our interval names are Hyperliquid's (1m 5m 15m 1h 4h 1d). The
   * parameters nest in "req" (§4.1). */
  builder = body_begin ("candleSnapshot");
  json_builder_set_member_name (builder, "req");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "coin");
  json_builder_add_string_value (builder, pager->query.symbol);
  json_builder_set_member_name (builder, "interval");
  json_builder_add_string_value (builder, lode_source_interval_name (pager->query.interval_ms));
  json_builder_set_member_name (builder, "startTime");
  json_builder_add_int_value (builder, pager->cursor_ms);
  json_builder_set_member_name (builder, "endTime");
  json_builder_add_int_value (builder, pager->query.end_ms - 1);
  json_builder_end_object (builder);
  *post_json = body_end (builder);

  g_string_append (url, "/info");
  return TRUE;
}

static gboolean
candles_page (LodePager  *pager,
              GBytes     *body,
              GError    **error)
{
  g_autoptr(GArray) page = lode_hyperliquid_parse_candles (body, error);

  if (page == NULL)
    return FALSE;

  lode_pager_add_page_forward (pager, page, PAGE_MAX);
  return TRUE;
}

static void
hyperliquid_fetch_candles_async (LodeSource            *source,
                                 const LodeSourceQuery *query,
                                 GCancellable          *cancellable,
                                 GAsyncReadyCallback    callback,
                                 gpointer               user_data)
{
  LodeHttpCall call = { KEY, WEIGHT_CANDLES, NULL };
  LodePager *pager = lode_venue_pager_new (LODE_VENUE (source), query, TRUE, &call);

  pager->cursor_ms = query->start_ms;
  pager->pages_expected = lode_pager_pages_for (query->end_ms - query->start_ms, query->interval_ms,
                                               PAGE_MAX);
  pager->next_request = candles_next;
  pager->parse_page = candles_page;
  lode_pager_run (pager, cancellable, callback, user_data);
}

/* ---- Open interest: the current value only ----------------------------- */

typedef struct
{
  char               *coin;
  gint64              time_ms;
  double              oi_sides;
  LodeSourceProgress  progress;
  gpointer            progress_data;
} OiRequest;

static void
oi_request_free (gpointer data)
{
  OiRequest *request = data;

  g_free (request->coin);
  g_free (request);
}

static void
on_asset_ctxs (GObject      *object,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr(GTask) task = data;
  OiRequest *request = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GArray) points = NULL;
  GError *error = NULL;
  LodeHyperliquidCtx ctx;
  LodePoint point;

  body = lode_http_request_finish (LODE_HTTP (object), result, &error);
  if (body == NULL || !lode_hyperliquid_parse_asset_ctx (body, request->coin, &ctx, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (request->progress != NULL)
    request->progress (1, 1, request->progress_data);

  /* coin × mark price, over "oi-sides" (§5 leaves Hyperliquid's
   * sidedness open; 1, the default, matches the venue's own UI). */
  point.time_ms = request->time_ms;
  point.value = ctx.open_interest * ctx.mark_px / request->oi_sides;
  points = g_array_new (FALSE, FALSE, sizeof (LodePoint));
  g_array_append_val (points, point);
  g_task_return_pointer (task, g_steal_pointer (&points), (GDestroyNotify) g_array_unref);
}

/* Hyperliquid keeps no OI history (§4.2): this returns the current OI as
 * one point, stamped at the range's end (or now, if earlier) so that the
 * last candle holds it, and nothing when the range ends before the
 * present. History grows from the store's own recordings of these
 * points. */
static void
hyperliquid_fetch_open_interest_async (LodeSource            *source,
                                       const LodeSourceQuery *query,
                                       GCancellable          *cancellable,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data)
{
  LodeHyperliquid *self = LODE_HYPERLIQUID (source);
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  g_autofree char *url = g_strconcat (lode_venue_get_base_url (LODE_VENUE (self)), "/info", NULL);
  g_autofree char *json = body_end (body_begin ("metaAndAssetCtxs"));
  gint64 now = g_get_real_time () / 1000;
  LodeHttpCall call = { KEY, WEIGHT_INFO, NULL };
  OiRequest *request;

  g_task_set_source_tag (task, hyperliquid_fetch_open_interest_async);

  if (query->end_ms < now - MAX (query->interval_ms, 5 * MINUTE_MS))
    {
      g_task_return_pointer (task, g_array_new (FALSE, FALSE, sizeof (LodePoint)),
                             (GDestroyNotify) g_array_unref);
      return;
    }

  request = g_new0 (OiRequest, 1);
  request->coin = g_strdup (query->symbol);
  request->time_ms = MIN (now, query->end_ms);
  request->oi_sides = self->oi_sides;
  request->progress = query->progress;
  request->progress_data = query->progress_data;
  g_task_set_task_data (task, request, oi_request_free);

  lode_http_post_json_async (lode_venue_get_http (LODE_VENUE (self)), url, json, &call,
                             cancellable, on_asset_ctxs, g_object_ref (task));
}

/* No long/short ratio on Hyperliquid (§4.3): empty, not an error. */
static void
hyperliquid_fetch_long_short_async (LodeSource            *source,
                                    const LodeSourceQuery *query,
                                    GCancellable          *cancellable,
                                    GAsyncReadyCallback    callback,
                                    gpointer               user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);

  g_task_set_source_tag (task, hyperliquid_fetch_long_short_async);
  g_task_return_pointer (task, g_array_new (FALSE, FALSE, sizeof (LodePoint)),
                         (GDestroyNotify) g_array_unref);
}

/* ---- Funding: forward, hourly, 500 a reply ----------------------------- */

static gboolean
funding_next (LodePager  *pager,
              GString    *url,
              char      **post_json)
{
  JsonBuilder *builder;

  if (pager->cursor_ms >= pager->query.end_ms)
    return FALSE;

  builder = body_begin ("fundingHistory");
  json_builder_set_member_name (builder, "coin");
  json_builder_add_string_value (builder, pager->query.symbol);
  json_builder_set_member_name (builder, "startTime");
  json_builder_add_int_value (builder, pager->cursor_ms);
  json_builder_set_member_name (builder, "endTime");
  json_builder_add_int_value (builder, pager->query.end_ms - 1);
  *post_json = body_end (builder);

  g_string_append (url, "/info");
  return TRUE;
}

static gboolean
funding_page (LodePager  *pager,
              GBytes     *body,
              GError    **error)
{
  g_autoptr(GArray) page = lode_hyperliquid_parse_funding (body, error);

  if (page == NULL)
    return FALSE;

  if (lode_pager_add_page (pager, page, PAGE_MAX))
    pager->cursor_ms = g_array_index (page, LodePoint, page->len - 1).time_ms + 1;
  return TRUE;
}

static void
hyperliquid_fetch_funding_async (LodeSource            *source,
                                 const LodeSourceQuery *query,
                                 GCancellable          *cancellable,
                                 GAsyncReadyCallback    callback,
                                 gpointer               user_data)
{
  LodeHttpCall call = { KEY, WEIGHT_FUNDING, NULL };
  LodePager *pager = lode_venue_pager_new (LODE_VENUE (source), query, FALSE, &call);

  pager->cursor_ms = query->start_ms;
  pager->next_request = funding_next;
  pager->parse_page = funding_page;
  lode_pager_run (pager, cancellable, callback, user_data);
}

/* ---- One-shot requests ------------------------------------------------- */

static void
hyperliquid_fetch_depth_async (LodeSource          *source,
                               const char          *symbol,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  JsonBuilder *builder = body_begin ("l2Book");
  g_autofree char *json = NULL;
  LodeHttpCall call = { KEY, WEIGHT_BOOK, NULL };

  /* At most 20 levels a side; nSigFigs null = unaggregated (§4.5). */
  json_builder_set_member_name (builder, "coin");
  json_builder_add_string_value (builder, symbol);
  json_builder_set_member_name (builder, "nSigFigs");
  json_builder_add_null_value (builder);
  json = body_end (builder);

  lode_venue_request (LODE_VENUE (source), "/info", NULL, json, &call,
                      (LodeSourceParseFunc) lode_hyperliquid_parse_depth,
                      (GDestroyNotify) lode_depth_free,
                      cancellable, callback, user_data);
}

static void
hyperliquid_list_symbols_async (LodeSource          *source,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autofree char *json = body_end (body_begin ("meta"));
  LodeHttpCall call = { KEY, WEIGHT_INFO, NULL };

  lode_venue_request (LODE_VENUE (source), "/info", NULL, json, &call,
                      (LodeSourceParseFunc) lode_hyperliquid_parse_symbols,
                      (GDestroyNotify) g_ptr_array_unref,
                      cancellable, callback, user_data);
}

static void
source_iface_init (LodeSourceInterface *iface)
{
  iface->fetch_candles_async = hyperliquid_fetch_candles_async;
  iface->fetch_open_interest_async = hyperliquid_fetch_open_interest_async;
  iface->fetch_long_short_async = hyperliquid_fetch_long_short_async;
  iface->fetch_funding_async = hyperliquid_fetch_funding_async;
  iface->fetch_depth_async = hyperliquid_fetch_depth_async;
  iface->list_symbols_async = hyperliquid_list_symbols_async;
}

static void
lode_hyperliquid_constructed (GObject *object)
{
  G_OBJECT_CLASS (lode_hyperliquid_parent_class)->constructed (object);

  /* §4: aggregated weight 1200 a minute per IP. */
  lode_http_ensure_rate_limit (lode_venue_get_http (LODE_VENUE (object)), KEY, 1200, 60000, NULL);
}

static void
lode_hyperliquid_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  LodeHyperliquid *self = LODE_HYPERLIQUID (object);

  switch (prop_id)
    {
    case PROP_OI_SIDES:
      g_value_set_double (value, self->oi_sides);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lode_hyperliquid_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  LodeHyperliquid *self = LODE_HYPERLIQUID (object);

  switch (prop_id)
    {
    case PROP_OI_SIDES:
      if (self->oi_sides != g_value_get_double (value))
        {
          self->oi_sides = g_value_get_double (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lode_hyperliquid_class_init (LodeHyperliquidClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  LodeVenueClass *venue_class = LODE_VENUE_CLASS (klass);

  object_class->constructed = lode_hyperliquid_constructed;
  object_class->get_property = lode_hyperliquid_get_property;
  object_class->set_property = lode_hyperliquid_set_property;

  venue_class->id = "hyperliquid";
  venue_class->label = "Hyperliquid";
  venue_class->default_base_url = LODE_HYPERLIQUID_DEFAULT_BASE_URL;

  /* What the venue's openInterest is divided by to give one side: 1 (it
   * is one side, as on the venue's own pages) or 2 (if it counts both). */
  properties[PROP_OI_SIDES] =
    g_param_spec_double ("oi-sides", NULL, NULL,
                         1.0, 2.0, 1.0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lode_hyperliquid_init (LodeHyperliquid *self)
{
  self->oi_sides = 1.0;
}

LodeHyperliquid *
lode_hyperliquid_new (LodeHttp   *http,
                      const char *base_url)
{
  g_return_val_if_fail (LODE_IS_HTTP (http), NULL);

  return g_object_new (LODE_TYPE_HYPERLIQUID,
                       "http", http,
                       "base-url", base_url,
                       NULL);
}
