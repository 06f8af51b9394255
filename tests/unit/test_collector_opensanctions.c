/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the opensanctions kind: real FollowTheMoney bodies (an
 * export's NDJSON lines, one pretty-printed entity, a delta index, ADD
 * and DEL delta lines) and delta files written for the tests (a watched
 * entity added, then modified); watching by name, id and referent; the
 * memory that makes a MOD a delisting; the delta index and its queue of
 * pages; every failure with its exact message (empty, truncated, HTML,
 * wrong types, numbers, NaN, BOM, invalid UTF-8, NUL, 1000-deep
 * nesting, a body at the 32 MiB cap); request() and configure().
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/collector.h"
#include "testcollector.h"
#include "util/xmalloc.h"

static const struct collector_ops	*ops;

#define TEST_OS_URL	"https://data.opensanctions.org/datasets/latest/" \
	"sanctions/delta.json"
#define TEST_OS_ART	"https://data.opensanctions.org/artifacts/sanctions/"
/* 2024-05-28T15:00:00Z, 2024-05-28T14:00:00Z, 2025-12-20T00:00:00Z. */
#define TEST_OS_MAY28	INT64_C(1716908400000000)
#define TEST_OS_MAY28_2	INT64_C(1716904800000000)
#define TEST_OS_DEC20	INT64_C(1766188800000000)

/* Parses the string s, which must fail with exactly msg. */
#define TEST_OS_FAILS(f, s, msg) \
	testcollector_fails(ops, (f), (s), strlen(s), (msg))

/* A configured feed and its state, parsed page after page. */
struct test_os {
	struct feed		*f;
	void			*data;
	struct collector_result	 res;
};

static void
test_os_start(struct test_os *t, struct feed *f)
{
	char	err[512] = "";

	memset(t, 0, sizeof(*t));
	t->f = f;
	if (ops->configure(f, &t->data, err, sizeof(err)) != 0)
		fail_msg("configure: %s", err);
	t->res.batch = batch_new(f->name);
}

/* Parses a fixture (or text) at now into t->res; must succeed. */
static void
test_os_page(struct test_os *t, const char *fixture, const char *text,
    int64_t now)
{
	char	*body, err[1024] = "";
	size_t	 len;

	if (fixture != NULL)
		body = testcollector_fixture("opensanctions", fixture, &len);
	else {
		body = xstrdup(text);
		len = strlen(text);
	}
	free(t->res.next_url);
	t->res.next_url = NULL;
	if (ops->parse(t->f, t->data, body, len, now, &t->res, err,
	    sizeof(err)) != 0)
		fail_msg("parse %s: %s", fixture != NULL ? fixture : text, err);
	free(body);
}

static void
test_os_end(struct test_os *t)
{
	collector_result_clear(&t->res);
	ops->free(t->data);
	testcollector_feed_free(t->f);
}

static void
test_os_event(const struct collector_result *res, size_t i,
    const char *announced, const char *jurisdiction, const char *action,
    int direction, const char *instrument, const char *entity,
    const char *summary, const char *url)
{
	const struct sanctions_event	*ev;

	assert_true(i < res->nevents);
	ev = &res->events[i];
	assert_string_equal(ev->announced_on, announced);
	assert_null(ev->effective_on);
	assert_string_equal(ev->jurisdiction, jurisdiction);
	assert_string_equal(ev->action, action);
	assert_int_equal(ev->direction, direction);
	assert_string_equal(ev->instrument, instrument);
	assert_int_equal(ev->nentities, 1);
	assert_string_equal(ev->entities[0], entity);
	assert_string_equal(ev->summary, summary);
	assert_string_equal(ev->source_url, url);
	assert_string_equal(ev->verification, "DETECTED (opensanctions)");
}

