/* SPDX-License-Identifier: ISC */
/*
 * Integration test of the live dashboard as a browser renders it.
 *
 * potashd runs on a fresh throwaway PostgreSQL database (migrated, so
 * the seeded sanctions events are there) with two feeds read from
 * file:// URLs: a JSON feed of recent daily prices (test/potash) and a
 * CSV feed of monthly values since 2020 whose header names two series,
 * one of them "<script>alert(1)</script><script>document.title=
 * 'pwned'</script>" with the key "evil/<script>alert(1)</script>".  Two
 * threshold rules fire on them.  Once /readyz answers 200, Debian's
 * headless Chromium (--dump-dom, then --screenshot) loads "/" and one
 * alert's page, and the DOM as the browser built it must hold:
 *
 * - one chart (<svg class="chart">) per series in potash.series, in one
 *   card each, the CSV series' charts with the sanctions events of their
 *   range as markers (<g class="ev ...">), and the events table;
 * - the alert table with a row per alert in potash.alerts, each linking
 *   to its page, whose own DOM shows the alert;
 * - the hostile name and key as text only: escaped in the serialized DOM,
 *   no <script> element anywhere, and the title the script would have
 *   changed still "potashd" (the page's CSP forbids scripts anyway).
 *
 * The screenshots (1400x2000) must be PNG files of some size; they are
 * kept as test artifacts in $POTASH_BUILD_ROOT/meson-logs/ (dashboard.png,
 * alert.png), and their paths are printed.  Chromium runs in its own
 * process group with a throwaway profile and HOME, stderr ignored (it
 * talks about DBus and GPUs), and is killed after BROWSER_TIMEOUT_MS.
 * Without chromium the test fails under scripts/test (POTASH_PGTMP set)
 * and is skipped elsewhere, as a missing PostgreSQL is.  The valgrind
 * phase runs the unit suite only, so no browser runs under valgrind.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
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
#include <curl/curl.h>

#include "testdaemon.h"
#include "testpg.h"
#include "testproc.h"
#include "util/xmalloc.h"

#define BROWSER_TIMEOUT_MS	60000
#define BROWSER_DB		"t_browser"
#define EVIL_NAME		"<script>alert(1)</script>" \
				"<script>document.title='pwned'</script>"
#define EVIL_KEY		"evil/<script>alert(1)</script>"
/* How the serialized DOM writes them in a text node. */
#define EVIL_NAME_DOM		"&lt;script&gt;alert(1)&lt;/script&gt;" \
				"&lt;script&gt;document.title='pwned'" \
				"&lt;/script&gt;"
#define EVIL_KEY_DOM		"evil/&lt;script&gt;alert(1)&lt;/script&gt;"
#define PNG_MIN_BYTES		(40 * 1024)

/* The chromium to run: $POTASH_CHROMIUM, else "chromium" on PATH. */
static char	*browser_path;

/* The daemon of the test, static: a failed assertion leaves the test's
 * frame, and the teardown still needs it. */
static struct testd	 browser_d;
static struct testd	*browser_current;
static PGconn		*browser_conn;
static char		*browser_profile;

/* The path of an executable name on PATH, malloc'd, or NULL. */
static char *
browser_which(const char *name)
{
	const char	*path = getenv("PATH"), *p, *end;
	char		*full;

	if (path == NULL)
		path = "/usr/bin:/bin";
	for (p = path; *p != '\0'; p = *end != '\0' ? end + 1 : end) {
		end = p + strcspn(p, ":");
		if (end == p)
			continue;
		full = xasprintf("%.*s/%s", (int)(end - p), p, name);
		if (access(full, X_OK) == 0)
			return (full);
		free(full);
	}
	return (NULL);
}

static size_t
browser_discard_cb(char *data, size_t size, size_t n, void *arg)
{
	(void)data;
	(void)arg;
	return (size * n);
}

