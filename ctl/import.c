/* SPDX-License-Identifier: ISC */
/*
 * import: "potashctl import FILE", the backfill path.  Reads observations
 * as JSON lines ({"series":…, "period":…, "value":"…", "unit":…,
 * "known_at":…}), checks every line first (all errors reported as
 * FILE:LINE: field: what was expected), then writes them through the
 * daemon's own writer — batches, spool, exactly-once — and waits until all
 * of it is committed.
 *
 * known_at (optional) is when the value was published; the database
 * stores it as the value's known_at (never in the future, always after
 * the revision already current).  A file of past vintages may hold a
 * (series, period) several times, oldest first: the store keeps only the
 * last row of a (series, period) per batch, so a line that repeats one
 * already in the batch, where either line has a known_at, starts a new
 * batch and each vintage is stored as the revision it was.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
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
#include "util/parse.h"
#include "util/period.h"
#include "util/xmalloc.h"

#define IMPORT_MAX_ERRORS	50
#define IMPORT_LINE_MAX		(1024 * 1024)
#define IMPORT_SEEN_MIN		64

#define IMPORT_KNOWN_AT_EXPECTED \
	"a time such as 2021-08-03T15:00:00Z or a date such as 2021-08-03"

struct import {
	const char		*path;
	struct event_base	*base;
	struct pg		*pg;
	struct writer		*writer;
	int			 connected_once;
	int			 failed;
	char			 error[512];

	/* While submitting: the batch being filled, and which (series,
	 * period) it holds, an open-addressing set of indexes into b->obs
	 * (SIZE_MAX: free). */
	struct batch		*b;
	size_t			 batch_size;
	const char		*url;
	size_t			*seen;
	size_t			 seen_cap;
};

