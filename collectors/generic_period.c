/* SPDX-License-Identifier: ISC */
/*
 * generic_period: the period_format and timezone options of the generic
 * kinds, and the conversion of a field's text into a canonical period;
 * see generic.h.
 *
 * period_format is one of
 *	iso	anything period_normalize reads (2025-12-01, 2025-12,
 *		2024-Q3, 2025-12-15T21:00:00Z ...)
 *	unix	integer seconds since the epoch; a fraction is kept
 *	unix_ms	integer milliseconds; a fraction is kept
 *	yyyymm	six digits, 202512
 *	a format with % directives: a small strptime() of our own, since
 *	the C library's depends on the locale.  %Y (4 digits), %y (2
 *	digits, 69-99 are 19xx as POSIX says), %m %d %e %H %M %S (1 or 2
 *	digits), %b %B %h (English month names, full, abbreviated or
 *	"Sept", any case), %q (quarter 1-4), %f (1-9 fraction digits),
 *	%z (Z, +03, +0300, +03:00), %F (%Y-%m-%d), %T (%H:%M:%S), %%.  A
 *	space matches any run of white space, even none; any other
 *	character matches itself.  Fields not given default to the start
 *	of the period (month 1, day 1, 00:00:00).
 *
 * A time written without an offset is in the zone of the timezone
 * option: "UTC", a fixed offset such as "+03:00", or a named zone of the
 * tz database ("America/New_York", read once at configure time through
 * util/tzfile, never through TZ and tzset()).  The offset is kept in the
 * output (period_normalize keeps offsets): a named zone's offset in force
 * at that wall time, daylight saving followed (a time that occurs twice
 * is its first occurrence, one that does not occur is read with the
 * offset before the change); an offset that is not whole minutes (local
 * mean time before the zones) is written as the same instant in UTC.  A
 * date without a time is a calendar period and is never shifted; Unix
 * times are absolute and never are either.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/generic.h"
#include "util/civil.h"
#include "util/period.h"
#include "util/tzfile.h"
#include "util/xmalloc.h"

/* Offsets run from -14:00 to +14:00, as period.c accepts. */
#define GENERIC_PERIOD_OFFSET_MAX	(14 * 60)
#define GENERIC_PERIOD_EXPECTED \
	"iso, unix, unix_ms, yyyymm or a format with % directives such " \
	"as \"%d/%m/%Y\""

static int
generic_period_isspace(char c)
{
	return (c == ' ' || c == '\t' || c == '\n' || c == '\v' ||
	    c == '\f' || c == '\r');
}

static int
generic_period_isdigit(char c)
{
	return (c >= '0' && c <= '9');
}

static char
generic_period_lower(char c)
{
	return (c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c);
}

/* Reads [+-]HH[[:]MM] at s into minutes east; returns 0 or -1. */
static int
generic_period_offset(const char *s, size_t len, int *out)
{
	int	h, m = 0;

	if (len < 3 || (s[0] != '+' && s[0] != '-') ||
	    !generic_period_isdigit(s[1]) || !generic_period_isdigit(s[2]))
		return (-1);
	h = (s[1] - '0') * 10 + (s[2] - '0');
	if (len == 6 && s[3] == ':' && generic_period_isdigit(s[4]) &&
	    generic_period_isdigit(s[5]))
		m = (s[4] - '0') * 10 + (s[5] - '0');
	else if (len == 5 && generic_period_isdigit(s[3]) &&
	    generic_period_isdigit(s[4]))
		m = (s[3] - '0') * 10 + (s[4] - '0');
	else if (len != 3)
		return (-1);
	if (m > 59 || h * 60 + m > GENERIC_PERIOD_OFFSET_MAX)
		return (-1);
	*out = (s[0] == '-' ? -1 : 1) * (h * 60 + m);
	return (0);
}

