/* SPDX-License-Identifier: ISC */
/*
 * fake_httpd: canned HTTP responses on loopback for tests; see httpd.h.
 *
 * Each request gets a reply object that lives until its response is
 * finished or its connection goes away, whichever comes first.  evhttp
 * tells us about the latter through the connection's close callback, which
 * we hold only while a reply is pending on it (evhttp serves one request
 * at a time per connection).  When the client leaves before we responded,
 * evhttp detaches the request from the connection and leaves it to us: we
 * free it then.  Otherwise the connection frees its request itself.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "fakes/httpd.h"
#include "util/xmalloc.h"

#define FAKE_HTTPD_CHUNK	(64 * 1024)

struct fake_httpd_rt {
	TAILQ_ENTRY(fake_httpd_rt) entry;
	struct fake_httpd_route	 r;	/* strings point into the copies */
	char			*path;
	char			**headers;
	char			*body;
};
TAILQ_HEAD(fake_httpd_rts, fake_httpd_rt);

struct fake_httpd_reply {
	TAILQ_ENTRY(fake_httpd_reply) entry;
	struct fake_httpd	*fh;
	const struct fake_httpd_rt *rt;
	struct evhttp_request	*req;
	struct evhttp_connection *evcon;
	struct event		*timer;
	int			 started;	/* headers sent */
	size_t			 sent;		/* body bytes sent */
	size_t			 total;		/* body bytes to send */
};
TAILQ_HEAD(fake_httpd_replies, fake_httpd_reply);

struct fake_httpd {
	struct event_base		*base;
	struct evhttp			*http;
	uint16_t			 port;
	char				 url[64];
	struct fake_httpd_rts		 routes;
	struct fake_httpd_replies	 replies;
	struct fake_httpd_request	*reqs;
	size_t				 nreqs;
};

static void	fake_httpd_respond(struct fake_httpd_reply *);

static void
fake_httpd_reply_free(struct fake_httpd_reply *rp)
{
	TAILQ_REMOVE(&rp->fh->replies, rp, entry);
	if (rp->evcon != NULL)
		evhttp_connection_set_closecb(rp->evcon, NULL, NULL);
	if (rp->timer != NULL)
		event_free(rp->timer);
	free(rp);
}

/* The connection is going away under a pending reply. */
static void
fake_httpd_close_cb(struct evhttp_connection *evcon, void *arg)
{
	struct fake_httpd_reply	*rp = arg;
	struct evhttp_request	*req = rp->req;

	rp->evcon = NULL;
	/* Detached (the client left first): the request is ours now. */
	if (evhttp_request_get_connection(req) == NULL)
		evhttp_request_free(req);
	fake_httpd_reply_free(rp);
}

static const char *
fake_httpd_method(enum evhttp_cmd_type cmd)
{
	static const struct {
		enum evhttp_cmd_type	 cmd;
		const char		*name;
	} methods[] = {
		{ EVHTTP_REQ_GET, "GET" }, { EVHTTP_REQ_POST, "POST" },
		{ EVHTTP_REQ_HEAD, "HEAD" }, { EVHTTP_REQ_PUT, "PUT" },
		{ EVHTTP_REQ_DELETE, "DELETE" },
		{ EVHTTP_REQ_OPTIONS, "OPTIONS" },
		{ EVHTTP_REQ_TRACE, "TRACE" },
		{ EVHTTP_REQ_CONNECT, "CONNECT" },
		{ EVHTTP_REQ_PATCH, "PATCH" },
	};
	size_t	i;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (methods[i].cmd == cmd)
			return (methods[i].name);
	return ("?");
}

