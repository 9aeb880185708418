/* Tests for src/core/need.c: the need state machine and need_authorize. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/need.h"

/* The area tree used throughout: street /1/2/3/4/, community A /1/2/3/4/5/ with compound
 * /1/2/3/4/5/6/, community B /1/2/3/4/7/ and community "50" /1/2/3/4/50/ (a prefix trap). */
#define STREET     "/1/2/3/4/"
#define COMM_A     "/1/2/3/4/5/"
#define COMPOUND_A "/1/2/3/4/5/6/"
#define COMM_B     "/1/2/3/4/7/"
#define COMM_A50   "/1/2/3/4/50/"

enum {
	UID_SECRETARY = 10,
	UID_WORKER_A = 11,
	UID_WORKER_B = 12,
	UID_PROVIDER = 13,
	UID_VOLUNTEER = 14,
	UID_WORKER_50 = 15,
	UID_OTHER_PROVIDER = 16,
	UID_RESIDENT = 20,
	UID_NEIGHBOUR = 21,
	UID_RESIDENT_B = 22,
	UID_SUPERVISOR = 30,
	UID_ADMIN = 1,
	UID_EVALUATOR = 40,
};

static void grant_add(struct actor *a, enum role r, const char *path, const char *scope)
{
	assert_true(a->ngrants < ACTOR_MAX_GRANTS);
	struct grant *g = &a->grants[a->ngrants++];
	g->role = r;
	g->area_id = a->ngrants;
	snprintf(g->path, sizeof g->path, "%s", path);
	snprintf(g->scope, sizeof g->scope, "%s", scope);
}

static struct actor actor_one(int64_t uid, enum role r, const char *path)
{
	struct actor a;
	memset(&a, 0, sizeof a);
	a.user_id = uid;
	grant_add(&a, r, path, r == ROLE_ADMIN ? "/" : path);
	return a;
}

/* A resident lives in a compound; the scope is the community around it. */
static struct actor resident(int64_t uid, const char *compound, const char *community)
{
	struct actor a;
	memset(&a, 0, sizeof a);
	a.user_id = uid;
	grant_add(&a, ROLE_RESIDENT, compound, community);
	return a;
}

/* A need submitted by UID_RESIDENT in compound A, in the given status. */
static struct need_facts facts(enum need_status s)
{
	struct need_facts n = { .status = s,
				.area_path = COMPOUND_A,
				.submitter_id = UID_RESIDENT,
				.channel = CH_SELF,
				.claim_user_id = 0 };
	return n;
}

static struct need_move move_to(enum need_status to)
{
	struct need_move m;
	memset(&m, 0, sizeof m);
	m.to = to;
	return m;
}

/* A move that carries whatever the target state needs, so only the edge and role decide. */
static struct need_move move_full(enum need_status to, int64_t provider_user)
{
	struct need_move m = move_to(to);
	if (to == NEED_REJECTED)
		m.reason = "duplicate of an earlier need";
	if (to == NEED_MERGED)
		m.merged_into = 99;
	if (to == NEED_CLAIMED) {
		m.provider_id = 7;
		m.provider_user_id = provider_user;
	}
	if (to == NEED_IN_PROJECT)
		m.by_project = true;
	return m;
}

static void expect_err(enum xy_kind got, const struct xy_err *e, enum xy_kind kind,
		       const char *code, const char *field)
{
	assert_int_equal(got, kind);
	assert_int_equal(e->kind, kind);
	assert_string_equal(e->code, code);
	if (field)
		assert_string_equal(e->field, field);
	assert_true(strlen(e->message) > 0);
}

/* ---- the machine ---------------------------------------------------------------------- */

/* The edges as need.h documents them, with the action each needs. */
static int documented_edge(int from, int to)
{
	static const struct {
		int from, to, act;
	} doc[] = {
		{ NEED_SUBMITTED, NEED_ACCEPTED, ACT_NEED_TRIAGE },
		{ NEED_SUBMITTED, NEED_REJECTED, ACT_NEED_TRIAGE },
		{ NEED_SUBMITTED, NEED_MERGED, ACT_NEED_TRIAGE },
		{ NEED_ACCEPTED, NEED_WISH_OPEN, ACT_NEED_PUBLISH },
		{ NEED_ACCEPTED, NEED_REJECTED, ACT_NEED_TRIAGE },
		{ NEED_ACCEPTED, NEED_MERGED, ACT_NEED_TRIAGE },
		{ NEED_ACCEPTED, NEED_IN_PROJECT, ACT_NEED_TRIAGE },
		{ NEED_WISH_OPEN, NEED_CLAIMED, ACT_NEED_CLAIM },
		{ NEED_WISH_OPEN, NEED_ACCEPTED, ACT_NEED_PUBLISH },
		{ NEED_CLAIMED, NEED_FULFILLED, ACT_NEED_FULFIL },
		{ NEED_CLAIMED, NEED_WISH_OPEN, ACT_NEED_CLAIM },
		{ NEED_FULFILLED, NEED_CONFIRMED, ACT_NEED_CONFIRM },
		{ NEED_IN_PROJECT, NEED_FULFILLED, ACT_NEED_TRIAGE },
		{ NEED_IN_PROJECT, NEED_ACCEPTED, ACT_NEED_TRIAGE },
	};
	for (size_t i = 0; i < sizeof doc / sizeof *doc; i++)
		if (doc[i].from == from && doc[i].to == to)
			return doc[i].act;
	return -1;
}

