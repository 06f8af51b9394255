/* SPDX-License-Identifier: ISC */
/*
 * period: parsing, canonical spelling and Unix-time conversion of period
 * text; see period.h.
 *
 * One parser reads every accepted form into struct period_tm, checks the
 * ranges and reports the first one broken; one formatter writes the
 * canonical form from it, so every output is accepted again unchanged.
 * Calendar arithmetic is done on day numbers with the proleptic Gregorian
 * algorithms of Howard Hinnant's "chrono-compatible low-level date
 * algorithms", not with timegm() or gmtime_r(), so neither TZ nor the
 * width of time_t matters.  Digits are tested as ASCII ranges, never with
 * isdigit().
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/civil.h"
#include "util/parse.h"
#include "util/period.h"

#define PERIOD_FRAC_MAX		9
/* Real offsets run from -12:00 to +14:00. */
#define PERIOD_OFFSET_MAX	(14 * 60)

#define PERIOD_EXPECTED \
	"a date such as 2025-12-01, 2025-12, 2024-M01 or 2025-12-15T21:00:00Z"

struct period_tm {
	int	year;
	int	mon;		/* 1..12 */
	int	day;		/* 1..31 */
	int	has_time;
	int	hour;
	int	min;
	int	sec;		/* 0..60 */
	char	frac[PERIOD_FRAC_MAX + 1];	/* as written, or "" */
	int	has_offset;	/* else UTC, written "Z" */
	int	offset;		/* minutes east of UTC */
	char	offsign;	/* '+' or '-', kept for "-00:00" */
};

static int
period_isdigit(char c)
{
	return (c >= '0' && c <= '9');
}

static int
period_isspace(char c)
{
	return (c == ' ' || c == '\t' || c == '\n' || c == '\v' ||
	    c == '\f' || c == '\r');
}

static void
period_error(char *err, size_t errlen, const char *expected, const char *in)
{
	char	q[PARSE_QUOTE_BUFLEN];

	parse_quote(in, strlen(in), q, sizeof(q));
	/* snprintf accepts err == NULL when errlen is 0. */
	snprintf(err, errlen, "expected %s, got \"%s\"%s", expected, q,
	    strncmp(in, "\xef\xbb\xbf", 3) == 0 ?
	    " (starts with a UTF-8 byte order mark)" : "");
}

/* Reads exactly n digits at p; returns the value, or -1. */
static int
period_num(const char *p, size_t n)
{
	int	v = 0;
	size_t	i;

	for (i = 0; i < n; i++) {
		if (!period_isdigit(p[i]))
			return (-1);
		v = v * 10 + (p[i] - '0');
	}
	return (v);
}

/* Number of ISO weeks in ISO year y: 52, or 53 if it has 53 Thursdays. */
static int
period_weeks(int64_t y)
{
	int64_t	p, q;

	p = (y + y / 4 - y / 100 + y / 400) % 7;
	q = ((y - 1) + (y - 1) / 4 - (y - 1) / 100 + (y - 1) / 400) % 7;
	return (p == 4 || q == 3 ? 53 : 52);
}

/*
 * Reads "HH:MM[:SS[.F]][Z|+HH[[:]MM]|-HH[[:]MM]]" from p.  Returns 0, or
 * -1 on a syntax error; ranges are checked by the caller.
 */
static int
period_time(const char *p, size_t len, struct period_tm *tm)
{
	const char	*e = p + len;
	size_t		 n;
	int		 oh, om = 0;

	if (len < 5 || p[2] != ':')
		return (-1);
	if ((tm->hour = period_num(p, 2)) == -1 ||
	    (tm->min = period_num(p + 3, 2)) == -1)
		return (-1);
	p += 5;
	if (p < e && *p == ':') {
		if (e - p < 3 || (tm->sec = period_num(p + 1, 2)) == -1)
			return (-1);
		p += 3;
		if (p < e && *p == '.') {
			p++;
			for (n = 0; p + n < e && period_isdigit(p[n]); n++)
				;
			if (n == 0 || n > PERIOD_FRAC_MAX)
				return (-1);
			memcpy(tm->frac, p, n);
			tm->frac[n] = '\0';
			p += n;
		}
	}
	if (p == e)
		return (0);
	if ((*p == 'Z' || *p == 'z') && e - p == 1)
		return (0);
	if (*p != '+' && *p != '-')
		return (-1);
	tm->has_offset = 1;
	tm->offsign = *p++;
	if (e - p < 2 || (oh = period_num(p, 2)) == -1)
		return (-1);
	p += 2;
	if (p < e && *p == ':')
		p++;
	if (p < e) {
		if (e - p != 2 || (om = period_num(p, 2)) == -1)
			return (-1);
		/* Out of range either way; the caller says so. */
		if (om > 59)
			om = PERIOD_OFFSET_MAX + 1;
	} else if (p[-1] == ':')
		return (-1);
	tm->offset = oh * 60 + om;
	if (tm->offsign == '-')
		tm->offset = -tm->offset;
	return (0);
}

