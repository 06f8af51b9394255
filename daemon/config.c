/* SPDX-License-Identifier: ISC */
/*
 * config: loads potashd.conf through libconfuse, driven by config_options[],
 * the one table that says what every option is.  Owns struct config and the
 * strings in it.  Values are validated while the file is read, so errors
 * name the line; nothing is applied until the whole file is valid.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <confuse.h>

#include "potashd-config.h"
#include "daemon/config.h"
#include "daemon/config_feed.h"
#include "daemon/config_channel.h"
#include "daemon/config_lines.h"
#include "daemon/config_rule.h"
#include "daemon/config_secret.h"
#include "daemon/log.h"
#include "util/parse.h"
#include "util/xmalloc.h"
#include "web/web.h"

#define USEC(s)		((int64_t)(s) * 1000000)
#define OFF(f)		offsetof(struct config, f)
#define CONFIG_MAX_BYTES	(1024 * 1024)
#define CONFIG_TOKEN_MIN	16

const struct config_option config_options[] = {
	{ NULL, "state_directory", CONFIG_STRING, "", 0, 0, NULL,
	  OFF(state_directory),
	  "Directory for the spool and other state; empty means "
	  "$STATE_DIRECTORY (set by systemd's StateDirectory=) or "
	  "/var/lib/potashd." },

	{ "database", "conninfo", CONFIG_STRING, "", 0, 0, NULL,
	  OFF(database.conninfo),
	  "libpq connection string or URI (\"host=/run/postgresql "
	  "dbname=potash\", \"service=potash\"); empty means libpq's "
	  "defaults and environment (PGHOST, PGDATABASE, PGSERVICE...)." },
	{ "database", "password_file", CONFIG_STRING, "", 0, 0, NULL,
	  OFF(database.password_file),
	  "File holding the database password; empty means "
	  "$CREDENTIALS_DIRECTORY/db-password if present, else libpq's "
	  "own (~/.pgpass, PGPASSFILE)." },
	{ "database", "connect_timeout", CONFIG_DURATION, "10s",
	  USEC(1), USEC(600), NULL, OFF(database.connect_timeout),
	  "Give up one connection attempt after this long." },
	{ "database", "retry_initial", CONFIG_DURATION, "1s",
	  100000, USEC(600), NULL, OFF(database.retry_initial),
	  "First delay before reconnecting; doubles per failure." },
	{ "database", "retry_max", CONFIG_DURATION, "60s",
	  USEC(1), USEC(3600), NULL, OFF(database.retry_max),
	  "Longest delay between reconnection attempts." },
	{ "database", "application_name", CONFIG_STRING, "potashd", 0, 0,
	  NULL, OFF(database.application_name),
	  "Shown in pg_stat_activity." },

	{ "database", "batch_size", CONFIG_INT, "10000", 1, 1000000, NULL,
	  OFF(database.batch_size),
	  "Most observations sent to PostgreSQL in one transaction, and "
	  "most feed runs (values known unchanged are not sent)." },
	{ "database", "batch_delay", CONFIG_DURATION, "100ms", 0, USEC(10),
	  NULL, OFF(database.batch_delay),
	  "How long the writer waits for more observations before writing "
	  "a transaction that is not full." },
	{ "database", "spool_max_size", CONFIG_SIZE, "256MiB",
	  1024 * 1024, (int64_t)1 << 40, NULL, OFF(database.spool_max_size),
	  "Cap of the disk spool that holds observations while PostgreSQL "
	  "is unreachable; at the cap the newest are dropped, counted and "
	  "logged." },
	{ "database", "value_cache_size", CONFIG_SIZE, "8MiB",
	  0, (int64_t)1 << 34, NULL, OFF(database.value_cache_size),
	  "Memory for the values the writer knows to be current, so that a "
	  "value polled again unchanged is counted without being sent (from "
	  "its third poll on: a value is remembered the second time it "
	  "comes); 0 remembers none." },

	{ "http", "listen", CONFIG_STRING, "127.0.0.1:9464", 0, 0, NULL,
	  OFF(http.listen),
	  "Address and port of the read-only HTTP server (metrics, health, "
	  "dashboard); empty disables it." },
	{ "http", "external_url", CONFIG_STRING, "", 0, 0, NULL,
	  OFF(http.external_url),
	  "The URL under which people reach this potashd's dashboard "
	  "(https://potash.example.org/): notifications link to it "
	  "(externalURL and generatorURL in webhooks, a link per alert in "
	  "emails).  Empty: no links.  With token_file set, the links to "
	  "alert pages are signed (?sig=, see potashd(8)) so that they open "
	  "without the token." },
	{ "http", "token_file", CONFIG_STRING, "", 0, 0, NULL,
	  OFF(http.token_file),
	  "File holding a bearer token (its first line, at least 16 "
	  "characters): every request but /healthz must then send "
	  "\"Authorization: Bearer TOKEN\".  Required when listen is not a "
	  "loopback address; empty: $CREDENTIALS_DIRECTORY/http-token if "
	  "present, else no token.  Alert pages also open with the signature "
	  "that notification links carry, made with a key derived from the "
	  "token: a new token voids the links sent before." },

	{ "log", "level", CONFIG_ENUM, "info", 0, 0,
	  "debug|info|notice|warning|error", OFF(log.level),
	  "Least severe level written; -v on the command line raises it." },
};
const size_t config_noptions = sizeof(config_options) / sizeof(config_options[0]);

/*
 * libconfuse's error callback has no user argument, so errors of the load
 * in progress are collected here; config_load is not reentrant, which the
 * single-threaded daemon never needs.
 */
