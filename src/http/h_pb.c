/* h_pb — the fund split, the population register it weighs, and participatory-budgeting
 * rounds over HTTP. */
#include <stdio.h>
#include <string.h>

#include "engine/pb.h"
#include "http/handlers.h"
#include "http/pb_run.h"
#include "http/split_run.h"
#include "store/fund_split.h"
#include "store/pb_rounds.h"

void h_funds_split(struct req *r)
{
	struct split_request rq = { .fund_id = r->ids[0] };
	alloc_weights_default(&rq.weights);
	json_t *weights = NULL;
	const struct jfield f[] = {
		{ "apply", JF_BOOL, false, &rq.apply, 0, NULL, NULL },
		{ "amount_fen", JF_INT, false, &rq.amount_fen, 0, NULL, NULL },
		{ "floor_fen", JF_INT, false, &rq.floor_fen, 0, NULL, NULL },
		{ "weights", JF_OBJECT, false, &weights, 0, NULL, NULL },
	};
	json_t *root;
	if (!handler_body(r, &root, f, 4))
		return;
	struct xy_err e = { 0 };
	json_t *out = NULL;
	enum xy_kind k = weights ? split_weights_from_json(weights, &rq.weights, &e) : XY_OK;
	if (!k && rq.amount_fen == 0 && json_object_get(root, "amount_fen"))
		k = xy_fail(&e, XY_EINVALID, "invalid_amount", "amount_fen",
			    "amount_fen must be at least 1 fen");
	if (!k)
		k = split_run(handler_store(r), &r->actor, &rq, &out, &e);
	json_decref(root);
	handler_reply(r, k, rq.apply ? 201 : 200, out, &e);
}

void h_population_set(struct req *r)
{
	struct population_input in = { 0 };
	const struct jfield f[] = {
		{ "residents", JF_INT, true, &in.residents, 0, NULL, NULL },
		{ "elderly", JF_INT, false, &in.elderly, 0, NULL, NULL },
		{ "children", JF_INT, false, &in.children, 0, NULL, NULL },
		{ "disabled", JF_INT, false, &in.disabled, 0, NULL, NULL },
		{ "low_income", JF_INT, false, &in.low_income, 0, NULL, NULL },
	};
	json_t *root;
	if (!handler_body(r, &root, f, 5))
		return;
	struct xy_err e = { 0 };
	enum xy_kind k = area_population_set(handler_store(r), &r->actor, r->ids[0], &in, &e);
	json_decref(root);
	json_t *out = k ? NULL
			: json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "area_id",
				    (json_int_t)r->ids[0], "residents", (json_int_t)in.residents,
				    "elderly", (json_int_t)in.elderly, "children",
				    (json_int_t)in.children, "disabled", (json_int_t)in.disabled,
				    "low_income", (json_int_t)in.low_income);
	handler_reply(r, k, 200, out, &e);
}

/* The projects array of a new round into out[]; false (e filled) on error. */
static bool round_projects(json_t *arr, struct pb_project_input *out, size_t *n, struct xy_err *e)
{
	size_t i;
	json_t *p;
	*n = json_array_size(arr);
	if (*n == 0 || *n > PB_ROUND_PROJECTS_MAX) {
		xy_fail(e, XY_EINVALID, "invalid_projects", "projects",
			"a round offers 1 to %d projects", PB_ROUND_PROJECTS_MAX);
		return false;
	}
	json_array_foreach(arr, i, p)
	{
		char prefix[32];
		snprintf(prefix, sizeof prefix, "projects[%zu]", i);
		const struct jfield pf[] = {
			{ "project_id", JF_INT, false, &out[i].project_id, 0, NULL, NULL },
			{ "title", JF_STR, false, &out[i].title, 0, NULL, NULL },
			{ "cost_fen", JF_INT, true, &out[i].cost_fen, 0, NULL, NULL },
		};
		if (!json_is_object(p)) {
			xy_fail(e, XY_EMALFORMED, "wrong_type", prefix,
				"projects must be objects {project_id?, title?, cost_fen}");
			return false;
		}
		if (json_fields(p, pf, 3, prefix, e))
			return false;
		if (out[i].cost_fen < 1) {
			xy_fail(e, XY_EINVALID, "invalid_amount", prefix,
				"cost_fen must be at least 1 fen");
			return false;
		}
	}
	return true;
}

