/* SPDX-License-Identifier: ISC */
/*
 * testdaemon: potashd under test; see testdaemon.h.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>

#include "fakes/httpd.h"
#include "testdaemon.h"
#include "testpg.h"
#include "testproc.h"
#include "util/xmalloc.h"

/* The daemons of the running test, for testd_teardown. */
#define TESTD_RUNNING_MAX	4
static pid_t	testd_running[TESTD_RUNNING_MAX];

static void
testd_running_set(pid_t old, pid_t pid)
{
	size_t	i;

	/* Forget daemons a test reaped itself. */
	for (i = 0; old == 0 && i < TESTD_RUNNING_MAX; i++) {
		if (testd_running[i] > 0 && kill(testd_running[i], 0) == -1 &&
		    errno == ESRCH)
			testd_running[i] = 0;
	}
	for (i = 0; i < TESTD_RUNNING_MAX; i++) {
		if (testd_running[i] == old) {
			testd_running[i] = pid;
			return;
		}
	}
	fail_msg("more than %d daemons at once", TESTD_RUNNING_MAX);
}

void
testd_init(struct testd *t)
{
	memset(t, 0, sizeof(*t));
	t->t0 = time(NULL);
	t->base = event_base_new();
	assert_non_null(t->base);
	t->http = fake_httpd_new(t->base);
	assert_non_null(t->http);
	t->dir = testproc_tmpdir();
	t->conf = xasprintf("%s/potashd.conf", t->dir);
	t->log = xasprintf("%s/potashd.log", t->dir);
}

void
testd_free(struct testd *t)
{
	fake_httpd_free(t->http);
	event_base_free(t->base);
	testnotify_free(t->tn);
	testd_rmdir(t->dir);
	free(t->conf);
	free(t->log);
	free(t->dir);
	memset(t, 0, sizeof(*t));
}

void
testd_serve(struct testd *t, int ms)
{
	testd_loop(t->base, ms);
}

