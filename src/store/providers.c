#include "store/providers.h"

#include <stdio.h>
#include <string.h>

#include "core/text.h"
#include "core/timefmt.h"
#include "store/areas.h"
#include "store/sqlb.h"

struct pnew {
	const struct actor *who;
	const struct provider_input *in;
	int64_t id;
};

static enum xy_kind provider_validate(const struct provider_input *in, struct xy_err *e)
{
	if (!in->kind || (strcmp(in->kind, "talent") != 0 && strcmp(in->kind, "resource") != 0))
		return xy_fail(e, XY_EINVALID, "invalid_kind", "kind",
			       "kind must be talent or resource");
	if (!text_len_ok(in->name, 1, 60))
		return xy_fail(e, XY_EINVALID, "invalid_name", "name",
			       "name must be 1 to 60 characters");
	if (in->area_id <= 0)
		return xy_fail(e, XY_EINVALID, "area_required", "area_id", "area_id is required");
	if (in->capacity < 0 || in->capacity > 100000)
		return xy_fail(e, XY_EINVALID, "invalid_capacity", "capacity",
			       "capacity must be 0 to 100000");
	if (in->nskills < 1)
		return xy_fail(e, XY_EINVALID, "skills_required", "skills",
			       "list at least one skill (a category code)");
	for (int i = 0; i < in->nskills; i++)
		for (int j = 0; j < i; j++)
			if (strcmp(in->skills[i], in->skills[j]) == 0)
				return xy_fail(e, XY_EINVALID, "invalid_skill", "skills",
					       "'%s' is listed twice", in->skills[i]);
	if (in->contact && !text_len_ok(in->contact, 1, 100))
		return xy_fail(e, XY_EINVALID, "invalid_contact", "contact",
			       "contact must be 1 to 100 characters");
	return XY_OK;
}

static enum xy_kind provider_tx(struct db *db, void *arg, struct xy_err *e)
{
	struct pnew *c = arg;
	const struct provider_input *in = c->in;
	struct area_row a;
	enum xy_kind k = area_load(db, in->area_id, "area_id", &a, e);
	if (k)
		return k == XY_ENOTFOUND ? (e->kind = XY_EINVALID) : k;
	if (!actor_may(c->who, ACT_PROVIDER_WRITE, a.path)) {
		if (actor_grant_any(c->who, ACT_PROVIDER_WRITE))
			return xy_fail(e, XY_EFORBIDDEN, "out_of_scope", "area_id",
				       "this area is outside your area");
		return xy_fail(e, XY_EFORBIDDEN, "forbidden", NULL,
			       "your role may not add providers");
	}
	for (int i = 0; i < in->nskills; i++)
		if ((k = category_check(db, in->skills[i], "skills", e)))
			return k;
	struct db_stmt *st;
	int rc;
	if (in->user_id) {
		if (!(st = db_stmt(db, STMT_USER_HAS_ROLE)))
			return db_fail(db, DB_FAIL, e);
		db_bind_i64(st, 1, in->user_id);
		db_bind_text(st, 2, "provider");
		db_bind_text(st, 3, "volunteer");
		rc = db_step(st);
		db_reset(st);
		if (rc == DB_DONE)
			return xy_fail(e, XY_EINVALID, "invalid_user", "user_id",
				       "user %lld is not a provider or volunteer",
				       (long long)in->user_id);
		if (rc != DB_ROW)
			return db_fail(db, rc, e);
	}
	if (!(st = db_stmt(db, STMT_PROVIDER_INSERT)))
		return db_fail(db, DB_FAIL, e);
	db_bind_text(st, 1, in->kind);
	db_bind_text(st, 2, in->name);
	db_bind_i64(st, 3, a.id);
	db_bind_text(st, 4, a.path);
	db_bind_i64(st, 5, in->capacity);
	db_bind_text(st, 6, in->contact);
	db_bind_id(st, 7, in->user_id);
	db_bind_id(st, 8, c->who->user_id);
	db_bind_i64(st, 9, time_now());
	if ((rc = db_step(st)) != DB_ROW)
		return db_fail(db, rc, e);
	c->id = db_col_i64(st, 0);
	db_reset(st);
	json_t *skills = json_array();
	for (int i = 0; i < in->nskills; i++) {
		if (!(st = db_stmt(db, STMT_PROVIDER_SKILL_INSERT))) {
			json_decref(skills);
			return db_fail(db, DB_FAIL, e);
		}
		db_bind_i64(st, 1, c->id);
		db_bind_text(st, 2, in->skills[i]);
		if ((rc = db_run(st)) != DB_OK) {
			json_decref(skills);
			return db_fail(db, rc, e);
		}
		json_array_append_new(skills, json_string(in->skills[i]));
	}
	json_t *data = json_pack("{s:s, s:s, s:o, s:I}", "kind", in->kind, "name", in->name,
				 "skills", skills, "capacity", (json_int_t)in->capacity);
	k = store_audit_append(db, c->who->user_id, a.id, "provider.created", "provider", c->id,
			       data, e);
	json_decref(data);
	return k;
}

enum xy_kind provider_create(struct store *s, const struct actor *who,
			     const struct provider_input *in, int64_t *id, struct xy_err *e)
{
	enum xy_kind k = provider_validate(in, e);
	if (k)
		return k;
	struct pnew c = { .who = who, .in = in };
	k = store_tx(s, provider_tx, &c, e);
	if (k == XY_OK && id)
		*id = c.id;
	return k;
}

