#include "store/activities.h"

#include <stdio.h>
#include <string.h>

#include "core/project.h"
#include "core/text.h"
#include "core/timefmt.h"
#include "store/areas.h"
#include "store/projects.h"
#include "store/rowjson.h"
#include "store/venues.h"

/* Activities are added and signed up for while their project is approved or in progress;
 * attendance may still be recorded while it is being evaluated. Else 409 project_not_running. */
static enum xy_kind project_running(const struct project_facts *p, bool attendance,
				    struct xy_err *e)
{
	if (p->status == PROJECT_APPROVED || p->status == PROJECT_IN_PROGRESS ||
	    (attendance && p->status == PROJECT_EVALUATING))
		return XY_OK;
	return xy_fail(e, XY_ECONFLICT, "project_not_running", NULL,
		       "project %lld is %s; activities belong to approved or running projects",
		       (long long)p->id, project_status_name(p->status));
}

enum xy_kind activity_facts_load(struct db *db, int64_t id, struct activity_facts *out,
				 struct xy_err *e)
{
	struct db_stmt *st = db_stmt(db, STMT_ACTIVITY_FACTS);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		out->id = id;
		out->project_id = db_col_i64(st, 0);
		out->area_id = db_col_i64(st, 1);
		snprintf(out->area_path, sizeof out->area_path, "%s", db_col_text(st, 2));
		out->starts_at = db_col_i64(st, 3);
		out->ends_at = db_col_i64(st, 4);
		out->capacity = db_col_i64(st, 5);
		out->signups = db_col_i64(st, 6);
		out->person_times = db_col_i64(st, 7);
	}
	db_reset(st);
	if (rc == DB_DONE)
		return xy_fail(e, XY_ENOTFOUND, "activity_not_found", NULL,
			       "activity %lld does not exist", (long long)id);
	return rc == DB_ROW ? XY_OK : db_fail(db, rc, e);
}

/* ---- create ---------------------------------------------------------------------------- */

struct act_new {
	const struct actor *who;
	int64_t project_id;
	const struct activity_input *in;
	int64_t starts, ends;
	int64_t id;
};

/* The zone an activity books: one of a venue inside the project's community; its capacity
 * bounds (and by default sets) the activity's. */
static enum xy_kind zone_check(struct db *db, const struct act_new *c,
			       const struct project_facts *p, struct zone_facts *z,
			       int64_t *capacity, struct xy_err *e)
{
	enum xy_kind k = zone_facts_load(db, c->in->zone_id, z, e);
	if (k == XY_ENOTFOUND)
		return xy_fail(e, XY_EINVALID, "zone_not_found", "venue_zone_id",
			       "zone %lld does not exist", (long long)c->in->zone_id);
	if (k)
		return k;
	if (area_path_id_at(z->venue_path, AREA_DEPTH_COMMUNITY) != p->community_id)
		return xy_fail(e, XY_ECONFLICT, "zone_other_community", "venue_zone_id",
			       "zone %lld is in a venue outside the project's community",
			       (long long)c->in->zone_id);
	if (z->capacity && *capacity > z->capacity)
		return xy_fail(e, XY_EINVALID, "capacity_exceeds_zone", "capacity",
			       "zone %lld holds %lld people", (long long)z->id,
			       (long long)z->capacity);
	if (!*capacity)
		*capacity = z->capacity;
	return XY_OK;
}

static enum xy_kind create_tx(struct db *db, void *arg, struct xy_err *e)
{
	struct act_new *c = arg;
	const struct activity_input *in = c->in;
	struct project_facts p;
	enum xy_kind k = project_facts_load(db, c->project_id, &p, e);
	if (k)
		return k;
	if ((k = area_allow(c->who, ACT_PROJECT_DRAFT, p.area_path,
			    "only community staff run a project's activities", e)))
		return k;
	if ((k = project_running(&p, false, e)))
		return k;
	if ((k = category_check(db, in->category, "category", e)))
		return k;
	int64_t capacity = in->has_capacity ? in->capacity : 0;
	struct zone_facts z = { 0 };
	if (in->zone_id && (k = zone_check(db, c, &p, &z, &capacity, e)))
		return k;