static int
generic_period_configure_tz(const struct feed *f, struct generic_opts *g,
    char *err, size_t errlen)
{
	const char	*tz = feed_get(f, "timezone");
	char		 q[PARSE_QUOTE_BUFLEN], why[256];

	if (tz == NULL || strcmp(tz, "UTC") == 0 || strcmp(tz, "Z") == 0)
		return (0);
	if (generic_period_offset(tz, strlen(tz), &g->tz_offset) == 0)
		return (0);
	parse_quote(tz, strlen(tz), q, sizeof(q));
	if (tz[0] == '+' || tz[0] == '-' || (tz[0] >= '0' && tz[0] <= '9')) {
		snprintf(err, errlen, "timezone: expected \"UTC\", a fixed "
		    "offset such as \"+03:00\" or \"-05:00\", or a zone such "
		    "as \"America/New_York\", got \"%s\"", q);
		return (-1);
	}
	if ((g->tz = tzfile_load(tz, why, sizeof(why))) == NULL) {
		snprintf(err, errlen, "timezone: %s", why);
		return (-1);
	}
	return (0);
}

/*
 * A wall time of g's named zone as an instant: sets *off to the offset in
 * force, in minutes, or, when it is not whole minutes, moves the fields
 * to UTC and sets *off to 0.
 */
static void
generic_period_named(const struct generic_opts *g, int *year, int *mon,
    int *day, int *hour, int *min, int *sec, int *off)
{
	int64_t	local, utc, secs, days, y;
	int	m, d;

	local = civil_days(*year, *mon, *day) * 86400 + *hour * 3600 +
	    *min * 60 + *sec;
	utc = tzfile_from_local(g->tz, local);
	secs = local - utc;
	if (secs % 60 == 0) {
		*off = (int)(secs / 60);
		return;
	}
	days = civil_floordiv(utc, 86400);
	civil_date(days, &y, &m, &d);
	secs = utc - days * 86400;
	*year = (int)y;
	*mon = m;
	*day = d;
	*hour = (int)(secs / 3600);
	*min = (int)(secs / 60 % 60);
	*sec = (int)(secs % 60);
	*off = 0;
}

/*
 * Walks the % format fmt and counts each directive in seen[]; expands %F
 * and %T.  Returns 0, or -1 with a message.
 */
static int
generic_period_scan(const char *fmt, const char *whole, int *seen,
    char *err, size_t errlen)
{
	const char	*p;
	char		 c;

	for (p = fmt; *p != '\0'; p++) {
		if (*p != '%')
			continue;
		c = *++p;
		switch (c) {
		case 'F':
			if (generic_period_scan("%Y-%m-%d", whole, seen, err,
			    errlen) == -1)
				return (-1);
			continue;
		case 'T':
			if (generic_period_scan("%H:%M:%S", whole, seen, err,
			    errlen) == -1)
				return (-1);
			continue;
		case 'B':
		case 'h':
			c = 'b';
			break;
		case 'e':
			c = 'd';
			break;
		case '%':
			continue;
		case '\0':
			snprintf(err, errlen, "period_format: \"%s\" ends with "
			    "a lone \"%%\"", whole);
			return (-1);
		default:
			break;
		}
		if (strchr("YymbdqHMSfz", c) == NULL) {
			snprintf(err, errlen, "period_format: unknown "
			    "directive \"%%%c\" in \"%s\" (known: %%Y %%y %%m "
			    "%%b %%B %%d %%e %%q %%H %%M %%S %%f %%z %%F %%T "
			    "%%%%)", c, whole);
			return (-1);
		}
		if (seen[(unsigned char)c]++ > 0 ||
		    (c == 'Y' && seen['y'] > 0) ||
		    (c == 'y' && seen['Y'] > 0) ||
		    (c == 'b' && seen['m'] > 0) ||
		    (c == 'm' && seen['b'] > 0)) {
			snprintf(err, errlen, "period_format: \"%s\" gives the "
			    "%s twice", whole, c == 'Y' || c == 'y' ? "year" :
			    c == 'm' || c == 'b' ? "month" : "same field");
			return (-1);
		}
	}
	return (0);
}

