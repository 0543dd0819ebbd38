/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <math.h>
#include <string.h>

#include "lode-liq-stream-parse.h"

typedef gboolean (*ParseFunc) (const char *, gsize, LodeLiqSymbols *, LodeLiqFrame *,
                               GArray *, GError **);

static GArray *
parse_ok (ParseFunc       parse,
          const char     *text,
          LodeLiqSymbols *symbols,
          LodeLiqFrame    expected)
{
  g_autoptr(GError) error = NULL;
  GArray *prints = g_array_new (FALSE, FALSE, sizeof (LodeLiqPrint));
  LodeLiqFrame kind;

  g_assert_true (parse (text, strlen (text), symbols, &kind, prints, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kind, ==, expected);

  return prints;
}

static void
parse_fails (ParseFunc       parse,
             const char     *text,
             LodeLiqSymbols *symbols,
             gint            code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) prints = g_array_new (FALSE, FALSE, sizeof (LodeLiqPrint));
  LodeLiqFrame kind;

  g_assert_false (parse (text, strlen (text), symbols, &kind, prints, &error));
  g_assert_error (error, LODE_SOURCE_ERROR, code);
  g_assert_cmpuint (prints->len, ==, 0);
}

#define BINANCE_SELL \
  "{\"e\":\"forceOrder\",\"E\":1767225612893," \
  "\"o\":{\"s\":\"BTCUSDT\",\"S\":\"SELL\",\"o\":\"LIMIT\",\"f\":\"IOC\",\"q\":\"0.014\"," \
  "\"p\":\"93910.0\",\"ap\":\"93955.2\",\"X\":\"FILLED\",\"l\":\"0.014\",\"z\":\"0.014\"," \
  "\"T\":1767225612890}}"

static void
test_binance (void)
{
  g_autoptr(GArray) prints = NULL;
  g_autoptr(LodeLiqSymbols) symbols = lode_liq_symbols_new ();
  const LodeLiqPrint *p;

  /* §1.6's example: SELL ⇒ a long; ap × z. */
  prints = parse_ok (lode_liq_parse_binance, BINANCE_SELL, NULL, LODE_LIQ_FRAME_PRINTS);
  g_assert_cmpuint (prints->len, ==, 1);
  p = &g_array_index (prints, LodeLiqPrint, 0);
  g_assert_cmpint (p->time_ms, ==, 1767225612890);
  g_assert_cmpstr (p->venue, ==, "binance");
  g_assert_cmpstr (p->symbol, ==, "BTCUSDT");
  g_assert_cmpint (p->side, ==, LODE_SIDE_LONG);
  g_assert_cmpfloat (p->price, ==, 93955.2);
  g_assert_cmpfloat (p->quantity_base, ==, 0.014);
  g_assert_cmpfloat_with_epsilon (p->notional_usd, 93955.2 * 0.014, 1e-9);
  g_clear_pointer (&prints, g_array_unref);

  /* BUY ⇒ a short; unfilled (ap 0, z 0) falls back to p × q; numbers as
   * JSON numbers; stream-mode wrapping; no T → E. */
  prints = parse_ok (lode_liq_parse_binance,
                     "{\"stream\":\"btcusdt@forceOrder\",\"data\":{\"e\":\"forceOrder\",\"E\":5,"
                     "\"o\":{\"s\":\"BTCUSDT\",\"S\":\"BUY\",\"q\":2,\"p\":\"100.5\",\"ap\":\"0\","
                     "\"z\":\"0\"}}}",
                     NULL, LODE_LIQ_FRAME_PRINTS);
  p = &g_array_index (prints, LodeLiqPrint, 0);
  g_assert_cmpint (p->side, ==, LODE_SIDE_SHORT);
  g_assert_cmpint (p->time_ms, ==, 5);
  g_assert_cmpfloat (p->notional_usd, ==, 201);
  g_clear_pointer (&prints, g_array_unref);

  /* Other symbols are filtered out, but the frame still parsed. */
  lode_liq_symbols_add (symbols, "ETHUSDT", 1);
  prints = parse_ok (lode_liq_parse_binance, BINANCE_SELL, symbols, LODE_LIQ_FRAME_PRINTS);
  g_assert_cmpuint (prints->len, ==, 0);
  g_clear_pointer (&prints, g_array_unref);

  prints = parse_ok (lode_liq_parse_binance, "{\"result\":null,\"id\":1}", NULL,
                     LODE_LIQ_FRAME_SUBSCRIBED);
  g_clear_pointer (&prints, g_array_unref);
  prints = parse_ok (lode_liq_parse_binance, "{\"e\":\"markPriceUpdate\",\"E\":1}", NULL,
                     LODE_LIQ_FRAME_IGNORED);
  g_clear_pointer (&prints, g_array_unref);

  parse_fails (lode_liq_parse_binance, "{\"error\":{\"code\":2,\"msg\":\"Invalid request\"},\"id\":1}",
               NULL, LODE_SOURCE_ERROR_VENUE);
  parse_fails (lode_liq_parse_binance, "{\"e\":\"forceOrder\",\"E\":1,\"o\":{\"s\":\"BTCUSDT\","
               "\"S\":\"HOLD\",\"q\":\"1\",\"p\":\"1\"}}", NULL, LODE_SOURCE_ERROR_PARSE);
  parse_fails (lode_liq_parse_binance, "{\"e\":\"forceOrder\",\"E\":1,\"o\":{\"s\":\"BTCUSDT\","
               "\"S\":\"SELL\",\"q\":\"abc\",\"p\":\"1\"}}", NULL, LODE_SOURCE_ERROR_PARSE);
  parse_fails (lode_liq_parse_binance, "{\"e\":\"forceOrder\",\"E\":1,\"o\":{\"s\":\"BTCUSDT\","
               "\"S\":\"SELL\",\"q\":\"1\",\"p\":\"-3\"}}", NULL, LODE_SOURCE_ERROR_PARSE);
  parse_fails (lode_liq_parse_binance, "{\"e\":\"forceOrder\"", NULL, LODE_SOURCE_ERROR_PARSE);
  parse_fails (lode_liq_parse_binance, "[1,2]", NULL, LODE_SOURCE_ERROR_PARSE);
  parse_fails (lode_liq_parse_binance, "", NULL, LODE_SOURCE_ERROR_PARSE);
}

