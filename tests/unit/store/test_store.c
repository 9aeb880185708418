/* Tests for src/store: opening and migrating, store_tx commit and rollback, the group-commit
 * writer under concurrency, audit-chain tamper detection, and the needs ring as stored.
 *
 * Every test runs once per backend. The SQLite pass works on a temporary file per test and
 * tampers through sqlite3 directly. When XINYUAN_TEST_PG holds a base URL
 * (postgresql://user@host:port/), a second pass runs the same tests on PostgreSQL: each test
 * gets a database of its own (CREATE DATABASE through libpq, dropped after) and tampers through
 * libpq. Group and test names carry the backend ("store/pg", "test_tx_commit [pg]"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <sqlite3.h>

#include "core/audit.h"
#include "core/secret.h"
#include "store/areas.h"
#include "store/audit_log.h"
#include "store/identity.h"
#include "store/migrate.h"
#include "store/needs.h"
#include "store/providers.h"
#include "store/store.h"

struct fx {
	bool pg;         /* PostgreSQL pass */
	char dir[64];    /* SQLite: the temporary directory */
	char pgname[64]; /* PostgreSQL: the database made for this fixture */
	char path[320];  /* what store_open takes: the SQLite file or the PostgreSQL URL */
	struct store *s;
	int applied; /* migrations applied when the fixture was made */
};

/* The pass: NULL for SQLite, else the PostgreSQL base URL ending in '/'. */
static const char *pg_base;
static char pg_base_buf[256];
static unsigned pg_dbs; /* databases made so far, for unique names */

/* ---- PostgreSQL through libpq, beside the store --------------------------------------- */

static void pg_quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* A connection to url, or NULL (the reason printed). */
static PGconn *pg_connect(const char *url)
{
	PGconn *c = PQconnectdb(url);
	if (!c || PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "postgresql %s: %s", url,
			c ? PQerrorMessage(c) : "out of memory\n");
		PQfinish(c);
		return NULL;
	}
	PQsetNoticeProcessor(c, pg_quiet, NULL);
	return c;
}

/* Runs sql on the cluster's maintenance database (CREATE/DROP DATABASE). */
static bool pg_admin(const char *sql)
{
	char url[320];
	snprintf(url, sizeof url, "%spostgres", pg_base);
	PGconn *c = pg_connect(url);
	if (!c)
		return false;
	PGresult *r = PQexec(c, sql);
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "postgresql: %s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(c);
	return ok;
}

/* The libpq connection beside the store's (PostgreSQL pass): one per fixture, in autocommit,
 * so every query sees what the store committed before it. Closed by fx_free. */
static PGconn *raw_conn;
static const struct fx *raw_owner;

static void raw_pg_close(void)
{
	PQfinish(raw_conn);
	raw_conn = NULL;
	raw_owner = NULL;
}

/* ---- fixture -------------------------------------------------------------------------- */

static void fx_drop(struct fx *f)
{
	if (f->pg) {
		char sql[128];
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", f->pgname);
		pg_admin(sql);
		return;
	}
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
		char p[400];
		snprintf(p, sizeof p, "%s%s", f->path, suffix[i]);
		unlink(p);
	}
	rmdir(f->dir);
}

/* A migrated database of the current pass: a SQLite file in a new temporary directory, or a
 * new PostgreSQL database. */
static struct fx *fx_new(void)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	if (pg_base) {
		f->pg = true;
		snprintf(f->pgname, sizeof f->pgname, "xy_u_%ld_%u", (long)getpid(), ++pg_dbs);
		char sql[128];
		snprintf(sql, sizeof sql, "CREATE DATABASE %s", f->pgname);
		if (!pg_admin(sql)) {
			free(f);
			return NULL;
		}
		snprintf(f->path, sizeof f->path, "%s%s", pg_base, f->pgname);
	} else {
		snprintf(f->dir, sizeof f->dir, "/tmp/xy-unit-store-XXXXXX");
		if (!mkdtemp(f->dir)) {
			free(f);
			return NULL;
		}
		snprintf(f->path, sizeof f->path, "%s/test.db", f->dir);
	}
	struct xy_err e = { 0 };
	f->s = store_open(f->path, &e);
	if (!f->s || store_migrate(f->s, &f->applied, &e) != XY_OK) {
		fprintf(stderr, "fixture: %s\n", e.message);
		store_close(f->s);
		fx_drop(f);
		free(f);
		return NULL;
	}
	return f;
}

static void fx_free(struct fx *f)
{
	if (!f)
		return;
	if (raw_owner == f)
		raw_pg_close();
	store_close(f->s);
	fx_drop(f);
	free(f);
}

static int setup(void **state)
{
	*state = fx_new();
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	fx_free(*state);
	return 0;
}

/* ---- the database directly, beside the store ------------------------------------------ */

/* The raw connection for f, opened on first use. */
static PGconn *raw_pg(const struct fx *f)
{
	if (raw_owner == f && raw_conn && PQstatus(raw_conn) == CONNECTION_OK)
		return raw_conn;
	raw_pg_close();
	if (!(raw_conn = pg_connect(f->path)))
		fail_msg("cannot connect to %s", f->path);
	raw_owner = f;
	return raw_conn;
}

/* sql with SQLite's ?N parameters written as PostgreSQL's $N. */
static void pg_params(const char *sql, char *out, size_t n)
{
	size_t j = 0;
	for (size_t i = 0; sql[i] && j + 1 < n; i++)
		out[j++] = sql[i] == '?' && sql[i + 1] >= '1' && sql[i + 1] <= '9' ? '$' : sql[i];
	out[j] = '\0';
}

/* Runs sql (?N parameters allowed) on the raw connection with arg bound to $1 when sql has a
 * parameter; fails the test on an error. The caller PQclears the result. */
static PGresult *raw_pg_query(const struct fx *f, const char *sql, int64_t arg)
{
	char q[1024], v[24];
	pg_params(sql, q, sizeof q);
	snprintf(v, sizeof v, "%lld", (long long)arg);
	const char *values[1] = { v };
	PGconn *c = raw_pg(f);
	PGresult *r = PQexecParams(c, q, strstr(q, "$1") ? 1 : 0, NULL, values, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		char msg[256];
		snprintf(msg, sizeof msg, "%s", PQresultErrorMessage(r));
		PQclear(r);
		fail_msg("%s: %s", q, msg);
	}
	return r;
}

static sqlite3 *raw_open(const struct fx *f)
{
	sqlite3 *h = NULL;
	if (sqlite3_open_v2(f->path, &h, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		fail_msg("cannot open %s: %s", f->path, h ? sqlite3_errmsg(h) : "?");
	sqlite3_busy_timeout(h, 5000);
	return h;
}

/* Runs sql (no parameters, maybe several statements) on its own connection. */
static void raw_exec(const struct fx *f, const char *sql)
{
	if (f->pg) {
		PGconn *c = raw_pg(f);
		PGresult *r = PQexec(c, sql);
		if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
			char msg[256];
			snprintf(msg, sizeof msg, "%s", PQresultErrorMessage(r));
			PQclear(r);
			fail_msg("%s: %s", sql, msg);
		}
		PQclear(r);
		return;
	}
	sqlite3 *h = raw_open(f);
	char *msg = NULL;
	int rc = sqlite3_exec(h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		char copy[256];
		snprintf(copy, sizeof copy, "%s", msg ? msg : "?");
		sqlite3_free(msg);
		sqlite3_close(h);
		fail_msg("%s: %s", sql, copy);
	}
	sqlite3_close(h);
}

/* The integer in the first column of the first row of sql with ?1 bound to arg. */
static int64_t raw_int(const struct fx *f, const char *sql, int64_t arg)
{
	if (f->pg) {
		PGresult *r = raw_pg_query(f, sql, arg);
		int64_t v = PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)
				    ? strtoll(PQgetvalue(r, 0, 0), NULL, 10)
				    : -1;
		PQclear(r);
		return v;
	}
	sqlite3 *h = raw_open(f);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
		sqlite3_close(h);
		fail_msg("prepare %s", sql);
	}
	if (sqlite3_bind_parameter_count(st) > 0)
		sqlite3_bind_int64(st, 1, arg);
	int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

static void raw_text(const struct fx *f, const char *sql, int64_t arg, char *out, size_t n)
{
	if (f->pg) {
		PGresult *r = raw_pg_query(f, sql, arg);
		out[0] = '\0';
		if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
			snprintf(out, n, "%s", PQgetvalue(r, 0, 0));
		PQclear(r);
		return;
	}
	sqlite3 *h = raw_open(f);
	sqlite3_stmt *st = NULL;
	out[0] = '\0';
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_bind_parameter_count(st) > 0)
			sqlite3_bind_int64(st, 1, arg);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
			snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
}

