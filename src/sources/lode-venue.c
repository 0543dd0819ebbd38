/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lode-venue.h"

typedef struct
{
  LodeHttp *http;
  char     *base_url;
} LodeVenuePrivate;

static void source_iface_init (LodeSourceInterface *iface);

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (LodeVenue, lode_venue, G_TYPE_OBJECT,
                                  G_ADD_PRIVATE (LodeVenue)
                                  G_IMPLEMENT_INTERFACE (LODE_TYPE_SOURCE, source_iface_init))

enum {
  PROP_0,
  PROP_HTTP,
  PROP_BASE_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
venue_get_id (LodeSource *source)
{
  return LODE_VENUE_GET_CLASS (source)->id;
}

static const char *
venue_get_label (LodeSource *source)
{
  return LODE_VENUE_GET_CLASS (source)->label;
}

static void
source_iface_init (LodeSourceInterface *iface)
{
  iface->get_id = venue_get_id;
  iface->get_label = venue_get_label;
}

static void
lode_venue_constructed (GObject *object)
{
  LodeVenuePrivate *priv = lode_venue_get_instance_private (LODE_VENUE (object));

  G_OBJECT_CLASS (lode_venue_parent_class)->constructed (object);

  g_assert (priv->http != NULL);
}

static void
lode_venue_finalize (GObject *object)
{
  LodeVenuePrivate *priv = lode_venue_get_instance_private (LODE_VENUE (object));

  g_clear_object (&priv->http);
  g_free (priv->base_url);

  G_OBJECT_CLASS (lode_venue_parent_class)->finalize (object);
}

static void
lode_venue_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  LodeVenuePrivate *priv = lode_venue_get_instance_private (LODE_VENUE (object));

  switch (prop_id)
    {
    case PROP_HTTP:
      g_value_set_object (value, priv->http);
      break;

    case PROP_BASE_URL:
      g_value_set_string (value, priv->base_url);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lode_venue_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  LodeVenuePrivate *priv = lode_venue_get_instance_private (LODE_VENUE (object));

  switch (prop_id)
    {
    case PROP_HTTP:
      priv->http = g_value_dup_object (value);
      break;

    case PROP_BASE_URL:
      g_free (priv->base_url);
      priv->base_url = lode_source_normalize_base_url (g_value_get_string (value),
                                                       LODE_VENUE_GET_CLASS (object)->default_base_url);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lode_venue_class_init (LodeVenueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = lode_venue_constructed;
  object_class->finalize = lode_venue_finalize;
  object_class->get_property = lode_venue_get_property;
  object_class->set_property = lode_venue_set_property;

  properties[PROP_HTTP] =
    g_param_spec_object ("http", NULL, NULL,
                         LODE_TYPE_HTTP,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* The REST base, without a trailing slash; NULL = the class's
   * default_base_url (one pspec serves every venue, so its own default
   * is NULL). */
  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lode_venue_init (LodeVenue *self)
{
}

LodeHttp *
lode_venue_get_http (LodeVenue *self)
{
  LodeVenuePrivate *priv;

  g_return_val_if_fail (LODE_IS_VENUE (self), NULL);

  priv = lode_venue_get_instance_private (self);
  return priv->http;
}

const char *
lode_venue_get_base_url (LodeVenue *self)
{
  LodeVenuePrivate *priv;

  g_return_val_if_fail (LODE_IS_VENUE (self), NULL);

  priv = lode_venue_get_instance_private (self);
  return priv->base_url;
}

LodePager *
lode_venue_pager_new (LodeVenue             *self,
                      const LodeSourceQuery *query,
                      gboolean               is_candles,
                      const LodeHttpCall    *call)
{
  LodeVenuePrivate *priv;
  LodePager *pager;

  g_return_val_if_fail (LODE_IS_VENUE (self), NULL);
  g_return_val_if_fail (call != NULL, NULL);

  priv = lode_venue_get_instance_private (self);
  pager = lode_pager_new (LODE_SOURCE (self), priv->http, priv->base_url, query, is_candles);
  pager->call = *call;

  return pager;
}

void
lode_venue_request (LodeVenue           *self,
                    const char          *path,
                    const char          *query,
                    const char          *post_json,
                    const LodeHttpCall  *call,
                    LodeSourceParseFunc  parse,
                    GDestroyNotify       free_result,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  LodeVenuePrivate *priv;
  g_autofree char *url = NULL;

  g_return_if_fail (LODE_IS_VENUE (self));
  g_return_if_fail (path != NULL);

  priv = lode_venue_get_instance_private (self);
  url = g_strconcat (priv->base_url, path, query != NULL ? "?" : "", query, NULL);
  lode_source_request_one (LODE_SOURCE (self), priv->http, url, post_json, call,
                           parse, free_result, cancellable, callback, user_data);
}
