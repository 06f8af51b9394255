/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for notify/email: the exact header block of a realistic
 * notification (a threshold alert on fred/PPOTASHUSDM with its baseline,
 * the US easing of 13 December 2025 and one observation) for a fixed date
 * and seed; CRLF and line lengths of every message made here; the RFC 2047
 * subject of a non-ASCII summary decoded back by the test's own decoder;
 * threading headers of a group's first and third notification and
 * byte-identical retries; HTML escaping of a hostile document; the test
 * marker; subject templates; address checks; malformed documents and
 * parameters with their messages.  Last, the messages are handed to
 * tests/tools/mimecheck.py (Python's email package) as an independent
 * parser, which must pass them and must fail broken ones.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "notify/email.h"
#include "testproc.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define KEY	"5f0c3a9e1d7b4c2a8e6f0b1d3c5a7e9f" \
		"2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f13"
#define GID	"9c4e1a7b3d5f6028"
#define DATE	INT64_C(1765832400)	/* 2025-12-15T21:00:00Z, a Monday */
#define SEED	UINT32_C(0x1234abcd)
#define PYTHON	"/usr/bin/python3"

/* JSON with ' for ", to keep the text readable here. */
static const char *const doc_text =
"{'id': 42, 'key': '" KEY "', 'channel': 'ops', 'reason': 'new',"
" 'status': 'firing', 'group_key': '{}:{topic=price}',"
" 'group_labels': {'topic': 'price'}, 'group_id': '" GID "',"
" 'group_seq': 1, 'truncated': 0,"
" 'external_url': 'http://127.0.0.1:9464/',"
" 'created_at': '2025-12-15T21:00:00Z',"
" 'alerts': [{"
"  'fingerprint': 'a1b2c3d4e5f60718', 'rule': 'potash-price-high',"
"  'series': 'fred/PPOTASHUSDM', 'kind': 'threshold',"
"  'severity': 'critical', 'status': 'firing',"
"  'labels': {'alertname': 'potash-price-high', 'topic': 'price'},"
"  'annotations': {'summary': 'Potash above 400 USD/t',"
"   'description': 'Monthly price 412.5 USD/t.'},"
"  'starts_at': '2025-12-15T21:00:00Z', 'ends_at': null,"
"  'value': 412.5, 'metric': 412.5, 'threshold': 400, 'unit': 'USD/t',"
"  'baseline': {'value': 350.2, 'from': '2025-09-01T00:00:00Z',"
"   'to': '2025-11-01T00:00:00Z', 'n': 3},"
"  'observations': [{'series': 'fred/PPOTASHUSDM', 'period': '2025-11',"
"   'value': 412.5, 'unit': 'USD/t', 'known_at': '2025-12-15T20:00:00Z',"
"   'fetched_at': '2025-12-15T20:05:00Z',"
"   'source_url': 'https://fred.stlouisfed.org/series/PPOTASHUSDM'}],"
"  'event': {'id': 7, 'jurisdiction': 'US', 'action': 'ease',"
"   'instrument': 'OFAC GL 13', 'direction': -1,"
"   'announced_on': '2025-12-13', 'effective_on': '2025-12-15',"
"   'title': 'Belarus potash: general license 13',"
"   'source_url': 'https://ofac.treasury.gov/recent-actions/20251213'}"
" }]}";

static const char *const to2[] = { "analyst@example.org",
    "Desk <desk@example.org>" };

/* The messages made by the tests, for mimecheck. */
struct sample {
	char	*name;
	char	*msg;
	size_t	 len;
	char	*sidecar;	/* JSON, or NULL */
};
static struct sample	samples[16];
static size_t		nsamples;

static cJSON *
json(const char *text)
{
	char	*t = xstrdup(text), *p;
	cJSON	*o;

	for (p = t; *p != '\0'; p++)
		if (*p == '\'')
			*p = '"';
	o = cJSON_Parse(t);
	free(t);
	assert_non_null(o);
	return (o);
}

static cJSON *
base_doc(void)
{
	return (json(doc_text));
}

static cJSON *
first_alert(cJSON *doc)
{
	return (cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "alerts"), 0));
}

static void
set_string(cJSON *o, const char *name, const char *v)
{
	cJSON_DeleteItemFromObject(o, name);
	cJSON_AddStringToObject(o, name, v);
}

static void
set_number(cJSON *o, const char *name, double v)
{
	cJSON_DeleteItemFromObject(o, name);
	cJSON_AddNumberToObject(o, name, v);
}

static void
params(struct email_params *p)
{
	memset(p, 0, sizeof(*p));
	p->from = "potashd <alerts@example.org>";
	p->to = to2;
	p->nto = 2;
	p->date = DATE;
	p->seed = SEED;
}

/* Renders doc, failing the test on error. */
static char *
render(const cJSON *doc, const struct email_params *p, size_t *len)
{
	char	 err[512];
	char	*m;

	err[0] = '\0';
	m = email_message(doc, p, len, err, sizeof(err));
	if (m == NULL)
		fail_msg("email_message: %s", err);
	assert_int_equal(strlen(m), *len);
	return (m);
}

/* Keeps a copy of m for the mimecheck run. */
static void
keep(const char *name, const char *m, size_t len, const char *sidecar)
{
	struct sample	*s;

	assert_true(nsamples < sizeof(samples) / sizeof(samples[0]));
	s = &samples[nsamples++];
	s->name = xstrdup(name);
	s->msg = xstrndup(m, len);
	s->len = len;
	s->sidecar = sidecar != NULL ? xstrdup(sidecar) : NULL;
}

/* The header block, up to and including the empty line. */
static char *
head(const char *m)
{
	const char	*e = strstr(m, "\r\n\r\n");

	assert_non_null(e);
	return (xstrndup(m, (size_t)(e - m) + 4));
}

