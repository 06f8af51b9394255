/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the fedreg kind: documents.json search pages written
 * for the tests from the API's documented structure (no recorded body
 * was found), turned into sanctions events; matching in titles,
 * abstracts and excerpts; the classification; paging with max_pages and
 * the host check; every failure with its exact message (empty,
 * truncated, HTML, wrong types, numbers for strings, 1e400, NaN, BOM,
 * invalid UTF-8, NUL, 1000-deep nesting, a body at the 32 MiB cap);
 * request() and configure().
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

#define TEST_FR_URL \
	"https://www.federalregister.gov/api/v1/documents.json"
#define TEST_FR_PAGE2	"https://www.federalregister.gov/api/v1/" \
	"documents.json?conditions%5Bterm%5D=Belaruskali+%7C+%22Belarusian+" \
	"Potash+Company%22+%7C+Agrorozkvit&order=newest&page=2&per_page=5"

/* Parses the string s, which must succeed. */
#define TEST_FR_OK(f, s, res) \
	testcollector_ok(ops, (f), (s), strlen(s), (res))
/* Parses the string s, which must fail with exactly msg. */
#define TEST_FR_FAILS(f, s, msg) \
	testcollector_fails(ops, (f), (s), strlen(s), (msg))

static struct feed *
test_fr_feed(void)
{
	return (testcollector_feed("fedreg", TEST_FR_URL));
}

static void
test_fr_event(const struct collector_result *res, size_t i,
    const char *announced, const char *effective, const char *action,
    int direction, const char *instrument, const char *entities,
    const char *summary, const char *url)
{
	const struct sanctions_event	*ev;
	char				 list[512] = "";
	size_t				 k;

	assert_true(i < res->nevents);
	ev = &res->events[i];
	assert_string_equal(ev->announced_on, announced);
	if (effective == NULL)
		assert_null(ev->effective_on);
	else
		assert_string_equal(ev->effective_on, effective);
	assert_null(ev->wind_down_until);
	assert_string_equal(ev->jurisdiction, "US");
	assert_string_equal(ev->action, action);
	assert_int_equal(ev->direction, direction);
	assert_string_equal(ev->instrument, instrument);
	for (k = 0; k < ev->nentities; k++) {
		if (k > 0)
			strcat(list, "; ");
		strcat(list, ev->entities[k]);
	}
	assert_string_equal(list, entities);
	assert_string_equal(ev->summary, summary);
	assert_string_equal(ev->source_url, url);
	assert_string_equal(ev->verification, "DETECTED (fedreg)");
}

