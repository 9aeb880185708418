#include "store/funds.h"

#include <stdio.h>
#include <string.h>

#include "core/money.h"
#include "core/project.h"
#include "core/text.h"
#include "core/timefmt.h"
#include "store/areas.h"
#include "store/projects.h"
#include "store/rowjson.h"
#include "store/sqlb.h"

#define FUND_NAME_MAX  100
#define PAYEE_MAX      100
#define RECEIPT_MAX    64
#define MONEY_NOTE_MAX 500

struct fund_row {
	int64_t id, area_id, amount_fen, allocated_fen;
	int year;
	char path[AREA_PATH_MAX];
};

static enum xy_kind fund_load(struct db *db, int64_t id, struct fund_row *f, struct xy_err *e)
{
	struct db_stmt *st = db_stmt(db, STMT_FUND_GET);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		f->id = db_col_i64(st, 0);
		f->area_id = db_col_i64(st, 1);
		snprintf(f->path, sizeof f->path, "%s", db_col_text(st, 2));
		f->year = (int)db_col_i64(st, 3);
		f->amount_fen = db_col_i64(st, 5);
		f->allocated_fen = db_col_i64(st, 6);
	}
	db_reset(st);
	if (rc == DB_DONE)
		return xy_fail(e, XY_ENOTFOUND, "fund_not_found", NULL, "fund %lld does not exist",
			       (long long)id);
	return rc == DB_ROW ? XY_OK : db_fail(db, rc, e);
}

/* 403 out_of_scope when the actor may take act somewhere but not at path, else forbidden. */
static enum xy_kind deny(const struct actor *who, enum action act, const char *what,
			 struct xy_err *e)
{
	if (actor_grant_any(who, act))
		return xy_fail(e, XY_EFORBIDDEN, "out_of_scope", NULL,
			       "this %s is outside your area", what);
	return xy_fail(e, XY_EFORBIDDEN, "forbidden", NULL, "your role may not %s",
		       act == ACT_FUND_CREATE ? "set up special funds" : "allocate special funds");
}

static char *fen_text(int64_t fen, char *buf, size_t cap)
{
	money_format_yuan(fen, buf, cap);
	return buf;
}

/* ---- funds ----------------------------------------------------------------------------- */

struct fund_new {
	const struct actor *who;
	const struct fund_input *in;
	int64_t id;
};

static enum xy_kind fund_create_tx(struct db *db, void *arg, struct xy_err *e)
{
	struct fund_new *c = arg;
	struct area_row a;
	enum xy_kind k = area_load(db, c->in->area_id, "area_id", &a, e);
	if (k)
		return k == XY_ENOTFOUND ? (e->kind = XY_EINVALID) : k;
	if (!actor_may(c->who, ACT_FUND_CREATE, a.path))
		return deny(c->who, ACT_FUND_CREATE, "area", e);
	struct db_stmt *st = db_stmt(db, STMT_FUND_INSERT);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, a.id);
	db_bind_text(st, 2, a.path);
	db_bind_i64(st, 3, c->in->year);
	db_bind_text(st, 4, c->in->name);
	db_bind_i64(st, 5, c->in->amount_fen);
	db_bind_id(st, 6, c->who->user_id);
	db_bind_i64(st, 7, time_now());
	int rc = db_step(st);
	if (rc != DB_ROW)
		return db_fail(db, rc, e);
	c->id = db_col_i64(st, 0);
	db_reset(st);
	json_t *data = json_pack("{s:s, s:i, s:I}", "name", c->in->name, "year", c->in->year,
				 "amount_fen", (json_int_t)c->in->amount_fen);
	k = store_audit_append(db, c->who->user_id, a.id, "fund.created", "fund", c->id, data, e);
	json_decref(data);
	return k;
}

