/* Tests for src/engine/match.c and match_score.c: the solver against exhaustive search and an
 * independent min-cost flow, its invariants, determinism and input errors; the scorer, the
 * candidate edges, top-k and suggestions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/match.h"

/* ---- a seeded PRNG (splitmix64) ------------------------------------------------------------ */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* uniform in [lo, hi] */
static int64_t rng_range(int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rng_next() % (uint64_t)(hi - lo + 1));
}

/* ---- random instances ----------------------------------------------------------------------- */

#define MAXN 64
#define MAXP 16

struct inst {
	size_t n, p, m;
	int64_t need[MAXN], prov[MAXP], cap[MAXP];
	struct match_edge edge[MAXN * MAXP];
};

/* Ids are random and unsorted so that ranks differ from positions. */
static void random_instance(struct inst *t, size_t maxn, size_t maxp, int64_t maxcap, int64_t lo,
			    int64_t hi, int density)
{
	memset(t, 0, sizeof *t);
	/* one instance in 20 has no needs or no providers */
	t->n = rng_range(0, 19) ? (size_t)rng_range(1, (int64_t)maxn) : 0;
	t->p = rng_range(0, 19) ? (size_t)rng_range(1, (int64_t)maxp) : 0;
	for (size_t i = 0; i < t->n; i++)
		t->need[i] = 1000 - 7 * (int64_t)i + rng_range(0, 3) * 1000;
	for (size_t q = 0; q < t->p; q++) {
		t->prov[q] = 50 + 13 * (int64_t)q - rng_range(0, 2) * 500;
		t->cap[q] = rng_range(0, maxcap);
	}
	for (size_t i = 0; i < t->n; i++)
		for (size_t q = 0; q < t->p; q++)
			if (rng_range(0, 99) < density)
				t->edge[t->m++] = (struct match_edge){ t->need[i], t->prov[q],
								       (int32_t)rng_range(lo, hi) };
}

static struct match_instance view(const struct inst *t)
{
	struct match_instance in = { .nneeds = t->n,
				     .nproviders = t->p,
				     .nedges = t->m,
				     .needs = t->need,
				     .providers = t->prov,
				     .capacity = t->cap,
				     .edges = t->edge };
	return in;
}

/* ---- exhaustive search ---------------------------------------------------------------------- */

static int64_t best_total;

static void exhaust(const struct inst *t, size_t i, int64_t *left, int64_t total)
{
	if (i == t->n) {
		if (total > best_total)
			best_total = total;
		return;
	}
	exhaust(t, i + 1, left, total); /* need i unmatched */
	for (size_t x = 0; x < t->m; x++) {
		if (t->edge[x].need != t->need[i])
			continue;
		size_t q = 0;
		while (t->prov[q] != t->edge[x].provider)
			q++;
		if (left[q] == 0)
			continue;
		left[q]--;
		exhaust(t, i + 1, left, total + t->edge[x].score);
		left[q]++;
	}
}

static int64_t exhaustive_optimum(const struct inst *t)
{
	int64_t left[MAXP];
	memcpy(left, t->cap, sizeof left);
	best_total = 0;
	exhaust(t, 0, left, 0);
	return best_total;
}

/* ---- an independent reference: min-cost flow with Bellman-Ford shortest paths -------------- */

struct ref_arc {
	int to, cap;
	int64_t cost;
};

