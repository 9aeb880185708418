/* Tests for src/engine/pb.c: rule names, hand-computed outcomes (the equalshares.net example,
 * proportionality, payments), exact ties, Equal Shares against a naive per-voter implementation
 * in exact rationals, and properties on random instances (never over budget, exhaustive after a
 * greedy completion, MES never buys an unsupported project, the answer does not depend on the
 * order of voters or projects). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gmp.h>

#include "engine/pb.h"

/* ---- building instances ---------------------------------------------------------------------- */

#define MAXP 24
#define MAXV 64
#define MAXE (MAXP * MAXV)

struct inst {
	size_t np, nv;
	char ids[MAXP][8];
	const char *idp[MAXP];
	int64_t cost[MAXP];
	size_t start[MAXV + 1];
	uint32_t proj[MAXE];
	int64_t pts[MAXE];
	bool with_points;
	struct pb_instance in;
};

static void inst_begin(struct inst *t, int64_t budget, int64_t unit)
{
	memset(t, 0, sizeof *t);
	t->in.budget = budget;
	t->in.unit = unit;
}

static void inst_project(struct inst *t, const char *id, int64_t cost)
{
	snprintf(t->ids[t->np], sizeof t->ids[0], "%s", id);
	t->idp[t->np] = t->ids[t->np];
	t->cost[t->np++] = cost;
}

static uint32_t inst_find(const struct inst *t, const char *id)
{
	for (size_t p = 0; p < t->np; p++)
		if (strcmp(t->ids[p], id) == 0)
			return (uint32_t)p;
	fail_msg("no project %s", id);
	return 0;
}

/* One ballot: "a,b,c", optionally with points "3,1,1"; repeated count times. */
static void inst_ballot(struct inst *t, const char *list, const char *points, int count)
{
	for (int c = 0; c < count; c++) {
		size_t n = t->start[t->nv];
		char buf[256];
		snprintf(buf, sizeof buf, "%s", list);
		const char *pp = points;
		for (char *s = buf; *s;) {
			char *comma = strchr(s, ',');
			if (comma)
				*comma = '\0';
			t->proj[n] = inst_find(t, s);
			t->pts[n] = 1;
			if (pp) {
				t->pts[n] = strtol(pp, NULL, 10);
				pp = strchr(pp, ',');
				pp = pp ? pp + 1 : "0";
				t->with_points = true;
			}
			n++;
			if (!comma)
				break;
			s = comma + 1;
		}
		t->start[++t->nv] = n;
	}
}

static const struct pb_instance *inst_done(struct inst *t)
{
	t->in.nprojects = t->np;
	t->in.project_id = t->idp;
	t->in.cost = t->cost;
	t->in.nvoters = t->nv;
	t->in.ballot_start = t->start;
	t->in.ballot_project = t->proj;
	t->in.points = t->with_points ? t->pts : NULL;
	return &t->in;
}

/* Runs rule on in and writes the chosen ids in selection order, space-separated. */
static void run_ids(const struct pb_instance *in, const char *rule, char *out, size_t cap,
		    struct pb_result *keep)
{
	struct pb_rule r;
	assert_true(pb_rule_parse(rule, &r));
	struct pb_result res;
	struct xy_err e;
	assert_int_equal(pb_run(in, &r, &res, &e), XY_OK);
	out[0] = '\0';
	for (size_t i = 0; i < res.nselected; i++) {
		size_t l = strlen(out);
		snprintf(out + l, cap - l, "%s%s", i ? " " : "", in->project_id[res.selected[i]]);
	}
	if (keep)
		*keep = res;
	else
		pb_result_release(&res);
}

static void expect(const struct pb_instance *in, const char *rule, const char *want)
{
	char got[1024];
	run_ids(in, rule, got, sizeof got, NULL);
	if (strcmp(got, want) != 0)
		fail_msg("%s: got \"%s\", want \"%s\"", rule, got, want);
}

/* ---- names ----------------------------------------------------------------------------------- */