static void
test_fr_page1(void **state)
{
	struct feed		*f = test_fr_feed();
	struct collector_result	 res;
	char			*body;
	size_t			 len;

	body = testcollector_fixture("fedreg",
	    "documents-belaruskali-page1.json", &len);
	testcollector_ok(ops, f, body, len, &res);
	assert_int_equal(res.batch->nobs, 0);
	assert_int_equal(res.nevents, 3);
	/* "determination" does not count as "terminat...". */
	test_fr_event(&res, 0, "2021-08-12", NULL, "sdn_designation", 1,
	    "FR Doc 2021-99101", "Belaruskali",
	    "Notice of OFAC Sanctions Actions",
	    "https://www.federalregister.gov/documents/2021/08/12/2021-99101/"
	    "notice-of-ofac-sanctions-actions");
	/* Names match across a line break and doubled spaces. */
	test_fr_event(&res, 1, "2026-03-02", "2025-12-15", "general_license",
	    -1, "FR Doc 2026-99013", "Belaruskali; Belarusian Potash Company; "
	    "Agrorozkvit", "Publication of Belarus Sanctions Regulations Web "
	    "General License 13", "https://www.federalregister.gov/documents/"
	    "2026/03/02/2026-99013/publication-of-belarus-sanctions-"
	    "regulations-web-general-license-13");
	test_fr_event(&res, 2, "2026-04-10", "2026-04-07", "delisting", -1,
	    "FR Doc 2026-99027", "Agrorozkvit",
	    "Notice of OFAC Sanctions Actions",
	    "https://www.federalregister.gov/documents/2026/04/10/2026-99027/"
	    "notice-of-ofac-sanctions-actions");
	/* Not naming a watched entity, and unclassified: no events. */
	assert_string_equal(res.next_url, TEST_FR_PAGE2);
	collector_result_clear(&res);

	/* Unclassified kept as notices; the name was split by tags. */
	testcollector_set(f, "unclassified", "notice", NULL);
	testcollector_ok(ops, f, body, len, &res);
	assert_int_equal(res.nevents, 4);
	test_fr_event(&res, 3, "2026-05-04", NULL, "notice", 1,
	    "FR Doc 2026-99044", "Belarusian Potash Company",
	    "Meeting of the Agricultural Policy Advisory Committee for Trade",
	    "https://www.federalregister.gov/documents/2026/05/04/2026-99044/"
	    "meeting-of-the-agricultural-policy-advisory-committee");
	collector_result_clear(&res);
	testcollector_feed_free(f);

	/* Only the names watched. */
	f = test_fr_feed();
	testcollector_set(f, "entities", "agrorozkvit llc", NULL);
	testcollector_ok(ops, f, body, len, &res);
	assert_int_equal(res.nevents, 2);
	assert_string_equal(res.events[0].instrument, "FR Doc 2026-99013");
	assert_string_equal(res.events[0].entities[0], "agrorozkvit llc");
	assert_string_equal(res.events[1].instrument, "FR Doc 2026-99027");
	collector_result_clear(&res);
	testcollector_feed_free(f);

	/* max_pages = 1: page 2 is not asked for. */
	f = test_fr_feed();
	testcollector_set(f, "max_pages", "1", NULL);
	testcollector_ok(ops, f, body, len, &res);
	assert_null(res.next_url);
	collector_result_clear(&res);
	testcollector_feed_free(f);

	/* A replay never goes to the network. */
	f = testcollector_feed("fedreg", "file:///srv/demo/fedreg.json");
	testcollector_ok(ops, f, body, len, &res);
	assert_int_equal(res.nevents, 3);
	assert_null(res.next_url);
	collector_result_clear(&res);
	testcollector_feed_free(f);
	free(body);
}

static void
test_fr_two_pages(void **state)
{
	struct feed		*f = test_fr_feed();
	struct collector_result	 res;
	void			*data = NULL;
	char			*b1, *b2, err[512];
	size_t			 l1, l2;

	b1 = testcollector_fixture("fedreg",
	    "documents-belaruskali-page1.json", &l1);
	b2 = testcollector_fixture("fedreg",
	    "documents-belaruskali-page2.json", &l2);
	assert_int_equal(ops->configure(f, &data, err, sizeof(err)), 0);
	memset(&res, 0, sizeof(res));
	res.batch = batch_new(f->name);
	/* As the scheduler does: one result over the pages. */
	assert_int_equal(ops->parse(f, data, b1, l1, 0, &res, err,
	    sizeof(err)), 0);
	free(res.next_url);
	res.next_url = NULL;
	assert_int_equal(ops->parse(f, data, b2, l2, 0, &res, err,
	    sizeof(err)), 0);
	assert_null(res.next_url);
	/* 2021-99101 again on page 2: not added twice. */
	assert_int_equal(res.nevents, 4);
	test_fr_event(&res, 3, "2021-06-11", NULL, "executive_order", 1,
	    "FR Doc 2021-99077", "Belaruskali",
	    "Continuation of the National Emergency With Respect to Belarus",
	    "https://www.federalregister.gov/documents/2021/06/11/2021-99077/"
	    "continuation-of-the-national-emergency-with-respect-to-belarus");
	collector_result_clear(&res);
	ops->free(data);
	free(b1);
	free(b2);
	testcollector_feed_free(f);
}

static void
test_fr_none(void **state)
{
	struct feed		*f = test_fr_feed();
	struct collector_result	 res;
	char			*body;
	size_t			 len;

	body = testcollector_fixture("fedreg", "documents-none.json", &len);
	testcollector_ok(ops, f, body, len, &res);
	assert_int_equal(res.nevents, 0);
	assert_null(res.next_url);
	collector_result_clear(&res);
	free(body);
	/* count is not read: 1e400 there does no harm. */
	TEST_FR_OK(f, "{\"count\":1e400,\"results\":null}", &res);
	assert_int_equal(res.nevents, 0);
	collector_result_clear(&res);
	testcollector_feed_free(f);
}

