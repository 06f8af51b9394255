/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for alert/rule, alert/schedule and alert/render: every kind
 * parsed into its fields, every rejection with its exact message and
 * line, series globs, due instants of publication schedules on concrete
 * dates (named zones across daylight saving changes included), and annotation templates expanded.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/engine.h"
#include "alert/render.h"
#include "alert/rule.h"
#include "alert/schedule.h"
#include "util/tzfile.h"
#include "util/civil.h"

#define USEC		INT64_C(1000000)
#define MIN		(60 * USEC)
#define HOUR		(3600 * USEC)
#define DAY		(86400 * USEC)
#define DATE(y, m, d)	(civil_days((y), (m), (d)) * DAY)
#define TEST_MAXOPTS	32
#define TEST_MAXVALS	8

/*
 * Options as "name=value" strings, NULL-terminated; a list value is split
 * on '|'.  Option i is on line 10 + i.
 */
struct test_opts {
	struct rule_kv	 kv[TEST_MAXOPTS];
	const char	*vals[TEST_MAXOPTS][TEST_MAXVALS];
	char		 buf[TEST_MAXOPTS][256];
	size_t		 n;
};

static void
test_opts_build(struct test_opts *t, va_list ap)
{
	const char	*s;
	char		*eq, *p, *bar;

	memset(t, 0, sizeof(*t));
	while ((s = va_arg(ap, const char *)) != NULL) {
		assert_true(t->n < TEST_MAXOPTS);
		snprintf(t->buf[t->n], sizeof(t->buf[t->n]), "%s", s);
		eq = strchr(t->buf[t->n], '=');
		assert_non_null(eq);
		*eq = '\0';
		t->kv[t->n].name = t->buf[t->n];
		t->kv[t->n].line = 10 + (int)t->n;
		for (p = eq + 1;; p = bar + 1) {
			assert_true(t->kv[t->n].nvalues < TEST_MAXVALS);
			t->vals[t->n][t->kv[t->n].nvalues++] = p;
			if ((bar = strchr(p, '|')) == NULL)
				break;
			*bar = '\0';
		}
		t->kv[t->n].values = t->vals[t->n];
		t->n++;
	}
}

/* A rule that must parse. */
static struct rule *
test_ok(const char *name, ...)
{
	struct test_opts	 t;
	struct rule		*r;
	va_list			 ap;
	char			 err[512] = "";
	int			 line = -1;

	va_start(ap, name);
	test_opts_build(&t, ap);
	va_end(ap);
	r = rule_new(name, t.kv, t.n, err, sizeof(err), &line);
	if (r == NULL)
		fail_msg("rule %s: line %d: %s", name, line, err);
	return (r);
}

/* A rule that must fail with exactly msg at line. */
static void
test_bad(int wantline, const char *msg, ...)
{
	struct test_opts	 t;
	struct rule		*r;
	va_list			 ap;
	char			 err[512] = "";
	int			 line = -1;

	va_start(ap, msg);
	test_opts_build(&t, ap);
	va_end(ap);
	r = rule_new("r", t.kv, t.n, err, sizeof(err), &line);
	if (r != NULL) {
		rule_free(r);
		fail_msg("accepted; wanted: %s", msg);
	}
	assert_string_equal(err, msg);
	assert_int_equal(line, wantline);
}

