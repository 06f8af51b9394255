/* SPDX-License-Identifier: ISC */
/*
 * schedule: parsing of publication schedules and their due instants; see
 * schedule.h.
 *
 * Calendar arithmetic works on day numbers (util/civil), so neither TZ
 * nor the width of time_t matters.  A due instant is the local day's
 * midnight plus the schedule's minute, taken back to UTC through the
 * fixed offset or the zone (util/tzfile; a wall time skipped by a
 * spring-forward change is read with the offset before it, a repeated one
 * is its first occurrence).  Finding the latest or next due instant walks
 * day by day from the local day of `now`; a monthly schedule is due at
 * least once in any 31 days, so the walk is bounded by SCHEDULE_SCAN
 * days.
 */
#include <stdio.h>
#include <string.h>

#include "alert/schedule.h"
#include "util/civil.h"
#include "util/parse.h"
#include "util/tzfile.h"

#define SCHEDULE_USEC_SEC	INT64_C(1000000)
#define SCHEDULE_SCAN		64

#define SCHEDULE_EXPECTED \
	"a schedule such as \"monthly by day 20\", \"weekly by friday\" or " \
	"\"weekdays by 22:00 America/New_York\""

static const char *const schedule_daynames[] = {
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
	"sunday",
};

static int
schedule_qualifies(const struct schedule *s, int64_t z)
{
	int64_t	y;
	int	m, d, last;

	switch (s->freq) {
	case SCHEDULE_DAILY:
		return (1);
	case SCHEDULE_WEEKDAYS:
		return (civil_weekday(z) <= 5);
	case SCHEDULE_WEEKLY:
		return (civil_weekday(z) == s->day);
	case SCHEDULE_MONTHLY:
		civil_date(z, &y, &m, &d);
		last = civil_mdays(y, m);
		return (d == (s->day < last ? s->day : last));
	}
	return (0);
}

/* The due instant of local day z, unix usec. */
static int64_t
schedule_instant(const struct schedule *s, int64_t z)
{
	int64_t	local = (z * 1440 + s->minute) * 60;

	if (s->zone != NULL)
		return (tzfile_from_local(s->zone, local) * SCHEDULE_USEC_SEC);
	return ((local - s->offset * 60) * SCHEDULE_USEC_SEC);
}

/* The local day number of now. */
static int64_t
schedule_local_day(const struct schedule *s, int64_t now)
{
	int64_t	secs = civil_floordiv(now, SCHEDULE_USEC_SEC);

	secs += s->zone != NULL ? tzfile_offset(s->zone, secs) :
	    s->offset * 60;
	return (civil_floordiv(secs, 86400));
}

/* Start of the period expected by the due instant of local day z. */
static int64_t
schedule_expect(const struct schedule *s, int64_t z)
{
	int64_t	y;
	int	m, d, lag;

	switch (s->freq) {
	case SCHEDULE_DAILY:
		z -= s->lag;
		break;
	case SCHEDULE_WEEKDAYS:
		for (lag = s->lag; lag > 0;) {
			z--;
			if (civil_weekday(z) <= 5)
				lag--;
		}
		break;
	case SCHEDULE_WEEKLY:
		z -= civil_weekday(z) - 1 + 7 * (int64_t)s->lag;
		break;
	case SCHEDULE_MONTHLY:
		civil_date(z, &y, &m, &d);
		m -= s->lag;
		while (m < 1) {
			m += 12;
			y--;
		}
		z = civil_days(y, m, 1);
		break;
	}
	return (z * 86400 * INT64_C(1000000));
}

void
schedule_due(const struct schedule *s, int64_t now, int64_t *due,
    int64_t *expect)
{
	int64_t	z, z0 = schedule_local_day(s, now);

	for (z = z0; z > z0 - SCHEDULE_SCAN; z--) {
		if (schedule_qualifies(s, z) && schedule_instant(s, z) <= now)
			break;
	}
	*due = schedule_instant(s, z);
	*expect = schedule_expect(s, z);
}

int64_t
schedule_next(const struct schedule *s, int64_t now)
{
	int64_t	z, z0 = schedule_local_day(s, now);

	/* A due minute of 1440 lies in the next local day. */
	for (z = z0 - 1; z < z0 + SCHEDULE_SCAN; z++) {
		if (schedule_qualifies(s, z) && schedule_instant(s, z) > now)
			break;
	}
	return (schedule_instant(s, z));
}

static int
schedule_num(const char *p, size_t n, int *v)
{
	size_t	i;

	*v = 0;
	if (n == 0 || n > 2)
		return (-1);
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return (-1);
		*v = *v * 10 + (p[i] - '0');
	}
	return (0);
}

/* "HH:MM" into minutes; -1 if it is not one. */
static int
schedule_time(const char *tok)
{
	const char	*colon = strchr(tok, ':');
	int		 h, m;

	if (colon == NULL || schedule_num(tok, (size_t)(colon - tok), &h) ||
	    strlen(colon + 1) != 2 || schedule_num(colon + 1, 2, &m))
		return (-1);
	if (h > 24 || m > 59 || (h == 24 && m != 0))
		return (-1);
	return (h * 60 + m);
}

