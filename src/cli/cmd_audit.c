#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/audit_log.h"

static const char usage[] =
	"usage: xinyuan audit verify --db PATH [--json]\n"
	"Walks the hash-chained audit trail. Exit 0 when every event verifies; exit 1 and\n"
	"name the first bad event when a row was altered, removed or reordered.\n";

int cmd_audit(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "verify") != 0) {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			fputs(usage, stdout);
			return 0;
		}
		fputs(usage, stderr);
		return 2;
	}
	const char *dbarg = NULL;
	bool json = false;
	const struct opt opts[] = { { "--db", true, &dbarg, NULL },
				    { "--json", false, NULL, &json } };
	int p = cli_parse(argc - 1, argv + 1, opts, 2, usage);
	if (p)
		return p > 0 ? 0 : 2;
	const char *db = cli_db(dbarg);
	if (!db)
		return 2;
	struct store *s = cli_open(db, OPEN_AS_IS);
	if (!s)
		return 1;
	struct audit_report r;
	struct xy_err e = { 0 };
	enum xy_kind k = audit_log_verify(s, &r, &e);
	store_close(s);
	if (k) {
		fprintf(stderr, "xinyuan: %s\n", e.message);
		return 1;
	}
	if (json) {
		printf("{\"ok\":%s,\"count\":%lld,\"head\":\"%s\"", r.ok ? "true" : "false",
		       (long long)r.count, r.head);
		if (!r.ok)
			printf(",\"first_bad\":{\"id\":%lld,\"problem\":\"%s\"}",
			       (long long)r.bad_id, r.problem);
		puts("}");
	} else if (r.ok) {
		printf("audit chain ok: %lld events, head %s\n", (long long)r.count, r.head);
	} else {
		printf("audit chain BROKEN at event %lld: %s (%lld events read)\n",
		       (long long)r.bad_id, r.problem, (long long)r.count);
	}
	return r.ok ? 0 : 1;
}