	int64_t now = time_now();
	struct db_stmt *st = db_stmt(db, STMT_ACTIVITY_INSERT);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, p.id);
	db_bind_i64(st, 2, p.area_id);
	db_bind_text(st, 3, p.area_path);
	db_bind_text(st, 4, in->title);
	db_bind_text(st, 5, in->category);
	db_bind_i64(st, 6, c->starts);
	db_bind_i64(st, 7, c->ends);
	db_bind_id(st, 8, in->zone_id);
	db_bind_id(st, 9, capacity);
	db_bind_id(st, 10, c->who->user_id);
	db_bind_i64(st, 11, now);
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_reset(st);
		return db_fail(db, rc, e);
	}
	c->id = db_col_i64(st, 0);
	db_reset(st);
	int64_t booking = 0;
	if (in->zone_id &&
	    (k = zone_book_tx(db, c->who, &z, c->starts, c->ends, in->title, c->id, &booking, e)))
		return k;
	char a[40], b[40];
	time_iso(c->starts, a, sizeof a);
	time_iso(c->ends, b, sizeof b);
	json_t *data =
		json_pack("{s:I, s:s, s:s, s:s, s:s}", "project_id", (json_int_t)p.id, "title",
			  in->title, "category", in->category, "starts_at", a, "ends_at", b);
	json_object_set_new(data, "capacity", capacity ? json_integer(capacity) : json_null());
	if (in->zone_id) {
		json_object_set_new(data, "zone_id", json_integer(in->zone_id));
		json_object_set_new(data, "booking_id", json_integer(booking));
	}
	k = store_audit_append(db, c->who->user_id, p.area_id, "activity.created", "activity",
			       c->id, data, e);
	json_decref(data);
	return k;
}

enum xy_kind activity_create(struct store *s, const struct actor *who, int64_t project_id,
			     const struct activity_input *in, int64_t *id, struct xy_err *e)
{
	struct act_new c = { .who = who, .project_id = project_id, .in = in };
	if (!text_len_ok(in->title, 1, ACTIVITY_TITLE_MAX))
		return xy_fail(e, XY_EINVALID, "invalid_title", "title",
			       "title must be 1 to %d characters", ACTIVITY_TITLE_MAX);
	enum xy_kind k = booking_times_parse(in->starts_at, in->ends_at, &c.starts, &c.ends, e);
	if (k)
		return k;
	if (in->has_capacity && (in->capacity < 1 || in->capacity > CAPACITY_MAX))
		return xy_fail(e, XY_EINVALID, "invalid_capacity", "capacity",
			       "capacity must be 1 to %d", CAPACITY_MAX);
	if (in->zone_id < 0)
		return xy_fail(e, XY_EINVALID, "zone_not_found", "venue_zone_id",
			       "venue_zone_id must be a positive id");
	if ((k = store_tx(s, create_tx, &c, e)))
		return k;
	*id = c.id;
	return XY_OK;
}

/* ---- reading --------------------------------------------------------------------------- */

