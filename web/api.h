/* SPDX-License-Identifier: ISC */
/*
 * api: the JSON routes of the web server, read from PostgreSQL with
 * parameterised queries on the daemon's connection (deferred answers).
 *
 *	/api/series				series, by key
 *	/api/series/{key}/observations		current values of one series,
 *						by period (from, to inclusive)
 *	/api/events				sanctions events, by date
 *	/api/alerts				alert instances (state=...)
 *
 * Every list is paginated: limit (default 100, at most 1000) and an
 * opaque cursor; the answer's "next" is the cursor of the next page, or
 * null on the last one.  Values are the stored decimal text as JSON
 * strings ("1234.50"), never rounded through a double; times are RFC
 * 3339 UTC, dates YYYY-MM-DD.  The caller (web.c) has checked the
 * method, the token and the parameter names, and that the database is
 * usable; key is the decoded series key.
 */
#ifndef WEB_API_H
#define WEB_API_H

struct reply;

void	api_series(struct reply *);
void	api_observations(struct reply *, const char *);
void	api_events(struct reply *);
void	api_alerts(struct reply *);

#endif