static void test_edges_triage(void **state)
{
	(void)state;
	assert_int_equal(need_edge_action(NEED_SUBMITTED, NEED_ACCEPTED), ACT_NEED_TRIAGE);
	assert_int_equal(need_edge_action(NEED_SUBMITTED, NEED_REJECTED), ACT_NEED_TRIAGE);
	assert_int_equal(need_edge_action(NEED_SUBMITTED, NEED_MERGED), ACT_NEED_TRIAGE);
	assert_int_equal(need_edge_action(NEED_ACCEPTED, NEED_REJECTED), ACT_NEED_TRIAGE);
	assert_int_equal(need_edge_action(NEED_ACCEPTED, NEED_MERGED), ACT_NEED_TRIAGE);
	assert_int_equal(need_edge_action(NEED_ACCEPTED, NEED_IN_PROJECT), ACT_NEED_TRIAGE);
}

static void test_edges_wish(void **state)
{
	(void)state;
	assert_int_equal(need_edge_action(NEED_ACCEPTED, NEED_WISH_OPEN), ACT_NEED_PUBLISH);
	assert_int_equal(need_edge_action(NEED_WISH_OPEN, NEED_ACCEPTED), ACT_NEED_PUBLISH);
	assert_int_equal(need_edge_action(NEED_WISH_OPEN, NEED_CLAIMED), ACT_NEED_CLAIM);
	assert_int_equal(need_edge_action(NEED_CLAIMED, NEED_WISH_OPEN), ACT_NEED_CLAIM);
	assert_int_equal(need_edge_action(NEED_CLAIMED, NEED_FULFILLED), ACT_NEED_FULFIL);
	assert_int_equal(need_edge_action(NEED_FULFILLED, NEED_CONFIRMED), ACT_NEED_CONFIRM);
}

static void test_edge_sweep_all_pairs(void **state)
{
	(void)state;
	int edges = 0;
	for (int from = 0; from < NEED_STATUS_COUNT; from++)
		for (int to = 0; to < NEED_STATUS_COUNT; to++) {
			int want = documented_edge(from, to);
			int got = need_edge_action((enum need_status)from, (enum need_status)to);
			if (got != want)
				fail_msg("edge %s -> %s: action %d, documented %d",
					 need_status_name((enum need_status)from),
					 need_status_name((enum need_status)to), got, want);
			edges += got >= 0;
		}
	assert_int_equal(edges, 14);
}

static void test_no_self_loops(void **state)
{
	(void)state;
	for (int s = 0; s < NEED_STATUS_COUNT; s++)
		assert_int_equal(need_edge_action((enum need_status)s, (enum need_status)s), -1);
}

static void test_closed_states(void **state)
{
	(void)state;
	for (int s = 0; s < NEED_STATUS_COUNT; s++) {
		bool want = s == NEED_REJECTED || s == NEED_MERGED || s == NEED_CONFIRMED;
		assert_int_equal(need_status_closed((enum need_status)s), want);
		if (want)
			for (int to = 0; to < NEED_STATUS_COUNT; to++)
				assert_int_equal(
					need_edge_action((enum need_status)s, (enum need_status)to),
					-1);
	}
}

static void test_nothing_returns_to_submitted(void **state)
{
	(void)state;
	for (int s = 0; s < NEED_STATUS_COUNT; s++)
		assert_int_equal(need_edge_action((enum need_status)s, NEED_SUBMITTED), -1);
}

/* ---- names ---------------------------------------------------------------------------- */

static void test_status_round_trip(void **state)
{
	(void)state;
	static const char *const want[NEED_STATUS_COUNT] = {
		"submitted", "accepted",  "rejected",  "merged",     "wish_open",
		"claimed",   "fulfilled", "confirmed", "in_project",
	};
	for (int s = 0; s < NEED_STATUS_COUNT; s++) {
		assert_string_equal(need_status_name((enum need_status)s), want[s]);
		assert_int_equal(need_status_parse(want[s]), s);
	}
}

static void test_status_parse_unknown(void **state)
{
	(void)state;
	assert_int_equal(need_status_parse(NULL), -1);
	assert_int_equal(need_status_parse(""), -1);
	assert_int_equal(need_status_parse("Submitted"), -1);
	assert_int_equal(need_status_parse("submitted "), -1);
	assert_int_equal(need_status_parse("wish-open"), -1);
	assert_int_equal(need_status_parse("unknown"), -1);
	assert_string_equal(need_status_name(NEED_STATUS_COUNT), "unknown");
	assert_string_equal(need_status_name((enum need_status) - 1), "unknown");
}

static void test_channel_round_trip(void **state)
{
	(void)state;
	static const char *const want[CH_COUNT] = { "self", "visit", "phone", "desk", "hotline" };
	for (int c = 0; c < CH_COUNT; c++) {
		assert_string_equal(need_channel_name((enum need_channel)c), want[c]);
		assert_int_equal(need_channel_parse(want[c]), c);
	}
	assert_int_equal(need_channel_parse(NULL), -1);
	assert_int_equal(need_channel_parse("email"), -1);
	assert_int_equal(need_channel_parse("Self"), -1);
	assert_string_equal(need_channel_name(CH_COUNT), "unknown");
}