static struct actor system_admin(void)
{
	struct actor a;
	memset(&a, 0, sizeof a);
	a.ngrants = 1;
	a.grants[0].role = ROLE_ADMIN;
	snprintf(a.grants[0].path, sizeof a.grants[0].path, "/");
	snprintf(a.grants[0].scope, sizeof a.grants[0].scope, "/");
	return a;
}

struct tree {
	int64_t province, city, district, street, comm_a, compound_a, comm_b, compound_b;
};

/* 四川省 / 成都市 / 锦江区 / 牛市口街道 / {九眼桥社区 / 晶蓝半岛小区, 水井坊社区 / 锦官驿小区}:
 * eight area.created events. */
static void make_tree(struct store *s, struct tree *t)
{
	struct actor sys = system_admin();
	struct xy_err e = { 0 };
	assert_int_equal(area_create(s, &sys, "四川省", "province", 0, &t->province, &e), XY_OK);
	assert_int_equal(area_create(s, &sys, "成都市", "city", t->province, &t->city, &e), XY_OK);
	assert_int_equal(area_create(s, &sys, "锦江区", "district", t->city, &t->district, &e),
			 XY_OK);
	assert_int_equal(area_create(s, &sys, "牛市口街道", "street", t->district, &t->street, &e),
			 XY_OK);
	assert_int_equal(area_create(s, &sys, "九眼桥社区", "community", t->street, &t->comm_a, &e),
			 XY_OK);
	assert_int_equal(
		area_create(s, &sys, "晶蓝半岛小区", "compound", t->comm_a, &t->compound_a, &e),
		XY_OK);
	assert_int_equal(area_create(s, &sys, "水井坊社区", "community", t->street, &t->comm_b, &e),
			 XY_OK);
	assert_int_equal(
		area_create(s, &sys, "锦官驿小区", "compound", t->comm_b, &t->compound_b, &e),
		XY_OK);
}

static struct audit_report verify(struct store *s)
{
	struct audit_report r;
	struct xy_err e = { 0 };
	memset(&r, 0, sizeof r);
	assert_int_equal(audit_log_verify(s, &r, &e), XY_OK);
	return r;
}

/* ---- open and migrate ----------------------------------------------------------------- */

static void test_migrate_twice(void **state)
{
	struct fx *f = *state;
	const struct migration *m = f->pg ? migrations_pg : migrations_sqlite;
	int count = f->pg ? migrations_pg_count : migrations_sqlite_count;
	assert_true(count >= 1);
	assert_int_equal(f->applied, count);
	int applied = -1;
	struct xy_err e = { 0 };
	assert_int_equal(store_migrate(f->s, &applied, &e), XY_OK);
	assert_int_equal(applied, 0);
	struct db *db = store_conn(f->s, &e);
	assert_non_null(db);
	assert_int_equal(db_dialect(db), f->pg ? DB_PG : DB_SQLITE);
	assert_int_equal(migrate_version(db), m[count - 1].version);
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM schema_migrations", 0), count);
}

static void test_migrate_after_reopen(void **state)
{
	struct fx *f = *state;
	struct xy_err e = { 0 };
	raw_exec(f, "INSERT INTO categories(code, name, name_en, sort) "
		    "VALUES ('unit_keep', 'x', 'x', 99)");
	store_close(f->s);
	f->s = store_open(f->path, &e);
	assert_non_null(f->s);
	int applied = -1;
	assert_int_equal(store_migrate(f->s, &applied, &e), XY_OK);
	assert_int_equal(applied, 0);
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM categories WHERE code = 'unit_keep'", 0),
			 1);
}

/* A SQLite file in a directory that does not exist; on PostgreSQL a database that does not. */
static void test_open_bad_path(void **state)
{
	(void)state;
	struct xy_err e = { 0 };
	char target[320] = "/nonexistent-xy-dir/sub/x.db";
	if (pg_base)
		snprintf(target, sizeof target, "%sxy_u_absent_%ld", pg_base, (long)getpid());
	struct store *s = store_open(target, &e);
	assert_null(s);
	assert_int_equal(e.kind, XY_EUNAVAIL);
	assert_string_equal(e.code, "db_open_failed");
}

static void test_fresh_audit_chain(void **state)
{
	struct fx *f = *state;
	struct audit_report r = verify(f->s);
	assert_true(r.ok);
	assert_int_equal(r.count, 0);
	assert_string_equal(r.head, AUDIT_GENESIS);
}

/* ---- store_tx ------------------------------------------------------------------------- */

struct unit_tx {
	const char *code;      /* category code to insert */
	enum xy_kind result;   /* what the function returns after writing */
	int unavailable_first; /* return XY_EUNAVAIL this many times first */
	int calls;
};

static enum xy_kind unit_tx_fn(struct db *db, void *arg, struct xy_err *e)
{
	struct unit_tx *c = arg;
	c->calls++;
	struct db_stmt *st = db_stmt_sql(
		db, "INSERT INTO categories(code, name, name_en, sort) VALUES ($1, $2, $2, 100)");
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_text(st, 1, c->code);
	db_bind_text(st, 2, "单元测试");
	int rc = db_run(st);
	if (rc != DB_OK)
		return db_fail(db, rc, e);
	json_t *data = json_pack("{s:s}", "code", c->code);
	enum xy_kind k = store_audit_append(db, 0, 0, "unit.inserted", "category", 1, data, e);
	json_decref(data);
	if (k)
		return k;
	if (c->calls <= c->unavailable_first)
		return xy_fail(e, XY_EUNAVAIL, "db_busy", NULL, "pretend busy");
	if (c->result != XY_OK)
		return xy_fail(e, c->result, "unit_refused", "code", "refused on purpose");
	return XY_OK;
}

static int64_t count_code(const struct fx *f, const char *code)
{
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM categories WHERE code = '%s'", code);
	return raw_int(f, sql, 0);
}

static void test_tx_commit(void **state)
{
	struct fx *f = *state;
	struct unit_tx c = { .code = "unit_a", .result = XY_OK };
	struct xy_err e = { 0 };
	assert_int_equal(store_tx(f->s, unit_tx_fn, &c, &e), XY_OK);
	assert_int_equal(c.calls, 1);
	assert_int_equal(count_code(f, "unit_a"), 1);
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM audit_events", 0), 1);
	struct audit_report r = verify(f->s);
	assert_true(r.ok);
	assert_int_equal(r.count, 1);
}

static void test_tx_rollback(void **state)
{
	struct fx *f = *state;
	struct unit_tx c = { .code = "unit_b", .result = XY_EINVALID };
	struct xy_err e = { 0 };
	assert_int_equal(store_tx(f->s, unit_tx_fn, &c, &e), XY_EINVALID);
	assert_string_equal(e.code, "unit_refused");
	assert_string_equal(e.field, "code");
	assert_int_equal(count_code(f, "unit_b"), 0);
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM audit_events", 0), 0);
	assert_int_equal(raw_int(f, "SELECT last_id FROM audit_head", 0), 0);
	struct audit_report r = verify(f->s);
	assert_true(r.ok);
	assert_int_equal(r.count, 0);
}

static void test_tx_rollback_keeps_earlier_commit(void **state)
{
	struct fx *f = *state;
	struct xy_err e = { 0 };
	struct unit_tx ok = { .code = "unit_c", .result = XY_OK };
	struct unit_tx bad = { .code = "unit_d", .result = XY_EFORBIDDEN };
	assert_int_equal(store_tx(f->s, unit_tx_fn, &ok, &e), XY_OK);
	assert_int_equal(store_tx(f->s, unit_tx_fn, &bad, &e), XY_EFORBIDDEN);
	struct unit_tx ok2 = { .code = "unit_e", .result = XY_OK };
	assert_int_equal(store_tx(f->s, unit_tx_fn, &ok2, &e), XY_OK);
	assert_int_equal(count_code(f, "unit_c"), 1);
	assert_int_equal(count_code(f, "unit_d"), 0);
	assert_int_equal(count_code(f, "unit_e"), 1);
	struct audit_report r = verify(f->s);
	assert_true(r.ok);
	assert_int_equal(r.count, 2);
	assert_int_equal(raw_int(f, "SELECT MAX(id) FROM audit_events", 0), 2);
}

static void test_tx_conflict(void **state)
{
	struct fx *f = *state;
	struct xy_err e = { 0 };
	struct unit_tx c = { .code = "environment", .result = XY_OK }; /* a seeded category */
	assert_int_equal(store_tx(f->s, unit_tx_fn, &c, &e), XY_ECONFLICT);
	assert_int_equal(count_code(f, "environment"), 1);
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM audit_events", 0), 0);
}

