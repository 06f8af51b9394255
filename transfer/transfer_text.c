/* SPDX-License-Identifier: ISC */
/*
 * transfer_text: the pure text helpers of the transfer module (see
 * transfer.h): URL redaction for logs and Retry-After parsing.
 *
 * No I/O, no allocation, no logging: both take their whole input as
 * arguments (the clock included) so unit tests can pin every case.
 * Redaction works on the URL's text as written and never needs to
 * understand it fully: when in doubt it redacts.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "transfer/transfer.h"

#define TRANSFER_TEXT_REDACTED	"REDACTED"

/* Bounded output: keeps writing nothing once out is full. */
struct transfer_text_out {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 full;
};

static void
transfer_text_put(struct transfer_text_out *o, const char *s, size_t n)
{
	size_t	room;

	if (o->full)
		return;
	room = o->cap - 1 - o->len;
	if (n > room) {
		n = room;
		o->full = 1;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static int
transfer_text_hex(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

static int
transfer_text_ends(const char *s, size_t len, const char *suffix)
{
	size_t	n = strlen(suffix);

	return (len >= n && strcasecmp(s + len - n, suffix) == 0);
}

/* Does a parameter name (as written in the URL) look like a secret? */
static int
transfer_text_secret(const char *name, size_t len)
{
	static const char *const exact[] = {
		"api_key", "apikey", "key", "token", "access_token",
		"subscription-key", "password", "secret", "sig", "signature",
		NULL,
	};
	static const char *const suffix[] = {
		"_key", "-key", "apikey", "token", "secret", "password",
		"signature", NULL,
	};
	char	name_dec[256];
	size_t	i, n = 0;
	int	hi, lo;

	/* Too long to decode here: assume the worst. */
	if (len >= sizeof(name_dec))
		return (1);
	for (i = 0; i < len; i++) {
		if (name[i] == '%' && i + 2 < len &&
		    (hi = transfer_text_hex(name[i + 1])) != -1 &&
		    (lo = transfer_text_hex(name[i + 2])) != -1) {
			name_dec[n++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (name[i] == '+')
			name_dec[n++] = ' ';
		else
			name_dec[n++] = name[i];
	}
	name_dec[n] = '\0';
	/* A NUL decoded from %00 would hide the rest: redact. */
	if (strlen(name_dec) != n)
		return (1);
	for (i = 0; exact[i] != NULL; i++)
		if (strcasecmp(name_dec, exact[i]) == 0)
			return (1);
	for (i = 0; suffix[i] != NULL; i++)
		if (transfer_text_ends(name_dec, n, suffix[i]))
			return (1);
	return (0);
}

/* Copies "a=1&b=2" with secret values replaced. */
static void
transfer_text_params(struct transfer_text_out *o, const char *s, size_t len)
{
	const char	*end = s + len, *amp, *eq;
	size_t		 plen;

	while (s < end) {
		amp = memchr(s, '&', (size_t)(end - s));
		plen = (size_t)((amp != NULL ? amp : end) - s);
		eq = memchr(s, '=', plen);
		if (eq != NULL && transfer_text_secret(s, (size_t)(eq - s))) {
			transfer_text_put(o, s, (size_t)(eq - s) + 1);
			transfer_text_put(o, TRANSFER_TEXT_REDACTED,
			    sizeof(TRANSFER_TEXT_REDACTED) - 1);
		} else
			transfer_text_put(o, s, plen);
		if (amp == NULL)
			break;
		transfer_text_put(o, "&", 1);
		s = amp + 1;
	}
}

int
transfer_redact_url(const char *url, char *out, size_t outlen)
{
	struct transfer_text_out	 o;
	const char			*p = url, *sep, *auth, *at, *colon;
	size_t				 n;

	if (out == NULL || outlen == 0)
		return (-1);
	o.p = out;
	o.len = 0;
	o.cap = outlen;
	o.full = 0;
	out[0] = '\0';
	if (url == NULL)
		return (0);

	/* scheme://authority, the authority ending at / ? or #. */
	sep = strstr(p, "://");
	if (sep != NULL && strcspn(p, "/?#") > (size_t)(sep - p)) {
		transfer_text_put(&o, p, (size_t)(sep - p) + 3);
		auth = sep + 3;
		n = strcspn(auth, "/?#");
		at = NULL;
		for (const char *q = auth; q < auth + n; q++)
			if (*q == '@')
				at = q;
		if (at != NULL &&
		    (colon = memchr(auth, ':', (size_t)(at - auth))) != NULL) {
			transfer_text_put(&o, auth, (size_t)(colon - auth) + 1);
			transfer_text_put(&o, TRANSFER_TEXT_REDACTED,
			    sizeof(TRANSFER_TEXT_REDACTED) - 1);
			transfer_text_put(&o, at, (size_t)(auth + n - at));
		} else
			transfer_text_put(&o, auth, n);
		p = auth + n;
	}
	/* Path as is, then the query and fragment parameters. */
	n = strcspn(p, "?#");
	transfer_text_put(&o, p, n);
	p += n;
	if (*p == '?') {
		transfer_text_put(&o, "?", 1);
		p++;
		n = strcspn(p, "#");
		transfer_text_params(&o, p, n);
		p += n;
	}
	if (*p == '#') {
		transfer_text_put(&o, "#", 1);
		p++;
		transfer_text_params(&o, p, strlen(p));
	}
	return (o.full ? -1 : 0);
}

/* Exactly n decimal digits at s. */
static int
transfer_text_digits(const char *s, int n, int *v)
{
	int	i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		*v = *v * 10 + (s[i] - '0');
	}
	return (0);
}

/* Is s (n bytes) a day name, short (Sun) or long (Sunday)? */
static int
transfer_text_wkday(const char *s, size_t n, int long_form)
{
	static const char *const days[] = {
		"Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
		"Saturday", "Sunday",
	};
	int	i;

	for (i = 0; i < 7; i++) {
		if (long_form ? n == strlen(days[i]) &&
		    strncmp(s, days[i], n) == 0 :
		    n == 3 && strncmp(s, days[i], 3) == 0)
			return (0);
	}
	return (-1);
}

static int
transfer_text_month(const char *s)
{
	static const char *const months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
		"Oct", "Nov", "Dec",
	};
	int	i;

	for (i = 0; i < 12; i++)
		if (strncmp(s, months[i], 3) == 0)
			return (i + 1);
	return (-1);
}

/* "HH:MM:SS" at s. */
static int
transfer_text_clock(const char *s, int *h, int *mi, int *sec)
{
	if (transfer_text_digits(s, 2, h) == -1 || s[2] != ':' ||
	    transfer_text_digits(s + 3, 2, mi) == -1 || s[5] != ':' ||
	    transfer_text_digits(s + 6, 2, sec) == -1)
		return (-1);
	return (0);
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t
transfer_text_days(int64_t y, int m, int d)
{
	int64_t	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

static int
transfer_text_mdays(int y, int m)
{
	static const int mdays[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return (29);
	return (mdays[m - 1]);
}

/*
 * Parses the three HTTP-date forms (RFC 9110 5.6.7) into seconds since
 * the epoch.  Names are case-sensitive, as the grammar says.
 */
static int
transfer_text_http_date(const char *s, size_t len, time_t now, int64_t *t)
{
	const char	*comma, *r;
	struct tm	 tm;
	int		 y, m, d, h, mi, sec, cy;

	comma = memchr(s, ',', len);
	if (comma != NULL && comma - s == 3) {
		/* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
		if (len != 29 || transfer_text_wkday(s, 3, 0) == -1 ||
		    s[4] != ' ' || transfer_text_digits(s + 5, 2, &d) == -1 ||
		    s[7] != ' ' || (m = transfer_text_month(s + 8)) == -1 ||
		    s[11] != ' ' || transfer_text_digits(s + 12, 4, &y) == -1 ||
		    s[16] != ' ' ||
		    transfer_text_clock(s + 17, &h, &mi, &sec) == -1 ||
		    memcmp(s + 25, " GMT", 4) != 0)
			return (-1);
	} else if (comma != NULL) {
		/* RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT" */
		r = comma + 1;
		if (transfer_text_wkday(s, (size_t)(comma - s), 1) == -1 ||
		    len - (size_t)(r - s) != 23 || r[0] != ' ' ||
		    transfer_text_digits(r + 1, 2, &d) == -1 || r[3] != '-' ||
		    (m = transfer_text_month(r + 4)) == -1 || r[7] != '-' ||
		    transfer_text_digits(r + 8, 2, &y) == -1 || r[10] != ' ' ||
		    transfer_text_clock(r + 11, &h, &mi, &sec) == -1 ||
		    memcmp(r + 19, " GMT", 4) != 0)
			return (-1);
		/* Two digits: the most recent year that is not more than
		 * 50 years ahead. */
		if (gmtime_r(&now, &tm) == NULL)
			return (-1);
		cy = tm.tm_year + 1900;
		y += cy - cy % 100;
		if (y > cy + 50)
			y -= 100;
	} else {
		/* asctime: "Sun Nov  6 08:49:37 1994" */
		if (len != 24 || transfer_text_wkday(s, 3, 0) == -1 ||
		    s[3] != ' ' || (m = transfer_text_month(s + 4)) == -1 ||
		    s[7] != ' ' || s[10] != ' ' ||
		    transfer_text_clock(s + 11, &h, &mi, &sec) == -1 ||
		    s[19] != ' ' || transfer_text_digits(s + 20, 4, &y) == -1)
			return (-1);
		if (s[8] == ' ') {
			if (transfer_text_digits(s + 9, 1, &d) == -1)
				return (-1);
		} else if (transfer_text_digits(s + 8, 2, &d) == -1)
			return (-1);
	}
	if (d < 1 || d > transfer_text_mdays(y, m) || h > 23 || mi > 59 ||
	    sec > 60)
		return (-1);
	*t = transfer_text_days(y, m, d) * 86400 + h * 3600 + mi * 60 + sec;
	return (0);
}

int
transfer_parse_retry_after(const char *value, time_t now, int64_t *secs)
{
	const char	*s = value;
	size_t		 len;
	int64_t		 v = 0, t;

	if (s == NULL)
		return (-1);
	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
	    s[len - 1] == '\r' || s[len - 1] == '\n'))
		len--;
	if (len == 0)
		return (-1);
	if (s[0] >= '0' && s[0] <= '9') {
		/* delta-seconds: 1*DIGIT; absurd values are refused. */
		for (size_t i = 0; i < len; i++) {
			if (s[i] < '0' || s[i] > '9')
				return (-1);
			if (v > (INT64_MAX - 9) / 10)
				return (-1);
			v = v * 10 + (s[i] - '0');
		}
		*secs = v;
		return (0);
	}
	if (transfer_text_http_date(s, len, now, &t) == -1)
		return (-1);
	*secs = t > (int64_t)now ? t - (int64_t)now : 0;
	return (0);
}
