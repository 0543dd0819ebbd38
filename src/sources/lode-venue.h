/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lode-source.h"

G_BEGIN_DECLS

#define LODE_TYPE_VENUE (lode_venue_get_type ())

G_DECLARE_DERIVABLE_TYPE (LodeVenue, lode_venue, LODE, VENUE, GObject)

/* The common part of the REST exchange adapters (LodeBinance, LodeBybit,
 * LodeOkx, LodeHyperliquid): an abstract LodeSource that holds the shared
 * LodeHttp ("http", construct-only, required) and the REST base
 * ("base-url", construct-only, without a trailing slash; NULL or empty =
 * the class's default_base_url). It answers get_id and get_label from the
 * class; a subclass implements LodeSource again for the fetches (GObject
 * starts its vtable from this one, so get_id and get_label stay), and
 * registers its rate limits on the LodeHttp in its constructed. */
struct _LodeVenueClass
{
  GObjectClass  parent_class;

  const char   *id;                /* lode_source_get_id () */
  const char   *label;             /* lode_source_get_label () */
  const char   *default_base_url;  /* "base-url" when none is given */

  /*< private >*/
  gpointer      padding[8];
};

LodeHttp   *lode_venue_get_http     (LodeVenue              *self);
const char *lode_venue_get_base_url (LodeVenue              *self);

/* A pager on this venue's LodeHttp and base URL whose requests are made
 * as @call says (see lode_pager_new ()). */
LodePager  *lode_venue_pager_new    (LodeVenue              *self,
                                     const LodeSourceQuery  *query,
                                     gboolean                is_candles,
                                     const LodeHttpCall     *call);

/* One request to the base URL + @path, + "?" @query when @query is not
 * NULL, POSTing @post_json when that is not NULL (else GET), whose reply
 * @parse turns into the task's value (see lode_source_request_one ()). */
void        lode_venue_request      (LodeVenue              *self,
                                     const char             *path,
                                     const char             *query,
                                     const char             *post_json,
                                     const LodeHttpCall     *call,
                                     LodeSourceParseFunc     parse,
                                     GDestroyNotify          free_result,
                                     GCancellable           *cancellable,
                                     GAsyncReadyCallback     callback,
                                     gpointer                user_data);

G_END_DECLS
