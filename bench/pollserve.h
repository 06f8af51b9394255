/* SPDX-License-Identifier: ISC */
/*
 * pollserve: bench/poll's HTTP server, in a child process of its own so
 * that its CPU is never counted against the poller's.  Every GET of
 * /feed/<anything> gets the same JSON body: POLLSERVE_ROWS monthly rows
 * ("date": "2025-MM-01") of POLLSERVE_SERIES prices named
 * "potash_price_assessment_NN" under "data", padded to POLLSERVE_BODY_LEN
 * bytes by a note.  A GET of /vary/<digits> gets the same body with those
 * digits (20 at most) at the start of the note: a body of its own for each
 * URL, with the same values.
 */
#ifndef BENCH_POLLSERVE_H
#define BENCH_POLLSERVE_H

#include <sys/types.h>

#include <stddef.h>

#define POLLSERVE_BODY_LEN	2048	/* bytes served per poll */
#define POLLSERVE_SERIES	10	/* values per row */
#define POLLSERVE_ROWS		3	/* periods per body */

struct pollserve;

/*
 * Forks the server on 127.0.0.1 (an ephemeral port, keep-alive); call it
 * before this process has an event base, curl or libpq, and with stdout
 * flushed.  Returns it once it listens, or NULL after printing why.  The
 * caller owns it.
 */
struct pollserve	*pollserve_new(void);
/* Stops the server (EOF on its socketpair) and reaps it.  NULL: no-op. */
void			 pollserve_free(struct pollserve *);
/* The server's process, for its CPU time (its name is this program's). */
pid_t			 pollserve_pid(const struct pollserve *);
unsigned		 pollserve_port(const struct pollserve *);
/* A malloc'd copy of the body served, its length in *len (bench/parse). */
char			*pollserve_body(size_t *);
/* The length of the body served. */
size_t			 pollserve_body_len(const struct pollserve *);

#endif