void h_pb_rounds_create(struct req *r)
{
	struct pb_round_input in = { .min_approvals = -1, .max_approvals = -1 };
	json_t *projects = NULL;
	const struct jfield f[] = {
		{ "area_id", JF_INT, true, &in.area_id, 0, NULL, NULL },
		{ "fund_id", JF_INT, false, &in.fund_id, 0, NULL, NULL },
		{ "title", JF_STR, false, &in.title, 0, NULL, NULL },
		{ "budget_fen", JF_INT, true, &in.budget_fen, 0, NULL, NULL },
		{ "rule", JF_STR, true, &in.rule, 0, NULL, NULL },
		{ "min_approvals", JF_INT, false, &in.min_approvals, 0, NULL, NULL },
		{ "max_approvals", JF_INT, false, &in.max_approvals, 0, NULL, NULL },
		{ "projects", JF_ARRAY, true, &projects, 0, NULL, NULL },
	};
	json_t *root;
	if (!handler_body(r, &root, f, 8))
		return;
	struct xy_err e = { 0 };
	struct pb_project_input ps[PB_ROUND_PROJECTS_MAX];
	memset(ps, 0, sizeof ps);
	struct pb_rule rule;
	enum xy_kind k = XY_OK;
	if (!pb_rule_parse(in.rule, &rule))
		k = xy_fail(&e, XY_EINVALID, "invalid_rule", "rule",
			    "unknown rule %.40s (greedy_cost, mes_cost, mes_cost_add1_greedy, ...)",
			    in.rule);
	else if (pb_rule_needs_points(&rule))
		k = xy_fail(&e, XY_EINVALID, "rule_needs_points", "rule",
			    "rounds take approval ballots; %s needs points", in.rule);
	else if ((json_object_get(root, "min_approvals") && in.min_approvals < 0) ||
		 (json_object_get(root, "max_approvals") && in.max_approvals < 0))
		k = xy_fail(&e, XY_EINVALID, "invalid_limits",
			    in.min_approvals < 0 ? "min_approvals" : "max_approvals",
			    "approval limits are whole numbers from 0");
	else if (!round_projects(projects, ps, &in.nprojects, &e))
		k = e.kind;
	in.projects = ps;
	int64_t id = 0;
	json_t *out = NULL;
	if (!k)
		k = pb_round_open(handler_store(r), &r->actor, &in, &id, &e);
	json_decref(root);
	if (!k)
		k = pb_round_get(handler_store(r), &r->actor, id, &out, &e);
	handler_reply(r, k, 201, out, &e);
}

void h_pb_rounds_list(struct req *r)
{
	struct pb_round_filter f = { .status = req_query(r, "status") };
	struct xy_err e = { 0 };
	json_t *out = NULL;
	enum xy_kind k = handler_page(r, &f.pg, &e);
	if (!k)
		k = req_query_int(r, "area_id", 0, 1, INT64_MAX, &f.area_id, &e);
	if (!k)
		k = pb_rounds_list(handler_store(r), &r->actor, &f, &out, &e);
	handler_reply(r, k, 200, out, &e);
}

void h_pb_rounds_get(struct req *r)
{
	struct xy_err e = { 0 };
	json_t *out = NULL;
	enum xy_kind k = pb_round_get(handler_store(r), &r->actor, r->ids[0], &out, &e);
	handler_reply(r, k, 200, out, &e);
}

void h_pb_rounds_ballot(struct req *r)
{
	json_t *approvals = NULL;
	const struct jfield f[] = {
		{ "approvals", JF_ARRAY, true, &approvals, 0, NULL, NULL },
	};
	json_t *root;
	if (!handler_body(r, &root, f, 1))
		return;
	struct xy_err e = { 0 };
	enum xy_kind k = XY_OK;
	size_t n = json_array_size(approvals);
	const char *codes[PB_ROUND_PROJECTS_MAX];
	char nums[PB_ROUND_PROJECTS_MAX][24];
	if (n > PB_ROUND_PROJECTS_MAX)
		k = xy_fail(&e, XY_EINVALID, "too_many_approvals", "approvals",
			    "at most %d approvals", PB_ROUND_PROJECTS_MAX);
	for (size_t i = 0; i < n && !k; i++) {
		json_t *v = json_array_get(approvals, i);
		if (json_is_string(v)) {
			codes[i] = json_string_value(v);
		} else if (json_is_integer(v)) { /* codes are numbers unless imported */
			snprintf(nums[i], sizeof nums[i], "%lld", (long long)json_integer_value(v));
			codes[i] = nums[i];
		} else {
			k = xy_fail(&e, XY_EMALFORMED, "wrong_type", "approvals",
				    "approvals are project codes (strings)");
		}
	}
	json_t *out = NULL;
	if (!k)
		k = pb_round_vote(handler_store(r), &r->actor, r->ids[0], codes, n, &e);
	json_decref(root);
	if (!k)
		k = pb_round_get(handler_store(r), &r->actor, r->ids[0], &out, &e);
	handler_reply(r, k, 200, out, &e);
}

void h_pb_rounds_close(struct req *r)
{
	if (!handler_no_body(r))
		return;
	struct xy_err e = { 0 };
	json_t *out = NULL;
	enum xy_kind k = pb_run_close(handler_store(r), &r->actor, r->ids[0], &out, &e);
	handler_reply(r, k, 200, out, &e);
}

void h_public_pb_round(struct req *r)
{
	struct xy_err e = { 0 };
	json_t *out = NULL;
	enum xy_kind k = pb_round_public_json(handler_store(r), r->ids[0], &out, &e);
	handler_reply(r, k, 200, out, &e);
}

void h_public_pb_rounds(struct req *r)
{
	struct pb_round_filter f = { .status = req_query(r, "status") };
	struct xy_err e = { 0 };
	json_t *out = NULL;
	enum xy_kind k = handler_page(r, &f.pg, &e);
	if (!k)
		k = req_query_int(r, "area_id", 0, 1, INT64_MAX, &f.area_id, &e);
	if (!k)
		k = pb_rounds_public(handler_store(r), &f, &out, &e);
	handler_reply(r, k, 200, out, &e);
}
