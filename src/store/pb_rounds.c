#include "store/pb_rounds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/money.h"
#include "core/project.h"
#include "core/text.h"
#include "core/timefmt.h"
#include "store/areas.h"
#include "store/projects.h"
#include "store/sqlb.h"

#define DEFAULT_TITLE "参与式预算"

struct round_row {
	int64_t id, area_id, fund_id, budget_fen, min_approvals, max_approvals, ballots;
	int64_t created_at, closed_at;
	bool open, closed;
	char status[16];
	char area_path[AREA_PATH_MAX], area_name[128], title[512], rule[64], vote_type[16];
	char *result; /* owned */
};

static enum xy_kind round_read(struct db *db, int64_t id, struct round_row *r, struct xy_err *e)
{
	memset(r, 0, sizeof *r);
	struct db_stmt *st = db_stmt(db, STMT_PB_ROUND_GET);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		r->id = db_col_i64(st, 0);
		r->area_id = db_col_i64(st, 1);
		snprintf(r->area_path, sizeof r->area_path, "%s", db_col_text(st, 2));
		r->fund_id = db_col_i64(st, 3);
		snprintf(r->title, sizeof r->title, "%s", db_col_text(st, 4));
		r->budget_fen = db_col_i64(st, 5);
		snprintf(r->rule, sizeof r->rule, "%s", db_col_text(st, 6));
		snprintf(r->vote_type, sizeof r->vote_type, "%s", db_col_text(st, 7));
		r->min_approvals = db_col_i64(st, 8);
		r->max_approvals = db_col_i64(st, 9);
		snprintf(r->status, sizeof r->status, "%s", db_col_text(st, 10));
		r->open = strcmp(r->status, "open") == 0;
		r->closed = strcmp(r->status, "closed") == 0;
		r->ballots = db_col_i64(st, 11);
		r->result = db_col_null(st, 13) ? NULL : xy_strdup(db_col_text(st, 13));
		r->created_at = db_col_i64(st, 14);
		r->closed_at = db_col_i64(st, 15);
		snprintf(r->area_name, sizeof r->area_name, "%s", db_col_text(st, 16));
	}
	db_reset(st);
	if (rc == DB_DONE)
		return xy_fail(e, XY_ENOTFOUND, "pb_round_not_found", NULL,
			       "budgeting round %lld does not exist", (long long)id);
	return rc == DB_ROW ? XY_OK : db_fail(db, rc, e);
}

/* Does the actor live inside path: a grant that may vote, on an area inside path? */
static bool lives_in(const struct actor *who, const char *path)
{
	for (int i = 0; who && i < who->ngrants; i++)
		if (role_may(who->grants[i].role, ACT_PB_VOTE) &&
		    area_path_within(path, who->grants[i].path))
			return true;
	return false;
}

static void set_time(json_t *o, const char *key, int64_t t)
{
	char iso[40];
	if (!t) {
		json_object_set_new(o, key, json_null());
		return;
	}
	time_iso(t, iso, sizeof iso);
	json_object_set_new(o, key, json_string(iso));
}

/* ---- opening ------------------------------------------------------------------------------ */

struct open_ctx {
	const struct actor *who;
	const struct pb_round_input *in;
	int64_t min, max;
	int64_t id;
};

static enum xy_kind check_fund(struct db *db, const struct pb_round_input *in,
			       const struct area_row *a, struct xy_err *e)
{
	struct db_stmt *st = db_stmt(db, STMT_FUND_GET);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, in->fund_id);
	int rc = db_step(st);
	char path[AREA_PATH_MAX] = "";
	int64_t left = 0;
	if (rc == DB_ROW) {
		snprintf(path, sizeof path, "%s", db_col_text(st, 2));
		left = db_col_i64(st, 5) - db_col_i64(st, 6);
	}
	db_reset(st);
	if (rc == DB_DONE)
		return xy_fail(e, XY_EINVALID, "fund_not_found", "fund_id",
			       "fund %lld does not exist", (long long)in->fund_id);
	if (rc != DB_ROW)
		return db_fail(db, rc, e);
	if (!area_path_within(path, a->path))
		return xy_fail(e, XY_EINVALID, "fund_outside_area", "fund_id",
			       "fund %lld does not cover this area", (long long)in->fund_id);
	if (left < in->budget_fen) {
		char l[48], b[48];
		money_format_yuan(left, l, sizeof l);
		money_format_yuan(in->budget_fen, b, sizeof b);
		return xy_fail(e, XY_ECONFLICT, "over_allocation", "budget_fen",
			       "fund %lld has %s yuan left to allocate; the round's budget is %s",
			       (long long)in->fund_id, l, b);
	}
	return XY_OK;
}

