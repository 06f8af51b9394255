/* SPDX-License-Identifier: ISC */
/*
 * reply: one HTTP request being answered; see reply.h.
 *
 * A reply is referenced by the handler (until reply_release) and by each
 * query in flight.  It sits in its pool's list while unanswered, so that
 * reply_pool_free can answer it; once answered it no longer touches the
 * pool or the evhttp request (evhttp owns and frees that).
 */
#include <sys/queue.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "daemon/log.h"
#include "store/pg.h"
#include "util/civil.h"
#include "util/parse.h"
#include "util/period.h"
#include "util/xmalloc.h"
#include "web/reply.h"

#define REPLY_QUERY_MAX		1024	/* bytes of the raw query string */
#define REPLY_PARAMS_MAX	8
#define REPLY_VALUE_MAX		512	/* bytes of a decoded value */

#define REPLY_CSP_DATA		"default-src 'none'"
#define REPLY_CSP_PAGE		"default-src 'none'; " \
				"style-src 'unsafe-inline'; img-src 'self' data:"

struct reply_pool {
	struct event_base	*base;
	struct pg		*pg;
	uint64_t		 timeout;	/* usec per reply with queries */
	reply_sent_cb		 sent;
	void			*arg;
	TAILQ_HEAD(, reply)	 live;		/* not answered yet */
};

struct reply_param {
	char	*name;
	char	*value;
};

struct reply {
	TAILQ_ENTRY(reply)	 entry;
	struct reply_pool	*pool;		/* NULL once answered */
	struct evhttp_request	*req;		/* NULL once answered */
	struct event		*deadline;
	int			 refs;
	int			 pending;	/* queries in flight */
	int			 failed;	/* 0, 500 or 503 */
	int			 head;
	int			 lenient;
	reply_done_cb		 done;
	void			*data;
	void			(*data_free)(void *);
	struct reply_param	 params[REPLY_PARAMS_MAX];
	size_t			 nparams;
};

/* What a query needs to find its reply and its handler. */
struct reply_query {
	struct reply		*r;
	reply_result_cb		 cb;
};

static void
reply_free(struct reply *r)
{
	size_t	i;

	if (r->deadline != NULL)
		event_free(r->deadline);
	if (r->data_free != NULL)
		r->data_free(r->data);
	for (i = 0; i < r->nparams; i++) {
		free(r->params[i].name);
		free(r->params[i].value);
	}
	free(r);
}

static void
reply_unref(struct reply *r)
{
	if (--r->refs > 0)
		return;
	/* A handler that forgot to answer is a bug; the client still gets
	 * an answer rather than a hung connection. */
	if (r->req != NULL) {
		log_warnx("http: %s: no answer from its handler",
		    evhttp_request_get_uri(r->req));
		reply_error(r, 500, NULL, "internal error: no answer");
	}
	reply_free(r);
}

struct reply_pool *
reply_pool_new(struct event_base *base, struct pg *pg, uint64_t timeout,
    reply_sent_cb sent, void *arg)
{
	struct reply_pool	*p;

	p = xcalloc(1, sizeof(*p));
	p->base = base;
	p->pg = pg;
	p->timeout = timeout;
	p->sent = sent;
	p->arg = arg;
	TAILQ_INIT(&p->live);
	return (p);
}

void
reply_pool_free(struct reply_pool *p)
{
	struct reply	*r;

	if (p == NULL)
		return;
	/* Each answer takes r off the list. */
	while ((r = TAILQ_FIRST(&p->live)) != NULL)
		reply_error(r, 503, NULL, "shutting down");
	free(p);
}

struct reply *
reply_new(struct reply_pool *p, struct evhttp_request *req)
{
	struct reply	*r;

	r = xcalloc(1, sizeof(*r));
	r->pool = p;
	r->req = req;
	r->refs = 1;
	r->head = evhttp_request_get_command(req) == EVHTTP_REQ_HEAD;
	TAILQ_INSERT_TAIL(&p->live, r, entry);
	return (r);
}

