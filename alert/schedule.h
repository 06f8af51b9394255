/* SPDX-License-Identifier: ISC */
/*
 * schedule: the publication schedules of `stale` rules ("monthly by day
 * 20", "weekdays by 22:00 -05:00") and the due instants they imply.
 *
 * A schedule names due days (every day, Monday to Friday, one weekday,
 * or one day of the month) and a minute of that day in a fixed offset
 * from UTC.  At each due instant the data of one period must be present:
 * the period that contains the due day (daily, weekdays, weekly) or the
 * month before it (monthly), moved back by `lag` further periods.
 *
 * Pure: no allocation, no time zone database, no locale.  Named zones
 * ("America/New_York") are refused with a message asking for an offset:
 * supporting them needs the zoneinfo files (I/O) or TZ (global state),
 * which the engine avoids; this is a documented TODO.
 */
#ifndef ALERT_SCHEDULE_H
#define ALERT_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

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
	int			offset;	/* minutes east of UTC */
	int			lag;	/* periods further back than the
					 * default expected period */
};

/*
 * Parses "FREQ by WHEN [ZONE]":
 *	daily by HH:MM		weekdays by HH:MM
 *	weekly by DAY [HH:MM]	monthly by day N [HH:MM]
 * DAY is monday..sunday (or mon..sun), N 1..31, HH:MM 00:00..24:00;
 * without a time the due instant is the end of the day.  ZONE is UTC, Z,
 * +HH:MM, -HH:MM, +HH or -HH; the default is UTC.  lag is set to the
 * default of the frequency: 1 for monthly (a month's data is due in the
 * next month), 0 otherwise.  Returns 0, or -1 with err set.
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

/* Days since 1970-01-01 of a proleptic Gregorian date; exposed for the
 * engine and tests. */
int64_t	schedule_days(int, int, int);

#endif