static void
test_rule_threshold(void **state)
{
	struct rule	*r;

	r = test_ok("potash-high", "kind=threshold",
	    "series=fred/PPOTASHUSDM", "above=400", "clear=380.5",
	    "for=2h", "labels.team=market", "labels.region=eu",
	    "annotations.summary=Potash at {{value}} (> {{threshold}})",
	    "notify=ops|email", "severity=critical", NULL);
	assert_string_equal(r->name, "potash-high");
	assert_int_equal(r->kind, RULE_THRESHOLD);
	assert_string_equal(r->series, "fred/PPOTASHUSDM");
	assert_false(r->glob);
	assert_int_equal(r->severity, RULE_CRITICAL);
	assert_true(r->has_above && !r->has_below && r->has_clear);
	assert_true(r->above == 400 && r->clear == 380.5);
	assert_false(r->crosses);
	assert_int_equal(r->unit, RULE_ABSOLUTE);
	assert_true(r->for_usec == 2 * (uint64_t)HOUR);
	assert_int_equal(r->for_count, 0);
	assert_true(r->keep_firing_for == 0);
	/* Sorted by name whatever the order in the file. */
	assert_int_equal(r->nlabels, 2);
	assert_string_equal(r->labels[0].name, "region");
	assert_string_equal(r->labels[1].name, "team");
	assert_int_equal(r->nannotations, 1);
	assert_int_equal(r->nnotify, 2);
	assert_string_equal(r->notify[1], "email");
	assert_int_equal(r->flap_flips, 4);
	assert_true(r->flap_window == (uint64_t)DAY);
	assert_int_equal(r->max_age.periods, 2);
	assert_true(r->max_age.usec == 0);
	rule_free(r);

	r = test_ok("cross", "kind=threshold", "series=yahoo/*/close",
	    "crosses_below=300", "clear=310", NULL);
	assert_true(r->glob);
	assert_true(r->crosses && r->has_below && r->below == 300);
	/* One-shot: fires for a day unless told otherwise. */
	assert_true(r->keep_firing_for == (uint64_t)DAY);
	rule_free(r);

	r = test_ok("cross", "kind=threshold", "series=a", "crosses_above=1",
	    "keep_firing_for=0", NULL);
	assert_true(r->keep_firing_for == 0);
	rule_free(r);
}

static void
test_rule_kinds(void **state)
{
	struct rule	*r;

	r = test_ok("c", "kind=change", "series=imf/PPOTASH", "window=30d",
	    "above=10%", "below=-10%", NULL);
	assert_int_equal(r->kind, RULE_CHANGE);
	assert_true(r->window.usec == 30 * (uint64_t)DAY);
	assert_int_equal(r->unit, RULE_PERCENT);
	assert_true(r->above == 10 && r->below == -10);
	rule_free(r);

	r = test_ok("c", "kind=change", "series=s", "window=3 periods",
	    "below=-25", "clear=-20", "max_age=10d", NULL);
	assert_int_equal(r->window.periods, 3);
	assert_int_equal(r->unit, RULE_ABSOLUTE);
	assert_true(r->max_age.usec == 10 * (uint64_t)DAY);
	rule_free(r);

	r = test_ok("easing", "kind=since_event", "series=fred/PPOTASHUSDM",
	    "event.jurisdiction=US", "event.direction=ease",
	    "event.entity=Belaruskali|Belarusian Potash",
	    "event.action=general_license", "event.date=effective",
	    "baseline=90d", "within=180d", "above=15%", NULL);
	assert_int_equal(r->kind, RULE_SINCE_EVENT);
	assert_int_equal(r->event.njurisdictions, 1);
	assert_string_equal(r->event.jurisdictions[0], "US");
	assert_int_equal(r->event.nentities, 2);
	assert_string_equal(r->event.entities[1], "Belarusian Potash");
	assert_int_equal(r->event.direction, -1);
	assert_int_equal(r->event.date, RULE_EVENT_EFFECTIVE);
	assert_true(r->baseline.usec == 90 * (uint64_t)DAY);
	assert_true(r->within == 180 * (uint64_t)DAY);
	rule_free(r);

	r = test_ok("flows", "kind=rolling_sum",
	    "series=comtrade/*/112/310420/M/netweight", "window=12 periods",
	    "above=10500000000", "for=2 observations", NULL);
	assert_int_equal(r->window.periods, 12);
	assert_true(r->above == 10500000000.0);
	assert_int_equal(r->for_count, 2);
	rule_free(r);

	r = test_ok("late", "kind=stale", "series=imf/PPOTASH",
	    "expect=monthly by day 20", "for=1d", NULL);
	assert_int_equal(r->expect.freq, SCHEDULE_MONTHLY);
	assert_int_equal(r->expect.day, 20);
	assert_int_equal(r->expect.minute, 1440);
	assert_int_equal(r->expect.offset, 0);
	assert_int_equal(r->expect.lag, 1);
	assert_string_equal(r->expect_text, "monthly by day 20");
	rule_free(r);

	/* An explicit lag wins, wherever it is written. */
	r = test_ok("late", "kind=stale", "series=x",
	    "expect=weekdays by 22:00 -05:00", "lag=1", NULL);
	assert_int_equal(r->expect.freq, SCHEDULE_WEEKDAYS);
	assert_int_equal(r->expect.minute, 22 * 60);
	assert_int_equal(r->expect.offset, -300);
	assert_int_equal(r->expect.lag, 1);
	rule_free(r);
	r = test_ok("late", "kind=stale", "series=x", "lag=3",
	    "expect=monthly by day 5 06:30 +01:00", NULL);
	assert_int_equal(r->expect.lag, 3);
	assert_int_equal(r->expect.minute, 390);
	assert_int_equal(r->expect.offset, 60);
	assert_null(r->expect.zone);
	rule_free(r);
	r = test_ok("close", "kind=stale", "series=x",
	    "expect=weekdays by 22:00 America/New_York", NULL);
	assert_non_null(r->expect.zone);
	assert_string_equal(tzfile_name(r->expect.zone), "America/New_York");
	assert_int_equal(r->expect.minute, 22 * 60);
	rule_free(r);

	r = test_ok("new-sanctions", "kind=sanctions", "event.entity=potash",
	    "notify=ops", NULL);
	assert_int_equal(r->kind, RULE_SANCTIONS);
	assert_null(r->series);
	assert_true(r->keep_firing_for == (uint64_t)DAY);
	rule_free(r);

	r = test_ok("rev", "kind=revision", "series=comtrade/*", "above=5%",
	    NULL);
	assert_int_equal(r->kind, RULE_REVISION);
	assert_int_equal(r->unit, RULE_PERCENT);
	assert_true(r->above == 5);
	rule_free(r);
}

