/* SPDX-License-Identifier: ISC */
/*
 * config_rule: `rule "name" { kind = ...; ... }` sections; see
 * config_rule.h.  The schema comes from rule_options[]: options without a
 * dot are plain options of the section, "event.x" options live in an
 * `event { }` block, and "labels.*" and "annotations.*" are free-form
 * `labels { name = "value" }` blocks.  libconfuse only checks the shape;
 * every value is checked by rule_new, which gets the options flattened
 * to "event.jurisdiction", "labels.team" and so on, each with the line
 * it was set on.
 *
 * Lines: the validator of a rule's own option sees the rule section (and
 * its title) and the option's line.  The options of the event block are
 * seen first in the block, without the rule's title, so they wait in a
 * pending list until the block closes.  Free-form blocks have no
 * per-option validator: their options carry the line the block closed
 * on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <confuse.h>

#include "alert/rule.h"
#include "daemon/config.h"
#include "daemon/config_channel.h"
#include "daemon/config_feed.h"
#include "daemon/config_rule.h"
#include "util/xmalloc.h"

struct config_rule_line {
	char	*title;		/* NULL: pending, in an event block */
	char	*name;		/* "kind", "event.action", "labels" */
	int	 line;
};

static struct config_rule_line	*config_rule_lines;
static size_t			 config_rule_nlines;

/* Whether rule option o lives in block (NULL: in the section itself). */
static int
config_rule_in_block(const struct config_option *o, const char *block)
{
	const char	*dot = strchr(o->name, '.');
	size_t		 n;

	if (block == NULL)
		return (dot == NULL);
	n = strlen(block);
	return (dot != NULL && (size_t)(dot - o->name) == n &&
	    strncmp(o->name, block, n) == 0);
}

static cfg_opt_t
config_rule_opt(const char *name, enum config_type type)
{
	if (type == CONFIG_LIST)
		return ((cfg_opt_t)CFG_STR_LIST(name, NULL, CFGF_NODEFAULT));
	return ((cfg_opt_t)CFG_STR(name, NULL, CFGF_NODEFAULT));
}

cfg_opt_t *
config_rule_build_opts(void)
{
	const struct config_option	*o;
	cfg_opt_t			*opts, *event;
	size_t				 i, n = 0, ne = 0;

	opts = xcalloc(rule_noptions + 4, sizeof(*opts));
	event = xcalloc(rule_noptions + 1, sizeof(*event));
	for (i = 0; i < rule_noptions; i++) {
		o = &rule_options[i];
		if (config_rule_in_block(o, NULL))
			opts[n++] = config_rule_opt(o->name, o->type);
		else if (config_rule_in_block(o, "event"))
			event[ne++] = config_rule_opt(o->name + 6, o->type);
	}
	event[ne] = (cfg_opt_t)CFG_END();
	opts[n++] = (cfg_opt_t)CFG_SEC("event", event, CFGF_NONE);
	/* Free-form: libconfuse creates each option as it is read.  The
	 * empty tables are static since libconfuse never writes them. */
	{
		static cfg_opt_t	none[] = { CFG_END() };

		opts[n++] = (cfg_opt_t)CFG_SEC("labels", none, CFGF_KEYSTRVAL);
		opts[n++] = (cfg_opt_t)CFG_SEC("annotations", none,
		    CFGF_KEYSTRVAL);
	}
	opts[n] = (cfg_opt_t)CFG_END();
	return (opts);
}

void
config_rule_free_opts(cfg_opt_t *opts)
{
	size_t	i;

	for (i = 0; opts[i].name != NULL; i++) {
		if (strcmp(opts[i].name, "event") == 0)
			free(opts[i].subopts);
	}
	free(opts);
}

static void
config_rule_add_line(const char *title, const char *name, int line)
{
	struct config_rule_line	*l;

	config_rule_lines = xreallocarray(config_rule_lines,
	    config_rule_nlines + 1, sizeof(*config_rule_lines));
	l = &config_rule_lines[config_rule_nlines++];
	l->title = title != NULL ? xstrdup(title) : NULL;
	l->name = xstrdup(name);
	l->line = line;
}

