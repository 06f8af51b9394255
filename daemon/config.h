/* SPDX-License-Identifier: ISC */
/*
 * config: the configuration file, described once by a schema table.
 *
 * config_options[] is the single description of every option: section,
 * name, type, default, range and a one-line doc.  From it config.c builds
 * the libconfuse parser, validates every value as it is read (so each error
 * carries FILE:LINE), fills a fresh struct config and documents the options
 * (config_dump_options, used to check the man page).  A config is loaded
 * whole or not at all: callers swap it in only when config_load succeeded.
 */
#ifndef DAEMON_CONFIG_H
#define DAEMON_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CONFIG_DEFAULT_PATH	POTASHD_SYSCONFDIR "/potashd.conf"

enum config_type {
	CONFIG_STRING,
	CONFIG_INT,
	CONFIG_BOOL,
	CONFIG_DURATION,	/* "30s", "5m", "1h30m": stored in usec */
	CONFIG_SIZE,		/* "32MiB": stored in bytes */
	CONFIG_ENUM,		/* one of a '|'-separated list; stored as int */
	CONFIG_LIST,		/* a list of strings: {"a", "b"} */
};

struct config_option {
	const char		*section;	/* NULL: top level */
	const char		*name;
	enum config_type	 type;
	const char		*def;		/* default, as it would be written */
	int64_t			 min, max;	/* INT, DURATION (usec), SIZE */
	const char		*choices;	/* ENUM: "debug|info|..." */
	size_t			 offset;	/* into struct config (section
						 * "feed": struct feed) */
	const char		*doc;
};

struct config_database {
	char		*conninfo;	/* libpq conninfo or "service=..." */
	char		*password_file;
	char		*password;	/* read from the file; never logged */
	uint64_t	 connect_timeout;
	uint64_t	 retry_initial;
	uint64_t	 retry_max;
	char		*application_name;
	int64_t		 batch_size;	/* observations per transaction */
	uint64_t	 batch_delay;	/* usec */
	uint64_t	 spool_max_size;	/* bytes */
	uint64_t	 value_cache_size;	/* bytes; 0: none */
};

struct config_http {
	char		*listen;
	char		*external_url;
	char		*token_file;
	char		*token;		/* read from token_file, or NULL;
					 * never logged */
};

struct config_log {
	int		 level;		/* LOG_* */
};

struct channel;
struct feed;
struct rule;

struct config {
	char			*path;
	struct feed		*feeds;
	size_t			 nfeeds;
	struct rule		**rules;	/* alert rules, in file order */
	size_t			 nrules;
	struct channel		*channels;	/* notification channels */
	size_t			 nchannels;
	char			*state_directory;
	struct config_database	 database;
	struct config_http	 http;
	struct config_log	 log;
};

extern const struct config_option	config_options[];
extern const size_t			config_noptions;

/*
 * Loads and validates path.  On success returns a new config (the caller
 * frees it with config_free).  On failure returns NULL and sets *errors to a
 * malloc'd text of one "FILE:LINE: what is wrong" line per error (or
 * "FILE: ..." where no line applies); the caller frees it.
 */
struct config	*config_load(const char *, char **);
void		 config_free(struct config *);
/* Blanks comments in a config text in place, keeping newlines; exposed
 * for tests. */
void		 config_strip_comments(char *);
/* Writes each option as "section.name type default: doc" lines. */
void		 config_dump_options(FILE *);

#endif
