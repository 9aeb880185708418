/* sqlite — the SQLite driver: WAL, foreign keys, busy timeout, synchronous=FULL (a committed
 * transaction survives a power cut), $N parameters rewritten to ?N. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "store/db.h"

static int classify(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
		return DB_OK;
	case SQLITE_ROW:
		return DB_ROW;
	case SQLITE_DONE:
		return DB_DONE;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return DB_RETRY;
	case SQLITE_CONSTRAINT:
		return DB_CONFLICT;
	default:
		return DB_FAIL;
	}
}

static int sq_open(const char *target, void **out, char *err, size_t errlen)
{
	sqlite3 *h = NULL;
	int rc = sqlite3_open_v2(
		target, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s", h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		sqlite3_close(h);
		return DB_FAIL;
	}
	sqlite3_busy_timeout(h, 5000);
	sqlite3_extended_result_codes(h, 1);
	const char *pragmas = "PRAGMA journal_mode=WAL;"
			      "PRAGMA synchronous=FULL;"
			      "PRAGMA foreign_keys=ON;"
			      "PRAGMA temp_store=MEMORY;"
			      "PRAGMA cache_size=-2000;";
	char *msg = NULL;
	if (sqlite3_exec(h, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "%s", msg ? msg : "pragma failed");
		sqlite3_free(msg);
		sqlite3_close(h);
		return DB_FAIL;
	}
	*out = h;
	return DB_OK;
}

static void sq_close(void *conn)
{
	sqlite3_close(conn);
}

static int sq_exec(void *conn, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(conn, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK && msg)
		fprintf(stderr, "xinyuan: sqlite: %s\n", msg);
	sqlite3_free(msg);
	return classify(rc);
}

/* "$12" -> "?12" outside quotes. */
static char *rewrite(const char *sql)
{
	size_t n = strlen(sql);
	char *out = sqlite3_malloc64(n + 1);
	if (!out)
		return NULL;
	char quote = 0;
	for (size_t i = 0; i <= n; i++) {
		char c = sql[i];
		if (quote) {
			if (c == quote)
				quote = 0;
		} else if (c == '\'' || c == '"') {
			quote = c;
		} else if (c == '$' && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
			c = '?';
		}
		out[i] = c;
	}
	return out;
}

static void *sq_prepare(void *conn, const char *sql)
{
	sqlite3_stmt *st = NULL;
	char *s = rewrite(sql);
	if (!s)
		return NULL;
	int rc = sqlite3_prepare_v3(conn, s, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	sqlite3_free(s);
	return rc == SQLITE_OK ? st : NULL;
}

static void sq_finalize(void *st)
{
	sqlite3_finalize(st);
}

static int sq_bind_i64(void *st, int idx, int64_t v)
{
	return classify(sqlite3_bind_int64(st, idx, v));
}

static int sq_bind_text(void *st, int idx, const char *s)
{
	return classify(sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT));
}

static int sq_bind_null(void *st, int idx)
{
	return classify(sqlite3_bind_null(st, idx));
}

static int sq_step(void *st)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE && classify(rc) == DB_FAIL)
		fprintf(stderr, "xinyuan: sqlite: %s\n", sqlite3_errmsg(sqlite3_db_handle(st)));
	return classify(rc);
}

static void sq_reset(void *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static int64_t sq_col_i64(void *st, int col)
{
	return sqlite3_column_int64(st, col);
}

static const char *sq_col_text(void *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

static bool sq_col_null(void *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL;
}

static const char *sq_errmsg(void *conn)
{
	return sqlite3_errmsg(conn);
}

/* Online backup with the SQLite backup API: pages are copied in steps, so writers are only
 * briefly held up, and the copy is a consistent snapshot. */
static int sq_backup(void *conn, const char *dest, char *err, size_t errlen)
{
	sqlite3 *to = NULL;
	int rc = sqlite3_open_v2(dest, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s", to ? sqlite3_errmsg(to) : sqlite3_errstr(rc));
		sqlite3_close(to);
		return DB_FAIL;
	}
	sqlite3_backup *b = sqlite3_backup_init(to, "main", conn, "main");
	if (!b) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(to));
		sqlite3_close(to);
		return DB_FAIL;
	}
	do {
		rc = sqlite3_backup_step(b, 256);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(to));
		sqlite3_close(to);
		return DB_FAIL;
	}
	rc = sqlite3_exec(to, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	sqlite3_close(to);
	return rc == SQLITE_OK ? DB_OK : DB_FAIL;
}

const struct db_driver db_driver_sqlite = {
	.name = "sqlite",
	.dialect = DB_SQLITE,
	.open = sq_open,
	.close = sq_close,
	.exec = sq_exec,
	.prepare = sq_prepare,
	.finalize = sq_finalize,
	.bind_i64 = sq_bind_i64,
	.bind_text = sq_bind_text,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.reset = sq_reset,
	.col_i64 = sq_col_i64,
	.col_text = sq_col_text,
	.col_null = sq_col_null,
	.errmsg = sq_errmsg,
	.backup = sq_backup,
};