/* The unfolded value of header name (leading spaces cut), or NULL. */
static char *
header(const char *m, const char *name)
{
	char		*h = head(m), *out = NULL;
	const char	*p = h, *e;
	struct buf	 b;
	size_t		 n = strlen(name);

	for (; *p != '\0' && strncmp(p, "\r\n", 2) != 0;
	    p = strstr(p, "\r\n") + 2) {
		if (strncmp(p, name, n) != 0 || p[n] != ':')
			continue;
		buf_init(&b, 0);
		for (p += n + 1; *p == ' '; p++)
			;
		for (;;) {
			e = strstr(p, "\r\n");
			buf_append(&b, p, (size_t)(e - p));
			p = e + 2;
			if (*p != ' ' && *p != '\t')
				break;
		}
		out = buf_steal(&b, NULL);
		break;
	}
	free(h);
	return (out);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	return (-1);
}

/* Decodes quoted-printable (RFC 2045 6.7), CRLF line ends to "\n". */
static char *
qp_decode(const char *s, size_t n)
{
	struct buf	b;
	size_t		i;
	char		c;

	buf_init(&b, 0);
	for (i = 0; i < n; i++) {
		if (s[i] == '=' && i + 2 < n && s[i + 1] == '\r' &&
		    s[i + 2] == '\n') {
			i += 2;
			continue;
		}
		if (s[i] == '=') {
			assert_true(i + 2 < n);
			assert_true(hexval(s[i + 1]) >= 0 &&
			    hexval(s[i + 2]) >= 0);
			c = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			buf_append(&b, &c, 1);
			i += 2;
		} else if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') {
			buf_append(&b, "\n", 1);
			i++;
		} else
			buf_append(&b, s + i, 1);
	}
	return (buf_steal(&b, NULL));
}

/* The decoded body of the part of the given type. */
static char *
part(const char *m, const char *type)
{
	char		*h, bnd[64];
	const char	*b, *e;

	h = xasprintf("Content-Type: %s; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n", type);
	b = strstr(m, h);
	assert_non_null(b);
	b += strlen(h);
	free(h);
	snprintf(bnd, sizeof(bnd), "\r\n--=_potashd_");
	e = strstr(b, bnd);
	assert_non_null(e);
	return (qp_decode(b, (size_t)(e - b) + 2));
}

/*
 * Decodes RFC 2047 Q encoded-words in an unfolded header value; checks
 * each word is at most 75 characters and utf-8.
 */
static char *
rfc2047(const char *v)
{
	struct buf	 b;
	const char	*p = v, *ws, *tok, *t, *end;
	int		 prev = 0;
	char		 c;

	buf_init(&b, 0);
	while (*p != '\0') {
		for (ws = p; *p == ' ' || *p == '\t'; p++)
			;
		for (tok = p; *p != '\0' && *p != ' ' && *p != '\t'; p++)
			;
		if (p - tok > 12 && strncasecmp(tok, "=?utf-8?q?", 10) == 0 &&
		    p[-2] == '?' && p[-1] == '=') {
			assert_true(p - tok <= 75);
			if (!prev)
				buf_append(&b, ws, (size_t)(tok - ws));
			end = p - 2;
			for (t = tok + 10; t < end; t++) {
				if (*t == '_')
					buf_append(&b, " ", 1);
				else if (*t == '=') {
					assert_true(end - t > 2);
					c = (char)(hexval(t[1]) * 16 +
					    hexval(t[2]));
					buf_append(&b, &c, 1);
					t += 2;
				} else
					buf_append(&b, t, 1);
			}
			prev = 1;
		} else {
			buf_append(&b, ws, (size_t)(p - ws));
			prev = 0;
		}
	}
	return (buf_steal(&b, NULL));
}

/*
 * CRLF only, no line over 998 octets, header lines within 78 but for
 * those holding one unbreakable id, body lines within 76.
 */
static void
assert_lines(const char *m, size_t len)
{
	size_t	i, start = 0;
	int	inhead = 1;

	assert_true(len >= 2 && m[len - 2] == '\r' && m[len - 1] == '\n');
	for (i = 0; i < len; i++) {
		if (m[i] == '\r')
			assert_true(i + 1 < len && m[i + 1] == '\n');
		if (m[i] != '\n')
			continue;
		assert_true(i > 0 && m[i - 1] == '\r');
		assert_true(i - 1 - start <= 998);
		if (inhead && i - 1 == start)
			inhead = 0;
		/* Quoted-printable keeps body lines within 76. */
		if (!inhead && i - 1 - start > 76)
			fail_msg("body line over 76: %.*s",
			    (int)(i - 1 - start), m + start);
		if (inhead && strncmp(m + start, "Message-ID:", 11) != 0 &&
		    strncmp(m + start, "In-Reply-To:", 12) != 0 &&
		    strncmp(m + start, "References:", 11) != 0 &&
		    strncmp(m + start, "X-Potashd-Notification:", 23) != 0 &&
		    i - 1 - start > 78)
			fail_msg("header line over 78: %.*s",
			    (int)(i - 1 - start), m + start);
		start = i + 1;
	}
}

