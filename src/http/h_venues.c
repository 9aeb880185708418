/* h_venues — venues, their colour zones and the zones' bookings over HTTP. */
#include "http/handlers.h"
#include "store/venues.h"

void h_venues_create(struct req *r)
{
	struct venue_input in = { 0 };
	const struct jfield f[] = {
		{ "area_id", JF_INT, true, &in.area_id, 0, NULL, NULL },
		{ "name", JF_STR, true, &in.name, 0, NULL, NULL },
		{ "address", JF_STR, false, &in.address, 0, NULL, NULL },
	};
	json_t *root;
	if (!handler_body(r, &root, f, 3))
		return;
	struct xy_err e = { 0 };
	int64_t id = 0;
	json_t *out = NULL;
	enum xy_kind k = venue_create(handler_store(r), &r->actor, &in, &id, &e);
	json_decref(root);
	if (!k)
		k = venue_get(handler_store(r), &r->actor, id, &out, &e);
	handler_reply(r, k, 201, out, &e);
}

void h_venues_list(struct req *r)
{
	struct venue_filter f = { 0 };
	struct xy_err e = { 0 };
	json_t *out = NULL;
	enum xy_kind k = handler_page(r, &f.pg, &e);
	if (!k)
		k = req_query_int(r, "area_id", 0, 1, INT64_MAX, &f.area_id, &e);
	if (!k)
		k = venues_list(handler_store(r), &r->actor, &f, &out, &e);
	handler_reply(r, k, 200, out, &e);
}

void h_venues_get(struct req *r)
{
	struct xy_err e = { 0 };
	json_t *out = NULL;
	enum xy_kind k = venue_get(handler_store(r), &r->actor, r->ids[0], &out, &e);
	handler_reply(r, k, 200, out, &e);
}

void h_zones_create(struct req *r)
{
	struct zone_input in = { .capacity = INT64_MIN };
	const struct jfield f[] = {
		{ "name", JF_STR, true, &in.name, 0, NULL, NULL },
		{ "colour", JF_STR, true, &in.colour, 0, NULL, NULL },
		{ "purpose", JF_STR, false, &in.purpose, 0, NULL, NULL },
		{ "capacity", JF_INT, false, &in.capacity, 0, NULL, NULL },
	};
	json_t *root;
	if (!handler_body(r, &root, f, 4))
		return;
	in.has_capacity = in.capacity != INT64_MIN;
	struct xy_err e = { 0 };
	json_t *out = NULL;
	enum xy_kind k = zone_create(handler_store(r), &r->actor, r->ids[0], &in, &out, &e);
	json_decref(root);
	handler_reply(r, k, 201, out, &e);
}

void h_zones_book(struct req *r)
{
	struct booking_input in = { 0 };
	const struct jfield f[] = {
		{ "starts_at", JF_STR, true, &in.starts_at, 0, NULL, NULL },
		{ "ends_at", JF_STR, true, &in.ends_at, 0, NULL, NULL },
		{ "purpose", JF_STR, true, &in.purpose, 0, NULL, NULL },
		{ "activity_id", JF_INT, false, &in.activity_id, 0, NULL, NULL },
	};
	json_t *root;
	if (!handler_body(r, &root, f, 4))
		return;
	struct xy_err e = { 0 };
	json_t *out = NULL;
	enum xy_kind k = zone_book(handler_store(r), &r->actor, r->ids[0], &in, &out, &e);
	json_decref(root);
	handler_reply(r, k, 201, out, &e);
}

void h_zones_bookings(struct req *r)
{
	struct booking_filter f = { .from = req_query(r, "from"), .to = req_query(r, "to") };
	struct xy_err e = { 0 };
	json_t *out = NULL;
	enum xy_kind k = handler_page(r, &f.pg, &e);
	if (!k)
		k = zone_bookings(handler_store(r), &r->actor, r->ids[0], &f, &out, &e);
	handler_reply(r, k, 200, out, &e);
}
