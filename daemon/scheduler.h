/* SPDX-License-Identifier: ISC */
/*
 * scheduler: runs each configured feed on its own timer.
 *
 * Owns one runtime record per feed: its timer (interval + jitter, or
 * aligned to a period), the collector's per-feed state, the transfer in
 * flight, the backoff after failures (Retry-After honoured for 429/503),
 * the conditional-GET validators and, for kinds whose parse reads only
 * the body, which body was stored last (daemon/bodymemo), so that body is
 * not parsed again.  A run is: collector request ->
 * transfer (on the shared engine) -> collector parse (following extra
 * pages it asks for) -> one batch handed to the output callback (normally
 * the writer), with the run's facts and error, so every run leaves a
 * feed_runs row.  A feed never overlaps itself; feeds never wait for each
 * other; a feed another instance owns (daemon/feedlock) is not scheduled.
 * URLs with secrets never reach logs or batches: only redacted.
 */
#ifndef DAEMON_SCHEDULER_H
#define DAEMON_SCHEDULER_H

#include <stdint.h>

#include <event2/event.h>

#include "collectors/collector.h"
#include "collectors/observation.h"
#include "daemon/config.h"
#include "transfer/transfer.h"

struct scheduler;

/* Receives each run's batch; the batch stays owned by the scheduler. */
typedef void	(*scheduler_output_cb)(const struct batch *, void *);

struct scheduler *scheduler_new(struct event_base *, struct transfer *,
		    scheduler_output_cb, void *);
/* Cancels transfers in flight (their runs are dropped) and frees. */
void		 scheduler_free(struct scheduler *);
/*
 * Takes the feeds of config (borrowed: the scheduler keeps pointers into
 * it until the next call).  Feeds kept by name keep their state and
 * timers; new ones are armed if the scheduler runs; removed ones stop.
 * Returns 0, or -1 with a message if a collector refused its options.
 */
int		 scheduler_configure(struct scheduler *, const struct config *,
		    char *, size_t);
/* Remembers validators for feed (from feed_state at start). */
void		 scheduler_set_validators(struct scheduler *, const char *,
		    const char *, const char *);
/* Arms every enabled feed's timer: the first run comes after jitter. */
void		 scheduler_start(struct scheduler *);
/* Disarms timers; transfers in flight are cancelled. */
void		 scheduler_stop(struct scheduler *);
/*
 * Whether this instance polls feed (default: yes).  A feed owned by
 * another instance is not scheduled; owned again, it runs after jitter.
 */
void		 scheduler_set_owned(struct scheduler *, const char *, int);
/*
 * The batch of feed's run that started at started (unix usec, as in the
 * batch) is stored.  For kinds whose parse reads only the body
 * (collector_ops.body_only), a later run that fetches that body again is
 * not parsed: it stores nothing, as a 304 would.
 */
void		 scheduler_stored(struct scheduler *, const char *, int64_t);
/* Runs feed now (if not running).  Returns 0, or -1 if no such feed. */
int		 scheduler_run_now(struct scheduler *, const char *);
/* Number of runs in flight. */
int		 scheduler_running(const struct scheduler *);

struct scheduler_feed_status {
	const char	*name;
	const char	*kind;
	int64_t		 last_run;	/* unix usec, 0 if never */
	int64_t		 last_success;
	int64_t		 next_due;
	uint64_t	 runs;
	uint64_t	 failures;	/* total */
	uint64_t	 same_bodies;	/* runs whose body was not parsed
					 * again: the one stored last */
	int		 consecutive_failures;
	const char	*last_error;	/* "" if the last run succeeded */
	int		 elsewhere;	/* polled by another instance */
};
/* Status of the i-th feed, or -1 past the end. */
int		 scheduler_feed_status(const struct scheduler *, size_t,
		    struct scheduler_feed_status *);

/* Delay after the n-th consecutive failure (n >= 1), capped, jittered. */
uint64_t	 scheduler_backoff(int, uint64_t, uint32_t);
/* The next run time after now for interval/align, before jitter. */
int64_t		 scheduler_next_due(int64_t, uint64_t, uint64_t);

#endif