/* The status of GET url, 0 if nothing answered. */
static long
browser_status(const char *url)
{
	CURL	*c;
	long	 status = 0;

	assert_non_null(c = curl_easy_init());
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, browser_discard_cb);
	if (curl_easy_perform(c) != CURLE_OK ||
	    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK)
		status = 0;
	curl_easy_cleanup(c);
	return (status);
}

/*
 * Runs chromium headless on url with the extra arguments (NULL-terminated)
 * in its own process group, stdout to out (if not NULL), stderr dropped.
 * Returns its exit status; fails the test if it runs past the timeout
 * (the whole group is killed then, and always at the end).
 */
static int
browser_run(const char *url, const char *out, const char *const *extra)
{
	const char	*argv[24];
	char		*profile, *home, *err;
	size_t		 n = 0, i;
	pid_t		 pid, w;
	int		 status = 0, waited, fd;

	profile = xasprintf("--user-data-dir=%s/profile", browser_profile);
	home = xasprintf("%s/home", browser_profile);
	err = xasprintf("%s/chromium.stderr", browser_profile);
	(void)mkdir(home, 0700);
	argv[n++] = browser_path;
	argv[n++] = "--headless";
	argv[n++] = "--no-sandbox";
	argv[n++] = "--disable-gpu";
	argv[n++] = "--no-first-run";
	argv[n++] = "--disable-background-networking";
	argv[n++] = "--disable-component-update";
	argv[n++] = "--disable-sync";
	argv[n++] = profile;
	for (i = 0; extra[i] != NULL; i++)
		argv[n++] = extra[i];
	argv[n++] = url;
	argv[n] = NULL;
	assert_true(n < sizeof(argv) / sizeof(argv[0]));

	fflush(NULL);
	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		/* Its own group: the renderers go with it on a timeout. */
		(void)setpgid(0, 0);
		fd = open(out != NULL ? out : "/dev/null",
		    O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd == -1 || dup2(fd, 1) == -1)
			_exit(126);
		close(fd);
		fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd == -1 || dup2(fd, 2) == -1)
			_exit(126);
		close(fd);
		if ((fd = open("/dev/null", O_RDONLY)) != -1) {
			(void)dup2(fd, 0);
			close(fd);
		}
		/* Nothing of the test's user: a profile of its own. */
		setenv("HOME", home, 1);
		setenv("XDG_CONFIG_HOME", home, 1);
		setenv("XDG_CACHE_HOME", home, 1);
		/* execv's prototype predates const; it does not write. */
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	(void)setpgid(pid, pid);
	for (waited = 0; ; waited += 50) {
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		assert_true(w == 0 || errno == EINTR);
		if (waited >= BROWSER_TIMEOUT_MS) {
			(void)kill(-pid, SIGKILL);
			(void)waitpid(pid, &status, 0);
			fail_msg("chromium did not finish %s within %d s", url,
			    BROWSER_TIMEOUT_MS / 1000);
		}
		usleep(50000);
	}
	/* Whatever it left behind in its group. */
	(void)kill(-pid, SIGKILL);
	free(profile);
	free(home);
	free(err);
	if (WIFEXITED(status))
		return (WEXITSTATUS(status));
	return (128 + WTERMSIG(status));
}

/* The DOM of url as chromium serializes it after loading; malloc'd. */
static char *
browser_dom(const char *url)
{
	const char *const	 extra[] = { "--dump-dom", NULL };
	char			*out, *dom;
	int			 rc;

	out = xasprintf("%s/dom.html", browser_profile);
	rc = browser_run(url, out, extra);
	if (rc != 0)
		fail_msg("chromium --dump-dom %s: exit status %d", url, rc);
	dom = testproc_read(out);
	assert_non_null(dom);
	if (strlen(dom) < 1000)
		fail_msg("chromium --dump-dom %s: only this:\n%s", url, dom);
	free(out);
	return (dom);
}

