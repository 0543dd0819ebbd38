/* SPDX-License-Identifier: GPL-3.0-or-later */

/* lode-soak: issue #7, memory. The real LodeDataController runs against
 * the loopback mocks of tests/ (REST: lode-mock-exchange, websockets:
 * lode-mock-ws) with live streams pushing all the time: Binance and
 * Bybit liquidations (about 300 messages a second in all), Binance
 * one-minute candles (10 a second), a refresh of the market (REST fetch
 * and model rebuild) every 30 s and a dropped websocket every 45 s,
 * which the streams reconnect. RSS (/proc/self/statm) is sampled every
 * 10 s; the last line of the output is one JSON object:
 *
 *   {"seconds", "rss_start_mb" (after the warm-up), "rss_end_mb",
 *    "rss_max_mb", "rss_growth_mb_per_min" (least squares over the
 *    samples after the warm-up), "messages_sent", "messages_handled",
 *    "prints_published", "live_candles", "snapshots", "reconnects"}
 *
 * Usage: lode-soak [SECONDS]   (default 600; the warm-up is 60 s, or a
 * fifth of a shorter run). Not part of the test suite: it takes minutes. */

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lode-data-controller.h"
#include "lode-mock-exchange.h"
#include "lode-mock-ws.h"

#define MINUTE_MS        60000
#define SAMPLE_EVERY_S   10
#define WARMUP_S         60
#define PUSH_EVERY_MS    10   /* two Binance and one Bybit message */
#define CANDLE_EVERY     10   /* pushes: a candle update every 100 ms */
#define REFRESH_S        30
#define DROP_EVERY_S     45

typedef struct
{
  gint64 t_us;   /* since the start */
  double rss_mb;
} Sample;

typedef struct
{
  LodeDataController *controller;
  LodeMockExchange   *mock;
  LodeMockWs         *ws;
  gint64              started;
  guint               n_pushes;
  guint64             sent;
  guint64             handled;    /* delivered to a subscribed connection */
  guint64             prints_published;
  guint64             live_candles;
  guint64             snapshots;
  guint               reconnects;
  GArray             *samples;    /* Sample */
} Soak;

static double
rss_mb (void)
{
  g_autofree char *statm = NULL;
  unsigned long size, resident;

  if (!g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL)
      || sscanf (statm, "%lu %lu", &size, &resident) != 2)
    return -1.0;

  return (double) resident * (double) sysconf (_SC_PAGESIZE) / (1024.0 * 1024.0);
}

static void
push_candle (Soak *soak)
{
  LodeSnapshot *snapshot = lode_data_controller_get_snapshot (soak->controller);
  LodeMarket *market;
  const LodeCandle *last;
  LodeMockWsCandle candle = { 0 };
  g_autofree char *open = NULL;
  g_autofree char *high = NULL;
  g_autofree char *low = NULL;
  g_autofree char *close = NULL;
  double price;

  if (snapshot == NULL)
    return;

  /* The open candle moves: the controller takes an update of the market's
   * last candle. */
  market = lode_snapshot_get_market (snapshot);
  last = lode_market_get_candle (market, lode_market_get_n_candles (market) - 1);
  price = last->close * (1.0 + 0.001 * ((soak->n_pushes / CANDLE_EVERY) % 21 - 10) / 10.0);
  open = g_strdup_printf ("%.2f", last->open);
  high = g_strdup_printf ("%.2f", MAX (MAX (last->high, last->open), price));
  low = g_strdup_printf ("%.2f", MIN (MIN (last->low, last->open), price));
  close = g_strdup_printf ("%.2f", price);
  candle.time_ms = last->time_ms;
  candle.open = open;
  candle.high = high;
  candle.low = low;
  candle.close = close;
  candle.volume = "12.5";

  soak->sent++;
  if (lode_mock_ws_push_candle (soak->ws, "binance", "BTCUSDT", "1m", MINUTE_MS, &candle) > 0)
    soak->handled++;
}