static void
test_headers_exact(void **state)
{
	struct email_params	 p;
	cJSON			*doc = base_doc();
	char			*m, *h, *text, *html;
	size_t			 len;

	params(&p);
	m = render(doc, &p, &len);
	h = head(m);
	assert_string_equal(h,
	    "Date: Mon, 15 Dec 2025 21:00:00 +0000\r\n"
	    "From: potashd <alerts@example.org>\r\n"
	    "To: analyst@example.org, Desk <desk@example.org>\r\n"
	    "Subject: [potashd] FIRING: Potash above 400 USD/t\r\n"
	    "Message-ID: <g." GID "@example.org>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/alternative;\r\n"
	    " boundary=\"=_potashd_1234abcd\"\r\n"
	    "Auto-Submitted: auto-generated\r\n"
	    "X-Potashd-Notification: " KEY "\r\n"
	    "\r\n");
	assert_lines(m, len);
	/* text/plain first, then text/html, then the closing delimiter. */
	assert_true(strstr(m, "Content-Type: text/plain") <
	    strstr(m, "Content-Type: text/html"));
	assert_non_null(strstr(m, "\r\n--=_potashd_1234abcd--\r\n"));
	assert_int_equal(strcmp(m + len - 26, "\r\n--=_potashd_1234abcd--\r\n"),
	    0);

	text = part(m, "text/plain");
	assert_non_null(strstr(text, "FIRING: 1 alert, channel ops, "
	    "reason new\nGroup: topic=price\n"));
	assert_non_null(strstr(text, "[1] FIRING, critical: "
	    "potash-price-high on fred/PPOTASHUSDM\n"
	    "    Potash above 400 USD/t\n"
	    "    Monthly price 412.5 USD/t.\n\n"
	    "    Value:        412.5 USD/t\n"
	    "    Threshold:    400 USD/t\n"
	    "    Baseline:     350.2 USD/t (3 observations, "
	    "2025-09-01T00:00:00Z to 2025-11-01T00:00:00Z)\n"
	    "    Event:        US ease OFAC GL 13, announced 2025-12-13, "
	    "effective 2025-12-15\n"
	    "                  Belarus potash: general license 13\n"
	    "                  https://ofac.treasury.gov/recent-actions/"
	    "20251213\n"));
	assert_non_null(strstr(text, "    Observations:\n"
	    "      2025-11  412.5 USD/t, known 2025-12-15T20:00:00Z, "
	    "fetched 2025-12-15T20:05:00Z\n"
	    "        https://fred.stlouisfed.org/series/PPOTASHUSDM\n"));
	assert_non_null(strstr(text, "    Details:      "
	    "http://127.0.0.1:9464/alerts/a1b2c3d4e5f60718\n"));
	assert_null(strstr(text, "[TEST]"));

	html = part(m, "text/html");
	assert_non_null(strstr(html, "<tr><th align=\"left\" valign=\"top\">"
	    "Value</th><td>412.5 USD/t</td></tr>"));
	assert_non_null(strstr(html, "<th align=\"left\" valign=\"top\">"
	    "Baseline</th><td>350.2 USD/t (3 observations, "
	    "2025-09-01T00:00:00Z to 2025-11-01T00:00:00Z)</td>"));
	assert_non_null(strstr(html, "<td>US ease OFAC GL 13, announced "
	    "2025-12-13, effective 2025-12-15<br>Belarus potash: general "
	    "license 13<br><a href=\"https://ofac.treasury.gov/"
	    "recent-actions/20251213\">https://ofac.treasury.gov/"
	    "recent-actions/20251213</a></td>"));
	assert_non_null(strstr(html, "<tr><td>2025-11</td><td>412.5 USD/t"
	    "</td><td>2025-12-15T20:00:00Z</td><td>2025-12-15T20:05:00Z</td>"
	    "<td><a href=\"https://fred.stlouisfed.org/series/PPOTASHUSDM\">"));
	assert_non_null(strstr(html, "<title>[potashd] FIRING: Potash above "
	    "400 USD/t</title>"));

	keep("seq1.eml", m, len, "{\"subject\": \"[potashd] FIRING: Potash "
	    "above 400 USD/t\", \"message_id\": \"<g." GID "@example.org>\", "
	    "\"in_reply_to\": null, \"references\": null, \"headers\": "
	    "{\"X-Potashd-Notification\": \"" KEY "\"}, \"html_contains\": "
	    "[\"<td>412.5 USD/t</td>\"], \"text_contains\": [\"Threshold:    "
	    "400 USD/t\"]}");
	free(text);
	free(html);
	free(h);
	free(m);
	cJSON_Delete(doc);
}

/* The notifier's link_sig makes the Details link a signed one; anything
 * that is not a signature's shape is left out. */
static void
test_link_sig(void **state)
{
	struct email_params	 p;
	cJSON			*doc = base_doc();
	char			*m, *text, *html;
	size_t			 len;

	(void)state;
	params(&p);
	set_string(first_alert(doc), "link_sig",
	    "onk1AjRb3yV9llne8pD4uAUPwdLJatc-L521VJCPtr4");
	m = render(doc, &p, &len);
	assert_lines(m, len);
	text = part(m, "text/plain");
	assert_non_null(strstr(text, "    Details:      "
	    "http://127.0.0.1:9464/alerts/a1b2c3d4e5f60718?sig="
	    "onk1AjRb3yV9llne8pD4uAUPwdLJatc-L521VJCPtr4\n"));
	html = part(m, "text/html");
	assert_non_null(strstr(html, "<a href=\"http://127.0.0.1:9464/alerts/"
	    "a1b2c3d4e5f60718?sig=onk1AjRb3yV9llne8pD4uAUPwdLJatc-L521VJCPtr4"
	    "\">"));
	free(text);
	free(html);
	free(m);

	/* Not a signature: the link goes unsigned. */
	set_string(first_alert(doc), "link_sig",
	    "onk1AjRb3yV9llne8pD4uAUPwdLJatc\"L521VJCPtr4");
	m = render(doc, &p, &len);
	text = part(m, "text/plain");
	assert_non_null(strstr(text, "    Details:      "
	    "http://127.0.0.1:9464/alerts/a1b2c3d4e5f60718\n"));
	assert_null(strstr(text, "?sig="));
	free(text);
	free(m);
	cJSON_Delete(doc);
}

