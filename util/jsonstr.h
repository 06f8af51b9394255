/* SPDX-License-Identifier: ISC */
/*
 * jsonstr: the one JSON string escaper, writing a C string as a quoted
 * JSON string exactly as cJSON 1.7.15 prints one: '"' and '\\' escaped
 * by themselves, \b \f \n \r \t by letter, every other byte below 0x20
 * as \u00xx (lowercase hex), and everything else, DEL and UTF-8
 * included, as it is.  batchrec relies on the exactness: its record
 * headers read as cJSON printed them.
 *
 * Pure; owns nothing.  Bytes are not checked for valid UTF-8.
 */
#ifndef UTIL_JSONSTR_H
#define UTIL_JSONSTR_H

#include <stddef.h>

#include "util/buf.h"

/* The most bytes jsonstr_write writes for a string of n bytes. */
#define JSONSTR_MAX(n)	(6 * (n) + 2)

/*
 * Writes s as a quoted JSON string to out, which has room for
 * JSONSTR_MAX(strlen(s)) bytes; writes no NUL.  Returns the bytes
 * written.
 */
size_t	jsonstr_write(char *out, const char *s);

/* Appends s as a quoted JSON string to out (uncapped buffers only). */
void	jsonstr_append(struct buf *out, const char *s);

#endif