static int
generic_period_configure_format(const struct feed *f, struct generic_opts *g,
    char *err, size_t errlen)
{
	const char	*v = feed_get(f, "period_format");
	const char	*why = NULL;
	int		 seen[256];

	if (v == NULL || strcmp(v, "iso") == 0)
		g->pformat = GENERIC_PF_ISO;
	else if (strcmp(v, "unix") == 0)
		g->pformat = GENERIC_PF_UNIX;
	else if (strcmp(v, "unix_ms") == 0)
		g->pformat = GENERIC_PF_UNIX_MS;
	else if (strcmp(v, "yyyymm") == 0)
		g->pformat = GENERIC_PF_YYYYMM;
	else if (strchr(v, '%') == NULL) {
		snprintf(err, errlen, "period_format: expected %s, got \"%s\"",
		    GENERIC_PERIOD_EXPECTED, v);
		return (-1);
	} else {
		memset(seen, 0, sizeof(seen));
		if (generic_period_scan(v, v, seen, err, errlen) == -1)
			return (-1);
		if (!seen['Y'] && !seen['y'])
			why = "no year (%Y or %y)";
		else if (seen['q'] && (seen['m'] || seen['b']))
			why = "both a quarter and a month";
		else if (seen['d'] && !seen['m'] && !seen['b'])
			why = "a day but no month (%m or %b)";
		else if (seen['H'] && !seen['d'])
			why = "an hour but no day (%d)";
		else if (seen['M'] && !seen['H'])
			why = "minutes but no hour (%H)";
		else if (seen['S'] && !seen['M'])
			why = "seconds but no minutes (%M)";
		else if (seen['f'] && !seen['S'])
			why = "a fraction but no seconds (%S)";
		else if (seen['z'] && !seen['H'])
			why = "an offset but no time (%H)";
		if (why != NULL) {
			snprintf(err, errlen, "period_format: \"%s\" has %s", v,
			    why);
			return (-1);
		}
		g->pformat = GENERIC_PF_STRP;
		g->pfmt = xstrdup(v);
	}
	return (0);
}

static int
generic_period_mdays(int y, int m)
{
	static const int	days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return (29);
	return (days[m - 1]);
}

/* What a % format read. */
struct generic_period_tm {
	int	year, mon, day, hour, min, sec, quarter;
	int	has_time, has_off, off;
	char	frac[10];
};

/* Reads min..max digits at *sp into *v; returns 0 or -1. */
static int
generic_period_digits(const char **sp, const char *e, size_t min,
    size_t max, int *v)
{
	const char	*s = *sp;
	size_t		 n = 0;

	*v = 0;
	while (s + n < e && n < max && generic_period_isdigit(s[n])) {
		*v = *v * 10 + (s[n] - '0');
		n++;
	}
	if (n < min)
		return (-1);
	*sp = s + n;
	return (0);
}

static int
generic_period_month(const char **sp, const char *e, int *mon)
{
	static const char *const names[] = { "january", "february", "march",
	    "april", "may", "june", "july", "august", "september", "october",
	    "november", "december" };
	const char	*s = *sp;
	size_t		 i, n, len;

	for (i = 0; i < 12; i++) {
		len = strlen(names[i]);
		/* The full name first, then "sept", then the abbreviation. */
		for (n = 0; n < len && s + n < e &&
		    generic_period_lower(s[n]) == names[i][n]; n++)
			;
		if (n == len || (i == 8 && n == 4)) {
			*sp = s + n;
			*mon = (int)i + 1;
			return (0);
		}
		if (n >= 3) {
			*sp = s + 3;
			*mon = (int)i + 1;
			return (0);
		}
	}
	return (-1);
}

/* Matches the input at *sp against fmt; returns 0 or -1. */
static int
generic_period_match(const char *fmt, const char **sp, const char *e,
    struct generic_period_tm *tm)
{
	const char	*s = *sp, *p, *t;
	int		 v;

