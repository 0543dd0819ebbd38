/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <math.h>
#include <string.h>

#include "lode-candle-stream-parse.h"

typedef gboolean (*ParseFunc) (const char *, gsize, const char *, const char *,
                               LodeWsFrame *, GArray *, GError **);

/* Parses @text; returns the updates (or NULL with @error set). */
static GArray *
parse (ParseFunc    func,
       const char  *text,
       const char  *symbol,
       const char  *interval,
       LodeWsFrame *kind,
       GError     **error)
{
  g_autoptr(GArray) updates = g_array_new (FALSE, FALSE, sizeof (LodeCandleUpdate));

  if (!func (text, strlen (text), symbol, interval, kind, updates, error))
    {
      g_assert_cmpuint (updates->len, ==, 0);
      return NULL;
    }

  return g_steal_pointer (&updates);
}

static const LodeCandleUpdate *
at (GArray *updates,
    guint   i)
{
  return &g_array_index (updates, LodeCandleUpdate, i);
}

static void
assert_candle (const LodeCandleUpdate *u,
               gint64                  t,
               double                  o,
               double                  h,
               double                  l,
               double                  c,
               double                  v,
               gboolean                closed)
{
  g_assert_cmpint (u->candle.time_ms, ==, t);
  g_assert_cmpfloat (u->candle.open, ==, o);
  g_assert_cmpfloat (u->candle.high, ==, h);
  g_assert_cmpfloat (u->candle.low, ==, l);
  g_assert_cmpfloat (u->candle.close, ==, c);
  g_assert_cmpfloat_with_epsilon (u->candle.volume, v, 1e-9);
  g_assert_true (isnan (u->candle.oi_usd));
  g_assert_cmpfloat (u->candle.long_share, ==, 0.5);
  g_assert_cmpint (u->closed, ==, closed);
}

static void
test_intervals (void)
{
  g_assert_cmpstr (lode_candle_interval_name ("binance", 60000), ==, "1m");
  g_assert_cmpstr (lode_candle_interval_name ("binance", 86400000), ==, "1d");
  g_assert_cmpstr (lode_candle_interval_name ("bybit", 3600000), ==, "60");
  g_assert_cmpstr (lode_candle_interval_name ("bybit", 14400000), ==, "240");
  g_assert_cmpstr (lode_candle_interval_name ("bybit", 86400000), ==, "D");
  g_assert_cmpstr (lode_candle_interval_name ("okx", 3600000), ==, "1H");
  g_assert_cmpstr (lode_candle_interval_name ("okx", 86400000), ==, "1Dutc");
  g_assert_cmpstr (lode_candle_interval_name ("hyperliquid", 900000), ==, "15m");
  g_assert_cmpstr (lode_candle_interval_name ("hyperliquid", 14400000), ==, "4h");
  /* 3m exists at the venues, not in Lodestone. */
  g_assert_null (lode_candle_interval_name ("binance", 180000));
  g_assert_null (lode_candle_interval_name ("nowhere", 60000));
}