/* One row of ACTIVITY_GET / ACTIVITY_LIST. */
static json_t *activity_row(struct db_stmt *st, const void *ctx)
{
	int64_t now = *(const int64_t *)ctx;
	int64_t starts = db_col_i64(st, 5), ends = db_col_i64(st, 6);
	json_t *o = json_pack(
		"{s:I, s:I, s:s, s:I, s:s, s:s, s:I, s:I}", "id", (json_int_t)db_col_i64(st, 0),
		"project_id", (json_int_t)db_col_i64(st, 1), "project_title", db_col_text(st, 18),
		"area_id", (json_int_t)db_col_i64(st, 2), "title", db_col_text(st, 3), "category",
		db_col_text(st, 4), "signups", (json_int_t)db_col_i64(st, 13), "person_times",
		(json_int_t)db_col_i64(st, 14));
	json_object_set_new(o, "starts_at", rowjson_time(starts));
	json_object_set_new(o, "ends_at", rowjson_time(ends));
	json_object_set_new(o, "state",
			    json_string(now < starts ? "upcoming"
					: now < ends ? "ongoing"
						     : "ended"));
	json_object_set_new(o, "capacity", rowjson_int_or_null(st, 12));
	int64_t zone = db_col_i64(st, 7);
	json_t *z = json_null();
	if (zone) {
		z = json_pack("{s:I, s:s, s:s, s:I, s:s}", "id", (json_int_t)zone, "name",
			      db_col_text(st, 8), "colour", db_col_text(st, 9), "venue_id",
			      (json_int_t)db_col_i64(st, 10), "venue_name", db_col_text(st, 11));
		json_object_set_new(z, "booking_id", rowjson_id(db_col_i64(st, 19)));
	}
	json_object_set_new(o, "zone", z);
	json_object_set_new(o, "created_by", rowjson_id(db_col_i64(st, 15)));
	json_object_set_new(o, "created_at", rowjson_time(db_col_i64(st, 16)));
	json_object_set_new(o, "signed_up", json_boolean(db_col_i64(st, 17) != 0));
	return o;
}

enum xy_kind project_activities(struct store *s, const struct actor *who, int64_t project_id,
				const struct page *pg, json_t **out, struct xy_err *e)
{
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	struct project_facts p;
	enum xy_kind k = project_facts_load(db, project_id, &p, e);
	if (!k)
		k = area_allow(who, ACT_PROJECT_READ, p.area_path, "your role may not see projects",
			       e);
	if (k)
		return k;
	/* the list's second parameter is the actor (for signed_up); the count takes the first */
	int64_t now = time_now();
	const struct rowjson_param par[] = { { .i = project_id }, { .i = who->user_id } };
	return rowjson_list(db, STMT_ACTIVITY_COUNT, STMT_ACTIVITY_LIST, par, 1, 2, pg,
			    activity_row, &now, out, e);
}

enum xy_kind activity_get(struct store *s, const struct actor *who, int64_t id, json_t **out,
			  struct xy_err *e)
{
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	struct db_stmt *st = db_stmt(db, STMT_ACTIVITY_GET);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, id);
	db_bind_i64(st, 2, who->user_id);
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_reset(st);
		return rc == DB_DONE ? xy_fail(e, XY_ENOTFOUND, "activity_not_found", NULL,
					       "activity %lld does not exist", (long long)id)
				     : db_fail(db, rc, e);
	}
	char path[AREA_PATH_MAX];
	snprintf(path, sizeof path, "%s", db_col_text(st, 20));
	enum xy_kind k =
		area_allow(who, ACT_PROJECT_READ, path, "your role may not see projects", e);
	int64_t now = time_now();
	if (!k)
		*out = activity_row(st, &now);
	db_reset(st);
	return k;
}

/* ---- sign-ups and attendance ----------------------------------------------------------- */

struct signup {
	const struct actor *who;
	int64_t id;
	struct activity_facts a;
	int64_t signups;
};

static enum xy_kind signup_tx(struct db *db, void *arg, struct xy_err *e)
{
	struct signup *c = arg;
	enum xy_kind k = activity_facts_load(db, c->id, &c->a, e);
	if (k)
		return k;
	if ((k = area_allow(c->who, ACT_ACTIVITY_JOIN, c->a.area_path,
			    "only residents of the community sign up for its activities", e)))
		return k;
	struct project_facts p;
	if ((k = project_facts_load(db, c->a.project_id, &p, e)) ||
	    (k = project_running(&p, false, e)))
		return k;
	int64_t now = time_now();
	if (now >= c->a.ends_at)
		return xy_fail(e, XY_ECONFLICT, "activity_ended", NULL, "activity %lld has ended",
			       (long long)c->id);
	struct db_stmt *st = db_stmt(db, STMT_SIGNUP_INSERT);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, c->id);
	db_bind_i64(st, 2, c->who->user_id);
	db_bind_i64(st, 3, now);
	int rc = db_run(st);
	if (rc == DB_CONFLICT)
		return xy_fail(e, XY_ECONFLICT, "already_signed_up", NULL,
			       "you have already signed up for this activity");
	if (rc != DB_OK)
		return db_fail(db, rc, e);
	if (!(st = db_stmt(db, STMT_ACTIVITY_SIGNUP_BUMP)))
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, c->id);
	rc = db_step(st);
	if (rc == DB_ROW)
		c->signups = db_col_i64(st, 0);
	db_reset(st);
	if (rc == DB_DONE)
		return xy_fail(e, XY_ECONFLICT, "activity_full", NULL,
			       "activity %lld is full (%lld places)", (long long)c->id,
			       (long long)c->a.capacity);
	if (rc != DB_ROW)
		return db_fail(db, rc, e);
	json_t *data = json_pack("{s:I, s:I}", "project_id", (json_int_t)c->a.project_id, "signups",
				 (json_int_t)c->signups);
	k = store_audit_append(db, c->who->user_id, c->a.area_id, "activity.signup", "activity",
			       c->id, data, e);
	json_decref(data);
	return k;
}

