/* SPDX-License-Identifier: ISC */
/*
 * feedlock: feed and alerting ownership through PostgreSQL advisory
 * locks; see feedlock.h.
 *
 * The locks travel as one jsonb parameter, [[class, name], ...], so a
 * feed name is never part of the SQL text.  Alerting is one more entry,
 * told apart by its class.  At most one "try" query is in flight; a change
 * meanwhile (a reload, a reconnect) asks for another round after it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collectors/collector.h"
#include "daemon/feedlock.h"
#include "daemon/log.h"
#include "util/xmalloc.h"

enum feedlock_state {
	FEEDLOCK_UNKNOWN,	/* no answer yet: not polled */
	FEEDLOCK_OWNED,
	FEEDLOCK_ELSEWHERE,
};

struct feedlock_feed {
	char			*name;
	int			 alerting;	/* the alerting entry */
	enum feedlock_state	 state;
	int			 held;	/* locked in the current session */
	int			 keep;	/* still configured (configure) */
};

struct feedlock {
	struct event_base	*base;
	struct pg		*pg;
	feedlock_change_cb	 change;
	feedlock_known_cb	 known;
	void			*arg;

	struct feedlock_feed	*feeds;
	size_t			 nfeeds;
	struct event		*retry;
	int			 ready;	/* the connection is usable */
	int			 busy;	/* a try query is in flight */
	int			 again;	/* another round after it */
};

static void	feedlock_try(struct feedlock *);

/* The entry of feed name, or alerting's for NULL. */
static struct feedlock_feed *
feedlock_find(const struct feedlock *fl, const char *name)
{
	size_t	i;

	for (i = 0; i < fl->nfeeds; i++) {
		if (name == NULL ? fl->feeds[i].alerting :
		    !fl->feeds[i].alerting &&
		    strcmp(fl->feeds[i].name, name) == 0)
			return (&fl->feeds[i]);
	}
	return (NULL);
}

static void
feedlock_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	feedlock_try(arg);
}

static void
feedlock_arm(struct feedlock *fl)
{
	struct timeval	tv;
	size_t		i;

	for (i = 0; i < fl->nfeeds; i++) {
		if (fl->feeds[i].state == FEEDLOCK_ELSEWHERE)
			break;
	}
	if (i == fl->nfeeds || !fl->ready)
		return;
	tv.tv_sec = FEEDLOCK_RETRY / 1000000;
	tv.tv_usec = FEEDLOCK_RETRY % 1000000;
	evtimer_add(fl->retry, &tv);
}

/* An answer for f: taken (the lock is now held), or held elsewhere. */
static void
feedlock_set(struct feedlock *fl, struct feedlock_feed *f, int taken)
{
	enum feedlock_state	old = f->state;
	enum feedlock_state	state = taken ? FEEDLOCK_OWNED :
				    FEEDLOCK_ELSEWHERE;

	f->held = taken;
	f->state = state;
	if (old != state && old == FEEDLOCK_ELSEWHERE) {
		if (f->alerting)
			log_info("alerting: taken over, the rules are "
			    "evaluated here now");
		else
			log_info("feed %s: taken over, polled here now",
			    f->name);
	} else if (old != state && state == FEEDLOCK_ELSEWHERE) {
		if (f->alerting)
			log_info("alerting: the rules are evaluated by another "
			    "potashd on this database; trying again every "
			    "%d s", FEEDLOCK_RETRY / 1000000);
		else
			log_info("feed %s: polled by another potashd on this "
			    "database (its lock is held elsewhere); trying "
			    "again every %d s", f->name,
			    FEEDLOCK_RETRY / 1000000);
	}
	/* Alerting restarts at every lock taken (after a reconnection
	 * too); a feed only cares about changes. */
	if (fl->change != NULL && (old != state || (f->alerting && taken)))
		fl->change(f->alerting ? NULL : f->name, taken, fl->arg);
}

static void
feedlock_tried_cb(struct pg *pg, PGresult *res, void *arg)
{
	struct feedlock		*fl = arg;
	struct feedlock_feed	*f;
	int			 i, alerting;

	fl->busy = 0;
	if (res == NULL)
		return;		/* the connection is gone: pg_ready retries */
	if (!pg_result_ok(res)) {
		log_warnx("feed locks: %s", pg_result_error(res));
		fl->again = 1;
	} else {
		for (i = 0; i < PQntuples(res); i++) {
			alerting = atoi(PQgetvalue(res, i, 0)) ==
			    FEEDLOCK_ALERTING_CLASS;
			f = feedlock_find(fl, alerting ? NULL :
			    PQgetvalue(res, i, 1));
			if (f == NULL)
				continue;	/* removed meanwhile */
			feedlock_set(fl, f,
			    strcmp(PQgetvalue(res, i, 2), "t") == 0);
		}
		if (fl->known != NULL)
			fl->known(fl->arg);
	}
	if (fl->again) {
		fl->again = 0;
		feedlock_try(fl);
	} else
		feedlock_arm(fl);
}

/*
 * The locks of the entries whose held flag is held, as a jsonb array of
 * [class, name]; NULL if there are none.
 */