enum xy_kind fund_create(struct store *s, const struct actor *who, const struct fund_input *in,
			 int64_t *id, struct xy_err *e)
{
	if (in->area_id <= 0)
		return xy_fail(e, XY_EINVALID, "area_required", "area_id", "area_id is required");
	if (in->year < 2000 || in->year > 2100)
		return xy_fail(e, XY_EINVALID, "invalid_year", "year", "year must be 2000 to 2100");
	if (!text_len_ok(in->name, 1, FUND_NAME_MAX))
		return xy_fail(e, XY_EINVALID, "invalid_name", "name",
			       "name must be 1 to %d characters", FUND_NAME_MAX);
	if (!money_amount_ok(in->amount_fen))
		return xy_fail(e, XY_EINVALID, "invalid_amount", "amount_fen",
			       "amount_fen must be a whole number of fen from 1 to %lld",
			       (long long)MONEY_MAX_FEN);
	struct fund_new c = { .who = who, .in = in };
	enum xy_kind k = store_tx(s, fund_create_tx, &c, e);
	if (k == XY_OK)
		*id = c.id;
	return k;
}

/* ---- allocations ----------------------------------------------------------------------- */

struct alloc {
	const struct actor *who;
	int64_t fund_id;
	const struct allocation_input *in;
	int64_t id;
};

/* Takes amount from the fund itself; 409 over_allocation when it does not have it. */
static enum xy_kind draw_fund(struct db *db, const struct fund_row *f, int64_t amount,
			      struct xy_err *e)
{
	struct db_stmt *st = db_stmt(db, STMT_FUND_DRAW);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, f->id);
	db_bind_i64(st, 2, amount);
	int rc = db_step(st);
	db_reset(st);
	if (rc == DB_ROW)
		return XY_OK;
	if (rc != DB_DONE)
		return db_fail(db, rc, e);
	/* the row may have moved since f was read: report what is left now */
	struct fund_row now;
	enum xy_kind k = fund_load(db, f->id, &now, e);
	if (k)
		return k;
	char left[48], want[48];
	return xy_fail(e, XY_ECONFLICT, "over_allocation", "amount_fen",
		       "fund %lld has %s yuan left to allocate; %s yuan asked", (long long)f->id,
		       fen_text(now.amount_fen - now.allocated_fen, left, sizeof left),
		       fen_text(amount, want, sizeof want));
}

/* The earmark a project allocation draws from: the fund's earmark for the nearest area on the
 * project's path; of several earmarks for that area, the first (in the order they were made)
 * with enough left. pick = 0 when the fund has no earmark above the project (the money then
 * comes from the fund itself); an earmark exists but none has enough: 409 over_allocation. */
struct earmark {
	int64_t id, left_total;
	int depth;
	char path[AREA_PATH_MAX];
};

static enum xy_kind earmark_find(struct db *db, int64_t fund, const char *path, int64_t amount,
				 struct earmark *m, struct xy_err *e)
{
	memset(m, 0, sizeof *m);
	struct db_stmt *st = db_stmt(db, STMT_FUND_EARMARKS);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, fund);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *ep = db_col_text(st, 2);
		if (!area_path_within(ep, path))
			continue;
		int depth = area_path_depth(ep);
		int64_t left = db_col_i64(st, 1);
		if (depth > m->depth) { /* a nearer area: start over */
			m->depth = depth;
			m->id = 0;
			m->left_total = 0;
			snprintf(m->path, sizeof m->path, "%s", ep);
		}
		if (depth == m->depth) {
			m->left_total += left;
			if (!m->id && left >= amount)
				m->id = db_col_i64(st, 0);
		}
	}
	db_reset(st);
	if (rc != DB_DONE)
		return db_fail(db, rc, e);
	char left[48], want[48];
	if (m->depth && !m->id)
		return xy_fail(
			e, XY_ECONFLICT, "over_allocation", "amount_fen",
			"the earmark for this project's area has %s yuan left; %s yuan asked",
			fen_text(m->left_total, left, sizeof left),
			fen_text(amount, want, sizeof want));
	return XY_OK;
}

static enum xy_kind earmark_draw(struct db *db, int64_t id, int64_t amount, struct xy_err *e)
{
	struct db_stmt *st = db_stmt(db, STMT_EARMARK_DRAW);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, id);
	db_bind_i64(st, 2, amount);
	int rc = db_step(st);
	db_reset(st);
	char want[48];
	if (rc == DB_DONE) /* taken meanwhile by a concurrent allocation */
		return xy_fail(e, XY_ECONFLICT, "over_allocation", "amount_fen",
			       "the earmark for this project's area no longer has %s yuan left",
			       fen_text(amount, want, sizeof want));
	return rc == DB_ROW ? XY_OK : db_fail(db, rc, e);
}

