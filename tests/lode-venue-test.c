/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include "lode-venue-test.h"

#define MINUTE_MS G_GINT64_CONSTANT (60000)
#define HOUR_MS   (60 * MINUTE_MS)

void
lode_venue_fixture_setup (LodeVenueFixture *f,
                          guint64           seed,
                          const char       *venue_id,
                          const char       *symbol)
{
  g_autofree char *base = NULL;

  f->mock = lode_mock_exchange_new (seed);
  f->now_ms = lode_mock_exchange_get_now_ms (f->mock);
  f->symbol = symbol;
  f->http = lode_http_new ();
  lode_http_set_timeout_ms (f->http, 1000);
  lode_http_set_retry_policy (f->http, 3, 10, 50, 5000);
  base = lode_mock_exchange_get_base_url (f->mock, venue_id);
  f->source = lode_source_new_for_id (venue_id, f->http, base);
  g_assert_nonnull (f->source);
}

void
lode_venue_fixture_teardown (LodeVenueFixture *f,
                             gconstpointer     data)
{
  g_clear_object (&f->source);
  g_clear_object (&f->http);
  g_clear_object (&f->cancel_on_progress);
  g_clear_pointer (&f->mock, lode_mock_exchange_free);
}

GBytes *
lode_venue_test_load_fixture (const char *venue_id,
                              const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", venue_id, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents;
  gsize len;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (contents, len);
}

void
lode_venue_test_on_result (GObject      *object,
                           GAsyncResult *result,
                           gpointer      slot)
{
  *(GAsyncResult **) slot = g_object_ref (result);
}

GAsyncResult *
lode_venue_test_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

void
lode_venue_test_on_progress (guint    done,
                             guint    expected,
                             gpointer fixture)
{
  LodeVenueFixture *f = fixture;

  f->progress_calls++;
  g_assert_cmpuint (done, >, f->last_done);
  f->last_done = done;
  f->last_expected = expected;
  if (f->cancel_on_progress != NULL)
    g_cancellable_cancel (f->cancel_on_progress);
}

GArray *
lode_venue_fixture_fetch_candles (LodeVenueFixture  *f,
                                  gint64             interval_ms,
                                  gint64             start_ms,
                                  gint64             end_ms,
                                  GCancellable      *cancellable,
                                  GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  LodeSourceQuery query = {
    .symbol = f->symbol,
    .interval_ms = interval_ms,
    .start_ms = start_ms,
    .end_ms = end_ms,
    .progress = lode_venue_test_on_progress,
    .progress_data = f,
  };

  f->last_done = 0;
  lode_source_fetch_candles_async (f->source, &query, cancellable, lode_venue_test_on_result,
                                   &result);
  return lode_source_fetch_candles_finish (f->source, lode_venue_test_wait (&result), error);
}

LodeMarket *
lode_venue_fixture_fetch_market (LodeVenueFixture  *f,
                                 const char        *symbol,
                                 gint64             interval_ms,
                                 gint64             start_ms,
                                 gint64             end_ms,
                                 GCancellable      *cancellable,
                                 GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  f->last_done = 0;
  lode_source_fetch_market_async (f->source, symbol, interval_ms, start_ms, end_ms,
                                  lode_venue_test_on_progress, f, cancellable,
                                  lode_venue_test_on_result, &result);
  return lode_source_fetch_market_finish (f->source, lode_venue_test_wait (&result), error);
}

GArray *
lode_venue_fixture_fetch_funding (LodeVenueFixture       *f,
                                  const LodeSourceQuery  *query,
                                  GError                **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lode_source_fetch_funding_async (f->source, query, NULL, lode_venue_test_on_result, &result);
  return lode_source_fetch_funding_finish (f->source, lode_venue_test_wait (&result), error);
}

LodeDepth *
lode_venue_fixture_fetch_depth (LodeVenueFixture  *f,
                                const char        *symbol,
                                GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lode_source_fetch_depth_async (f->source, symbol, NULL, lode_venue_test_on_result, &result);
  return lode_source_fetch_depth_finish (f->source, lode_venue_test_wait (&result), error);
}

GPtrArray *
lode_venue_fixture_list_symbols (LodeVenueFixture  *f,
                                 GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lode_source_list_symbols_async (f->source, NULL, lode_venue_test_on_result, &result);
  return lode_source_list_symbols_finish (f->source, lode_venue_test_wait (&result), error);
}

