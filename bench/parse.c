/* SPDX-License-Identifier: ISC */
/*
 * parse: what the json collector's parse costs alone, on bench/poll's
 * body, without a network or an event loop in the figures.
 *
 * The feed is the one bench/poll configures (rows "data", period_field
 * "date", ten values); each iteration does what bench/poll's parse line
 * does after the transfer: a fresh batch, the collector's parse into it,
 * the run's URL, and the batch freed.  A warm-up of a tenth of the
 * iterations runs first.  Prints the time and CPU per parse.
 *
 * A benchmark: it prints figures and asserts nothing.  It is not a test
 * and the test suite never runs it.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/benchutil.h"
#include "bench/pollserve.h"
#include "collectors/collector.h"
#include "util/xmalloc.h"

#define PARSE_ITERATIONS	200000

static void	parse_usage(int) __attribute__((noreturn));

static void
parse_usage(int status)
{
	fprintf(status == 0 ? stdout : stderr,
	    "usage: parse [-n iterations]\n"
	    "  -n N  parses timed (default %d)\n", PARSE_ITERATIONS);
	exit(status);
}

/* The feed, as bench/poll builds it. */
static void
parse_feed(struct feed *f)
{
	static const char *const	 names[] = { "rows", "period_field",
	    "values" };
	struct feed_option		*o;
	size_t				 i;

	memset(f, 0, sizeof(*f));
	f->name = xstrdup("bench-parse");
	f->kind = xstrdup("json");
	f->url = xstrdup("http://127.0.0.1/feed/0");
	f->enabled = 1;
	f->opts = xcalloc(3, sizeof(*f->opts));
	f->nopts = 3;
	for (i = 0; i < 3; i++) {
		o = &f->opts[i];
		o->name = xstrdup(names[i]);
		o->nvalues = i < 2 ? 1 : POLLSERVE_SERIES;
		o->values = xcalloc(o->nvalues, sizeof(*o->values));
		o->line = (int)i + 1;
	}
	f->opts[0].values[0] = xstrdup("data");
	f->opts[1].values[0] = xstrdup("date");
	for (i = 0; i < POLLSERVE_SERIES; i++)
		f->opts[2].values[i] = xasprintf("potash_price_"
		    "assessment_%02zu=>bench/potash_%02zu:USD/t", i, i);
}

/* n parses; returns the observations of the last, or -1. */
static long
parse_loop(const struct feed *f, const struct collector_ops *ops,
    void *data, const char *body, size_t len, uint64_t n)
{
	struct collector_result	 res;
	char			 err[512];
	uint64_t		 i;
	long			 nobs = 0;

	for (i = 0; i < n; i++) {
		memset(&res, 0, sizeof(res));
		res.batch = batch_new(f->name);
		if (ops->parse(f, data, body, len, 1764547200000000LL, &res,
		    err, sizeof(err)) == -1) {
			fprintf(stderr, "parse: %s\n", err);
			collector_result_clear(&res);
			return (-1);
		}
		batch_set_url(res.batch, f->url);
		nobs = (long)res.batch->nobs;
		collector_result_clear(&res);
	}
	return (nobs);
}

int
main(int argc, char *argv[])
{
	const struct collector_ops	*ops;
	struct feed			 f;
	void				*data;
	char				*body, err[512];
	size_t				 len;
	uint64_t			 n = PARSE_ITERATIONS;
	double				 t0, c0, secs, cpu;
	long				 nobs;
	int				 ch;

	while ((ch = getopt(argc, argv, "hn:")) != -1) {
		switch (ch) {
		case 'n':
			if (bench_number(optarg, 1, UINT64_MAX / 10, &n,
			    NULL) == -1)
				parse_usage(2);
			break;
		case 'h':
			parse_usage(0);
		default:
			parse_usage(2);
		}
	}
	parse_feed(&f);
	ops = collector_find("json");
	if (ops->configure(&f, &data, err, sizeof(err)) == -1) {
		fprintf(stderr, "parse: feed: %s\n", err);
		return (1);
	}
	body = pollserve_body(&len);
	if (parse_loop(&f, ops, data, body, len, n / 10 + 1) == -1)
		return (1);
	t0 = bench_now();
	c0 = bench_cpu_pid(0, NULL);
	nobs = parse_loop(&f, ops, data, body, len, n);
	cpu = bench_cpu_pid(0, NULL) - c0;
	secs = bench_now() - t0;
	if (nobs == -1)
		return (1);
	printf("body: %zu bytes of JSON, %ld observations per parse\n", len,
	    nobs);
	printf("%" PRIu64 " parses: %.3f s, %.3f us each; cpu %.3f us each\n",
	    n, secs, secs * 1e6 / (double)n, cpu * 1e6 / (double)n);
	ops->free(data);
	free(body);
	return (0);
}
