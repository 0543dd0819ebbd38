/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "lode-model-types.h"

G_DEFINE_QUARK (lode-model-error-quark, lode_model_error)

static const char * const render_mode_nicks[] = {
  [LODE_RENDER_MODE_RAW] = "raw",
  [LODE_RENDER_MODE_SMOOTHED] = "smoothed",
  [LODE_RENDER_MODE_LONG] = "long",
  [LODE_RENDER_MODE_SHORT] = "short",
};

const char *
lode_side_to_string (LodeSide side)
{
  return side == LODE_SIDE_LONG ? "long" : "short";
}

const char *
lode_render_mode_to_string (LodeRenderMode mode)
{
  g_return_val_if_fail (mode <= LODE_RENDER_MODE_SHORT, NULL);

  return render_mode_nicks[mode];
}

gboolean
lode_render_mode_from_string (const char     *str,
                              LodeRenderMode *mode)
{
  g_return_val_if_fail (mode != NULL, FALSE);

  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (render_mode_nicks); i++)
    {
      if (strcmp (str, render_mode_nicks[i]) == 0)
        {
          *mode = (LodeRenderMode) i;
          return TRUE;
        }
    }

  return FALSE;
}
