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
 *
 * Alongside: SQL helpers the integration tests share, and testd_ctl, which
 * runs potashctl and collects what it printed.
 */
#ifndef TESTS_TESTDAEMON_H
#define TESTS_TESTDAEMON_H

#include <sys/types.h>

#include <time.h>

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
	time_t			 t0;	/* testd_init's time, "today" */
};

/* An event loop, a fake server and a temp directory. */
void	 testd_init(struct testd *);
/* Frees what testd_init made and removes the directory. */
void	 testd_free(struct testd *);
/* Runs the loop (the fake server) for ms. */
void	 testd_serve(struct testd *, int);
/* Runs base for ms, for tests that have a loop but no daemon. */
void	 testd_loop(struct event_base *, int);
/* Starts potashd -d -c conf under a fresh fake NOTIFY_SOCKET. */
void	 testd_start(struct testd *);
/*
 * testd_start with an abstract ('@') NOTIFY_SOCKET if abstract, and the
 * extra "K=V" strings of env (NULL-terminated, may be NULL).
 */
void	 testd_start_env(struct testd *, int, const char *const *);
/* Sends sig and waits: exit 0 after SIGTERM, killed after SIGKILL. */
void	 testd_stop(struct testd *, int);
/* Sends SIGTERM and waits for STOPPING=1, then for exit 0; no serving. */
void	 testd_stop_notified(struct testd *);
/* A cmocka teardown: kills a daemon left running.  Returns 0. */
int	 testd_teardown(void **);
/* The first cell of sql as a number, -1 for NULL or no row. */
long	 testd_count(PGconn *, const char *);
/* Serves until sql counts at least want; fails the test after ms. */
void	 testd_wait_count(struct testd *, PGconn *, const char *, long, int);
/* The first cell of sql, which must not be NULL; malloc'd. */
char	*testd_value(PGconn *, const char *);
/*
 * The history of one (series key, period): "value@known_at,..." in UTC,
 * oldest first; malloc'd, NULL if none.
 */
char	*testd_history(PGconn *, const char *, const char *);
/* "YYYY-MM-DD" of today - k days (UTC) into out (16 bytes). */
void	 testd_day(int, char *);
/*
 * Serves path as the json feed the tests configure: {"data": [{"date":
 * dates[i], "price": values[i]}, ...]}.
 */
void	 testd_prices(struct testd *, const char *, const char *const *,
	    const char *const *, size_t);
/*
 * testd_prices with the dates today - oldest, today - oldest + 1, ...
 * (UTC), today being t0, so that they stay put through a test.
 */
void	 testd_prices_ago(struct testd *, const char *, int,
	    const char *const *, size_t);
/*
 * Runs potashctl [-c conf] args (conf may be NULL; args NULL-terminated,
 * at most TESTD_ARGS_MAX) with the extra "K=V" strings of env (may be
 * NULL).  Returns its exit status, -1 if it ran past a minute; its stdout
 * and stderr together go to *out, malloc'd ("" for no output).
 */
#define TESTD_ARGS_MAX	24
int	 testd_ctl(const char *, const char *const *, const char *const *,
	    char **);
/* A TCP port on 127.0.0.1 that was free a moment ago. */
int	 testd_free_port(void);
/* rm -rf dir; fails the test unless it succeeds. */
void	 testd_rmdir(const char *);
/*
 * For main: 0 when the throwaway PostgreSQL is there; otherwise says so
 * and returns the exit status, 1 under scripts/test (POTASH_PGTMP set),
 * else 77 (skipped).
 */
int	 testd_pg_missing(void);

#endif
