/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lode-http.h"
#include "lode-snapshot.h"

G_BEGIN_DECLS

#define LODE_TYPE_DATA_CONTROLLER (lode_data_controller_get_type ())

G_DECLARE_FINAL_TYPE (LodeDataController, lode_data_controller, LODE, DATA_CONTROLLER, GObject)

/* Sits between the sources and the UI. It loads the market of the chosen
 * source — the demo, a CSV file, or exchanges through the history store —
 * rebuilds the model in a worker thread whenever an input changes (a newer
 * request cancels an older one), refreshes live sources periodically, and
 * publishes each result as an immutable LodeSnapshot through the
 * "snapshot" property on the main thread. A failure sets "error" and keeps
 * the last good snapshot.
 *
 * Inputs (writable, so they bind to GSettings):
 *   source          "demo", "file", or a venue: "binance" "bybit" "okx" "hyperliquid"
 *   file            path of the CSV file for source "file"
 *   symbol          the asset as the primary venue names it ("BTCUSDT"); other
 *                   venues get theirs from its base asset (BTC → BTC-USDT-SWAP …)
 *   merge-venues    further venues whose levels merge with the primary's (§9)
 *   interval        "1m" "5m" "15m" "1h" "4h" "1d"
 *   tiers, mmr, lookback   the model's parameters (§2)
 *   refresh-interval seconds between refreshes of live sources; 0 = never
 *   demo-days       the demo market's length in days; 0 = chosen from the
 *                   interval (about 30 days, more for coarse intervals)
 *   store-path      the history store's file; NULL = the default in the user
 *                   cache dir, "" = no store (construct-only)
 * Outputs (read-only):
 *   snapshot        the latest result, or NULL
 *   loading         TRUE while work is under way
 *   progress        fraction of the pages of a history load, or -1 when unknown
 *   progress-text   e.g. "Page 3 of 12"
 *   updated         when the last load succeeded (ms since the epoch), or 0
 *   error           what failed last, or NULL when the last load worked
 *   notice          something to tell once (e.g. the store was rebuilt)
 *   source-label    "Demo market (simulated)", a file name, "Binance + OKX" …
 *   book            the merged order books of the venues shown (LodeBook), polled
 *                   with every load; NULL for the demo, files, or when no venue gave one
 *   confluence      GArray of LodeConfluenceZone: depth walls at bright clusters
 *   prints          GArray of LodeLiqPrint: live liquidation prints of the venues
 *                   shown (websockets), with those stored for the market's range
 *   stream-state    "Binance: live · Bybit: reconnecting", or NULL without streams
 *   live-candle     (LodeCandle) the primary venue's candle as its stream builds
 *                   it: the last candle or the next one; NULL when none
 * Confluence thresholds (writable): confluence-wall-multiple (a wall is a row
 * of ≥ this × the median row), confluence-cluster-share (a bright cluster
 * holds ≥ this share of the live notional).
 */
LodeDataController *lode_data_controller_new              (void);
LodeDataController *lode_data_controller_new_with_store   (const char         *store_path);
LodeSnapshot       *lode_data_controller_get_snapshot     (LodeDataController *self);
gboolean            lode_data_controller_get_loading      (LodeDataController *self);
const char         *lode_data_controller_get_error        (LodeDataController *self);
const char         *lode_data_controller_get_source_label (LodeDataController *self);
gint64              lode_data_controller_get_updated      (LodeDataController *self);
/* Switches to the CSV file at @path (source "file"). */
void                lode_data_controller_open_file        (LodeDataController *self,
                                                           const char         *path);
/* Loads the market again and rebuilds, even if no input changed. */
void                lode_data_controller_reload           (LodeDataController *self);
/* Where a venue's REST API is (tests and mirrors); NULL = the real one. */
void                lode_data_controller_set_base_url     (LodeDataController *self,
                                                           const char         *venue,
                                                           const char         *base_url);
/* The perpetual symbols @venue lists (GPtrArray of LodeSymbolInfo), for a
 * searchable picker. */
void                lode_data_controller_list_symbols_async  (LodeDataController  *self,
                                                              const char          *venue,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
GPtrArray          *lode_data_controller_list_symbols_finish (LodeDataController  *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);
/* The history store's bound (bytes); older data is pruned past it. */
void                lode_data_controller_set_store_max_bytes (LodeDataController *self,
                                                              guint64             max_bytes);
/* Where a venue's public websocket is (tests and mirrors); NULL = the real one. */
void                lode_data_controller_set_stream_url   (LodeDataController *self,
                                                           const char         *venue,
                                                           const char         *url);
/* The HTTP session of the venues (its timeouts and retry policy). */
LodeHttp           *lode_data_controller_get_http         (LodeDataController *self);
/* The clock for live sources (tests); 0 = the real one. */
void                lode_data_controller_set_now          (LodeDataController *self,
                                                           gint64              now_ms);

/* The symbol @venue gives the asset of @symbol, a symbol of any venue:
 * BTCUSDT, BTC-USDT-SWAP and BTC all mean BTC. */
char               *lode_data_controller_map_symbol       (const char         *venue,
                                                           const char         *symbol);

G_END_DECLS
