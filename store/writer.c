/* SPDX-License-Identifier: ISC */
/*
 * writer: batched, ordered, exactly-once storage of observations; see
 * writer.h.  This file starts and ends the transactions, one at a time,
 * and follows the connection; building, sending and answering one is
 * store/writer_send.c, accepting a batch (memory or spool)
 * store/writer_accept.c, the text of a transaction (COPY rows,
 * store_batches() arguments) store/txbuild.c.
 *
 * Invariants:
 * - Order: the memory queue holds batches only while the spool has none
 *   pending, so memory is always older than anything appended to the spool
 *   after it; when the memory queue must go to the spool it goes whole and
 *   first.  The spool is replayed before the memory queue is used again.
 * - One transaction at a time; its batches stay queued (memory) or
 *   unconsumed (spool) until COMMIT is confirmed.
 * - Exactly once: each record carries a batch id; store_batches() skips
 *   an id already stored, so a replay after a crash or a lost COMMIT reply
 *   writes nothing twice.
 * - Compact: a waiting batch is its encoded record and a few numbers, in
 *   one allocation; its header is decoded (struct wrec_tx) only when its
 *   transaction is built.
 * - The series cache (store/seriescache.c: key -> id, and a hash of the
 *   description last written) holds only what committed transactions told
 *   us: answers of a transaction are applied at its COMMIT (we call
 *   seriescache_tx_commit), dropped on rollback (seriescache_tx_end), and
 *   the whole cache is forgotten when the connection is lost (the next
 *   server may be another) or when store_batches() says series were deleted
 *   or re-keyed since we learned the ids (potash.series_epoch moved;
 *   SQLSTATE PW001: the transaction is then retried at once, by keys).  A
 *   series deleted while our transaction runs is not detected (observations
 *   have no foreign key since 0007).
 * - The value cache (store/valcache.c) is noted while a transaction is
 *   built, row by row in staging order, and holds only after its COMMIT
 *   (writer_tx_values_commit); after any other end, a lost connection or
 *   a PW002 (observations changed by someone else since the epoch it
 *   relied on) it is forgotten whole.
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
#include "store/seriescache.h"
#include "store/spool.h"
#include "store/valcache.h"
#include "store/writer.h"
#include "store/writer_int.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define WRITER_RETRY_INITIAL	500000		/* usec */
#define WRITER_RETRY_MAX	30000000	/* usec */
#define WRITER_REJECT_AFTER	3		/* data errors before giving up */
#define WRITER_SQLSTATE_STALE	"PW001"		/* see 0013_store_batches.sql */
#define WRITER_SQLSTATE_VALUES	"PW002"		/* 0015_observations_epoch.sql */
#define WRITER_VALUE_CACHE	(8u * 1024 * 1024)	/* bytes, by default */
#define WRITER_VALUE_QUIET	60000000	/* usec, by default */

static void	writer_check_drain(struct writer *);

uint64_t
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

/* Someone else writes observations: rely on nothing remembered for a
 * while (learning goes on), rather than fail transactions that did. */
static void
writer_values_distrust(struct writer *w)
{
	w->values_distrust = writer_now() + w->params.value_cache_quiet;
}

static void
writer_values_forget(struct writer *w, const char *why)
{
	if (w->values == NULL)
		return;
	if (valcache_count(w->values) > 0)
		log_debug("writer: forgetting %zu known values: %s",
		    valcache_count(w->values), why);
	valcache_clear(w->values);
}

static void
writer_cache_forget(struct writer *w, const char *why)
{
	if (seriescache_count(w->cache) > 0)
		log_info("writer: forgetting %zu cached series ids: %s",
		    seriescache_count(w->cache), why);
	seriescache_clear(w->cache);
	writer_values_forget(w, why);
}

void
writer_rec_free(struct wrec *r)
{
	if (r == NULL)
		return;
	if (r->tx != NULL) {
		batchrec_meta_free(&r->tx->meta);
		free(r->tx);
	}
	/* A memory record lives in r's own allocation. */
	free(r->raw);
	free(r);
}

