/* SPDX-License-Identifier: ISC */
/*
 * pg: an asynchronous libpq connection driven by libevent; see pg.h.
 *
 * States: DISCONNECTED (a retry timer is armed, or nothing yet) ->
 * CONNECTING (PQconnectPoll driven by one-shot socket events and a timeout)
 * -> CONNECTED (a persistent read event; a write event only while libpq has
 * unsent data).  A lost connection fails every queued query with a NULL
 * result and goes back to DISCONNECTED with the next backoff delay.
 */
#include <sys/queue.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <libpq-fe.h>

#include "daemon/log.h"
#include "store/pg.h"
#include "util/xmalloc.h"

struct pg_query {
	TAILQ_ENTRY(pg_query)	 entry;
	char			*sql;
	char			**values;
	int			 nparams;
	int			 simple;
	const char		*copy;		/* COPY FROM STDIN data */
	size_t			 copylen;
	size_t			 copyoff;
	int			 copying;	/* the server said COPY IN */
	int			 copyend;	/* PQputCopyEnd accepted */
	pg_result_cb		 cb;
	void			*arg;
};
TAILQ_HEAD(pg_queries, pg_query);

struct pg {
	struct event_base	*base;
	char			*conninfo;
	char			*password;
	char			*appname;
	uint64_t		 connect_timeout;
	uint64_t		 retry_initial;
	uint64_t		 retry_max;
	pg_state_cb		 state_cb;
	void			*arg;
	pg_notify_cb		 notify_cb;
	void			*notify_arg;

	PGconn			*conn;
	enum pg_state		 state;
	struct event		*ev_conn;	/* one-shot, while connecting */
	struct event		*ev_read;	/* persistent, when connected */
	struct event		*ev_write;	/* while flushing */
	struct event		*ev_timer;	/* connect timeout or retry */
	uint64_t		 delay;		/* next retry delay */
	uint64_t		 reconnects;
	int			 ever_connected;
	char			 error[512];

	struct pg_queries	 queue;
	int			 busy;		/* head of queue was sent */
	PGresult		*result;	/* kept for the head's callback */
};

static void	pg_connect(struct pg *);
static void	pg_lost(struct pg *, const char *);
static void	pg_next(struct pg *);
static void	pg_flush(struct pg *);
static void	pg_copy_pump(struct pg *);

static void
pg_set_error(struct pg *pg, const char *msg)
{
	size_t	len;

	snprintf(pg->error, sizeof(pg->error), "%s",
	    msg != NULL && *msg != '\0' ? msg : "unknown error");
	/* libpq messages end in a newline and may span lines. */
	len = strlen(pg->error);
	while (len > 0 && (pg->error[len - 1] == '\n' ||
	    pg->error[len - 1] == ' '))
		pg->error[--len] = '\0';
	for (char *p = pg->error; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	}
}

static void
pg_set_state(struct pg *pg, enum pg_state state, const char *why)
{
	pg->state = state;
	if (pg->state_cb != NULL)
		pg->state_cb(pg, state, why, pg->arg);
}

static struct timeval
pg_tv(uint64_t usec)
{
	struct timeval	tv;

	tv.tv_sec = (time_t)(usec / 1000000);
	tv.tv_usec = (suseconds_t)(usec % 1000000);
	return (tv);
}

static void
pg_params_copy(struct pg *pg, const struct pg_params *p)
{
	free(pg->conninfo);
	free(pg->appname);
	if (pg->password != NULL) {
		explicit_bzero(pg->password, strlen(pg->password));
		free(pg->password);
	}
	pg->conninfo = xstrdup(p->conninfo != NULL ? p->conninfo : "");
	pg->password = p->password != NULL ? xstrdup(p->password) : NULL;
	pg->appname = xstrdup(p->application_name != NULL ?
	    p->application_name : "potashd");
	pg->connect_timeout = p->connect_timeout;
	pg->retry_initial = p->retry_initial;
	pg->retry_max = p->retry_max;
}

struct pg *
pg_new(struct event_base *base, const struct pg_params *params,
    pg_state_cb state_cb, void *arg)
{
	struct pg	*pg;

	pg = xcalloc(1, sizeof(*pg));
	pg->base = base;
	pg->state_cb = state_cb;
	pg->arg = arg;
	pg->state = PG_DISCONNECTED;
	TAILQ_INIT(&pg->queue);
	pg_params_copy(pg, params);
	pg->delay = pg->retry_initial;
	return (pg);
}