/* A page with one Belaruskali designation whose members are given. */
static char *
test_fr_doc(const char *members)
{
	return (xasprintf("{\"count\":1,\"results\":[{\"title\":\"Blocking "
	    "of Belaruskali\",\"type\":\"Notice\"%s%s}]}",
	    *members != '\0' ? "," : "", members));
}

static void
test_fr_doc_fails(struct feed *f, const char *members, const char *msg)
{
	char	*b = test_fr_doc(members);

	testcollector_fails(ops, f, b, strlen(b), msg);
	free(b);
}

static void
test_fr_types(void **state)
{
	struct feed		*f = test_fr_feed();
	struct collector_result	 res;
	char			*b;

	b = test_fr_doc("\"document_number\":\"2021-1\",\"publication_date\":"
	    "\"2021-08-09\",\"html_url\":\"javascript:alert(1)\"");
	testcollector_ok(ops, f, b, strlen(b), &res);
	assert_int_equal(res.nevents, 1);
	assert_null(res.events[0].source_url);
	assert_null(res.events[0].effective_on);
	collector_result_clear(&res);
	free(b);
	test_fr_doc_fails(f, "\"document_number\":202199101,"
	    "\"publication_date\":\"2021-08-09\"",
	    "results[0].document_number: expected a string, got a number");
	test_fr_doc_fails(f, "\"publication_date\":\"2021-08-09\"",
	    "results[0].document_number: expected a document number such as "
	    "\"2025-22871\", got nothing");
	test_fr_doc_fails(f, "\"document_number\":\"../../x\","
	    "\"publication_date\":\"2021-08-09\"",
	    "results[0].document_number: expected a document number such as "
	    "\"2025-22871\", got \"../../x\"");
	test_fr_doc_fails(f, "\"document_number\":\"2021-1\"",
	    "results[0].publication_date: missing (expected a date "
	    "YYYY-MM-DD)");
	test_fr_doc_fails(f, "\"document_number\":\"2021-1\","
	    "\"publication_date\":\"08/09/2021\"",
	    "results[0].publication_date: expected a date YYYY-MM-DD, got "
	    "\"08/09/2021\"");
	test_fr_doc_fails(f, "\"document_number\":\"2021-1\","
	    "\"publication_date\":\"2021-02-30\"",
	    "results[0].publication_date: expected a date YYYY-MM-DD, got "
	    "\"2021-02-30\"");
	test_fr_doc_fails(f, "\"document_number\":\"2021-1\","
	    "\"publication_date\":\"2021-08-09\",\"effective_on\":\"NaN\"",
	    "results[0].effective_on: expected a date YYYY-MM-DD, got \"NaN\"");
	test_fr_doc_fails(f, "\"abstract\":true",
	    "results[0].abstract: expected a string, got true");
	test_fr_doc_fails(f, "\"excerpts\":[\"Belaruskali\"]",
	    "results[0].excerpts: expected a string, got an array");
	TEST_FR_FAILS(f, "{\"results\":[{\"title\":1e400}]}",
	    "results[0].title: expected a string, got a number");
	TEST_FR_FAILS(f, "{\"results\":[{\"title\":NaN}]}",
	    "not JSON: unexpected \"N\" at byte 21");
	TEST_FR_FAILS(f, "{\"results\":[\"2021-1\"]}",
	    "results[0]: expected an object, got a string");
	TEST_FR_FAILS(f, "{\"results\":{}}",
	    "\"results\": expected an array, got an object");
	TEST_FR_FAILS(f, "[{\"title\":\"x\"}]",
	    "expected a JSON object at the top, got an array");
	TEST_FR_FAILS(f, "{\"errors\":{\"conditions\":{\"publication_date\":"
	    "\"is not a valid date\"}}}", "Federal Register error: "
	    "{\"conditions\":{\"publication_date\":\"is not a valid date\"}}");
	TEST_FR_FAILS(f, "{\"results\":[],\"next_page_url\":5}",
	    "next_page_url: expected a string, got a number");
	TEST_FR_FAILS(f, "{\"results\":[],\"next_page_url\":"
	    "\"https://evil.example/api?page=2\"}", "next_page_url: not on "
	    "https://www.federalregister.gov/ or the feed's host, refusing to "
	    "follow \"https://evil.example/api?page=2\"");
	TEST_FR_FAILS(f, "{\"results\":[],\"next_page_url\":"
	    "\"https://www.federalregister.gov.evil.example/?page=2\"}",
	    "next_page_url: not on https://www.federalregister.gov/ or the "
	    "feed's host, refusing to follow \"https://www.federalregister.gov"
	    ".evil.example/?pa...\"");
	testcollector_feed_free(f);

	/* The feed's own host (a mirror or proxy) is followed. */
	f = testcollector_feed("fedreg",
	    "http://127.0.0.1:8080/documents.json");
	TEST_FR_OK(f, "{\"next_page_url\":\"http://127.0.0.1:8080/"
	    "documents.json?page=3\"}", &res);
	assert_string_equal(res.next_url, "http://127.0.0.1:8080/"
	    "documents.json?page=3");
	collector_result_clear(&res);
	TEST_FR_OK(f, "{\"next_page_url\":\"http://127.0.0.1:8080/"
	    "documents.json?x=1&page=4\"}", &res);
	assert_null(res.next_url);
	collector_result_clear(&res);
	testcollector_feed_free(f);
}

