#include "store/areas.h"

#include <stdio.h>
#include <string.h>

#include "core/secret.h"
#include "core/text.h"
#include "core/timefmt.h"

static void row_read(struct db_stmt *st, struct area_row *a)
{
	a->id = db_col_i64(st, 0);
	snprintf(a->name, sizeof a->name, "%s", db_col_text(st, 1));
	a->kind = area_kind_parse(db_col_text(st, 2));
	a->parent_id = db_col_i64(st, 3);
	snprintf(a->path, sizeof a->path, "%s", db_col_text(st, 4));
}

enum xy_kind area_load(struct db *db, int64_t id, const char *field, struct area_row *out,
		       struct xy_err *e)
{
	struct db_stmt *st = db_stmt(db, STMT_AREA_GET);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		row_read(st, out);
	db_reset(st);
	if (rc == DB_DONE)
		return xy_fail(e, XY_ENOTFOUND, "area_not_found", field, "area %lld does not exist",
			       (long long)id);
	return rc == DB_ROW ? XY_OK : db_fail(db, rc, e);
}

enum xy_kind area_ancestor(struct db *db, const struct area_row *a, int kind, struct area_row *out,
			   struct xy_err *e)
{
	struct area_row cur = *a;
	for (int guard = 0; guard < AREA_KIND_COUNT + 1; guard++) {
		if (cur.kind == kind) {
			*out = cur;
			return XY_OK;
		}
		if (!cur.parent_id)
			break;
		enum xy_kind k = area_load(db, cur.parent_id, NULL, &cur, e);
		if (k)
			return k;
	}
	return xy_fail(e, XY_ENOTFOUND, "area_not_found", NULL, "area %lld is not inside a %s",
		       (long long)a->id, area_kind_name((enum area_kind)kind));
}

enum xy_kind area_scope(struct db *db, const struct actor *who, enum action act, int64_t area_id,
			char path[AREA_PATH_MAX], struct xy_err *e)
{
	if (area_id) {
		struct area_row a;
		enum xy_kind k = area_load(db, area_id, "area_id", &a, e);
		if (k)
			return k;
		if (!actor_may(who, act, a.path) && !actor_grant_any(who, act))
			return xy_fail(e, XY_EFORBIDDEN, "forbidden", NULL,
				       "your role may not see this");
		if (!actor_may(who, act, a.path))
			return xy_fail(e, XY_EFORBIDDEN, "out_of_scope", "area_id",
				       "area %lld is outside your area", (long long)area_id);
		snprintf(path, AREA_PATH_MAX, "%s", a.path);
		return XY_OK;
	}
	const struct grant *g = actor_grant_any(who, act);
	if (!g)
		return xy_fail(e, XY_EFORBIDDEN, "forbidden", NULL, "your role may not see this");
	snprintf(path, AREA_PATH_MAX, "%s", g->scope);
	return XY_OK;
}

enum xy_kind area_allow(const struct actor *who, enum action act, const char *path,
			const char *forbidden, struct xy_err *e)
{
	if (actor_may(who, act, path))
		return XY_OK;
	if (actor_grant_any(who, act))
		return xy_fail(e, XY_EFORBIDDEN, "out_of_scope", NULL,
			       "this record is outside your area");
	return xy_fail(e, XY_EFORBIDDEN, "forbidden", NULL, "%s", forbidden);
}

enum xy_kind areas_list(struct store *s, json_t **out, struct xy_err *e)
{
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	struct db_stmt *st = db_stmt(db, STMT_AREA_LIST);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct area_row a;
		row_read(st, &a);
		json_t *o = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)a.id, "name", a.name,
				      "kind", area_kind_name((enum area_kind)a.kind));
		json_object_set_new(o, "parent_id",
				    a.parent_id ? json_integer(a.parent_id) : json_null());
		json_array_append_new(items, o);
	}
	db_reset(st);
	if (rc != DB_DONE) {
		json_decref(items);
		return db_fail(db, rc, e);
	}
	*out = json_pack("{s:I, s:o}", "total", (json_int_t)json_array_size(items), "items", items);
	return XY_OK;
}

struct area_new {
	const struct actor *who;
	const char *name;
	int kind;
	int64_t parent_id;
	int64_t id;
};

