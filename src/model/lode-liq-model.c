/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lode-liq-model.h"

/* Implementation pending (issue 3). */
