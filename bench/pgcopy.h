/* SPDX-License-Identifier: ISC */
/*
 * pgcopy: hand-written PostgreSQL binary COPY for bench/ingest's raw
 * ceiling.  Fields are appended to a struct buf; pgcopy_copy_* run the
 * COPY IN exchange on a blocking connection.
 */
#ifndef BENCH_PGCOPY_H
#define BENCH_PGCOPY_H

#include <stdint.h>

#include <libpq-fe.h>

#include "util/buf.h"

#define PGCOPY_EPOCH_DAYS	10957	/* 1970-01-01 to 2000-01-01 */
#define PGCOPY_DAY_USEC		(86400 * INT64_C(1000000))

/* Microseconds since 2000-01-01 00:00 UTC, as timestamptz stores them. */
int64_t	pgcopy_pgtime(int64_t, int64_t, int64_t);
/* Appends the low n bytes of v, big-endian. */
void	pgcopy_put(struct buf *, uint64_t, int);
/* A bigint or timestamptz field. */
void	pgcopy_put_int8(struct buf *, int64_t);
/* A numeric field from plain decimal text; 0, or -1 if not plain. */
int	pgcopy_put_numeric(struct buf *, const char *);
/* Starts COPY table FROM STDIN (FORMAT binary) and writes the header. */
int	pgcopy_copy_start(PGconn *, const char *, struct buf *);
/* Sends what out holds; empties it. */
int	pgcopy_copy_flush(PGconn *, struct buf *);
/* Sends the trailer (unless failed), ends the COPY, reads its results. */
int	pgcopy_copy_end(PGconn *, struct buf *, int);
/*
 * Checks the encoder against the server before anything is timed: awkward
 * numerics and dates go in through COPY BINARY into a temporary table and
 * must come back as the text meant.  Returns 0 and how many of each it
 * checked, or -1 after printing what differs.
 */
int	pgcopy_selftest(PGconn *, int *, int *);

#endif
