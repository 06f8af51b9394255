/* SPDX-License-Identifier: ISC */
/*
 * email: RFC 5322 messages for email channels, and the checks of their
 * addresses and subject templates; see email.h.
 *
 * The document is input, read through doc.h: every member is
 * type-checked before use, and a missing or wrong-typed optional member
 * reads as absent.  Only "key", "status", "group_id" and "alerts" are
 * required.  This file assembles the message: headers, subject, both
 * body parts and the MIME structure.  Every string taken from the
 * document passes through email_mime.h on its way out (cleaned, escaped
 * for HTML, folded and encoded for headers, quoted-printable in bodies),
 * so no value can end a header line or smuggle one in.  Every line ends
 * in CRLF.  The MIME boundary starts with "=_", which quoted-printable
 * never produces, so no body line can match it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "alert/render.h"
#include "notify/doc.h"
#include "notify/email.h"
#include "notify/email_mime.h"
#include "util/buf.h"
#include "util/civil.h"
#include "util/linksig.h"
#include "util/parse.h"
#include "util/url.h"
#include "util/xmalloc.h"

#define EMAIL_ID_MAX		128	/* of key and group_id */
#define EMAIL_MAX_SIZE		(8 * 1024 * 1024)
#define EMAIL_MAX_OBS		50	/* observations shown per alert */
#define EMAIL_VARS		"status, reason, channel, count, alertname, " \
				"series, summary, group"

static const char *const email_vars[] = {
	"status", "reason", "channel", "count", "alertname", "series",
	"summary", "group",
};
#define EMAIL_NVARS	(sizeof(email_vars) / sizeof(email_vars[0]))
enum email_var {
	EMAIL_V_STATUS, EMAIL_V_REASON, EMAIL_V_CHANNEL, EMAIL_V_COUNT,
	EMAIL_V_ALERTNAME, EMAIL_V_SERIES, EMAIL_V_SUMMARY, EMAIL_V_GROUP,
};

/* The two body parts, as text with "\n" line ends, before encoding. */
struct email_body {
	struct buf	text;
	struct buf	html;
};

static void
email_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

/* Appends s cleaned, with indent after each line break. */
static void
email_text_block(struct buf *b, const char *s, const char *indent)
{
	struct buf	 t;
	const char	*p;

	buf_init(&t, 0);
	email_mime_clean(&t, s, EMAIL_MIME_CLEAN_NL);
	for (p = buf_cstr(&t); *p != '\0'; p++) {
		buf_append(b, p, 1);
		if (*p == '\n')
			email_puts(b, indent);
	}
	buf_deinit(&t);
}

int
email_check_address(const char *s, char *err, size_t errlen)
{
	struct email_mime_addr	a;

	return (email_mime_addr_parse(s, &a, err, errlen));
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
		if ((cl = email_mime_utf8(p, &c)) == 0 ||
		    email_mime_control(c)) {
			snprintf(err, errlen, "%s at offset %zu", cl == 0 ?
			    "not valid UTF-8" : "control character",
			    (size_t)(p - tmpl));
			return (-1);
		}
	}
	p = tmpl;
	while ((rc = render_next(&p, &start, &name, &n)) == 1) {
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
		if (render_next(&p, &start, &name, &n) != 1) {
			buf_append(&b, before, strlen(before));
			break;
		}
		buf_append(&b, before, (size_t)(start - before));
		email_mime_clean(&b, vals[email_subject_var(name, n)],
		    EMAIL_MIME_CLEAN_SQUEEZE);
	}
	buf_init(&t, 0);
	email_mime_clean(&t, buf_cstr(&b), EMAIL_MIME_CLEAN_SQUEEZE);
	buf_deinit(&b);
	if (t.len > EMAIL_SUBJECT_MAX) {
		for (cut = 0; (n = email_mime_utf8(t.data + cut, &c)) > 0 &&
		    cut + n <= EMAIL_SUBJECT_MAX - 3; cut += n)
			;
		t.len = cut;
		email_puts(&t, "...");
	}
	return (buf_steal(&t, NULL));
}

