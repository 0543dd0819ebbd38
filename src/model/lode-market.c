/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lode-market.h"

/* Implementation pending (issue 3). */
