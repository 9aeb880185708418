#include "store/projects.h"

#include <stdio.h>
#include <string.h>

#include "core/money.h"
#include "core/text.h"
#include "core/timefmt.h"
#include "store/areas.h"
#include "store/feedback.h"
#include "store/needs.h"
#include "store/rowjson.h"
#include "store/sqlb.h"

enum xy_kind project_facts_load(struct db *db, int64_t id, struct project_facts *out,
				struct xy_err *e)
{
	struct db_stmt *st = db_stmt(db, STMT_PROJECT_FACTS);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		memset(out, 0, sizeof *out);
		out->id = db_col_i64(st, 0);
		out->area_id = db_col_i64(st, 1);
		out->community_id = db_col_i64(st, 2);
		out->fund_id = db_col_i64(st, 3);
		out->created_by = db_col_i64(st, 4);
		out->status = (enum project_status)project_status_parse(db_col_text(st, 5));
		snprintf(out->area_path, sizeof out->area_path, "%s", db_col_text(st, 6));
		out->budget_fen = db_col_i64(st, 7);
		out->allocated_fen = db_col_i64(st, 8);
		out->spent_fen = db_col_i64(st, 9);
	}
	db_reset(st);
	if (rc == DB_DONE)
		return xy_fail(e, XY_ENOTFOUND, "project_not_found", NULL,
			       "project %lld does not exist", (long long)id);
	return rc == DB_ROW ? XY_OK : db_fail(db, rc, e);
}

/* ---- create ---------------------------------------------------------------------------- */

struct create {
	const struct actor *who;
	const struct project_input *in;
	int64_t id;
};

static enum xy_kind create_validate(const struct project_input *in, struct xy_err *e)
{
	if (in->area_id <= 0)
		return xy_fail(e, XY_EINVALID, "area_required", "area_id", "area_id is required");
	if (!text_len_ok(in->title, 1, PROJECT_TITLE_MAX))
		return xy_fail(e, XY_EINVALID, "invalid_title", "title",
			       "title must be 1 to %d characters", PROJECT_TITLE_MAX);
	if (!text_len_ok(in->goals, 1, PROJECT_TEXT_MAX))
		return xy_fail(e, XY_EINVALID, "invalid_goals", "goals",
			       "goals must be 1 to %d characters", PROJECT_TEXT_MAX);
	if (!text_len_ok(in->feasibility, 1, PROJECT_TEXT_MAX))
		return xy_fail(e, XY_EINVALID, "invalid_feasibility", "feasibility",
			       "the feasibility note must be 1 to %d characters", PROJECT_TEXT_MAX);
	if (in->budget_fen < 0 || in->budget_fen > MONEY_MAX_FEN)
		return xy_fail(e, XY_EINVALID, "invalid_amount", "budget_fen",
			       "budget_fen must be 0 to %lld fen", (long long)MONEY_MAX_FEN);
	if (in->fund_id <= 0)
		return xy_fail(e, XY_EINVALID, "fund_required", "fund_id",
			       "say which special fund pays for the project (fund_id)");
	if (in->nneeds < 1)
		return xy_fail(e, XY_EINVALID, "needs_required", "need_ids",
			       "a project is made from at least one accepted need");
	for (int i = 0; i < in->nneeds; i++)
		for (int j = 0; j < i; j++)
			if (in->need_ids[i] == in->need_ids[j])
				return xy_fail(e, XY_EINVALID, "duplicate_need", "need_ids",
					       "need %lld is listed twice",
					       (long long)in->need_ids[i]);
	for (int i = 0; i < in->nproviders; i++)
		for (int j = 0; j < i; j++)
			if (in->provider_ids[i] == in->provider_ids[j])
				return xy_fail(e, XY_EINVALID, "duplicate_provider", "provider_ids",
					       "provider %lld is listed twice",
					       (long long)in->provider_ids[i]);
	return XY_OK;
}