static void
test_os_export(void **state)
{
	struct test_os	t;
	struct feed	*f;

	/* The default names watch none of these three. */
	test_os_start(&t, testcollector_feed("opensanctions", TEST_OS_URL));
	test_os_page(&t, "entities.ftm-eu_fsf-first3.ndjson", NULL,
	    TEST_OS_MAY28);
	assert_int_equal(t.res.nevents, 0);
	assert_int_equal(t.res.batch->nobs, 0);
	assert_null(t.res.next_url);
	test_os_end(&t);

	/* By name (non-ASCII kept as is): listed, dated first_seen. */
	f = testcollector_feed("opensanctions", TEST_OS_URL);
	testcollector_set(f, "names",
	    "llc \xe2\x80\x9cinter  tobacco\xe2\x80\x9d", NULL);
	test_os_start(&t, f);
	test_os_page(&t, "entities.ftm-eu_fsf-first3.ndjson", NULL,
	    TEST_OS_MAY28);
	assert_int_equal(t.res.nevents, 1);
	test_os_event(&t.res, 0, "2023-04-20", "EU", "listed", 1,
	    "OpenSanctions eu_fsf NK-2GdmHtZTeNXjNVrBGEXZNj",
	    "RAB \xe2\x80\x9eInter Tobacco\xe2\x80\x9c",
	    "RAB \xe2\x80\x9eInter Tobacco\xe2\x80\x9c listed on eu_fsf "
	    "(OpenSanctions)",
	    "https://www.opensanctions.org/entities/"
	    "NK-2GdmHtZTeNXjNVrBGEXZNj/");
	collector_result_clear(&t.res);
	t.res.batch = batch_new("test");
	/* Known now: the same export again says nothing new. */
	test_os_page(&t, "entities.ftm-eu_fsf-first3.ndjson", NULL,
	    TEST_OS_MAY28);
	assert_int_equal(t.res.nevents, 0);
	test_os_end(&t);

	/* By a source id among the referents; one pretty-printed entity. */
	f = testcollector_feed("opensanctions", TEST_OS_URL);
	testcollector_set(f, "entity_ids", "ofac-32733", NULL);
	test_os_start(&t, f);
	test_os_page(&t, "ftm-entity-BY-organization-Inter-Tobacco.json", NULL,
	    TEST_OS_MAY28);
	assert_int_equal(t.res.nevents, 1);
	assert_string_equal(t.res.events[0].instrument,
	    "OpenSanctions eu_fsf NK-2GdmHtZTeNXjNVrBGEXZNj");
	test_os_end(&t);
}

static void
test_os_delta_real(void **state)
{
	struct test_os	t;
	struct feed	*f;

	/* ADD: listed, dated last_change. */
	f = testcollector_feed("opensanctions", TEST_OS_ART
	    "20240528134729-3iv/entities.delta.json");
	testcollector_set(f, "names", "Vladimir Nikolaevich PLOTNIKOV", NULL);
	test_os_start(&t, f);
	test_os_page(&t, "entities.delta-ADD.ndjson", NULL, TEST_OS_MAY28);
	assert_int_equal(t.res.nevents, 1);
	test_os_event(&t.res, 0, "2023-07-14", "EU", "listed", 1,
	    "OpenSanctions eu_fsf Q4365364", "Vladimir Nikolaevich PLOTNIKOV",
	    "Vladimir Nikolaevich PLOTNIKOV listed on eu_fsf (OpenSanctions)",
	    "https://www.opensanctions.org/entities/Q4365364/");
	test_os_end(&t);

	/* DEL of an id watched, nothing known: the collection, the
	 * version's date. */
	f = testcollector_feed("opensanctions", TEST_OS_ART
	    "20240528074703-npf/entities.delta.json");
	testcollector_set(f, "entity_ids", "NK-500Poltergeist", NULL);
	test_os_start(&t, f);
	test_os_page(&t, "entities.delta-DEL.ndjson", NULL, TEST_OS_DEC20);
	assert_int_equal(t.res.nevents, 1);
	test_os_event(&t.res, 0, "2024-05-28", "sanctions", "delisted", -1,
	    "OpenSanctions sanctions NK-500Poltergeist", "NK-500Poltergeist",
	    "NK-500Poltergeist no longer on sanctions (OpenSanctions)",
	    "https://www.opensanctions.org/entities/NK-500Poltergeist/");
	test_os_end(&t);

	/* With the lists watched: one delisting each; a replay without a
	 * version is dated by the run. */
	f = testcollector_feed("opensanctions", "file:///srv/del.ndjson");
	testcollector_set(f, "entity_ids", "NK-500Poltergeist", NULL);
	testcollector_set(f, "datasets", "us_ofac_sdn", "eu_fsf", NULL);
	test_os_start(&t, f);
	test_os_page(&t, "entities.delta-DEL.ndjson", NULL, TEST_OS_DEC20);
	assert_int_equal(t.res.nevents, 2);
	assert_string_equal(t.res.events[0].jurisdiction, "EU");
	assert_string_equal(t.res.events[0].announced_on, "2025-12-20");
	assert_string_equal(t.res.events[1].jurisdiction, "US");
	assert_string_equal(t.res.events[1].instrument,
	    "OpenSanctions us_ofac_sdn NK-500Poltergeist");
	test_os_end(&t);
}

