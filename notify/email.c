/* SPDX-License-Identifier: ISC */
/*
 * email: RFC 5322 messages for email channels, and the checks of their
 * addresses and subject templates; see email.h.
 *
 * The document is input: every member is type-checked before use, and a
 * missing or wrong-typed optional member reads as absent.  Only "key",
 * "status", "group_id" and "alerts" are required.  Every string taken
 * from it passes email_clean on its way out: valid UTF-8 only (bad bytes
 * become U+FFFD), control characters become spaces, so no value can end
 * a header line or smuggle one in.  Values written into HTML are escaped
 * (& < > " '), and a URL becomes a link only if it is http(s).
 *
 * Line discipline: headers are folded at whitespace to 78 columns where a
 * word allows (a header line never passes 998: every header value is
 * bounded), non-ASCII header text goes out as RFC 2047 Q encoded-words of
 * at most 75 characters holding whole UTF-8 characters, and both
 * body parts are quoted-printable with lines of at most 76 characters.
 * Every line ends in CRLF.  The MIME boundary starts with "=_", which
 * quoted-printable never produces, so no body line can match it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "alert/render.h"
#include "notify/email.h"
#include "util/buf.h"
#include "util/civil.h"
#include "util/parse.h"
#include "util/xmalloc.h"

#define EMAIL_LINE		78	/* preferred header line length */
#define EMAIL_WORD		75	/* an encoded-word, RFC 2047 2 */
#define EMAIL_WORD_MIN		24	/* or it goes on the next line */
#define EMAIL_QP_LINE		76	/* RFC 2045 6.7 (5) */
#define EMAIL_ID_MAX		128	/* of key and group_id */
#define EMAIL_LOCAL_MAX		64	/* RFC 5321 4.5.3.1.1 */
#define EMAIL_DOMAIN_MAX	253
#define EMAIL_SPEC_MAX		(EMAIL_LOCAL_MAX + 1 + EMAIL_DOMAIN_MAX)
#define EMAIL_NAME_MAX		256	/* of a display name */
#define EMAIL_MAX_SIZE		(8 * 1024 * 1024)
#define EMAIL_MAX_OBS		50	/* observations shown per alert */
#define EMAIL_EXAMPLE		"expected an address such as " \
				"alerts@example.org or " \
				"\"potashd <alerts@example.org>\""
#define EMAIL_VARS		"status, reason, channel, count, alertname, " \
				"series, summary, group"

/* email_clean flags. */
#define EMAIL_CLEAN_NL		0x1	/* keep line breaks, as "\n" */
#define EMAIL_CLEAN_SQUEEZE	0x2	/* one space for each run, trimmed */

static const char *const email_vars[] = {
	"status", "reason", "channel", "count", "alertname", "series",
	"summary", "group",
};
#define EMAIL_NVARS	(sizeof(email_vars) / sizeof(email_vars[0]))
enum email_var {
	EMAIL_V_STATUS, EMAIL_V_REASON, EMAIL_V_CHANNEL, EMAIL_V_COUNT,
	EMAIL_V_ALERTNAME, EMAIL_V_SERIES, EMAIL_V_SUMMARY, EMAIL_V_GROUP,
};

/* A configured address, taken apart. */
struct email_addr {
	char	name[EMAIL_NAME_MAX + 1];	/* display name, unquoted */
	char	spec[EMAIL_SPEC_MAX + 1];	/* addr-spec */
	size_t	at;				/* of the '@' in spec */
};

/* A header being written: where its current line stands. */
struct email_fold {
	struct buf	*b;
	size_t		 col;
	int		 empty;		/* nothing after the name yet */
};

/* The two body parts, as text with "\n" line ends, before encoding. */
struct email_body {
	struct buf	text;
	struct buf	html;
};

/*
 * The length of the valid UTF-8 sequence at s (1..4, with its code point
 * in *cp), or 0 if s does not start one.
 */
static size_t
email_utf8(const char *s, uint32_t *cp)
{
	const unsigned char	*u = (const unsigned char *)s;
	uint32_t		 c;
	size_t			 n, i;

	if (u[0] < 0x80) {
		*cp = u[0];
		return (1);
	}
	if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		n = 2;
		c = u[0] & 0x1f;
	} else if ((u[0] & 0xf0) == 0xe0) {
		n = 3;
		c = u[0] & 0x0f;
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		n = 4;
		c = u[0] & 0x07;
	} else
		return (0);
	/* A NUL fails the continuation test, so this stops at the end. */
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return (0);
		c = c << 6 | (u[i] & 0x3f);
	}
	if ((n == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (n == 4 && (c < 0x10000 || c > 0x10ffff)))
		return (0);
	*cp = c;
	return (n);
}

static int
email_control(uint32_t c)
{
	return (c < 0x20 || (c >= 0x7f && c <= 0x9f));
}

static void
email_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

/*
 * Appends s to b as safe text: invalid UTF-8 becomes U+FFFD, control
 * characters become spaces; with EMAIL_CLEAN_NL line breaks (LF, CRLF or
 * CR) stay, as "\n"; with EMAIL_CLEAN_SQUEEZE runs of spaces are one.
 */
static void
email_clean(struct buf *b, const char *s, int flags)
{
	uint32_t	c;
	size_t		n;
	int		space = 0, any = 0;

	if (s == NULL)
		return;
	for (; *s != '\0'; s += n) {
		if ((n = email_utf8(s, &c)) == 0)
			n = 1;
		else if ((flags & EMAIL_CLEAN_NL) && (c == '\n' ||
		    c == '\r')) {
			if (c == '\r' && s[1] == '\n')
				n = 2;
			email_puts(b, "\n");
			space = any = 0;
			continue;
		} else if (c == ' ' || email_control(c)) {
			if (!(flags & EMAIL_CLEAN_SQUEEZE))
				email_puts(b, " ");
			space = 1;
			continue;
		}
		if (space && any && (flags & EMAIL_CLEAN_SQUEEZE))
			email_puts(b, " ");
		space = 0;
		any = 1;
		if (n == 1 && (unsigned char)*s >= 0x80)
			email_puts(b, "\xef\xbf\xbd");	/* U+FFFD */
		else
			buf_append(b, s, n);
	}
}

/* Appends s cleaned, with indent after each line break. */
static void
email_text_block(struct buf *b, const char *s, const char *indent)
{
	struct buf	 t;
	const char	*p;

	buf_init(&t, 0);
	email_clean(&t, s, EMAIL_CLEAN_NL);
	for (p = buf_cstr(&t); *p != '\0'; p++) {
		buf_append(b, p, 1);
		if (*p == '\n')
			email_puts(b, indent);
	}
	buf_deinit(&t);
}