/* Each need: an accepted need of the project's community that no open project holds. */
static enum xy_kind needs_check(struct db *db, const struct project_input *in, const char *path,
				struct xy_err *e)
{
	for (int i = 0; i < in->nneeds; i++) {
		int64_t nid = in->need_ids[i];
		struct db_stmt *st = db_stmt(db, STMT_NEED_FACTS);
		if (!st)
			return db_fail(db, DB_FAIL, e);
		db_bind_i64(st, 1, nid);
		int rc = db_step(st);
		char status[16] = "", npath[AREA_PATH_MAX] = "";
		if (rc == DB_ROW) {
			snprintf(status, sizeof status, "%s", db_col_text(st, 0));
			snprintf(npath, sizeof npath, "%s", db_col_text(st, 1));
		}
		db_reset(st);
		if (rc == DB_DONE)
			return xy_fail(e, XY_EINVALID, "need_not_found", "need_ids",
				       "need %lld does not exist", (long long)nid);
		if (rc != DB_ROW)
			return db_fail(db, rc, e);
		if (!area_path_same_community(path, npath))
			return xy_fail(e, XY_ECONFLICT, "need_other_community", "need_ids",
				       "need %lld belongs to another community", (long long)nid);
		if (strcmp(status, "accepted") != 0)
			return xy_fail(e, XY_ECONFLICT, "need_not_accepted", "need_ids",
				       "need %lld is %s; a project takes accepted needs only",
				       (long long)nid, status);
		if (!(st = db_stmt(db, STMT_PROJECT_NEED_OPEN_PROJECT)))
			return db_fail(db, DB_FAIL, e);
		db_bind_i64(st, 1, nid);
		rc = db_step(st);
		int64_t other = rc == DB_ROW ? db_col_i64(st, 0) : 0;
		db_reset(st);
		if (rc != DB_ROW && rc != DB_DONE)
			return db_fail(db, rc, e);
		if (other)
			return xy_fail(e, XY_ECONFLICT, "need_in_project", "need_ids",
				       "need %lld already belongs to project %lld", (long long)nid,
				       (long long)other);
	}
	return XY_OK;
}

/* The fund must exist and cover the project's area. */
static enum xy_kind fund_check(struct db *db, int64_t fund_id, const char *path, struct xy_err *e)
{
	struct db_stmt *st = db_stmt(db, STMT_FUND_GET);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, fund_id);
	int rc = db_step(st);
	bool covers = rc == DB_ROW && area_path_within(db_col_text(st, 2), path);
	db_reset(st);
	if (rc == DB_DONE)
		return xy_fail(e, XY_EINVALID, "fund_not_found", "fund_id",
			       "fund %lld does not exist", (long long)fund_id);
	if (rc != DB_ROW)
		return db_fail(db, rc, e);
	if (!covers)
		return xy_fail(e, XY_ECONFLICT, "fund_out_of_area", "fund_id",
			       "fund %lld belongs to another area and cannot pay for this project",
			       (long long)fund_id);
	return XY_OK;
}

/* A provider serves a project registered at its area or above, or anywhere in its community. */
static enum xy_kind providers_check(struct db *db, const struct project_input *in, const char *path,
				    struct xy_err *e)
{
	for (int i = 0; i < in->nproviders; i++) {
		struct db_stmt *st = db_stmt(db, STMT_PROVIDER_AREA);
		if (!st)
			return db_fail(db, DB_FAIL, e);
		db_bind_i64(st, 1, in->provider_ids[i]);
		int rc = db_step(st);
		bool serves = rc == DB_ROW && area_provider_serves(db_col_text(st, 0), path);
		db_reset(st);
		if (rc == DB_DONE)
			return xy_fail(e, XY_EINVALID, "provider_not_found", "provider_ids",
				       "provider %lld does not exist",
				       (long long)in->provider_ids[i]);
		if (rc != DB_ROW)
			return db_fail(db, rc, e);
		if (!serves)
			return xy_fail(e, XY_ECONFLICT, "provider_out_of_area", "provider_ids",
				       "provider %lld does not serve this project's area",
				       (long long)in->provider_ids[i]);
	}
	return XY_OK;
}