static void
fake_httpd_record(struct fake_httpd *fh, struct evhttp_request *req)
{
	struct fake_httpd_request	*r;
	struct evkeyvalq		*hdrs;
	struct evkeyval			*kv;
	struct evbuffer			*in;
	size_t				 n = 0;

	fh->reqs = xreallocarray(fh->reqs, fh->nreqs + 1, sizeof(*fh->reqs));
	r = &fh->reqs[fh->nreqs++];
	memset(r, 0, sizeof(*r));
	r->method = xstrdup(fake_httpd_method(evhttp_request_get_command(req)));
	r->uri = xstrdup(evhttp_request_get_uri(req));
	hdrs = evhttp_request_get_input_headers(req);
	TAILQ_FOREACH(kv, hdrs, next)
		n++;
	r->names = xcalloc(n + 1, sizeof(*r->names));
	r->values = xcalloc(n + 1, sizeof(*r->values));
	TAILQ_FOREACH(kv, hdrs, next) {
		r->names[r->nheaders] = xstrdup(kv->key);
		r->values[r->nheaders++] = xstrdup(kv->value);
	}
	in = evhttp_request_get_input_buffer(req);
	r->body_len = evbuffer_get_length(in);
	r->body = xmalloc(r->body_len + 1);
	if (r->body_len > 0)
		evbuffer_copyout(in, r->body, r->body_len);
	r->body[r->body_len] = '\0';
}

static const struct fake_httpd_rt *
fake_httpd_find(struct fake_httpd *fh, struct evhttp_request *req)
{
	const struct fake_httpd_rt	*rt;
	const char			*uri = evhttp_request_get_uri(req);
	size_t				 len = strcspn(uri, "?#");

	TAILQ_FOREACH(rt, &fh->routes, entry) {
		if (strlen(rt->path) == len && strncmp(rt->path, uri, len) == 0)
			return (rt);
	}
	return (NULL);
}

/* Ends the response and the reply: the connection is no longer ours. */
static void
fake_httpd_finish(struct fake_httpd_reply *rp)
{
	struct evhttp_request	*req = rp->req;

	fake_httpd_reply_free(rp);
	evhttp_send_reply_end(req);
}

static void
fake_httpd_send(struct fake_httpd_reply *rp, const void *p, size_t n,
    void (*cb)(struct evhttp_connection *, void *))
{
	struct evbuffer	*b;

	if ((b = evbuffer_new()) == NULL)
		abort();
	evbuffer_add(b, p, n);
	evhttp_send_reply_chunk_with_cb(rp->req, b, cb, rp);
	evbuffer_free(b);
}

static void
fake_httpd_drip_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fake_httpd_reply	*rp = arg;
	const char		*body = rp->rt->body;
	struct timeval		 tv;

	if (rp->sent >= rp->total) {
		fake_httpd_finish(rp);
		return;
	}
	fake_httpd_send(rp, body + rp->sent, 1, NULL);
	rp->sent++;
	tv.tv_sec = rp->rt->r.drip_ms / 1000;
	tv.tv_usec = (rp->rt->r.drip_ms % 1000) * 1000;
	evtimer_add(rp->timer, &tv);
}

/* Written out: send the next part of a generated body, or end. */
static void
fake_httpd_oversize_cb(struct evhttp_connection *evcon, void *arg)
{
	static char		 xs[FAKE_HTTPD_CHUNK];
	struct fake_httpd_reply	*rp = arg;
	size_t			 n;

	if (rp->sent >= rp->total) {
		fake_httpd_finish(rp);
		return;
	}
	if (xs[0] != 'x')
		memset(xs, 'x', sizeof(xs));
	n = rp->total - rp->sent;
	if (n > sizeof(xs))
		n = sizeof(xs);
	rp->sent += n;
	fake_httpd_send(rp, xs, n, fake_httpd_oversize_cb);
}

/* Body written: drop the connection before what we promised. */
static void
fake_httpd_truncate_cb(struct evhttp_connection *evcon, void *arg)
{
	/* The close callback frees the reply; the request goes with it. */
	evhttp_connection_free(evcon);
}

static void
fake_httpd_delay_cb(evutil_socket_t fd, short what, void *arg)
{
	fake_httpd_respond(arg);
}

