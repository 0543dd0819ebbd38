/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Every venue parser on damaged copies of every fixture: cut at many
 * lengths and with bytes changed at random (seeded). Each call must
 * either give a value or set a LODE_SOURCE_ERROR, never both, never
 * crash. A poor man's fuzzer that runs in the normal suite. */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <string.h>

#include "lode-binance-parse.h"
#include "lode-bybit-parse.h"
#include "lode-hyperliquid-parse.h"
#include "lode-okx-parse.h"

#define N_CUTS      150
#define N_MUTATIONS 150

typedef gboolean (*Probe) (GBytes *body, GError **error);

static gboolean
probe_array (GArray  *array,
             GError **error)
{
  if (array != NULL)
    g_array_unref (array);
  return array != NULL;
}

static gboolean
probe_ptr_array (GPtrArray  *array,
                 GError    **error)
{
  if (array != NULL)
    g_ptr_array_unref (array);
  return array != NULL;
}

static gboolean
probe_depth (LodeDepth  *depth,
             GError    **error)
{
  lode_depth_free (depth);
  return depth != NULL;
}

static gboolean
binance_all (GBytes  *body,
             GError **error)
{
  LodePoint point;
  gboolean any = FALSE;
  GError *e = NULL;

  /* Each parser on its own; the first error is kept for the check. */
#define TRY(expr) \
  G_STMT_START { \
    gboolean ok_ = (expr); \
    g_assert_true (ok_ != (e != NULL)); \
    if (e != NULL) \
      g_assert_true (e->domain == LODE_SOURCE_ERROR); \
    any = any || ok_; \
    g_clear_error (&e); \
  } G_STMT_END

  TRY (probe_array (lode_binance_parse_klines (body, &e), &e));
  TRY (probe_array (lode_binance_parse_oi_history (body, &e), &e));
  TRY (lode_binance_parse_oi_current (body, &point, &e));
  TRY (probe_array (lode_binance_parse_ratio (body, &e), &e));
  TRY (probe_array (lode_binance_parse_funding (body, &e), &e));
  TRY (probe_depth (lode_binance_parse_depth (body, &e), &e));
  TRY (probe_ptr_array (lode_binance_parse_symbols (body, &e), &e));
  TRY (lode_binance_check (body, &e));

  return any;
}

static gboolean
bybit_all (GBytes  *body,
           GError **error)
{
  gboolean any = FALSE;
  GError *e = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *cursor2 = NULL;

  TRY (probe_array (lode_bybit_parse_klines (body, &e), &e));
  TRY (probe_array (lode_bybit_parse_open_interest (body, &cursor, &e), &e));
  TRY (probe_array (lode_bybit_parse_ratio (body, &cursor2, &e), &e));
  TRY (probe_array (lode_bybit_parse_funding (body, &e), &e));
  TRY (probe_depth (lode_bybit_parse_depth (body, &e), &e));
  TRY (probe_ptr_array (lode_bybit_parse_symbols (body, &e), &e));
  TRY (lode_bybit_check (body, &e));

  return any;
}

static gboolean
okx_all (GBytes  *body,
         GError **error)
{
  LodePoint point;
  gboolean any = FALSE;
  GError *e = NULL;

  TRY (probe_array (lode_okx_parse_candles (body, &e), &e));
  TRY (probe_array (lode_okx_parse_oi_history (body, &e), &e));
  TRY (lode_okx_parse_oi_current (body, &point, &e));
  TRY (probe_array (lode_okx_parse_ratio (body, &e), &e));
  TRY (probe_array (lode_okx_parse_funding (body, &e), &e));
  TRY (probe_depth (lode_okx_parse_depth (body, 0.01, &e), &e));
  TRY (probe_ptr_array (lode_okx_parse_symbols (body, &e), &e));
  TRY (lode_okx_check (body, &e));

  return any;
}

static gboolean
hyperliquid_all (GBytes  *body,
                 GError **error)
{
  LodeHyperliquidCtx ctx;
  gboolean any = FALSE;
  GError *e = NULL;

  TRY (probe_array (lode_hyperliquid_parse_candles (body, &e), &e));
  TRY (lode_hyperliquid_parse_asset_ctx (body, "BTC", &ctx, &e));
  TRY (probe_array (lode_hyperliquid_parse_funding (body, &e), &e));
  TRY (probe_depth (lode_hyperliquid_parse_depth (body, &e), &e));
  TRY (probe_ptr_array (lode_hyperliquid_parse_symbols (body, &e), &e));

  return any;
#undef TRY
}