/* Checks project i (and fills *title from the project when it has none). */
static enum xy_kind check_project(struct db *db, const struct pb_project_input *p, size_t i,
				  const struct area_row *a, char *title, size_t cap,
				  struct xy_err *e)
{
	char field[48];
	snprintf(field, sizeof field, "projects[%zu]", i);
	if (p->cost_fen < 0 || p->cost_fen > MONEY_MAX_FEN)
		return xy_fail(e, XY_EINVALID, "invalid_amount", field,
			       "cost_fen must be 0 to %lld fen", (long long)MONEY_MAX_FEN);
	if (p->code && (!text_len_ok(p->code, 1, PB_ROUND_CODE_MAX) || strchr(p->code, ',')))
		return xy_fail(e, XY_EINVALID, "invalid_code", field,
			       "a project code is 1 to %d characters without commas",
			       PB_ROUND_CODE_MAX);
	snprintf(title, cap, "%s", p->title ? p->title : "");
	if (p->project_id > 0) {
		struct project_facts f;
		enum xy_kind k = project_facts_load(db, p->project_id, &f, e);
		if (k == XY_ENOTFOUND)
			return xy_fail(e, XY_EINVALID, "project_not_found", field,
				       "project %lld does not exist", (long long)p->project_id);
		if (k)
			return k;
		if (!area_path_within(a->path, f.area_path))
			return xy_fail(e, XY_EINVALID, "project_outside_area", field,
				       "project %lld is not in this area",
				       (long long)p->project_id);
		if (project_status_final(f.status))
			return xy_fail(e, XY_EINVALID, "project_not_votable", field,
				       "project %lld is %s", (long long)p->project_id,
				       project_status_name(f.status));
		if (!p->title) {
			struct db_stmt *st = db_stmt(db, STMT_PB_PROJECT_TITLE);
			if (!st)
				return db_fail(db, DB_FAIL, e);
			db_bind_i64(st, 1, p->project_id);
			if (db_step(st) == DB_ROW)
				snprintf(title, cap, "%s", db_col_text(st, 0));
			db_reset(st);
		}
	} else if (p->project_id < 0) {
		return xy_fail(e, XY_EINVALID, "invalid_id", field, "ids are positive integers");
	}
	if (!text_len_ok(title, 1, PB_ROUND_TITLE_MAX))
		return xy_fail(e, XY_EINVALID, "invalid_title", field,
			       "a project needs a title of 1 to %d characters (or a project_id)",
			       PB_ROUND_TITLE_MAX);
	return XY_OK;
}

static void positions_text(const uint32_t *idx, size_t n, char *buf, size_t cap)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && len < cap; i++)
		len += (size_t)snprintf(buf + len, cap - len, "%s%u", i ? "," : "", idx[i] + 1);
}

static void points_text(const int64_t *pts, size_t n, char *buf, size_t cap)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && len < cap; i++)
		len += (size_t)snprintf(buf + len, cap - len, "%s%lld", i ? "," : "",
					(long long)pts[i]);
}

static enum xy_kind insert_ballots(struct db *db, struct open_ctx *c, int64_t now, struct xy_err *e)
{
	const struct pb_round_input *in = c->in;
	char pos[8192], pts[8192];
	for (size_t v = 0; v < in->nballots; v++) {
		size_t s0 = in->ballot_start[v], n = in->ballot_start[v + 1] - s0;
		if (n * 12 >= sizeof pos)
			return xy_fail(e, XY_ETOOBIG, "ballot_too_long", "ballots",
				       "ballot %zu lists too many projects", v + 1);
		for (size_t i = 0; i < n; i++)
			if (in->ballot_project[s0 + i] >= in->nprojects)
				return xy_fail(e, XY_EINVALID, "unknown_project", "ballots",
					       "ballot %zu names an unknown project", v + 1);
		positions_text(in->ballot_project + s0, n, pos, sizeof pos);
		if (in->ballot_points)
			points_text(in->ballot_points + s0, n, pts, sizeof pts);
		struct db_stmt *st = db_stmt(db, STMT_PB_BALLOT_INSERT);
		if (!st)
			return db_fail(db, DB_FAIL, e);
		db_bind_i64(st, 1, c->id);
		db_bind_null(st, 2);
		db_bind_text(st, 3, in->voter_key ? in->voter_key[v] : NULL);
		db_bind_text(st, 4, pos);
		db_bind_text(st, 5, in->ballot_points ? pts : NULL);
		db_bind_i64(st, 6, now);
		int rc = db_run(st);
		if (rc != DB_OK)
			return db_fail(db, rc, e);
	}
	if (!in->nballots)
		return XY_OK;
	struct db_stmt *st = db_stmt(db, STMT_PB_ROUND_BUMP);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, c->id);
	db_bind_i64(st, 2, (int64_t)in->nballots);
	int rc = db_step(st);
	db_reset(st);
	return rc == DB_ROW ? XY_OK : db_fail(db, rc, e);
}

