#include "store/transfer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/migrate.h"

const struct transfer_table transfer_tables[] = {
	{ "areas", "id, name, kind, parent_id, path, created_at", 6 },
	{ "categories", "code, name, name_en, sort", 4 },
	{ "users", "id, username, password_hash, display_name, phone, disabled, created_at", 7 },
	{ "grants", "user_id, role, area_id", 3 },
	{ "sessions", "token_hash, user_id, csrf, created_at, expires_at", 5 },
	{ "login_failures", "key, count, window_start", 3 },
	{ "providers",
	  "id, kind, name, area_id, area_path, capacity, contact, user_id, created_by, created_at",
	  10 },
	{ "provider_skills", "provider_id, category", 2 },
	/* merged_into is copied in a second pass: a need may be merged into a later one */
	{ "needs",
	  "id, tracking_no, area_id, area_path, category, title, description, beneficiaries, "
	  "urgency, channel, status, submitter_id, recorded_by, behalf_name, behalf_phone, "
	  "provider_id, reason, supporters, created_at, updated_at, respond_by, responded_at, "
	  "accepted_at, resolved_at, community_id",
	  25 },
	{ "need_supports", "need_id, user_id, created_at", 3 },
	{ "need_counts", "area_id, area_path, status, n", 4 },
	{ "need_history",
	  "id, need_id, from_status, to_status, actor_id, at, reason, provider_id, merged_into, "
	  "merged_from",
	  10 },
	/* the search's folded text and band keys (the same on both sides; the SQLite FTS5
	 * indexes are not copied: PostgreSQL indexes need_text itself) */
	{ "need_text", "skey, title, body, category, area_id", 5 },
	{ "need_sigs", "band, skey", 2 },
	{ "funds",
	  "id, area_id, area_path, year, name, amount_fen, allocated_fen, created_by, created_at",
	  9 },
	{ "projects",
	  "id, area_id, area_path, community_id, title, goals, feasibility, budget_fen, fund_id, "
	  "status, reason, allocated_fen, spent_fen, created_by, created_at, updated_at, stage_at, "
	  "due_at, approved_at, closed_at",
	  20 },
	{ "project_needs", "project_id, need_id", 2 },
	{ "project_providers", "project_id, provider_id", 2 },
	{ "project_history", "id, project_id, from_status, to_status, actor_id, at, reason", 7 },
	/* earmarks come before the project allocations drawn from them: ids grow */
	{ "fund_allocations",
	  "id, fund_id, area_id, area_path, project_id, parent_id, amount_fen, used_fen, note, "
	  "created_by, created_at",
	  11 },
	{ "expenditures",
	  "id, project_id, fund_id, area_path, amount_fen, payee, receipt_no, note, created_by, "
	  "created_at",
	  10 },
	{ "venues", "id, area_id, area_path, name, address, created_by, created_at", 7 },
	{ "venue_zones", "id, venue_id, name, colour, purpose, capacity", 6 },
	{ "activities",
	  "id, project_id, area_id, area_path, title, category, starts_at, ends_at, zone_id, "
	  "capacity, signups, person_times, created_by, created_at",
	  14 },
	{ "bookings",
	  "id, zone_id, starts_at, ends_at, purpose, activity_id, created_by, created_at", 8 },
	{ "activity_signups", "activity_id, user_id, created_at", 3 },
	{ "feedback", "id, project_id, user_id, area_path, rating, score, comment, created_at", 8 },
	{ "evaluations", "id, project_id, evaluator_id, score, scorecard, report, created_at", 7 },
	{ "area_population",
	  "area_id, residents, elderly, children, disabled, low_income, updated_by, updated_at",
	  8 },
	{ "pb_rounds",
	  "id, area_id, area_path, fund_id, title, budget_fen, rule, vote_type, min_approvals, "
	  "max_approvals, status, ballots, result, created_by, created_at, closed_by, closed_at",
	  17 },
	{ "pb_round_projects",
	  "round_id, pos, code, project_id, title, cost_fen, supporters, selected", 8 },
	{ "pb_ballots",
	  "id, round_id, user_id, voter_key, approvals, points, created_at, updated_at", 8 },
	{ "audit_events",
	  "id, at, actor_id, area_id, area_path, action, entity, entity_id, data, prev_hash, hash",
	  11 },
	{ "audit_head", "id, last_id, last_hash", 3 },
};
const int transfer_tables_count = (int)(sizeof transfer_tables / sizeof transfer_tables[0]);
_Static_assert(sizeof transfer_tables / sizeof transfer_tables[0] <=
		       sizeof((struct transfer_report *)0)->rows / sizeof(int64_t),
	       "transfer_report.rows holds a count per table");

