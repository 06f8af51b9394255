/* SPDX-License-Identifier: ISC */
/*
 * writer: batched, ordered, exactly-once storage of observations; see
 * writer.h.
 *
 * Invariants:
 * - Order: the memory queue holds batches only while the spool has none
 *   pending, so memory is always older than anything appended to the spool
 *   after it; when the memory queue must go to the spool it goes whole and
 *   first.  The spool is replayed before the memory queue is used again.
 * - One transaction at a time; its batches stay queued (memory) or
 *   unconsumed (spool) until COMMIT is confirmed.
 * - Exactly once: each record carries a batch id; store_batch() skips an
 *   id already stored, so a replay after a crash or a lost COMMIT reply
 *   writes nothing twice.
 */
#include <sys/queue.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <libpq-fe.h>

#include "daemon/log.h"
#include "store/batchrec.h"
#include "store/spool.h"
#include "store/writer.h"
#include "util/xmalloc.h"

#define WRITER_RETRY_INITIAL	500000		/* usec */
#define WRITER_RETRY_MAX	30000000	/* usec */
#define WRITER_REJECT_AFTER	3		/* data errors before giving up */

struct writer;

struct wrec {
	TAILQ_ENTRY(wrec)	 entry;
	struct writer		*w;
	char			*data;		/* NULL: a spool record */
	const char		*body;		/* the COPY data */
	size_t			 len;
	struct batchrec_meta	 meta;
	uint64_t		 accepted;	/* monotonic usec */
	struct writer_counts	 counts;
	int			 stored;	/* store_batch answered */
};
TAILQ_HEAD(wrecs, wrec);

struct writer {
	struct event_base	*base;
	struct pg		*pg;
	struct spool		*spool;
	char			*spool_path;
	struct writer_params	 params;

	struct wrecs		 memq;
	size_t			 mem_bytes;
	size_t			 mem_rows;

	int			 ready;		/* session prepared */
	int			 preparing;
	int			 in_tx;
	struct wrecs		 txq;		/* batches in the transaction */
	int			 tx_from_spool;
	int			 tx_lost;
	int			 tx_building;
	int			 tx_done;	/* COMMIT answered or lost */
	char			 tx_error[512];
	char			 tx_sqlstate[6];
	int			 data_failures;
	int			 one_at_a_time;

	struct event		*ev_delay;
	struct event		*ev_retry;
	uint64_t		 retry_delay;

	void			(*drain_cb)(void *);
	void			*drain_arg;
	struct event		*ev_drain;
	int			 drain_expired;

	writer_commit_cb	 hook;
	void			*hook_arg;
	struct writer_stats	 stats;
};

static void	writer_kick(struct writer *);
static void	writer_check_drain(struct writer *);
static void	writer_spill(struct writer *);

static uint64_t
writer_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u);
}

static struct timeval
writer_tv(uint64_t usec)
{
	struct timeval	tv;

	tv.tv_sec = (time_t)(usec / 1000000);
	tv.tv_usec = (suseconds_t)(usec % 1000000);
	return (tv);
}

static void
writer_rec_free(struct wrec *r)
{
	if (r == NULL)
		return;
	batchrec_meta_free(&r->meta);
	free(r->data);
	free(r);
}

static void
writer_delay_cb(evutil_socket_t fd, short what, void *arg)
{
	writer_kick(arg);
}

static void
writer_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	writer_kick(arg);
}

