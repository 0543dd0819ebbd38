/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Every public parser of Binance's REST replies (lode-binance-parse.h) on
 * the same body. */

#include "lode-binance-parse.h"
#include "lode-venue-json.h"
#include "fuzz-fatal-log.h"
#include "fuzz-rest-result.h"

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) body = g_bytes_new (data, size);
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;
  LodePoint point;
  gboolean ok;

  fuzz_check_array (lode_binance_parse_klines (body, &error), &error);
  fuzz_check_array (lode_binance_parse_oi_history (body, &error), &error);
  ok = lode_binance_parse_oi_current (body, &point, &error);
  fuzz_check_boolean (ok, &error);
  fuzz_check_array (lode_binance_parse_ratio (body, &error), &error);
  fuzz_check_array (lode_binance_parse_funding (body, &error), &error);
  fuzz_check_depth (lode_binance_parse_depth (body, &error), &error);
  fuzz_check_ptr_array (lode_binance_parse_symbols (body, &error), &error);
  ok = lode_binance_check (body, &error);
  fuzz_check_boolean (ok, &error);

  /* lode_binance_check_object () takes what a caller already parsed. */
  root = lode_json_parse_bytes (body, NULL);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      ok = lode_binance_check_object (json_node_get_object (root), &error);
      fuzz_check_boolean (ok, &error);
    }
  return 0;
}
