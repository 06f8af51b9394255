/* SPDX-License-Identifier: ISC */
/*
 * seriescache: what the writer knows about series in the database, so
 * that rows of known series go by id and unchanged descriptions are not
 * sent again.
 *
 * Owns a table of series keys (copied), each with the id the database
 * gave it, a hash of the description last written (as sent and as the
 * collector gave it), and the potash.series_epoch those ids belong to;
 * plus the hashes of whole description arrays a committed transaction
 * wrote.  What a transaction learns (ids answered, descriptions sent) is
 * held aside per key and applied by seriescache_tx_commit, or dropped by
 * seriescache_tx_end without a commit.  No I/O, no logging: the writer
 * decides when to forget (lost connection, stale epoch, too many keys).
 */
#ifndef STORE_SERIESCACHE_H
#define STORE_SERIESCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "collectors/observation.h"

struct seriescache;

/* FNV-1a, 64 bits; never 0, which means "none" in the cache. */
uint64_t	 seriescache_hash(const char *, size_t);
/* A hash of a description as the collector gave it. */
uint64_t	 seriescache_raw(const struct series_info *);

/* An empty cache; never NULL. */
struct seriescache *seriescache_new(void);
void		 seriescache_free(struct seriescache *);
/* Forgets every key, id and description set (not the transaction's list
 * of keys touched, whose entries are then simply gone). */
void		 seriescache_clear(struct seriescache *);
/* Keys held. */
size_t		 seriescache_count(const struct seriescache *);
/* The series_epoch of the cached ids; 0 if none. */
int64_t		 seriescache_epoch(const struct seriescache *);
/* The id of key (len bytes) if cached with an epoch; else 0. */
int64_t		 seriescache_id(const struct seriescache *, const char *,
		    size_t);

/*
 * Submit side: 1 if the description whose seriescache_raw is raw was
 * written by a committed transaction as it is and no batch submitted
 * since gave another; else 0, remembering raw as the latest submitted.
 */
int		 seriescache_submitted(struct seriescache *, const char *,
		    uint64_t);

/* Starts a transaction: its answers are held apart until the commit. */
void		 seriescache_tx_begin(struct seriescache *);
/*
 * Notes a batch's whole description array (its hash set); returns 1 if
 * it need not be read: this transaction has it already, or (unless
 * fresh, a batch carrying the collector's form of its descriptions) a
 * committed one wrote it.
 */
int		 seriescache_tx_set(struct seriescache *, uint64_t, int);
/*
 * Notes that this transaction describes key (len bytes) with the
 * description hashed desc (raw: the collector's form, 0 if unknown).
 * Returns 1 if it must be sent: the latest written or sent is another.
 */
int		 seriescache_tx_describe(struct seriescache *, const char *,
		    size_t, uint64_t, uint64_t);
/* The database answered key's id (NUL-terminated), and the epoch. */
void		 seriescache_tx_answer(struct seriescache *, const char *,
		    int64_t);
void		 seriescache_tx_epoch(struct seriescache *, int64_t);
/* The transaction committed: its answers hold now.  Returns 1 if the
 * cache grew past its cap (the caller should forget it), else 0. */
int		 seriescache_tx_commit(struct seriescache *);
/* Forgets what the transaction noted (after a commit or a rollback). */
void		 seriescache_tx_end(struct seriescache *);

#endif