static enum xy_kind history_add(struct db *db, int64_t project, const char *from, const char *to,
				int64_t actor, int64_t at, const char *reason, struct xy_err *e)
{
	struct db_stmt *st = db_stmt(db, STMT_PROJECT_HISTORY_INSERT);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, project);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	db_bind_id(st, 4, actor);
	db_bind_i64(st, 5, at);
	db_bind_text(st, 6, reason);
	int rc = db_run(st);
	return rc == DB_OK ? XY_OK : db_fail(db, rc, e);
}

static enum xy_kind link_rows(struct db *db, enum stmt_id id, int64_t project, const int64_t *ids,
			      int n, struct xy_err *e)
{
	for (int i = 0; i < n; i++) {
		struct db_stmt *st = db_stmt(db, id);
		if (!st)
			return db_fail(db, DB_FAIL, e);
		db_bind_i64(st, 1, project);
		db_bind_i64(st, 2, ids[i]);
		int rc = db_run(st);
		if (rc != DB_OK)
			return db_fail(db, rc, e);
	}
	return XY_OK;
}

static enum xy_kind create_tx(struct db *db, void *arg, struct xy_err *e)
{
	struct create *c = arg;
	const struct project_input *in = c->in;
	struct area_row a;
	enum xy_kind k = area_load(db, in->area_id, "area_id", &a, e);
	if (k)
		return k == XY_ENOTFOUND ? (e->kind = XY_EINVALID) : k;
	if (a.kind != AREA_COMMUNITY && a.kind != AREA_COMPOUND)
		return xy_fail(e, XY_EINVALID, "invalid_area", "area_id",
			       "projects belong to a community or a courtyard (compound)");
	if (!actor_may(c->who, ACT_PROJECT_DRAFT, a.path)) {
		if (actor_grant_any(c->who, ACT_PROJECT_DRAFT))
			return xy_fail(e, XY_EFORBIDDEN, "out_of_scope", "area_id",
				       "this area is outside your community");
		return xy_fail(e, XY_EFORBIDDEN, "forbidden", NULL,
			       "only community workers and secretaries draft projects");
	}
	if ((k = needs_check(db, in, a.path, e)) || (k = fund_check(db, in->fund_id, a.path, e)) ||
	    (k = providers_check(db, in, a.path, e)))
		return k;

	int64_t now = time_now();
	struct db_stmt *st = db_stmt(db, STMT_PROJECT_INSERT);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, a.id);
	db_bind_text(st, 2, a.path);
	db_bind_i64(st, 3, a.kind == AREA_COMMUNITY ? a.id : a.parent_id);
	db_bind_text(st, 4, in->title);
	db_bind_text(st, 5, in->goals);
	db_bind_text(st, 6, in->feasibility);
	db_bind_i64(st, 7, in->budget_fen);
	db_bind_i64(st, 8, in->fund_id);
	db_bind_id(st, 9, c->who->user_id);
	db_bind_i64(st, 10, now);
	int rc = db_step(st);
	if (rc != DB_ROW)
		return db_fail(db, rc, e);
	c->id = db_col_i64(st, 0);
	db_reset(st);
	if ((k = link_rows(db, STMT_PROJECT_NEED_INSERT, c->id, in->need_ids, in->nneeds, e)) ||
	    (k = link_rows(db, STMT_PROJECT_PROVIDER_INSERT, c->id, in->provider_ids,
			   in->nproviders, e)) ||
	    (k = history_add(db, c->id, NULL, "draft", c->who->user_id, now, NULL, e)))
		return k;
	json_t *needs = json_array();
	for (int i = 0; i < in->nneeds; i++)
		json_array_append_new(needs, json_integer(in->need_ids[i]));
	json_t *data = json_pack("{s:s, s:o, s:I, s:I, s:s}", "title", in->title, "need_ids", needs,
				 "budget_fen", (json_int_t)in->budget_fen, "fund_id",
				 (json_int_t)in->fund_id, "status", "draft");
	k = store_audit_append(db, c->who->user_id, a.id, "project.created", "project", c->id, data,
			       e);
	json_decref(data);
	return k;
}