/* Appends s cleaned and HTML-escaped; line breaks become <br>. */
static void
email_html(struct buf *b, const char *s)
{
	struct buf	 t;
	const char	*p;

	buf_init(&t, 0);
	email_clean(&t, s, EMAIL_CLEAN_NL);
	for (p = buf_cstr(&t); *p != '\0'; p++) {
		switch (*p) {
		case '&':
			email_puts(b, "&amp;");
			break;
		case '<':
			email_puts(b, "&lt;");
			break;
		case '>':
			email_puts(b, "&gt;");
			break;
		case '"':
			email_puts(b, "&quot;");
			break;
		case '\'':
			email_puts(b, "&#39;");
			break;
		case '\n':
			email_puts(b, "<br>");
			break;
		default:
			buf_append(b, p, 1);
			break;
		}
	}
	buf_deinit(&t);
}

/* Whether u is an http(s) URL with a host and no space or control. */
static int
email_http_url(const char *u)
{
	size_t	k;

	if (u == NULL)
		return (0);
	if (strncasecmp(u, "http://", 7) == 0)
		k = 7;
	else if (strncasecmp(u, "https://", 8) == 0)
		k = 8;
	else
		return (0);
	if (u[k] == '\0' || u[k] == '/')
		return (0);
	for (; *u != '\0'; u++)
		if ((unsigned char)*u <= 0x20 || *u == 0x7f)
			return (0);
	return (1);
}

/* Appends url as a link if it is http(s), else as escaped text. */
static void
email_html_link(struct buf *b, const char *url)
{
	if (email_http_url(url)) {
		email_puts(b, "<a href=\"");
		email_html(b, url);
		email_puts(b, "\">");
		email_html(b, url);
		email_puts(b, "</a>");
	} else
		email_html(b, url);
}

/*
 * Appends s[0..n) quoted-printable: "\n" is a hard line break (CRLF),
 * lines get soft breaks to stay within EMAIL_QP_LINE, and a line's
 * leading "." or "From " is encoded for the sake of SMTP and mbox.
 */
static void
email_qp(struct buf *b, const char *s, size_t n)
{
	static const char	 hex[] = "0123456789ABCDEF";
	unsigned char		 c;
	char			 tok[3];
	size_t			 col = 0, i, tl;
	int			 lit;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '\n') {
			email_puts(b, "\r\n");
			col = 0;
			continue;
		}
		if (c == ' ' || c == '\t')
			lit = i + 1 < n && s[i + 1] != '\n';
		else
			lit = c >= 33 && c <= 126 && c != '=';
		if (lit && col + 1 > EMAIL_QP_LINE - 1) {
			email_puts(b, "=\r\n");
			col = 0;
		}
		if (lit && col == 0 && (c == '.' ||
		    (n - i >= 5 && memcmp(s + i, "From ", 5) == 0)))
			lit = 0;
		if (lit) {
			tok[0] = (char)c;
			tl = 1;
		} else {
			tok[0] = '=';
			tok[1] = hex[c >> 4];
			tok[2] = hex[c & 0xf];
			tl = 3;
		}
		if (col + tl > EMAIL_QP_LINE - 1) {
			email_puts(b, "=\r\n");
			col = 0;
		}
		buf_append(b, tok, tl);
		col += tl;
	}
}

static void
email_fold_start(struct email_fold *f, struct buf *b, const char *name)
{
	f->b = b;
	f->col = strlen(name) + 1;
	f->empty = 1;
	buf_printf(b, "%s:", name);
}

/*
 * Adds token t (n bytes) after the whitespace ws, which may become a
 * fold (CRLF before ws) if the line would pass EMAIL_LINE.
 */
static void
email_fold_add(struct email_fold *f, const char *ws, const char *t, size_t n)
{
	size_t	wl = strlen(ws);

	if (!f->empty && f->col + wl + n > EMAIL_LINE) {
		email_puts(f->b, "\r\n");
		f->col = 0;
	}
	buf_append(f->b, ws, wl);
	buf_append(f->b, t, n);
	f->col += wl + n;
	f->empty = 0;
}

static void
email_fold_end(struct email_fold *f)
{
	email_puts(f->b, "\r\n");
}

/* Adds the words of s (single spaces between them) as tokens. */
static void
email_fold_text(struct email_fold *f, const char *s)
{
	size_t	n;

	while (*s != '\0') {
		n = strcspn(s, " ");
		if (n > 0)
			email_fold_add(f, " ", s, n);
		s += n;
		if (*s == ' ')
			s++;
	}
}

/*
 * Adds s (clean UTF-8) as Q encoded-words, each holding whole characters
 * so that it decodes on its own (RFC 2047 5 (3), 6.3), and each as long
 * as the rest of the line allows: at most EMAIL_WORD, at least
 * EMAIL_WORD_MIN (or it starts a line).  Only letters, digits and
 * "!*+-/" stay literal, which is safe in a phrase as in unstructured text.
 */
static void
email_fold_words(struct email_fold *f, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	static const char	 open[] = "=?utf-8?q?";
	char			 word[EMAIL_WORD + 1], enc[4 * 3];
	size_t			 wl, el, cl, i, max = 0;
	uint32_t		 c;
	unsigned char		 u;

	wl = 0;
	while (*s != '\0') {
		if (wl == 0) {
			memcpy(word, open, sizeof(open) - 1);
			wl = sizeof(open) - 1;
			max = f->col + 1 + EMAIL_WORD_MIN <= EMAIL_LINE ?
			    EMAIL_LINE - f->col - 1 : EMAIL_WORD;
			if (max > EMAIL_WORD)
				max = EMAIL_WORD;
		}
		if ((cl = email_utf8(s, &c)) == 0)
			cl = 1;
		for (el = 0, i = 0; i < cl; i++) {
			u = (unsigned char)s[i];
			if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
			    (u >= '0' && u <= '9') || strchr("!*+-/", u) !=
			    NULL)
				enc[el++] = (char)u;
			else if (u == ' ')
				enc[el++] = '_';
			else {
				enc[el++] = '=';
				enc[el++] = hex[u >> 4];
				enc[el++] = hex[u & 0xf];
			}
		}
		if (wl + el + 2 > max && wl > sizeof(open) - 1) {
			memcpy(word + wl, "?=", 2);
			email_fold_add(f, " ", word, wl + 2);
			wl = 0;
			continue;
		}
		memcpy(word + wl, enc, el);
		wl += el;
		s += cl;
	}
	if (wl > 0) {
		memcpy(word + wl, "?=", 2);
		email_fold_add(f, " ", word, wl + 2);
	}
}