/*
 * Reads the trimmed text s[0..len) into tm.  Returns 0, or -1 with err
 * set (quoting in, the untrimmed original).
 */
static int
period_parse(const char *in, const char *s, size_t len, struct period_tm *tm,
    char *err, size_t errlen)
{
	enum { PERIOD_DATE, PERIOD_QUARTER, PERIOD_WEEK } kind = PERIOD_DATE;
	char	expected[64];
	int	y, n = 0;
	int64_t	z;

	memset(tm, 0, sizeof(*tm));
	tm->mon = tm->day = 1;
	tm->offsign = '+';
	if (len < 4 || (y = period_num(s, 4)) == -1)
		goto bad;
	tm->year = y;

	if (len == 6) {
		/* yyyymm, as UN Comtrade writes a monthly period */
		if ((tm->mon = period_num(s + 4, 2)) == -1)
			goto bad;
	} else if (len > 4 && s[4] != '-')
		goto bad;
	else if (len == 8 && s[5] == 'M') {
		if ((tm->mon = period_num(s + 6, 2)) == -1)
			goto bad;
	} else if (len == 7 && s[5] == 'Q') {
		kind = PERIOD_QUARTER;
		if ((n = period_num(s + 6, 1)) == -1)
			goto bad;
	} else if (len == 8 && s[5] == 'W') {
		kind = PERIOD_WEEK;
		if ((n = period_num(s + 6, 2)) == -1)
			goto bad;
	} else if (len == 7) {
		if ((tm->mon = period_num(s + 5, 2)) == -1)
			goto bad;
	} else if (len >= 10 && s[7] == '-') {
		if ((tm->mon = period_num(s + 5, 2)) == -1 ||
		    (tm->day = period_num(s + 8, 2)) == -1)
			goto bad;
		if (len > 10) {
			if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
				goto bad;
			tm->has_time = 1;
			if (period_time(s + 11, len - 11, tm) == -1)
				goto bad;
		}
	} else if (len != 4)
		goto bad;

	if (y < PERIOD_YEAR_MIN || y > PERIOD_YEAR_MAX) {
		snprintf(expected, sizeof(expected), "a year between %d and %d",
		    PERIOD_YEAR_MIN, PERIOD_YEAR_MAX);
		period_error(err, errlen, expected, in);
		return (-1);
	}
	switch (kind) {
	case PERIOD_QUARTER:
		if (n < 1 || n > 4) {
			period_error(err, errlen,
			    "a quarter between Q1 and Q4", in);
			return (-1);
		}
		tm->mon = (n - 1) * 3 + 1;
		return (0);
	case PERIOD_WEEK:
		if (n < 1 || n > period_weeks(y)) {
			snprintf(expected, sizeof(expected),
			    "a week between W01 and W%02d for %d",
			    period_weeks(y), y);
			period_error(err, errlen, expected, in);
			return (-1);
		}
		/* Week 1 is the one with 4 January in it. */
		z = civil_days(y, 1, 4);
		z += 7 * (n - 1) - (civil_weekday(z) - 1);
		civil_date(z, &z, &tm->mon, &tm->day);
		/* 1800-W01 starts in 1799: out of range, as its output. */
		if (z < PERIOD_YEAR_MIN) {
			snprintf(expected, sizeof(expected),
			    "a week starting in %d to %d", PERIOD_YEAR_MIN,
			    PERIOD_YEAR_MAX);
			period_error(err, errlen, expected, in);
			return (-1);
		}
		tm->year = (int)z;
		return (0);
	case PERIOD_DATE:
		break;
	}
	if (tm->mon < 1 || tm->mon > 12) {
		period_error(err, errlen, "a month between 01 and 12", in);
		return (-1);
	}
	if (tm->day < 1 || tm->day > civil_mdays(y, tm->mon)) {
		snprintf(expected, sizeof(expected),
		    "a day between 01 and %02d for %04d-%02d",
		    civil_mdays(y, tm->mon), y, tm->mon);
		period_error(err, errlen, expected, in);
		return (-1);
	}
	if (!tm->has_time)
		return (0);
	if (tm->hour > 23) {
		period_error(err, errlen, "an hour between 00 and 23", in);
		return (-1);
	}
	if (tm->min > 59) {
		period_error(err, errlen, "a minute between 00 and 59", in);
		return (-1);
	}
	if (tm->sec > 60) {
		period_error(err, errlen, "a second between 00 and 60", in);
		return (-1);
	}
	if (tm->offset > PERIOD_OFFSET_MAX || tm->offset < -PERIOD_OFFSET_MAX) {
		period_error(err, errlen,
		    "a UTC offset between -14:00 and +14:00", in);
		return (-1);
	}
	return (0);

bad:
	period_error(err, errlen, PERIOD_EXPECTED, in);
	return (-1);
}

