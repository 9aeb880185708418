#include "http/handlers.h"

#include <stdio.h>
#include <string.h>

#include "http/server.h"
#include "store/areas.h"
#include "store/identity.h"

#ifndef XY_VERSION
#define XY_VERSION "0.1.0"
#endif

struct store *handler_store(struct req *r)
{
	return r->srv->store;
}

enum xy_kind handler_page(struct req *r, struct page *pg, struct xy_err *e)
{
	int64_t page, per;
	enum xy_kind k = req_query_int(r, "page", 1, 1, 1000000, &page, e);
	if (!k)
		k = req_query_int(r, "per_page", PAGE_DEFAULT, 1, PAGE_MAX, &per, e);
	if (k)
		return k;
	pg->page = (int)page;
	pg->per_page = (int)per;
	return XY_OK;
}

bool handler_body(struct req *r, json_t **root, const struct jfield *f, int n)
{
	struct xy_err e = { 0 };
	if (json_parse_object(r->body, r->body_len, root, &e) ||
	    json_fields(*root, f, n, NULL, &e)) {
		json_decref(*root);
		*root = NULL;
		reply_error(r, &e);
		return false;
	}
	return true;
}

void handler_reply(struct req *r, enum xy_kind k, int status, json_t *out, const struct xy_err *e)
{
	if (k)
		reply_error(r, e);
	else
		reply_json(r, status, out);
}

bool handler_no_body(struct req *r)
{
	json_t *root;
	if (!r->body_len)
		return true;
	if (!handler_body(r, &root, NULL, 0))
		return false;
	json_decref(root);
	return true;
}

void handler_list_of(struct req *r, handler_list_fn fn)
{
	struct page pg;
	struct xy_err e = { 0 };
	json_t *out = NULL;
	enum xy_kind k = handler_page(r, &pg, &e);
	if (!k)
		k = fn(handler_store(r), &r->actor, r->ids[0], &pg, &out, &e);
	handler_reply(r, k, 200, out, &e);
}

void h_health(struct req *r)
{
	reply_json(r, 200, json_pack("{s:b, s:s}", "ok", 1, "version", XY_VERSION));
}

/* ---- sessions -------------------------------------------------------------------------- */

static void set_cookie(struct req *r, const char *token, int max_age)
{
	char c[256];
	snprintf(c, sizeof c, "xy_session=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s",
		 token, max_age, r->srv->cfg.secure_cookies ? "; Secure" : "");
	req_add_header(r, "Set-Cookie", c);
}

static json_t *session_body(struct req *r, int64_t user_id, const char *csrf, json_t **user)
{
	struct xy_err e = { 0 };
	if (user_json(handler_store(r), user_id, true, user, &e) != XY_OK) {
		reply_error(r, &e);
		return NULL;
	}
	return json_pack("{s:O, s:s}", "user", *user, "csrf_token", csrf);
}

void h_session_create(struct req *r)
{
	const char *username = NULL, *password = NULL;
	const struct jfield f[] = {
		{ "username", JF_STR, true, &username, 0, NULL, NULL },
		{ "password", JF_STR, true, &password, 0, NULL, NULL },
	};
	json_t *root;
	if (!handler_body(r, &root, f, 2))
		return;
	struct session_new s;
	struct xy_err e = { 0 };
	enum xy_kind k = session_login(handler_store(r), username, password, r->addr, &s, &e);
	json_decref(root);
	if (k) {
		reply_error(r, &e);
		return;
	}
	json_t *user;
	json_t *body = session_body(r, s.user_id, s.csrf, &user);
	if (!body)
		return;
	json_decref(user);
	json_object_set_new(body, "token", json_string(s.token));
	json_object_set_new(body, "expires_in", json_integer(SESSION_TTL));
	set_cookie(r, s.token, SESSION_TTL);
	reply_json(r, 201, body);
}

void h_session_get(struct req *r)
{
	json_t *user;
	json_t *body = session_body(r, r->actor.user_id, r->csrf, &user);
	if (!body)
		return;
	json_decref(user);
	reply_json(r, 200, body);
}

void h_session_delete(struct req *r)
{
	struct xy_err e = { 0 };
	if (session_logout(handler_store(r), r->token, &e)) {
		reply_error(r, &e);
		return;
	}
	set_cookie(r, "", 0);
	reply_empty(r, 204);
}

/* ---- users ----------------------------------------------------------------------------- */

