/* h_match — the matching engine over HTTP: a suggestion for an area, candidates for a need. */
#include "http/handlers.h"
#include "http/match_run.h"
#include "store/matching.h"

void h_match(struct req *r)
{
	int64_t area_id = 0, ids[MATCH_GIVEN_MAX];
	int nids = 0;
	const struct jfield f[] = {
		{ "area_id", JF_INT, false, &area_id, 0, NULL, NULL },
		{ "need_ids", JF_INTS, false, ids, MATCH_GIVEN_MAX, &nids, NULL },
	};
	json_t *root;
	if (!handler_body(r, &root, f, 2))
		return;
	json_decref(root);
	struct xy_err e = { 0 };
	json_t *out;
	if (area_id < 0) {
		reply_fail(r, XY_EINVALID, "invalid_id", "area_id",
			   "area_id is a positive integer");
		return;
	}
	if (match_run_area(handler_store(r), &r->actor, area_id, ids, nids, &out, &e))
		reply_error(r, &e);
	else
		reply_json(r, 200, out);
}

void h_needs_candidates(struct req *r)
{
	int64_t k;
	struct xy_err e = { 0 };
	json_t *out;
	if (req_query_int(r, "k", 5, 1, MATCH_TOPK_MAX, &k, &e) ||
	    match_run_candidates(handler_store(r), &r->actor, r->ids[0], (int)k, &out, &e))
		reply_error(r, &e);
	else
		reply_json(r, 200, out);
}
