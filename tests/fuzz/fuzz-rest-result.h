/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lode-source.h"

/* The contract every REST parser shares: a result xor a GError. Each
 * helper checks it and frees both (the error through its address, which
 * is read only once the parser has returned), so the targets stay one line
 * per parser. */

static inline void
fuzz_check_array (GArray  *array,
                  GError **error)
{
  g_assert ((array == NULL) != (*error == NULL));
  g_clear_pointer (&array, g_array_unref);
  g_clear_error (error);
}

static inline void
fuzz_check_ptr_array (GPtrArray *array,
                      GError   **error)
{
  g_assert ((array == NULL) != (*error == NULL));
  g_clear_pointer (&array, g_ptr_array_unref);
  g_clear_error (error);
}

static inline void
fuzz_check_depth (LodeDepth *depth,
                  GError   **error)
{
  g_assert ((depth == NULL) != (*error == NULL));
  g_clear_pointer (&depth, lode_depth_free);
  g_clear_error (error);
}

static inline void
fuzz_check_boolean (gboolean  ok,
                    GError  **error)
{
  g_assert (ok == (*error == NULL));
  g_clear_error (error);
}
