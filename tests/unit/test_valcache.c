/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of store/valcache: a (key, period) is remembered the second
 * time it comes; a value is known unchanged only once a transaction
 * committed it (or an earlier batch of the same transaction set it), and
 * only with the epoch it was learned under; a batch's repeated (key,
 * period) is handled as the database handles it; rows with their own
 * known_at are forgotten; the cap drops the least recently used entries,
 * never those of the open transaction, and data seen once takes no room;
 * the text is compared exactly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "store/valcache.h"

#define S(s)	(s), strlen(s)

/* One row; returns what valcache_tx_row answers, superseded in *sup. */
static int
row(struct valcache *vc, size_t b, const char *kp, const char *val, int *sup)
{
	return (valcache_tx_row(vc, b, S(kp), S(val), sup));
}

/* A committed transaction in which kp came twice (batches 1 and 2) with
 * val: the second time at the latest it is remembered (the first, if the
 * filter's bits were set by others: then the second is left out). */
static void
learn(struct valcache *vc, const char *kp, const char *val, int64_t epoch)
{
	int	sup;

	valcache_tx_begin(vc, 1);
	assert_int_equal(row(vc, 1, kp, val, &sup), 0);
	row(vc, 2, kp, val, &sup);
	valcache_tx_commit(vc, epoch);
}

static void
test_valcache_learns_at_commit(void **state)
{
	struct valcache	*vc = valcache_new(1024 * 1024);
	int		 sup;

	(void)state;
	assert_int_equal(valcache_epoch(vc), 0);
	/* The first time only the filter notes it. */
	valcache_tx_begin(vc, 1);
	assert_int_equal(row(vc, 1, "fred/P\t2025-01-01", "104.5", &sup), 0);
	assert_int_equal(sup, 0);
	assert_int_equal(valcache_tx_relies(vc), 0);
	valcache_tx_commit(vc, 5);
	assert_int_equal(valcache_epoch(vc), 5);
	assert_int_equal(valcache_count(vc), 0);
	/* The second time it is sent and remembered. */
	valcache_tx_begin(vc, 1);
	assert_int_equal(row(vc, 1, "fred/P\t2025-01-01", "104.5", &sup), 0);
	valcache_tx_commit(vc, 6);
	assert_int_equal(valcache_count(vc), 1);

	/* The same text again: left out, relying on epoch 6. */
	valcache_tx_begin(vc, 1);
	assert_int_equal(row(vc, 1, "fred/P\t2025-01-01", "104.5", &sup), 1);
	assert_int_equal(valcache_tx_relies(vc), 1);
	/* An equal number in other text goes to the database. */
	assert_int_equal(row(vc, 2, "fred/P\t2025-01-01", "104.50", &sup), 0);
	/* ... and a later batch with the old text is a change from it. */
	assert_int_equal(row(vc, 3, "fred/P\t2025-01-01", "104.5", &sup), 0);
	/* Another period is another entry, not remembered yet. */
	assert_int_equal(row(vc, 3, "fred/P\t2025-02-01", "104.5", &sup), 0);
	valcache_tx_commit(vc, 7);
	assert_int_equal(valcache_count(vc), 1);
	assert_int_equal(valcache_tx_relies(vc), 0);

	/* A rollback: the writer clears; nothing is known any more, but the
	 * filter remembers the sighting. */
	valcache_tx_begin(vc, 1);
	assert_int_equal(row(vc, 1, "fred/P\t2025-01-01", "999", &sup), 0);
	valcache_clear(vc);
	assert_int_equal(valcache_count(vc), 0);
	assert_int_equal(valcache_epoch(vc), 0);
	valcache_tx_begin(vc, 1);
	assert_int_equal(row(vc, 1, "fred/P\t2025-01-01", "104.5", &sup), 0);
	valcache_tx_commit(vc, 9);
	assert_int_equal(valcache_count(vc), 1);
	valcache_free(vc);
}

