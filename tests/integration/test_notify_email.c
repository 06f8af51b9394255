/* SPDX-License-Identifier: ISC */
/*
 * Integration test of email notifications against a real SMTP server from
 * Debian: scripts/sinks/mail-sink (python3-aiosmtpd) on loopback with
 * STARTTLS required on a throwaway certificate (scripts/sinks/make-cert)
 * and AUTH required, writing a maildir.
 *
 * - The first DATA is answered 451: retried, then delivered once; the
 *   envelope (sender, both recipients, TLS, the AUTH user) is checked in
 *   the sink's sidecar.
 * - Every received message is checked by tests/tools/mimecheck.py, an
 *   independent MIME parser (Python's email package): headers, CRLF and
 *   line lengths, both parts, encoded words, HTML.  The resolution threads
 *   under the firing message (In-Reply-To/References).
 * - A wrong password (535) and a rejected recipient (550) are permanent:
 *   dead-lettered after one attempt, and reported to the other channels.
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
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>

#include "fakes/httpd.h"
#include "testdaemon.h"
#include "testpg.h"
#include "testproc.h"
#include "util/xmalloc.h"

struct fx {
	struct testd	d;
	pid_t		sink;
	char		day[4][16];
};

/* The mail sink of the running test, stopped by teardown. */
static pid_t	running_sink;

static int
teardown(void **state)
{
	if (running_sink > 0) {
		kill(running_sink, SIGTERM);
		(void)testproc_wait(running_sink, 5000);
		running_sink = 0;
	}
	return (testd_teardown(state));
}

static void
serve_prices(struct fx *f, const char *const *values, size_t n)
{
	const char	*dates[4];
	size_t		 i;

	for (i = 0; i < n; i++)
		dates[i] = f->day[3 - i];
	testd_prices(&f->d, "/prices", dates, values, n);
}

/* The output of a shell command, trailing newline removed. */
static char *
run(const char *cmd)
{
	FILE	*p;
	char	 buf[8192];
	size_t	 n;

	assert_non_null(p = popen(cmd, "r"));
	n = fread(buf, 1, sizeof(buf) - 1, p);
	buf[n] = '\0';
	assert_int_equal(pclose(p), 0);
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return (xstrdup(buf));
}

/* Messages in the maildir whose text holds needle, one path per line. */
static char *
find_mail(struct fx *f, const char *needle)
{
	char	*cmd, *out;

	cmd = xasprintf("grep -l -F -- '%s' '%s'/mail/new/* 2>/dev/null || "
	    "true", needle, f->d.dir);
	out = run(cmd);
	free(cmd);
	return (out);
}

static size_t
lines(const char *s)
{
	size_t	n = 0;

	if (*s == '\0')
		return (0);
	for (n = 1; *s != '\0'; s++)
		n += *s == '\n';
	return (n);
}

/* The value of header name in the message at path (first line only). */
static char *
header(const char *path, const char *name)
{
	char	*text, *p, *end, *v;
	char	*pat = xasprintf("\r\n%s: ", name);

	assert_non_null(text = testproc_read(path));
	p = strstr(text, pat);
	assert_non_null(p);
	p += strlen(pat);
	end = strstr(p, "\r\n");
	v = xstrndup(p, (size_t)(end - p));
	free(text);
	free(pat);
	return (v);
}

