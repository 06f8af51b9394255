/* SPDX-License-Identifier: ISC */
/*
 * feedlock: feed ownership through PostgreSQL advisory locks; see
 * feedlock.h.
 *
 * The names travel as one jsonb array parameter, so a feed name is never
 * part of the SQL text.  At most one "try" query is in flight; a change
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

static struct feedlock_feed *
feedlock_find(const struct feedlock *fl, const char *name)
{
	size_t	i;

	for (i = 0; i < fl->nfeeds; i++) {
		if (strcmp(fl->feeds[i].name, name) == 0)
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

static void
feedlock_set(struct feedlock *fl, struct feedlock_feed *f,
    enum feedlock_state state)
{
	enum feedlock_state	old = f->state;

	if (old == state)
		return;
	f->state = state;
	if (state == FEEDLOCK_OWNED && old == FEEDLOCK_ELSEWHERE)
		log_info("feed %s: taken over, polled here now", f->name);
	else if (state == FEEDLOCK_ELSEWHERE)
		log_info("feed %s: polled by another potashd on this database "
		    "(its lock is held elsewhere); trying again every %d s",
		    f->name, FEEDLOCK_RETRY / 1000000);
	if (fl->change != NULL && (state == FEEDLOCK_OWNED ||
	    old == FEEDLOCK_OWNED))
		fl->change(f->name, state == FEEDLOCK_OWNED, fl->arg);
}

static void
feedlock_tried_cb(struct pg *pg, PGresult *res, void *arg)
{
	struct feedlock		*fl = arg;
	struct feedlock_feed	*f;
	int			 i;

	fl->busy = 0;
	if (res == NULL)
		return;		/* the connection is gone: pg_ready retries */
	if (!pg_result_ok(res)) {
		log_warnx("feed locks: %s", pg_result_error(res));
		fl->again = 1;
	} else {
		for (i = 0; i < PQntuples(res); i++) {
			if ((f = feedlock_find(fl, PQgetvalue(res, i, 0))) ==
			    NULL)
				continue;	/* removed meanwhile */
			if (strcmp(PQgetvalue(res, i, 1), "t") == 0) {
				f->held = 1;
				feedlock_set(fl, f, FEEDLOCK_OWNED);
			} else
				feedlock_set(fl, f, FEEDLOCK_ELSEWHERE);
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

/* A jsonb array of the names selected by want; NULL if there are none. */
static char *
feedlock_names(const struct feedlock *fl, int held)
{
	cJSON	*a;
	char	*s = NULL;
	size_t	 i, n = 0;

	if ((a = cJSON_CreateArray()) == NULL)
		fatalx("out of memory");
	for (i = 0; i < fl->nfeeds; i++) {
		if (fl->feeds[i].held != held)
			continue;
		if (!cJSON_AddItemToArray(a,
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
	char		 cls[16], *names;
	const char	*p[2];

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
	snprintf(cls, sizeof(cls), "%d", FEEDLOCK_CLASS);
	p[0] = cls;
	p[1] = names;
	if (pg_query(fl->pg, "SELECT n, pg_try_advisory_lock($1::int4, "
	    "hashtext(n)) FROM jsonb_array_elements_text($2::jsonb) AS n", 2,
	    p, feedlock_tried_cb, fl) == 0)
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
	char			 cls[16], *names;
	const char		*p[2];
	size_t			 i, n = 0;

	for (i = 0; i < fl->nfeeds; i++)
		fl->feeds[i].keep = 0;
	feeds = xcalloc(c->nfeeds + 1, sizeof(*feeds));
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
		snprintf(cls, sizeof(cls), "%d", FEEDLOCK_CLASS);
		p[0] = cls;
		p[1] = names;
		(void)pg_query(fl->pg, "SELECT pg_advisory_unlock($1::int4, "
		    "hashtext(n)) FROM jsonb_array_elements_text($2::jsonb) "
		    "AS n", 2, p, feedlock_unlocked_cb, NULL);
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
