#include "store/db.h"

#include <stdio.h>
#include <string.h>

#define SQL_CACHE_MAX  64
#define SAVEPOINTS_MAX 8

struct db_stmt {
	struct db *db;
	void *impl;
};

struct sql_cached {
	char *sql;
	struct db_stmt st;
};

struct deferred {
	int (*fn)(struct db *, void *);
	void (*free_fn)(void *);
	void *arg;
};

struct db {
	const struct db_driver *drv;
	void *conn;
	struct db_stmt catalog[STMT_COUNT];
	struct sql_cached cache[SQL_CACHE_MAX];
	int ncache;
	struct deferred *defer; /* db_defer: work for the commit */
	size_t ndefer, capdefer;
	size_t marks[SAVEPOINTS_MAX]; /* ndefer when each open savepoint began */
	int nmarks;
};

/* Drops the deferred work from index from on. */
static void defer_drop(struct db *db, size_t from)
{
	for (size_t i = from; i < db->ndefer; i++)
		if (db->defer[i].free_fn)
			db->defer[i].free_fn(db->defer[i].arg);
	if (from < db->ndefer)
		db->ndefer = from;
}

static bool is_pg_url(const char *t)
{
	return strncmp(t, "postgresql://", 13) == 0 || strncmp(t, "postgres://", 11) == 0;
}

struct db *db_open(const char *target, struct xy_err *e)
{
	const struct db_driver *drv = is_pg_url(target) ? &db_driver_pg : &db_driver_sqlite;
	char err[256] = "";
	void *conn = NULL;
	if (drv->open(target, &conn, err, sizeof err) != DB_OK) {
		xy_fail(e, XY_EUNAVAIL, "db_open_failed", "db", "cannot open database %s: %s",
			target, err);
		return NULL;
	}
	struct db *db = xy_calloc(1, sizeof *db);
	db->drv = drv;
	db->conn = conn;
	return db;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	for (int i = 0; i < STMT_COUNT; i++)
		if (db->catalog[i].impl)
			db->drv->finalize(db->catalog[i].impl);
	for (int i = 0; i < db->ncache; i++) {
		db->drv->finalize(db->cache[i].st.impl);
		free(db->cache[i].sql);
	}
	defer_drop(db, 0);
	free(db->defer);
	db->drv->close(db->conn);
	free(db);
}

enum db_dialect db_dialect(const struct db *db)
{
	return db->drv->dialect;
}

const char *db_errmsg(struct db *db)
{
	return db->drv->errmsg(db->conn);
}

int db_exec(struct db *db, const char *sql)
{
	return db->drv->exec(db->conn, sql);
}

static struct db_stmt *ready(struct db_stmt *st)
{
	st->db->drv->reset(st->impl);
	return st;
}

struct db_stmt *db_stmt(struct db *db, enum stmt_id id)
{
	XY_ASSERT((unsigned)id < STMT_COUNT);
	struct db_stmt *st = &db->catalog[id];
	if (!st->impl) {
		const char *sql = catalog_sql(id, db->drv->dialect);
		st->impl = db->drv->prepare(db->conn, sql);
		if (!st->impl) {
			fprintf(stderr, "xinyuan: cannot prepare statement %d: %s\n", (int)id,
				db_errmsg(db));
			return NULL;
		}
		st->db = db;
	}
	return ready(st);
}

struct db_stmt *db_stmt_sql(struct db *db, const char *sql)
{
	for (int i = 0; i < db->ncache; i++)
		if (strcmp(db->cache[i].sql, sql) == 0)
			return ready(&db->cache[i].st);
	void *impl = db->drv->prepare(db->conn, sql);
	if (!impl) {
		fprintf(stderr, "xinyuan: cannot prepare statement: %s\n", db_errmsg(db));
		return NULL;
	}
	if (db->ncache == SQL_CACHE_MAX) { /* evict the oldest */
		db->drv->finalize(db->cache[0].st.impl);
		free(db->cache[0].sql);
		memmove(&db->cache[0], &db->cache[1], sizeof db->cache[0] * (SQL_CACHE_MAX - 1));
		db->ncache--;
	}
	struct sql_cached *c = &db->cache[db->ncache++];
	c->sql = xy_strdup(sql);
	c->st.db = db;
	c->st.impl = impl;
	return &c->st;
}

int db_bind_i64(struct db_stmt *st, int idx, int64_t v)
{
	return st->db->drv->bind_i64(st->impl, idx, v);
}

int db_bind_text(struct db_stmt *st, int idx, const char *s)
{
	if (!s)
		return st->db->drv->bind_null(st->impl, idx);
	return st->db->drv->bind_text(st->impl, idx, s);
}