/* {"results":[], "x": [[[ ... ]]]} nested depth levels deep in all. */
static char *
test_fr_deep(size_t depth, size_t *len)
{
	return (testcollector_deep("{\"results\":[],\"x\":", depth, "}", len));
}

static void
test_fr_bodies(void **state)
{
	struct feed		*f = test_fr_feed();
	struct collector_result	 res;
	const size_t		 cap = 32u << 20;
	char			*b, *body;
	size_t			 len;

	TEST_FR_FAILS(f, "", "empty body (expected JSON)");
	TEST_FR_FAILS(f, "\n\n", "empty body (expected JSON)");
	TEST_FR_FAILS(f, "<!DOCTYPE html><html>",
	    "not JSON: unexpected \"<\" at byte 0 (an HTML error page?)");
	body = testcollector_fixture("fedreg",
	    "documents-belaruskali-page1.json", &len);
	testcollector_fails(ops, f, body, 408, "not JSON: the string at byte "
	    "405 never ends (truncated?)");
	testcollector_fails(ops, f, body, len - 3, "not JSON: unexpected end "
	    "at byte 6042 (truncated?)");
	b = xasprintf("\xef\xbb\xbf%s", body);
	testcollector_ok(ops, f, b, len + 3, &res);
	assert_int_equal(res.nevents, 3);
	collector_result_clear(&res);
	free(b);
	free(body);
	TEST_FR_FAILS(f, "{\"results\":[{\"title\":\"Belaruskali \xc3\x28\"}]}",
	    "not JSON: invalid UTF-8 at byte 34 (JSON must be UTF-8)");
	testcollector_fails(ops, f, "{\"results\":[]}\0\0", 16,
	    "not JSON: NUL byte at byte 14");
	TEST_FR_FAILS(f, "{\"results\":[{\"title\":\"Belaruskali\\u0000\"}]}",
	    "\"\\u0000\" at byte 33: NUL characters in strings are not "
	    "supported");
	b = test_fr_deep(1000, &len);
	testcollector_ok(ops, f, b, len, &res);
	assert_int_equal(res.nevents, 0);
	collector_result_clear(&res);
	free(b);
	b = test_fr_deep(1001, &len);
	testcollector_fails(ops, f, b, len, "not JSON we accept: nested "
	    "deeper than 1000 levels at byte 1017");
	free(b);
	/* 32 MiB: one document and a description almost all of it. */
	b = xmalloc(cap + 1);
	len = (size_t)sprintf(b, "{\"results\":[{\"document_number\":"
	    "\"2021-1\",\"publication_date\":\"2021-08-09\",\"title\":"
	    "\"Blocking\",\"abstract\":\"Belaruskali\"}],\"description\":\"");
	memset(b + len, 'x', cap - len - 2);
	memcpy(b + cap - 2, "\"}", 2);
	b[cap] = '\0';
	testcollector_ok(ops, f, b, cap, &res);
	assert_int_equal(res.nevents, 1);
	assert_string_equal(res.events[0].action, "sdn_designation");
	collector_result_clear(&res);
	free(b);
	testcollector_feed_free(f);
}

