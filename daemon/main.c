/* SPDX-License-Identifier: ISC */
/*
 * main: potashd's command line.  Parses options, loads the config (or only
 * checks it with -n), sets up logging and hands over to daemon_run.  The
 * only file outside the core library.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "potashd-config.h"
#include "daemon/config.h"
#include "daemon/daemon.h"
#include "daemon/log.h"
#include "store/pg.h"

static void __attribute__((noreturn))
usage(int code)
{
	fprintf(code == 0 ? stdout : stderr,
	    "usage: potashd [-c FILE] [-n [--check-db]] [-d] [-v]... "
	    "[--version] [--help]\n"
	    "  -c FILE       configuration file (default %s)\n"
	    "  -n            check the configuration and exit 0 or 1\n"
	    "  --check-db    with -n, also connect to the database\n"
	    "  -d            log to the terminal without journald prefixes\n"
	    "  -v            more verbose (repeat for more)\n"
	    "  --dump-options  list every config option (name, type, "
	    "default, doc)\n"
	    "  --version     print the version and exit\n"
	    "  --help        print this help and exit\n",
	    CONFIG_DEFAULT_PATH);
	exit(code);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "check-db",	no_argument,	NULL,	'D' },
		{ "dump-options", no_argument,	NULL,	'O' },
		{ "version",	no_argument,	NULL,	'V' },
		{ "help",	no_argument,	NULL,	'h' },
		{ NULL,		0,		NULL,	0 },
	};
	const char	*path = CONFIG_DEFAULT_PATH;
	struct config	*config;
	struct daemon	*d;
	struct pg_params params;
	char		*errors, err[512];
	int		 ch, check = 0, check_db = 0, foreground = 0;
	int		 verbosity = 0, code;

	while ((ch = getopt_long(argc, argv, "c:ndvh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case 'D':
			check_db = 1;
			break;
		case 'd':
			foreground = 1;
			break;
		case 'v':
			verbosity++;
			break;
		case 'V':
			printf("potashd %s\n", POTASHD_VERSION);
			return (0);
		case 'O':
			/* Every option, from the schema tables: the man page
			 * potashd.conf(5) is generated from this. */
			config_dump_options(stdout);
			return (0);
		case 'h':
			usage(0);
		default:
			usage(1);
		}
	}
	if (optind != argc)
		usage(1);
	if (check_db && !check) {
		fprintf(stderr, "potashd: --check-db needs -n\n");
		return (1);
	}

	log_init(foreground, LOG_INFO);
	if ((config = config_load(path, &errors)) == NULL) {
		/* Errors go to stderr as they are: FILE:LINE: message. */
		fprintf(stderr, "%s\n", errors);
		free(errors);
		return (1);
	}
	log_set_level(daemon_log_level(config, verbosity));

	if (check) {
		code = 0;
		if (check_db) {
			daemon_pg_params(config, &params);
			if (pg_check(&params, err, sizeof(err)) == -1) {
				fprintf(stderr, "%s: database: %s\n", path, err);
				code = 1;
			}
		}
		if (code == 0)
			printf("%s: configuration OK%s\n", path,
			    check_db ? ", database reachable" : "");
		config_free(config);
		return (code);
	}

	d = daemon_new(config, verbosity);
	code = daemon_run(d);
	daemon_free(d);
	return (code);
}