static char	*config_errors;
static const char *config_path;
/* Where the http options were set, for the checks made after parsing. */
static struct config_lines config_http_lines;

void
config_add_error(const char *fmt, ...)
{
	char	*line, *all;
	va_list	 ap;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) == -1)
		abort();
	va_end(ap);
	if (config_errors == NULL)
		all = xasprintf("%s", line);
	else
		all = xasprintf("%s\n%s", config_errors, line);
	free(line);
	free(config_errors);
	config_errors = all;
}

static void __attribute__((format(printf, 2, 0)))
config_error_cb(cfg_t *cfg, const char *fmt, va_list ap)
{
	char	msg[1024];

	/* libconfuse 3.3 reports each option of a free-form block (rule
	 * labels and annotations) as unknown before it creates it. */
	if (cfg != NULL && (cfg->flags & CFGF_KEYSTRVAL) &&
	    strncmp(fmt, "no such option", 14) == 0)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* The lexer counts lines in the section being parsed; the file
	 * name is ours, since libconfuse parses a buffer. */
	if (cfg != NULL && cfg->line > 0)
		config_add_error("%s:%d: %s", config_path, cfg->line, msg);
	else
		config_add_error("%s: %s", config_path, msg);
}

static const struct config_option *
config_find(const char *section, const char *name)
{
	size_t	i;

	for (i = 0; i < config_noptions; i++) {
		const struct config_option *o = &config_options[i];

		if (strcmp(o->name, name) != 0)
			continue;
		if ((section == NULL) != (o->section == NULL))
			continue;
		if (section != NULL && strcmp(section, o->section) != 0)
			continue;
		return (o);
	}
	if (section != NULL && strcmp(section, "feed") == 0)
		return (config_feed_find(name));
	return (NULL);
}

static int
config_enum_index(const char *choices, const char *value)
{
	const char	*p = choices, *bar;
	size_t		 len, vlen = strlen(value);
	int		 idx = 0;

	for (;;) {
		bar = strchr(p, '|');
		len = bar != NULL ? (size_t)(bar - p) : strlen(p);
		if (len == vlen && strncmp(p, value, len) == 0)
			return (idx);
		if (bar == NULL)
			return (-1);
		p = bar + 1;
		idx++;
	}
}

/*
 * Parses one value of option o into *out (int64_t for numbers, durations,
 * sizes, booleans and enums).  Strings always parse.  Returns 0 or -1 with a
 * message in err that names what was expected.
 */