static gboolean
on_push (gpointer data)
{
  Soak *soak = data;
  gint64 now_ms = g_get_real_time () / 1000;
  guint n = soak->n_pushes++;

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *event = g_strdup_printf ("{\"e\":\"forceOrder\",\"E\":%" G_GINT64_FORMAT ",\"o\":{"
                                                "\"s\":\"BTCUSDT\",\"S\":\"%s\",\"o\":\"LIMIT\",\"f\":\"IOC\","
                                                "\"q\":\"0.01\",\"p\":\"%.1f\",\"ap\":\"%.1f\",\"X\":\"FILLED\","
                                                "\"l\":\"0.01\",\"z\":\"0.01\",\"T\":%" G_GINT64_FORMAT "}}",
                                                now_ms, (n + i) % 2 ? "SELL" : "BUY",
                                                94000.0 + (n % 1000), 94000.0 + (n % 1000), now_ms);

      soak->sent++;
      if (lode_mock_ws_push_binance (soak->ws, "BTCUSDT", event) > 0)
        soak->handled++;
    }

  {
    g_autofree char *frame = g_strdup_printf ("{\"topic\":\"allLiquidation.BTCUSDT\",\"type\":\"snapshot\","
                                              "\"ts\":%" G_GINT64_FORMAT ",\"data\":[{\"T\":%" G_GINT64_FORMAT ","
                                              "\"s\":\"BTCUSDT\",\"S\":\"%s\",\"v\":\"0.02\",\"p\":\"%.1f\"}]}",
                                              now_ms, now_ms, n % 2 ? "Buy" : "Sell", 96000.0 - (n % 1000));

    soak->sent++;
    if (lode_mock_ws_push_bybit (soak->ws, "allLiquidation.BTCUSDT", frame) > 0)
      soak->handled++;
  }

  if (n % CANDLE_EVERY == 0)
    push_candle (soak);

  return G_SOURCE_CONTINUE;
}

/* A connection cut mid-stream, Binance and Bybit in turn: the streams
 * reconnect with their back-off. */
static gboolean
on_drop (gpointer data)
{
  Soak *soak = data;

  lode_mock_ws_drop (soak->ws, soak->reconnects % 2 == 0 ? "binance" : "bybit");
  soak->reconnects++;

  return G_SOURCE_CONTINUE;
}

static gboolean
on_sample (gpointer data)
{
  Soak *soak = data;
  Sample sample = { g_get_monotonic_time () - soak->started, rss_mb () };

  g_array_append_val (soak->samples, sample);
  g_print ("%4.0f s  RSS %7.1f MB  messages %" G_GUINT64_FORMAT " sent, %" G_GUINT64_FORMAT
           " handled  snapshots %" G_GUINT64_FORMAT "\n",
           sample.t_us / 1e6, sample.rss_mb, soak->sent, soak->handled, soak->snapshots);
  /* Progress shows as it comes when the output goes to a file. */
  fflush (stdout);

  return G_SOURCE_CONTINUE;
}

static void
on_prints (Soak *soak)
{
  soak->prints_published++;
}

static void
on_live_candle (Soak *soak)
{
  soak->live_candles++;
}

static void
on_snapshot (Soak *soak)
{
  soak->snapshots++;
}

/* Least-squares slope of RSS over time, in MB per minute, of the samples
 * from @from_us on. */