static void
test_subject_utf8(void **state)
{
	struct email_params	 p;
	cJSON			*doc = base_doc();
	char			*m, *v, *d, *want, *text;
	size_t			 len;
	int			 i;
	struct buf		 b;

	params(&p);
	set_string(cJSON_GetObjectItem(first_alert(doc), "annotations"),
	    "summary", "Kalium \xe2\x80\x94 Klaip\xc4\x97" "da");
	set_number(doc, "group_seq", 3);
	m = render(doc, &p, &len);
	assert_lines(m, len);
	v = header(m, "Subject");
	assert_string_equal(v, "[potashd] FIRING: Kalium "
	    "=?utf-8?q?=E2=80=94_Klaip=C4=97da?=");
	d = rfc2047(v);
	assert_string_equal(d, "[potashd] FIRING: Kalium \xe2\x80\x94 "
	    "Klaip\xc4\x97" "da");
	text = part(m, "text/plain");
	assert_non_null(strstr(text, "    Kalium \xe2\x80\x94 Klaip\xc4\x97"
	    "da\n"));
	keep("seq3-utf8.eml", m, len, "{\"subject\": \"[potashd] FIRING: "
	    "Kalium \xe2\x80\x94 Klaip\xc4\x97" "da\", \"message_id\": "
	    "\"<n." KEY "@example.org>\", \"in_reply_to\": \"<g." GID
	    "@example.org>\", \"references\": \"<g." GID "@example.org>\", "
	    "\"html_contains\": [\"Kalium \xe2\x80\x94 Klaip\xc4\x97" "da\"]}");
	free(text);
	free(d);
	free(v);
	free(m);

	/* A long one: folded, every word within 75, decoding back whole. */
	buf_init(&b, 0);
	for (i = 0; i < 12; i++)
		buf_printf(&b, "%sKlaip\xc4\x97" "da \xe2\x80\x94 \xd0\x9a"
		    "\xd0\xb0\xd0\xbb\xd0\xb8\xd0\xb9", i > 0 ? " " : "");
	set_string(cJSON_GetObjectItem(first_alert(doc), "annotations"),
	    "summary", buf_cstr(&b));
	m = render(doc, &p, &len);
	assert_lines(m, len);
	assert_non_null(strstr(m, "Subject: [potashd] FIRING: "
	    "=?utf-8?q?Klaip=C4=97da"));
	v = header(m, "Subject");
	d = rfc2047(v);
	want = xasprintf("[potashd] FIRING: %s", buf_cstr(&b));
	assert_string_equal(d, want);
	keep("long-utf8.eml", m, len, NULL);
	free(want);
	free(d);
	free(v);
	free(m);
	buf_deinit(&b);
	cJSON_Delete(doc);
}

static void
test_threading(void **state)
{
	struct email_params	 p;
	cJSON			*doc = base_doc();
	char			*m, *m2, *v;
	size_t			 len, len2;

	params(&p);
	m = render(doc, &p, &len);
	v = header(m, "Message-ID");
	assert_string_equal(v, "<g." GID "@example.org>");
	free(v);
	assert_null(header(m, "In-Reply-To"));
	assert_null(header(m, "References"));
	free(m);

	set_number(doc, "group_seq", 3);
	p.hostname = "mx.potash.example";
	m = render(doc, &p, &len);
	v = header(m, "Message-ID");
	assert_string_equal(v, "<n." KEY "@mx.potash.example>");
	free(v);
	v = header(m, "In-Reply-To");
	assert_string_equal(v, "<g." GID "@mx.potash.example>");
	free(v);
	v = header(m, "References");
	assert_string_equal(v, "<g." GID "@mx.potash.example>");
	free(v);

	/* A retry sends the same bytes, Message-ID included. */
	m2 = render(doc, &p, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(m, m2, len);
	free(m2);
	/* Another seed moves only the boundary. */
	p.seed = 7;
	m2 = render(doc, &p, &len2);
	assert_int_equal(len, len2);
	assert_non_null(strstr(m2, "boundary=\"=_potashd_00000007\""));
	free(m2);
	free(m);

	/* A missing group_seq is not taken for the thread's root. */
	cJSON_DeleteItemFromObject(doc, "group_seq");
	m = render(doc, &p, &len);
	v = header(m, "In-Reply-To");
	assert_string_equal(v, "<g." GID "@mx.potash.example>");
	free(v);
	free(m);
	cJSON_Delete(doc);
}

static void
test_html_escaping(void **state)
{
	struct email_params	 p;
	cJSON			*doc = base_doc(), *a = first_alert(doc), *ann;
	cJSON			*obs;
	char			*m, *h, *html, *text, *v;
	size_t			 len;

	params(&p);
	ann = cJSON_GetObjectItem(a, "annotations");
	set_string(ann, "summary", "<script>alert(1)</script>\r\n"
	    "Bcc: victim@example.org");
	set_string(ann, "description", "Tom & \"Jerry\" <b>'bold'</b>\n"
	    "<img src=x onerror=alert(2)>");
	set_string(a, "rule", "r<1>");
	set_string(a, "unit", "USD/t\"><script>");
	set_string(cJSON_GetObjectItem(a, "event"), "source_url",
	    "javascript:alert(3)");
	set_string(cJSON_GetObjectItem(a, "event"), "title",
	    "<a href=\"javascript:alert(4)\">click</a>");
	obs = cJSON_GetArrayItem(cJSON_GetObjectItem(a, "observations"), 0);
	set_string(obs, "source_url", "https://x.example/?a=1&b=\"><script>");
	set_string(obs, "period", "2025-11\x01\x7f");
	cJSON_AddItemToArray(cJSON_GetObjectItem(a, "observations"),
	    json("{'period': '2025-10', 'value': 400, 'source_url': "
	    "' JaVaScRiPt:alert(5)'}"));
	set_string(doc, "external_url", "javascript:alert(6)");
	m = render(doc, &p, &len);
	assert_lines(m, len);

	/* The CR LF in the summary did not make a header. */
	h = head(m);
	assert_null(strstr(h, "\r\nBcc:"));
	free(h);
	v = header(m, "Subject");
	assert_string_equal(v, "[potashd] FIRING: <script>alert(1)</script> "
	    "Bcc: victim@example.org");
	free(v);

	html = part(m, "text/html");
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<img"));
	assert_null(strstr(html, "<b>'"));
	assert_null(strstr(html, "href=\"javascript"));
	assert_null(strstr(html, "href=\" JaVaScRiPt"));
	assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(html, "<p>Tom &amp; &quot;Jerry&quot; "
	    "&lt;b&gt;&#39;bold&#39;&lt;/b&gt;<br>&lt;img src=x "
	    "onerror=alert(2)&gt;</p>"));
	assert_non_null(strstr(html, "r&lt;1&gt; on fred/PPOTASHUSDM"));
	assert_non_null(strstr(html, "412.5 USD/t&quot;&gt;&lt;script&gt;"));
	/* Not links: shown as text. */
	assert_non_null(strstr(html, "<br>javascript:alert(3)</td>"));
	assert_non_null(strstr(html, "<td> JaVaScRiPt:alert(5)</td>"));
	assert_non_null(strstr(html, "&lt;a href=&quot;javascript:alert(4)"
	    "&quot;&gt;click&lt;/a&gt;"));
	assert_null(strstr(html, "/alerts/a1b2c3d4e5f60718"));
	/* A real link keeps its URL, escaped in the attribute. */
	assert_non_null(strstr(html, "<a href=\"https://x.example/?a=1&amp;"
	    "b=&quot;&gt;&lt;script&gt;\">"));
	/* Control characters are gone. */
	assert_non_null(strstr(html, "<td>2025-11  </td>"));

	text = part(m, "text/plain");
	assert_non_null(strstr(text, "    <script>alert(1)</script>  Bcc: "
	    "victim@example.org\n"));
	assert_non_null(strstr(text, "    Tom & \"Jerry\" <b>'bold'</b>\n"
	    "    <img src=x onerror=alert(2)>\n"));
	assert_null(strstr(text, "\r"));
	keep("hostile.eml", m, len, "{\"subject\": \"[potashd] FIRING: "
	    "<script>alert(1)</script> Bcc: victim@example.org\", "
	    "\"html_excludes\": [\"<script\", \"javascript:alert(3)\\\"\"], "
	    "\"headers\": {\"Bcc\": null}}");
	free(text);
	free(html);
	free(m);
	cJSON_Delete(doc);
}