static int64_t reference_optimum(const struct inst *t)
{
	enum { SRC = MAXN + MAXP, SNK = MAXN + MAXP + 1, NODES = MAXN + MAXP + 2 };
	static struct ref_arc arcs[2 * (MAXN * MAXP + MAXN + MAXP)];
	int na = 0;
	int from[2 * (MAXN * MAXP + MAXN + MAXP)];
#define ADD(a, b, c, w)                                                                            \
	do {                                                                                       \
		from[na] = (a);                                                                    \
		arcs[na++] = (struct ref_arc){ (b), (c), (w) };                                    \
		from[na] = (b);                                                                    \
		arcs[na++] = (struct ref_arc){ (a), 0, -(w) };                                     \
	} while (0)
	for (size_t i = 0; i < t->n; i++)
		ADD(SRC, (int)i, 1, 0);
	for (size_t q = 0; q < t->p; q++)
		ADD(MAXN + (int)q, SNK, (int)t->cap[q], 0);
	for (size_t x = 0; x < t->m; x++) {
		size_t i = 0, q = 0;
		while (t->need[i] != t->edge[x].need)
			i++;
		while (t->prov[q] != t->edge[x].provider)
			q++;
		ADD((int)i, MAXN + (int)q, 1, -(int64_t)t->edge[x].score);
	}
#undef ADD
	int64_t total = 0;
	for (;;) {
		int64_t dist[NODES];
		int via[NODES];
		for (int v = 0; v < NODES; v++)
			dist[v] = INT64_MAX;
		dist[SRC] = 0;
		for (int round = 0; round < NODES; round++) {
			int changed = 0;
			for (int a = 0; a < na; a++)
				if (arcs[a].cap > 0 && dist[from[a]] != INT64_MAX &&
				    dist[from[a]] + arcs[a].cost < dist[arcs[a].to]) {
					dist[arcs[a].to] = dist[from[a]] + arcs[a].cost;
					via[arcs[a].to] = a;
					changed = 1;
				}
			if (!changed)
				break;
		}
		if (dist[SNK] >= 0) /* no path of positive gain is left */
			return total;
		total -= dist[SNK];
		for (int v = SNK; v != SRC; v = from[via[v]]) {
			arcs[via[v]].cap--;
			arcs[via[v] ^ 1].cap++;
		}
	}
}

/* ---- checks on a result -----------------------------------------------------------------------
 */

/* Every pair is an edge with its score, each need once, no capacity exceeded, the objective is
 * the sum, pairs sorted by need id, and no pair of score <= 0. */
static void check_feasible(const struct inst *t, const struct match_result *r)
{
	int64_t sum = 0;
	int64_t used[MAXP] = { 0 };
	for (size_t k = 0; k < r->npairs; k++) {
		const struct match_pair *pr = &r->pairs[k];
		if (k > 0)
			assert_true(r->pairs[k - 1].need < pr->need);
		size_t x = 0;
		while (x < t->m &&
		       (t->edge[x].need != pr->need || t->edge[x].provider != pr->provider))
			x++;
		assert_true(x < t->m);
		assert_int_equal(t->edge[x].score, pr->score);
		assert_true(pr->score > 0);
		size_t q = 0;
		while (t->prov[q] != pr->provider)
			q++;
		used[q]++;
		assert_true(used[q] <= t->cap[q]);
		sum += pr->score;
	}
	assert_int_equal(sum, r->objective);
}

static void shuffle_instance(struct inst *t)
{
	for (size_t i = t->n; i > 1; i--) {
		size_t j = (size_t)rng_range(0, (int64_t)i - 1);
		int64_t x = t->need[i - 1];
		t->need[i - 1] = t->need[j];
		t->need[j] = x;
	}
	for (size_t q = t->p; q > 1; q--) {
		size_t j = (size_t)rng_range(0, (int64_t)q - 1);
		int64_t x = t->prov[q - 1], c = t->cap[q - 1];
		t->prov[q - 1] = t->prov[j];
		t->cap[q - 1] = t->cap[j];
		t->prov[j] = x;
		t->cap[j] = c;
	}
	for (size_t x = t->m; x > 1; x--) {
		size_t j = (size_t)rng_range(0, (int64_t)x - 1);
		struct match_edge ed = t->edge[x - 1];
		t->edge[x - 1] = t->edge[j];
		t->edge[j] = ed;
	}
}

static void assert_same_result(const struct match_result *a, const struct match_result *b)
{
	assert_int_equal(a->objective, b->objective);
	assert_int_equal(a->npairs, b->npairs);
	for (size_t k = 0; k < a->npairs; k++) {
		assert_int_equal(a->pairs[k].need, b->pairs[k].need);
		assert_int_equal(a->pairs[k].provider, b->pairs[k].provider);
		assert_int_equal(a->pairs[k].score, b->pairs[k].score);
	}
}

/* ---- solver tests -----------------------------------------------------------------------------
 */

