/* SPDX-License-Identifier: ISC */
/*
 * testdaemon: potashd under test; see testdaemon.h.
 */
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <event2/event.h>

#include "fakes/httpd.h"
#include "testdaemon.h"
#include "testpg.h"
#include "testproc.h"
#include "util/xmalloc.h"

/* The daemon of the running test, for testd_teardown. */
static pid_t	testd_running;

void
testd_init(struct testd *t)
{
	memset(t, 0, sizeof(*t));
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
	char	*cmd;

	fake_httpd_free(t->http);
	event_base_free(t->base);
	testnotify_free(t->tn);
	cmd = xasprintf("rm -rf '%s'", t->dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(t->conf);
	free(t->log);
	free(t->dir);
	memset(t, 0, sizeof(*t));
}

void
testd_serve(struct testd *t, int ms)
{
	struct timeval	tv = { ms / 1000, (ms % 1000) * 1000 };

	event_base_loopexit(t->base, &tv);
	event_base_dispatch(t->base);
}

void
testd_start(struct testd *t)
{
	const char	*argv[] = { getenv("POTASHD"), "-d", "-c", t->conf,
	    NULL };
	char		*env[2];

	testnotify_free(t->tn);
	t->tn = testnotify_open(0);
	env[0] = xasprintf("NOTIFY_SOCKET=%s", testnotify_path(t->tn));
	env[1] = NULL;
	t->pid = testproc_spawn(argv, (const char *const *)env, t->log);
	testd_running = t->pid;
	free(env[0]);
}

void
testd_stop(struct testd *t, int sig)
{
	kill(t->pid, sig);
	/* Keep serving while it drains. */
	testd_serve(t, 300);
	assert_int_equal(testproc_wait(t->pid, 10000),
	    sig == SIGKILL ? 128 + SIGKILL : 0);
	t->pid = 0;
	testd_running = 0;
}

int
testd_teardown(void **state)
{
	(void)state;
	if (testd_running > 0) {
		kill(testd_running, SIGKILL);
		(void)testproc_wait(testd_running, 5000);
		testd_running = 0;
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

void
testd_day(int k, char *out)
{
	time_t		t = time(NULL) - (time_t)k * 86400;
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
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