static void
test_rule_for(void **state)
{
	struct rule	*r;

	r = test_ok("f", "kind=threshold", "series=s", "above=1",
	    "for=3 observations", NULL);
	assert_true(r->for_usec == 0);
	assert_int_equal(r->for_count, 3);
	rule_free(r);
	r = test_ok("f", "kind=threshold", "series=s", "above=1",
	    "for=1d and 1 observation", NULL);
	assert_true(r->for_usec == (uint64_t)DAY);
	assert_int_equal(r->for_count, 1);
	rule_free(r);
	r = test_ok("f", "kind=threshold", "series=s", "above=1",
	    "for=2 observations and 1h30m", NULL);
	assert_true(r->for_usec == (uint64_t)(90 * MIN));
	assert_int_equal(r->for_count, 2);
	rule_free(r);
}

#define FOR_MSG "for: expected a duration such as 2h, a count such as 3 " \
	"observations, or both (\"1d and 3 observations\"), got "
#define KINDS "threshold, change, since_event, rolling_sum, stale, " \
	"sanctions, revision"

static void
test_rule_errors(void **state)
{
	test_bad(0, "missing \"kind\": one of " KINDS, "series=s", NULL);
	test_bad(10, "kind: expected one of " KINDS ", got \"treshold\"",
	    "kind=treshold", NULL);
	test_bad(12, "unknown option \"colour\"", "kind=threshold",
	    "series=s", "colour=red", NULL);
	test_bad(12, "within: not an option of kind threshold",
	    "kind=threshold", "series=s", "within=1d", NULL);
	test_bad(11, "series: not an option of kind sanctions",
	    "kind=sanctions", "series=s", NULL);
	test_bad(0, "missing \"series\"", "kind=threshold", "above=1",
	    NULL);
	test_bad(11, "series: expected a series key or glob such as "
	    "yahoo/*/close, got \"a b\"", "kind=threshold", "series=a b",
	    NULL);
	test_bad(12, "above: expected a number such as 400, got \"abc\"",
	    "kind=threshold", "series=s", "above=abc", NULL);
	test_bad(12, "above: a percentage needs kind change, since_event or "
	    "revision, got \"15%\"", "kind=threshold", "series=s",
	    "above=15%", NULL);
	test_bad(12, "above: expected a number such as 400 or 15%, got "
	    "\"%\"", "kind=change", "series=s", "above=%", NULL);
	test_bad(12, "above: expected one value, got 2", "kind=threshold",
	    "series=s", "above=1|2", NULL);
	test_bad(13, "above: set twice (first on line 12)", "kind=threshold",
	    "series=s", "above=1", "above=2", NULL);
	test_bad(0, "expected exactly one of above, below, crosses_above, "
	    "crosses_below", "kind=threshold", "series=s", "above=1",
	    "below=0", NULL);
	test_bad(13, "crosses_above: expected exactly one of above, below, "
	    "crosses_above, crosses_below", "kind=threshold", "series=s",
	    "above=1", "crosses_above=2", NULL);
	test_bad(0, "expected exactly one of above, below, crosses_above, "
	    "crosses_below", "kind=threshold", "series=s", NULL);
	test_bad(13, "clear: must not be above the level of above (400), "
	    "got 410", "kind=threshold", "series=s", "above=400",
	    "clear=410", NULL);
	test_bad(13, "clear: must not be below the level of crosses_below "
	    "(200), got 190", "kind=threshold", "series=s",
	    "crosses_below=200", "clear=190", NULL);
	test_bad(13, "for: crosses_above and crosses_below fire once per "
	    "crossing; \"for\" does not apply", "kind=threshold", "series=s",
	    "crosses_above=1", "for=1h", NULL);
	test_bad(12, FOR_MSG "\"soon\"", "kind=threshold", "series=s",
	    "for=soon", "above=1", NULL);
	test_bad(12, FOR_MSG "\"2 obs\"", "kind=threshold", "series=s",
	    "for=2 obs", "above=1", NULL);
	test_bad(12, FOR_MSG "\"1h and 2h\"", "kind=threshold", "series=s",
	    "for=1h and 2h", "above=1", NULL);
	test_bad(12, "keep_firing_for: expected a duration such as 30s, 5m, "
	    "1h30m, got \"1 day\"", "kind=threshold", "series=s",
	    "keep_firing_for=1 day", "above=1", NULL);
	test_bad(12, "flap_flips: expected an integer between 0 and 7, got "
	    "\"9\"", "kind=threshold", "series=s", "flap_flips=9", NULL);
	test_bad(12, "flap_window: must be longer than 0", "kind=threshold",
	    "series=s", "flap_window=0", NULL);
	test_bad(12, "severity: expected one of info, warning, critical, got "
	    "\"page\"", "kind=threshold", "series=s", "severity=page", NULL);
	test_bad(12, "labels.9x: expected a name of letters, digits and '_', "
	    "got \"9x\"", "kind=threshold", "series=s", "labels.9x=a", NULL);
	test_bad(12, "annotations.summary: unknown placeholder {{valeu}}; "
	    "expected one of value, metric, threshold, baseline, series, "
	    "event, for, rule, severity, state", "kind=threshold",
	    "series=s", "annotations.summary=at {{valeu}}", NULL);
	test_bad(12, "annotations.summary: \"{{\" at offset 9 has no \"}}\"",
	    "kind=threshold", "series=s",
	    "annotations.summary={{value}}{{rule", NULL);
	test_bad(12, "notify: expected channel names, got \"\"",
	    "kind=threshold", "series=s", "notify=ops|", NULL);
	test_bad(0, "missing \"window\"", "kind=change", "series=s",
	    "above=1%", NULL);
	test_bad(12, "window: expected a duration such as 30d or a count "
	    "such as 3 periods (at most 1000), got \"3 weeks\"",
	    "kind=change", "series=s", "window=3 weeks", NULL);
	test_bad(12, "window: expected a duration such as 30d or a count "
	    "such as 3 periods (at most 1000), got \"0 periods\"",
	    "kind=change", "series=s", "window=0 periods", NULL);
	test_bad(0, "missing \"above\" or \"below\"", "kind=change",
	    "series=s", "window=1d", NULL);
	test_bad(15, "clear: needs exactly one of above and below",
	    "kind=change", "series=s", "window=1d", "above=5%", "below=-5%",
	    "clear=1%", NULL);
	test_bad(14, "below: mixes a percentage and an absolute level",
	    "kind=change", "series=s", "window=1d", "above=5%", "below=-5",
	    NULL);
	test_bad(0, "missing \"baseline\"", "kind=since_event", "series=s",
	    "within=1d", "above=1%", NULL);
	test_bad(0, "missing \"within\"", "kind=since_event", "series=s",
	    "baseline=3 periods", "above=1%", NULL);
	test_bad(12, "event.direction: expected tighten, ease, +1, -1 or "
	    "any, got \"up\"", "kind=sanctions", "event.action=x",
	    "event.direction=up", NULL);
	test_bad(11, "event.date: expected announced or effective, got "
	    "\"signed\"", "kind=sanctions", "event.date=signed", NULL);
	test_bad(0, "missing \"expect\"", "kind=stale", "series=s", NULL);
	test_bad(12, "expect: time zone \"America/New_Yrok\": unknown zone "
	    "(no /usr/share/zoneinfo/America/New_Yrok; expected a name such "
	    "as America/New_York from the tzdata package)",
	    "kind=stale", "series=s",
	    "expect=weekdays by 22:00 America/New_Yrok", NULL);
	test_bad(12, "expect: expected a schedule such as \"monthly by day "
	    "20\", \"weekly by friday\" or \"weekdays by 22:00 "
	    "America/New_York\", got \"hourly\"", "kind=stale", "series=s",
	    "expect=hourly", NULL);
	test_bad(12, "expect: expected a schedule such as \"monthly by day "
	    "20\", \"weekly by friday\" or \"weekdays by 22:00 "
	    "America/New_York\", got \"daily by 22:00 UTC extra\"",
	    "kind=stale", "series=s", "expect=daily by 22:00 UTC extra", NULL);
	test_bad(12, "expect: expected a schedule such as \"monthly by day "
	    "20\", \"weekly by friday\" or \"weekdays by 22:00 "
	    "America/New_York\", got \"daily by 22:00 America/New_York "
	    "x\"", "kind=stale", "series=s",
	    "expect=daily by 22:00 America/New_York x", NULL);
	test_bad(13, "for: a count of observations does not apply to kind "
	    "stale", "kind=stale", "series=s", "expect=daily by 22:00",
	    "for=2 observations", NULL);
	test_bad(12, "for: not an option of kind revision", "kind=revision",
	    "series=s", "for=1h", NULL);
	test_bad(0, "missing \"above\": the smallest revision that fires, "
	    "such as 5%", "kind=revision", "series=s", NULL);
	test_bad(12, "above: must be above 0", "kind=revision", "series=s",
	    "above=0%", NULL);
}