void
testd_loop(struct event_base *base, int ms)
{
	struct timeval	tv = { ms / 1000, (ms % 1000) * 1000 };

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

void
testd_start(struct testd *t)
{
	testd_start_env(t, 0, NULL);
}

void
testd_start_env(struct testd *t, int abstract, const char *const *env)
{
	const char	*argv[] = { getenv("POTASHD"), "-d", "-c", t->conf,
	    NULL };
	const char	**envp;
	char		*notify;
	size_t		 i, n = 0;

	while (env != NULL && env[n] != NULL)
		n++;
	testnotify_free(t->tn);
	t->tn = testnotify_open(abstract);
	notify = xasprintf("NOTIFY_SOCKET=%s", testnotify_path(t->tn));
	envp = xcalloc(n + 2, sizeof(*envp));
	envp[0] = notify;
	for (i = 0; i < n; i++)
		envp[i + 1] = env[i];
	t->pid = testproc_spawn(argv, envp, t->log);
	testd_running_set(0, t->pid);
	free(envp);
	free(notify);
}

void
testd_stop(struct testd *t, int sig)
{
	kill(t->pid, sig);
	/* Keep serving while it drains. */
	testd_serve(t, 300);
	assert_int_equal(testproc_wait(t->pid, 10000),
	    sig == SIGKILL ? 128 + SIGKILL : 0);
	testd_running_set(t->pid, 0);
	t->pid = 0;
}

void
testd_stop_notified(struct testd *t)
{
	assert_int_equal(kill(t->pid, SIGTERM), 0);
	assert_true(testnotify_wait(t->tn, "STOPPING=1", 10000));
	assert_int_equal(testproc_wait(t->pid, 10000), 0);
	testd_running_set(t->pid, 0);
	t->pid = 0;
}

int
testd_teardown(void **state)
{
	size_t	i;

	(void)state;
	for (i = 0; i < TESTD_RUNNING_MAX; i++) {
		if (testd_running[i] > 0) {
			kill(testd_running[i], SIGKILL);
			(void)testproc_wait(testd_running[i], 5000);
			testd_running[i] = 0;
		}
	}
	return (0);
}

long
testd_count(PGconn *conn, const char *sql)
{
	char	*v = testpg_value(conn, sql);
	long	 n = v != NULL ? atol(v) : -1;

	free(v);
	return (n);
}

void
testd_wait_count(struct testd *t, PGconn *conn, const char *sql, long want,
    int ms)
{
	int	waited;

	for (waited = 0; waited < ms; waited += 100) {
		testd_serve(t, 100);
		if (testd_count(conn, sql) >= want)
			return;
	}
	fail_msg("timed out waiting for %ld from: %s", want, sql);
}

char *
testd_value(PGconn *conn, const char *sql)
{
	char	*v = testpg_value(conn, sql);

	if (v == NULL)
		fail_msg("NULL or no row from: %s", sql);
	return (v);
}

char *
testd_history(PGconn *conn, const char *key, const char *period)
{
	char	*sql, *v;

	sql = xasprintf("SELECT string_agg(o.value::text || '@' || "
	    "to_char(o.known_at AT TIME ZONE 'UTC', "
	    "'YYYY-MM-DD HH24:MI:SS.US'), ',' ORDER BY o.known_at) "
	    "FROM potash.observations o JOIN potash.series s ON "
	    "s.id = o.series_id WHERE s.key = '%s' AND o.period = '%s'",
	    key, period);
	v = testpg_value(conn, sql);
	free(sql);
	return (v);
}

/* "YYYY-MM-DD" of t - k days (UTC) into out (16 bytes). */
static void
testd_day_from(time_t t, int k, char *out)
{
	struct tm	tm;

	t -= (time_t)k * 86400;
	gmtime_r(&t, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

void
testd_day(int k, char *out)
{
	testd_day_from(time(NULL), k, out);
}

void
testd_prices(struct testd *t, const char *path, const char *const *dates,
    const char *const *values, size_t n)
{
	struct fake_httpd_route	 r;
	char			 body[4096];
	size_t			 i, len;

	len = (size_t)snprintf(body, sizeof(body), "{\"data\": [");
	for (i = 0; i < n && len < sizeof(body); i++)
		len += (size_t)snprintf(body + len, sizeof(body) - len,
		    "%s{\"date\": \"%s\", \"price\": \"%s\"}",
		    i > 0 ? ", " : "", dates[i], values[i]);
	assert_true(len < sizeof(body) - 3);
	snprintf(body + len, sizeof(body) - len, "]}");
	memset(&r, 0, sizeof(r));
	r.path = path;
	r.body = body;
	fake_httpd_route(t->http, &r);
}

void
testd_prices_ago(struct testd *t, const char *path, int oldest,
    const char *const *values, size_t n)
{
	char		(*days)[16];
	const char	**dates;
	size_t		 i;

	days = xcalloc(n, sizeof(*days));
	dates = xcalloc(n, sizeof(*dates));
	for (i = 0; i < n; i++) {
		testd_day_from(t->t0, oldest - (int)i, days[i]);
		dates[i] = days[i];
	}
	testd_prices(t, path, dates, values, n);
	free(dates);
	free(days);
}

int
testd_ctl(const char *conf, const char *const *args, const char *const *env,
    char **out)
{
	const char	*argv[TESTD_ARGS_MAX + 4];
	char		*dir, *log;
	size_t		 i, n = 0;
	int		 code;

	argv[n++] = getenv("POTASHCTL");
	if (conf != NULL) {
		argv[n++] = "-c";
		argv[n++] = conf;
	}
	for (i = 0; args[i] != NULL; i++) {
		if (i == TESTD_ARGS_MAX)
			fail_msg("potashctl %s: more than %d arguments",
			    args[0], TESTD_ARGS_MAX);
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	dir = testproc_tmpdir();
	log = xasprintf("%s/out", dir);
	code = testproc_wait(testproc_spawn(argv, env, log), 60000);
	*out = testproc_read(log);
	if (*out == NULL)
		*out = xstrdup("");
	testd_rmdir(dir);
	free(log);
	free(dir);
	return (code);
}

void
testd_rmdir(const char *dir)
{
	char	*cmd = xasprintf("rm -rf '%s'", dir);

	assert_int_equal(system(cmd), 0);
	free(cmd);
}

int
testd_pg_missing(void)
{
	if (testpg_available())
		return (0);
	fprintf(stderr, "no PostgreSQL (PGHOST unset?): run scripts/test\n");
	return (getenv("POTASH_PGTMP") != NULL ? 1 : 77);
}

int
testd_free_port(void)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			fd, port;

	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return (port);
}
