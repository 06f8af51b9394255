/* SPDX-License-Identifier: ISC */
/*
 * email_mime: safe text, quoted-printable, header folding, RFC 2047
 * encoded-words and addresses for email.c; see email_mime.h.
 *
 * Every string taken from a document passes email_mime_clean on its way
 * out: valid UTF-8 only (bad bytes become U+FFFD), control characters
 * become spaces, so no value can end a header line or smuggle one in.
 * Values written into HTML are escaped (& < > " '), and a URL becomes a
 * link only if it is http(s).
 *
 * Line discipline: headers are folded at whitespace to 78 columns where a
 * word allows (a header line never passes 998: every header value is
 * bounded), non-ASCII header text goes out as RFC 2047 Q encoded-words of
 * at most 75 characters holding whole UTF-8 characters, and both
 * body parts are quoted-printable with lines of at most 76 characters.
 * Every line ends in CRLF.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "notify/email_mime.h"
#include "util/buf.h"
#include "util/parse.h"
#include "util/url.h"
#include "util/xmalloc.h"

#define EMAIL_MIME_LINE		78	/* preferred header line length */
#define EMAIL_MIME_WORD		75	/* an encoded-word, RFC 2047 2 */
#define EMAIL_MIME_WORD_MIN	24	/* or it goes on the next line */
#define EMAIL_MIME_QP_LINE	76	/* RFC 2045 6.7 (5) */
#define EMAIL_MIME_EXAMPLE	"expected an address such as " \
				"alerts@example.org or " \
				"\"potashd <alerts@example.org>\""

/*
 * The length of the valid UTF-8 sequence at s (1..4, with its code point
 * in *cp), or 0 if s does not start one.
 */
size_t
email_mime_utf8(const char *s, uint32_t *cp)
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

int
email_mime_control(uint32_t c)
{
	return (c < 0x20 || (c >= 0x7f && c <= 0x9f));
}

static void
email_mime_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

/*
 * Appends s to b as safe text: invalid UTF-8 becomes U+FFFD, control
 * characters become spaces; with EMAIL_MIME_CLEAN_NL line breaks (LF, CRLF or
 * CR) stay, as "\n"; with EMAIL_MIME_CLEAN_SQUEEZE runs of spaces are one.
 */
void
email_mime_clean(struct buf *b, const char *s, int flags)
{
	uint32_t	c;
	size_t		n;
	int		space = 0, any = 0;

	if (s == NULL)
		return;
	for (; *s != '\0'; s += n) {
		if ((n = email_mime_utf8(s, &c)) == 0)
			n = 1;
		else if ((flags & EMAIL_MIME_CLEAN_NL) && (c == '\n' ||
		    c == '\r')) {
			if (c == '\r' && s[1] == '\n')
				n = 2;
			email_mime_puts(b, "\n");
			space = any = 0;
			continue;
		} else if (c == ' ' || email_mime_control(c)) {
			if (!(flags & EMAIL_MIME_CLEAN_SQUEEZE))
				email_mime_puts(b, " ");
			space = 1;
			continue;
		}
		if (space && any && (flags & EMAIL_MIME_CLEAN_SQUEEZE))
			email_mime_puts(b, " ");
		space = 0;
		any = 1;
		if (n == 1 && (unsigned char)*s >= 0x80)
			email_mime_puts(b, "\xef\xbf\xbd");	/* U+FFFD */
		else
			buf_append(b, s, n);
	}
}

/* Appends s cleaned and HTML-escaped; line breaks become <br>. */
void
email_mime_html(struct buf *b, const char *s)
{
	struct buf	 t;
	const char	*p;

	buf_init(&t, 0);
	email_mime_clean(&t, s, EMAIL_MIME_CLEAN_NL);
	for (p = buf_cstr(&t); *p != '\0'; p++) {
		switch (*p) {
		case '&':
			email_mime_puts(b, "&amp;");
			break;
		case '<':
			email_mime_puts(b, "&lt;");
			break;
		case '>':
			email_mime_puts(b, "&gt;");
			break;
		case '"':
			email_mime_puts(b, "&quot;");
			break;
		case '\'':
			email_mime_puts(b, "&#39;");
			break;
		case '\n':
			email_mime_puts(b, "<br>");
			break;
		default:
			buf_append(b, p, 1);
			break;
		}
	}
	buf_deinit(&t);
}

/* Appends url as a link if it is http(s), else as escaped text. */
void
email_mime_html_link(struct buf *b, const char *url)
{
	if (url_is_http(url)) {
		email_mime_puts(b, "<a href=\"");
		email_mime_html(b, url);
		email_mime_puts(b, "\">");
		email_mime_html(b, url);
		email_mime_puts(b, "</a>");
	} else
		email_mime_html(b, url);
}

