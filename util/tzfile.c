/* SPDX-License-Identifier: ISC */
/*
 * tzfile: TZif reading and UTC offset lookups; see tzfile.h.
 *
 * Only the version 2+ body is used (64-bit transition times); a version 1
 * file, with 32-bit times only, is read from its first body.  After the
 * last transition the footer's POSIX TZ string ("EST5EDT,M3.2.0,M11.1.0")
 * decides; without one the last transition's type stays in force.
 * Before the first transition the first type (type 0) applies, as RFC
 * 8536 says.  Every count and index is checked against the file's length
 * before use: a zone file is input like any other.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/civil.h"
#include "util/parse.h"
#include "util/tzfile.h"
#include "util/xmalloc.h"

#define TZFILE_DIR		"/usr/share/zoneinfo"
#define TZFILE_MAX_SIZE		(256 * 1024)
#define TZFILE_HEADER		44
#define TZFILE_MAX_OFFSET	(26 * 3600)	/* beyond any real zone */
#define TZFILE_MAX_RULE_TIME	(167 * 3600)	/* RFC 8536 3.3.1 */

/* One transition date of a POSIX TZ rule. */
struct tzfile_date {
	char	kind;		/* 'J' (1..365, no Feb 29), 'D' (0..365),
				 * 'M' (month, week, weekday) */
	int	n;		/* J, D: the day; M: the month */
	int	week;		/* M: 1..5, 5 meaning the last */
	int	wday;		/* M: 0 (Sunday) .. 6 */
	int32_t	time;		/* local seconds after midnight */
};

struct tzfile_posix {
	int		 present;
	int		 hasdst;
	int32_t		 stdoff;	/* seconds east of UTC */
	int32_t		 dstoff;
	struct tzfile_date start;	/* into DST, in standard time */
	struct tzfile_date end;		/* out of DST, in DST time */
};

struct tzfile {
	char			*name;
	int64_t			*times;		/* ascending */
	uint8_t			*types;		/* per transition */
	size_t			 ntimes;
	int32_t			*offsets;	/* per type */
	size_t			 ntypes;
	struct tzfile_posix	 posix;
};

static uint32_t
tzfile_be32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3]);
}

static int64_t
tzfile_be64(const unsigned char *p)
{
	return ((int64_t)((uint64_t)tzfile_be32(p) << 32 |
	    tzfile_be32(p + 4)));
}

/* The six counts of a header. */
struct tzfile_counts {
	uint32_t	isut, isstd, leap, time, type, chars;
};

static void
tzfile_counts(const unsigned char *h, struct tzfile_counts *c)
{
	c->isut = tzfile_be32(h + 20);
	c->isstd = tzfile_be32(h + 24);
	c->leap = tzfile_be32(h + 28);
	c->time = tzfile_be32(h + 32);
	c->type = tzfile_be32(h + 36);
	c->chars = tzfile_be32(h + 40);
}

/* Size of the body after a header, for time values of tsize bytes. */
static uint64_t
tzfile_body(const struct tzfile_counts *c, int tsize)
{
	return ((uint64_t)c->time * (uint64_t)(tsize + 1) +
	    (uint64_t)c->type * 6 + c->chars +
	    (uint64_t)c->leap * (uint64_t)(tsize + 4) + c->isstd + c->isut);
}

/* Reads [+-]hh[:mm[:ss]] at *pp into seconds; -1 on a syntax error. */
static int
tzfile_posix_time(const char **pp, int64_t max, int32_t *out)
{
	const char	*p = *pp;
	int64_t		 v = 0, part;
	int		 sign = 1, i, n;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	for (i = 0; i < 3; i++) {
		if (i > 0) {
			if (*p != ':')
				break;
			p++;
		}
		part = 0;
		for (n = 0; *p >= '0' && *p <= '9' && n < 3; n++)
			part = part * 10 + (*p++ - '0');
		if (n == 0 || (i > 0 && part > 59))
			return (-1);
		v += part * (i == 0 ? 3600 : i == 1 ? 60 : 1);
	}
	if (v > max)
		return (-1);
	*out = (int32_t)(sign * v);
	*pp = p;
	return (0);
}