static enum xy_kind open_tx(struct db *db, void *arg, struct xy_err *e)
{
	struct open_ctx *c = arg;
	const struct pb_round_input *in = c->in;
	struct area_row a;
	enum xy_kind k = area_load(db, in->area_id, "area_id", &a, e);
	if (k)
		return k == XY_ENOTFOUND ? (e->kind = XY_EINVALID) : k;
	if ((k = area_allow(c->who, ACT_PB_MANAGE, a.path,
			    "your role may not open budgeting rounds", e)))
		return k;
	if (in->fund_id && (k = check_fund(db, in, &a, e)))
		return k;
	char(*titles)[512] = xy_calloc(in->nprojects + 1, sizeof *titles);
	for (size_t i = 0; i < in->nprojects && !k; i++) {
		k = check_project(db, &in->projects[i], i, &a, titles[i], sizeof titles[i], e);
		for (size_t j = 0; j < i && !k; j++) {
			const struct pb_project_input *p = &in->projects[i], *q = &in->projects[j];
			if ((p->project_id && p->project_id == q->project_id) ||
			    (p->code && q->code && strcmp(p->code, q->code) == 0))
				k = xy_fail(e, XY_EINVALID, "duplicate_project", "projects",
					    "projects %zu and %zu are the same", j + 1, i + 1);
		}
	}
	int64_t now = time_now();
	struct db_stmt *st = k ? NULL : db_stmt(db, STMT_PB_ROUND_INSERT);
	if (!k && !st)
		k = db_fail(db, DB_FAIL, e);
	if (!k) {
		db_bind_i64(st, 1, a.id);
		db_bind_text(st, 2, a.path);
		db_bind_id(st, 3, in->fund_id);
		db_bind_text(st, 4, in->title ? in->title : DEFAULT_TITLE);
		db_bind_i64(st, 5, in->budget_fen);
		db_bind_text(st, 6, in->rule);
		db_bind_text(st, 7, in->vote_type ? in->vote_type : "approval");
		db_bind_i64(st, 8, c->min);
		db_bind_i64(st, 9, c->max);
		db_bind_id(st, 10, c->who->user_id);
		db_bind_i64(st, 11, now);
		int rc = db_step(st);
		if (rc == DB_ROW)
			c->id = db_col_i64(st, 0);
		db_reset(st);
		if (rc != DB_ROW)
			k = db_fail(db, rc, e);
	}
	for (size_t i = 0; i < in->nprojects && !k; i++) {
		char code[32];
		snprintf(code, sizeof code, "%zu", i + 1);
		if (!(st = db_stmt(db, STMT_PB_PROJECT_INSERT))) {
			k = db_fail(db, DB_FAIL, e);
			break;
		}
		db_bind_i64(st, 1, c->id);
		db_bind_i64(st, 2, (int64_t)i + 1);
		db_bind_text(st, 3, in->projects[i].code ? in->projects[i].code : code);
		db_bind_id(st, 4, in->projects[i].project_id);
		db_bind_text(st, 5, titles[i]);
		db_bind_i64(st, 6, in->projects[i].cost_fen);
		int rc = db_run(st);
		if (rc != DB_OK)
			k = db_fail(db, rc, e);
	}
	free(titles);
	if (!k)
		k = insert_ballots(db, c, now, e);
	if (k)
		return k;
	json_t *data = json_pack("{s:s, s:I, s:s, s:I, s:I, s:I}", "title",
				 in->title ? in->title : DEFAULT_TITLE, "budget_fen",
				 (json_int_t)in->budget_fen, "rule", in->rule, "projects",
				 (json_int_t)in->nprojects, "min_approvals", (json_int_t)c->min,
				 "max_approvals", (json_int_t)c->max);
	if (in->fund_id)
		json_object_set_new(data, "fund_id", json_integer(in->fund_id));
	if (in->nballots)
		json_object_set_new(data, "ballots", json_integer((json_int_t)in->nballots));
	k = store_audit_append(db, c->who->user_id, a.id,
			       in->nballots ? "pb.round_imported" : "pb.round_opened", "pb_round",
			       c->id, data, e);
	json_decref(data);
	return k;
}

enum xy_kind pb_round_open(struct store *s, const struct actor *who,
			   const struct pb_round_input *in, int64_t *id, struct xy_err *e)
{
	if (in->area_id <= 0)
		return xy_fail(e, XY_EINVALID, "area_required", "area_id", "area_id is required");
	if (in->fund_id < 0)
		return xy_fail(e, XY_EINVALID, "invalid_id", "fund_id",
			       "ids are positive integers");
	if (in->title && !text_len_ok(in->title, 1, PB_ROUND_TITLE_MAX))
		return xy_fail(e, XY_EINVALID, "invalid_title", "title",
			       "title must be 1 to %d characters", PB_ROUND_TITLE_MAX);
	if (!money_amount_ok(in->budget_fen))
		return xy_fail(e, XY_EINVALID, "invalid_amount", "budget_fen",
			       "budget_fen must be 1 to %lld fen", (long long)MONEY_MAX_FEN);
	if (!in->rule || !text_is_code(in->rule, PB_ROUND_RULE_MAX))
		return xy_fail(e, XY_EINVALID, "invalid_rule", "rule", "unknown rule");
	if (in->vote_type && strcmp(in->vote_type, "approval") != 0 &&
	    strcmp(in->vote_type, "cumulative") != 0)
		return xy_fail(e, XY_EINVALID, "invalid_vote_type", "vote_type",
			       "vote_type is approval or cumulative");
	if (in->nprojects == 0 || in->nprojects > PB_ROUND_PROJECTS_MAX)
		return xy_fail(e, XY_EINVALID, "invalid_projects", "projects",
			       "a round offers 1 to %d projects", PB_ROUND_PROJECTS_MAX);
	if (in->nballots > PB_ROUND_BALLOTS_MAX)
		return xy_fail(e, XY_ETOOBIG, "too_many_ballots", "ballots", "at most %d ballots",
			       PB_ROUND_BALLOTS_MAX);
	struct open_ctx c = { .who = who, .in = in };
	c.min = in->min_approvals < 0 ? 1 : in->min_approvals;
	c.max = in->max_approvals < 0 ? (int64_t)in->nprojects : in->max_approvals;
	if (c.min > (int64_t)in->nprojects)
		return xy_fail(e, XY_EINVALID, "invalid_limits", "min_approvals",
			       "min_approvals cannot exceed the number of projects");
	if (c.max < 1 || c.max < c.min || c.max > (int64_t)in->nprojects)
		return xy_fail(e, XY_EINVALID, "invalid_limits", "max_approvals",
			       "max_approvals must be 1 to the number of projects, and at least "
			       "min_approvals");
	enum xy_kind k = store_tx(s, open_tx, &c, e);
	if (!k)
		*id = c.id;
	return k;
}

