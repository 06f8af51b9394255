/* SPDX-License-Identifier: ISC */
/*
 * metrics: the /metrics page in the Prometheus text exposition format
 * 0.0.4, and the few measurements only the web module makes.
 *
 * Owns the event-loop lag timer (a 1 s timer that measures its own
 * lateness), the count of HTTP answers by status and the histogram of
 * the writer's batch latency (fed by the daemon after each commit).
 * Everything else is read from the modules at request time (scheduler,
 * writer, pg, alerting, notifier; see web.h), and alerts by state and
 * notifications by status are counted in PostgreSQL by the request
 * itself, with a deferred answer.  When the database cannot answer, the
 * page is still served, without those two families.  Names are
 * potashd_*, in base units (seconds, bytes).
 */
#ifndef WEB_METRICS_H
#define WEB_METRICS_H

#include <stdint.h>

struct event_base;
struct reply;
struct web_sources;

struct metrics;

/* Starts the lag timer on base. */
struct metrics	*metrics_new(struct event_base *);
void		 metrics_free(struct metrics *);
/* One HTTP answer with this status was sent. */
void		 metrics_response(struct metrics *, int);
/* One batch committed, usec after it was accepted. */
void		 metrics_batch_latency(struct metrics *, uint64_t);
/* Answers r with the page; schema says whether the schema is current. */
void		 metrics_serve(struct metrics *, struct reply *,
		    const struct web_sources *, int);

#endif
