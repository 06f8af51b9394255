/* SPDX-License-Identifier: ISC */
/*
 * reply: answering one HTTP request of the web server (web.h), for the
 * handlers in web/ (api, page, metrics).
 *
 * A struct reply wraps an evhttp request from the handler's call until
 * it is answered exactly once, synchronously or later from the callbacks
 * of the SQL queries it queued on the daemon's non-blocking connection
 * (reply_query): evhttp allows such deferred replies.  Every answer
 * carries the security headers (Content-Security-Policy, nosniff,
 * no-store, no-referrer).  A reply owns its decoded query parameters and
 * a deadline: a query that does not complete in time is answered with
 * 503, and its late result is dropped.  Replies are tracked by a
 * reply_pool so that shutdown can answer the ones still waiting.
 *
 * The struct is freed when it has been answered and its last query has
 * called back (pg always calls back: with NULL when the connection is
 * lost or freed).
 */
#ifndef WEB_REPLY_H
#define WEB_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <libpq-fe.h>

struct event_base;
struct evhttp_request;
struct pg;
struct reply;
struct reply_pool;

#define REPLY_LIMIT_DEFAULT	100
#define REPLY_LIMIT_MAX		1000

/* Called once per answer with its status (for metrics). */
typedef void	(*reply_sent_cb)(int, void *);
/* A successful result of a query (res is cleared after the call). */
typedef void	(*reply_result_cb)(struct reply *, PGresult *);
/* All queries of a reply succeeded: build and send the answer. */
typedef void	(*reply_done_cb)(struct reply *);

/* The set of replies of one server; pg is borrowed. */
struct reply_pool *reply_pool_new(struct event_base *, struct pg *,
		    uint64_t, reply_sent_cb, void *);
/* Answers every reply still waiting with 503, then frees the pool (the
 * replies themselves go when their queries call back). */
void		 reply_pool_free(struct reply_pool *);

/* Wraps req (answered through the reply from now on). */
struct reply	*reply_new(struct reply_pool *, struct evhttp_request *);
/* The handler is done with r (it may still wait for queries). */
void		 reply_release(struct reply *);

/*
 * Parses the query string against the names allowed (NULL-terminated):
 * at most a few, short, each once, percent-decoded and free of control
 * characters.  Returns 0, or -1 after answering 400 naming the parameter.
 */
int		 reply_parse_params(struct reply *, const char *const *);
/* A parameter's decoded value, or NULL if absent. */
const char	*reply_param(const struct reply *, const char *);
/* limit (default REPLY_LIMIT_DEFAULT, capped at REPLY_LIMIT_MAX); 0 or -1
 * after answering 400. */
int		 reply_param_limit(struct reply *, int *);
/*
 * A date or RFC 3339 time parameter (YYYY-MM-DD, YYYY-MM, ...,
 * 2025-12-15T21:00:00Z) as "YYYY-MM-DDTHH:MM:SSZ" text for a timestamptz
 * parameter into out (PERIOD_MAX_LEN bytes), "" if absent.  0, or -1
 * after answering 400.
 */
int		 reply_param_time(struct reply *, const char *, char *);
/* The request's method is HEAD. */
int		 reply_is_head(const struct reply *);

/*
 * Queues sql with text parameters; cb gets each successful result.  Once
 * every query of r came back, done is called (the last one set wins), or
 * r is answered 503 (connection lost) or 500 (query failed, logged).
 * Returns 0, or -1 after answering 503 if the database is not connected.
 */
int		 reply_query(struct reply *, const char *, int,
		    const char *const *, reply_result_cb);
void		 reply_on_done(struct reply *, reply_done_cb);
/*
 * Queries of r may fail: a lost, failed, late or refused query is skipped
 * (its callback not called) and done is called anyway, at the deadline
 * at the latest.  For pages whose database part is optional (/metrics).
 * Set it before reply_on_done's handler may run.
 */
void		 reply_set_lenient(struct reply *);
/* Handler state kept until r is freed; fn frees it (may be NULL). */
void		 reply_set_data(struct reply *, void *, void (*)(void *));
void		*reply_data(const struct reply *);
/* True once r has been answered (or abandoned at a deadline). */
int		 reply_answered(const struct reply *);

/*
 * Answers with body (len bytes, copied) and Content-Type ctype.  html
 * selects the Content-Security-Policy of pages (inline styles, images)
 * over the one of data.  A second answer is ignored.
 */
void		 reply_send(struct reply *, int, const char *, const char *,
		    size_t, int);
/* Adds a response header to the coming answer (copied). */
void		 reply_header(struct reply *, const char *, const char *);
/* Answers with json printed unformatted; json is deleted. */
void		 reply_json(struct reply *, int, cJSON *);
/* Answers {"error": message[, "parameter": param]}; param may be NULL. */
void		 reply_error(struct reply *, int, const char *, const char *,
		    ...) __attribute__((format(printf, 4, 5)));

/*
 * Decodes the percent-encoding of s (len bytes), '+' as a space if the
 * last argument is true.  Returns a malloc'd string, or NULL if it is
 * malformed or holds a control character (NUL included).
 */
char		*reply_decode(const char *, size_t, int);
/* Microseconds since the epoch, printed as RFC 3339 UTC into out (40
 * bytes): "2025-12-01T00:00:00Z", with ".ffffff" only if not whole. */
void		 reply_time(int64_t, char *);
/* An integer column (ids, counts, epoch microseconds); NULL is 0. */
int64_t		 reply_int(const PGresult *, int, int);
/* A text column, NULL for SQL NULL. */
const char	*reply_text(const PGresult *, int, int);

#endif