static void test_tx_retries_unavailable(void **state)
{
	struct fx *f = *state;
	struct xy_err e = { 0 };
	struct unit_tx c = { .code = "unit_f", .result = XY_OK, .unavailable_first = 2 };
	assert_int_equal(store_tx(f->s, unit_tx_fn, &c, &e), XY_OK);
	assert_int_equal(c.calls, 3);
	assert_int_equal(count_code(f, "unit_f"), 1);
	struct audit_report r = verify(f->s);
	assert_true(r.ok);
	assert_int_equal(r.count, 1);
}

static void test_tx_unavailable_gives_up(void **state)
{
	struct fx *f = *state;
	struct xy_err e = { 0 };
	struct unit_tx c = { .code = "unit_busy", .result = XY_OK, .unavailable_first = 1000000 };
	assert_int_equal(store_tx(f->s, unit_tx_fn, &c, &e), XY_EUNAVAIL);
	assert_true(c.calls > 1);
	assert_true(c.calls < 1000);
	assert_int_equal(count_code(f, "unit_busy"), 0);
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM audit_events", 0), 0);
}

static void test_tx_null_err(void **state)
{
	struct fx *f = *state;
	struct unit_tx c = { .code = "unit_g", .result = XY_EINVALID };
	assert_int_equal(store_tx(f->s, unit_tx_fn, &c, NULL), XY_EINVALID);
	assert_int_equal(count_code(f, "unit_g"), 0);
}

static void test_writer_single(void **state)
{
	struct fx *f = *state;
	struct xy_err e = { 0 };
	assert_int_equal(store_writer_start(f->s), 0);
	assert_int_equal(store_writer_start(f->s), 0); /* idempotent */
	struct unit_tx ok = { .code = "unit_w1", .result = XY_OK };
	assert_int_equal(store_tx(f->s, unit_tx_fn, &ok, &e), XY_OK);
	/* durable and visible to another connection as soon as store_tx returns */
	assert_int_equal(count_code(f, "unit_w1"), 1);
	struct unit_tx bad = { .code = "unit_w2", .result = XY_ECONFLICT };
	assert_int_equal(store_tx(f->s, unit_tx_fn, &bad, &e), XY_ECONFLICT);
	assert_string_equal(e.code, "unit_refused");
	assert_int_equal(count_code(f, "unit_w2"), 0);
	struct audit_report r = verify(f->s);
	assert_true(r.ok);
	assert_int_equal(r.count, 1);
}

/* ---- the group-commit writer under load ----------------------------------------------- */

#define W_THREADS 8
#define W_CALLS   200

struct row_job {
	int thread, i;
};

static enum xy_kind row_tx_fn(struct db *db, void *arg, struct xy_err *e)
{
	struct row_job *j = arg;
	struct db_stmt *st = db_stmt_sql(db, "INSERT INTO unit_rows(thread, i) VALUES ($1, $2)");
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, j->thread);
	db_bind_i64(st, 2, j->i);
	int rc = db_run(st);
	if (rc != DB_OK)
		return db_fail(db, rc, e);
	json_t *data = json_pack("{s:i, s:i}", "thread", j->thread, "i", j->i);
	enum xy_kind k = store_audit_append(db, 0, 0, "unit.row", "unit_row",
					    (int64_t)j->thread * 1000 + j->i, data, e);
	json_decref(data);
	if (k)
		return k;
	if (j->i % 10 == 4)
		return xy_fail(e, XY_EINVALID, "unit_every_fifth", "i", "call %d of thread %d",
			       j->i, j->thread);
	if (j->i % 10 == 9) {
		/* a statement that fails inside the savepoint: (thread, 0) exists already */
		if (!(st = db_stmt_sql(db, "INSERT INTO unit_rows(thread, i) VALUES ($1, $2)")))
			return db_fail(db, DB_FAIL, e);
		db_bind_i64(st, 1, j->thread);
		db_bind_i64(st, 2, 0);
		return db_fail(db, db_run(st), e);
	}
	return XY_OK;
}

static enum xy_kind create_rows_table(struct db *db, void *arg, struct xy_err *e)
{
	(void)arg;
	int rc = db_exec(db, "CREATE TABLE unit_rows(thread INTEGER NOT NULL, i INTEGER NOT NULL, "
			     "PRIMARY KEY (thread, i))");
	return rc == DB_OK ? XY_OK : db_fail(db, rc, e);
}

struct worker {
	struct store *s;
	const struct fx *f;
	int thread;
	enum xy_kind result[W_CALLS];
	char code[W_CALLS][48];
	int unseen; /* committed rows another connection could not see right after */
};

/* Is row (thread, i) visible to a fresh connection? */
static bool row_visible(const struct fx *f, int thread, int i)
{
	bool seen = false;
	if (f->pg) {
		PGconn *c = pg_connect(f->path);
		if (!c)
			return false;
		char t[16], n[16];
		snprintf(t, sizeof t, "%d", thread);
		snprintf(n, sizeof n, "%d", i);
		const char *values[2] = { t, n };
		PGresult *r =
			PQexecParams(c, "SELECT 1 FROM unit_rows WHERE thread = $1 AND i = $2", 2,
				     NULL, values, NULL, NULL, 0);
		seen = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
		PQclear(r);
		PQfinish(c);
		return seen;
	}
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_open_v2(f->path, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, "SELECT 1 FROM unit_rows WHERE thread = ?1 AND i = ?2", -1, &st,
			       NULL) == SQLITE_OK) {
		sqlite3_busy_timeout(h, 5000);
		sqlite3_bind_int(st, 1, thread);
		sqlite3_bind_int(st, 2, i);
		seen = sqlite3_step(st) == SQLITE_ROW;
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	return seen;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < W_CALLS; i++) {
		struct row_job j = { .thread = w->thread, .i = i };
		struct xy_err e;
		memset(&e, 0, sizeof e);
		w->result[i] = store_tx(w->s, row_tx_fn, &j, &e);
		snprintf(w->code[i], sizeof w->code[i], "%s", e.code);
		/* a request returns only after the commit that contains it */
		if (w->result[i] == XY_OK && i % 8 == 0 && !row_visible(w->f, w->thread, i))
			w->unseen++;
	}
	return NULL;
}

static void test_writer_concurrent(void **state)
{
	struct fx *f = *state;
	struct xy_err e = { 0 };
	assert_int_equal(store_tx(f->s, create_rows_table, NULL, &e), XY_OK);
	assert_int_equal(store_writer_start(f->s), 0);
	struct worker *w = calloc(W_THREADS, sizeof *w);
	assert_non_null(w);
	pthread_t th[W_THREADS];
	for (int t = 0; t < W_THREADS; t++) {
		w[t].s = f->s;
		w[t].f = f;
		w[t].thread = t;
		assert_int_equal(pthread_create(&th[t], NULL, worker_main, &w[t]), 0);
	}
	for (int t = 0; t < W_THREADS; t++)
		assert_int_equal(pthread_join(th[t], NULL), 0);

	int ok = 0, unseen = 0;
	for (int t = 0; t < W_THREADS; t++) {
		for (int i = 0; i < W_CALLS; i++) {
			enum xy_kind want = i % 10 == 4   ? XY_EINVALID
					    : i % 10 == 9 ? XY_ECONFLICT
							  : XY_OK;
			if (w[t].result[i] != want)
				fail_msg("thread %d call %d: %d (%s), want %d", t, i,
					 w[t].result[i], w[t].code[i], want);
			if (want == XY_EINVALID)
				assert_string_equal(w[t].code[i], "unit_every_fifth");
			if (want == XY_ECONFLICT)
				assert_string_equal(w[t].code[i], "conflict");
			ok += want == XY_OK;
		}
		unseen += w[t].unseen;
	}
	free(w);
	assert_int_equal(unseen, 0);
	assert_int_equal(ok, W_THREADS * W_CALLS * 4 / 5);
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM unit_rows", 0), ok);
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM unit_rows WHERE i % 5 = 4", 0), 0);
	for (int t = 0; t < W_THREADS; t++)
		assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM unit_rows WHERE thread = ?1", t),
				 W_CALLS * 4 / 5);
	/* the audit trail holds exactly the committed rows, densely numbered */
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM audit_events", 0), ok);
	assert_int_equal(raw_int(f, "SELECT MAX(id) FROM audit_events", 0), ok);
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM audit_events WHERE entity_id % 5 = 4", 0),
			 0);
	assert_int_equal(raw_int(f,
				 "SELECT COUNT(*) FROM audit_events a WHERE NOT EXISTS (SELECT 1 "
				 "FROM unit_rows r WHERE r.thread * 1000 + r.i = a.entity_id)",
				 0),
			 0);
	struct audit_report r = verify(f->s);
	if (!r.ok)
		fail_msg("audit chain broken at %lld: %s", (long long)r.bad_id, r.problem);
	assert_int_equal(r.count, ok);
	char head[80];
	raw_text(f, "SELECT last_hash FROM audit_head", 0, head, sizeof head);
	assert_string_equal(r.head, head);
}