int
config_parse_value(const struct config_option *o, const char *value,
    int64_t *out, char *err, size_t errlen)
{
	uint64_t	u;
	int		idx;

	*out = 0;
	switch (o->type) {
	case CONFIG_STRING:
	case CONFIG_LIST:
		return (0);
	case CONFIG_INT:
		return (parse_int64(value, o->min, o->max, out, err, errlen));
	case CONFIG_BOOL:
		if (strcmp(value, "true") == 0 || strcmp(value, "yes") == 0 ||
		    strcmp(value, "on") == 0) {
			*out = 1;
			return (0);
		}
		if (strcmp(value, "false") == 0 || strcmp(value, "no") == 0 ||
		    strcmp(value, "off") == 0)
			return (0);
		snprintf(err, errlen, "expected true or false, got \"%s\"",
		    value);
		return (-1);
	case CONFIG_DURATION:
		if (parse_duration(value, &u, err, errlen) == -1)
			return (-1);
		if (u < (uint64_t)o->min || u > (uint64_t)o->max) {
			char	lo[32], hi[32];

			parse_duration_format((uint64_t)o->min, lo, sizeof(lo));
			parse_duration_format((uint64_t)o->max, hi, sizeof(hi));
			snprintf(err, errlen,
			    "expected a duration between %s and %s, got \"%s\"",
			    lo, hi, value);
			return (-1);
		}
		*out = (int64_t)u;
		return (0);
	case CONFIG_SIZE:
		if (parse_size(value, &u, err, errlen) == -1)
			return (-1);
		if (u < (uint64_t)o->min || u > (uint64_t)o->max) {
			snprintf(err, errlen,
			    "expected a size between %lld and %lld bytes, "
			    "got \"%s\"", (long long)o->min,
			    (long long)o->max, value);
			return (-1);
		}
		*out = (int64_t)u;
		return (0);
	case CONFIG_ENUM:
		if ((idx = config_enum_index(o->choices, value)) == -1) {
			snprintf(err, errlen, "expected one of %s, got \"%s\"",
			    o->choices, value);
			return (-1);
		}
		*out = idx;
		return (0);
	}
	snprintf(err, errlen, "unknown option type");
	return (-1);
}

static const char *
config_section_name(cfg_t *cfg)
{
	if (cfg == NULL || cfg->name == NULL || strcmp(cfg->name, "root") == 0)
		return (NULL);
	return (cfg->name);
}

static int
config_validate_cb(cfg_t *cfg, cfg_opt_t *opt)
{
	const struct config_option	*o;
	const char			*section = config_section_name(cfg);
	const char			*value;
	char				 err[512];
	int64_t				 v;

	o = config_find(section, opt->name);
	if (section != NULL && strcmp(section, "http") == 0)
		config_lines_add(&config_http_lines, section, opt->name,
		    cfg->line);
	if (section != NULL && strcmp(section, "feed") == 0) {
		if (cfg->title != NULL)
			config_feed_note_line(cfg->title, opt->name,
			    cfg->line);
		/* A kind's own option is checked against that kind's
		 * definition once the feed's kind is known (kinds may
		 * share a name with different choices). */
		if (!config_feed_is_generic(opt->name))
			return (0);
	}
	if (o == NULL || cfg_opt_size(opt) == 0)
		return (0);
	value = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);
	if (value == NULL)
		return (0);
	if (config_parse_value(o, value, &v, err, sizeof(err)) == -1) {
		if (section != NULL)
			cfg_error(cfg, "%s.%s: %s", section, o->name, err);
		else
			cfg_error(cfg, "%s: %s", o->name, err);
		return (-1);
	}
	return (0);
}

/* Builds the libconfuse option arrays from config_options[]. */
static cfg_opt_t *
config_build_opts(void)
{
	static const char	*sections[] = { "database", "http", "log" };
	cfg_opt_t		*top, *sub;
	size_t			 ntop = 0, i, j, n;

	top = xcalloc(config_noptions + 7, sizeof(*top));
	for (i = 0; i < config_noptions; i++) {
		if (config_options[i].section == NULL) {
			top[ntop++] = (cfg_opt_t)CFG_STR(config_options[i].name,
			    NULL, CFGF_NODEFAULT);
		}
	}
	for (j = 0; j < sizeof(sections) / sizeof(sections[0]); j++) {
		sub = xcalloc(config_noptions + 1, sizeof(*sub));
		for (i = n = 0; i < config_noptions; i++) {
			if (config_options[i].section == NULL ||
			    strcmp(config_options[i].section, sections[j]) != 0)
				continue;
			sub[n++] = (cfg_opt_t)CFG_STR(config_options[i].name,
			    NULL, CFGF_NODEFAULT);
		}
		sub[n] = (cfg_opt_t)CFG_END();
		top[ntop++] = (cfg_opt_t)CFG_SEC(sections[j], sub, CFGF_NONE);
	}
	top[ntop++] = (cfg_opt_t)CFG_SEC("feed", config_feed_build_opts(),
	    CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES);
	top[ntop++] = (cfg_opt_t)CFG_SEC("channel",
	    config_channel_build_opts(),
	    CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES);
	top[ntop++] = (cfg_opt_t)CFG_SEC("rule", config_rule_build_opts(),
	    CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES);
	top[ntop] = (cfg_opt_t)CFG_END();
	return (top);
}