static void test_rule_names(void **state)
{
	(void)state;
	const char *ok[] = {
		"greedy_cost",     "greedy_card",          "greedy_points",       "mes_cost",
		"mes_card",        "mes_points",           "mes_cost_add1",       "mes_cost_inc",
		"mes_cost_greedy", "mes_cost_add1_greedy", "mes_card_inc_greedy", "mes_points_add1"
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		struct pb_rule r;
		char buf[64];
		assert_true(pb_rule_parse(ok[i], &r));
		pb_rule_name(&r, buf, sizeof buf);
		assert_string_equal(buf, ok[i]);
	}
	const char *bad[] = {
		"",          "mes",           "greedy_cost_add1",     "mes_cost_",
		"mes_costs", "mes_cost_add2", "mes_cost_greedy_add1", "greedy_card_greedy",
		"phragmen",  "mes_cost_incx"
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct pb_rule r;
		if (pb_rule_parse(bad[i], &r))
			fail_msg("accepted %s", bad[i]);
	}
	struct pb_rule r;
	assert_false(pb_rule_parse(NULL, &r));
	assert_true(pb_rule_parse("mes_points_greedy", &r));
	assert_true(pb_rule_needs_points(&r));
}

/* ---- hand-computed outcomes --------------------------------------------------------------------
 */

/* The small election on equalshares.net: budget 100000, 4 voters, projects 1 (5000), 2 (10000),
 * 3 (85000); ballots {1,2}, {1}, {3}, {1,2,3}. Every voter starts with 25000. Project 1 costs
 * its 3 supporters 5000/3 each (1/3 per unit of cost), project 2 its 2 supporters 5000 each
 * (1/2); project 3 needs 85000 from voters 3 and 4, who have 25000 + 23333⅓: never affordable.
 * Add1 raises the voters' budget b until 2b − 5000/3 − 5000 ≥ 85000, i.e. b ≥ 45833⅓: b = 25000
 * + 20834, the 20835th run; there project 3 ties with project 2 at 1/2 and "2" wins, then voter
 * 4 is short and voter 3 pays the rest. */
static void equalshares_example(struct inst *t)
{
	inst_begin(t, 100000, 1);
	inst_project(t, "1", 5000);
	inst_project(t, "2", 10000);
	inst_project(t, "3", 85000);
	inst_ballot(t, "1,2", NULL, 1);
	inst_ballot(t, "1", NULL, 1);
	inst_ballot(t, "3", NULL, 1);
	inst_ballot(t, "1,2,3", NULL, 1);
}

static void test_equalshares_example(void **state)
{
	(void)state;
	struct inst t;
	equalshares_example(&t);
	const struct pb_instance *in = inst_done(&t);
	expect(in, "mes_cost", "1 2");
	expect(in, "mes_card", "1 2");
	expect(in, "greedy_cost", "1 2 3");
	expect(in, "greedy_card", "1 2 3");
	expect(in, "mes_cost_greedy", "1 2 3");
	char got[64];
	struct pb_result res;
	run_ids(in, "mes_cost_add1", got, sizeof got, &res);
	assert_string_equal(got, "1 2 3");
	assert_int_equal(res.runs, 20835);
	assert_string_equal(res.voter_budget, "45834");
	/* project 3: voter 4 has 45834 − 5000/3 − 5000 = 117502/3 left and pays it all; voter 3
	 * pays 85000 − 117502/3 = 137498/3 */
	const struct pb_payment *p3 = &res.payment[2];
	assert_int_equal(p3->full_payers, 1);
	assert_int_equal(p3->partial_payers, 1);
	assert_string_equal(p3->partial_total, "117502/3");
	assert_string_equal(p3->share, "137498/3");
	assert_string_equal(p3->rho, "68749/127500");
	pb_result_release(&res);
}

static void test_payments(void **state)
{
	(void)state;
	struct inst t;
	equalshares_example(&t);
	char got[64];
	struct pb_result res;
	run_ids(inst_done(&t), "mes_cost", got, sizeof got, &res);
	assert_int_equal(res.nmes, 2);
	assert_string_equal(res.voter_budget, "25000");
	const struct pb_payment *p1 = &res.payment[0], *p2 = &res.payment[1];
	assert_string_equal(p1->rho, "1/3");
	assert_string_equal(p1->share, "5000/3");
	assert_int_equal(p1->share_floor, 1666);
	assert_int_equal(p1->full_payers, 3);
	assert_int_equal(p1->partial_payers, 0);
	assert_string_equal(p1->partial_total, "0");
	assert_string_equal(p2->rho, "1/2");
	assert_string_equal(p2->share, "5000");
	assert_int_equal(p2->full_payers, 2);
	assert_null(res.payment[2].rho);
	assert_int_equal(res.supporters[0], 3);
	assert_int_equal(res.supporters[2], 2);
	pb_result_release(&res);
}