static void
pg_query_free(struct pg_query *q)
{
	int	i;

	for (i = 0; i < q->nparams; i++)
		free(q->values[i]);
	free(q->values);
	free(q->sql);
	free(q);
}

/* Fails every queued query: exactly one callback each, with NULL. */
static void
pg_fail_queue(struct pg *pg)
{
	struct pg_queries	 failed;
	struct pg_query		*q;

	/* Callbacks may queue new queries; those see a fresh queue and
	 * are refused since we are no longer connected. */
	TAILQ_INIT(&failed);
	TAILQ_CONCAT(&failed, &pg->queue, entry);
	pg->busy = 0;
	if (pg->result != NULL) {
		PQclear(pg->result);
		pg->result = NULL;
	}
	while ((q = TAILQ_FIRST(&failed)) != NULL) {
		TAILQ_REMOVE(&failed, q, entry);
		if (q->cb != NULL)
			q->cb(pg, NULL, q->arg);
		pg_query_free(q);
	}
}

static void
pg_close(struct pg *pg)
{
	if (pg->ev_conn != NULL) {
		event_free(pg->ev_conn);
		pg->ev_conn = NULL;
	}
	if (pg->ev_read != NULL) {
		event_free(pg->ev_read);
		pg->ev_read = NULL;
	}
	if (pg->ev_write != NULL) {
		event_free(pg->ev_write);
		pg->ev_write = NULL;
	}
	if (pg->ev_timer != NULL)
		evtimer_del(pg->ev_timer);
	if (pg->conn != NULL) {
		PQfinish(pg->conn);
		pg->conn = NULL;
	}
}

void
pg_free(struct pg *pg)
{
	if (pg == NULL)
		return;
	pg->state_cb = NULL;
	pg->state = PG_DISCONNECTED;
	pg_close(pg);
	pg_fail_queue(pg);
	if (pg->ev_timer != NULL)
		event_free(pg->ev_timer);
	free(pg->conninfo);
	free(pg->appname);
	if (pg->password != NULL) {
		explicit_bzero(pg->password, strlen(pg->password));
		free(pg->password);
	}
	free(pg);
}

static void
pg_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pg	*pg = arg;

	if (pg->state == PG_CONNECTING) {
		char	msg[128];

		snprintf(msg, sizeof(msg),
		    "connection attempt timed out after %llu s",
		    (unsigned long long)(pg->connect_timeout / 1000000));
		pg_lost(pg, msg);
		return;
	}
	pg_connect(pg);
}

static void
pg_arm_timer(struct pg *pg, uint64_t usec)
{
	struct timeval	tv = pg_tv(usec);

	if (pg->ev_timer == NULL)
		pg->ev_timer = evtimer_new(pg->base, pg_timer_cb, pg);
	evtimer_add(pg->ev_timer, &tv);
}

/* The next retry delay: doubled each failure, capped, with +-20% jitter. */
static uint64_t
pg_backoff(struct pg *pg)
{
	uint64_t	d = pg->delay, jitter;

	if (pg->delay < pg->retry_max / 2)
		pg->delay *= 2;
	else
		pg->delay = pg->retry_max;
	jitter = d / 5;
	if (jitter > 0)
		d = d - jitter + (uint64_t)arc4random_uniform(
		    (uint32_t)(jitter * 2 > UINT32_MAX ? UINT32_MAX :
		    jitter * 2));
	return (d);
}

uint64_t
pg_retry_delay(const struct pg *pg)
{
	return (pg->state == PG_DISCONNECTED ? pg->delay : 0);
}

static void
pg_lost(struct pg *pg, const char *why)
{
	uint64_t	delay;

	pg_set_error(pg, why);
	pg_close(pg);
	delay = pg_backoff(pg);
	pg_arm_timer(pg, delay);
	pg->state = PG_DISCONNECTED;
	/* Queries are failed before the state callback so owners that
	 * react to DISCONNECTED see a consistent, empty queue. */
	pg_fail_queue(pg);
	pg_set_state(pg, PG_DISCONNECTED, pg->error);
}

/* Hands the notifications read so far to their callback; -1 if one of
 * them dropped the connection. */