static void
test_binance (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) updates = NULL;
  LodeWsFrame kind;
  const char *event =
    "{\"e\":\"kline\",\"E\":1767225612345,\"s\":\"BTCUSDT\",\"k\":{\"t\":1767225600000,"
    "\"T\":1767225659999,\"s\":\"BTCUSDT\",\"i\":\"1m\",\"f\":1,\"L\":2,\"o\":\"94012.5\","
    "\"c\":\"94080.2\",\"h\":\"94110\",\"l\":\"93990.1\",\"v\":\"152.331\",\"n\":189,\"x\":false,"
    "\"q\":\"1\",\"V\":\"1\",\"Q\":\"1\",\"B\":\"0\",\"future\":[1,2]}}";

  updates = parse (lode_candle_parse_binance, event, "BTCUSDT", "1m", &kind, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kind, ==, LODE_WS_FRAME_DATA);
  g_assert_cmpuint (updates->len, ==, 1);
  assert_candle (at (updates, 0), 1767225600000, 94012.5, 94110, 93990.1, 94080.2, 152.331, FALSE);
  g_clear_pointer (&updates, g_array_unref);

  /* Stream mode; numbers as numbers; closed. */
  updates = parse (lode_candle_parse_binance,
                   "{\"stream\":\"btcusdt@kline_1m\",\"data\":{\"e\":\"kline\",\"E\":5,\"s\":\"BTCUSDT\","
                   "\"k\":{\"t\":60000,\"i\":\"1m\",\"o\":10,\"c\":11,\"h\":12,\"l\":9,\"v\":3,\"x\":true}}}",
                   "BTCUSDT", "1m", &kind, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kind, ==, LODE_WS_FRAME_DATA);
  assert_candle (at (updates, 0), 60000, 10, 12, 9, 11, 3, TRUE);
  g_clear_pointer (&updates, g_array_unref);

  /* Another interval or symbol: not ours. */
  updates = parse (lode_candle_parse_binance, event, "BTCUSDT", "5m", &kind, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kind, ==, LODE_WS_FRAME_IGNORED);
  g_assert_cmpuint (updates->len, ==, 0);
  g_clear_pointer (&updates, g_array_unref);
  updates = parse (lode_candle_parse_binance, event, "ETHUSDT", "1m", &kind, &error);
  g_assert_cmpint (kind, ==, LODE_WS_FRAME_IGNORED);
  g_clear_pointer (&updates, g_array_unref);

  updates = parse (lode_candle_parse_binance, "{\"result\":null,\"id\":1}", "BTCUSDT", "1m", &kind, &error);
  g_assert_cmpint (kind, ==, LODE_WS_FRAME_SUBSCRIBED);
  g_clear_pointer (&updates, g_array_unref);

  g_assert_null (parse (lode_candle_parse_binance, "{\"error\":{\"code\":2,\"msg\":\"Invalid request\"},\"id\":1}",
                        "BTCUSDT", "1m", &kind, &error));
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE);
  g_clear_error (&error);

  /* Strict on what a candle needs: the closed flag, consistent prices. */
  g_assert_null (parse (lode_candle_parse_binance,
                        "{\"e\":\"kline\",\"s\":\"BTCUSDT\",\"k\":{\"t\":1,\"i\":\"1m\",\"o\":\"1\",\"c\":\"1\",\"h\":\"1\",\"l\":\"1\",\"v\":\"1\"}}",
                        "BTCUSDT", "1m", &kind, &error));
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_null (parse (lode_candle_parse_binance,
                        "{\"e\":\"kline\",\"s\":\"BTCUSDT\",\"k\":{\"t\":1,\"i\":\"1m\",\"o\":\"5\",\"c\":\"1\",\"h\":\"2\",\"l\":\"1\",\"v\":\"1\",\"x\":false}}",
                        "BTCUSDT", "1m", &kind, &error));
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_null (parse (lode_candle_parse_binance, "{\"e\":", "BTCUSDT", "1m", &kind, &error));
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE);
}

