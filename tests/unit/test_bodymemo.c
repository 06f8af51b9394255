/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for daemon/bodymemo: a body counts as known only once a run
 * that handed it on is stored; another body, a run of several pages or a
 * forget make the next body parsed again; stored runs of an earlier body
 * never make a later one known; and which kinds may skip a parse.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "collectors/collector.h"
#include "daemon/bodymemo.h"

static const uint8_t	bodymemo_test_key[SIPHASH_KEY_LEN] = "0123456789abcdef";

static void
test_bodymemo_d(const char *body, uint8_t *d)
{
	bodymemo_digest(bodymemo_test_key, body, strlen(body), d);
}

static void
test_bodymemo_known_once_stored(void **state)
{
	struct bodymemo	m;
	uint8_t		a[SIPHASH128_LEN], b[SIPHASH128_LEN];

	(void)state;
	memset(&m, 0, sizeof(m));
	test_bodymemo_d("{\"v\": 1}", a);
	test_bodymemo_d("{\"v\": 2}", b);
	assert_false(bodymemo_known(&m, a));
	bodymemo_handed(&m, a, 100);
	/* Waiting in the writer (or spooled, or refused): not known. */
	assert_false(bodymemo_known(&m, a));
	bodymemo_stored(&m, 99);	/* an earlier run's batch */
	assert_false(bodymemo_known(&m, a));
	bodymemo_stored(&m, 100);
	assert_true(bodymemo_known(&m, a));
	assert_false(bodymemo_known(&m, b));

	/* Another body: parsed, handed on, and a is no longer the last. */
	bodymemo_handed(&m, b, 200);
	assert_false(bodymemo_known(&m, a));
	assert_false(bodymemo_known(&m, b));
	/* Back to a before b was stored: a's earlier run does not count. */
	bodymemo_handed(&m, a, 300);
	bodymemo_stored(&m, 200);
	assert_false(bodymemo_known(&m, a));
	assert_false(bodymemo_known(&m, b));
	bodymemo_stored(&m, 300);
	assert_true(bodymemo_known(&m, a));
}

static void
test_bodymemo_same_body_in_flight(void **state)
{
	struct bodymemo	m;
	uint8_t		a[SIPHASH128_LEN];

	(void)state;
	memset(&m, 0, sizeof(m));
	test_bodymemo_d("same", a);
	/* Runs handing the same body on before the first is stored (the
	 * database slower than the feed): the first one stored is enough,
	 * whichever it is of those. */
	bodymemo_handed(&m, a, 10);
	bodymemo_handed(&m, a, 20);
	bodymemo_handed(&m, a, 30);
	assert_false(bodymemo_known(&m, a));
	bodymemo_stored(&m, 20);
	assert_true(bodymemo_known(&m, a));
}

static void
test_bodymemo_forget(void **state)
{
	struct bodymemo	m;
	uint8_t		a[SIPHASH128_LEN];

	(void)state;
	memset(&m, 0, sizeof(m));
	test_bodymemo_d("x", a);
	bodymemo_handed(&m, a, 1);
	bodymemo_stored(&m, 1);
	assert_true(bodymemo_known(&m, a));
	/* A run of several pages: its batch came from bodies the memo
	 * cannot tell apart. */
	bodymemo_handed(&m, NULL, 2);
	assert_false(bodymemo_known(&m, a));
	bodymemo_stored(&m, 2);
	assert_false(bodymemo_known(&m, a));

	bodymemo_handed(&m, a, 3);
	bodymemo_stored(&m, 3);
	assert_true(bodymemo_known(&m, a));
	bodymemo_forget(&m);
	assert_false(bodymemo_known(&m, a));
	bodymemo_stored(&m, 3);
	assert_false(bodymemo_known(&m, a));
}

/* The digest depends on the key: another process's key tells nothing. */
static void
test_bodymemo_keyed(void **state)
{
	static const uint8_t	other[SIPHASH_KEY_LEN] = "fedcba9876543210";
	uint8_t			a[SIPHASH128_LEN], b[SIPHASH128_LEN];

	(void)state;
	test_bodymemo_d("body", a);
	bodymemo_digest(other, "body", 4, b);
	assert_memory_not_equal(a, b, sizeof(a));
	test_bodymemo_d("body", b);
	assert_memory_equal(a, b, sizeof(a));
}

/* Kinds whose parse reads the clock never skip it. */
static void
test_bodymemo_kinds(void **state)
{
	static const char *const	body_only[] = { "comtrade", "csv",
	    "fedreg", "fred", "imf", "json" };
	static const char *const	timed[] = { "opensanctions", "yahoo" };
	const struct collector_ops	*ops;
	size_t				 i;

	(void)state;
	for (i = 0; i < sizeof(body_only) / sizeof(body_only[0]); i++) {
		assert_non_null(ops = collector_find(body_only[i]));
		assert_true(ops->body_only);
	}
	for (i = 0; i < sizeof(timed) / sizeof(timed[0]); i++) {
		assert_non_null(ops = collector_find(timed[i]));
		assert_false(ops->body_only);
	}
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_bodymemo_known_once_stored),
		cmocka_unit_test(test_bodymemo_same_body_in_flight),
		cmocka_unit_test(test_bodymemo_forget),
		cmocka_unit_test(test_bodymemo_keyed),
		cmocka_unit_test(test_bodymemo_kinds),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