static void
test_reason_test(void **state)
{
	struct email_params	 p;
	cJSON			*doc = json("{'id': 9, 'key': 'k-test_1',"
	    " 'channel': 'desk', 'reason': 'test', 'status': 'firing',"
	    " 'group_labels': {'alertname': 'potashd_test'},"
	    " 'group_id': 'ab12cd34ef56ab78', 'group_seq': 2,"
	    " 'alerts': [{'fingerprint': '0f0f0f0f0f0f0f0f',"
	    "  'rule': 'potashd_test', 'series': 'channel/desk',"
	    "  'kind': 'test', 'severity': 'info', 'status': 'firing',"
	    "  'labels': {'alertname': 'potashd_test'},"
	    "  'annotations': {'summary': 'Test notification to channel desk,"
	    " requested by ops; no action needed'},"
	    "  'starts_at': '2025-12-15T21:00:00Z', 'ends_at': null,"
	    "  'observations': [], 'event': null}]}");
	char			*m, *v, *text, *html;
	size_t			 len;

	params(&p);
	m = render(doc, &p, &len);
	assert_lines(m, len);
	v = header(m, "Subject");
	assert_string_equal(v, "[TEST] [potashd] FIRING: Test notification "
	    "to channel desk, requested by ops; no action needed");
	free(v);
	v = header(m, "X-Potashd-Notification");
	assert_string_equal(v, "k-test_1");
	free(v);
	text = part(m, "text/plain");
	assert_true(strncmp(text, "[TEST] This is a test notification; no "
	    "action is needed.\n\n", 58) == 0);
	html = part(m, "text/html");
	assert_non_null(strstr(html, "<p><b>[TEST] This is a test "
	    "notification; no action is needed.</b></p>"));
	keep("test.eml", m, len, "{\"subject\": \"[TEST] [potashd] FIRING: "
	    "Test notification to channel desk, requested by ops; no action "
	    "needed\", \"text_contains\": [\"[TEST] This is a test "
	    "notification\"]}");
	free(html);
	free(text);
	free(m);
	cJSON_Delete(doc);
}

static void
test_subject_template(void **state)
{
	struct email_params	 p;
	cJSON			*doc = base_doc();
	char			*m, *v, *d, *big, err[512];
	size_t			 len, i;

	params(&p);
	p.subject = "{{status}}|{{ reason }}|{{channel}}|{{count}}|"
	    "{{alertname}}|{{series}}|{{summary}}|{{group}}";
	assert_int_equal(email_subject_check(p.subject, err, sizeof(err)), 0);
	set_number(doc, "truncated", 4);
	cJSON_AddStringToObject(cJSON_GetObjectItem(doc, "group_labels"),
	    "severity", "critical");
	set_string(doc, "channel", "ops\r\ndesk\t\x01");
	m = render(doc, &p, &len);
	v = header(m, "Subject");
	assert_string_equal(v, "FIRING|new|ops desk|5|potash-price-high|"
	    "fred/PPOTASHUSDM|Potash above 400 USD/t|topic=price, "
	    "severity=critical");
	free(v);
	free(m);

	/* No summary: the default subject names the alert and series. */
	p.subject = NULL;
	set_string(doc, "status", "resolved");
	cJSON_DeleteItemFromObject(first_alert(doc), "annotations");
	m = render(doc, &p, &len);
	v = header(m, "Subject");
	assert_string_equal(v, "[potashd] RESOLVED: potash-price-high on "
	    "fred/PPOTASHUSDM");
	free(v);
	free(m);

	/* A huge summary is cut, at a character, to EMAIL_SUBJECT_MAX. */
	p.subject = "{{summary}}";
	big = xmalloc(1001);
	for (i = 0; i < 1000; i++)
		big[i] = "\xc4\x97"[i % 2];
	big[1000] = '\0';
	cJSON_AddItemToObject(first_alert(doc), "annotations",
	    cJSON_CreateObject());
	set_string(cJSON_GetObjectItem(first_alert(doc), "annotations"),
	    "summary", big);
	m = render(doc, &p, &len);
	assert_lines(m, len);
	v = header(m, "Subject");
	d = rfc2047(v);
	assert_int_equal(strlen(d), EMAIL_SUBJECT_MAX - 4 + 3);
	assert_memory_equal(d, big, EMAIL_SUBJECT_MAX - 4);
	assert_string_equal(d + EMAIL_SUBJECT_MAX - 4, "...");
	free(d);
	free(v);
	free(m);
	free(big);

	assert_int_equal(email_subject_check("x {{foo}} y", err, sizeof(err)),
	    -1);
	assert_string_equal(err, "unknown variable {{foo}}; expected one of "
	    "status, reason, channel, count, alertname, series, summary, "
	    "group");
	assert_int_equal(email_subject_check("{{status", err, sizeof(err)),
	    -1);
	assert_string_equal(err, "\"{{\" at offset 0 has no \"}}\"");
	assert_int_equal(email_subject_check("a\r\nBcc: x", err, sizeof(err)),
	    -1);
	assert_string_equal(err, "control character at offset 1");
	assert_int_equal(email_subject_check("bad \xff", err, sizeof(err)),
	    -1);
	assert_string_equal(err, "not valid UTF-8 at offset 4");
	assert_int_equal(email_subject_check(EMAIL_SUBJECT_DEFAULT, err,
	    sizeof(err)), 0);
	assert_int_equal(email_subject_check("Kalium \xe2\x80\x94 {{group}}",
	    err, sizeof(err)), 0);
	p.subject = "{{nope}}";
	assert_null(email_message(doc, &p, &len, err, sizeof(err)));
	assert_string_equal(err, "subject: unknown variable {{nope}}; "
	    "expected one of status, reason, channel, count, alertname, "
	    "series, summary, group");
	cJSON_Delete(doc);
}

