/* Tests for src/core/project.c (the project state machine) and src/core/money.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/money.h"
#include "core/project.h"

#define COMM_A "/1/2/3/4/5/"
#define COMM_B "/1/2/3/4/7/"

static struct actor one(int64_t uid, enum role r, const char *path)
{
	struct actor a;
	memset(&a, 0, sizeof a);
	a.user_id = uid;
	a.ngrants = 1;
	a.grants[0].role = r;
	snprintf(a.grants[0].path, sizeof a.grants[0].path, "%s", path);
	snprintf(a.grants[0].scope, sizeof a.grants[0].scope, "%s", path);
	return a;
}

/* The edges as project.h documents them, with the action each needs. */
static int documented(int from, int to)
{
	static const struct {
		int from, to, act;
	} doc[] = {
		{ PROJECT_DRAFT, PROJECT_PROPOSED, ACT_PROJECT_DRAFT },
		{ PROJECT_DRAFT, PROJECT_CANCELLED, ACT_PROJECT_DRAFT },
		{ PROJECT_PROPOSED, PROJECT_DRAFT, ACT_PROJECT_DRAFT },
		{ PROJECT_PROPOSED, PROJECT_APPROVED, ACT_PROJECT_DECIDE },
		{ PROJECT_PROPOSED, PROJECT_REJECTED, ACT_PROJECT_DECIDE },
		{ PROJECT_APPROVED, PROJECT_IN_PROGRESS, ACT_PROJECT_DRAFT },
		{ PROJECT_APPROVED, PROJECT_CANCELLED, ACT_PROJECT_DECIDE },
		{ PROJECT_IN_PROGRESS, PROJECT_EVALUATING, ACT_PROJECT_DRAFT },
		{ PROJECT_IN_PROGRESS, PROJECT_CANCELLED, ACT_PROJECT_DECIDE },
		{ PROJECT_EVALUATING, PROJECT_CLOSED, ACT_PROJECT_DECIDE },
	};
	for (size_t i = 0; i < sizeof doc / sizeof *doc; i++)
		if (doc[i].from == from && doc[i].to == to)
			return doc[i].act;
	return -1;
}

static void test_names_round_trip(void **state)
{
	(void)state;
	static const char *const want[PROJECT_STATUS_COUNT] = {
		"draft",       "proposed",   "approved", "rejected",
		"in_progress", "evaluating", "closed",   "cancelled",
	};
	for (int s = 0; s < PROJECT_STATUS_COUNT; s++) {
		assert_string_equal(project_status_name((enum project_status)s), want[s]);
		assert_int_equal(project_status_parse(want[s]), s);
	}
	assert_int_equal(project_status_parse("Draft"), -1);
	assert_int_equal(project_status_parse(""), -1);
	assert_int_equal(project_status_parse(NULL), -1);
	assert_string_equal(project_status_name(PROJECT_STATUS_COUNT), "unknown");
}

static void test_edges_are_the_documented_ones(void **state)
{
	(void)state;
	int n = 0;
	for (int f = 0; f < PROJECT_STATUS_COUNT; f++)
		for (int t = 0; t < PROJECT_STATUS_COUNT; t++) {
			int got =
				project_edge_action((enum project_status)f, (enum project_status)t);
			if (got != documented(f, t))
				fail_msg("edge %s -> %s: %d", project_status_name(f),
					 project_status_name(t), got);
			n += got >= 0;
		}
	assert_int_equal(n, 10);
	for (int s = 0; s < PROJECT_STATUS_COUNT; s++)
		if (project_status_final((enum project_status)s))
			for (int t = 0; t < PROJECT_STATUS_COUNT; t++)
				assert_int_equal(project_edge_action((enum project_status)s,
								     (enum project_status)t),
						 -1);
}

static void test_final_and_money_states(void **state)
{
	(void)state;
	for (int s = 0; s < PROJECT_STATUS_COUNT; s++) {
		enum project_status p = (enum project_status)s;
		assert_int_equal(project_status_final(p), p == PROJECT_REJECTED ||
								  p == PROJECT_CLOSED ||
								  p == PROJECT_CANCELLED);
		assert_int_equal(project_takes_allocation(p),
				 p == PROJECT_APPROVED || p == PROJECT_IN_PROGRESS);
		assert_int_equal(project_takes_spending(p), p == PROJECT_APPROVED ||
								    p == PROJECT_IN_PROGRESS ||
								    p == PROJECT_EVALUATING);
		/* every open stage after the draft has a deadline, no final one has */
		bool open_stage = !project_status_final(p) && p != PROJECT_DRAFT;
		assert_int_equal(project_stage_days(p) > 0, open_stage);
	}
}

static void expect(enum xy_kind got, const struct xy_err *e, enum xy_kind kind, const char *code)
{
	assert_int_equal(got, kind);
	assert_string_equal(e->code, code);
	assert_true(strlen(e->message) > 0);
}