/* Parses in with its surrounding whitespace; as period_parse. */
static int
period_read(const char *in, struct period_tm *tm, char *err, size_t errlen)
{
	const char	*s = in, *e = in + strlen(in);

	while (s < e && period_isspace(*s))
		s++;
	while (e > s && period_isspace(e[-1]))
		e--;
	return (period_parse(in, s, (size_t)(e - s), tm, err, errlen));
}

/* Writes the canonical form of tm; returns 0, or -1 if outlen is short. */
static int
period_format(const struct period_tm *tm, char *out, size_t outlen)
{
	char	tmp[PERIOD_MAX_LEN];
	size_t	n;
	int	r, off;

	if (tm->year >= 0 && tm->year <= 9999 && tm->mon >= 0 &&
	    tm->mon <= 99 && tm->day >= 0 && tm->day <= 99) {
		/* What the snprintf below writes, without its cost. */
		tmp[0] = (char)('0' + tm->year / 1000);
		tmp[1] = (char)('0' + tm->year / 100 % 10);
		tmp[2] = (char)('0' + tm->year / 10 % 10);
		tmp[3] = (char)('0' + tm->year % 10);
		tmp[4] = '-';
		tmp[5] = (char)('0' + tm->mon / 10);
		tmp[6] = (char)('0' + tm->mon % 10);
		tmp[7] = '-';
		tmp[8] = (char)('0' + tm->day / 10);
		tmp[9] = (char)('0' + tm->day % 10);
		tmp[10] = '\0';
		r = 10;
	} else
		r = snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", tm->year,
		    tm->mon, tm->day);
	if (r < 0 || (size_t)r >= sizeof(tmp))
		return (-1);
	n = (size_t)r;
	if (tm->has_time) {
		off = tm->offset < 0 ? -tm->offset : tm->offset;
		r = snprintf(tmp + n, sizeof(tmp) - n, "T%02d:%02d:%02d%s%s",
		    tm->hour, tm->min, tm->sec, tm->frac[0] != '\0' ? "." : "",
		    tm->frac);
		if (r < 0 || (size_t)r >= sizeof(tmp) - n)
			return (-1);
		n += (size_t)r;
		if (tm->has_offset)
			r = snprintf(tmp + n, sizeof(tmp) - n, "%c%02d:%02d",
			    tm->offsign, off / 60, off % 60);
		else
			r = snprintf(tmp + n, sizeof(tmp) - n, "Z");
		if (r < 0 || (size_t)r >= sizeof(tmp) - n)
			return (-1);
		n += (size_t)r;
	}
	if (n >= outlen)
		return (-1);
	memcpy(out, tmp, n + 1);
	return (0);
}

int
period_normalize(const char *in, char *out, size_t outlen, char *err,
    size_t errlen)
{
	struct period_tm	tm;
	char			expected[64];

	if (period_read(in, &tm, err, errlen) == -1)
		return (-1);
	if (period_format(&tm, out, outlen) == -1) {
		snprintf(expected, sizeof(expected),
		    "at most %zu characters once normalized",
		    outlen > 0 ? outlen - 1 : 0);
		period_error(err, errlen, expected, in);
		return (-1);
	}
	return (0);
}

int
period_from_unix(int64_t secs, char *out, size_t outlen)
{
	struct period_tm	tm;
	int64_t			z, rem, y;

	/* Floor division: the second before the epoch is 1969-12-31. */
	z = secs / 86400;
	rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		z--;
	}
	memset(&tm, 0, sizeof(tm));
	civil_date(z, &y, &tm.mon, &tm.day);
	if (y < PERIOD_YEAR_MIN || y > PERIOD_YEAR_MAX)
		return (-1);
	tm.year = (int)y;
	tm.has_time = 1;
	tm.hour = (int)(rem / 3600);
	tm.min = (int)(rem / 60 % 60);
	tm.sec = (int)(rem % 60);
	return (period_format(&tm, out, outlen));
}

int
period_to_unix(const char *s, int64_t *secs)
{
	struct period_tm	tm;

	if (period_read(s, &tm, NULL, 0) == -1)
		return (-1);
	*secs = civil_days(tm.year, tm.mon, tm.day) * 86400 +
	    tm.hour * 3600 + tm.min * 60 + tm.sec - (int64_t)tm.offset * 60;
	return (0);
}
