/* h_funds — special funds (专项资金) and allocations over HTTP. */
#include "http/handlers.h"
#include "store/funds.h"

void h_funds_create(struct req *r)
{
	struct fund_input in = { 0 };
	int64_t year = 0;
	const struct jfield f[] = {
		{ "area_id", JF_INT, true, &in.area_id, 0, NULL, NULL },
		{ "year", JF_INT, true, &year, 0, NULL, NULL },
		{ "name", JF_STR, true, &in.name, 0, NULL, NULL },
		{ "amount_fen", JF_INT, true, &in.amount_fen, 0, NULL, NULL },
	};
	json_t *root;
	if (!handler_body(r, &root, f, 4))
		return;
	struct xy_err e = { 0 };
	in.year = year < 0 || year > 9999 ? -1 : (int)year;
	int64_t id;
	json_t *out;
	enum xy_kind k = fund_create(handler_store(r), &r->actor, &in, &id, &e);
	json_decref(root);
	if (!k)
		k = fund_get(handler_store(r), &r->actor, id, &out, &e);
	if (k)
		reply_error(r, &e);
	else
		reply_json(r, 201, out);
}

void h_funds_list(struct req *r)
{
	struct fund_filter f = { 0 };
	struct xy_err e = { 0 };
	int64_t year;
	if (handler_page(r, &f.pg, &e) ||
	    req_query_int(r, "area_id", 0, 1, INT64_MAX, &f.area_id, &e) ||
	    req_query_int(r, "year", 0, 2000, 2100, &year, &e)) {
		reply_error(r, &e);
		return;
	}
	f.year = (int)year;
	json_t *out;
	if (funds_list(handler_store(r), &r->actor, &f, &out, &e))
		reply_error(r, &e);
	else
		reply_json(r, 200, out);
}

void h_funds_get(struct req *r)
{
	json_t *out;
	struct xy_err e = { 0 };
	if (fund_get(handler_store(r), &r->actor, r->ids[0], &out, &e))
		reply_error(r, &e);
	else
		reply_json(r, 200, out);
}

void h_funds_allocate(struct req *r)
{
	struct allocation_input in = { 0 };
	const struct jfield f[] = {
		{ "area_id", JF_INT, false, &in.area_id, 0, NULL, NULL },
		{ "project_id", JF_INT, false, &in.project_id, 0, NULL, NULL },
		{ "amount_fen", JF_INT, true, &in.amount_fen, 0, NULL, NULL },
		{ "note", JF_STR, false, &in.note, 0, NULL, NULL },
	};
	json_t *root;
	if (!handler_body(r, &root, f, 4))
		return;
	struct xy_err e = { 0 };
	int64_t id;
	json_t *out;
	enum xy_kind k = fund_allocate(handler_store(r), &r->actor, r->ids[0], &in, &id, &e);
	json_decref(root);
	if (!k)
		k = fund_get(handler_store(r), &r->actor, r->ids[0], &out, &e);
	if (k) {
		reply_error(r, &e);
		return;
	}
	json_object_set_new(out, "allocation_id", json_integer(id));
	reply_json(r, 201, out);
}
