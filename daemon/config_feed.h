/* SPDX-License-Identifier: ISC */
/*
 * config_feed: the `feed "name" { }` sections of the config file, for
 * config.c only.  Owns the generic feed option table and the line numbers
 * seen while parsing, and turns each section into a struct feed after
 * checking its kind's options (see collectors/collector.h).
 */
#ifndef DAEMON_CONFIG_FEED_H
#define DAEMON_CONFIG_FEED_H

#include <stdint.h>

#include <confuse.h>

#include "collectors/collector.h"
#include "daemon/config.h"

extern const struct config_option	config_feed_options[];
extern const size_t			config_feed_noptions;

/* The i-th feed option: generic ones, then each kind's; NULL past the end. */
const struct config_option *config_feed_opt_at(size_t);
/* True if name is a generic feed option (not a kind's). */
int		 config_feed_is_generic(const char *);
/* A generic feed option or any kind's option named name, or NULL. */
const struct config_option *config_feed_find(const char *);
/* The libconfuse options of a feed section (malloc'd, CFG_END-ended). */
cfg_opt_t	*config_feed_build_opts(void);
/* Remembers where feed title's option name was set. */
void		 config_feed_note_line(const char *, const char *, int);
void		 config_feed_reset_lines(void);
/* Builds c->feeds from the parsed sections; 0 or -1 (errors added). */
int		 config_feed_load(struct config *, cfg_t *);
void		 config_feed_free(struct feed *, size_t);
/* Writes every feed option (generic, then per kind) like
 * config_dump_options. */
void		 config_feed_dump(FILE *);

/* From config.c. */
void		 config_add_error(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
int		 config_parse_value(const struct config_option *, const char *,
		    int64_t *, char *, size_t);
const char	*config_type_name(enum config_type);
/* Stores a parsed value (v) or a copy of value into base + o->offset. */
void		 config_set_field(const struct config_option *, void *,
		    const char *, int64_t);

#endif