/* Skips a zone abbreviation: letters, or <...> with signs and digits. */
static int
tzfile_posix_name(const char **pp)
{
	const char	*p = *pp;
	size_t		 n = 0;

	if (*p == '<') {
		for (p++; *p != '>'; p++, n++) {
			if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' &&
			    *p <= 'z') || (*p >= '0' && *p <= '9') ||
			    *p == '+' || *p == '-'))
				return (-1);
		}
		p++;
	} else {
		for (; (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z');
		    p++)
			n++;
	}
	if (n < 3)
		return (-1);
	*pp = p;
	return (0);
}

static int
tzfile_posix_num(const char **pp, int min, int max, int *out)
{
	const char	*p = *pp;
	int		 v = 0, n;

	for (n = 0; *p >= '0' && *p <= '9' && n < 3; n++)
		v = v * 10 + (*p++ - '0');
	if (n == 0 || v < min || v > max)
		return (-1);
	*out = v;
	*pp = p;
	return (0);
}

static int
tzfile_posix_date(const char **pp, struct tzfile_date *d)
{
	const char	*p = *pp;

	memset(d, 0, sizeof(*d));
	d->time = 2 * 3600;
	if (*p == 'J') {
		p++;
		d->kind = 'J';
		if (tzfile_posix_num(&p, 1, 365, &d->n) == -1)
			return (-1);
	} else if (*p == 'M') {
		p++;
		d->kind = 'M';
		if (tzfile_posix_num(&p, 1, 12, &d->n) == -1 || *p++ != '.' ||
		    tzfile_posix_num(&p, 1, 5, &d->week) == -1 ||
		    *p++ != '.' || tzfile_posix_num(&p, 0, 6, &d->wday) == -1)
			return (-1);
	} else {
		d->kind = 'D';
		if (tzfile_posix_num(&p, 0, 365, &d->n) == -1)
			return (-1);
	}
	if (*p == '/') {
		p++;
		if (tzfile_posix_time(&p, TZFILE_MAX_RULE_TIME,
		    &d->time) == -1)
			return (-1);
	}
	*pp = p;
	return (0);
}

/*
 * Parses a footer's TZ string, "std offset [dst [offset] ,start,end]";
 * an empty one means no rule.  POSIX offsets count hours west of UTC.
 */
static int
tzfile_posix_parse(const char *s, struct tzfile_posix *z)
{
	const char	*p = s;
	int32_t		 off;

	memset(z, 0, sizeof(*z));
	if (*p == '\0')
		return (0);
	if (tzfile_posix_name(&p) == -1 ||
	    tzfile_posix_time(&p, 24 * 3600, &off) == -1)
		return (-1);
	z->present = 1;
	z->stdoff = z->dstoff = -off;
	if (*p == '\0')
		return (0);
	if (tzfile_posix_name(&p) == -1)
		return (-1);
	z->hasdst = 1;
	z->dstoff = z->stdoff + 3600;
	if (*p != ',') {
		if (tzfile_posix_time(&p, 24 * 3600, &off) == -1)
			return (-1);
		z->dstoff = -off;
	}
	/* A TZif footer always spells out the rule. */
	if (*p++ != ',' || tzfile_posix_date(&p, &z->start) == -1 ||
	    *p++ != ',' || tzfile_posix_date(&p, &z->end) == -1 || *p != '\0')
		return (-1);
	return (0);
}

/* The local time, in seconds since the epoch, of a rule date in year y. */
static int64_t
tzfile_posix_when(const struct tzfile_date *d, int64_t y)
{
	int64_t	z, first;
	int	wd;

	switch (d->kind) {
	case 'J':
		z = civil_days(y, 1, 1) + d->n - 1;
		if (civil_leap(y) && d->n >= 60)
			z++;
		break;
	case 'D':
		z = civil_days(y, 1, 1) + d->n;
		break;
	default:
		first = civil_days(y, d->n, 1);
		wd = civil_weekday(first) % 7;	/* Sunday 0 */
		z = first + (d->wday - wd + 7) % 7 + 7 * (d->week - 1);
		while (z >= first + civil_mdays(y, d->n))
			z -= 7;
		break;
	}
	return (z * 86400 + d->time);
}