/* Money for a project. Whoever may allocate at the source (the earmark's area, or the fund's
 * area when there is no earmark) may do it: a community secretary spends their community's
 * earmark of a district fund. */
static enum xy_kind alloc_project(struct db *db, struct alloc *c, const struct fund_row *f,
				  struct area_row *target, int64_t *parent, struct xy_err *e)
{
	struct project_facts p;
	enum xy_kind k = project_facts_load(db, c->in->project_id, &p, e);
	if (k == XY_ENOTFOUND)
		return xy_fail(e, XY_EINVALID, "project_not_found", "project_id",
			       "project %lld does not exist", (long long)c->in->project_id);
	if (k)
		return k;
	if (!actor_may(c->who, ACT_PROJECT_READ, p.area_path) &&
	    !actor_may(c->who, ACT_FUND_ALLOCATE, f->path))
		return deny(c->who, ACT_FUND_ALLOCATE, "project", e);
	if (p.fund_id != f->id)
		return xy_fail(e, XY_ECONFLICT, "fund_mismatch", "project_id",
			       "project %lld is paid from fund %lld, not from this one",
			       (long long)p.id, (long long)p.fund_id);
	struct earmark m;
	if ((k = earmark_find(db, f->id, p.area_path, c->in->amount_fen, &m, e)) &&
	    k != XY_ECONFLICT)
		return k;
	if (!actor_may(c->who, ACT_FUND_ALLOCATE, m.depth ? m.path : f->path))
		return deny(c->who, ACT_FUND_ALLOCATE, "fund", e);
	if (k)
		return k; /* the earmark has too little left */
	if (!project_takes_allocation(p.status))
		return xy_fail(e, XY_ECONFLICT, "project_not_fundable", "project_id",
			       "project %lld is %s; money goes to approved or running projects",
			       (long long)p.id, project_status_name(p.status));
	int64_t sum;
	if (!money_add(p.allocated_fen, c->in->amount_fen, &sum) || sum > p.budget_fen) {
		char left[48], want[48];
		return xy_fail(e, XY_ECONFLICT, "over_budget", "amount_fen",
			       "project %lld has %s yuan of its budget left to fund; %s yuan asked",
			       (long long)p.id,
			       fen_text(p.budget_fen - p.allocated_fen, left, sizeof left),
			       fen_text(c->in->amount_fen, want, sizeof want));
	}
	if (m.id)
		k = earmark_draw(db, m.id, c->in->amount_fen, e);
	else
		k = draw_fund(db, f, c->in->amount_fen, e);
	if (k)
		return k;
	*parent = m.id;
	struct db_stmt *st = db_stmt(db, STMT_PROJECT_DRAW);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, p.id);
	db_bind_i64(st, 2, c->in->amount_fen);
	db_bind_i64(st, 3, time_now());
	int rc = db_step(st);
	db_reset(st);
	if (rc == DB_DONE)
		return xy_fail(e, XY_ECONFLICT, "over_budget", "amount_fen",
			       "project %lld's budget no longer has room for this allocation",
			       (long long)p.id);
	if (rc != DB_ROW)
		return db_fail(db, rc, e);
	target->id = p.area_id;
	snprintf(target->path, sizeof target->path, "%s", p.area_path);
	return XY_OK;
}