void
reply_release(struct reply *r)
{
	reply_unref(r);
}

int
reply_is_head(const struct reply *r)
{
	return (r->head);
}

int
reply_answered(const struct reply *r)
{
	return (r->req == NULL);
}

void
reply_set_data(struct reply *r, void *data, void (*fn)(void *))
{
	r->data = data;
	r->data_free = fn;
}

void *
reply_data(const struct reply *r)
{
	return (r->data);
}

void
reply_on_done(struct reply *r, reply_done_cb done)
{
	r->done = done;
}

void
reply_set_lenient(struct reply *r)
{
	r->lenient = 1;
}

static const char *
reply_reason(int status)
{
	switch (status) {
	case 200:	return ("OK");
	case 400:	return ("Bad Request");
	case 401:	return ("Unauthorized");
	case 404:	return ("Not Found");
	case 405:	return ("Method Not Allowed");
	case 500:	return ("Internal Server Error");
	case 503:	return ("Service Unavailable");
	default:	return ("Unknown");
	}
}

void
reply_header(struct reply *r, const char *name, const char *value)
{
	if (r->req != NULL)
		evhttp_add_header(evhttp_request_get_output_headers(r->req),
		    name, value);
}

void
reply_send(struct reply *r, int status, const char *ctype, const char *body,
    size_t len, int html)
{
	struct reply_pool	*p = r->pool;
	struct evkeyvalq	*h;
	struct evbuffer		*b = NULL;
	char			 n[32];

	if (r->req == NULL)
		return;
	h = evhttp_request_get_output_headers(r->req);
	evhttp_add_header(h, "Content-Type", ctype);
	evhttp_add_header(h, "Content-Security-Policy",
	    html ? REPLY_CSP_PAGE : REPLY_CSP_DATA);
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	if (r->head) {
		/* evhttp would send a HEAD's body: give it none, but the
		 * length GET would have. */
		snprintf(n, sizeof(n), "%zu", len);
		evhttp_add_header(h, "Content-Length", n);
	} else {
		if ((b = evbuffer_new()) == NULL)
			fatalx("http: out of memory");
		if (evbuffer_add(b, body, len) == -1)
			fatalx("http: out of memory");
	}
	evhttp_send_reply(r->req, status, reply_reason(status), b);
	if (b != NULL)
		evbuffer_free(b);
	r->req = NULL;
	if (r->deadline != NULL)
		event_del(r->deadline);
	TAILQ_REMOVE(&p->live, r, entry);
	r->pool = NULL;
	if (p->sent != NULL)
		p->sent(status, p->arg);
}

void
reply_json(struct reply *r, int status, cJSON *json)
{
	char	*s;

	if ((s = cJSON_PrintUnformatted(json)) == NULL)
		fatalx("http: out of memory");
	cJSON_Delete(json);
	reply_send(r, status, "application/json", s, strlen(s), 0);
	cJSON_free(s);
}

void
reply_error(struct reply *r, int status, const char *param, const char *fmt,
    ...)
{
	cJSON	*o;
	char	 msg[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "error", msg);
	if (param != NULL)
		cJSON_AddStringToObject(o, "parameter", param);
	reply_json(r, status, o);
}