static void
test_os_memory(void **state)
{
	struct test_os	t;

	/* ADD of a watched entity: listed on each list, once each. */
	test_os_start(&t, testcollector_feed("opensanctions",
	    "file:///srv/delta.ndjson"));
	test_os_page(&t, "delta-watched-add.ndjson", NULL, TEST_OS_DEC20);
	assert_int_equal(t.res.nevents, 3);
	test_os_event(&t.res, 0, "2021-08-10", "EU", "listed", 1,
	    "OpenSanctions eu_fsf NK-TEST-belaruskali", "Belaruskali OAO",
	    "Belaruskali OAO listed on eu_fsf (OpenSanctions)",
	    "https://www.opensanctions.org/entities/NK-TEST-belaruskali/");
	assert_string_equal(t.res.events[1].jurisdiction, "UK");
	assert_string_equal(t.res.events[2].jurisdiction, "US");
	collector_result_clear(&t.res);
	t.res.batch = batch_new("test");
	/* The MOD drops us_ofac_sdn: a US delisting.  The DEL is of an
	 * entity never seen: nothing. */
	test_os_page(&t, "delta-watched-mod.ndjson", NULL, TEST_OS_DEC20);
	assert_int_equal(t.res.nevents, 1);
	test_os_event(&t.res, 0, "2025-12-15", "US", "delisted", -1,
	    "OpenSanctions us_ofac_sdn NK-TEST-belaruskali", "Belaruskali OAO",
	    "Belaruskali OAO no longer on us_ofac_sdn (OpenSanctions)",
	    "https://www.opensanctions.org/entities/NK-TEST-belaruskali/");
	collector_result_clear(&t.res);
	t.res.batch = batch_new("test");
	/* Now remembered by id: its DEL is a delisting from what is left. */
	test_os_page(&t, NULL, "{\"op\":\"DEL\",\"entity\":{\"id\":"
	    "\"NK-TEST-belaruskali\"}}", TEST_OS_DEC20);
	assert_int_equal(t.res.nevents, 2);
	assert_string_equal(t.res.events[0].instrument,
	    "OpenSanctions eu_fsf NK-TEST-belaruskali");
	assert_string_equal(t.res.events[0].entities[0], "Belaruskali OAO");
	assert_string_equal(t.res.events[0].announced_on, "2025-12-20");
	assert_string_equal(t.res.events[1].jurisdiction, "UK");
	test_os_end(&t);
}