static void
test_valcache_epoch_gap(void **state)
{
	struct valcache	*vc = valcache_new(1024 * 1024);
	int		 sup;

	(void)state;
	learn(vc, "a\t2025-01-01", "1", 9);
	learn(vc, "b\t2025-01-01", "2", 10);
	assert_int_equal(valcache_count(vc), 2);

	/* Someone else wrote between (12 - 1 != 10): only what this
	 * transaction set is still known. */
	valcache_tx_begin(vc, 1);
	assert_int_equal(row(vc, 1, "a\t2025-01-01", "1", &sup), 1);
	valcache_tx_commit(vc, 12);
	assert_int_equal(valcache_count(vc), 1);
	valcache_tx_begin(vc, 1);
	assert_int_equal(row(vc, 1, "b\t2025-01-01", "2", &sup), 0);
	assert_int_equal(row(vc, 1, "a\t2025-01-01", "1", &sup), 1);
	valcache_tx_commit(vc, 13);
	assert_int_equal(valcache_count(vc), 2);

	/* No epoch answered (another transaction was writing): nothing can
	 * be trusted. */
	valcache_tx_begin(vc, 1);
	row(vc, 1, "a\t2025-01-01", "1", &sup);
	valcache_tx_commit(vc, 0);
	assert_int_equal(valcache_count(vc), 0);
	assert_int_equal(valcache_epoch(vc), 0);
	valcache_free(vc);
}

/* Without a known epoch, only rows of the open transaction count. */
static void
test_valcache_same_transaction(void **state)
{
	struct valcache	*vc = valcache_new(1024 * 1024);
	int		 sup;

	(void)state;
	valcache_tx_begin(vc, 1);
	assert_int_equal(row(vc, 1, "k\t2025-01-01", "7", &sup), 0);
	assert_int_equal(row(vc, 2, "k\t2025-01-01", "7", &sup), 0);
	/* The next batch brings the same: the database will have it from
	 * batch 2 by then, whatever it held before. */
	assert_int_equal(row(vc, 3, "k\t2025-01-01", "7", &sup), 1);
	assert_int_equal(sup, 0);
	assert_int_equal(valcache_tx_relies(vc), 0);
	valcache_free(vc);
}

/* Rows of one batch with the same (key, period): the database keeps the
 * last one and counts one. */
static void
test_valcache_repeat_in_batch(void **state)
{
	struct valcache	*vc = valcache_new(1024 * 1024);
	int		 sup;

	(void)state;
	learn(vc, "k\t2025-01-01", "7", 2);
	valcache_tx_begin(vc, 1);
	/* Left out, then superseded by a change in the same batch: the
	 * first is taken back, the second goes. */
	assert_int_equal(row(vc, 1, "k\t2025-01-01", "7", &sup), 1);
	assert_int_equal(sup, 0);
	assert_int_equal(row(vc, 1, "k\t2025-01-01", "8", &sup), 0);
	assert_int_equal(sup, 1);
	/* Once a row of the batch went, every later one goes too. */
	assert_int_equal(row(vc, 1, "k\t2025-01-01", "8", &sup), 0);
	assert_int_equal(sup, 0);
	/* Left out twice in one batch: the first is taken back. */
	assert_int_equal(row(vc, 2, "k\t2025-01-01", "8", &sup), 1);
	assert_int_equal(row(vc, 2, "k\t2025-01-01", "8", &sup), 1);
	assert_int_equal(sup, 1);
	valcache_free(vc);
}

static void
test_valcache_forget(void **state)
{
	struct valcache	*vc = valcache_new(1024 * 1024);
	int		 sup;

	(void)state;
	learn(vc, "k\t2025-01-01", "7", 2);
	assert_int_equal(valcache_count(vc), 1);
	valcache_tx_begin(vc, 1);
	valcache_tx_forget(vc, S("k\t2025-01-01"));
	valcache_tx_forget(vc, S("never\t2025-01-01"));
	assert_int_equal(valcache_count(vc), 0);
	assert_int_equal(row(vc, 2, "k\t2025-01-01", "7", &sup), 0);
	valcache_free(vc);
}

