/* migrate — numbered schema migrations per dialect, recorded in schema_migrations. */
#ifndef XY_STORE_MIGRATE_H
#define XY_STORE_MIGRATE_H

#include "core/err.h"

struct migration {
	int version;
	const char *name;
	const char *sql;
};

/* Generated from src/store/migrations/{sqlite,pg}/NNNN_*.sql by scripts/embed-migrations.sh. */
extern const struct migration migrations_sqlite[];
extern const int migrations_sqlite_count;
extern const struct migration migrations_pg[];
extern const int migrations_pg_count;

struct db;

/* Applies every migration newer than the database's version, each in its own transaction.
 * On PostgreSQL an advisory lock makes concurrent instances migrate one at a time.
 * *applied (may be NULL) receives how many ran. */
enum xy_kind migrate_run(struct db *db, int *applied, struct xy_err *e);

/* The newest applied version, 0 for an empty database, -1 on error. */
int migrate_version(struct db *db);

#endif
