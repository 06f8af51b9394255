/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for daemon/config: the reference config, defaults, every kind
 * of error with its exact FILE:LINE message, secrets and comment handling.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <cmocka.h>

#include "alert/rule.h"
#include "daemon/config.h"
#include "daemon/config_channel.h"
#include "testproc.h"
#include "util/xmalloc.h"

struct fixture {
	char	*dir;
	char	*path;
};

static int
setup(void **state)
{
	struct fixture	*f = xcalloc(1, sizeof(*f));

	f->dir = testproc_tmpdir();
	f->path = xasprintf("%s/potashd.conf", f->dir);
	unsetenv("CREDENTIALS_DIRECTORY");
	unsetenv("STATE_DIRECTORY");
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	char		*cmd = xasprintf("rm -rf '%s'", f->dir);

	if (system(cmd) != 0)
		return (-1);
	free(cmd);
	free(f->path);
	free(f->dir);
	free(f);
	return (0);
}

/* Loads text; returns the config or NULL with the errors in *errors. */
static struct config *
load(struct fixture *f, const char *text, char **errors)
{
	testproc_write(f->path, text);
	return (config_load(f->path, errors));
}

/* Asserts that text fails with exactly "<path>:<msg>". */
static void
expect_error(struct fixture *f, const char *text, const char *msg)
{
	struct config	*c;
	char		*errors, *want;

	c = load(f, text, &errors);
	assert_null(c);
	assert_non_null(errors);
	want = xasprintf("%s:%s", f->path, msg);
	assert_string_equal(errors, want);
	free(want);
	free(errors);
}

static void
test_reference_config(void **state)
{
	struct config	*c;
	char		*errors = NULL, *path;

	(void)state;
	path = xasprintf("%s/etc/potashd.conf", getenv("POTASH_SOURCE_ROOT"));
	c = config_load(path, &errors);
	assert_null(errors);
	assert_non_null(c);
	assert_string_equal(c->database.conninfo, "");
	assert_int_equal(c->database.connect_timeout, 10000000);
	assert_int_equal(c->database.retry_initial, 1000000);
	assert_int_equal(c->database.retry_max, 60000000);
	assert_string_equal(c->http.listen, "127.0.0.1:9464");
	assert_int_equal(c->log.level, 1);	/* "info" */
	assert_string_equal(c->state_directory, "/var/lib/potashd");
	assert_null(c->database.password);
	config_free(c);
	free(path);
}

static void
test_defaults_from_empty_file(void **state)
{
	struct fixture	*f = *state;
	struct config	*c;
	char		*errors = NULL;

	setenv("STATE_DIRECTORY", "/srv/state:/srv/other", 1);
	c = load(f, "", &errors);
	assert_non_null(c);
	assert_string_equal(c->database.application_name, "potashd");
	assert_int_equal(c->database.retry_max, 60000000);
	/* systemd may list several directories; the first is ours. */
	assert_string_equal(c->state_directory, "/srv/state");
	config_free(c);
}

static void
test_values_are_read(void **state)
{
	struct fixture	*f = *state;
	struct config	*c;
	char		*errors = NULL;

	c = load(f, "state_directory = \"/tmp/x\"\n"
	    "database {\n"
	    "  conninfo = \"host=/run/pg dbname=potash\"\n"
	    "  connect_timeout = 2m30s\n"
	    "  retry_initial = 250ms\n"
	    "  retry_max = 1h\n"
	    "}\n"
	    "log { level = debug }\n", &errors);
	assert_null(errors);
	assert_non_null(c);
	assert_string_equal(c->state_directory, "/tmp/x");
	assert_string_equal(c->database.conninfo, "host=/run/pg dbname=potash");
	assert_int_equal(c->database.connect_timeout, 150000000);
	assert_int_equal(c->database.retry_initial, 250000);
	assert_int_equal(c->database.retry_max, 3600000000);
	assert_int_equal(c->log.level, 0);
	config_free(c);
}

static void
test_unknown_option(void **state)
{
	expect_error(*state, "database {\n  conninfo = \"\"\n  bogus = 1\n}\n",
	    "3: no such option 'bogus'");
}

static void
test_unknown_top_level_option_after_comments(void **state)
{
	/* libconfuse 3.3 alone would say line 7 here. */
	expect_error(*state, "# one\n# two\n// three\nnope = 1\n",
	    "4: no such option 'nope'");
}