struct writer *
writer_new(struct event_base *base, struct pg *pg,
    const struct writer_params *params, char *err, size_t errlen)
{
	struct writer	*w;
	char		 msg[512];

	w = xcalloc(1, sizeof(*w));
	w->base = base;
	w->pg = pg;
	w->params = *params;
	w->spool_path = xstrdup(params->spool_path);
	w->params.spool_path = w->spool_path;
	if (w->params.batch_max == 0)
		w->params.batch_max = 10000;
	if (w->params.memory_max == 0)
		w->params.memory_max = 64u * 1024 * 1024;
	TAILQ_INIT(&w->memq);
	TAILQ_INIT(&w->txq);
	w->retry_delay = WRITER_RETRY_INITIAL;

	msg[0] = '\0';
	w->spool = spool_open(w->spool_path, params->spool_max, msg,
	    sizeof(msg));
	if (w->spool == NULL) {
		snprintf(err, errlen, "spool %s: %s", w->spool_path, msg);
		free(w->spool_path);
		free(w);
		return (NULL);
	}
	if (msg[0] != '\0')
		log_warnx("%s", msg);
	if (spool_pending(w->spool) > 0)
		log_info("writer: %" PRIu64 " batch%s waiting in the spool from "
		    "an earlier run", spool_pending(w->spool),
		    spool_pending(w->spool) == 1 ? "" : "es");
	w->ev_delay = evtimer_new(base, writer_delay_cb, w);
	w->ev_retry = evtimer_new(base, writer_retry_cb, w);
	return (w);
}

void
writer_free(struct writer *w)
{
	struct wrec	*r;

	if (w == NULL)
		return;
	while ((r = TAILQ_FIRST(&w->txq)) != NULL) {
		TAILQ_REMOVE(&w->txq, r, entry);
		writer_rec_free(r);
	}
	/* Accepted batches are never just forgotten. */
	writer_spill(w);
	event_free(w->ev_delay);
	event_free(w->ev_retry);
	if (w->ev_drain != NULL)
		event_free(w->ev_drain);
	spool_free(w->spool);
	free(w->spool_path);
	free(w);
}

void
writer_set_commit_hook(struct writer *w, writer_commit_cb cb, void *arg)
{
	w->hook = cb;
	w->hook_arg = arg;
}

static void
writer_drop(struct writer *w, const struct batchrec_meta *m, const char *why)
{
	w->stats.batches_dropped++;
	w->stats.obs_dropped += m->rows;
	log_warnx("writer: dropped batch %s of feed %s (%zu observations): %s",
	    m->id, m->feed, m->rows, why);
}

/*
 * Appends one record to the spool.  Returns 0, or -1 if it was dropped
 * (full or failing; counted and logged).
 */
static int
writer_spool_append(struct writer *w, const char *data, size_t len,
    const struct batchrec_meta *m)
{
	char	why[256];
	int	rv;

	rv = spool_append(w->spool, data, len);
	if (rv == 0) {
		w->stats.batches_spooled++;
		return (0);
	}
	if (rv == SPOOL_FULL)
		snprintf(why, sizeof(why), "spool full (%" PRIu64 " of %"
		    PRIu64 " bytes)", spool_bytes(w->spool),
		    w->params.spool_max);
	else
		snprintf(why, sizeof(why), "cannot write the spool: %s",
		    strerror(errno));
	writer_drop(w, m, why);
	return (-1);
}

/* Moves the whole memory queue to the spool, oldest first. */
static void
writer_spill(struct writer *w)
{
	struct wrec	*r;

	while ((r = TAILQ_FIRST(&w->memq)) != NULL) {
		TAILQ_REMOVE(&w->memq, r, entry);
		w->mem_bytes -= r->len;
		w->mem_rows -= r->meta.rows;
		writer_spool_append(w, r->data, r->len, &r->meta);
		writer_rec_free(r);
	}
}

enum writer_submit_result
writer_submit(struct writer *w, const struct batch *b)
{
	struct wrec	*r;

	r = xcalloc(1, sizeof(*r));
	r->w = w;
	r->data = batchrec_encode(b, &r->len, &r->meta);
	r->body = r->data + r->meta.body_off;
	r->accepted = writer_now();

	/* Memory only while the database is usable and nothing older waits
	 * in the spool; otherwise the batch is durable before we return. */
	if (!w->ready || spool_pending(w->spool) > 0 ||
	    w->mem_bytes + r->len > w->params.memory_max) {
		writer_spill(w);
		if (writer_spool_append(w, r->data, r->len, &r->meta) == -1) {
			writer_rec_free(r);
			return (WRITER_DROPPED);
		}
		writer_rec_free(r);
	} else {
		TAILQ_INSERT_TAIL(&w->memq, r, entry);
		w->mem_bytes += r->len;
		w->mem_rows += r->meta.rows;
	}
	writer_kick(w);
	return (WRITER_ACCEPTED);
}