static void test_urgency_round_trip(void **state)
{
	(void)state;
	static const char *const want[URG_COUNT] = { "low", "normal", "high" };
	for (int u = 0; u < URG_COUNT; u++) {
		assert_string_equal(need_urgency_name((enum need_urgency)u), want[u]);
		assert_int_equal(need_urgency_parse(want[u]), u);
	}
	assert_int_equal(need_urgency_parse(NULL), -1);
	assert_int_equal(need_urgency_parse("urgent"), -1);
	assert_int_equal(need_urgency_parse(""), -1);
	assert_string_equal(need_urgency_name(URG_COUNT), "unknown");
}

static void test_beneficiaries(void **state)
{
	(void)state;
	static const char *const ok[] = { "elderly",  "children",   "youth",    "women",
					  "disabled", "low_income", "families", "all" };
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
		assert_true(need_beneficiary_ok(ok[i]));
	assert_false(need_beneficiary_ok(NULL));
	assert_false(need_beneficiary_ok(""));
	assert_false(need_beneficiary_ok("Elderly"));
	assert_false(need_beneficiary_ok("elderly "));
	assert_false(need_beneficiary_ok("low-income"));
	assert_false(need_beneficiary_ok("老人"));
	assert_false(need_beneficiary_ok("men"));
}

/* ---- need_authorize: edges ------------------------------------------------------------ */

/* A secretary of community A may take every action on a need recorded for a non-user, so the
 * edge alone decides: every non-edge is 409 illegal_transition, every edge is allowed. */
static void test_authorize_sweep_secretary(void **state)
{
	(void)state;
	struct actor sec = actor_one(UID_SECRETARY, ROLE_SECRETARY, COMM_A);
	for (int from = 0; from < NEED_STATUS_COUNT; from++)
		for (int to = 0; to < NEED_STATUS_COUNT; to++) {
			struct need_facts n = facts((enum need_status)from);
			n.submitter_id = 0; /* recorded on behalf: staff may confirm */
			n.channel = CH_VISIT;
			struct need_move m = move_full((enum need_status)to, 0);
			if (from == NEED_IN_PROJECT)
				m.by_project = true; /* out of a project only with the project */
			struct xy_err e;
			xy_err_clear(&e);
			enum xy_kind k = need_authorize(&sec, &n, &m, &e);
			if (documented_edge(from, to) < 0) {
				if (k != XY_ECONFLICT || strcmp(e.code, "illegal_transition") != 0)
					fail_msg("%s -> %s: got %d %s, want 409 illegal_transition",
						 need_status_name((enum need_status)from),
						 need_status_name((enum need_status)to), k, e.code);
				assert_string_equal(e.field, "to");
			} else if (k != XY_OK) {
				fail_msg("%s -> %s: refused with %s (%s)",
					 need_status_name((enum need_status)from),
					 need_status_name((enum need_status)to), e.code, e.message);
			}
		}
}

static void test_authorize_illegal_names_states(void **state)
{
	(void)state;
	struct actor w = actor_one(UID_WORKER_A, ROLE_WORKER, COMM_A);
	struct need_facts n = facts(NEED_SUBMITTED);
	struct need_move m = move_to(NEED_CONFIRMED);
	struct xy_err e;
	expect_err(need_authorize(&w, &n, &m, &e), &e, XY_ECONFLICT, "illegal_transition", "to");
	assert_non_null(strstr(e.message, "submitted"));
	assert_non_null(strstr(e.message, "confirmed"));
}

static void test_authorize_in_project_needs_project(void **state)
{
	(void)state;
	struct actor sec = actor_one(UID_SECRETARY, ROLE_SECRETARY, COMM_A);
	struct need_facts n = facts(NEED_ACCEPTED);
	struct need_move m = move_to(NEED_IN_PROJECT);
	struct xy_err e;
	expect_err(need_authorize(&sec, &n, &m, &e), &e, XY_ECONFLICT, "illegal_transition", "to");
	m.by_project = true;
	assert_int_equal(need_authorize(&sec, &n, &m, &e), XY_OK);
}

static void test_authorize_in_project_only_from_accepted(void **state)
{
	(void)state;
	struct actor sec = actor_one(UID_SECRETARY, ROLE_SECRETARY, COMM_A);
	struct need_move m = move_full(NEED_IN_PROJECT, 0);
	struct xy_err e;
	for (int s = 0; s < NEED_STATUS_COUNT; s++) {
		if (s == NEED_ACCEPTED)
			continue;
		struct need_facts n = facts((enum need_status)s);
		expect_err(need_authorize(&sec, &n, &m, &e), &e, XY_ECONFLICT, "illegal_transition",
			   "to");
	}
}