static void
config_free_opts(cfg_opt_t *top)
{
	size_t	i;

	for (i = 0; top[i].name != NULL; i++) {
		if (top[i].type == CFGT_SEC && strcmp(top[i].name, "rule") == 0)
			config_rule_free_opts(top[i].subopts);
		else if (top[i].type == CFGT_SEC)
			free(top[i].subopts);
	}
	free(top);
}

static void
config_set_validators(cfg_t *cfg)
{
	const struct config_option	*o;
	char				 path[128];
	size_t				 i;

	for (i = 0; i < config_noptions; i++) {
		o = &config_options[i];
		if (o->section != NULL)
			snprintf(path, sizeof(path), "%s|%s", o->section,
			    o->name);
		else
			snprintf(path, sizeof(path), "%s", o->name);
		cfg_set_validate_func(cfg, path, config_validate_cb);
	}
	for (i = 0; (o = config_feed_opt_at(i)) != NULL; i++) {
		snprintf(path, sizeof(path), "feed|%s", o->name);
		cfg_set_validate_func(cfg, path, config_validate_cb);
	}
	config_rule_set_validators(cfg);
	config_channel_set_validators(cfg);
}

void
config_set_field(const struct config_option *o, void *base,
    const char *value, int64_t v)
{
	char	*field = (char *)base + o->offset;

	switch (o->type) {
	case CONFIG_STRING:
	case CONFIG_LIST:
		*(char **)(void *)field = xstrdup(value);
		break;
	case CONFIG_DURATION:
	case CONFIG_SIZE:
		*(uint64_t *)(void *)field = (uint64_t)v;
		break;
	case CONFIG_INT:
		*(int64_t *)(void *)field = v;
		break;
	case CONFIG_BOOL:
	case CONFIG_ENUM:
		*(int *)(void *)field = (int)v;
		break;
	}
}

/* Stores the value of o (from the file, else its default) into c. */
static int
config_store(struct config *c, cfg_t *cfg, const struct config_option *o)
{
	cfg_t		*sec = cfg;
	const char	*value = NULL;
	char		 err[512];
	int64_t		 v;

	if (o->section != NULL)
		sec = cfg_getsec(cfg, o->section);
	if (sec != NULL && cfg_size(sec, o->name) > 0)
		value = cfg_getstr(sec, o->name);
	if (value == NULL)
		value = o->def;
	if (config_parse_value(o, value, &v, err, sizeof(err)) == -1) {
		config_add_error("%s: %s%s%s: %s", c->path,
		    o->section != NULL ? o->section : "",
		    o->section != NULL ? "." : "", o->name, err);
		return (-1);
	}
	config_set_field(o, c, value, v);
	return (0);
}

/* An error about http.NAME, with its line if it was set in the file. */
static void
config_http_error(const struct config *c, const char *name, const char *msg)
{
	int	line = config_lines_get(&config_http_lines, "http", name);

	if (line > 0)
		config_add_error("%s:%d: http.%s: %s", c->path, line, name,
		    msg);
	else
		config_add_error("%s: http.%s: %s", c->path, name, msg);
}

