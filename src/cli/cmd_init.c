#include <stdio.h>

#include "cli/cli.h"

static const char usage[] =
	"usage: xinyuan init --db PATH\n"
	"Creates the database (or applies pending migrations) and, when missing, the root\n"
	"area and the first admin, user 'admin'. The admin password comes from\n"
	"XINYUAN_ADMIN_PASSWORD, or is generated and printed once.\n";

int cmd_init(int argc, char **argv)
{
	const char *dbarg = NULL;
	const struct opt opts[] = { { "--db", true, &dbarg, NULL } };
	int p = cli_parse(argc, argv, opts, 1, usage);
	if (p)
		return p > 0 ? 0 : 2;
	const char *db = cli_db(dbarg);
	if (!db)
		return 2;
	struct store *s = cli_open(db, OPEN_CREATE);
	if (!s)
		return 1;
	int rc = cli_ensure_admin(s);
	store_close(s);
	return rc ? 1 : 0;
}
