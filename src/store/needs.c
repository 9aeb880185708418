#include "store/needs.h"

#include <stdio.h>
#include <string.h>

#include "core/mask.h"
#include "core/text.h"
#include "core/timefmt.h"
#include "engine/search_rank.h"
#include "store/areas.h"
#include "store/search.h"
#include "store/sqlb.h"

/* Keeps need_counts (needs per area and status) in step with a change, in its transaction. */
static enum xy_kind count_add(struct db *db, int64_t area_id, const char *path, const char *status,
			      int delta, struct xy_err *e)
{
	struct db_stmt *st = db_stmt(db, STMT_NEED_COUNT_ADD);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, area_id);
	db_bind_text(st, 2, path);
	db_bind_text(st, 3, status);
	db_bind_i64(st, 4, delta);
	int rc = db_run(st);
	return rc == DB_OK ? XY_OK : db_fail(db, rc, e);
}

/* ---- submit ---------------------------------------------------------------------------- */

struct submit {
	const struct actor *who;
	const struct need_input *in;
	int channel, urgency;
	char beneficiaries[256];
	struct need_created *out;
};

static enum xy_kind submit_validate(const struct need_input *in, struct submit *c, struct xy_err *e)
{
	if (in->area_id <= 0)
		return xy_fail(e, XY_EINVALID, "area_required", "area_id", "area_id is required");
	if (!in->category)
		return xy_fail(e, XY_EINVALID, "category_required", "category",
			       "category is required");
	if (!text_len_ok(in->title, 1, NEED_TITLE_MAX))
		return xy_fail(e, XY_EINVALID, "invalid_title", "title",
			       "title must be 1 to %d characters", NEED_TITLE_MAX);
	if (!text_len_ok(in->description, 1, NEED_DESC_MAX))
		return xy_fail(e, XY_EINVALID, "invalid_description", "description",
			       "description must be 1 to %d characters", NEED_DESC_MAX);
	c->urgency = in->urgency ? need_urgency_parse(in->urgency) : URG_NORMAL;
	if (c->urgency < 0)
		return xy_fail(e, XY_EINVALID, "invalid_urgency", "urgency",
			       "urgency must be low, normal or high");
	c->channel = in->channel ? need_channel_parse(in->channel) : CH_SELF;
	if (c->channel < 0)
		return xy_fail(e, XY_EINVALID, "invalid_channel", "channel",
			       "channel must be self, visit, phone, desk or hotline");
	json_t *arr = json_array();
	for (int i = 0; i < in->nbenef; i++) {
		const char *b = in->beneficiaries[i];
		if (!need_beneficiary_ok(b)) {
			json_decref(arr);
			return xy_fail(e, XY_EINVALID, "invalid_beneficiary", "beneficiaries",
				       "unknown beneficiary group '%s' (elderly, children, youth, "
				       "women, disabled, low_income, families, all)",
				       b);
		}
		for (int j = 0; j < i; j++)
			if (strcmp(in->beneficiaries[j], b) == 0) {
				json_decref(arr);
				return xy_fail(e, XY_EINVALID, "invalid_beneficiary",
					       "beneficiaries", "'%s' is listed twice", b);
			}
		json_array_append_new(arr, json_string(b));
	}
	char *txt = json_dumps(arr, JSON_COMPACT);
	snprintf(c->beneficiaries, sizeof c->beneficiaries, "%s", txt ? txt : "[]");
	free(txt);
	json_decref(arr);
	if (in->on_behalf) {
		if (!text_len_ok(in->behalf_name, 1, 40))
			return xy_fail(e, XY_EINVALID, "invalid_name", "on_behalf_of.name",
				       "on_behalf_of.name must be 1 to 40 characters");
		if (in->behalf_phone && !text_is_phone(in->behalf_phone))
			return xy_fail(e, XY_EINVALID, "invalid_phone", "on_behalf_of.phone",
				       "on_behalf_of.phone must be 5 to 20 characters: digits, a "
				       "leading +, spaces or dashes");
	}
	return XY_OK;
}

static enum xy_kind submit_tx(struct db *db, void *arg, struct xy_err *e)
{
	struct submit *c = arg;
	const struct need_input *in = c->in;
	struct area_row a;
	enum xy_kind k = area_load(db, in->area_id, "area_id", &a, e);
	if (k)
		return k == XY_ENOTFOUND ? (e->kind = XY_EINVALID) : k;
	if (a.kind != AREA_COMMUNITY && a.kind != AREA_COMPOUND)
		return xy_fail(e, XY_EINVALID, "invalid_area", "area_id",
			       "needs belong to a community or a compound");