/* 6 voters want the A projects, 4 the B projects, each costs 1, the budget buys 10: greedy
 * gives the majority everything, Equal Shares 6 A and 4 B. Ties go to the smaller id as a
 * string: "A10" before "A2". */
static void test_proportional(void **state)
{
	(void)state;
	struct inst t;
	inst_begin(&t, 10, 1);
	char id[8];
	for (int g = 0; g < 2; g++)
		for (int i = 1; i <= 10; i++) {
			snprintf(id, sizeof id, "%c%d", g ? 'B' : 'A', i);
			inst_project(&t, id, 1);
		}
	inst_ballot(&t, "A1,A2,A3,A4,A5,A6,A7,A8,A9,A10", NULL, 6);
	inst_ballot(&t, "B1,B2,B3,B4,B5,B6,B7,B8,B9,B10", NULL, 4);
	const struct pb_instance *in = inst_done(&t);
	expect(in, "mes_cost", "A1 A10 A2 A3 A4 A5 B1 B10 B2 B3");
	expect(in, "mes_card", "A1 A10 A2 A3 A4 A5 B1 B10 B2 B3");
	expect(in, "greedy_cost", "A1 A10 A2 A3 A4 A5 A6 A7 A8 A9");
}

/* Points: voter 1 gives 4 points to x and 1 to y, voter 2 gives 1 to x and 4 to y, voter 3 all
 * 5 to z. greedy_points ranks by total points (z 5, x 5, y 5: by id x, y, z). */
static void test_points(void **state)
{
	(void)state;
	struct inst t;
	inst_begin(&t, 30, 1);
	inst_project(&t, "x", 10);
	inst_project(&t, "y", 10);
	inst_project(&t, "z", 20);
	inst_ballot(&t, "x,y", "4,1", 1);
	inst_ballot(&t, "x,y", "1,4", 1);
	inst_ballot(&t, "z", "5", 1);
	const struct pb_instance *in = inst_done(&t);
	expect(in, "greedy_points", "x y");
	/* each voter has 10. x: rho = 10/5 = 2 per point, voter 1 pays 8, voter 2 pays 2;
	 * y likewise; z: 20/5 = 4 per point but voter 3 has only 10: unaffordable. x and y tie
	 * at 2, x wins; then y: voter 1 has 2 (needs 2·1), voter 2 has 8 (needs 2·4). */
	expect(in, "mes_points", "x y");
	expect(in, "mes_cost", "x y");
	struct pb_rule r;
	struct pb_result res;
	struct xy_err e;
	t.in.points = NULL;
	assert_true(pb_rule_parse("mes_points", &r));
	assert_int_equal(pb_run(&t.in, &r, &res, &e), XY_EINVALID);
	assert_string_equal(e.code, "pb_rule_needs_points");
	pb_result_release(&res);
}

/* Exact ties. Three voters with 10 each: "a" and "c" (cost 21, all three) both cost 7 a head,
 * 1/3 per unit, and "a" wins the tie; "b" (cost 6, voters 1 and 2) follows at 1/2, while "c"
 * and "d" no longer find 21 and 14. Then budget 10 over three voters (10/3 each) and projects
 * of cost 3, 1 and 2 that everyone supports: every round is a tie at 1/3 per unit (1, 1/3 and
 * 2/3 a head), and the last one leaves each voter exactly 10/3 − 1 − 1/3 − 2/3 = 4/3. */
static void test_exact_tie(void **state)
{
	(void)state;
	struct inst t;
	inst_begin(&t, 30, 1);
	inst_project(&t, "a", 21);
	inst_project(&t, "b", 6);
	inst_project(&t, "c", 21);
	inst_project(&t, "d", 14);
	inst_ballot(&t, "a,b,c,d", NULL, 1);
	inst_ballot(&t, "a,b,c", NULL, 1);
	inst_ballot(&t, "a,c,d", NULL, 1);
	expect(inst_done(&t), "mes_cost", "a b");
	struct inst u;
	inst_begin(&u, 10, 1);
	inst_project(&u, "p", 3);
	inst_project(&u, "q", 1);
	inst_project(&u, "r", 2);
	inst_ballot(&u, "p,q,r", NULL, 3);
	expect(inst_done(&u), "mes_cost", "p q r");
}