	for (p = fmt; *p != '\0'; p++) {
		if (*p == ' ') {
			while (s < e && generic_period_isspace(*s))
				s++;
			continue;
		}
		if (*p != '%' || p[1] == '%') {
			if (*p == '%')
				p++;
			if (s >= e || *s != *p)
				return (-1);
			s++;
			continue;
		}
		switch (*++p) {
		case 'Y':
			if (generic_period_digits(&s, e, 4, 4, &tm->year) == -1)
				return (-1);
			break;
		case 'y':
			if (generic_period_digits(&s, e, 2, 2, &v) == -1)
				return (-1);
			tm->year = v < 69 ? 2000 + v : 1900 + v;
			break;
		case 'm':
			if (generic_period_digits(&s, e, 1, 2, &tm->mon) == -1)
				return (-1);
			break;
		case 'b':
		case 'B':
		case 'h':
			if (generic_period_month(&s, e, &tm->mon) == -1)
				return (-1);
			break;
		case 'e':
			if (s < e && *s == ' ')
				s++;
			/* FALLTHROUGH */
		case 'd':
			if (generic_period_digits(&s, e, 1, 2, &tm->day) == -1)
				return (-1);
			break;
		case 'q':
			if (generic_period_digits(&s, e, 1, 1, &tm->quarter) ==
			    -1 || tm->quarter < 1 || tm->quarter > 4)
				return (-1);
			break;
		case 'H':
			tm->has_time = 1;
			if (generic_period_digits(&s, e, 1, 2, &tm->hour) == -1)
				return (-1);
			break;
		case 'M':
			if (generic_period_digits(&s, e, 1, 2, &tm->min) == -1)
				return (-1);
			break;
		case 'S':
			if (generic_period_digits(&s, e, 1, 2, &tm->sec) == -1)
				return (-1);
			break;
		case 'f':
			for (t = s; t < e && t - s < 9 &&
			    generic_period_isdigit(*t); t++)
				;
			if (t == s)
				return (-1);
			memcpy(tm->frac, s, (size_t)(t - s));
			tm->frac[t - s] = '\0';
			s = t;
			break;
		case 'z':
			if (s < e && (*s == 'Z' || *s == 'z')) {
				tm->has_off = 1;
				s++;
				break;
			}
			/* A sign, then digits and colons: +03, +0300, +03:00 */
			for (t = s; t < e && t - s < 6; t++) {
				if (t == s ? *t != '+' && *t != '-' :
				    !generic_period_isdigit(*t) && *t != ':')
					break;
			}
			if (generic_period_offset(s, (size_t)(t - s),
			    &tm->off) == -1)
				return (-1);
			tm->has_off = 1;
			s = t;
			break;
		case 'F':
			if (generic_period_match("%Y-%m-%d", &s, e,
			    tm) == -1)
				return (-1);
			break;
		case 'T':
			if (generic_period_match("%H:%M:%S", &s, e,
			    tm) == -1)
				return (-1);
			break;
		default:
			/* configure() let no other directive through. */
			return (-1);
		}
	}
	*sp = s;
	return (0);
}

static int
generic_period_strp(const struct generic_opts *g, const char *in,
    char *out, size_t outlen, char *err, size_t errlen)
{
	struct generic_period_tm	 tm;
	const char			*s, *e, *why = NULL;
	char				 iso[96], zone[32];
	char				 q[PARSE_QUOTE_BUFLEN];
	size_t				 len = strlen(in);
	int				 off;

	s = generic_trim(in, &len);
	e = s + len;
	memset(&tm, 0, sizeof(tm));
	tm.mon = tm.day = 1;
	if (generic_period_match(g->pfmt, &s, e, &tm) == -1 || s != e)
		goto bad;
	if (tm.quarter != 0)
		tm.mon = (tm.quarter - 1) * 3 + 1;
	if (tm.year < PERIOD_YEAR_MIN || tm.year > PERIOD_YEAR_MAX)
		why = "year out of range";
	else if (tm.mon < 1 || tm.mon > 12)
		why = "no such month";
	else if (tm.day < 1 || tm.day > generic_period_mdays(tm.year, tm.mon))
		why = "no such day in that month";
	else if (tm.hour > 23 || tm.min > 59 || tm.sec > 60)
		why = "no such time of day";
	if (why != NULL)
		goto bad;
	if (!tm.has_time)
		snprintf(iso, sizeof(iso), "%04d-%02d-%02d", tm.year, tm.mon,
		    tm.day);
	else {
		off = tm.has_off ? tm.off : g->tz_offset;
		if (!tm.has_off && g->tz != NULL)
			generic_period_named(g, &tm.year, &tm.mon, &tm.day,
			    &tm.hour, &tm.min, &tm.sec, &off);
		if (off == 0)
			snprintf(zone, sizeof(zone), "Z");
		else
			snprintf(zone, sizeof(zone), "%c%02d:%02d",
			    off < 0 ? '-' : '+', abs(off) / 60, abs(off) % 60);
		snprintf(iso, sizeof(iso), "%04d-%02d-%02dT%02d:%02d:%02d"
		    "%s%s%s", tm.year, tm.mon, tm.day, tm.hour, tm.min,
		    tm.sec, tm.frac[0] != '\0' ? "." : "", tm.frac, zone);
	}
	if (period_normalize(iso, out, outlen, NULL, 0) == 0)
		return (0);
	why = "not a valid period";
bad:
	parse_quote(in, strlen(in), q, sizeof(q));
	snprintf(err, errlen, "expected a period in the format \"%s\", got "
	    "\"%s\"%s%s%s", g->pfmt, q, why != NULL ? " (" : "",
	    why != NULL ? why : "", why != NULL ? ")" : "");
	return (-1);
}