static void
test_addresses(void **state)
{
	static const char *const good[] = {
		"alerts@example.org",
		"potashd <alerts@example.org>",
		"potashd demo <potashd@localhost>",
		"<alerts@example.org>",
		"\"Desk, Potash \\\"A\\\"\" <desk@example.org>",
		"Desk, Potash <desk@example.org>",
		"Pot\xc3\xa1sio <a.b+tag@mail.example.org>",
		"x@[127.0.0.1]",
		"\"odd\\\"local\"@example.org",
	};
	static const struct {
		const char	*addr, *err;
	} bad[] = {
		{ "", "empty; expected an address such as alerts@example.org "
		  "or \"potashd <alerts@example.org>\"" },
		{ "alerts", "\"alerts\": no \"@\"; expected an address such as "
		  "alerts@example.org or \"potashd <alerts@example.org>\"" },
		{ "a@example.org\r\nBcc: b@example.org", "\"a@example.org\\x0d"
		  "\\x0aBcc: b@example.org\": control characters (CR, LF, "
		  "tab, ...) are not allowed" },
		{ "a@", "\"a@\": the domain must have 1 to 253 characters" },
		{ "@example.org", "\"@example.org\": the part before \"@\" "
		  "must have 1 to 64 characters" },
		{ "a..b@example.org", "\"a..b@example.org\": character '.' "
		  "not allowed before \"@\" here" },
		{ "a@exa_mple.org", "\"a@exa_mple.org\": character '_' not "
		  "allowed in the domain" },
		{ "a@-example.org", "\"a@-example.org\": bad domain: expected "
		  "labels of letters, digits and inner '-', 1 to 63 each" },
		{ "a@example..org", "\"a@example..org\": bad domain: expected "
		  "labels of letters, digits and inner '-', 1 to 63 each" },
		{ "a b@example.org", "\"a b@example.org\": spaces in an "
		  "address; write a display name as \"Name <addr>\"" },
		{ "\"a b\"@example.org", "\"\\\"a b\\\"@example.org\": spaces "
		  "in an address; write a display name as \"Name <addr>\"" },
		{ "Name <a@example.org", "\"Name <a@example.org\": text after "
		  "\">\", or \"<\" without \">\"" },
		{ "Name <a@example.org> x", "\"Name <a@example.org> x\": text "
		  "after \">\", or \"<\" without \">\"" },
		{ "a@example.org>", "\"a@example.org>\": \">\" without \"<\", "
		  "or a display name with '\"' or '>' (quote it)" },
		{ "Na\"me <a@example.org>", "\"Na\\\"me <a@example.org>\": "
		  "\">\" without \"<\", or a display name with '\"' or '>' "
		  "(quote it)" },
		{ "\"Name <a@example.org>", "\"\\\"Name <a@example.org>\": "
		  "expected \"<\" after the quoted display name" },
		{ "<a@example.org, b@example.org>", "\"<a@example.org, "
		  "b@example.org>\": character '@' not allowed before \"@\" "
		  "here" },
		{ "<<a@example.org>>", "\"<<a@example.org>>\": stray \"<\" or "
		  "\">\"" },
		{ "J\xc3\xb6rg@example.org", "\"J\\xc3\\xb6rg@example.org\": "
		  "non-ASCII addresses are not supported (no SMTPUTF8)" },
		{ "bad \xff <a@example.org>", "\"bad \\xff <a@example.org>\": "
		  "not valid UTF-8" },
	};
	char	err[512];
	size_t	i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		err[0] = '\0';
		if (email_check_address(good[i], err, sizeof(err)) != 0)
			fail_msg("%s: %s", good[i], err);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (email_check_address(bad[i].addr, err, sizeof(err)) != -1)
			fail_msg("accepted: %s", bad[i].addr);
		assert_string_equal(err, bad[i].err);
	}
	assert_int_equal(email_check_address(NULL, err, sizeof(err)), -1);
}

/* Display names written back as RFC 5322 and RFC 2047 want them. */
static void
test_address_headers(void **state)
{
	static const char *const to[] = {
		"\"Desk, Potash \\\"A\\\"\" <desk@example.org>",
		"Desk, Potash <desk2@example.org>",
		"Pot\xc3\xa1sio Monitor <a.b+tag@mail.example.org>",
		"x@[127.0.0.1]",
		"=?utf-8?q?fake?= <f@example.org>",
	};
	struct email_params	 p;
	cJSON			*doc = base_doc();
	static const char	 raw[] = "\"Desk, Potash \\\"A\\\"\" "
	    "<desk@example.org>, \"Desk, Potash\" <desk2@example.org>, "
	    "=?utf-8?q?Pot=C3=A1sio_Monitor?= <a.b+tag@mail.example.org>, "
	    "x@[127.0.0.1], =?utf-8?q?=3D=3F";
	char			*m, *v, *d;
	size_t			 len;

	params(&p);
	p.from = "\"Potash, Monitor\" <alerts@[127.0.0.1]>";
	p.to = to;
	p.nto = sizeof(to) / sizeof(to[0]);
	m = render(doc, &p, &len);
	assert_lines(m, len);
	v = header(m, "From");
	assert_string_equal(v, "\"Potash, Monitor\" <alerts@[127.0.0.1]>");
	free(v);
	v = header(m, "To");
	assert_true(strncmp(v, raw, sizeof(raw) - 1) == 0);
	d = rfc2047(v);
	/* A name that looks encoded is encoded, so it reads back as is. */
	assert_string_equal(d, "\"Desk, Potash \\\"A\\\"\" <desk@example.org>, "
	    "\"Desk, Potash\" <desk2@example.org>, "
	    "Pot\xc3\xa1sio Monitor <a.b+tag@mail.example.org>, "
	    "x@[127.0.0.1], =?utf-8?q?fake?= <f@example.org>");
	free(d);
	free(v);
	/* The Message-ID host is the domain of From. */
	v = header(m, "Message-ID");
	assert_string_equal(v, "<g." GID "@[127.0.0.1]>");
	free(v);
	keep("addresses.eml", m, len, "{\"headers\": {\"From\": \"\\\"Potash, "
	    "Monitor\\\" <alerts@[127.0.0.1]>\"}, \"message_id\": \"<g." GID
	    "@[127.0.0.1]>\"}");
	free(m);
	cJSON_Delete(doc);
}

