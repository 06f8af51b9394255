/* SPDX-License-Identifier: ISC */
/*
 * config_feed: `feed "name" { kind = ...; ... }` sections; see
 * config_feed.h.  Generic options (kind, url, interval, ...) are described
 * here; each kind describes its own in its collector.  Line numbers are
 * collected while libconfuse parses, so checks made after parsing (an
 * option the kind does not take, a kind's own configure()) still name the
 * line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <confuse.h>

#include "collectors/collector.h"
#include "daemon/config.h"
#include "daemon/config_feed.h"
#include "daemon/config_secret.h"
#include "util/xmalloc.h"

#define USEC(s)		((int64_t)(s) * 1000000)
#define FOFF(f)		offsetof(struct feed, f)

const struct config_option config_feed_options[] = {
	{ "feed", "kind", CONFIG_STRING, "", 0, 0, NULL, FOFF(kind),
	  "The feed's kind: which collector fetches and parses it." },
	{ "feed", "url", CONFIG_STRING, "", 0, 0, NULL, FOFF(url),
	  "URL to fetch (http, https, or file:// for replays; \"file:PATH\" "
	  "is a path relative to the config file's directory); empty means "
	  "the kind's default endpoint.  Never put an API key here: use "
	  "secret_file." },
	{ "feed", "interval", CONFIG_DURATION, "1d", USEC(1), USEC(366 * 86400),
	  NULL, FOFF(interval), "Time between runs." },
	{ "feed", "jitter", CONFIG_DURATION, "30s", 0, USEC(86400), NULL,
	  FOFF(jitter),
	  "Up to this much random delay is added to each run, so feeds do "
	  "not all fire at once." },
	{ "feed", "align", CONFIG_DURATION, "0s", 0, USEC(366 * 86400), NULL,
	  FOFF(align),
	  "Run at multiples of this period (UTC), e.g. 1h; 0s: no "
	  "alignment." },
	{ "feed", "timeout", CONFIG_DURATION, "60s", USEC(1), USEC(3600), NULL,
	  FOFF(timeout), "Longest a whole transfer may take." },
	{ "feed", "connect_timeout", CONFIG_DURATION, "10s", USEC(1),
	  USEC(300), NULL, FOFF(connect_timeout),
	  "Longest a connection attempt may take." },
	{ "feed", "max_size", CONFIG_SIZE, "32MiB", 1024, (int64_t)1 << 30,
	  NULL, FOFF(max_bytes),
	  "Largest response body accepted; a larger one is an error." },
	{ "feed", "enabled", CONFIG_BOOL, "true", 0, 0, NULL, FOFF(enabled),
	  "Set to false to keep a feed configured but not polled." },
	{ "feed", "secret_file", CONFIG_STRING, "", 0, 0, NULL,
	  FOFF(secret),
	  "File holding the feed's API key; empty means "
	  "$CREDENTIALS_DIRECTORY/feed-NAME if present." },
};
const size_t config_feed_noptions =
    sizeof(config_feed_options) / sizeof(config_feed_options[0]);

struct config_feed_line {
	char	*title;
	char	*name;
	int	 line;
};

/* Lines seen during the current parse; see config_errors in config.c. */
static struct config_feed_line	*config_feed_lines;
static size_t			 config_feed_nlines;

const struct config_option *
config_feed_opt_at(size_t i)
{
	const struct collector_ops *const	*kinds;
	size_t					 nkinds, k;

	if (i < config_feed_noptions)
		return (&config_feed_options[i]);
	i -= config_feed_noptions;
	kinds = collector_all(&nkinds);
	for (k = 0; k < nkinds; k++) {
		if (i < kinds[k]->noptions)
			return (&kinds[k]->options[i]);
		i -= kinds[k]->noptions;
	}
	return (NULL);
}

const struct config_option *
config_feed_find(const char *name)
{
	const struct config_option	*o;
	size_t				 i;

	for (i = 0; (o = config_feed_opt_at(i)) != NULL; i++) {
		if (strcmp(o->name, name) == 0)
			return (o);
	}
	return (NULL);
}