static void reply_user(struct req *r, int64_t id)
{
	json_t *u;
	struct xy_err e = { 0 };
	if (user_json(handler_store(r), id, true, &u, &e))
		reply_error(r, &e);
	else
		reply_json(r, 201, u);
}

void h_users_create(struct req *r)
{
	struct user_input in = { 0 };
	json_t *grants = NULL;
	const struct jfield f[] = {
		{ "username", JF_STR, true, &in.username, 0, NULL, NULL },
		{ "password", JF_STR, true, &in.password, 0, NULL, NULL },
		{ "display_name", JF_STR, true, &in.display_name, 0, NULL, NULL },
		{ "phone", JF_STR, false, &in.phone, 0, NULL, NULL },
		{ "grants", JF_ARRAY, true, &grants, 0, NULL, NULL },
	};
	json_t *root;
	if (!handler_body(r, &root, f, 5))
		return;
	struct xy_err e = { 0 };
	if (json_array_size(grants) > ACTOR_MAX_GRANTS) {
		json_decref(root);
		reply_fail(r, XY_EINVALID, "too_many_items", "grants",
			   "a user holds at most %d grants", ACTOR_MAX_GRANTS);
		return;
	}
	size_t i;
	json_t *g;
	json_array_foreach(grants, i, g)
	{
		const struct jfield gf[] = {
			{ "role", JF_STR, true, &in.grants[i].role, 0, NULL, NULL },
			{ "area_id", JF_INT, true, &in.grants[i].area_id, 0, NULL, NULL },
		};
		if (!json_is_object(g)) {
			json_decref(root);
			reply_fail(r, XY_EMALFORMED, "wrong_type", "grants",
				   "grants must be objects {role, area_id}");
			return;
		}
		if (json_fields(g, gf, 2, "grants", &e)) {
			json_decref(root);
			reply_error(r, &e);
			return;
		}
	}
	in.ngrants = (int)json_array_size(grants);
	int64_t id;
	enum xy_kind k = user_create(handler_store(r), &r->actor, &in, &id, &e);
	json_decref(root);
	if (k)
		reply_error(r, &e);
	else
		reply_user(r, id);
}

void h_register(struct req *r)
{
	struct user_input in = { 0 };
	int64_t area_id = 0;
	const struct jfield f[] = {
		{ "username", JF_STR, true, &in.username, 0, NULL, NULL },
		{ "password", JF_STR, true, &in.password, 0, NULL, NULL },
		{ "display_name", JF_STR, true, &in.display_name, 0, NULL, NULL },
		{ "phone", JF_STR, false, &in.phone, 0, NULL, NULL },
		{ "area_id", JF_INT, true, &area_id, 0, NULL, NULL },
	};
	json_t *root;
	if (!handler_body(r, &root, f, 5))
		return;
	struct xy_err e = { 0 };
	int64_t id;
	enum xy_kind k = user_register(handler_store(r), &in, area_id, r->addr, &id, &e);
	json_decref(root);
	if (k)
		reply_error(r, &e);
	else
		reply_user(r, id);
}

/* ---- areas and categories -------------------------------------------------------------- */

void h_areas_list(struct req *r)
{
	json_t *out;
	struct xy_err e = { 0 };
	if (areas_list(handler_store(r), &out, &e))
		reply_error(r, &e);
	else
		reply_json(r, 200, out);
}

void h_areas_create(struct req *r)
{
	const char *name = NULL, *kind = NULL;
	int64_t parent_id = 0;
	const struct jfield f[] = {
		{ "name", JF_STR, true, &name, 0, NULL, NULL },
		{ "kind", JF_STR, true, &kind, 0, NULL, NULL },
		{ "parent_id", JF_INT, false, &parent_id, 0, NULL, NULL },
	};
	json_t *root;
	if (!handler_body(r, &root, f, 3))
		return;
	struct xy_err e = { 0 };
	int64_t id;
	enum xy_kind k = area_create(handler_store(r), &r->actor, name, kind, parent_id, &id, &e);
	if (k) {
		json_decref(root);
		reply_error(r, &e);
		return;
	}
	json_t *o = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", name, "kind", kind);
	json_object_set_new(o, "parent_id", parent_id ? json_integer(parent_id) : json_null());
	json_decref(root);
	reply_json(r, 201, o);
}

void h_categories_list(struct req *r)
{
	json_t *out;
	struct xy_err e = { 0 };
	if (categories_list(handler_store(r), &out, &e))
		reply_error(r, &e);
	else
		reply_json(r, 200, out);
}
