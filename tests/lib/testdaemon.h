/* SPDX-License-Identifier: ISC */
/*
 * testdaemon: the scaffolding of integration tests that run potashd
 * against the loopback fake HTTP server and the throwaway PostgreSQL.
 *
 * A struct testd owns an event loop, a fake_httpd on it, a temp directory
 * with the config and log paths, the fake systemd socket and the daemon's
 * pid.  The fake server only answers while the test serves the loop
 * (testd_serve, testd_wait_*).  testd_teardown, a cmocka teardown, kills
 * a daemon that a failed assertion left running, so that it cannot go
 * on polling and writing into the next test's database.
 */
#ifndef TESTS_TESTDAEMON_H
#define TESTS_TESTDAEMON_H

#include <sys/types.h>

#include <libpq-fe.h>

struct event_base;
struct fake_httpd;
struct testnotify;

struct testd {
	struct event_base	*base;
	struct fake_httpd	*http;
	char			*dir;
	char			*conf;	/* dir/potashd.conf */
	char			*log;	/* dir/potashd.log */
	struct testnotify	*tn;
	pid_t			 pid;
};

/* An event loop, a fake server and a temp directory. */
void	 testd_init(struct testd *);
/* Frees what testd_init made and removes the directory. */
void	 testd_free(struct testd *);
/* Runs the loop (the fake server) for ms. */
void	 testd_serve(struct testd *, int);
/* Starts potashd -d -c conf under a fresh fake NOTIFY_SOCKET. */
void	 testd_start(struct testd *);
/* Sends sig and waits: exit 0 after SIGTERM, killed after SIGKILL. */
void	 testd_stop(struct testd *, int);
/* A cmocka teardown: kills a daemon left running.  Returns 0. */
int	 testd_teardown(void **);
/* The first cell of sql as a number, -1 for NULL or no row. */
long	 testd_count(PGconn *, const char *);
/* Serves until sql counts at least want; fails the test after ms. */
void	 testd_wait_count(struct testd *, PGconn *, const char *, long, int);
/* The first cell of sql, which must not be NULL; malloc'd. */
char	*testd_value(PGconn *, const char *);
/* "YYYY-MM-DD" of today - k days (UTC) into out (16 bytes). */
void	 testd_day(int, char *);
/*
 * Serves path as the json feed the tests configure: {"data": [{"date":
 * dates[i], "price": values[i]}, ...]}.
 */
void	 testd_prices(struct testd *, const char *, const char *const *,
	    const char *const *, size_t);

#endif
