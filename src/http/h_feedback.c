/* h_feedback — beneficiaries' ratings and third-party evaluations of a project over HTTP. */
#include "http/handlers.h"
#include "store/feedback.h"

void h_feedback_create(struct req *r)
{
	struct feedback_input in = { .score = INT64_MIN };
	const struct jfield f[] = {
		{ "rating", JF_STR, true, &in.rating, 0, NULL, NULL },
		{ "score", JF_INT, false, &in.score, 0, NULL, NULL },
		{ "comment", JF_STR, false, &in.comment, 0, NULL, NULL },
	};
	json_t *root;
	if (!handler_body(r, &root, f, 3))
		return;
	in.has_score = in.score != INT64_MIN;
	struct xy_err e = { 0 };
	json_t *out = NULL;
	enum xy_kind k = feedback_create(handler_store(r), &r->actor, r->ids[0], &in, &out, &e);
	json_decref(root);
	handler_reply(r, k, 201, out, &e);
}

void h_feedback_list(struct req *r)
{
	handler_list_of(r, project_feedback);
}

void h_evaluation_create(struct req *r)
{
	struct evaluation_input in = { 0 };
	const struct jfield f[] = {
		{ "score", JF_INT, true, &in.score, 0, NULL, NULL },
		{ "report", JF_STR, true, &in.report, 0, NULL, NULL },
		{ "scorecard", JF_OBJECT, false, &in.scorecard, 0, NULL, NULL },
	};
	json_t *root;
	if (!handler_body(r, &root, f, 3))
		return;
	struct xy_err e = { 0 };
	json_t *out = NULL;
	enum xy_kind k = evaluation_file(handler_store(r), &r->actor, r->ids[0], &in, &out, &e);
	json_decref(root);
	handler_reply(r, k, 201, out, &e);
}

void h_evaluations_list(struct req *r)
{
	handler_list_of(r, project_evaluations);
}
