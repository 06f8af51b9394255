/* SPDX-License-Identifier: ISC */
/*
 * web: potashd's read-only HTTP server (evhttp) on the daemon's loop.
 *
 * Owns the evhttp server, its listening socket, the bearer token, the
 * replies in flight (web/reply.h) and the metrics state (web/metrics.h).
 * Routes: /healthz and /readyz (here), /metrics (metrics.c), /api/...
 * (api.c), /, /chart/{key}.svg and /alerts/{fingerprint} (page.c).  GET
 * and HEAD only; every answer carries the security headers; with a token
 * configured every route but /healthz wants "Authorization: Bearer
 * <token>", compared in constant time, except that a GET or HEAD of
 * /alerts/{fingerprint} may carry the link signature notifications send
 * instead (?sig=, util/linksig.h).  Handlers never block: what needs SQL
 * queues a query on the daemon's connection and answers from its
 * callback, or 503 when the database is not usable.
 *
 * The modules read here are borrowed (struct web_sources) and must
 * outlive the server, except pg, which may be freed first: pg fails the
 * queries still queued, and their requests are answered 503.
 */
#ifndef WEB_WEB_H
#define WEB_WEB_H

#include <stddef.h>
#include <stdint.h>

struct alerting;
struct config;
struct event_base;
struct notifier;
struct pg;
struct scheduler;
struct writer;

struct web_sources {
	struct pg		*pg;
	struct writer		*writer;
	struct scheduler	*scheduler;
	struct alerting		*alerting;
	struct notifier		*notifier;
};

struct web;

/* A server on base, not listening yet (see web_configure). */
struct web	*web_new(struct event_base *, const struct web_sources *);
/* Answers the requests still waiting (503) and frees everything. */
void		 web_free(struct web *);
/*
 * Takes http.listen, the token and the feeds of config (borrowed until
 * the next call).  A new address is bound now; if that fails it is
 * logged and retried every few seconds, the old socket serving
 * meanwhile.  An empty listen closes the server.
 */
void		 web_configure(struct web *, const struct config *);
/* Stops accepting connections (shutdown); requests in flight finish. */
void		 web_stop(struct web *);
/* The schema was found current (1) or is being checked (0). */
void		 web_set_schema(struct web *, int);
/* A batch committed usec after it was accepted (for the histogram). */
void		 web_batch_latency(struct web *, uint64_t);

/*
 * Parses a listen address "HOST:PORT": HOST is an IPv4 address, an IPv6
 * address in brackets or "localhost"; PORT is 1-65535.  Writes the
 * numeric host (NUL-terminated, at most hostlen bytes), the port and
 * whether the address is loopback (127.0.0.0/8, ::1).  Pure: no name
 * lookup.  Returns 0, or -1 with a message in err.
 */
int		 web_parse_listen(const char *, char *, size_t, uint16_t *,
		    int *, char *, size_t);

#endif