int
config_feed_is_generic(const char *name)
{
	size_t	i;

	for (i = 0; i < config_feed_noptions; i++) {
		if (strcmp(config_feed_options[i].name, name) == 0)
			return (1);
	}
	return (0);
}

cfg_opt_t *
config_feed_build_opts(void)
{
	const struct config_option	*o;
	cfg_opt_t			*opts;
	size_t				 i, j, n = 0;

	for (i = 0; config_feed_opt_at(i) != NULL; i++)
		;
	opts = xcalloc(i + 1, sizeof(*opts));
	for (i = 0; (o = config_feed_opt_at(i)) != NULL; i++) {
		/* Kinds may share an option name (e.g. "series"). */
		for (j = 0; j < n; j++) {
			if (strcmp(opts[j].name, o->name) == 0)
				break;
		}
		if (j < n)
			continue;
		if (o->type == CONFIG_LIST)
			opts[n++] = (cfg_opt_t)CFG_STR_LIST(o->name, NULL,
			    CFGF_NODEFAULT);
		else
			opts[n++] = (cfg_opt_t)CFG_STR(o->name, NULL,
			    CFGF_NODEFAULT);
	}
	opts[n] = (cfg_opt_t)CFG_END();
	return (opts);
}

void
config_feed_note_line(const char *title, const char *name, int line)
{
	struct config_feed_line	*l;

	config_feed_lines = xreallocarray(config_feed_lines,
	    config_feed_nlines + 1, sizeof(*config_feed_lines));
	l = &config_feed_lines[config_feed_nlines++];
	l->title = xstrdup(title);
	l->name = xstrdup(name);
	l->line = line;
}

void
config_feed_reset_lines(void)
{
	size_t	i;

	for (i = 0; i < config_feed_nlines; i++) {
		free(config_feed_lines[i].title);
		free(config_feed_lines[i].name);
	}
	free(config_feed_lines);
	config_feed_lines = NULL;
	config_feed_nlines = 0;
}

/* Where feed title set name (NULL: its first option), or 0. */
static int
config_feed_line(const char *title, const char *name)
{
	size_t	i;
	int	line = 0;

	for (i = 0; i < config_feed_nlines; i++) {
		if (strcmp(config_feed_lines[i].title, title) != 0)
			continue;
		if (name == NULL) {
			if (line == 0 || config_feed_lines[i].line < line)
				line = config_feed_lines[i].line;
		} else if (strcmp(config_feed_lines[i].name, name) == 0)
			line = config_feed_lines[i].line;
	}
	return (line);
}

static void
config_feed_error(const struct config *c, const char *title,
    const char *name, const char *msg)
{
	int	line = config_feed_line(title, name);

	if (line == 0)
		line = config_feed_line(title, NULL);
	if (line > 0)
		config_add_error("%s:%d: feed \"%s\": %s", c->path, line, title,
		    msg);
	else
		config_add_error("%s: feed \"%s\": %s", c->path, title, msg);
}

/* A feed's API key: the first line of path, which must not be empty. */
static char *
config_feed_read_secret(const char *path, char *err, size_t errlen)
{
	char	*secret;

	if ((secret = config_read_secret(path, err, errlen)) == NULL)
		return (NULL);
	if (*secret == '\0') {
		snprintf(err, errlen, "%s is empty", path);
		free(secret);
		return (NULL);
	}
	return (secret);
}

/* Generic options into f's fields; 0 or -1 (errors added). */
static int
config_feed_generic(const struct config *c, cfg_t *sec, struct feed *f)
{
	const struct config_option	*o;
	const char			*value;
	char				 err[512], msg[600];
	int64_t				 v;
	size_t				 i;

	for (i = 0; i < config_feed_noptions; i++) {
		o = &config_feed_options[i];
		value = cfg_size(sec, o->name) > 0 ?
		    cfg_getstr(sec, o->name) : o->def;
		if (config_parse_value(o, value, &v, err, sizeof(err)) == -1) {
			snprintf(msg, sizeof(msg), "%s: %s", o->name, err);
			config_feed_error(c, f->name, o->name, msg);
			return (-1);
		}
		config_set_field(o, f, value, v);
	}
	return (0);
}

