/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Every public parser of OKX's REST replies (lode-okx-parse.h) on the same
 * body. */

#include "lode-okx-parse.h"
#include "fuzz-fatal-log.h"
#include "fuzz-rest-result.h"

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) body = g_bytes_new (data, size);
  GError *error = NULL;
  LodePoint point;
  gboolean ok;

  ok = lode_okx_check (body, &error);
  fuzz_check_boolean (ok, &error);
  fuzz_check_array (lode_okx_parse_candles (body, &error), &error);
  fuzz_check_array (lode_okx_parse_oi_history (body, &error), &error);
  ok = lode_okx_parse_oi_current (body, &point, &error);
  fuzz_check_boolean (ok, &error);
  fuzz_check_array (lode_okx_parse_ratio (body, &error), &error);
  fuzz_check_array (lode_okx_parse_funding (body, &error), &error);
  /* BTC-USDT-SWAP's contract value. */
  fuzz_check_depth (lode_okx_parse_depth (body, 0.01, &error), &error);
  fuzz_check_ptr_array (lode_okx_parse_symbols (body, &error), &error);
  return 0;
}