enum xy_kind project_create(struct store *s, const struct actor *who,
			    const struct project_input *in, int64_t *id, struct xy_err *e)
{
	enum xy_kind k = create_validate(in, e);
	if (k)
		return k;
	struct create c = { .who = who, .in = in };
	if ((k = store_tx(s, create_tx, &c, e)) == XY_OK)
		*id = c.id;
	return k;
}

/* ---- transitions ----------------------------------------------------------------------- */

struct move {
	const struct actor *who;
	int64_t id;
	int to;
	const char *reason;
};

/* Loads the project's need ids (at most PROJECT_NEEDS_MAX). */
static enum xy_kind need_ids_load(struct db *db, int64_t project, int64_t *ids, int *n,
				  struct xy_err *e)
{
	struct db_stmt *st = db_stmt(db, STMT_PROJECT_NEED_IDS);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, project);
	int rc;
	*n = 0;
	while ((rc = db_step(st)) == DB_ROW && *n < PROJECT_NEEDS_MAX)
		ids[(*n)++] = db_col_i64(st, 0);
	db_reset(st);
	return rc == DB_ROW || rc == DB_DONE ? XY_OK : db_fail(db, rc, e);
}

/* Moves every need of the project (approval, closing, cancelling). A need that is no longer
 * where the project needs it (merged or rejected meanwhile) refuses the whole decision. */
static enum xy_kind needs_follow(struct db *db, const struct move *c, enum project_status from,
				 const char *title, struct xy_err *e)
{
	enum need_status to;
	char reason[256];
	if (c->to == PROJECT_APPROVED) {
		to = NEED_IN_PROJECT;
		snprintf(reason, sizeof reason, "纳入项目「%s」 / taken into project %lld", title,
			 (long long)c->id);
	} else if (c->to == PROJECT_CLOSED) {
		to = NEED_FULFILLED;
		snprintf(reason, sizeof reason, "项目「%s」已结项 / project %lld closed", title,
			 (long long)c->id);
	} else if (c->to == PROJECT_CANCELLED && from != PROJECT_DRAFT &&
		   from != PROJECT_PROPOSED) {
		to = NEED_ACCEPTED;
		snprintf(reason, sizeof reason, "项目「%s」已取消 / project %lld cancelled", title,
			 (long long)c->id);
	} else {
		return XY_OK;
	}
	int64_t ids[PROJECT_NEEDS_MAX];
	int n = 0;
	enum xy_kind k = need_ids_load(db, c->id, ids, &n, e);
	for (int i = 0; !k && i < n; i++) {
		k = need_move_by_project(db, c->who, ids[i], to, reason, c->id, e);
		if (k == XY_ECONFLICT && c->to == PROJECT_APPROVED)
			return xy_fail(e, XY_ECONFLICT, "need_not_accepted", "to",
				       "need %lld is no longer accepted (merged or rejected since "
				       "the project was drafted); take it out of the project first",
				       (long long)ids[i]);
	}
	return k;
}

