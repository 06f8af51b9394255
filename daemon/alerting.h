/* SPDX-License-Identifier: ISC */
/*
 * alerting: drives the pure alert engine (alert/engine.h) from the
 * daemon's event loop and keeps its state in PostgreSQL
 * (schema/0009_alerts.sql, 0012_alert_queue.sql).
 *
 * Owns the engine, the evaluation cursor as last stored (for the logs),
 * the inputs of the pass in flight and the timer of the engine's next
 * deadline.  It evaluates only what is committed: every feed run and
 * sanctions event is queued by the transaction that writes it, and after
 * a batch commits (alerting_kick) it reads the queued runs' observations
 * and the queued events, feeds them to the engine in the order they
 * became known, and stores the transitions and the changed alert
 * instances with one potash.alert_apply_pending() statement, which also
 * dequeues exactly the runs and events it read: a run that commits after
 * a later one (two writers) is still evaluated.  What other writers
 * store (potashctl import, another instance) is announced on channel
 * potash_alert_queue at their commit, which the daemon LISTENs to and
 * answers with a kick; the queue is also looked at every 30 s without
 * one, for what was announced while the daemon was not listening.  Timers (for,
 * keep_firing_for, stale) go the same way with nothing dequeued.  Every
 * query is queued on the daemon's non-blocking connection: the loop
 * never waits.
 *
 * The database is the truth.  At (re)connection, or when a store failed,
 * the engine is rebuilt from it: rules mirrored into potash.rules, the
 * history its rules need and the events already evaluated (as known
 * inputs: everything no longer queued), every saved instance restored,
 * then whatever is queued evaluated as new.  A crash between a batch and
 * its evaluation therefore re-evaluates that batch at the next start, and a
 * restart while firing or pending changes no state.
 */
#ifndef DAEMON_ALERTING_H
#define DAEMON_ALERTING_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct pg;
struct rule;

struct alerting_stats {
	uint64_t	passes;		/* evaluations stored */
	uint64_t	transitions;	/* transitions stored */
	uint64_t	inputs;		/* observations and events fed */
	uint64_t	failures;	/* passes not stored (then reloaded) */
	uint64_t	reloads;	/* engine rebuilt from the database */
	int		active;		/* evaluating: connected, lock held */
};

struct alerting;

/* Rules are borrowed: they must live until alerting_configure replaces
 * them or alerting_free. */
struct alerting	*alerting_new(struct event_base *, struct pg *,
		    struct rule *const *, size_t);
void		 alerting_free(struct alerting *);
/* New rules (after a reload): the engine is rebuilt from the database. */
void		 alerting_configure(struct alerting *, struct rule *const *,
		    size_t);
/* The schema is current: load (if needed) and catch up. */
void		 alerting_pg_ready(struct alerting *);
/* The connection is gone: the engine is rebuilt at the next ready. */
void		 alerting_pg_lost(struct alerting *);
/* A batch committed: evaluate what is new. */
void		 alerting_kick(struct alerting *);
const struct alerting_stats *alerting_stats(const struct alerting *);
/* Called after a pass that stored transitions has committed (their
 * notifications are queued by then). */
void		 alerting_set_stored_hook(struct alerting *,
		    void (*)(void *), void *);

#endif