	bool self = !in->on_behalf && c->channel == CH_SELF;
	if (self && !actor_may(c->who, ACT_NEED_SUBMIT, a.path)) {
		if (actor_may(c->who, ACT_NEED_RECORD, a.path))
			return xy_fail(e, XY_EINVALID, "on_behalf_required", "on_behalf_of",
				       "staff record needs for a resident: give on_behalf_of and "
				       "a channel (visit, phone, desk or hotline)");
		if (actor_grant_any(c->who, ACT_NEED_SUBMIT) ||
		    actor_grant_any(c->who, ACT_NEED_RECORD))
			return xy_fail(e, XY_EFORBIDDEN, "out_of_scope", "area_id",
				       "this area is outside your community");
		return xy_fail(e, XY_EFORBIDDEN, "forbidden", NULL,
			       "your role may not submit needs");
	}
	if (!self) {
		if (!actor_may(c->who, ACT_NEED_RECORD, a.path)) {
			if (actor_grant_any(c->who, ACT_NEED_RECORD))
				return xy_fail(e, XY_EFORBIDDEN, "out_of_scope", "area_id",
					       "this area is outside your community");
			return xy_fail(e, XY_EFORBIDDEN, "forbidden", "on_behalf_of",
				       "only community staff record needs on behalf of residents");
		}
		if (c->channel == CH_SELF)
			return xy_fail(
				e, XY_EINVALID, "channel_required", "channel",
				"say how the need reached you: visit, phone, desk or hotline");
		if (!in->on_behalf)
			return xy_fail(e, XY_EINVALID, "on_behalf_required", "on_behalf_of",
				       "say whom the need is recorded for (on_behalf_of.name)");
	}
	if ((k = category_check(db, in->category, "category", e)))
		return k;

	int64_t now = time_now();
	struct db_stmt *st = db_stmt(db, STMT_NEED_INSERT);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, a.id);
	db_bind_text(st, 2, a.path);
	db_bind_text(st, 3, in->category);
	db_bind_text(st, 4, in->title);
	db_bind_text(st, 5, in->description);
	db_bind_text(st, 6, c->beneficiaries);
	db_bind_text(st, 7, need_urgency_name((enum need_urgency)c->urgency));
	db_bind_text(st, 8, need_channel_name((enum need_channel)c->channel));
	db_bind_id(st, 9, self ? c->who->user_id : 0);
	db_bind_id(st, 10, self ? 0 : c->who->user_id);
	db_bind_text(st, 11, self ? NULL : in->behalf_name);
	db_bind_text(st, 12, self ? NULL : in->behalf_phone);
	db_bind_i64(st, 13, now);
	db_bind_i64(st, 14, now + NEED_RESPONSE_HOURS * 3600);
	db_bind_i64(st, 15, a.kind == AREA_COMMUNITY ? a.id : a.parent_id);
	int rc = db_step(st);
	if (rc != DB_ROW)
		return db_fail(db, rc, e);
	int64_t id = db_col_i64(st, 0);
	db_reset(st);

	char year[8];
	char iso[40];
	time_iso(now, iso, sizeof iso);
	snprintf(year, sizeof year, "%.4s", iso);
	snprintf(c->out->tracking_no, sizeof c->out->tracking_no, "XY%s-%06lld", year,
		 (long long)id);
	c->out->id = id;
	if (!(st = db_stmt(db, STMT_NEED_SET_TRACKING)))
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, id);
	db_bind_text(st, 2, c->out->tracking_no);
	if ((rc = db_run(st)) != DB_OK)
		return db_fail(db, rc, e);
	if (!(st = db_stmt(db, STMT_NEED_HISTORY_INSERT)))
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, id);
	db_bind_null(st, 2);
	db_bind_text(st, 3, "submitted");
	db_bind_id(st, 4, c->who->user_id);
	db_bind_i64(st, 5, now);
	db_bind_null(st, 6);
	db_bind_null(st, 7);
	db_bind_null(st, 8);
	if ((rc = db_run(st)) != DB_OK)
		return db_fail(db, rc, e);
	if ((k = count_add(db, a.id, a.path, "submitted", 1, e)))
		return k;
	struct search_need idx = { .id = id,
				   .community_id = a.kind == AREA_COMMUNITY ? a.id : a.parent_id,
				   .area_id = a.id,
				   .category = in->category,
				   .title = in->title,
				   .description = in->description,
				   .status = "submitted" };
	if ((k = search_index_need(db, &idx, e)))
		return k;
	json_t *data =
		json_pack("{s:s, s:s, s:s, s:s}", "tracking_no", c->out->tracking_no, "category",
			  in->category, "channel", need_channel_name((enum need_channel)c->channel),
			  "status", "submitted");
	k = store_audit_append(db, c->who->user_id, a.id, "need.submitted", "need", id, data, e);
	json_decref(data);
	return k;
}

enum xy_kind need_submit(struct store *s, const struct actor *who, const struct need_input *in,
			 struct need_created *out, struct xy_err *e)
{
	struct submit c = { .who = who, .in = in, .out = out };
	enum xy_kind k = submit_validate(in, &c, e);
	if (k)
		return k;
	return store_tx(s, submit_tx, &c, e);
}

/* ---- reading --------------------------------------------------------------------------- */

#define NEED_COLS                                                                                  \
	"n.id, n.tracking_no, n.area_id, a.name, n.category, n.title, n.description, "             \
	"n.beneficiaries, n.urgency, n.channel, n.status, COALESCE(n.submitter_id, 0), "           \
	"COALESCE(n.recorded_by, 0), n.behalf_name, n.behalf_phone, COALESCE(u.display_name, "     \
	"''), "                                                                                    \
	"u.phone, COALESCE(n.merged_into, 0), COALESCE(n.provider_id, 0), n.reason, "              \
	"n.supporters, "                                                                           \
	"n.created_at, n.updated_at, n.respond_by, n.responded_at, n.area_path, "
