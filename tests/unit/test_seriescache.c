/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of store/seriescache: what a transaction learns holds only
 * after its commit, a rollback forgets it, a description is sent again
 * only when it changed, and clearing forgets everything.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "store/seriescache.h"

#define KEY(s)	(s), strlen(s)

static void
test_seriescache_commit(void **state)
{
	struct seriescache	*c = seriescache_new();
	uint64_t		 d1 = seriescache_hash(KEY("desc one"));
	uint64_t		 d2 = seriescache_hash(KEY("desc two"));

	(void)state;
	assert_int_equal(seriescache_count(c), 0);
	assert_int_equal(seriescache_epoch(c), 0);
	assert_int_equal(seriescache_id(c, KEY("fred/PPOTASHUSDM")), 0);

	/* Answers of a transaction hold only once it commits. */
	seriescache_tx_begin(c);
	assert_int_equal(seriescache_tx_describe(c, KEY("fred/PPOTASHUSDM"),
	    d1, 0), 1);
	/* Within the transaction, the same description is not sent twice. */
	assert_int_equal(seriescache_tx_describe(c, KEY("fred/PPOTASHUSDM"),
	    d1, 0), 0);
	seriescache_tx_answer(c, "fred/PPOTASHUSDM", 42);
	seriescache_tx_epoch(c, 7);
	assert_int_equal(seriescache_id(c, KEY("fred/PPOTASHUSDM")), 0);
	assert_int_equal(seriescache_tx_commit(c), 0);
	seriescache_tx_end(c);
	assert_int_equal(seriescache_id(c, KEY("fred/PPOTASHUSDM")), 42);
	assert_int_equal(seriescache_epoch(c), 7);
	assert_int_equal(seriescache_count(c), 1);

	/* The next transaction: the same description need not be sent, a
	 * changed one must. */
	seriescache_tx_begin(c);
	assert_int_equal(seriescache_tx_describe(c, KEY("fred/PPOTASHUSDM"),
	    d1, 0), 0);
	assert_int_equal(seriescache_tx_describe(c, KEY("fred/PPOTASHUSDM"),
	    d2, 0), 1);
	seriescache_tx_end(c);

	/* Clearing forgets ids and epoch. */
	seriescache_clear(c);
	assert_int_equal(seriescache_count(c), 0);
	assert_int_equal(seriescache_id(c, KEY("fred/PPOTASHUSDM")), 0);
	assert_int_equal(seriescache_epoch(c), 0);
	seriescache_free(c);
}

static void
test_seriescache_rollback(void **state)
{
	struct seriescache	*c = seriescache_new();
	uint64_t		 d1 = seriescache_hash(KEY("desc one"));

	(void)state;
	seriescache_tx_begin(c);
	assert_int_equal(seriescache_tx_describe(c, KEY("imf/POTASH"), d1, 0),
	    1);
	seriescache_tx_answer(c, "imf/POTASH", 9);
	seriescache_tx_epoch(c, 3);
	/* No commit: nothing was learnt, the description is sent again. */
	seriescache_tx_end(c);
	assert_int_equal(seriescache_id(c, KEY("imf/POTASH")), 0);
	seriescache_tx_begin(c);
	assert_int_equal(seriescache_tx_describe(c, KEY("imf/POTASH"), d1, 0),
	    1);
	seriescache_tx_end(c);
	seriescache_free(c);
}

static void
test_seriescache_hash(void **state)
{
	(void)state;
	/* FNV-1a 64 of "a" (a published vector); never 0. */
	assert_true(seriescache_hash(KEY("a")) ==
	    UINT64_C(0xaf63dc4c8601ec8c));
	assert_true(seriescache_hash("", 0) != 0);
	assert_true(seriescache_hash(KEY("ab")) != seriescache_hash(KEY("ba")));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seriescache_commit),
		cmocka_unit_test(test_seriescache_rollback),
		cmocka_unit_test(test_seriescache_hash),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
