/* SPDX-License-Identifier: ISC */
/*
 * html: escaping, links and dates for the dashboard; see html.h.
 *
 * One decoder (html_utf8) walks every string that is escaped, counted or
 * cut, so what is counted is exactly what is written: a valid UTF-8
 * sequence of an XML character, or one replaced byte.  Time ticks are
 * found as day numbers of midnights (util/civil), so no microsecond
 * arithmetic near the ends of int64_t can overflow.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "alert/render.h"
#include "util/buf.h"
#include "util/civil.h"
#include "util/url.h"
#include "web/html.h"

#define HTML_USEC_DAY	INT64_C(86400000000)
#define HTML_USEC_MIN	INT64_C(60000000)
#define HTML_REPLACEMENT	"\xef\xbf\xbd"

void
html_raw(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

/*
 * Length of the character at p: 1..4 bytes of a valid sequence of a
 * character allowed in XML 1.0 and HTML text, or 0 if the byte at p
 * must be replaced (bad UTF-8, overlong, surrogate, a control other than
 * tab, newline and carriage return, DEL, C1 controls, U+FFFE, U+FFFF).
 */
static size_t
html_utf8(const unsigned char *p)
{
	unsigned int	c;
	size_t		n, i;

	if (p[0] < 0x80) {
		if (p[0] == 0x7f ||
		    (p[0] < 0x20 && p[0] != '\t' && p[0] != '\n' &&
		    p[0] != '\r'))
			return (0);
		return (1);
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		c = p[0] & 0x07;
	} else
		return (0);
	for (i = 1; i < n; i++) {
		/* A NUL ends the string and fails this test too. */
		if ((p[i] & 0xc0) != 0x80)
			return (0);
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff) ||
	    (c >= 0x80 && c <= 0x9f) || c == 0xfffe || c == 0xffff)
		return (0);
	return (n);
}

/* Appends the character at p escaped; returns the bytes consumed. */
static size_t
html_put_char(struct buf *b, const char *p)
{
	size_t	n;

	n = html_utf8((const unsigned char *)p);
	if (n == 0) {
		html_raw(b, HTML_REPLACEMENT);
		return (1);
	}
	switch (*p) {
	case '&':
		html_raw(b, "&amp;");
		break;
	case '<':
		html_raw(b, "&lt;");
		break;
	case '>':
		html_raw(b, "&gt;");
		break;
	case '"':
		html_raw(b, "&quot;");
		break;
	case '\'':
		html_raw(b, "&#39;");
		break;
	default:
		buf_append(b, p, n);
		break;
	}
	return (n);
}

void
html_text(struct buf *b, const char *s)
{
	const char	*p, *run;

	if (s == NULL)
		return;
	/* Copy plain runs in one go: most text needs no escaping. */
	for (p = run = s; *p != '\0';) {
		unsigned char	c = (unsigned char)*p;

		if (c >= 0x20 && c < 0x7f && c != '&' && c != '<' &&
		    c != '>' && c != '"' && c != '\'') {
			p++;
			continue;
		}
		buf_append(b, run, (size_t)(p - run));
		p += html_put_char(b, p);
		run = p;
	}
	buf_append(b, run, (size_t)(p - run));
}

size_t
html_chars(const char *s)
{
	size_t	n = 0, k;

	if (s == NULL)
		return (0);
	while (*s != '\0') {
		k = html_utf8((const unsigned char *)s);
		s += k == 0 ? 1 : k;
		n++;
	}
	return (n);
}

int
html_text_max(struct buf *b, const char *s, size_t max)
{
	size_t	i;

	if (s == NULL)
		return (0);
	if (html_chars(s) <= max) {
		html_text(b, s);
		return (0);
	}
	for (i = 0; max > 0 && i < max - 1 && *s != '\0'; i++)
		s += html_put_char(b, s);
	html_raw(b, "\xe2\x80\xa6");
	return (1);
}

void
html_panel_open(struct buf *b, const char *id, const char *title)
{
	html_raw(b, "<section id=\"");
	html_text(b, id);
	html_raw(b, "\">\n<h2>");
	html_text(b, title);
	html_raw(b, "</h2>\n<div class=\"panel\">\n");
}

