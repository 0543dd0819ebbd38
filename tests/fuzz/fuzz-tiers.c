/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The settings' tier string: lode_model_params_parse_tiers () then
 * lode_model_params_validate (). Parameters that validate are formatted
 * and parsed again: what Preferences writes back must read back as valid. */

#include <string.h>

#include "lode-liq-model.h"
#include "fuzz-fatal-log.h"

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  /* The spec comes from GSettings: a NUL-terminated string. */
  g_autofree char *spec = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  LodeModelParams params;
  LodeModelParams again;

  if (memchr (data, '\0', size) != NULL)
    return -1;  /* not a C string: keep it out of the corpus */

  lode_model_params_init_default (&params);
  if (!lode_model_params_parse_tiers (&params, spec, &error))
    {
      g_assert (error != NULL);
      return 0;
    }
  g_assert (error == NULL);
  g_assert (params.n_tiers <= LODE_MAX_TIERS);
  if (!lode_model_params_validate (&params, &error))
    {
      g_assert (error != NULL);
      return 0;
    }
  for (guint k = 0; k < params.n_tiers; k++)
    (void) lode_model_params_get_weight (&params, k);

  text = lode_model_params_format_tiers (&params);
  lode_model_params_init_default (&again);
  if (!lode_model_params_parse_tiers (&again, text, &error))
    g_error ("formatted tiers \"%s\" do not parse: %s", text, error->message);
  if (!lode_model_params_validate (&again, &error))
    g_error ("formatted tiers \"%s\" do not validate: %s", text, error->message);
  return 0;
}