/* ---- audit tampering ------------------------------------------------------------------ */

#define TREE_EVENTS 8

static void tamper_setup(struct fx *f)
{
	struct tree t;
	make_tree(f->s, &t);
	struct audit_report r = verify(f->s);
	assert_true(r.ok);
	assert_int_equal(r.count, TREE_EVENTS);
}

static void expect_bad(struct fx *f, int64_t id, const char *problem_part)
{
	struct audit_report r = verify(f->s);
	if (r.ok)
		fail_msg("tampering not detected (want event %lld)", (long long)id);
	if (r.bad_id != id)
		fail_msg("reported event %lld (%s), want %lld", (long long)r.bad_id, r.problem,
			 (long long)id);
	if (problem_part && !strstr(r.problem, problem_part))
		fail_msg("problem \"%s\" does not mention \"%s\"", r.problem, problem_part);
}

static void test_audit_clean(void **state)
{
	struct fx *f = *state;
	tamper_setup(f);
	struct audit_report r = verify(f->s);
	assert_true(r.ok);
	assert_int_equal(r.bad_id, 0);
	char last[80], head[80];
	raw_text(f, "SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1", 0, last, sizeof last);
	raw_text(f, "SELECT last_hash FROM audit_head", 0, head, sizeof head);
	assert_string_equal(r.head, last);
	assert_string_equal(r.head, head);
	assert_int_equal(raw_int(f, "SELECT last_id FROM audit_head", 0), TREE_EVENTS);
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM audit_events WHERE actor_id = 0", 0),
			 TREE_EVENTS);
	char genesis[80];
	raw_text(f, "SELECT prev_hash FROM audit_events WHERE id = 1", 0, genesis, sizeof genesis);
	assert_string_equal(genesis, AUDIT_GENESIS);
}

static void test_audit_tamper_update_data(void **state)
{
	struct fx *f = *state;
	tamper_setup(f);
	raw_exec(f, "UPDATE audit_events SET data = "
		    "'{\"kind\":\"street\",\"name\":\"伪造街道\",\"parent_id\":3}' WHERE id = 4");
	expect_bad(f, 4, "altered");
}

struct column_edit {
	const char *col, *value;
};

/* test_audit_tamper_each_column through libpq: the original value is kept as text and written
 * back as a parameter of the column's type. */
static void tamper_each_column_pg(struct fx *f, const struct column_edit *edits, size_t n)
{
	PGconn *c = raw_pg(f);
	for (size_t i = 0; i < n; i++) {
		char sql[256], orig[256];
		snprintf(sql, sizeof sql, "SELECT %s FROM audit_events WHERE id = 3", edits[i].col);
		PGresult *r = PQexec(c, sql);
		bool got = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
			   !PQgetisnull(r, 0, 0);
		if (got)
			snprintf(orig, sizeof orig, "%s", PQgetvalue(r, 0, 0));
		PQclear(r);
		if (!got) {
			fail_msg("%s: no value", sql);
		}

		snprintf(sql, sizeof sql, "UPDATE audit_events SET %s = %s WHERE id = 3",
			 edits[i].col, edits[i].value);
		r = PQexec(c, sql);
		bool done = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
		if (!done) {
			fail_msg("%s failed", sql);
		}
		struct audit_report rep = verify(f->s);
		if (rep.ok || rep.bad_id != 3) {
			fail_msg("changing %s of event 3: ok=%d bad_id=%lld", edits[i].col, rep.ok,
				 (long long)rep.bad_id);
		}

		snprintf(sql, sizeof sql, "UPDATE audit_events SET %s = $1 WHERE id = 3",
			 edits[i].col);
		const char *values[1] = { orig };
		r = PQexecParams(c, sql, 1, NULL, values, NULL, NULL, 0);
		done = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
		if (!done) {
			fail_msg("restoring %s failed", edits[i].col);
		}
		rep = verify(f->s);
		if (!rep.ok) {
			fail_msg("restoring %s of event 3 does not heal: bad_id=%lld (%s)",
				 edits[i].col, (long long)rep.bad_id, rep.problem);
		}
	}
}

/* Every stored column of one event, changed on its own, is detected; restoring it heals. */
static void test_audit_tamper_each_column(void **state)
{
	struct fx *f = *state;
	tamper_setup(f);
	static const struct column_edit edits[] = {
		{ "at", "at + 1" },
		{ "actor_id", "99" },
		{ "area_id", "99" },
		{ "action", "'area.deleted'" },
		{ "entity", "'user'" },
		{ "entity_id", "12345" },
		{ "data", "'{}'" },
		{ "prev_hash",
		  "'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff'" },
		{ "hash", "'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee'" },
	};
	if (f->pg) {
		tamper_each_column_pg(f, edits, sizeof edits / sizeof *edits);
		return;
	}
	sqlite3 *h = raw_open(f);
	for (size_t i = 0; i < sizeof edits / sizeof *edits; i++) {
		char sql[256];
		snprintf(sql, sizeof sql, "SELECT %s FROM audit_events WHERE id = 3", edits[i].col);
		sqlite3_stmt *st = NULL;
		assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		sqlite3_value *orig = sqlite3_value_dup(sqlite3_column_value(st, 0));
		sqlite3_finalize(st);
		assert_non_null(orig);

		snprintf(sql, sizeof sql, "UPDATE audit_events SET %s = %s WHERE id = 3",
			 edits[i].col, edits[i].value);
		assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
		struct audit_report r = verify(f->s);
		if (r.ok || r.bad_id != 3) {
			sqlite3_value_free(orig);
			sqlite3_close(h);
			fail_msg("changing %s of event 3: ok=%d bad_id=%lld", edits[i].col, r.ok,
				 (long long)r.bad_id);
		}

		snprintf(sql, sizeof sql, "UPDATE audit_events SET %s = ?1 WHERE id = 3",
			 edits[i].col);
		assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
		sqlite3_bind_value(st, 1, orig);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
		sqlite3_value_free(orig);
		r = verify(f->s);
		assert_true(r.ok);
	}
	sqlite3_close(h);
}

static void test_audit_tamper_delete_middle(void **state)
{
	struct fx *f = *state;
	tamper_setup(f);
	raw_exec(f, "DELETE FROM audit_events WHERE id = 4");
	expect_bad(f, 4, "missing");
	struct audit_report r = verify(f->s);
	assert_int_equal(r.count, TREE_EVENTS - 1);
}

static void test_audit_tamper_delete_first(void **state)
{
	struct fx *f = *state;
	tamper_setup(f);
	raw_exec(f, "DELETE FROM audit_events WHERE id = 1");
	expect_bad(f, 1, "missing");
}

static void test_audit_tamper_delete_last(void **state)
{
	struct fx *f = *state;
	tamper_setup(f);
	raw_exec(f, "DELETE FROM audit_events WHERE id = 8");
	expect_bad(f, TREE_EVENTS, "ends before");
}

static void test_audit_tamper_delete_all(void **state)
{
	struct fx *f = *state;
	tamper_setup(f);
	raw_exec(f, "DELETE FROM audit_events");
	expect_bad(f, 1, NULL);
}