enum xy_kind activity_signup(struct store *s, const struct actor *who, int64_t id, json_t **out,
			     struct xy_err *e)
{
	struct signup c = { .who = who, .id = id };
	enum xy_kind k = store_tx(s, signup_tx, &c, e);
	if (k)
		return k;
	*out = json_pack("{s:I, s:I}", "activity_id", (json_int_t)id, "signups",
			 (json_int_t)c.signups);
	json_object_set_new(*out, "capacity", rowjson_id(c.a.capacity));
	return XY_OK;
}

struct attend {
	const struct actor *who;
	int64_t id, count;
	int64_t project_total;
};

static enum xy_kind attend_tx(struct db *db, void *arg, struct xy_err *e)
{
	struct attend *c = arg;
	struct activity_facts a;
	enum xy_kind k = activity_facts_load(db, c->id, &a, e);
	if (k)
		return k;
	if ((k = area_allow(c->who, ACT_PROJECT_DRAFT, a.area_path,
			    "only community staff record attendance", e)))
		return k;
	struct project_facts p;
	if ((k = project_facts_load(db, a.project_id, &p, e)) || (k = project_running(&p, true, e)))
		return k;
	if (time_now() < a.starts_at)
		return xy_fail(e, XY_ECONFLICT, "activity_not_started", NULL,
			       "activity %lld has not started yet", (long long)c->id);
	struct db_stmt *st = db_stmt(db, STMT_ACTIVITY_SET_PERSON_TIMES);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, c->id);
	db_bind_i64(st, 2, c->count);
	int rc = db_run(st);
	if (rc != DB_OK)
		return db_fail(db, rc, e);
	if (!(st = db_stmt(db, STMT_PROJECT_PERSON_TIMES)))
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, a.project_id);
	if ((rc = rowjson_scalar(st, &c->project_total)) != DB_OK)
		return db_fail(db, rc, e);
	json_t *data = json_pack("{s:I, s:I, s:I}", "project_id", (json_int_t)a.project_id, "from",
				 (json_int_t)a.person_times, "to", (json_int_t)c->count);
	k = store_audit_append(db, c->who->user_id, a.area_id, "activity.attendance", "activity",
			       c->id, data, e);
	json_decref(data);
	return k;
}

enum xy_kind activity_attendance(struct store *s, const struct actor *who, int64_t id,
				 int64_t count, json_t **out, struct xy_err *e)
{
	if (count < 0 || count > PERSON_TIMES_MAX)
		return xy_fail(e, XY_EINVALID, "invalid_count", "count",
			       "count must be 0 to %d person-times", PERSON_TIMES_MAX);
	struct attend c = { .who = who, .id = id, .count = count };
	enum xy_kind k = store_tx(s, attend_tx, &c, e);
	if (k)
		return k;
	*out = json_pack("{s:I, s:I, s:I}", "activity_id", (json_int_t)id, "person_times",
			 (json_int_t)count, "project_person_times", (json_int_t)c.project_total);
	return XY_OK;
}