/* 6 needs x 4 providers, capacities 0..3, scores with ties, zeros and negatives. */
static void test_random_small_vs_exhaustive(void **state)
{
	(void)state;
	static struct inst t;
	rng_state = 20240501;
	int nonzero = 0;
	for (int trial = 0; trial < 10000; trial++) {
		random_instance(&t, 6, 4, 3, trial % 2 ? -5 : 1, trial % 3 ? 9 : 40, 65);
		struct match_instance in = view(&t);
		struct match_result r;
		struct xy_err e = { 0 };
		assert_int_equal(match_solve(&in, &r, &e), XY_OK);
		check_feasible(&t, &r);
		int64_t want = exhaustive_optimum(&t);
		if (r.objective != want)
			fail_msg("trial %d: objective %lld, exhaustive %lld", trial,
				 (long long)r.objective, (long long)want);
		nonzero += want > 0;

		/* the same instance in another order gives the same assignment */
		shuffle_instance(&t);
		in = view(&t);
		struct match_result again;
		assert_int_equal(match_solve(&in, &again, &e), XY_OK);
		assert_same_result(&r, &again);
		match_result_release(&again);
		match_result_release(&r);
	}
	assert_true(nonzero > 7000);
}

/* Larger instances (up to 60 needs x 15 providers) against a Bellman-Ford min-cost flow. */
static void test_random_medium_vs_reference(void **state)
{
	(void)state;
	static struct inst t;
	rng_state = 77;
	for (int trial = 0; trial < 300; trial++) {
		random_instance(&t, 60, 15, trial % 4 == 0 ? 1 : 8, -20, trial % 2 ? 5 : 1000,
				(int)rng_range(5, 60));
		struct match_instance in = view(&t);
		struct match_result r;
		struct xy_err e = { 0 };
		assert_int_equal(match_solve(&in, &r, &e), XY_OK);
		check_feasible(&t, &r);
		int64_t want = reference_optimum(&t);
		if (r.objective != want)
			fail_msg("trial %d: objective %lld, reference %lld", trial,
				 (long long)r.objective, (long long)want);
		match_result_release(&r);
	}
}

/* Ties: two equal providers, one need; the same choice every time, whatever the order. */
static void test_tie_is_deterministic(void **state)
{
	(void)state;
	int64_t needs[] = { 5 };
	int64_t provs[] = { 9, 3 }, caps[] = { 1, 1 };
	struct match_edge edges[] = { { 5, 9, 10 }, { 5, 3, 10 } };
	struct match_instance in = { 1, 2, 2, needs, provs, caps, edges };
	struct match_result r;
	struct xy_err e = { 0 };
	assert_int_equal(match_solve(&in, &r, &e), XY_OK);
	assert_int_equal(r.npairs, 1);
	assert_int_equal(r.pairs[0].provider, 3); /* lowest provider id among equals */
	match_result_release(&r);
	int64_t provs2[] = { 3, 9 };
	struct match_edge edges2[] = { { 5, 3, 10 }, { 5, 9, 10 } };
	struct match_instance in2 = { 1, 2, 2, needs, provs2, caps, edges2 };
	assert_int_equal(match_solve(&in2, &r, &e), XY_OK);
	assert_int_equal(r.pairs[0].provider, 3);
	match_result_release(&r);
}

/* Capacity forces a choice: the exact optimum moves need 1 off its favourite provider. */
static void test_reassignment(void **state)
{
	(void)state;
	int64_t needs[] = { 1, 2 };
	int64_t provs[] = { 10, 20 }, caps[] = { 1, 1 };
	/* greedy takes 1-10 (9) and leaves 2 unmatched (2 has only 10): 9; optimum 8 + 7 = 15 */
	struct match_edge edges[] = { { 1, 10, 9 }, { 1, 20, 8 }, { 2, 10, 7 } };
	struct match_instance in = { 2, 2, 3, needs, provs, caps, edges };
	struct match_result r;
	struct xy_err e = { 0 };
	assert_int_equal(match_solve(&in, &r, &e), XY_OK);
	assert_int_equal(r.objective, 15);
	assert_int_equal(r.npairs, 2);
	assert_int_equal(r.pairs[0].need, 1);
	assert_int_equal(r.pairs[0].provider, 20);
	assert_int_equal(r.pairs[1].provider, 10);
	match_result_release(&r);
}

