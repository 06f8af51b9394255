/* SPDX-License-Identifier: ISC */
/*
 * parse: strict integer, duration and size parsers and the duration
 * formatters; see parse.h.
 *
 * Digits are tested as ASCII ranges, not with isdigit(), so the locale
 * cannot widen what is accepted.  Error messages quote at most
 * PARSE_QUOTE_MAX bytes of the input with non-printable bytes escaped,
 * because the input may come from a hostile feed and ends up in logs.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/parse.h"


struct parse_unit {
	const char	*name;
	const char	*word;
	uint64_t	 usec;
};

/* Descending, as parse_duration requires and the formatters emit. */
static const struct parse_unit parse_units[] = {
	{ "w",	"week",		UINT64_C(604800000000) },
	{ "d",	"day",		UINT64_C(86400000000) },
	{ "h",	"hour",		UINT64_C(3600000000) },
	{ "m",	"minute",	UINT64_C(60000000) },
	{ "s",	"second",	UINT64_C(1000000) },
	{ "ms",	"millisecond",	UINT64_C(1000) },
	{ "us",	"microsecond",	UINT64_C(1) },
};
#define PARSE_NUNITS	(sizeof(parse_units) / sizeof(parse_units[0]))

static int
parse_isdigit(char c)
{
	return (c >= '0' && c <= '9');
}

void
parse_quote(const char *s, size_t len, char *out, size_t outlen)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n = 0, i;

	/* Room for the longest escape, "...", and the NUL. */
	if (outlen < 8) {
		if (outlen > 0)
			out[0] = '\0';
		return;
	}
	for (i = 0; i < len; i++) {
		if (i == PARSE_QUOTE_MAX || n + 4 + 3 + 1 > outlen) {
			memcpy(out + n, "...", 3);
			n += 3;
			break;
		}
		if (p[i] == '"' || p[i] == '\\') {
			out[n++] = '\\';
			out[n++] = (char)p[i];
		} else if (p[i] < 0x20 || p[i] >= 0x7f) {
			out[n++] = '\\';
			out[n++] = 'x';
			out[n++] = hex[p[i] >> 4];
			out[n++] = hex[p[i] & 0xf];
		} else
			out[n++] = (char)p[i];
	}
	out[n] = '\0';
}

static void
parse_error(char *err, size_t errlen, const char *expected, const char *s)
{
	char	q[PARSE_QUOTE_BUFLEN];

	/* snprintf accepts err == NULL when errlen is 0. */
	parse_quote(s, strlen(s), q, sizeof(q));
	snprintf(err, errlen, "expected %s, got \"%s\"", expected, q);
}

/*
 * Reads a run of digits at *pp into *out, advancing *pp past all of them.
 * Returns 0, or -1 if there are none; sets *overflow if the value does
 * not fit in limit.
 */
static int
parse_digits(const char **pp, uint64_t limit, uint64_t *out, int *overflow)
{
	const char	*p = *pp;
	uint64_t	 v = 0, d;

	if (!parse_isdigit(*p))
		return (-1);
	for (; parse_isdigit(*p); p++) {
		d = (uint64_t)(*p - '0');
		if (v > (limit - d) / 10)
			*overflow = 1;
		else
			v = v * 10 + d;
	}
	*pp = p;
	*out = v;
	return (0);
}

int
parse_int64(const char *s, int64_t min, int64_t max, int64_t *out,
    char *err, size_t errlen)
{
	const char	*p = s;
	char		 expected[96];
	uint64_t	 mag, limit = INT64_MAX;
	int64_t		 v;
	int		 neg = 0, overflow = 0;

	if (*p == '-') {
		neg = 1;
		limit = (uint64_t)INT64_MAX + 1;
		p++;
	}
	if (parse_digits(&p, limit, &mag, &overflow) == -1 || *p != '\0' ||
	    overflow)
		goto bad;
	if (!neg)
		v = (int64_t)mag;
	else if (mag == (uint64_t)INT64_MAX + 1)
		v = INT64_MIN;
	else
		v = -(int64_t)mag;
	if (v < min || v > max)
		goto bad;
	*out = v;
	return (0);

bad:
	snprintf(expected, sizeof(expected),
	    "an integer between %" PRId64 " and %" PRId64, min, max);
	parse_error(err, errlen, expected, s);
	return (-1);
}