/* ---- projects of a round ------------------------------------------------------------------ */

struct proj_list {
	size_t n;
	struct pb_round_project *p;
};

static void proj_list_release(struct proj_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->p[i].code);
		free(l->p[i].title);
	}
	free(l->p);
	l->p = NULL;
	l->n = 0;
}

static enum xy_kind proj_list_read(struct db *db, int64_t id, struct proj_list *l, struct xy_err *e)
{
	memset(l, 0, sizeof *l);
	struct db_stmt *st = db_stmt(db, STMT_PB_PROJECTS);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, id);
	int rc;
	size_t cap = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		if (l->n == cap) {
			cap = cap ? 2 * cap : 16;
			l->p = xy_realloc(l->p, cap * sizeof *l->p);
		}
		struct pb_round_project *p = &l->p[l->n++];
		p->pos = db_col_i64(st, 0);
		p->code = xy_strdup(db_col_text(st, 1));
		p->project_id = db_col_i64(st, 2);
		p->title = xy_strdup(db_col_text(st, 3));
		p->cost_fen = db_col_i64(st, 4);
		p->supporters = db_col_i64(st, 5);
		p->selected = db_col_i64(st, 6);
	}
	db_reset(st);
	if (rc != DB_DONE) {
		proj_list_release(l);
		return db_fail(db, rc, e);
	}
	return XY_OK;
}

/* ---- voting ------------------------------------------------------------------------------- */

struct vote_ctx {
	const struct actor *who;
	int64_t id;
	const char *const *codes;
	size_t n;
};

/* The ballot text ("3,1,5": positions) of codes, checked against the round's projects. */
static enum xy_kind ballot_text(const struct proj_list *l, const struct round_row *r,
				const char *const *codes, size_t n, char *buf, size_t cap,
				struct xy_err *e)
{
	if ((int64_t)n < r->min_approvals)
		return xy_fail(e, XY_EINVALID, "too_few_approvals", "approvals",
			       "approve at least %lld projects", (long long)r->min_approvals);
	if ((int64_t)n > r->max_approvals)
		return xy_fail(e, XY_EINVALID, "too_many_approvals", "approvals",
			       "approve at most %lld projects", (long long)r->max_approvals);
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t j;
		for (j = 0; j < l->n && strcmp(l->p[j].code, codes[i]) != 0; j++)
			;
		if (j == l->n)
			return xy_fail(e, XY_EINVALID, "unknown_project", "approvals",
				       "this round has no project %s", codes[i]);
		for (size_t k = 0; k < i; k++)
			if (strcmp(codes[k], codes[i]) == 0)
				return xy_fail(e, XY_EINVALID, "duplicate_approval", "approvals",
					       "project %s is approved twice", codes[i]);
		len += (size_t)snprintf(buf + len, len < cap ? cap - len : 0, "%s%lld",
					i ? "," : "", (long long)l->p[j].pos);
	}
	return XY_OK;
}