/* Zero and negative scores are never taken; a capacity-0 provider serves nobody. */
static void test_useless_edges(void **state)
{
	(void)state;
	int64_t needs[] = { 1, 2, 3 };
	int64_t provs[] = { 10, 20 }, caps[] = { 5, 0 };
	struct match_edge edges[] = { { 1, 10, 0 }, { 2, 10, -4 }, { 3, 20, 50 } };
	struct match_instance in = { 3, 2, 3, needs, provs, caps, edges };
	struct match_result r;
	struct xy_err e = { 0 };
	assert_int_equal(match_solve(&in, &r, &e), XY_OK);
	assert_int_equal(r.objective, 0);
	assert_int_equal(r.npairs, 0);
	match_result_release(&r);
}

static void test_empty_and_extreme_ids(void **state)
{
	(void)state;
	struct match_instance empty = { 0 };
	struct match_result r;
	struct xy_err e = { 0 };
	assert_int_equal(match_solve(&empty, &r, &e), XY_OK);
	assert_int_equal(r.objective, 0);
	assert_int_equal(r.npairs, 0);
	match_result_release(&r);

	int64_t needs[] = { INT64_MAX, INT64_MIN, 0 };
	int64_t provs[] = { INT64_MIN, INT64_MAX }, caps[] = { INT64_MAX, 1 };
	struct match_edge edges[] = { { INT64_MAX, INT64_MIN, 3 },
				      { INT64_MIN, INT64_MIN, 4 },
				      { 0, INT64_MAX, MATCH_SCORE_MAX },
				      { INT64_MIN, INT64_MAX, -MATCH_SCORE_MAX } };
	struct match_instance in = { 3, 2, 4, needs, provs, caps, edges };
	assert_int_equal(match_solve(&in, &r, &e), XY_OK);
	assert_int_equal(r.objective, 7 + (int64_t)MATCH_SCORE_MAX);
	assert_int_equal(r.npairs, 3);
	assert_int_equal(r.pairs[0].need, INT64_MIN);
	assert_int_equal(r.pairs[2].need, INT64_MAX);
	match_result_release(&r);
}

/* A long chain of reassignments: n needs in a line, need k likes provider k a bit more than
 * provider k-1, every provider has room for one. */
static void test_long_augmenting_paths(void **state)
{
	(void)state;
	enum { N = 400 };
	static int64_t needs[N], provs[N + 1], caps[N + 1];
	static struct match_edge edges[2 * N];
	size_t m = 0;
	for (int k = 0; k <= N; k++) {
		provs[k] = k;
		caps[k] = 1;
	}
	for (int k = 0; k < N; k++) {
		needs[k] = k;
		edges[m++] = (struct match_edge){ k, k, 100 };
		edges[m++] = (struct match_edge){ k, k + 1, 99 };
	}
	struct match_instance in = { N, N + 1, m, needs, provs, caps, edges };
	struct match_result r;
	struct xy_err e = { 0 };
	assert_int_equal(match_solve(&in, &r, &e), XY_OK);
	assert_int_equal(r.objective, 100 * N);
	match_result_release(&r);
}

static void expect_error(const struct match_instance *in, enum xy_kind kind, const char *code,
			 const char *field)
{
	struct match_result r;
	struct xy_err e = { 0 };
	assert_int_equal(match_solve(in, &r, &e), kind);
	assert_string_equal(e.code, code);
	if (field)
		assert_string_equal(e.field, field);
	assert_true(strlen(e.message) > 0);
	assert_null(r.pairs);
	match_result_release(&r);
}