static enum xy_kind area_create_tx(struct db *db, void *arg, struct xy_err *e)
{
	struct area_new *c = arg;
	struct area_row parent = { 0 };
	int parent_kind = -1;
	enum xy_kind k;
	if (c->parent_id) {
		if ((k = area_load(db, c->parent_id, "parent_id", &parent, e)))
			return k == XY_ENOTFOUND
				       ? xy_fail(e, XY_EINVALID, "area_not_found", "parent_id",
						 "parent area %lld does not exist",
						 (long long)c->parent_id)
				       : k;
		parent_kind = parent.kind;
	}
	if (!actor_may(c->who, ACT_AREA_WRITE, c->parent_id ? parent.path : "/"))
		return xy_fail(e, XY_EFORBIDDEN, "forbidden", NULL, "only an admin may add areas");
	if (!area_kind_child_ok(parent_kind, (enum area_kind)c->kind))
		return xy_fail(e, XY_EINVALID, "invalid_kind", "kind", "a %s cannot be placed %s%s",
			       area_kind_name((enum area_kind)c->kind),
			       parent_kind < 0 ? "at the top" : "under a ",
			       parent_kind < 0 ? "" : area_kind_name((enum area_kind)parent_kind));
	struct db_stmt *st = db_stmt(db, STMT_AREA_SIBLING);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, c->parent_id);
	db_bind_text(st, 2, c->name);
	int rc = db_step(st);
	db_reset(st);
	if (rc == DB_ROW)
		return xy_fail(e, XY_ECONFLICT, "area_exists", "name",
			       "an area with this name already exists there");
	if (rc != DB_DONE)
		return db_fail(db, rc, e);

	char pending[AREA_PATH_MAX], path[AREA_PATH_MAX], rnd[33];
	secret_random_hex(rnd, 16);
	snprintf(pending, sizeof pending, "%spending-%s/", c->parent_id ? parent.path : "/", rnd);
	st = db_stmt(db, STMT_AREA_INSERT);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_text(st, 1, c->name);
	db_bind_text(st, 2, area_kind_name((enum area_kind)c->kind));
	db_bind_id(st, 3, c->parent_id);
	db_bind_text(st, 4, pending);
	db_bind_i64(st, 5, time_now());
	if ((rc = db_step(st)) != DB_ROW)
		return db_fail(db, rc, e);
	c->id = db_col_i64(st, 0);
	db_reset(st);
	if (area_path_make(c->parent_id ? parent.path : NULL, c->id, path, sizeof path) != 0)
		return xy_fail(e, XY_EINVALID, "too_deep", "parent_id",
			       "the area tree is too deep");
	st = db_stmt(db, STMT_AREA_SET_PATH);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, c->id);
	db_bind_text(st, 2, path);
	if ((rc = db_run(st)) != DB_OK)
		return db_fail(db, rc, e);
	json_t *data = json_pack("{s:s, s:s, s:I}", "name", c->name, "kind",
				 area_kind_name((enum area_kind)c->kind), "parent_id",
				 (json_int_t)c->parent_id);
	k = store_audit_append(db, c->who->user_id, c->id, "area.created", "area", c->id, data, e);
	json_decref(data);
	return k;
}

enum xy_kind area_create(struct store *s, const struct actor *who, const char *name,
			 const char *kind, int64_t parent_id, int64_t *id, struct xy_err *e)
{
	struct area_new c = { .who = who, .name = name, .parent_id = parent_id };
	if (!text_len_ok(name, 1, 60))
		return xy_fail(e, XY_EINVALID, "invalid_name", "name",
			       "name must be 1 to 60 characters");
	if ((c.kind = area_kind_parse(kind)) < 0)
		return xy_fail(e, XY_EINVALID, "invalid_kind", "kind",
			       "kind must be one of province, city, district, street, community, "
			       "compound");
	enum xy_kind k = store_tx(s, area_create_tx, &c, e);
	if (k == XY_OK)
		*id = c.id;
	return k;
}

enum xy_kind categories_list(struct store *s, json_t **out, struct xy_err *e)
{
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	struct db_stmt *st = db_stmt(db, STMT_CATEGORY_LIST);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(
			items, json_pack("{s:s, s:s, s:s}", "code", db_col_text(st, 0), "name",
					 db_col_text(st, 1), "name_en", db_col_text(st, 2)));
	db_reset(st);
	if (rc != DB_DONE) {
		json_decref(items);
		return db_fail(db, rc, e);
	}
	*out = json_pack("{s:I, s:o}", "total", (json_int_t)json_array_size(items), "items", items);
	return XY_OK;
}

enum xy_kind category_check(struct db *db, const char *code, const char *field, struct xy_err *e)
{
	struct db_stmt *st = db_stmt(db, STMT_CATEGORY_GET);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_text(st, 1, code);
	int rc = db_step(st);
	db_reset(st);
	if (rc == DB_DONE)
		return xy_fail(e, XY_EINVALID, "invalid_category", field,
			       "unknown category '%s' (see GET /api/v1/categories)", code);
	return rc == DB_ROW ? XY_OK : db_fail(db, rc, e);
}
