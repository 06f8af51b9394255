/* SPDX-License-Identifier: ISC */
/*
 * import: "potashctl import FILE", the backfill path.  Reads observations
 * as JSON lines ({"series":…, "period":…, "value":"…", "unit":…}), checks
 * every line first (all errors reported as FILE:LINE: field: what was
 * expected), then writes them through the daemon's own writer — batches,
 * spool, exactly-once — and waits until all of it is committed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <event2/event.h>

#include "collectors/observation.h"
#include "ctl/ctl.h"
#include "daemon/daemon.h"
#include "daemon/log.h"
#include "store/pg.h"
#include "store/writer.h"
#include "util/decimal.h"
#include "util/period.h"
#include "util/xmalloc.h"

#define IMPORT_MAX_ERRORS	50
#define IMPORT_LINE_MAX		(1024 * 1024)

struct import {
	const char		*path;
	struct event_base	*base;
	struct pg		*pg;
	struct writer		*writer;
	int			 connected_once;
	int			 failed;
	char			 error[512];
};

/*
 * Checks one line and, if batch is not NULL, adds it.  Returns 0, or -1
 * with "field: what is wrong" in err.
 */
static int
import_line(const char *line, struct batch *batch, char *err, size_t errlen)
{
	static const char *const fields[] = { "series", "period", "value",
	    "unit" };
	const cJSON	*v[4];
	cJSON		*obj;
	char		 value[DECIMAL_MAX_LEN], period[PERIOD_MAX_LEN], msg[256];
	size_t		 i;
	int		 rv = -1;

	if ((obj = cJSON_Parse(line)) == NULL) {
		snprintf(err, errlen, "not a JSON object (near byte %zu)",
		    (size_t)(cJSON_GetErrorPtr() != NULL ?
		    cJSON_GetErrorPtr() - line : 0));
		return (-1);
	}
	if (!cJSON_IsObject(obj)) {
		snprintf(err, errlen, "expected a JSON object");
		goto out;
	}
	for (i = 0; i < 4; i++) {
		v[i] = cJSON_GetObjectItemCaseSensitive(obj, fields[i]);
		if (i == 3 && v[i] == NULL)
			continue;
		if (v[i] == NULL) {
			snprintf(err, errlen, "field \"%s\": missing",
			    fields[i]);
			goto out;
		}
		if (!cJSON_IsString(v[i])) {
			/* A JSON number has already lost its exact text. */
			snprintf(err, errlen, "field \"%s\": expected a string%s",
			    fields[i], i == 2 ? " such as \"123.45\" (numbers "
			    "are written as strings to keep them exact)" : "");
			goto out;
		}
	}
	if (*v[0]->valuestring == '\0') {
		snprintf(err, errlen, "field \"series\": empty");
		goto out;
	}
	if (period_normalize(v[1]->valuestring, period, sizeof(period), msg,
	    sizeof(msg)) == -1) {
		snprintf(err, errlen, "field \"period\": %s", msg);
		goto out;
	}
	if (decimal_normalize(v[2]->valuestring, strlen(v[2]->valuestring), 0,
	    value, sizeof(value), msg, sizeof(msg)) == -1) {
		snprintf(err, errlen, "field \"value\": %s", msg);
		goto out;
	}
	if (batch != NULL)
		batch_add(batch, v[0]->valuestring, period, value,
		    v[3] != NULL ? v[3]->valuestring : "");
	rv = 0;
out:
	cJSON_Delete(obj);
	return (rv);
}

/*
 * Reads path line by line; with batch_size 0 only checks, else submits.
 * Returns the number of observations, or -1 after printing errors.
 */