/* Tables whose identity sequence must follow the copied ids on PostgreSQL. */
static const char *const identity_tables[] = {
	"areas",        "users",           "providers",
	"needs",        "need_history",    "funds",
	"projects",     "project_history", "fund_allocations",
	"expenditures", "venues",          "venue_zones",
	"activities",   "bookings",        "feedback",
	"evaluations",  "pb_rounds",       "pb_ballots",
};

struct copy {
	struct db *src;
	struct transfer_report *r;
};

static int64_t count_rows(struct db *db, const char *table)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", table);
	struct db_stmt *st = db_stmt_sql(db, sql);
	int64_t n = -1;
	if (st && db_step(st) == DB_ROW)
		n = db_col_i64(st, 0);
	if (st)
		db_reset(st);
	return n;
}

/* Rows per INSERT: one round trip per batch rather than per row (PostgreSQL allows 65535
 * parameters and SQLite 32766; the widest table has 25 columns). */
enum { COPY_BATCH = 200, COPY_SQL_CAP = 64 * 1024 };

/* "INSERT INTO t (cols) VALUES ($1, ...), ..." for nrows rows. */
static void insert_sql(char *buf, size_t cap, const struct transfer_table *t, int nrows)
{
	size_t len = (size_t)snprintf(buf, cap, "INSERT INTO %s (%s) VALUES ", t->name, t->cols);
	for (int r = 0, p = 1; r < nrows && len < cap; r++) {
		len += (size_t)snprintf(buf + len, cap - len, "%s(", r ? ", " : "");
		for (int c = 0; c < t->ncols && len < cap; c++, p++)
			len += (size_t)snprintf(buf + len, cap - len, "%s$%d", c ? ", " : "", p);
		if (len < cap)
			len += (size_t)snprintf(buf + len, cap - len, ")");
	}
}

/* Copies one table in source order. The row count, read in the same snapshot, says how many
 * full batches there are; the rest go one row per statement. */
static enum xy_kind copy_table(struct db *src, struct db *dst, const struct transfer_table *t,
			       int64_t *rows, struct xy_err *e)
{
	char sel[1024];
	snprintf(sel, sizeof sel, "SELECT %s FROM %s ORDER BY 1", t->cols, t->name);
	int64_t n = count_rows(src, t->name);
	if (n < 0)
		return db_fail(src, DB_FAIL, e);
	char *sql = malloc(COPY_SQL_CAP);
	if (!sql)
		return xy_fail(e, XY_EINTERNAL, "out_of_memory", NULL, "out of memory");
	struct db_stmt *in = db_stmt_sql(src, sel);
	if (!in) {
		free(sql);
		return db_fail(src, DB_FAIL, e);
	}
	int64_t full = n / COPY_BATCH * COPY_BATCH;
	struct db_stmt *out = NULL;
	int rc, k = XY_OK, inbatch = 0, batch = 0;
	*rows = 0;
	while ((rc = db_step(in)) == DB_ROW) {
		if (!out) {
			batch = *rows < full ? COPY_BATCH : 1;
			insert_sql(sql, COPY_SQL_CAP, t, batch);
			if (!(out = db_stmt_sql(dst, sql))) {
				k = db_fail(dst, DB_FAIL, e);
				break;
			}
		}
		for (int i = 0; i < t->ncols; i++)
			db_bind_text(out, inbatch * t->ncols + i + 1, db_col_text(in, i));
		if (++inbatch < batch)
			continue;
		if (db_run(out) != DB_OK) {
			k = xy_fail(e, XY_EINTERNAL, "copy_failed", t->name,
				    "copying %s failed: %s", t->name, db_errmsg(dst));
			break;
		}
		*rows += inbatch;
		inbatch = 0;
		out = NULL;
	}
	db_reset(in);
	free(sql);
	if (k)
		return (enum xy_kind)k;
	if (rc != DB_DONE)
		return db_fail(src, rc, e);
	if (*rows != n)
		return xy_fail(e, XY_EINTERNAL, "copy_failed", t->name,
			       "%s changed while it was copied", t->name);
	return XY_OK;
}