static void
test_unknown_section(void **state)
{
	expect_error(*state, "\nfeeds {\n}\n", "2: no such option 'feeds'");
}

static void
test_wrong_duration(void **state)
{
	expect_error(*state, "database {\n\n  connect_timeout = 5x\n}\n",
	    "3: database.connect_timeout: expected a duration such as 30s, "
	    "5m, 1h30m, got \"5x\"");
}

static void
test_duration_out_of_range(void **state)
{
	expect_error(*state, "database {\n  retry_max = 2h\n}\n",
	    "2: database.retry_max: expected a duration between 1s and 1h, "
	    "got \"2h\"");
}

static void
test_bad_enum(void **state)
{
	expect_error(*state, "log {\n /* a\n comment */\n level = loud\n}\n",
	    "4: log.level: expected one of debug|info|notice|warning|error, "
	    "got \"loud\"");
}

static void
test_unterminated_string(void **state)
{
	expect_error(*state, "database {\n  conninfo = \"x\n",
	    "3: premature end of file");
}

static void
test_retry_initial_above_max(void **state)
{
	struct fixture	*f = *state;
	struct config	*c;
	char		*errors = NULL, *want;

	c = load(f, "database {\n retry_initial = 2m\n retry_max = 1m\n}\n",
	    &errors);
	assert_null(c);
	want = xasprintf("%s: database.retry_initial is longer than "
	    "database.retry_max", f->path);
	assert_string_equal(errors, want);
	free(want);
	free(errors);
}

static void
test_missing_file(void **state)
{
	struct config	*c;
	char		*errors = NULL;

	(void)state;
	c = config_load("/nonexistent/potashd.conf", &errors);
	assert_null(c);
	assert_string_equal(errors, "/nonexistent/potashd.conf: cannot open: "
	    "No such file or directory");
	free(errors);
}

static void
test_password_file(void **state)
{
	struct fixture	*f = *state;
	struct config	*c;
	char		*errors = NULL, *pw, *text;

	pw = xasprintf("%s/pw", f->dir);
	testproc_write(pw, "s3cret\n");
	text = xasprintf("database {\n password_file = \"%s\"\n}\n", pw);
	c = load(f, text, &errors);
	assert_non_null(c);
	assert_string_equal(c->database.password, "s3cret");
	config_free(c);
	free(text);

	text = xasprintf("database {\n password_file = \"%s.missing\"\n}\n",
	    pw);
	c = load(f, text, &errors);
	assert_null(c);
	assert_non_null(strstr(errors, "database.password_file: cannot open "));
	assert_non_null(strstr(errors, "No such file or directory"));
	free(errors);
	free(text);
	free(pw);
}

static void
test_credentials_directory(void **state)
{
	struct fixture	*f = *state;
	struct config	*c;
	char		*errors = NULL, *cred, *text;

	cred = xasprintf("%s/db-password", f->dir);
	testproc_write(cred, "from-systemd\n");
	setenv("CREDENTIALS_DIRECTORY", f->dir, 1);
	c = load(f, "", &errors);
	assert_non_null(c);
	assert_string_equal(c->database.password, "from-systemd");
	config_free(c);

	/* The unit's SetCredential= fallback: empty means no password. */
	testproc_write(cred, "\n");
	c = load(f, "", &errors);
	assert_non_null(c);
	assert_null(c->database.password);
	assert_null(c->http.token);
	config_free(c);
	free(cred);

	/* The HTTP token and the channels' secrets, each by its name. */
	cred = xasprintf("%s/http-token", f->dir);
	testproc_write(cred, "0123456789abcdef-token\n");
	free(cred);
	cred = xasprintf("%s/channel-desk", f->dir);
	testproc_write(cred, "smtp-from-systemd\n");
	free(cred);
	cred = xasprintf("%s/channel-hook", f->dir);
	testproc_write(cred, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n"
	    "whsec_c29tZS1vdGhlci1zZWNyZXQtbm90LXVzZWQtaGVyZQ==\n");
	free(cred);
	c = load(f, "channel \"desk\" {\n type = email\n"
	    " url = \"smtp://mail.example.org:587\"\n"
	    " username = \"potashd\"\n"
	    " from = \"potashd <alerts@example.org>\"\n"
	    " to = {\"a@example.org\"}\n}\n"
	    "channel \"hook\" {\n type = webhook\n"
	    " url = \"https://hooks.example.org/potash\"\n}\n"
	    "channel \"plain\" {\n type = webhook\n"
	    " url = \"https://hooks.example.org/other\"\n}\n", &errors);
	if (c == NULL)
		fail_msg("%s", errors);
	assert_string_equal(c->http.token, "0123456789abcdef-token");
	assert_string_equal(config_channel_find(c, "desk")->password,
	    "smtp-from-systemd");
	assert_true(config_channel_find(c, "hook")->secrets.n == 2);
	assert_true(config_channel_find(c, "plain")->secrets.n == 0);
	config_free(c);

	/* A file named in the config wins over the credential. */
	cred = xasprintf("%s/own.token", f->dir);
	testproc_write(cred, "fedcba9876543210-own\n");
	text = xasprintf("http {\n token_file = \"%s\"\n}\n", cred);
	free(cred);
	c = load(f, text, &errors);
	free(text);
	if (c == NULL)
		fail_msg("%s", errors);
	assert_string_equal(c->http.token, "fedcba9876543210-own");
	config_free(c);

	/* A credential is checked like the file it stands for. */
	cred = xasprintf("%s/http-token", f->dir);
	testproc_write(cred, "short\n");
	free(cred);
	c = load(f, "", &errors);
	assert_null(c);
	assert_non_null(strstr(errors, "http-token is shorter than 16 "
	    "characters"));
	free(errors);
	unsetenv("CREDENTIALS_DIRECTORY");
}