/* test_audit_tamper_rehashed through libpq. */
static void tamper_rehashed_pg(struct fx *f)
{
	PGconn *c = raw_pg(f);
	PGresult *r = PQexec(c, "SELECT id, at, actor_id, area_id, action, entity, entity_id, "
				"prev_hash, area_path FROM audit_events WHERE id = 4");
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		PQclear(r);
		fail_msg("event 4 not found");
	}
	char action[64], entity[64], path[128];
	struct audit_event ev;
	memset(&ev, 0, sizeof ev);
	ev.id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	ev.at = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
	ev.actor_id = strtoll(PQgetvalue(r, 0, 2), NULL, 10);
	ev.area_id = strtoll(PQgetvalue(r, 0, 3), NULL, 10);
	snprintf(action, sizeof action, "%s", PQgetvalue(r, 0, 4));
	snprintf(entity, sizeof entity, "%s", PQgetvalue(r, 0, 5));
	ev.entity_id = strtoll(PQgetvalue(r, 0, 6), NULL, 10);
	snprintf(ev.prev_hash, sizeof ev.prev_hash, "%s", PQgetvalue(r, 0, 7));
	snprintf(path, sizeof path, "%s", PQgetvalue(r, 0, 8));
	PQclear(r);
	ev.action = action;
	ev.entity = entity;
	ev.area_path = path;
	ev.data = "{\"forged\":true}";
	audit_seal(&ev);
	const char *values[2] = { ev.data, ev.hash };
	r = PQexecParams(c, "UPDATE audit_events SET data = $1, hash = $2 WHERE id = 4", 2, NULL,
			 values, NULL, NULL, 0);
	bool done = PQresultStatus(r) == PGRES_COMMAND_OK && strcmp(PQcmdTuples(r), "1") == 0;
	PQclear(r);
	if (!done)
		fail_msg("rewriting event 4 failed");
}

