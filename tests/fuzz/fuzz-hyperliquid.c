/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Every public parser of Hyperliquid's /info replies
 * (lode-hyperliquid-parse.h) on the same body. */

#include "lode-hyperliquid-parse.h"
#include "fuzz-fatal-log.h"
#include "fuzz-rest-result.h"

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) body = g_bytes_new (data, size);
  GError *error = NULL;
  LodeHyperliquidCtx ctx;
  gboolean ok;

  fuzz_check_array (lode_hyperliquid_parse_candles (body, &error), &error);
  ok = lode_hyperliquid_parse_asset_ctx (body, "BTC", &ctx, &error);
  fuzz_check_boolean (ok, &error);
  fuzz_check_array (lode_hyperliquid_parse_funding (body, &error), &error);
  fuzz_check_depth (lode_hyperliquid_parse_depth (body, &error), &error);
  fuzz_check_ptr_array (lode_hyperliquid_parse_symbols (body, &error), &error);
  return 0;
}
