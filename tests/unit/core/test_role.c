/* Tests for src/core/role.c: the role/action table, grant choice and the area-scope check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/role.h"

#define STREET     "/1/2/3/4/"
#define COMM_A     "/1/2/3/4/5/"
#define COMPOUND_A "/1/2/3/4/5/6/"
#define COMPOUND_X "/1/2/3/4/5/8/"
#define COMM_B     "/1/2/3/4/7/"
#define COMM_A50   "/1/2/3/4/50/"

static struct grant mk_grant(enum role r, int64_t area_id, const char *path, const char *scope)
{
	struct grant g;
	memset(&g, 0, sizeof g);
	g.role = r;
	g.area_id = area_id;
	snprintf(g.path, sizeof g.path, "%s", path);
	snprintf(g.scope, sizeof g.scope, "%s", scope);
	return g;
}

static void add(struct actor *a, enum role r, int64_t area_id, const char *path, const char *scope)
{
	assert_true(a->ngrants < ACTOR_MAX_GRANTS);
	a->grants[a->ngrants++] = mk_grant(r, area_id, path, scope);
}

static struct actor no_one(int64_t uid)
{
	struct actor a;
	memset(&a, 0, sizeof a);
	a.user_id = uid;
	return a;
}

/* ---- names ---------------------------------------------------------------------------- */

static void test_role_names_round_trip(void **state)
{
	(void)state;
	static const char *const want[ROLE_COUNT] = {
		"admin",    "street_supervisor", "secretary", "worker",
		"provider", "volunteer",         "evaluator", "resident",
	};
	for (int r = 0; r < ROLE_COUNT; r++) {
		assert_string_equal(role_name((enum role)r), want[r]);
		assert_int_equal(role_parse(want[r]), r);
	}
}

static void test_role_parse_unknown(void **state)
{
	(void)state;
	assert_int_equal(role_parse(NULL), -1);
	assert_int_equal(role_parse(""), -1);
	assert_int_equal(role_parse("Admin"), -1);
	assert_int_equal(role_parse("admin "), -1);
	assert_int_equal(role_parse("street-supervisor"), -1);
	assert_int_equal(role_parse("root"), -1);
	assert_string_equal(role_name(ROLE_COUNT), "unknown");
	assert_string_equal(role_name((enum role) - 1), "unknown");
}

/* ---- role_may ------------------------------------------------------------------------- */

static void test_role_may_admin(void **state)
{
	(void)state;
	assert_true(role_may(ROLE_ADMIN, ACT_AREA_WRITE));
	assert_true(role_may(ROLE_ADMIN, ACT_USER_CREATE));
	assert_true(role_may(ROLE_ADMIN, ACT_AUDIT_READ));
	assert_true(role_may(ROLE_ADMIN, ACT_PII_READ));
	assert_true(role_may(ROLE_ADMIN, ACT_NEED_READ));
	assert_false(role_may(ROLE_ADMIN, ACT_NEED_TRIAGE));
	assert_false(role_may(ROLE_ADMIN, ACT_NEED_SUBMIT));
	assert_false(role_may(ROLE_ADMIN, ACT_NEED_CONFIRM));
}

static void test_role_may_resident(void **state)
{
	(void)state;
	assert_true(role_may(ROLE_RESIDENT, ACT_NEED_READ));
	assert_true(role_may(ROLE_RESIDENT, ACT_NEED_SUBMIT));
	assert_true(role_may(ROLE_RESIDENT, ACT_NEED_SUPPORT));
	assert_true(role_may(ROLE_RESIDENT, ACT_NEED_CONFIRM));
	assert_false(role_may(ROLE_RESIDENT, ACT_NEED_RECORD));
	assert_false(role_may(ROLE_RESIDENT, ACT_NEED_TRIAGE));
	assert_false(role_may(ROLE_RESIDENT, ACT_NEED_CLAIM));
	assert_false(role_may(ROLE_RESIDENT, ACT_PII_READ));
	assert_false(role_may(ROLE_RESIDENT, ACT_AUDIT_READ));
	assert_false(role_may(ROLE_RESIDENT, ACT_USER_CREATE));
}

