/* xinyuan — the community service projectization platform (社区服务项目化平台). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/secret.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
} commands[] = {
	{ "serve", cmd_serve, "serve the HTTP API (and the web UI when built)" },
	{ "init", cmd_init, "create or migrate a database and its first admin" },
	{ "demo", cmd_demo, "load the demo data into a fresh database" },
	{ "audit", cmd_audit, "verify the audit chain (audit verify)" },
	{ "backup", cmd_backup, "copy a live SQLite database safely (online backup)" },
	{ "routes", cmd_routes, "list the HTTP routes the server registers" },
	{ "migrate-store", cmd_migrate_store, "copy a SQLite installation into PostgreSQL" },
	{ "match", cmd_match, "match needs to providers: the optimal assignment" },
	{ "report", cmd_report, "the annual report of an area, computed from its records" },
	{ "pb", cmd_pb, "participatory budgeting: run rules on .pb files, import, export" },
	{ "allocate", cmd_allocate, "split a fund between courtyards by need" },
};

static void usage(FILE *f)
{
	fputs("usage: xinyuan COMMAND [OPTIONS]   (xinyuan COMMAND --help for details)\n\n"
	      "commands:\n",
	      f);
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
	fputs("\nA database (--db, or $XINYUAN_DB) is a SQLite file path or a\n"
	      "postgresql://user@host/dbname URL.\n",
	      f);
}

int main(int argc, char **argv)
{
	if (secret_init() != 0) {
		fputs("xinyuan: cannot initialise libsodium\n", stderr);
		return 1;
	}
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		puts("xinyuan 0.1.0");
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "xinyuan: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