static enum xy_kind alloc_tx(struct db *db, void *arg, struct xy_err *e)
{
	struct alloc *c = arg;
	struct fund_row f;
	enum xy_kind k = fund_load(db, c->fund_id, &f, e);
	if (k)
		return k;
	struct area_row target = { 0 };
	int64_t parent = 0;
	if (c->in->project_id) {
		if ((k = alloc_project(db, c, &f, &target, &parent, e)))
			return k;
	} else {
		if (!actor_may(c->who, ACT_FUND_ALLOCATE, f.path))
			return deny(c->who, ACT_FUND_ALLOCATE, "fund", e);
		if ((k = area_load(db, c->in->area_id, "area_id", &target, e)))
			return k == XY_ENOTFOUND ? (e->kind = XY_EINVALID) : k;
		if (!area_path_within(f.path, target.path) || strcmp(f.path, target.path) == 0)
			return xy_fail(e, XY_EINVALID, "area_outside_fund", "area_id",
				       "an earmark goes to an area inside the fund's own area");
		if ((k = draw_fund(db, &f, c->in->amount_fen, e)))
			return k;
	}
	struct db_stmt *st = db_stmt(db, STMT_ALLOCATION_INSERT);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	int64_t now = time_now();
	db_bind_i64(st, 1, f.id);
	db_bind_i64(st, 2, target.id);
	db_bind_text(st, 3, target.path);
	db_bind_id(st, 4, c->in->project_id);
	db_bind_id(st, 5, parent);
	db_bind_i64(st, 6, c->in->amount_fen);
	db_bind_text(st, 7, c->in->note);
	db_bind_id(st, 8, c->who->user_id);
	db_bind_i64(st, 9, now);
	int rc = db_step(st);
	if (rc != DB_ROW)
		return db_fail(db, rc, e);
	c->id = db_col_i64(st, 0);
	db_reset(st);
	json_t *data = json_pack("{s:I, s:I, s:I}", "allocation_id", (json_int_t)c->id, "fund_id",
				 (json_int_t)f.id, "amount_fen", (json_int_t)c->in->amount_fen);
	if (parent)
		json_object_set_new(data, "earmark_id", json_integer(parent));
	if (c->in->project_id) {
		k = store_audit_append(db, c->who->user_id, target.id, "fund.allocated", "project",
				       c->in->project_id, data, e);
	} else {
		json_object_set_new(data, "area_id", json_integer(target.id));
		k = store_audit_append(db, c->who->user_id, target.id, "fund.earmarked", "fund",
				       f.id, data, e);
	}
	json_decref(data);
	return k;
}

enum xy_kind fund_allocate(struct store *s, const struct actor *who, int64_t fund_id,
			   const struct allocation_input *in, int64_t *id, struct xy_err *e)
{
	if ((in->area_id > 0) == (in->project_id > 0))
		return xy_fail(e, XY_EINVALID, "target_required", "project_id",
			       "give exactly one of area_id (an earmark) or project_id");
	if (in->area_id < 0 || in->project_id < 0)
		return xy_fail(e, XY_EINVALID, "invalid_id",
			       in->area_id < 0 ? "area_id" : "project_id",
			       "ids are positive integers");
	if (!money_amount_ok(in->amount_fen))
		return xy_fail(e, XY_EINVALID, "invalid_amount", "amount_fen",
			       "amount_fen must be a whole number of fen from 1 to %lld",
			       (long long)MONEY_MAX_FEN);
	if (in->note && !text_len_ok(in->note, 0, MONEY_NOTE_MAX))
		return xy_fail(e, XY_EINVALID, "invalid_note", "note",
			       "note must be valid text of at most %d characters", MONEY_NOTE_MAX);
	struct alloc c = { .who = who, .fund_id = fund_id, .in = in };
	enum xy_kind k = store_tx(s, alloc_tx, &c, e);
	if (k == XY_OK)
		*id = c.id;
	return k;
}

/* ---- expenditures ---------------------------------------------------------------------- */

struct spend {
	const struct actor *who;
	int64_t project_id;
	const struct expenditure_input *in;
	int64_t id;
};

