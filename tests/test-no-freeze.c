/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <fcntl.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "lode-application.h"
#include "lode-window.h"

/* Issue #7, no freeze: the real window loads a year of one-minute candles
 * (the demo market, ~525 000 candles); while the model is rebuilt and the
 * heatmap rasterised, the user pans and zooms. The main loop must never
 * stall for MAX_STALL_US or more.
 *
 * A stall is measured three ways: the gap between two runs of a
 * high-priority 5 ms timeout (anything the main thread does in between
 * delays it), the wall time of each main-context iteration, and the CPU
 * time the main thread spends in one iteration.
 *
 * The wall times count the app's work, and the time the main thread
 * sleeps waiting for something (a lock, a reply of the X server), but
 * also the time it was ready to run and the kernel gave the CPU to
 * another process: on a shared machine (two cores here, other builds and
 * tests) that is tens of milliseconds at times, and says nothing about
 * the app. The kernel counts that wait per thread (the second field of
 * /proc/thread-self/schedstat, "time spent waiting on a runqueue"), so
 * each wall time is also taken without it, and the bound is asserted on
 * those: the CPU, and the wall-clock gaps less the run-queue waits (in
 * the best of up to MAX_ROUNDS rounds, see below). The raw wall times are
 * reported beside them. Where the kernel has no schedstat the raw wall
 * times are asserted. */

#define MAX_STALL_US   (50 * 1000)
#define TICK_MS        5

/* Under AddressSanitizer (or ThreadSanitizer) everything runs several
 * times slower: a year of minutes takes minutes to build, and drawing a
 * frame (every allocation unwinds its stack) takes most of 16 ms, so
 * that panning at 60 Hz would keep the main thread busy and the lowered
 * workers, which must yield to it, would never finish. A sanitizer build
 * exercises the same path on 30 days, panning ten times a second, in one
 * round, and reports its stalls without bounding them: the stall bound
 * is a figure of the optimised build. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define SANITIZED 1
#endif
#endif

#ifdef SANITIZED
#define N_DAYS         30
#define INPUT_EVERY_MS 100
#define MIN_INPUTS     20
#define MAX_ROUNDS     1
#define MAX_REBUILDS   200  /* 30 days rebuild in a fraction of a second */
#else
#define N_DAYS         365
#define INPUT_EVERY_MS 16   /* a pan or zoom per frame of a 60 Hz display */
#define MIN_INPUTS     100
#define MAX_ROUNDS     5
#define MAX_REBUILDS   12
#endif

typedef struct
{
  int    schedstat_fd;      /* the main thread's, or -1 */
  gint64 last_tick;
  gint64 last_tick_waited;
  gint64 last_tick_cpu;
  gint64 worst_gap_cpu;     /* of the gap of max_gap_own: CPU ... */
  gint64 worst_gap_waited;  /* ... and run-queue wait; the rest slept */
  gint64 max_gap;           /* raw wall time between two ticks */
  gint64 max_gap_own;       /* the same less the run-queue wait */
  gint64 max_iteration;     /* raw wall time of one iteration */
  gint64 max_iteration_own; /* the same less the run-queue wait */
  gint64 max_iteration_cpu;
  gint64 total_waited;      /* run-queue wait while measuring */
  guint  n_ticks;
  guint  n_inputs;
  guint  n_snapshots;
  guint  n_wanted;
} Probe;

static void
on_snapshot (LodeChartView *chart,
             GParamSpec    *pspec,
             Probe         *probe)
{
  probe->n_snapshots++;
}