/* Takes a screenshot of url to path and checks it is a PNG of size. */
static void
browser_screenshot(const char *url, const char *path)
{
	static const unsigned char	 sig[8] = { 0x89, 'P', 'N', 'G', '\r',
	    '\n', 0x1a, '\n' };
	const char			*extra[] = { NULL,
	    "--window-size=1400,2000", NULL };
	unsigned char			 head[24];
	struct stat			 st;
	char				*opt;
	uint32_t			 w, h;
	FILE				*fp;
	int				 rc;

	opt = xasprintf("--screenshot=%s", path);
	(void)unlink(path);
	extra[0] = opt;
	rc = browser_run(url, NULL, extra);
	if (rc != 0)
		fail_msg("chromium --screenshot %s: exit status %d", url, rc);
	free(opt);
	if (stat(path, &st) == -1)
		fail_msg("chromium wrote no screenshot to %s", path);
	assert_non_null(fp = fopen(path, "rb"));
	assert_int_equal(fread(head, 1, sizeof(head), fp), sizeof(head));
	fclose(fp);
	assert_memory_equal(head, sig, sizeof(sig));
	/* The first chunk is IHDR: width and height, big-endian. */
	assert_memory_equal(head + 12, "IHDR", 4);
	w = (uint32_t)head[16] << 24 | (uint32_t)head[17] << 16 |
	    (uint32_t)head[18] << 8 | head[19];
	h = (uint32_t)head[20] << 24 | (uint32_t)head[21] << 16 |
	    (uint32_t)head[22] << 8 | head[23];
	assert_int_equal(w, 1400);
	assert_int_equal(h, 2000);
	/* A blank page compresses to a few KB; charts and tables do not. */
	if (st.st_size < PNG_MIN_BYTES)
		fail_msg("%s: %lld bytes, a blank page?", path,
		    (long long)st.st_size);
	fprintf(stderr, "test artifact: screenshot of %s: %s (%lld bytes)\n",
	    url, path, (long long)st.st_size);
}

