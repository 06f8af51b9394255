/* SPDX-License-Identifier: ISC */
/*
 * writer_int: the writer's state, shared by the files that make it up
 * (writer.c: transactions started and ended, connection and drain;
 * writer_send.c: one transaction built, sent and answered;
 * writer_accept.c: what becomes of a submitted batch).  Not for use
 * outside store/writer*.c.
 */
#ifndef STORE_WRITER_INT_H
#define STORE_WRITER_INT_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "store/batchrec.h"
#include "store/pg.h"
#include "store/seriescache.h"
#include "store/spool.h"
#include "store/valcache.h"
#include "store/writer.h"
#include "util/buf.h"

/*
 * Batches in one transaction, at most: each costs about a kilobyte while
 * the transaction runs (its decoded header, its element of p_batches, its
 * answer row), so a database slower than the polls for a while (thousands
 * of batches of known values waiting) does not make one huge transaction.
 * Measured with bench/poll, 500 stores as fast as 1,000 and takes about
 * 0.7 MiB less; 200 or 100 store more slowly (more commits) and so make
 * more batches wait.
 */
#define WRITER_TX_BATCHES	500

/* What a batch needs once it joins a transaction, and not before. */
struct wrec_tx {
	struct batchrec_meta	 meta;		/* its decoded header */
	struct writer_counts	 counts;
	size_t			 known;		/* rows left out: unchanged */
	int			 stored;	/* store_batches answered */
};

/*
 * A batch the writer holds.  One waiting in memory is this and its record,
 * in one allocation (data points just past the struct): thousands may
 * wait while a transaction runs, so nothing else is kept until it joins
 * one.
 */
struct wrec {
	TAILQ_ENTRY(wrec)	 entry;
	char			*data;		/* NULL: a spool record */
	size_t			 len;
	size_t			 rows;
	uint64_t		 accepted;	/* monotonic usec */
	uint64_t		*raw;		/* seriescache_raw of the */
	size_t			 nraw;		/* descriptions kept, in order */
	struct wrec_tx		*tx;		/* NULL until decoded */
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
	struct wrec		**txv;		/* txq as an array, by b - 1 */
	size_t			 ntxv;
	size_t			 ntxv_cap;
	const char		*tx_spool_rec;	/* while building from the spool */
	struct buf		 tx_copy;	/* the stage's COPY data */
	struct seriescache	*cache;
	struct valcache		*values;	/* NULL: none */
	int64_t			 tx_obs_epoch;	/* store_batches answered */
	uint64_t		 values_distrust; /* until then (monotonic) */

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

/* Monotonic time, usec. */
uint64_t	 writer_now(void);
void		 writer_rec_free(struct wrec *);
/* Decodes record data (len bytes) into a fresh r->tx.  Returns 0, or -1
 * with a message in err (r->tx stays NULL). */
int		 writer_rec_decode_tx(struct wrec *, const char *, size_t,
		    char *, size_t);
/* Starts what can start now: a transaction, or the timer for one. */
void		 writer_kick(struct writer *);
/* Moves the whole memory queue to the spool, oldest first. */
void		 writer_spill(struct writer *);
/* Appends r to the transaction (txq and a place in txv), its answers
 * cleared.  (writer_send.c) */
void		 writer_tx_add(struct writer *, struct wrec *);
/* Moves the head of the memory queue into the transaction, decoded; one
 * that does not decode is dropped (logged, counted): then -1, else 0.
 * (writer_send.c) */
int		 writer_tx_take(struct writer *);
/* Builds and queues the transaction of txq (writer_send.c): 0, -1 if not
 * connected, -2 (tx_error set) if a record cannot be read. */
int		 writer_tx_send(struct writer *);
/* Ends the transaction: success, lost connection or database error. */
void		 writer_tx_end(struct writer *);

#endif