void
html_panel_close(struct buf *b)
{
	html_raw(b, "</div>\n</section>\n");
}

void
html_panel_empty(struct buf *b, const char *text)
{
	html_raw(b, "<p class=\"empty\">");
	html_text(b, text);
	html_raw(b, "</p>\n");
	html_panel_close(b);
}

void
html_link(struct buf *b, const char *url, const char *text)
{
	const char	*host;
	char		 tmp[256];
	size_t		 n;

	if (url == NULL)
		return;
	if (!url_is_http(url)) {
		html_text(b, url);
		return;
	}
	html_raw(b, "<a href=\"");
	html_text(b, url);
	html_raw(b, "\" rel=\"noopener noreferrer\">");
	if (text != NULL)
		html_text(b, text);
	else {
		host = strstr(url, "://") + 3;
		/* Cut the host out on a copy: the URL is borrowed. */
		n = strcspn(host, "/?#");
		if (n >= sizeof(tmp))
			n = sizeof(tmp) - 1;
		memcpy(tmp, host, n);
		tmp[n] = '\0';
		html_text(b, tmp);
	}
	html_raw(b, "</a>");
}

const char *
html_month(int m)
{
	static const char *const	names[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

	if (m < 1 || m > 12)
		return ("???");
	return (names[m - 1]);
}

void
html_civil(int64_t t, int64_t *y, int *mon, int *day, int *hour, int *min)
{
	int64_t	days, rest;

	days = civil_floordiv(t, HTML_USEC_DAY);
	rest = t - days * HTML_USEC_DAY;
	civil_date(days, y, mon, day);
	*hour = (int)(rest / (60 * HTML_USEC_MIN));
	*min = (int)(rest / HTML_USEC_MIN % 60);
}

void
html_date(struct buf *b, int64_t t)
{
	int64_t	y;
	int	m, d, hh, mm;

	html_civil(t, &y, &m, &d, &hh, &mm);
	buf_printf(b, "%04lld-%02d-%02d", (long long)y, m, d);
}

void
html_datetime(struct buf *b, int64_t t)
{
	int64_t	y;
	int	m, d, hh, mm;

	html_civil(t, &y, &m, &d, &hh, &mm);
	buf_printf(b, "%04lld-%02d-%02d %02d:%02d UTC", (long long)y, m, d,
	    hh, mm);
}

void
html_ago(struct buf *b, int64_t t, int64_t now)
{
	double		 d;
	const char	*unit;
	long long	 n;
	int		 future = t > now;

	/* In doubles: the difference of two int64 may not fit one. */
	d = (double)now - (double)t;
	if (d < 0)
		d = -d;
	d /= 1e6;
	if (d < 60) {
		html_raw(b, "just now");
		return;
	}
	if (d < 3600) {
		n = (long long)(d / 60);
		unit = "min";
	} else if (d < 48 * 3600) {
		n = (long long)(d / 3600);
		unit = "h";
	} else if (d < 60 * 86400) {
		n = (long long)(d / 86400);
		unit = "d";
	} else if (d < 730 * 86400) {
		n = (long long)(d / (30.44 * 86400));
		unit = "mo";
	} else {
		n = (long long)(d / (365.25 * 86400));
		unit = "y";
	}
	if (future)
		buf_printf(b, "in %lld %s", n, unit);
	else
		buf_printf(b, "%lld %s ago", n, unit);
}

void
html_number(struct buf *b, double v)
{
	char	tmp[64];
	size_t	i, n, lead;

	render_number(v, tmp, sizeof(tmp));
	lead = tmp[0] == '-';
	n = strcspn(tmp + lead, ".e");
	/* "n/a", exponents and short numbers stay as they are. */
	if (strchr(tmp, 'e') != NULL || strcmp(tmp, "n/a") == 0 || n < 5) {
		html_raw(b, tmp);
		return;
	}
	buf_append(b, tmp, lead);
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			html_raw(b, ",");
		buf_append(b, tmp + lead + i, 1);
	}
	html_raw(b, tmp + lead + n);
}

