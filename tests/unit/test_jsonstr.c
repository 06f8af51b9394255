/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for util/jsonstr: both sinks escape as cJSON 1.7.15 prints a
 * string (control characters, quote, backslash, DEL, UTF-8, the empty
 * string), every byte value is checked against cJSON itself, and
 * jsonstr_append's pieces join across their boundary.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "util/buf.h"
#include "util/jsonstr.h"

/* s through both sinks; each must give want. */
static void
check(const char *s, const char *want)
{
	struct buf	 b;
	char		*out;
	size_t		 n;

	out = malloc(JSONSTR_MAX(strlen(s)) + 1);
	assert_non_null(out);
	n = jsonstr_write(out, s);
	assert_true(n <= JSONSTR_MAX(strlen(s)));
	out[n] = '\0';
	assert_string_equal(out, want);
	free(out);

	buf_init(&b, 0);
	jsonstr_append(&b, s);
	assert_string_equal(buf_cstr(&b), want);
	assert_int_equal(b.len, strlen(want));
	buf_deinit(&b);
}

/* What cJSON prints for s. */
static char *
cjson_print(const char *s)
{
	cJSON	*item;
	char	*text;

	item = cJSON_CreateString(s);
	assert_non_null(item);
	text = cJSON_PrintUnformatted(item);
	assert_non_null(text);
	cJSON_Delete(item);
	return (text);
}

static void
test_jsonstr_empty(void **state)
{
	check("", "\"\"");
}

static void
test_jsonstr_plain(void **state)
{
	check("USD/t", "\"USD/t\"");
	/* '/' is not escaped, nor is a space. */
	check("a b/c", "\"a b/c\"");
}

static void
test_jsonstr_quote_backslash(void **state)
{
	check("\"", "\"\\\"\"");
	check("\\", "\"\\\\\"");
	check("a\"b\\c", "\"a\\\"b\\\\c\"");
}

static void
test_jsonstr_control(void **state)
{
	check("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"");
	check("\x01", "\"\\u0001\"");
	check("\x0b", "\"\\u000b\"");
	check("\x1f", "\"\\u001f\"");
	check("x\x1bx", "\"x\\u001bx\"");
}

static void
test_jsonstr_del_utf8(void **state)
{
	/* DEL and bytes above it go as they are, UTF-8 or not. */
	check("\x7f", "\"\x7f\"");
	check("\xc3\xa9t\xc3\xa9 \xe2\x82\xac",
	    "\"\xc3\xa9t\xc3\xa9 \xe2\x82\xac\"");
	check("\xff\x80", "\"\xff\x80\"");
}

/* Every byte value, alone and in a run, as cJSON prints it. */
static void
test_jsonstr_as_cjson(void **state)
{
	char	 s[256], one[2], *want;
	int	 c;

	for (c = 1; c < 256; c++) {
		one[0] = (char)c;
		one[1] = '\0';
		want = cjson_print(one);
		check(one, want);
		free(want);
		s[c - 1] = (char)c;
	}
	s[255] = '\0';
	want = cjson_print(s);
	check(s, want);
	free(want);
}

/* Longer than jsonstr_append's pieces, escapes on their boundaries. */
static void
test_jsonstr_long(void **state)
{
	char	 s[2000], *want;
	size_t	 i;

	for (i = 0; i < sizeof(s) - 1; i++)
		s[i] = i % 7 == 0 ? '\n' : i % 11 == 0 ? '\x02' :
		    (char)('a' + i % 26);
	s[sizeof(s) - 1] = '\0';
	want = cjson_print(s);
	check(s, want);
	free(want);

	/* All escapes: the bound of JSONSTR_MAX is reached. */
	memset(s, '\x01', sizeof(s) - 1);
	want = cjson_print(s);
	assert_int_equal(strlen(want), JSONSTR_MAX(sizeof(s) - 1));
	check(s, want);
	free(want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jsonstr_empty),
		cmocka_unit_test(test_jsonstr_plain),
		cmocka_unit_test(test_jsonstr_quote_backslash),
		cmocka_unit_test(test_jsonstr_control),
		cmocka_unit_test(test_jsonstr_del_utf8),
		cmocka_unit_test(test_jsonstr_as_cjson),
		cmocka_unit_test(test_jsonstr_long),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