/* Out of in_project only with the project: closing (fulfilled) or cancelling (accepted). */
static void test_authorize_out_of_project_needs_project(void **state)
{
	(void)state;
	struct actor sec = actor_one(UID_SECRETARY, ROLE_SECRETARY, COMM_A);
	struct need_facts n = facts(NEED_IN_PROJECT);
	struct xy_err e;
	for (int to = 0; to < NEED_STATUS_COUNT; to++) {
		struct need_move m = move_full((enum need_status)to, 0);
		m.by_project = false;
		expect_err(need_authorize(&sec, &n, &m, &e), &e, XY_ECONFLICT, "illegal_transition",
			   "to");
	}
	struct need_move m = move_to(NEED_FULFILLED);
	m.by_project = true;
	assert_int_equal(need_authorize(&sec, &n, &m, &e), XY_OK);
	m = move_to(NEED_ACCEPTED);
	m.by_project = true;
	assert_int_equal(need_authorize(&sec, &n, &m, &e), XY_OK);
	m = move_to(NEED_CONFIRMED);
	m.by_project = true;
	expect_err(need_authorize(&sec, &n, &m, &e), &e, XY_ECONFLICT, "illegal_transition", "to");
}

static void test_authorize_by_project_keeps_role_check(void **state)
{
	(void)state;
	struct actor r = resident(UID_RESIDENT, COMPOUND_A, COMM_A);
	struct need_facts n = facts(NEED_ACCEPTED);
	struct need_move m = move_full(NEED_IN_PROJECT, 0);
	struct xy_err e;
	expect_err(need_authorize(&r, &n, &m, &e), &e, XY_EFORBIDDEN, "forbidden", NULL);
}

static void test_authorize_null_err_ok(void **state)
{
	(void)state;
	struct actor w = actor_one(UID_WORKER_A, ROLE_WORKER, COMM_A);
	struct need_facts n = facts(NEED_SUBMITTED);
	struct need_move m = move_to(NEED_CONFIRMED);
	assert_int_equal(need_authorize(&w, &n, &m, NULL), XY_ECONFLICT);
	m = move_to(NEED_ACCEPTED);
	assert_int_equal(need_authorize(&w, &n, &m, NULL), XY_OK);
}

/* ---- need_authorize: roles and scope -------------------------------------------------- */

static void test_authorize_worker_triages(void **state)
{
	(void)state;
	struct actor w = actor_one(UID_WORKER_A, ROLE_WORKER, COMM_A);
	struct xy_err e;
	struct need_facts n = facts(NEED_SUBMITTED);
	struct need_move m = move_to(NEED_ACCEPTED);
	assert_int_equal(need_authorize(&w, &n, &m, &e), XY_OK);
	m = move_full(NEED_REJECTED, 0);
	assert_int_equal(need_authorize(&w, &n, &m, &e), XY_OK);
	m = move_full(NEED_MERGED, 0);
	assert_int_equal(need_authorize(&w, &n, &m, &e), XY_OK);
}

static void test_authorize_worker_of_other_community(void **state)
{
	(void)state;
	struct actor w = actor_one(UID_WORKER_B, ROLE_WORKER, COMM_B);
	struct need_facts n = facts(NEED_SUBMITTED);
	struct need_move m = move_to(NEED_ACCEPTED);
	struct xy_err e;
	expect_err(need_authorize(&w, &n, &m, &e), &e, XY_EFORBIDDEN, "out_of_scope", NULL);
}

static void test_authorize_prefix_trap(void **state)
{
	(void)state;
	/* a worker of /1/2/3/4/50/ must not reach a need of /1/2/3/4/5/ (nor the reverse) */
	struct actor w50 = actor_one(UID_WORKER_50, ROLE_WORKER, COMM_A50);
	struct need_facts n = facts(NEED_SUBMITTED);
	n.area_path = COMM_A;
	struct need_move m = move_to(NEED_ACCEPTED);
	struct xy_err e;
	expect_err(need_authorize(&w50, &n, &m, &e), &e, XY_EFORBIDDEN, "out_of_scope", NULL);
	struct actor wa = actor_one(UID_WORKER_A, ROLE_WORKER, COMM_A);
	n.area_path = COMM_A50;
	expect_err(need_authorize(&wa, &n, &m, &e), &e, XY_EFORBIDDEN, "out_of_scope", NULL);
}

static void test_authorize_worker_of_compound_not_community(void **state)
{
	(void)state;
	/* a grant on a compound does not reach the rest of its community */
	struct actor w = actor_one(UID_WORKER_A, ROLE_WORKER, COMPOUND_A);
	struct need_facts n = facts(NEED_SUBMITTED);
	n.area_path = "/1/2/3/4/5/8/";
	struct need_move m = move_to(NEED_ACCEPTED);
	struct xy_err e;
	expect_err(need_authorize(&w, &n, &m, &e), &e, XY_EFORBIDDEN, "out_of_scope", NULL);
	n.area_path = COMPOUND_A;
	assert_int_equal(need_authorize(&w, &n, &m, &e), XY_OK);
}

static void test_authorize_no_grants(void **state)
{
	(void)state;
	struct actor nobody;
	memset(&nobody, 0, sizeof nobody);
	nobody.user_id = 77;
	struct need_facts n = facts(NEED_SUBMITTED);
	struct need_move m = move_to(NEED_ACCEPTED);
	struct xy_err e;
	expect_err(need_authorize(&nobody, &n, &m, &e), &e, XY_EFORBIDDEN, "out_of_scope", NULL);
}