/* 0 and *offset for UTC or a UTC offset, -1 if tok is neither. */
static int
schedule_offset(const char *tok, int *offset)
{
	const char	*p;
	int		 h, m = 0, sign;

	if (strcmp(tok, "UTC") == 0 || strcmp(tok, "Z") == 0 ||
	    strcmp(tok, "utc") == 0) {
		*offset = 0;
		return (0);
	}
	if (tok[0] != '+' && tok[0] != '-')
		return (-1);
	sign = tok[0] == '-' ? -1 : 1;
	p = strchr(tok + 1, ':');
	if (p == NULL) {
		if (schedule_num(tok + 1, strlen(tok + 1), &h))
			return (-1);
	} else if (schedule_num(tok + 1, (size_t)(p - tok - 1), &h) ||
	    strlen(p + 1) != 2 || schedule_num(p + 1, 2, &m))
		return (-1);
	if (h > 14 || m > 59 || (h == 14 && m != 0))
		return (-1);
	*offset = sign * (h * 60 + m);
	return (0);
}

static int
schedule_dayname(const char *tok)
{
	char	low[16];
	size_t	i, n = strlen(tok);

	if (n < 3 || n >= sizeof(low))
		return (-1);
	for (i = 0; i <= n; i++)
		low[i] = (tok[i] >= 'A' && tok[i] <= 'Z') ?
		    (char)(tok[i] - 'A' + 'a') : tok[i];
	for (i = 0; i < 7; i++) {
		if (strcmp(low, schedule_daynames[i]) == 0 ||
		    (n == 3 && strncmp(low, schedule_daynames[i], 3) == 0))
			return ((int)i + 1);
	}
	return (-1);
}

int
schedule_parse(const char *in, struct schedule *s, char *err, size_t errlen)
{
	char		 buf[128], q[PARSE_QUOTE_BUFLEN], *tok[8], *p, *save;
	size_t		 ntok = 0, i = 2;
	int		 v;

	memset(s, 0, sizeof(*s));
	parse_quote(in, strlen(in), q, sizeof(q));
	if (strlen(in) >= sizeof(buf))
		goto bad;
	memcpy(buf, in, strlen(in) + 1);
	for (p = strtok_r(buf, " \t", &save); p != NULL;
	    p = strtok_r(NULL, " \t", &save)) {
		if (ntok == sizeof(tok) / sizeof(tok[0]))
			goto bad;
		tok[ntok++] = p;
	}
	if (ntok < 3 || strcmp(tok[1], "by") != 0)
		goto bad;
	if (strcmp(tok[0], "daily") == 0)
		s->freq = SCHEDULE_DAILY;
	else if (strcmp(tok[0], "weekdays") == 0)
		s->freq = SCHEDULE_WEEKDAYS;
	else if (strcmp(tok[0], "weekly") == 0)
		s->freq = SCHEDULE_WEEKLY;
	else if (strcmp(tok[0], "monthly") == 0)
		s->freq = SCHEDULE_MONTHLY;
	else
		goto bad;

	s->minute = 1440;
	switch (s->freq) {
	case SCHEDULE_DAILY:
	case SCHEDULE_WEEKDAYS:
		if ((s->minute = schedule_time(tok[i++])) < 0)
			goto bad;
		break;
	case SCHEDULE_WEEKLY:
		if ((s->day = schedule_dayname(tok[i++])) < 0)
			goto bad;
		break;
	case SCHEDULE_MONTHLY:
		if (strcmp(tok[i++], "day") != 0 || i == ntok ||
		    schedule_num(tok[i], strlen(tok[i]), &v) || v < 1 ||
		    v > 31)
			goto bad;
		s->day = v;
		i++;
		s->lag = 1;
		break;
	}
	if (i < ntok && (s->freq == SCHEDULE_WEEKLY ||
	    s->freq == SCHEDULE_MONTHLY) && strchr(tok[i], ':') != NULL &&
	    tok[i][0] != '+' && tok[i][0] != '-') {
		if ((s->minute = schedule_time(tok[i++])) < 0)
			goto bad;
	}
	if (i < ntok) {
		if (schedule_offset(tok[i], &s->offset) == -1) {
			if (tok[i][0] == '+' || tok[i][0] == '-')
				goto bad;
			/* A named zone: the tzdata file or a clear error. */
			if ((s->zone = tzfile_load(tok[i], err, errlen)) ==
			    NULL)
				return (-1);
		}
		i++;
	}
	if (i != ntok)
		goto bad;
	return (0);
bad:
	schedule_free(s);
	snprintf(err, errlen, "expected %s, got \"%s\"", SCHEDULE_EXPECTED, q);
	return (-1);
}

void
schedule_free(struct schedule *s)
{
	tzfile_free(s->zone);
	s->zone = NULL;
}