static void
test_feed_kind_options(void **state)
{
	struct fixture	*f = *state;
	struct config	*c;
	char		*errors = NULL;

	/* Two kinds share "frequency" with different choices: each feed is
	 * checked against its own kind's definition. */
	c = load(f, "feed \"f\" {\n kind = fred\n format = csv\n"
	    " series = {\"PPOTASHUSDM\"}\n frequency = D\n}\n", &errors);
	assert_null(errors);
	assert_non_null(c);
	assert_int_equal(c->nfeeds, 1);
	config_free(c);
	expect_error(f, "feed \"c\" {\n kind = comtrade\n"
	    " reporters = {\"156\"}\n\n frequency = D\n}\n",
	    "5: feed \"c\": frequency: expected one of M|A, got \"D\"");
	/* An option of another kind is refused where it is set. */
	expect_error(f, "feed \"c\" {\n kind = comtrade\n"
	    " reporters = {\"156\"}\n symbol = \"NTR\"\n}\n",
	    "4: feed \"c\": option \"symbol\" does not apply to kind "
	    "\"comtrade\"");
	expect_error(f, "feed \"x\" {\n interval = 1h\n}\n",
	    "2: feed \"x\": kind: missing");
}

/* Rule sections: plain options, the event block, free-form labels and
 * annotations, in file order. */
static void
test_rules(void **state)
{
	struct fixture		*f = *state;
	struct config		*c;
	const struct rule	*r;
	char			*errors = NULL;

	c = load(f, "channel \"ops\" { type = webhook\n"
	    " url = \"https://ops.example.org/hook\" }\n"
	    "channel \"desk\" { type = webhook\n"
	    " url = \"https://desk.example.org/hook\" }\n"
	    "rule \"after-easing\" {\n kind = since_event\n"
	    " series = \"fred/PPOTASHUSDM\"\n above = \"15%\"\n"
	    " baseline = 90d\n within = 180d\n"
	    " event {\n  jurisdiction = {\"US\"}\n  direction = ease\n"
	    "  entity = {\"Belaruskali\", \"Belarusian Potash\"}\n }\n"
	    " labels { topic = \"price\"\n team = \"desk\" }\n"
	    " annotations {\n  summary = \"{{value}} vs {{baseline}}\"\n }\n"
	    " notify = {\"ops\", \"desk\"}\n}\n"
	    "rule \"high\" {\n kind = threshold\n series = \"demo/*_price\"\n"
	    " above = 700\n clear = 650\n for = \"2 observations\"\n}\n",
	    &errors);
	assert_null(errors);
	assert_non_null(c);
	assert_int_equal(c->nrules, 2);
	r = c->rules[0];
	assert_string_equal(r->name, "after-easing");
	assert_int_equal(r->kind, RULE_SINCE_EVENT);
	assert_int_equal(r->unit, RULE_PERCENT);
	assert_true(r->has_above && r->above == 15);
	assert_int_equal(r->event.direction, -1);
	assert_int_equal(r->event.njurisdictions, 1);
	assert_int_equal(r->event.nentities, 2);
	assert_string_equal(r->event.entities[1], "Belarusian Potash");
	/* Labels are sorted by name. */
	assert_int_equal(r->nlabels, 2);
	assert_string_equal(r->labels[0].name, "team");
	assert_string_equal(r->labels[1].value, "price");
	assert_int_equal(r->nannotations, 1);
	assert_string_equal(r->annotations[0].value,
	    "{{value}} vs {{baseline}}");
	assert_int_equal(r->nnotify, 2);
	r = c->rules[1];
	assert_string_equal(r->name, "high");
	assert_int_equal(r->glob, 1);
	assert_int_equal(r->for_count, 2);
	assert_true(r->has_clear && r->clear == 650);
	config_free(c);
}

