/* h_supervision — the audit trail and its chain verification over HTTP (the figures are in
 * h_stats.c). */
#include "http/handlers.h"
#include "store/audit_log.h"

void h_audit_list(struct req *r)
{
	struct page pg;
	struct xy_err e = { 0 };
	int64_t entity_id;
	if (handler_page(r, &pg, &e) ||
	    req_query_int(r, "entity_id", 0, 1, INT64_MAX, &entity_id, &e)) {
		reply_error(r, &e);
		return;
	}
	const char *entity = req_query(r, "entity");
	json_t *out;
	if (audit_log_list(handler_store(r), &r->actor, entity && *entity ? entity : NULL,
			   entity_id, pg, &out, &e))
		reply_error(r, &e);
	else
		reply_json(r, 200, out);
}

void h_audit_verify(struct req *r)
{
	struct audit_report rep;
	struct xy_err e = { 0 };
	if (!actor_grant_any(&r->actor, ACT_AUDIT_READ)) {
		reply_fail(r, XY_EFORBIDDEN, "forbidden", NULL,
			   "your role may not verify the audit trail");
		return;
	}
	if (audit_log_verify(handler_store(r), &rep, &e)) {
		reply_error(r, &e);
		return;
	}
	json_t *o = json_pack("{s:b, s:I, s:s}", "ok", rep.ok, "count", (json_int_t)rep.count,
			      "head", rep.head);
	if (!rep.ok)
		json_object_set_new(o, "first_bad",
				    json_pack("{s:I, s:s}", "id", (json_int_t)rep.bad_id, "problem",
					      rep.problem));
	reply_json(r, 200, o);
}
