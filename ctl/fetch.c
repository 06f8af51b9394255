/* SPDX-License-Identifier: ISC */
/*
 * fetch: "potashctl fetch FEED [--dry-run]".  Runs one configured feed
 * now, through the daemon's own scheduler, transfer engine and collector:
 * with --dry-run it prints what the run produced as JSON lines and writes
 * nothing; otherwise it stores the run through the writer (a feed_runs
 * row, observations, events) and waits until it is committed.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "collectors/collector.h"
#include "ctl/ctl.h"
#include "daemon/daemon.h"
#include "daemon/log.h"
#include "daemon/scheduler.h"
#include "store/pg.h"
#include "store/writer.h"
#include "transfer/transfer.h"
#include "util/xmalloc.h"

struct fetch {
	struct event_base	*base;
	struct pg		*pg;
	struct writer		*writer;
	int			 dry_run;
	int			 have_output;
	int			 run_failed;
	int			 connected_once;
	int			 failed;
	char			 error[512];
};

static void
fetch_output_cb(const struct batch *b, void *arg)
{
	struct fetch	*fx = arg;

	fx->have_output = 1;
	if (b->error != NULL) {
		fx->run_failed = 1;
		fprintf(stderr, "potashctl: fetch %s: %s\n", b->feed, b->error);
	}
	if (fx->dry_run) {
		if (b->error == NULL)
			ctl_print_batch(b, b->events, b->nevents);
		return;
	}
	/* Failed runs are stored too: they are the feed's history. */
	writer_submit(fx->writer, b);
}

static void
fetch_state_cb(struct pg *pg, enum pg_state state, const char *why,
    void *arg)
{
	struct fetch	*fx = arg;

	if (state == PG_CONNECTED) {
		fx->connected_once = 1;
		writer_pg_ready(fx->writer);
	} else if (state == PG_DISCONNECTED) {
		writer_pg_lost(fx->writer);
		if (!fx->connected_once) {
			snprintf(fx->error, sizeof(fx->error),
			    "cannot connect to the database: %s", why);
			fx->failed = 1;
		}
	}
}

int
ctl_fetch(struct config *config, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dry-run",	no_argument,	NULL,	'n' },
		{ NULL,		0,		NULL,	0 },
	};
	struct fetch		 fx;
	struct transfer		*tr = NULL;
	struct scheduler	*s = NULL;
	struct pg_params	 params;
	struct writer_params	 wp;
	const char		*name;
	char			 dir[] = "/tmp/potashctl-fetch.XXXXXX";
	char			*spool = NULL, err[1024];
	int			 ch, code = 1;

	memset(&fx, 0, sizeof(fx));
	/* 0, not 1: GNU getopt then forgets the main parse's state. */
	optind = 0;
	while ((ch = getopt_long(argc, argv, "n", longopts, NULL)) != -1) {
		if (ch != 'n') {
			fprintf(stderr, "usage: potashctl fetch FEED "
			    "[--dry-run]\n");
			return (1);
		}
		fx.dry_run = 1;
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: potashctl fetch FEED [--dry-run]\n");
		return (1);
	}
	name = argv[optind];

	fx.base = event_base_new();
	if ((tr = transfer_new(fx.base, NULL)) == NULL) {
		fprintf(stderr, "potashctl: cannot set up libcurl\n");
		goto out;
	}
	s = scheduler_new(fx.base, tr, fetch_output_cb, &fx);
	if (scheduler_configure(s, config, err, sizeof(err)) == -1) {
		fprintf(stderr, "potashctl: %s\n", err);
		goto out;
	}
	if (!fx.dry_run) {
		if (mkdtemp(dir) == NULL) {
			perror("potashctl: mkdtemp");
			goto out;
		}
		spool = xasprintf("%s/spool", dir);
		daemon_pg_params(config, &params);
		fx.pg = pg_new(fx.base, &params, fetch_state_cb, &fx);
		daemon_writer_params(config, spool, &wp);
		wp.spool_max = 0;
		wp.value_cache_off = 1;	/* one run: nothing to remember for */
		if ((fx.writer = writer_new(fx.base, fx.pg, &wp, err,
		    sizeof(err))) == NULL) {
			fprintf(stderr, "potashctl: %s\n", err);
			goto out;
		}
		pg_start(fx.pg);
	}
	if (scheduler_run_now(s, name) == -1) {
		fprintf(stderr, "potashctl: fetch: no feed \"%s\" in %s\n",
		    name, config->path);
		goto out;
	}
	while (!fx.failed && (!fx.have_output || (!fx.dry_run &&
	    !(fx.connected_once && writer_idle(fx.writer)))))
		event_base_loop(fx.base, EVLOOP_ONCE);
	if (fx.failed) {
		fprintf(stderr, "potashctl: fetch: %s\n", fx.error);
		goto out;
	}
	if (!fx.dry_run) {
		const struct writer_stats *st = writer_stats(fx.writer);

		printf("%s: %" PRIu64 " stored, %" PRIu64 " unchanged, %"
		    PRIu64 " revised\n", name, st->obs_stored,
		    st->obs_unchanged, st->obs_revised);
	}
	code = fx.run_failed ? 1 : 0;
out:
	/* Transfers first: their callbacks reach the scheduler. */
	transfer_free(tr);
	scheduler_free(s);
	pg_free(fx.pg);
	writer_free(fx.writer);
	event_base_free(fx.base);
	if (spool != NULL) {
		unlink(spool);
		rmdir(dir);
		free(spool);
	}
	return (code);
}