static int
email_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return (0);
	return (1);
}

/* Whether word w[0..n) can go out as is: printable ASCII, no "=?". */
static int
email_plain(const char *w, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if ((unsigned char)w[i] < 0x21 || (unsigned char)w[i] > 0x7e ||
		    (w[i] == '=' && i + 1 < n && w[i + 1] == '?'))
			return (0);
	return (1);
}

/*
 * Adds s (clean, single spaces) as unstructured text: plain words as
 * they are, each run of other words as encoded-words.  The space between
 * a word and an encoded-word survives decoding; the spaces inside a run
 * are encoded with it, since those between encoded-words do not.
 */
static void
email_fold_unstructured(struct email_fold *f, const char *s)
{
	const char	*w = s, *run = NULL, *end = NULL;
	char		*t;
	size_t		 n;
	int		 plain;

	for (;;) {
		n = strcspn(w, " ");
		plain = n > 0 && email_plain(w, n);
		if (run != NULL && (*w == '\0' || plain)) {
			t = xstrndup(run, (size_t)(end - run));
			email_fold_words(f, t);
			free(t);
			run = NULL;
		}
		if (*w == '\0')
			break;
		if (plain)
			email_fold_add(f, " ", w, n);
		else if (n > 0) {
			if (run == NULL)
				run = w;
			end = w + n;
		}
		w += n;
		if (*w == ' ')
			w++;
	}
}

static int
email_atext(int c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL));
}

/* Adds a: "addr", "Name <addr>", "\"N, ame\" <addr>" or encoded-words. */
static void
email_fold_addr(struct email_fold *f, const struct email_addr *a, int comma)
{
	struct buf	 q;
	const char	*p;
	int		 atoms = 1;

	buf_init(&q, 0);
	if (a->name[0] != '\0') {
		for (p = a->name; *p != '\0'; p++)
			if (!email_atext((unsigned char)*p) && *p != ' ')
				atoms = 0;
		/* "=?" would read as an encoded-word, quoted or not. */
		if (!email_ascii(a->name) || strstr(a->name, "=?") != NULL)
			email_fold_words(f, a->name);
		else if (atoms)
			email_fold_text(f, a->name);
		else {
			email_puts(&q, "\"");
			for (p = a->name; *p != '\0'; p++) {
				if (*p == '"' || *p == '\\')
					email_puts(&q, "\\");
				buf_append(&q, p, 1);
			}
			email_puts(&q, "\"");
			email_fold_add(f, " ", q.data, q.len);
		}
		buf_reset(&q);
		buf_printf(&q, "<%s>%s", a->spec, comma ? "," : "");
	} else
		buf_printf(&q, "%s%s", a->spec, comma ? "," : "");
	email_fold_add(f, " ", q.data, q.len);
	buf_deinit(&q);
}

/* Checks an addr-spec s[0..n) and sets *at.  err as email_check_address. */
static int
email_spec_check(const char *s, size_t n, const char *q, size_t *at,
    char *err, size_t errlen)
{
	const char	*at_p = NULL, *l, *d;
	size_t		 i, ll, dl, label = 0;

	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] >= 0x80) {
			snprintf(err, errlen, "\"%s\": non-ASCII addresses "
			    "are not supported (no SMTPUTF8)", q);
			return (-1);
		}
		if (s[i] == '@')
			at_p = s + i;
	}
	if (at_p == NULL) {
		snprintf(err, errlen, "\"%s\": no \"@\"; " EMAIL_EXAMPLE, q);
		return (-1);
	}
	l = s;
	ll = (size_t)(at_p - s);
	d = at_p + 1;
	dl = n - ll - 1;
	if (ll == 0 || ll > EMAIL_LOCAL_MAX) {
		snprintf(err, errlen, "\"%s\": the part before \"@\" must "
		    "have 1 to %d characters", q, EMAIL_LOCAL_MAX);
		return (-1);
	}
	if (l[0] == '"') {
		for (i = 1; i < ll - 1; i++) {
			if (l[i] == '\\' && i + 1 < ll - 1)
				i++;
			else if (l[i] == '"' || l[i] == '\\' || l[i] < 0x20)
				break;
		}
		if (ll < 2 || i != ll - 1 || l[ll - 1] != '"') {
			snprintf(err, errlen, "\"%s\": bad quoted local part",
			    q);
			return (-1);
		}
	} else {
		for (i = 0; i < ll; i++) {
			if (l[i] == '.' ? i == 0 || i == ll - 1 ||
			    l[i - 1] == '.' : !email_atext((unsigned char)l[i]))
				break;
		}
		if (i < ll) {
			snprintf(err, errlen, "\"%s\": character '%c' not "
			    "allowed before \"@\" here", q, l[i]);
			return (-1);
		}
	}
	if (dl == 0 || dl > EMAIL_DOMAIN_MAX) {
		snprintf(err, errlen, "\"%s\": the domain must have 1 to %d "
		    "characters", q, EMAIL_DOMAIN_MAX);
		return (-1);
	}
	if (d[0] == '[') {
		for (i = 1; i < dl - 1; i++)
			if (d[i] < 33 || d[i] > 126 || d[i] == '[' ||
			    d[i] == ']' || d[i] == '\\')
				break;
		if (dl < 3 || i != dl - 1 || d[dl - 1] != ']') {
			snprintf(err, errlen, "\"%s\": bad domain literal", q);
			return (-1);
		}
		*at = ll;
		return (0);
	}
	for (i = 0; i <= dl; i++) {
		if (i == dl || d[i] == '.') {
			if (label == 0 || label > 63 || d[i - 1] == '-' ||
			    d[i - label] == '-') {
				snprintf(err, errlen, "\"%s\": bad domain: "
				    "expected labels of letters, digits and "
				    "inner '-', 1 to 63 each", q);
				return (-1);
			}
			label = 0;
		} else if ((d[i] >= 'a' && d[i] <= 'z') || (d[i] >= 'A' &&
		    d[i] <= 'Z') || (d[i] >= '0' && d[i] <= '9') ||
		    d[i] == '-')
			label++;
		else {
			snprintf(err, errlen, "\"%s\": character '%c' not "
			    "allowed in the domain", q, d[i]);
			return (-1);
		}
	}
	*at = ll;
	return (0);
}

