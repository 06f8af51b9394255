/* SPDX-License-Identifier: ISC */
/*
 * schedule: the publication schedules of `stale` rules ("monthly by day
 * 20", "weekdays by 22:00 America/New_York") and the due instants they
 * imply.
 *
 * A schedule names due days (every day, Monday to Friday, one weekday,
 * or one day of the month) and a minute of that day on a wall clock: UTC,
 * a fixed offset from UTC, or a named zone of the tz database, whose
 * daylight saving changes are followed (a New York close is 03:00Z in
 * winter and 02:00Z in summer).  At each due instant the data of one
 * period must be present: the period that contains the due day (daily,
 * weekdays, weekly) or the month before it (monthly), moved back by `lag`
 * further periods.
 *
 * A schedule owns its zone (util/tzfile), read once by schedule_parse;
 * schedule_free releases it.  schedule_due and schedule_next are pure: no
 * allocation, no I/O, no TZ.
 */
#ifndef ALERT_SCHEDULE_H
#define ALERT_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

struct tzfile;

enum schedule_freq {
	SCHEDULE_DAILY,
	SCHEDULE_WEEKDAYS,
	SCHEDULE_WEEKLY,
	SCHEDULE_MONTHLY,
};

struct schedule {
	enum schedule_freq	freq;
	int			day;	/* weekly: 1 (Monday) .. 7; monthly:
					 * 1..31, clamped to the month's
					 * last day; else 0 */
	int			minute;	/* of the due day, 0..1440; 1440 is
					 * the end of the day ("by day 20") */
	int			offset;	/* minutes east of UTC, without
					 * zone */
	struct tzfile		*zone;	/* a named zone, or NULL */
	int			lag;	/* periods further back than the
					 * default expected period */
};

/*
 * Parses "FREQ by WHEN [ZONE]":
 *	daily by HH:MM		weekdays by HH:MM
 *	weekly by DAY [HH:MM]	monthly by day N [HH:MM]
 * DAY is monday..sunday (or mon..sun), N 1..31, HH:MM 00:00..24:00;
 * without a time the due instant is the end of the day.  ZONE is UTC, Z,
 * +HH:MM, -HH:MM, +HH, -HH or a zone name such as America/New_York (read
 * from $TZDIR or /usr/share/zoneinfo); the default is UTC.  lag is set to
 * the default of the frequency: 1 for monthly (a month's data is due in
 * the next month), 0 otherwise.  Returns 0, or -1 with err set and
 * nothing to free.
 */
int	schedule_parse(const char *, struct schedule *, char *, size_t);

/*
 * The latest due instant at or before now (unix usec) in *due, and the
 * start of the period whose data must be present by then (a date at
 * midnight UTC, unix usec, as period_to_unix gives for "YYYY-MM-DD") in
 * *expect.
 */
void	schedule_due(const struct schedule *, int64_t, int64_t *, int64_t *);

/* The first due instant after now (unix usec). */
int64_t	schedule_next(const struct schedule *, int64_t);

/* Releases the zone of a parsed schedule; s itself stays usable. */
void	schedule_free(struct schedule *);

#endif
