#include "store/venues.h"

#include <stdio.h>
#include <string.h>

#include "core/text.h"
#include "core/timefmt.h"
#include "store/activities.h"
#include "store/areas.h"
#include "store/rowjson.h"

/* 2000-01-01T00:00:00Z and 2100-01-01T00:00:00Z: times outside are typing errors. */
#define TIME_MIN 946684800LL
#define TIME_END 4102444800LL

static const char *const colours[] = {
	"red", "blue", "white", "silver", "green", "orange", "purple", "yellow", "cyan", "other",
};

bool zone_colour_ok(const char *colour)
{
	for (size_t i = 0; colour && i < sizeof colours / sizeof *colours; i++)
		if (strcmp(colour, colours[i]) == 0)
			return true;
	return false;
}

/* ---- venues ---------------------------------------------------------------------------- */

struct venue_new {
	const struct actor *who;
	const struct venue_input *in;
	int64_t id;
};

static enum xy_kind venue_tx(struct db *db, void *arg, struct xy_err *e)
{
	struct venue_new *c = arg;
	struct area_row a;
	enum xy_kind k = area_load(db, c->in->area_id, "area_id", &a, e);
	if (k)
		return k == XY_ENOTFOUND ? (e->kind = XY_EINVALID) : k;
	if ((k = area_allow(c->who, ACT_VENUE_WRITE, a.path, "your role may not add venues", e)))
		return k;
	if (a.kind != AREA_COMMUNITY && a.kind != AREA_COMPOUND)
		return xy_fail(e, XY_EINVALID, "invalid_area", "area_id",
			       "venues belong to a community or a compound");
	int64_t now = time_now();
	struct db_stmt *st = db_stmt(db, STMT_VENUE_INSERT);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, a.id);
	db_bind_text(st, 2, a.path);
	db_bind_text(st, 3, c->in->name);
	db_bind_text(st, 4, c->in->address);
	db_bind_id(st, 5, c->who->user_id);
	db_bind_i64(st, 6, now);
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_reset(st);
		return db_fail(db, rc, e);
	}
	c->id = db_col_i64(st, 0);
	db_reset(st);
	json_t *data = json_pack("{s:s}", "name", c->in->name);
	if (c->in->address)
		json_object_set_new(data, "address", json_string(c->in->address));
	k = store_audit_append(db, c->who->user_id, a.id, "venue.created", "venue", c->id, data, e);
	json_decref(data);
	return k;
}

enum xy_kind venue_create(struct store *s, const struct actor *who, const struct venue_input *in,
			  int64_t *id, struct xy_err *e)
{
	if (in->area_id <= 0)
		return xy_fail(e, XY_EINVALID, "area_required", "area_id", "area_id is required");
	if (!text_len_ok(in->name, 1, VENUE_NAME_MAX))
		return xy_fail(e, XY_EINVALID, "invalid_name", "name",
			       "name must be 1 to %d characters", VENUE_NAME_MAX);
	if (in->address && !text_len_ok(in->address, 1, VENUE_ADDRESS_MAX))
		return xy_fail(e, XY_EINVALID, "invalid_address", "address",
			       "address must be 1 to %d characters", VENUE_ADDRESS_MAX);
	struct venue_new c = { .who = who, .in = in };
	enum xy_kind k = store_tx(s, venue_tx, &c, e);
	if (k == XY_OK)
		*id = c.id;
	return k;
}

/* One row of VENUE_GET / VENUE_LIST. */
static json_t *venue_row(struct db_stmt *st, const void *ctx)
{
	(void)ctx;
	json_t *o =
		json_pack("{s:I, s:I, s:s, s:s, s:I}", "id", (json_int_t)db_col_i64(st, 0),
			  "area_id", (json_int_t)db_col_i64(st, 1), "area_name", db_col_text(st, 2),
			  "name", db_col_text(st, 3), "zones_count", (json_int_t)db_col_i64(st, 8));
	json_object_set_new(o, "address", rowjson_text(db_col_text(st, 4)));
	json_object_set_new(o, "created_by", rowjson_id(db_col_i64(st, 5)));
	json_object_set_new(o, "created_at", rowjson_time(db_col_i64(st, 6)));
	return o;
}