static uint64_t
import_hash(const char *series, const char *period)
{
	uint64_t	h = 14695981039346656037ULL;	/* FNV-1a */
	const char	*p;

	for (p = series; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h = (h ^ 0xffU) * 1099511628211ULL;	/* not a byte of the text */
	for (p = period; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return (h);
}

/* The slot of (series, period) in the set: its entry, or a free one. */
static size_t *
import_seen_slot(struct import *im, const char *series, const char *period)
{
	const struct observation	*o;
	size_t				 i, mask = im->seen_cap - 1;

	i = (size_t)import_hash(series, period) & mask;
	for (;; i = (i + 1) & mask) {
		if (im->seen[i] == SIZE_MAX)
			return (&im->seen[i]);
		o = &im->b->obs[im->seen[i]];
		if (strcmp(o->series, series) == 0 &&
		    strcmp(o->period, period) == 0)
			return (&im->seen[i]);
	}
}

/* Empties the set, sized for at least n entries at half load. */
static void
import_seen_reset(struct import *im, size_t n)
{
	size_t	cap = im->seen_cap > 0 ? im->seen_cap : IMPORT_SEEN_MIN;

	while (cap / 2 < n)
		cap *= 2;
	if (cap != im->seen_cap) {
		free(im->seen);
		im->seen = xreallocarray(NULL, cap, sizeof(*im->seen));
		im->seen_cap = cap;
	}
	memset(im->seen, 0xff, cap * sizeof(*im->seen));
}

/* Hands the batch being filled (if any) to the writer. */
static void
import_flush(struct import *im)
{
	if (im->b != NULL && im->b->nobs > 0)
		writer_submit(im->writer, im->b);
	batch_free(im->b);
	im->b = NULL;
}

/* Adds one checked observation, starting a new batch where needed. */
static void
import_add(struct import *im, const char *series, const char *period,
    const char *value, const char *unit, const char *known_at)
{
	size_t	*slot, i;

	if (im->b != NULL && im->b->nobs >= im->batch_size)
		import_flush(im);
	if (im->b != NULL) {
		slot = import_seen_slot(im, series, period);
		/* A vintage of a (series, period) already in the batch
		 * would replace that one instead of following it. */
		if (*slot != SIZE_MAX && (known_at != NULL ||
		    im->b->obs[*slot].known_at != NULL))
			import_flush(im);
	}
	if (im->b == NULL) {
		im->b = batch_new("import");
		batch_set_url(im->b, im->url);
		import_seen_reset(im, 0);
	}
	batch_add_known(im->b, series, period, value, unit, known_at);
	if (im->b->nobs > im->seen_cap / 2) {
		import_seen_reset(im, im->b->nobs);
		for (i = 0; i < im->b->nobs; i++)
			*import_seen_slot(im, im->b->obs[i].series,
			    im->b->obs[i].period) = i;
	} else
		*import_seen_slot(im, series, period) = im->b->nobs - 1;
}

/*
 * Checks a known_at: a date or an instant as period_normalize reads them,
 * but not a month, quarter, week or year.  Writes the canonical form to
 * out; returns 0, or -1 with "expected ..." in err.
 */
static int
import_known_at(const char *in, char *out, size_t outlen, char *err,
    size_t errlen)
{
	const char	*s = in;
	char		 q[PARSE_QUOTE_BUFLEN];

	while (*s == ' ' || *s == '\t')
		s++;
	if (strlen(s) < 10 || s[4] != '-' || s[7] != '-') {
		parse_quote(in, strlen(in), q, sizeof(q));
		snprintf(err, errlen, "expected %s, got \"%s\"",
		    IMPORT_KNOWN_AT_EXPECTED, q);
		return (-1);
	}
	return (period_normalize(in, out, outlen, err, errlen));
}

/*
 * Checks one line and, if submitting, adds it.  Returns 0, or -1 with
 * "field: what is wrong" in err.
 */
static int
import_line(struct import *im, const char *line, char *err, size_t errlen)
{
	static const char *const fields[] = { "series", "period", "value",
	    "unit", "known_at" };
	const cJSON	*v[5];
	cJSON		*obj;
	char		 value[DECIMAL_MAX_LEN], period[PERIOD_MAX_LEN];
	char		 known_at[PERIOD_MAX_LEN], msg[320];
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
	for (i = 0; i < 5; i++) {
		v[i] = cJSON_GetObjectItemCaseSensitive(obj, fields[i]);
		/* unit and known_at are optional; a null known_at too, as
		 * an export of rows without one would write it. */
		if ((i == 3 && v[i] == NULL) || (i == 4 && (v[i] == NULL ||
		    cJSON_IsNull(v[i])))) {
			v[i] = NULL;
			continue;
		}
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
	if (v[4] != NULL && import_known_at(v[4]->valuestring, known_at,
	    sizeof(known_at), msg, sizeof(msg)) == -1) {
		snprintf(err, errlen, "field \"known_at\": %s", msg);
		goto out;
	}
	if (im->batch_size > 0)
		import_add(im, v[0]->valuestring, period, value,
		    v[3] != NULL ? v[3]->valuestring : "",
		    v[4] != NULL ? known_at : NULL);
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

	if ((f = fopen(im->path, "re")) == NULL) {
		fprintf(stderr, "%s: %s\n", im->path, strerror(errno));
		return (-1);
	}
	url = xasprintf("file://%s", im->path);
	im->url = url;
	im->batch_size = batch_size;
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
		if (import_line(im, line, err, sizeof(err)) == -1) {
			fprintf(stderr, "%s:%ld: %s\n", im->path, lineno, err);
			if (++errors >= IMPORT_MAX_ERRORS) {
				fprintf(stderr, "%s: too many errors, "
				    "stopping\n", im->path);
				break;
			}
			continue;
		}
		count++;
	}
	import_flush(im);
	free(im->seen);
	im->seen = NULL;
	im->seen_cap = 0;
	im->url = NULL;
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
	/* One pass: nothing comes twice for remembered values to save. */
	wp.value_cache_off = 1;
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