/* column 26: does the actor (the first parameter) support the need? */
#define NEED_SUPPORTED                                                                             \
	"CASE WHEN EXISTS (SELECT 1 FROM need_supports s WHERE s.need_id = n.id AND s.user_id = "  \
	"?) THEN 1 ELSE 0 END "
#define NEED_FROM                                                                                  \
	" FROM needs n JOIN areas a ON a.id = n.area_id LEFT JOIN users u ON u.id = "              \
	"n.submitter_id "

static void set_time(json_t *o, const char *key, struct db_stmt *st, int col)
{
	if (db_col_null(st, col)) {
		json_object_set_new(o, key, json_null());
		return;
	}
	char iso[40];
	time_iso(db_col_i64(st, col), iso, sizeof iso);
	json_object_set_new(o, key, json_string(iso));
}

static json_t *id_or_null(int64_t v)
{
	return v ? json_integer(v) : json_null();
}

static json_t *text_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* One row in NEED_COLS order as the actor may see it. */
static json_t *need_row_json(struct db_stmt *st, const struct actor *who, bool reveal_phone)
{
	int64_t submitter = db_col_i64(st, 11);
	const char *path = db_col_text(st, 25);
	bool own = submitter && submitter == who->user_id;
	bool pii = actor_may(who, ACT_PII_READ, path);
	json_t *benef = json_loads(db_col_text(st, 7), 0, NULL);
	json_t *o = json_pack("{s:I, s:s?, s:I, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:I}", "id",
			      (json_int_t)db_col_i64(st, 0), "tracking_no", db_col_text(st, 1),
			      "area_id", (json_int_t)db_col_i64(st, 2), "area_name",
			      db_col_text(st, 3), "category", db_col_text(st, 4), "title",
			      db_col_text(st, 5), "description", db_col_text(st, 6),
			      "beneficiaries", benef ? benef : json_array(), "urgency",
			      db_col_text(st, 8), "channel", db_col_text(st, 9), "status",
			      db_col_text(st, 10), "supporters", (json_int_t)db_col_i64(st, 20));
	/* the person behind the need */
	const char *name = submitter ? db_col_text(st, 15) : db_col_text(st, 13);
	const char *phone = submitter ? db_col_text(st, 16) : db_col_text(st, 14);
	char mname[64] = "", mphone[32] = "";
	bool full_name = own || pii;
	bool full_phone = own || (pii && reveal_phone);
	if (name && !full_name)
		mask_name(name, mname, sizeof mname);
	if (phone && !full_phone)
		mask_phone(phone, mphone, sizeof mphone);
	json_t *person = json_object();
	json_object_set_new(person, "user_id", full_name ? id_or_null(submitter) : json_null());
	json_object_set_new(person, "name",
			    name ? json_string(full_name ? name : mname) : json_null());
	json_object_set_new(person, "phone",
			    phone ? json_string(full_phone ? phone : mphone) : json_null());
	json_object_set_new(person, "masked", json_boolean(!full_name || (phone && !full_phone)));
	json_object_set_new(o, "submitter", person);
	json_object_set_new(o, "on_behalf", json_boolean(submitter == 0));
	json_object_set_new(o, "recorded_by", id_or_null(db_col_i64(st, 12)));
	json_object_set_new(o, "merged_into", id_or_null(db_col_i64(st, 17)));
	json_object_set_new(o, "provider_id", id_or_null(db_col_i64(st, 18)));
	json_object_set_new(o, "reason", text_or_null(db_col_text(st, 19)));
	set_time(o, "created_at", st, 21);
	set_time(o, "updated_at", st, 22);
	set_time(o, "respond_by", st, 23);
	set_time(o, "responded_at", st, 24);
	json_object_set_new(o, "supported_by_me", json_boolean(db_col_i64(st, 26) != 0));
	json_object_set_new(o, "overdue",
			    json_boolean(db_col_null(st, 24) &&
					 strcmp(db_col_text(st, 10), "submitted") == 0 &&
					 db_col_i64(st, 23) < time_now()));
	return o;
}

static void list_where(struct sqlb *b, const char *path, const char *upper,
		       const struct need_filter *f, const struct actor *who)
{
	/* a community (or one of its compounds) walks its own index in id order; larger areas
	 * take the path range */
	int depth = area_path_depth(path);
	if (depth == AREA_DEPTH_COMMUNITY || depth == AREA_DEPTH_COMPOUND) {
		sqlb_int(b, " WHERE n.community_id = ?",
			 area_path_id_at(path, AREA_DEPTH_COMMUNITY));
		if (depth == AREA_DEPTH_COMPOUND)
			sqlb_int(b, " AND n.area_id = ?", area_path_id_at(path, depth));
	} else {
		sqlb_text(b, " WHERE n.area_path >= ?", path);
		sqlb_text(b, " AND n.area_path < ?", upper);
	}
	if (f->status)
		sqlb_text(b, " AND n.status = ?", f->status);
	if (f->category)
		sqlb_text(b, " AND n.category = ?", f->category);
	if (f->mine)
		sqlb_int(b, " AND n.submitter_id = ?", who->user_id);
}