static void test_authorize_roles(void **state)
{
	(void)state;
	struct actor w = one(1, ROLE_WORKER, COMM_A), s = one(2, ROLE_SECRETARY, COMM_A);
	struct actor r = one(3, ROLE_RESIDENT, COMM_A), ev = one(4, ROLE_EVALUATOR, COMM_A);
	struct actor far = one(5, ROLE_SECRETARY, COMM_B);
	struct xy_err e;
	struct project_move m = { PROJECT_DRAFT, PROJECT_PROPOSED, COMM_A, NULL };
	assert_int_equal(project_authorize(&w, &m, &e), XY_OK);
	assert_int_equal(project_authorize(&s, &m, &e), XY_OK);
	expect(project_authorize(&r, &m, &e), &e, XY_EFORBIDDEN, "forbidden");
	expect(project_authorize(&ev, &m, &e), &e, XY_EFORBIDDEN, "forbidden");
	expect(project_authorize(&far, &m, &e), &e, XY_EFORBIDDEN, "out_of_scope");
	m = (struct project_move){ PROJECT_PROPOSED, PROJECT_APPROVED, COMM_A, NULL };
	expect(project_authorize(&w, &m, &e), &e, XY_EFORBIDDEN, "forbidden");
	assert_non_null(strstr(e.message, "secretary"));
	assert_int_equal(project_authorize(&s, &m, &e), XY_OK);
	m = (struct project_move){ PROJECT_DRAFT, PROJECT_APPROVED, COMM_A, NULL };
	expect(project_authorize(&s, &m, &e), &e, XY_ECONFLICT, "illegal_transition");
}

static void test_authorize_reasons(void **state)
{
	(void)state;
	struct actor s = one(2, ROLE_SECRETARY, COMM_A);
	struct xy_err e;
	static const enum project_status need_reason[][2] = {
		{ PROJECT_PROPOSED, PROJECT_REJECTED },
		{ PROJECT_APPROVED, PROJECT_CANCELLED },
		{ PROJECT_IN_PROGRESS, PROJECT_CANCELLED },
	};
	for (size_t i = 0; i < sizeof need_reason / sizeof *need_reason; i++) {
		struct project_move m = { need_reason[i][0], need_reason[i][1], COMM_A, NULL };
		expect(project_authorize(&s, &m, &e), &e, XY_EINVALID, "reason_required");
		m.reason = "";
		expect(project_authorize(&s, &m, &e), &e, XY_EINVALID, "reason_required");
		m.reason = "场地不具备条件";
		assert_int_equal(project_authorize(&s, &m, &e), XY_OK);
	}
	/* a draft is withdrawn without a reason; a reason is still checked when given */
	struct project_move m = { PROJECT_DRAFT, PROJECT_CANCELLED, COMM_A, NULL };
	assert_int_equal(project_authorize(&s, &m, &e), XY_OK);
	char long_reason[PROJECT_REASON_MAX + 2];
	memset(long_reason, 'x', sizeof long_reason - 1);
	long_reason[sizeof long_reason - 1] = '\0';
	m.reason = long_reason;
	expect(project_authorize(&s, &m, &e), &e, XY_EINVALID, "invalid_reason");
}

static void test_money(void **state)
{
	(void)state;
	int64_t out = -1;
	assert_false(money_amount_ok(0));
	assert_false(money_amount_ok(-1));
	assert_true(money_amount_ok(1));
	assert_true(money_amount_ok(MONEY_MAX_FEN));
	assert_false(money_amount_ok(MONEY_MAX_FEN + 1));
	assert_true(money_add(1, 2, &out));
	assert_int_equal(out, 3);
	assert_true(money_add(MONEY_MAX_FEN - 1, 1, &out));
	assert_int_equal(out, MONEY_MAX_FEN);
	out = 7;
	assert_false(money_add(MONEY_MAX_FEN, 1, &out));
	assert_false(money_add(-1, 1, &out));
	assert_false(money_add(INT64_MAX, INT64_MAX, &out));
	assert_int_equal(out, 7);
	char buf[48];
	money_format_yuan(10000000, buf, sizeof buf);
	assert_string_equal(buf, "100,000.00");
	money_format_yuan(5, buf, sizeof buf);
	assert_string_equal(buf, "0.05");
	money_format_yuan(123456789, buf, sizeof buf);
	assert_string_equal(buf, "1,234,567.89");
	money_format_yuan(-150, buf, sizeof buf);
	assert_string_equal(buf, "-1.50");
	money_format_yuan(MONEY_MAX_FEN, buf, sizeof buf);
	assert_string_equal(buf, "100,000,000,000.00");
	money_format_yuan(INT64_MIN, buf, sizeof buf);
	assert_string_equal(buf, "-92,233,720,368,547,758.08");
	money_format_yuan(123456, buf, 4);
	assert_int_equal(strlen(buf), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_round_trip),
		cmocka_unit_test(test_edges_are_the_documented_ones),
		cmocka_unit_test(test_final_and_money_states),
		cmocka_unit_test(test_authorize_roles),
		cmocka_unit_test(test_authorize_reasons),
		cmocka_unit_test(test_money),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
