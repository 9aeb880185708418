#include <stdio.h>

#include "cli/cli.h"

static const char usage[] = "usage: xinyuan demo --db PATH\n"
			    "Loads the demo data (areas, categories, providers, residents and a\n"
			    "needs list in every state) into a fresh database.\n";

int cmd_demo(int argc, char **argv)
{
	const char *dbarg = NULL;
	const struct opt opts[] = {{"--db", true, &dbarg, NULL}};
	int p = cli_parse(argc, argv, opts, 1, usage);
	if (p)
		return p > 0 ? 0 : 2;
	const char *db = cli_db(dbarg);
	if (!db)
		return 2;
	struct store *s = cli_open(db);
	if (!s)
		return 1;
	int rc = cli_ensure_admin(s);
	store_close(s);
	return rc ? 1 : 0;
}