static void test_role_may_staff(void **state)
{
	(void)state;
	assert_true(role_may(ROLE_WORKER, ACT_NEED_RECORD));
	assert_true(role_may(ROLE_WORKER, ACT_NEED_TRIAGE));
	assert_true(role_may(ROLE_WORKER, ACT_PROVIDER_WRITE));
	assert_false(role_may(ROLE_WORKER, ACT_NEED_PUBLISH));
	assert_false(role_may(ROLE_WORKER, ACT_USER_CREATE));
	assert_false(role_may(ROLE_WORKER, ACT_AREA_WRITE));
	assert_false(role_may(ROLE_WORKER, ACT_NEED_SUBMIT));
	assert_true(role_may(ROLE_SECRETARY, ACT_NEED_PUBLISH));
	assert_true(role_may(ROLE_SECRETARY, ACT_USER_CREATE));
	assert_true(role_may(ROLE_SECRETARY, ACT_NEED_TRIAGE));
	assert_false(role_may(ROLE_SECRETARY, ACT_AREA_WRITE));
}

static void test_role_may_providers_and_readers(void **state)
{
	(void)state;
	for (int r = ROLE_PROVIDER; r <= ROLE_VOLUNTEER; r++) {
		assert_true(role_may((enum role)r, ACT_NEED_CLAIM));
		assert_true(role_may((enum role)r, ACT_NEED_FULFIL));
		assert_false(role_may((enum role)r, ACT_NEED_CONFIRM));
		assert_false(role_may((enum role)r, ACT_NEED_TRIAGE));
		assert_false(role_may((enum role)r, ACT_PII_READ));
		assert_false(role_may((enum role)r, ACT_PROVIDER_WRITE));
	}
	assert_true(role_may(ROLE_EVALUATOR, ACT_AUDIT_READ));
	assert_true(role_may(ROLE_EVALUATOR, ACT_STATS_READ));
	assert_false(role_may(ROLE_EVALUATOR, ACT_PII_READ));
	assert_true(role_may(ROLE_STREET_SUPERVISOR, ACT_STATS_READ));
	assert_false(role_may(ROLE_STREET_SUPERVISOR, ACT_NEED_TRIAGE));
	assert_false(role_may(ROLE_STREET_SUPERVISOR, ACT_PII_READ));
}

/* For some actions the exact set of roles is part of the product (PRODUCT.md). */
static void test_role_may_exact_sets(void **state)
{
	(void)state;
	for (int r = 0; r < ROLE_COUNT; r++) {
		enum role ro = (enum role)r;
		assert_true(role_may(ro, ACT_NEED_READ));
		assert_int_equal(role_may(ro, ACT_NEED_SUBMIT), r == ROLE_RESIDENT);
		assert_int_equal(role_may(ro, ACT_NEED_SUPPORT), r == ROLE_RESIDENT);
		assert_int_equal(role_may(ro, ACT_AREA_WRITE), r == ROLE_ADMIN);
		assert_int_equal(role_may(ro, ACT_NEED_PUBLISH), r == ROLE_SECRETARY);
		assert_int_equal(role_may(ro, ACT_USER_CREATE),
				 r == ROLE_ADMIN || r == ROLE_SECRETARY);
		assert_int_equal(role_may(ro, ACT_PII_READ),
				 r == ROLE_ADMIN || r == ROLE_SECRETARY || r == ROLE_WORKER);
		assert_int_equal(role_may(ro, ACT_NEED_RECORD),
				 r == ROLE_SECRETARY || r == ROLE_WORKER);
		assert_true(role_may(ro, ACT_PROJECT_READ));
		assert_int_equal(role_may(ro, ACT_PROJECT_DRAFT),
				 r == ROLE_SECRETARY || r == ROLE_WORKER);
		assert_int_equal(role_may(ro, ACT_PROJECT_DECIDE), r == ROLE_SECRETARY);
		assert_int_equal(role_may(ro, ACT_FUND_CREATE), r == ROLE_ADMIN);
		assert_int_equal(role_may(ro, ACT_FUND_ALLOCATE),
				 r == ROLE_ADMIN || r == ROLE_SECRETARY);
		assert_int_equal(role_may(ro, ACT_SPEND), r == ROLE_SECRETARY || r == ROLE_WORKER);
		assert_int_equal(role_may(ro, ACT_FUND_READ),
				 r != ROLE_PROVIDER && r != ROLE_VOLUNTEER && r != ROLE_RESIDENT);
		assert_int_equal(role_may(ro, ACT_ACTIVITY_JOIN), r == ROLE_RESIDENT);
		assert_int_equal(role_may(ro, ACT_FEEDBACK), r == ROLE_RESIDENT);
		assert_int_equal(role_may(ro, ACT_EVALUATE), r == ROLE_EVALUATOR);
		assert_int_equal(role_may(ro, ACT_PB_MANAGE),
				 r == ROLE_ADMIN || r == ROLE_SECRETARY);
		assert_int_equal(role_may(ro, ACT_PB_VOTE), r == ROLE_RESIDENT);
	}
}

