/* pg — the PostgreSQL driver on libpq: statements prepared once per connection (PQprepare),
 * parameters sent as text, error classes from SQLSTATE (40001/40P01 -> RETRY, 23xxx ->
 * CONFLICT), a lost connection is re-established and its statements prepared again. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "store/db.h"

/* PostgreSQL's protocol limit on parameters per statement */
#define PG_MAX_PARAMS 65535

struct pg_conn {
	PGconn *c;
	unsigned generation; /* bumped on reconnect: statements must be prepared again */
	unsigned next_id;
	char err[256];
};

struct pg_stmt {
	struct pg_conn *pc;
	char name[24];
	char *sql;
	unsigned generation;
	int nparams;
	char **values; /* nparams entries, owned */
	PGresult *res;
	int row, nrows;
	bool executed;
};

static int classify_state(const char *state)
{
	if (!state)
		return DB_FAIL;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "55P03") == 0 || strncmp(state, "08", 2) == 0 ||
	    strcmp(state, "57P01") == 0)
		return DB_RETRY;
	if (strncmp(state, "23", 2) == 0)
		return DB_CONFLICT;
	return DB_FAIL;
}

static int classify(struct pg_conn *pc, PGresult *res)
{
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY)
		return DB_OK;
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	snprintf(pc->err, sizeof pc->err, "%s",
		 res ? PQresultErrorMessage(res) : PQerrorMessage(pc->c));
	if (PQstatus(pc->c) == CONNECTION_BAD) {
		PQreset(pc->c);
		pc->generation++;
		return DB_RETRY;
	}
	int rc = classify_state(state);
	if (rc == DB_FAIL)
		fprintf(stderr, "xinyuan: postgresql: %s", pc->err);
	return rc;
}

static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static int pg_open(const char *target, void **out, char *err, size_t errlen)
{
	PGconn *c = PQconnectdb(target);
	if (!c || PQstatus(c) != CONNECTION_OK) {
		snprintf(err, errlen, "%s", c ? PQerrorMessage(c) : "out of memory");
		PQfinish(c);
		return DB_FAIL;
	}
	PQsetNoticeProcessor(c, quiet, NULL);
	PGresult *r = PQexec(c, "SET client_encoding = 'UTF8'; SET synchronous_commit = on; "
				"SET client_min_messages = warning");
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	if (!ok) {
		snprintf(err, errlen, "%s", PQerrorMessage(c));
		PQfinish(c);
		return DB_FAIL;
	}
	struct pg_conn *pc = xy_calloc(1, sizeof *pc);
	pc->c = c;
	*out = pc;
	return DB_OK;
}

static void pg_close(void *conn)
{
	struct pg_conn *pc = conn;
	PQfinish(pc->c);
	free(pc);
}

static int pg_exec(void *conn, const char *sql)
{
	struct pg_conn *pc = conn;
	PGresult *r = PQexec(pc->c, sql);
	int rc = classify(pc, r);
	PQclear(r);
	return rc;
}

static int do_prepare(struct pg_stmt *s)
{
	PGresult *r = PQprepare(s->pc->c, s->name, s->sql, 0, NULL);
	int rc = classify(s->pc, r);
	PQclear(r);
	if (rc != DB_OK)
		return rc;
	r = PQdescribePrepared(s->pc->c, s->name);
	rc = classify(s->pc, r);
	if (rc == DB_OK && !s->values) {
		s->nparams = PQnparams(r);
		s->values = xy_calloc(s->nparams ? (size_t)s->nparams : 1, sizeof *s->values);
	}
	PQclear(r);
	s->generation = s->pc->generation;
	return s->nparams > PG_MAX_PARAMS ? DB_FAIL : rc;
}

static void *pg_prepare(void *conn, const char *sql)
{
	struct pg_conn *pc = conn;
	struct pg_stmt *s = xy_calloc(1, sizeof *s);
	s->pc = pc;
	s->sql = xy_strdup(sql);
	snprintf(s->name, sizeof s->name, "xy%u", pc->next_id++);
	if (do_prepare(s) != DB_OK) {
		free(s->values);
		free(s->sql);
		free(s);
		return NULL;
	}
	return s;
}

static void clear_values(struct pg_stmt *s)
{
	for (int i = 0; i < s->nparams; i++) {
		free(s->values[i]);
		s->values[i] = NULL;
	}
}

static void pg_reset(void *stmt)
{
	struct pg_stmt *s = stmt;
	PQclear(s->res);
	s->res = NULL;
	s->row = s->nrows = 0;
	s->executed = false;
	clear_values(s);
}

static void pg_finalize(void *stmt)
{
	struct pg_stmt *s = stmt;
	pg_reset(s);
	if (s->generation == s->pc->generation && PQstatus(s->pc->c) == CONNECTION_OK) {
		char sql[64];
		snprintf(sql, sizeof sql, "DEALLOCATE %s", s->name);
		PQclear(PQexec(s->pc->c, sql));
	}
	free(s->values);
	free(s->sql);
	free(s);
}

static int set_value(struct pg_stmt *s, int idx, char *v)
{
	if (idx < 1 || idx > s->nparams) {
		free(v);
		return DB_FAIL;
	}
	free(s->values[idx - 1]);
	s->values[idx - 1] = v;
	return DB_OK;
}

static int pg_bind_i64(void *stmt, int idx, int64_t v)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%lld", (long long)v);
	return set_value(stmt, idx, xy_strdup(buf));
}

static int pg_bind_text(void *stmt, int idx, const char *v)
{
	return set_value(stmt, idx, xy_strdup(v));
}

static int pg_bind_null(void *stmt, int idx)
{
	return set_value(stmt, idx, NULL);
}

static int pg_step(void *stmt)
{
	struct pg_stmt *s = stmt;
	if (!s->executed) {
		if (s->generation != s->pc->generation) {
			int rc = do_prepare(s);
			if (rc != DB_OK)
				return rc;
		}
		s->res = PQexecPrepared(s->pc->c, s->name, s->nparams,
					(const char *const *)s->values, NULL, NULL, 0);
		s->executed = true;
		int rc = classify(s->pc, s->res);
		if (rc != DB_OK)
			return rc;
		s->nrows = PQresultStatus(s->res) == PGRES_TUPLES_OK ? PQntuples(s->res) : 0;
		s->row = -1;
	}
	if (s->row + 1 < s->nrows) {
		s->row++;
		return DB_ROW;
	}
	return DB_DONE;
}

static int64_t pg_col_i64(void *stmt, int col)
{
	struct pg_stmt *s = stmt;
	const char *v = PQgetvalue(s->res, s->row, col);
	return v ? strtoll(v, NULL, 10) : 0;
}

static const char *pg_col_text(void *stmt, int col)
{
	struct pg_stmt *s = stmt;
	if (PQgetisnull(s->res, s->row, col))
		return NULL;
	return PQgetvalue(s->res, s->row, col);
}

static bool pg_col_null(void *stmt, int col)
{
	struct pg_stmt *s = stmt;
	return PQgetisnull(s->res, s->row, col) != 0;
}

static const char *pg_errmsg(void *conn)
{
	struct pg_conn *pc = conn;
	return pc->err[0] ? pc->err : PQerrorMessage(pc->c);
}

const struct db_driver db_driver_pg = {
	.name = "postgresql",
	.dialect = DB_PG,
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.bind_i64 = pg_bind_i64,
	.bind_text = pg_bind_text,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.reset = pg_reset,
	.col_i64 = pg_col_i64,
	.col_text = pg_col_text,
	.col_null = pg_col_null,
	.errmsg = pg_errmsg,
	.backup = NULL,
};