static void test_bad_input(void **state)
{
	(void)state;
	int64_t needs[] = { 1, 2 }, dup_needs[] = { 1, 1 };
	int64_t provs[] = { 10, 20 }, dup_provs[] = { 10, 10 };
	int64_t caps[] = { 1, 2 }, neg_caps[] = { 1, -1 };
	struct match_edge ok[] = { { 1, 10, 5 } };
	struct match_edge bad_need[] = { { 1, 10, 5 }, { 3, 10, 5 } };
	struct match_edge bad_prov[] = { { 1, 30, 5 } };
	struct match_edge dup_edge[] = { { 2, 20, 5 }, { 1, 10, 5 }, { 2, 20, 7 } };
	struct match_edge big[] = { { 1, 10, MATCH_SCORE_MAX + 1 } };

	struct match_instance in = { 2, 2, 1, needs, provs, neg_caps, ok };
	expect_error(&in, XY_EINVALID, "negative_capacity", "providers");
	in = (struct match_instance){ 2, 2, 1, dup_needs, provs, caps, ok };
	expect_error(&in, XY_EINVALID, "duplicate_need", "needs");
	in = (struct match_instance){ 2, 2, 1, needs, dup_provs, caps, ok };
	expect_error(&in, XY_EINVALID, "duplicate_provider", "providers");
	in = (struct match_instance){ 2, 2, 2, needs, provs, caps, bad_need };
	expect_error(&in, XY_EINVALID, "unknown_need", "edges[1].need");
	in = (struct match_instance){ 2, 2, 1, needs, provs, caps, bad_prov };
	expect_error(&in, XY_EINVALID, "unknown_provider", "edges[0].provider");
	in = (struct match_instance){ 2, 2, 3, needs, provs, caps, dup_edge };
	expect_error(&in, XY_EINVALID, "duplicate_edge", "edges");
	in = (struct match_instance){ 2, 2, 1, needs, provs, caps, big };
	expect_error(&in, XY_EINVALID, "score_out_of_range", "edges[0].score");
	in = (struct match_instance){ (size_t)MATCH_NODES_MAX + 1, 2, 1, needs, provs, caps, ok };
	expect_error(&in, XY_ETOOBIG, "instance_too_big", NULL);
}

/* ---- scorer -----------------------------------------------------------------------------------
 */

#define STREET      "/1/2/3/4/"
#define COMM_A      "/1/2/3/4/5/"
#define COMPOUND_A  "/1/2/3/4/5/6/"
#define COMPOUND_A2 "/1/2/3/4/5/8/"
#define COMM_B      "/1/2/3/4/7/"
#define COMM_A50    "/1/2/3/4/50/"
#define OTHER       "/1/2/3/9/10/"

static struct match_need need_of(const char *cat, const char *area)
{
	struct match_need n = { .id = 1,
				.category = match_category_parse(cat),
				.area_path = area,
				.urgency = URG_LOW,
				.groups = 0,
				.days_waiting = 0 };
	return n;
}

static struct match_provider provider_of(int64_t id, const char *skills, const char *area,
					 int64_t capacity)
{
	struct match_provider p = { .id = id, .area_path = area, .capacity = capacity };
	while (*skills) {
		size_t len = strcspn(skills, ",");
		char code[32];
		snprintf(code, sizeof code, "%.*s", (int)len, skills);
		assert_int_equal(match_provider_add_skill(&p, code), 0);
		skills += len + (skills[len] == ',');
	}
	return p;
}

static int has_reason(const struct match_reasons *why, const char *text)
{
	for (int k = 0; k < why->n; k++)
		if (strcmp(why->text[k], text) == 0)
			return 1;
	return 0;
}

static void test_categories(void **state)
{
	(void)state;
	const char *codes[] = { "environment",  "culture", "elderly",       "children",
				"medical",      "safety",  "eco_education", "tech_education",
				"public_space", "charity" };
	for (size_t k = 0; k < sizeof codes / sizeof *codes; k++) {
		int c = match_category_parse(codes[k]);
		assert_true(c >= 0);
		assert_string_equal(match_category_name(c), codes[k]);
	}
	assert_int_equal(match_category_parse("cooking"), -1);
	assert_int_equal(match_category_parse(NULL), -1);
	assert_int_equal(match_kind_parse("talent"), MATCH_KIND_TALENT);
	assert_int_equal(match_kind_parse("resource"), MATCH_KIND_RESOURCE);
	assert_int_equal(match_kind_parse("robot"), -1);
	struct match_need n = need_of("elderly", COMM_A);
	assert_int_equal(match_need_add_group(&n, "women"), 0);
	assert_int_equal(n.groups, 0);
	assert_int_equal(match_need_add_group(&n, "children"), 0);
	assert_int_equal(n.groups, 1u << MATCH_CAT_CHILDREN);
	assert_int_equal(match_need_add_group(&n, "aliens"), -1);
	struct match_provider p = { 0 };
	assert_int_equal(match_provider_add_skill(&p, "party"), 0);
	assert_int_equal(match_provider_add_skill(&p, "juggling"), -1);
}

