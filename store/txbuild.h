/* SPDX-License-Identifier: ISC */
/*
 * txbuild: the text of a writer transaction, batch by batch: the batch's
 * element of p_batches and its series descriptions for p_series (the
 * jsonb arguments of potash.store_batches(), see
 * schema/0013_store_batches.sql), and its rows as COPY data for the
 * writer's stage, pg_temp.writer_stage (b, series_id, series_key,
 * period, value, unit, seq, known_at).
 *
 * Owns nothing: it appends to the caller's buffers, reads a decoded
 * record header and the record's body, and uses the caller's series
 * cache: a row whose key the cache knows goes by id, and a description
 * goes into p_series only if the cache's open transaction says it must
 * (asking it notes the description there); and the caller's value cache
 * (store/valcache.h), if any: a row it knows unchanged is left out and
 * counted, and goes as known_unchanged in the batch's element of
 * p_batches (schema/0015_observations_epoch.sql).  No I/O, no logging.
 */
#ifndef STORE_TXBUILD_H
#define STORE_TXBUILD_H

#include <stddef.h>
#include <stdint.h>

#include "store/batchrec.h"
#include "store/seriescache.h"
#include "store/valcache.h"
#include "util/buf.h"

/* Appends m's element of p_batches (a JSON object) to out, with known
 * values left out as unchanged. */
void	txbuild_batch_json(struct buf *out, const struct batchrec_meta *m,
	    size_t known);
/*
 * Appends to out (the p_series array so far, from its '[') the series
 * descriptions of m that the database may not have, as the cache's
 * transaction tells.  raw holds the seriescache_raw of the nraw
 * descriptions in the order m has them, as the writer kept them at
 * submission, or is NULL if it kept none (a spool record, or one whose
 * descriptions were all left out).
 */
void	txbuild_batch_series(struct buf *out, struct seriescache *,
	    const struct batchrec_meta *m, const uint64_t *raw, size_t nraw);
/*
 * Appends the rows of the record body (len bytes, after m's header) to
 * out as COPY data of the stage, b being the batch's number in
 * p_batches, counted from 1; sets *used if a row went by a cached id.
 * With a value cache (vc not NULL), a row it knows unchanged is left out
 * and counted in *known (always set).  Returns 0, or -1 if the body is
 * not lines of five or six fields.
 */
int	txbuild_batch_rows(struct buf *out, struct seriescache *,
	    struct valcache *vc, size_t b, const struct batchrec_meta *m,
	    const char *body, size_t len, int *used, size_t *known);

#endif