#define PROVIDER_COLS                                                                              \
	"SELECT p.id, p.kind, p.name, p.area_id, a.name, p.capacity, p.contact, "                  \
	"COALESCE(p.user_id, 0), p.created_at, p.area_path, "                                      \
	"(SELECT COUNT(*) FROM needs n WHERE n.provider_id = p.id AND n.status = 'claimed') "      \
	"FROM providers p JOIN areas a ON a.id = p.area_id"

static json_t *provider_row(struct db *db, struct db_stmt *st, const struct actor *who)
{
	int64_t id = db_col_i64(st, 0);
	bool pii = actor_may(who, ACT_PII_READ, db_col_text(st, 9));
	const char *contact = db_col_text(st, 6);
	char at[40];
	time_iso(db_col_i64(st, 8), at, sizeof at);
	json_t *o = json_pack("{s:I, s:s, s:s, s:I, s:s, s:I, s:I, s:s}", "id", (json_int_t)id,
			      "kind", db_col_text(st, 1), "name", db_col_text(st, 2), "area_id",
			      (json_int_t)db_col_i64(st, 3), "area_name", db_col_text(st, 4),
			      "capacity", (json_int_t)db_col_i64(st, 5), "open_claims",
			      (json_int_t)db_col_i64(st, 10), "created_at", at);
	json_object_set_new(o, "contact", contact && pii ? json_string(contact) : json_null());
	json_object_set_new(o, "contact_masked", json_boolean(contact && !pii));
	int64_t uid = db_col_i64(st, 7);
	json_object_set_new(o, "user_id", uid ? json_integer(uid) : json_null());
	json_t *skills = json_array();
	struct db_stmt *sk = db_stmt(db, STMT_PROVIDER_SKILLS);
	if (sk) {
		db_bind_i64(sk, 1, id);
		while (db_step(sk) == DB_ROW)
			json_array_append_new(skills, json_string(db_col_text(sk, 0)));
		db_reset(sk);
	}
	json_object_set_new(o, "skills", skills);
	return o;
}

static void where(struct sqlb *b, const char *path, const char *upper,
		  const struct provider_filter *f)
{
	/* providers inside the area, and those registered above it that serve it */
	sqlb_text(b, " WHERE ((p.area_path >= ?", path);
	sqlb_text(b, " AND p.area_path < ?)", upper);
	sqlb_text(b, " OR substr(?, 1, length(p.area_path)) = p.area_path)", path);
	if (f->kind)
		sqlb_text(b, " AND p.kind = ?", f->kind);
	if (f->skill)
		sqlb_text(b,
			  " AND EXISTS (SELECT 1 FROM provider_skills s WHERE s.provider_id = "
			  "p.id AND s.category = ?)",
			  f->skill);
}

enum xy_kind providers_list(struct store *s, const struct actor *who,
			    const struct provider_filter *f, json_t **out, struct xy_err *e)
{
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	if (f->kind && strcmp(f->kind, "talent") != 0 && strcmp(f->kind, "resource") != 0)
		return xy_fail(e, XY_EINVALID, "invalid_kind", "kind",
			       "kind must be talent or resource");
	char path[AREA_PATH_MAX], upper[AREA_PATH_MAX];
	enum xy_kind k = area_scope(db, who, ACT_PROVIDER_READ, f->area_id, path, e);
	if (k)
		return k;
	area_path_upper(path, upper, sizeof upper);
	struct sqlb b;
	sqlb_init(&b, "SELECT COUNT(*) FROM providers p");
	where(&b, path, upper, f);
	struct db_stmt *st = sqlb_stmt(&b, db);
	int rc = st ? db_step(st) : DB_FAIL;
	if (rc != DB_ROW)
		return db_fail(db, rc, e);
	json_int_t total = db_col_i64(st, 0);
	db_reset(st);
	sqlb_init(&b, PROVIDER_COLS);
	where(&b, path, upper, f);
	sqlb_int(&b, " ORDER BY p.id LIMIT ?", f->pg.per_page);
	sqlb_int(&b, " OFFSET ?", (int64_t)(f->pg.page - 1) * f->pg.per_page);
	if (!(st = sqlb_stmt(&b, db)))
		return db_fail(db, DB_FAIL, e);
	json_t *items = json_array();
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(items, provider_row(db, st, who));
	db_reset(st);
	if (rc != DB_DONE) {
		json_decref(items);
		return db_fail(db, rc, e);
	}
	*out = json_pack("{s:o, s:I, s:i, s:i}", "items", items, "total", total, "page", f->pg.page,
			 "per_page", f->pg.per_page);
	return XY_OK;
}

enum xy_kind provider_get(struct store *s, const struct actor *who, int64_t id, json_t **out,
			  struct xy_err *e)
{
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	struct db_stmt *st = db_stmt_sql(db, PROVIDER_COLS " WHERE p.id = $1");
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, id);
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_reset(st);
		return rc == DB_DONE ? xy_fail(e, XY_ENOTFOUND, "provider_not_found", NULL,
					       "provider %lld does not exist", (long long)id)
				     : db_fail(db, rc, e);
	}
	if (!actor_may_related(who, ACT_PROVIDER_READ, db_col_text(st, 9))) {
		db_reset(st);
		return xy_fail(e, XY_EFORBIDDEN, "out_of_scope", NULL,
			       "provider %lld is outside your area", (long long)id);
	}
	*out = provider_row(db, st, who);
	db_reset(st);
	return XY_OK;
}