static enum xy_kind spend_tx(struct db *db, void *arg, struct xy_err *e)
{
	struct spend *c = arg;
	struct project_facts p;
	enum xy_kind k = project_facts_load(db, c->project_id, &p, e);
	if (k)
		return k;
	if (!actor_may(c->who, ACT_PROJECT_READ, p.area_path))
		return xy_fail(e, XY_EFORBIDDEN, "out_of_scope", NULL,
			       "project %lld is outside your area", (long long)p.id);
	if (!actor_may(c->who, ACT_SPEND, p.area_path))
		return xy_fail(e, XY_EFORBIDDEN, "forbidden", NULL,
			       "only the community's workers and secretary record expenditures");
	if (!project_takes_spending(p.status))
		return xy_fail(e, XY_ECONFLICT, "project_not_spendable", NULL,
			       "project %lld is %s; expenditures are recorded from approval until "
			       "evaluation",
			       (long long)p.id, project_status_name(p.status));
	int64_t now = time_now();
	struct db_stmt *st = db_stmt(db, STMT_PROJECT_SPEND);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, p.id);
	db_bind_i64(st, 2, c->in->amount_fen);
	db_bind_i64(st, 3, now);
	int rc = db_step(st);
	db_reset(st);
	if (rc == DB_DONE) {
		struct project_facts cur;
		if ((k = project_facts_load(db, p.id, &cur, e)))
			return k;
		char left[48], want[48];
		return xy_fail(e, XY_ECONFLICT, "overspending", "amount_fen",
			       "project %lld has %s yuan of its allocation left; %s yuan asked",
			       (long long)p.id,
			       fen_text(cur.allocated_fen - cur.spent_fen, left, sizeof left),
			       fen_text(c->in->amount_fen, want, sizeof want));
	}
	if (rc != DB_ROW)
		return db_fail(db, rc, e);
	if (!(st = db_stmt(db, STMT_EXPENDITURE_INSERT)))
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, p.id);
	db_bind_i64(st, 2, p.fund_id);
	db_bind_text(st, 3, p.area_path);
	db_bind_i64(st, 4, c->in->amount_fen);
	db_bind_text(st, 5, c->in->payee);
	db_bind_text(st, 6, c->in->receipt_no);
	db_bind_text(st, 7, c->in->note);
	db_bind_id(st, 8, c->who->user_id);
	db_bind_i64(st, 9, now);
	rc = db_step(st);
	if (rc == DB_CONFLICT) {
		db_reset(st);
		return xy_fail(e, XY_ECONFLICT, "duplicate_receipt", "receipt_no",
			       "receipt %s is already recorded for this project",
			       c->in->receipt_no);
	}
	if (rc != DB_ROW) {
		db_reset(st);
		return db_fail(db, rc, e);
	}
	c->id = db_col_i64(st, 0);
	db_reset(st);
	json_t *data = json_pack("{s:I, s:I, s:I, s:s, s:s}", "expenditure_id", (json_int_t)c->id,
				 "fund_id", (json_int_t)p.fund_id, "amount_fen",
				 (json_int_t)c->in->amount_fen, "payee", c->in->payee, "receipt_no",
				 c->in->receipt_no);
	k = store_audit_append(db, c->who->user_id, p.area_id, "project.spent", "project", p.id,
			       data, e);
	json_decref(data);
	return k;
}

enum xy_kind project_spend(struct store *s, const struct actor *who, int64_t project_id,
			   const struct expenditure_input *in, int64_t *id, struct xy_err *e)
{
	if (!money_amount_ok(in->amount_fen))
		return xy_fail(e, XY_EINVALID, "invalid_amount", "amount_fen",
			       "amount_fen must be a whole number of fen from 1 to %lld",
			       (long long)MONEY_MAX_FEN);
	if (!text_len_ok(in->payee, 1, PAYEE_MAX))
		return xy_fail(e, XY_EINVALID, "invalid_payee", "payee",
			       "payee must be 1 to %d characters", PAYEE_MAX);
	if (!text_len_ok(in->receipt_no, 1, RECEIPT_MAX))
		return xy_fail(e, XY_EINVALID, "invalid_receipt", "receipt_no",
			       "receipt_no must be 1 to %d characters", RECEIPT_MAX);
	if (in->note && !text_len_ok(in->note, 0, MONEY_NOTE_MAX))
		return xy_fail(e, XY_EINVALID, "invalid_note", "note",
			       "note must be valid text of at most %d characters", MONEY_NOTE_MAX);
	struct spend c = { .who = who, .project_id = project_id, .in = in };
	enum xy_kind k = store_tx(s, spend_tx, &c, e);
	if (k == XY_OK)
		*id = c.id;
	return k;
}

/* ---- reading --------------------------------------------------------------------------- */

