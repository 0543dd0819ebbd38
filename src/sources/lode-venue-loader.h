/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lode-source.h"
#include "lode-store.h"

G_BEGIN_DECLS

/* Loads one venue's market for [start, end) through the history store:
 * what is stored is read first, only what is missing is fetched (candles,
 * open interest in USD, the long/short ratio), saved, and the market is
 * assembled from the store so that it reaches back beyond the venue's own
 * short windows (Binance serves 30 days of OI).
 *
 * @store may be NULL: then everything is fetched. When the network fails
 * but the store holds candles, the stored market is returned and *warning
 * says what failed; with nothing stored the failure is the error.
 * Progress is reported per page on the caller's main context. */
void        lode_venue_load_async  (LodeSource          *source,
                                    LodeStore           *store,
                                    const char          *symbol,
                                    gint64               interval_ms,
                                    gint64               start_ms,
                                    gint64               end_ms,
                                    LodeSourceProgress   progress,
                                    gpointer             progress_data,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
LodeMarket *lode_venue_load_finish (GAsyncResult        *result,
                                    char               **warning,
                                    GError             **error);

/* §1 alignment of stored or fetched series into a validated market:
 * OI points (USD) and ratio points (r) are step-held onto the candles. */
LodeMarket *lode_venue_assemble    (const GArray        *candles,
                                    gint64               interval_ms,
                                    const GArray        *oi,
                                    const GArray        *ratio,
                                    GError             **error);

G_END_DECLS