static enum xy_kind vote_tx(struct db *db, void *arg, struct xy_err *e)
{
	struct vote_ctx *c = arg;
	struct round_row r;
	enum xy_kind k = round_read(db, c->id, &r, e);
	free(r.result);
	if (k)
		return k;
	if (!lives_in(c->who, r.area_path)) {
		if (actor_grant_any(c->who, ACT_PB_VOTE))
			return xy_fail(e, XY_EFORBIDDEN, "not_a_resident", NULL,
				       "only residents of %s vote in this round", r.area_name);
		return xy_fail(e, XY_EFORBIDDEN, "forbidden", NULL,
			       "only residents vote in budgeting rounds");
	}
	if (!r.open)
		return xy_fail(e, XY_ECONFLICT, "round_closed", NULL,
			       "the round has closed; ballots can no longer change");
	if (strcmp(r.vote_type, "approval") != 0)
		return xy_fail(e, XY_ECONFLICT, "round_imported", NULL,
			       "this round holds imported cumulative ballots");
	struct proj_list l;
	if ((k = proj_list_read(db, r.id, &l, e)))
		return k;
	char text[PB_ROUND_PROJECTS_MAX * 5 + 8];
	k = ballot_text(&l, &r, c->codes, c->n, text, sizeof text, e);
	proj_list_release(&l);
	if (k)
		return k;
	struct db_stmt *st = db_stmt(db, STMT_PB_BALLOT_MINE);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, r.id);
	db_bind_i64(st, 2, c->who->user_id);
	int rc = db_step(st);
	db_reset(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return db_fail(db, rc, e);
	bool replaced = rc == DB_ROW;
	int64_t now = time_now();
	/* the round row first: it orders this ballot against a concurrent close */
	if (!(st = db_stmt(db, STMT_PB_ROUND_BUMP)))
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, r.id);
	db_bind_i64(st, 2, replaced ? 0 : 1);
	rc = db_step(st);
	db_reset(st);
	if (rc == DB_DONE)
		return xy_fail(e, XY_ECONFLICT, "round_closed", NULL,
			       "the round has closed; ballots can no longer change");
	if (rc != DB_ROW)
		return db_fail(db, rc, e);
	st = db_stmt(db, replaced ? STMT_PB_BALLOT_UPDATE : STMT_PB_BALLOT_INSERT);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, r.id);
	db_bind_i64(st, 2, c->who->user_id);
	if (replaced) {
		db_bind_text(st, 3, text);
		db_bind_i64(st, 4, now);
	} else {
		db_bind_null(st, 3);
		db_bind_text(st, 4, text);
		db_bind_null(st, 5);
		db_bind_i64(st, 6, now);
	}
	if ((rc = db_run(st)) != DB_OK)
		return db_fail(db, rc, e);
	json_t *data = json_pack("{s:b}", "replaced", replaced);
	k = store_audit_append(db, c->who->user_id, r.area_id, "pb.ballot_cast", "pb_round", r.id,
			       data, e);
	json_decref(data);
	return k;
}

enum xy_kind pb_round_vote(struct store *s, const struct actor *who, int64_t id,
			   const char *const *codes, size_t n, struct xy_err *e)
{
	if (n > PB_ROUND_PROJECTS_MAX)
		return xy_fail(e, XY_EINVALID, "too_many_approvals", "approvals",
			       "at most %d approvals", PB_ROUND_PROJECTS_MAX);
	struct vote_ctx c = { who, id, codes, n };
	return store_tx(s, vote_tx, &c, e);
}

/* ---- reading ------------------------------------------------------------------------------ */

static json_t *round_summary_json(const struct round_row *r)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:I, s:s, s:s, s:I}", "id", (json_int_t)r->id,
			      "area_id", (json_int_t)r->area_id, "area_name", r->area_name, "title",
			      r->title, "budget_fen", (json_int_t)r->budget_fen, "rule", r->rule,
			      "status", r->status, "ballots", (json_int_t)r->ballots);
	json_object_set_new(o, "fund_id", r->fund_id ? json_integer(r->fund_id) : json_null());
	set_time(o, "opened_at", r->created_at);
	set_time(o, "closed_at", r->closed_at);
	return o;
}

static json_t *round_public_json(const struct round_row *r, const struct proj_list *l)
{
	json_t *o = round_summary_json(r);
	json_t *ps = json_array();
	for (size_t i = 0; i < l->n; i++) {
		const struct pb_round_project *p = &l->p[i];
		json_t *x = json_pack("{s:s, s:s, s:I}", "code", p->code, "title", p->title,
				      "cost_fen", (json_int_t)p->cost_fen);
		json_object_set_new(x, "project_id",
				    p->project_id ? json_integer(p->project_id) : json_null());
		bool done = r->closed && p->supporters >= 0;
		json_object_set_new(x, "supporters",
				    done ? json_integer(p->supporters) : json_null());
		json_object_set_new(x, "selected",
				    done ? json_boolean(p->selected > 0) : json_null());
		json_object_set_new(x, "order",
				    done && p->selected > 0 ? json_integer(p->selected)
							    : json_null());
		json_array_append_new(ps, x);
	}
	json_object_set_new(o, "projects", ps);
	json_t *res = NULL;
	if (r->closed && r->result)
		res = json_loads(r->result, 0, NULL);
	json_object_set_new(o, "result", res ? res : json_null());
	return o;
}

/* Reads round id with its projects in one snapshot. */
static enum xy_kind round_with_projects(struct db *db, int64_t id, struct round_row *r,
					struct proj_list *l, struct xy_err *e)
{
	memset(l, 0, sizeof *l);
	enum xy_kind k = round_read(db, id, r, e);
	if (!k)
		k = proj_list_read(db, id, l, e);
	return k;
}

enum xy_kind pb_round_public_json(struct store *s, int64_t id, json_t **out, struct xy_err *e)
{
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	if (db_begin_read(db) != DB_OK)
		return db_fail(db, DB_RETRY, e);
	struct round_row r;
	struct proj_list l;
	enum xy_kind k = round_with_projects(db, id, &r, &l, e);
	db_rollback(db);
	if (!k)
		*out = round_public_json(&r, &l);
	free(r.result);
	proj_list_release(&l);
	return k;
}