/* A list with q: a page of the search (store/search.c), most relevant first, each item with
 * its snippet; total counts at most SEARCH_WINDOW matches (total_capped when there are more). */
static enum xy_kind list_search(struct db *db, const struct actor *who, const struct need_filter *f,
				const char *path, const char *q, json_t **out, struct xy_err *e)
{
	struct search_query sq = { .q = q,
				   .path = path,
				   .status = f->status,
				   .category = f->category,
				   .submitter = f->mine ? who->user_id : 0,
				   .offset = (f->pg.page - 1) * f->pg.per_page,
				   .limit = f->pg.per_page };
	struct search_page pg;
	enum xy_kind k = search_run(db, &sq, &pg, e);
	if (k)
		return k;
	json_t *items = json_array();
	if (pg.n) {
		json_t *ids = json_array();
		for (int i = 0; i < pg.n; i++) {
			json_array_append_new(ids, json_integer(pg.ids[i]));
			json_array_append_new(items, json_null());
		}
		char *list = json_dumps(ids, JSON_COMPACT);
		json_decref(ids);
		struct sqlb b;
		sqlb_init(&b, "SELECT " NEED_COLS);
		sqlb_int(&b, NEED_SUPPORTED NEED_FROM, who->user_id);
		sqlb_text(&b,
			  db_dialect(db) == DB_PG
				  ? " WHERE n.id IN (SELECT CAST(value AS BIGINT) FROM "
				    "json_array_elements_text(CAST(? AS json)))"
				  : " WHERE n.id IN (SELECT value FROM json_each(?))",
			  list);
		struct db_stmt *st = sqlb_stmt(&b, db);
		free(list);
		if (!st) {
			json_decref(items);
			return db_fail(db, DB_FAIL, e);
		}
		int rc;
		while ((rc = db_step(st)) == DB_ROW) {
			int64_t id = db_col_i64(st, 0);
			json_t *o = need_row_json(st, who, false);
			char *snippet = search_snippet(db_col_text(st, 5), db_col_text(st, 6), q);
			json_object_set_new(o, "snippet", json_string(snippet));
			free(snippet);
			for (int i = 0; i < pg.n; i++)
				if (pg.ids[i] == id)
					json_array_set(items, (size_t)i, o);
			json_decref(o);
		}
		db_reset(st);
		if (rc != DB_DONE) {
			json_decref(items);
			return db_fail(db, rc, e);
		}
	}
	*out = json_pack("{s:o, s:I, s:i, s:i, s:b}", "items", items, "total", (json_int_t)pg.total,
			 "page", f->pg.page, "per_page", f->pg.per_page, "total_capped", pg.capped);
	return XY_OK;
}

enum xy_kind needs_list(struct store *s, const struct actor *who, const struct need_filter *f,
			json_t **out, struct xy_err *e)
{
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	if (f->status && need_status_parse(f->status) < 0)
		return xy_fail(e, XY_EINVALID, "invalid_status", "status", "unknown status '%s'",
			       f->status);
	if (f->q && !text_len_ok(f->q, 0, SEARCH_Q_MAX))
		return xy_fail(e, XY_EINVALID, "invalid_query", "q",
			       "q must be valid text of at most %d characters", SEARCH_Q_MAX);
	char path[AREA_PATH_MAX], upper[AREA_PATH_MAX];
	enum xy_kind k = area_scope(db, who, ACT_NEED_READ, f->area_id, path, e);
	if (k)
		return k;
	char q[SEARCH_Q_MAX * 4 + 1];
	if (f->q && search_fold_query(f->q, q, sizeof q)) /* spaces only: no search */
		return list_search(db, who, f, path, q, out, e);
	area_path_upper(path, upper, sizeof upper);

	struct sqlb b;
	if (f->category || f->mine) {
		sqlb_init(&b, "SELECT COUNT(*) FROM needs n");
		list_where(&b, path, upper, f, who);
	} else { /* the kept counts: a few rows per area instead of a scan */
		sqlb_init(&b, "");
		sqlb_text(&b, "SELECT COALESCE(SUM(n), 0) FROM need_counts WHERE area_path >= ?",
			  path);
		sqlb_text(&b, " AND area_path < ?", upper);
		if (f->status)
			sqlb_text(&b, " AND status = ?", f->status);
	}
	struct db_stmt *st = sqlb_stmt(&b, db);
	int rc = st ? db_step(st) : DB_FAIL;
	if (rc != DB_ROW)
		return db_fail(db, rc, e);
	json_int_t total = db_col_i64(st, 0);
	db_reset(st);

	/* the page's ids first, from the covering (filter, area_path, id) indexes; the rows and
	 * their joins only for those ids */
	sqlb_init(&b, "SELECT " NEED_COLS);
	sqlb_int(&b, NEED_SUPPORTED NEED_FROM " WHERE n.id IN (SELECT n.id FROM needs n",
		 who->user_id);
	list_where(&b, path, upper, f, who);
	sqlb_int(&b, " ORDER BY n.id DESC LIMIT ?", f->pg.per_page);
	sqlb_int(&b, " OFFSET ?)", (int64_t)(f->pg.page - 1) * f->pg.per_page);
	sqlb_raw(&b, " ORDER BY n.id DESC");
	st = sqlb_stmt(&b, db);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	json_t *items = json_array();
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(items, need_row_json(st, who, false));
	db_reset(st);
	if (rc != DB_DONE) {
		json_decref(items);
		return db_fail(db, rc, e);
	}
	*out = json_pack("{s:o, s:I, s:i, s:i}", "items", items, "total", total, "page", f->pg.page,
			 "per_page", f->pg.per_page);
	return XY_OK;
}

