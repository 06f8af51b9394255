/* SPDX-License-Identifier: ISC */
/*
 * spool: the durable disk spool that holds the writer's batches while
 * PostgreSQL is unreachable, so that accepted observations survive an
 * outage and kill -9.
 *
 * One append-only file under the state directory, locked (flock) by the
 * process that opened it.  Records are opaque byte strings of at most
 * SPOOL_RECORD_MAX bytes; the writer serialises its batches into them.
 * An append returns only after the record is on disk (fdatasync), so the
 * caller may acknowledge it then.  Replay hands the records back in append
 * order.
 *
 * Replay is at-least-once.  Progress is kept in memory and reaches the
 * disk only through spool_compact or spool_truncate; after a crash,
 * records already replayed are replayed again, so the consumer must make
 * them idempotent (the writer gives every batch an id).  No record is
 * lost: a record leaves the file only once the caller says it was
 * replayed.
 *
 * On open the whole file is read and checked record by record.  A torn
 * or corrupt last record (the trace of a crash during an append) is cut
 * off.  A bad record followed by more data means the file is damaged: the
 * whole file is first copied to <path>.corrupt-<unix time> for a human,
 * then the spool keeps the good records before the damage; if the copy
 * cannot be made, spool_open fails and changes nothing.  Both repairs are
 * reported through the message buffer of spool_open.  A file that does
 * not start with the spool magic, or has another version, is refused and
 * left alone.
 */
#ifndef STORE_SPOOL_H
#define STORE_SPOOL_H

#include <stddef.h>
#include <stdint.h>

/* Largest record spool_append accepts. */
#define SPOOL_RECORD_MAX	(64U * 1024 * 1024)

/* Results other than 0 and -1; each function says which it returns. */
enum spool_result {
	SPOOL_FULL = 1,		/* the size cap would be exceeded */
	SPOOL_STOPPED = 2,	/* the replay callback asked to stop */
	SPOOL_EMPTY = 3,	/* every record has been replayed */
};

struct spool;

/* Returns 0 when rec was replayed, non-zero to stop the replay before it. */
typedef int	(*spool_replay_cb)(const void *rec, size_t len, void *arg);

/*
 * Opens or creates the spool file at path, whose size (file header
 * included) may not pass max_bytes (0: no cap), and checks its records.
 * Returns NULL with the reason in msg, or the spool with msg empty or
 * holding a recovery notice for the caller to log as a warning
 * ("spool: dropped torn record at offset N (M bytes)").  The caller owns
 * the spool; path is copied.
 */
struct spool	*spool_open(const char *path, uint64_t max_bytes, char *msg,
		    size_t msglen);

/* Closes the file, releasing the lock.  spool_free(NULL) is a no-op. */
void		 spool_free(struct spool *);

/*
 * Appends a record and makes it durable.  Returns 0 once it is on disk,
 * SPOOL_FULL if it would pass the cap (nothing is written; the caller
 * counts the drop), or -1 with errno: EMSGSIZE for a record larger than
 * SPOOL_RECORD_MAX, otherwise the I/O error.  A failed write is undone;
 * if it cannot be, or if fdatasync fails, the state of the file is unknown
 * and every later call that writes fails with EIO until the spool is
 * reopened.
 */
int		 spool_append(struct spool *, const void *rec, size_t len);

/*
 * Calls cb for each record not yet replayed, in append order, marking each
 * as replayed when cb returns 0.  Returns 0 when all are replayed,
 * SPOOL_STOPPED when cb returned non-zero (that record and the ones after
 * it stay and come first next time), or -1 with errno (EBADMSG if a record
 * went bad on disk since the spool was opened).  rec is valid only during
 * the call; cb may append to this spool but must call no other spool
 * function on it.
 */
int		 spool_replay(struct spool *, spool_replay_cb cb, void *arg);

/*
 * The same one record at a time, for consumers that learn asynchronously
 * whether a record was stored: returns 0 and the first record not yet
 * replayed (owned by the spool; valid until the next spool_peek,
 * spool_replay, spool_compact, spool_truncate or spool_free, not disturbed
 * by spool_append), SPOOL_EMPTY, or -1 as spool_replay.  Calling it again
 * without spool_consume returns the same record.
 */
int		 spool_peek(struct spool *, const void **rec, size_t *len);

/* Marks the record last returned by spool_peek as replayed. */
void		 spool_consume(struct spool *);

/*
 * Removes the replayed records from the file durably, by writing the rest
 * to a new file that replaces it (or truncating when nothing is left), so
 * a crash no longer replays them and their bytes no longer count against
 * the cap.  Returns 0, or -1 with errno and the spool as it was.
 */
int		 spool_compact(struct spool *);

/*
 * Discards every record, replayed or not, durably: call it once a replay
 * returned 0.  Returns 0, or -1 with errno.
 */
int		 spool_truncate(struct spool *);

/* Size of the file in bytes, header included: what the cap applies to. */
uint64_t	 spool_bytes(const struct spool *);

/* Records in the file, replayed ones not yet compacted away included. */
uint64_t	 spool_records(const struct spool *);

/* Records not yet replayed. */
uint64_t	 spool_pending(const struct spool *);

#endif
