/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the scheduler's pure timing rules: exponential backoff
 * with jitter and its cap, and aligned next-run times.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "daemon/scheduler.h"

#define S	1000000ULL

static void
test_backoff_doubles_and_caps(void **state)
{
	(void)state;
	/* rnd = 0 gives the lower edge: half the nominal delay. */
	assert_int_equal(scheduler_backoff(1, 86400 * S, 0), 15 * S);
	assert_int_equal(scheduler_backoff(2, 86400 * S, 0), 30 * S);
	assert_int_equal(scheduler_backoff(3, 86400 * S, 0), 60 * S);
	/* Capped by the feed's interval ... */
	assert_int_equal(scheduler_backoff(10, 120 * S, 0), 60 * S);
	/* ... and by one hour whatever the interval. */
	assert_int_equal(scheduler_backoff(30, 86400 * S, 0), 1800 * S);
}

static void
test_backoff_jitter_range(void **state)
{
	uint32_t	r;
	uint64_t	d;

	(void)state;
	for (r = 0; r < 100000; r += 997) {
		d = scheduler_backoff(2, 86400 * S, r * 7919u);
		assert_true(d >= 30 * S && d <= 60 * S);
	}
}

static void
test_next_due(void **state)
{
	(void)state;
	/* No alignment: now + interval. */
	assert_int_equal(scheduler_next_due(1000 * (int64_t)S, 60 * S, 0),
	    1060 * (int64_t)S);
	/* Aligned to the hour: the next full hour (UTC). */
	assert_int_equal(scheduler_next_due(3700 * (int64_t)S, 60 * S,
	    3600 * S), 7200 * (int64_t)S);
	/* Exactly on a boundary: the following one. */
	assert_int_equal(scheduler_next_due(7200 * (int64_t)S, 60 * S,
	    3600 * S), 10800 * (int64_t)S);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff_doubles_and_caps),
		cmocka_unit_test(test_backoff_jitter_range),
		cmocka_unit_test(test_next_due),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