static int32_t
tzfile_posix_offset(const struct tzfile_posix *z, int64_t t)
{
	int64_t	y, start, end;
	int	m, d;

	if (!z->hasdst)
		return (z->stdoff);
	civil_date(civil_floordiv(t + z->stdoff, 86400), &y, &m, &d);
	start = tzfile_posix_when(&z->start, y) - z->stdoff;
	end = tzfile_posix_when(&z->end, y) - z->dstoff;
	if (start < end)
		return (t >= start && t < end ? z->dstoff : z->stdoff);
	/* Southern hemisphere: DST spans the new year. */
	return (t >= end && t < start ? z->stdoff : z->dstoff);
}

static struct tzfile *
tzfile_fail(struct tzfile *tz, char *err, size_t errlen, const char *name,
    const char *what)
{
	char	q[PARSE_QUOTE_BUFLEN];

	parse_quote(name, strlen(name), q, sizeof(q));
	snprintf(err, errlen, "time zone \"%s\": %s", q, what);
	tzfile_free(tz);
	return (NULL);
}

struct tzfile *
tzfile_parse(const char *name, const unsigned char *b, size_t len, char *err,
    size_t errlen)
{
	struct tzfile		*tz;
	struct tzfile_counts	 c;
	const unsigned char	*h = b, *p, *end = b + len, *nl;
	char			 footer[128];
	uint64_t		 body;
	size_t			 i;
	int			 tsize = 4;
	int32_t			 off;

	if (len < TZFILE_HEADER || memcmp(b, "TZif", 4) != 0)
		return (tzfile_fail(NULL, err, errlen, name,
		    "not a TZif file (expected the \"TZif\" magic)"));
	tzfile_counts(h, &c);
	if (b[4] >= '2') {
		body = tzfile_body(&c, 4);
		if (body > len - TZFILE_HEADER ||
		    len - TZFILE_HEADER - body < TZFILE_HEADER ||
		    memcmp(b + TZFILE_HEADER + body, "TZif", 4) != 0)
			return (tzfile_fail(NULL, err, errlen, name,
			    "truncated TZif file (no version 2 header)"));
		h = b + TZFILE_HEADER + body;
		tzfile_counts(h, &c);
		tsize = 8;
	}
	p = h + TZFILE_HEADER;
	body = tzfile_body(&c, tsize);
	if (body > (uint64_t)(end - p))
		return (tzfile_fail(NULL, err, errlen, name,
		    "truncated TZif file (data shorter than its counts)"));
	if (c.type == 0 || c.type > 256 || c.chars == 0)
		return (tzfile_fail(NULL, err, errlen, name,
		    "malformed TZif file (no local time types)"));
	if (c.leap != 0)
		return (tzfile_fail(NULL, err, errlen, name,
		    "zones with leap seconds (\"right/...\") are not "
		    "supported; use the zone without the \"right/\" prefix"));

	tz = xcalloc(1, sizeof(*tz));
	tz->name = xstrdup(name);
	tz->ntimes = c.time;
	tz->ntypes = c.type;
	tz->times = xreallocarray(NULL, c.time + 1, sizeof(*tz->times));
	tz->types = xreallocarray(NULL, c.time + 1, sizeof(*tz->types));
	tz->offsets = xreallocarray(NULL, c.type, sizeof(*tz->offsets));
	for (i = 0; i < c.time; i++, p += tsize) {
		tz->times[i] = tsize == 8 ? tzfile_be64(p) :
		    (int32_t)tzfile_be32(p);
		if (i > 0 && tz->times[i] <= tz->times[i - 1])
			return (tzfile_fail(tz, err, errlen, name,
			    "malformed TZif file (transition times not "
			    "ascending)"));
	}
	for (i = 0; i < c.time; i++, p++) {
		if (*p >= c.type)
			return (tzfile_fail(tz, err, errlen, name,
			    "malformed TZif file (transition to an unknown "
			    "type)"));
		tz->types[i] = *p;
	}
	for (i = 0; i < c.type; i++, p += 6) {
		off = (int32_t)tzfile_be32(p);
		if (off <= -TZFILE_MAX_OFFSET || off >= TZFILE_MAX_OFFSET)
			return (tzfile_fail(tz, err, errlen, name,
			    "malformed TZif file (UTC offset out of range)"));
		tz->offsets[i] = off;
	}
	p = h + TZFILE_HEADER + body;

	if (tsize == 8 && p < end) {
		if (*p != '\n' || (nl = memchr(p + 1, '\n',
		    (size_t)(end - p - 1))) == NULL ||
		    (size_t)(nl - p - 1) >= sizeof(footer))
			return (tzfile_fail(tz, err, errlen, name,
			    "malformed TZif footer (expected a TZ string "
			    "between newlines)"));
		memcpy(footer, p + 1, (size_t)(nl - p - 1));
		footer[nl - p - 1] = '\0';
		if (tzfile_posix_parse(footer, &tz->posix) == -1)
			return (tzfile_fail(tz, err, errlen, name,
			    "malformed TZif footer (expected a POSIX TZ "
			    "string such as \"EST5EDT,M3.2.0,M11.1.0\")"));
	}
	return (tz);
}

