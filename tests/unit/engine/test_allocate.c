/* Tests for src/engine/allocate.c: the documented weights, hand-computed splits, the largest
 * remainders (ties to the smaller id), floors, equal shares when nothing scores, errors,
 * and on random inputs: parts add up exactly, each within a fen of its quota, independent of
 * the order of the courtyards. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "engine/allocate.h"

static void test_weights_and_names(void **state)
{
	(void)state;
	struct alloc_weights w;
	alloc_weights_default(&w);
	static const int64_t want[ALLOC_TERMS] = { 1, 2, 2, 3, 3, 5, 10, 20, 1 };
	for (int t = 0; t < ALLOC_TERMS; t++) {
		assert_int_equal(w.w[t], want[t]);
		assert_int_equal(alloc_term_parse(alloc_term_name((enum alloc_term)t)), t);
	}
	assert_int_equal(alloc_term_parse("pets"), -1);
	assert_int_equal(alloc_term_parse(NULL), -1);
	assert_string_equal(alloc_term_name(ALLOC_NEED_HIGH), "need_high");
}

/* Two courtyards: A (id 7) 100 residents, 10 elderly, 1 high-urgency need with 4 +1s:
 * 100 + 20 + 20 + 4 = 144; B (id 3) 50 residents, 2 disabled: 50 + 6 = 56. Total 200.
 * 1001 fen: A 1001·144/200 = 720.72, B 280.28; 720 + 280 = 1000, the last fen goes to the
 * larger remainder (A's .72). */
static void test_hand_computed(void **state)
{
	(void)state;
	struct alloc_weights w;
	alloc_weights_default(&w);
	struct alloc_area a[2] = { { 7, { 0 } }, { 3, { 0 } } };
	a[0].count[ALLOC_RESIDENT] = 100;
	a[0].count[ALLOC_ELDERLY] = 10;
	a[0].count[ALLOC_NEED_HIGH] = 1;
	a[0].count[ALLOC_SUPPORTER] = 4;
	a[1].count[ALLOC_RESIDENT] = 50;
	a[1].count[ALLOC_DISABLED] = 2;
	struct alloc_share s[2];
	struct xy_err e;
	assert_int_equal(alloc_split(1001, 0, &w, a, 2, s, &e), XY_OK);
	assert_int_equal(s[0].score, 144);
	assert_int_equal(s[0].points[ALLOC_ELDERLY], 20);
	assert_int_equal(s[1].score, 56);
	assert_int_equal(s[0].amount_fen, 721);
	assert_int_equal(s[0].extra_fen, 1);
	assert_int_equal(s[1].amount_fen, 280);
	/* with a floor of 100 each: 801 shared, A 576.72 -> 577, B 224.28 */
	assert_int_equal(alloc_split(1001, 100, &w, a, 2, s, &e), XY_OK);
	assert_int_equal(s[0].amount_fen, 677);
	assert_int_equal(s[1].amount_fen, 324);
	assert_int_equal(s[1].floor_fen, 100);
	char buf[512];
	alloc_explain(&s[0], &a[0], &w, 200, 801, buf, sizeof buf);
	assert_non_null(strstr(buf, "score 144 = 100 residents × 1 + 10 elderly × 2"));
	assert_non_null(strstr(buf, "floor 1.00 + 144/200 of 8.01"));
	assert_non_null(strstr(buf, "= 6.77 yuan"));
	alloc_explain(&s[0], &a[0], &w, 200, 801, buf, 20); /* cut, still terminated */
	assert_int_equal(strlen(buf), 19);
}

/* Equal remainders go to the smaller id; nothing scores: equal shares. */
static void test_ties_and_zero_scores(void **state)
{
	(void)state;
	struct alloc_weights w;
	alloc_weights_default(&w);
	struct alloc_area a[3] = { { 30, { 0 } }, { 10, { 0 } }, { 20, { 0 } } };
	for (int i = 0; i < 3; i++)
		a[i].count[ALLOC_RESIDENT] = 5;
	struct alloc_share s[3];
	struct xy_err e;
	assert_int_equal(alloc_split(100, 0, &w, a, 3, s, &e), XY_OK);
	assert_int_equal(s[0].amount_fen, 33); /* id 30 */
	assert_int_equal(s[1].amount_fen, 34); /* id 10: the smallest id gets the fen */
	assert_int_equal(s[2].amount_fen, 33);
	for (int i = 0; i < 3; i++)
		a[i].count[ALLOC_RESIDENT] = 0;
	assert_int_equal(alloc_split(101, 0, &w, a, 3, s, &e), XY_OK);
	assert_int_equal(s[1].amount_fen, 34);
	assert_int_equal(s[2].amount_fen, 34);
	assert_int_equal(s[0].amount_fen, 33);
	char buf[256];
	alloc_explain(&s[0], &a[0], &w, 0, 101, buf, sizeof buf);
	assert_non_null(strstr(buf, "equal share"));
}