static int
pg_notifies(struct pg *pg)
{
	PGnotify	*n;

	while ((n = PQnotifies(pg->conn)) != NULL) {
		if (pg->notify_cb != NULL)
			pg->notify_cb(pg, n->relname,
			    n->be_pid == PQbackendPID(pg->conn),
			    pg->notify_arg);
		PQfreemem(n);
		if (pg->conn == NULL || pg->state != PG_CONNECTED)
			return (-1);
	}
	return (0);
}

static void
pg_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pg	*pg = arg;
	struct pg_query	*q;
	PGresult	*res;

	if (!PQconsumeInput(pg->conn)) {
		pg_lost(pg, PQerrorMessage(pg->conn));
		return;
	}
	while (pg->busy && !PQisBusy(pg->conn)) {
		res = PQgetResult(pg->conn);
		if (res != NULL && PQresultStatus(res) == PGRES_COPY_IN) {
			PQclear(res);
			pg_copy_pump(pg);
			if (pg->conn == NULL)
				return;
			continue;
		}
		if (res != NULL) {
			/* Keep the first error, else the last result. */
			if (pg->result == NULL || pg_result_ok(pg->result)) {
				PQclear(pg->result);
				pg->result = res;
			} else
				PQclear(res);
			continue;
		}
		q = TAILQ_FIRST(&pg->queue);
		TAILQ_REMOVE(&pg->queue, q, entry);
		pg->busy = 0;
		res = pg->result;
		pg->result = NULL;
		if (q->cb != NULL)
			q->cb(pg, res, q->arg);
		PQclear(res);
		pg_query_free(q);
		/* The callback may have freed nothing, but it may have
		 * dropped the connection through pg_reconfigure. */
		if (pg->conn == NULL || pg->state != PG_CONNECTED)
			return;
		pg_next(pg);
	}
	if (pg_notifies(pg) == -1)
		return;
	if (PQstatus(pg->conn) == CONNECTION_BAD)
		pg_lost(pg, PQerrorMessage(pg->conn));
}

static void
pg_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pg	*pg = arg;
	struct pg_query	*q = TAILQ_FIRST(&pg->queue);

	if (q != NULL && q->copying && !q->copyend)
		pg_copy_pump(pg);
	else
		pg_flush(pg);
}

static void
pg_wait_writable(struct pg *pg)
{
	if (pg->ev_write == NULL)
		pg->ev_write = event_new(pg->base, PQsocket(pg->conn),
		    EV_WRITE, pg_write_cb, pg);
	event_add(pg->ev_write, NULL);
}

/*
 * Streams the head query's COPY data.  In non-blocking mode libpq refuses
 * data it cannot buffer (0): then wait until the socket drains.  The
 * server's final result arrives through the read callback as usual.
 */
static void
pg_copy_pump(struct pg *pg)
{
	struct pg_query	*q = TAILQ_FIRST(&pg->queue);
	size_t		 chunk;
	int		 rv;

	q->copying = 1;
	while (q->copyoff < q->copylen) {
		chunk = q->copylen - q->copyoff;
		if (chunk > 256 * 1024)
			chunk = 256 * 1024;
		rv = PQputCopyData(pg->conn, q->copy + q->copyoff, (int)chunk);
		if (rv == -1) {
			pg_lost(pg, PQerrorMessage(pg->conn));
			return;
		}
		if (rv == 0) {
			pg_wait_writable(pg);
			return;
		}
		q->copyoff += chunk;
	}
	rv = PQputCopyEnd(pg->conn, NULL);
	if (rv == -1) {
		pg_lost(pg, PQerrorMessage(pg->conn));
		return;
	}
	if (rv == 0) {
		pg_wait_writable(pg);
		return;
	}
	q->copyend = 1;
	pg_flush(pg);
}

static void
pg_flush(struct pg *pg)
{
	int	rv;

	rv = PQflush(pg->conn);
	if (rv == -1) {
		pg_lost(pg, PQerrorMessage(pg->conn));
		return;
	}
	if (rv == 1)
		pg_wait_writable(pg);
}

