/* h_needs — the needs ring over HTTP. */
#include <string.h>

#include "http/handlers.h"
#include "store/needs.h"
#include "store/search.h"

void h_needs_create(struct req *r)
{
	struct need_input in = { 0 };
	json_t *behalf = NULL;
	const struct jfield f[] = {
		{ "area_id", JF_INT, true, &in.area_id, 0, NULL, NULL },
		{ "category", JF_STR, true, &in.category, 0, NULL, NULL },
		{ "title", JF_STR, true, &in.title, 0, NULL, NULL },
		{ "description", JF_STR, true, &in.description, 0, NULL, NULL },
		{ "beneficiaries", JF_STRS, false, in.beneficiaries, NEED_BENEFICIARIES_MAX,
		  &in.nbenef, NULL },
		{ "urgency", JF_STR, false, &in.urgency, 0, NULL, NULL },
		{ "channel", JF_STR, false, &in.channel, 0, NULL, NULL },
		{ "on_behalf_of", JF_OBJECT, false, &behalf, 0, NULL, NULL },
	};
	json_t *root;
	if (!handler_body(r, &root, f, 8))
		return;
	struct xy_err e = { 0 };
	if (behalf) {
		const struct jfield bf[] = {
			{ "name", JF_STR, true, &in.behalf_name, 0, NULL, NULL },
			{ "phone", JF_STR, false, &in.behalf_phone, 0, NULL, NULL },
		};
		if (json_fields(behalf, bf, 2, "on_behalf_of", &e)) {
			json_decref(root);
			reply_error(r, &e);
			return;
		}
		in.on_behalf = true;
	}
	struct need_created out;
	enum xy_kind k = need_submit(handler_store(r), &r->actor, &in, &out, &e);
	if (k) {
		json_decref(root);
		reply_error(r, &e);
		return;
	}
	/* the open needs it may repeat, read after the commit; a submitter who may not read the
	 * community's needs gets none */
	struct similar_input sim = { in.area_id, in.category, in.title, in.description,
				     SIMILAR_CHECK_SUBMIT };
	json_t *found = NULL, *similar = NULL;
	if (search_similar(handler_store(r), &r->actor, &sim, out.id, &found, &e) == XY_OK)
		similar = json_incref(json_object_get(found, "similar"));
	json_decref(found);
	json_decref(root);
	reply_json(r, 201,
		   json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)out.id, "tracking_no",
			     out.tracking_no, "status", "submitted", "similar",
			     similar ? similar : json_array()));
}

void h_needs_similar(struct req *r)
{
	struct similar_input in = { 0 };
	const struct jfield f[] = {
		{ "area_id", JF_INT, true, &in.area_id, 0, NULL, NULL },
		{ "category", JF_STR, false, &in.category, 0, NULL, NULL },
		{ "title", JF_STR, false, &in.title, 0, NULL, NULL },
		{ "description", JF_STR, true, &in.description, 0, NULL, NULL },
	};
	json_t *root, *out;
	if (!handler_body(r, &root, f, 4))
		return;
	struct xy_err e = { 0 };
	enum xy_kind k = search_similar(handler_store(r), &r->actor, &in, 0, &out, &e);
	json_decref(root);
	if (k)
		reply_error(r, &e);
	else
		reply_json(r, 200, out);
}

void h_needs_list(struct req *r)
{
	struct need_filter f = { 0 };
	struct xy_err e = { 0 };
	const char *mine = req_query(r, "mine");
	if (handler_page(r, &f.pg, &e) ||
	    req_query_int(r, "area_id", 0, 1, INT64_MAX, &f.area_id, &e)) {
		reply_error(r, &e);
		return;
	}
	f.status = req_query(r, "status");
	f.category = req_query(r, "category");
	f.q = req_query(r, "q");
	if (f.status && !*f.status)
		f.status = NULL;
	if (f.category && !*f.category)
		f.category = NULL;
	if (mine && strcmp(mine, "true") != 0 && strcmp(mine, "false") != 0) {
		reply_fail(r, XY_EINVALID, "invalid_parameter", "mine",
			   "mine must be true or false");
		return;
	}
	f.mine = mine && strcmp(mine, "true") == 0;
	json_t *out;
	if (needs_list(handler_store(r), &r->actor, &f, &out, &e))
		reply_error(r, &e);
	else
		reply_json(r, 200, out);
}

void h_needs_get(struct req *r)
{
	const char *reveal = req_query(r, "reveal");
	if (reveal && strcmp(reveal, "phone") != 0) {
		reply_fail(r, XY_EINVALID, "invalid_parameter", "reveal",
			   "reveal may only be phone");
		return;
	}
	json_t *out;
	struct xy_err e = { 0 };
	if (need_get(handler_store(r), &r->actor, r->ids[0], reveal != NULL, &out, &e))
		reply_error(r, &e);
	else
		reply_json(r, 200, out);
}

void h_needs_support(struct req *r)
{
	int64_t n;
	struct xy_err e = { 0 };
	if (r->body_len) {
		json_t *root;
		if (!handler_body(r, &root, NULL, 0))
			return;
		json_decref(root);
	}
	if (need_support(handler_store(r), &r->actor, r->ids[0], &n, &e))
		reply_error(r, &e);
	else
		reply_json(r, 201,
			   json_pack("{s:I, s:I}", "need_id", (json_int_t)r->ids[0], "supporters",
				     (json_int_t)n));
}

void h_needs_transition(struct req *r)
{
	struct need_transition_input in = { 0 };
	const struct jfield f[] = {
		{ "to", JF_STR, true, &in.to, 0, NULL, NULL },
		{ "reason", JF_STR, false, &in.reason, 0, NULL, NULL },
		{ "merged_into", JF_INT, false, &in.merged_into, 0, NULL, NULL },
		{ "provider_id", JF_INT, false, &in.provider_id, 0, NULL, NULL },
	};
	json_t *root;
	if (!handler_body(r, &root, f, 4))
		return;
	struct xy_err e = { 0 };
	enum xy_kind k = need_transition(handler_store(r), &r->actor, r->ids[0], &in, &e);
	json_decref(root);
	json_t *out;
	if (!k)
		k = need_get(handler_store(r), &r->actor, r->ids[0], false, &out, &e);
	if (k)
		reply_error(r, &e);
	else
		reply_json(r, 200, out);
}
