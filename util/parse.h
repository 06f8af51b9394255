/* SPDX-License-Identifier: ISC */
/*
 * parse: strict parsers for the numbers, durations and sizes that appear in
 * the config file and on the command line, and the inverse formatters.
 *
 * The parsers accept exactly one spelling of a value: no surrounding spaces,
 * no trailing junk, no sign where none makes sense, overflow detected.  They
 * never log; on error they fill err with a sentence of the form
 * 'expected ..., got "..."' (the input quoted, escaped and shortened) so the
 * caller can prefix it with a file and line.  err may be NULL when errlen
 * is 0.  They own nothing.
 */
#ifndef UTIL_PARSE_H
#define UTIL_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* Buffer sizes that always hold the longest output of the formatters. */
#define PARSE_DURATION_LEN		32
#define PARSE_DURATION_WORDS_LEN	96

/*
 * Parses a decimal integer in [min, max]: an optional '-' and digits only.
 * Returns 0 and sets *out, or -1 with err set and *out untouched.
 */
int	parse_int64(const char *s, int64_t min, int64_t max, int64_t *out,
	    char *err, size_t errlen);

/*
 * Parses a duration into microseconds: a bare "0", or one or more
 * <digits><unit> terms with units in strictly descending order, each at
 * most once: w, d, h, m, s, ms, us (e.g. "250ms", "1h30m", "2d").
 * Returns 0 and sets *usec, or -1 with err set and *usec untouched.
 */
int	parse_duration(const char *s, uint64_t *usec, char *err,
	    size_t errlen);

/*
 * Parses a byte count: digits with an optional binary multiplier,
 * k/K/KiB, M/m/MiB, G/g/GiB or T/t/TiB (1k = 1024).
 * Returns 0 and sets *bytes, or -1 with err set and *bytes untouched.
 */
int	parse_size(const char *s, uint64_t *bytes, char *err, size_t errlen);

/*
 * Formats usec the way parse_duration reads it ("1h30m", "250ms", "0s").
 * The output is always NUL-terminated when len > 0 and is truncated if
 * len < PARSE_DURATION_LEN.
 */
void	parse_duration_format(uint64_t usec, char *buf, size_t len);

/*
 * Formats usec in words for humans ("1 hour 30 minutes", "0 seconds").
 * Same truncation rule, with PARSE_DURATION_WORDS_LEN.
 */
void	parse_duration_words(uint64_t usec, char *buf, size_t len);

/* At most this many input bytes are quoted in a message. */
#define PARSE_QUOTE_MAX		48
/* A buffer that always holds a quoted excerpt. */
#define PARSE_QUOTE_BUFLEN	(PARSE_QUOTE_MAX * 4 + 8)

/*
 * Writes in[0..len) into out as the body of a double-quoted string for an
 * error message: '"' and '\\' escaped, other bytes outside printable ASCII
 * as \xNN, cut to PARSE_QUOTE_MAX bytes with "...".
 */
void	parse_quote(const char *, size_t, char *, size_t);

#endif