static void
test_fr_classify_one(const char *type, const char *title,
    const char *abstract, const char *action, int direction)
{
	struct feed		*f = test_fr_feed();
	struct collector_result	 res;
	char			*b;

	b = xasprintf("{\"results\":[{\"document_number\":\"2021-1\","
	    "\"publication_date\":\"2021-08-09\",\"type\":\"%s\",\"title\":"
	    "\"%s\",\"abstract\":\"%s (Belaruskali)\"}]}", type, title,
	    abstract);
	testcollector_ok(ops, f, b, strlen(b), &res);
	if (action == NULL)
		assert_int_equal(res.nevents, 0);
	else {
		assert_int_equal(res.nevents, 1);
		assert_string_equal(res.events[0].action, action);
		assert_int_equal(res.events[0].direction, direction);
	}
	collector_result_clear(&res);
	free(b);
	testcollector_feed_free(f);
}

static void
test_fr_classify(void **state)
{
	test_fr_classify_one("Notice", "Issuance of General License 13",
	    "", "general_license", -1);
	test_fr_classify_one("Notice", "Unblocking of Specially Designated "
	    "Nationals", "", "delisting", -1);
	test_fr_classify_one("Rule", "Additions to the Entity List", "",
	    "sdn_designation", 1);
	test_fr_classify_one("Notice", "Sanctions Actions Pursuant to EO "
	    "14038", "", "sdn_designation", 1);
	/* Easing wins over tightening in a mixed notice. */
	test_fr_classify_one("Notice", "Notice of OFAC Sanctions Actions",
	    "persons were placed on and others removed from the SDN List",
	    "delisting", -1);
	/* Keywords start words: no "terminat" in "determination". */
	test_fr_classify_one("Notice", "Determination of Potash Prices", "",
	    NULL, 0);
	test_fr_classify_one("Proposed Rule", "Fertilizer Labeling", "", NULL,
	    0);
	test_fr_classify_one("Presidential Document", "Continuation of the "
	    "National Emergency With Respect to Belarus", "",
	    "executive_order", 1);
	test_fr_classify_one("Presidential Document", "Termination of the "
	    "National Emergency With Respect to Belarus", "",
	    "executive_order", -1);
}

static void
test_fr_request_one(struct feed *f, const char *url, const char *header)
{
	struct collector_request	 req;
	void				*data = NULL;
	char				 err[512] = "";

	if (ops->configure(f, &data, err, sizeof(err)) != 0)
		fail_msg("configure: %s", err);
	memset(&req, 0, sizeof(req));
	if (ops->request(f, data, 0, &req, err, sizeof(err)) != 0)
		fail_msg("request: %s", err);
	assert_string_equal(req.url, url);
	if (header == NULL)
		assert_null(req.headers[0]);
	else
		assert_string_equal(req.headers[0], header);
	collector_request_clear(&req);
	ops->free(data);
}

static void
test_fr_request(void **state)
{
	struct feed	*f = test_fr_feed();

	test_fr_request_one(f, TEST_FR_URL "?conditions%5Bterm%5D=Belaruskali"
	    "%20%7C%20%22Belarusian%20Potash%20Company%22%20%7C%20Agrorozkvit"
	    "&order=newest&per_page=20&fields%5B%5D=abstract&fields%5B%5D="
	    "action&fields%5B%5D=agencies&fields%5B%5D=document_number"
	    "&fields%5B%5D=effective_on&fields%5B%5D=excerpts&fields%5B%5D="
	    "html_url&fields%5B%5D=publication_date&fields%5B%5D=title"
	    "&fields%5B%5D=type", "Accept: application/json");
	testcollector_feed_free(f);
	f = test_fr_feed();
	testcollector_set(f, "term", "Belaruskali & potash", NULL);
	testcollector_set(f, "per_page", "100", NULL);
	test_fr_request_one(f, TEST_FR_URL "?conditions%5Bterm%5D=Belaruskali"
	    "%20%26%20potash&order=newest&per_page=100&fields%5B%5D=abstract"
	    "&fields%5B%5D=action&fields%5B%5D=agencies&fields%5B%5D="
	    "document_number&fields%5B%5D=effective_on&fields%5B%5D=excerpts"
	    "&fields%5B%5D=html_url&fields%5B%5D=publication_date"
	    "&fields%5B%5D=title&fields%5B%5D=type",
	    "Accept: application/json");
	free(f->url);
	f->url = xstrdup(TEST_FR_URL "?conditions[term]=Belaruskali");
	test_fr_request_one(f, f->url, NULL);
	free(f->url);
	f->url = xstrdup("file:///srv/demo/fedreg-belaruskali.json");
	test_fr_request_one(f, f->url, NULL);
	testcollector_feed_free(f);
}