/*
 * Appends s[0..n) quoted-printable: "\n" is a hard line break (CRLF),
 * lines get soft breaks to stay within EMAIL_MIME_QP_LINE, and a line's
 * leading "." or "From " is encoded for the sake of SMTP and mbox.
 */
void
email_mime_qp(struct buf *b, const char *s, size_t n)
{
	static const char	 hex[] = "0123456789ABCDEF";
	unsigned char		 c;
	char			 tok[3];
	size_t			 col = 0, i, tl;
	int			 lit;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '\n') {
			email_mime_puts(b, "\r\n");
			col = 0;
			continue;
		}
		if (c == ' ' || c == '\t')
			lit = i + 1 < n && s[i + 1] != '\n';
		else
			lit = c >= 33 && c <= 126 && c != '=';
		if (lit && col + 1 > EMAIL_MIME_QP_LINE - 1) {
			email_mime_puts(b, "=\r\n");
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
		if (col + tl > EMAIL_MIME_QP_LINE - 1) {
			email_mime_puts(b, "=\r\n");
			col = 0;
		}
		buf_append(b, tok, tl);
		col += tl;
	}
}

void
email_mime_fold_start(struct email_mime_fold *f, struct buf *b,
    const char *name)
{
	f->b = b;
	f->col = strlen(name) + 1;
	f->empty = 1;
	buf_printf(b, "%s:", name);
}

/*
 * Adds token t (n bytes) after the whitespace ws, which may become a
 * fold (CRLF before ws) if the line would pass EMAIL_MIME_LINE.
 */
static void
email_mime_fold_add(struct email_mime_fold *f, const char *ws, const char *t,
    size_t n)
{
	size_t	wl = strlen(ws);

	if (!f->empty && f->col + wl + n > EMAIL_MIME_LINE) {
		email_mime_puts(f->b, "\r\n");
		f->col = 0;
	}
	buf_append(f->b, ws, wl);
	buf_append(f->b, t, n);
	f->col += wl + n;
	f->empty = 0;
}

void
email_mime_fold_end(struct email_mime_fold *f)
{
	email_mime_puts(f->b, "\r\n");
}

/* Adds the words of s (single spaces between them) as tokens. */
static void
email_mime_fold_text(struct email_mime_fold *f, const char *s)
{
	size_t	n;

	while (*s != '\0') {
		n = strcspn(s, " ");
		if (n > 0)
			email_mime_fold_add(f, " ", s, n);
		s += n;
		if (*s == ' ')
			s++;
	}
}

/*
 * Adds s (clean UTF-8) as Q encoded-words, each holding whole characters
 * so that it decodes on its own (RFC 2047 5 (3), 6.3), and each as long
 * as the rest of the line allows: at most EMAIL_MIME_WORD, at least
 * EMAIL_MIME_WORD_MIN (or it starts a line).  Only letters, digits and
 * "!*+-/" stay literal, which is safe in a phrase as in unstructured text.
 */
static void
email_mime_fold_words(struct email_mime_fold *f, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	static const char	 open[] = "=?utf-8?q?";
	char			 word[EMAIL_MIME_WORD + 1], enc[4 * 3];
	size_t			 wl, el, cl, i, max = 0;
	uint32_t		 c;
	unsigned char		 u;

	wl = 0;
	while (*s != '\0') {
		if (wl == 0) {
			memcpy(word, open, sizeof(open) - 1);
			wl = sizeof(open) - 1;
			max = f->col + 1 + EMAIL_MIME_WORD_MIN <=
			    EMAIL_MIME_LINE ? EMAIL_MIME_LINE - f->col - 1 :
			    EMAIL_MIME_WORD;
			if (max > EMAIL_MIME_WORD)
				max = EMAIL_MIME_WORD;
		}
		if ((cl = email_mime_utf8(s, &c)) == 0)
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
			email_mime_fold_add(f, " ", word, wl + 2);
			wl = 0;
			continue;
		}
		memcpy(word + wl, enc, el);
		wl += el;
		s += cl;
	}
	if (wl > 0) {
		memcpy(word + wl, "?=", 2);
		email_mime_fold_add(f, " ", word, wl + 2);
	}
}

static int
email_mime_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return (0);
	return (1);
}

/* Whether word w[0..n) can go out as is: printable ASCII, no "=?". */
static int
email_mime_plain(const char *w, size_t n)
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
void
email_mime_fold_unstructured(struct email_mime_fold *f, const char *s)
{
	const char	*w = s, *run = NULL, *end = NULL;
	char		*t;
	size_t		 n;
	int		 plain;

	for (;;) {
		n = strcspn(w, " ");
		plain = n > 0 && email_mime_plain(w, n);
		if (run != NULL && (*w == '\0' || plain)) {
			t = xstrndup(run, (size_t)(end - run));
			email_mime_fold_words(f, t);
			free(t);
			run = NULL;
		}
		if (*w == '\0')
			break;
		if (plain)
			email_mime_fold_add(f, " ", w, n);
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
email_mime_atext(int c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL));
}