enum xy_kind pb_round_get(struct store *s, const struct actor *who, int64_t id, json_t **out,
			  struct xy_err *e)
{
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	if (db_begin_read(db) != DB_OK)
		return db_fail(db, DB_RETRY, e);
	struct round_row r;
	struct proj_list l;
	json_t *mine = json_null();
	enum xy_kind k = round_with_projects(db, id, &r, &l, e);
	bool voter = !k && lives_in(who, r.area_path);
	if (!k && !voter)
		k = area_allow(who, ACT_PROJECT_READ, r.area_path,
			       "your role may not see this round", e);
	if (!k && voter) {
		struct db_stmt *st = db_stmt(db, STMT_PB_BALLOT_MINE);
		if (!st) {
			k = db_fail(db, DB_FAIL, e);
		} else {
			db_bind_i64(st, 1, r.id);
			db_bind_i64(st, 2, who->user_id);
			if (db_step(st) == DB_ROW) {
				json_t *codes = json_array();
				const char *t = db_col_text(st, 0);
				while (*t) {
					long pos = strtol(t, (char **)&t, 10);
					if (pos >= 1 && (size_t)pos <= l.n)
						json_array_append_new(
							codes, json_string(l.p[pos - 1].code));
					if (*t == ',')
						t++;
					else if (*t)
						break;
				}
				json_decref(mine);
				mine = json_pack("{s:o}", "approvals", codes);
				set_time(mine, "updated_at", db_col_i64(st, 1));
			}
			db_reset(st);
		}
	}
	db_rollback(db);
	if (!k) {
		*out = round_public_json(&r, &l);
		json_object_set_new(*out, "min_approvals", json_integer(r.min_approvals));
		json_object_set_new(*out, "max_approvals", json_integer(r.max_approvals));
		json_object_set_new(*out, "vote_type", json_string(r.vote_type));
		json_object_set_new(*out, "may_vote", json_boolean(voter && r.open));
		json_object_set_new(*out, "my_ballot", mine);
	} else {
		json_decref(mine);
	}
	free(r.result);
	proj_list_release(&l);
	return k;
}

/* The winners of a closed round, in the order chosen: [{code, title}]. */
static enum xy_kind winners_json(struct db *db, const struct round_row *r, json_t **out,
				 struct xy_err *e)
{
	struct proj_list l;
	enum xy_kind k = proj_list_read(db, r->id, &l, e);
	if (k)
		return k;
	*out = json_array();
	for (int64_t order = 1; order <= (int64_t)l.n; order++)
		for (size_t i = 0; i < l.n; i++)
			if (l.p[i].selected == order)
				json_array_append_new(*out,
						      json_pack("{s:s, s:s}", "code", l.p[i].code,
								"title", l.p[i].title));
	proj_list_release(&l);
	return XY_OK;
}

static enum xy_kind check_status(const struct pb_round_filter *f, struct xy_err *e)
{
	if (f->status && strcmp(f->status, "open") != 0 && strcmp(f->status, "counting") != 0 &&
	    strcmp(f->status, "closed") != 0)
		return xy_fail(e, XY_EINVALID, "invalid_parameter", "status",
			       "status is open, counting or closed");
	return XY_OK;
}

/* A page of the rounds of the subtree at path, newest first. */
static enum xy_kind rounds_page(struct db *db, const char *path, const struct pb_round_filter *f,
				json_t **out, struct xy_err *e)
{
	char upper[AREA_PATH_MAX];
	area_path_upper(path, upper, sizeof upper);
	json_int_t total = 0;
	json_t *items = json_array();
	enum xy_kind k = XY_OK;
	for (int pass = 0; pass < 2 && !k; pass++) {
		struct sqlb b;
		sqlb_init(&b, pass ? "SELECT id FROM pb_rounds" : "SELECT COUNT(*) FROM pb_rounds");
		sqlb_text(&b, " WHERE area_path >= ?", path);
		sqlb_text(&b, " AND area_path < ?", upper);
		if (f->status)
			sqlb_text(&b, " AND status = ?", f->status);
		if (pass) {
			sqlb_int(&b, " ORDER BY id DESC LIMIT ?", f->pg.per_page);
			sqlb_int(&b, " OFFSET ?", (int64_t)(f->pg.page - 1) * f->pg.per_page);
		}
		struct db_stmt *st = sqlb_stmt(&b, db);
		if (!st) {
			k = db_fail(db, DB_FAIL, e);
			break;
		}
		int64_t ids[PAGE_MAX];
		int n = 0, rc;
		while ((rc = db_step(st)) == DB_ROW) {
			if (!pass)
				total = db_col_i64(st, 0);
			else if (n < PAGE_MAX)
				ids[n++] = db_col_i64(st, 0);
		}
		db_reset(st);
		if (rc != DB_DONE)
			k = db_fail(db, rc, e);
		for (int i = 0; i < n && !k; i++) {
			struct round_row r;
			json_t *w = NULL;
			if (!(k = round_read(db, ids[i], &r, e)) && r.closed)
				k = winners_json(db, &r, &w, e);
			if (!k) {
				json_t *o = round_summary_json(&r);
				json_object_set_new(o, "winners", w ? w : json_null());
				json_array_append_new(items, o);
			}
			free(r.result);
		}
	}
	if (k) {
		json_decref(items);
		return k;
	}
	*out = json_pack("{s:o, s:I, s:i, s:i}", "items", items, "total", total, "page", f->pg.page,
			 "per_page", f->pg.per_page);
	return XY_OK;
}