int
config_rule_note(cfg_t *cfg, cfg_opt_t *opt)
{
	char	 name[128];
	size_t	 i;

	if (cfg->name != NULL && strcmp(cfg->name, "event") == 0) {
		snprintf(name, sizeof(name), "event.%s", opt->name);
		config_rule_add_line(NULL, name, cfg->line);
		return (0);
	}
	if (cfg->title == NULL)
		return (0);
	if (strcmp(opt->name, "event") == 0) {
		for (i = 0; i < config_rule_nlines; i++) {
			if (config_rule_lines[i].title == NULL)
				config_rule_lines[i].title =
				    xstrdup(cfg->title);
		}
	}
	config_rule_add_line(cfg->title, opt->name, cfg->line);
	return (0);
}

void
config_rule_set_validators(cfg_t *cfg)
{
	const struct config_option	*o;
	char				 path[128];
	size_t				 i;

	for (i = 0; i < rule_noptions; i++) {
		o = &rule_options[i];
		if (config_rule_in_block(o, NULL))
			snprintf(path, sizeof(path), "rule|%s", o->name);
		else if (config_rule_in_block(o, "event"))
			snprintf(path, sizeof(path), "rule|event|%s",
			    o->name + 6);
		else
			continue;
		cfg_set_validate_func(cfg, path, config_rule_note);
	}
	cfg_set_validate_func(cfg, "rule|event", config_rule_note);
	cfg_set_validate_func(cfg, "rule|labels", config_rule_note);
	cfg_set_validate_func(cfg, "rule|annotations", config_rule_note);
}

void
config_rule_reset_lines(void)
{
	size_t	i;

	for (i = 0; i < config_rule_nlines; i++) {
		free(config_rule_lines[i].title);
		free(config_rule_lines[i].name);
	}
	free(config_rule_lines);
	config_rule_lines = NULL;
	config_rule_nlines = 0;
}

/* Where rule title set name (the last time), or 0. */
static int
config_rule_line(const char *title, const char *name)
{
	size_t	i;
	int	line = 0;

	for (i = 0; i < config_rule_nlines; i++) {
		if (config_rule_lines[i].title != NULL &&
		    strcmp(config_rule_lines[i].title, title) == 0 &&
		    strcmp(config_rule_lines[i].name, name) == 0)
			line = config_rule_lines[i].line;
	}
	return (line);
}

/* The first line of rule title, or 0. */
static int
config_rule_first_line(const char *title)
{
	size_t	i;
	int	line = 0;

	for (i = 0; i < config_rule_nlines; i++) {
		if (config_rule_lines[i].title != NULL &&
		    strcmp(config_rule_lines[i].title, title) == 0 &&
		    (line == 0 || config_rule_lines[i].line < line))
			line = config_rule_lines[i].line;
	}
	return (line);
}

/* The options read, flattened: what rule_new takes. */
struct config_rule_kvs {
	struct rule_kv	*kv;
	size_t		 nkv;
};

static void
config_rule_add_kv(struct config_rule_kvs *k, const char *name,
    cfg_opt_t *opt, int list, int line)
{
	struct rule_kv	*kv;
	const char	**values;
	unsigned int	 n = cfg_opt_size(opt), i;

	if (n == 0)
		return;
	k->kv = xreallocarray(k->kv, k->nkv + 1, sizeof(*k->kv));
	kv = &k->kv[k->nkv++];
	kv->name = xstrdup(name);
	if (list) {
		values = xcalloc(n, sizeof(*values));
		for (i = 0; i < n; i++)
			values[i] = cfg_opt_getnstr(opt, i);
		kv->nvalues = n;
	} else {
		/* A repeated scalar: the last one counts, as elsewhere. */
		values = xcalloc(1, sizeof(*values));
		values[0] = cfg_opt_getnstr(opt, n - 1);
		kv->nvalues = 1;
	}
	kv->values = values;
	kv->line = line;
}