struct reveal {
	const struct actor *who;
	int64_t id, area_id;
};

static enum xy_kind reveal_tx(struct db *db, void *arg, struct xy_err *e)
{
	struct reveal *r = arg;
	json_t *data = json_pack("{s:s}", "field", "phone");
	enum xy_kind k = store_audit_append(db, r->who->user_id, r->area_id, "need.pii_revealed",
					    "need", r->id, data, e);
	json_decref(data);
	return k;
}

static json_t *history_json(struct db *db, int64_t id)
{
	struct db_stmt *st = db_stmt(db, STMT_NEED_HISTORY_LIST);
	if (!st)
		return NULL;
	db_bind_i64(st, 1, id);
	json_t *h = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		json_t *o = json_object();
		json_object_set_new(o, "from", text_or_null(db_col_text(st, 0)));
		json_object_set_new(o, "to", json_string(db_col_text(st, 1)));
		json_object_set_new(o, "actor_id", id_or_null(db_col_i64(st, 2)));
		set_time(o, "at", st, 3);
		json_object_set_new(o, "reason", text_or_null(db_col_text(st, 4)));
		json_object_set_new(o, "provider_id", id_or_null(db_col_i64(st, 5)));
		json_object_set_new(o, "merged_into", id_or_null(db_col_i64(st, 6)));
		json_object_set_new(o, "merged_from", id_or_null(db_col_i64(st, 7)));
		json_array_append_new(h, o);
	}
	db_reset(st);
	if (rc != DB_DONE) {
		json_decref(h);
		return NULL;
	}
	return h;
}

enum xy_kind need_get(struct store *s, const struct actor *who, int64_t id, bool reveal_phone,
		      json_t **out, struct xy_err *e)
{
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	struct sqlb b;
	sqlb_init(&b, "SELECT " NEED_COLS);
	sqlb_int(&b, NEED_SUPPORTED NEED_FROM, who->user_id);
	sqlb_int(&b, " WHERE n.id = ?", id);
	struct db_stmt *st = sqlb_stmt(&b, db);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_reset(st);
		return rc == DB_DONE ? xy_fail(e, XY_ENOTFOUND, "need_not_found", NULL,
					       "need %lld does not exist", (long long)id)
				     : db_fail(db, rc, e);
	}
	char path[AREA_PATH_MAX];
	snprintf(path, sizeof path, "%s", db_col_text(st, 25));
	int64_t area_id = db_col_i64(st, 2);
	if (!actor_may(who, ACT_NEED_READ, path)) {
		db_reset(st);
		return xy_fail(e, XY_EFORBIDDEN, "out_of_scope", NULL,
			       "need %lld is outside your area", (long long)id);
	}
	if (reveal_phone && !actor_may(who, ACT_PII_READ, path)) {
		db_reset(st);
		return xy_fail(e, XY_EFORBIDDEN, "forbidden", "reveal",
			       "your role may not see phone numbers");
	}
	json_t *o = need_row_json(st, who, reveal_phone);
	db_reset(st);
	json_t *h = history_json(db, id);
	if (!h) {
		json_decref(o);
		return db_fail(db, DB_FAIL, e);
	}
	json_object_set_new(o, "history", h);
	json_t *phone = json_object_get(json_object_get(o, "submitter"), "phone");
	if (reveal_phone && json_is_string(phone)) {
		struct reveal r = { .who = who, .id = id, .area_id = area_id };
		enum xy_kind k = store_tx(s, reveal_tx, &r, e);
		if (k) {
			json_decref(o);
			return k;
		}
	}
	*out = o;
	return XY_OK;
}

/* ---- support and transitions ----------------------------------------------------------- */

struct facts {
	struct need_facts f;
	char path[AREA_PATH_MAX];
	char status[16];
	int64_t provider_id, area_id;
};

static enum xy_kind facts_load(struct db *db, int64_t id, struct facts *out, struct xy_err *e)
{
	struct db_stmt *st = db_stmt(db, STMT_NEED_FACTS);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		snprintf(out->status, sizeof out->status, "%s", db_col_text(st, 0));
		snprintf(out->path, sizeof out->path, "%s", db_col_text(st, 1));
		out->f.status = (enum need_status)need_status_parse(out->status);
		out->f.area_path = out->path;
		out->f.submitter_id = db_col_i64(st, 2);
		out->f.channel = (enum need_channel)need_channel_parse(db_col_text(st, 3));
		out->provider_id = db_col_i64(st, 4);
		out->f.claim_user_id = db_col_i64(st, 5);
		out->area_id = db_col_i64(st, 6);
	}
	db_reset(st);
	if (rc == DB_DONE)
		return xy_fail(e, XY_ENOTFOUND, "need_not_found", NULL, "need %lld does not exist",
			       (long long)id);
	return rc == DB_ROW ? XY_OK : db_fail(db, rc, e);
}