static json_t *fund_json(struct db_stmt *st, int64_t spent)
{
	int64_t amount = db_col_i64(st, 5), allocated = db_col_i64(st, 6);
	json_t *o =
		json_pack("{s:I, s:I, s:s, s:I, s:s, s:I, s:I, s:I, s:I}", "id",
			  (json_int_t)db_col_i64(st, 0), "area_id", (json_int_t)db_col_i64(st, 1),
			  "area_name", db_col_text(st, 8), "year", (json_int_t)db_col_i64(st, 3),
			  "name", db_col_text(st, 4), "amount_fen", (json_int_t)amount,
			  "allocated_fen", (json_int_t)allocated, "unallocated_fen",
			  (json_int_t)(amount - allocated), "spent_fen", (json_int_t)spent);
	json_object_set_new(o, "created_at", rowjson_time(db_col_i64(st, 7)));
	return o;
}

/* A row of the funds list: the fund and, in column 9, what was spent from it. */
static json_t *fund_list_row(struct db_stmt *st, const void *ctx)
{
	(void)ctx;
	return fund_json(st, db_col_i64(st, 9));
}

enum xy_kind funds_list(struct store *s, const struct actor *who, const struct fund_filter *f,
			json_t **out, struct xy_err *e)
{
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	if (f->year && (f->year < 2000 || f->year > 2100))
		return xy_fail(e, XY_EINVALID, "invalid_year", "year", "year must be 2000 to 2100");
	char path[AREA_PATH_MAX], upper[AREA_PATH_MAX];
	enum xy_kind k = area_scope(db, who, ACT_FUND_READ, f->area_id, path, e);
	if (k)
		return k;
	area_path_upper(path, upper, sizeof upper);
	/* funds of the subtree and of the areas above it (a district's fund pays for its
	 * communities' projects) */
	struct sqlb b;
	int64_t total = 0;
	for (int pass = 0; pass < 2; pass++) {
		sqlb_init(&b, pass ? "SELECT f.id, f.area_id, f.area_path, f.year, f.name, "
				     "f.amount_fen, f.allocated_fen, f.created_at, a.name, "
				     "(SELECT COALESCE(SUM(x.amount_fen), 0) FROM expenditures x "
				     "WHERE x.fund_id = f.id) FROM funds f JOIN areas a ON a.id = "
				     "f.area_id"
				   : "SELECT COUNT(*) FROM funds f");
		sqlb_text(&b, " WHERE ((f.area_path >= ?", path);
		sqlb_text(&b, " AND f.area_path < ?)", upper);
		sqlb_text(&b, " OR ? LIKE f.area_path || '%')", path);
		if (f->year)
			sqlb_int(&b, " AND f.year = ?", f->year);
		if (pass) {
			sqlb_int(&b, " ORDER BY f.year DESC, f.id DESC LIMIT ?", f->pg.per_page);
			sqlb_int(&b, " OFFSET ?", (int64_t)(f->pg.page - 1) * f->pg.per_page);
		}
		struct db_stmt *st = sqlb_stmt(&b, db);
		if (!st)
			return db_fail(db, DB_FAIL, e);
		if (!pass) {
			int rc = rowjson_scalar(st, &total);
			if (rc != DB_OK)
				return db_fail(db, rc, e);
			continue;
		}
		json_t *items = rowjson_rows(st, fund_list_row, NULL);
		if (!items)
			return db_fail(db, DB_FAIL, e);
		*out = rowjson_page(items, total, &f->pg);
	}
	return XY_OK;
}

static json_t *allocation_json(struct db_stmt *st, const void *ctx)
{
	(void)ctx;
	bool project = !db_col_null(st, 3);
	json_t *o = json_pack("{s:I, s:s, s:I, s:I, s:s}", "id", (json_int_t)db_col_i64(st, 0),
			      "kind", project ? "project" : "earmark", "area_id",
			      (json_int_t)db_col_i64(st, 1), "amount_fen",
			      (json_int_t)db_col_i64(st, 6), "area_name", db_col_text(st, 2));
	json_object_set_new(o, "project_id",
			    project ? json_integer(db_col_i64(st, 3)) : json_null());
	json_object_set_new(o, "project_title", rowjson_text(db_col_text(st, 4)));
	json_object_set_new(o, "earmark_id",
			    db_col_i64(st, 5) ? json_integer(db_col_i64(st, 5)) : json_null());
	if (!project) {
		json_object_set_new(o, "used_fen", json_integer(db_col_i64(st, 7)));
		json_object_set_new(o, "left_fen",
				    json_integer(db_col_i64(st, 6) - db_col_i64(st, 7)));
	}
	json_object_set_new(o, "note", rowjson_text(db_col_text(st, 8)));
	json_object_set_new(o, "created_at", rowjson_time(db_col_i64(st, 9)));
	return o;
}

