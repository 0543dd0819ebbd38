/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LODE_SOURCE_ERROR (lode_source_error_quark ())

/* Failures that a file, a network or a venue can cause. */
typedef enum
{
  LODE_SOURCE_ERROR_NETWORK,       /* no connection, DNS, TLS, time-out */
  LODE_SOURCE_ERROR_HTTP_CLIENT,   /* 4xx other than rate limits */
  LODE_SOURCE_ERROR_HTTP_SERVER,   /* 5xx */
  LODE_SOURCE_ERROR_RATE_LIMITED,  /* 429, 418, 403 "too frequent", venue limit codes */
  LODE_SOURCE_ERROR_PARSE,         /* malformed or unexpected JSON/CSV */
  LODE_SOURCE_ERROR_VENUE,         /* a venue's own error code in a valid reply */
  LODE_SOURCE_ERROR_INVALID_ARGUMENT,
  LODE_SOURCE_ERROR_STORE,         /* the SQLite history store */
  LODE_SOURCE_ERROR_INVALID_SERIES, /* well-formed data that breaks §1 (order, OHLC) */
  LODE_SOURCE_ERROR_STORE_CORRUPT, /* the history store's file is damaged */
} LodeSourceError;

GQuark lode_source_error_quark (void);

G_END_DECLS
