/* SPDX-License-Identifier: ISC */
/*
 * testcollector: what every collector's unit tests need: a feed built in
 * code, fixtures read from tests/fixtures/feeds/, and configure + parse
 * with assertions on the result or the exact error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/collector.h"
#include "testcollector.h"
#include "util/xmalloc.h"

struct feed *
testcollector_feed(const char *kind, const char *url)
{
	struct feed	*f = xcalloc(1, sizeof(*f));

	f->name = xstrdup("test");
	f->kind = xstrdup(kind);
	f->url = xstrdup(url);
	return (f);
}

/* Sets option name to the NULL-terminated list of values. */
void
testcollector_set(struct feed *f, const char *name, ...)
{
	struct feed_option	*o;
	const char		*v;
	va_list			 ap;

	f->opts = xreallocarray(f->opts, f->nopts + 1, sizeof(*f->opts));
	o = &f->opts[f->nopts++];
	memset(o, 0, sizeof(*o));
	o->name = xstrdup(name);
	o->values = xcalloc(1, sizeof(*o->values));
	va_start(ap, name);
	while ((v = va_arg(ap, const char *)) != NULL) {
		o->values = xreallocarray(o->values, o->nvalues + 2,
		    sizeof(*o->values));
		o->values[o->nvalues++] = xstrdup(v);
		o->values[o->nvalues] = NULL;
	}
	va_end(ap);
}

void
testcollector_feed_free(struct feed *f)
{
	size_t	i, j;

	for (i = 0; i < f->nopts; i++) {
		for (j = 0; j < f->opts[i].nvalues; j++)
			free(f->opts[i].values[j]);
		free(f->opts[i].values);
		free(f->opts[i].name);
	}
	free(f->opts);
	free(f->name);
	free(f->kind);
	free(f->url);
	free(f->secret);
	free(f);
}

char *
testcollector_fixture(const char *dir, const char *name, size_t *len)
{
	const char	*root = getenv("POTASH_SOURCE_ROOT");
	char		 path[1024];
	char		*buf;
	FILE		*fp;
	long		 n;

	snprintf(path, sizeof(path), "%s/tests/fixtures/feeds/%s/%s",
	    root != NULL ? root : ".", dir, name);
	if ((fp = fopen(path, "rb")) == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	buf = xmalloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return (buf);
}

/* Configures f (which must succeed) and parses body into res. */
int
testcollector_run(const struct collector_ops *ops, struct feed *f, const char *body, size_t len,
    struct collector_result *res, char *err, size_t errlen)
{
	void	*data = NULL;
	char	 cerr[512] = "";
	char	*copy;
	int	 rc;

	if (ops->configure(f, &data, cerr, sizeof(cerr)) != 0)
		fail_msg("configure: %s", cerr);
	memset(res, 0, sizeof(*res));
	res->batch = batch_new(f->name);
	/* The caller guarantees body[len] == '\0' on its own copy. */
	copy = xmalloc(len + 1);
	memcpy(copy, body, len);
	copy[len] = '\0';
	err[0] = '\0';
	rc = ops->parse(f, data, copy, len, 0, res, err, errlen);
	free(copy);
	ops->free(data);
	return (rc);
}

/* Parses body, which must succeed. */
void
testcollector_ok(const struct collector_ops *ops, struct feed *f, const char *body, size_t len,
    struct collector_result *res)
{
	char	err[1024];

	if (testcollector_run(ops, f, body, len, res, err, sizeof(err)) != 0)
		fail_msg("parse: %s", err);
}

/* Parses body, which must fail with exactly msg. */
void
testcollector_fails(const struct collector_ops *ops, struct feed *f, const char *body, size_t len, const char *msg)
{
	struct collector_result	res;
	char			err[1024];

	if (testcollector_run(ops, f, body, len, &res, err, sizeof(err)) != -1)
		fail_msg("parsed, %zu observations", res.batch->nobs);
	assert_string_equal(err, msg);
	collector_result_clear(&res);
}

void
testcollector_obs(const struct collector_result *res, size_t i,
    const char *series, const char *period, const char *value,
    const char *unit)
{
	const struct observation	*o;

	assert_true(i < res->batch->nobs);
	o = &res->batch->obs[i];
	assert_string_equal(o->series, series);
	assert_string_equal(o->period, period);
	assert_string_equal(o->value, value);
	if (unit == NULL)
		assert_null(o->unit);
	else
		assert_string_equal(o->unit, unit);
}

char *
testcollector_deep(const char *head, size_t depth, const char *tail,
    size_t *len)
{
	size_t	hl = strlen(head), tl = strlen(tail), n = depth - 1;
	char	*b = xmalloc(hl + 2 * n + tl + 1);

	memcpy(b, head, hl);
	memset(b + hl, '[', n);
	memset(b + hl + n, ']', n);
	memcpy(b + hl + 2 * n, tail, tl + 1);
	*len = hl + 2 * n + tl;
	return (b);
}