static void
test_rule_name(void **state)
{
	struct rule_kv	 kv[1];
	const char	*v[] = { "threshold" };
	char		 err[256];
	int		 line;

	kv[0].name = "kind";
	kv[0].values = v;
	kv[0].nvalues = 1;
	kv[0].line = 3;
	assert_null(rule_new("two words", kv, 1, err, sizeof(err), &line));
	assert_string_equal(err, "expected a rule name without spaces or "
	    "quotes, got \"two words\"");
	assert_int_equal(line, 0);
	rule_free(NULL);
}

static void
test_rule_glob(void **state)
{
	assert_true(rule_glob_match("yahoo/*/close", "yahoo/MOS/close"));
	assert_true(rule_glob_match("yahoo/*/close", "yahoo//close"));
	assert_false(rule_glob_match("yahoo/*/close", "yahoo/a/b/close"));
	assert_false(rule_glob_match("yahoo/*/close", "yahoo/MOS/open"));
	assert_true(rule_glob_match("*", "x"));
	assert_false(rule_glob_match("*", "x/y"));
	assert_true(rule_glob_match("comtrade/*/112/*", "comtrade/156/112/x"));
	assert_true(rule_glob_match("fred/PPOTASH?SDM", "fred/PPOTASHUSDM"));
	assert_false(rule_glob_match("a?c", "a/c"));
	assert_true(rule_glob_match("a*b*c", "axxbyyc"));
	assert_false(rule_glob_match("a*b*c", "axxbyy"));
	assert_true(rule_glob_match("plain", "plain"));
	assert_false(rule_glob_match("plain", "plainer"));
}

