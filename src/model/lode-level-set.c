/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lode-level-set.h"

/* Implementation pending (issue 3). */
