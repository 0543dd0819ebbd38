/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Every public parser of Bybit's REST replies (lode-bybit-parse.h) on the
 * same body. */

#include "lode-bybit-parse.h"
#include "fuzz-fatal-log.h"
#include "fuzz-rest-result.h"

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) body = g_bytes_new (data, size);
  GError *error = NULL;
  char *cursor = NULL;
  GArray *array;
  gboolean ok;

  ok = lode_bybit_check (body, &error);
  fuzz_check_boolean (ok, &error);
  fuzz_check_array (lode_bybit_parse_klines (body, &error), &error);

  array = lode_bybit_parse_open_interest (body, &cursor, &error);
  g_clear_pointer (&cursor, g_free);
  fuzz_check_array (array, &error);
  array = lode_bybit_parse_ratio (body, &cursor, &error);
  g_clear_pointer (&cursor, g_free);
  fuzz_check_array (array, &error);

  fuzz_check_array (lode_bybit_parse_funding (body, &error), &error);
  fuzz_check_depth (lode_bybit_parse_depth (body, &error), &error);
  fuzz_check_ptr_array (lode_bybit_parse_symbols (body, &error), &error);
  return 0;
}
