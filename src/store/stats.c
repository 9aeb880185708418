#include "store/stats.h"

#include <stdio.h>
#include <string.h>

#include "core/project.h"
#include "core/timefmt.h"
#include "store/areas.h"
#include "store/needs.h"
#include "store/rowjson.h"

/* The bounds every figure query takes: the subtree's path range, the year as a time range
 * and as a range of years, and now. */
struct range {
	const char *path;
	char upper[AREA_PATH_MAX];
	int64_t from, to; /* [from, to) Unix seconds */
	int64_t y0, y1;   /* [y0, y1] fund years */
	int64_t now;
};

/* A catalogue statement bound to $1 path, $2 upper, then two bounds ($3, $4) and now ($5). */
static struct db_stmt *range_stmt(struct db *db, enum stmt_id id, const struct range *r, int64_t lo,
				  int64_t hi, bool with_now)
{
	struct db_stmt *st = db_stmt(db, id);
	if (!st)
		return NULL;
	db_bind_text(st, 1, r->path);
	db_bind_text(st, 2, r->upper);
	db_bind_i64(st, 3, lo);
	db_bind_i64(st, 4, hi);
	if (with_now)
		db_bind_i64(st, 5, r->now);
	return st;
}

static void set_int(json_t *o, const char *key, int64_t v)
{
	json_object_set_new(o, key, json_integer(v));
}

/* projects, projects_by_status, overdue_projects */
static enum xy_kind add_projects(struct db *db, const struct range *r, json_t *o, struct xy_err *e)
{
	json_t *by = json_object();
	for (int i = 0; i < PROJECT_STATUS_COUNT; i++)
		set_int(by, project_status_name((enum project_status)i), 0);
	json_object_set_new(o, "projects_by_status", by);
	struct db_stmt *st = range_stmt(db, STMT_STATS_PROJECTS, r, r->from, r->to, true);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	int64_t total = 0, overdue = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		int s = project_status_parse(db_col_text(st, 0));
		int64_t n = db_col_i64(st, 1);
		total += n;
		if (s < 0)
			continue;
		set_int(by, project_status_name((enum project_status)s), n);
		if (!project_status_final((enum project_status)s))
			overdue += db_col_i64(st, 2);
	}
	db_reset(st);
	if (rc != DB_DONE)
		return db_fail(db, rc, e);
	set_int(o, "projects", total);
	set_int(o, "overdue_projects", overdue);
	return XY_OK;
}

/* events, events_upcoming, activity_categories, person_times, activities_by_category */
static enum xy_kind add_activities(struct db *db, const struct range *r, json_t *o,
				   struct xy_err *e)
{
	struct db_stmt *st = range_stmt(db, STMT_STATS_ACTIVITIES, r, r->from, r->to, true);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	json_t *cats = json_array();
	json_object_set_new(o, "activities_by_category", cats);
	int64_t events = 0, held = 0, person_times = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t n = db_col_i64(st, 3), pt = db_col_i64(st, 4);
		events += n;
		person_times += pt;
		held += db_col_i64(st, 5);
		json_array_append_new(
			cats, json_pack("{s:s, s:s, s:s, s:I, s:I}", "category", db_col_text(st, 0),
					"name", db_col_text(st, 1), "name_en", db_col_text(st, 2),
					"events", (json_int_t)n, "person_times", (json_int_t)pt));
	}
	db_reset(st);
	if (rc != DB_DONE)
		return db_fail(db, rc, e);
	set_int(o, "activity_categories", (int64_t)json_array_size(cats));
	set_int(o, "events", events);
	set_int(o, "events_upcoming", events - held);
	set_int(o, "person_times", person_times);
	return XY_OK;
}

/* ratings by kind and satisfaction_rate */
static enum xy_kind add_feedback(struct db *db, const struct range *r, json_t *o, struct xy_err *e)
{
	struct db_stmt *st = range_stmt(db, STMT_STATS_FEEDBACK, r, r->from, r->to, false);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	int64_t satisfied = 0, basically = 0, unsatisfied = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *rating = db_col_text(st, 0);
		int64_t n = db_col_i64(st, 1);
		if (strcmp(rating, "satisfied") == 0)
			satisfied = n;
		else if (strcmp(rating, "basically_satisfied") == 0)
			basically = n;
		else
			unsatisfied += n;
	}
	db_reset(st);
	if (rc != DB_DONE)
		return db_fail(db, rc, e);
	int64_t all = satisfied + basically + unsatisfied;
	set_int(o, "ratings", all);
	set_int(o, "satisfied", satisfied);
	set_int(o, "basically_satisfied", basically);
	set_int(o, "unsatisfied", unsatisfied);
	json_object_set_new(o, "satisfaction_rate", rowjson_ratio(satisfied + basically, all));
	return XY_OK;
}

/* funds_fen, allocated_fen, spent_fen */
static enum xy_kind add_money(struct db *db, const struct range *r, json_t *o, struct xy_err *e)
{
	struct db_stmt *st = range_stmt(db, STMT_STATS_MONEY, r, r->y0, r->y1, false);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		set_int(o, "funds_fen", db_col_i64(st, 0));
		set_int(o, "allocated_fen", db_col_i64(st, 1));
		set_int(o, "spent_fen", db_col_i64(st, 2));
	}
	db_reset(st);
	return rc == DB_ROW ? XY_OK : db_fail(db, rc, e);
}