static void
config_rule_free_kvs(struct config_rule_kvs *k)
{
	size_t	i;

	for (i = 0; i < k->nkv; i++) {
		free((char *)(uintptr_t)k->kv[i].name);
		free((void *)(uintptr_t)k->kv[i].values);
	}
	free(k->kv);
}

/* The options of a free-form block, as "block.key". */
static void
config_rule_block(struct config_rule_kvs *k, cfg_t *sec, const char *block)
{
	cfg_t		*b = cfg_getsec(sec, block);
	cfg_opt_t	*opt;
	char		 name[256];
	unsigned int	 i;
	int		 line;

	if (b == NULL)
		return;
	line = config_rule_line(cfg_title(sec), block);
	for (i = 0; i < cfg_num(b); i++) {
		opt = cfg_getnopt(b, i);
		snprintf(name, sizeof(name), "%s.%s", block, cfg_opt_name(opt));
		config_rule_add_kv(k, name, opt, 0, line);
	}
}

static struct rule *
config_rule_one(const struct config *c, cfg_t *sec)
{
	const struct config_option	*o;
	struct config_rule_kvs		 k;
	struct rule			*r;
	const char			*title = cfg_title(sec);
	cfg_t				*event;
	char				 err[512];
	size_t				 i;
	int				 line;

	memset(&k, 0, sizeof(k));
	event = cfg_getsec(sec, "event");
	for (i = 0; i < rule_noptions; i++) {
		o = &rule_options[i];
		if (config_rule_in_block(o, NULL))
			config_rule_add_kv(&k, o->name,
			    cfg_getopt(sec, o->name), o->type == CONFIG_LIST,
			    config_rule_line(title, o->name));
		else if (event != NULL && config_rule_in_block(o, "event"))
			config_rule_add_kv(&k, o->name,
			    cfg_getopt(event, o->name + 6),
			    o->type == CONFIG_LIST,
			    config_rule_line(title, o->name));
	}
	config_rule_block(&k, sec, "labels");
	config_rule_block(&k, sec, "annotations");

	r = rule_new(title, k.kv, k.nkv, err, sizeof(err), &line);
	config_rule_free_kvs(&k);
	for (i = 0; r != NULL && i < r->nnotify; i++) {
		if (config_channel_find(c, r->notify[i]) != NULL)
			continue;
		snprintf(err, sizeof(err), "notify: no channel \"%s\" is "
		    "configured (expected the name of a channel section)",
		    r->notify[i]);
		line = config_rule_line(title, "notify");
		rule_free(r);
		r = NULL;
	}
	if (r != NULL)
		return (r);
	if (line == 0)
		line = config_rule_first_line(title);
	if (line > 0)
		config_add_error("%s:%d: rule \"%s\": %s", c->path, line, title,
		    err);
	else
		config_add_error("%s: rule \"%s\": %s", c->path, title, err);
	return (NULL);
}

int
config_rule_load(struct config *c, cfg_t *cfg)
{
	unsigned int	 i, n = cfg_size(cfg, "rule");
	struct rule	*r;
	int		 failed = 0;

	c->rules = xcalloc(n + 1, sizeof(*c->rules));
	for (i = 0; i < n; i++) {
		if ((r = config_rule_one(c, cfg_getnsec(cfg, "rule", i))) ==
		    NULL) {
			failed = 1;
			continue;
		}
		c->rules[c->nrules++] = r;
	}
	config_rule_reset_lines();
	return (failed ? -1 : 0);
}

void
config_rule_free(struct rule **rules, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		rule_free(rules[i]);
	free(rules);
}

void
config_rule_dump(FILE *out)
{
	const struct config_option	*o;
	size_t				 i;

	for (i = 0; i < rule_noptions; i++) {
		o = &rule_options[i];
		fprintf(out, "rule.%s\t%s\t\"%s\"\t%s\n", o->name,
		    o->type == CONFIG_ENUM ? o->choices :
		    config_type_name(o->type), o->def, o->doc);
	}
}
