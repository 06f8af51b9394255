/* SPDX-License-Identifier: ISC */
/*
 * parse: "potashctl parse KIND FILE [-o key=value]...".  Runs one
 * collector on a file, without network or database, and prints the
 * normalized result as JSON lines: {"series":…,"period":…,"value":"…",
 * "unit":…} per observation and {"event":{…}} per sanctions event.  On bad
 * input it prints the collector's precise error and exits 1.  Options are
 * the kind's feed options; a list option takes comma-separated values.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "collectors/collector.h"
#include "ctl/ctl.h"
#include "util/xmalloc.h"

#define PARSE_MAX_BYTES	(256u * 1024 * 1024)

static char *
parse_read(const char *path, size_t *lenp)
{
	FILE	*f;
	char	*buf = NULL;
	size_t	 len = 0, cap = 0, n;

	if ((f = fopen(path, "re")) == NULL)
		return (NULL);
	for (;;) {
		if (cap - len < 65536) {
			cap = cap == 0 ? 65536 : cap * 2;
			if (cap > PARSE_MAX_BYTES + 65536) {
				fclose(f);
				free(buf);
				errno = EFBIG;
				return (NULL);
			}
			buf = xreallocarray(buf, cap + 1, 1);
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return (NULL);
	}
	fclose(f);
	if (buf == NULL)
		buf = xmalloc(1);
	buf[len] = '\0';
	*lenp = len;
	return (buf);
}

/* Adds "-o name=value" to f, splitting list values on commas. */
static int
parse_add_option(struct feed *f, const struct collector_ops *ops,
    const char *arg)
{
	const char		*eq = strchr(arg, '=');
	const struct config_option *o = NULL;
	struct feed_option	*fo;
	char			*name, *vals, *tok, *save = NULL;
	size_t			 i;

	if (eq == NULL || eq == arg) {
		fprintf(stderr, "potashctl: -o %s: expected name=value\n", arg);
		return (-1);
	}
	name = xstrndup(arg, (size_t)(eq - arg));
	for (i = 0; i < ops->noptions; i++) {
		if (strcmp(ops->options[i].name, name) == 0)
			o = &ops->options[i];
	}
	if (o == NULL) {
		fprintf(stderr, "potashctl: -o %s: kind %s has no option "
		    "\"%s\"\n", arg, ops->name, name);
		free(name);
		return (-1);
	}
	f->opts = xreallocarray(f->opts, f->nopts + 1, sizeof(*f->opts));
	fo = &f->opts[f->nopts++];
	memset(fo, 0, sizeof(*fo));
	fo->name = name;
	fo->values = xcalloc(1, sizeof(char *));
	if (o->type != CONFIG_LIST) {
		fo->values[0] = xstrdup(eq + 1);
		fo->nvalues = 1;
		return (0);
	}
	vals = xstrdup(eq + 1);
	for (tok = strtok_r(vals, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		fo->values = xreallocarray(fo->values, fo->nvalues + 2,
		    sizeof(char *));
		fo->values[fo->nvalues++] = xstrdup(tok);
	}
	free(vals);
	return (0);
}

int
ctl_parse(int argc, char **argv)
{
	const struct collector_ops	*ops;
	struct collector_result		 res;
	struct feed			 f;
	struct timespec			 ts;
	void				*data = NULL;
	char				*body = NULL, err[1024];
	size_t				 len = 0, i;
	int				 ch, code = 1;

	memset(&f, 0, sizeof(f));
	memset(&res, 0, sizeof(res));
	/* argv[0] is "parse"; options may follow KIND and FILE. */
	if (argc < 3) {
		fprintf(stderr, "usage: potashctl parse KIND FILE "
		    "[-o name=value]...\n");
		return (1);
	}
	if ((ops = collector_find(argv[1])) == NULL) {
		fprintf(stderr, "potashctl: parse: unknown kind \"%s\"\n",
		    argv[1]);
		return (1);
	}
	f.name = xstrdup("parse");
	f.kind = xstrdup(ops->name);
	f.url = xasprintf("file://%s", argv[2]);
	f.enabled = 1;
	/* Options follow KIND FILE: parse argv from FILE on, which getopt
	 * takes for the program name; 0 resets GNU getopt's state. */
	optind = 0;
	while ((ch = getopt(argc - 2, argv + 2, "o:")) != -1) {
		if (ch != 'o' || parse_add_option(&f, ops, optarg) == -1) {
			if (ch != 'o')
				fprintf(stderr, "usage: potashctl parse KIND "
				    "FILE [-o name=value]...\n");
			goto out;
		}
	}
	if ((body = parse_read(argv[2], &len)) == NULL) {
		fprintf(stderr, "%s: %s\n", argv[2], strerror(errno));
		goto out;
	}
	err[0] = '\0';
	if (ops->configure != NULL &&
	    ops->configure(&f, &data, err, sizeof(err)) == -1) {
		fprintf(stderr, "potashctl: parse: %s\n", err);
		goto out;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	res.batch = batch_new(f.name);
	if (ops->parse(&f, data, body, len, (int64_t)ts.tv_sec * 1000000 +
	    ts.tv_nsec / 1000, &res, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", argv[2], err);
		goto out;
	}
	ctl_print_batch(res.batch, res.events, res.nevents);
	code = 0;
out:
	if (ops->free != NULL)
		ops->free(data);
	collector_result_clear(&res);
	free(body);
	for (i = 0; i < f.nopts; i++) {
		size_t j;

		for (j = 0; j < f.opts[i].nvalues; j++)
			free(f.opts[i].values[j]);
		free(f.opts[i].values);
		free(f.opts[i].name);
	}
	free(f.opts);
	free(f.name);
	free(f.kind);
	free(f.url);
	return (code);
}
