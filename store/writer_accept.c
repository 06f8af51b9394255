/* SPDX-License-Identifier: ISC */
/*
 * writer_accept: what becomes of a batch handed to writer_submit, kept in
 * memory while the database is usable and nothing older waits, else
 * appended to the spool (fsync'd before the call returns), or dropped,
 * counted and logged at the spool's cap; see writer.h and the invariants
 * in writer.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/log.h"
#include "store/writer_int.h"
#include "util/xmalloc.h"

/* Counts and logs a dropped record (decoding its header for the log). */
static void
writer_drop(struct writer *w, const char *data, size_t len, size_t rows,
    const char *why)
{
	struct batchrec_meta	m;
	char			err[128];

	w->stats.batches_dropped++;
	w->stats.obs_dropped += rows;
	if (batchrec_decode(data, len, &m, err, sizeof(err)) == -1) {
		log_warnx("writer: dropped a batch (%zu observations): %s",
		    rows, why);
		return;
	}
	log_warnx("writer: dropped batch %s of feed %s (%zu observations): %s",
	    m.id, m.feed, rows, why);
	batchrec_meta_free(&m);
}

/*
 * Appends one record to the spool.  Returns 0, or -1 if it was dropped
 * (full or failing; counted and logged).
 */
static int
writer_spool_append(struct writer *w, const char *data, size_t len,
    size_t rows)
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
	writer_drop(w, data, len, rows, why);
	return (-1);
}

void
writer_spill(struct writer *w)
{
	struct wrec	*r;

	while ((r = TAILQ_FIRST(&w->memq)) != NULL) {
		TAILQ_REMOVE(&w->memq, r, entry);
		w->mem_bytes -= r->len;
		w->mem_rows -= r->rows;
		writer_spool_append(w, r->data, r->len, r->rows);
		writer_rec_free(r);
	}
}

/*
 * Encodes b, leaving out the series descriptions that a committed
 * transaction wrote as they are and that no batch submitted since
 * changed: most polls describe the same series every time, and a waiting
 * batch then holds little more than its rows.
 */
static char *
writer_encode(struct writer *w, const struct batch *b, struct wrec *r)
{
	struct batch		 tmp;
	struct series_info	*keep;
	uint64_t		 h;
	size_t			 i, n = 0;
	char			*data;

	if (b->nseries == 0)
		return (batchrec_encode(b, &r->len, NULL));
	keep = xreallocarray(NULL, b->nseries, sizeof(*keep));
	r->raw = xreallocarray(NULL, b->nseries, sizeof(*r->raw));
	for (i = 0; i < b->nseries; i++) {
		h = seriescache_raw(&b->series[i]);
		if (seriescache_submitted(w->cache, b->series[i].key, h))
			continue;
		keep[n] = b->series[i];
		r->raw[n++] = h;
	}
	tmp = *b;
	tmp.series = keep;
	tmp.nseries = n;
	data = batchrec_encode(&tmp, &r->len, NULL);
	free(keep);
	r->nraw = n;
	if (n == 0) {
		free(r->raw);
		r->raw = NULL;
	}
	return (data);
}

enum writer_submit_result
writer_submit(struct writer *w, const struct batch *b)
{
	struct wrec	 tmp, *r;
	char		*data;

	/* Only the record, at its size, right after the struct: its
	 * header is read again when it is sent. */
	memset(&tmp, 0, sizeof(tmp));
	data = writer_encode(w, b, &tmp);
	r = xmalloc(sizeof(*r) + tmp.len + 1);
	*r = tmp;
	r->data = (char *)(r + 1);
	memcpy(r->data, data, tmp.len);
	r->data[tmp.len] = '\0';
	free(data);
	r->rows = b->nobs;
	r->accepted = writer_now();

	/* Memory only while the database is usable and nothing older waits
	 * in the spool; otherwise the batch is durable before we return. */
	if (!w->ready || spool_pending(w->spool) > 0 ||
	    w->mem_bytes + r->len > w->params.memory_max) {
		writer_spill(w);
		if (writer_spool_append(w, r->data, r->len, r->rows) == -1) {
			writer_rec_free(r);
			return (WRITER_DROPPED);
		}
		writer_rec_free(r);
	} else {
		TAILQ_INSERT_TAIL(&w->memq, r, entry);
		w->mem_bytes += r->len;
		w->mem_rows += r->rows;
	}
	writer_kick(w);
	return (WRITER_ACCEPTED);
}