/* Sends the head of the queue if nothing is in flight. */
static void
pg_next(struct pg *pg)
{
	struct pg_query	*q;
	int		 ok;

	if (pg->busy || pg->state != PG_CONNECTED ||
	    (q = TAILQ_FIRST(&pg->queue)) == NULL)
		return;
	/* COPY goes through the simple protocol too, so that statements
	 * may come before it in the same round trip ("BEGIN; COPY ..."). */
	if (q->simple || q->copy != NULL)
		ok = PQsendQuery(pg->conn, q->sql);
	else
		ok = PQsendQueryParams(pg->conn, q->sql, q->nparams, NULL,
		    (const char *const *)q->values, NULL, NULL, 0);
	if (!ok) {
		pg_lost(pg, PQerrorMessage(pg->conn));
		return;
	}
	pg->busy = 1;
	pg_flush(pg);
}

static void
pg_connected(struct pg *pg)
{
	event_free(pg->ev_conn);
	pg->ev_conn = NULL;
	evtimer_del(pg->ev_timer);
	if (PQsetnonblocking(pg->conn, 1) == -1) {
		pg_lost(pg, PQerrorMessage(pg->conn));
		return;
	}
	pg->ev_read = event_new(pg->base, PQsocket(pg->conn),
	    EV_READ | EV_PERSIST, pg_read_cb, pg);
	event_add(pg->ev_read, NULL);
	pg->delay = pg->retry_initial;
	pg->error[0] = '\0';
	if (pg->ever_connected)
		pg->reconnects++;
	pg->ever_connected = 1;
	pg_set_state(pg, PG_CONNECTED, NULL);
	if (pg->state == PG_CONNECTED)
		pg_next(pg);
}

static void
pg_poll_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pg		*pg = arg;
	PostgresPollingStatusType st;
	short			 ev;

	st = PQconnectPoll(pg->conn);
	switch (st) {
	case PGRES_POLLING_OK:
		pg_connected(pg);
		return;
	case PGRES_POLLING_FAILED:
		pg_lost(pg, PQerrorMessage(pg->conn));
		return;
	case PGRES_POLLING_READING:
		ev = EV_READ;
		break;
	case PGRES_POLLING_WRITING:
		ev = EV_WRITE;
		break;
	case PGRES_POLLING_ACTIVE:
	default:
		ev = EV_READ | EV_WRITE;
		break;
	}
	/* libpq may switch sockets (another host, or SSL then not):
	 * re-read PQsocket after every poll. */
	if (pg->ev_conn != NULL)
		event_free(pg->ev_conn);
	pg->ev_conn = event_new(pg->base, PQsocket(pg->conn), ev, pg_poll_cb,
	    pg);
	event_add(pg->ev_conn, NULL);
}

static void
pg_connect(struct pg *pg)
{
	const char	*keys[5], *vals[5];
	int		 n = 0;

	pg_close(pg);
	if (*pg->conninfo != '\0') {
		keys[n] = "dbname";
		vals[n++] = pg->conninfo;
	}
	if (pg->password != NULL) {
		keys[n] = "password";
		vals[n++] = pg->password;
	}
	keys[n] = "fallback_application_name";
	vals[n++] = pg->appname;
	keys[n] = NULL;
	vals[n] = NULL;

	pg->state = PG_CONNECTING;
	pg_set_state(pg, PG_CONNECTING, NULL);
	pg->conn = PQconnectStartParams(keys, vals, 1);
	if (pg->conn == NULL) {
		pg_lost(pg, "out of memory");
		return;
	}
	if (PQstatus(pg->conn) == CONNECTION_BAD) {
		pg_lost(pg, PQerrorMessage(pg->conn));
		return;
	}
	pg_arm_timer(pg, pg->connect_timeout);
	/* The first poll is as if the socket were writable. */
	pg->ev_conn = event_new(pg->base, PQsocket(pg->conn), EV_WRITE,
	    pg_poll_cb, pg);
	event_add(pg->ev_conn, NULL);
}

void
pg_set_notify(struct pg *pg, pg_notify_cb cb, void *arg)
{
	pg->notify_cb = cb;
	pg->notify_arg = arg;
}

void
pg_start(struct pg *pg)
{
	pg_connect(pg);
}