static void
test_os_mod_unknown(void **state)
{
	struct test_os	 t;
	struct feed	*f;

	/* Nothing known, no datasets option: a MOD says nothing... */
	test_os_start(&t, testcollector_feed("opensanctions", TEST_OS_ART
	    "20251215060000-abc/entities.delta.json"));
	test_os_page(&t, "delta-watched-mod.ndjson", NULL, TEST_OS_DEC20);
	assert_int_equal(t.res.nevents, 0);
	collector_result_clear(&t.res);
	t.res.batch = batch_new("test");
	/* ...unless the entity lost its sanction topic. */
	test_os_page(&t, NULL, "{\"op\":\"MOD\",\"entity\":{\"id\":\"NK-1\","
	    "\"caption\":\"Agrorozkvit LLC\",\"properties\":{\"topics\":"
	    "[\"role.oligarch\"]},\"datasets\":[\"us_ofac_sdn\"],"
	    "\"last_change\":\"2025-12-16T01:02:03\"}}", TEST_OS_DEC20);
	assert_int_equal(t.res.nevents, 1);
	test_os_event(&t.res, 0, "2025-12-16", "sanctions", "delisted", -1,
	    "OpenSanctions sanctions NK-1", "Agrorozkvit LLC",
	    "Agrorozkvit LLC no longer on sanctions (OpenSanctions)",
	    "https://www.opensanctions.org/entities/NK-1/");
	test_os_end(&t);

	/* The lists watched stand for what was known. */
	f = testcollector_feed("opensanctions", "file:///srv/mod.ndjson");
	testcollector_set(f, "datasets", "us_ofac_sdn", "eu_fsf",
	    "gb_hmt_sanctions", NULL);
	test_os_start(&t, f);
	test_os_page(&t, "delta-watched-mod.ndjson", NULL, TEST_OS_DEC20);
	assert_int_equal(t.res.nevents, 1);
	assert_string_equal(t.res.events[0].instrument,
	    "OpenSanctions us_ofac_sdn NK-TEST-belaruskali");
	assert_int_equal(t.res.events[0].direction, -1);
	test_os_end(&t);
}

static void
test_os_index(void **state)
{
	struct test_os	 t;
	struct feed	*f;

	/* All five versions are within two days: five pages queued. */
	f = testcollector_feed("opensanctions", TEST_OS_URL);
	testcollector_set(f, "entity_ids", "NK-500Poltergeist", NULL);
	test_os_start(&t, f);
	test_os_page(&t, "delta-index.json", NULL, TEST_OS_MAY28);
	assert_int_equal(t.res.nevents, 0);
	assert_string_equal(t.res.next_url, TEST_OS_ART
	    "20240527134702-zbn/entities.delta.json");
	test_os_page(&t, "entities.delta-ADD.ndjson", NULL, TEST_OS_MAY28);
	assert_string_equal(t.res.next_url, TEST_OS_ART
	    "20240527194702-wnk/entities.delta.json");
	test_os_page(&t, NULL, "", TEST_OS_MAY28);
	test_os_page(&t, NULL, "\n", TEST_OS_MAY28);
	assert_string_equal(t.res.next_url, TEST_OS_ART
	    "20240528074703-npf/entities.delta.json");
	/* This page's version dates the DEL. */
	test_os_page(&t, "entities.delta-DEL.ndjson", NULL, TEST_OS_MAY28);
	assert_int_equal(t.res.nevents, 1);
	assert_string_equal(t.res.events[0].announced_on, "2024-05-28");
	assert_string_equal(t.res.events[0].jurisdiction, "sanctions");
	assert_string_equal(t.res.next_url, TEST_OS_ART
	    "20240528134729-3iv/entities.delta.json");
	test_os_page(&t, NULL, "", TEST_OS_MAY28);
	assert_null(t.res.next_url);
	test_os_end(&t);

	/* A one-hour window and max_deltas. */
	f = testcollector_feed("opensanctions", TEST_OS_URL);
	testcollector_set(f, "delta_window", "1h", NULL);
	test_os_start(&t, f);
	test_os_page(&t, "delta-index.json", NULL, TEST_OS_MAY28_2);
	assert_string_equal(t.res.next_url, TEST_OS_ART
	    "20240528134729-3iv/entities.delta.json");
	test_os_page(&t, NULL, "", TEST_OS_MAY28_2);
	assert_null(t.res.next_url);
	test_os_end(&t);
	f = testcollector_feed("opensanctions", TEST_OS_URL);
	testcollector_set(f, "max_deltas", "2", NULL);
	test_os_start(&t, f);
	test_os_page(&t, "delta-index.json", NULL, TEST_OS_MAY28);
	assert_string_equal(t.res.next_url, TEST_OS_ART
	    "20240528074703-npf/entities.delta.json");
	test_os_end(&t);
	/* Nothing recent: no pages. */
	test_os_start(&t, testcollector_feed("opensanctions", TEST_OS_URL));
	test_os_page(&t, "delta-index.json", NULL, TEST_OS_DEC20);
	assert_null(t.res.next_url);
	test_os_end(&t);
	/* A replayed index does not send the daemon onto the network. */
	test_os_start(&t, testcollector_feed("opensanctions",
	    "file:///srv/delta.json"));
	test_os_page(&t, "delta-index.json", NULL, TEST_OS_MAY28);
	assert_null(t.res.next_url);
	test_os_end(&t);
}