static void
test_fr_configure_fails(struct feed *f, const char *msg)
{
	void	*data = NULL;
	char	 err[512] = "";

	assert_int_equal(ops->configure(f, &data, err, sizeof(err)), -1);
	assert_null(data);
	assert_string_equal(err, msg);
	testcollector_feed_free(f);
}

static void
test_fr_configure(void **state)
{
	struct feed	*f;

	f = test_fr_feed();
	testcollector_set(f, "entities", NULL);
	test_fr_configure_fails(f, "entities: missing: name at least one "
	    "entity to watch for, e.g. {\"Belaruskali\"}");
	f = test_fr_feed();
	testcollector_set(f, "entities", "Belaruskali", " BP ", NULL);
	test_fr_configure_fails(f, "entities: expected names of at least 3 "
	    "characters without '\"', '<' or '>', got \" BP \"");
	f = test_fr_feed();
	testcollector_set(f, "max_pages", "0", NULL);
	test_fr_configure_fails(f, "max_pages: expected an integer between 1 "
	    "and 10, got \"0\"");
	f = test_fr_feed();
	testcollector_set(f, "per_page", "1001", NULL);
	test_fr_configure_fails(f, "per_page: expected an integer between 1 "
	    "and 1000, got \"1001\"");
	f = test_fr_feed();
	testcollector_set(f, "unclassified", "keep", NULL);
	test_fr_configure_fails(f, "unclassified: expected one of "
	    "skip|notice, got \"keep\"");
}

static void
test_fr_registry(void **state)
{
	assert_non_null(ops);
	assert_string_equal(ops->name, "fedreg");
	assert_string_equal(ops->default_url, TEST_FR_URL);
}

/* The offline demo's body: GL 13 found, the other document not. */
static void
test_fr_demo(void **state)
{
	struct feed		*f = testcollector_feed("fedreg",
	    "file:///srv/potashd/data/demo/feeds/fedreg-belaruskali.json");
	struct collector_result	 res;
	char			*body;
	size_t			 len;

	body = testcollector_fixture("../../../data/demo/feeds",
	    "fedreg-belaruskali.json", &len);
	testcollector_ok(ops, f, body, len, &res);
	assert_int_equal(res.nevents, 1);
	test_fr_event(&res, 0, "2026-03-02", "2025-12-15", "general_license",
	    -1, "FR Doc 2026-90013", "Belaruskali; Belarusian Potash Company; "
	    "Agrorozkvit", "Publication of Belarus Sanctions Regulations Web "
	    "General License 13", "https://www.federalregister.gov/documents/"
	    "2026/03/02/2026-90013/publication-of-belarus-sanctions-"
	    "regulations-web-general-license-13");
	assert_null(res.next_url);
	collector_result_clear(&res);
	free(body);
	testcollector_feed_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fr_registry),
		cmocka_unit_test(test_fr_page1),
		cmocka_unit_test(test_fr_two_pages),
		cmocka_unit_test(test_fr_demo),
		cmocka_unit_test(test_fr_none),
		cmocka_unit_test(test_fr_types),
		cmocka_unit_test(test_fr_bodies),
		cmocka_unit_test(test_fr_classify),
		cmocka_unit_test(test_fr_request),
		cmocka_unit_test(test_fr_configure),
	};

	ops = collector_find("fedreg");
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