/* Checks http.listen and reads http.token_file. */
static int
config_http_finish(struct config *c)
{
	char		 host[64], err[512], msg[700], *cred;
	uint16_t	 port;
	int		 loopback = 1;

	if (*c->http.listen != '\0' && web_parse_listen(c->http.listen, host,
	    sizeof(host), &port, &loopback, err, sizeof(err)) == -1) {
		config_http_error(c, "listen", err);
		return (-1);
	}
	if (*c->http.token_file == '\0' &&
	    (cred = config_credential("http-token")) != NULL) {
		free(c->http.token_file);
		c->http.token_file = cred;
	}
	if (*c->http.token_file != '\0') {
		c->http.token = config_read_secret(c->http.token_file, err,
		    sizeof(err));
		if (c->http.token == NULL) {
			config_http_error(c, "token_file", err);
			return (-1);
		}
		if (strlen(c->http.token) < CONFIG_TOKEN_MIN) {
			snprintf(msg, sizeof(msg), "the token in %s is "
			    "shorter than %d characters", c->http.token_file,
			    CONFIG_TOKEN_MIN);
			config_http_error(c, "token_file", msg);
			return (-1);
		}
	}
	if (!loopback && c->http.token == NULL) {
		snprintf(msg, sizeof(msg), "%s is not a loopback address: "
		    "set http.token_file too, so that only holders of the "
		    "token can read", c->http.listen);
		config_http_error(c, "listen", msg);
		return (-1);
	}
	return (0);
}

static int
config_finish(struct config *c)
{
	const char	*state;
	char		 err[512], *path;

	if (c->database.retry_initial > c->database.retry_max) {
		config_add_error("%s: database.retry_initial is longer than "
		    "database.retry_max", c->path);
		return (-1);
	}
	if (*c->state_directory == '\0') {
		free(c->state_directory);
		state = getenv("STATE_DIRECTORY");
		/* systemd may pass several, colon-separated: use the first. */
		if (state != NULL && *state != '\0')
			c->state_directory = xstrndup(state,
			    strcspn(state, ":"));
		else
			c->state_directory = xstrdup("/var/lib/potashd");
	}

	if (*c->database.password_file != '\0') {
		c->database.password = config_read_secret(
		    c->database.password_file, err, sizeof(err));
		if (c->database.password == NULL) {
			config_add_error("%s: database.password_file: %s",
			    c->path, err);
			return (-1);
		}
		if (*c->database.password == '\0') {
			config_add_error("%s: database.password_file: %s is "
			    "empty", c->path, c->database.password_file);
			return (-1);
		}
	} else if ((path = config_credential("db-password")) != NULL) {
		c->database.password = config_read_secret(path, err,
		    sizeof(err));
		free(path);
		if (c->database.password == NULL) {
			config_add_error("%s: database password credential: "
			    "%s", c->path, err);
			return (-1);
		}
		/* The unit's SetCredential= fallback is an empty
		 * credential: no password, libpq's own sources. */
		if (*c->database.password == '\0') {
			free(c->database.password);
			c->database.password = NULL;
		}
	}
	return (config_http_finish(c));
}

/* Reads the whole file (at most CONFIG_MAX_BYTES); NULL with *errors. */
static char *
config_read_file(const char *path, char **errors)
{
	FILE	*f;
	char	*text;
	size_t	 n;

	if ((f = fopen(path, "re")) == NULL) {
		*errors = xasprintf("%s: cannot open: %s", path,
		    strerror(errno));
		return (NULL);
	}
	text = xmalloc(CONFIG_MAX_BYTES + 1);
	n = fread(text, 1, CONFIG_MAX_BYTES + 1, f);
	if (ferror(f)) {
		*errors = xasprintf("%s: cannot read: %s", path,
		    strerror(errno));
		goto fail;
	}
	if (n > CONFIG_MAX_BYTES) {
		*errors = xasprintf("%s: larger than %d bytes", path,
		    CONFIG_MAX_BYTES);
		goto fail;
	}
	if (memchr(text, '\0', n) != NULL) {
		*errors = xasprintf("%s: contains a NUL byte", path);
		goto fail;
	}
	fclose(f);
	text[n] = '\0';
	return (text);
fail:
	fclose(f);
	free(text);
	return (NULL);
}

/*
 * Blanks out comments (# and // to the end of the line, and /\* *\/),
 * keeping newlines and quoted strings.  libconfuse 3.3's lexer miscounts
 * lines after one-line comments and rejects comments inside lists; with
 * comments gone before it sees the text, line numbers stay exact.
 */
