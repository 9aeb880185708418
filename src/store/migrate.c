#include "store/migrate.h"

#include <stdio.h>

#include "core/timefmt.h"
#include "store/db.h"

static enum xy_kind migrate_apply(struct db *db, const struct migration *list, int count,
				  int *applied, struct xy_err *e);

static const char *const create_table = "CREATE TABLE IF NOT EXISTS schema_migrations ("
					"version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
					"applied_at BIGINT NOT NULL)";

int migrate_version(struct db *db)
{
	if (db_exec(db, create_table) != DB_OK)
		return -1;
	struct db_stmt *st = db_stmt(db, STMT_MIGRATION_VERSION);
	if (!st || db_step(st) != DB_ROW)
		return -1;
	int v = (int)db_col_i64(st, 0);
	db_reset(st);
	return v;
}

enum xy_kind migrate_run(struct db *db, int *applied, struct xy_err *e)
{
	bool pg = db_dialect(db) == DB_PG;
	const struct migration *list = pg ? migrations_pg : migrations_sqlite;
	int count = pg ? migrations_pg_count : migrations_sqlite_count;
	int done = 0;
	if (applied)
		*applied = 0;
	if (pg && db_exec(db, "SELECT pg_advisory_lock(7316001)") != DB_OK)
		return db_fail(db, DB_FAIL, e);
	enum xy_kind k = migrate_apply(db, list, count, &done, e);
	if (pg)
		db_exec(db, "SELECT pg_advisory_unlock(7316001)");
	if (applied)
		*applied = done;
	return k;
}

static enum xy_kind migrate_apply(struct db *db, const struct migration *list, int count,
				  int *applied, struct xy_err *e)
{
	int done = 0;
	for (int i = 0; i < count; i++) {
		if (db_begin(db) != DB_OK)
			return db_fail(db, DB_RETRY, e);
		int have = migrate_version(db);
		if (have < 0) {
			db_rollback(db);
			return db_fail(db, DB_FAIL, e);
		}
		if (list[i].version <= have) {
			db_rollback(db);
			continue;
		}
		int rc = db_exec(db, list[i].sql);
		struct db_stmt *st = rc == DB_OK ? db_stmt(db, STMT_MIGRATION_RECORD) : NULL;
		if (st) {
			db_bind_i64(st, 1, list[i].version);
			db_bind_text(st, 2, list[i].name);
			db_bind_i64(st, 3, time_now());
			rc = db_run(st);
		} else {
			rc = DB_FAIL;
		}
		if (rc != DB_OK || db_commit(db) != DB_OK) {
			db_rollback(db);
			return xy_fail(e, XY_EINTERNAL, "migration_failed", NULL,
				       "migration %04d_%s failed: %s", list[i].version,
				       list[i].name, db_errmsg(db));
		}
		done++;
		*applied = done;
	}
	return XY_OK;
}
