/* db — the one database driver interface (STYLE.md §10) and the generic calls on top of it.
 *
 * A driver is a table of functions (open, exec, prepare, bind, step, columns, backup). SQL is
 * written once with $1-style parameters; a driver rewrites them for its engine (SQLite binds
 * by ?N). Statements come from the catalogue (catalog.h, statement id -> SQL per dialect) or
 * from fixed fragments composed at run time; either way a statement is prepared once per
 * connection and cached. Errors are classed OK / NOTFOUND / CONFLICT / RETRY / FAIL.
 * A struct db is one connection and is used by one thread at a time.
 */
#ifndef XY_STORE_DB_H
#define XY_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/catalog.h"

enum db_rc {
	DB_OK = 0,
	DB_ROW,      /* step produced a row */
	DB_DONE,     /* step finished */
	DB_NOTFOUND, /* expected a row, got none */
	DB_CONFLICT, /* unique or check violation */
	DB_RETRY,    /* busy, serialisation failure, deadlock: try the transaction again */
	DB_FAIL,     /* anything else */
};

enum db_dialect { DB_SQLITE, DB_PG };

struct db_driver {
	const char *name;
	enum db_dialect dialect;
	int (*open)(const char *target, void **conn, char *err, size_t errlen);
	void (*close)(void *conn);
	int (*exec)(void *conn, const char *sql); /* parameterless, may hold several statements */
	void *(*prepare)(void *conn, const char *sql);
	void (*finalize)(void *stmt);
	int (*bind_i64)(void *stmt, int idx, int64_t v);
	int (*bind_text)(void *stmt, int idx, const char *s); /* copies s */
	int (*bind_null)(void *stmt, int idx);
	int (*step)(void *stmt);
	void (*reset)(void *stmt);
	int64_t (*col_i64)(void *stmt, int col);
	const char *(*col_text)(void *stmt, int col); /* NULL for SQL NULL; valid until next step */
	bool (*col_null)(void *stmt, int col);
	const char *(*errmsg)(void *conn);
	int (*backup)(void *conn, const char *dest, char *err, size_t errlen);
};

extern const struct db_driver db_driver_sqlite;
extern const struct db_driver db_driver_pg;

struct db;
struct db_stmt;

/* Opens a connection: a postgresql:// URL selects PostgreSQL, anything else is a SQLite file.
 * Returns NULL and fills e on failure. The caller frees with db_close. */
struct db *db_open(const char *target, struct xy_err *e);
void db_close(struct db *db);
enum db_dialect db_dialect(const struct db *db);
const char *db_errmsg(struct db *db);

/* Runs parameterless SQL (migrations, BEGIN/COMMIT). */
int db_exec(struct db *db, const char *sql);

/* The catalogue statement id, prepared once per connection, reset and ready for binding.
 * Owned by the connection. */
struct db_stmt *db_stmt(struct db *db, enum stmt_id id);
/* A statement composed at run time from fixed fragments (never from input), cached by text. */
struct db_stmt *db_stmt_sql(struct db *db, const char *sql);

int db_bind_i64(struct db_stmt *st, int idx, int64_t v);
int db_bind_text(struct db_stmt *st, int idx, const char *s); /* NULL binds SQL NULL */
int db_bind_null(struct db_stmt *st, int idx);
/* Binds v, or NULL when v == 0 (optional foreign keys). */
int db_bind_id(struct db_stmt *st, int idx, int64_t v);
int db_step(struct db_stmt *st);
void db_reset(struct db_stmt *st);
int64_t db_col_i64(struct db_stmt *st, int col);
const char *db_col_text(struct db_stmt *st, int col);
bool db_col_null(struct db_stmt *st, int col);

/* Steps a statement expected to change or return nothing more; resets it. DB_OK or an error. */
int db_run(struct db_stmt *st);

/* Transactions. db_begin starts a write transaction (BEGIN IMMEDIATE on SQLite). */
int db_begin(struct db *db);
/* db_begin_read starts a read-only snapshot (for consistent multi-statement reads). */
int db_begin_read(struct db *db);
int db_commit(struct db *db);
int db_rollback(struct db *db);
int db_savepoint(struct db *db);
int db_release(struct db *db);
int db_rollback_to(struct db *db);

/* Work that belongs to the current transaction but is done just before it commits, after
 * every savepoint is released, in the order registered: fn(db, arg) returns DB_OK or fails
 * the commit. Work registered inside a savepoint that is rolled back is dropped, and all of it
 * when the transaction rolls back. free_fn(arg) runs once the work is done or dropped. Used
 * for the FTS5 tables, which write a segment at every savepoint (store/search.c). */
int db_defer(struct db *db, int (*fn)(struct db *, void *), void (*free_fn)(void *), void *arg);

/* Online backup of the whole database into dest (SQLite only). */
int db_backup(struct db *db, const char *dest, struct xy_err *e);

/* Maps a failed db call to an error value: RETRY -> 503 busy, CONFLICT -> 409, else 500. */
enum xy_kind db_fail(struct db *db, int rc, struct xy_err *e);

#endif