static void test_authorize_resident_cannot_triage(void **state)
{
	(void)state;
	struct actor r = resident(UID_RESIDENT, COMPOUND_A, COMM_A);
	struct need_facts n = facts(NEED_SUBMITTED);
	struct xy_err e;
	struct need_move m = move_to(NEED_ACCEPTED);
	expect_err(need_authorize(&r, &n, &m, &e), &e, XY_EFORBIDDEN, "forbidden", "to");
	m = move_full(NEED_REJECTED, 0);
	expect_err(need_authorize(&r, &n, &m, &e), &e, XY_EFORBIDDEN, "forbidden", "to");
	m = move_full(NEED_MERGED, 0);
	expect_err(need_authorize(&r, &n, &m, &e), &e, XY_EFORBIDDEN, "forbidden", "to");
}

static void test_authorize_resident_cannot_publish_or_claim(void **state)
{
	(void)state;
	struct actor r = resident(UID_RESIDENT, COMPOUND_A, COMM_A);
	struct xy_err e;
	struct need_facts n = facts(NEED_ACCEPTED);
	struct need_move m = move_to(NEED_WISH_OPEN);
	expect_err(need_authorize(&r, &n, &m, &e), &e, XY_EFORBIDDEN, "forbidden", "to");
	n = facts(NEED_WISH_OPEN);
	m = move_full(NEED_CLAIMED, UID_RESIDENT);
	expect_err(need_authorize(&r, &n, &m, &e), &e, XY_EFORBIDDEN, "forbidden", "to");
	n = facts(NEED_CLAIMED);
	n.claim_user_id = UID_RESIDENT;
	m = move_to(NEED_FULFILLED);
	expect_err(need_authorize(&r, &n, &m, &e), &e, XY_EFORBIDDEN, "forbidden", "to");
}

static void test_authorize_worker_cannot_publish(void **state)
{
	(void)state;
	/* micro-wish publication is the secretary's decision (PRODUCT.md) */
	struct actor w = actor_one(UID_WORKER_A, ROLE_WORKER, COMM_A);
	struct actor sec = actor_one(UID_SECRETARY, ROLE_SECRETARY, COMM_A);
	struct xy_err e;
	struct need_facts n = facts(NEED_ACCEPTED);
	struct need_move m = move_to(NEED_WISH_OPEN);
	expect_err(need_authorize(&w, &n, &m, &e), &e, XY_EFORBIDDEN, "forbidden", "to");
	assert_int_equal(need_authorize(&sec, &n, &m, &e), XY_OK);
	n = facts(NEED_WISH_OPEN);
	m = move_to(NEED_ACCEPTED);
	expect_err(need_authorize(&w, &n, &m, &e), &e, XY_EFORBIDDEN, "forbidden", "to");
	assert_int_equal(need_authorize(&sec, &n, &m, &e), XY_OK);
}

static void test_authorize_readers_cannot_move(void **state)
{
	(void)state;
	struct actor sup = actor_one(UID_SUPERVISOR, ROLE_STREET_SUPERVISOR, STREET);
	struct actor adm = actor_one(UID_ADMIN, ROLE_ADMIN, "/1/");
	struct actor ev = actor_one(UID_EVALUATOR, ROLE_EVALUATOR, COMM_A);
	const struct actor *who[] = { &sup, &adm, &ev };
	struct need_facts n = facts(NEED_SUBMITTED);
	struct need_move m = move_to(NEED_ACCEPTED);
	struct xy_err e;
	for (size_t i = 0; i < sizeof who / sizeof *who; i++)
		expect_err(need_authorize(who[i], &n, &m, &e), &e, XY_EFORBIDDEN, "forbidden",
			   "to");
}

static void test_authorize_provider_cannot_triage(void **state)
{
	(void)state;
	struct actor p = actor_one(UID_PROVIDER, ROLE_PROVIDER, COMM_A);
	struct need_facts n = facts(NEED_SUBMITTED);
	struct need_move m = move_to(NEED_ACCEPTED);
	struct xy_err e;
	expect_err(need_authorize(&p, &n, &m, &e), &e, XY_EFORBIDDEN, "forbidden", "to");
}

/* ---- need_authorize: required fields -------------------------------------------------- */

static void test_authorize_reject_needs_reason(void **state)
{
	(void)state;
	struct actor w = actor_one(UID_WORKER_A, ROLE_WORKER, COMM_A);
	struct xy_err e;
	for (int from = NEED_SUBMITTED; from <= NEED_ACCEPTED; from++) {
		struct need_facts n = facts((enum need_status)from);
		struct need_move m = move_to(NEED_REJECTED);
		expect_err(need_authorize(&w, &n, &m, &e), &e, XY_EINVALID, "reason_required",
			   "reason");
		m.reason = "";
		expect_err(need_authorize(&w, &n, &m, &e), &e, XY_EINVALID, "reason_required",
			   "reason");
		m.reason = "不在本社区服务范围";
		assert_int_equal(need_authorize(&w, &n, &m, &e), XY_OK);
	}
}

static void test_authorize_reject_reason_limits(void **state)
{
	(void)state;
	struct actor w = actor_one(UID_WORKER_A, ROLE_WORKER, COMM_A);
	struct need_facts n = facts(NEED_SUBMITTED);
	struct need_move m = move_to(NEED_REJECTED);
	struct xy_err e;
	/* NEED_REASON_MAX code points of 3 bytes each pass; one more fails */
	char big[3 * (NEED_REASON_MAX + 1) + 1];
	for (int i = 0; i < NEED_REASON_MAX + 1; i++)
		memcpy(big + 3 * i, "字", 3);
	big[3 * NEED_REASON_MAX] = '\0';
	m.reason = big;
	assert_int_equal(need_authorize(&w, &n, &m, &e), XY_OK);
	big[3 * NEED_REASON_MAX] = "字"[0];
	big[3 * (NEED_REASON_MAX + 1)] = '\0';
	expect_err(need_authorize(&w, &n, &m, &e), &e, XY_EINVALID, "reason_required", "reason");
	m.reason = "bad \xff byte";
	expect_err(need_authorize(&w, &n, &m, &e), &e, XY_EINVALID, "reason_required", "reason");
	m.reason = "bell \a";
	expect_err(need_authorize(&w, &n, &m, &e), &e, XY_EINVALID, "reason_required", "reason");
}

