#include <stdio.h>

#include "cli/cli.h"
#include "core/timefmt.h"

static const char usage[] =
	"usage: xinyuan demo --db PATH\n"
	"Loads the demo data (areas, categories, providers, residents, last year's\n"
	"funds, projects, venues, activities and feedback, and a needs list in every\n"
	"state) into a fresh database.\n"
	"Demo users get the password $XINYUAN_DEMO_PASSWORD (default demo12345).\n";

int cmd_demo(int argc, char **argv)
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
	if (demo_check_fresh(s)) {
		store_close(s);
		return 1;
	}
	/* the root area and the admin open the demo history */
	int64_t end = time_now();
	time_set_override(demo_start(end));
	int rc = cli_ensure_admin(s);
	time_set_override(0);
	if (rc == 0)
		rc = demo_load(s, end);
	store_close(s);
	return rc ? 1 : 0;
}
