/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>

#include "lode-format.h"

char *
lode_format_price (double price)
{
  double magnitude = fabs (price);
  int decimals;

  if (!isfinite (price))
    return g_strdup ("—");

  if (magnitude >= 1000)
    decimals = 0;
  else if (magnitude >= 10)
    decimals = 2;
  else if (magnitude >= 1)
    decimals = 3;
  else
    decimals = 5;

  return g_strdup_printf ("%'.*f", decimals, price);
}

char *
lode_format_usd (double usd)
{
  static const struct { double scale; const char *suffix; } units[] = {
    { 1e12, "T" }, { 1e9, "B" }, { 1e6, "M" }, { 1e3, "K" },
  };
  double magnitude = fabs (usd);
  const char *sign = usd < 0 ? "−" : "";

  if (!isfinite (usd))
    return g_strdup ("—");

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      /* 0.9995 of the unit: $999,999 reads "$1.00M", not "$1000K". */
      if (magnitude >= units[i].scale * 0.9995)
        {
          double v = magnitude / units[i].scale;

          /* Three significant digits: $1.24B, $41.2M, $512K. */
          return g_strdup_printf ("%s$%.*f%s", sign, v >= 99.95 ? 0 : v >= 9.995 ? 1 : 2,
                                  v, units[i].suffix);
        }
    }

  return g_strdup_printf ("%s$%.0f", sign, magnitude);
}