static int
config_feed_secret(const struct config *c, struct feed *f)
{
	char		*path, err[512], msg[600];

	/* The field holds the file name until here. */
	path = f->secret;
	f->secret = NULL;
	if (*path != '\0') {
		f->secret = config_feed_read_secret(path, err, sizeof(err));
		free(path);
		if (f->secret == NULL) {
			snprintf(msg, sizeof(msg), "secret_file: %s", err);
			config_feed_error(c, f->name, "secret_file", msg);
			return (-1);
		}
		return (0);
	}
	free(path);
	if ((path = config_credential("feed-%s", f->name)) == NULL)
		return (0);
	f->secret = config_feed_read_secret(path, err, sizeof(err));
	free(path);
	if (f->secret == NULL) {
		snprintf(msg, sizeof(msg), "credential: %s", err);
		config_feed_error(c, f->name, NULL, msg);
		return (-1);
	}
	return (0);
}

/* The kind's own options: only those the kind declares. */
static int
config_feed_kind_options(const struct config *c, cfg_t *sec,
    const struct collector_ops *ops, struct feed *f)
{
	cfg_opt_t	*opt;
	struct feed_option *fo;
	char		 msg[700];
	size_t		 i, j, k, n;
	int		 failed = 0;

	for (i = 0; sec->opts[i].name != NULL; i++) {
		opt = &sec->opts[i];
		if (cfg_opt_size(opt) == 0 || config_feed_is_generic(opt->name))
			continue;
		for (j = 0; j < ops->noptions; j++) {
			if (strcmp(ops->options[j].name, opt->name) == 0)
				break;
		}
		if (j == ops->noptions) {
			snprintf(msg, sizeof(msg), "option \"%s\" does not "
			    "apply to kind \"%s\"", opt->name, ops->name);
			config_feed_error(c, f->name, opt->name, msg);
			failed = 1;
			continue;
		}
		n = cfg_opt_size(opt);
		for (k = 0; k < n; k++) {
			int64_t	v;
			char	err[512];

			if (config_parse_value(&ops->options[j],
			    cfg_opt_getnstr(opt, (unsigned int)k), &v, err,
			    sizeof(err)) == -1) {
				snprintf(msg, sizeof(msg), "%s: %s", opt->name,
				    err);
				config_feed_error(c, f->name, opt->name, msg);
				failed = 1;
				break;
			}
		}
		if (k < n)
			continue;
		f->opts = xreallocarray(f->opts, f->nopts + 1,
		    sizeof(*f->opts));
		fo = &f->opts[f->nopts++];
		memset(fo, 0, sizeof(*fo));
		fo->name = xstrdup(opt->name);
		fo->line = config_feed_line(f->name, opt->name);
		n = cfg_opt_size(opt);
		fo->values = xcalloc(n + 1, sizeof(*fo->values));
		for (j = 0; j < n; j++)
			fo->values[j] = xstrdup(cfg_opt_getnstr(opt,
			    (unsigned int)j));
		fo->nvalues = n;
	}
	return (failed ? -1 : 0);
}

/*
 * "file:PATH" (no "//") names a file relative to the config file's
 * directory: a convenience for bundled replays such as etc/demo.conf.
 * It becomes an absolute file:// URL.
 */
static void
config_feed_relative_url(const struct config *c, struct feed *f)
{
	const char	*rel = f->url + 5, *slash;
	char		 cwd[4096], *dir, *url;

	if (*rel == '/') {
		url = xasprintf("file://%s", rel);
		free(f->url);
		f->url = url;
		return;
	}
	slash = strrchr(c->path, '/');
	if (slash == NULL)
		dir = xstrdup(".");
	else
		dir = xstrndup(c->path, (size_t)(slash - c->path));
	if (dir[0] != '/') {
		if (getcwd(cwd, sizeof(cwd)) == NULL)
			cwd[0] = '\0';
		url = xasprintf("file://%s/%s/%s", cwd, dir, rel);
	} else
		url = xasprintf("file://%s/%s", dir, rel);
	free(dir);
	free(f->url);
	f->url = url;
}