/* Adds a: "addr", "Name <addr>", "\"N, ame\" <addr>" or encoded-words. */
void
email_mime_fold_addr(struct email_mime_fold *f, const struct email_mime_addr *a,
    int comma)
{
	struct buf	 q;
	const char	*p;
	int		 atoms = 1;

	buf_init(&q, 0);
	if (a->name[0] != '\0') {
		for (p = a->name; *p != '\0'; p++)
			if (!email_mime_atext((unsigned char)*p) && *p != ' ')
				atoms = 0;
		/* "=?" would read as an encoded-word, quoted or not. */
		if (!email_mime_ascii(a->name) || strstr(a->name, "=?") != NULL)
			email_mime_fold_words(f, a->name);
		else if (atoms)
			email_mime_fold_text(f, a->name);
		else {
			email_mime_puts(&q, "\"");
			for (p = a->name; *p != '\0'; p++) {
				if (*p == '"' || *p == '\\')
					email_mime_puts(&q, "\\");
				buf_append(&q, p, 1);
			}
			email_mime_puts(&q, "\"");
			email_mime_fold_add(f, " ", q.data, q.len);
		}
		buf_reset(&q);
		buf_printf(&q, "<%s>%s", a->spec, comma ? "," : "");
	} else
		buf_printf(&q, "%s%s", a->spec, comma ? "," : "");
	email_mime_fold_add(f, " ", q.data, q.len);
	buf_deinit(&q);
}

/* Checks an addr-spec s[0..n) and sets *at; err as email_mime_addr_parse. */
static int
email_mime_spec_check(const char *s, size_t n, const char *q, size_t *at,
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
		snprintf(err, errlen, "\"%s\": no \"@\"; "
		    EMAIL_MIME_EXAMPLE, q);
		return (-1);
	}
	l = s;
	ll = (size_t)(at_p - s);
	d = at_p + 1;
	dl = n - ll - 1;
	if (ll == 0 || ll > EMAIL_MIME_LOCAL_MAX) {
		snprintf(err, errlen, "\"%s\": the part before \"@\" must "
		    "have 1 to %d characters", q, EMAIL_MIME_LOCAL_MAX);
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
			    l[i - 1] == '.' :
			    !email_mime_atext((unsigned char)l[i]))
				break;
		}
		if (i < ll) {
			snprintf(err, errlen, "\"%s\": character '%c' not "
			    "allowed before \"@\" here", q, l[i]);
			return (-1);
		}
	}
	if (dl == 0 || dl > EMAIL_MIME_DOMAIN_MAX) {
		snprintf(err, errlen, "\"%s\": the domain must have 1 to %d "
		    "characters", q, EMAIL_MIME_DOMAIN_MAX);
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
int
email_mime_addr_parse(const char *s, struct email_mime_addr *a, char *err,
    size_t errlen)
{
	char		 q[PARSE_QUOTE_BUFLEN];
	const char	*b, *e, *p, *lt;
	size_t		 n, cl, nl = 0;
	uint32_t	 c;

	memset(a, 0, sizeof(*a));
	if (s == NULL) {
		snprintf(err, errlen, "empty; " EMAIL_MIME_EXAMPLE);
		return (-1);
	}
	n = strlen(s);
	parse_quote(s, n, q, sizeof(q));
	for (p = s; *p != '\0'; p += cl) {
		if ((cl = email_mime_utf8(p, &c)) == 0) {
			snprintf(err, errlen, "\"%s\": not valid UTF-8", q);
			return (-1);
		}
		if (email_mime_control(c)) {
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
		snprintf(err, errlen, "empty; " EMAIL_MIME_EXAMPLE);
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
			if (nl < EMAIL_MIME_NAME_MAX)
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
		nl = (size_t)(lt - b) < EMAIL_MIME_NAME_MAX ? (size_t)(lt - b) :
		    EMAIL_MIME_NAME_MAX;
		memcpy(a->name, b, nl);
	}
	if (nl == EMAIL_MIME_NAME_MAX) {
		snprintf(err, errlen, "\"%s\": display name longer than %d "
		    "bytes", q, EMAIL_MIME_NAME_MAX - 1);
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
	if ((size_t)(e - b) > EMAIL_MIME_SPEC_MAX) {
		snprintf(err, errlen, "\"%s\": address longer than %d bytes",
		    q, EMAIL_MIME_SPEC_MAX);
		return (-1);
	}
	if (email_mime_spec_check(b, (size_t)(e - b), q, &a->at, err, errlen) ==
	    -1)
		return (-1);
	memcpy(a->spec, b, (size_t)(e - b));
	return (0);
}