static void
test_bybit (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) updates = NULL;
  LodeWsFrame kind;
  const char *frame =
    "{\"topic\":\"kline.1.BTCUSDT\",\"data\":["
    "{\"start\":1767225600000,\"end\":1767225659999,\"interval\":\"1\",\"open\":\"94012.5\","
    "\"close\":\"94080.2\",\"high\":\"94110\",\"low\":\"93990.1\",\"volume\":\"152.331\","
    "\"turnover\":\"1\",\"confirm\":false,\"timestamp\":1767225612345},"
    "{\"start\":\"1767225600000\",\"open\":\"94012.5\",\"close\":\"94100\",\"high\":\"94110\","
    "\"low\":\"93990.1\",\"volume\":\"160\",\"confirm\":true}],"
    "\"ts\":1767225612346,\"type\":\"snapshot\"}";

  updates = parse (lode_candle_parse_bybit, frame, "BTCUSDT", "1", &kind, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kind, ==, LODE_WS_FRAME_DATA);
  g_assert_cmpuint (updates->len, ==, 2);
  assert_candle (at (updates, 0), 1767225600000, 94012.5, 94110, 93990.1, 94080.2, 152.331, FALSE);
  assert_candle (at (updates, 1), 1767225600000, 94012.5, 94110, 93990.1, 94100, 160, TRUE);
  g_clear_pointer (&updates, g_array_unref);

  updates = parse (lode_candle_parse_bybit, frame, "BTCUSDT", "5", &kind, &error);
  g_assert_cmpint (kind, ==, LODE_WS_FRAME_IGNORED);
  g_assert_cmpuint (updates->len, ==, 0);
  g_clear_pointer (&updates, g_array_unref);

  updates = parse (lode_candle_parse_bybit,
                   "{\"success\":true,\"ret_msg\":\"\",\"conn_id\":\"c\",\"req_id\":\"k\",\"op\":\"subscribe\"}",
                   "BTCUSDT", "1", &kind, &error);
  g_assert_cmpint (kind, ==, LODE_WS_FRAME_SUBSCRIBED);
  g_clear_pointer (&updates, g_array_unref);
  updates = parse (lode_candle_parse_bybit,
                   "{\"success\":true,\"ret_msg\":\"pong\",\"conn_id\":\"c\",\"req_id\":\"hb\",\"op\":\"ping\"}",
                   "BTCUSDT", "1", &kind, &error);
  g_assert_cmpint (kind, ==, LODE_WS_FRAME_PONG);
  g_clear_pointer (&updates, g_array_unref);

  g_assert_null (parse (lode_candle_parse_bybit,
                        "{\"success\":false,\"ret_msg\":\"error:handler not found,topic:kline.2.BTCUSDT\",\"op\":\"subscribe\"}",
                        "BTCUSDT", "1", &kind, &error));
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE);
  g_clear_error (&error);

  /* One bad row fails the frame. */
  g_assert_null (parse (lode_candle_parse_bybit,
                        "{\"topic\":\"kline.1.BTCUSDT\",\"data\":[{\"start\":1,\"open\":\"1\",\"close\":\"1\",\"high\":\"1\",\"low\":\"1\",\"volume\":\"1\",\"confirm\":false},"
                        "{\"start\":2,\"close\":\"1\",\"high\":\"1\",\"low\":\"1\",\"volume\":\"1\",\"confirm\":false}]}",
                        "BTCUSDT", "1", &kind, &error));
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE);
}

