/* h_projects — projects (立项) and their ledgers over HTTP. */
#include "http/handlers.h"
#include "store/funds.h"
#include "store/projects.h"

void h_projects_create(struct req *r)
{
	struct project_input in = { 0 };
	const struct jfield f[] = {
		{ "area_id", JF_INT, true, &in.area_id, 0, NULL, NULL },
		{ "title", JF_STR, true, &in.title, 0, NULL, NULL },
		{ "need_ids", JF_INTS, true, in.need_ids, PROJECT_NEEDS_MAX, &in.nneeds, NULL },
		{ "goals", JF_STR, true, &in.goals, 0, NULL, NULL },
		{ "feasibility", JF_STR, true, &in.feasibility, 0, NULL, NULL },
		{ "budget_fen", JF_INT, true, &in.budget_fen, 0, NULL, NULL },
		{ "fund_id", JF_INT, true, &in.fund_id, 0, NULL, NULL },
		{ "provider_ids", JF_INTS, false, in.provider_ids, PROJECT_PROVIDERS_MAX,
		  &in.nproviders, NULL },
	};
	json_t *root;
	if (!handler_body(r, &root, f, 8))
		return;
	struct xy_err e = { 0 };
	int64_t id;
	json_t *out;
	enum xy_kind k = project_create(handler_store(r), &r->actor, &in, &id, &e);
	json_decref(root);
	if (!k)
		k = project_get(handler_store(r), &r->actor, id, &out, &e);
	if (k)
		reply_error(r, &e);
	else
		reply_json(r, 201, out);
}

void h_projects_list(struct req *r)
{
	struct project_filter f = { 0 };
	struct xy_err e = { 0 };
	int64_t year;
	if (handler_page(r, &f.pg, &e) ||
	    req_query_int(r, "area_id", 0, 1, INT64_MAX, &f.area_id, &e) ||
	    req_query_int(r, "year", 0, 1970, 9999, &year, &e)) {
		reply_error(r, &e);
		return;
	}
	f.year = (int)year;
	f.status = req_query(r, "status");
	if (f.status && !*f.status)
		f.status = NULL;
	json_t *out;
	if (projects_list(handler_store(r), &r->actor, &f, &out, &e))
		reply_error(r, &e);
	else
		reply_json(r, 200, out);
}

void h_projects_get(struct req *r)
{
	json_t *out;
	struct xy_err e = { 0 };
	if (project_get(handler_store(r), &r->actor, r->ids[0], &out, &e))
		reply_error(r, &e);
	else
		reply_json(r, 200, out);
}

void h_projects_transition(struct req *r)
{
	const char *to = NULL, *reason = NULL;
	const struct jfield f[] = {
		{ "to", JF_STR, true, &to, 0, NULL, NULL },
		{ "reason", JF_STR, false, &reason, 0, NULL, NULL },
	};
	json_t *root;
	if (!handler_body(r, &root, f, 2))
		return;
	struct xy_err e = { 0 };
	enum xy_kind k = project_transition(handler_store(r), &r->actor, r->ids[0], to, reason, &e);
	json_decref(root);
	json_t *out;
	if (!k)
		k = project_get(handler_store(r), &r->actor, r->ids[0], &out, &e);
	if (k)
		reply_error(r, &e);
	else
		reply_json(r, 200, out);
}

void h_projects_spend(struct req *r)
{
	struct expenditure_input in = { 0 };
	const struct jfield f[] = {
		{ "amount_fen", JF_INT, true, &in.amount_fen, 0, NULL, NULL },
		{ "payee", JF_STR, true, &in.payee, 0, NULL, NULL },
		{ "receipt_no", JF_STR, true, &in.receipt_no, 0, NULL, NULL },
		{ "note", JF_STR, false, &in.note, 0, NULL, NULL },
	};
	json_t *root;
	if (!handler_body(r, &root, f, 4))
		return;
	struct xy_err e = { 0 };
	int64_t id;
	json_t *out;
	enum xy_kind k = project_spend(handler_store(r), &r->actor, r->ids[0], &in, &id, &e);
	json_decref(root);
	if (!k)
		k = project_ledger(handler_store(r), &r->actor, r->ids[0], &out, &e);
	if (k) {
		reply_error(r, &e);
		return;
	}
	json_object_set_new(out, "expenditure_id", json_integer(id));
	reply_json(r, 201, out);
}

void h_projects_ledger(struct req *r)
{
	json_t *out;
	struct xy_err e = { 0 };
	if (project_ledger(handler_store(r), &r->actor, r->ids[0], &out, &e))
		reply_error(r, &e);
	else
		reply_json(r, 200, out);
}