void
html_compact(struct buf *b, double v)
{
	static const struct {
		double		 scale;
		const char	*suffix;
	} units[] = {
		{ 1e12, "T" }, { 1e9, "B" }, { 1e6, "M" },
	};
	char	tmp[64];
	size_t	u;

	for (u = 0; isfinite(v) && u < sizeof(units) / sizeof(units[0]);
	    u++) {
		if (fabs(v) >= units[u].scale && fabs(v) < 1e15) {
			snprintf(tmp, sizeof(tmp), "%.3g%s", v / units[u].scale,
			    units[u].suffix);
			html_raw(b, tmp);
			return;
		}
	}
	html_number(b, v);
}

/* Decimals needed to write multiples of step exactly, at most 9. */
static int
html_decimals(double step)
{
	double	x;
	int	d;

	for (d = 0; d < 9; d++) {
		x = step * pow(10, d);
		if (fabs(x - round(x)) < 1e-6 * x)
			break;
	}
	return (d);
}

/* "2e-07" to "2e-7", "1e+18" to "1e18", in place. */
static void
html_trim_exponent(char *s)
{
	char	*e, *p, *q;

	if ((e = strchr(s, 'e')) == NULL)
		return;
	p = e + 1;
	if (*p == '+')
		memmove(p, p + 1, strlen(p + 1) + 1);
	else if (*p == '-')
		p++;
	for (q = p; *q == '0' && q[1] != '\0'; q++)
		;
	memmove(p, q, strlen(q) + 1);
}

/* Whether two of the n labels are the same. */
static int
html_labels_clash(char lab[][HTML_LABEL_LEN], int n)
{
	int	i;

	for (i = 1; i < n; i++)
		if (strcmp(lab[i - 1], lab[i]) == 0)
			return (1);
	return (0);
}

void
html_value_labels(const double *t, int n, double step,
    char lab[][HTML_LABEL_LEN])
{
	static const struct {
		double		 scale;
		const char	*suffix;
	} units[] = {
		{ 1e12, "T" }, { 1e9, "B" }, { 1e6, "M" }, { 1e3, "k" },
	};
	double		 big = 0, scale = 1, v;
	const char	*suffix = "";
	size_t		 u;
	int		 i, d, prec;

	for (i = 0; i < n; i++)
		big = fmax(big, fabs(t[i]));
	for (u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		if (big >= 1e4 && big >= units[u].scale) {
			scale = units[u].scale;
			suffix = units[u].suffix;
			break;
		}
	}
	d = isfinite(step) && step > 0 ? html_decimals(step / scale) : 0;
	for (i = 0; i < n; i++) {
		/* Round off the error of (a + i) * step. */
		v = isfinite(step) && fabs(t[i]) < step * 1e-9 ? 0 : t[i];
		if (v == 0)
			snprintf(lab[i], HTML_LABEL_LEN, "0");
		else if (big >= 1e15 || big < 1e-3 || !isfinite(step)) {
			snprintf(lab[i], HTML_LABEL_LEN, "%.3g", v);
			html_trim_exponent(lab[i]);
		} else
			snprintf(lab[i], HTML_LABEL_LEN, "%.*f%s", d,
			    v / scale, suffix);
	}
	/* A range too narrow for its magnitude: as many digits as it takes. */
	for (prec = 4; prec <= 17 && html_labels_clash(lab, n); prec++) {
		for (i = 0; i < n; i++) {
			snprintf(lab[i], HTML_LABEL_LEN, "%.*g", prec, t[i]);
			html_trim_exponent(lab[i]);
		}
	}
}

/*
 * Stores the ticks of one kind and step in [from, to] (as day numbers
 * of midnights, so nothing overflows), at most max; returns how many
 * there are, up to max + 1 (max + 1: too many).
 */