static void
start_sink(struct fx *f)
{
	char	*argv[24], *portfile, *cmd;
	int	 i = 0, waited;

	cmd = xasprintf("'%s/scripts/sinks/make-cert' '%s/tls' >/dev/null",
	    getenv("POTASH_SOURCE_ROOT"), f->d.dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	portfile = xasprintf("%s/mail.port", f->d.dir);
	argv[i++] = xstrdup("/usr/bin/python3");
	argv[i++] = xasprintf("%s/scripts/sinks/mail-sink",
	    getenv("POTASH_SOURCE_ROOT"));
	argv[i++] = xstrdup("--port");
	argv[i++] = xstrdup("0");
	argv[i++] = xstrdup("--port-file");
	argv[i++] = xstrdup(portfile);
	argv[i++] = xstrdup("--maildir");
	argv[i++] = xasprintf("%s/mail", f->d.dir);
	argv[i++] = xstrdup("--tls-cert");
	argv[i++] = xasprintf("%s/tls/server.pem", f->d.dir);
	argv[i++] = xstrdup("--tls-key");
	argv[i++] = xasprintf("%s/tls/server.key", f->d.dir);
	argv[i++] = xstrdup("--require-tls");
	argv[i++] = xstrdup("--auth");
	argv[i++] = xstrdup("potashd:right-password");
	argv[i++] = xstrdup("--fail-first");
	argv[i++] = xstrdup("1");
	argv[i++] = xstrdup("--reject");
	argv[i++] = xstrdup("bad@example.org");
	argv[i] = NULL;
	f->sink = testproc_spawn((const char *const *)argv, NULL, f->d.log);
	running_sink = f->sink;
	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	for (waited = 0; waited < 10000; waited += 50) {
		char	*p = testproc_read(portfile);

		if (p != NULL && *p != '\0') {
			free(p);
			break;
		}
		free(p);
		testd_serve(&f->d, 50);
	}
	assert_true(waited < 10000);
	free(portfile);
}

static void
fixture(struct fx *f, const char *db)
{
	char		*text, *port, *path;
	int		 k;

	memset(f, 0, sizeof(*f));
	for (k = 0; k < 4; k++)
		testd_day(k, f->day[k]);
	testd_init(&f->d);
	start_sink(f);
	path = xasprintf("%s/mail.port", f->d.dir);
	port = testproc_read(path);
	free(path);
	port[strcspn(port, "\r\n")] = '\0';
	path = xasprintf("%s/right.pw", f->d.dir);
	testproc_write(path, "right-password\n");
	free(path);
	path = xasprintf("%s/wrong.pw", f->d.dir);
	testproc_write(path, "wrong-password\n");
	free(path);
#define MAILCHAN(name, pw, to) \
	"channel \"" name "\" {\n  type = email\n" \
	"  url = \"smtp://127.0.0.1:%s\"\n  ca_file = \"tls/ca.pem\"\n" \
	"  username = \"potashd\"\n  password_file = \"" pw "\"\n" \
	"  from = \"potashd <alerts@example.org>\"\n  to = " to "\n" \
	"  group_wait = 0s\n  group_interval = 1s\n" \
	"  retry_initial = 100ms\n  retry_max = 300ms\n  timeout = 5s\n}\n"
	text = xasprintf("state_directory = \"%s\"\n"
	    "database {\n  conninfo = \"dbname=%s\"\n  batch_delay = 10ms\n}\n"
	    "http { listen = \"\" }\n"
	    "log { level = debug }\n"
	    "feed \"prices\" {\n  kind = \"json\"\n"
	    "  url = \"%s/prices\"\n  interval = 1s\n  jitter = 0s\n"
	    "  rows = \"data\"\n  period_field = \"date\"\n"
	    "  values = {\"price=>test/potash:USD/t\"}\n}\n"
	    MAILCHAN("mail", "right.pw",
	    "{\"desk@example.org\", \"Analyst <analyst@example.org>\"}")
	    MAILCHAN("badauth", "wrong.pw", "{\"desk@example.org\"}")
	    MAILCHAN("rejected", "right.pw", "{\"bad@example.org\"}")
	    "rule \"high\" {\n  kind = threshold\n"
	    "  series = \"test/*\"\n  above = 400\n  clear = 380\n"
	    "  severity = critical\n"
	    "  annotations { summary = \"Kalium {{value}} über {{threshold}}\" }\n"
	    "  notify = {\"mail\"}\n}\n"
	    "rule \"high-elsewhere\" {\n  kind = threshold\n"
	    "  series = \"test/*\"\n  above = 400\n"
	    "  notify = {\"badauth\", \"rejected\"}\n}\n",
	    f->d.dir, db, fake_httpd_url(f->d.http), port, port, port);
#undef MAILCHAN
	testproc_write(f->d.conf, text);
	free(text);
	free(port);
}

static void
test_email(void **state)
{
	const char	*db = "t_notify_email";
	const char	*v1[] = { "350", "410" };
	const char	*v2[] = { "350", "410", "370" };
	struct fx	 f;
	PGconn		*conn;
	char		*v, *firing, *resolved, *cmd, *out, *mid, *side;

	(void)state;
	conn = testpg_fresh(db);
	fixture(&f, db);
	serve_prices(&f, v1, 2);
	testd_start(&f.d);

	/* 451 on the first DATA, then delivered. */
	testd_wait_count(&f.d, conn, "SELECT count(*) FROM potash.notifications "
	    "WHERE channel = 'mail' AND reason = 'new' AND status = 'sent'",
	    1, 30000);
	v = testd_value(conn, "SELECT string_agg(a.outcome || ':' || "
	    "COALESCE(a.status_code::text, '-'), ' ' ORDER BY a.attempt) "
	    "FROM potash.notification_attempts a JOIN potash.notifications n "
	    "ON n.id = a.notification_id WHERE n.channel = 'mail' AND "
	    "n.reason = 'new'");
	assert_string_equal(v, "retry:451 sent:250");
	free(v);

	/* 535 and 550: dead after one attempt each, and reported. */
	testd_wait_count(&f.d, conn, "SELECT count(*) FROM potash.notifications "
	    "WHERE channel IN ('badauth', 'rejected') AND reason = 'new' AND "
	    "status = 'dead'", 2, 20000);
	v = testd_value(conn, "SELECT string_agg(n.channel || ':' || a.outcome || "
	    "':' || a.status_code, ' ' ORDER BY n.channel) FROM "
	    "potash.notification_attempts a JOIN potash.notifications n ON "
	    "n.id = a.notification_id WHERE n.reason = 'new' AND n.channel "
	    "<> 'mail'");
	assert_string_equal(v, "badauth:permanent:535 rejected:permanent:550");
	free(v);
	testd_wait_count(&f.d, conn, "SELECT count(*) FROM potash.notifications "
	    "WHERE channel = 'mail' AND reason = 'notification_dead' AND "
	    "status = 'sent'", 2, 20000);

	/* The firing message: once, to both recipients, over TLS with
	 * AUTH, and well-formed to an independent parser. */
	out = find_mail(&f, "X-Potashd-Notification");
	assert_int_equal(lines(out), 3);
	free(out);
	out = find_mail(&f, "notification_dead");
	assert_int_equal(lines(out), 2);
	free(out);
	/* Of the three, the one that is not a dead-letter report. */
	cmd = xasprintf("grep -L -F notification_dead '%s'/mail/new/*",
	    f.d.dir);
	firing = run(cmd);
	free(cmd);
	assert_int_equal(lines(firing), 1);
	side = xasprintf("%s", firing);
	{
		char	*slash = strrchr(side, '/'), *base = xstrdup(slash + 1);
		char	*envpath = xasprintf("%s/mail/envelopes/%s.json",
		    f.d.dir, base);
		char	*env = testproc_read(envpath);

		assert_non_null(env);
		assert_non_null(strstr(env, "\"alerts@example.org\""));
		assert_non_null(strstr(env, "\"desk@example.org\""));
		assert_non_null(strstr(env, "\"analyst@example.org\""));
		assert_non_null(strstr(env, "\"tls\": true"));
		assert_non_null(strstr(env, "\"auth_user\": \"potashd\""));
		free(env);
		free(envpath);
		free(base);
	}
	free(side);
	mid = header(firing, "Message-ID");
	assert_true(strncmp(mid, "<g.", 3) == 0);

	/* The resolution: threaded under the firing message. */
	serve_prices(&f, v2, 3);
	testd_wait_count(&f.d, conn, "SELECT count(*) FROM potash.notifications "
	    "WHERE channel = 'mail' AND reason = 'resolved' AND status = "
	    "'sent'", 1, 30000);
	v = xasprintf("In-Reply-To: %s", mid);
	resolved = find_mail(&f, v);
	free(v);
	assert_int_equal(lines(resolved), 1);
	v = header(resolved, "References");
	assert_string_equal(v, mid);
	free(v);

	/* Every message passes the independent MIME check; the firing one
	 * with its decoded subject and evidence. */
	cmd = xasprintf("/usr/bin/python3 '%s/tests/tools/mimecheck.py' "
	    "'%s/mail' >/dev/null", getenv("POTASH_SOURCE_ROOT"), f.d.dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	cmd = xasprintf("/usr/bin/python3 '%s/tests/tools/mimecheck.py' "
	    "--subject '[potashd] FIRING: Kalium 410 über 400' "
	    "--in-reply-to - '%s' >/dev/null", getenv("POTASH_SOURCE_ROOT"),
	    firing);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	cmd = xasprintf("/usr/bin/python3 '%s/tests/tools/mimecheck.py' "
	    "--in-reply-to '%s' --references '%s' '%s' >/dev/null",
	    getenv("POTASH_SOURCE_ROOT"), mid, mid, resolved);
	assert_int_equal(system(cmd), 0);
	free(cmd);

	testd_stop(&f.d, SIGTERM);
	kill(f.sink, SIGTERM);
	assert_int_equal(testproc_wait(f.sink, 10000), 0);
	running_sink = 0;

	free(mid);
	free(firing);
	free(resolved);
	testd_free(&f.d);
	testpg_drop(conn, db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_email, teardown),
	};
	int	rc;

	if ((rc = testd_pg_missing()) != 0)
		return (rc);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
