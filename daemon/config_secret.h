/* SPDX-License-Identifier: ISC */
/*
 * config_secret: where the configuration's secrets come from, files and
 * systemd credentials, for every section that has one (the database
 * password, feeds' API keys, channels' passwords and signing secrets,
 * the HTTP token).
 *
 * Owns nothing: each function hands its result to the caller.  Secrets
 * are never logged; messages name the file, never its content.
 */
#ifndef DAEMON_CONFIG_SECRET_H
#define DAEMON_CONFIG_SECRET_H

#include <stddef.h>

/*
 * Reads a secret from a file: the first line, without its newline; ""
 * for an empty file.  NULL with a message in err if it cannot be read.
 */
char	*config_read_secret(const char *, char *, size_t);

/*
 * "$CREDENTIALS_DIRECTORY/NAME" (NAME from the format) if the variable
 * is set and that file exists, else NULL; freed by the caller.
 */
char	*config_credential(const char *, ...)
	    __attribute__((format(printf, 1, 2)));

#endif