void
lode_venue_fixture_assert_candles (LodeVenueFixture *f,
                                   const LodeCandle *candles,
                                   gsize             n,
                                   gint64            start_ms,
                                   gint64            interval_ms)
{
  for (gsize i = 0; i < n; i++)
    {
      LodeCandle expected;

      lode_mock_exchange_candle (f->mock, start_ms + (gint64) i * interval_ms, interval_ms, &expected);
      lode_venue_test_assert_candle (&candles[i], expected.time_ms, expected.open, expected.high,
                                     expected.low, expected.close, expected.volume);
    }
}

void
lode_venue_fixture_assert_minute_paging (LodeVenueFixture *f,
                                         guint             n,
                                         const char       *path,
                                         guint             n_pages)
{
  gint64 end = f->now_ms / HOUR_MS * HOUR_MS - HOUR_MS;
  gint64 start = end - n * MINUTE_MS;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) candles = lode_venue_fixture_fetch_candles (f, MINUTE_MS, start, end, NULL,
                                                                &error);

  g_assert_no_error (error);
  g_assert_cmpuint (candles->len, ==, n);
  lode_venue_fixture_assert_candles (f, (const LodeCandle *) (void *) candles->data, candles->len,
                                     start, MINUTE_MS);
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, path), ==, n_pages);
  g_assert_cmpuint (f->last_done, ==, n_pages);
}

void
lode_venue_fixture_assert_recovers (LodeVenueFixture    *f,
                                    const char          *path,
                                    const LodeMockFault *fault,
                                    guint                n_faults,
                                    guint                n)
{
  gint64 end = f->now_ms / HOUR_MS * HOUR_MS;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) candles = NULL;

  lode_mock_exchange_add_fault (f->mock, path, n_faults, fault);
  candles = lode_venue_fixture_fetch_candles (f, MINUTE_MS, end - n * MINUTE_MS, end, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (candles->len, ==, n);
  g_assert_cmpuint (lode_mock_exchange_get_hits (f->mock, path), ==, n_faults + 1);
}

void
lode_venue_fixture_assert_identity (LodeVenueFixture *f,
                                    const char       *id,
                                    const char       *label,
                                    const char       *default_base_url)
{
  g_autoptr(LodeSource) other = lode_source_new_for_id (id, f->http, NULL);
  g_autofree char *base = NULL;

  g_assert_cmpstr (lode_source_get_id (f->source), ==, id);
  g_assert_cmpstr (lode_source_get_label (f->source), ==, label);
  g_object_get (other, "base-url", &base, NULL);
  g_assert_cmpstr (base, ==, default_base_url);
}

void
lode_venue_test_assert_candle (const LodeCandle *c,
                               gint64            time_ms,
                               double            open,
                               double            high,
                               double            low,
                               double            close,
                               double            volume)
{
  g_assert_cmpint (c->time_ms, ==, time_ms);
  g_assert_cmpfloat (c->open, ==, open);
  g_assert_cmpfloat (c->high, ==, high);
  g_assert_cmpfloat (c->low, ==, low);
  g_assert_cmpfloat (c->close, ==, close);
  g_assert_cmpfloat (c->volume, ==, volume);
}

void
lode_venue_test_assert_depth (const LodeDepth *depth,
                              guint            n_levels)
{
  g_assert_cmpuint (depth->bids->len, ==, n_levels);
  g_assert_cmpuint (depth->asks->len, ==, n_levels);
  g_assert_cmpfloat (g_array_index (depth->bids, LodeDepthLevel, 0).price, <,
                     g_array_index (depth->asks, LodeDepthLevel, 0).price);
}

void
lode_venue_fixture_assert_bad_bodies (LodeVenueFixture  *f,
                                      gint64             span_ms,
                                      const char *const *paths,
                                      guint              n_paths)
{
  LodeMockFaultKind kinds[] = { LODE_MOCK_FAULT_MALFORMED, LODE_MOCK_FAULT_TRUNCATE };
  gint64 end = f->now_ms / HOUR_MS * HOUR_MS;

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    for (guint j = 0; j < n_paths; j++)
      {
        LodeMockFault fault = { .kind = kinds[i] };
        g_autoptr(GError) error = NULL;
        g_autoptr(LodeMarket) market = NULL;

        lode_mock_exchange_add_fault (f->mock, paths[j], 1, &fault);
        market = lode_venue_fixture_fetch_market (f, f->symbol, HOUR_MS, end - span_ms, end,
                                                  NULL, &error);
        g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE);
        g_assert_null (market);
      }
}