struct support {
	const struct actor *who;
	int64_t id, supporters;
};

static enum xy_kind support_tx(struct db *db, void *arg, struct xy_err *e)
{
	struct support *c = arg;
	struct facts n;
	enum xy_kind k = facts_load(db, c->id, &n, e);
	if (k)
		return k;
	if (!actor_may(c->who, ACT_NEED_SUPPORT, n.path)) {
		if (actor_grant_any(c->who, ACT_NEED_SUPPORT))
			return xy_fail(e, XY_EFORBIDDEN, "out_of_scope", NULL,
				       "you may support needs of your own community only");
		return xy_fail(e, XY_EFORBIDDEN, "forbidden", NULL,
			       "only residents support (+1) needs");
	}
	if (n.f.submitter_id == c->who->user_id)
		return xy_fail(e, XY_ECONFLICT, "own_need", NULL,
			       "you cannot support your own need");
	if (n.f.status == NEED_REJECTED || n.f.status == NEED_MERGED ||
	    n.f.status == NEED_CONFIRMED)
		return xy_fail(e, XY_ECONFLICT, "need_closed", NULL,
			       "this need is %s and takes no more support", n.status);
	int64_t now = time_now();
	struct db_stmt *st = db_stmt(db, STMT_NEED_SUPPORT_INSERT);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, c->id);
	db_bind_i64(st, 2, c->who->user_id);
	db_bind_i64(st, 3, now);
	int rc = db_run(st);
	if (rc == DB_CONFLICT)
		return xy_fail(e, XY_ECONFLICT, "already_supported", NULL,
			       "you already support this need");
	if (rc != DB_OK)
		return db_fail(db, rc, e);
	if (!(st = db_stmt(db, STMT_NEED_SUPPORT_BUMP)))
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, c->id);
	db_bind_i64(st, 2, now);
	if ((rc = db_step(st)) != DB_ROW)
		return db_fail(db, rc, e);
	c->supporters = db_col_i64(st, 0);
	db_reset(st);
	json_t *data = json_pack("{s:I}", "supporters", (json_int_t)c->supporters);
	k = store_audit_append(db, c->who->user_id, n.area_id, "need.supported", "need", c->id,
			       data, e);
	json_decref(data);
	return k;
}

enum xy_kind need_support(struct store *s, const struct actor *who, int64_t id, int64_t *supporters,
			  struct xy_err *e)
{
	struct support c = { .who = who, .id = id };
	enum xy_kind k = store_tx(s, support_tx, &c, e);
	if (k == XY_OK && supporters)
		*supporters = c.supporters;
	return k;
}

struct move {
	const struct actor *who;
	int64_t id;
	const struct need_transition_input *in;
	int to;
	int64_t project_id; /* set for moves taken by a project decision */
};

/* Checks the merge target: another open need of the same community. */
static enum xy_kind merge_check(struct db *db, const struct facts *n, int64_t id, int64_t target,
				struct xy_err *e)
{
	if (target == id)
		return xy_fail(e, XY_EINVALID, "invalid_merge", "merged_into",
			       "a need cannot be merged into itself");
	struct facts t;
	enum xy_kind k = facts_load(db, target, &t, e);
	if (k == XY_ENOTFOUND)
		return xy_fail(e, XY_EINVALID, "merge_target_not_found", "merged_into",
			       "need %lld does not exist", (long long)target);
	if (k)
		return k;
	if (!area_path_same_community(n->path, t.path))
		return xy_fail(e, XY_ECONFLICT, "merge_other_community", "merged_into",
			       "needs merge only within one community");
	if (t.f.status == NEED_REJECTED || t.f.status == NEED_MERGED ||
	    t.f.status == NEED_CONFIRMED)
		return xy_fail(e, XY_ECONFLICT, "merge_target_closed", "merged_into",
			       "need %lld is %s; merge into an open need", (long long)target,
			       t.status);
	return XY_OK;
}

/* A merge moves the merged need's supporters to the kept one (those who do not support it
 * already, and not its own submitter) with a history row on the kept need; what moved goes
 * into the merge's audit event (data, borrowed). */