static int
reply_hex(char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/*
 * Decodes the percent-encoding of s[0..len), '+' as a space if plus.
 * Returns a malloc'd string, or NULL if it is malformed or decodes to a
 * control character (NUL included).
 */
char *
reply_decode(const char *s, size_t len, int plus)
{
	char	*out, *o;
	size_t	 i;
	int	 hi, lo;

	out = o = xmalloc(len + 1);
	for (i = 0; i < len; i++) {
		if (s[i] == '+' && plus)
			*o = ' ';
		else if (s[i] != '%')
			*o = s[i];
		else {
			if (i + 2 >= len)
				goto bad;
			hi = reply_hex(s[i + 1]);
			lo = reply_hex(s[i + 2]);
			if (hi < 0 || lo < 0)
				goto bad;
			*o = (char)(hi * 16 + lo);
			i += 2;
		}
		if ((unsigned char)*o < 0x20 || *o == 0x7f)
			goto bad;
		o++;
	}
	*o = '\0';
	return (out);
bad:
	free(out);
	return (NULL);
}

int
reply_parse_params(struct reply *r, const char *const *allowed)
{
	const struct evhttp_uri	*uri;
	const char		*q, *p, *amp, *eq;
	char			*name, *value, shown[PARSE_QUOTE_BUFLEN];
	size_t			 i, len;

	uri = evhttp_request_get_evhttp_uri(r->req);
	if (uri == NULL || (q = evhttp_uri_get_query(uri)) == NULL ||
	    *q == '\0')
		return (0);
	if (strlen(q) > REPLY_QUERY_MAX) {
		reply_error(r, 400, NULL, "query string longer than %d bytes",
		    REPLY_QUERY_MAX);
		return (-1);
	}
	for (p = q; *p != '\0'; p = *amp != '\0' ? amp + 1 : amp) {
		amp = p + strcspn(p, "&");
		if (amp == p)
			continue;
		eq = memchr(p, '=', (size_t)(amp - p));
		len = eq != NULL ? (size_t)(eq - p) : (size_t)(amp - p);
		if ((name = reply_decode(p, len, 1)) == NULL) {
			reply_error(r, 400, NULL, "malformed query string");
			return (-1);
		}
		for (i = 0; allowed[i] != NULL; i++) {
			if (strcmp(allowed[i], name) == 0)
				break;
		}
		if (allowed[i] == NULL) {
			parse_quote(name, strlen(name), shown, sizeof(shown));
			reply_error(r, 400, name, "unknown parameter \"%s\"",
			    shown);
			free(name);
			return (-1);
		}
		free(name);
		name = xstrdup(allowed[i]);
		if (reply_param(r, name) != NULL) {
			reply_error(r, 400, name, "parameter \"%s\" given "
			    "more than once", name);
			free(name);
			return (-1);
		}
		value = eq != NULL ? reply_decode(eq + 1,
		    (size_t)(amp - eq - 1), 1) : xstrdup("");
		if (value == NULL || strlen(value) > REPLY_VALUE_MAX) {
			reply_error(r, 400, name, "parameter \"%s\": %s", name,
			    value == NULL ? "malformed percent-encoding or a "
			    "control character" : "value too long");
			free(value);
			free(name);
			return (-1);
		}
		/* allowed lists fewer names than the cap. */
		if (r->nparams == REPLY_PARAMS_MAX) {
			reply_error(r, 400, NULL, "too many parameters");
			free(value);
			free(name);
			return (-1);
		}
		r->params[r->nparams].name = name;
		r->params[r->nparams++].value = value;
	}
	return (0);
}

const char *
reply_param(const struct reply *r, const char *name)
{
	size_t	i;

	for (i = 0; i < r->nparams; i++) {
		if (strcmp(r->params[i].name, name) == 0)
			return (r->params[i].value);
	}
	return (NULL);
}

int
reply_param_limit(struct reply *r, int *limit)
{
	const char	*v = reply_param(r, "limit");
	char		 err[128], shown[PARSE_QUOTE_BUFLEN];
	int64_t		 n;

	*limit = REPLY_LIMIT_DEFAULT;
	if (v == NULL)
		return (0);
	if (parse_int64(v, 1, INT64_MAX, &n, err, sizeof(err)) == -1) {
		parse_quote(v, strlen(v), shown, sizeof(shown));
		reply_error(r, 400, "limit", "parameter \"limit\": expected "
		    "a whole number from 1, got \"%s\"", shown);
		return (-1);
	}
	*limit = n > REPLY_LIMIT_MAX ? REPLY_LIMIT_MAX : (int)n;
	return (0);
}

int
reply_param_time(struct reply *r, const char *name, char *out)
{
	const char	*v = reply_param(r, name);
	char		 shown[PARSE_QUOTE_BUFLEN];
	int64_t		 secs;

	out[0] = '\0';
	if (v == NULL)
		return (0);
	if (period_to_unix(v, &secs) == -1 ||
	    period_from_unix(secs, out, PERIOD_MAX_LEN) == -1) {
		parse_quote(v, strlen(v), shown, sizeof(shown));
		reply_error(r, 400, name, "parameter \"%s\": expected a date "
		    "(2025-12-01, 2025-12) or an RFC 3339 time "
		    "(2025-12-15T21:00:00Z), got \"%s\"", name, shown);
		out[0] = '\0';
		return (-1);
	}
	return (0);
}

static void
reply_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct reply	*r = arg;

	/* The queries go on; their late results are dropped. */
	if (r->lenient && r->done != NULL) {
		r->done(r);
		if (r->req == NULL)
			return;
	}
	reply_error(r, 503, NULL, "the database did not answer in time");
}