static json_t *fund_expenditure_json(struct db_stmt *st, const void *ctx)
{
	(void)ctx;
	json_t *o = json_pack("{s:I, s:I, s:s, s:I, s:s, s:s}", "id", (json_int_t)db_col_i64(st, 0),
			      "project_id", (json_int_t)db_col_i64(st, 1), "project_title",
			      db_col_text(st, 2), "amount_fen", (json_int_t)db_col_i64(st, 3),
			      "payee", db_col_text(st, 4), "receipt_no", db_col_text(st, 5));
	json_object_set_new(o, "note", rowjson_text(db_col_text(st, 6)));
	json_object_set_new(o, "at", rowjson_time(db_col_i64(st, 7)));
	return o;
}

static json_t *project_allocation_json(struct db_stmt *st, const void *ctx)
{
	(void)ctx;
	json_t *o = json_pack("{s:I, s:I, s:I}", "id", (json_int_t)db_col_i64(st, 0), "fund_id",
			      (json_int_t)db_col_i64(st, 1), "amount_fen",
			      (json_int_t)db_col_i64(st, 3));
	json_object_set_new(o, "earmark_id",
			    db_col_i64(st, 2) ? json_integer(db_col_i64(st, 2)) : json_null());
	json_object_set_new(o, "note", rowjson_text(db_col_text(st, 4)));
	json_object_set_new(o, "at", rowjson_time(db_col_i64(st, 5)));
	return o;
}

static json_t *project_expenditure_json(struct db_stmt *st, const void *ctx)
{
	(void)ctx;
	json_t *o = json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)db_col_i64(st, 0),
			      "amount_fen", (json_int_t)db_col_i64(st, 1), "payee",
			      db_col_text(st, 2), "receipt_no", db_col_text(st, 3));
	json_object_set_new(o, "note", rowjson_text(db_col_text(st, 4)));
	json_object_set_new(o, "at", rowjson_time(db_col_i64(st, 5)));
	json_object_set_new(o, "recorded_by",
			    db_col_i64(st, 6) ? json_integer(db_col_i64(st, 6)) : json_null());
	return o;
}

/* The rows of a one-parameter statement, each made by row(). */
static enum xy_kind ledger_rows(struct db *db, enum stmt_id id, int64_t param, rowjson_row_fn row,
				json_t **out, struct xy_err *e)
{
	struct db_stmt *st = db_stmt(db, id);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, param);
	*out = rowjson_rows(st, row, NULL);
	return *out ? XY_OK : db_fail(db, DB_FAIL, e);
}

enum xy_kind fund_get(struct store *s, const struct actor *who, int64_t id, json_t **out,
		      struct xy_err *e)
{
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	/* one snapshot: the totals and the rows they sum agree */
	if (db_begin_read(db) != DB_OK)
		return db_fail(db, DB_RETRY, e);
	struct db_stmt *st = db_stmt(db, STMT_FUND_GET);
	enum xy_kind k = XY_OK;
	json_t *o = NULL, *allocs = NULL, *spends = NULL;
	int rc = DB_FAIL;
	if (st) {
		db_bind_i64(st, 1, id);
		rc = db_step(st);
	}
	if (rc == DB_DONE) {
		k = xy_fail(e, XY_ENOTFOUND, "fund_not_found", NULL, "fund %lld does not exist",
			    (long long)id);
	} else if (rc != DB_ROW) {
		k = db_fail(db, rc, e);
	} else if (!actor_may_related(who, ACT_FUND_READ, db_col_text(st, 2))) {
		k = xy_fail(e, XY_EFORBIDDEN, "out_of_scope", NULL,
			    "fund %lld is outside your area", (long long)id);
	} else {
		o = fund_json(st, 0);
	}
	if (st)
		db_reset(st);
	if (!k)
		k = ledger_rows(db, STMT_FUND_ALLOCATIONS, id, allocation_json, &allocs, e);
	if (!k)
		k = ledger_rows(db, STMT_FUND_EXPENDITURES, id, fund_expenditure_json, &spends, e);
	db_rollback(db);
	if (k) {
		json_decref(o);
		json_decref(allocs);
		return k;
	}
	int64_t spent = 0;
	size_t i;
	json_t *x;
	json_array_foreach(spends, i, x)
	{
		spent += json_integer_value(json_object_get(x, "amount_fen"));
	}
	json_object_set_new(o, "spent_fen", json_integer(spent));
	json_object_set_new(o, "allocations", allocs);
	json_object_set_new(o, "expenditures", spends);
	*out = o;
	return XY_OK;
}