static void
test_okx (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) updates = NULL;
  LodeWsFrame kind;
  const char *frame =
    "{\"arg\":{\"channel\":\"candle1H\",\"instId\":\"BTC-USDT-SWAP\"},\"data\":["
    "[\"1767225600000\",\"94012.5\",\"94110\",\"93990.1\",\"94080.2\",\"15233.1\",\"152.331\",\"14329871.55\",\"1\"]]}";

  /* volCcy (base), not vol (contracts). */
  updates = parse (lode_candle_parse_okx, frame, "BTC-USDT-SWAP", "1H", &kind, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kind, ==, LODE_WS_FRAME_DATA);
  g_assert_cmpuint (updates->len, ==, 1);
  assert_candle (at (updates, 0), 1767225600000, 94012.5, 94110, 93990.1, 94080.2, 152.331, TRUE);
  g_clear_pointer (&updates, g_array_unref);

  updates = parse (lode_candle_parse_okx, frame, "ETH-USDT-SWAP", "1H", &kind, &error);
  g_assert_cmpint (kind, ==, LODE_WS_FRAME_IGNORED);
  g_clear_pointer (&updates, g_array_unref);
  updates = parse (lode_candle_parse_okx, "pong", "BTC-USDT-SWAP", "1H", &kind, &error);
  g_assert_cmpint (kind, ==, LODE_WS_FRAME_PONG);
  g_clear_pointer (&updates, g_array_unref);
  updates = parse (lode_candle_parse_okx,
                   "{\"id\":\"k\",\"event\":\"subscribe\",\"arg\":{\"channel\":\"candle1H\",\"instId\":\"BTC-USDT-SWAP\"},\"connId\":\"a\"}",
                   "BTC-USDT-SWAP", "1H", &kind, &error);
  g_assert_cmpint (kind, ==, LODE_WS_FRAME_SUBSCRIBED);
  g_clear_pointer (&updates, g_array_unref);

  g_assert_null (parse (lode_candle_parse_okx,
                        "{\"event\":\"error\",\"code\":\"60018\",\"msg\":\"Wrong URL or channel\",\"connId\":\"a\"}",
                        "BTC-USDT-SWAP", "1H", &kind, &error));
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE);
  g_assert_nonnull (strstr (error->message, "60018"));
  g_clear_error (&error);

  /* A row without its confirm flag. */
  g_assert_null (parse (lode_candle_parse_okx,
                        "{\"arg\":{\"channel\":\"candle1H\",\"instId\":\"BTC-USDT-SWAP\"},\"data\":[[\"1\",\"1\",\"1\",\"1\",\"1\",\"1\",\"1\"]]}",
                        "BTC-USDT-SWAP", "1H", &kind, &error));
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE);
}

static void
test_hyperliquid (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) updates = NULL;
  LodeWsFrame kind;
  const char *frame =
    "{\"channel\":\"candle\",\"data\":{\"t\":1767225600000,\"T\":1767225659999,\"s\":\"BTC\",\"i\":\"1m\","
    "\"o\":\"94012.0\",\"c\":\"94080.0\",\"h\":\"94110.0\",\"l\":\"93990.0\",\"v\":\"12.3412\",\"n\":189}}";

  updates = parse (lode_candle_parse_hyperliquid, frame, "BTC", "1m", &kind, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kind, ==, LODE_WS_FRAME_DATA);
  g_assert_cmpuint (updates->len, ==, 1);
  assert_candle (at (updates, 0), 1767225600000, 94012, 94110, 93990, 94080, 12.3412, FALSE);
  g_clear_pointer (&updates, g_array_unref);

  updates = parse (lode_candle_parse_hyperliquid, frame, "ETH", "1m", &kind, &error);
  g_assert_cmpint (kind, ==, LODE_WS_FRAME_IGNORED);
  g_clear_pointer (&updates, g_array_unref);
  updates = parse (lode_candle_parse_hyperliquid, "{\"channel\":\"pong\"}", "BTC", "1m", &kind, &error);
  g_assert_cmpint (kind, ==, LODE_WS_FRAME_PONG);
  g_clear_pointer (&updates, g_array_unref);
  updates = parse (lode_candle_parse_hyperliquid,
                   "{\"channel\":\"subscriptionResponse\",\"data\":{\"method\":\"subscribe\",\"subscription\":{\"type\":\"candle\",\"coin\":\"BTC\",\"interval\":\"1m\"}}}",
                   "BTC", "1m", &kind, &error);
  g_assert_cmpint (kind, ==, LODE_WS_FRAME_SUBSCRIBED);
  g_clear_pointer (&updates, g_array_unref);

  g_assert_null (parse (lode_candle_parse_hyperliquid, "{\"channel\":\"error\",\"data\":\"Invalid subscription\"}",
                        "BTC", "1m", &kind, &error));
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE);
  g_clear_error (&error);
  g_assert_null (parse (lode_candle_parse_hyperliquid, "{\"data\":{}}", "BTC", "1m", &kind, &error));
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_null (parse (lode_candle_parse_hyperliquid,
                        "{\"channel\":\"candle\",\"data\":{\"t\":1,\"s\":\"BTC\",\"i\":\"1m\",\"o\":\"x\",\"c\":\"1\",\"h\":\"1\",\"l\":\"1\",\"v\":\"1\"}}",
                        "BTC", "1m", &kind, &error));
  g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_PARSE);
}