static void test_errors(void **state)
{
	(void)state;
	struct alloc_weights w;
	alloc_weights_default(&w);
	struct alloc_area a[2] = { { 1, { 0 } }, { 1, { 0 } } };
	struct alloc_share s[2];
	struct xy_err e;
	assert_int_equal(alloc_split(100, 0, &w, a, 0, s, &e), XY_EINVALID);
	assert_string_equal(e.code, "no_courtyards");
	assert_int_equal(alloc_split(100, 0, &w, a, 2, s, &e), XY_EINVALID);
	assert_string_equal(e.code, "duplicate_area");
	a[1].id = 2;
	assert_int_equal(alloc_split(100, 51, &w, a, 2, s, &e), XY_EINVALID);
	assert_string_equal(e.code, "floor_too_high");
	assert_int_equal(alloc_split(100, 50, &w, a, 2, s, &e), XY_OK);
	assert_int_equal(s[0].amount_fen + s[1].amount_fen, 100);
	w.w[ALLOC_CHILD] = ALLOC_WEIGHT_MAX + 1;
	assert_int_equal(alloc_split(100, 0, &w, a, 2, s, &e), XY_EINVALID);
	assert_string_equal(e.field, "child");
	alloc_weights_default(&w);
	a[0].count[ALLOC_ELDERLY] = -1;
	assert_int_equal(alloc_split(100, 0, &w, a, 2, s, &e), XY_EINVALID);
	assert_string_equal(e.code, "invalid_count");
	a[0].count[ALLOC_ELDERLY] = 0;
	assert_int_equal(alloc_split(-1, 0, &w, a, 2, s, &e), XY_EINVALID);
}

static uint64_t rng = 12345;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void test_random_properties(void **state)
{
	(void)state;
	for (int it = 0; it < 2000; it++) {
		struct alloc_weights w;
		alloc_weights_default(&w);
		for (int t = 0; t < ALLOC_TERMS; t++)
			if (next() % 4 == 0)
				w.w[t] = (int64_t)(next() % 50);
		size_t n = 1 + next() % 12;
		struct alloc_area a[12], b[12];
		for (size_t i = 0; i < n; i++) {
			a[i].id = (int64_t)(i * 7 + next() % 5 + 1) * 10 + (int64_t)i;
			for (int t = 0; t < ALLOC_TERMS; t++)
				a[i].count[t] =
					next() % 3 ? (int64_t)(next() % ALLOC_COUNT_MAX) : 0;
		}
		int64_t amount = (int64_t)(next() % 10000000000000ULL);
		int64_t floor = next() % 2 ? amount / (int64_t)n / (int64_t)(1 + next() % 5) : 0;
		struct alloc_share s[12], r[12];
		struct xy_err e;
		assert_int_equal(alloc_split(amount, floor, &w, a, n, s, &e), XY_OK);
		int64_t sum = 0, total = 0;
		for (size_t i = 0; i < n; i++) {
			sum += s[i].amount_fen;
			total += s[i].score;
			assert_true(s[i].amount_fen >= floor);
			assert_true(s[i].extra_fen == 0 || s[i].extra_fen == 1);
		}
		assert_int_equal(sum, amount);
		/* within a fen of the exact quota */
		for (size_t i = 0; i < n && total; i++) {
			__int128 exact = (__int128)(amount - floor * (int64_t)n) * s[i].score;
			__int128 got = (__int128)(s[i].amount_fen - floor) * total;
			assert_true(got <= exact + total && got >= exact - total);
		}
		/* reversed order, same amounts per id */
		for (size_t i = 0; i < n; i++)
			b[i] = a[n - 1 - i];
		assert_int_equal(alloc_split(amount, floor, &w, b, n, r, &e), XY_OK);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(r[n - 1 - i].amount_fen, s[i].amount_fen);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weights_and_names),    cmocka_unit_test(test_hand_computed),
		cmocka_unit_test(test_ties_and_zero_scores), cmocka_unit_test(test_errors),
		cmocka_unit_test(test_random_properties),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