static enum xy_kind merge_in(struct db *db, const struct move *c, int64_t now, json_t *data,
			     struct xy_err *e)
{
	int64_t target = c->in->merged_into;
	struct facts t;
	enum xy_kind k = facts_load(db, target, &t, e);
	if (k)
		return k;
	struct db_stmt *st = db_stmt(db, STMT_NEED_MERGE_SUPPORTERS);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, c->id);
	db_bind_i64(st, 2, target);
	db_bind_i64(st, 3, t.f.submitter_id);
	json_t *moved = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(moved, json_integer(db_col_i64(st, 0)));
	db_reset(st);
	if (rc != DB_DONE || !(st = db_stmt(db, STMT_NEED_SUPPORTERS_ADD))) {
		json_decref(moved);
		return db_fail(db, rc == DB_DONE ? DB_FAIL : rc, e);
	}
	db_bind_i64(st, 1, target);
	db_bind_i64(st, 2, (int64_t)json_array_size(moved));
	db_bind_i64(st, 3, now);
	if ((rc = db_step(st)) != DB_ROW) {
		json_decref(moved);
		return db_fail(db, rc, e);
	}
	int64_t supporters = db_col_i64(st, 0);
	db_reset(st);
	if (!(st = db_stmt(db, STMT_NEED_HISTORY_MERGED_IN))) {
		json_decref(moved);
		return db_fail(db, DB_FAIL, e);
	}
	db_bind_i64(st, 1, target);
	db_bind_text(st, 2, t.status);
	db_bind_id(st, 3, c->who->user_id);
	db_bind_i64(st, 4, now);
	db_bind_text(st, 5, c->in->reason);
	db_bind_i64(st, 6, c->id);
	if ((rc = db_run(st)) != DB_OK) {
		json_decref(moved);
		return db_fail(db, rc, e);
	}
	json_object_set_new(data, "supporters_moved", moved);
	json_object_set_new(data, "supporters", json_integer(supporters));
	return XY_OK;
}

static enum xy_kind move_tx(struct db *db, void *arg, struct xy_err *e)
{
	struct move *c = arg;
	const struct need_transition_input *in = c->in;
	struct facts n;
	enum xy_kind k = facts_load(db, c->id, &n, e);
	if (k)
		return k;
	if (!actor_may(c->who, ACT_NEED_READ, n.path))
		return xy_fail(e, XY_EFORBIDDEN, "out_of_scope", NULL,
			       "need %lld is outside your area", (long long)c->id);
	struct need_move m = { .to = (enum need_status)c->to,
			       .reason = in->reason,
			       .merged_into = in->merged_into,
			       .provider_id = in->provider_id,
			       .by_project = c->project_id != 0 };
	int64_t capacity = 0;
	char provider_path[AREA_PATH_MAX] = "";
	struct db_stmt *st;
	int rc;
	if (c->to == NEED_CLAIMED && in->provider_id > 0) {
		if (!(st = db_stmt(db, STMT_PROVIDER_OWNER)))
			return db_fail(db, DB_FAIL, e);
		db_bind_i64(st, 1, in->provider_id);
		rc = db_step(st);
		if (rc == DB_ROW) {
			m.provider_user_id = db_col_i64(st, 0);
			capacity = db_col_i64(st, 1);
			snprintf(provider_path, sizeof provider_path, "%s", db_col_text(st, 2));
		}
		db_reset(st);
		if (rc == DB_DONE)
			return xy_fail(e, XY_EINVALID, "provider_not_found", "provider_id",
				       "provider %lld does not exist", (long long)in->provider_id);
		if (rc != DB_ROW)
			return db_fail(db, rc, e);
	}
	if ((k = need_authorize(c->who, &n.f, &m, e)))
		return k;
	if (c->to == NEED_MERGED && (k = merge_check(db, &n, c->id, in->merged_into, e)))
		return k;
	if (c->to == NEED_CLAIMED && !area_provider_serves(provider_path, n.path))
		return xy_fail(e, XY_ECONFLICT, "provider_out_of_area", "provider_id",
			       "provider %lld does not serve this need's area",
			       (long long)in->provider_id);
	if (c->to == NEED_CLAIMED && capacity > 0) {
		if (!(st = db_stmt(db, STMT_NEED_CLAIMS_OPEN)))
			return db_fail(db, DB_FAIL, e);
		db_bind_i64(st, 1, in->provider_id);
		if ((rc = db_step(st)) != DB_ROW)
			return db_fail(db, rc, e);
		int64_t open = db_col_i64(st, 0);
		db_reset(st);
		if (open >= capacity)
			return xy_fail(
				e, XY_ECONFLICT, "provider_at_capacity", "provider_id",
				"provider %lld already holds %lld open claims (capacity %lld)",
				(long long)in->provider_id, (long long)open, (long long)capacity);
	}

	int64_t provider = c->to == NEED_CLAIMED     ? in->provider_id
			   : c->to == NEED_WISH_OPEN ? 0
						     : n.provider_id;
	int64_t merged = c->to == NEED_MERGED ? in->merged_into : 0;
	const char *to = need_status_name((enum need_status)c->to);
	int64_t now = time_now();
	if (!(st = db_stmt(db, STMT_NEED_MOVE)))
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, c->id);
	db_bind_text(st, 2, n.status);
	db_bind_text(st, 3, to);
	db_bind_i64(st, 4, now);
	db_bind_text(st, 5, in->reason);
	db_bind_id(st, 6, merged);
	db_bind_id(st, 7, provider);
	if ((rc = db_run(st)) != DB_OK)
		return db_fail(db, rc, e);
	if (!(st = db_stmt(db, STMT_NEED_HISTORY_INSERT)))
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, c->id);
	db_bind_text(st, 2, n.status);
	db_bind_text(st, 3, to);
	db_bind_id(st, 4, c->who->user_id);
	db_bind_i64(st, 5, now);
	db_bind_text(st, 6, in->reason);
	db_bind_id(st, 7, c->to == NEED_CLAIMED ? provider : 0);
	db_bind_id(st, 8, merged);
	if ((rc = db_run(st)) != DB_OK)
		return db_fail(db, rc, e);
	if ((k = count_add(db, n.area_id, n.path, n.status, -1, e)) ||
	    (k = count_add(db, n.area_id, n.path, to, 1, e)) ||
	    (k = search_need_moved(db, c->id, area_path_id_at(n.path, AREA_DEPTH_COMMUNITY),
				   n.status, to, e)))
		return k;
	json_t *data = json_pack("{s:s, s:s}", "from", n.status, "to", to);
	if (merged && (k = merge_in(db, c, now, data, e))) {
		json_decref(data);
		return k;
	}
	if (in->reason)
		json_object_set_new(data, "reason", json_string(in->reason));
	if (merged)
		json_object_set_new(data, "merged_into", json_integer(merged));
	if (c->to == NEED_CLAIMED)
		json_object_set_new(data, "provider_id", json_integer(provider));
	if (c->project_id)
		json_object_set_new(data, "project_id", json_integer(c->project_id));
	k = store_audit_append(db, c->who->user_id, n.area_id, "need.transition", "need", c->id,
			       data, e);
	json_decref(data);
	return k;
}