enum xy_kind pb_rounds_list(struct store *s, const struct actor *who,
			    const struct pb_round_filter *f, json_t **out, struct xy_err *e)
{
	enum xy_kind k = check_status(f, e);
	struct db *db = k ? NULL : store_conn(s, e);
	if (!db)
		return e->kind;
	char path[AREA_PATH_MAX];
	if ((k = area_scope(db, who, ACT_PROJECT_READ, f->area_id, path, e)))
		return k;
	return rounds_page(db, path, f, out, e);
}

enum xy_kind pb_rounds_public(struct store *s, const struct pb_round_filter *f, json_t **out,
			      struct xy_err *e)
{
	enum xy_kind k = check_status(f, e);
	if (k)
		return k;
	if (f->area_id <= 0)
		return xy_fail(e, XY_EINVALID, "missing_parameter", "area_id",
			       "say which area: area_id");
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	struct area_row a;
	if ((k = area_load(db, f->area_id, "area_id", &a, e)))
		return k;
	return rounds_page(db, a.path, f, out, e);
}

/* ---- the whole round, for closing and export ------------------------------------------------ */

void pb_round_data_release(struct pb_round_data *d)
{
	for (size_t i = 0; i < d->nprojects; i++) {
		free(d->projects[i].code);
		free(d->projects[i].title);
	}
	free(d->projects);
	for (size_t v = 0; v < d->nballots; v++)
		free(d->voter[v]);
	free(d->voter);
	free(d->ballot_start);
	free(d->ballot_project);
	free(d->ballot_points);
	free(d->title);
	free(d->rule);
	free(d->vote_type);
	free(d->status);
	free(d->result);
	memset(d, 0, sizeof *d);
}

/* Appends the positions (and points) of one stored ballot. */
static void ballot_parse(struct pb_round_data *d, const char *pos, const char *pts, size_t *cap)
{
	while (pos && *pos) {
		char *end;
		long p = strtol(pos, &end, 10);
		int64_t v = 1;
		if (pts && *pts) {
			char *pe;
			v = strtoll(pts, &pe, 10);
			pts = *pe == ',' ? pe + 1 : pe;
		}
		if (p >= 1 && (size_t)p <= d->nprojects) {
			size_t n = d->ballot_start[d->nballots + 1];
			if (n == *cap) {
				*cap = *cap ? 2 * *cap : 1024;
				d->ballot_project = xy_realloc(d->ballot_project,
							       *cap * sizeof *d->ballot_project);
				if (d->ballot_points)
					d->ballot_points = xy_realloc(
						d->ballot_points, *cap * sizeof *d->ballot_points);
			}
			d->ballot_project[n] = (uint32_t)(p - 1);
			if (d->ballot_points)
				d->ballot_points[n] = v;
			d->ballot_start[d->nballots + 1] = n + 1;
		}
		pos = *end == ',' ? end + 1 : "";
	}
}

static enum xy_kind data_read(struct db *db, const struct actor *who, int64_t id, enum action act,
			      struct pb_round_data *d, struct xy_err *e)
{
	struct round_row r;
	struct proj_list l;
	enum xy_kind k = round_with_projects(db, id, &r, &l, e);
	if (!k)
		k = area_allow(who, act, r.area_path, "your role may not manage budgeting rounds",
			       e);
	if (k) {
		free(r.result);
		proj_list_release(&l);
		return k;
	}
	d->id = r.id;
	d->area_id = r.area_id;
	d->fund_id = r.fund_id;
	d->budget_fen = r.budget_fen;
	d->min_approvals = r.min_approvals;
	d->max_approvals = r.max_approvals;
	d->ballots = r.ballots;
	d->created_at = r.created_at;
	d->closed_at = r.closed_at;
	snprintf(d->area_path, sizeof d->area_path, "%s", r.area_path);
	snprintf(d->area_name, sizeof d->area_name, "%s", r.area_name);
	d->title = xy_strdup(r.title);
	d->rule = xy_strdup(r.rule);
	d->vote_type = xy_strdup(r.vote_type);
	d->status = xy_strdup(r.status);
	d->result = r.result;
	d->nprojects = l.n;
	d->projects = l.p;
	struct db_stmt *st = db_stmt(db, STMT_PB_BALLOTS);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, id);
	size_t cap = 0, vcap = 0;
	bool points = strcmp(r.vote_type, "cumulative") == 0;
	d->ballot_start = xy_calloc(2, sizeof *d->ballot_start);
	if (points)
		d->ballot_points = xy_malloc(sizeof *d->ballot_points);
	int rc;
	int64_t seq = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		if (d->nballots + 2 > vcap) {
			vcap = vcap ? 2 * vcap : 1024;
			d->ballot_start =
				xy_realloc(d->ballot_start, vcap * sizeof *d->ballot_start);
			d->voter = xy_realloc(d->voter, vcap * sizeof *d->voter);
		}
		d->ballot_start[d->nballots + 1] = d->ballot_start[d->nballots];
		const char *key = db_col_text(st, 0);
		char gen[32];
		snprintf(gen, sizeof gen, "r%lld", (long long)++seq);
		d->voter[d->nballots] = xy_strdup(key && *key ? key : gen);
		ballot_parse(d, db_col_text(st, 2), points ? db_col_text(st, 3) : NULL, &cap);
		d->nballots++;
	}
	db_reset(st);
	return rc == DB_DONE ? XY_OK : db_fail(db, rc, e);
}