static void
fake_httpd_respond(struct fake_httpd_reply *rp)
{
	const struct fake_httpd_route	*r = &rp->rt->r;
	struct evkeyvalq		*out;
	struct evbuffer			*b;
	struct evhttp_request		*req = rp->req;
	const char *const		*h;
	char				 line[1024], num[32], *colon;
	int				 status;

	out = evhttp_request_get_output_headers(req);
	for (h = r->headers; h != NULL && *h != NULL; h++) {
		snprintf(line, sizeof(line), "%s", *h);
		if ((colon = strchr(line, ':')) == NULL)
			continue;
		*colon++ = '\0';
		colon += strspn(colon, " \t");
		evhttp_add_header(out, line, colon);
	}
	status = r->status != 0 ? r->status : r->redirect_self ? 302 : 200;
	if (r->redirect_self)
		evhttp_add_header(out, "Location", evhttp_request_get_uri(req));

	if (r->drip_ms > 0) {
		rp->total = r->body_len;
		evhttp_send_reply_start(req, status, NULL);
		rp->timer = evtimer_new(rp->fh->base, fake_httpd_drip_cb, rp);
		if (rp->timer == NULL)
			abort();
		fake_httpd_drip_cb(-1, 0, rp);
	} else if (r->oversize > 0) {
		rp->total = r->oversize;
		if (!r->chunked) {
			snprintf(num, sizeof(num), "%zu", r->oversize);
			evhttp_add_header(out, "Content-Length", num);
		}
		evhttp_send_reply_start(req, status, NULL);
		fake_httpd_oversize_cb(rp->evcon, rp);
	} else if (r->truncate > 0 && r->body_len > 0) {
		snprintf(num, sizeof(num), "%zu", r->body_len + r->truncate);
		evhttp_add_header(out, "Content-Length", num);
		evhttp_send_reply_start(req, status, NULL);
		fake_httpd_send(rp, r->body, r->body_len,
		    fake_httpd_truncate_cb);
	} else {
		if ((b = evbuffer_new()) == NULL)
			abort();
		if (r->body_len > 0)
			evbuffer_add(b, r->body, r->body_len);
		/* evhttp may free the connection from here on. */
		fake_httpd_reply_free(rp);
		evhttp_send_reply(req, status, NULL, b);
		evbuffer_free(b);
	}
}

static void
fake_httpd_request_cb(struct evhttp_request *req, void *arg)
{
	struct fake_httpd		*fh = arg;
	const struct fake_httpd_rt	*rt;
	struct fake_httpd_reply		*rp;
	struct evbuffer			*b;
	struct timeval			 tv;

	fake_httpd_record(fh, req);
	if ((rt = fake_httpd_find(fh, req)) == NULL) {
		if ((b = evbuffer_new()) == NULL)
			abort();
		evbuffer_add_printf(b, "no route\n");
		evhttp_send_reply(req, 404, "Not Found", b);
		evbuffer_free(b);
		return;
	}
	rp = xcalloc(1, sizeof(*rp));
	rp->fh = fh;
	rp->rt = rt;
	rp->req = req;
	rp->evcon = evhttp_request_get_connection(req);
	TAILQ_INSERT_TAIL(&fh->replies, rp, entry);
	evhttp_connection_set_closecb(rp->evcon, fake_httpd_close_cb, rp);
	if (rt->r.hang)
		return;
	if (rt->r.delay_ms > 0) {
		rp->timer = evtimer_new(fh->base, fake_httpd_delay_cb, rp);
		if (rp->timer == NULL)
			abort();
		tv.tv_sec = rt->r.delay_ms / 1000;
		tv.tv_usec = (rt->r.delay_ms % 1000) * 1000;
		evtimer_add(rp->timer, &tv);
		return;
	}
	fake_httpd_respond(rp);
}