int
writer_rec_decode_tx(struct wrec *r, const char *data, size_t len, char *err,
    size_t errlen)
{
	r->tx = xcalloc(1, sizeof(*r->tx));
	if (batchrec_decode(data, len, &r->tx->meta, err, errlen) == -1) {
		free(r->tx);
		r->tx = NULL;
		return (-1);
	}
	return (0);
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
	if (w->params.value_cache_quiet == 0)
		w->params.value_cache_quiet = WRITER_VALUE_QUIET;
	TAILQ_INIT(&w->memq);
	TAILQ_INIT(&w->txq);
	buf_init(&w->tx_copy, 0);
	w->cache = seriescache_new();
	if (!params->value_cache_off)
		w->values = valcache_new(params->value_cache_max > 0 ?
		    params->value_cache_max : WRITER_VALUE_CACHE);
	w->retry_delay = WRITER_RETRY_INITIAL;

	msg[0] = '\0';
	w->spool = spool_open(w->spool_path, params->spool_max, msg,
	    sizeof(msg));
	if (w->spool == NULL) {
		snprintf(err, errlen, "spool %s: %s", w->spool_path, msg);
		seriescache_free(w->cache);
		valcache_free(w->values);
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

/* Forgets what the transaction built (not its batches). */
static void
writer_tx_clear(struct writer *w)
{
	seriescache_tx_end(w->cache);
	w->ntxv = 0;
	/* A large COPY buffer is not kept between transactions. */
	if (w->tx_copy.cap > 1024 * 1024)
		buf_deinit(&w->tx_copy);
	else
		buf_reset(&w->tx_copy);
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
	writer_tx_clear(w);
	buf_deinit(&w->tx_copy);
	free(w->txv);
	seriescache_free(w->cache);
	valcache_free(w->values);
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

/*
 * The values the transaction sent or left out are current now; those
 * known before still are if nobody else changed observations meanwhile
 * (valcache_tx_commit compares the epochs).  A batch stored before (a
 * replay) changed nothing now: what its rows say may be old.
 */
static void
writer_tx_values_commit(struct writer *w)
{
	size_t	i;

	if (w->values == NULL)
		return;
	for (i = 0; i < w->ntxv; i++)
		if (w->txv[i]->tx->counts.duplicate) {
			writer_values_forget(w, "a batch was stored before");
			return;
		}
	if (valcache_tx_commit(w->values, w->tx_obs_epoch))
		writer_values_distrust(w);
}

/* Builds the next transaction: the spool first, else the memory queue. */
static void
writer_tx_start(struct writer *w)
{
	struct wrec	*r;
	const void	*data;
	size_t		 len, rows = 0;
	char		 err[256];
	int		 rv;

	w->ntxv = 0;
	if (spool_pending(w->spool) > 0) {
		rv = spool_peek(w->spool, &data, &len);
		if (rv != 0) {
			log_warnx("writer: cannot read the spool: %s",
			    rv == -1 ? strerror(errno) : "empty");
			return;
		}
		r = xcalloc(1, sizeof(*r));
		r->len = len;
		r->accepted = writer_now();
		if (writer_rec_decode_tx(r, data, len, err,
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
		r->rows = r->tx->meta.rows;
		w->tx_spool_rec = data;
		writer_tx_add(w, r);
		w->tx_from_spool = 1;
	} else {
		w->tx_from_spool = 0;
		while ((r = TAILQ_FIRST(&w->memq)) != NULL) {
			if (w->ntxv >= WRITER_TX_BATCHES || (rows > 0 &&
			    (w->one_at_a_time ||
			    rows + r->rows > w->params.batch_max)))
				break;
			rows += r->rows;
			(void)writer_tx_take(w);
		}
	}
	if (TAILQ_EMPTY(&w->txq))
		return;

	w->in_tx = 1;
	w->tx_lost = 0;
	w->tx_done = 0;
	w->tx_error[0] = '\0';
	w->tx_sqlstate[0] = '\0';
	seriescache_tx_begin(w->cache);
	if (w->values != NULL)
		valcache_tx_begin(w->values,
		    writer_now() >= w->values_distrust);
	w->tx_obs_epoch = 0;
	w->stats.transactions++;
	/* A lost connection can fail our queries while we are still
	 * queueing them: tx_building defers the end until we are done. */
	w->tx_building = 1;
	rv = writer_tx_send(w);
	w->tx_spool_rec = NULL;
	if (rv == -1)
		w->tx_lost = 1;
	if (rv != 0)
		w->tx_done = 1;
	w->tx_building = 0;
	if (w->tx_done)
		writer_tx_end(w);
}

static void
writer_reject(struct writer *w, struct wrec *r)
{
	log_warnx("writer: the database refused batch %s of feed %s "
	    "(%zu observations) %d times: %s [SQLSTATE %s]; setting it aside",
	    r->tx->meta.id, r->tx->meta.feed, r->tx->meta.rows,
	    WRITER_REJECT_AFTER,
	    w->tx_error, w->tx_sqlstate);
	w->stats.batches_rejected++;
	w->stats.obs_dropped += r->tx->meta.rows;
}

/* Puts the transaction's batches back at the head of the memory queue
 * (spool records stay in the spool). */
static void
writer_tx_requeue(struct writer *w)
{
	struct wrec	*r;

	while ((r = TAILQ_LAST(&w->txq, wrecs)) != NULL) {
		TAILQ_REMOVE(&w->txq, r, entry);
		if (w->tx_from_spool)
			writer_rec_free(r);
		else {
			TAILQ_INSERT_HEAD(&w->memq, r, entry);
			w->mem_bytes += r->len;
			w->mem_rows += r->rows;
		}
	}
}

/* Ends the transaction: success, lost connection or a database error. */
void
writer_tx_end(struct writer *w)
{
	struct wrec	*r;
	struct wrec_tx	*t;
	uint64_t	 now = writer_now();
	struct timeval	 tv;

	w->in_tx = 0;
	if (!w->tx_lost && w->tx_error[0] == '\0') {
		w->retry_delay = WRITER_RETRY_INITIAL;
		w->data_failures = 0;
		w->one_at_a_time = 0;
		/* What the transaction told us about series now holds. */
		if (seriescache_tx_commit(w->cache))
			writer_cache_forget(w, "too many series");
		writer_tx_values_commit(w);
		writer_tx_clear(w);
		while ((r = TAILQ_FIRST(&w->txq)) != NULL) {
			TAILQ_REMOVE(&w->txq, r, entry);
			t = r->tx;
			w->stats.batches_committed++;
			if (t->counts.duplicate)
				w->stats.batches_duplicate++;
			else {
				w->stats.obs_known_unchanged += t->known;
				w->stats.obs_stored +=
				    (uint64_t)t->counts.stored;
				w->stats.obs_unchanged +=
				    (uint64_t)t->counts.unchanged;
				w->stats.obs_revised +=
				    (uint64_t)t->counts.revised;
			}
			w->stats.last_latency_usec = now - r->accepted;
			log_debug("writer: batch %s of feed %s: %d stored, %d "
			    "unchanged, %d revised%s", t->meta.id, t->meta.feed,
			    t->counts.stored, t->counts.unchanged,
			    t->counts.revised,
			    t->counts.duplicate ? " (stored before)" : "");
			if (w->hook != NULL)
				w->hook(&t->meta, &t->counts, w->hook_arg);
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

	writer_tx_clear(w);
	/* What the transaction noted of its values may not hold. */
	writer_values_forget(w, "transaction not committed");
	w->stats.transactions_failed++;
	if (w->tx_lost) {
		/* The connection is gone; writer_pg_lost moves the memory
		 * queue to the spool.  Put these batches back first. */
		writer_tx_requeue(w);
		writer_check_drain(w);
		return;
	}

	/* Our cache named a series by an id that no longer has its key:
	 * forget the cache and send keys, now. */
	if (strcmp(w->tx_sqlstate, WRITER_SQLSTATE_VALUES) == 0)
		writer_values_distrust(w);
	if (strcmp(w->tx_sqlstate, WRITER_SQLSTATE_STALE) == 0 ||
	    strcmp(w->tx_sqlstate, WRITER_SQLSTATE_VALUES) == 0) {
		writer_cache_forget(w, w->tx_error);
		writer_tx_requeue(w);
		writer_kick(w);
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
	writer_tx_requeue(w);
	tv = writer_tv(w->retry_delay);
	evtimer_add(w->ev_retry, &tv);
	if (w->retry_delay < WRITER_RETRY_MAX / 2)
		w->retry_delay *= 2;
	else
		w->retry_delay = WRITER_RETRY_MAX;
	writer_check_drain(w);
}

/* Starts a transaction now, or arms the delay timer to gather more. */
void
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
	/* Periods and known_at without an offset are UTC; the stage (see
	 * schema/0013_store_batches.sql) lives as long as the session and
	 * empties at every commit.  A row names its series by id or key. */
	if (pg_query_simple(w->pg, "SET TIME ZONE 'UTC'; "
	    "CREATE TEMP TABLE IF NOT EXISTS writer_stage (b int NOT NULL, "
	    "series_id bigint, series_key text, period timestamptz NOT NULL, "
	    "value numeric NOT NULL, unit text, seq int, known_at timestamptz, "
	    "CHECK (series_id IS NOT NULL OR COALESCE(series_key, '') <> '')) "
	    "ON COMMIT DELETE ROWS", writer_prepare_cb, w) == -1)
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
	/* The next connection may reach another server, or a restored one. */
	seriescache_clear(w->cache);
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
	if (w->values != NULL) {
		w->stats.known_values = valcache_count(w->values);
		w->stats.known_values_bytes = valcache_bytes(w->values);
	}
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
