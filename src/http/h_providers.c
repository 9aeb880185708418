/* h_providers — the talent and resource pools over HTTP. */
#include "http/handlers.h"
#include "store/providers.h"

void h_providers_create(struct req *r)
{
	struct provider_input in = { 0 };
	const struct jfield f[] = {
		{ "kind", JF_STR, true, &in.kind, 0, NULL, NULL },
		{ "name", JF_STR, true, &in.name, 0, NULL, NULL },
		{ "area_id", JF_INT, true, &in.area_id, 0, NULL, NULL },
		{ "skills", JF_STRS, true, in.skills, PROVIDER_SKILLS_MAX, &in.nskills, NULL },
		{ "capacity", JF_INT, true, &in.capacity, 0, NULL, NULL },
		{ "contact", JF_STR, false, &in.contact, 0, NULL, NULL },
		{ "user_id", JF_INT, false, &in.user_id, 0, NULL, NULL },
	};
	json_t *root;
	if (!handler_body(r, &root, f, 7))
		return;
	struct xy_err e = { 0 };
	int64_t id;
	enum xy_kind k = provider_create(handler_store(r), &r->actor, &in, &id, &e);
	json_decref(root);
	json_t *out;
	if (!k)
		k = provider_get(handler_store(r), &r->actor, id, &out, &e);
	if (k)
		reply_error(r, &e);
	else
		reply_json(r, 201, out);
}

void h_providers_list(struct req *r)
{
	struct provider_filter f = { 0 };
	struct xy_err e = { 0 };
	if (handler_page(r, &f.pg, &e) ||
	    req_query_int(r, "area_id", 0, 1, INT64_MAX, &f.area_id, &e)) {
		reply_error(r, &e);
		return;
	}
	f.kind = req_query(r, "kind");
	f.skill = req_query(r, "skill");
	json_t *out;
	if (providers_list(handler_store(r), &r->actor, &f, &out, &e))
		reply_error(r, &e);
	else
		reply_json(r, 200, out);
}

void h_providers_get(struct req *r)
{
	json_t *out;
	struct xy_err e = { 0 };
	if (provider_get(handler_store(r), &r->actor, r->ids[0], &out, &e))
		reply_error(r, &e);
	else
		reply_json(r, 200, out);
}