/* Unix seconds or milliseconds, with an optional fraction. */
static int
generic_period_unix(const char *in, int ms, char *out, size_t outlen,
    char *err, size_t errlen)
{
	const char	*s, *e;
	char		 tmp[PERIOD_MAX_LEN], frac[16], q[PARSE_QUOTE_BUFLEN];
	size_t		 len = strlen(in), n;
	int64_t		 ipart = 0, fpart = 0, scale, ns, secs, rem;
	int		 neg = 0, fdig = 0, maxf = ms ? 6 : 9;

	s = generic_trim(in, &len);
	e = s + len;
	if (s < e && *s == '-') {
		neg = 1;
		s++;
	}
	if (s == e || !generic_period_isdigit(*s))
		goto bad;
	for (n = 0; s < e && generic_period_isdigit(*s); s++, n++) {
		if (n == 16)
			goto range;
		ipart = ipart * 10 + (*s - '0');
	}
	if (s < e && *s == '.') {
		if (++s == e || !generic_period_isdigit(*s))
			goto bad;
		for (; s < e && generic_period_isdigit(*s); s++) {
			if (fdig == maxf) {
				if (*s != '0')
					goto bad;
				continue;
			}
			fpart = fpart * 10 + (*s - '0');
			fdig++;
		}
	}
	if (s != e)
		goto bad;
	/* Bound before scaling: 9e9 s and 9e12 ms are past 2200 already. */
	if ((!ms && ipart > INT64_C(9000000000)) ||
	    (ms && ipart > INT64_C(9000000000000)))
		goto range;
	for (; fdig < maxf; fdig++)
		fpart *= 10;
	scale = ms ? INT64_C(1000000) : INT64_C(1000000000);
	ns = ipart * scale + fpart;
	if (neg)
		ns = -ns;
	secs = ns / INT64_C(1000000000);
	rem = ns % INT64_C(1000000000);
	if (rem < 0) {
		rem += INT64_C(1000000000);
		secs--;
	}
	if (period_from_unix(secs, tmp, sizeof(tmp)) == -1)
		goto range;
	if (rem != 0) {
		/* "...:SSZ" becomes "...:SS.fffZ", trailing zeros cut. */
		snprintf(frac, sizeof(frac), ".%09lld", (long long)rem);
		for (n = strlen(frac); frac[n - 1] == '0'; n--)
			;
		frac[n] = '\0';
		len = strlen(tmp);
		if (len + n + 1 > sizeof(tmp))
			goto range;
		memcpy(tmp + len - 1, frac, n);
		memcpy(tmp + len - 1 + n, "Z", 2);
	}
	if (strlen(tmp) >= outlen)
		goto range;
	memcpy(out, tmp, strlen(tmp) + 1);
	return (0);

bad:
	parse_quote(in, strlen(in), q, sizeof(q));
	snprintf(err, errlen, "expected Unix time in %s such as %s, got \"%s\"",
	    ms ? "milliseconds" : "seconds", ms ? "1735689600000" :
	    "1735689600", q);
	return (-1);
range:
	parse_quote(in, strlen(in), q, sizeof(q));
	snprintf(err, errlen, "expected Unix time in %s within the years "
	    "%d to %d, got \"%s\"", ms ? "milliseconds" : "seconds",
	    PERIOD_YEAR_MIN, PERIOD_YEAR_MAX, q);
	return (-1);
}

int
generic_period_configure(const struct feed *f, struct generic_opts *g,
    char *err, size_t errlen)
{
	if (generic_period_configure_format(f, g, err, errlen) == -1 ||
	    generic_period_configure_tz(f, g, err, errlen) == -1)
		return (-1);
	return (0);
}