static void test_authorize_optional_reason_checked(void **state)
{
	(void)state;
	struct actor w = actor_one(UID_WORKER_A, ROLE_WORKER, COMM_A);
	struct need_facts n = facts(NEED_SUBMITTED);
	struct need_move m = move_to(NEED_ACCEPTED);
	struct xy_err e;
	m.reason = "";
	assert_int_equal(need_authorize(&w, &n, &m, &e), XY_OK);
	m.reason = "looks right";
	assert_int_equal(need_authorize(&w, &n, &m, &e), XY_OK);
	m.reason = "\xc0\x80";
	expect_err(need_authorize(&w, &n, &m, &e), &e, XY_EINVALID, "invalid_reason", "reason");
	char big[NEED_REASON_MAX + 2];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	m.reason = big;
	expect_err(need_authorize(&w, &n, &m, &e), &e, XY_EINVALID, "invalid_reason", "reason");
}

static void test_authorize_merge_needs_target(void **state)
{
	(void)state;
	struct actor w = actor_one(UID_WORKER_A, ROLE_WORKER, COMM_A);
	struct xy_err e;
	for (int from = NEED_SUBMITTED; from <= NEED_ACCEPTED; from++) {
		struct need_facts n = facts((enum need_status)from);
		struct need_move m = move_to(NEED_MERGED);
		expect_err(need_authorize(&w, &n, &m, &e), &e, XY_EINVALID, "merged_into_required",
			   "merged_into");
		m.merged_into = -5;
		expect_err(need_authorize(&w, &n, &m, &e), &e, XY_EINVALID, "merged_into_required",
			   "merged_into");
		m.merged_into = 42;
		assert_int_equal(need_authorize(&w, &n, &m, &e), XY_OK);
	}
}

static void test_authorize_claim_needs_provider(void **state)
{
	(void)state;
	struct actor w = actor_one(UID_WORKER_A, ROLE_WORKER, COMM_A);
	struct actor p = actor_one(UID_PROVIDER, ROLE_PROVIDER, COMM_A);
	struct need_facts n = facts(NEED_WISH_OPEN);
	struct need_move m = move_to(NEED_CLAIMED);
	struct xy_err e;
	expect_err(need_authorize(&w, &n, &m, &e), &e, XY_EINVALID, "provider_required",
		   "provider_id");
	m.provider_user_id = UID_PROVIDER;
	expect_err(need_authorize(&p, &n, &m, &e), &e, XY_EINVALID, "provider_required",
		   "provider_id");
	m.provider_id = -1;
	expect_err(need_authorize(&p, &n, &m, &e), &e, XY_EINVALID, "provider_required",
		   "provider_id");
}

/* ---- need_authorize: ownership -------------------------------------------------------- */

static void test_authorize_provider_claims_own(void **state)
{
	(void)state;
	struct actor p = actor_one(UID_PROVIDER, ROLE_PROVIDER, COMM_A);
	struct actor v = actor_one(UID_VOLUNTEER, ROLE_VOLUNTEER, COMM_A);
	struct need_facts n = facts(NEED_WISH_OPEN);
	struct xy_err e;
	struct need_move m = move_full(NEED_CLAIMED, UID_PROVIDER);
	assert_int_equal(need_authorize(&p, &n, &m, &e), XY_OK);
	m = move_full(NEED_CLAIMED, UID_VOLUNTEER);
	assert_int_equal(need_authorize(&v, &n, &m, &e), XY_OK);
}

static void test_authorize_provider_claims_for_other(void **state)
{
	(void)state;
	struct actor p = actor_one(UID_PROVIDER, ROLE_PROVIDER, COMM_A);
	struct actor v = actor_one(UID_VOLUNTEER, ROLE_VOLUNTEER, COMM_A);
	struct need_facts n = facts(NEED_WISH_OPEN);
	struct xy_err e;
	struct need_move m = move_full(NEED_CLAIMED, UID_OTHER_PROVIDER);
	expect_err(need_authorize(&p, &n, &m, &e), &e, XY_EFORBIDDEN, "not_your_provider",
		   "provider_id");
	expect_err(need_authorize(&v, &n, &m, &e), &e, XY_EFORBIDDEN, "not_your_provider",
		   "provider_id");
	/* a provider without an account is not "yours" either */
	m = move_full(NEED_CLAIMED, 0);
	expect_err(need_authorize(&p, &n, &m, &e), &e, XY_EFORBIDDEN, "not_your_provider",
		   "provider_id");
}