static char *
feedlock_names(const struct feedlock *fl, int held)
{
	cJSON	*a, *e;
	char	*s = NULL;
	size_t	 i, n = 0;

	if ((a = cJSON_CreateArray()) == NULL)
		fatalx("out of memory");
	for (i = 0; i < fl->nfeeds; i++) {
		if (fl->feeds[i].held != held)
			continue;
		if ((e = cJSON_CreateArray()) == NULL ||
		    !cJSON_AddItemToArray(a, e) ||
		    !cJSON_AddItemToArray(e, cJSON_CreateNumber(
		    fl->feeds[i].alerting ? FEEDLOCK_ALERTING_CLASS :
		    FEEDLOCK_CLASS)) ||
		    !cJSON_AddItemToArray(e,
		    cJSON_CreateString(fl->feeds[i].name)))
			fatalx("out of memory");
		n++;
	}
	if (n > 0 && (s = cJSON_PrintUnformatted(a)) == NULL)
		fatalx("out of memory");
	cJSON_Delete(a);
	return (s);
}

/* Tries the lock of every feed this session does not hold. */
static void
feedlock_try(struct feedlock *fl)
{
	char		*names;
	const char	*p[1];

	evtimer_del(fl->retry);
	if (!fl->ready)
		return;
	if (fl->busy) {
		fl->again = 1;
		return;
	}
	if ((names = feedlock_names(fl, 0)) == NULL) {
		/* Everything is held (or nothing is configured). */
		if (fl->known != NULL)
			fl->known(fl->arg);
		return;
	}
	p[0] = names;
	if (pg_query(fl->pg, "SELECT e->>0, e->>1, pg_try_advisory_lock("
	    "(e->>0)::int4, hashtext(e->>1)) FROM jsonb_array_elements("
	    "$1::jsonb) AS e", 1, p, feedlock_tried_cb, fl) == 0)
		fl->busy = 1;
	free(names);
}

static void
feedlock_unlocked_cb(struct pg *pg, PGresult *res, void *arg)
{
	if (res != NULL && !pg_result_ok(res))
		log_warnx("feed locks: releasing: %s", pg_result_error(res));
}

struct feedlock *
feedlock_new(struct event_base *base, struct pg *pg,
    feedlock_change_cb change, feedlock_known_cb known, void *arg)
{
	struct feedlock	*fl;

	fl = xcalloc(1, sizeof(*fl));
	fl->base = base;
	fl->pg = pg;
	fl->change = change;
	fl->known = known;
	fl->arg = arg;
	if ((fl->retry = evtimer_new(base, feedlock_retry_cb, fl)) == NULL)
		fatalx("cannot create the feed lock timer");
	return (fl);
}

void
feedlock_configure(struct feedlock *fl, const struct config *c)
{
	struct feedlock_feed	*f, *feeds;
	struct feedlock		 gone;
	char			*names;
	const char		*p[1];
	size_t			 i, n = 0;

	for (i = 0; i < fl->nfeeds; i++)
		fl->feeds[i].keep = 0;
	feeds = xcalloc(c->nfeeds + 2, sizeof(*feeds));
	if ((f = feedlock_find(fl, NULL)) != NULL) {
		f->keep = 1;
		feeds[n++] = *f;
	} else {
		feeds[n].name = xstrdup("alerting");
		feeds[n++].alerting = 1;
	}
	for (i = 0; i < c->nfeeds; i++) {
		if ((f = feedlock_find(fl, c->feeds[i].name)) != NULL) {
			f->keep = 1;
			feeds[n++] = *f;
			continue;
		}
		feeds[n].name = xstrdup(c->feeds[i].name);
		feeds[n++].state = FEEDLOCK_UNKNOWN;
	}

	/* Release the locks of the feeds that are gone. */
	memset(&gone, 0, sizeof(gone));
	gone.feeds = xcalloc(fl->nfeeds + 1, sizeof(*gone.feeds));
	for (i = 0; i < fl->nfeeds; i++) {
		if (!fl->feeds[i].keep)
			gone.feeds[gone.nfeeds++] = fl->feeds[i];
	}
	if (fl->ready && (names = feedlock_names(&gone, 1)) != NULL) {
		p[0] = names;
		(void)pg_query(fl->pg, "SELECT pg_advisory_unlock((e->>0)::int4, "
		    "hashtext(e->>1)) FROM jsonb_array_elements($1::jsonb) AS e",
		    1, p, feedlock_unlocked_cb, NULL);
		free(names);
	}
	for (i = 0; i < gone.nfeeds; i++)
		free(gone.feeds[i].name);
	free(gone.feeds);
	free(fl->feeds);
	fl->feeds = feeds;
	fl->nfeeds = n;
	feedlock_try(fl);
}

void
feedlock_pg_ready(struct feedlock *fl)
{
	fl->ready = 1;
	feedlock_try(fl);
}

void
feedlock_pg_lost(struct feedlock *fl)
{
	size_t	i;

	fl->ready = 0;
	evtimer_del(fl->retry);
	for (i = 0; i < fl->nfeeds; i++)
		fl->feeds[i].held = 0;
}

int
feedlock_owned(const struct feedlock *fl, const char *name)
{
	const struct feedlock_feed	*f = feedlock_find(fl, name);

	return (f != NULL && f->state == FEEDLOCK_OWNED);
}

void
feedlock_free(struct feedlock *fl)
{
	size_t	i;

	if (fl == NULL)
		return;
	for (i = 0; i < fl->nfeeds; i++)
		free(fl->feeds[i].name);
	free(fl->feeds);
	event_free(fl->retry);
	free(fl);
}
