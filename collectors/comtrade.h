/* SPDX-License-Identifier: ISC */
/*
 * comtrade: what the two halves of the UN Comtrade kind share:
 * comtrade.c (options, request) and comtrade_row.c (reading the rows of
 * a response into observations).  Not for other modules.
 */
#ifndef COLLECTORS_COMTRADE_H
#define COLLECTORS_COMTRADE_H

#include <stddef.h>
#include <stdint.h>

#include "collectors/collector.h"

#define COMTRADE_CODE_MAX	4	/* digits of an M49 code */

/* 1 if s is min to max ASCII digits, else 0. */
int	comtrade_row_digits(const char *, size_t, size_t);

/*
 * The kind's parse (collector.h): the {"count", "data": [...]} envelope
 * into res->batch.  Returns 0, or -1 with a message.
 */
int	comtrade_row_parse(const struct feed *, void *, const char *, size_t,
	    int64_t, struct collector_result *, char *, size_t);

#endif
