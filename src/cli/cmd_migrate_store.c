#include <stdio.h>

#include "cli/cli.h"
#include "store/audit_log.h"
#include "store/transfer.h"

static const char usage[] =
	"usage: xinyuan migrate-store --from FILE.db --to postgresql://user@host/dbname\n"
	"Copies a SQLite installation into an empty PostgreSQL database: every record with its\n"
	"id, the sessions and the audit chain, in one transaction (all or nothing), then checks\n"
	"that the chain verifies on the target. Stop `serve` on the source first.\n";

int cmd_migrate_store(int argc, char **argv)
{
	const char *from = NULL, *to = NULL;
	const struct opt opts[] = { { "--from", true, &from, NULL }, { "--to", true, &to, NULL } };
	int p = cli_parse(argc, argv, opts, 2, usage);
	if (p)
		return p > 0 ? 0 : 2;
	if (!from || !to) {
		fprintf(stderr, "xinyuan: migrate-store needs --from and --to\n%s", usage);
		return 2;
	}
	struct store *src = cli_open(from, OPEN_AS_IS);
	if (!src)
		return 1;
	struct store *dst = cli_open(to, OPEN_CREATE);
	if (!dst) {
		store_close(src);
		return 1;
	}
	struct transfer_report rep;
	struct xy_err e = { 0 };
	enum xy_kind k = transfer_copy(src, dst, &rep, &e);
	struct audit_report ar = { 0 };
	if (!k)
		k = audit_log_verify(dst, &ar, &e);
	store_close(src);
	store_close(dst);
	if (k) {
		fprintf(stderr, "xinyuan: %s\n", e.message);
		return 1;
	}
	for (int i = 0; i < transfer_tables_count; i++)
		printf("%-16s %lld\n", transfer_tables[i].name, (long long)rep.rows[i]);
	char shown[512];
	cli_redact(to, shown, sizeof shown);
	printf("copied %lld rows to %s; audit chain %s: %lld events, head %s\n",
	       (long long)rep.total, shown, ar.ok ? "ok" : "BROKEN", (long long)ar.count, ar.head);
	return ar.ok ? 0 : 1;
}