static void
writer_tx_fail(struct writer *w, const PGresult *res)
{
	const char	*state;

	if (res == NULL) {
		w->tx_lost = 1;
		return;
	}
	if (w->tx_error[0] != '\0')
		return;
	snprintf(w->tx_error, sizeof(w->tx_error), "%s", pg_result_error(res));
	state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	snprintf(w->tx_sqlstate, sizeof(w->tx_sqlstate), "%s",
	    state != NULL ? state : "");
}

static void
writer_step_cb(struct pg *pg, PGresult *res, void *arg)
{
	struct writer	*w = arg;

	if (!pg_result_ok(res))
		writer_tx_fail(w, res);
}

static void
writer_store_cb(struct pg *pg, PGresult *res, void *arg)
{
	struct wrec	*r = arg;

	if (!pg_result_ok(res) || PQntuples(res) != 1) {
		writer_tx_fail(r->w, res);
		return;
	}
	r->counts.feed_run_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	r->counts.stored = atoi(PQgetvalue(res, 0, 1));
	r->counts.unchanged = atoi(PQgetvalue(res, 0, 2));
	r->counts.revised = atoi(PQgetvalue(res, 0, 3));
	r->counts.duplicate = strcmp(PQgetvalue(res, 0, 4), "t") == 0;
	r->counts.events_new = atoi(PQgetvalue(res, 0, 5));
	r->stored = 1;
}

static void	writer_tx_end(struct writer *);

static void
writer_tx_commit_cb(struct pg *pg, PGresult *res, void *arg)
{
	struct writer	*w = arg;

	if (res == NULL)
		w->tx_lost = 1;
	else if (!pg_result_ok(res))
		writer_tx_fail(w, res);
	else if (strcmp(PQcmdStatus(res), "COMMIT") != 0 &&
	    w->tx_error[0] == '\0')
		snprintf(w->tx_error, sizeof(w->tx_error),
		    "transaction rolled back");
	w->tx_done = 1;
	if (!w->tx_building)
		writer_tx_end(w);
}

/* Formats unix usec as a timestamptz literal parameter, or NULL for 0. */
static const char *
writer_ts(int64_t usec, char *buf, size_t len)
{
	time_t		secs;
	struct tm	tm;

	if (usec <= 0)
		return (NULL);
	secs = (time_t)(usec / 1000000);
	gmtime_r(&secs, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)(usec % 1000000));
	return (buf);
}

/* Queues COPY and store_batch() for one record of the transaction. */
static int
writer_send_rec(struct writer *w, struct wrec *r)
{
	const char	*params[12];
	char		 status[16], bytes[32], started[80], finished[80];

	/* Records without the column (all but imports of past vintages,
	 * and every older spool) leave known_at NULL: now. */
	if (pg_copy(w->pg, r->meta.known_at ?
	    "COPY pg_temp.obs_stage (series_key, period, value, unit, seq, "
	    "known_at) FROM STDIN" :
	    "COPY pg_temp.obs_stage (series_key, period, value, unit, seq) "
	    "FROM STDIN", r->body, r->len - r->meta.body_off, writer_step_cb,
	    w) == -1)
		return (-1);
	snprintf(status, sizeof(status), "%d", r->meta.http_status);
	snprintf(bytes, sizeof(bytes), "%" PRId64, r->meta.bytes);
	params[0] = r->meta.id;
	params[1] = r->meta.feed;
	params[2] = r->meta.url;
	params[3] = r->meta.http_status != 0 ? status : NULL;
	params[4] = r->meta.bytes >= 0 ? bytes : NULL;
	params[5] = writer_ts(r->meta.started, started, sizeof(started));
	params[6] = writer_ts(r->meta.finished, finished, sizeof(finished));
	params[7] = r->meta.error;
	params[8] = r->meta.series;
	params[9] = r->meta.events;
	params[10] = r->meta.etag;
	params[11] = r->meta.last_modified;
	return (pg_query(w->pg, "SELECT feed_run_id, stored, unchanged, "
	    "revised, duplicate, events_new FROM potash.store_batch($1, $2, "
	    "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12)", 12, params,
	    writer_store_cb, r));
}