static int
html_time_gen(int64_t from, int64_t to, int unit, int step, int64_t *days,
    int max)
{
	int64_t	d0, d1, d, y;
	int	n = 0, m, dd, hh, mm;

	d0 = civil_floordiv(from, HTML_USEC_DAY);
	/* The day of INT64_MIN has no midnight in range: start a day on. */
	if (d0 <= INT64_MIN / HTML_USEC_DAY)
		d0 = INT64_MIN / HTML_USEC_DAY + 1;
	else if (from - d0 * HTML_USEC_DAY > 0)
		d0++;
	d1 = civil_floordiv(to, HTML_USEC_DAY);
	html_civil(d0 * HTML_USEC_DAY, &y, &m, &dd, &hh, &mm);
	if (unit == 'd') {
		d = d0;
		/* 7 and 14 days: Mondays; 1970-01-05 was one. */
		while ((step >= 7 ? civil_weekday(d) != 1 ||
		    civil_floordiv(d - 4, 7) % (step / 7) != 0 :
		    d - civil_floordiv(d, step) * step != 0))
			d++;
		for (; d <= d1 && n <= max; d += step)
			if (n++ < max)
				days[n - 1] = d;
		return (n);
	}
	if (unit == 'm') {
		if (dd != 1 && ++m > 12) {
			m = 1;
			y++;
		}
		while ((m - 1) % step != 0)
			if (++m > 12) {
				m = 1;
				y++;
			}
		while ((d = civil_days(y, m, 1)) <= d1 && n <= max) {
			if (n++ < max)
				days[n - 1] = d;
			if ((m += step) > 12) {
				m -= 12;
				y++;
			}
		}
		return (n);
	}
	if (m != 1 || dd != 1)
		y++;
	while (y - civil_floordiv(y, step) * step != 0)
		y++;
	for (; (d = civil_days(y, 1, 1)) <= d1 && n <= max; y += step)
		if (n++ < max)
			days[n - 1] = d;
	return (n);
}

int
html_time_ticks(int64_t from, int64_t to, struct html_time_tick *tk, int max)
{
	static const struct {
		int	unit, step;
	} ladder[] = {
		{ 'd', 1 }, { 'd', 2 }, { 'd', 7 }, { 'd', 14 },
		{ 'm', 1 }, { 'm', 2 }, { 'm', 3 }, { 'm', 6 },
		{ 'y', 1 }, { 'y', 2 }, { 'y', 5 }, { 'y', 10 }, { 'y', 20 },
		{ 'y', 50 }, { 'y', 100 }, { 'y', 1000 }, { 'y', 10000 },
		{ 'y', 100000 },
	};
	int64_t		days[HTML_MAXTICKS], y, prevy = 0;
	size_t		l;
	int		i, n = 0, m, d, hh, mm;

	if (max > HTML_MAXTICKS)
		max = HTML_MAXTICKS;
	if (max <= 0 || from > to)
		return (0);
	for (l = 0; l < sizeof(ladder) / sizeof(ladder[0]); l++) {
		n = html_time_gen(from, to, ladder[l].unit, ladder[l].step,
		    days, max);
		if (n <= max)
			break;
	}
	if (n > max)
		n = max;
	for (i = 0; i < n; i++) {
		tk[i].t = days[i] * HTML_USEC_DAY;
		html_civil(tk[i].t, &y, &m, &d, &hh, &mm);
		if (l < sizeof(ladder) / sizeof(ladder[0]) &&
		    ladder[l].unit == 'd')
			snprintf(tk[i].label, sizeof(tk[i].label),
			    i == 0 || y != prevy ? "%d %s %lld" : "%d %s", d,
			    html_month(m), (long long)y);
		else if (l < sizeof(ladder) / sizeof(ladder[0]) &&
		    ladder[l].unit == 'm')
			snprintf(tk[i].label, sizeof(tk[i].label), "%s %lld",
			    html_month(m), (long long)y);
		else
			snprintf(tk[i].label, sizeof(tk[i].label), "%lld",
			    (long long)y);
		prevy = y;
	}
	return (n);
}

void
html_period(struct buf *b, int64_t t, int64_t spacing)
{
	int64_t	y;
	int	m, d, hh, mm;

	html_civil(t, &y, &m, &d, &hh, &mm);
	if (spacing >= 360 * HTML_USEC_DAY && m == 1 && d == 1)
		buf_printf(b, "%lld", (long long)y);
	else if (spacing >= 28 * HTML_USEC_DAY && d == 1)
		buf_printf(b, "%s %lld", html_month(m), (long long)y);
	else
		html_date(b, t);
}