static int
tzfile_name_ok(const char *name)
{
	const char	*p;

	if (name[0] == '\0' || name[0] == '/' || strlen(name) > 255)
		return (0);
	for (p = name; *p != '\0'; p++) {
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '/' || *p == '_' ||
		    *p == '-' || *p == '+' || *p == '.'))
			return (0);
		/* No "." or ".." component. */
		if (*p == '.' && (p == name || p[-1] == '/'))
			return (0);
	}
	return (1);
}

struct tzfile *
tzfile_load(const char *name, char *err, size_t errlen)
{
	struct tzfile	*tz;
	struct stat	 st;
	const char	*dir = getenv("TZDIR");
	unsigned char	*b;
	char		*path, what[512];
	size_t		 got = 0;
	ssize_t		 n;
	int		 fd;

	if (!tzfile_name_ok(name))
		return (tzfile_fail(NULL, err, errlen, name,
		    "expected a zone name such as America/New_York"));
	if (dir == NULL || dir[0] == '\0')
		dir = TZFILE_DIR;
	path = xasprintf("%s/%s", dir, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			snprintf(what, sizeof(what), "unknown zone (no %s; "
			    "expected a name such as America/New_York from "
			    "the tzdata package)", path);
		else
			snprintf(what, sizeof(what), "%s: %s", path,
			    strerror(errno));
		free(path);
		return (tzfile_fail(NULL, err, errlen, name, what));
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > TZFILE_MAX_SIZE) {
		snprintf(what, sizeof(what), "%s is not a zone file", path);
		close(fd);
		free(path);
		return (tzfile_fail(NULL, err, errlen, name, what));
	}
	b = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		n = read(fd, b + got, (size_t)st.st_size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	free(path);
	tz = tzfile_parse(name, b, got, err, errlen);
	free(b);
	return (tz);
}

void
tzfile_free(struct tzfile *tz)
{
	if (tz == NULL)
		return;
	free(tz->name);
	free(tz->times);
	free(tz->types);
	free(tz->offsets);
	free(tz);
}

const char *
tzfile_name(const struct tzfile *tz)
{
	return (tz->name);
}

int32_t
tzfile_offset(const struct tzfile *tz, int64_t t)
{
	size_t	lo = 0, hi = tz->ntimes, mid;

	if (tz->ntimes == 0 || t < tz->times[0])
		return (tz->ntimes == 0 && tz->posix.present ?
		    tzfile_posix_offset(&tz->posix, t) : tz->offsets[0]);
	if (t >= tz->times[tz->ntimes - 1] && tz->posix.present)
		return (tzfile_posix_offset(&tz->posix, t));
	/* The last transition at or before t. */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (tz->times[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return (tz->offsets[tz->types[lo]]);
}

int64_t
tzfile_from_local(const struct tzfile *tz, int64_t local)
{
	int32_t	before, after;
	int	okb, oka;

	/* Real zones never change offset twice within two days. */
	before = tzfile_offset(tz, local - 86400);
	after = tzfile_offset(tz, local + 86400);
	okb = tzfile_offset(tz, local - before) == before;
	oka = tzfile_offset(tz, local - after) == after;
	if (okb && oka)
		return (local - (before > after ? before : after));
	if (oka)
		return (local - after);
	return (local - before);
}
