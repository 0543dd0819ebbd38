/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lode-source-error.h"

G_DEFINE_QUARK (lode-source-error-quark, lode_source_error)