struct fake_httpd *
fake_httpd_new(struct event_base *base)
{
	struct fake_httpd		*fh;
	struct evhttp_bound_socket	*bs;
	struct sockaddr_in		 sin;
	socklen_t			 slen = sizeof(sin);

	/* evhttp writes with write(2): a client that went away must not
	 * kill the test with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	fh = xcalloc(1, sizeof(*fh));
	fh->base = base;
	TAILQ_INIT(&fh->routes);
	TAILQ_INIT(&fh->replies);
	if ((fh->http = evhttp_new(base)) == NULL)
		goto fail;
	evhttp_set_allowed_methods(fh->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
	evhttp_set_gencb(fh->http, fake_httpd_request_cb, fh);
	if ((bs = evhttp_bind_socket_with_handle(fh->http, "127.0.0.1", 0)) ==
	    NULL)
		goto fail;
	if (getsockname(evhttp_bound_socket_get_fd(bs),
	    (struct sockaddr *)&sin, &slen) == -1)
		goto fail;
	fh->port = ntohs(sin.sin_port);
	snprintf(fh->url, sizeof(fh->url), "http://127.0.0.1:%u",
	    (unsigned)fh->port);
	return (fh);

fail:
	fake_httpd_free(fh);
	return (NULL);
}

void
fake_httpd_clear(struct fake_httpd *fh)
{
	struct fake_httpd_request	*r;
	size_t				 i, j;

	for (i = 0; i < fh->nreqs; i++) {
		r = &fh->reqs[i];
		for (j = 0; j < r->nheaders; j++) {
			free(r->names[j]);
			free(r->values[j]);
		}
		free(r->names);
		free(r->values);
		free(r->method);
		free(r->uri);
		free(r->body);
	}
	free(fh->reqs);
	fh->reqs = NULL;
	fh->nreqs = 0;
}

void
fake_httpd_free(struct fake_httpd *fh)
{
	struct fake_httpd_rt	*rt;
	struct fake_httpd_reply	*rp;
	char			**h;

	if (fh == NULL)
		return;
	/* Frees every connection; their close callbacks free the replies. */
	if (fh->http != NULL)
		evhttp_free(fh->http);
	while ((rp = TAILQ_FIRST(&fh->replies)) != NULL) {
		rp->evcon = NULL;
		fake_httpd_reply_free(rp);
	}
	while ((rt = TAILQ_FIRST(&fh->routes)) != NULL) {
		TAILQ_REMOVE(&fh->routes, rt, entry);
		for (h = rt->headers; h != NULL && *h != NULL; h++)
			free(*h);
		free(rt->headers);
		free(rt->path);
		free(rt->body);
		free(rt);
	}
	fake_httpd_clear(fh);
	free(fh);
}

void
fake_httpd_route(struct fake_httpd *fh, const struct fake_httpd_route *r)
{
	struct fake_httpd_rt	*rt;
	size_t			 n = 0, i;

	rt = xcalloc(1, sizeof(*rt));
	rt->r = *r;
	rt->path = xstrdup(r->path != NULL ? r->path : "/");
	rt->r.path = rt->path;
	for (n = 0; r->headers != NULL && r->headers[n] != NULL; n++)
		;
	rt->headers = xcalloc(n + 1, sizeof(*rt->headers));
	for (i = 0; i < n; i++)
		rt->headers[i] = xstrdup(r->headers[i]);
	rt->r.headers = (const char *const *)rt->headers;
	if (r->body == NULL)
		rt->r.body_len = 0;
	else if (r->body_len == 0)
		rt->r.body_len = strlen((const char *)r->body);
	rt->body = xmalloc(rt->r.body_len + 1);
	if (rt->r.body_len > 0)
		memcpy(rt->body, r->body, rt->r.body_len);
	rt->body[rt->r.body_len] = '\0';
	rt->r.body = rt->body;
	TAILQ_INSERT_HEAD(&fh->routes, rt, entry);
}

uint16_t
fake_httpd_port(const struct fake_httpd *fh)
{
	return (fh->port);
}

const char *
fake_httpd_url(const struct fake_httpd *fh)
{
	return (fh->url);
}

size_t
fake_httpd_count(const struct fake_httpd *fh)
{
	return (fh->nreqs);
}

const struct fake_httpd_request *
fake_httpd_request(const struct fake_httpd *fh, size_t i)
{
	return (i < fh->nreqs ? &fh->reqs[i] : NULL);
}

const char *
fake_httpd_header(const struct fake_httpd_request *r, const char *name)
{
	size_t	i;

	for (i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->names[i], name) == 0)
			return (r->values[i]);
	return (NULL);
}

size_t
fake_httpd_pending(const struct fake_httpd *fh)
{
	const struct fake_httpd_reply	*rp;
	size_t				 n = 0;

	TAILQ_FOREACH(rp, &fh->replies, entry)
		n++;
	return (n);
}
