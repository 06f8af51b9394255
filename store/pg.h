/* SPDX-License-Identifier: ISC */
/*
 * pg: one non-blocking PostgreSQL connection on the daemon's event loop.
 *
 * Owns the PGconn, its socket events, the reconnect timer and a FIFO of
 * queries.  Connecting uses PQconnectStartParams/PQconnectPoll with our own
 * timeout; failures reconnect after a capped exponential backoff with
 * jitter.  Queries run one at a time in submission order; each completes
 * with exactly one callback: the final result (the first error result if any
 * statement failed), or NULL if the connection was lost or the pg was freed
 * before the query finished.  Notifications (LISTEN) go to one callback
 * with their channel.  Nothing here ever blocks the loop.
 */
#ifndef STORE_PG_H
#define STORE_PG_H

#include <stdint.h>

#include <event2/event.h>
#include <libpq-fe.h>

struct pg;

enum pg_state {
	PG_DISCONNECTED,	/* waiting to (re)connect */
	PG_CONNECTING,
	PG_CONNECTED,
};

struct pg_params {
	const char	*conninfo;	/* "" for libpq's defaults and env */
	const char	*password;	/* NULL: libpq's own sources */
	const char	*application_name;
	uint64_t	 connect_timeout;	/* usec */
	uint64_t	 retry_initial;		/* usec */
	uint64_t	 retry_max;		/* usec */
};

/* Called on every state change; why is a reason for DISCONNECTED. */
typedef void	(*pg_state_cb)(struct pg *, enum pg_state, const char *,
		    void *);
/* res is owned by pg and cleared after the callback returns. */
typedef void	(*pg_result_cb)(struct pg *, PGresult *, void *);
/* A notification arrived on channel (a LISTEN of ours); self is set when
 * this connection's own session sent it (its own commit). */
typedef void	(*pg_notify_cb)(struct pg *, const char *, int, void *);

/* Copies params.  Returns the new connection, not yet started. */
struct pg	*pg_new(struct event_base *, const struct pg_params *,
		    pg_state_cb, void *);
/* Where notifications go (NULL: they are dropped). */
void		 pg_set_notify(struct pg *, pg_notify_cb, void *);
/* Fails queued queries with NULL results, then closes and frees. */
void		 pg_free(struct pg *);
/* Starts connecting now. */
void		 pg_start(struct pg *);
/* New parameters: if they differ, drops the connection and reconnects. */
void		 pg_reconfigure(struct pg *, const struct pg_params *);
enum pg_state	 pg_state(const struct pg *);
const char	*pg_last_error(const struct pg *);
uint64_t	 pg_reconnects(const struct pg *);
/* Delay before the next attempt, usec (0 when not waiting). */
uint64_t	 pg_retry_delay(const struct pg *);

/*
 * Queues a query with text parameters (copied).  Returns 0, or -1 if not
 * connected (the callback is then never called).
 */
int		 pg_query(struct pg *, const char *, int, const char *const *,
		    pg_result_cb, void *);
/* Queues a parameterless, possibly multi-statement query (simple protocol). */
int		 pg_query_simple(struct pg *, const char *, pg_result_cb,
		    void *);
/*
 * Queues "COPY ... FROM STDIN" (sql) and streams len bytes of data (in the
 * COPY format the statement names) without blocking.  sql goes as a simple
 * query: parameterless statements may precede the COPY in it ("BEGIN;
 * COPY ..."), one round trip for all.  data is borrowed: it must stay
 * valid until the callback.  Returns 0 or -1 as pg_query.
 */
int		 pg_copy(struct pg *, const char *, const void *, size_t,
		    pg_result_cb, void *);
/* True if res is a successful command or tuples result. */
int		 pg_result_ok(const PGresult *);
/* A one-line error text for res (or the connection loss). */
const char	*pg_result_error(const PGresult *);

/*
 * Connects once with params in a private event loop and disconnects: for
 * "potashd -n --check-db" and tools, never inside the daemon.  Returns 0,
 * or -1 with the reason in err.
 */
int		 pg_check(const struct pg_params *, char *, size_t);

#endif