static void
test_schedule_due(const char *spec, int64_t now, int64_t wdue,
    int64_t wexpect, int64_t wnext)
{
	struct schedule	s;
	int64_t		due, expect;
	char		err[256];

	if (schedule_parse(spec, &s, err, sizeof(err)) != 0)
		fail_msg("%s: %s", spec, err);
	schedule_due(&s, now, &due, &expect);
	if (due != wdue || expect != wexpect ||
	    schedule_next(&s, now) != wnext)
		fail_msg("%s at %lld: due %lld expect %lld next %lld", spec,
		    (long long)now, (long long)due, (long long)expect,
		    (long long)schedule_next(&s, now));
	schedule_free(&s);
}

static void
test_rule_schedule(void **state)
{
	/* The end of day 20 is due; November's data is expected. */
	test_schedule_due("monthly by day 20", DATE(2025, 12, 20) + 12 * HOUR,
	    DATE(2025, 11, 21), DATE(2025, 10, 1), DATE(2025, 12, 21));
	test_schedule_due("monthly by day 20", DATE(2025, 12, 21),
	    DATE(2025, 12, 21), DATE(2025, 11, 1), DATE(2026, 1, 21));
	/* Day 31 in February is its last day; January's data then. */
	test_schedule_due("monthly by day 31", DATE(2026, 3, 1),
	    DATE(2026, 3, 1), DATE(2026, 1, 1), DATE(2026, 4, 1));
	test_schedule_due("monthly by day 20 12:00", DATE(2026, 1, 20) +
	    12 * HOUR, DATE(2026, 1, 20) + 12 * HOUR, DATE(2025, 12, 1),
	    DATE(2026, 2, 20) + 12 * HOUR);
	/* Monday 15 December 2025, 22:00 in New York is 03:00Z Tuesday. */
	test_schedule_due("weekdays by 22:00 -05:00", DATE(2025, 12, 16) +
	    3 * HOUR, DATE(2025, 12, 16) + 3 * HOUR, DATE(2025, 12, 15),
	    DATE(2025, 12, 17) + 3 * HOUR);
	/* Saturday: Friday's close was the last due; Monday's is next. */
	test_schedule_due("weekdays by 22:00 -05:00", DATE(2025, 12, 20) +
	    12 * HOUR, DATE(2025, 12, 20) + 3 * HOUR, DATE(2025, 12, 19),
	    DATE(2025, 12, 23) + 3 * HOUR);
	test_schedule_due("daily by 06:00 +01", DATE(2025, 12, 20),
	    DATE(2025, 12, 19) + 5 * HOUR, DATE(2025, 12, 19),
	    DATE(2025, 12, 20) + 5 * HOUR);
	/* Friday 19 December 2025 at 18:00Z: this week (from Monday). */
	test_schedule_due("weekly by fri 18:00 UTC", DATE(2025, 12, 19) +
	    18 * HOUR, DATE(2025, 12, 19) + 18 * HOUR, DATE(2025, 12, 15),
	    DATE(2025, 12, 26) + 18 * HOUR);
	test_schedule_due("weekly by Friday", DATE(2025, 12, 19) + 18 * HOUR,
	    DATE(2025, 12, 13), DATE(2025, 12, 8), DATE(2025, 12, 20));

	/* A named zone follows daylight saving: the New York close is
	 * 03:00Z in December and 02:00Z in June. */
	test_schedule_due("weekdays by 22:00 America/New_York",
	    DATE(2025, 12, 16) + 3 * HOUR, DATE(2025, 12, 16) + 3 * HOUR,
	    DATE(2025, 12, 15), DATE(2025, 12, 17) + 3 * HOUR);
	test_schedule_due("weekdays by 22:00 America/New_York",
	    DATE(2026, 6, 16) + 2 * HOUR + 30 * MIN, DATE(2026, 6, 16) +
	    2 * HOUR, DATE(2026, 6, 15), DATE(2026, 6, 17) + 2 * HOUR);
	/* Friday 6 March 2026 (EST) to Monday 9 March (EDT): the weekend
	 * of the change. */
	test_schedule_due("weekdays by 22:00 America/New_York",
	    DATE(2026, 3, 8) + 12 * HOUR, DATE(2026, 3, 7) + 3 * HOUR,
	    DATE(2026, 3, 6), DATE(2026, 3, 10) + 2 * HOUR);
	/* 02:30 does not exist on 8 March 2026: due at 03:30 EDT. */
	test_schedule_due("daily by 02:30 America/New_York",
	    DATE(2026, 3, 8) + 12 * HOUR, DATE(2026, 3, 8) + 7 * HOUR +
	    30 * MIN, DATE(2026, 3, 8), DATE(2026, 3, 9) + 6 * HOUR +
	    30 * MIN);
	/* 01:30 happens twice on 1 November 2026: the first one counts. */
	test_schedule_due("daily by 01:30 America/New_York",
	    DATE(2026, 11, 1) + 5 * HOUR + 45 * MIN, DATE(2026, 11, 1) +
	    5 * HOUR + 30 * MIN, DATE(2026, 11, 1), DATE(2026, 11, 2) +
	    6 * HOUR + 30 * MIN);
	/* The end of a local day: midnight in Minsk is 21:00Z. */
	test_schedule_due("monthly by day 20 Europe/Minsk", DATE(2026, 1, 20) +
	    21 * HOUR, DATE(2026, 1, 20) + 21 * HOUR, DATE(2025, 12, 1),
	    DATE(2026, 2, 20) + 21 * HOUR);
	test_schedule_due("monthly by day 20 Europe/Minsk", DATE(2026, 1, 20) +
	    20 * HOUR, DATE(2025, 12, 20) + 21 * HOUR, DATE(2025, 11, 1),
	    DATE(2026, 1, 20) + 21 * HOUR);
}