/* Builds the next transaction: the spool first, else the memory queue. */
static void
writer_tx_start(struct writer *w)
{
	struct wrec	*r;
	const void	*data;
	size_t		 len, rows = 0;
	char		 err[256];
	int		 rv, failed = 0;

	if (spool_pending(w->spool) > 0) {
		rv = spool_peek(w->spool, &data, &len);
		if (rv != 0) {
			log_warnx("writer: cannot read the spool: %s",
			    rv == -1 ? strerror(errno) : "empty");
			return;
		}
		r = xcalloc(1, sizeof(*r));
		r->w = w;
		r->body = data;
		r->len = len;
		r->accepted = writer_now();
		if (batchrec_decode(data, len, &r->meta, err,
		    sizeof(err)) == -1) {
			/* Unreadable: nothing can ever store it. */
			log_warnx("writer: skipping unreadable spool record "
			    "(%zu bytes): %s", len, err);
			w->stats.batches_dropped++;
			spool_consume(w->spool);
			writer_rec_free(r);
			writer_kick(w);
			return;
		}
		r->body = (const char *)data + r->meta.body_off;
		TAILQ_INSERT_TAIL(&w->txq, r, entry);
		w->tx_from_spool = 1;
	} else {
		while ((r = TAILQ_FIRST(&w->memq)) != NULL) {
			if (rows > 0 && (w->one_at_a_time ||
			    rows + r->meta.rows > w->params.batch_max))
				break;
			TAILQ_REMOVE(&w->memq, r, entry);
			w->mem_bytes -= r->len;
			w->mem_rows -= r->meta.rows;
			TAILQ_INSERT_TAIL(&w->txq, r, entry);
			rows += r->meta.rows;
		}
		w->tx_from_spool = 0;
	}
	if (TAILQ_EMPTY(&w->txq))
		return;

	w->in_tx = 1;
	w->tx_lost = 0;
	w->tx_done = 0;
	w->tx_error[0] = '\0';
	w->tx_sqlstate[0] = '\0';
	w->stats.transactions++;
	/* A lost connection can fail our queries while we are still
	 * queueing them: tx_building defers the end until we are done. */
	w->tx_building = 1;
	if (pg_query_simple(w->pg, "BEGIN", writer_step_cb, w) == -1)
		failed = 1;
	TAILQ_FOREACH(r, &w->txq, entry) {
		if (failed || writer_send_rec(w, r) == -1) {
			failed = 1;
			break;
		}
	}
	if (failed || pg_query_simple(w->pg, "COMMIT", writer_tx_commit_cb,
	    w) == -1) {
		w->tx_lost = 1;
		w->tx_done = 1;
	}
	w->tx_building = 0;
	if (w->tx_done)
		writer_tx_end(w);
}

static void
writer_reject(struct writer *w, struct wrec *r)
{
	log_warnx("writer: the database refused batch %s of feed %s "
	    "(%zu observations) %d times: %s [SQLSTATE %s]; setting it aside",
	    r->meta.id, r->meta.feed, r->meta.rows, WRITER_REJECT_AFTER,
	    w->tx_error, w->tx_sqlstate);
	w->stats.batches_rejected++;
	w->stats.obs_dropped += r->meta.rows;
}

