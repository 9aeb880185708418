#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"

static const char usage[] =
	"usage: xinyuan backup --db PATH --to FILE\n"
	"Copies a SQLite database with the online backup API: safe while `serve` runs, and\n"
	"the copy is one consistent snapshot. FILE must not exist yet.\n";

int cmd_backup(int argc, char **argv)
{
	const char *dbarg = NULL, *to = NULL;
	const struct opt opts[] = { { "--db", true, &dbarg, NULL }, { "--to", true, &to, NULL } };
	int p = cli_parse(argc, argv, opts, 2, usage);
	if (p)
		return p > 0 ? 0 : 2;
	const char *db = cli_db(dbarg);
	if (!db)
		return 2;
	if (!to) {
		fputs("xinyuan: say where the backup goes: --to FILE\n", stderr);
		return 2;
	}
	if (access(to, F_OK) == 0) {
		fprintf(stderr, "xinyuan: %s exists; refusing to overwrite it\n", to);
		return 1;
	}
	struct store *s = cli_open(db, OPEN_AS_IS);
	if (!s)
		return 1;
	struct xy_err e = { 0 };
	struct db *conn = store_conn(s, &e);
	int rc = conn ? db_backup(conn, to, &e) : DB_FAIL;
	store_close(s);
	if (rc != DB_OK) {
		fprintf(stderr, "xinyuan: %s\n", e.message);
		return 1;
	}
	printf("backed up %s to %s\n", db, to);
	return 0;
}