enum xy_kind venues_list(struct store *s, const struct actor *who, const struct venue_filter *f,
			 json_t **out, struct xy_err *e)
{
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	char path[AREA_PATH_MAX], upper[AREA_PATH_MAX];
	enum xy_kind k = area_scope(db, who, ACT_PROJECT_READ, f->area_id, path, e);
	if (k)
		return k;
	area_path_upper(path, upper, sizeof upper);
	const struct rowjson_param p[] = { { .text = path }, { .text = upper } };
	return rowjson_list(db, STMT_VENUE_COUNT, STMT_VENUE_LIST, p, 2, 2, &f->pg, venue_row, NULL,
			    out, e);
}

/* A zone as the API shows it; steals capacity (an integer or null). */
static json_t *zone_json(int64_t id, int64_t venue_id, const char *name, const char *colour,
			 const char *purpose, json_t *capacity)
{
	json_t *z = json_pack("{s:I, s:I, s:s, s:s, s:o}", "id", (json_int_t)id, "venue_id",
			      (json_int_t)venue_id, "name", name, "colour", colour, "capacity",
			      capacity);
	json_object_set_new(z, "purpose", rowjson_text(purpose));
	return z;
}

static json_t *zones_json(struct db *db, int64_t venue_id)
{
	struct db_stmt *st = db_stmt(db, STMT_ZONE_LIST);
	if (!st)
		return NULL;
	db_bind_i64(st, 1, venue_id);
	json_t *zones = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(zones,
				      zone_json(db_col_i64(st, 0), venue_id, db_col_text(st, 1),
						db_col_text(st, 2), db_col_text(st, 3),
						rowjson_int_or_null(st, 4)));
	db_reset(st);
	if (rc != DB_DONE) {
		json_decref(zones);
		return NULL;
	}
	return zones;
}

/* Loads the venue row (VENUE_GET) and checks the actor may read it; on XY_OK the statement
 * holds the row and the caller resets it. */
static enum xy_kind venue_open(struct db *db, const struct actor *who, int64_t id,
			       struct db_stmt **out, struct xy_err *e)
{
	struct db_stmt *st = db_stmt(db, STMT_VENUE_GET);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, id);
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_reset(st);
		return rc == DB_DONE ? xy_fail(e, XY_ENOTFOUND, "venue_not_found", NULL,
					       "venue %lld does not exist", (long long)id)
				     : db_fail(db, rc, e);
	}
	enum xy_kind k = area_allow(who, ACT_PROJECT_READ, db_col_text(st, 7),
				    "your role may not see venues", e);
	if (k) {
		db_reset(st);
		return k;
	}
	*out = st;
	return XY_OK;
}

enum xy_kind venue_get(struct store *s, const struct actor *who, int64_t id, json_t **out,
		       struct xy_err *e)
{
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	struct db_stmt *st;
	enum xy_kind k = venue_open(db, who, id, &st, e);
	if (k)
		return k;
	json_t *o = venue_row(st, NULL);
	db_reset(st);
	json_t *zones = zones_json(db, id);
	if (!zones) {
		json_decref(o);
		return db_fail(db, DB_FAIL, e);
	}
	json_object_set_new(o, "zones", zones);
	*out = o;
	return XY_OK;
}

/* ---- zones ----------------------------------------------------------------------------- */

struct zone_new {
	const struct actor *who;
	int64_t venue_id;
	const struct zone_input *in;
	int64_t id;
};