static double
growth_per_minute (GArray *samples,
                   gint64  from_us)
{
  double n = 0, st = 0, sr = 0, stt = 0, str = 0;

  for (guint i = 0; i < samples->len; i++)
    {
      const Sample *s = &g_array_index (samples, Sample, i);
      double t = s->t_us / 60e6;

      if (s->t_us < from_us)
        continue;
      n++;
      st += t;
      sr += s->rss_mb;
      stt += t * t;
      str += t * s->rss_mb;
    }

  if (n < 2 || n * stt - st * st == 0)
    return 0.0;

  return (n * str - st * sr) / (n * stt - st * st);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  static const char * const merged[] = { "bybit", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *cache_dir = NULL;
  g_autofree char *store_path = NULL;
  Soak soak = { 0 };
  guint seconds = 600;
  gint64 warmup_us, deadline;
  guint push_id, drop_id, sample_id;
  double start_mb = -1, end_mb = -1, max_mb = -1;

  if (argc > 1)
    {
      guint64 value;

      if (!g_ascii_string_to_unsigned (argv[1], 10, 1, G_MAXUINT / 1000, &value, &error))
        {
          g_printerr ("Usage: %s [SECONDS]: %s\n", argv[0], error->message);
          return EXIT_FAILURE;
        }
      seconds = (guint) value;
    }
  warmup_us = (gint64) MIN (WARMUP_S, seconds / 5) * G_USEC_PER_SEC;

  /* The history store in a directory of its own, removed at the end. */
  cache_dir = g_dir_make_tmp ("lode-soak-XXXXXX", &error);
  if (cache_dir == NULL)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }
  store_path = g_build_filename (cache_dir, "history.sqlite3", NULL);

  soak.samples = g_array_new (FALSE, FALSE, sizeof (Sample));
  soak.mock = lode_mock_exchange_new (7);
  soak.ws = lode_mock_ws_new ();
  soak.controller = lode_data_controller_new_with_store (store_path);
  for (guint i = 0; i < 4; i++)
    {
      const char *venues[] = { "binance", "bybit", "okx", "hyperliquid" };
      g_autofree char *url = lode_mock_exchange_get_base_url (soak.mock, venues[i]);

      lode_data_controller_set_base_url (soak.controller, venues[i], url);
    }
  for (guint i = 0; i < 2; i++)
    {
      const char *venues[] = { "binance", "bybit" };
      g_autofree char *url = lode_mock_ws_get_url (soak.ws, venues[i]);

      lode_data_controller_set_stream_url (soak.controller, venues[i], url);
    }
  g_signal_connect_swapped (soak.controller, "notify::prints", G_CALLBACK (on_prints), &soak);
  g_signal_connect_swapped (soak.controller, "notify::live-candle", G_CALLBACK (on_live_candle), &soak);
  g_signal_connect_swapped (soak.controller, "notify::snapshot", G_CALLBACK (on_snapshot), &soak);
  g_object_set (soak.controller,
                "refresh-interval", REFRESH_S,
                "interval", "1m",
                "symbol", "BTCUSDT",
                "merge-venues", merged,
                "source", "binance",
                NULL);

  soak.started = g_get_monotonic_time ();
  deadline = soak.started + (gint64) seconds * G_USEC_PER_SEC;
  push_id = g_timeout_add (PUSH_EVERY_MS, on_push, &soak);
  drop_id = g_timeout_add_seconds (DROP_EVERY_S, on_drop, &soak);
  sample_id = g_timeout_add_seconds (SAMPLE_EVERY_S, on_sample, &soak);
  on_sample (&soak);

  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (push_id);
  g_source_remove (drop_id);
  g_source_remove (sample_id);
  on_sample (&soak);

  for (guint i = 0; i < soak.samples->len; i++)
    {
      const Sample *s = &g_array_index (soak.samples, Sample, i);

      if (s->t_us < warmup_us)
        continue;
      if (start_mb < 0)
        start_mb = s->rss_mb;
      end_mb = s->rss_mb;
      max_mb = MAX (max_mb, s->rss_mb);
    }

  if (lode_data_controller_get_error (soak.controller) != NULL)
    g_printerr ("controller error at the end: %s\n", lode_data_controller_get_error (soak.controller));

  g_print ("{\"seconds\": %u, \"warmup_s\": %.0f, \"rss_start_mb\": %.1f, \"rss_end_mb\": %.1f, "
           "\"rss_max_mb\": %.1f, \"rss_growth_mb_per_min\": %.3f, \"messages_sent\": %" G_GUINT64_FORMAT ", "
           "\"messages_handled\": %" G_GUINT64_FORMAT ", \"prints_published\": %" G_GUINT64_FORMAT ", "
           "\"live_candles\": %" G_GUINT64_FORMAT ", \"snapshots\": %" G_GUINT64_FORMAT ", "
           "\"reconnects\": %u}\n",
           seconds, warmup_us / 1e6, start_mb, end_mb, max_mb,
           growth_per_minute (soak.samples, warmup_us),
           soak.sent, soak.handled, soak.prints_published, soak.live_candles, soak.snapshots,
           soak.reconnects);

  g_signal_handlers_disconnect_by_data (soak.controller, &soak);
  g_clear_object (&soak.controller);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  lode_mock_ws_free (soak.ws);
  lode_mock_exchange_free (soak.mock);
  g_array_unref (soak.samples);
  remove_tree (cache_dir);

  return EXIT_SUCCESS;
}
