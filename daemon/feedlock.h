/* SPDX-License-Identifier: ISC */
/*
 * feedlock: which feeds this potashd polls, and whether it evaluates the
 * alert rules, when several instances share one database.
 *
 * Each feed is owned through a session-level PostgreSQL advisory lock,
 * (FEEDLOCK_CLASS, hashtext(feed name)), taken on the daemon's connection
 * with pg_try_advisory_lock: the instance holding it polls the feed, the
 * others leave it alone and try again every FEEDLOCK_RETRY, so when an
 * instance stops (or its session dies) another takes its feeds over.
 * One instance alone owns every feed.  Two feed names with the same
 * hashtext share a lock: the same instance then polls both.  Alerting is
 * owned the same way, by one lock (FEEDLOCK_ALERTING_CLASS,
 * hashtext('alerting')): one instance evaluates the rules and stores
 * alerts, so no transition is stored (or notified) twice.
 *
 * Owns the feed names with their ownership, the retry timer and the
 * query in flight; borrows the pg connection.  A session's locks end
 * with it: after a lost connection the feeds owned before are still
 * polled (the writer spools) until the next answer says otherwise.
 * Changes are reported through the callback, one feed at a time.
 */
#ifndef DAEMON_FEEDLOCK_H
#define DAEMON_FEEDLOCK_H

#include <stddef.h>

#include <event2/event.h>

#include "daemon/config.h"
#include "store/pg.h"

/* The advisory locks' first keys: "pota" in ASCII, and the next. */
#define FEEDLOCK_CLASS			1886352481
#define FEEDLOCK_ALERTING_CLASS		1886352482
/* How often feeds owned elsewhere are tried again, usec. */
#define FEEDLOCK_RETRY	(10 * 1000000)

struct feedlock;

/*
 * A feed (NULL: alerting) is owned, or owned by another instance.  Called
 * when ownership changes, and for alerting also each time its lock is
 * taken again after a reconnection.
 */
typedef void	(*feedlock_change_cb)(const char *, int, void *);
/* An answer arrived: every configured feed's ownership is known. */
typedef void	(*feedlock_known_cb)(void *);

struct feedlock	*feedlock_new(struct event_base *, struct pg *,
		    feedlock_change_cb, feedlock_known_cb, void *);
/*
 * Takes the feed names of config.  New feeds are not owned until an
 * answer says so (reported as not owned now); removed ones are unlocked.
 */
void		 feedlock_configure(struct feedlock *, const struct config *);
/* The connection is usable: tries every feed this session does not hold. */
void		 feedlock_pg_ready(struct feedlock *);
/* The connection was lost, and with it the session's locks. */
void		 feedlock_pg_lost(struct feedlock *);
/*
 * 1 if this instance polls feed (NULL: evaluates the alert rules), or did
 * before the connection was lost.
 */
int		 feedlock_owned(const struct feedlock *, const char *);
void		 feedlock_free(struct feedlock *);

#endif