static void test_authorize_worker_claims_for_any_provider(void **state)
{
	(void)state;
	struct actor w = actor_one(UID_WORKER_A, ROLE_WORKER, COMM_A);
	struct need_facts n = facts(NEED_WISH_OPEN);
	struct need_move m = move_full(NEED_CLAIMED, UID_OTHER_PROVIDER);
	struct xy_err e;
	assert_int_equal(need_authorize(&w, &n, &m, &e), XY_OK);
	m = move_full(NEED_CLAIMED, 0);
	assert_int_equal(need_authorize(&w, &n, &m, &e), XY_OK);
}

static void test_authorize_provider_other_community(void **state)
{
	(void)state;
	struct actor p = actor_one(UID_PROVIDER, ROLE_PROVIDER, COMM_B);
	struct need_facts n = facts(NEED_WISH_OPEN);
	struct need_move m = move_full(NEED_CLAIMED, UID_PROVIDER);
	struct xy_err e;
	expect_err(need_authorize(&p, &n, &m, &e), &e, XY_EFORBIDDEN, "out_of_scope", NULL);
}

static void test_authorize_release_claim(void **state)
{
	(void)state;
	struct actor p = actor_one(UID_PROVIDER, ROLE_PROVIDER, COMM_A);
	struct actor w = actor_one(UID_WORKER_A, ROLE_WORKER, COMM_A);
	struct need_facts n = facts(NEED_CLAIMED);
	struct need_move m = move_to(NEED_WISH_OPEN);
	struct xy_err e;
	n.claim_user_id = UID_PROVIDER;
	assert_int_equal(need_authorize(&p, &n, &m, &e), XY_OK);
	assert_int_equal(need_authorize(&w, &n, &m, &e), XY_OK);
	n.claim_user_id = UID_OTHER_PROVIDER;
	expect_err(need_authorize(&p, &n, &m, &e), &e, XY_EFORBIDDEN, "not_your_claim", NULL);
	assert_int_equal(need_authorize(&w, &n, &m, &e), XY_OK);
	n.claim_user_id = 0;
	expect_err(need_authorize(&p, &n, &m, &e), &e, XY_EFORBIDDEN, "not_your_claim", NULL);
}

static void test_authorize_fulfil(void **state)
{
	(void)state;
	struct actor p = actor_one(UID_PROVIDER, ROLE_PROVIDER, COMM_A);
	struct actor v = actor_one(UID_VOLUNTEER, ROLE_VOLUNTEER, COMM_A);
	struct actor w = actor_one(UID_WORKER_A, ROLE_WORKER, COMM_A);
	struct need_facts n = facts(NEED_CLAIMED);
	struct need_move m = move_to(NEED_FULFILLED);
	struct xy_err e;
	n.claim_user_id = UID_PROVIDER;
	assert_int_equal(need_authorize(&p, &n, &m, &e), XY_OK);
	assert_int_equal(need_authorize(&w, &n, &m, &e), XY_OK);
	expect_err(need_authorize(&v, &n, &m, &e), &e, XY_EFORBIDDEN, "not_your_claim", NULL);
	n.claim_user_id = UID_OTHER_PROVIDER;
	expect_err(need_authorize(&p, &n, &m, &e), &e, XY_EFORBIDDEN, "not_your_claim", NULL);
}

static void test_authorize_resident_confirms_own(void **state)
{
	(void)state;
	struct actor r = resident(UID_RESIDENT, COMPOUND_A, COMM_A);
	struct need_facts n = facts(NEED_FULFILLED);
	struct need_move m = move_to(NEED_CONFIRMED);
	struct xy_err e;
	assert_int_equal(need_authorize(&r, &n, &m, &e), XY_OK);
}

static void test_authorize_resident_confirms_neighbours(void **state)
{
	(void)state;
	struct actor nb = resident(UID_NEIGHBOUR, "/1/2/3/4/5/8/", COMM_A);
	struct need_facts n = facts(NEED_FULFILLED);
	struct need_move m = move_to(NEED_CONFIRMED);
	struct xy_err e;
	expect_err(need_authorize(&nb, &n, &m, &e), &e, XY_EFORBIDDEN, "not_your_need", NULL);
	/* nor one recorded on behalf of a non-user */
	n.submitter_id = 0;
	expect_err(need_authorize(&nb, &n, &m, &e), &e, XY_EFORBIDDEN, "not_your_need", NULL);
}

static void test_authorize_resident_other_community(void **state)
{
	(void)state;
	struct actor rb = resident(UID_RESIDENT_B, "/1/2/3/4/7/9/", COMM_B);
	struct need_facts n = facts(NEED_FULFILLED);
	struct need_move m = move_to(NEED_CONFIRMED);
	struct xy_err e;
	expect_err(need_authorize(&rb, &n, &m, &e), &e, XY_EFORBIDDEN, "out_of_scope", NULL);
}

static void test_authorize_staff_confirm(void **state)
{
	(void)state;
	struct actor w = actor_one(UID_WORKER_A, ROLE_WORKER, COMM_A);
	struct actor sec = actor_one(UID_SECRETARY, ROLE_SECRETARY, COMM_A);
	struct need_facts n = facts(NEED_FULFILLED);
	struct need_move m = move_to(NEED_CONFIRMED);
	struct xy_err e;
	/* the resident who submitted it confirms it, not staff */
	expect_err(need_authorize(&w, &n, &m, &e), &e, XY_EFORBIDDEN, "resident_confirms", NULL);
	expect_err(need_authorize(&sec, &n, &m, &e), &e, XY_EFORBIDDEN, "resident_confirms", NULL);
	/* a need recorded on behalf of a non-user is confirmed by staff */
	n.submitter_id = 0;
	n.channel = CH_PHONE;
	assert_int_equal(need_authorize(&w, &n, &m, &e), XY_OK);
	assert_int_equal(need_authorize(&sec, &n, &m, &e), XY_OK);
}

