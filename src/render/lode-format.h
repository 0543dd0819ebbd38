/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Labels for people, in the current locale (digit grouping and decimal
 * mark of LC_NUMERIC). Files never use these: they use the C locale. */

/* A price with as many decimals as its size needs: 93,412 · 182.35 · 0.5432. */
char *lode_format_price (double price);
/* A USD amount in compact form: $950 · $41.2K · $12.3M · $1.24B. */
char *lode_format_usd   (double usd);

G_END_DECLS