static void
test_builders (void)
{
  g_autofree char *b1 = lode_candle_binance_url ("wss://fstream.binance.com/market", "BTCUSDT", "1m");
  g_autofree char *b2 = lode_candle_binance_url ("wss://fstream.binance.com/ws/", "BTCUSDT", "4h");
  g_autofree char *bs = lode_candle_binance_subscribe (1, "BTCUSDT", "1m");
  g_autofree char *ys = lode_candle_bybit_subscribe ("k", "BTCUSDT", "D");
  g_autofree char *o1 = lode_candle_okx_url ("wss://ws.okx.com:8443/ws/v5/public/");
  g_autofree char *o2 = lode_candle_okx_url ("wss://ws.okx.com:8443/ws/v5/business");
  g_autofree char *os = lode_candle_okx_subscribe ("k", "BTC-USDT-SWAP", "1Dutc");
  g_autofree char *hs = lode_candle_hyperliquid_subscribe ("BTC", "1m");

  g_assert_cmpstr (b1, ==, "wss://fstream.binance.com/market/ws/btcusdt@kline_1m");
  g_assert_cmpstr (b2, ==, "wss://fstream.binance.com/market/ws/btcusdt@kline_4h");
  g_assert_cmpstr (bs, ==, "{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@kline_1m\"],\"id\":1}");
  g_assert_cmpstr (ys, ==, "{\"req_id\":\"k\",\"op\":\"subscribe\",\"args\":[\"kline.D.BTCUSDT\"]}");
  g_assert_cmpstr (o1, ==, "wss://ws.okx.com:8443/ws/v5/business");
  g_assert_cmpstr (o2, ==, "wss://ws.okx.com:8443/ws/v5/business");
  g_assert_cmpstr (os, ==, "{\"id\":\"k\",\"op\":\"subscribe\",\"args\":[{\"channel\":\"candle1Dutc\",\"instId\":\"BTC-USDT-SWAP\"}]}");
  g_assert_cmpstr (hs, ==, "{\"method\":\"subscribe\",\"subscription\":{\"type\":\"candle\",\"coin\":\"BTC\",\"interval\":\"1m\"}}");
}

static void
test_huge_error_code (void)
{
  /* Found by fuzz-candle-stream: an error code beyond gint64 was cast to
   * gint64, undefined behaviour (UBSan). It reads as no code. */
  static const struct
  {
    ParseFunc   parse;
    const char *text;
    const char *symbol;
  } cases[] = {
    { lode_candle_parse_okx, "{\"event\":\"error\",\"code\":\"69223372036854775807\"}", "BTC-USDT-SWAP" },
    { lode_candle_parse_binance, "{\"code\":1e308,\"msg\":\"x\"}", "BTCUSDT" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) updates = NULL;
      LodeWsFrame kind;

      updates = parse (cases[i].parse, cases[i].text, cases[i].symbol, "1m", &kind, &error);
      g_assert_null (updates);
      g_assert_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_VENUE);
      g_assert_null (strstr (error->message, "9223372036854775"));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sources/candle-stream-parse/intervals", test_intervals);
  g_test_add_func ("/sources/candle-stream-parse/binance", test_binance);
  g_test_add_func ("/sources/candle-stream-parse/bybit", test_bybit);
  g_test_add_func ("/sources/candle-stream-parse/okx", test_okx);
  g_test_add_func ("/sources/candle-stream-parse/hyperliquid", test_hyperliquid);
  g_test_add_func ("/sources/candle-stream-parse/builders", test_builders);
  g_test_add_func ("/sources/candle-stream-parse/huge-error-code", test_huge_error_code);

  return g_test_run ();
}
