/* SPDX-License-Identifier: ISC */
/*
 * valcache: the values the writer knows to be current in the database, so
 * that a value polled again unchanged is counted without being sent.
 *
 * Owns a bounded table of (series key, period) -> value, each as the batch
 * record's COPY text holds it (the key and period together as "key\tperiod",
 * the value as the source printed it), kept in least-recently-used order
 * under a cap in bytes, and the potash.observations_epoch the table is
 * valid for (schema/0015_observations_epoch.sql).  A (key, period) is
 * remembered the second time it comes (a filter notes the first, so that
 * data streaming by once takes no room): a feed polled again and again
 * is known unchanged from its third poll on.  Values are compared
 * byte for byte: the same text is the same value; any other text, even an
 * equal number ("1.50" and "1.5"), goes to the database, which decides.
 *
 * A transaction is built row by row through valcache_tx_row, in the order
 * its rows are staged: each row is compared with what the table holds
 * (only if the table is valid, or the entry was set earlier in the same
 * transaction) and then becomes the entry's value, as it will be once the
 * transaction commits.  valcache_tx_commit makes the transaction's values
 * hold; after anything else (a rollback, a lost connection, an error) the
 * writer calls valcache_clear: what the transaction noted may be wrong.
 * No I/O, no logging.
 */
#ifndef STORE_VALCACHE_H
#define STORE_VALCACHE_H

#include <stddef.h>
#include <stdint.h>

struct valcache;

/* An empty table holding at most max bytes (entries, index and filter). */
struct valcache	*valcache_new(size_t max);
void		 valcache_free(struct valcache *);
/* Forgets every entry; the table is no longer valid for any epoch. */
void		 valcache_clear(struct valcache *);
/* The epoch the entries from committed transactions are valid for; 0 if
 * none is known (then only entries of the open transaction are used). */
int64_t		 valcache_epoch(const struct valcache *);
size_t		 valcache_count(const struct valcache *);
size_t		 valcache_bytes(const struct valcache *);

/*
 * Starts a transaction.  Unless trust is set, entries from before it are
 * not relied on (only learned and updated): the writer distrusts them for
 * a while after someone else changed observations, so that a second
 * writer busy beside it does not make one transaction in two fail.
 */
void		 valcache_tx_begin(struct valcache *, int trust);
/*
 * Row of batch b (the batch's number in the transaction, from 1): kp is
 * "key\tperiod" (kplen bytes), val the value (vlen bytes).  Returns 1 if
 * the row need not be sent: the value is the one the (key, period) has,
 * committed or set by an earlier batch of this transaction; else 0.  Sets
 * *superseded if an earlier row of the same batch with this (key, period)
 * was not sent (answered 1): the database would have counted only the
 * last of them, so the caller takes that one back from the batch's count.
 */
int		 valcache_tx_row(struct valcache *, size_t b, const char *kp,
		    size_t kplen, const char *val, size_t vlen,
		    int *superseded);
/* A row whose effect is not known here (one with its own known_at):
 * forgets its (key, period). */
void		 valcache_tx_forget(struct valcache *, const char *kp,
		    size_t kplen);
/* 1 if a row was left out on the strength of an entry from before this
 * transaction: the transaction must then check the epoch. */
int		 valcache_tx_relies(const struct valcache *);
/*
 * The transaction committed and store_batches() answered epoch.  Entries
 * it set hold; the others hold only if nothing else changed observations
 * since the table's epoch (epoch - 1 is it), else they are forgotten.
 * Returns 1 if someone else had (or the epoch is unknown), else 0.
 */
int		 valcache_tx_commit(struct valcache *, int64_t epoch);

#endif
