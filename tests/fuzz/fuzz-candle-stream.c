/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The candle websocket parsers (lode-candle-stream-parse.h): one frame,
 * every venue, each subscribed to its BTC perpetual at one minute. */

#include "lode-candle-stream-parse.h"
#include "fuzz-fatal-log.h"

typedef gboolean (*CandleParseFunc) (const char   *text,
                                     gsize         length,
                                     const char   *symbol,
                                     const char   *interval,
                                     LodeWsFrame  *out_kind,
                                     GArray       *updates,
                                     GError      **error);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static const struct
  {
    CandleParseFunc parse;
    const char     *symbol;
    const char     *interval;
  } subscriptions[] = {
    { lode_candle_parse_binance, "BTCUSDT", "1m" },
    { lode_candle_parse_bybit, "BTCUSDT", "1" },
    { lode_candle_parse_okx, "BTC-USDT-SWAP", "1m" },
    { lode_candle_parse_hyperliquid, "BTC", "1m" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (subscriptions); i++)
    {
      g_autoptr(GArray) updates = g_array_new (FALSE, FALSE, sizeof (LodeCandleUpdate));
      g_autoptr(GError) error = NULL;
      LodeWsFrame kind;
      gboolean ok;

      /* Not NUL-terminated on purpose: the parser must respect @length. */
      ok = subscriptions[i].parse ((const char *) data, size,
                                   subscriptions[i].symbol,
                                   subscriptions[i].interval,
                                   &kind, updates, &error);
      g_assert (ok == (error == NULL));
      /* Updates only from a frame that parsed whole. */
      g_assert (ok || updates->len == 0);
    }
  return 0;
}
