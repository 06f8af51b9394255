/* SPDX-License-Identifier: ISC */
/*
 * civil: proleptic Gregorian calendar arithmetic on day numbers (days
 * since 1970-01-01), after Howard Hinnant's "chrono-compatible low-level
 * date algorithms".
 *
 * Shared by period (period text), schedule (publication schedules) and
 * tzfile (POSIX time zone rules), so that no one needs timegm(),
 * gmtime_r() or TZ, and the width of time_t never matters.  Pure: no
 * allocation, no locale, no global state.
 */
#ifndef UTIL_CIVIL_H
#define UTIL_CIVIL_H

#include <stdint.h>

/* a / b rounded towards minus infinity; b > 0. */
int64_t	civil_floordiv(int64_t, int64_t);

int	civil_leap(int64_t);
/* Days in month m (1..12) of year y. */
int	civil_mdays(int64_t, int);
/* Day number of y-m-d (days_from_civil). */
int64_t	civil_days(int64_t, int, int);
/* The date of a day number (civil_from_days). */
void	civil_date(int64_t, int64_t *, int *, int *);
/* ISO weekday of a day number: Monday 1 .. Sunday 7. */
int	civil_weekday(int64_t);

#endif