static void test_role_may_out_of_range(void **state)
{
	(void)state;
	assert_false(role_may(ROLE_COUNT, ACT_NEED_READ));
	assert_false(role_may((enum role) - 1, ACT_NEED_READ));
	assert_false(role_may((enum role)1000, ACT_NEED_READ));
	assert_false(role_may(ROLE_ADMIN, ACT_COUNT));
	assert_false(role_may(ROLE_ADMIN, (enum action) - 1));
	assert_false(role_may(ROLE_ADMIN, (enum action)31));
}

/* ---- actor_grant_for ------------------------------------------------------------------ */

static void test_grant_for_scope_subtree(void **state)
{
	(void)state;
	struct actor w = no_one(11);
	add(&w, ROLE_WORKER, 5, COMM_A, COMM_A);
	assert_ptr_equal(actor_grant_for(&w, ACT_NEED_TRIAGE, COMM_A), &w.grants[0]);
	assert_ptr_equal(actor_grant_for(&w, ACT_NEED_TRIAGE, COMPOUND_A), &w.grants[0]);
	assert_null(actor_grant_for(&w, ACT_NEED_TRIAGE, STREET));
	assert_null(actor_grant_for(&w, ACT_NEED_TRIAGE, COMM_B));
	assert_null(actor_grant_for(&w, ACT_NEED_TRIAGE, COMM_A50));
	assert_null(actor_grant_for(&w, ACT_NEED_TRIAGE, "/1/2/3/4/50/6/"));
	assert_null(actor_grant_for(&w, ACT_NEED_TRIAGE, "/"));
}

static void test_grant_for_role_must_allow(void **state)
{
	(void)state;
	struct actor w = no_one(11);
	add(&w, ROLE_WORKER, 5, COMM_A, COMM_A);
	assert_null(actor_grant_for(&w, ACT_NEED_PUBLISH, COMM_A));
	assert_null(actor_grant_for(&w, ACT_AREA_WRITE, COMM_A));
	assert_false(actor_may(&w, ACT_NEED_SUBMIT, COMPOUND_A));
	assert_true(actor_may(&w, ACT_NEED_RECORD, COMPOUND_A));
}

static void test_grant_for_resident_scope_is_community(void **state)
{
	(void)state;
	/* the resident lives in compound A (path) but sees the whole community (scope) */
	struct actor r = no_one(20);
	add(&r, ROLE_RESIDENT, 6, COMPOUND_A, COMM_A);
	assert_ptr_equal(actor_grant_for(&r, ACT_NEED_SUPPORT, COMPOUND_X), &r.grants[0]);
	assert_ptr_equal(actor_grant_for(&r, ACT_NEED_READ, COMM_A), &r.grants[0]);
	assert_ptr_equal(actor_grant_for(&r, ACT_NEED_SUBMIT, COMPOUND_A), &r.grants[0]);
	assert_null(actor_grant_for(&r, ACT_NEED_SUPPORT, COMM_B));
	assert_null(actor_grant_for(&r, ACT_NEED_READ, STREET));
	assert_null(actor_grant_for(&r, ACT_NEED_READ, COMM_A50));
}