/*
 * canon, period_normalize's "YYYY-MM-DDTHH:MM:SS[.F]Z" of a wall time,
 * read in g's named zone instead of UTC.
 */
static int
generic_period_iso_named(const struct generic_opts *g, const char *canon,
    char *out, size_t outlen, char *err, size_t errlen)
{
	char	iso[96], zone[16], frac[16] = "";
	int	y, mo, d, h, mi, sec, off, n = 0;
	size_t	flen;

	if (sscanf(canon, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi,
	    &sec, &n) != 6 || n != 19) {
		snprintf(err, errlen, "period: not a canonical instant");
		return (-1);
	}
	if (canon[19] == '.') {
		flen = strcspn(canon + 20, "Z");
		if (flen >= sizeof(frac)) {
			snprintf(err, errlen, "period too long");
			return (-1);
		}
		memcpy(frac, canon + 20, flen);
		frac[flen] = '\0';
	}
	generic_period_named(g, &y, &mo, &d, &h, &mi, &sec, &off);
	if (off == 0)
		snprintf(zone, sizeof(zone), "Z");
	else
		snprintf(zone, sizeof(zone), "%c%02d:%02d", off < 0 ? '-' : '+',
		    abs(off) / 60, abs(off) % 60);
	snprintf(iso, sizeof(iso), "%04d-%02d-%02dT%02d:%02d:%02d%s%s%s", y,
	    mo, d, h, mi, sec, frac[0] != '\0' ? "." : "", frac, zone);
	return (period_normalize(iso, out, outlen, err, errlen));
}

int
generic_period(const struct generic_opts *g, const char *in, char *out,
    size_t outlen, char *err, size_t errlen)
{
	char		 tmp[PERIOD_MAX_LEN], q[PARSE_QUOTE_BUFLEN];
	const char	*s, *z;
	size_t		 len = strlen(in), n;

	switch (g->pformat) {
	case GENERIC_PF_UNIX:
		return (generic_period_unix(in, 0, out, outlen, err, errlen));
	case GENERIC_PF_UNIX_MS:
		return (generic_period_unix(in, 1, out, outlen, err, errlen));
	case GENERIC_PF_STRP:
		return (generic_period_strp(g, in, out, outlen, err, errlen));
	case GENERIC_PF_YYYYMM:
		s = generic_trim(in, &len);
		for (n = 0; n < len && generic_period_isdigit(s[n]); n++)
			;
		if (len != 6 || n != 6) {
			parse_quote(in, strlen(in), q, sizeof(q));
			snprintf(err, errlen, "expected a month as YYYYMM such "
			    "as 202512, got \"%s\"", q);
			return (-1);
		}
		return (period_normalize(in, out, outlen, err, errlen));
	case GENERIC_PF_ISO:
		break;
	}
	if (period_normalize(in, tmp, sizeof(tmp), err, errlen) == -1)
		return (-1);
	/*
	 * An instant written without an offset is in the configured zone:
	 * period_normalize took it as UTC and wrote "Z", which is replaced.
	 * The input's time part starts at 11; an offset there is '+', '-'
	 * or 'Z' (the date's dashes are before it).
	 */
	s = generic_trim(in, &len);
	n = strlen(tmp);
	if ((g->tz_offset != 0 || g->tz != NULL) && len > 11 &&
	    tmp[n - 1] == 'Z' &&
	    memchr(s + 11, '+', len - 11) == NULL &&
	    memchr(s + 11, '-', len - 11) == NULL &&
	    memchr(s + 11, 'Z', len - 11) == NULL &&
	    memchr(s + 11, 'z', len - 11) == NULL) {
		if (g->tz != NULL)
			return (generic_period_iso_named(g, tmp, out, outlen,
			    err, errlen));
		z = g->tz_offset < 0 ? "-" : "+";
		if (n + 6 > sizeof(tmp)) {
			snprintf(err, errlen, "period too long");
			return (-1);
		}
		snprintf(tmp + n - 1, sizeof(tmp) - n + 1, "%s%02d:%02d", z,
		    abs(g->tz_offset) / 60, abs(g->tz_offset) % 60);
	}
	if (strlen(tmp) >= outlen) {
		snprintf(err, errlen, "period too long");
		return (-1);
	}
	memcpy(out, tmp, strlen(tmp) + 1);
	return (0);
}

