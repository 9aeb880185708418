/* Tests for db_defer (src/store/db.c): work that runs just before a transaction commits, is
 * dropped with the savepoint it was registered in and with a rolled-back transaction, and runs
 * once even when the commit is retried. On a SQLite file of its own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/db.h"

struct fx {
	char dir[64], path[96];
	struct db *db;
};

static int runs, frees;

static int insert_row(struct db *db, void *arg)
{
	runs++;
	char sql[64];
	snprintf(sql, sizeof sql, "INSERT INTO t VALUES (%d)", *(int *)arg);
	return db_exec(db, sql);
}

static int fail_row(struct db *db, void *arg)
{
	(void)db;
	(void)arg;
	runs++;
	return DB_FAIL;
}

static void count_free(void *arg)
{
	(void)arg;
	frees++;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/xy-defer-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
	struct xy_err e = { 0 };
	f->db = db_open(f->path, &e);
	if (!f->db || db_exec(f->db, "CREATE TABLE t(x INTEGER)") != DB_OK)
		return -1;
	runs = frees = 0;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	db_close(f->db);
	unlink(f->path);
	char wal[128];
	snprintf(wal, sizeof wal, "%s-wal", f->path);
	unlink(wal);
	snprintf(wal, sizeof wal, "%s-shm", f->path);
	unlink(wal);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* The rows of t, as "1,2,3". */
static const char *rows(struct db *db)
{
	static char out[128];
	size_t o = 0;
	out[0] = '\0';
	struct db_stmt *st = db_stmt_sql(db, "SELECT x FROM t ORDER BY rowid");
	while (db_step(st) == DB_ROW)
		o += (size_t)snprintf(out + o, sizeof out - o, "%s%lld", o ? "," : "",
				      (long long)db_col_i64(st, 0));
	db_reset(st);
	return out;
}

static void test_runs_at_commit_in_order(void **state)
{
	struct fx *f = *state;
	static int one = 1, two = 2;
	assert_int_equal(db_begin(f->db), DB_OK);
	db_defer(f->db, insert_row, count_free, &one);
	db_defer(f->db, insert_row, count_free, &two);
	assert_int_equal(runs, 0);
	assert_int_equal(db_commit(f->db), DB_OK);
	assert_int_equal(runs, 2);
	assert_int_equal(frees, 2);
	assert_string_equal(rows(f->db), "1,2");
}

static void test_savepoints(void **state)
{
	struct fx *f = *state;
	static int one = 1, two = 2, three = 3;
	assert_int_equal(db_begin(f->db), DB_OK);
	/* kept: its savepoint is released */
	assert_int_equal(db_savepoint(f->db), DB_OK);
	db_defer(f->db, insert_row, count_free, &one);
	assert_int_equal(db_release(f->db), DB_OK);
	/* dropped with its savepoint */
	assert_int_equal(db_savepoint(f->db), DB_OK);
	db_defer(f->db, insert_row, count_free, &two);
	assert_int_equal(db_rollback_to(f->db), DB_OK);
	assert_int_equal(frees, 1);
	assert_int_equal(db_savepoint(f->db), DB_OK);
	db_defer(f->db, insert_row, count_free, &three);
	assert_int_equal(db_release(f->db), DB_OK);
	assert_int_equal(db_commit(f->db), DB_OK);
	assert_int_equal(runs, 2);
	assert_int_equal(frees, 3);
	assert_string_equal(rows(f->db), "1,3");
}

static void test_rollback_drops(void **state)
{
	struct fx *f = *state;
	static int one = 1;
	assert_int_equal(db_begin(f->db), DB_OK);
	db_defer(f->db, insert_row, count_free, &one);
	assert_int_equal(db_rollback(f->db), DB_OK);
	assert_int_equal(runs, 0);
	assert_int_equal(frees, 1);
	/* and nothing is left for the next transaction */
	assert_int_equal(db_begin(f->db), DB_OK);
	assert_int_equal(db_commit(f->db), DB_OK);
	assert_int_equal(runs, 0);
	assert_string_equal(rows(f->db), "");
}

static void test_failure_fails_the_commit(void **state)
{
	struct fx *f = *state;
	static int one = 1;
	assert_int_equal(db_begin(f->db), DB_OK);
	assert_int_equal(db_exec(f->db, "INSERT INTO t VALUES (9)"), DB_OK);
	db_defer(f->db, fail_row, count_free, NULL);
	db_defer(f->db, insert_row, count_free, &one);
	assert_int_equal(db_commit(f->db), DB_FAIL);
	assert_int_equal(frees, 2);
	/* the caller rolls back: nothing of the transaction stays */
	assert_int_equal(db_rollback(f->db), DB_OK);
	assert_string_equal(rows(f->db), "");
	/* a second commit attempt does not run the work again */
	assert_int_equal(db_begin(f->db), DB_OK);
	db_defer(f->db, insert_row, count_free, &one);
	assert_int_equal(db_commit(f->db), DB_OK);
	assert_int_equal(runs, 2);
	assert_string_equal(rows(f->db), "1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_runs_at_commit_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_savepoints, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_drops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_fails_the_commit, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