static void test_grant_for_uses_scope_not_path(void **state)
{
	(void)state;
	struct actor a = no_one(20);
	add(&a, ROLE_WORKER, 6, COMM_A, COMPOUND_A);
	assert_null(actor_grant_for(&a, ACT_NEED_READ, COMPOUND_X));
	assert_non_null(actor_grant_for(&a, ACT_NEED_READ, COMPOUND_A));
}

static void test_grant_for_priority(void **state)
{
	(void)state;
	/* listed least capable first: the most capable still acts */
	struct actor a = no_one(30);
	add(&a, ROLE_RESIDENT, 6, COMPOUND_A, COMM_A);
	add(&a, ROLE_VOLUNTEER, 5, COMM_A, COMM_A);
	add(&a, ROLE_PROVIDER, 5, COMM_A, COMM_A);
	add(&a, ROLE_EVALUATOR, 5, COMM_A, COMM_A);
	add(&a, ROLE_STREET_SUPERVISOR, 4, STREET, STREET);
	add(&a, ROLE_WORKER, 5, COMM_A, COMM_A);
	add(&a, ROLE_SECRETARY, 5, COMM_A, COMM_A);
	add(&a, ROLE_ADMIN, 1, "/1/", "/");
	const struct grant *g = actor_grant_for(&a, ACT_NEED_READ, COMPOUND_A);
	assert_non_null(g);
	assert_int_equal(g->role, ROLE_ADMIN);
	g = actor_grant_for(&a, ACT_NEED_TRIAGE, COMPOUND_A);
	assert_non_null(g);
	assert_int_equal(g->role, ROLE_SECRETARY);
	g = actor_grant_for(&a, ACT_NEED_SUBMIT, COMPOUND_A);
	assert_non_null(g);
	assert_int_equal(g->role, ROLE_RESIDENT);
	g = actor_grant_for(&a, ACT_NEED_CLAIM, COMPOUND_A);
	assert_int_equal(g->role, ROLE_SECRETARY);
}

static void test_grant_for_priority_order(void **state)
{
	(void)state;
	/* admin > secretary > worker > street_supervisor > evaluator > provider > volunteer >
	 * resident, checked pairwise for ACT_NEED_READ, which every role has */
	static const enum role order[] = {
		ROLE_ADMIN,     ROLE_SECRETARY, ROLE_WORKER,    ROLE_STREET_SUPERVISOR,
		ROLE_EVALUATOR, ROLE_PROVIDER,  ROLE_VOLUNTEER, ROLE_RESIDENT,
	};
	const size_t n = sizeof order / sizeof *order;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			for (int flip = 0; flip < 2; flip++) {
				struct actor a = no_one(1);
				enum role first = flip ? order[j] : order[i];
				enum role second = flip ? order[i] : order[j];
				add(&a, first, 5, COMM_A, first == ROLE_ADMIN ? "/" : COMM_A);
				add(&a, second, 5, COMM_A, second == ROLE_ADMIN ? "/" : COMM_A);
				const struct grant *g = actor_grant_for(&a, ACT_NEED_READ, COMM_A);
				assert_non_null(g);
				if (g->role != order[i])
					fail_msg("%s and %s: %s acts", role_name(order[i]),
						 role_name(order[j]), role_name(g->role));
			}
		}
}

static void test_grant_for_skips_out_of_scope_capable(void **state)
{
	(void)state;
	/* worker in B, resident in A: in A only the resident grant counts */
	struct actor a = no_one(21);
	add(&a, ROLE_WORKER, 7, COMM_B, COMM_B);
	add(&a, ROLE_RESIDENT, 6, COMPOUND_A, COMM_A);
	assert_null(actor_grant_for(&a, ACT_NEED_TRIAGE, COMPOUND_A));
	const struct grant *g = actor_grant_for(&a, ACT_NEED_READ, COMPOUND_A);
	assert_non_null(g);
	assert_int_equal(g->role, ROLE_RESIDENT);
	g = actor_grant_for(&a, ACT_NEED_READ, COMM_B);
	assert_non_null(g);
	assert_int_equal(g->role, ROLE_WORKER);
}