static void test_zero_cost_and_no_voters(void **state)
{
	(void)state;
	struct inst t;
	inst_begin(&t, 10, 1);
	inst_project(&t, "free", 0);
	inst_project(&t, "idle", 0);
	inst_project(&t, "k", 10);
	inst_ballot(&t, "free,k", NULL, 2);
	const struct pb_instance *in = inst_done(&t);
	expect(in, "mes_cost", "free k");
	expect(in, "mes_cost_greedy", "free k idle");
	expect(in, "greedy_cost", "free k idle");
	struct inst u;
	inst_begin(&u, 5, 1);
	inst_project(&u, "b", 3);
	inst_project(&u, "a", 3);
	in = inst_done(&u);
	expect(in, "mes_cost", "");
	expect(in, "mes_cost_add1", "");
	expect(in, "greedy_card", "a");
	expect(in, "mes_cost_inc_greedy", "a");
}

static void test_instance_check(void **state)
{
	(void)state;
	struct inst t;
	struct pb_result res;
	struct pb_rule r;
	struct xy_err e;
	assert_true(pb_rule_parse("mes_cost", &r));
	inst_begin(&t, 10, 1);
	inst_project(&t, "a", 1);
	inst_project(&t, "a", 2);
	assert_int_equal(pb_run(inst_done(&t), &r, &res, &e), XY_EINVALID);
	assert_string_equal(e.code, "pb_duplicate_project");
	pb_result_release(&res);
	inst_begin(&t, 10, 1);
	inst_project(&t, "a", -1);
	assert_int_equal(pb_run(inst_done(&t), &r, &res, &e), XY_EINVALID);
	assert_string_equal(e.code, "pb_cost");
	inst_begin(&t, PB_AMOUNT_MAX + 1, 1);
	assert_int_equal(pb_run(inst_done(&t), &r, &res, &e), XY_EINVALID);
	inst_begin(&t, 10, 1);
	inst_project(&t, "a", 1);
	inst_ballot(&t, "a", NULL, 1);
	inst_done(&t);
	t.proj[0] = 7;
	assert_int_equal(pb_run(&t.in, &r, &res, &e), XY_EINVALID);
	assert_string_equal(e.code, "pb_ballots");
}

/* ---- a naive Equal Shares: one exact budget per voter, pabutools' loop -------------------------
 */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int64_t rng_range(int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rng_next() % (uint64_t)(hi - lo + 1));
}

/* utility of voter v for project p under util (0 = not a supporter) */
static int64_t naive_util(const struct inst *t, size_t v, size_t p, enum pb_utility util)
{
	int64_t u = 0;
	for (size_t i = t->start[v]; i < t->start[v + 1]; i++)
		if (t->proj[i] == p) {
			if (util == PB_UTIL_POINTS)
				u = t->pts[i];
			else
				u = util == PB_UTIL_COST ? t->cost[p] : 1;
		}
	return u;
}