void
config_strip_comments(char *s)
{
	char	quote = 0;

	for (; *s != '\0'; s++) {
		if (quote != 0) {
			if (*s == '\\' && s[1] != '\0')
				s++;
			else if (*s == quote)
				quote = 0;
			continue;
		}
		if (*s == '"' || *s == '\'') {
			quote = *s;
		} else if (*s == '#' || (s[0] == '/' && s[1] == '/')) {
			while (*s != '\0' && *s != '\n')
				*s++ = ' ';
			if (*s == '\0')
				return;
		} else if (s[0] == '/' && s[1] == '*') {
			*s++ = ' ';
			*s = ' ';
			while (s[1] != '\0' && !(s[1] == '*' && s[2] == '/')) {
				s++;
				if (*s != '\n')
					*s = ' ';
			}
			if (s[1] == '\0')
				return;
			s[1] = s[2] = ' ';
			s += 2;
		}
	}
}

struct config *
config_load(const char *path, char **errors)
{
	struct config	*c = NULL;
	cfg_opt_t	*opts;
	cfg_t		*cfg;
	size_t		 i;
	int		 rv, failed = 0;
	char		*text;

	*errors = NULL;
	free(config_errors);
	config_errors = NULL;

	if ((text = config_read_file(path, errors)) == NULL)
		return (NULL);
	config_strip_comments(text);

	opts = config_build_opts();
	cfg = cfg_init(opts, CFGF_NONE);
	cfg_set_error_function(cfg, config_error_cb);
	config_set_validators(cfg);

	config_path = path;
	config_feed_reset_lines();
	config_rule_reset_lines();
	config_channel_reset_lines();
	config_lines_reset(&config_http_lines);
	rv = cfg_parse_buf(cfg, text);
	config_path = NULL;
	free(text);
	if (rv != CFG_SUCCESS) {
		if (config_errors == NULL)
			config_add_error("%s: cannot parse the file", path);
		goto out;
	}

	c = xcalloc(1, sizeof(*c));
	c->path = xstrdup(path);
	for (i = 0; i < config_noptions; i++) {
		if (config_store(c, cfg, &config_options[i]) == -1)
			failed = 1;
	}
	if (!failed && config_finish(c) == -1)
		failed = 1;
	if (!failed && config_feed_load(c, cfg) == -1)
		failed = 1;
	/* Channels and rules are checked even after a feed error: all
	 * errors at once.  Rules name channels, so channels come first. */
	if (config_channel_load(c, cfg) == -1)
		failed = 1;
	if (config_rule_load(c, cfg) == -1)
		failed = 1;
	if (failed) {
		config_free(c);
		c = NULL;
	}
out:
	config_feed_reset_lines();
	config_rule_reset_lines();
	config_channel_reset_lines();
	config_lines_reset(&config_http_lines);
	cfg_free(cfg);
	config_free_opts(opts);
	if (c == NULL) {
		*errors = config_errors;
		config_errors = NULL;
	}
	return (c);
}

void
config_free(struct config *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < config_noptions; i++) {
		if (config_options[i].type == CONFIG_STRING)
			free(*(char **)(void *)((char *)c +
			    config_options[i].offset));
	}
	if (c->database.password != NULL) {
		explicit_bzero(c->database.password,
		    strlen(c->database.password));
		free(c->database.password);
	}
	if (c->http.token != NULL) {
		explicit_bzero(c->http.token, strlen(c->http.token));
		free(c->http.token);
	}
	config_feed_free(c->feeds, c->nfeeds);
	config_rule_free(c->rules, c->nrules);
	config_channel_free(c->channels, c->nchannels);
	free(c->path);
	free(c);
}

const char *
config_type_name(enum config_type t)
{
	switch (t) {
	case CONFIG_LIST:	return ("list");
	case CONFIG_STRING:	return ("string");
	case CONFIG_INT:	return ("integer");
	case CONFIG_BOOL:	return ("boolean");
	case CONFIG_DURATION:	return ("duration");
	case CONFIG_SIZE:	return ("size");
	case CONFIG_ENUM:	return ("enum");
	}
	return ("?");
}

void
config_dump_options(FILE *f)
{
	size_t	i;

	for (i = 0; i < config_noptions; i++) {
		const struct config_option *o = &config_options[i];

		fprintf(f, "%s%s%s\t%s\t\"%s\"\t%s\n",
		    o->section != NULL ? o->section : "",
		    o->section != NULL ? "." : "", o->name,
		    o->type == CONFIG_ENUM ? o->choices :
		    config_type_name(o->type), o->def, o->doc);
	}
	config_feed_dump(f);
	config_channel_dump(f);
	config_rule_dump(f);
}