/* Takes s apart into a.  Returns 0, or -1 with err set. */
static int
email_addr_parse(const char *s, struct email_addr *a, char *err,
    size_t errlen)
{
	char		 q[PARSE_QUOTE_BUFLEN];
	const char	*b, *e, *p, *lt;
	size_t		 n, cl, nl = 0;
	uint32_t	 c;

	memset(a, 0, sizeof(*a));
	if (s == NULL) {
		snprintf(err, errlen, "empty; " EMAIL_EXAMPLE);
		return (-1);
	}
	n = strlen(s);
	parse_quote(s, n, q, sizeof(q));
	for (p = s; *p != '\0'; p += cl) {
		if ((cl = email_utf8(p, &c)) == 0) {
			snprintf(err, errlen, "\"%s\": not valid UTF-8", q);
			return (-1);
		}
		if (email_control(c)) {
			snprintf(err, errlen, "\"%s\": control characters "
			    "(CR, LF, tab, ...) are not allowed", q);
			return (-1);
		}
	}
	for (b = s; *b == ' '; b++)
		;
	for (e = s + n; e > b && e[-1] == ' '; e--)
		;
	if (b == e) {
		snprintf(err, errlen, "empty; " EMAIL_EXAMPLE);
		return (-1);
	}
	if (e[-1] != '>') {
		if (memchr(b, '<', (size_t)(e - b)) != NULL ||
		    memchr(b, '>', (size_t)(e - b)) != NULL) {
			snprintf(err, errlen, "\"%s\": text after \">\", or "
			    "\"<\" without \">\"", q);
			return (-1);
		}
		if (memchr(b, ' ', (size_t)(e - b)) != NULL) {
			snprintf(err, errlen, "\"%s\": spaces in an address; "
			    "write a display name as \"Name <addr>\"", q);
			return (-1);
		}
		p = b;
	} else if (*b == '"') {
		for (p = b + 1; p < e && *p != '"'; p++) {
			if (*p == '\\' && p + 1 < e)
				p++;
			if (nl < EMAIL_NAME_MAX)
				a->name[nl++] = *p;
		}
		for (p++; p < e && *p == ' '; p++)
			;
		if (p >= e || *p != '<') {
			snprintf(err, errlen, "\"%s\": expected \"<\" after "
			    "the quoted display name", q);
			return (-1);
		}
	} else {
		lt = memchr(b, '<', (size_t)(e - b));
		for (p = b; lt != NULL && p < lt; p++)
			if (*p == '"' || *p == '>')
				break;
		if (lt == NULL || p < lt) {
			snprintf(err, errlen, "\"%s\": \">\" without \"<\", or "
			    "a display name with '\"' or '>' (quote it)", q);
			return (-1);
		}
		for (; lt > b && lt[-1] == ' '; lt--)
			;
		nl = (size_t)(lt - b) < EMAIL_NAME_MAX ? (size_t)(lt - b) :
		    EMAIL_NAME_MAX;
		memcpy(a->name, b, nl);
	}
	if (nl == EMAIL_NAME_MAX) {
		snprintf(err, errlen, "\"%s\": display name longer than %d "
		    "bytes", q, EMAIL_NAME_MAX - 1);
		return (-1);
	}
	if (e[-1] == '>') {
		b = p + 1;
		e--;
		if (memchr(b, '<', (size_t)(e - b)) != NULL ||
		    memchr(b, '>', (size_t)(e - b)) != NULL) {
			snprintf(err, errlen, "\"%s\": stray \"<\" or \">\"",
			    q);
			return (-1);
		}
	}
	if ((size_t)(e - b) > EMAIL_SPEC_MAX) {
		snprintf(err, errlen, "\"%s\": address longer than %d bytes",
		    q, EMAIL_SPEC_MAX);
		return (-1);
	}
	if (email_spec_check(b, (size_t)(e - b), q, &a->at, err, errlen) ==
	    -1)
		return (-1);
	memcpy(a->spec, b, (size_t)(e - b));
	return (0);
}

int
email_check_address(const char *s, char *err, size_t errlen)
{
	struct email_addr	a;

	return (email_addr_parse(s, &a, err, errlen));
}

/*
 * Finds the next {{name}} at or after *p as render.c does: sets *start,
 * *name and *nlen (spaces trimmed) and moves *p past "}}".  Returns 1,
 * 0 at the end, -1 for "{{" without "}}".
 */
static int
email_subject_next(const char **p, const char **start, const char **name,
    size_t *nlen)
{
	const char	*open, *close, *b, *e;

	if ((open = strstr(*p, "{{")) == NULL)
		return (0);
	if ((close = strstr(open + 2, "}}")) == NULL)
		return (-1);
	for (b = open + 2; b < close && *b == ' '; b++)
		;
	for (e = close; e > b && e[-1] == ' '; e--)
		;
	*start = open;
	*name = b;
	*nlen = (size_t)(e - b);
	*p = close + 2;
	return (1);
}

static int
email_subject_var(const char *name, size_t n)
{
	size_t	i;

	for (i = 0; i < EMAIL_NVARS; i++)
		if (strlen(email_vars[i]) == n &&
		    memcmp(email_vars[i], name, n) == 0)
			return ((int)i);
	return (-1);
}

int
email_subject_check(const char *tmpl, char *err, size_t errlen)
{
	const char	*p, *start, *name;
	char		 q[PARSE_QUOTE_BUFLEN];
	size_t		 n, cl;
	uint32_t	 c;
	int		 rc;

	if (tmpl == NULL)
		return (0);
	if (strlen(tmpl) > EMAIL_SUBJECT_MAX) {
		snprintf(err, errlen, "longer than %d bytes",
		    EMAIL_SUBJECT_MAX);
		return (-1);
	}
	for (p = tmpl; *p != '\0'; p += cl) {
		if ((cl = email_utf8(p, &c)) == 0 || email_control(c)) {
			snprintf(err, errlen, "%s at offset %zu", cl == 0 ?
			    "not valid UTF-8" : "control character",
			    (size_t)(p - tmpl));
			return (-1);
		}
	}
	p = tmpl;
	while ((rc = email_subject_next(&p, &start, &name, &n)) == 1) {
		if (email_subject_var(name, n) < 0) {
			parse_quote(name, n, q, sizeof(q));
			snprintf(err, errlen, "unknown variable {{%s}}; "
			    "expected one of " EMAIL_VARS, q);
			return (-1);
		}
	}
	if (rc == -1) {
		snprintf(err, errlen, "\"{{\" at offset %zu has no \"}}\"",
		    (size_t)(strstr(p, "{{") - tmpl));
		return (-1);
	}
	return (0);
}