static gint64
thread_cpu_time (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* Microseconds the calling thread has waited on a run queue: ready to
 * run, but another thread had the CPU. 0 without schedstat. */
static gint64
thread_run_queue_wait (Probe *probe)
{
  char buf[128];
  ssize_t n;
  guint64 run_ns, wait_ns;

  if (probe->schedstat_fd < 0)
    return 0;

  n = pread (probe->schedstat_fd, buf, sizeof buf - 1, 0);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  if (sscanf (buf, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &run_ns, &wait_ns) != 2)
    return 0;

  return (gint64) (wait_ns / 1000);
}

static gboolean
on_tick (gpointer data)
{
  Probe *probe = data;
  gint64 now = g_get_monotonic_time ();
  gint64 waited = thread_run_queue_wait (probe);
  gint64 cpu = thread_cpu_time ();

  if (probe->last_tick > 0)
    {
      gint64 own = now - probe->last_tick - (waited - probe->last_tick_waited);

      probe->max_gap = MAX (probe->max_gap, now - probe->last_tick);
      if (own > probe->max_gap_own)
        {
          probe->max_gap_own = own;
          probe->worst_gap_cpu = cpu - probe->last_tick_cpu;
          probe->worst_gap_waited = waited - probe->last_tick_waited;
        }
    }
  probe->last_tick = now;
  probe->last_tick_waited = waited;
  probe->last_tick_cpu = cpu;
  probe->n_ticks++;

  return G_SOURCE_CONTINUE;
}

/* Pans a few candles either way and zooms in and out, as a drag and a
 * wheel would, through the chart's own actions. */
static gboolean
on_input (gpointer data)
{
  LodeChartView *chart = data;
  Probe *probe = g_object_get_data (G_OBJECT (chart), "probe");
  guint step = probe->n_inputs++ % 8;

  if (step < 3)
    gtk_widget_activate_action (GTK_WIDGET (chart), "chart.pan", "(ii)", 3, 0);
  else if (step < 6)
    gtk_widget_activate_action (GTK_WIDGET (chart), "chart.pan", "(ii)", -3, 0);
  else if (step == 6)
    gtk_widget_activate_action (GTK_WIDGET (chart), "chart.zoom-in", NULL);
  else
    gtk_widget_activate_action (GTK_WIDGET (chart), "chart.zoom-out", NULL);

  return G_SOURCE_CONTINUE;
}

/* Iterates the default context, timing each iteration, until @done or
 * @timeout_s. */
static gboolean
run_until (Probe     *probe,
           gboolean (*done) (gpointer data),
           gpointer   data,
           guint      timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + timeout_s * G_USEC_PER_SEC;

  while ((done == NULL || !done (data)) && g_get_monotonic_time () < deadline)
    {
      gint64 start = g_get_monotonic_time ();
      gint64 start_cpu = thread_cpu_time ();
      gint64 start_waited = probe != NULL ? thread_run_queue_wait (probe) : 0;

      g_main_context_iteration (NULL, TRUE);
      if (probe != NULL)
        {
          gint64 wall = g_get_monotonic_time () - start;
          gint64 waited = thread_run_queue_wait (probe) - start_waited;

          probe->max_iteration = MAX (probe->max_iteration, wall);
          probe->max_iteration_own = MAX (probe->max_iteration_own, wall - waited);
          probe->max_iteration_cpu = MAX (probe->max_iteration_cpu, thread_cpu_time () - start_cpu);
          probe->total_waited += waited;
        }
    }

  return done == NULL || done (data);
}

static gboolean
chart_ready (gpointer data)
{
  LodeChartView *chart = data;

  return lode_chart_view_get_snapshot (chart) != NULL
         && gtk_widget_get_width (GTK_WIDGET (chart)) > 0
         && !lode_chart_view_get_rendering (chart);
}

/* The year's (N_DAYS') snapshot is on screen and its raster done. */
static gboolean
year_shown (gpointer data)
{
  LodeChartView *chart = data;
  LodeSnapshot *snapshot = lode_chart_view_get_snapshot (chart);

  return snapshot != NULL
         && lode_market_get_n_candles (lode_snapshot_get_market (snapshot)) >= N_DAYS * 1440
         && !lode_chart_view_get_rendering (chart);
}

static gboolean
rebuilt (gpointer data)
{
  Probe *probe = data;

  return probe->n_snapshots >= probe->n_wanted;
}

/* Clears the figures, not the main thread's counters. */
static void
probe_reset (Probe *probe)
{
  int fd = probe->schedstat_fd;

  *probe = (Probe) { .schedstat_fd = fd };
}

/* One round: at least three rebuilds of the year, and as many more (up
 * to MAX_REBUILDS) as it takes to measure over MIN_INPUTS pans and zooms
 * (a hundred): how many fit into one rebuild depends on how fast the
 * machine builds the year. */
static void
measure_round (LodeDataController *controller,
               LodeChartView      *chart,
               Probe              *probe,
               guint               round)
{
  guint n_rebuilds;

  g_signal_connect (chart, "notify::snapshot", G_CALLBACK (on_snapshot), probe);
  for (n_rebuilds = 0; n_rebuilds < 3 || (probe->n_inputs <= MIN_INPUTS && n_rebuilds < MAX_REBUILDS); n_rebuilds++)
    {
      double mmr;

      probe->n_wanted = n_rebuilds + 1;
      g_object_get (controller, "mmr", &mmr, NULL);
      g_object_set (controller, "mmr", mmr == 0.005 ? 0.004 : 0.005, NULL);
      g_assert_true (run_until (probe, rebuilt, probe, 60));
      g_assert_true (run_until (probe, year_shown, chart, 30));
    }
  g_signal_handlers_disconnect_by_func (chart, on_snapshot, probe);

  g_test_message ("round %u, longest main-loop stall: %.1f ms of main-thread CPU in one "
                  "iteration; wall, less the main thread's run-queue wait: %.1f ms between "
                  "5 ms ticks (%.1f ms of it on the CPU, %.1f ms waited for a CPU besides), "
                  "%.1f ms in one iteration; raw wall: %.1f ms between ticks, "
                  "%.1f ms in one iteration (%u ticks, %u pans and zooms, %u rebuilt "
                  "snapshots, %.0f ms waited for a CPU in all%s)",
                  round, probe->max_iteration_cpu / 1000.0,
                  probe->max_gap_own / 1000.0, probe->worst_gap_cpu / 1000.0,
                  probe->worst_gap_waited / 1000.0, probe->max_iteration_own / 1000.0,
                  probe->max_gap / 1000.0, probe->max_iteration / 1000.0,
                  probe->n_ticks, probe->n_inputs, probe->n_snapshots,
                  probe->total_waited / 1000.0,
                  probe->schedstat_fd < 0 ? "; no schedstat: the wall times are raw" : "");
  g_assert_cmpuint (probe->n_inputs, >, MIN_INPUTS);
  g_assert_cmpuint (probe->n_snapshots, ==, n_rebuilds);
}

static void
test_pan_during_year_rebuild (void)
{
  g_autoptr(LodeApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  LodeWindow *window;
  LodeChartView *chart;
  LodeDataController *controller;
  Probe probe = { .schedstat_fd = -1 };
  guint tick_id, input_id;
  guint round;
  gint64 started;
  gint64 max_cpu = 0;
  gint64 best_wall = G_MAXINT64;

  app = lode_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));

  window = LODE_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  chart = lode_window_get_chart_view (window);
  controller = lode_window_get_controller (window);
  g_assert_true (run_until (NULL, chart_ready, chart, 30));

  /* The main thread's own counters: this is the main thread. */
  probe.schedstat_fd = g_open ("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC, 0);
  g_object_set_data (G_OBJECT (chart), "probe", &probe);
  tick_id = g_timeout_add_full (G_PRIORITY_HIGH, TICK_MS, on_tick, &probe, NULL);
  input_id = g_timeout_add (INPUT_EVERY_MS, on_input, chart);

  /* A year of one-minute candles, asked for as a user would switch. */
  started = g_get_monotonic_time ();
  g_object_set (controller, "demo-days", N_DAYS, "interval", "1m", NULL);
  g_assert_true (run_until (&probe, year_shown, chart, 90));
  g_test_message ("%d days of 1m candles (%zu) built and shown in %.1f s", N_DAYS,
                  lode_market_get_n_candles (lode_snapshot_get_market (lode_chart_view_get_snapshot (chart))),
                  (g_get_monotonic_time () - started) / 1e6);

  /* Then panning over the big market itself while its model is rebuilt
   * again and again (a model parameter changes: the market is kept, the
   * levels of all its candles are computed anew), in rounds. The CPU
   * bound holds in every round. A wall-clock stall the app causes comes
   * back in every round, as every round does the same; the neighbours'
   * load comes and goes, and still reaches the main thread through the
   * X server it waits for (Xvfb renders in software, on the same two
   * cores: a frame's reply can take 40 ms when they are busy): a round
   * over the bound is measured again, up to MAX_ROUNDS, and every round
   * is reported. */
  for (round = 1; round <= MAX_ROUNDS; round++)
    {
      measure_round (controller, chart, &probe, round);
      max_cpu = MAX (max_cpu, probe.max_iteration_cpu);
      best_wall = MIN (best_wall, MAX (probe.max_gap_own, probe.max_iteration_own));
      if (best_wall < MAX_STALL_US)
        break;
      /* The first round also counted the year's first build. */
      probe_reset (&probe);
    }

  g_source_remove (input_id);
  g_source_remove (tick_id);

  g_test_message ("longest stall: %.1f ms of main-thread CPU over all rounds, %.1f ms of wall "
                  "less run-queue wait in the best round (bound: %d ms)",
                  max_cpu / 1000.0, best_wall / 1000.0, MAX_STALL_US / 1000);
#ifdef SANITIZED
  g_test_message ("sanitizer build: %d days instead of a year, and the %d ms bound is not asserted",
                  N_DAYS, MAX_STALL_US / 1000);
#else
  g_assert_cmpint (max_cpu, <, MAX_STALL_US);
  g_assert_cmpint (best_wall, <, MAX_STALL_US);
#endif

  if (probe.schedstat_fd >= 0)
    close (probe.schedstat_fd);
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  /* Under Xvfb the GL renderer is llvmpipe: two threads rasterise every
   * frame on the CPU, on the cores the model and raster workers need, and
   * the main thread waits for them in the swap — a figure of the machine,
   * not of the app (97 ms per frame here, with no GPU). The cairo renderer
   * paints on the main thread itself, so every cost of the app's drawing
   * counts in the stall measured. GSK_RENDERER from outside wins. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);

  if (!gtk_init_check ())
    {
      g_printerr ("No display: skipping the UI tests\n");
      return 77;
    }

  g_test_add_func ("/ui/no-freeze/pan-during-year-rebuild", test_pan_during_year_rebuild);

  return g_test_run ();
}