static void
test_os_index_fails(void **state)
{
	struct feed	*f;

	f = testcollector_feed("opensanctions", TEST_OS_URL);

	TEST_OS_FAILS(f, "{\"versions\":[]}",
	    "versions: expected an object, got an array");
	TEST_OS_FAILS(f, "{\"versions\":{\"latest\":\"x\"}}",
	    "versions: expected versions such as \"20240528134729-3iv\", got "
	    "\"latest\"");
	TEST_OS_FAILS(f, "{\"versions\":{\"20241328134729-3iv\":\"x\"}}",
	    "versions: expected versions such as \"20240528134729-3iv\", got "
	    "\"20241328134729-3iv\"");
	TEST_OS_FAILS(f, "{\"versions\":{\"20240528134729-3iv\":1}}",
	    "versions[\"20240528134729-3iv\"]: expected a URL, got a number");
	TEST_OS_FAILS(f, "{\"versions\":{\"20990528134729-3iv\":"
	    "\"https://evil.example/x\"}}", "versions[\"20990528134729-3iv\"]: "
	    "not on https://data.opensanctions.org/ or the feed's host, "
	    "refusing to follow it");
	testcollector_feed_free(f);
}

static void
test_os_fails(void **state)
{
	struct feed	*f;

	f = testcollector_feed("opensanctions", TEST_OS_URL);

	TEST_OS_FAILS(f, "{\"op\":\"ADD\",\"entity\":{\"id\":\"a\"}}\n"
	    "{\"op\":\"UPSERT\",\"entity\":{}}\n",
	    "line 2: op: expected \"ADD\", \"MOD\" or \"DEL\", got \"UPSERT\"");
	TEST_OS_FAILS(f, "{\"op\":1,\"entity\":{}}",
	    "line 1: op: expected \"ADD\", \"MOD\" or \"DEL\", got a number");
	TEST_OS_FAILS(f, "{\"op\":\"DEL\"}",
	    "line 1: entity: expected an object, got nothing");
	TEST_OS_FAILS(f, "{\"op\":\"DEL\",\"entity\":{}}",
	    "line 1: entity.id: missing");
	TEST_OS_FAILS(f, "{\"op\":\"DEL\",\"entity\":{\"id\":\"../x\"}}",
	    "line 1: entity.id: expected an entity id such as "
	    "\"NK-2GdmHtZTeNXjNVrBGEXZNj\", got \"../x\"");
	TEST_OS_FAILS(f, "{\"op\":\"DEL\",\"entity\":{\"id\":12}}",
	    "line 1: entity.id: expected a string, got a number");
	TEST_OS_FAILS(f, "{\"op\":\"ADD\",\"entity\":{\"id\":\"a\","
	    "\"datasets\":\"eu_fsf\"}}",
	    "line 1: entity.datasets: expected an array of strings, got a "
	    "string");
	TEST_OS_FAILS(f, "{\"op\":\"ADD\",\"entity\":{\"id\":\"a\","
	    "\"properties\":{\"topics\":[\"sanction\",1e400]}}}",
	    "line 1: entity.properties.topics: expected an array of strings, "
	    "got a number in it");
	TEST_OS_FAILS(f, "{\"op\":\"ADD\",\"entity\":{\"id\":\"a\","
	    "\"properties\":[]}}",
	    "line 1: entity.properties: expected an object, got an array");
	TEST_OS_FAILS(f, "{\"op\":\"ADD\",\"entity\":{\"id\":\"a\","
	    "\"last_change\":\"yesterday\"}}",
	    "line 1: entity.last_change: expected a timestamp such as "
	    "\"2023-07-14T20:00:27\", got \"yesterday\"");
	TEST_OS_FAILS(f, "{\"id\":\"a\",\"first_seen\":\"2023-02-30\"}",
	    "line 1: entity.first_seen: expected a timestamp such as "
	    "\"2023-07-14T20:00:27\", got \"2023-02-30\"");
	TEST_OS_FAILS(f, "{\"id\":\"a\"}\n[1]\n",
	    "line 2: expected an object, got an array");
	TEST_OS_FAILS(f, "{\"id\":\"a\"}\n{\"name\":\"x\"}\n",
	    "line 2: expected an entity, a delta operation or a delta index "
	    "(no \"id\", \"op\" or \"versions\")");
	TEST_OS_FAILS(f, "{\"results\":{}}",
	    "line 1: results: expected an array, got an object");
	TEST_OS_FAILS(f, "{\"results\":[{\"id\":\"a\"},{\"id\":5}]}",
	    "line 1: results[1].id: expected a string, got a number");
	TEST_OS_FAILS(f, "\"id\"", "line 1: expected an object, got a string");
	/* NaN is not JSON, on a line or in a document. */
	TEST_OS_FAILS(f, "{\"id\":\"a\"}\n{\"id\":NaN}\n",
	    "line 2: not JSON: unexpected \"N\" at byte 6");
	TEST_OS_FAILS(f, "{\n \"id\": NaN\n}",
	    "not JSON: unexpected \"N\" at byte 9");
	testcollector_feed_free(f);
}

