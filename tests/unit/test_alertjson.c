/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for alert/alertjson: times both ways, a saved instance that
 * restores to the same state after a trip through JSON text (sentinels,
 * flips and NANs included), transitions with their evidence and rendered
 * annotations, and rules with their definition.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "alert/alertjson.h"
#include "alert/engine.h"
#include "alert/rule.h"

#define USEC	INT64_C(1000000)
/* 2025-12-15T00:00:00Z */
#define T0	(INT64_C(1765756800) * USEC)

static struct rule *
make_rule(const char *name, const char *const *opts)
{
	struct rule_kv	 kv[16];
	char		 names[16][64], err[256];
	const char	*vals[16][1];
	struct rule	*r;
	size_t		 n;
	int		 line;

	for (n = 0; opts[n] != NULL; n++) {
		const char *eq = strchr(opts[n], '=');

		assert_non_null(eq);
		snprintf(names[n], sizeof(names[n]), "%.*s",
		    (int)(eq - opts[n]), opts[n]);
		vals[n][0] = eq + 1;
		kv[n].name = names[n];
		kv[n].values = vals[n];
		kv[n].nvalues = 1;
		kv[n].line = (int)n + 1;
	}
	r = rule_new(name, kv, n, err, sizeof(err), &line);
	if (r == NULL)
		fail_msg("%s", err);
	return (r);
}

static void
test_time(void **state)
{
	char	buf[64];
	int64_t	t;

	(void)state;
	alertjson_time(T0 + 123456, buf, sizeof(buf));
	assert_string_equal(buf, "2025-12-15T00:00:00.123456Z");
	alertjson_time(0, buf, sizeof(buf));
	assert_string_equal(buf, "");
	alertjson_time(INT64_MIN, buf, sizeof(buf));
	assert_string_equal(buf, "");

	assert_int_equal(alertjson_parse_time("2025-12-15T00:00:00.123456Z",
	    &t), 0);
	assert_true(t == T0 + 123456);
	/* PostgreSQL's text form, with an offset and a short fraction. */
	assert_int_equal(alertjson_parse_time("2025-12-15 02:00:00.5+02",
	    &t), 0);
	assert_true(t == T0 + 500000);
	assert_int_equal(alertjson_parse_time("2025-12-15", &t), 0);
	assert_true(t == T0);
	assert_int_equal(alertjson_parse_time("yesterday", &t), -1);
}

static void
test_saved_round_trip(void **state)
{
	struct engine_saved	 in, out;
	cJSON			*j, *back;
	char			*text, err[256];

	(void)state;
	memset(&in, 0, sizeof(in));
	in.rule = "spike";
	in.series = "fred/PPOTASHUSDM";
	memcpy(in.fingerprint, "0123456789abcdef", ENGINE_FINGERPRINT_LEN);
	in.kind = RULE_SINCE_EVENT;
	in.state = ENGINE_FIRING;
	in.since = T0 + 1;
	in.count = 3;
	in.until = 0;
	in.checked = INT64_MIN;
	in.latch = 1;
	in.flapping = 1;
	in.flips[0] = T0 - 2 * USEC;
	in.flips[1] = T0 - USEC;
	in.nflips = 2;
	in.value = 412.5;
	in.metric = 16.25;
	in.threshold = NAN;
	in.event_id = 14;
	in.event_at = T0;
	in.event_known = T0 + 5;
	in.baseline = 354.75;
	in.baseline_from = T0 - 90 * 86400 * USEC;
	in.baseline_to = T0;
	in.baseline_n = 3;
	in.window_end = INT64_MAX;
	in.disarm_at = T0 + 200 * 86400 * USEC;
	in.closed = 0;

	j = alertjson_saved(&in);
	text = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	back = cJSON_Parse(text);
	free(text);
	assert_non_null(back);
	assert_int_equal(alertjson_saved_parse(back, &out, err, sizeof(err)),
	    0);
	assert_string_equal(out.rule, in.rule);
	assert_string_equal(out.series, in.series);
	assert_string_equal(out.fingerprint, in.fingerprint);
	assert_int_equal(out.kind, in.kind);
	assert_int_equal(out.state, in.state);
	assert_true(out.since == in.since);
	assert_int_equal(out.count, in.count);
	assert_true(out.checked == INT64_MIN);
	assert_true(out.window_end == INT64_MAX);
	assert_int_equal(out.latch, 1);
	assert_int_equal(out.flapping, 1);
	assert_int_equal(out.nflips, 2);
	assert_true(out.flips[1] == in.flips[1]);
	assert_true(out.value == in.value);
	assert_true(isnan(out.threshold));
	assert_true(out.event_id == 14);
	assert_true(out.event_known == in.event_known);
	assert_true(out.baseline == in.baseline);
	assert_true(out.baseline_from == in.baseline_from);
	assert_int_equal(out.baseline_n, 3);
	assert_true(out.disarm_at == in.disarm_at);

	/* A damaged field is named. */
	cJSON_ReplaceItemInObject(back, "state", cJSON_CreateString("on"));
	assert_int_equal(alertjson_saved_parse(back, &out, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "\"state\""));
	cJSON_ReplaceItemInObject(back, "state",
	    cJSON_CreateString("firing"));
	cJSON_DeleteItemFromObject(back, "since");
	assert_int_equal(alertjson_saved_parse(back, &out, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "\"since\""));
	cJSON_Delete(back);
}

