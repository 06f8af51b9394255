/* SPDX-License-Identifier: ISC */
/*
 * writer_send: one transaction of the writer, from its batches to its
 * answers: the records decoded, the stage's COPY data and the
 * store_batches() arguments built (store/txbuild.c), the transaction
 * grown with more batches while they send little, the statements queued
 * on the connection, and the answers taken: counts per batch, series ids,
 * the epochs, the error.  How a transaction starts and what its end does
 * (commit, requeue, retry) is store/writer.c's; see writer.h.
 */
#include <sys/queue.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "daemon/log.h"
#include "store/batchrec.h"
#include "store/seriescache.h"
#include "store/txbuild.h"
#include "store/valcache.h"
#include "store/writer.h"
#include "store/writer_int.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define WRITER_STORE_SQL	"SELECT batch, feed_run_id, stored, unchanged, " \
	"revised, duplicate, events_new, series_key, series_id, epoch, " \
	"obs_epoch FROM potash.store_batches($1, $2, $3, $4)"

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

/*
 * store_batches() answers a row per batch (batch = b), then a row per
 * series it knows by key (batch NULL).  Counts go to the batches; ids wait
 * for the COMMIT in the cache entries.
 */
static void
writer_store_cb(struct pg *pg, PGresult *res, void *arg)
{
	struct writer	*w = arg;
	struct wrec_tx	*t;
	long		 b;
	int		 i;

	if (!pg_result_ok(res) || PQnfields(res) != 11) {
		writer_tx_fail(w, res);
		return;
	}
	for (i = 0; i < PQntuples(res); i++) {
		if (!PQgetisnull(res, i, 9))
			seriescache_tx_epoch(w->cache,
			    strtoll(PQgetvalue(res, i, 9), NULL, 10));
		if (!PQgetisnull(res, i, 10))
			w->tx_obs_epoch = strtoll(PQgetvalue(res, i, 10),
			    NULL, 10);
		if (PQgetisnull(res, i, 0)) {
			if (PQgetisnull(res, i, 7) || PQgetisnull(res, i, 8))
				continue;
			seriescache_tx_answer(w->cache, PQgetvalue(res, i, 7),
			    strtoll(PQgetvalue(res, i, 8), NULL, 10));
			continue;
		}
		b = strtol(PQgetvalue(res, i, 0), NULL, 10);
		if (b < 1 || (size_t)b > w->ntxv)
			continue;
		t = w->txv[b - 1]->tx;
		t->counts.feed_run_id = strtoll(PQgetvalue(res, i, 1), NULL,
		    10);
		t->counts.stored = atoi(PQgetvalue(res, i, 2));
		t->counts.unchanged = atoi(PQgetvalue(res, i, 3));
		t->counts.revised = atoi(PQgetvalue(res, i, 4));
		t->counts.duplicate = strcmp(PQgetvalue(res, i, 5), "t") == 0;
		t->counts.events_new = atoi(PQgetvalue(res, i, 6));
		t->stored = 1;
	}
	for (i = 0; (size_t)i < w->ntxv; i++)
		if (!w->txv[i]->tx->stored && w->tx_error[0] == '\0')
			snprintf(w->tx_error, sizeof(w->tx_error),
			    "store_batches() did not answer for batch %d",
			    i + 1);
}

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

/* Decodes a memory record's header; logs and counts it if unreadable. */
static int
writer_rec_decode(struct writer *w, struct wrec *r)
{
	char	err[256];

	if (r->tx != NULL)
		return (0);
	if (writer_rec_decode_tx(r, r->data, r->len, err,
	    sizeof(err)) == -1) {
		log_warnx("writer: skipping unreadable batch (%zu bytes): %s",
		    r->len, err);
		w->stats.batches_dropped++;
		w->stats.obs_dropped += r->rows;
		return (-1);
	}
	return (0);
}

/*
 * While the transaction's batches send fewer rows than batch_max (their
 * values were known unchanged), it takes the next batch from memory, if
 * that one would fit even with every row sent, up to batch_max batches
 * (and WRITER_TX_BATCHES):
 * polls that bring back what they brought before then go many to a
 * transaction, as their rows cost the database nothing.  Not for the
 * spool, nor one batch at a time.
 */
static void
writer_tx_extend(struct writer *w, size_t sent)
{
	struct wrec	*r;

	while (!w->tx_from_spool && !w->one_at_a_time &&
	    w->ntxv < WRITER_TX_BATCHES && w->ntxv < w->params.batch_max &&
	    (r = TAILQ_FIRST(&w->memq)) != NULL &&
	    sent + r->rows <= w->params.batch_max)
		if (writer_tx_take(w) == 0)
			return;
}