static long
import_read(struct import *im, size_t batch_size)
{
	FILE		*f;
	char		*line = NULL, err[512], *url;
	size_t		 cap = 0;
	ssize_t		 n;
	long		 lineno = 0, count = 0;
	int		 errors = 0;
	struct batch	*b = NULL;

	if ((f = fopen(im->path, "re")) == NULL) {
		fprintf(stderr, "%s: %s\n", im->path, strerror(errno));
		return (-1);
	}
	url = xasprintf("file://%s", im->path);
	while ((n = getline(&line, &cap, f)) != -1) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0)
			continue;
		if ((size_t)n > IMPORT_LINE_MAX || strlen(line) != (size_t)n) {
			fprintf(stderr, "%s:%ld: %s\n", im->path, lineno,
			    (size_t)n > IMPORT_LINE_MAX ? "line too long" :
			    "NUL byte in line");
			if (++errors >= IMPORT_MAX_ERRORS)
				break;
			continue;
		}
		if (batch_size > 0 && b == NULL) {
			b = batch_new("import");
			batch_set_url(b, url);
		}
		if (import_line(line, b, err, sizeof(err)) == -1) {
			fprintf(stderr, "%s:%ld: %s\n", im->path, lineno, err);
			if (++errors >= IMPORT_MAX_ERRORS) {
				fprintf(stderr, "%s: too many errors, "
				    "stopping\n", im->path);
				break;
			}
			continue;
		}
		count++;
		if (b != NULL && b->nobs >= batch_size) {
			writer_submit(im->writer, b);
			batch_free(b);
			b = NULL;
		}
	}
	if (b != NULL && b->nobs > 0)
		writer_submit(im->writer, b);
	batch_free(b);
	if (ferror(f)) {
		fprintf(stderr, "%s: %s\n", im->path, strerror(errno));
		errors++;
	}
	free(line);
	free(url);
	fclose(f);
	return (errors > 0 ? -1 : count);
}

static void
import_state_cb(struct pg *pg, enum pg_state state, const char *why,
    void *arg)
{
	struct import	*im = arg;

	switch (state) {
	case PG_CONNECTING:
		break;
	case PG_CONNECTED:
		im->connected_once = 1;
		writer_pg_ready(im->writer);
		break;
	case PG_DISCONNECTED:
		writer_pg_lost(im->writer);
		if (!im->connected_once) {
			/* A tool does not wait for a database that was
			 * never there. */
			snprintf(im->error, sizeof(im->error),
			    "cannot connect to the database: %s", why);
			im->failed = 1;
			event_base_loopbreak(im->base);
		} else
			log_warnx("database: %s; retrying", why);
		break;
	}
}

int
ctl_import(struct config *config, int argc, char **argv)
{
	struct import		 im;
	struct pg_params	 params;
	struct writer_params	 wp;
	const struct writer_stats *st;
	char			 dir[] = "/tmp/potashctl-import.XXXXXX";
	char			*spool, err[1024];
	long			 n;
	int			 code = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: potashctl import FILE\n");
		return (1);
	}
	memset(&im, 0, sizeof(im));
	im.path = argv[1];

	/* Check everything before writing anything. */
	if ((n = import_read(&im, 0)) == -1)
		return (1);

	/* A private spool: the daemon holds its own locked. */
	if (mkdtemp(dir) == NULL) {
		fprintf(stderr, "potashctl: mkdtemp: %s\n", strerror(errno));
		return (1);
	}
	spool = xasprintf("%s/spool", dir);
	im.base = event_base_new();
	daemon_pg_params(config, &params);
	im.pg = pg_new(im.base, &params, import_state_cb, &im);
	daemon_writer_params(config, spool, &wp);
	/* A backfill holds no more than the file in the spool. */
	wp.spool_max = 0;
	if ((im.writer = writer_new(im.base, im.pg, &wp, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "potashctl: %s\n", err);
		goto out;
	}
	pg_start(im.pg);
	if (import_read(&im, (size_t)config->database.batch_size) != n)
		goto out;
	/* Done when connected and nothing waits in memory or spool. */
	while (!im.failed && !(im.connected_once && writer_idle(im.writer)))
		event_base_loop(im.base, EVLOOP_ONCE);
	if (im.failed) {
		fprintf(stderr, "potashctl: import: %s\n", im.error);
		goto out;
	}
	st = writer_stats(im.writer);
	printf("%s: %ld observations: %" PRIu64 " stored, %" PRIu64
	    " unchanged, %" PRIu64 " revised (%" PRIu64 " batch%s)\n",
	    im.path, n, st->obs_stored, st->obs_unchanged, st->obs_revised,
	    st->batches_committed, st->batches_committed == 1 ? "" : "es");
	code = 0;
out:
	pg_free(im.pg);
	writer_free(im.writer);
	if (im.base != NULL)
		event_base_free(im.base);
	unlink(spool);
	rmdir(dir);
	free(spool);
	return (code);
}
