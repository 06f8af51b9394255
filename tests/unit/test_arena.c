/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for util/arena: alignment, copies, blocks for big requests,
 * and arena_empty (the newest block kept and reused, or everything freed
 * when it is bigger than the limit).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdalign.h>
#include <string.h>

#include "util/arena.h"

static void
test_arena_alloc(void **state)
{
	struct arena	 a;
	char		*s, *t;
	void		*p;
	size_t		 i;

	arena_init(&a, 0);
	for (i = 0; i < 1000; i++) {
		t = arena_alloc_text(&a, 3);
		p = arena_alloc(&a, 24);
		assert_non_null(t);
		assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
		memset(p, 0xa5, 24);
	}
	s = arena_strdup(&a, "potash");
	assert_string_equal(s, "potash");
	s = arena_strndup(&a, "potash", 3);
	assert_string_equal(s, "pot");
	/* Bigger than any block so far: a block of its own. */
	p = arena_alloc(&a, 5 * 1024 * 1024);
	memset(p, 0, 5 * 1024 * 1024);
	arena_deinit(&a);
	assert_null(a.blocks);
	assert_int_equal(a.left, 0);
	arena_deinit(&a);
}

static void
test_arena_empty(void **state)
{
	struct arena	 a;
	char		*p;
	size_t		 left, i;

	/* Blocks of 1, 2, 4 and 8 KiB: only the newest is kept, empty. */
	arena_init(&a, 1024);
	for (i = 0; i < 10; i++)
		memset(arena_alloc_text(&a, 1000), 'x', 1000);
	left = a.left;
	arena_empty(&a, 1024 * 1024);
	assert_non_null(a.blocks);
	assert_true(a.left > left);
	left = a.left;
	/* What fits is taken from the kept block, from its start. */
	p = arena_alloc(&a, 64);
	assert_int_equal(a.left, left - 64);
	assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
	strcpy(arena_alloc_text(&a, 7), "potash");
	/* A block bigger than the limit is not kept. */
	arena_empty(&a, 16);
	assert_null(a.blocks);
	assert_int_equal(a.left, 0);
	/* An empty arena stays empty. */
	arena_empty(&a, 1024 * 1024);
	assert_null(a.blocks);
	p = arena_alloc(&a, 8);
	assert_non_null(p);
	arena_deinit(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena_alloc),
		cmocka_unit_test(test_arena_empty),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