static void
test_bybit (void)
{
  g_autoptr(GArray) prints = NULL;
  const LodeLiqPrint *p;

  /* §2.6's example (data as an array): Buy ⇒ a long; v × p. */
  prints = parse_ok (lode_liq_parse_bybit,
                     "{\"topic\":\"allLiquidation.BTCUSDT\",\"type\":\"snapshot\",\"ts\":1767225612204,"
                     "\"data\":[{\"T\":1767225611929,\"s\":\"BTCUSDT\",\"S\":\"Buy\",\"v\":\"0.500\",\"p\":\"93120.5\"},"
                     "{\"T\":1767225611930,\"s\":\"BTCUSDT\",\"S\":\"Sell\",\"v\":\"2\",\"p\":\"93200\"}]}",
                     NULL, LODE_LIQ_FRAME_PRINTS);
  g_assert_cmpuint (prints->len, ==, 2);
  p = &g_array_index (prints, LodeLiqPrint, 0);
  g_assert_cmpint (p->time_ms, ==, 1767225611929);
  g_assert_cmpstr (p->venue, ==, "bybit");
  g_assert_cmpint (p->side, ==, LODE_SIDE_LONG);
  g_assert_cmpfloat (p->price, ==, 93120.5);
  g_assert_cmpfloat (p->quantity_base, ==, 0.5);
  g_assert_cmpfloat (p->notional_usd, ==, 46560.25);
  g_assert_cmpint (g_array_index (prints, LodeLiqPrint, 1).side, ==, LODE_SIDE_SHORT);
  g_clear_pointer (&prints, g_array_unref);

  /* data as an object; the symbol from the topic when s is missing. */
  prints = parse_ok (lode_liq_parse_bybit,
                     "{\"topic\":\"allLiquidation.ETHUSDT\",\"data\":{\"T\":\"7\",\"S\":\"Sell\","
                     "\"v\":\"1\",\"p\":\"3000\"}}",
                     NULL, LODE_LIQ_FRAME_PRINTS);
  g_assert_cmpuint (prints->len, ==, 1);
  g_assert_cmpstr (g_array_index (prints, LodeLiqPrint, 0).symbol, ==, "ETHUSDT");
  g_assert_cmpint (g_array_index (prints, LodeLiqPrint, 0).time_ms, ==, 7);
  g_clear_pointer (&prints, g_array_unref);

  prints = parse_ok (lode_liq_parse_bybit,
                     "{\"success\":true,\"ret_msg\":\"\",\"conn_id\":\"3cd8\",\"req_id\":\"liq1\",\"op\":\"subscribe\"}",
                     NULL, LODE_LIQ_FRAME_SUBSCRIBED);
  g_clear_pointer (&prints, g_array_unref);
  prints = parse_ok (lode_liq_parse_bybit,
                     "{\"success\":true,\"ret_msg\":\"pong\",\"conn_id\":\"3cd8\",\"req_id\":\"hb\",\"op\":\"ping\"}",
                     NULL, LODE_LIQ_FRAME_PONG);
  g_clear_pointer (&prints, g_array_unref);
  prints = parse_ok (lode_liq_parse_bybit, "{\"topic\":\"tickers.BTCUSDT\",\"data\":{}}",
                     NULL, LODE_LIQ_FRAME_IGNORED);
  g_clear_pointer (&prints, g_array_unref);

  parse_fails (lode_liq_parse_bybit,
               "{\"success\":false,\"ret_msg\":\"error:handler not found,topic:allLiquidation.NOPE\","
               "\"conn_id\":\"x\",\"op\":\"subscribe\"}",
               NULL, LODE_SOURCE_ERROR_VENUE);
  /* One bad element spoils the frame: nothing of it is kept. */
  parse_fails (lode_liq_parse_bybit,
               "{\"topic\":\"allLiquidation.BTCUSDT\",\"data\":[{\"T\":1,\"S\":\"Buy\",\"v\":\"1\",\"p\":\"5\"},"
               "{\"T\":1,\"S\":\"Buy\",\"v\":\"1\"}]}",
               NULL, LODE_SOURCE_ERROR_PARSE);
  parse_fails (lode_liq_parse_bybit, "{\"topic\":\"allLiquidation.BTCUSDT\"}", NULL,
               LODE_SOURCE_ERROR_PARSE);
}