static void
damage_fixtures (const char *venue,
                 Probe       probe)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "data", venue, NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260101);
  const char *name;
  guint n_files = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autofree char *contents = NULL;
      g_autoptr(GBytes) whole = NULL;
      gsize len;

      if (!g_str_has_suffix (name, ".json"))
        continue;
      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      n_files++;

      /* The fixture itself parses with at least one parser. */
      whole = g_bytes_new (contents, len);
      g_assert_true (probe (whole, NULL) || strstr (name, "error") != NULL
                     || strstr (name, "missing") != NULL || strstr (name, "short") != NULL
                     || strstr (name, "nan") != NULL);

      for (guint i = 0; i < N_CUTS; i++)
        {
          g_autoptr(GBytes) cut = g_bytes_new (contents, len * i / N_CUTS);

          probe (cut, NULL);
        }

      for (guint i = 0; i < N_MUTATIONS && len > 0; i++)
        {
          g_autofree char *copy = g_memdup2 (contents, len);
          g_autoptr(GBytes) mutated = NULL;
          static const char bytes[] = "\"{}[],:0123456789.-eE \\nul";

          for (guint k = 0; k < 3; k++)
            copy[g_rand_int_range (rand, 0, (gint32) len)] =
              g_rand_boolean (rand) ? bytes[g_rand_int_range (rand, 0, sizeof bytes - 1)]
                                    : (char) g_rand_int_range (rand, 0, 256);
          mutated = g_bytes_new_take (g_steal_pointer (&copy), len);
          probe (mutated, NULL);
        }
    }

  g_assert_cmpuint (n_files, >, 0);
}

static void
test_binance (void)
{
  damage_fixtures ("binance", binance_all);
}

static void
test_bybit (void)
{
  damage_fixtures ("bybit", bybit_all);
}

static void
test_okx (void)
{
  damage_fixtures ("okx", okx_all);
}

static void
test_hyperliquid (void)
{
  damage_fixtures ("hyperliquid", hyperliquid_all);
}

static void
test_second_value (void)
{
  /* Found by fuzz-binance and the other JSON targets: json-glib 1.6 parses
   * a second top-level value after the first and leaks the first one's
   * tree (LeakSanitizer). Such a body is malformed JSON: a PARSE error. */
  static const char *const bodies[] = {
    "2.00{\"lastUpdateId\":1,\"bids\":[[\"1\",\"1\"]],\"asks\":[]}",
    "[[1767225600000,\"1\",\"1\",\"1\",\"1\",\"1\"]] []",
    "{\"a\":\"}\\\"{\"} {}",
    "\"x\"[1]",
    "true {\"a\":[1]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GBytes) body = g_bytes_new_static (bodies[i], strlen (bodies[i]));
      g_autoptr(GError) error = NULL;
      g_autoptr(LodeDepth) depth = lode_binance_parse_depth (body, &error);
      g_autoptr(GArray) candles = NULL;

      g_assert_null (depth);
      g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE);
      g_clear_error (&error);
      candles = lode_binance_parse_klines (body, &error);
      g_assert_null (candles);
      g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE);
    }

  /* One value with blanks (and a BOM) around it still parses. */
  {
    static const char one[] =
      "\xef\xbb\xbf \n[[1767225600000,\"1\",\"1\",\"1\",\"1\",\"1\"]]\r\n ";
    g_autoptr(GBytes) body = g_bytes_new_static (one, sizeof one - 1);
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) candles = lode_binance_parse_klines (body, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (candles->len, ==, 1);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sources/parsers/damaged/binance", test_binance);
  g_test_add_func ("/sources/parsers/damaged/bybit", test_bybit);
  g_test_add_func ("/sources/parsers/damaged/okx", test_okx);
  g_test_add_func ("/sources/parsers/damaged/hyperliquid", test_hyperliquid);
  g_test_add_func ("/sources/parsers/malformed/second-value", test_second_value);

  return g_test_run ();
}