/* {"id":"a","x": [[[ ... ]]]} nested depth levels deep, on one line. */
static char *
test_os_deep(size_t depth, size_t *len)
{
	return (testcollector_deep("{\"id\":\"a\",\"x\":", depth, "}", len));
}

static void
test_os_bodies(void **state)
{
	struct feed		*f = testcollector_feed("opensanctions",
	    TEST_OS_URL);
	struct collector_result	 res;
	const size_t		 cap = 32u << 20;
	char			*b, *body;
	size_t			 len, k;

	TEST_OS_FAILS(f, "", "empty body (expected JSON)");
	TEST_OS_FAILS(f, "\r\n\r\n", "empty body (expected JSON)");
	TEST_OS_FAILS(f, "<html><head><title>502 Bad Gateway</title>",
	    "not JSON: unexpected \"<\" at byte 0 (an HTML error page?)");
	/* A cut last line is named; a cut document by its byte. */
	body = testcollector_fixture("opensanctions",
	    "entities.ftm-eu_fsf-first3.ndjson", &len);
	testcollector_fails(ops, f, body, len - 100, "line 3: not JSON: "
	    "the string at byte 958 never ends (truncated?)");
	free(body);
	body = testcollector_fixture("opensanctions",
	    "ftm-entity-BY-organization-Inter-Tobacco.json", &len);
	testcollector_fails(ops, f, body, 100, "not JSON: the string at byte "
	    "94 never ends (truncated?)");
	free(body);
	/* BOM skipped, in both kinds of body. */
	b = xstrdup("\xef\xbb\xbf{\"op\":\"DEL\",\"entity\":{\"id\":\"a\"}}\n");
	testcollector_ok(ops, f, b, strlen(b), &res);
	collector_result_clear(&res);
	free(b);
	b = xstrdup("\xef\xbb\xbf{\n\"id\": \"a\"\n}");
	testcollector_ok(ops, f, b, strlen(b), &res);
	collector_result_clear(&res);
	free(b);
	TEST_OS_FAILS(f,
	    "{\"id\":\"a\"}\n{\"id\":\"b\",\"caption\":\"\xe9\"}\n",
	    "not JSON: invalid UTF-8 at byte 32 (JSON must be UTF-8)");
	testcollector_fails(ops, f, "{\"id\":\"a\"}\n{\"id\":\"b\"}\0\n", 22,
	    "line 2: not JSON: NUL byte at byte 10");
	TEST_OS_FAILS(f, "{\"id\":\"a\",\"caption\":\"\\u0000\"}",
	    "\"\\u0000\" at byte 21: NUL characters in strings are not "
	    "supported");
	b = test_os_deep(1000, &len);
	testcollector_ok(ops, f, b, len, &res);
	collector_result_clear(&res);
	free(b);
	b = test_os_deep(1001, &len);
	testcollector_fails(ops, f, b, len, "not JSON we accept: nested "
	    "deeper than 1000 levels at byte 1013");
	body = xasprintf("{\"id\":\"z\"}\n%s\n", b);
	testcollector_fails(ops, f, body, strlen(body), "line 2: not JSON we "
	    "accept: nested deeper than 1000 levels at byte 1013");
	free(body);
	free(b);
	/* 32 MiB of NDJSON: 8 KiB lines, the last one watched. */
	b = xmalloc(cap + 1);
	for (k = 0; k + 8192 <= cap - 8192; k += 8192) {
		len = (size_t)sprintf(b + k, "{\"id\":\"x%zu\",\"caption\":\"",
		    k);
		memset(b + k + len, 'x', 8192 - len - 3);
		memcpy(b + k + 8192 - 3, "\"}\n", 3);
	}
	len = (size_t)sprintf(b + k, "{\"op\":\"ADD\",\"entity\":{\"id\":\"z\","
	    "\"caption\":\"Agrorozkvit LLC\",\"properties\":{\"topics\":"
	    "[\"sanction\"]},\"datasets\":[\"us_ofac_sdn\"],\"first_seen\":"
	    "\"2021-12-02T00:00:00\"}}");
	memset(b + k + len, '\n', cap - k - len);
	b[cap] = '\0';
	testcollector_ok(ops, f, b, cap, &res);
	assert_int_equal(res.nevents, 1);
	assert_string_equal(res.events[0].jurisdiction, "US");
	assert_string_equal(res.events[0].announced_on, "2021-12-02");
	collector_result_clear(&res);
	free(b);
	testcollector_feed_free(f);
}