#define OKX_PUSH \
  "{\"arg\":{\"channel\":\"liquidation-orders\",\"instType\":\"SWAP\"}," \
  "\"data\":[{\"instType\":\"SWAP\",\"instId\":\"BTC-USDT-SWAP\",\"instFamily\":\"BTC-USDT\"," \
  "\"details\":[{\"side\":\"sell\",\"posSide\":\"long\",\"bkPx\":\"93120.5\",\"sz\":\"12\"," \
  "\"bkLoss\":\"0\",\"ccy\":\"\",\"ts\":\"1767225611929\"}," \
  "{\"side\":\"buy\",\"posSide\":\"net\",\"bkPx\":\"93000\",\"sz\":\"3\",\"ts\":\"1767225611000\"}," \
  "{\"side\":\"sell\",\"posSide\":\"net\",\"bkPx\":\"92000\",\"sz\":\"1\",\"ts\":\"1767225611500\"}]}," \
  "{\"instId\":\"ETH-USDT-SWAP\",\"details\":[{\"side\":\"buy\",\"posSide\":\"short\",\"bkPx\":\"3000\"," \
  "\"sz\":\"5\",\"ts\":\"1767225611000\"}]}]}"

static void
test_okx (void)
{
  g_autoptr(GArray) prints = NULL;
  g_autoptr(LodeLiqSymbols) symbols = lode_liq_symbols_new ();
  const LodeLiqPrint *p;

  lode_liq_symbols_add (symbols, "BTC-USDT-SWAP", 0.01);

  /* §3.6: long in hedge mode; net: buy ⇒ short, sell ⇒ long; sz × ctVal ×
   * bkPx; ETH has no contract value and is dropped; order kept as sent. */
  prints = parse_ok (lode_liq_parse_okx, OKX_PUSH, symbols, LODE_LIQ_FRAME_PRINTS);
  g_assert_cmpuint (prints->len, ==, 3);
  p = &g_array_index (prints, LodeLiqPrint, 0);
  g_assert_cmpstr (p->venue, ==, "okx");
  g_assert_cmpstr (p->symbol, ==, "BTC-USDT-SWAP");
  g_assert_cmpint (p->time_ms, ==, 1767225611929);
  g_assert_cmpint (p->side, ==, LODE_SIDE_LONG);
  g_assert_cmpfloat_with_epsilon (p->quantity_base, 0.12, 1e-12);
  g_assert_cmpfloat_with_epsilon (p->notional_usd, 12 * 0.01 * 93120.5, 1e-6);
  g_assert_cmpint (g_array_index (prints, LodeLiqPrint, 1).side, ==, LODE_SIDE_SHORT);
  g_assert_cmpint (g_array_index (prints, LodeLiqPrint, 2).side, ==, LODE_SIDE_LONG);
  g_assert_cmpint (g_array_index (prints, LodeLiqPrint, 2).time_ms, ==, 1767225611500);
  g_clear_pointer (&prints, g_array_unref);

  /* No contract values known: no prints (never a guessed ctVal). */
  prints = parse_ok (lode_liq_parse_okx, OKX_PUSH, NULL, LODE_LIQ_FRAME_PRINTS);
  g_assert_cmpuint (prints->len, ==, 0);
  g_clear_pointer (&prints, g_array_unref);

  prints = parse_ok (lode_liq_parse_okx, "pong", symbols, LODE_LIQ_FRAME_PONG);
  g_clear_pointer (&prints, g_array_unref);
  prints = parse_ok (lode_liq_parse_okx,
                     "{\"id\":\"1512\",\"event\":\"subscribe\",\"arg\":{\"channel\":\"liquidation-orders\","
                     "\"instType\":\"SWAP\"},\"connId\":\"a4d3ae55\"}",
                     symbols, LODE_LIQ_FRAME_SUBSCRIBED);
  g_clear_pointer (&prints, g_array_unref);
  prints = parse_ok (lode_liq_parse_okx, "{\"event\":\"notice\",\"code\":\"64008\",\"msg\":\"upgrade\"}",
                     symbols, LODE_LIQ_FRAME_IGNORED);
  g_clear_pointer (&prints, g_array_unref);

  parse_fails (lode_liq_parse_okx,
               "{\"event\":\"error\",\"code\":\"60012\",\"msg\":\"Invalid request\",\"connId\":\"a4d3ae55\"}",
               symbols, LODE_SOURCE_ERROR_VENUE);
  parse_fails (lode_liq_parse_okx, "ping", symbols, LODE_SOURCE_ERROR_PARSE);
  parse_fails (lode_liq_parse_okx,
               "{\"arg\":{\"channel\":\"liquidation-orders\"},\"data\":[{\"instId\":\"BTC-USDT-SWAP\","
               "\"details\":[{\"side\":\"sell\",\"posSide\":\"long\",\"bkPx\":\"1\",\"sz\":\"1\"}]}]}",
               symbols, LODE_SOURCE_ERROR_PARSE);
}