/* Rewriting an event and its hash consistently still breaks the link to the next event. */
static void test_audit_tamper_rehashed(void **state)
{
	struct fx *f = *state;
	tamper_setup(f);
	if (f->pg) {
		tamper_rehashed_pg(f);
		expect_bad(f, 5, "prev_hash");
		return;
	}
	sqlite3 *h = raw_open(f);
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(h,
					    "SELECT id, at, actor_id, area_id, action, entity, "
					    "entity_id, prev_hash, area_path FROM audit_events "
					    "WHERE id = 4",
					    -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	char action[64], entity[64];
	struct audit_event ev;
	memset(&ev, 0, sizeof ev);
	ev.id = sqlite3_column_int64(st, 0);
	ev.at = sqlite3_column_int64(st, 1);
	ev.actor_id = sqlite3_column_int64(st, 2);
	ev.area_id = sqlite3_column_int64(st, 3);
	snprintf(action, sizeof action, "%s", (const char *)sqlite3_column_text(st, 4));
	snprintf(entity, sizeof entity, "%s", (const char *)sqlite3_column_text(st, 5));
	ev.entity_id = sqlite3_column_int64(st, 6);
	snprintf(ev.prev_hash, sizeof ev.prev_hash, "%s", (const char *)sqlite3_column_text(st, 7));
	char path[128];
	snprintf(path, sizeof path, "%s", (const char *)sqlite3_column_text(st, 8));
	sqlite3_finalize(st);
	ev.action = action;
	ev.entity = entity;
	ev.area_path = path;
	ev.data = "{\"forged\":true}";
	audit_seal(&ev);
	assert_int_equal(sqlite3_prepare_v2(h,
					    "UPDATE audit_events SET data = ?1, hash = ?2 "
					    "WHERE id = 4",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, ev.data, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, ev.hash, -1, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(h);
	expect_bad(f, 5, "prev_hash");
}

static void test_audit_tamper_swap(void **state)
{
	struct fx *f = *state;
	tamper_setup(f);
	raw_exec(f, "UPDATE audit_events SET id = -1 WHERE id = 3;"
		    "UPDATE audit_events SET id = 3 WHERE id = 4;"
		    "UPDATE audit_events SET id = 4 WHERE id = -1;");
	expect_bad(f, 3, NULL);
}

static void test_audit_tamper_head(void **state)
{
	struct fx *f = *state;
	tamper_setup(f);
	raw_exec(f, "UPDATE audit_head SET last_hash = "
		    "'0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'");
	expect_bad(f, TREE_EVENTS, "head");
}

/* A forged event appended after the head (correctly linked and hashed) is noticed. */
static void test_audit_tamper_forged_append(void **state)
{
	struct fx *f = *state;
	tamper_setup(f);
	struct audit_event ev;
	memset(&ev, 0, sizeof ev);
	ev.id = TREE_EVENTS + 1;
	ev.at = 1700000000;
	ev.action = "area.created";
	ev.entity = "area";
	ev.entity_id = 99;
	ev.data = "{}";
	raw_text(f, "SELECT hash FROM audit_events WHERE id = ?1", TREE_EVENTS, ev.prev_hash,
		 sizeof ev.prev_hash);
	audit_seal(&ev);
	if (f->pg) {
		char id[24], at[24], entity_id[24];
		snprintf(id, sizeof id, "%lld", (long long)ev.id);
		snprintf(at, sizeof at, "%lld", (long long)ev.at);
		snprintf(entity_id, sizeof entity_id, "%lld", (long long)ev.entity_id);
		const char *values[8] = { id,        at,      ev.action,    ev.entity,
					  entity_id, ev.data, ev.prev_hash, ev.hash };
		PGconn *c = raw_pg(f);
		PGresult *r =
			PQexecParams(c,
				     "INSERT INTO audit_events(id, at, actor_id, area_id, "
				     "area_path, action, entity, entity_id, data, prev_hash, "
				     "hash) VALUES ($1, $2, 0, 0, '/', $3, $4, $5, $6, $7, $8)",
				     8, NULL, values, NULL, NULL, 0);
		bool done = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
		if (!done)
			fail_msg("inserting the forged event failed");
		expect_bad(f, TREE_EVENTS + 1, NULL);
		return;
	}
	sqlite3 *h = raw_open(f);
	sqlite3_stmt *st = NULL;
	assert_int_equal(
		sqlite3_prepare_v2(h,
				   "INSERT INTO audit_events(id, at, actor_id, area_id, "
				   "area_path, action, entity, entity_id, data, prev_hash, "
				   "hash) VALUES (?1, ?2, 0, 0, '/', ?3, ?4, ?5, ?6, ?7, ?8)",
				   -1, &st, NULL),
		SQLITE_OK);
	sqlite3_bind_int64(st, 1, ev.id);
	sqlite3_bind_int64(st, 2, ev.at);
	sqlite3_bind_text(st, 3, ev.action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, ev.entity, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, ev.entity_id);
	sqlite3_bind_text(st, 6, ev.data, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, ev.prev_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, ev.hash, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(h);
	expect_bad(f, TREE_EVENTS + 1, NULL);
}

/* area_path decides who may read an event (audit_log_list); moving an event out of a scope
 * is an edit of a stored column like any other. */
static void test_audit_tamper_area_path(void **state)
{
	struct fx *f = *state;
	tamper_setup(f);
	raw_exec(f, "UPDATE audit_events SET area_path = '/999/' WHERE id = 5");
	expect_bad(f, 5, NULL);
}

static void test_audit_appends_after_verify(void **state)
{
	struct fx *f = *state;
	tamper_setup(f);
	struct unit_tx c = { .code = "unit_after", .result = XY_OK };
	struct xy_err e = { 0 };
	assert_int_equal(store_tx(f->s, unit_tx_fn, &c, &e), XY_OK);
	struct audit_report r = verify(f->s);
	assert_true(r.ok);
	assert_int_equal(r.count, TREE_EVENTS + 1);
	char prev[80], hash8[80];
	raw_text(f, "SELECT prev_hash FROM audit_events WHERE id = ?1", TREE_EVENTS + 1, prev,
		 sizeof prev);
	raw_text(f, "SELECT hash FROM audit_events WHERE id = ?1", TREE_EVENTS, hash8,
		 sizeof hash8);
	assert_string_equal(prev, hash8);
}

/* ---- areas through the store ---------------------------------------------------------- */

static void test_area_create_rules(void **state)
{
	struct fx *f = *state;
	struct tree t;
	make_tree(f->s, &t);
	struct actor sys = system_admin();
	struct xy_err e = { 0 };
	int64_t id = 0;
	char path[80];
	raw_text(f, "SELECT path FROM areas WHERE id = ?1", t.compound_a, path, sizeof path);
	char want[80];
	snprintf(want, sizeof want, "/%lld/%lld/%lld/%lld/%lld/%lld/", (long long)t.province,
		 (long long)t.city, (long long)t.district, (long long)t.street, (long long)t.comm_a,
		 (long long)t.compound_a);
	assert_string_equal(path, want);
	/* a compound under a street skips a level */
	assert_int_equal(area_create(f->s, &sys, "跳级小区", "compound", t.street, &id, &e),
			 XY_EINVALID);
	assert_string_equal(e.code, "invalid_kind");
	/* a sibling with the same name */
	assert_int_equal(area_create(f->s, &sys, "九眼桥社区", "community", t.street, &id, &e),
			 XY_ECONFLICT);
	/* only admins */
	struct actor w;
	memset(&w, 0, sizeof w);
	w.user_id = 5;
	w.ngrants = 1;
	w.grants[0].role = ROLE_SECRETARY;
	snprintf(w.grants[0].scope, sizeof w.grants[0].scope, "%s", want);
	assert_int_equal(area_create(f->s, &w, "新院落", "compound", t.comm_a, &id, &e),
			 XY_EFORBIDDEN);
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM areas", 0), 8);
	struct audit_report r = verify(f->s);
	assert_true(r.ok);
	assert_int_equal(r.count, TREE_EVENTS);
}

/* ---- the needs ring (shared fixture with a few users) --------------------------------- */

struct ring {
	struct fx *f;
	struct tree t;
	int64_t resident, worker_a, worker_b, secretary, provider_user;
	int64_t provider_own, provider_unowned;
	struct actor a_resident, a_worker_a, a_worker_b, a_secretary, a_provider;
};

static int64_t mk_user(struct store *s, const char *username, const char *role, int64_t area)
{
	struct user_input in = { .username = username,
				 .password = "unit-test-pw",
				 .display_name = "测试用户",
				 .phone = "13812345678",
				 .ngrants = 1,
				 .grants = { { role, area } } };
	int64_t id = 0;
	struct xy_err e = { 0 };
	if (user_create(s, NULL, &in, &id, &e) != XY_OK) {
		fprintf(stderr, "user_create %s: %s\n", username, e.message);
		return 0;
	}
	return id;
}

static int load(struct store *s, int64_t uid, struct actor *a)
{
	struct xy_err e = { 0 };
	struct db *db = store_conn(s, &e);
	return db && actor_load(db, uid, a, &e) == XY_OK ? 0 : -1;
}

static int ring_setup(void **state)
{
	if (secret_init() != 0)
		return -1;
	struct ring *r = calloc(1, sizeof *r);
	if (!r || !(r->f = fx_new())) {
		free(r);
		return -1;
	}
	struct store *s = r->f->s;
	struct actor sys = system_admin();
	struct xy_err e = { 0 };
	struct tree *t = &r->t;
	if (area_create(s, &sys, "四川省", "province", 0, &t->province, &e) ||
	    area_create(s, &sys, "成都市", "city", t->province, &t->city, &e) ||
	    area_create(s, &sys, "锦江区", "district", t->city, &t->district, &e) ||
	    area_create(s, &sys, "牛市口街道", "street", t->district, &t->street, &e) ||
	    area_create(s, &sys, "九眼桥社区", "community", t->street, &t->comm_a, &e) ||
	    area_create(s, &sys, "晶蓝半岛小区", "compound", t->comm_a, &t->compound_a, &e) ||
	    area_create(s, &sys, "水井坊社区", "community", t->street, &t->comm_b, &e) ||
	    area_create(s, &sys, "锦官驿小区", "compound", t->comm_b, &t->compound_b, &e))
		goto fail;
	r->resident = mk_user(s, "resident_a", "resident", t->compound_a);
	r->worker_a = mk_user(s, "worker_a", "worker", t->comm_a);
	r->worker_b = mk_user(s, "worker_b", "worker", t->comm_b);
	r->secretary = mk_user(s, "secretary_a", "secretary", t->comm_a);
	r->provider_user = mk_user(s, "provider_a", "provider", t->comm_a);
	if (!r->resident || !r->worker_a || !r->worker_b || !r->secretary || !r->provider_user)
		goto fail;
	if (load(s, r->resident, &r->a_resident) || load(s, r->worker_a, &r->a_worker_a) ||
	    load(s, r->worker_b, &r->a_worker_b) || load(s, r->secretary, &r->a_secretary) ||
	    load(s, r->provider_user, &r->a_provider))
		goto fail;
	struct provider_input p = { .kind = "talent",
				    .name = "王师傅维修队",
				    .area_id = t->comm_a,
				    .skills = { "elderly" },
				    .nskills = 1,
				    .capacity = 5,
				    .user_id = r->provider_user };
	if (provider_create(s, &r->a_worker_a, &p, &r->provider_own, &e))
		goto fail;
	p.name = "社区志愿服务站";
	p.user_id = 0;
	if (provider_create(s, &r->a_worker_a, &p, &r->provider_unowned, &e))
		goto fail;
	*state = r;
	return 0;
fail:
	fprintf(stderr, "ring setup: %s %s\n", e.code, e.message);
	fx_free(r->f);
	free(r);
	return -1;
}

static int ring_teardown(void **state)
{
	struct ring *r = *state;
	if (r) {
		fx_free(r->f);
		free(r);
	}
	return 0;
}

static int64_t submit(struct ring *r, const char *title)
{
	struct need_input in = { .area_id = r->t.compound_a,
				 .category = "elderly",
				 .title = title,
				 .description = "楼道灯坏了，老人晚上上下楼不方便",
				 .beneficiaries = { "elderly" },
				 .nbenef = 1 };
	struct need_created out;
	memset(&out, 0, sizeof out);
	struct xy_err e = { 0 };
	enum xy_kind k = need_submit(r->f->s, &r->a_resident, &in, &out, &e);
	if (k != XY_OK)
		fail_msg("need_submit: %s %s", e.code, e.message);
	return out.id;
}

static enum xy_kind move(struct ring *r, const struct actor *who, int64_t id, const char *to,
			 const char *reason, int64_t merged_into, int64_t provider_id,
			 struct xy_err *e)
{
	struct need_transition_input in = {
		.to = to, .reason = reason, .merged_into = merged_into, .provider_id = provider_id
	};
	xy_err_clear(e);
	return need_transition(r->f->s, who, id, &in, e);
}

static void status_of(struct ring *r, int64_t id, char *out, size_t n)
{
	raw_text(r->f, "SELECT status FROM needs WHERE id = ?1", id, out, n);
}

/* Everything a refused transition must leave alone. */
struct snapshot {
	char row[512];
	int64_t history, audit_last, audit_count;
	char audit_head[80];
};

static void snap(struct ring *r, int64_t id, struct snapshot *s)
{
	memset(s, 0, sizeof *s);
	raw_text(r->f,
		 "SELECT status || '|' || updated_at || '|' || COALESCE(reason, '-') || '|' || "
		 "COALESCE(merged_into, 0) || '|' || COALESCE(provider_id, 0) || '|' || "
		 "COALESCE(CAST(responded_at AS TEXT), '-') || '|' || "
		 "COALESCE(CAST(accepted_at AS TEXT), '-') || '|' || "
		 "COALESCE(CAST(resolved_at AS TEXT), '-') FROM needs WHERE id = ?1",
		 id, s->row, sizeof s->row);
	s->history = raw_int(r->f, "SELECT COUNT(*) FROM need_history WHERE need_id = ?1", id);
	s->audit_last = raw_int(r->f, "SELECT last_id FROM audit_head", 0);
	s->audit_count = raw_int(r->f, "SELECT COUNT(*) FROM audit_events", 0);
	raw_text(r->f, "SELECT last_hash FROM audit_head", 0, s->audit_head, sizeof s->audit_head);
}

static void expect_refused(struct ring *r, const struct actor *who, int64_t id, const char *to,
			   const char *reason, int64_t merged_into, int64_t provider_id,
			   enum xy_kind kind, const char *code)
{
	struct snapshot before, after;
	snap(r, id, &before);
	struct xy_err e;
	enum xy_kind k = move(r, who, id, to, reason, merged_into, provider_id, &e);
	if (k != kind || strcmp(e.code, code) != 0)
		fail_msg("-> %s: got %d %s (%s), want %d %s", to ? to : "(null)", k, e.code,
			 e.message, kind, code);
	snap(r, id, &after);
	assert_string_equal(before.row, after.row);
	assert_int_equal(before.history, after.history);
	assert_int_equal(before.audit_last, after.audit_last);
	assert_int_equal(before.audit_count, after.audit_count);
	assert_string_equal(before.audit_head, after.audit_head);
}

static void expect_moved(struct ring *r, const struct actor *who, int64_t id, const char *to,
			 const char *reason, int64_t merged_into, int64_t provider_id)
{
	struct snapshot before, after;
	snap(r, id, &before);
	struct xy_err e;
	enum xy_kind k = move(r, who, id, to, reason, merged_into, provider_id, &e);
	if (k != XY_OK)
		fail_msg("-> %s refused: %s (%s)", to, e.code, e.message);
	snap(r, id, &after);
	char st[32];
	status_of(r, id, st, sizeof st);
	assert_string_equal(st, to);
	assert_int_equal(after.history, before.history + 1);
	assert_int_equal(after.audit_last, before.audit_last + 1);
	char action[64];
	raw_text(r->f, "SELECT action FROM audit_events WHERE id = ?1", after.audit_last, action,
		 sizeof action);
	assert_string_equal(action, "need.transition");
	assert_int_equal(
		raw_int(r->f, "SELECT entity_id FROM audit_events WHERE id = ?1", after.audit_last),
		id);
	assert_int_equal(
		raw_int(r->f, "SELECT actor_id FROM audit_events WHERE id = ?1", after.audit_last),
		who->user_id);
}

static void test_ring_actor_scopes(void **state)
{
	struct ring *r = *state;
	char comm_a[80], compound_a[80];
	raw_text(r->f, "SELECT path FROM areas WHERE id = ?1", r->t.comm_a, comm_a, sizeof comm_a);
	raw_text(r->f, "SELECT path FROM areas WHERE id = ?1", r->t.compound_a, compound_a,
		 sizeof compound_a);
	assert_int_equal(r->a_resident.user_id, r->resident);
	assert_int_equal(r->a_resident.ngrants, 1);
	assert_int_equal(r->a_resident.grants[0].role, ROLE_RESIDENT);
	assert_int_equal(r->a_resident.grants[0].area_id, r->t.compound_a);
	assert_string_equal(r->a_resident.grants[0].path, compound_a);
	assert_string_equal(r->a_resident.grants[0].scope, comm_a); /* the whole community */
	assert_int_equal(r->a_worker_a.grants[0].role, ROLE_WORKER);
	assert_string_equal(r->a_worker_a.grants[0].path, comm_a);
	assert_string_equal(r->a_worker_a.grants[0].scope, comm_a);
	struct actor none;
	struct xy_err e = { 0 };
	assert_int_equal(actor_load(store_conn(r->f->s, &e), 999999, &none, &e), XY_OK);
	assert_int_equal(none.ngrants, 0);
}

static void test_ring_submit(void **state)
{
	struct ring *r = *state;
	int64_t audit_before = raw_int(r->f, "SELECT last_id FROM audit_head", 0);
	int64_t id = submit(r, "楼道灯坏了");
	assert_true(id > 0);
	char st[32], tracking[64];
	status_of(r, id, st, sizeof st);
	assert_string_equal(st, "submitted");
	raw_text(r->f, "SELECT tracking_no FROM needs WHERE id = ?1", id, tracking,
		 sizeof tracking);
	assert_int_equal(strlen(tracking), strlen("XY2026-000001"));
	assert_memory_equal(tracking, "XY", 2);
	assert_int_equal(raw_int(r->f, "SELECT submitter_id FROM needs WHERE id = ?1", id),
			 r->resident);
	assert_int_equal(raw_int(r->f, "SELECT COUNT(*) FROM need_history WHERE need_id = ?1", id),
			 1);
	assert_int_equal(raw_int(r->f, "SELECT last_id FROM audit_head", 0), audit_before + 1);
}

static void test_ring_refusals_change_nothing(void **state)
{
	struct ring *r = *state;
	int64_t id = submit(r, "小区健身器材损坏");
	expect_refused(r, &r->a_worker_b, id, "accepted", NULL, 0, 0, XY_EFORBIDDEN,
		       "out_of_scope");
	expect_refused(r, &r->a_resident, id, "accepted", NULL, 0, 0, XY_EFORBIDDEN, "forbidden");
	expect_refused(r, &r->a_provider, id, "accepted", NULL, 0, 0, XY_EFORBIDDEN, "forbidden");
	expect_refused(r, &r->a_worker_a, id, "rejected", NULL, 0, 0, XY_EINVALID,
		       "reason_required");
	expect_refused(r, &r->a_worker_a, id, "rejected", "", 0, 0, XY_EINVALID, "reason_required");
	expect_refused(r, &r->a_secretary, id, "rejected", "bad \xff", 0, 0, XY_EINVALID,
		       "reason_required");
	expect_refused(r, &r->a_worker_a, id, "confirmed", NULL, 0, 0, XY_ECONFLICT,
		       "illegal_transition");
	expect_refused(r, &r->a_worker_a, id, "fulfilled", NULL, 0, 0, XY_ECONFLICT,
		       "illegal_transition");
	expect_refused(r, &r->a_worker_a, id, "submitted", NULL, 0, 0, XY_ECONFLICT,
		       "illegal_transition");
	expect_refused(r, &r->a_secretary, id, "wish_open", NULL, 0, 0, XY_ECONFLICT,
		       "illegal_transition");
	expect_refused(r, &r->a_provider, id, "claimed", NULL, 0, r->provider_own, XY_ECONFLICT,
		       "illegal_transition");
	expect_refused(r, &r->a_worker_a, id, "merged", NULL, 0, 0, XY_EINVALID,
		       "merged_into_required");
	expect_refused(r, &r->a_worker_a, id, "merged", NULL, id, 0, XY_EINVALID, "invalid_merge");
	expect_refused(r, &r->a_worker_a, id, "merged", NULL, 999999, 0, XY_EINVALID,
		       "merge_target_not_found");
	expect_refused(r, &r->a_worker_a, id, "bogus", NULL, 0, 0, XY_EINVALID, "invalid_status");
	expect_refused(r, &r->a_worker_a, id, NULL, NULL, 0, 0, XY_EINVALID, "to_required");
	struct xy_err e;
	assert_int_equal(move(r, &r->a_worker_a, 999999, "accepted", NULL, 0, 0, &e), XY_ENOTFOUND);
	assert_string_equal(e.code, "need_not_found");
}

static void test_ring_in_project_refused(void **state)
{
	struct ring *r = *state;
	int64_t id = submit(r, "需要一个老年活动室");
	expect_moved(r, &r->a_worker_a, id, "accepted", NULL, 0, 0);
	/* only project approval may take this edge */
	expect_refused(r, &r->a_worker_a, id, "in_project", NULL, 0, 0, XY_ECONFLICT,
		       "illegal_transition");
	expect_refused(r, &r->a_secretary, id, "in_project", NULL, 0, 0, XY_ECONFLICT,
		       "illegal_transition");
	/* publication is the secretary's */
	expect_refused(r, &r->a_worker_a, id, "wish_open", NULL, 0, 0, XY_EFORBIDDEN, "forbidden");
}

static void test_ring_wish_path(void **state)
{
	struct ring *r = *state;
	int64_t id = submit(r, "给独居老人送一台收音机");
	expect_moved(r, &r->a_worker_a, id, "accepted", NULL, 0, 0);
	assert_true(raw_int(
		r->f, "SELECT COUNT(*) FROM needs WHERE id = ?1 AND responded_at IS NOT NULL", id));
	expect_moved(r, &r->a_secretary, id, "wish_open", NULL, 0, 0);
	/* a provider may claim only for itself */
	expect_refused(r, &r->a_provider, id, "claimed", NULL, 0, r->provider_unowned,
		       XY_EFORBIDDEN, "not_your_provider");
	expect_refused(r, &r->a_provider, id, "claimed", NULL, 0, 0, XY_EINVALID,
		       "provider_required");
	expect_refused(r, &r->a_provider, id, "claimed", NULL, 0, 999999, XY_EINVALID,
		       "provider_not_found");
	expect_moved(r, &r->a_provider, id, "claimed", NULL, 0, r->provider_own);
	assert_int_equal(raw_int(r->f, "SELECT provider_id FROM needs WHERE id = ?1", id),
			 r->provider_own);
	expect_refused(r, &r->a_resident, id, "fulfilled", NULL, 0, 0, XY_EFORBIDDEN, "forbidden");
	expect_moved(r, &r->a_provider, id, "fulfilled", NULL, 0, 0);
	assert_true(raw_int(
		r->f, "SELECT COUNT(*) FROM needs WHERE id = ?1 AND resolved_at IS NOT NULL", id));
	/* the resident who made the wish confirms it; staff do not */
	expect_refused(r, &r->a_worker_a, id, "confirmed", NULL, 0, 0, XY_EFORBIDDEN,
		       "resident_confirms");
	expect_refused(r, &r->a_worker_b, id, "confirmed", NULL, 0, 0, XY_EFORBIDDEN,
		       "out_of_scope");
	expect_moved(r, &r->a_resident, id, "confirmed", NULL, 0, 0);
	assert_int_equal(raw_int(r->f, "SELECT COUNT(*) FROM need_history WHERE need_id = ?1", id),
			 6);
	/* confirmed ends the machine */
	static const char *const all[] = { "submitted", "accepted",  "rejected",
					   "merged",    "wish_open", "claimed",
					   "fulfilled", "confirmed", "in_project" };
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		expect_refused(r, &r->a_secretary, id, all[i], "x", 1, r->provider_own,
			       XY_ECONFLICT, "illegal_transition");
}

static void test_ring_release_claim(void **state)
{
	struct ring *r = *state;
	int64_t id = submit(r, "帮忙修理轮椅");
	expect_moved(r, &r->a_worker_a, id, "accepted", NULL, 0, 0);
	expect_moved(r, &r->a_secretary, id, "wish_open", NULL, 0, 0);
	expect_moved(r, &r->a_worker_a, id, "claimed", NULL, 0, r->provider_unowned);
	/* the provider user did not claim it */
	expect_refused(r, &r->a_provider, id, "wish_open", NULL, 0, 0, XY_EFORBIDDEN,
		       "not_your_claim");
	expect_refused(r, &r->a_provider, id, "fulfilled", NULL, 0, 0, XY_EFORBIDDEN,
		       "not_your_claim");
	expect_moved(r, &r->a_worker_a, id, "wish_open", NULL, 0, 0);
	assert_int_equal(
		raw_int(r->f, "SELECT COALESCE(provider_id, 0) FROM needs WHERE id = ?1", id), 0);
}

static void test_ring_reject_keeps_reason(void **state)
{
	struct ring *r = *state;
	int64_t id = submit(r, "希望小区装电梯");
	expect_moved(r, &r->a_worker_a, id, "rejected", "需由业主共同决定，转交街道", 0, 0);
	char reason[200];
	raw_text(r->f, "SELECT reason FROM needs WHERE id = ?1", id, reason, sizeof reason);
	assert_string_equal(reason, "需由业主共同决定，转交街道");
	expect_refused(r, &r->a_worker_a, id, "accepted", NULL, 0, 0, XY_ECONFLICT,
		       "illegal_transition");
}

static void test_ring_merge(void **state)
{
	struct ring *r = *state;
	int64_t a = submit(r, "路灯不亮 1");
	int64_t b = submit(r, "路灯不亮 2");
	expect_moved(r, &r->a_worker_a, a, "merged", NULL, b, 0);
	assert_int_equal(raw_int(r->f, "SELECT merged_into FROM needs WHERE id = ?1", a), b);
	/* nothing merges into a merged need */
	int64_t c = submit(r, "路灯不亮 3");
	expect_refused(r, &r->a_worker_a, c, "merged", NULL, a, 0, XY_ECONFLICT,
		       "merge_target_closed");

	/* nor across communities: a need of community B recorded by its worker */
	struct need_input in = { .area_id = r->t.compound_b,
				 .category = "elderly",
				 .title = "路灯不亮",
				 .description = "水井坊的路灯",
				 .channel = "visit",
				 .on_behalf = true,
				 .behalf_name = "李大爷" };
	struct need_created out;
	struct xy_err e = { 0 };
	assert_int_equal(need_submit(r->f->s, &r->a_worker_b, &in, &out, &e), XY_OK);
	expect_refused(r, &r->a_worker_a, c, "merged", NULL, out.id, 0, XY_ECONFLICT,
		       "merge_other_community");
	/* and worker A cannot touch B's need at all */
	expect_refused(r, &r->a_worker_a, out.id, "accepted", NULL, 0, 0, XY_EFORBIDDEN,
		       "out_of_scope");
}

/* Last: everything the ring did is on an intact chain. */
static void test_ring_audit_verifies(void **state)
{
	struct ring *r = *state;
	struct audit_report rep = verify(r->f->s);
	if (!rep.ok)
		fail_msg("audit chain broken at %lld: %s", (long long)rep.bad_id, rep.problem);
	assert_int_equal(rep.count, raw_int(r->f, "SELECT COUNT(*) FROM audit_events", 0));
	assert_true(rep.count > 20);
}

static const struct CMUnitTest store_tests[] = {
	cmocka_unit_test_setup_teardown(test_migrate_twice, setup, teardown),
	cmocka_unit_test_setup_teardown(test_migrate_after_reopen, setup, teardown),
	cmocka_unit_test(test_open_bad_path),
	cmocka_unit_test_setup_teardown(test_fresh_audit_chain, setup, teardown),
	cmocka_unit_test_setup_teardown(test_tx_commit, setup, teardown),
	cmocka_unit_test_setup_teardown(test_tx_rollback, setup, teardown),
	cmocka_unit_test_setup_teardown(test_tx_rollback_keeps_earlier_commit, setup, teardown),
	cmocka_unit_test_setup_teardown(test_tx_conflict, setup, teardown),
	cmocka_unit_test_setup_teardown(test_tx_retries_unavailable, setup, teardown),
	cmocka_unit_test_setup_teardown(test_tx_unavailable_gives_up, setup, teardown),
	cmocka_unit_test_setup_teardown(test_tx_null_err, setup, teardown),
	cmocka_unit_test_setup_teardown(test_writer_single, setup, teardown),
	cmocka_unit_test_setup_teardown(test_writer_concurrent, setup, teardown),
	cmocka_unit_test_setup_teardown(test_audit_clean, setup, teardown),
	cmocka_unit_test_setup_teardown(test_audit_tamper_update_data, setup, teardown),
	cmocka_unit_test_setup_teardown(test_audit_tamper_each_column, setup, teardown),
	cmocka_unit_test_setup_teardown(test_audit_tamper_delete_middle, setup, teardown),
	cmocka_unit_test_setup_teardown(test_audit_tamper_delete_first, setup, teardown),
	cmocka_unit_test_setup_teardown(test_audit_tamper_delete_last, setup, teardown),
	cmocka_unit_test_setup_teardown(test_audit_tamper_delete_all, setup, teardown),
	cmocka_unit_test_setup_teardown(test_audit_tamper_rehashed, setup, teardown),
	cmocka_unit_test_setup_teardown(test_audit_tamper_swap, setup, teardown),
	cmocka_unit_test_setup_teardown(test_audit_tamper_head, setup, teardown),
	cmocka_unit_test_setup_teardown(test_audit_tamper_forged_append, setup, teardown),
	cmocka_unit_test_setup_teardown(test_audit_tamper_area_path, setup, teardown),
	cmocka_unit_test_setup_teardown(test_audit_appends_after_verify, setup, teardown),
	cmocka_unit_test_setup_teardown(test_area_create_rules, setup, teardown),
};
static const struct CMUnitTest ring_tests[] = {
	cmocka_unit_test(test_ring_actor_scopes),
	cmocka_unit_test(test_ring_submit),
	cmocka_unit_test(test_ring_refusals_change_nothing),
	cmocka_unit_test(test_ring_in_project_refused),
	cmocka_unit_test(test_ring_wish_path),
	cmocka_unit_test(test_ring_release_claim),
	cmocka_unit_test(test_ring_reject_keeps_reason),
	cmocka_unit_test(test_ring_merge),
	cmocka_unit_test(test_ring_audit_verifies),
};

#define NSTORE (sizeof store_tests / sizeof *store_tests)
#define NRING  (sizeof ring_tests / sizeof *ring_tests)

/* Runs both groups on the current backend; the names carry it ("test_tx_commit [pg]"). */
static int run_pass(const char *backend)
{
	static char names[NSTORE + NRING][96];
	struct CMUnitTest st[NSTORE], rt[NRING];
	for (size_t i = 0; i < NSTORE; i++) {
		st[i] = store_tests[i];
		snprintf(names[i], sizeof names[i], "%s [%s]", st[i].name, backend);
		st[i].name = names[i];
	}
	for (size_t i = 0; i < NRING; i++) {
		rt[i] = ring_tests[i];
		snprintf(names[NSTORE + i], sizeof names[NSTORE + i], "%s [%s]", rt[i].name,
			 backend);
		rt[i].name = names[NSTORE + i];
	}
	char store_group[32], ring_group[32];
	snprintf(store_group, sizeof store_group, "store/%s", backend);
	snprintf(ring_group, sizeof ring_group, "needs_ring/%s", backend);
	int failed = _cmocka_run_group_tests(store_group, st, NSTORE, NULL, NULL);
	failed += _cmocka_run_group_tests(ring_group, rt, NRING, ring_setup, ring_teardown);
	return failed;
}

int main(void)
{
	if (secret_init() != 0)
		return 1;
	int failed = run_pass("sqlite");
	const char *base = getenv("XINYUAN_TEST_PG");
	if (base && *base) {
		size_t n = strlen(base);
		if (n + 2 > sizeof pg_base_buf) {
			fprintf(stderr, "XINYUAN_TEST_PG is too long\n");
			return failed + 1;
		}
		snprintf(pg_base_buf, sizeof pg_base_buf, "%s%s", base,
			 base[n - 1] == '/' ? "" : "/");
		pg_base = pg_base_buf;
		failed += run_pass("pg");
	}
	return failed;
}
