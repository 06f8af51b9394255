/* SPDX-License-Identifier: ISC */
/*
 * notifier: delivers the notification outbox (schema/0011) from the
 * daemon's event loop.
 *
 * Owns the set of deliveries in flight and a poll timer.  The outbox rows
 * are written by potash.alert_apply in the transaction of the transitions
 * that cause them; the notifier only claims the due ones
 * (potash.notification_claim: FOR UPDATE SKIP LOCKED, one group's rows in
 * order), renders each one once (notify/webhook, notify/email) and stores
 * the body before the first attempt, sends it through transfer/ (never
 * blocking the loop), classifies the outcome and records it with
 * potash.notification_result, which decides between sent, a retry after
 * the backoff this module computes (Retry-After honoured) and the dead
 * letter.  Every query goes through the daemon's non-blocking connection.
 *
 * Channels are mirrored into potash.channels at each (re)connection and
 * reload.  Channels are borrowed from the config: notifier_configure
 * replaces them, and deliveries in flight for a channel that went away are
 * recorded as failed.  If the connection is lost mid-delivery, the claim
 * dies with the connection's backend and the row is claimed again later:
 * delivery is at least once, with the same idempotency key.
 */
#ifndef DAEMON_NOTIFIER_H
#define DAEMON_NOTIFIER_H

#include <stddef.h>
#include <stdint.h>

struct channel;
struct event_base;
struct pg;
struct transfer;

struct notifier_stats {
	uint64_t	claimed;	/* rows claimed for an attempt */
	uint64_t	sent;
	uint64_t	retried;
	uint64_t	dead;
	uint64_t	attempts;	/* attempts recorded */
	uint64_t	render_errors;
	uint64_t	db_errors;
	double		attempt_seconds;	/* summed attempt durations */
};

struct notifier;

struct notifier	*notifier_new(struct event_base *, struct pg *,
		    struct transfer *, const struct channel *, size_t);
void		 notifier_free(struct notifier *);
/* New channels (a reload): mirrored again, then used. */
void		 notifier_configure(struct notifier *, const struct channel *,
		    size_t);
void		 notifier_pg_ready(struct notifier *);
void		 notifier_pg_lost(struct notifier *);
/* The dashboard's URL for links in notifications ("" or NULL: none);
 * copied. */
void		 notifier_set_external_url(struct notifier *, const char *);
/* The dashboard's bearer token (NULL or "": none): links to alert pages
 * are then signed with a key derived from it (util/linksig.h); the token
 * itself is not kept. */
void		 notifier_set_link_token(struct notifier *, const char *);
/* Transitions were stored: look for due notifications now. */
void		 notifier_kick(struct notifier *);
/* Stops claiming; deliveries in flight finish or are cancelled by
 * transfer_free. */
void		 notifier_stop(struct notifier *);
const struct notifier_stats *notifier_stats(const struct notifier *);

#endif