static void test_grant_for_same_role_two_areas(void **state)
{
	(void)state;
	struct actor a = no_one(22);
	add(&a, ROLE_WORKER, 5, COMM_A, COMM_A);
	add(&a, ROLE_WORKER, 7, COMM_B, COMM_B);
	assert_ptr_equal(actor_grant_for(&a, ACT_NEED_TRIAGE, COMPOUND_A), &a.grants[0]);
	assert_ptr_equal(actor_grant_for(&a, ACT_NEED_TRIAGE, COMM_B), &a.grants[1]);
	assert_null(actor_grant_for(&a, ACT_NEED_TRIAGE, COMM_A50));
}

static void test_grant_for_admin_everywhere(void **state)
{
	(void)state;
	struct actor a = no_one(1);
	add(&a, ROLE_ADMIN, 1, "/1/", "/");
	assert_true(actor_may(&a, ACT_AREA_WRITE, "/"));
	assert_true(actor_may(&a, ACT_AREA_WRITE, "/99/"));
	assert_true(actor_may(&a, ACT_AUDIT_READ, COMPOUND_A));
	assert_false(actor_may(&a, ACT_NEED_TRIAGE, COMPOUND_A));
}

static void test_grant_for_null_and_empty(void **state)
{
	(void)state;
	struct actor a = no_one(1);
	assert_null(actor_grant_for(NULL, ACT_NEED_READ, COMM_A));
	assert_null(actor_grant_for(&a, ACT_NEED_READ, COMM_A));
	add(&a, ROLE_WORKER, 5, COMM_A, COMM_A);
	assert_null(actor_grant_for(&a, ACT_NEED_READ, NULL));
	assert_false(actor_may(NULL, ACT_NEED_READ, COMM_A));
	/* an empty scope covers nothing */
	struct actor b = no_one(2);
	add(&b, ROLE_WORKER, 5, COMM_A, "");
	assert_null(actor_grant_for(&b, ACT_NEED_READ, COMM_A));
}

/* ---- actor_grant_any ------------------------------------------------------------------ */

static void test_grant_any_ignores_area(void **state)
{
	(void)state;
	struct actor a = no_one(1);
	add(&a, ROLE_WORKER, 7, COMM_B, COMM_B);
	const struct grant *g = actor_grant_any(&a, ACT_NEED_TRIAGE);
	assert_ptr_equal(g, &a.grants[0]);
	assert_null(actor_grant_any(&a, ACT_NEED_PUBLISH));
}

static void test_grant_any_priority(void **state)
{
	(void)state;
	struct actor a = no_one(1);
	add(&a, ROLE_RESIDENT, 6, COMPOUND_A, COMM_A);
	add(&a, ROLE_PROVIDER, 5, COMM_A, COMM_A);
	add(&a, ROLE_EVALUATOR, 4, STREET, STREET);
	const struct grant *g = actor_grant_any(&a, ACT_NEED_READ);
	assert_int_equal(g->role, ROLE_EVALUATOR);
	g = actor_grant_any(&a, ACT_NEED_CLAIM);
	assert_int_equal(g->role, ROLE_PROVIDER);
	g = actor_grant_any(&a, ACT_NEED_SUBMIT);
	assert_int_equal(g->role, ROLE_RESIDENT);
	g = actor_grant_any(&a, ACT_AUDIT_READ);
	assert_int_equal(g->role, ROLE_EVALUATOR);
	assert_string_equal(g->scope, STREET);
	assert_null(actor_grant_any(&a, ACT_USER_CREATE));
}

static void test_grant_any_null_and_empty(void **state)
{
	(void)state;
	struct actor a = no_one(1);
	assert_null(actor_grant_any(NULL, ACT_NEED_READ));
	assert_null(actor_grant_any(&a, ACT_NEED_READ));
}

/* ---- role_may_grant ------------------------------------------------------------------- */