void
writer_tx_add(struct writer *w, struct wrec *r)
{
	r->tx->stored = 0;
	memset(&r->tx->counts, 0, sizeof(r->tx->counts));
	if (w->ntxv == w->ntxv_cap) {
		w->ntxv_cap = w->ntxv_cap > 0 ? w->ntxv_cap * 2 : 64;
		w->txv = xreallocarray(w->txv, w->ntxv_cap, sizeof(*w->txv));
	}
	w->ntxv++;
	TAILQ_INSERT_TAIL(&w->txq, r, entry);
}

int
writer_tx_take(struct writer *w)
{
	struct wrec	*r = TAILQ_FIRST(&w->memq);

	TAILQ_REMOVE(&w->memq, r, entry);
	w->mem_bytes -= r->len;
	w->mem_rows -= r->rows;
	if (writer_rec_decode(w, r) == -1) {
		writer_rec_free(r);
		return (-1);
	}
	writer_tx_add(w, r);
	return (0);
}

/*
 * The transaction was the store_batches() call alone (nothing to stage):
 * its answer is also its commit.
 */
static void
writer_store_commit_cb(struct pg *pg, PGresult *res, void *arg)
{
	struct writer	*w = arg;

	writer_store_cb(pg, res, w);
	w->tx_done = 1;
	if (!w->tx_building)
		writer_tx_end(w);
}

/*
 * Queues the transaction: BEGIN and one COPY of every batch's rows into
 * the stage (one simple query, one round trip), one store_batches() call,
 * COMMIT; or, when no row is to be staged (every value was known
 * unchanged), the store_batches() call alone, which is then a transaction
 * of its own: one round trip instead of three.  Returns -1 if not
 * connected, or (with tx_error set) if a record cannot be read.
 */
int
writer_tx_send(struct writer *w)
{
	struct buf	 batches, series;
	struct wrec	*r;
	const char	*params[4];
	const char	*rec;
	char		 epoch[32], obs_epoch[32];
	size_t		 b = 0, sent = 0;
	int		 rv = 0, used = 0;

	buf_init(&batches, 0);
	buf_init(&series, 0);
	buf_append(&batches, "[", 1);
	buf_append(&series, "[", 1);
	TAILQ_FOREACH(r, &w->txq, entry) {
		rec = r->data != NULL ? r->data : w->tx_spool_rec;
		w->txv[b++] = r;
		if (b > 1)
			buf_append(&batches, ",", 1);
		txbuild_batch_series(&series, w->cache, &r->tx->meta, r->raw,
		    r->nraw);
		if (txbuild_batch_rows(&w->tx_copy, w->cache, w->values, b,
		    &r->tx->meta, rec + r->tx->meta.body_off, r->len -
		    r->tx->meta.body_off, &used, &r->tx->known) == -1) {
			snprintf(w->tx_error, sizeof(w->tx_error),
			    "batch %s: malformed record body", r->tx->meta.id);
			snprintf(w->tx_sqlstate, sizeof(w->tx_sqlstate),
			    "22P04");
			rv = -2;
			goto out;
		}
		txbuild_batch_json(&batches, &r->tx->meta, r->tx->known);
		sent += r->rows - r->tx->known;
		if (TAILQ_NEXT(r, entry) == NULL)
			writer_tx_extend(w, sent);
	}
	buf_append(&batches, "]", 1);
	buf_append(&series, "]", 1);
	params[0] = buf_cstr(&batches);
	params[1] = buf_cstr(&series);
	snprintf(epoch, sizeof(epoch), "%" PRId64, seriescache_epoch(w->cache));
	params[2] = used ? epoch : NULL;
	/* Values left out on the strength of an earlier transaction: the
	 * database checks that nobody changed observations since. */
	snprintf(obs_epoch, sizeof(obs_epoch), "%" PRId64,
	    w->values != NULL ? valcache_epoch(w->values) : 0);
	params[3] = w->values != NULL && valcache_tx_relies(w->values) ?
	    obs_epoch : NULL;
	if (w->tx_copy.len == 0) {
		if (pg_query(w->pg, WRITER_STORE_SQL, 4, params,
		    writer_store_commit_cb, w) == -1)
			rv = -1;
		goto out;
	}
	if (pg_copy(w->pg, "BEGIN; COPY pg_temp.writer_stage (b, series_id, "
	    "series_key, period, value, unit, seq, known_at) FROM STDIN",
	    w->tx_copy.data, w->tx_copy.len, writer_step_cb, w) == -1 ||
	    pg_query(w->pg, WRITER_STORE_SQL, 4, params, writer_store_cb,
	    w) == -1 ||
	    pg_query_simple(w->pg, "COMMIT", writer_tx_commit_cb, w) == -1)
		rv = -1;
out:
	buf_deinit(&batches);
	buf_deinit(&series);
	return (rv);
}