static enum xy_kind move_tx(struct db *db, void *arg, struct xy_err *e)
{
	struct move *c = arg;
	struct project_facts p;
	enum xy_kind k = project_facts_load(db, c->id, &p, e);
	if (k)
		return k;
	struct project_move m = { .from = p.status,
				  .to = (enum project_status)c->to,
				  .area_path = p.area_path,
				  .reason = c->reason };
	if ((k = project_authorize(c->who, &m, e)))
		return k;
	struct db_stmt *st;
	int rc;
	if (c->to == PROJECT_CLOSED) {
		int64_t n = 0;
		if ((k = project_evaluation_count(db, c->id, &n, e)))
			return k;
		if (n == 0)
			return xy_fail(e, XY_ECONFLICT, "evaluation_required", "to",
				       "a project is closed only after a third-party evaluation "
				       "has been filed");
	}
	char title[PROJECT_TITLE_MAX * 4 + 1] = "";
	if (!(st = db_stmt_sql(db, "SELECT title FROM projects WHERE id = $1")))
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, c->id);
	if ((rc = db_step(st)) == DB_ROW)
		snprintf(title, sizeof title, "%s", db_col_text(st, 0));
	db_reset(st);
	if ((k = needs_follow(db, c, p.status, title, e)))
		return k;

	int64_t now = time_now();
	int days = project_stage_days((enum project_status)c->to);
	const char *from = project_status_name(p.status);
	const char *to = project_status_name((enum project_status)c->to);
	if (!(st = db_stmt(db, STMT_PROJECT_MOVE)))
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, c->id);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	db_bind_i64(st, 4, now);
	db_bind_id(st, 5, days ? now + (int64_t)days * 86400 : 0);
	db_bind_text(st, 6, c->reason);
	if ((rc = db_run(st)) != DB_OK)
		return db_fail(db, rc, e);
	if ((k = history_add(db, c->id, from, to, c->who->user_id, now, c->reason, e)))
		return k;
	json_t *data = json_pack("{s:s, s:s}", "from", from, "to", to);
	if (c->reason)
		json_object_set_new(data, "reason", json_string(c->reason));
	k = store_audit_append(db, c->who->user_id, p.area_id, "project.transition", "project",
			       c->id, data, e);
	json_decref(data);
	return k;
}

enum xy_kind project_transition(struct store *s, const struct actor *who, int64_t id,
				const char *to, const char *reason, struct xy_err *e)
{
	if (!to)
		return xy_fail(e, XY_EINVALID, "to_required", "to", "say which state to move to");
	struct move c = { .who = who, .id = id, .to = project_status_parse(to), .reason = reason };
	if (c.to < 0)
		return xy_fail(e, XY_EINVALID, "invalid_status", "to",
			       "unknown state '%s' (draft, proposed, approved, rejected, "
			       "in_progress, evaluating, closed, cancelled)",
			       to);
	return store_tx(s, move_tx, &c, e);
}

/* ---- reading --------------------------------------------------------------------------- */

#define PROJECT_COLS                                                                               \
	"p.id, p.area_id, a.name, p.title, p.status, p.budget_fen, p.allocated_fen, p.spent_fen, " \
	"COALESCE(p.fund_id, 0), p.created_at, p.updated_at, p.due_at, p.reason, p.area_path, "    \
	"p.goals, p.feasibility, COALESCE(p.created_by, 0), p.approved_at, p.closed_at, "          \
	"(SELECT COUNT(*) FROM project_needs pn WHERE pn.project_id = p.id) "
#define PROJECT_FROM " FROM projects p JOIN areas a ON a.id = p.area_id "

static void set_time(json_t *o, const char *key, struct db_stmt *st, int col)
{
	json_object_set_new(o, key,
			    db_col_null(st, col) ? json_null() : rowjson_time(db_col_i64(st, col)));
}