static enum xy_kind copy_merges(struct db *src, struct db *dst, struct xy_err *e)
{
	struct db_stmt *in = db_stmt_sql(
		src, "SELECT id, merged_into FROM needs WHERE merged_into IS NOT NULL ORDER BY id");
	if (!in)
		return db_fail(src, DB_FAIL, e);
	int rc;
	while ((rc = db_step(in)) == DB_ROW) {
		struct db_stmt *out =
			db_stmt_sql(dst, "UPDATE needs SET merged_into = $2 WHERE id = $1");
		if (!out) {
			db_reset(in);
			return db_fail(dst, DB_FAIL, e);
		}
		db_bind_i64(out, 1, db_col_i64(in, 0));
		db_bind_i64(out, 2, db_col_i64(in, 1));
		if ((rc = db_run(out)) != DB_OK) {
			db_reset(in);
			return db_fail(dst, rc, e);
		}
	}
	db_reset(in);
	return rc == DB_DONE ? XY_OK : db_fail(src, rc, e);
}

static enum xy_kind copy_tx(struct db *dst, void *arg, struct xy_err *e)
{
	struct copy *c = arg;
	if (count_rows(dst, "users") != 0 || count_rows(dst, "needs") != 0 ||
	    count_rows(dst, "areas") != 0)
		return xy_fail(e, XY_ECONFLICT, "target_not_empty", "to",
			       "the target already holds data; migrate into an empty database");
	/* the target's own seed rows (categories, the empty audit head) give way to the source's */
	if (db_exec(dst, "DELETE FROM audit_head") != DB_OK ||
	    db_exec(dst, "DELETE FROM categories") != DB_OK)
		return db_fail(dst, DB_FAIL, e);
	enum xy_kind k;
	for (int i = 0; i < transfer_tables_count; i++) {
		if ((k = copy_table(c->src, dst, &transfer_tables[i], &c->r->rows[i], e)))
			return k;
		c->r->total += c->r->rows[i];
	}
	if ((k = copy_merges(c->src, dst, e)))
		return k;
	if (db_dialect(dst) == DB_PG) {
		for (size_t i = 0; i < sizeof identity_tables / sizeof *identity_tables; i++) {
			char sql[256];
			snprintf(sql, sizeof sql,
				 "SELECT setval(pg_get_serial_sequence('%s', 'id'), "
				 "(SELECT COALESCE(MAX(id), 0) + 1 FROM %s), false)",
				 identity_tables[i], identity_tables[i]);
			if (db_exec(dst, sql) != DB_OK)
				return db_fail(dst, DB_FAIL, e);
		}
	}
	return XY_OK;
}

enum xy_kind transfer_copy(struct store *from, struct store *to, struct transfer_report *r,
			   struct xy_err *e)
{
	memset(r, 0, sizeof *r);
	struct db *src = store_conn(from, e);
	if (!src)
		return e->kind;
	struct db *dst = store_conn(to, e);
	if (!dst)
		return e->kind;
	int vs = migrate_version(src), vd = migrate_version(dst);
	if (vs < 0 || vd < 0)
		return xy_fail(e, XY_EINTERNAL, "schema_unknown", NULL,
			       "cannot read the schema versions");
	if (vs != vd)
		return xy_fail(e, XY_ECONFLICT, "schema_mismatch", "from",
			       "the source is at schema version %d and the target at %d; run "
			       "`xinyuan init` on the source first",
			       vs, vd);
	struct copy c = { .src = src, .r = r };
	if (db_begin_read(src) != DB_OK)
		return db_fail(src, DB_RETRY, e);
	enum xy_kind k = store_tx(to, copy_tx, &c, e);
	db_rollback(src);
	return k;
}