/* Ends the transaction: success, lost connection or a database error. */
static void
writer_tx_end(struct writer *w)
{
	struct wrec	*r;
	uint64_t	 now = writer_now();
	struct timeval	 tv;

	w->in_tx = 0;
	if (!w->tx_lost && w->tx_error[0] == '\0') {
		w->retry_delay = WRITER_RETRY_INITIAL;
		w->data_failures = 0;
		w->one_at_a_time = 0;
		while ((r = TAILQ_FIRST(&w->txq)) != NULL) {
			TAILQ_REMOVE(&w->txq, r, entry);
			w->stats.batches_committed++;
			if (r->counts.duplicate)
				w->stats.batches_duplicate++;
			else {
				w->stats.obs_stored += (uint64_t)r->counts.stored;
				w->stats.obs_unchanged +=
				    (uint64_t)r->counts.unchanged;
				w->stats.obs_revised += (uint64_t)r->counts.revised;
			}
			w->stats.last_latency_usec = now - r->accepted;
			log_debug("writer: batch %s of feed %s: %d stored, %d "
			    "unchanged, %d revised%s", r->meta.id, r->meta.feed,
			    r->counts.stored, r->counts.unchanged,
			    r->counts.revised,
			    r->counts.duplicate ? " (stored before)" : "");
			if (w->hook != NULL)
				w->hook(&r->meta, &r->counts, w->hook_arg);
			if (w->tx_from_spool) {
				w->stats.batches_replayed++;
				spool_consume(w->spool);
			}
			writer_rec_free(r);
		}
		if (w->tx_from_spool) {
			if (spool_pending(w->spool) == 0) {
				if (spool_truncate(w->spool) == -1)
					log_warn("writer: truncating the spool");
				else
					log_info("writer: spool replayed");
			} else if (w->params.spool_max > 0 &&
			    spool_bytes(w->spool) > w->params.spool_max / 2 &&
			    spool_compact(w->spool) == -1)
				log_warn("writer: compacting the spool");
		}
		writer_kick(w);
		writer_check_drain(w);
		return;
	}

	w->stats.transactions_failed++;
	if (w->tx_lost) {
		/* The connection is gone; writer_pg_lost moves the memory
		 * queue to the spool.  Put these batches back first. */
		while ((r = TAILQ_LAST(&w->txq, wrecs)) != NULL) {
			TAILQ_REMOVE(&w->txq, r, entry);
			if (w->tx_from_spool)
				writer_rec_free(r);
			else {
				TAILQ_INSERT_HEAD(&w->memq, r, entry);
				w->mem_bytes += r->len;
				w->mem_rows += r->meta.rows;
			}
		}
		writer_check_drain(w);
		return;
	}

	/* A database error.  Data errors (SQLSTATE classes 22 and 23) are
	 * the batch's fault: isolate it, then set it aside after a few
	 * tries so one bad batch never blocks the rest.  Anything else is
	 * the server's: retry the same transaction with backoff. */
	r = TAILQ_FIRST(&w->txq);
	if (strncmp(w->tx_sqlstate, "22", 2) == 0 ||
	    strncmp(w->tx_sqlstate, "23", 2) == 0) {
		if (TAILQ_NEXT(r, entry) != NULL)
			w->one_at_a_time = 1;
		else if (++w->data_failures >= WRITER_REJECT_AFTER) {
			writer_reject(w, r);
			TAILQ_REMOVE(&w->txq, r, entry);
			if (w->tx_from_spool)
				spool_consume(w->spool);
			writer_rec_free(r);
			w->data_failures = 0;
		}
	}
	log_warnx("writer: transaction failed: %s [SQLSTATE %s]; retrying",
	    w->tx_error, w->tx_sqlstate);
	while ((r = TAILQ_LAST(&w->txq, wrecs)) != NULL) {
		TAILQ_REMOVE(&w->txq, r, entry);
		if (w->tx_from_spool)
			writer_rec_free(r);
		else {
			TAILQ_INSERT_HEAD(&w->memq, r, entry);
			w->mem_bytes += r->len;
			w->mem_rows += r->meta.rows;
		}
	}
	tv = writer_tv(w->retry_delay);
	evtimer_add(w->ev_retry, &tv);
	if (w->retry_delay < WRITER_RETRY_MAX / 2)
		w->retry_delay *= 2;
	else
		w->retry_delay = WRITER_RETRY_MAX;
	writer_check_drain(w);
}

