/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lode-interval.h"

static const char * const names[] = { "1m", "5m", "15m", "1h", "4h", "1d", NULL };
static const gint64 durations[] = {
  G_GINT64_CONSTANT (60000),
  G_GINT64_CONSTANT (300000),
  G_GINT64_CONSTANT (900000),
  G_GINT64_CONSTANT (3600000),
  G_GINT64_CONSTANT (14400000),
  G_GINT64_CONSTANT (86400000),
};

const char * const *
lode_interval_get_names (void)
{
  return names;
}

gboolean
lode_interval_parse (const char *name,
                     gint64     *interval_ms)
{
  g_return_val_if_fail (interval_ms != NULL, FALSE);

  for (guint i = 0; name != NULL && names[i] != NULL; i++)
    {
      if (g_str_equal (name, names[i]))
        {
          *interval_ms = durations[i];
          return TRUE;
        }
    }

  return FALSE;
}

const char *
lode_interval_to_name (gint64 interval_ms)
{
  for (guint i = 0; i < G_N_ELEMENTS (durations); i++)
    if (durations[i] == interval_ms)
      return names[i];

  return NULL;
}
