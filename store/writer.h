/* SPDX-License-Identifier: ISC */
/*
 * writer: stores batches of observations in PostgreSQL without blocking
 * the loop, and without losing or doubling any.
 *
 * Owns the disk spool, the in-memory queue of accepted batches and the
 * transaction in flight; borrows the pg connection.  A batch is accepted
 * when it is either queued in memory while the database is usable, or
 * appended to the spool and fsync'd while it is not (or while older
 * batches still wait in the spool, so order is kept).  Batches are written
 * in order, grouped into one transaction up to batch_max observations or
 * batch_delay: one COPY of all its batches' rows into a temp stage and one
 * potash.store_batches() call, which writes each batch's feed_runs row
 * and counts and is a no-op for a batch id already stored.  A waiting
 * batch is held as its encoded record only.  Series ids the database gave
 * are cached (key -> id, and the description last written; the writer
 * owns a store/seriescache.h for that), so rows of known series go by id
 * and unchanged descriptions are not sent again; the cache is forgotten
 * on a lost connection and when series were deleted or re-keyed
 * (potash.series_epoch).  The values its committed transactions left
 * current are remembered too, within a cap (store/valcache.h): a value
 * that comes again unchanged is left out of the stage and only counted
 * (known_unchanged), as long as nobody else changed observations since
 * (potash.observations_epoch; else the database refuses the transaction
 * with PW002 and the writer forgets them and sends everything again); for
 * value_cache_quiet after another writer wrote, they are not relied on.
 * A transaction cut by a lost connection is
 * retried; its batches (and everything queued in memory) move to the
 * spool.  At the spool's cap the newest batch is dropped, counted and
 * logged.
 */
#ifndef STORE_WRITER_H
#define STORE_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "collectors/observation.h"
#include "store/batchrec.h"
#include "store/pg.h"

struct writer;

struct writer_params {
	const char	*spool_path;
	uint64_t	 spool_max;	/* bytes; 0: no cap */
	size_t		 batch_max;	/* observations per transaction */
	uint64_t	 batch_delay;	/* usec to wait for more */
	size_t		 memory_max;	/* bytes queued in memory, then spool */
	size_t		 value_cache_max; /* bytes; 0: the default, 8 MiB */
	int		 value_cache_off; /* remember no values */
	uint64_t	 value_cache_quiet; /* usec remembered values are not
					     relied on after another writer
					     wrote; 0: the default, 60 s */
};

struct writer_stats {
	uint64_t	batches_committed;
	uint64_t	batches_duplicate;	/* replays already stored */
	uint64_t	obs_stored;
	uint64_t	obs_unchanged;
	uint64_t	obs_known_unchanged;	/* of those, left out unsent */
	uint64_t	obs_revised;
	uint64_t	batches_spooled;
	uint64_t	batches_replayed;
	uint64_t	batches_dropped;
	uint64_t	obs_dropped;
	uint64_t	batches_rejected;	/* data the database refused */
	uint64_t	transactions;
	uint64_t	transactions_failed;
	uint64_t	last_latency_usec;	/* accepted -> committed */
	uint64_t	spool_bytes;
	uint64_t	spool_pending;
	uint64_t	known_values;		/* in the value cache */
	uint64_t	known_values_bytes;
};

struct writer_counts {
	int64_t		feed_run_id;
	int		stored;
	int		unchanged;
	int		revised;
	int		duplicate;
	int		events_new;	/* sanctions events not seen before */
};

/* Called for each batch, in order, once its transaction committed
 * (alert evaluation). */
typedef void	(*writer_commit_cb)(const struct batchrec_meta *,
		    const struct writer_counts *, void *);

enum writer_submit_result {
	WRITER_ACCEPTED = 0,
	WRITER_DROPPED = 1,	/* spool full or failing: counted, logged */
};

/*
 * Opens the spool (a repair notice is logged as a warning).  Returns NULL
 * with a message in err if the spool cannot be opened.
 */
struct writer	*writer_new(struct event_base *, struct pg *,
		    const struct writer_params *, char *, size_t);
/* Frees, moving batches still in memory to the spool; a transaction in
 * flight must have ended first (free the pg before the writer). */
void		 writer_free(struct writer *);
void		 writer_set_commit_hook(struct writer *, writer_commit_cb,
		    void *);
/* Encodes and accepts b (still owned by the caller). */
enum writer_submit_result writer_submit(struct writer *, const struct batch *);
/* The database is usable (connected, schema current) or is gone. */
void		 writer_pg_ready(struct writer *);
void		 writer_pg_lost(struct writer *);
/* True when nothing waits: memory queue, spool and transaction empty. */
int		 writer_idle(const struct writer *);
const struct writer_stats *writer_stats(struct writer *);
/*
 * Calls done once the writer is idle, or, after timeout usec, once the
 * transaction in flight (if any) ended and everything still in memory was
 * moved to the spool.  New batches are still accepted meanwhile.
 */
void		 writer_drain(struct writer *, uint64_t, void (*)(void *),
		    void *);

#endif