/*
 * Expands a checked template with vals (NULL reads as empty); the result
 * is cleaned, its runs of spaces squeezed, trimmed and cut (at a
 * character, marked "...") to EMAIL_SUBJECT_MAX bytes.  The caller frees
 * it.
 */
static char *
email_subject(const char *tmpl, const char *const vals[EMAIL_NVARS])
{
	struct buf	 b, t;
	const char	*p = tmpl, *before, *start, *name;
	size_t		 n, cut;
	uint32_t	 c;

	buf_init(&b, 0);
	for (;;) {
		before = p;
		if (email_subject_next(&p, &start, &name, &n) != 1) {
			buf_append(&b, before, strlen(before));
			break;
		}
		buf_append(&b, before, (size_t)(start - before));
		email_clean(&b, vals[email_subject_var(name, n)],
		    EMAIL_CLEAN_SQUEEZE);
	}
	buf_init(&t, 0);
	email_clean(&t, buf_cstr(&b), EMAIL_CLEAN_SQUEEZE);
	buf_deinit(&b);
	if (t.len > EMAIL_SUBJECT_MAX) {
		for (cut = 0; (n = email_utf8(t.data + cut, &c)) > 0 &&
		    cut + n <= EMAIL_SUBJECT_MAX - 3; cut += n)
			;
		t.len = cut;
		email_puts(&t, "...");
	}
	return (buf_steal(&t, NULL));
}

/* The string value of member name of o, or NULL. */
static const char *
email_str(const cJSON *o, const char *name)
{
	const cJSON	*v;

	if (!cJSON_IsObject(o))
		return (NULL);
	v = cJSON_GetObjectItemCaseSensitive(o, name);
	return (cJSON_IsString(v) && v->valuestring != NULL ?
	    v->valuestring : NULL);
}

/* Like email_str, but "" for a missing member. */
static const char *
email_estr(const cJSON *o, const char *name)
{
	const char	*s = email_str(o, name);

	return (s != NULL ? s : "");
}

static const cJSON *
email_member(const cJSON *o, const char *name)
{
	if (!cJSON_IsObject(o))
		return (NULL);
	return (cJSON_GetObjectItemCaseSensitive(o, name));
}

/* Writes a number member (or a string one) to buf; 0 if neither. */
static int
email_number(const cJSON *o, const char *name, const char *unit, char *buf,
    size_t len)
{
	const cJSON	*v = email_member(o, name);
	char		 n[64];

	if (cJSON_IsNumber(v))
		render_number(v->valuedouble, n, sizeof(n));
	else if (cJSON_IsString(v) && v->valuestring != NULL &&
	    *v->valuestring != '\0')
		snprintf(n, sizeof(n), "%s", v->valuestring);
	else
		return (0);
	snprintf(buf, len, "%s%s%s", n, unit != NULL && *unit != '\0' ?
	    " " : "", unit != NULL ? unit : "");
	return (1);
}

/* The string members of o as "k=v, k=v" (raw); the caller frees it. */
static char *
email_pairs(const cJSON *o)
{
	const cJSON	*m;
	struct buf	 b;

	buf_init(&b, 0);
	if (cJSON_IsObject(o)) {
		cJSON_ArrayForEach(m, o) {
			if (m->string == NULL || !cJSON_IsString(m))
				continue;
			buf_printf(&b, "%s%s=%s", b.len > 0 ? ", " : "",
			    m->string, m->valuestring);
		}
	}
	return (buf_steal(&b, NULL));
}

/* An id for a header: 1..EMAIL_ID_MAX letters, digits, '-' or '_'. */
static int
email_id_ok(const char *s)
{
	size_t	n = strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");

	return (n > 0 && n <= EMAIL_ID_MAX && s[n] == '\0');
}

/* Checks the members the message needs. */
static int
email_doc_check(const cJSON *doc, char *err, size_t errlen)
{
	static const char *const ids[] = { "key", "group_id" };
	const cJSON	*alerts, *a;
	const char	*s;
	char		 q[PARSE_QUOTE_BUFLEN];
	size_t		 i;
	int		 n = 0;

	if (!cJSON_IsObject(doc)) {
		snprintf(err, errlen, "notification document: expected an "
		    "object");
		return (-1);
	}
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		if ((s = email_str(doc, ids[i])) == NULL) {
			snprintf(err, errlen, "notification document: \"%s\": "
			    "expected a string", ids[i]);
			return (-1);
		}
		if (!email_id_ok(s)) {
			parse_quote(s, strlen(s), q, sizeof(q));
			snprintf(err, errlen, "notification document: \"%s\": "
			    "expected 1 to %d letters, digits, '-' or '_', "
			    "got \"%s\"", ids[i], EMAIL_ID_MAX, q);
			return (-1);
		}
	}
	s = email_str(doc, "status");
	if (s == NULL || (strcmp(s, "firing") != 0 &&
	    strcmp(s, "resolved") != 0)) {
		snprintf(err, errlen, "notification document: \"status\": "
		    "expected \"firing\" or \"resolved\"");
		return (-1);
	}
	alerts = email_member(doc, "alerts");
	if (!cJSON_IsArray(alerts)) {
		snprintf(err, errlen, "notification document: \"alerts\": "
		    "expected an array");
		return (-1);
	}
	cJSON_ArrayForEach(a, alerts) {
		if (!cJSON_IsObject(a)) {
			snprintf(err, errlen, "notification document: "
			    "\"alerts\"[%d]: expected an object", n);
			return (-1);
		}
		n++;
	}
	return (0);
}

/* Starts a heading, in text and HTML. */
static void
email_heading(struct email_body *o, const char *tag, const char *s)
{
	email_clean(&o->text, s, 0);
	email_puts(&o->text, "\n");
	buf_printf(&o->html, "<%s>", tag);
	email_html(&o->html, s);
	buf_printf(&o->html, "</%s>\n", tag);
}

/*
 * One row of an alert's evidence: label, then up to two lines of text
 * and a URL, any of them NULL.
 */
