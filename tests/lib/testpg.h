/* SPDX-License-Identifier: ISC */
/*
 * testpg: helpers for integration tests against the throwaway PostgreSQL
 * that scripts/test starts (PGHOST, PGPORT, PGUSER in the environment).
 * Blocking libpq is fine here: tests are not the daemon.  Every helper
 * fails the current cmocka test on error.
 */
#ifndef TESTS_TESTPG_H
#define TESTS_TESTPG_H

#include <libpq-fe.h>

/* "dbname=NAME" for the test cluster; malloc'd. */
char	*testpg_conninfo(const char *);
/* Drops and creates database NAME, applies all migrations through the
 * daemon's migrator and returns a superuser connection to it. */
PGconn	*testpg_fresh(const char *);
/* Like testpg_fresh without migrating. */
PGconn	*testpg_empty(const char *);
/* Closes conn (may be NULL) and drops database NAME. */
void	 testpg_drop(PGconn *, const char *);
/* Runs sql (no parameters) and fails the test unless it succeeds. */
void	 testpg_exec(PGconn *, const char *);
/* The first column of the first row of sql as a malloc'd string, or
 * NULL for SQL NULL or no rows. */
char	*testpg_value(PGconn *, const char *);
/* Whether PostgreSQL can be used; tests skip (exit 77) when not. */
int	 testpg_available(void);
/* Stops or starts the test cluster with scripts/pg-tmp (outage tests). */
void	 testpg_cluster(const char *);

#endif