enum xy_kind pb_round_load(struct store *s, const struct actor *who, int64_t id, enum action act,
			   struct pb_round_data *out, struct xy_err *e)
{
	memset(out, 0, sizeof *out);
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	if (db_begin_read(db) != DB_OK)
		return db_fail(db, DB_RETRY, e);
	enum xy_kind k = data_read(db, who, id, act, out, e);
	db_rollback(db);
	return k;
}

/* ---- closing ------------------------------------------------------------------------------ */

struct close_ctx {
	const struct actor *who;
	int64_t id;
	const struct pb_round_outcome *o;
};

/* The round, when the actor may manage it and it is not closed yet. */
static enum xy_kind close_check(struct db *db, const struct close_ctx *c, struct round_row *r,
				struct xy_err *e)
{
	enum xy_kind k = round_read(db, c->id, r, e);
	free(r->result);
	r->result = NULL;
	if (k)
		return k;
	if ((k = area_allow(c->who, ACT_PB_MANAGE, r->area_path,
			    "your role may not close budgeting rounds", e)))
		return k;
	if (r->closed)
		return xy_fail(e, XY_ECONFLICT, "round_closed", NULL,
			       "the round is already closed");
	return XY_OK;
}

static enum xy_kind stop_tx(struct db *db, void *arg, struct xy_err *e)
{
	struct close_ctx *c = arg;
	struct round_row r;
	enum xy_kind k = close_check(db, c, &r, e);
	if (k || !r.open)
		return k; /* counting already: a close that stopped half way goes on */
	struct db_stmt *st = db_stmt(db, STMT_PB_ROUND_STOP);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, r.id);
	int rc = db_step(st);
	int64_t ballots = rc == DB_ROW ? db_col_i64(st, 0) : 0;
	db_reset(st);
	if (rc != DB_ROW)
		return db_fail(db, rc == DB_DONE ? DB_CONFLICT : rc, e);
	json_t *data = json_pack("{s:I}", "ballots", (json_int_t)ballots);
	k = store_audit_append(db, c->who->user_id, r.area_id, "pb.voting_closed", "pb_round", r.id,
			       data, e);
	json_decref(data);
	return k;
}

enum xy_kind pb_round_stop_voting(struct store *s, const struct actor *who, int64_t id,
				  struct xy_err *e)
{
	struct close_ctx c = { who, id, NULL };
	return store_tx(s, stop_tx, &c, e);
}

static enum xy_kind close_tx(struct db *db, void *arg, struct xy_err *e)
{
	struct close_ctx *c = arg;
	struct round_row r;
	enum xy_kind k = close_check(db, c, &r, e);
	if (k)
		return k;
	if (r.open)
		return xy_fail(e, XY_ECONFLICT, "round_open", NULL,
			       "the round's voting has not ended");
	char *text = json_dumps(c->o->result, JSON_COMPACT | JSON_SORT_KEYS);
	struct db_stmt *st = db_stmt(db, STMT_PB_ROUND_CLOSE);
	if (!st) {
		free(text);
		return db_fail(db, DB_FAIL, e);
	}
	db_bind_i64(st, 1, r.id);
	db_bind_text(st, 2, text);
	db_bind_id(st, 3, c->who->user_id);
	db_bind_i64(st, 4, time_now());
	int rc = db_step(st);
	db_reset(st);
	free(text);
	if (rc != DB_ROW)
		return db_fail(db, rc == DB_DONE ? DB_CONFLICT : rc, e);
	struct proj_list l;
	if ((k = proj_list_read(db, r.id, &l, e)))
		return k;
	for (size_t i = 0; i < l.n && !k; i++) {
		if (!(st = db_stmt(db, STMT_PB_PROJECT_RESULT))) {
			k = db_fail(db, DB_FAIL, e);
			break;
		}
		db_bind_i64(st, 1, r.id);
		db_bind_i64(st, 2, l.p[i].pos);
		db_bind_i64(st, 3, c->o->supporters[i]);
		db_bind_i64(st, 4, c->o->selected[i]);
		if ((rc = db_run(st)) != DB_OK)
			k = db_fail(db, rc, e);
	}
	proj_list_release(&l);
	if (k)
		return k;
	return store_audit_append(db, c->who->user_id, r.area_id, "pb.round_closed", "pb_round",
				  r.id, c->o->summary, e);
}

enum xy_kind pb_round_close(struct store *s, const struct actor *who, int64_t id,
			    const struct pb_round_outcome *o, struct xy_err *e)
{
	struct close_ctx c = { who, id, o };
	return store_tx(s, close_tx, &c, e);
}