int
parse_duration(const char *s, uint64_t *usec, char *err, size_t errlen)
{
	const char	*p = s, *u;
	uint64_t	 n, total = 0;
	size_t		 i, ulen, next = 0;
	int		 overflow = 0;

	if (strcmp(s, "0") == 0) {
		*usec = 0;
		return (0);
	}
	if (*p == '\0')
		goto bad;
	while (*p != '\0') {
		if (parse_digits(&p, UINT64_MAX, &n, &overflow) == -1)
			goto bad;
		for (u = p; *p >= 'a' && *p <= 'z'; p++)
			;
		ulen = (size_t)(p - u);
		/* Units must descend, so only the ones after the last match. */
		for (i = next; i < PARSE_NUNITS; i++) {
			if (strlen(parse_units[i].name) == ulen &&
			    memcmp(parse_units[i].name, u, ulen) == 0)
				break;
		}
		if (i == PARSE_NUNITS)
			goto bad;
		next = i + 1;
		if (n > UINT64_MAX / parse_units[i].usec)
			overflow = 1;
		else if (total > UINT64_MAX - n * parse_units[i].usec)
			overflow = 1;
		else
			total += n * parse_units[i].usec;
	}
	if (overflow) {
		parse_error(err, errlen, "a duration below 213503982d", s);
		return (-1);
	}
	*usec = total;
	return (0);

bad:
	parse_error(err, errlen, "a duration such as 30s, 5m, 1h30m", s);
	return (-1);
}

int
parse_size(const char *s, uint64_t *bytes, char *err, size_t errlen)
{
	static const struct {
		char		 letter;
		unsigned int	 shift;
	} mult[] = {
		{ 'K', 10 }, { 'M', 20 }, { 'G', 30 }, { 'T', 40 },
	};
	const char	*p = s;
	uint64_t	 n;
	unsigned int	 shift = 0;
	size_t		 i;
	int		 overflow = 0;
	char		 c;

	if (parse_digits(&p, UINT64_MAX, &n, &overflow) == -1)
		goto bad;
	if (*p != '\0') {
		c = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
		for (i = 0; i < sizeof(mult) / sizeof(mult[0]); i++) {
			if (mult[i].letter == c)
				break;
		}
		if (i == sizeof(mult) / sizeof(mult[0]))
			goto bad;
		shift = mult[i].shift;
		p++;
		/* "KiB" and friends: the upper-case letter only. */
		if (strcmp(p, "iB") == 0 && p[-1] == c)
			p += 2;
		if (*p != '\0')
			goto bad;
	}
	if (overflow || n > UINT64_MAX >> shift) {
		parse_error(err, errlen, "a size below 16EiB", s);
		return (-1);
	}
	*bytes = n << shift;
	return (0);

bad:
	parse_error(err, errlen, "a size such as 1024, 512k, 32M or 1G", s);
	return (-1);
}

/* snprintf at *off in buf, keeping *off within the buffer on truncation. */
static void __attribute__((format(printf, 4, 5)))
parse_append(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (*off + 1 >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= len - *off)
		*off = len - 1;
	else
		*off += (size_t)n;
}

void
parse_duration_format(uint64_t usec, char *buf, size_t len)
{
	size_t		 i, off = 0;
	uint64_t	 n;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (usec == 0) {
		parse_append(buf, len, &off, "0s");
		return;
	}
	for (i = 0; i < PARSE_NUNITS; i++) {
		n = usec / parse_units[i].usec;
		usec %= parse_units[i].usec;
		if (n != 0)
			parse_append(buf, len, &off, "%" PRIu64 "%s", n,
			    parse_units[i].name);
	}
}

void
parse_duration_words(uint64_t usec, char *buf, size_t len)
{
	size_t		 i, off = 0;
	uint64_t	 n;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (usec == 0) {
		parse_append(buf, len, &off, "0 seconds");
		return;
	}
	for (i = 0; i < PARSE_NUNITS; i++) {
		n = usec / parse_units[i].usec;
		usec %= parse_units[i].usec;
		if (n != 0)
			parse_append(buf, len, &off, "%s%" PRIu64 " %s%s",
			    off == 0 ? "" : " ", n, parse_units[i].word,
			    n == 1 ? "" : "s");
	}
}