static void
expect_doc_error(const char *text, const char *want)
{
	struct email_params	 p;
	cJSON			*doc = json(text);
	char			 err[512];
	size_t			 len = 99;

	params(&p);
	err[0] = '\0';
	assert_null(email_message(doc, &p, &len, err, sizeof(err)));
	assert_string_equal(err, want);
	cJSON_Delete(doc);
}

static void
test_bad_docs(void **state)
{
	struct email_params	 p;
	cJSON			*doc;
	char			 err[512], *m, *text;
	size_t			 len;

	expect_doc_error("[1]", "notification document: expected an object");
	expect_doc_error("{'status': 'firing', 'group_id': 'g', 'alerts': []}",
	    "notification document: \"key\": expected a string");
	expect_doc_error("{'key': 7, 'status': 'firing', 'group_id': 'g', "
	    "'alerts': []}", "notification document: \"key\": expected a "
	    "string");
	expect_doc_error("{'key': 'a b', 'status': 'firing', 'group_id': 'g', "
	    "'alerts': []}", "notification document: \"key\": expected 1 to "
	    "128 letters, digits, '-' or '_', got \"a b\"");
	expect_doc_error("{'key': 'k', 'status': 'firing', 'alerts': []}",
	    "notification document: \"group_id\": expected a string");
	expect_doc_error("{'key': 'k', 'status': 'firing', 'group_id': "
	    "'g>\\r\\nBcc: x', 'alerts': []}", "notification document: "
	    "\"group_id\": expected 1 to 128 letters, digits, '-' or '_', "
	    "got \"g>\\x0d\\x0aBcc: x\"");
	expect_doc_error("{'key': 'k', 'group_id': 'g', 'alerts': []}",
	    "notification document: \"status\": expected \"firing\" or "
	    "\"resolved\"");
	expect_doc_error("{'key': 'k', 'status': 'pending', 'group_id': 'g', "
	    "'alerts': []}", "notification document: \"status\": expected "
	    "\"firing\" or \"resolved\"");
	expect_doc_error("{'key': 'k', 'status': 'firing', 'group_id': 'g'}",
	    "notification document: \"alerts\": expected an array");
	expect_doc_error("{'key': 'k', 'status': 'firing', 'group_id': 'g', "
	    "'alerts': {}}", "notification document: \"alerts\": expected an "
	    "array");
	expect_doc_error("{'key': 'k', 'status': 'firing', 'group_id': 'g', "
	    "'alerts': [{}, 3]}", "notification document: \"alerts\"[1]: "
	    "expected an object");

	/* Only the required members, and no alerts. */
	params(&p);
	doc = json("{'key': 'k1', 'status': 'resolved', 'group_id': 'g1', "
	    "'alerts': []}");
	m = render(doc, &p, &len);
	assert_lines(m, len);
	assert_non_null(strstr(m, "\r\nSubject: [potashd] RESOLVED: no "
	    "alerts\r\n"));
	assert_non_null(strstr(m, "\r\nMessage-ID: <n.k1@example.org>\r\n"));
	keep("minimal.eml", m, len, "{\"subject\": \"[potashd] RESOLVED: no "
	    "alerts\"}");
	free(m);
	cJSON_Delete(doc);

	/* Every optional member of the wrong type. */
	doc = json("{'key': 'k2', 'status': 'firing', 'group_id': 'g2', "
	    "'group_seq': '1', 'reason': 5, 'channel': [], 'truncated': 'x', "
	    "'group_labels': ['a'], 'external_url': 7, "
	    "'alerts': [{'rule': 1, 'series': {}, 'kind': null, "
	    " 'severity': 2, 'status': 'weird', 'labels': [1], "
	    " 'annotations': 'summary', 'starts_at': 5, 'ends_at': [], "
	    " 'value': 'n/a', 'metric': {}, 'threshold': true, 'unit': 3, "
	    " 'baseline': 350, 'observations': {'period': 'x'}, "
	    " 'event': 'OFAC'}, {'observations': [1, null, {'value': {}}], "
	    " 'baseline': {'value': 1}, 'event': {'source_url': 5}}]}");
	m = render(doc, &p, &len);
	assert_lines(m, len);
	text = part(m, "text/plain");
	assert_non_null(strstr(text, "    Value:        n/a\n"));
	assert_non_null(strstr(text, "\n[1] FIRING: alert\n\n"));
	assert_non_null(strstr(text, "\n[2] FIRING: alert\n\n"
	    "    Baseline:     1\n"));
	assert_non_null(strstr(text, "      n/a\n      n/a\n      n/a\n"));
	free(text);
	keep("wrong-types.eml", m, len, NULL);
	free(m);
	cJSON_Delete(doc);

	/* Bad parameters. */
	doc = base_doc();
	p.from = "nobody";
	assert_null(email_message(doc, &p, &len, err, sizeof(err)));
	assert_string_equal(err, "from: \"nobody\": no \"@\"; expected an "
	    "address such as alerts@example.org or \"potashd "
	    "<alerts@example.org>\"");
	p.from = NULL;
	assert_null(email_message(doc, &p, &len, err, sizeof(err)));
	assert_true(strncmp(err, "from: empty;", 12) == 0);
	params(&p);
	p.nto = 0;
	assert_null(email_message(doc, &p, &len, err, sizeof(err)));
	assert_string_equal(err, "to: no recipients");
	params(&p);
	p.to = (const char *const []){ "a@example.org", "b@" };
	assert_null(email_message(doc, &p, &len, err, sizeof(err)));
	assert_string_equal(err, "to: \"b@\": the domain must have 1 to 253 "
	    "characters");
	params(&p);
	p.hostname = "bad host";
	assert_null(email_message(doc, &p, &len, err, sizeof(err)));
	assert_string_equal(err, "hostname: expected a domain name such as "
	    "mail.example.org");
	cJSON_Delete(doc);
}

