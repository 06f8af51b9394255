/* SPDX-License-Identifier: ISC */
/*
 * fake_httpd: an evhttp server on 127.0.0.1 (ephemeral port) for tests,
 * sharing the test's event loop.
 *
 * A route table maps exact paths (the query is ignored) to canned
 * responses: a status, headers and a body, optionally delayed, never sent
 * (hang), cut short (truncate), dripped one byte at a time (drip_ms),
 * replaced by a large generated body (oversize) or redirected to itself.
 * Unknown paths get a 404.  Every request received is recorded (method,
 * path and query, headers, body) for assertions, which also makes it the
 * receiver for webhook tests.  Names carry the fake_httpd_ prefix so they
 * never clash with the daemon's own web/httpd.
 */
#ifndef TESTS_FAKES_HTTPD_H
#define TESTS_FAKES_HTTPD_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct fake_httpd;

struct fake_httpd_route {
	const char		*path;		/* exact path, e.g. "/feed" */
	int			 status;	/* 0: 200 (302 with redirect_self) */
	const char *const	*headers;	/* "Name: value", NULL-terminated */
	const void		*body;		/* may be binary; NULL: empty */
	size_t			 body_len;	/* 0: strlen(body) */
	unsigned		 delay_ms;	/* wait before responding */
	int			 hang;		/* read the request, never respond */
	size_t			 truncate;	/* claim body_len + truncate bytes,
						 * send the body, close (needs a body) */
	unsigned		 drip_ms;	/* chunked, one byte per drip_ms */
	size_t			 oversize;	/* send this many 'x' bytes instead */
	int			 chunked;	/* oversize without Content-Length */
	int			 redirect_self;	/* Location: the request's own URI */
};

/* A request as received; strings are NUL-terminated copies. */
struct fake_httpd_request {
	char	*method;	/* "GET", "POST", ... */
	char	*uri;		/* path and query, as sent */
	char	**names;	/* header names, in order */
	char	**values;
	size_t	 nheaders;
	char	*body;		/* NUL-terminated, body_len bytes before it */
	size_t	 body_len;
};

/* Listens on 127.0.0.1:0 on base; NULL if that fails. */
struct fake_httpd *fake_httpd_new(struct event_base *);
/* Closes every connection (pending responses included); NULL is a no-op. */
void		 fake_httpd_free(struct fake_httpd *);
/* Adds a route (copied); a later route for the same path wins. */
void		 fake_httpd_route(struct fake_httpd *,
		    const struct fake_httpd_route *);
uint16_t	 fake_httpd_port(const struct fake_httpd *);
/* "http://127.0.0.1:<port>", without a trailing slash. */
const char	*fake_httpd_url(const struct fake_httpd *);
/* Requests received so far, oldest first; owned by the server. */
size_t		 fake_httpd_count(const struct fake_httpd *);
const struct fake_httpd_request *fake_httpd_request(const struct fake_httpd *,
		    size_t);
/* The first header called name (case-insensitive), or NULL. */
const char	*fake_httpd_header(const struct fake_httpd_request *,
		    const char *);
/* Forgets the recorded requests. */
void		 fake_httpd_clear(struct fake_httpd *);
/* Responses started but not finished (delayed, hanging, dripping ...). */
size_t		 fake_httpd_pending(const struct fake_httpd *);

#endif
