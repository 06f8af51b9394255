/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for daemon/log: journald priority prefixes, plain and stamped
 * lines, level filtering, strerror and errno, JOURNAL_STREAM detection.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/log.h"
#include "util/xmalloc.h"

static void __attribute__((format(printf, 4, 5)))
fmt(char *buf, size_t len, enum log_style style, const char *f, ...)
{
	va_list	ap;

	va_start(ap, f);
	log_format(buf, len, style, LOG_WARNING, f, ap);
	va_end(ap);
}

static void
test_journal_prefix(void **state)
{
	char	buf[128];
	va_list	ap;

	(void)state;
	(void)ap;
	fmt(buf, sizeof(buf), LOG_STYLE_JOURNAL, "feed %s: %d", "fred", 7);
	assert_string_equal(buf, "<4>feed fred: 7");
}

static void
test_plain_has_no_prefix(void **state)
{
	char	buf[128];

	(void)state;
	fmt(buf, sizeof(buf), LOG_STYLE_PLAIN, "hello");
	assert_string_equal(buf, "hello");
}

static void
test_stamped_prefix(void **state)
{
	char	buf[128];

	(void)state;
	fmt(buf, sizeof(buf), LOG_STYLE_STAMPED, "x");
	/* 2026-11-28T12:00:00.123Z warning: x */
	assert_int_equal(strlen(buf), strlen("2026-11-28T12:00:00.123Z "
	    "warning: x"));
	assert_int_equal(buf[4], '-');
	assert_int_equal(buf[10], 'T');
	assert_int_equal(buf[23], 'Z');
	assert_string_equal(buf + 24, " warning: x");
}

static void
test_newlines_flattened(void **state)
{
	char	buf[128];

	(void)state;
	fmt(buf, sizeof(buf), LOG_STYLE_JOURNAL, "a\nb\r\nc");
	assert_string_equal(buf, "<4>a b  c");
}

static void
test_truncation_is_safe(void **state)
{
	char	buf[6];

	(void)state;
	fmt(buf, sizeof(buf), LOG_STYLE_JOURNAL, "abcdefgh");
	assert_string_equal(buf, "<4>ab");
}

static char *
capture(void (*fn)(void))
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f;

	f = open_memstream(&buf, &len);
	log_set_output(f);
	fn();
	log_set_output(NULL);
	fclose(f);
	return (buf);
}

static void
emit_levels(void)
{
	log_debug("d");
	log_info("i");
	log_notice("n");
	log_warnx("w");
}

static void
test_level_filter(void **state)
{
	char	*out;

	(void)state;
	log_set_style(LOG_STYLE_JOURNAL);
	log_set_level(LOG_NOTICE);
	out = capture(emit_levels);
	assert_string_equal(out, "<5>n\n<4>w\n");
	free(out);
	log_set_level(LOG_DEBUG);
	out = capture(emit_levels);
	assert_string_equal(out, "<7>d\n<6>i\n<5>n\n<4>w\n");
	free(out);
}

static void
emit_warn(void)
{
	errno = ENOENT;
	log_warn("open %s", "/x");
	/* log_warn keeps errno for the caller. */
	assert_int_equal(errno, ENOENT);
}

static void
test_warn_appends_strerror(void **state)
{
	char	*out;

	(void)state;
	log_set_style(LOG_STYLE_JOURNAL);
	log_set_level(LOG_INFO);
	out = capture(emit_warn);
	assert_string_equal(out, "<4>open /x: No such file or directory\n");
	free(out);
}

static void
test_journal_stream_detection(void **state)
{
	struct stat	 st;
	char		 env[64], tmpl[] = "/tmp/potashd-log.XXXXXX";
	int		 fd;

	(void)state;
	fd = mkstemp(tmpl);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	snprintf(env, sizeof(env), "%llu:%llu",
	    (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	assert_true(log_journal_stream_matches(env, fd));
	snprintf(env, sizeof(env), "%llu:%llu",
	    (unsigned long long)st.st_dev, (unsigned long long)st.st_ino + 1);
	assert_false(log_journal_stream_matches(env, fd));
	assert_false(log_journal_stream_matches("garbage", fd));
	assert_false(log_journal_stream_matches("1:2x", fd));
	assert_false(log_journal_stream_matches(NULL, fd));
	close(fd);
	unlink(tmpl);
}

static void
test_level_names(void **state)
{
	(void)state;
	assert_int_equal(log_level_from_name("debug"), LOG_DEBUG);
	assert_int_equal(log_level_from_name("warning"), LOG_WARNING);
	assert_int_equal(log_level_from_name("loud"), -1);
	assert_string_equal(log_level_name(LOG_ERR), "error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_journal_prefix),
		cmocka_unit_test(test_plain_has_no_prefix),
		cmocka_unit_test(test_stamped_prefix),
		cmocka_unit_test(test_newlines_flattened),
		cmocka_unit_test(test_truncation_is_safe),
		cmocka_unit_test(test_level_filter),
		cmocka_unit_test(test_warn_appends_strerror),
		cmocka_unit_test(test_journal_stream_detection),
		cmocka_unit_test(test_level_names),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