/* Every rule error names the file, the line of the option at fault and
 * the rule; all rules are checked, feeds or not. */
static void
test_rule_errors(void **state)
{
	struct fixture	*f = *state;
	struct config	*c;
	char		*errors, *want;

	expect_error(f, "rule \"a\" {\n kind = threshold\n series = \"x/y\"\n"
	    " above = \"abc\"\n}\n",
	    "4: rule \"a\": above: expected a number such as 400, got \"abc\"");
	expect_error(f, "rule \"b\" {\n kind = sanctions\n event {\n"
	    "  jurisdiction = {\"US\"}\n  direction = sideways\n }\n}\n",
	    "5: rule \"b\": event.direction: expected tighten, ease, +1, -1 "
	    "or any, got \"sideways\"");
	expect_error(f, "\nrule \"c\" {\n kind = stale\n series = \"x\"\n}\n",
	    "3: rule \"c\": missing \"expect\"");
	/* libconfuse refuses an option no rule has, with its line. */
	expect_error(f, "rule \"d\" {\n kind = threshold\n colour = red\n}\n",
	    "3: no such option 'colour'");
	expect_error(f, "rule \"e\" {\n kind = threshold\n}\n"
	    "rule \"e\" {\n kind = threshold\n}\n",
	    "4: found duplicate title 'e'");
	/* Two bad rules: both reported, each with its own line. */
	c = load(f, "rule \"f\" {\n kind = nope\n}\n"
	    "rule \"g\" {\n kind = threshold\n series = \"x\"\n"
	    " below = 1\n above = 2\n}\n", &errors);
	assert_null(c);
	want = xasprintf("%s:2: rule \"f\": kind: expected one of threshold, "
	    "change, since_event, rolling_sum, stale, sanctions, revision, "
	    "got \"nope\"\n%s:", f->path, f->path);
	assert_true(strncmp(errors, want, strlen(want)) == 0);
	assert_non_null(strstr(errors + strlen(want), "rule \"g\": "));
	free(want);
	free(errors);
}