void
pg_reconfigure(struct pg *pg, const struct pg_params *p)
{
	int	same;

	same = strcmp(pg->conninfo, p->conninfo != NULL ? p->conninfo : "")
	    == 0 &&
	    ((pg->password == NULL && p->password == NULL) ||
	    (pg->password != NULL && p->password != NULL &&
	    strcmp(pg->password, p->password) == 0));
	pg_params_copy(pg, p);
	if (pg->delay > pg->retry_max)
		pg->delay = pg->retry_max;
	if (same)
		return;
	log_info("database: connection parameters changed, reconnecting");
	pg_close(pg);
	pg->state = PG_DISCONNECTED;
	pg_fail_queue(pg);
	pg->delay = pg->retry_initial;
	pg_connect(pg);
}

enum pg_state
pg_state(const struct pg *pg)
{
	return (pg->state);
}

const char *
pg_last_error(const struct pg *pg)
{
	return (pg->error);
}

uint64_t
pg_reconnects(const struct pg *pg)
{
	return (pg->reconnects);
}

static int
pg_enqueue(struct pg *pg, const char *sql, int nparams,
    const char *const *values, int simple, const void *copy, size_t copylen,
    pg_result_cb cb, void *arg)
{
	struct pg_query	*q;
	int		 i;

	if (pg->state != PG_CONNECTED) {
		errno = ENOTCONN;
		return (-1);
	}
	q = xcalloc(1, sizeof(*q));
	q->sql = xstrdup(sql);
	q->nparams = nparams;
	q->simple = simple;
	q->copy = copy;
	q->copylen = copylen;
	q->cb = cb;
	q->arg = arg;
	if (nparams > 0) {
		q->values = xcalloc((size_t)nparams, sizeof(*q->values));
		for (i = 0; i < nparams; i++)
			q->values[i] = values[i] != NULL ?
			    xstrdup(values[i]) : NULL;
	}
	TAILQ_INSERT_TAIL(&pg->queue, q, entry);
	pg_next(pg);
	return (0);
}

int
pg_query(struct pg *pg, const char *sql, int nparams,
    const char *const *values, pg_result_cb cb, void *arg)
{
	return (pg_enqueue(pg, sql, nparams, values, 0, NULL, 0, cb, arg));
}

int
pg_query_simple(struct pg *pg, const char *sql, pg_result_cb cb, void *arg)
{
	return (pg_enqueue(pg, sql, 0, NULL, 1, NULL, 0, cb, arg));
}

int
pg_copy(struct pg *pg, const char *sql, const void *data, size_t len,
    pg_result_cb cb, void *arg)
{
	/* An empty string marks a COPY query even when there is no data. */
	return (pg_enqueue(pg, sql, 0, NULL, 0, data != NULL ? data : "", len,
	    cb, arg));
}

int
pg_result_ok(const PGresult *res)
{
	ExecStatusType	st;

	if (res == NULL)
		return (0);
	st = PQresultStatus(res);
	return (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK);
}

const char *
pg_result_error(const PGresult *res)
{
	const char	*msg;

	if (res == NULL)
		return ("connection to the database lost");
	msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	if (msg != NULL)
		return (msg);
	return (PQresStatus(PQresultStatus(res)));
}

struct pg_check_ctx {
	struct event_base	*base;
	int			 done;
	int			 ok;
	char			*err;
	size_t			 errlen;
};

static void
pg_check_state_cb(struct pg *pg, enum pg_state state, const char *why,
    void *arg)
{
	struct pg_check_ctx	*ctx = arg;

	if (state == PG_CONNECTING)
		return;
	ctx->done = 1;
	ctx->ok = state == PG_CONNECTED;
	if (!ctx->ok)
		snprintf(ctx->err, ctx->errlen, "%s", why);
	event_base_loopbreak(ctx->base);
}

int
pg_check(const struct pg_params *params, char *err, size_t errlen)
{
	struct pg_check_ctx	 ctx;
	struct pg		*pg;

	memset(&ctx, 0, sizeof(ctx));
	ctx.err = err;
	ctx.errlen = errlen;
	if ((ctx.base = event_base_new()) == NULL) {
		snprintf(err, errlen, "cannot create an event loop");
		return (-1);
	}
	pg = pg_new(ctx.base, params, pg_check_state_cb, &ctx);
	pg_start(pg);
	while (!ctx.done)
		event_base_loop(ctx.base, EVLOOP_ONCE);
	pg_free(pg);
	event_base_free(ctx.base);
	return (ctx.ok ? 0 : -1);
}