/* Selection order of Equal Shares, written like run_ids. */
static void naive_mes(const struct inst *t, enum pb_utility util, char *out, size_t cap)
{
	mpq_t b[MAXV], rho, best, tmp, sum;
	for (size_t v = 0; v < t->nv; v++) {
		mpq_init(b[v]);
		mpq_set_si(b[v], t->in.budget, (unsigned long)t->nv);
		mpq_canonicalize(b[v]);
	}
	mpq_inits(rho, best, tmp, sum, NULL);
	bool chosen[MAXP] = { false };
	out[0] = '\0';
	/* supported projects that cost nothing, by id */
	for (;;) {
		int pick = -1;
		for (size_t p = 0; p < t->np; p++) {
			bool sup = false;
			for (size_t v = 0; v < t->nv; v++)
				sup |= naive_util(t, v, p,
						  util == PB_UTIL_POINTS ? util : PB_UTIL_CARD) > 0;
			if (!chosen[p] && sup && t->cost[p] == 0 &&
			    (pick < 0 || strcmp(t->ids[p], t->ids[pick]) < 0))
				pick = (int)p;
		}
		if (pick < 0)
			break;
		chosen[pick] = true;
		size_t l = strlen(out);
		snprintf(out + l, cap - l, "%s%s", l ? " " : "", t->ids[pick]);
	}
	for (;;) {
		int pick = -1;
		for (size_t p = 0; p < t->np; p++) {
			if (chosen[p] || t->cost[p] == 0)
				continue;
			/* supporters sorted by b/u (insertion sort) */
			size_t sv[MAXV], n = 0;
			mpq_set_ui(sum, 0, 1);
			int64_t usum = 0;
			for (size_t v = 0; v < t->nv; v++) {
				int64_t u = naive_util(t, v, p, util);
				if (u <= 0)
					continue;
				usum += u;
				mpq_add(sum, sum, b[v]);
				size_t j = n++;
				while (j > 0) {
					mpq_t x, y;
					mpq_inits(x, y, NULL);
					mpq_set_si(tmp, naive_util(t, sv[j - 1], p, util), 1);
					mpq_div(x, b[sv[j - 1]], tmp);
					mpq_set_si(tmp, u, 1);
					mpq_div(y, b[v], tmp);
					int c = mpq_cmp(x, y);
					mpq_clears(x, y, NULL);
					if (c <= 0)
						break;
					sv[j] = sv[j - 1];
					j--;
				}
				sv[j] = v;
			}
			mpq_set_si(tmp, t->cost[p], 1);
			if (n == 0 || mpq_cmp(sum, tmp) < 0)
				continue;
			mpq_set_ui(sum, 0, 1); /* now: paid by the poor so far */
			for (size_t i = 0; i < n; i++) {
				int64_t u = naive_util(t, sv[i], p, util);
				mpq_set_si(rho, t->cost[p], 1);
				mpq_sub(rho, rho, sum);
				mpq_set_si(tmp, usum, 1);
				mpq_div(rho, rho, tmp);
				mpq_set_si(tmp, u, 1);
				mpq_mul(tmp, tmp, rho);
				if (mpq_cmp(tmp, b[sv[i]]) <= 0)
					break;
				mpq_add(sum, sum, b[sv[i]]);
				usum -= u;
			}
			if (pick < 0 || mpq_cmp(rho, best) < 0) {
				pick = (int)p;
				mpq_set(best, rho);
			} else if (mpq_cmp(rho, best) == 0 && strcmp(t->ids[p], t->ids[pick]) < 0) {
				pick = (int)p;
			}
		}
		if (pick < 0)
			break;
		chosen[pick] = true;
		for (size_t v = 0; v < t->nv; v++) {
			int64_t u = naive_util(t, v, (size_t)pick, util);
			if (u <= 0)
				continue;
			mpq_set_si(tmp, u, 1);
			mpq_mul(tmp, tmp, best);
			if (mpq_cmp(tmp, b[v]) >= 0)
				mpq_set_ui(b[v], 0, 1);
			else
				mpq_sub(b[v], b[v], tmp);
		}
		size_t l = strlen(out);
		snprintf(out + l, cap - l, "%s%s", l ? " " : "", t->ids[pick]);
	}
	for (size_t v = 0; v < t->nv; v++)
		mpq_clear(b[v]);
	mpq_clears(rho, best, tmp, sum, NULL);
}

/* Random instance: costs from a few values so that ties happen, ballots of 0..5 projects. */
static void random_instance(struct inst *t, bool points)
{
	static const int64_t costs[] = { 0, 1, 2, 3, 5, 6, 10, 12, 30 };
	inst_begin(t, rng_range(0, 60), 1);
	size_t np = (size_t)rng_range(1, 12);
	for (size_t p = 0; p < np; p++) {
		char id[8];
		snprintf(id, sizeof id, "%d", (int)rng_range(0, 99) * 100 + (int)p);
		inst_project(t, id, costs[rng_range(rng_range(0, 3) ? 1 : 0, 8)]);
	}
	size_t nv = (size_t)rng_range(0, 30);
	for (size_t v = 0; v < nv; v++) {
		size_t n = t->start[v];
		size_t len = (size_t)rng_range(0, 5);
		for (size_t i = 0; i < len; i++) {
			t->proj[n] = (uint32_t)rng_range(0, (int64_t)np - 1);
			t->pts[n] = points ? rng_range(0, 4) : 1;
			n++;
		}
		t->start[++t->nv] = n;
	}
	t->with_points = points;
	inst_done(t);
}