static int
config_feed_one(const struct config *c, cfg_t *sec, struct feed *f)
{
	const struct collector_ops	*ops;
	void				*data = NULL;
	char				 err[512], msg[700], kinds[256];
	const struct collector_ops *const *all;
	size_t				 n, i;

	f->name = xstrdup(cfg_title(sec));
	f->line = config_feed_line(f->name, NULL);
	if (config_feed_generic(c, sec, f) == -1)
		return (-1);
	if (*f->kind == '\0') {
		config_feed_error(c, f->name, NULL, "kind: missing");
		return (-1);
	}
	if ((ops = collector_find(f->kind)) == NULL) {
		all = collector_all(&n);
		kinds[0] = '\0';
		for (i = 0; i < n; i++) {
			strncat(kinds, all[i]->name, sizeof(kinds) -
			    strlen(kinds) - 2);
			if (i + 1 < n)
				strncat(kinds, "|", sizeof(kinds) -
				    strlen(kinds) - 1);
		}
		snprintf(msg, sizeof(msg), "kind: expected one of %s, got "
		    "\"%s\"", kinds, f->kind);
		config_feed_error(c, f->name, "kind", msg);
		return (-1);
	}
	if (config_feed_kind_options(c, sec, ops, f) == -1)
		return (-1);
	if (*f->url == '\0' && ops->default_url != NULL) {
		free(f->url);
		f->url = xstrdup(ops->default_url);
	}
	if (strncmp(f->url, "file:", 5) == 0 &&
	    strncmp(f->url, "file://", 7) != 0)
		config_feed_relative_url(c, f);
	if (*f->url == '\0') {
		snprintf(msg, sizeof(msg), "url: missing (kind \"%s\" has no "
		    "default endpoint)", ops->name);
		config_feed_error(c, f->name, NULL, msg);
		return (-1);
	}
	if (config_feed_secret(c, f) == -1)
		return (-1);
	err[0] = '\0';
	if (ops->configure != NULL &&
	    ops->configure(f, &data, err, sizeof(err)) == -1) {
		config_feed_error(c, f->name, NULL, err);
		return (-1);
	}
	if (ops->free != NULL)
		ops->free(data);
	return (0);
}

int
config_feed_load(struct config *c, cfg_t *cfg)
{
	unsigned int	i, n = cfg_size(cfg, "feed");
	int		failed = 0;

	c->feeds = xcalloc(n + 1, sizeof(*c->feeds));
	for (i = 0; i < n; i++) {
		if (config_feed_one(c, cfg_getnsec(cfg, "feed", i),
		    &c->feeds[i]) == -1)
			failed = 1;
		c->nfeeds = i + 1;
	}
	config_feed_reset_lines();
	return (failed ? -1 : 0);
}

void
config_feed_free(struct feed *feeds, size_t n)
{
	size_t	i, j, k;

	for (i = 0; i < n; i++) {
		struct feed *f = &feeds[i];

		free(f->name);
		free(f->kind);
		free(f->url);
		if (f->secret != NULL) {
			explicit_bzero(f->secret, strlen(f->secret));
			free(f->secret);
		}
		for (j = 0; j < f->nopts; j++) {
			for (k = 0; k < f->opts[j].nvalues; k++)
				free(f->opts[j].values[k]);
			free(f->opts[j].values);
			free(f->opts[j].name);
		}
		free(f->opts);
	}
	free(feeds);
}

void
config_feed_dump(FILE *out)
{
	const struct collector_ops *const	*kinds;
	const struct config_option		*o;
	size_t					 nkinds, i, k;

	for (i = 0; i < config_feed_noptions; i++) {
		o = &config_feed_options[i];
		fprintf(out, "feed.%s\t%s\t\"%s\"\t%s\n", o->name,
		    config_type_name(o->type), o->def, o->doc);
	}
	kinds = collector_all(&nkinds);
	for (k = 0; k < nkinds; k++) {
		for (i = 0; i < kinds[k]->noptions; i++) {
			o = &kinds[k]->options[i];
			fprintf(out, "feed.%s (kind %s)\t%s\t\"%s\"\t%s\n",
			    o->name, kinds[k]->name,
			    o->type == CONFIG_ENUM ? o->choices :
			    config_type_name(o->type), o->def, o->doc);
		}
	}
}
