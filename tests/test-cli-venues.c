/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "lode-file-source.h"
#include "lode-mock-exchange.h"

/* lodestone-cli on exchanges, against the loopback mock: the CLI runs in a
 * child process while this one serves the venue from its main loop. */

#define HOUR_MS G_GINT64_CONSTANT (3600000)

typedef struct
{
  gboolean done;
  int      status;
  char    *out;
  char    *err;
} Run;

static void
on_communicated (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (G_SUBPROCESS (object));
  run->done = TRUE;
}

static int
run_cli (const char * const *args,
         char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  Run run = { 0 };

  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_ptr_array_add (argv, (char *) CLI_PATH);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, on_communicated, &run);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);

  if (run.status != 0)
    g_test_message ("lodestone-cli exited with %d: %s", run.status, run.err);
  if (err != NULL)
    *err = g_steal_pointer (&run.err);
  g_free (run.out);
  g_free (run.err);

  return run.status;
}

/* A file in the test's own (isolated) cache dir. */
static char *
out_path (const char *name)
{
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_cache_dir (), 0700), ==, 0);

  return g_build_filename (g_get_user_cache_dir (), name, NULL);
}

static void
test_binance_series (void)
{
  g_autoptr(LodeMockExchange) mock = lode_mock_exchange_new (11);
  g_autofree char *url = lode_mock_exchange_get_base_url (mock, "binance");
  g_autofree char *out = out_path ("series.csv");
  const char *args[] = { "--source", "binance", "--base-url", url, "--symbol", "BTCUSDT",
                         "--interval", "1h", "--days", "5", "--export-series", out, NULL };
  g_autoptr(LodeMarket) market = NULL;
  g_autoptr(GError) error = NULL;
  const LodeCandle *candles;
  gsize n;

  g_assert_cmpint (run_cli (args, NULL), ==, 0);
  g_assert_cmpuint (lode_mock_exchange_get_hits (mock, "/binance/fapi/v1/klines"), >=, 1);

  /* The aligned series the model consumed: 5 days of hourly candles,
   * as the venue serves them, with OI from the venue's history. */
  market = lode_file_source_load (out, &error);
  g_assert_no_error (error);
  candles = lode_market_get_candles (market);
  n = lode_market_get_n_candles (market);
  g_assert_cmpuint (n, >=, 119);
  g_assert_cmpuint (n, <=, 121);
  for (gsize i = 0; i < n; i++)
    {
      LodeCandle expected;

      lode_mock_exchange_candle (mock, candles[i].time_ms, HOUR_MS, &expected);
      g_assert_cmpfloat_with_epsilon (candles[i].high, expected.high, 1e-6);
      g_assert_cmpfloat_with_epsilon (candles[i].low, expected.low, 1e-6);
    }
  g_assert_false (isnan (candles[n / 2].oi_usd));
}

static void
test_okx_symbol_mapping (void)
{
  g_autoptr(LodeMockExchange) mock = lode_mock_exchange_new (12);
  g_autofree char *url = lode_mock_exchange_get_base_url (mock, "okx");
  g_autofree char *out = out_path ("levels.csv");
  const char *args[] = { "--source", "okx", "--base-url", url, "--symbol", "BTCUSDT",
                         "--interval", "1h", "--days", "3", "--export-levels", out, NULL };
  g_autofree char *text = NULL;

  /* BTCUSDT becomes BTC-USDT-SWAP on OKX. */
  g_assert_cmpint (run_cli (args, NULL), ==, 0);
  g_assert_cmpuint (lode_mock_exchange_get_hits (mock, "/okx/api/v5/market/history-candles")
                    + lode_mock_exchange_get_hits (mock, "/okx/api/v5/market/candles"), >=, 1);
  g_assert_true (g_file_get_contents (out, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "price,side,amount_usd,created_ms\n"));
  g_assert_nonnull (strstr (text, ",long,"));
  g_assert_nonnull (strstr (text, ",short,"));
}

static void
test_unreachable_venue (void)
{
  /* Port 9 on loopback: nothing listens (discard is never run in tests). */
  const char *args[] = { "--source", "bybit", "--base-url", "http://127.0.0.1:9",
                         "--interval", "1h", "--days", "2", NULL };
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (args, &err), ==, 1);
  g_assert_true (g_str_has_prefix (err, "lodestone-cli: "));
}

static void
test_bad_options (void)
{
  const char *symbol_on_demo[] = { "--symbol", "ETHUSDT", NULL };
  const char *unknown[] = { "--source", "kraken", NULL };
  g_autofree char *err1 = NULL;
  g_autofree char *err2 = NULL;

  g_assert_cmpint (run_cli (symbol_on_demo, &err1), ==, 2);
  g_assert_nonnull (strstr (err1, "--symbol"));
  g_assert_cmpint (run_cli (unknown, &err2), ==, 2);
  g_assert_nonnull (strstr (err2, "kraken"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/cli/venue/binance-series", test_binance_series);
  g_test_add_func ("/cli/venue/okx-symbol-mapping", test_okx_symbol_mapping);
  g_test_add_func ("/cli/venue/unreachable", test_unreachable_venue);
  g_test_add_func ("/cli/venue/bad-options", test_bad_options);

  return g_test_run ();
}
