/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The liquidation websocket parsers (lode-liq-stream-parse.h): one frame,
 * every venue, with and without a symbol filter. */

#include "lode-liq-stream-parse.h"
#include "fuzz-fatal-log.h"

typedef gboolean (*LiqParseFunc) (const char      *text,
                                  gsize            length,
                                  LodeLiqSymbols  *symbols,
                                  LodeLiqFrame    *out_kind,
                                  GArray          *prints,
                                  GError         **error);

static void
parse_one (LiqParseFunc    parse,
           const guint8   *data,
           size_t          size,
           LodeLiqSymbols *symbols)
{
  g_autoptr(GArray) prints = g_array_new (FALSE, FALSE, sizeof (LodeLiqPrint));
  g_autoptr(GError) error = NULL;
  LodeLiqFrame kind;
  gboolean ok;

  /* Not NUL-terminated on purpose: the parser must respect @length. */
  ok = parse ((const char *) data, size, symbols, &kind, prints, &error);
  g_assert (ok == (error == NULL));
  /* Prints only from a frame that parsed whole. */
  g_assert (ok || prints->len == 0);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static const LiqParseFunc parsers[] = {
    lode_liq_parse_binance,
    lode_liq_parse_bybit,
    lode_liq_parse_okx,
  };
  g_autoptr(LodeLiqSymbols) symbols = lode_liq_symbols_new ();

  lode_liq_symbols_add (symbols, "BTCUSDT", 1);
  lode_liq_symbols_add (symbols, "BTC-USDT-SWAP", 0.01);
  for (guint i = 0; i < G_N_ELEMENTS (parsers); i++)
    {
      parse_one (parsers[i], data, size, NULL);
      parse_one (parsers[i], data, size, symbols);
    }
  return 0;
}
