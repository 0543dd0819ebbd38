/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lode-heatmap.h"

/* Implementation pending (issue 3). */