static void
reply_query_cb(struct pg *pg, PGresult *res, void *arg)
{
	struct reply_query	*q = arg;
	struct reply		*r = q->r;

	r->pending--;
	if (r->req != NULL) {
		if (res == NULL) {
			if (!r->lenient)
				r->failed = 503;
		} else if (!pg_result_ok(res)) {
			log_warnx("http: %s: %s", evhttp_request_get_uri(r->req),
			    pg_result_error(res));
			if (!r->lenient)
				r->failed = 500;
		} else if (r->failed == 0)
			q->cb(r, res);
		if (r->pending == 0 && r->req != NULL) {
			if (r->failed == 503)
				reply_error(r, 503, NULL, "database connection "
				    "lost");
			else if (r->failed != 0)
				reply_error(r, 500, NULL, "database query "
				    "failed");
			else if (r->done != NULL)
				r->done(r);
		}
	}
	free(q);
	reply_unref(r);
}

int
reply_query(struct reply *r, const char *sql, int n,
    const char *const *params, reply_result_cb cb)
{
	struct reply_pool	*p = r->pool;
	struct reply_query	*q;
	struct timeval		 tv;

	if (p == NULL)
		return (-1);
	q = xcalloc(1, sizeof(*q));
	q->r = r;
	q->cb = cb;
	if (pg_query(p->pg, sql, n, params, reply_query_cb, q) == -1) {
		free(q);
		if (r->lenient && r->done != NULL)
			r->done(r);
		else
			reply_error(r, 503, NULL, "database not connected");
		return (-1);
	}
	r->refs++;
	r->pending++;
	if (r->deadline == NULL) {
		r->deadline = evtimer_new(p->base, reply_deadline_cb, r);
		if (r->deadline == NULL)
			fatalx("http: cannot create a timer");
		tv.tv_sec = (time_t)(p->timeout / 1000000);
		tv.tv_usec = (suseconds_t)(p->timeout % 1000000);
		evtimer_add(r->deadline, &tv);
	}
	return (0);
}

void
reply_time(int64_t usec, char *out)
{
	int64_t	days, secs, y;
	int	m, d, frac;

	days = civil_floordiv(usec, INT64_C(86400000000));
	secs = civil_floordiv(usec, 1000000) - days * 86400;
	frac = (int)(usec - civil_floordiv(usec, 1000000) * 1000000);
	civil_date(days, &y, &m, &d);
	if (frac != 0)
		snprintf(out, 40, "%04" PRId64 "-%02d-%02dT%02d:%02d:%02d.%06dZ",
		    y, m, d, (int)(secs / 3600), (int)(secs / 60 % 60),
		    (int)(secs % 60), frac);
	else
		snprintf(out, 40, "%04" PRId64 "-%02d-%02dT%02d:%02d:%02dZ",
		    y, m, d, (int)(secs / 3600), (int)(secs / 60 % 60),
		    (int)(secs % 60));
}

int64_t
reply_int(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return (0);
	return ((int64_t)strtoll(PQgetvalue(res, row, col), NULL, 10));
}

const char *
reply_text(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return (NULL);
	return (PQgetvalue(res, row, col));
}