static void
test_builders (void)
{
  const char * const symbols[] = { "BTCUSDT", "ETHUSDT", NULL };
  g_autofree char *url1 = lode_liq_binance_url ("wss://fstream.binance.com/market");
  g_autofree char *url2 = lode_liq_binance_url ("wss://fstream.binance.com/");
  g_autofree char *url3 = lode_liq_binance_url ("wss://fstream.binance.com/ws");
  g_autofree char *sub_binance = lode_liq_binance_subscribe (7);
  g_autofree char *sub_bybit = lode_liq_bybit_subscribe ("liq1", symbols);
  g_autofree char *ping_bybit = lode_liq_bybit_ping ("hb");
  g_autofree char *sub_okx = lode_liq_okx_subscribe ("1");

  g_assert_cmpstr (url1, ==, "wss://fstream.binance.com/market/ws/!forceOrder@arr");
  /* The 2026 routing trap: an un-routed base gets its route. */
  g_assert_cmpstr (url2, ==, "wss://fstream.binance.com/market/ws/!forceOrder@arr");
  g_assert_cmpstr (url3, ==, "wss://fstream.binance.com/market/ws/!forceOrder@arr");

  g_assert_cmpstr (sub_binance, ==, "{\"method\":\"SUBSCRIBE\",\"params\":[\"!forceOrder@arr\"],\"id\":7}");
  g_assert_cmpstr (sub_bybit, ==,
                   "{\"req_id\":\"liq1\",\"op\":\"subscribe\",\"args\":[\"allLiquidation.BTCUSDT\",\"allLiquidation.ETHUSDT\"]}");
  g_assert_cmpstr (ping_bybit, ==, "{\"req_id\":\"hb\",\"op\":\"ping\"}");
  g_assert_cmpstr (sub_okx, ==,
                   "{\"id\":\"1\",\"op\":\"subscribe\",\"args\":[{\"channel\":\"liquidation-orders\",\"instType\":\"SWAP\"}]}");
}

static void
test_huge_error_code (void)
{
  /* Found by fuzz-liq-stream: an error code beyond gint64 ("1e308") was
   * cast to gint64, undefined behaviour (UBSan). It reads as no code. */
  static const struct
  {
    ParseFunc   parse;
    const char *text;
  } cases[] = {
    { lode_liq_parse_binance, "{\"code\":\"1e308\",\"msg\":\"gae\"}" },
    { lode_liq_parse_binance, "{\"error\":{\"code\":-1e300,\"msg\":\"x\"}}" },
    { lode_liq_parse_okx, "{\"event\":\"error\",\"code\":\"69223372036854775807\",\"msg\":\"x\"}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) prints = g_array_new (FALSE, FALSE, sizeof (LodeLiqPrint));
      LodeLiqFrame kind;

      g_assert_false (cases[i].parse (cases[i].text, strlen (cases[i].text), NULL,
                                      &kind, prints, &error));
      g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE);
      g_assert_null (strstr (error->message, "9223372036854775"));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sources/liq-stream-parse/binance", test_binance);
  g_test_add_func ("/sources/liq-stream-parse/bybit", test_bybit);
  g_test_add_func ("/sources/liq-stream-parse/okx", test_okx);
  g_test_add_func ("/sources/liq-stream-parse/builders", test_builders);
  g_test_add_func ("/sources/liq-stream-parse/huge-error-code", test_huge_error_code);

  return g_test_run ();
}
