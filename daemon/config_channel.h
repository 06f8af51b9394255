/* SPDX-License-Identifier: ISC */
/*
 * config_channel: the `channel "name" { type = webhook | email; ... }`
 * sections of the config file, for config.c, and struct channel, what the
 * notifier sends through.
 *
 * Owns channel_options[] (the schema of a channel section, also what the
 * man page documents), the line numbers seen while parsing, and each
 * channel's secrets once read (webhook signing secrets, the SMTP
 * password), which are wiped when the config is freed.  Every check that
 * can be made before sending is made here, with FILE:LINE: channel
 * "NAME": in front: the URL scheme for the type, STARTTLS required unless
 * the server is on loopback and `tls = off` is explicit, addresses,
 * headers, the subject template, the secrets file.
 */
#ifndef DAEMON_CONFIG_CHANNEL_H
#define DAEMON_CONFIG_CHANNEL_H

#include <stdint.h>
#include <stdio.h>

#include <confuse.h>

#include "daemon/config.h"
#include "notify/webhook.h"

enum channel_type {
	CHANNEL_WEBHOOK,
	CHANNEL_EMAIL,
};

enum channel_tls {
	CHANNEL_TLS_ON,		/* smtps://, or STARTTLS required */
	CHANNEL_TLS_OFF,	/* plain SMTP: loopback servers only */
};

struct channel {
	char			*name;
	int			 line;		/* where the section starts */
	int			 type;		/* enum channel_type */
	char			*url;		/* may hold secrets: never logged */
	uint64_t		 timeout;	/* usec */
	uint64_t		 connect_timeout;
	char			*ca_file;	/* "" : the system's CAs */

	/* webhook */
	char			*secret_file;
	struct webhook_secrets	 secrets;
	int			 format;	/* WEBHOOK_FORMAT_* */
	char			**headers;	/* "Name: value", NULL-ended */
	size_t			 nheaders;

	/* email */
	int			 tls;		/* enum channel_tls */
	char			*username;
	char			*password_file;
	char			*password;	/* read from the file; NULL */
	char			*from;
	char			**to;		/* NULL-ended */
	size_t			 nto;
	char			*subject;

	/* grouping and delivery */
	char			**group_by;	/* NULL-ended */
	size_t			 ngroup_by;
	uint64_t		 group_wait;	/* usec */
	uint64_t		 group_interval;
	uint64_t		 repeat_interval;
	int			 send_resolved;
	int64_t			 max_attempts;
	uint64_t		 max_age;	/* usec */
	int64_t			 max_alerts;	/* 0: no limit */
	uint64_t		 retry_initial;	/* usec */
	uint64_t		 retry_max;
};

extern const struct config_option	channel_options[];
extern const size_t			channel_noptions;

/* The libconfuse options of a channel section (malloc'd, CFG_END-ended). */
cfg_opt_t	*config_channel_build_opts(void);
/* Sets the validators that note where each channel option was set. */
void		 config_channel_set_validators(cfg_t *);
void		 config_channel_reset_lines(void);
/* Builds c->channels from the parsed sections; 0 or -1 (errors added). */
int		 config_channel_load(struct config *, cfg_t *);
void		 config_channel_free(struct channel *, size_t);
/* The channel called name, or NULL. */
const struct channel *config_channel_find(const struct config *,
		    const char *);
/* Writes every channel option like config_dump_options. */
void		 config_channel_dump(FILE *);

#endif