static json_t *project_row_json(struct db_stmt *st, bool full)
{
	const char *status = db_col_text(st, 4);
	int ps = project_status_parse(status);
	bool overdue = !db_col_null(st, 11) && ps >= 0 &&
		       !project_status_final((enum project_status)ps) &&
		       db_col_i64(st, 11) < time_now();
	int64_t allocated = db_col_i64(st, 6), spent = db_col_i64(st, 7);
	json_t *o = json_pack(
		"{s:I, s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:b, s:I}", "id",
		(json_int_t)db_col_i64(st, 0), "area_id", (json_int_t)db_col_i64(st, 1),
		"area_name", db_col_text(st, 2), "title", db_col_text(st, 3), "status", status,
		"budget_fen", (json_int_t)db_col_i64(st, 5), "allocated_fen", (json_int_t)allocated,
		"spent_fen", (json_int_t)spent, "balance_fen", (json_int_t)(allocated - spent),
		"overdue", overdue, "needs_count", (json_int_t)db_col_i64(st, 19));
	json_object_set_new(o, "fund_id",
			    db_col_i64(st, 8) ? json_integer(db_col_i64(st, 8)) : json_null());
	json_object_set_new(o, "reason",
			    db_col_text(st, 12) ? json_string(db_col_text(st, 12)) : json_null());
	set_time(o, "created_at", st, 9);
	set_time(o, "updated_at", st, 10);
	set_time(o, "due_at", st, 11);
	if (full) {
		json_object_set_new(o, "goals", json_string(db_col_text(st, 14)));
		json_object_set_new(o, "feasibility", json_string(db_col_text(st, 15)));
		json_object_set_new(o, "created_by",
				    db_col_i64(st, 16) ? json_integer(db_col_i64(st, 16))
						       : json_null());
		set_time(o, "approved_at", st, 17);
		set_time(o, "closed_at", st, 18);
	}
	return o;
}

static json_t *project_list_row(struct db_stmt *st, const void *ctx)
{
	(void)ctx;
	return project_row_json(st, false);
}

enum xy_kind projects_list(struct store *s, const struct actor *who, const struct project_filter *f,
			   json_t **out, struct xy_err *e)
{
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	if (f->status && project_status_parse(f->status) < 0)
		return xy_fail(e, XY_EINVALID, "invalid_status", "status", "unknown status '%s'",
			       f->status);
	int64_t from = 0, to = INT64_MAX;
	if (f->year && time_year_bounds(f->year, &from, &to) != 0)
		return xy_fail(e, XY_EINVALID, "invalid_year", "year", "year must be 1970 to 9999");
	char path[AREA_PATH_MAX], upper[AREA_PATH_MAX];
	enum xy_kind k = area_scope(db, who, ACT_PROJECT_READ, f->area_id, path, e);
	if (k)
		return k;
	area_path_upper(path, upper, sizeof upper);

	struct sqlb b;
	int64_t total = 0;
	for (int pass = 0; pass < 2; pass++) {
		sqlb_init(&b, pass ? "SELECT " PROJECT_COLS PROJECT_FROM
				   : "SELECT COUNT(*) FROM projects p");
		sqlb_text(&b, " WHERE p.area_path >= ?", path);
		sqlb_text(&b, " AND p.area_path < ?", upper);
		sqlb_int(&b, " AND p.created_at >= ?", from);
		sqlb_int(&b, " AND p.created_at < ?", to);
		if (f->status)
			sqlb_text(&b, " AND p.status = ?", f->status);
		if (pass) {
			sqlb_int(&b, " ORDER BY p.id DESC LIMIT ?", f->pg.per_page);
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
		json_t *items = rowjson_rows(st, project_list_row, NULL);
		if (!items)
			return db_fail(db, DB_FAIL, e);
		*out = rowjson_page(items, total, &f->pg);
	}
	return XY_OK;
}

/* The rows of a one-parameter statement as objects built by row(). */
static enum xy_kind rows_json(struct db *db, enum stmt_id id, int64_t param, rowjson_row_fn row,
			      json_t **out, struct xy_err *e)
{
	struct db_stmt *st = db_stmt(db, id);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, param);
	*out = rowjson_rows(st, row, NULL);
	return *out ? XY_OK : db_fail(db, DB_FAIL, e);
}