static enum xy_kind zone_tx(struct db *db, void *arg, struct xy_err *e)
{
	struct zone_new *c = arg;
	const struct zone_input *in = c->in;
	struct db_stmt *st;
	enum xy_kind k = venue_open(db, c->who, c->venue_id, &st, e);
	if (k)
		return k;
	int64_t area_id = db_col_i64(st, 1);
	char path[AREA_PATH_MAX];
	snprintf(path, sizeof path, "%s", db_col_text(st, 7));
	db_reset(st);
	if ((k = area_allow(c->who, ACT_VENUE_WRITE, path, "your role may not add zones", e)))
		return k;
	if (!(st = db_stmt(db, STMT_ZONE_INSERT)))
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, c->venue_id);
	db_bind_text(st, 2, in->name);
	db_bind_text(st, 3, in->colour);
	db_bind_text(st, 4, in->purpose);
	if (in->has_capacity)
		db_bind_i64(st, 5, in->capacity);
	else
		db_bind_null(st, 5);
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_reset(st);
		if (rc == DB_CONFLICT)
			return xy_fail(e, XY_ECONFLICT, "zone_exists", "name",
				       "this venue already has a zone named '%s'", in->name);
		return db_fail(db, rc, e);
	}
	c->id = db_col_i64(st, 0);
	db_reset(st);
	json_t *data = json_pack("{s:I, s:s, s:s}", "venue_id", (json_int_t)c->venue_id, "name",
				 in->name, "colour", in->colour);
	if (in->has_capacity)
		json_object_set_new(data, "capacity", json_integer(in->capacity));
	k = store_audit_append(db, c->who->user_id, area_id, "zone.created", "zone", c->id, data,
			       e);
	json_decref(data);
	return k;
}

enum xy_kind zone_create(struct store *s, const struct actor *who, int64_t venue_id,
			 const struct zone_input *in, json_t **out, struct xy_err *e)
{
	if (!text_len_ok(in->name, 1, ZONE_NAME_MAX))
		return xy_fail(e, XY_EINVALID, "invalid_name", "name",
			       "name must be 1 to %d characters", ZONE_NAME_MAX);
	if (!zone_colour_ok(in->colour))
		return xy_fail(e, XY_EINVALID, "invalid_colour", "colour",
			       "colour must be one of red, blue, white, silver, green, orange, "
			       "purple, yellow, cyan, other");
	if (in->purpose && !text_len_ok(in->purpose, 1, ZONE_PURPOSE_MAX))
		return xy_fail(e, XY_EINVALID, "invalid_purpose", "purpose",
			       "purpose must be 1 to %d characters", ZONE_PURPOSE_MAX);
	if (in->has_capacity && (in->capacity < 1 || in->capacity > CAPACITY_MAX))
		return xy_fail(e, XY_EINVALID, "invalid_capacity", "capacity",
			       "capacity must be 1 to %d", CAPACITY_MAX);
	struct zone_new c = { .who = who, .venue_id = venue_id, .in = in };
	enum xy_kind k = store_tx(s, zone_tx, &c, e);
	if (k)
		return k;
	*out = zone_json(c.id, venue_id, in->name, in->colour, in->purpose,
			 in->has_capacity ? json_integer(in->capacity) : json_null());
	return XY_OK;
}

enum xy_kind zone_facts_load(struct db *db, int64_t id, struct zone_facts *out, struct xy_err *e)
{
	struct db_stmt *st = db_stmt(db, STMT_ZONE_FACTS);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		out->id = db_col_i64(st, 0);
		out->venue_id = db_col_i64(st, 1);
		out->venue_area_id = db_col_i64(st, 2);
		out->capacity = db_col_i64(st, 3);
		snprintf(out->venue_path, sizeof out->venue_path, "%s", db_col_text(st, 4));
	}
	db_reset(st);
	if (rc == DB_DONE)
		return xy_fail(e, XY_ENOTFOUND, "zone_not_found", NULL, "zone %lld does not exist",
			       (long long)id);
	return rc == DB_ROW ? XY_OK : db_fail(db, rc, e);
}

/* ---- bookings -------------------------------------------------------------------------- */

static enum xy_kind time_field(const char *s, const char *field, int64_t *t, struct xy_err *e)
{
	if (!s || time_parse_iso(s, t) != 0)
		return xy_fail(e, XY_EINVALID, "invalid_time", field,
			       "%s must be an ISO 8601 time with its offset, e.g. "
			       "2026-12-05T09:30:00+08:00",
			       field);
	if (*t < TIME_MIN || *t >= TIME_END)
		return xy_fail(e, XY_EINVALID, "invalid_time", field,
			       "%s must fall in the years 2000 to 2099", field);
	return XY_OK;
}