static void
test_os_request(void **state)
{
	struct feed			*f;
	struct collector_request	 req;
	void				*data = NULL;
	char				 err[512] = "";

	f = testcollector_feed("opensanctions", TEST_OS_URL);
	assert_int_equal(ops->configure(f, &data, err, sizeof(err)), 0);
	memset(&req, 0, sizeof(req));
	assert_int_equal(ops->request(f, data, 0, &req, err, sizeof(err)), 0);
	assert_string_equal(req.url, TEST_OS_URL);
	assert_null(req.headers[0]);
	collector_request_clear(&req);
	f->secret = xstrdup("os-key");
	assert_int_equal(ops->request(f, data, 0, &req, err, sizeof(err)), 0);
	assert_string_equal(req.headers[0], "Authorization: ApiKey os-key");
	assert_null(req.headers[1]);
	collector_request_clear(&req);
	free(f->secret);
	f->secret = xstrdup("a\nb");
	assert_int_equal(ops->request(f, data, 0, &req, err, sizeof(err)), -1);
	assert_string_equal(err, "secret: contains a line break");
	collector_request_clear(&req);
	/* A replay gets no key. */
	free(f->url);
	f->url = xstrdup("file:///srv/demo/os.ndjson");
	assert_int_equal(ops->request(f, data, 0, &req, err, sizeof(err)), 0);
	assert_string_equal(req.url, "file:///srv/demo/os.ndjson");
	assert_null(req.headers[0]);
	collector_request_clear(&req);
	ops->free(data);
	testcollector_feed_free(f);
}

static void
test_os_configure_fails(struct feed *f, const char *msg)
{
	void	*data = NULL;
	char	 err[512] = "";

	assert_int_equal(ops->configure(f, &data, err, sizeof(err)), -1);
	assert_null(data);
	assert_string_equal(err, msg);
	testcollector_feed_free(f);
}

