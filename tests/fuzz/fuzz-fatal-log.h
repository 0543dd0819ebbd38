/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdlib.h>

#include <glib.h>

/* What every fuzz target shares: bad input is a GError, never a GLib
 * critical or warning. A g_return_if_fail () reached from a parser means
 * the parser handed a bad value to an API, so a warning, critical or error
 * aborts. It must be abort (): GLib's own fatal path raises SIGTRAP, which
 * libFuzzer does not catch, and the input would be lost. */
static inline GLogWriterOutput
fuzz_log_writer (GLogLevelFlags   log_level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      g_log_writer_standard_streams (log_level, fields, n_fields, user_data);
      abort ();
    }
  return G_LOG_WRITER_HANDLED;  /* debug and info: noise at 50 000 runs/s */
}

int LLVMFuzzerInitialize    (int           *argc,
                             char        ***argv);
int LLVMFuzzerTestOneInput  (const guint8  *data,
                             size_t         size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
  return 0;
}