enum xy_kind need_transition(struct store *s, const struct actor *who, int64_t id,
			     const struct need_transition_input *in, struct xy_err *e)
{
	struct move c = { .who = who, .id = id, .in = in };
	if (!in->to)
		return xy_fail(e, XY_EINVALID, "to_required", "to", "say which state to move to");
	c.to = need_status_parse(in->to);
	if (c.to < 0)
		return xy_fail(e, XY_EINVALID, "invalid_status", "to", "unknown state '%s'",
			       in->to);
	return store_tx(s, move_tx, &c, e);
}

enum xy_kind need_move_by_project(struct db *db, const struct actor *who, int64_t need_id,
				  enum need_status to, const char *reason, int64_t project_id,
				  struct xy_err *e)
{
	struct need_transition_input in = { .to = need_status_name(to), .reason = reason };
	struct move c = {
		.who = who, .id = need_id, .in = &in, .to = (int)to, .project_id = project_id
	};
	return move_tx(db, &c, e);
}

/* ---- stats ----------------------------------------------------------------------------- */

static json_t *rate(int64_t num, int64_t den)
{
	return den > 0 ? json_real((double)num / (double)den) : json_null();
}

enum xy_kind needs_stats_area(struct db *db, const char *path, int year, json_t **out,
			      struct xy_err *e)
{
	char upper[AREA_PATH_MAX];
	area_path_upper(path, upper, sizeof upper);
	int64_t from = 0, to = INT64_MAX, now = time_now();
	if (year && time_year_bounds(year, &from, &to) != 0)
		return xy_fail(e, XY_EINVALID, "invalid_year", "year", "year must be 1970 to 9999");

	json_t *by = json_object();
	for (int i = 0; i < NEED_STATUS_COUNT; i++)
		json_object_set_new(by, need_status_name((enum need_status)i), json_integer(0));
	struct db_stmt *st = db_stmt(db, STMT_NEED_STATS_BY_STATUS);
	int rc = DB_FAIL;
	if (st) {
		db_bind_text(st, 1, path);
		db_bind_text(st, 2, upper);
		db_bind_i64(st, 3, from);
		db_bind_i64(st, 4, to);
		while ((rc = db_step(st)) == DB_ROW)
			json_object_set_new(by, db_col_text(st, 0),
					    json_integer(db_col_i64(st, 1)));
		db_reset(st);
	}
	if (rc != DB_DONE) {
		json_decref(by);
		return db_fail(db, rc, e);
	}
	st = db_stmt(db, STMT_NEED_STATS);
	rc = DB_FAIL;
	if (st) {
		db_bind_text(st, 1, path);
		db_bind_text(st, 2, upper);
		db_bind_i64(st, 3, from);
		db_bind_i64(st, 4, to);
		db_bind_i64(st, 5, now);
		rc = db_step(st);
	}
	if (rc != DB_ROW) {
		json_decref(by);
		if (st)
			db_reset(st);
		return db_fail(db, rc, e);
	}
	int64_t v[6];
	for (int i = 0; i < 6; i++)
		v[i] = db_col_i64(st, i);
	db_reset(st);
	json_t *o = json_pack("{s:I, s:o, s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:I}", "needs",
			      (json_int_t)v[0], "needs_by_status", by, "response_rate",
			      rate(v[2], v[1]), "resolution_rate", rate(v[4], v[3]), "response_due",
			      (json_int_t)v[1], "responded_in_time", (json_int_t)v[2], "accepted",
			      (json_int_t)v[3], "resolved", (json_int_t)v[4], "overdue",
			      (json_int_t)v[5], "response_hours", (json_int_t)NEED_RESPONSE_HOURS);
	json_object_set_new(o, "year", year ? json_integer(year) : json_null());
	*out = o;
	return XY_OK;
}

enum xy_kind needs_stats(struct store *s, const struct actor *who, int64_t area_id, int year,
			 json_t **out, struct xy_err *e)
{
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	char path[AREA_PATH_MAX];
	enum xy_kind k = area_scope(db, who, ACT_STATS_READ, area_id, path, e);
	return k ? k : needs_stats_area(db, path, year, out, e);
}