static void
test_channels(void **state)
{
	struct fixture		*f = *state;
	const struct channel	*ch;
	struct config		*c;
	char			*errors = NULL, *text, *pw, *sec;

	pw = xasprintf("%s/smtp.pw", f->dir);
	testproc_write(pw, "hunter2\n");
	sec = xasprintf("%s/hook.secrets", f->dir);
	testproc_write(sec, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n");
	text = xasprintf("channel \"desk\" {\n type = email\n"
	    " url = \"smtp://mail.example.org:587\"\n"
	    " username = \"potashd\"\n password_file = \"smtp.pw\"\n"
	    " from = \"potashd <alerts@example.org>\"\n"
	    " to = {\"a@example.org\", \"Desk <b@example.org>\"}\n"
	    " group_by = {\"topic\", \"severity\"}\n group_wait = 10s\n}\n"
	    "channel \"hook\" {\n type = webhook\n"
	    " url = \"https://hooks.example.org/potash\"\n"
	    " secret_file = \"hook.secrets\"\n format = json\n"
	    " headers = {\"X-Team: desk\"}\n}\n"
	    "rule \"r\" {\n kind = sanctions\n notify = {\"desk\", \"hook\"}\n"
	    "}\n");
	c = load(f, text, &errors);
	if (c == NULL)
		fail_msg("%s", errors);
	assert_int_equal(c->nchannels, 2);
	ch = config_channel_find(c, "desk");
	assert_non_null(ch);
	assert_int_equal(ch->type, CHANNEL_EMAIL);
	assert_int_equal(ch->tls, CHANNEL_TLS_ON);
	assert_string_equal(ch->password, "hunter2");
	assert_int_equal(ch->nto, 2);
	assert_string_equal(ch->to[1], "Desk <b@example.org>");
	assert_int_equal(ch->ngroup_by, 2);
	assert_int_equal(ch->group_wait, 10000000);
	assert_int_equal(ch->group_interval, 300000000);
	assert_int_equal(ch->repeat_interval, UINT64_C(14400000000));
	assert_int_equal(ch->timeout, 15000000);
	assert_true(ch->send_resolved);
	ch = config_channel_find(c, "hook");
	assert_int_equal(ch->type, CHANNEL_WEBHOOK);
	assert_int_equal(ch->format, WEBHOOK_FORMAT_JSON);
	assert_int_equal(ch->nheaders, 1);
	assert_int_equal(ch->ngroup_by, 1);
	assert_string_equal(ch->group_by[0], "alertname");
	assert_true(ch->secrets.n == 1);
	assert_null(config_channel_find(c, "nope"));
	config_free(c);
	free(text);
	free(pw);
	free(sec);
}

static void
test_channel_errors(void **state)
{
	struct fixture	*f = *state;

	expect_error(f, "channel \"m\" {\n type = email\n"
	    " url = \"smtp://mail.example.org:25\"\n tls = off\n"
	    " from = \"a@example.org\"\n to = {\"b@example.org\"}\n}\n",
	    "4: channel \"m\": tls: off is only allowed for smtp:// to a "
	    "server on loopback (127.0.0.1, ::1, localhost), not "
	    "\"mail.example.org\"");
	expect_error(f, "channel \"m\" {\n type = email\n"
	    " url = \"https://mail.example.org\"\n}\n",
	    "3: channel \"m\": url: expected smtps://host:465 or "
	    "smtp://host:587 for email");
	expect_error(f, "channel \"w\" {\n type = webhook\n"
	    " url = \"ftp://x.example.org/\"\n}\n",
	    "3: channel \"w\": url: expected an http:// or https:// URL for "
	    "a webhook");
	expect_error(f, "channel \"w\" {\n url = \"https://x.example.org/\"\n"
	    "}\n", "2: channel \"w\": type: missing; expected webhook or "
	    "email");
	expect_error(f, "channel \"w\" {\n type = webhook\n"
	    " url = \"https://x.example.org/\"\n"
	    " headers = {\"webhook-id: 1\"}\n}\n",
	    "4: channel \"w\": headers: \"webhook-id\" is set by potashd");
	expect_error(f, "channel \"w\" {\n type = webhook\n"
	    " url = \"https://x.example.org/\"\n group_wait = 2y\n}\n",
	    "4: channel \"w\": group_wait: expected a duration such as 30s, "
	    "5m, 1h30m, got \"2y\"");
	expect_error(f, "channel \"w\" {\n type = webhook\n"
	    " url = \"https://x.example.org/\"\n}\n"
	    "rule \"r\" {\n kind = sanctions\n notify = {\"w\", \"mail\"}\n"
	    "}\n", "7: rule \"r\": notify: no channel \"mail\" is configured "
	    "(expected the name of a channel section)");
}

static void
test_strip_comments(void **state)
{
	char	text[] = "a = \"x # not a comment\" # gone\n"
	    "b = 'y // kept' // gone\n/* x\ny */c = 1\n";

	(void)state;
	config_strip_comments(text);
	assert_string_equal(text,
	    "a = \"x # not a comment\"       \n"
	    "b = 'y // kept'        \n    \n    c = 1\n");
}

static void
test_dump_lists_every_option(void **state)
{
	char	*buf = NULL;
	size_t	 len = 0, i;
	FILE	*f;

	(void)state;
	f = open_memstream(&buf, &len);
	config_dump_options(f);
	fclose(f);
	for (i = 0; i < config_noptions; i++) {
		char *name = config_options[i].section != NULL ?
		    xasprintf("%s.%s\t", config_options[i].section,
		    config_options[i].name) :
		    xasprintf("%s\t", config_options[i].name);

		assert_non_null(strstr(buf, name));
		assert_true(strlen(config_options[i].doc) > 10);
		free(name);
	}
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reference_config,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_defaults_from_empty_file,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_values_are_read,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_option,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_unknown_top_level_option_after_comments,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_section,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_duration,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_duration_out_of_range,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_enum,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_unterminated_string,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_retry_initial_above_max,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_password_file,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_credentials_directory,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_feed_kind_options,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rule_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_channels, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_channel_errors, setup,
		    teardown),
		cmocka_unit_test(test_strip_comments),
		cmocka_unit_test(test_dump_lists_every_option),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