static void
email_row(struct email_body *o, const char *label, const char *l1,
    const char *l2, const char *url)
{
	const char	*v[3] = { l1, l2, url };
	char		 lc[32];
	size_t		 i;
	int		 first = 1;

	for (i = 0; i < 3; i++)
		if (v[i] != NULL && *v[i] != '\0')
			break;
	if (i == 3)
		return;
	snprintf(lc, sizeof(lc), "%s:", label);
	email_puts(&o->html, "<tr><th align=\"left\" valign=\"top\">");
	email_html(&o->html, label);
	email_puts(&o->html, "</th><td>");
	for (i = 0; i < 3; i++) {
		if (v[i] == NULL || *v[i] == '\0')
			continue;
		buf_printf(&o->text, "    %-14s", first ? lc : "");
		email_clean(&o->text, v[i], 0);
		email_puts(&o->text, "\n");
		if (!first)
			email_puts(&o->html, "<br>");
		if (i == 2)
			email_html_link(&o->html, v[i]);
		else
			email_html(&o->html, v[i]);
		first = 0;
	}
	email_puts(&o->html, "</td></tr>\n");
}

/* The event row: what, when, title and source. */
static void
email_event(struct email_body *o, const cJSON *ev)
{
	struct buf	 b;
	const char	*s;

	if (!cJSON_IsObject(ev))
		return;
	buf_init(&b, 0);
	buf_printf(&b, "%s %s %s", email_estr(ev, "jurisdiction"),
	    email_estr(ev, "action"), email_estr(ev, "instrument"));
	if ((s = email_str(ev, "announced_on")) != NULL)
		buf_printf(&b, ", announced %s", s);
	if ((s = email_str(ev, "effective_on")) != NULL)
		buf_printf(&b, ", effective %s", s);
	email_row(o, "Event", buf_cstr(&b), email_str(ev, "title"),
	    email_str(ev, "source_url"));
	buf_deinit(&b);
}

/* The observations: a table in HTML, one line (and URL) each in text. */
static void
email_observations(struct email_body *o, const cJSON *obs)
{
	static const char *const cols[] = { "period", "value", "known_at",
	    "fetched_at" };
	const cJSON	*ob;
	const char	*s;
	struct buf	 t;
	char		 v[128];
	int		 n = 0, total;
	size_t		 i;

	if (!cJSON_IsArray(obs) || (total = cJSON_GetArraySize(obs)) == 0)
		return;
	email_puts(&o->text, "    Observations:\n");
	email_puts(&o->html, "<p>Observations</p>\n<table border=\"1\" "
	    "cellpadding=\"4\" cellspacing=\"0\">\n<tr><th>Period</th>"
	    "<th>Value</th><th>Known at</th><th>Fetched at</th>"
	    "<th>Source</th></tr>\n");
	buf_init(&t, 0);
	cJSON_ArrayForEach(ob, obs) {
		if (n++ == EMAIL_MAX_OBS)
			break;
		if (!email_number(ob, "value", email_str(ob, "unit"), v,
		    sizeof(v)))
			snprintf(v, sizeof(v), "n/a");
		buf_reset(&t);
		s = email_estr(ob, "period");
		buf_printf(&t, "%s%s%s", s, *s != '\0' ? "  " : "", v);
		if ((s = email_str(ob, "known_at")) != NULL)
			buf_printf(&t, ", known %s", s);
		if ((s = email_str(ob, "fetched_at")) != NULL)
			buf_printf(&t, ", fetched %s", s);
		email_puts(&o->text, "      ");
		email_clean(&o->text, buf_cstr(&t), 0);
		email_puts(&o->text, "\n");
		if ((s = email_str(ob, "source_url")) != NULL) {
			email_puts(&o->text, "        ");
			email_clean(&o->text, s, 0);
			email_puts(&o->text, "\n");
		}
		email_puts(&o->html, "<tr>");
		for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
			email_puts(&o->html, "<td>");
			email_html(&o->html, i == 1 ? v :
			    email_estr(ob, cols[i]));
			email_puts(&o->html, "</td>");
		}
		email_puts(&o->html, "<td>");
		email_html_link(&o->html, email_str(ob, "source_url"));
		email_puts(&o->html, "</td></tr>\n");
	}
	buf_deinit(&t);
	email_puts(&o->html, "</table>\n");
	if (total > EMAIL_MAX_OBS) {
		snprintf(v, sizeof(v), "... and %d more observations",
		    total - EMAIL_MAX_OBS);
		buf_printf(&o->text, "      %s\n", v);
		buf_printf(&o->html, "<p>%s</p>\n", v);
	}
}

/* One alert: heading, summary, description and its evidence. */
static void
email_alert(struct email_body *o, const cJSON *a, int i, const char *st,
    const char *ext)
{
	const cJSON	*ann = email_member(a, "annotations");
	const cJSON	*bl = email_member(a, "baseline");
	const char	*unit = email_str(a, "unit"), *s;
	struct buf	 b;
	char		 v[128], w[128], *t, *url = NULL;
	int		 thr = strcmp(email_estr(a, "kind"), "threshold") == 0;

	if ((s = email_str(a, "status")) != NULL && (strcmp(s, "firing") ==
	    0 || strcmp(s, "resolved") == 0))
		st = s;
	buf_init(&b, 0);
	buf_printf(&b, "[%d] %s", i, strcmp(st, "firing") == 0 ? "FIRING" :
	    "RESOLVED");
	if ((s = email_str(a, "severity")) != NULL && *s != '\0')
		buf_printf(&b, ", %s", s);
	if ((s = email_str(a, "rule")) == NULL || *s == '\0')
		s = "alert";
	buf_printf(&b, ": %s", s);
	if ((s = email_str(a, "series")) != NULL && *s != '\0')
		buf_printf(&b, " on %s", s);
	email_puts(&o->text, "\n");
	email_heading(o, "h3", buf_cstr(&b));
	if ((s = email_str(ann, "summary")) != NULL && *s != '\0') {
		email_puts(&o->text, "    ");
		email_clean(&o->text, s, 0);
		email_puts(&o->text, "\n");
		email_puts(&o->html, "<p><b>");
		email_html(&o->html, s);
		email_puts(&o->html, "</b></p>\n");
	}
	if ((s = email_str(ann, "description")) != NULL && *s != '\0') {
		email_puts(&o->text, "    ");
		email_text_block(&o->text, s, "    ");
		email_puts(&o->text, "\n");
		email_puts(&o->html, "<p>");
		email_html(&o->html, s);
		email_puts(&o->html, "</p>\n");
	}
	email_puts(&o->text, "\n");
	email_puts(&o->html, "<table border=\"1\" cellpadding=\"4\" "
	    "cellspacing=\"0\">\n");
	if (email_number(a, "value", unit, v, sizeof(v)))
		email_row(o, "Value", v, NULL, NULL);
	if (!thr && email_number(a, "metric", NULL, v, sizeof(v)))
		email_row(o, "Metric", v, NULL, NULL);
	if (email_number(a, "threshold", thr ? unit : NULL, v, sizeof(v)))
		email_row(o, "Threshold", v, NULL, NULL);
	if (email_number(bl, "value", unit, v, sizeof(v))) {
		buf_reset(&b);
		if (email_number(bl, "n", NULL, w, sizeof(w)))
			buf_printf(&b, "%s observations", w);
		if (email_str(bl, "from") != NULL &&
		    email_str(bl, "to") != NULL)
			buf_printf(&b, "%s%s to %s", b.len > 0 ? ", " : "",
			    email_str(bl, "from"), email_str(bl, "to"));
		t = xasprintf(b.len > 0 ? "%s (%s)" : "%s%s", v, buf_cstr(&b));
		email_row(o, "Baseline", t, NULL, NULL);
		free(t);
	}
	email_event(o, email_member(a, "event"));
	email_row(o, "Since", email_str(a, "starts_at"), NULL, NULL);
	email_row(o, "Ended", email_str(a, "ends_at"), NULL, NULL);
	t = email_pairs(email_member(a, "labels"));
	email_row(o, "Labels", t, NULL, NULL);
	free(t);
	if (ext != NULL && (s = email_str(a, "fingerprint")) != NULL &&
	    email_id_ok(s))
		url = xasprintf("%s/alerts/%s", ext, s);
	email_row(o, "Details", NULL, NULL, url);
	free(url);
	email_puts(&o->html, "</table>\n");
	email_observations(o, email_member(a, "observations"));
	buf_deinit(&b);
}

