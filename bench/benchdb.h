/* SPDX-License-Identifier: ISC */
/*
 * benchdb: the database side bench/ingest and bench/poll share.  Blocking
 * libpq for set-up and checks (never timed), a fresh migrated database
 * per run, and the writer on its own struct pg as potashd runs it.
 * Connections go through libpq's environment (PGHOST, PGPORT, PGUSER),
 * as a superuser; messages are prefixed with the program's name.
 */
#ifndef BENCH_BENCHDB_H
#define BENCH_BENCHDB_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>
#include <libpq-fe.h>

#include "store/pg.h"
#include "store/writer.h"

/*
 * The writer under test.  Plain data on purpose: the benchmarks drive w
 * and read ready, lost and backend_pid; only benchdb writes the rest.
 */
struct benchdb_writer {
	struct event_base	*base;		/* borrowed */
	struct pg		*pg;
	struct writer		*w;
	long			 backend_pid;	/* its backend; 0 unknown */
	int			 ready;		/* connected, session set up */
	int			 lost;		/* the connection went away */
};

/* Runs sql on a blocking connection; prints the error.  Returns 0 or -1. */
int		 benchdb_exec(PGconn *, const char *);
/* The first value of sql's first row into buf ("" if none).  0 or -1. */
int		 benchdb_value1(PGconn *, const char *, char *, size_t);
/*
 * A blocking connection to database dbname, in UTC, warnings only; NULL
 * on failure (printed).  The caller owns it (PQfinish).
 */
PGconn		*benchdb_connect(const char *);
/* Drops database dbname and creates it, migrated.  Returns 0 or -1. */
int		 benchdb_fresh(const char *);
/* Drops database dbname, if it exists.  Returns 0 or -1. */
int		 benchdb_drop(const char *);
/*
 * Starts the writer with wp on a struct pg of conninfo, on base; waits
 * until it is usable (its connection may drop and come back meanwhile),
 * at most 30 s.  bw must not move until benchdb_writer_close.  Returns
 * 0, or -1 after printing why (close it all the same).
 */
int		 benchdb_writer_open(struct benchdb_writer *,
		    struct event_base *, const char *,
		    const struct writer_params *);
/* Batches the writer finished with, stored or not. */
uint64_t	 benchdb_writer_done(const struct benchdb_writer *);
/* Frees the writer and its pg; leaves bw zeroed.  A no-op if closed. */
void		 benchdb_writer_close(struct benchdb_writer *);

#endif