enum xy_kind stats_area(struct db *db, const char *path, int year, json_t **out, struct xy_err *e)
{
	struct range r = { .path = path, .from = 0, .to = INT64_MAX, .y0 = 0, .y1 = 9999 };
	if (year) {
		if (time_year_bounds(year, &r.from, &r.to) != 0)
			return xy_fail(e, XY_EINVALID, "invalid_year", "year",
				       "year must be 1970 to 9999");
		r.y0 = r.y1 = year;
	}
	area_path_upper(path, r.upper, sizeof r.upper);
	r.now = time_now();
	json_t *o;
	enum xy_kind k = needs_stats_area(db, path, year, &o, e);
	if (k)
		return k;
	if ((k = add_projects(db, &r, o, e)) || (k = add_activities(db, &r, o, e)) ||
	    (k = add_feedback(db, &r, o, e)) || (k = add_money(db, &r, o, e))) {
		json_decref(o);
		return k;
	}
	/* needs_stats_area's overdue counts needs; overdue here counts needs and projects */
	int64_t needs_overdue = json_integer_value(json_object_get(o, "overdue"));
	int64_t projects_overdue = json_integer_value(json_object_get(o, "overdue_projects"));
	set_int(o, "overdue_needs", needs_overdue);
	set_int(o, "overdue", needs_overdue + projects_overdue);
	*out = o;
	return XY_OK;
}

/* The area at the root of the subtree at path, as {id, name, kind}; json null for "/". */
static enum xy_kind area_of_path(struct db *db, const char *path, json_t **out, struct xy_err *e)
{
	int64_t id = area_path_id_at(path, area_path_depth(path));
	*out = json_null();
	if (!id)
		return XY_OK;
	struct area_row a;
	enum xy_kind k = area_load(db, id, "area_id", &a, e);
	if (k)
		return k;
	*out = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)a.id, "name", a.name, "kind",
			 area_kind_name((enum area_kind)a.kind));
	return XY_OK;
}

enum xy_kind stats_get(struct store *s, const struct actor *who, int64_t area_id, int year,
		       json_t **out, struct xy_err *e)
{
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	char path[AREA_PATH_MAX];
	json_t *area, *o;
	enum xy_kind k = area_scope(db, who, ACT_STATS_READ, area_id, path, e);
	if (k || (k = area_of_path(db, path, &area, e)))
		return k;
	if ((k = stats_area(db, path, year, &o, e))) {
		json_decref(area);
		return k;
	}
	json_object_set_new(o, "area_id", area_id ? json_integer(area_id) : json_null());
	json_object_set_new(o, "area", area);
	*out = o;
	return XY_OK;
}

enum xy_kind stats_communities(struct store *s, const struct actor *who, int64_t area_id, int year,
			       json_t **out, struct xy_err *e)
{
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	char path[AREA_PATH_MAX], upper[AREA_PATH_MAX];
	enum xy_kind k = area_scope(db, who, ACT_STATS_READ, area_id, path, e);
	if (k)
		return k;
	int64_t from, to;
	if (year && time_year_bounds(year, &from, &to) != 0)
		return xy_fail(e, XY_EINVALID, "invalid_year", "year", "year must be 1970 to 9999");
	area_path_upper(path, upper, sizeof upper);
	struct db_stmt *st = db_stmt(db, STMT_STATS_COMMUNITIES);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_text(st, 1, path);
	db_bind_text(st, 2, upper);
	db_bind_i64(st, 3, STATS_COMMUNITIES_MAX + 1);
	/* the communities first: the figures' queries reuse this connection */
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(
			items, json_pack("{s:I, s:s, s:s, s:s}", "area_id",
					 (json_int_t)db_col_i64(st, 0), "name", db_col_text(st, 1),
					 "street", db_col_text(st, 3), "path", db_col_text(st, 2)));
	db_reset(st);
	if (rc != DB_DONE) {
		json_decref(items);
		return db_fail(db, rc, e);
	}
	if (json_array_size(items) > STATS_COMMUNITIES_MAX) {
		json_decref(items);
		return xy_fail(e, XY_EINVALID, "too_many_communities", "area_id",
			       "more than %d communities lie in this area; choose a smaller one",
			       STATS_COMMUNITIES_MAX);
	}
	/* one snapshot, so the rows add up to the figures of the whole area */
	if (db_begin_read(db) != DB_OK) {
		json_decref(items);
		return db_fail(db, DB_FAIL, e);
	}
	size_t i;
	json_t *row;
	json_array_foreach(items, i, row)
	{
		json_t *fig;
		k = stats_area(db, json_string_value(json_object_get(row, "path")), year, &fig, e);
		if (k) {
			db_rollback(db);
			json_decref(items);
			return k;
		}
		json_object_del(row, "path");
		json_object_update_missing(row, fig);
		json_decref(fig);
	}
	db_rollback(db);
	*out = json_pack("{s:I, s:o}", "total", (json_int_t)json_array_size(items), "items", items);
	json_object_set_new(*out, "year", year ? json_integer(year) : json_null());
	return XY_OK;
}