static void test_score_skill(void **state)
{
	(void)state;
	struct match_need n = need_of("elderly", COMPOUND_A);
	struct match_provider exact = provider_of(1, "elderly", COMM_A, 1);
	struct match_provider related = provider_of(2, "medical", COMM_A, 1);
	struct match_provider none = provider_of(3, "tech_education", COMM_A, 1);
	struct match_reasons why;
	int32_t se = match_score(&n, &exact, &why);
	assert_true(has_reason(&why, "技能匹配: elderly"));
	int32_t sr = match_score(&n, &related, &why);
	assert_true(has_reason(&why, "相关技能: medical→elderly"));
	assert_true(se > sr);
	assert_true(sr > 0);
	assert_int_equal(match_score(&n, &none, &why), -1);
	/* both an exact and a related skill: the exact one counts */
	struct match_provider both = provider_of(4, "medical,elderly", COMM_A, 1);
	assert_int_equal(match_score(&n, &both, &why), se);
	assert_false(has_reason(&why, "相关技能: medical→elderly"));
	n.category = 99;
	assert_int_equal(match_score(&n, &exact, NULL), -1);
}

static void test_score_area(void **state)
{
	(void)state;
	struct match_need n = need_of("safety", COMPOUND_A);
	struct match_provider compound = provider_of(1, "safety", COMPOUND_A, 1);
	struct match_provider community = provider_of(2, "safety", COMM_A, 1);
	struct match_provider neighbour = provider_of(3, "safety", COMPOUND_A2, 1);
	struct match_provider street = provider_of(4, "safety", COMM_B, 1);
	struct match_provider prefix_trap = provider_of(5, "safety", COMM_A50, 1);
	struct match_provider far = provider_of(6, "safety", OTHER, 1);
	struct match_reasons why;
	int32_t s1 = match_score(&n, &compound, &why);
	assert_true(has_reason(&why, "同一小区"));
	int32_t s2 = match_score(&n, &community, &why);
	assert_true(has_reason(&why, "同一社区"));
	assert_int_equal(match_score(&n, &neighbour, NULL), s2);
	int32_t s3 = match_score(&n, &street, &why);
	assert_true(has_reason(&why, "同一街道"));
	assert_int_equal(match_score(&n, &prefix_trap, &why), s3);
	assert_true(has_reason(&why, "同一街道"));
	int32_t s4 = match_score(&n, &far, &why);
	assert_int_equal(why.n, 1); /* the skill only */
	assert_true(s1 > s2 && s2 > s3 && s3 > s4 && s4 > 0);
	assert_int_equal(match_area_common_depth("/1/4/9/", "/1/4/7/"), 2);
	assert_int_equal(match_area_common_depth("/1/4/9/", "/1/4/90/"), 2);
	assert_int_equal(match_area_common_depth("/1/4/9/", "/1/4/9/"), 3);
	assert_int_equal(match_area_common_depth("/1/", "/2/"), 0);
}

static void test_score_urgency_waiting_groups(void **state)
{
	(void)state;
	struct match_provider p = provider_of(1, "medical,elderly", COMM_A, 1);
	struct match_need n = need_of("medical", COMM_A);
	struct match_reasons why;
	int32_t low = match_score(&n, &p, &why);
	assert_false(has_reason(&why, "紧急"));
	n.urgency = URG_NORMAL;
	int32_t normal = match_score(&n, &p, NULL);
	n.urgency = URG_HIGH;
	int32_t high = match_score(&n, &p, &why);
	assert_true(has_reason(&why, "紧急"));
	assert_true(low < normal && normal < high);

	n.days_waiting = 12;
	int32_t waited = match_score(&n, &p, &why);
	assert_true(has_reason(&why, "等待 12 天"));
	assert_true(waited > high);
	n.days_waiting = 400;
	int32_t long_wait = match_score(&n, &p, &why);
	assert_true(has_reason(&why, "等待 400 天"));
	n.days_waiting = 60;
	assert_int_equal(match_score(&n, &p, NULL), long_wait); /* counted up to 60 days */

	assert_int_equal(match_need_add_group(&n, "elderly"), 0);
	int32_t grouped = match_score(&n, &p, &why);
	assert_true(has_reason(&why, "服务对象: elderly"));
	assert_true(grouped > long_wait);
	/* everything at once stays within 1..1000 */
	struct match_provider best = provider_of(2, "medical,elderly", COMPOUND_A, 1);
	n.area_path = COMPOUND_A;
	assert_int_equal(match_score(&n, &best, &why), 1000);
	assert_int_equal(why.n, 5);
	assert_string_equal(why.text[0], "技能匹配: medical");
}