static void test_mes_against_naive(void **state)
{
	(void)state;
	rng_state = 42;
	static const char *const rules[] = { "mes_cost", "mes_card", "mes_points" };
	for (int it = 0; it < 1500; it++) {
		struct inst t;
		random_instance(&t, it % 3 == 2);
		/* the naive one reads each project once per ballot: drop repeats */
		for (size_t v = 0; v < t.nv; v++)
			for (size_t i = t.start[v]; i < t.start[v + 1]; i++)
				for (size_t j = t.start[v]; j < i; j++)
					if (t.proj[j] == t.proj[i])
						t.pts[j] = -1;
		size_t n = 0, v0 = 0;
		for (size_t v = 0; v < t.nv; v++) {
			for (size_t i = v0; i < t.start[v + 1]; i++)
				if (t.pts[i] >= 0) {
					t.proj[n] = t.proj[i];
					t.pts[n++] = t.pts[i];
				}
			v0 = t.start[v + 1];
			t.start[v + 1] = n;
		}
		const char *rule = rules[it % 3];
		struct pb_rule r;
		assert_true(pb_rule_parse(rule, &r));
		char got[512], want[512];
		run_ids(&t.in, rule, got, sizeof got, NULL);
		naive_mes(&t, r.utility, want, sizeof want);
		if (strcmp(got, want) != 0) {
			print_message("budget %lld:", (long long)t.in.budget);
			for (size_t p = 0; p < t.np; p++)
				print_message(" %s=%lld", t.ids[p], (long long)t.cost[p]);
			for (size_t v = 0; v < t.nv; v++) {
				print_message("\n voter %zu:", v);
				for (size_t i = t.start[v]; i < t.start[v + 1]; i++)
					print_message(" %s(%lld)", t.ids[t.proj[i]],
						      (long long)t.pts[i]);
			}
			fail_msg("instance %d, %s: got \"%s\", naive \"%s\"", it, rule, got, want);
		}
	}
}

static void shuffle_voters(const struct inst *src, struct inst *dst)
{
	*dst = *src;
	size_t perm[MAXV];
	for (size_t v = 0; v < src->nv; v++)
		perm[v] = v;
	for (size_t v = src->nv; v > 1; v--) {
		size_t j = (size_t)rng_range(0, (int64_t)v - 1), x = perm[v - 1];
		perm[v - 1] = perm[j];
		perm[j] = x;
	}
	size_t n = 0;
	dst->start[0] = 0;
	for (size_t v = 0; v < src->nv; v++) {
		size_t s = perm[v];
		for (size_t i = src->start[s]; i < src->start[s + 1]; i++) {
			dst->proj[n] = src->proj[i];
			dst->pts[n++] = src->pts[i];
		}
		dst->start[v + 1] = n;
	}
	for (size_t p = 0; p < dst->np; p++)
		dst->idp[p] = dst->ids[p];
	inst_done(dst);
}

/* the chosen ids as a sorted set */
static void sorted_ids(const struct pb_instance *in, const struct pb_result *res, char *out,
		       size_t cap)
{
	const char *ids[MAXP];
	for (size_t i = 0; i < res->nselected; i++)
		ids[i] = in->project_id[res->selected[i]];
	for (size_t i = 1; i < res->nselected; i++)
		for (size_t j = i; j > 0 && strcmp(ids[j - 1], ids[j]) > 0; j--) {
			const char *x = ids[j];
			ids[j] = ids[j - 1];
			ids[j - 1] = x;
		}
	out[0] = '\0';
	for (size_t i = 0; i < res->nselected; i++) {
		size_t l = strlen(out);
		snprintf(out + l, cap - l, "%s ", ids[i]);
	}
}