enum xy_kind booking_times_parse(const char *starts_at, const char *ends_at, int64_t *starts,
				 int64_t *ends, struct xy_err *e)
{
	enum xy_kind k = time_field(starts_at, "starts_at", starts, e);
	if (!k)
		k = time_field(ends_at, "ends_at", ends, e);
	if (k)
		return k;
	if (*ends <= *starts)
		return xy_fail(e, XY_EINVALID, "invalid_time_range", "ends_at",
			       "ends_at must be after starts_at");
	if (*ends - *starts > BOOKING_SPAN_MAX)
		return xy_fail(e, XY_EINVALID, "span_too_long", "ends_at",
			       "a booking lasts at most %d days", BOOKING_SPAN_MAX / 86400);
	return XY_OK;
}

enum xy_kind zone_book_tx(struct db *db, const struct actor *who, const struct zone_facts *z,
			  int64_t starts, int64_t ends, const char *purpose, int64_t activity_id,
			  int64_t *booking_id, struct xy_err *e)
{
	/* the zone's row lock orders concurrent bookings of it: the second sees the first */
	struct db_stmt *st = db_stmt(db, STMT_ZONE_LOCK);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, z->id);
	int rc = db_step(st);
	db_reset(st);
	if (rc != DB_ROW)
		return db_fail(db, rc == DB_DONE ? DB_FAIL : rc, e);
	if (!(st = db_stmt(db, STMT_BOOKING_CLASH)))
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, z->id);
	db_bind_i64(st, 2, starts);
	db_bind_i64(st, 3, ends);
	rc = db_step(st);
	if (rc == DB_ROW) {
		char a[40], b[40];
		int64_t other = db_col_i64(st, 0);
		time_iso(db_col_i64(st, 1), a, sizeof a);
		time_iso(db_col_i64(st, 2), b, sizeof b);
		db_reset(st);
		return xy_fail(e, XY_ECONFLICT, "booking_overlap", "starts_at",
			       "zone %lld is already booked from %s to %s (booking %lld)",
			       (long long)z->id, a, b, (long long)other);
	}
	db_reset(st);
	if (rc != DB_DONE)
		return db_fail(db, rc, e);
	int64_t now = time_now();
	if (!(st = db_stmt(db, STMT_BOOKING_INSERT)))
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, z->id);
	db_bind_i64(st, 2, starts);
	db_bind_i64(st, 3, ends);
	db_bind_text(st, 4, purpose);
	db_bind_id(st, 5, activity_id);
	db_bind_id(st, 6, who->user_id);
	db_bind_i64(st, 7, now);
	if ((rc = db_step(st)) != DB_ROW) {
		db_reset(st);
		return db_fail(db, rc, e);
	}
	*booking_id = db_col_i64(st, 0);
	db_reset(st);
	char a[40], b[40];
	time_iso(starts, a, sizeof a);
	time_iso(ends, b, sizeof b);
	json_t *data = json_pack("{s:I, s:I, s:s, s:s, s:s}", "zone_id", (json_int_t)z->id,
				 "venue_id", (json_int_t)z->venue_id, "starts_at", a, "ends_at", b,
				 "purpose", purpose);
	if (activity_id)
		json_object_set_new(data, "activity_id", json_integer(activity_id));
	enum xy_kind k = store_audit_append(db, who->user_id, z->venue_area_id, "booking.created",
					    "booking", *booking_id, data, e);
	json_decref(data);
	return k;
}

struct book {
	const struct actor *who;
	int64_t zone_id, starts, ends;
	const struct booking_input *in;
	int64_t id;
	struct zone_facts z;
};

