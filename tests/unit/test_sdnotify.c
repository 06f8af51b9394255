/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for daemon/sdnotify: message formatting, WATCHDOG_USEC rules,
 * and real datagrams to a path socket and to an abstract '@' socket.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/sdnotify.h"
#include "testproc.h"

static void
test_format_status(void **state)
{
	char	buf[64];

	(void)state;
	sdnotify_format_status(buf, sizeof(buf), "waiting\nREADY=1");
	/* A newline would smuggle in READY=1. */
	assert_string_equal(buf, "STATUS=waiting READY=1");
}

static void
test_format_reloading(void **state)
{
	char	buf[64];

	(void)state;
	sdnotify_format_reloading(buf, sizeof(buf), 123456789ULL);
	assert_string_equal(buf, "RELOADING=1\nMONOTONIC_USEC=123456789");
}

static void
test_watchdog_usec(void **state)
{
	(void)state;
	assert_int_equal(sdnotify_watchdog_usec(NULL, NULL, 42), 0);
	assert_int_equal(sdnotify_watchdog_usec("30000000", NULL, 42),
	    30000000);
	assert_int_equal(sdnotify_watchdog_usec("30000000", "42", 42),
	    30000000);
	/* Meant for another process (we were forked, or exec'd). */
	assert_int_equal(sdnotify_watchdog_usec("30000000", "43", 42), 0);
	assert_int_equal(sdnotify_watchdog_usec("3e7", NULL, 42), 0);
	assert_int_equal(sdnotify_watchdog_usec("-1", NULL, 42), 0);
	assert_int_equal(sdnotify_watchdog_usec("", NULL, 42), 0);
}

static void
test_unset_is_noop(void **state)
{
	struct sdnotify	*sn;

	(void)state;
	sn = sdnotify_open(NULL);
	assert_non_null(sn);
	assert_int_equal(sdnotify_send(sn, "READY=1"), 0);
	sdnotify_free(sn);
}

static void
test_relative_path_refused(void **state)
{
	(void)state;
	errno = 0;
	assert_null(sdnotify_open("relative/socket"));
	assert_int_equal(errno, EINVAL);
}

static void
send_and_receive(int abstract)
{
	struct testnotify	*tn;
	struct sdnotify		*sn;

	tn = testnotify_open(abstract);
	sn = sdnotify_open(testnotify_path(tn));
	assert_non_null(sn);
	assert_int_equal(sdnotify_send(sn, "READY=1"), 0);
	assert_int_equal(sdnotify_status(sn, "%d feeds", 3), 0);
	assert_int_equal(sdnotify_reloading(sn), 0);
	assert_true(testnotify_wait(tn, "READY=1", 2000));
	assert_true(testnotify_wait(tn, "STATUS=3 feeds", 2000));
	assert_true(testnotify_wait(tn, "RELOADING=1", 2000));
	assert_non_null(strstr(testnotify_log(tn),
	    "READY=1\nSTATUS=3 feeds\nRELOADING=1\nMONOTONIC_USEC="));
	sdnotify_free(sn);
	testnotify_free(tn);
}

static void
test_path_socket(void **state)
{
	(void)state;
	send_and_receive(0);
}

static void
test_abstract_socket(void **state)
{
	(void)state;
	send_and_receive(1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_status),
		cmocka_unit_test(test_format_reloading),
		cmocka_unit_test(test_watchdog_usec),
		cmocka_unit_test(test_unset_is_noop),
		cmocka_unit_test(test_relative_path_refused),
		cmocka_unit_test(test_path_socket),
		cmocka_unit_test(test_abstract_socket),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