/* A community worker who lives in the community and made a wish as a resident is the
 * resident who made it: they may confirm it. */
static void test_authorize_worker_resident_confirms_own(void **state)
{
	(void)state;
	struct actor a;
	memset(&a, 0, sizeof a);
	a.user_id = UID_RESIDENT;
	grant_add(&a, ROLE_RESIDENT, COMPOUND_A, COMM_A);
	grant_add(&a, ROLE_WORKER, COMM_A, COMM_A);
	struct need_facts n = facts(NEED_FULFILLED);
	struct need_move m = move_to(NEED_CONFIRMED);
	struct xy_err e;
	xy_err_clear(&e);
	enum xy_kind k = need_authorize(&a, &n, &m, &e);
	if (k != XY_OK)
		fail_msg("the submitting resident (also a worker) was refused: %s", e.code);
}

static void test_authorize_grant_priority_for_claim(void **state)
{
	(void)state;
	/* a user who is both provider and worker in A acts as the worker */
	struct actor a;
	memset(&a, 0, sizeof a);
	a.user_id = UID_PROVIDER;
	grant_add(&a, ROLE_PROVIDER, COMM_A, COMM_A);
	grant_add(&a, ROLE_WORKER, COMM_A, COMM_A);
	struct need_facts n = facts(NEED_WISH_OPEN);
	struct need_move m = move_full(NEED_CLAIMED, UID_OTHER_PROVIDER);
	struct xy_err e;
	assert_int_equal(need_authorize(&a, &n, &m, &e), XY_OK);
	/* but the worker grant of B does not lift the provider rule in A */
	memset(&a, 0, sizeof a);
	a.user_id = UID_PROVIDER;
	grant_add(&a, ROLE_WORKER, COMM_B, COMM_B);
	grant_add(&a, ROLE_PROVIDER, COMM_A, COMM_A);
	expect_err(need_authorize(&a, &n, &m, &e), &e, XY_EFORBIDDEN, "not_your_provider",
		   "provider_id");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edges_triage),
		cmocka_unit_test(test_edges_wish),
		cmocka_unit_test(test_edge_sweep_all_pairs),
		cmocka_unit_test(test_no_self_loops),
		cmocka_unit_test(test_closed_states),
		cmocka_unit_test(test_nothing_returns_to_submitted),
		cmocka_unit_test(test_status_round_trip),
		cmocka_unit_test(test_status_parse_unknown),
		cmocka_unit_test(test_channel_round_trip),
		cmocka_unit_test(test_urgency_round_trip),
		cmocka_unit_test(test_beneficiaries),
		cmocka_unit_test(test_authorize_sweep_secretary),
		cmocka_unit_test(test_authorize_illegal_names_states),
		cmocka_unit_test(test_authorize_in_project_needs_project),
		cmocka_unit_test(test_authorize_in_project_only_from_accepted),
		cmocka_unit_test(test_authorize_out_of_project_needs_project),
		cmocka_unit_test(test_authorize_by_project_keeps_role_check),
		cmocka_unit_test(test_authorize_null_err_ok),
		cmocka_unit_test(test_authorize_worker_triages),
		cmocka_unit_test(test_authorize_worker_of_other_community),
		cmocka_unit_test(test_authorize_prefix_trap),
		cmocka_unit_test(test_authorize_worker_of_compound_not_community),
		cmocka_unit_test(test_authorize_no_grants),
		cmocka_unit_test(test_authorize_resident_cannot_triage),
		cmocka_unit_test(test_authorize_resident_cannot_publish_or_claim),
		cmocka_unit_test(test_authorize_worker_cannot_publish),
		cmocka_unit_test(test_authorize_readers_cannot_move),
		cmocka_unit_test(test_authorize_provider_cannot_triage),
		cmocka_unit_test(test_authorize_reject_needs_reason),
		cmocka_unit_test(test_authorize_reject_reason_limits),
		cmocka_unit_test(test_authorize_optional_reason_checked),
		cmocka_unit_test(test_authorize_merge_needs_target),
		cmocka_unit_test(test_authorize_claim_needs_provider),
		cmocka_unit_test(test_authorize_provider_claims_own),
		cmocka_unit_test(test_authorize_provider_claims_for_other),
		cmocka_unit_test(test_authorize_worker_claims_for_any_provider),
		cmocka_unit_test(test_authorize_provider_other_community),
		cmocka_unit_test(test_authorize_release_claim),
		cmocka_unit_test(test_authorize_fulfil),
		cmocka_unit_test(test_authorize_resident_confirms_own),
		cmocka_unit_test(test_authorize_resident_confirms_neighbours),
		cmocka_unit_test(test_authorize_resident_other_community),
		cmocka_unit_test(test_authorize_staff_confirm),
		cmocka_unit_test(test_authorize_worker_resident_confirms_own),
		cmocka_unit_test(test_authorize_grant_priority_for_claim),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