/* ---- edges, top-k and suggestions ---------------------------------------------------------- */

static void test_build_edges(void **state)
{
	(void)state;
	struct match_need needs[2] = { need_of("elderly", COMPOUND_A), need_of("safety", COMM_B) };
	needs[1].id = 2;
	struct match_provider provs[4] = {
		provider_of(10, "elderly", COMM_A, 2),
		provider_of(11, "medical", STREET, 1),
		provider_of(12, "tech_education", COMM_A, 5),
		provider_of(13, "safety", COMM_A, 0),
	};
	struct match_edge *edges;
	size_t n;
	struct xy_err e = { 0 };
	assert_int_equal(match_build_edges(needs, 2, provs, 4, MATCH_REACH_ANY, &edges, &n, &e),
			 XY_OK);
	/* elderly: 10 exact, 11 related; safety: 11 related (13 has no capacity) */
	assert_int_equal(n, 3);
	assert_int_equal(edges[0].need, 1);
	assert_int_equal(edges[0].provider, 10);
	assert_int_equal(edges[1].provider, 11);
	assert_int_equal(edges[2].need, 2);
	assert_int_equal(edges[2].provider, 11);
	assert_int_equal(edges[0].score, match_score(&needs[0], &provs[0], NULL));
	free(edges);

	/* service area: provider 10 serves community A only, 11 the whole street */
	assert_int_equal(
		match_build_edges(needs, 2, provs, 4, MATCH_REACH_SERVICE_AREA, &edges, &n, &e),
		XY_OK);
	assert_int_equal(n, 3);
	free(edges);
	provs[0].area_path = COMM_B;
	assert_int_equal(
		match_build_edges(needs, 2, provs, 4, MATCH_REACH_SERVICE_AREA, &edges, &n, &e),
		XY_OK);
	assert_int_equal(n, 2);
	free(edges);

	provs[2].capacity = -1;
	assert_int_equal(match_build_edges(needs, 2, provs, 4, MATCH_REACH_ANY, &edges, &n, &e),
			 XY_EINVALID);
	assert_string_equal(e.code, "negative_capacity");
	assert_string_equal(e.field, "providers[2].capacity");
	assert_null(edges);
	provs[2].capacity = 1;
	needs[1].category = -1;
	assert_int_equal(match_build_edges(needs, 2, provs, 4, MATCH_REACH_ANY, &edges, &n, &e),
			 XY_EINVALID);
	assert_string_equal(e.code, "unknown_category");
	assert_string_equal(e.field, "needs[1].category");

	/* an empty pool is an empty result */
	needs[1].category = MATCH_CAT_SAFETY;
	assert_int_equal(match_build_edges(needs, 2, NULL, 0, MATCH_REACH_ANY, &edges, &n, &e),
			 XY_OK);
	assert_int_equal(n, 0);
	free(edges);
}