/* Both body parts for doc; the subject titles the HTML. */
static void
email_body(struct email_body *o, const cJSON *doc, const char *subject,
    const char *group, int total)
{
	const cJSON	*alerts = email_member(doc, "alerts"), *a, *v;
	const char	*st = email_str(doc, "status"), *s;
	struct buf	 b;
	char		*ext = NULL, *t;
	size_t		 n;
	int		 i = 0, shown;

	email_puts(&o->html, "<!DOCTYPE html>\n<html><head><meta "
	    "charset=\"utf-8\"><title>");
	email_html(&o->html, subject);
	email_puts(&o->html, "</title></head>\n<body>\n");
	if (strcmp(email_estr(doc, "reason"), "test") == 0) {
		s = "[TEST] This is a test notification; no action is needed.";
		buf_printf(&o->text, "%s\n\n", s);
		buf_printf(&o->html, "<p><b>%s</b></p>\n", s);
	}
	shown = cJSON_GetArraySize(alerts);
	buf_init(&b, 0);
	buf_printf(&b, "%s: %d alert%s", strcmp(st, "firing") == 0 ?
	    "FIRING" : "RESOLVED", total, total == 1 ? "" : "s");
	if ((s = email_str(doc, "channel")) != NULL && *s != '\0')
		buf_printf(&b, ", channel %s", s);
	if ((s = email_str(doc, "reason")) != NULL && *s != '\0')
		buf_printf(&b, ", reason %s", s);
	email_heading(o, "h2", buf_cstr(&b));
	buf_deinit(&b);
	t = xasprintf("Group: %s", *group != '\0' ? group : "(all)");
	email_heading(o, "p", t);
	free(t);
	if ((s = email_str(doc, "external_url")) != NULL &&
	    email_http_url(s)) {
		n = strlen(s);
		while (n > 0 && s[n - 1] == '/')
			n--;
		ext = xstrndup(s, n);
	}
	cJSON_ArrayForEach(a, alerts)
		email_alert(o, a, ++i, st, ext);
	if (total > shown) {
		t = xasprintf("... and %d more alert%s not shown.",
		    total - shown, total - shown == 1 ? "" : "s");
		email_puts(&o->text, "\n");
		email_heading(o, "p", t);
		free(t);
	}
	v = email_member(doc, "group_seq");
	t = xasprintf("potashd notification %s, group %s, #%.0f",
	    email_str(doc, "key"), email_str(doc, "group_id"),
	    cJSON_IsNumber(v) ? v->valuedouble : 0.0);
	email_puts(&o->text, "\n-- \n");
	email_clean(&o->text, t, 0);
	email_puts(&o->text, "\n");
	email_puts(&o->html, "<hr>\n<p><small>");
	email_html(&o->html, t);
	if (ext != NULL) {
		email_clean(&o->text, ext, 0);
		email_puts(&o->text, "\n");
		email_puts(&o->html, "<br>");
		email_html_link(&o->html, ext);
	}
	email_puts(&o->html, "</small></p>\n</body></html>\n");
	free(t);
	free(ext);
}