static void test_may_grant_admin_anywhere(void **state)
{
	(void)state;
	struct grant adm = mk_grant(ROLE_ADMIN, 1, "/1/", "/");
	for (int r = 0; r < ROLE_COUNT; r++) {
		assert_true(role_may_grant(&adm, (enum role)r, "/1/"));
		assert_true(role_may_grant(&adm, (enum role)r, COMPOUND_A));
		assert_true(role_may_grant(&adm, (enum role)r, "/9/"));
	}
}

static void test_may_grant_secretary_roles(void **state)
{
	(void)state;
	struct grant sec = mk_grant(ROLE_SECRETARY, 5, COMM_A, COMM_A);
	for (int r = 0; r < ROLE_COUNT; r++) {
		bool want = r == ROLE_WORKER || r == ROLE_PROVIDER || r == ROLE_VOLUNTEER ||
			    r == ROLE_RESIDENT;
		if (role_may_grant(&sec, (enum role)r, COMM_A) != want)
			fail_msg("secretary giving %s in its community", role_name((enum role)r));
		assert_int_equal(role_may_grant(&sec, (enum role)r, COMPOUND_A), want);
	}
}

static void test_may_grant_secretary_subtree_only(void **state)
{
	(void)state;
	struct grant sec = mk_grant(ROLE_SECRETARY, 5, COMM_A, COMM_A);
	assert_false(role_may_grant(&sec, ROLE_WORKER, COMM_B));
	assert_false(role_may_grant(&sec, ROLE_WORKER, COMM_A50));
	assert_false(role_may_grant(&sec, ROLE_RESIDENT, "/1/2/3/4/50/6/"));
	assert_false(role_may_grant(&sec, ROLE_WORKER, STREET));
	assert_false(role_may_grant(&sec, ROLE_RESIDENT, "/"));
	assert_false(role_may_grant(&sec, ROLE_RESIDENT, ""));
}

static void test_may_grant_others_never(void **state)
{
	(void)state;
	static const enum role others[] = { ROLE_STREET_SUPERVISOR, ROLE_WORKER,    ROLE_PROVIDER,
					    ROLE_VOLUNTEER,         ROLE_EVALUATOR, ROLE_RESIDENT };
	for (size_t i = 0; i < sizeof others / sizeof *others; i++) {
		struct grant g = mk_grant(others[i], 5, COMM_A, COMM_A);
		for (int r = 0; r < ROLE_COUNT; r++)
			assert_false(role_may_grant(&g, (enum role)r, COMPOUND_A));
	}
	assert_false(role_may_grant(NULL, ROLE_RESIDENT, COMPOUND_A));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_names_round_trip),
		cmocka_unit_test(test_role_parse_unknown),
		cmocka_unit_test(test_role_may_admin),
		cmocka_unit_test(test_role_may_resident),
		cmocka_unit_test(test_role_may_staff),
		cmocka_unit_test(test_role_may_providers_and_readers),
		cmocka_unit_test(test_role_may_exact_sets),
		cmocka_unit_test(test_role_may_out_of_range),
		cmocka_unit_test(test_grant_for_scope_subtree),
		cmocka_unit_test(test_grant_for_role_must_allow),
		cmocka_unit_test(test_grant_for_resident_scope_is_community),
		cmocka_unit_test(test_grant_for_uses_scope_not_path),
		cmocka_unit_test(test_grant_for_priority),
		cmocka_unit_test(test_grant_for_priority_order),
		cmocka_unit_test(test_grant_for_skips_out_of_scope_capable),
		cmocka_unit_test(test_grant_for_same_role_two_areas),
		cmocka_unit_test(test_grant_for_admin_everywhere),
		cmocka_unit_test(test_grant_for_null_and_empty),
		cmocka_unit_test(test_grant_any_ignores_area),
		cmocka_unit_test(test_grant_any_priority),
		cmocka_unit_test(test_grant_any_null_and_empty),
		cmocka_unit_test(test_may_grant_admin_anywhere),
		cmocka_unit_test(test_may_grant_secretary_roles),
		cmocka_unit_test(test_may_grant_secretary_subtree_only),
		cmocka_unit_test(test_may_grant_others_never),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