/* Starts a transaction now, or arms the delay timer to gather more. */
static void
writer_kick(struct writer *w)
{
	struct wrec	*r;
	uint64_t	 now, due;
	struct timeval	 tv;

	if (!w->ready || w->in_tx || evtimer_pending(w->ev_retry, NULL))
		return;
	if (spool_pending(w->spool) > 0) {
		writer_tx_start(w);
		return;
	}
	if ((r = TAILQ_FIRST(&w->memq)) == NULL)
		return;
	now = writer_now();
	due = r->accepted + w->params.batch_delay;
	if (w->mem_rows >= w->params.batch_max || due <= now ||
	    w->drain_cb != NULL) {
		evtimer_del(w->ev_delay);
		writer_tx_start(w);
		return;
	}
	if (!evtimer_pending(w->ev_delay, NULL)) {
		tv = writer_tv(due - now);
		evtimer_add(w->ev_delay, &tv);
	}
}

static void
writer_prepare_cb(struct pg *pg, PGresult *res, void *arg)
{
	struct writer	*w = arg;

	w->preparing = 0;
	if (!pg_result_ok(res)) {
		if (res != NULL)
			log_warnx("writer: preparing the session: %s",
			    pg_result_error(res));
		return;
	}
	w->ready = 1;
	if (spool_pending(w->spool) > 0)
		log_info("writer: replaying %" PRIu64 " spooled batch%s",
		    spool_pending(w->spool),
		    spool_pending(w->spool) == 1 ? "" : "es");
	writer_kick(w);
}

void
writer_pg_ready(struct writer *w)
{
	if (w->ready || w->preparing)
		return;
	w->preparing = 1;
	/* Periods and known_at without an offset are UTC; the stage lives
	 * as long as the session (so is created here with every column
	 * this build stages) and empties at every commit. */
	if (pg_query_simple(w->pg, "SET TIME ZONE 'UTC'; "
	    "CREATE TEMP TABLE IF NOT EXISTS obs_stage (series_key text, "
	    "period timestamptz, value numeric, unit text, seq int, "
	    "known_at timestamptz) ON COMMIT DELETE ROWS", writer_prepare_cb,
	    w) == -1)
		w->preparing = 0;
}

void
writer_pg_lost(struct writer *w)
{
	w->ready = 0;
	w->preparing = 0;
	evtimer_del(w->ev_delay);
	evtimer_del(w->ev_retry);
	w->retry_delay = WRITER_RETRY_INITIAL;
	/* pg has already failed our queries, so no transaction is open. */
	if (!TAILQ_EMPTY(&w->memq))
		log_info("writer: database lost; spooling %zu queued "
		    "observations", w->mem_rows);
	writer_spill(w);
	writer_check_drain(w);
}

int
writer_idle(const struct writer *w)
{
	return (!w->in_tx && TAILQ_EMPTY(&w->memq) &&
	    spool_pending(w->spool) == 0);
}

const struct writer_stats *
writer_stats(struct writer *w)
{
	w->stats.spool_bytes = spool_bytes(w->spool);
	w->stats.spool_pending = spool_pending(w->spool);
	return (&w->stats);
}

static void
writer_drain_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct writer	*w = arg;

	w->drain_expired = 1;
	writer_check_drain(w);
}

static void
writer_check_drain(struct writer *w)
{
	void	(*cb)(void *);

	if (w->drain_cb == NULL)
		return;
	if (!writer_idle(w)) {
		if (!w->drain_expired)
			return;
		/* Out of time: what is still in memory goes to disk; a
		 * transaction still in flight is spooled by writer_free
		 * once pg_free has failed it. */
		writer_spill(w);
	}
	cb = w->drain_cb;
	w->drain_cb = NULL;
	if (w->ev_drain != NULL)
		evtimer_del(w->ev_drain);
	cb(w->drain_arg);
}

void
writer_drain(struct writer *w, uint64_t timeout, void (*cb)(void *),
    void *arg)
{
	struct timeval	tv = writer_tv(timeout);

	w->drain_cb = cb;
	w->drain_arg = arg;
	w->drain_expired = 0;
	if (w->ev_drain == NULL)
		w->ev_drain = evtimer_new(w->base, writer_drain_timeout_cb, w);
	evtimer_add(w->ev_drain, &tv);
	if (!w->ready)
		w->drain_expired = 1;
	writer_kick(w);
	writer_check_drain(w);
}
