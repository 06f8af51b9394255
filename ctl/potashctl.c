/* SPDX-License-Identifier: ISC */
/*
 * potashctl: the operator's tool beside the daemon.  It reads the same
 * config file (-c) and talks to the same database.  Commands: the
 * data path (check-config, migrate, import, fetch, parse) and the alert
 * side (alerts, rules, silence, backtest); each lives in its own file
 * and is dispatched from here.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "potashd-config.h"
#include "ctl/ctl.h"
#include "daemon/config.h"
#include "daemon/daemon.h"
#include "daemon/log.h"
#include "store/migrate.h"
#include "store/pg.h"

static void __attribute__((noreturn))
usage(int code)
{
	fprintf(code == 0 ? stdout : stderr,
	    "usage: potashctl [-c FILE] [-v] COMMAND [ARGS]\n"
	    "commands:\n"
	    "  check-config   validate the configuration file\n"
	    "  migrate        apply pending schema migrations\n"
	    "  import FILE    load observations from JSON lines\n"
	    "  fetch FEED [--dry-run]\n"
	    "                 run one configured feed now\n"
	    "  parse KIND FILE [-o name=value]...\n"
	    "                 run a collector on a file, print JSON lines\n"
	    "  alerts [--state inactive|pending|firing|resolved] [--json]\n"
	    "                 show alerts (default: all but inactive ones)\n"
	    "  rules [--json] show the rules the daemon loaded, with alert "
	    "counts\n"
	    "  silence add [--rule NAME] [--series GLOB] "
	    "[--label NAME=VALUE]...\n"
	    "              (--for DURATION | --until TIME) --reason TEXT "
	    "[--author NAME]\n"
	    "  silence list [--all] [--json]\n"
	    "  silence expire ID\n"
	    "                 silence alerts, list silences, end one now\n"
	    "  backtest [--rule NAME]... --from TIME --to TIME [--json]\n"
	    "                 replay the configured rules over the stored "
	    "history\n"
	    "  notifications [--status STATUS] [--channel NAME] [--limit N] "
	    "[--json]\n"
	    "                 show the notification outbox, newest first\n"
	    "  test-notify CHANNEL [--wait DURATION]\n"
	    "                 queue a marked test notification, wait for "
	    "potashd to deliver it\n"
	    "  redeliver ID   send a sent, dead or cancelled notification "
	    "again\n"
	    "options:\n"
	    "  -c FILE        configuration file (default %s)\n"
	    "  -v             more verbose\n"
	    "  --version, --help\n", CONFIG_DEFAULT_PATH);
	exit(code);
}

static int
ctl_migrate(struct config *config)
{
	struct pg_params	params;
	char			err[1024];
	int			n;

	daemon_pg_params(config, &params);
	n = migrate_run(&params, migration_files, migration_nfiles, err,
	    sizeof(err));
	if (n == -1) {
		fprintf(stderr, "potashctl: migrate: %s\n", err);
		return (1);
	}
	printf("schema current: %d migration%s applied, %zu known\n", n,
	    n == 1 ? "" : "s", migration_nfiles);
	return (0);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "version",	no_argument,	NULL,	'V' },
		{ "help",	no_argument,	NULL,	'h' },
		{ NULL,		0,		NULL,	0 },
	};
	const char	*path = CONFIG_DEFAULT_PATH, *cmd;
	struct config	*config;
	char		*errors;
	int		 ch, verbosity = 0, code;

	while ((ch = getopt_long(argc, argv, "+c:vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'v':
			verbosity++;
			break;
		case 'V':
			printf("potashctl %s\n", POTASHD_VERSION);
			return (0);
		case 'h':
			usage(0);
		default:
			usage(1);
		}
	}
	if (optind >= argc)
		usage(1);
	cmd = argv[optind];

	log_init(1, LOG_WARNING);
	/* parse needs no config: it only runs a collector on a file. */
	if (strcmp(cmd, "parse") == 0)
		return (ctl_parse(argc - optind, argv + optind));
	if ((config = config_load(path, &errors)) == NULL) {
		fprintf(stderr, "%s\n", errors);
		free(errors);
		return (1);
	}
	log_set_level(verbosity > 0 ? LOG_INFO + verbosity - 1 : LOG_WARNING);

	if (strcmp(cmd, "check-config") == 0) {
		printf("%s: configuration OK\n", path);
		code = 0;
	} else if (strcmp(cmd, "migrate") == 0)
		code = ctl_migrate(config);
	else if (strcmp(cmd, "fetch") == 0)
		code = ctl_fetch(config, argc - optind, argv + optind);
	else if (strcmp(cmd, "import") == 0)
		code = ctl_import(config, argc - optind, argv + optind);
	else if (strcmp(cmd, "alerts") == 0)
		code = ctl_alerts(config, argc - optind, argv + optind);
	else if (strcmp(cmd, "rules") == 0)
		code = ctl_rules(config, argc - optind, argv + optind);
	else if (strcmp(cmd, "silence") == 0)
		code = ctl_silence(config, argc - optind, argv + optind);
	else if (strcmp(cmd, "backtest") == 0)
		code = ctl_backtest(config, argc - optind, argv + optind);
	else if (strcmp(cmd, "notifications") == 0)
		code = ctl_notifications(config, argc - optind, argv + optind);
	else if (strcmp(cmd, "test-notify") == 0)
		code = ctl_test_notify(config, argc - optind, argv + optind);
	else if (strcmp(cmd, "redeliver") == 0)
		code = ctl_redeliver(config, argc - optind, argv + optind);
	else {
		fprintf(stderr, "potashctl: unknown command \"%s\"\n", cmd);
		code = 1;
	}
	config_free(config);
	return (code);
}