static enum xy_kind book_tx(struct db *db, void *arg, struct xy_err *e)
{
	struct book *c = arg;
	enum xy_kind k = zone_facts_load(db, c->zone_id, &c->z, e);
	if (k)
		return k;
	if ((k = area_allow(c->who, ACT_VENUE_WRITE, c->z.venue_path,
			    "your role may not book venues", e)))
		return k;
	if (c->in->activity_id) {
		struct activity_facts a;
		if ((k = activity_facts_load(db, c->in->activity_id, &a, e)))
			return k == XY_ENOTFOUND
				       ? xy_fail(e, XY_EINVALID, "activity_not_found",
						 "activity_id", "activity %lld does not exist",
						 (long long)c->in->activity_id)
				       : k;
		if (!area_path_same_community(a.area_path, c->z.venue_path))
			return xy_fail(e, XY_ECONFLICT, "activity_other_community", "activity_id",
				       "activity %lld belongs to another community than this venue",
				       (long long)c->in->activity_id);
	}
	return zone_book_tx(db, c->who, &c->z, c->starts, c->ends, c->in->purpose,
			    c->in->activity_id, &c->id, e);
}

static json_t *booking_row(struct db_stmt *st, const void *ctx)
{
	(void)ctx;
	json_t *o = json_pack("{s:I, s:I, s:s}", "id", (json_int_t)db_col_i64(st, 0), "zone_id",
			      (json_int_t)db_col_i64(st, 1), "purpose", db_col_text(st, 4));
	json_object_set_new(o, "starts_at", rowjson_time(db_col_i64(st, 2)));
	json_object_set_new(o, "ends_at", rowjson_time(db_col_i64(st, 3)));
	json_object_set_new(o, "activity_id", rowjson_id(db_col_i64(st, 5)));
	json_object_set_new(o, "created_by", rowjson_id(db_col_i64(st, 6)));
	json_object_set_new(o, "created_at", rowjson_time(db_col_i64(st, 7)));
	return o;
}

enum xy_kind zone_book(struct store *s, const struct actor *who, int64_t zone_id,
		       const struct booking_input *in, json_t **out, struct xy_err *e)
{
	struct book c = { .who = who, .zone_id = zone_id, .in = in };
	enum xy_kind k = booking_times_parse(in->starts_at, in->ends_at, &c.starts, &c.ends, e);
	if (k)
		return k;
	if (!text_len_ok(in->purpose, 1, BOOKING_PURPOSE_MAX))
		return xy_fail(e, XY_EINVALID, "invalid_purpose", "purpose",
			       "purpose must be 1 to %d characters", BOOKING_PURPOSE_MAX);
	if (in->activity_id < 0)
		return xy_fail(e, XY_EINVALID, "activity_not_found", "activity_id",
			       "activity_id must be a positive id");
	if ((k = store_tx(s, book_tx, &c, e)))
		return k;
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	struct db_stmt *st = db_stmt(db, STMT_BOOKING_GET);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, c.id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		*out = booking_row(st, NULL);
	db_reset(st);
	return rc == DB_ROW ? XY_OK : db_fail(db, rc == DB_DONE ? DB_FAIL : rc, e);
}

enum xy_kind zone_bookings(struct store *s, const struct actor *who, int64_t zone_id,
			   const struct booking_filter *f, json_t **out, struct xy_err *e)
{
	int64_t from = INT64_MIN, to = INT64_MAX;
	if (f->from && time_parse_iso(f->from, &from) != 0)
		return xy_fail(e, XY_EINVALID, "invalid_parameter", "from",
			       "from must be an ISO 8601 time with its offset");
	if (f->to && time_parse_iso(f->to, &to) != 0)
		return xy_fail(e, XY_EINVALID, "invalid_parameter", "to",
			       "to must be an ISO 8601 time with its offset");
	if (to <= from)
		return xy_fail(e, XY_EINVALID, "invalid_parameter", "to", "to must be after from");
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	struct zone_facts z;
	enum xy_kind k = zone_facts_load(db, zone_id, &z, e);
	if (!k)
		k = area_allow(who, ACT_PROJECT_READ, z.venue_path, "your role may not see venues",
			       e);
	if (k)
		return k;
	const struct rowjson_param p[] = { { .i = zone_id }, { .i = from }, { .i = to } };
	return rowjson_list(db, STMT_BOOKING_COUNT, STMT_BOOKING_LIST, p, 3, 3, &f->pg, booking_row,
			    NULL, out, e);
}
