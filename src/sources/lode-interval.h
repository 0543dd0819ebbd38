/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The candle intervals Lodestone offers: 1m 5m 15m 1h 4h 1d. */

/* NULL-terminated, shortest first. */
const char * const *lode_interval_get_names (void);
/* "1m" … "1d" → milliseconds; FALSE for anything else. */
gboolean            lode_interval_parse     (const char *name,
                                             gint64     *interval_ms);
/* The name of one of those intervals, or NULL. */
const char         *lode_interval_to_name   (gint64      interval_ms);

G_END_DECLS