/* RFC 5322 date-time of unix time t, in UTC. */
static void
email_date(int64_t t, char *buf, size_t len)
{
	static const char *const wd[] = { "Mon", "Tue", "Wed", "Thu", "Fri",
	    "Sat", "Sun" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int64_t	days = civil_floordiv(t, 86400), secs = t - days * 86400, y;
	int	m, d;

	civil_date(days, &y, &m, &d);
	snprintf(buf, len, "%s, %d %s %04" PRId64 " %02d:%02d:%02d +0000",
	    wd[civil_weekday(days) - 1], d, mon[m - 1], y, (int)(secs / 3600),
	    (int)(secs / 60 % 60), (int)(secs % 60));
}

/*
 * The subject of doc from template tmpl: {{summary}} falls back to
 * "ALERTNAME on SERIES", and a test gets "[TEST] " in front.  The caller
 * frees it.
 */
static char *
email_render_subject(const cJSON *doc, const char *tmpl, const char *group,
    int total)
{
	const cJSON	*a = cJSON_GetArrayItem(email_member(doc, "alerts"), 0);
	const char	*vals[EMAIL_NVARS], *an, *se;
	char		 count[16], *summary = NULL, *s;

	memset(vals, 0, sizeof(vals));
	vals[EMAIL_V_STATUS] = strcmp(email_str(doc, "status"), "firing") ==
	    0 ? "FIRING" : "RESOLVED";
	vals[EMAIL_V_REASON] = email_str(doc, "reason");
	vals[EMAIL_V_CHANNEL] = email_str(doc, "channel");
	snprintf(count, sizeof(count), "%d", total);
	vals[EMAIL_V_COUNT] = count;
	an = email_str(email_member(a, "labels"), "alertname");
	if (an == NULL || *an == '\0')
		an = email_estr(a, "rule");
	se = email_estr(a, "series");
	vals[EMAIL_V_ALERTNAME] = an;
	vals[EMAIL_V_SERIES] = se;
	vals[EMAIL_V_GROUP] = group;
	vals[EMAIL_V_SUMMARY] = email_str(email_member(a, "annotations"),
	    "summary");
	if (vals[EMAIL_V_SUMMARY] == NULL || *vals[EMAIL_V_SUMMARY] == '\0') {
		if (*an != '\0' && *se != '\0')
			summary = xasprintf("%s on %s", an, se);
		else
			summary = xstrdup(*an != '\0' ? an : *se != '\0' ? se :
			    *group != '\0' ? group : "no alerts");
		vals[EMAIL_V_SUMMARY] = summary;
	}
	s = email_subject(tmpl, vals);
	free(summary);
	if (*s == '\0') {
		free(s);
		s = xasprintf("[potashd] %s", vals[EMAIL_V_STATUS]);
	}
	if (strcmp(email_estr(doc, "reason"), "test") == 0) {
		summary = s;
		s = xasprintf("[TEST] %s", summary);
		free(summary);
	}
	return (s);
}

/* Checks the parameters into from, to[] and host; err as email_message. */
static int
email_params_check(const struct email_params *p, struct email_addr *from,
    struct email_addr *to, const char **host, char *err, size_t errlen)
{
	struct email_addr	 h;
	char			 e[256], spec[EMAIL_DOMAIN_MAX + 3];
	const char		*tmpl;
	size_t			 i;

	if (email_addr_parse(p->from, from, e, sizeof(e)) == -1) {
		snprintf(err, errlen, "from: %s", e);
		return (-1);
	}
	if (p->nto == 0 || p->to == NULL) {
		snprintf(err, errlen, "to: no recipients");
		return (-1);
	}
	for (i = 0; i < p->nto; i++) {
		if (email_addr_parse(p->to[i], &to[i], e, sizeof(e)) == -1) {
			snprintf(err, errlen, "to: %s", e);
			return (-1);
		}
	}
	*host = from->spec + from->at + 1;
	if (p->hostname != NULL) {
		/* A hostname is what may follow "@" in an address. */
		snprintf(spec, sizeof(spec), "x@%s", p->hostname);
		if (strlen(p->hostname) > EMAIL_DOMAIN_MAX ||
		    email_addr_parse(spec, &h, e, sizeof(e)) == -1) {
			snprintf(err, errlen, "hostname: expected a domain "
			    "name such as mail.example.org");
			return (-1);
		}
		*host = p->hostname;
	}
	tmpl = p->subject != NULL ? p->subject : EMAIL_SUBJECT_DEFAULT;
	if (email_subject_check(tmpl, e, sizeof(e)) == -1) {
		snprintf(err, errlen, "subject: %s", e);
		return (-1);
	}
	return (0);
}

char *
email_message(const cJSON *doc, const struct email_params *p, size_t *len,
    char *err, size_t errlen)
{
	struct email_addr	 from, *to = NULL;
	struct email_fold	 f;
	struct email_body	 o;
	struct buf		 m;
	const cJSON		*v;
	const char		*host, *key, *gid;
	char			 date[64], bnd[32], *subject, *group;
	char			*out = NULL;
	size_t			 i;
	int			 total, root;

	if (email_doc_check(doc, err, errlen) == -1)
		return (NULL);
	to = xcalloc(p->nto > 0 ? p->nto : 1, sizeof(*to));
	if (email_params_check(p, &from, to, &host, err, errlen) == -1)
		goto out;
	key = email_str(doc, "key");
	gid = email_str(doc, "group_id");
	v = email_member(doc, "group_seq");
	root = cJSON_IsNumber(v) && v->valuedouble == 1;
	total = cJSON_GetArraySize(email_member(doc, "alerts"));
	v = email_member(doc, "truncated");
	if (cJSON_IsNumber(v) && v->valuedouble >= 1 && v->valuedouble < 1e6)
		total += (int)v->valuedouble;
	group = email_pairs(email_member(doc, "group_labels"));
	subject = email_render_subject(doc, p->subject != NULL ? p->subject :
	    EMAIL_SUBJECT_DEFAULT, group, total);

	buf_init(&m, 0);
	email_date(p->date, date, sizeof(date));
	buf_printf(&m, "Date: %s\r\n", date);
	email_fold_start(&f, &m, "From");
	email_fold_addr(&f, &from, 0);
	email_fold_end(&f);
	email_fold_start(&f, &m, "To");
	for (i = 0; i < p->nto; i++)
		email_fold_addr(&f, &to[i], i + 1 < p->nto);
	email_fold_end(&f);
	email_fold_start(&f, &m, "Subject");
	email_fold_unstructured(&f, subject);
	email_fold_end(&f);
	if (root)
		buf_printf(&m, "Message-ID: <g.%s@%s>\r\n", gid, host);
	else {
		buf_printf(&m, "Message-ID: <n.%s@%s>\r\n", key, host);
		buf_printf(&m, "In-Reply-To: <g.%s@%s>\r\n", gid, host);
		buf_printf(&m, "References: <g.%s@%s>\r\n", gid, host);
	}
	snprintf(bnd, sizeof(bnd), "=_potashd_%08" PRIx32, p->seed);
	buf_printf(&m, "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/alternative;\r\n boundary=\"%s\"\r\n"
	    "Auto-Submitted: auto-generated\r\n"
	    "X-Potashd-Notification: %s\r\n"
	    "\r\n"
	    "This is a MIME message: a text and an HTML version.\r\n", bnd,
	    key);

	buf_init(&o.text, 0);
	buf_init(&o.html, 0);
	email_body(&o, doc, subject, group, total);
	buf_printf(&m, "\r\n--%s\r\nContent-Type: text/plain; charset=utf-8"
	    "\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", bnd);
	email_qp(&m, o.text.data, o.text.len);
	buf_printf(&m, "--%s\r\nContent-Type: text/html; charset=utf-8"
	    "\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", bnd);
	email_qp(&m, o.html.data, o.html.len);
	buf_printf(&m, "--%s--\r\n", bnd);
	buf_deinit(&o.text);
	buf_deinit(&o.html);
	free(subject);
	free(group);

	if (m.len > EMAIL_MAX_SIZE) {
		snprintf(err, errlen, "message of %zu bytes is larger than "
		    "%d", m.len, EMAIL_MAX_SIZE);
		buf_deinit(&m);
		goto out;
	}
	out = buf_steal(&m, len);
out:
	free(to);
	return (out);
}
