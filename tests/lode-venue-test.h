/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lode-source.h"
#include "lode-mock-exchange.h"

G_BEGIN_DECLS

/* What the venue adapter tests share: a LodeSource for one venue on the
 * loopback mock exchange, its LodeHttp with a short timeout and fast
 * retries, and the progress the last fetch reported. */
typedef struct
{
  LodeMockExchange *mock;
  LodeHttp         *http;
  LodeSource       *source;
  const char       *symbol;              /* the venue's BTC perpetual */
  gint64            now_ms;              /* the mock's clock */
  guint             progress_calls;
  guint             last_done;
  guint             last_expected;
  GCancellable     *cancel_on_progress;  /* cancelled by the first progress call */
} LodeVenueFixture;

void          lode_venue_fixture_setup            (LodeVenueFixture  *f,
                                                   guint64            seed,
                                                   const char        *venue_id,
                                                   const char        *symbol);
void          lode_venue_fixture_teardown         (LodeVenueFixture  *f,
                                                   gconstpointer      data);

/* tests/data/@venue_id/@name; fails the test when it cannot be read. */
GBytes       *lode_venue_test_load_fixture        (const char        *venue_id,
                                                   const char        *name);

/* A GAsyncReadyCallback that stores a reference to the result in the
 * GAsyncResult * at @slot; lode_venue_test_wait () iterates the default
 * main context until it is there and returns it (still owned by @slot). */
void          lode_venue_test_on_result           (GObject           *object,
                                                   GAsyncResult      *result,
                                                   gpointer           slot);
GAsyncResult *lode_venue_test_wait                (GAsyncResult     **slot);

/* A LodeSourceProgress whose data is the fixture: asserts that the pages
 * done only grow, and records them. */
void          lode_venue_test_on_progress         (guint              done,
                                                   guint              expected,
                                                   gpointer           fixture);

/* Fetches of f->symbol (candles) or @symbol (market) that report progress
 * to the fixture, from last_done = 0, waited for. */
GArray       *lode_venue_fixture_fetch_candles    (LodeVenueFixture  *f,
                                                   gint64             interval_ms,
                                                   gint64             start_ms,
                                                   gint64             end_ms,
                                                   GCancellable      *cancellable,
                                                   GError           **error);
LodeMarket   *lode_venue_fixture_fetch_market     (LodeVenueFixture  *f,
                                                   const char        *symbol,
                                                   gint64             interval_ms,
                                                   gint64             start_ms,
                                                   gint64             end_ms,
                                                   GCancellable      *cancellable,
                                                   GError           **error);
GArray       *lode_venue_fixture_fetch_funding    (LodeVenueFixture  *f,
                                                   const LodeSourceQuery *query,
                                                   GError           **error);
LodeDepth    *lode_venue_fixture_fetch_depth      (LodeVenueFixture  *f,
                                                   const char        *symbol,
                                                   GError           **error);
GPtrArray    *lode_venue_fixture_list_symbols     (LodeVenueFixture  *f,
                                                   GError           **error);

/* Each of @n candles equals the mock's, from @start_ms on. */
void          lode_venue_fixture_assert_candles   (LodeVenueFixture  *f,
                                                   const LodeCandle  *candles,
                                                   gsize              n,
                                                   gint64             start_ms,
                                                   gint64             interval_ms);
/* @n one-minute candles up to an hour before the mock's hour come in
 * @n_pages requests of @path, equal to the mock's, the progress ending
 * at @n_pages. */
void          lode_venue_fixture_assert_minute_paging (LodeVenueFixture *f,
                                                       guint             n,
                                                       const char       *path,
                                                       guint             n_pages);
/* With @fault on the next @n_faults requests of @path, @n one-minute
 * candles up to the mock's hour still come, after @n_faults + 1 requests. */
void          lode_venue_fixture_assert_recovers  (LodeVenueFixture    *f,
                                                   const char          *path,
                                                   const LodeMockFault *fault,
                                                   guint                n_faults,
                                                   guint                n);
/* The source says @id and @label, and a second one made without a base
 * URL has @default_base_url. */
void          lode_venue_fixture_assert_identity  (LodeVenueFixture  *f,
                                                   const char        *id,
                                                   const char        *label,
                                                   const char        *default_base_url);
/* @c has exactly these fields. */
void          lode_venue_test_assert_candle       (const LodeCandle  *c,
                                                   gint64             time_ms,
                                                   double             open,
                                                   double             high,
                                                   double             low,
                                                   double             close,
                                                   double             volume);
/* @n_levels a side, the best bid below the best ask. */
void          lode_venue_test_assert_depth        (const LodeDepth   *depth,
                                                   guint              n_levels);
/* A malformed or truncated reply on any of @paths fails an hourly market
 * fetch of f->symbol over the last @span_ms with a PARSE error. */
void          lode_venue_fixture_assert_bad_bodies (LodeVenueFixture  *f,
                                                    gint64             span_ms,
                                                    const char *const *paths,
                                                    guint              n_paths);

G_END_DECLS