/* Writes a number member (or a string one) to buf; 0 if neither. */
static int
email_number(const cJSON *o, const char *name, const char *unit, char *buf,
    size_t len)
{
	const cJSON	*v = doc_member(o, name);
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

/* Checks that key and group_id can go into headers as they are. */
static int
email_doc_id(const char *name, const char *s, char *err, size_t errlen)
{
	char	q[PARSE_QUOTE_BUFLEN];

	if (email_id_ok(s))
		return (0);
	parse_quote(s, strlen(s), q, sizeof(q));
	snprintf(err, errlen, DOC_PREFIX "\"%s\": expected 1 to %d letters, "
	    "digits, '-' or '_', got \"%s\"", name, EMAIL_ID_MAX, q);
	return (-1);
}

/* Checks the members the message needs. */
static int
email_doc_check(const cJSON *doc, char *err, size_t errlen)
{
	static const char *const ids[] = { "key", "group_id" };

	return (doc_check(doc, ids, sizeof(ids) / sizeof(ids[0]),
	    email_doc_id, err, errlen));
}

/* Starts a heading, in text and HTML. */
static void
email_heading(struct email_body *o, const char *tag, const char *s)
{
	email_mime_clean(&o->text, s, 0);
	email_puts(&o->text, "\n");
	buf_printf(&o->html, "<%s>", tag);
	email_mime_html(&o->html, s);
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
	email_mime_html(&o->html, label);
	email_puts(&o->html, "</th><td>");
	for (i = 0; i < 3; i++) {
		if (v[i] == NULL || *v[i] == '\0')
			continue;
		buf_printf(&o->text, "    %-14s", first ? lc : "");
		email_mime_clean(&o->text, v[i], 0);
		email_puts(&o->text, "\n");
		if (!first)
			email_puts(&o->html, "<br>");
		if (i == 2)
			email_mime_html_link(&o->html, v[i]);
		else
			email_mime_html(&o->html, v[i]);
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
	buf_printf(&b, "%s %s %s", doc_estr(ev, "jurisdiction"),
	    doc_estr(ev, "action"), doc_estr(ev, "instrument"));
	if ((s = doc_str(ev, "announced_on")) != NULL)
		buf_printf(&b, ", announced %s", s);
	if ((s = doc_str(ev, "effective_on")) != NULL)
		buf_printf(&b, ", effective %s", s);
	email_row(o, "Event", buf_cstr(&b), doc_str(ev, "title"),
	    doc_str(ev, "source_url"));
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
		if (!email_number(ob, "value", doc_str(ob, "unit"), v,
		    sizeof(v)))
			snprintf(v, sizeof(v), "n/a");
		buf_reset(&t);
		s = doc_estr(ob, "period");
		buf_printf(&t, "%s%s%s", s, *s != '\0' ? "  " : "", v);
		if ((s = doc_str(ob, "known_at")) != NULL)
			buf_printf(&t, ", known %s", s);
		if ((s = doc_str(ob, "fetched_at")) != NULL)
			buf_printf(&t, ", fetched %s", s);
		email_puts(&o->text, "      ");
		email_mime_clean(&o->text, buf_cstr(&t), 0);
		email_puts(&o->text, "\n");
		if ((s = doc_str(ob, "source_url")) != NULL) {
			email_puts(&o->text, "        ");
			email_mime_clean(&o->text, s, 0);
			email_puts(&o->text, "\n");
		}
		email_puts(&o->html, "<tr>");
		for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
			email_puts(&o->html, "<td>");
			email_mime_html(&o->html, i == 1 ? v :
			    doc_estr(ob, cols[i]));
			email_puts(&o->html, "</td>");
		}
		email_puts(&o->html, "<td>");
		email_mime_html_link(&o->html, doc_str(ob, "source_url"));
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
	const cJSON	*ann = doc_member(a, "annotations");
	const cJSON	*bl = doc_member(a, "baseline");
	const char	*unit = doc_str(a, "unit"), *s, *sig;
	struct buf	 b;
	char		 v[128], w[128], *t, *url = NULL;
	int		 thr = strcmp(doc_estr(a, "kind"), "threshold") == 0;

	if ((s = doc_str(a, "status")) != NULL && (strcmp(s, "firing") ==
	    0 || strcmp(s, "resolved") == 0))
		st = s;
	buf_init(&b, 0);
	buf_printf(&b, "[%d] %s", i, strcmp(st, "firing") == 0 ? "FIRING" :
	    "RESOLVED");
	if ((s = doc_str(a, "severity")) != NULL && *s != '\0')
		buf_printf(&b, ", %s", s);
	if ((s = doc_str(a, "rule")) == NULL || *s == '\0')
		s = "alert";
	buf_printf(&b, ": %s", s);
	if ((s = doc_str(a, "series")) != NULL && *s != '\0')
		buf_printf(&b, " on %s", s);
	email_puts(&o->text, "\n");
	email_heading(o, "h3", buf_cstr(&b));
	if ((s = doc_str(ann, "summary")) != NULL && *s != '\0') {
		email_puts(&o->text, "    ");
		email_mime_clean(&o->text, s, 0);
		email_puts(&o->text, "\n");
		email_puts(&o->html, "<p><b>");
		email_mime_html(&o->html, s);
		email_puts(&o->html, "</b></p>\n");
	}
	if ((s = doc_str(ann, "description")) != NULL && *s != '\0') {
		email_puts(&o->text, "    ");
		email_text_block(&o->text, s, "    ");
		email_puts(&o->text, "\n");
		email_puts(&o->html, "<p>");
		email_mime_html(&o->html, s);
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
		if (doc_str(bl, "from") != NULL &&
		    doc_str(bl, "to") != NULL)
			buf_printf(&b, "%s%s to %s", b.len > 0 ? ", " : "",
			    doc_str(bl, "from"), doc_str(bl, "to"));
		t = xasprintf(b.len > 0 ? "%s (%s)" : "%s%s", v, buf_cstr(&b));
		email_row(o, "Baseline", t, NULL, NULL);
		free(t);
	}
	email_event(o, doc_member(a, "event"));
	email_row(o, "Since", doc_str(a, "starts_at"), NULL, NULL);
	email_row(o, "Ended", doc_str(a, "ends_at"), NULL, NULL);
	t = email_pairs(doc_member(a, "labels"));
	email_row(o, "Labels", t, NULL, NULL);
	free(t);
	if (ext != NULL && (s = doc_str(a, "fingerprint")) != NULL &&
	    email_id_ok(s)) {
		/* Signed when the dashboard wants a token (doc.h). */
		sig = doc_str(a, "link_sig");
		url = xasprintf("%s/alerts/%s%s%s", ext, s,
		    linksig_ok(sig) ? "?sig=" : "", linksig_ok(sig) ? sig : "");
	}
	email_row(o, "Details", NULL, NULL, url);
	free(url);
	email_puts(&o->html, "</table>\n");
	email_observations(o, doc_member(a, "observations"));
	buf_deinit(&b);
}

/* Both body parts for doc; the subject titles the HTML. */
static void
email_body(struct email_body *o, const cJSON *doc, const char *subject,
    const char *group, int total)
{
	const cJSON	*alerts = doc_member(doc, "alerts"), *a;
	const char	*st = doc_str(doc, "status"), *s;
	struct buf	 b;
	char		*ext = NULL, *t;
	size_t		 n;
	double		 seq = 0.0;
	int		 i = 0, shown;

	email_puts(&o->html, "<!DOCTYPE html>\n<html><head><meta "
	    "charset=\"utf-8\"><title>");
	email_mime_html(&o->html, subject);
	email_puts(&o->html, "</title></head>\n<body>\n");
	if (strcmp(doc_estr(doc, "reason"), "test") == 0) {
		s = "[TEST] This is a test notification; no action is needed.";
		buf_printf(&o->text, "%s\n\n", s);
		buf_printf(&o->html, "<p><b>%s</b></p>\n", s);
	}
	shown = cJSON_GetArraySize(alerts);
	buf_init(&b, 0);
	buf_printf(&b, "%s: %d alert%s", strcmp(st, "firing") == 0 ?
	    "FIRING" : "RESOLVED", total, total == 1 ? "" : "s");
	if ((s = doc_str(doc, "channel")) != NULL && *s != '\0')
		buf_printf(&b, ", channel %s", s);
	if ((s = doc_str(doc, "reason")) != NULL && *s != '\0')
		buf_printf(&b, ", reason %s", s);
	email_heading(o, "h2", buf_cstr(&b));
	buf_deinit(&b);
	t = xasprintf("Group: %s", *group != '\0' ? group : "(all)");
	email_heading(o, "p", t);
	free(t);
	if ((s = doc_str(doc, "external_url")) != NULL &&
	    url_is_http(s)) {
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
	(void)doc_number(doc, "group_seq", &seq);
	t = xasprintf("potashd notification %s, group %s, #%.0f",
	    doc_str(doc, "key"), doc_str(doc, "group_id"), seq);
	email_puts(&o->text, "\n-- \n");
	email_mime_clean(&o->text, t, 0);
	email_puts(&o->text, "\n");
	email_puts(&o->html, "<hr>\n<p><small>");
	email_mime_html(&o->html, t);
	if (ext != NULL) {
		email_mime_clean(&o->text, ext, 0);
		email_puts(&o->text, "\n");
		email_puts(&o->html, "<br>");
		email_mime_html_link(&o->html, ext);
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
	const cJSON	*a = cJSON_GetArrayItem(doc_member(doc, "alerts"), 0);
	const char	*vals[EMAIL_NVARS], *an, *se;
	char		 count[16], *summary = NULL, *s;

	memset(vals, 0, sizeof(vals));
	vals[EMAIL_V_STATUS] = strcmp(doc_str(doc, "status"), "firing") ==
	    0 ? "FIRING" : "RESOLVED";
	vals[EMAIL_V_REASON] = doc_str(doc, "reason");
	vals[EMAIL_V_CHANNEL] = doc_str(doc, "channel");
	snprintf(count, sizeof(count), "%d", total);
	vals[EMAIL_V_COUNT] = count;
	an = doc_str(doc_member(a, "labels"), "alertname");
	if (an == NULL || *an == '\0')
		an = doc_estr(a, "rule");
	se = doc_estr(a, "series");
	vals[EMAIL_V_ALERTNAME] = an;
	vals[EMAIL_V_SERIES] = se;
	vals[EMAIL_V_GROUP] = group;
	vals[EMAIL_V_SUMMARY] = doc_str(doc_member(a, "annotations"),
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
	if (strcmp(doc_estr(doc, "reason"), "test") == 0) {
		summary = s;
		s = xasprintf("[TEST] %s", summary);
		free(summary);
	}
	return (s);
}

/* Checks the parameters into from, to[] and host; err as email_message. */
static int
email_params_check(const struct email_params *p, struct email_mime_addr *from,
    struct email_mime_addr *to, const char **host, char *err, size_t errlen)
{
	struct email_mime_addr	 h;
	char			 e[256], spec[EMAIL_MIME_DOMAIN_MAX + 3];
	const char		*tmpl;
	size_t			 i;

	if (email_mime_addr_parse(p->from, from, e, sizeof(e)) == -1) {
		snprintf(err, errlen, "from: %s", e);
		return (-1);
	}
	if (p->nto == 0 || p->to == NULL) {
		snprintf(err, errlen, "to: no recipients");
		return (-1);
	}
	for (i = 0; i < p->nto; i++) {
		if (email_mime_addr_parse(p->to[i], &to[i], e,
		    sizeof(e)) == -1) {
			snprintf(err, errlen, "to: %s", e);
			return (-1);
		}
	}
	*host = from->spec + from->at + 1;
	if (p->hostname != NULL) {
		/* A hostname is what may follow "@" in an address. */
		snprintf(spec, sizeof(spec), "x@%s", p->hostname);
		if (strlen(p->hostname) > EMAIL_MIME_DOMAIN_MAX ||
		    email_mime_addr_parse(spec, &h, e, sizeof(e)) == -1) {
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
	struct email_mime_addr	 from, *to = NULL;
	struct email_mime_fold	 f;
	struct email_body	 o;
	struct buf		 m;
	const char		*host, *key, *gid;
	char			 date[64], bnd[32], *subject, *group;
	char			*out = NULL;
	size_t			 i;
	double			 d;
	int			 total, root;

	if (email_doc_check(doc, err, errlen) == -1)
		return (NULL);
	to = xcalloc(p->nto > 0 ? p->nto : 1, sizeof(*to));
	if (email_params_check(p, &from, to, &host, err, errlen) == -1)
		goto out;
	key = doc_str(doc, "key");
	gid = doc_str(doc, "group_id");
	root = doc_number(doc, "group_seq", &d) && d == 1;
	total = cJSON_GetArraySize(doc_member(doc, "alerts"));
	if (doc_number(doc, "truncated", &d) && d >= 1 && d < 1e6)
		total += (int)d;
	group = email_pairs(doc_member(doc, "group_labels"));
	subject = email_render_subject(doc, p->subject != NULL ? p->subject :
	    EMAIL_SUBJECT_DEFAULT, group, total);

	buf_init(&m, 0);
	email_date(p->date, date, sizeof(date));
	buf_printf(&m, "Date: %s\r\n", date);
	email_mime_fold_start(&f, &m, "From");
	email_mime_fold_addr(&f, &from, 0);
	email_mime_fold_end(&f);
	email_mime_fold_start(&f, &m, "To");
	for (i = 0; i < p->nto; i++)
		email_mime_fold_addr(&f, &to[i], i + 1 < p->nto);
	email_mime_fold_end(&f);
	email_mime_fold_start(&f, &m, "Subject");
	email_mime_fold_unstructured(&f, subject);
	email_mime_fold_end(&f);
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
	email_mime_qp(&m, o.text.data, o.text.len);
	buf_printf(&m, "--%s\r\nContent-Type: text/html; charset=utf-8"
	    "\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", bnd);
	email_mime_qp(&m, o.html.data, o.html.len);
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
