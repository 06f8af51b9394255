/* SPDX-License-Identifier: ISC */
/*
 * period: the text of an observation's period, for timestamptz columns.
 *
 * Feeds name periods in many ways ("2025-12", "2024-M01", "2024-Q3",
 * "202401", Unix seconds); the store wants one ISO 8601 spelling that
 * PostgreSQL reads the same under every DateStyle, with the session
 * TimeZone set to UTC.  Canonical forms:
 *
 *	YYYY-MM-DD
 *		a period that is a day, month, quarter, year or ISO week:
 *		its first day
 *	YYYY-MM-DDTHH:MM:SS[.F](Z|+HH:MM|-HH:MM)
 *		an instant; F is the fraction as written (PostgreSQL keeps
 *		microseconds)
 *
 * Years run from PERIOD_YEAR_MIN to PERIOD_YEAR_MAX (an ISO week must
 * also start in them, which 1800-W01 does not); days are checked
 * against the month, leap years included; a second of 60 (a leap second)
 * is accepted as PostgreSQL accepts it, meaning the next minute.
 *
 * The functions are pure: no allocation, no time zone database, no
 * locale, no logging.  Errors go to a caller buffer as
 * 'expected ..., got "..."' with the input quoted, escaped and shortened.
 * err may be NULL when errlen is 0.
 */
#ifndef UTIL_PERIOD_H
#define UTIL_PERIOD_H

#include <stddef.h>
#include <stdint.h>

#define PERIOD_YEAR_MIN		1800
#define PERIOD_YEAR_MAX		2200
/* A buffer of this size holds every canonical form, NUL included. */
#define PERIOD_MAX_LEN		40

/*
 * Checks in and writes its canonical form to out.  Accepted, around
 * optional ASCII whitespace:
 *	2025-12-01	a day
 *	2025-12, 202512	a month (the second as UN Comtrade writes it)
 *	2024-M01	a month (SDMX)
 *	2024-Q3		a quarter (SDMX): 2024-07-01
 *	2024-W05	an ISO 8601 week: its Monday, 2024-01-29
 *	2025		a year: 2025-01-01
 *	2025-12-15T21:00:00Z, 2025-12-15T21:00:00.123+01:00
 *			an instant, kept with its offset; 't' and 'z' may be
 *			lower case, "+0100" and "+01" become "+01:00"
 *	2025-12-15 21:00:00, 2025-12-15T21:00
 *			an instant without offset, taken as UTC ("Z" is
 *			appended), seconds default to 00
 * Returns 0, or -1 with err set and out untouched.
 */
int	period_normalize(const char *in, char *out, size_t outlen, char *err,
	    size_t errlen);

/*
 * Writes secs since the epoch as "YYYY-MM-DDTHH:MM:SSZ".  Returns 0, or
 * -1 with out untouched if the year is out of range or outlen is short.
 */
int	period_from_unix(int64_t secs, char *out, size_t outlen);

/*
 * Sets *secs to the start of the period s, any text period_normalize
 * accepts, in seconds since the epoch: offsets are applied, a date is
 * midnight UTC, a fraction of a second is dropped.  Returns 0, or -1
 * with *secs untouched if s is not valid.
 */
int	period_to_unix(const char *s, int64_t *secs);

#endif