static void
test_os_configure(void **state)
{
	struct feed	*f;

	f = testcollector_feed("opensanctions", TEST_OS_URL);
	testcollector_set(f, "names", NULL);
	test_os_configure_fails(f, "names: missing: name at least one entity "
	    "to watch (names or entity_ids), e.g. {\"Belaruskali OAO\"}");
	f = testcollector_feed("opensanctions", TEST_OS_URL);
	testcollector_set(f, "names", "BY", NULL);
	test_os_configure_fails(f, "names: expected names of at least 3 "
	    "characters, got \"BY\"");
	f = testcollector_feed("opensanctions", TEST_OS_URL);
	testcollector_set(f, "entity_ids", "NK 1", NULL);
	test_os_configure_fails(f, "entity_ids: expected entity ids such as "
	    "\"NK-2GdmHtZTeNXjNVrBGEXZNj\", got \"NK 1\"");
	f = testcollector_feed("opensanctions", TEST_OS_URL);
	testcollector_set(f, "datasets", "US_OFAC_SDN", NULL);
	test_os_configure_fails(f, "datasets: expected dataset names such as "
	    "\"us_ofac_sdn\", got \"US_OFAC_SDN\"");
	f = testcollector_feed("opensanctions", TEST_OS_URL);
	testcollector_set(f, "delta_window", "30m", NULL);
	test_os_configure_fails(f, "delta_window: expected a duration between "
	    "1h and 30d, got \"30m\"");
	f = testcollector_feed("opensanctions", TEST_OS_URL);
	testcollector_set(f, "delta_window", "2 days", NULL);
	test_os_configure_fails(f, "delta_window: expected a duration such "
	    "as 30s, 5m, 1h30m, got \"2 days\"");
	f = testcollector_feed("opensanctions", TEST_OS_URL);
	testcollector_set(f, "max_deltas", "10", NULL);
	test_os_configure_fails(f, "max_deltas: expected an integer between 1 "
	    "and 9, got \"10\"");
}

static void
test_os_registry(void **state)
{
	assert_non_null(ops);
	assert_string_equal(ops->name, "opensanctions");
	assert_string_equal(ops->default_url, TEST_OS_URL);
}

/* The offline demo's body, with the demo feed's options. */
static void
test_os_demo(void **state)
{
	struct feed		*f = testcollector_feed("opensanctions",
	    "file:///srv/potashd/data/demo/feeds/"
	    "opensanctions-delta-dec2025.ndjson");
	struct collector_result	 res;
	char			*body;
	size_t			 len;

	testcollector_set(f, "datasets", "us_ofac_sdn", "eu_fsf",
	    "gb_hmt_sanctions", NULL);
	body = testcollector_fixture("../../../data/demo/feeds",
	    "opensanctions-delta-dec2025.ndjson", &len);
	testcollector_ok(ops, f, body, len, &res);
	assert_int_equal(res.nevents, 1);
	test_os_event(&res, 0, "2025-12-15", "US", "delisted", -1,
	    "OpenSanctions us_ofac_sdn NK-DEMO-belaruskali-oao",
	    "Belaruskali OAO",
	    "Belaruskali OAO no longer on us_ofac_sdn (OpenSanctions)",
	    "https://www.opensanctions.org/entities/NK-DEMO-belaruskali-oao/");
	assert_null(res.next_url);
	collector_result_clear(&res);
	free(body);
	testcollector_feed_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_os_registry),
		cmocka_unit_test(test_os_export),
		cmocka_unit_test(test_os_delta_real),
		cmocka_unit_test(test_os_memory),
		cmocka_unit_test(test_os_mod_unknown),
		cmocka_unit_test(test_os_demo),
		cmocka_unit_test(test_os_index),
		cmocka_unit_test(test_os_index_fails),
		cmocka_unit_test(test_os_fails),
		cmocka_unit_test(test_os_bodies),
		cmocka_unit_test(test_os_request),
		cmocka_unit_test(test_os_configure),
	};

	ops = collector_find("opensanctions");
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