static void test_properties(void **state)
{
	(void)state;
	rng_state = 7;
	static const char *const rules[] = { "greedy_cost",
					     "greedy_card",
					     "greedy_points",
					     "mes_cost",
					     "mes_card",
					     "mes_points",
					     "mes_cost_greedy",
					     "mes_card_add1",
					     "mes_cost_add1_greedy",
					     "mes_cost_inc",
					     "mes_points_inc_greedy" };
	for (int it = 0; it < 300; it++) {
		struct inst t, s;
		random_instance(&t, true);
		shuffle_voters(&t, &s);
		for (size_t k = 0; k < sizeof rules / sizeof rules[0]; k++) {
			struct pb_rule r;
			struct pb_result a, b;
			struct xy_err e;
			assert_true(pb_rule_parse(rules[k], &r));
			assert_int_equal(pb_run(&t.in, &r, &a, &e), XY_OK);
			assert_int_equal(pb_run(&s.in, &r, &b, &e), XY_OK);
			/* never over budget */
			int64_t total = 0;
			bool chosen[MAXP] = { false };
			for (size_t i = 0; i < a.nselected; i++) {
				total += t.cost[a.selected[i]];
				assert_false(chosen[a.selected[i]]);
				chosen[a.selected[i]] = true;
			}
			assert_int_equal(total, a.total_cost);
			assert_true(total <= t.in.budget);
			/* MES buys only supported projects */
			for (size_t i = 0; i < a.nmes; i++) {
				size_t p = a.selected[i];
				assert_true(r.utility == PB_UTIL_POINTS ? a.points[p] > 0
									: a.supporters[p] > 0);
			}
			/* exhaustive after a greedy completion */
			if (!r.mes || r.greedy_after)
				for (size_t p = 0; p < t.np; p++)
					assert_true(chosen[p] || t.cost[p] > t.in.budget - total);
			/* order of the voters does not matter */
			char x[512], y[512];
			sorted_ids(&t.in, &a, x, sizeof x);
			sorted_ids(&s.in, &b, y, sizeof y);
			if (strcmp(x, y) != 0)
				fail_msg("%s, instance %d: %s vs %s", rules[k], it, x, y);
			pb_result_release(&a);
			pb_result_release(&b);
		}
	}
}

/* Completions: Add1 ends exhaustive over the supported projects, or returns the outcome before
 * the first one that overspends. */
static void test_add1_ends(void **state)
{
	(void)state;
	rng_state = 99;
	for (int it = 0; it < 200; it++) {
		struct inst t;
		random_instance(&t, false);
		struct pb_rule r;
		struct pb_result a;
		struct xy_err e;
		assert_true(pb_rule_parse("mes_cost_add1", &r));
		assert_int_equal(pb_run(&t.in, &r, &a, &e), XY_OK);
		assert_true(a.total_cost <= t.in.budget);
		assert_true(a.runs >= 1);
		pb_result_release(&a);
	}
}

/* Add1 skips the reruns whose every decision provably stands: the outcome, the number of runs
 * it stands for and the returned run's budget are those of computing every run. */
static void test_add1_skipping_is_exact(void **state)
{
	(void)state;
	rng_state = 2024;
	static const char *const rules[] = { "mes_cost_add1", "mes_card_add1", "mes_points_add1",
					     "mes_cost_add1_greedy" };
	int skipped = 0;
	for (int it = 0; it < 1200; it++) {
		struct inst t;
		random_instance(&t, it % 4 == 2);
		/* more runs per instance; costs of several scales so that projects become
		 * affordable at different raises */
		int64_t scale = it % 3 == 0 ? 37 : it % 3 == 1 ? 101 : 7;
		t.in.budget *= scale;
		for (size_t p = 0; p < t.np; p++)
			t.cost[p] = t.cost[p] * (scale - 1 + (int64_t)(p % 3)) + (int64_t)(p % 5);
		struct pb_rule r;
		assert_true(pb_rule_parse(rules[it % 4], &r));
		struct pb_result a, b;
		struct xy_err e;
		assert_int_equal(pb_run(&t.in, &r, &a, &e), XY_OK);
		r.every_run = true;
		assert_int_equal(pb_run(&t.in, &r, &b, &e), XY_OK);
		assert_int_equal(a.nselected, b.nselected);
		for (size_t i = 0; i < a.nselected; i++)
			assert_int_equal(a.selected[i], b.selected[i]);
		assert_int_equal(a.runs, b.runs);
		assert_int_equal(b.computed_runs, b.runs);
		assert_string_equal(a.voter_budget, b.voter_budget);
		skipped += a.computed_runs < a.runs;
		pb_result_release(&a);
		pb_result_release(&b);
	}
	assert_true(skipped > 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_names),
		cmocka_unit_test(test_equalshares_example),
		cmocka_unit_test(test_payments),
		cmocka_unit_test(test_proportional),
		cmocka_unit_test(test_points),
		cmocka_unit_test(test_exact_tie),
		cmocka_unit_test(test_zero_cost_and_no_voters),
		cmocka_unit_test(test_instance_check),
		cmocka_unit_test(test_mes_against_naive),
		cmocka_unit_test(test_properties),
		cmocka_unit_test(test_add1_ends),
		cmocka_unit_test(test_add1_skipping_is_exact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