static void test_topk(void **state)
{
	(void)state;
	struct match_need n = need_of("elderly", COMPOUND_A);
	n.days_waiting = 12;
	struct match_provider provs[] = {
		provider_of(30, "medical", COMM_A, 1),     /* related, community */
		provider_of(20, "elderly", OTHER, 1),      /* exact, far */
		provider_of(10, "elderly", COMM_B, 1),     /* exact, street */
		provider_of(40, "elderly", COMPOUND_A, 0), /* exact, compound, but full */
		provider_of(15, "elderly", COMM_B, 3),     /* ties with 10 */
		provider_of(50, "children", COMM_A, 9),    /* no fit */
	};
	size_t np = sizeof provs / sizeof *provs;
	struct match_candidate out[8];
	size_t got;
	struct xy_err e = { 0 };
	assert_int_equal(match_topk(&n, provs, np, MATCH_REACH_ANY, 8, out, &got, &e), XY_OK);
	assert_int_equal(got, 4);
	assert_int_equal(out[0].provider, 10);
	assert_int_equal(out[1].provider, 15);
	assert_int_equal(out[0].score, out[1].score);
	assert_true(out[1].score > out[2].score);
	for (size_t k = 1; k < got; k++)
		assert_true(out[k - 1].score >= out[k].score);
	assert_true(has_reason(&out[0].why, "技能匹配: elderly"));
	assert_true(has_reason(&out[0].why, "同一街道"));
	assert_true(has_reason(&out[0].why, "等待 12 天"));
	assert_int_equal(out[3].provider, 30);
	assert_int_equal(out[3].score, match_score(&n, &provs[0], NULL));

	assert_int_equal(match_topk(&n, provs, np, MATCH_REACH_ANY, 2, out, &got, &e), XY_OK);
	assert_int_equal(got, 2);
	assert_int_equal(out[0].provider, 10);
	assert_int_equal(out[1].provider, 15);
	assert_int_equal(match_topk(&n, provs, np, MATCH_REACH_ANY, 0, out, &got, &e), XY_OK);
	assert_int_equal(got, 0);
	assert_int_equal(match_topk(&n, provs, np, MATCH_REACH_SERVICE_AREA, 8, out, &got, &e),
			 XY_OK);
	assert_int_equal(got, 1); /* only 30 serves the community of the need */
	assert_int_equal(out[0].provider, 30);
	assert_true(has_reason(&out[0].why, "相关技能: medical→elderly"));
}

/* The demo street in small: safety needs go to the fire brigade, elderly needs to the elderly
 * service providers, capacities hold, every match has reasons. */
static void test_suggest(void **state)
{
	(void)state;
	struct match_need needs[5];
	const char *cats[5] = { "safety", "elderly", "elderly", "elderly", "safety" };
	for (int k = 0; k < 5; k++) {
		needs[k] = need_of(cats[k], k % 2 ? COMPOUND_A : COMM_A);
		needs[k].id = 100 + k;
		needs[k].days_waiting = k;
	}
	struct match_provider provs[] = {
		provider_of(1, "safety,medical", STREET, 3),  /* fire brigade */
		provider_of(2, "elderly,culture", COMM_A, 2), /* elderly service centre */
		provider_of(3, "medical", COMM_A, 1),         /* clinic */
		provider_of(4, "tech_education", COMM_A, 5),  /* no fit */
	};
	struct match_suggestion *out;
	size_t n;
	int64_t objective;
	struct xy_err e = { 0 };
	assert_int_equal(match_suggest(needs, 5, provs, 4, MATCH_REACH_SERVICE_AREA, &out, &n,
				       &objective, &e),
			 XY_OK);
	assert_int_equal(n, 5);
	int load[5] = { 0 };
	int64_t sum = 0;
	for (size_t k = 0; k < n; k++) {
		assert_true(out[k].why.n >= 2);
		load[out[k].provider]++;
		sum += out[k].score;
		if (strcmp(cats[out[k].need - 100], "safety") == 0)
			assert_int_equal(out[k].provider, 1);
		if (k > 0)
			assert_true(out[k - 1].need < out[k].need);
	}
	assert_int_equal(sum, objective);
	/* the two safety needs at the brigade (exact skill beats the clinic's medical→safety);
	 * two elderly needs at the centre, the third at the clinic (related, same community)
	 * rather than the brigade (related, same street) */
	assert_int_equal(load[1], 2);
	assert_int_equal(load[2], 2);
	assert_int_equal(load[3], 1);
	assert_int_equal(load[4], 0);
	free(out);

	/* no providers: an empty suggestion, not an error */
	assert_int_equal(
		match_suggest(needs, 5, NULL, 0, MATCH_REACH_ANY, &out, &n, &objective, &e), XY_OK);
	assert_int_equal(n, 0);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_small_vs_exhaustive),
		cmocka_unit_test(test_random_medium_vs_reference),
		cmocka_unit_test(test_tie_is_deterministic),
		cmocka_unit_test(test_reassignment),
		cmocka_unit_test(test_useless_edges),
		cmocka_unit_test(test_empty_and_extreme_ids),
		cmocka_unit_test(test_long_augmenting_paths),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_categories),
		cmocka_unit_test(test_score_skill),
		cmocka_unit_test(test_score_area),
		cmocka_unit_test(test_score_urgency_waiting_groups),
		cmocka_unit_test(test_build_edges),
		cmocka_unit_test(test_topk),
		cmocka_unit_test(test_suggest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