int db_bind_null(struct db_stmt *st, int idx)
{
	return st->db->drv->bind_null(st->impl, idx);
}

int db_bind_id(struct db_stmt *st, int idx, int64_t v)
{
	return v ? db_bind_i64(st, idx, v) : db_bind_null(st, idx);
}

int db_step(struct db_stmt *st)
{
	return st->db->drv->step(st->impl);
}

void db_reset(struct db_stmt *st)
{
	st->db->drv->reset(st->impl);
}

int64_t db_col_i64(struct db_stmt *st, int col)
{
	return st->db->drv->col_i64(st->impl, col);
}

const char *db_col_text(struct db_stmt *st, int col)
{
	return st->db->drv->col_text(st->impl, col);
}

bool db_col_null(struct db_stmt *st, int col)
{
	return st->db->drv->col_null(st->impl, col);
}

int db_run(struct db_stmt *st)
{
	int rc = db_step(st);
	db_reset(st);
	return (rc == DB_DONE || rc == DB_ROW) ? DB_OK : rc;
}

int db_begin(struct db *db)
{
	return db_exec(db, db->drv->dialect == DB_SQLITE ? "BEGIN IMMEDIATE" : "BEGIN");
}

int db_begin_read(struct db *db)
{
	return db_exec(db, db->drv->dialect == DB_SQLITE
				   ? "BEGIN"
				   : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

int db_defer(struct db *db, int (*fn)(struct db *, void *), void (*free_fn)(void *), void *arg)
{
	if (db->ndefer == db->capdefer) {
		db->capdefer = db->capdefer ? 2 * db->capdefer : 64;
		db->defer = xy_realloc(db->defer, db->capdefer * sizeof *db->defer);
	}
	db->defer[db->ndefer++] = (struct deferred){ fn, free_fn, arg };
	return DB_OK;
}

int db_commit(struct db *db)
{
	/* the deferred work runs once: a commit retried after BUSY does not repeat it */
	for (size_t i = 0; i < db->ndefer; i++) {
		int rc = db->defer[i].fn(db, db->defer[i].arg);
		if (rc != DB_OK) { /* never retried as a commit: that would commit without it */
			defer_drop(db, 0);
			return rc == DB_RETRY ? DB_FAIL : rc;
		}
	}
	defer_drop(db, 0);
	db->nmarks = 0;
	return db_exec(db, "COMMIT");
}

int db_rollback(struct db *db)
{
	defer_drop(db, 0);
	db->nmarks = 0;
	return db_exec(db, "ROLLBACK");
}

int db_savepoint(struct db *db)
{
	int rc = db_exec(db, "SAVEPOINT xy_sp");
	if (rc == DB_OK) {
		XY_ASSERT(db->nmarks < SAVEPOINTS_MAX);
		db->marks[db->nmarks++] = db->ndefer;
	}
	return rc;
}

int db_release(struct db *db)
{
	int rc = db_exec(db, "RELEASE SAVEPOINT xy_sp");
	if (rc == DB_OK && db->nmarks > 0)
		db->nmarks--;
	return rc;
}

int db_rollback_to(struct db *db)
{
	int rc = db_exec(db, "ROLLBACK TO SAVEPOINT xy_sp");
	if (rc == DB_OK) {
		if (db->nmarks > 0)
			defer_drop(db, db->marks[db->nmarks - 1]);
		rc = db_release(db);
	}
	return rc;
}

int db_backup(struct db *db, const char *dest, struct xy_err *e)
{
	char err[256] = "";
	if (!db->drv->backup) {
		xy_fail(e, XY_EINVALID, "backup_unsupported", NULL,
			"online backup is for SQLite; back PostgreSQL up with pg_dump");
		return DB_FAIL;
	}
	int rc = db->drv->backup(db->conn, dest, err, sizeof err);
	if (rc != DB_OK)
		xy_fail(e, XY_EINTERNAL, "backup_failed", NULL, "backup failed: %s", err);
	return rc;
}

enum xy_kind db_fail(struct db *db, int rc, struct xy_err *e)
{
	if (rc == DB_RETRY)
		return xy_fail(e, XY_EUNAVAIL, "db_busy", NULL,
			       "the database is busy; try again in a moment");
	if (rc == DB_CONFLICT)
		return xy_fail(e, XY_ECONFLICT, "conflict", NULL,
			       "conflicts with an existing record");
	if (rc == DB_NOTFOUND)
		return xy_fail(e, XY_ENOTFOUND, "not_found", NULL, "not found");
	fprintf(stderr, "xinyuan: database error: %s\n", db ? db_errmsg(db) : "?");
	return xy_fail(e, XY_EINTERNAL, "db_error", NULL, "internal database error");
}