static json_t *need_row(struct db_stmt *st, const void *ctx)
{
	(void)ctx;
	return json_pack("{s:I, s:s?, s:s, s:s, s:s}", "id", (json_int_t)db_col_i64(st, 0),
			 "tracking_no", db_col_text(st, 1), "title", db_col_text(st, 2), "status",
			 db_col_text(st, 3), "category", db_col_text(st, 4));
}

static json_t *provider_row(struct db_stmt *st, const void *ctx)
{
	(void)ctx;
	return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_col_i64(st, 0), "name",
			 db_col_text(st, 1), "kind", db_col_text(st, 2));
}

static json_t *history_row(struct db_stmt *st, const void *ctx)
{
	(void)ctx;
	json_t *o = json_object();
	const char *from = db_col_text(st, 0), *reason = db_col_text(st, 4);
	json_object_set_new(o, "from", from ? json_string(from) : json_null());
	json_object_set_new(o, "to", json_string(db_col_text(st, 1)));
	json_object_set_new(o, "actor_id",
			    db_col_i64(st, 2) ? json_integer(db_col_i64(st, 2)) : json_null());
	set_time(o, "at", st, 3);
	json_object_set_new(o, "reason", reason ? json_string(reason) : json_null());
	return o;
}

static enum xy_kind figures_json(struct db *db, int64_t id, json_t *o, struct xy_err *e)
{
	struct db_stmt *st = db_stmt(db, STMT_PROJECT_FIGURES);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, id);
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_reset(st);
		return db_fail(db, rc, e);
	}
	int64_t v[6];
	for (int i = 0; i < 6; i++)
		v[i] = db_col_i64(st, i);
	db_reset(st);
	json_object_set_new(o, "activities_count", json_integer(v[0]));
	json_object_set_new(o, "person_times", json_integer(v[1]));
	json_object_set_new(o, "feedback_count", json_integer(v[2]));
	json_object_set_new(o, "satisfaction_rate",
			    v[2] ? json_real((double)v[3] / (double)v[2]) : json_null());
	json_object_set_new(o, "evaluations_count", json_integer(v[4]));
	json_object_set_new(o, "evaluation_score",
			    v[4] ? json_real((double)v[5] / (double)v[4]) : json_null());
	return XY_OK;
}

enum xy_kind project_get(struct store *s, const struct actor *who, int64_t id, json_t **out,
			 struct xy_err *e)
{
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	struct sqlb b;
	sqlb_init(&b, "SELECT " PROJECT_COLS PROJECT_FROM);
	sqlb_int(&b, " WHERE p.id = ?", id);
	struct db_stmt *st = sqlb_stmt(&b, db);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_reset(st);
		return rc == DB_DONE ? xy_fail(e, XY_ENOTFOUND, "project_not_found", NULL,
					       "project %lld does not exist", (long long)id)
				     : db_fail(db, rc, e);
	}
	if (!actor_may(who, ACT_PROJECT_READ, db_col_text(st, 13))) {
		db_reset(st);
		return xy_fail(e, XY_EFORBIDDEN, "out_of_scope", NULL,
			       "project %lld is outside your area", (long long)id);
	}
	json_t *o = project_row_json(st, true);
	db_reset(st);
	json_t *needs = NULL, *providers = NULL, *history = NULL;
	enum xy_kind k;
	if ((k = rows_json(db, STMT_PROJECT_NEEDS, id, need_row, &needs, e)) ||
	    (k = rows_json(db, STMT_PROJECT_PROVIDERS, id, provider_row, &providers, e)) ||
	    (k = rows_json(db, STMT_PROJECT_HISTORY_LIST, id, history_row, &history, e)) ||
	    (k = figures_json(db, id, o, e))) {
		json_decref(needs);
		json_decref(providers);
		json_decref(history);
		json_decref(o);
		return k;
	}
	json_object_set_new(o, "needs", needs);
	json_object_set_new(o, "providers", providers);
	json_object_set_new(o, "history", history);
	*out = o;
	return XY_OK;
}
