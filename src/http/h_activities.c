/* h_activities — a project's activities, residents' sign-ups and attendance over HTTP. */
#include "http/handlers.h"
#include "store/activities.h"

void h_activities_create(struct req *r)
{
	struct activity_input in = { .capacity = INT64_MIN };
	const struct jfield f[] = {
		{ "title", JF_STR, true, &in.title, 0, NULL, NULL },
		{ "category", JF_STR, true, &in.category, 0, NULL, NULL },
		{ "starts_at", JF_STR, true, &in.starts_at, 0, NULL, NULL },
		{ "ends_at", JF_STR, true, &in.ends_at, 0, NULL, NULL },
		{ "venue_zone_id", JF_INT, false, &in.zone_id, 0, NULL, NULL },
		{ "capacity", JF_INT, false, &in.capacity, 0, NULL, NULL },
	};
	json_t *root;
	if (!handler_body(r, &root, f, 6))
		return;
	in.has_capacity = in.capacity != INT64_MIN;
	struct xy_err e = { 0 };
	int64_t id = 0;
	json_t *out = NULL;
	enum xy_kind k = activity_create(handler_store(r), &r->actor, r->ids[0], &in, &id, &e);
	json_decref(root);
	if (!k)
		k = activity_get(handler_store(r), &r->actor, id, &out, &e);
	handler_reply(r, k, 201, out, &e);
}

void h_activities_list(struct req *r)
{
	handler_list_of(r, project_activities);
}

void h_activities_get(struct req *r)
{
	struct xy_err e = { 0 };
	json_t *out = NULL;
	enum xy_kind k = activity_get(handler_store(r), &r->actor, r->ids[0], &out, &e);
	handler_reply(r, k, 200, out, &e);
}

void h_activities_signup(struct req *r)
{
	if (!handler_no_body(r))
		return;
	struct xy_err e = { 0 };
	json_t *out = NULL;
	enum xy_kind k = activity_signup(handler_store(r), &r->actor, r->ids[0], &out, &e);
	handler_reply(r, k, 201, out, &e);
}

void h_activities_attendance(struct req *r)
{
	int64_t count = 0;
	const struct jfield f[] = {
		{ "count", JF_INT, true, &count, 0, NULL, NULL },
	};
	json_t *root;
	if (!handler_body(r, &root, f, 1))
		return;
	json_decref(root);
	struct xy_err e = { 0 };
	json_t *out = NULL;
	enum xy_kind k =
		activity_attendance(handler_store(r), &r->actor, r->ids[0], count, &out, &e);
	handler_reply(r, k, 200, out, &e);
}