static long
browser_count(const char *hay, const char *needle)
{
	long	n = 0;

	while (hay != NULL && (hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return (n);
}

/* The text from the first from up to the next to, malloc'd; fails if
 * either is missing. */
static char *
browser_between(const char *dom, const char *from, const char *to)
{
	const char	*a, *b;

	if ((a = strstr(dom, from)) == NULL || (b = strstr(a, to)) == NULL)
		fail_msg("no %s ... %s in the DOM", from, to);
	return (xstrndup(a, (size_t)(b - a)));
}

static void
browser_expect(const char *dom, const char *want)
{
	if (strstr(dom, want) == NULL) {
		/* cmocka cuts long messages. */
		fprintf(stderr, "--- DOM ---\n%s\n--- end ---\n", dom);
		fail_msg("no \"%s\" in the DOM above", want);
	}
}

/* Whether the DOM holds a <script element, in any case. */
static int
browser_has_script(const char *dom)
{
	const char	*p;

	for (p = dom; (p = strchr(p, '<')) != NULL; p++)
		if (strncasecmp(p + 1, "script", 6) == 0)
			return (1);
	return (0);
}

/* Writes the feeds' files: recent daily prices, monthly CSV since 2020. */
static void
browser_feeds(struct testd *d)
{
	static const char *const	 prices[] = { "350.25", "372",
	    "399.999", "401.50", "412", "405" };
	struct tm			 tm;
	time_t				 now = time(NULL);
	char				*path, *text, *tmp, day[16];
	int				 k, y, m, i;

	text = xstrdup("{\"data\": [");
	for (k = 0; k < 6; k++) {
		testd_day(5 - k, day);
		tmp = xasprintf("%s%s{\"date\": \"%s\", \"price\": \"%s\"}",
		    text, k > 0 ? ", " : "", day, prices[k]);
		free(text);
		text = tmp;
	}
	tmp = xasprintf("%s]}\n", text);
	free(text);
	path = xasprintf("%s/prices.json", d->dir);
	testproc_write(path, tmp);
	free(path);
	free(tmp);

	/* Up to this month: a value known now for a recent period fires,
	 * older ones are backfill. */
	gmtime_r(&now, &tm);
	text = xstrdup("month,Belaruskali FCA Klaipeda," EVIL_NAME "\n");
	for (y = 2020, m = 1, i = 0; y < tm.tm_year + 1900 ||
	    (y == tm.tm_year + 1900 && m <= tm.tm_mon + 1); i++) {
		tmp = xasprintf("%s%04d-%02d-01,%d,%d\n", text, y, m,
		    230 + (i * 37) % 300 + (i > 18 && i < 36 ? 600 : 0),
		    1000 + (i * 53) % 400);
		free(text);
		text = tmp;
		if (++m == 13) {
			m = 1;
			y++;
		}
	}
	path = xasprintf("%s/belarus.csv", d->dir);
	testproc_write(path, text);
	free(path);
	free(text);
}

static void
browser_config(struct testd *d, int port)
{
	char	*text;

	text = xasprintf("state_directory = \"%s\"\n"
	    "database {\n  conninfo = \"dbname=" BROWSER_DB "\"\n"
	    "  batch_delay = 10ms\n}\n"
	    "http {\n  listen = \"127.0.0.1:%d\"\n}\n"
	    "log { level = debug }\n"
	    "feed \"prices\" {\n  kind = \"json\"\n"
	    "  url = \"file://%s/prices.json\"\n  interval = 1h\n"
	    "  jitter = 0s\n  rows = \"data\"\n  period_field = \"date\"\n"
	    "  values = {\"price=>test/potash:USD/t\"}\n}\n"
	    "feed \"belarus\" {\n  kind = \"csv\"\n"
	    "  url = \"file://%s/belarus.csv\"\n  interval = 1h\n"
	    "  jitter = 0s\n  period_column = \"month\"\n"
	    "  values = {\"Belaruskali FCA Klaipeda=>csv/belaruskali:USD/t\", "
	    "\"" EVIL_NAME "=>" EVIL_KEY ":t\"}\n}\n"
	    "rule \"high\" {\n  kind = threshold\n"
	    "  series = \"test/*\"\n  above = 400\n  clear = 380\n"
	    "  severity = critical\n"
	    "  annotations { summary = \"potash {{value}} above "
	    "{{threshold}}\" }\n}\n"
	    "rule \"evil-volume\" {\n  kind = threshold\n"
	    "  series = \"" EVIL_KEY "\"\n  above = 100\n"
	    "  severity = warning\n"
	    "  labels { team = \"<b>market</b>\" }\n"
	    "  annotations { summary = \"{{series}} at {{value}} t\" }\n}\n",
	    d->dir, port, d->dir, d->dir);
	testproc_write(d->conf, text);
	free(text);
}

/* The first cell of sql, malloc'd ("" for NULL). */
static char *
browser_db(PGconn *conn, const char *sql)
{
	char	*v = testpg_value(conn, sql);

	return (v != NULL ? v : xstrdup(""));
}

/* The dashboard: charts, markers, events, alerts, the hostile name. */
static void
browser_check_dashboard(PGconn *conn, const char *dom)
{
	PGresult	*res;
	char		*sec, *want, *v, *head;
	long		 nseries, nevents, nalerts, marks;
	int		 i;

	nseries = testd_count(conn, "SELECT count(*) FROM potash.series");
	assert_int_equal(nseries, 3);
	/* One card with one chart per series, and no other chart. */
	sec = browser_between(dom, "<section id=\"series\">", "</section>");
	assert_int_equal(browser_count(sec, "<article class=\"card\""),
	    nseries);
	assert_int_equal(browser_count(sec, "<svg "), nseries);
	assert_int_equal(browser_count(sec, "class=\"chart\""), nseries);
	assert_int_equal(browser_count(dom, "<svg "), nseries);
	browser_expect(sec, "test/potash");
	browser_expect(sec, "csv/belaruskali");
	browser_expect(sec, "Belaruskali FCA Klaipeda");
	/* Markers: the seeded events inside each chart's range, which for
	 * the monthly series is all of them (2021-2025); the daily series
	 * of the last days has none. */
	nevents = testd_count(conn, "SELECT count(*) FROM "
	    "potash.sanctions_events");
	assert_true(nevents >= 10);
	marks = testd_count(conn, "SELECT count(*) FROM "
	    "potash.sanctions_events e WHERE COALESCE(e.effective_on, "
	    "e.announced_on) >= '2020-01-01'");
	assert_int_equal(browser_count(sec, "<g class=\"ev ev-"), 2 * marks);
	assert_true(browser_count(sec, "<g class=\"ev ev-tighten\">") > 0);
	assert_true(browser_count(sec, "<g class=\"ev ev-ease\">") > 0);
	assert_true(browser_count(sec, "<line class=\"mark\"") >= 2 * marks);
	browser_expect(sec, ">US EO 14038</text>");
	/* The firing periods shaded. */
	assert_true(browser_count(sec, "<rect class=\"span\"") >= 2);
	free(sec);
	sec = browser_between(dom, "<section id=\"events\">", "</section>");
	assert_int_equal(browser_count(sec, "<td class=\"nowrap\">"),
	    nevents);
	browser_expect(sec, "EO 14038");
	free(sec);

	/* The alert table: a row per alert, each linking to its page. */
	nalerts = testd_count(conn, "SELECT count(*) FROM potash.alerts");
	assert_int_equal(nalerts, 2);
	sec = browser_between(dom, "<section id=\"alerts\">", "</section>");
	assert_int_equal(browser_count(sec, "<tbody>"), 1);
	assert_int_equal(browser_count(sec, "<tr"), nalerts + 1);
	assert_int_equal(browser_count(sec, "st-firing\">firing</span>"),
	    nalerts);
	res = PQexec(conn, "SELECT rule, fingerprint FROM potash.alerts "
	    "ORDER BY rule");
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	for (i = 0; i < PQntuples(res); i++) {
		want = xasprintf("<a class=\"alert-link\" href=\"alerts/%s\">"
		    "%s</a>", PQgetvalue(res, i, 1), PQgetvalue(res, i, 0));
		browser_expect(sec, want);
		free(want);
	}
	PQclear(res);
	v = browser_db(conn, "SELECT annotations->>'summary' FROM "
	    "potash.alerts WHERE rule = 'high'");
	assert_true(strncmp(v, "potash 4", 8) == 0);
	browser_expect(sec, v);
	free(v);
	browser_expect(sec, "<code>" EVIL_KEY_DOM "</code>");
	free(sec);

	/* The hostile name and key: text, not markup, and nothing ran. */
	browser_expect(dom, "<h3>" EVIL_NAME_DOM "</h3>");
	browser_expect(dom, "<code>" EVIL_KEY_DOM "</code>");
	assert_false(browser_has_script(dom));
	head = browser_between(dom, "<head>", "</head>");
	assert_int_equal(browser_count(head, "<title>"), 1);
	browser_expect(head, "<title>potashd</title>");
	free(head);
	assert_null(strstr(dom, "<title>pwned"));
}

/* The page of the hostile series' alert, as linked from the table. */
static void
browser_check_alert(PGconn *conn, const char *dom)
{
	char	*fp, *want, *head;

	fp = browser_db(conn, "SELECT fingerprint FROM potash.alerts WHERE "
	    "rule = 'evil-volume'");
	browser_expect(dom, "<h1>evil-volume</h1>");
	browser_expect(dom, "<a href=\"../\">");
	browser_expect(dom, "<span class=\"badge sev-warning st-firing\">"
	    "firing</span>");
	browser_expect(dom, EVIL_NAME_DOM "<span class=\"sub\"><code>"
	    EVIL_KEY_DOM "</code></span>");
	browser_expect(dom, "<code>team</code></td><td>&lt;b&gt;market&lt;/b"
	    "&gt;</td>");
	want = xasprintf("<code>%s</code>", fp);
	browser_expect(dom, want);
	free(want);
	assert_int_equal(browser_count(dom, "<svg "), 1);
	assert_true(browser_count(dom, "<g class=\"ev ev-") > 0);
	browser_expect(dom, "<section id=\"history\">");
	browser_expect(dom, "<section id=\"evidence\">");
	assert_false(browser_has_script(dom));
	head = browser_between(dom, "<head>", "</head>");
	assert_int_equal(browser_count(head, "<title>"), 1);
	browser_expect(head, "<title>evil-volume \xc2\xb7 potashd</title>");
	free(head);
	free(fp);
}

static void
test_browser(void **state)
{
	struct testd	*d = &browser_d;
	char		*base, *url, *dom, *fp, *art, *png;
	int		 port, waited;

	(void)state;
	browser_conn = testpg_fresh(BROWSER_DB);
	testd_init(d);
	browser_current = d;
	browser_profile = testproc_tmpdir();
	browser_feeds(d);
	port = testd_free_port();
	browser_config(d, port);
	testd_start(d);
	assert_true(testnotify_wait(d->tn, "READY=1", 20000));
	testd_wait_count(d, browser_conn, "SELECT count(*) FROM "
	    "potash.series", 3, 20000);
	testd_wait_count(d, browser_conn, "SELECT count(*) FROM "
	    "potash.alerts WHERE state = 'firing'", 2, 20000);
	base = xasprintf("http://127.0.0.1:%d", port);
	url = xasprintf("%s/readyz", base);
	for (waited = 0; browser_status(url) != 200; waited += 200) {
		if (waited > 20000)
			fail_msg("%s did not answer 200 within 20 s", url);
		testd_serve(d, 200);
	}
	free(url);

	url = xasprintf("%s/", base);
	dom = browser_dom(url);
	browser_check_dashboard(browser_conn, dom);
	free(dom);

	/* The artifacts stay with the build's logs. */
	art = getenv("POTASH_BUILD_ROOT") != NULL ?
	    xasprintf("%s/meson-logs", getenv("POTASH_BUILD_ROOT")) :
	    xstrdup(browser_profile);
	png = xasprintf("%s/dashboard.png", art);
	browser_screenshot(url, png);
	free(png);
	free(url);

	fp = browser_db(browser_conn, "SELECT fingerprint FROM potash.alerts "
	    "WHERE rule = 'evil-volume'");
	url = xasprintf("%s/alerts/%s", base, fp);
	dom = browser_dom(url);
	browser_check_alert(browser_conn, dom);
	free(dom);
	png = xasprintf("%s/alert.png", art);
	browser_screenshot(url, png);
	free(png);
	free(url);
	free(fp);
	free(art);
	free(base);

	testd_stop(d, SIGTERM);
	testd_free(d);
	browser_current = NULL;
	testd_rmdir(browser_profile);
	free(browser_profile);
	browser_profile = NULL;
	testpg_drop(browser_conn, BROWSER_DB);
	browser_conn = NULL;
}

/* After a failure: the daemon's log, then what test_browser frees. */
static int
browser_teardown(void **state)
{
	char	*log;

	(void)testd_teardown(state);
	if (browser_current != NULL) {
		if ((log = testproc_read(browser_current->log)) != NULL) {
			fprintf(stderr, "--- potashd log ---\n%s--- end ---\n",
			    log);
			free(log);
		}
		testd_free(browser_current);
		browser_current = NULL;
	}
	if (browser_profile != NULL) {
		testd_rmdir(browser_profile);
		free(browser_profile);
		browser_profile = NULL;
	}
	PQfinish(browser_conn);
	browser_conn = NULL;
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_browser, browser_teardown),
	};
	const char	*env;
	int		 rc;

	if ((rc = testd_pg_missing()) != 0)
		return (rc);
	env = getenv("POTASH_CHROMIUM");
	browser_path = env != NULL && *env != '\0' ? xstrdup(env) :
	    browser_which("chromium");
	if (browser_path == NULL || access(browser_path, X_OK) != 0) {
		fprintf(stderr, "no chromium (Debian package chromium; "
		    "scripts/test installs it): the dashboard was not "
		    "checked in a browser\n");
		return (getenv("POTASH_PGTMP") != NULL ? 1 : 77);
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	free(browser_path);
	return (rc);
}