enum xy_kind project_ledger(struct store *s, const struct actor *who, int64_t project_id,
			    json_t **out, struct xy_err *e)
{
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	if (db_begin_read(db) != DB_OK)
		return db_fail(db, DB_RETRY, e);
	struct project_facts p;
	json_t *allocs = NULL, *spends = NULL;
	enum xy_kind k = project_facts_load(db, project_id, &p, e);
	if (!k && !actor_may(who, ACT_FUND_READ, p.area_path) &&
	    !actor_may(who, ACT_PROJECT_READ, p.area_path))
		k = xy_fail(e, XY_EFORBIDDEN, "out_of_scope", NULL,
			    "project %lld is outside your area", (long long)project_id);
	if (!k)
		k = ledger_rows(db, STMT_PROJECT_ALLOCATIONS, project_id, project_allocation_json,
				&allocs, e);
	if (!k)
		k = ledger_rows(db, STMT_PROJECT_EXPENDITURES, project_id, project_expenditure_json,
				&spends, e);
	db_rollback(db);
	if (k) {
		json_decref(allocs);
		return k;
	}
	*out = json_pack("{s:I, s:I, s:I, s:I, s:I, s:o, s:o}", "project_id",
			 (json_int_t)project_id, "budget_fen", (json_int_t)p.budget_fen,
			 "allocated_fen", (json_int_t)p.allocated_fen, "spent_fen",
			 (json_int_t)p.spent_fen, "balance_fen",
			 (json_int_t)(p.allocated_fen - p.spent_fen), "allocations", allocs,
			 "expenditures", spends);
	json_object_set_new(*out, "fund_id", p.fund_id ? json_integer(p.fund_id) : json_null());
	return XY_OK;
}

/* ---- several allocations in one transaction (the fund split, issue 6) ------------------- */

struct alloc_batch {
	const struct actor *who;
	int64_t fund_id;
	const struct allocation_input *in;
	size_t n;
	int64_t *ids;
	const char *action;
	json_t *data;
};

static enum xy_kind alloc_batch_tx(struct db *db, void *arg, struct xy_err *e)
{
	struct alloc_batch *b = arg;
	for (size_t i = 0; i < b->n; i++) {
		struct alloc c = { .who = b->who, .fund_id = b->fund_id, .in = &b->in[i] };
		enum xy_kind k = alloc_tx(db, &c, e);
		if (k)
			return k;
		b->ids[i] = c.id;
	}
	struct fund_row f;
	enum xy_kind k = fund_load(db, b->fund_id, &f, e);
	if (k || !b->action)
		return k;
	return store_audit_append(db, b->who->user_id, f.area_id, b->action, "fund", f.id, b->data,
				  e);
}

enum xy_kind fund_allocate_batch(struct store *s, const struct actor *who, int64_t fund_id,
				 const struct allocation_input *in, size_t n, int64_t *ids,
				 const char *action, json_t *data, struct xy_err *e)
{
	for (size_t i = 0; i < n; i++)
		if ((in[i].area_id > 0) == (in[i].project_id > 0) || in[i].area_id < 0 ||
		    in[i].project_id < 0 || !money_amount_ok(in[i].amount_fen))
			return xy_fail(e, XY_EINVALID, "invalid_allocation", NULL,
				       "allocation %zu needs one target and 1 to %lld fen", i + 1,
				       (long long)MONEY_MAX_FEN);
	struct alloc_batch b = { who, fund_id, in, n, ids, action, data };
	return store_tx(s, alloc_batch_tx, &b, e);
}
