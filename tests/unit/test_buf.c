/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for util/buf: growth, the hard cap (errno EFBIG, buffer
 * unchanged), the hidden NUL, printf, reset and steal.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

static void
test_buf_empty(void **state)
{
	struct buf	b;
	char		*s;

	buf_init(&b, 0);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);

	s = buf_cstr(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	assert_int_equal(b.len, 0);

	/* A NULL source is fine for zero bytes. */
	assert_int_equal(buf_append(&b, NULL, 0), 0);
	assert_int_equal(b.len, 0);
	buf_deinit(&b);
	assert_null(b.data);
	buf_deinit(&b);
}

static void
test_buf_grow(void **state)
{
	struct buf	 b;
	size_t		 i, lastcap = 0, grows = 0;

	buf_init(&b, 0);
	for (i = 0; i < 1000; i++) {
		assert_int_equal(buf_append(&b, "abc", 3), 0);
		assert_true(b.cap > b.len);
		assert_int_equal(b.data[b.len], '\0');
		if (b.cap != lastcap) {
			/* Doubling: each capacity at least twice the last. */
			assert_true(lastcap == 0 || b.cap >= 2 * lastcap);
			lastcap = b.cap;
			grows++;
		}
	}
	assert_int_equal(b.len, 3000);
	assert_int_equal(strlen(b.data), 3000);
	assert_memory_equal(b.data + 2997, "abc", 3);
	assert_true(grows <= 7);

	/* Embedded NULs are data like any other byte. */
	buf_reset(&b);
	assert_int_equal(buf_append(&b, "a\0b", 3), 0);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "a\0b\0", 4);
	buf_deinit(&b);
}

static void
test_buf_cap(void **state)
{
	struct buf	b;

	buf_init(&b, 10);
	/* Too much at once fails before anything is allocated. */
	errno = 0;
	assert_int_equal(buf_append(&b, "0123456789a", 11), -1);
	assert_int_equal(errno, EFBIG);
	assert_null(b.data);
	assert_int_equal(b.len, 0);

	assert_int_equal(buf_append(&b, "01234", 5), 0);
	assert_int_equal(buf_append(&b, "56789", 5), 0);
	assert_int_equal(b.len, 10);
	assert_true(b.cap <= 11);

	errno = 0;
	assert_int_equal(buf_append(&b, "x", 1), -1);
	assert_int_equal(errno, EFBIG);
	assert_int_equal(b.len, 10);
	assert_string_equal(buf_cstr(&b), "0123456789");

	/* Nothing more still fits. */
	assert_int_equal(buf_append(&b, "", 0), 0);

	/* The cap applies to the content, not to what was ever appended. */
	buf_reset(&b);
	assert_int_equal(buf_append(&b, "abcdefghij", 10), 0);
	buf_deinit(&b);
	assert_int_equal(b.max, 10);
}

static void
test_buf_printf(void **state)
{
	struct buf	 b;
	char		 want[256];

	buf_init(&b, 0);
	assert_int_equal(buf_printf(&b, "%d-%s", 42, "x"), 0);
	assert_string_equal(b.data, "42-x");
	assert_int_equal(b.len, 4);

	/* Longer than the first allocation: grows and formats again. */
	assert_int_equal(buf_printf(&b, "%0200d", 7), 0);
	assert_int_equal(b.len, 204);
	memset(want, '0', 199);
	want[199] = '7';
	want[200] = '\0';
	assert_string_equal(b.data + 4, want);
	buf_deinit(&b);

	buf_init(&b, 16);
	assert_int_equal(buf_append(&b, "hello", 5), 0);
	errno = 0;
	assert_int_equal(buf_printf(&b, "%s", " this is too long"), -1);
	assert_int_equal(errno, EFBIG);
	assert_int_equal(b.len, 5);
	assert_string_equal(buf_cstr(&b), "hello");
	assert_int_equal(buf_printf(&b, " %s", "world!!!!!"), 0);
	assert_int_equal(b.len, 16);
	assert_string_equal(b.data, "hello world!!!!!");
	buf_deinit(&b);

	/* A small cap bounds the very first allocation too. */
	buf_init(&b, 8);
	assert_int_equal(buf_printf(&b, "%s", "abc"), 0);
	assert_true(b.cap <= 9);
	assert_int_equal(buf_printf(&b, "%s", "defghi"), -1);
	assert_string_equal(b.data, "abc");
	buf_deinit(&b);
}

static void
test_buf_reset_steal(void **state)
{
	struct buf	 b;
	char		*p, *data;
	size_t		 len = 99;

	buf_init(&b, 100);
	assert_int_equal(buf_append(&b, "abcdef", 6), 0);
	data = b.data;
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_ptr_equal(b.data, data);
	assert_string_equal(buf_cstr(&b), "");

	assert_int_equal(buf_append(&b, "xyz", 3), 0);
	p = buf_steal(&b, &len);
	assert_int_equal(len, 3);
	assert_string_equal(p, "xyz");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.max, 100);
	free(p);

	/* Stealing from an empty buffer still gives a string to free. */
	p = buf_steal(&b, NULL);
	assert_non_null(p);
	assert_string_equal(p, "");
	free(p);

	/* The buffer is usable again after a steal. */
	assert_int_equal(buf_append(&b, "again", 5), 0);
	assert_string_equal(buf_cstr(&b), "again");
	buf_deinit(&b);
}

static void
test_buf_large(void **state)
{
	struct buf	 b;
	char		*chunk;
	size_t		 i;

	chunk = malloc(4096);
	assert_non_null(chunk);
	memset(chunk, 'q', 4096);
	buf_init(&b, 0);
	for (i = 0; i < 256; i++)
		assert_int_equal(buf_append(&b, chunk, 4096), 0);
	assert_int_equal(b.len, 1024 * 1024);
	assert_int_equal(b.data[b.len], '\0');
	assert_int_equal(b.data[b.len - 1], 'q');
	buf_deinit(&b);
	free(chunk);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_empty),
		cmocka_unit_test(test_buf_grow),
		cmocka_unit_test(test_buf_cap),
		cmocka_unit_test(test_buf_printf),
		cmocka_unit_test(test_buf_reset_steal),
		cmocka_unit_test(test_buf_large),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