static void
test_transition(void **state)
{
	const char *const	 opts[] = { "kind=threshold", "series=fred/*",
	    "above=400", "clear=380", "severity=critical",
	    "labels.desk=potash",
	    "annotations.summary=Potash at {{value}}, above {{threshold}}",
	    NULL };
	struct engine_transition t;
	struct rule		*r;
	cJSON			*j, *ev;
	char			*text;

	(void)state;
	r = make_rule("high", opts);
	memset(&t, 0, sizeof(t));
	t.rule = r;
	t.series = "fred/PPOTASHUSDM";
	engine_fingerprint(r, t.series, t.fingerprint);
	t.from = ENGINE_INACTIVE;
	t.to = ENGINE_FIRING;
	t.reason = ENGINE_REASON_CONDITION;
	t.at = T0;
	t.value = 410;
	t.metric = 410;
	t.threshold = 400;
	t.baseline = NAN;
	t.evidence[0].period = T0 - 14 * 86400 * USEC;
	t.evidence[0].value = 410;
	t.evidence[0].known_at = T0;
	t.nevidence = 1;
	t.ninputs = 1;

	j = alertjson_transition(&t);
	text = cJSON_PrintUnformatted(j);
	assert_non_null(strstr(text, "\"to_state\":\"firing\""));
	assert_non_null(strstr(text, "\"from_state\":\"inactive\""));
	assert_non_null(strstr(text, "\"at\":\"2025-12-15T00:00:00.000000Z\""));
	assert_non_null(strstr(text, "\"baseline\":null"));
	assert_non_null(strstr(text, "\"labels\":{\"desk\":\"potash\"}"));
	assert_non_null(strstr(text,
	    "\"summary\":\"Potash at 410, above 400\""));
	assert_non_null(strstr(text, "\"severity\":\"critical\""));
	ev = cJSON_GetObjectItem(j, "evidence");
	assert_int_equal(cJSON_GetArraySize(ev), 1);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(ev, 0),
	    "period")->valuestring, "2025-12-01T00:00:00.000000Z");
	assert_string_equal(cJSON_GetObjectItem(j, "fingerprint")->valuestring,
	    t.fingerprint);
	free(text);
	cJSON_Delete(j);

	j = alertjson_rule(r);
	text = cJSON_PrintUnformatted(j);
	assert_non_null(strstr(text, "\"name\":\"high\""));
	assert_non_null(strstr(text, "\"series\":\"fred/*\""));
	assert_non_null(strstr(text, "\"above\":400"));
	assert_non_null(strstr(text, "\"clear\":380"));
	free(text);
	cJSON_Delete(j);
	rule_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_saved_round_trip),
		cmocka_unit_test(test_transition),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