static void
test_rule_render(void **state)
{
	struct engine_transition	 t;
	struct rule			*r;
	char				 buf[256], small[8], num[64];

	render_number(412.5, num, sizeof(num));
	assert_string_equal(num, "412.5");
	render_number(10500000, num, sizeof(num));
	assert_string_equal(num, "10500000");
	render_number(-0.0, num, sizeof(num));
	assert_string_equal(num, "0");
	render_number(1.0 / 3, num, sizeof(num));
	assert_string_equal(num, "0.3333");
	render_number(NAN, num, sizeof(num));
	assert_string_equal(num, "n/a");
	render_number(2.5e16, num, sizeof(num));
	assert_string_equal(num, "2.5e+16");

	r = test_ok("easing", "kind=since_event", "series=s",
	    "baseline=90d", "within=180d", "above=15%",
	    "for=1d and 2 observations", NULL);
	memset(&t, 0, sizeof(t));
	t.rule = r;
	t.series = "fred/PPOTASHUSDM";
	t.to = ENGINE_FIRING;
	t.value = 402.5;
	t.metric = 17.25;
	t.threshold = 15;
	t.baseline = 343.3333333;
	t.event = "US general_license OFAC Belarus GL 13 (2025-12-15)";
	assert_int_equal(render_template("{{series}} at {{value}} is "
	    "{{ metric }} over {{baseline}} since {{event}} ({{rule}}, "
	    "{{severity}}, {{state}}, for {{for}}, > {{threshold}})", &t,
	    buf, sizeof(buf)), 0);
	assert_string_equal(buf, "fred/PPOTASHUSDM at 402.5 is 17.25% over "
	    "343.3333 since US general_license OFAC Belarus GL 13 "
	    "(2025-12-15) (easing, warning, firing, for 1 day and 2 "
	    "observations, > 15%)");
	assert_int_equal(render_template("{{value}}{{value}}", &t, small,
	    sizeof(small)), -1);
	assert_string_equal(small, "402.540");
	t.event = NULL;
	assert_int_equal(render_template("no {{event}}", &t, buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "no n/a");
	rule_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_threshold),
		cmocka_unit_test(test_rule_kinds),
		cmocka_unit_test(test_rule_for),
		cmocka_unit_test(test_rule_errors),
		cmocka_unit_test(test_rule_name),
		cmocka_unit_test(test_rule_glob),
		cmocka_unit_test(test_rule_schedule),
		cmocka_unit_test(test_rule_render),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