/* Long values: quoted-printable keeps every line short. */
static void
test_long_lines(void **state)
{
	struct email_params	 p;
	cJSON			*doc = base_doc();
	char			*big, *m, *text;
	size_t			 len, i;

	big = xmalloc(5001);
	for (i = 0; i < 5000; i++)
		big[i] = i % 100 == 99 ? '=' : "ab\xc3\xa9."[i % 4];
	big[4999] = ' ';
	big[5000] = '\0';
	/* "\xc3\xa9" may be cut by i % 100: bad bytes must become U+FFFD. */
	set_string(cJSON_GetObjectItem(first_alert(doc), "annotations"),
	    "description", big);
	params(&p);
	m = render(doc, &p, &len);
	assert_lines(m, len);
	text = part(m, "text/plain");
	assert_non_null(strstr(text, "ab\xc3\xa9" "ab\xc3\xa9" "ab"));
	assert_non_null(strstr(text, "ab\xef\xbf\xbd=ab\xc3\xa9"));
	keep("long-lines.eml", m, len, NULL);
	free(text);
	free(m);
	free(big);
	cJSON_Delete(doc);
}

static void
rmtree(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	char		*path;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		if (unlink(path) == -1)
			rmtree(path);
		free(path);
	}
	closedir(d);
	rmdir(dir);
}

static void
write_file(const char *dir, const char *name, const char *data, size_t len)
{
	char	*path = xasprintf("%s/%s", dir, name);
	FILE	*f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	free(path);
}

/* Runs mimecheck.py on dir; returns its exit status, log in *log. */
static int
mimecheck(const char *tool, const char *dir, const char *logpath,
    char **log)
{
	const char	*argv[] = { PYTHON, tool, dir, NULL };
	pid_t		 pid;
	int		 rc;

	unlink(logpath);
	pid = testproc_spawn(argv, NULL, logpath);
	rc = testproc_wait(pid, 60000);
	*log = testproc_read(logpath);
	if (*log == NULL)
		*log = xstrdup("");
	return (rc);
}

static void
test_mimecheck(void **state)
{
	const char	*root = getenv("POTASH_SOURCE_ROOT");
	char		*tool, *tmp, *good, *bad, *logpath, *log, *name, *lf;
	size_t		 i, j, n;
	int		 rc;

	/* Outside meson test, from the top of the checkout. */
	if (root == NULL)
		root = ".";
	tool = xasprintf("%s/tests/tools/mimecheck.py", root);
	if (access(PYTHON, X_OK) != 0 || access(tool, R_OK) != 0) {
		print_message("no %s or no %s (set POTASH_SOURCE_ROOT); "
		    "skipped\n", PYTHON, tool);
		free(tool);
		skip();
	}
	assert_true(nsamples >= 8);
	tmp = testproc_tmpdir();
	good = xasprintf("%s/good", tmp);
	bad = xasprintf("%s/bad", tmp);
	logpath = xasprintf("%s/mimecheck.log", tmp);
	assert_int_equal(mkdir(good, 0700), 0);
	assert_int_equal(mkdir(bad, 0700), 0);
	for (i = 0; i < nsamples; i++) {
		write_file(good, samples[i].name, samples[i].msg,
		    samples[i].len);
		if (samples[i].sidecar != NULL) {
			name = xasprintf("%s.json", samples[i].name);
			write_file(good, name, samples[i].sidecar,
			    strlen(samples[i].sidecar));
			free(name);
		}
	}
	rc = mimecheck(tool, good, logpath, &log);
	if (rc != 0)
		fail_msg("mimecheck.py exited %d:\n%s", rc, log);
	for (i = 0; i < nsamples; i++) {
		name = xasprintf("%s: ok", samples[i].name);
		assert_non_null(strstr(log, name));
		free(name);
	}
	free(log);

	/* It must catch LF line ends and a wrong subject. */
	lf = xmalloc(samples[0].len + 1);
	for (i = j = 0; i < samples[0].len; i++)
		if (samples[0].msg[i] != '\r')
			lf[j++] = samples[0].msg[i];
	n = j;
	write_file(bad, "lf.eml", lf, n);
	write_file(bad, "subject.eml", samples[0].msg, samples[0].len);
	write_file(bad, "subject.eml.json", "{\"subject\": \"other\"}", 20);
	rc = mimecheck(tool, bad, logpath, &log);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(log, "lf.eml: bare LF line end"));
	assert_non_null(strstr(log, "subject.eml: Subject: '[potashd] FIRING: "
	    "Potash above 400 USD/t', expected 'other'"));
	free(log);
	free(lf);

	rmtree(tmp);
	free(logpath);
	free(bad);
	free(good);
	free(tmp);
	free(tool);
}

static int
teardown_samples(void **state)
{
	size_t	i;

	for (i = 0; i < nsamples; i++) {
		free(samples[i].name);
		free(samples[i].msg);
		free(samples[i].sidecar);
	}
	nsamples = 0;
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headers_exact),
		cmocka_unit_test(test_link_sig),
		cmocka_unit_test(test_subject_utf8),
		cmocka_unit_test(test_threading),
		cmocka_unit_test(test_html_escaping),
		cmocka_unit_test(test_reason_test),
		cmocka_unit_test(test_subject_template),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_address_headers),
		cmocka_unit_test(test_bad_docs),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_mimecheck),
	};

	return (cmocka_run_group_tests(tests, NULL, teardown_samples));
}
