/* SPDX-License-Identifier: ISC */
/*
 * testcollector: shared helpers for collector unit tests.  Every helper
 * fails the current cmocka test on error.
 */
#ifndef TESTS_TESTCOLLECTOR_H
#define TESTS_TESTCOLLECTOR_H

#include <stddef.h>

#include "collectors/collector.h"

/* A feed named "test" of kind at url, with no options; free it with
 * testcollector_feed_free. */
struct feed	*testcollector_feed(const char *, const char *);
/* Sets option name to the NULL-terminated list of values that follows. */
void		 testcollector_set(struct feed *, const char *, ...);
void		 testcollector_feed_free(struct feed *);
/* tests/fixtures/feeds/DIR/NAME, NUL-terminated, length in *len. */
char		*testcollector_fixture(const char *, const char *, size_t *);
/*
 * head, then depth - 1 '[' and as many ']', then tail: a JSON body nested
 * depth levels deep (the head's object counts as one).  malloc'd; length
 * in *len.
 */
char		*testcollector_deep(const char *, size_t, const char *,
		    size_t *);
/* Configures f with ops (must succeed) and parses body into res;
 * returns parse's result with its message in err. */
int		 testcollector_run(const struct collector_ops *, struct feed *,
		    const char *, size_t, struct collector_result *, char *,
		    size_t);
/* Parses body, which must succeed. */
void		 testcollector_ok(const struct collector_ops *, struct feed *,
		    const char *, size_t, struct collector_result *);
/* Parses body, which must fail with exactly msg. */
void		 testcollector_fails(const struct collector_ops *,
		    struct feed *, const char *, size_t, const char *);
/* Asserts observation i (unit NULL: no unit). */
void		 testcollector_obs(const struct collector_result *, size_t,
		    const char *, const char *, const char *, const char *);

#endif