static void
test_valcache_cap(void **state)
{
	struct valcache	*vc;
	char		 kp[64], val[64];
	size_t		 cap = 16 * 1024, i, n;
	int		 sup;

	(void)state;
	vc = valcache_new(cap);
	for (i = 0; i < 1000; i++) {
		snprintf(kp, sizeof(kp), "series/%zu\t2025-01-01", i);
		snprintf(val, sizeof(val), "%zu.123456789012345678901234", i);
		learn(vc, kp, val, (int64_t)i + 1);
		assert_true(valcache_bytes(vc) <= cap);
	}
	n = valcache_count(vc);
	assert_true(n > 10 && n < 1000);
	/* The newest are kept, the oldest dropped; long values exactly. */
	valcache_tx_begin(vc, 1);
	assert_int_equal(row(vc, 1, "series/999\t2025-01-01",
	    "999.123456789012345678901234", &sup), 1);
	assert_int_equal(row(vc, 1, "series/0\t2025-01-01",
	    "0.123456789012345678901234", &sup), 0);
	valcache_tx_commit(vc, 1001);

	/* A transaction with more rows than fit drops everything older,
	 * keeps what it set first (later rows compare with it) and does
	 * not remember the rest. */
	valcache_tx_begin(vc, 1);
	for (i = 0; i < 300; i++) {
		snprintf(kp, sizeof(kp), "big/%zu\t2025-01-01", i);
		assert_int_equal(row(vc, 1, kp, "1", &sup), 0);
		row(vc, 2, kp, "1", &sup);
	}
	assert_true(valcache_bytes(vc) <= cap);
	assert_true(valcache_count(vc) < 300);
	assert_int_equal(row(vc, 3, "big/0\t2025-01-01", "1", &sup), 1);
	assert_int_equal(row(vc, 3, "big/299\t2025-01-01", "1", &sup), 0);
	assert_int_equal(row(vc, 3, "series/999\t2025-01-01",
	    "999.123456789012345678901234", &sup), 0);
	valcache_tx_commit(vc, 1002);
	valcache_free(vc);
}

/* Without trust, entries from before the transaction are not relied on,
 * but still updated; the transaction's own are. */
static void
test_valcache_distrust(void **state)
{
	struct valcache	*vc = valcache_new(1024 * 1024);
	int		 sup;

	(void)state;
	learn(vc, "k\t2025-01-01", "7", 2);
	valcache_tx_begin(vc, 0);
	assert_int_equal(row(vc, 1, "k\t2025-01-01", "7", &sup), 0);
	assert_int_equal(valcache_tx_relies(vc), 0);
	assert_int_equal(row(vc, 2, "k\t2025-01-01", "7", &sup), 1);
	assert_int_equal(valcache_tx_relies(vc), 0);
	assert_int_equal(valcache_tx_commit(vc, 3), 0);
	/* A gap is answered as such. */
	valcache_tx_begin(vc, 1);
	assert_int_equal(row(vc, 1, "k\t2025-01-01", "7", &sup), 1);
	assert_int_equal(valcache_tx_commit(vc, 9), 1);
	assert_int_equal(valcache_count(vc), 1);
	valcache_free(vc);
}

/* Data that streams by once pushes nothing out. */
static void
test_valcache_streaming(void **state)
{
	struct valcache	*vc = valcache_new(1024 * 1024);
	char		 kp[64];
	size_t		 i;
	int		 sup;

	(void)state;
	learn(vc, "hot\t2025-01-01", "1", 1);
	for (i = 0; i < 5000; i++) {
		valcache_tx_begin(vc, 1);
		snprintf(kp, sizeof(kp), "once/%zu\t2025-01-01", i);
		assert_int_equal(row(vc, 1, kp, "2", &sup), 0);
		valcache_tx_commit(vc, (int64_t)i + 2);
	}
	/* A few may pass the filter on bits others set. */
	assert_true(valcache_count(vc) < 10);
	valcache_tx_begin(vc, 1);
	assert_int_equal(row(vc, 1, "hot\t2025-01-01", "1", &sup), 1);
	valcache_free(vc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valcache_learns_at_commit),
		cmocka_unit_test(test_valcache_epoch_gap),
		cmocka_unit_test(test_valcache_same_transaction),
		cmocka_unit_test(test_valcache_repeat_in_batch),
		cmocka_unit_test(test_valcache_forget),
		cmocka_unit_test(test_valcache_cap),
		cmocka_unit_test(test_valcache_distrust),
		cmocka_unit_test(test_valcache_streaming),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
