/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The CSV import (lode_file_source_load_from_data). Besides "no crash, no
 * leak, no critical", it checks the header's round-trip contract: a series
 * that loads writes text that loads again, to the same number of candles. */

#include <string.h>

#include "lode-file-source.h"
#include "fuzz-fatal-log.h"

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LodeMarket) market = NULL;
  g_autoptr(LodeMarket) again = NULL;
  g_autofree char *text = NULL;

  /* Not NUL-terminated on purpose: the parser must respect @len. */
  market = lode_file_source_load_from_data ((const char *) data, size, &error);
  if (market == NULL)
    {
      g_assert (error != NULL);
      return 0;
    }

  text = lode_file_source_to_string (market);
  again = lode_file_source_load_from_data (text, strlen (text), &error);
  if (again == NULL)
    g_error ("an imported series does not load back: %s", error->message);
  g_assert_cmpuint (lode_market_get_n_candles (again), ==,
                    lode_market_get_n_candles (market));
  return 0;
}
