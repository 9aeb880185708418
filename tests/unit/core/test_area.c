/* Tests for src/core/area.c: area kinds, which kind sits under which, materialised paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/area.h"

/* ---- kinds ---------------------------------------------------------------------------- */

static void test_kind_round_trip(void **state)
{
	(void)state;
	static const char *const want[AREA_KIND_COUNT] = {
		"province", "city", "district", "street", "community", "compound",
	};
	for (int k = 0; k < AREA_KIND_COUNT; k++) {
		assert_string_equal(area_kind_name((enum area_kind)k), want[k]);
		assert_int_equal(area_kind_parse(want[k]), k);
	}
}

static void test_kind_parse_unknown(void **state)
{
	(void)state;
	assert_int_equal(area_kind_parse(NULL), -1);
	assert_int_equal(area_kind_parse(""), -1);
	assert_int_equal(area_kind_parse("Province"), -1);
	assert_int_equal(area_kind_parse("courtyard"), -1);
	assert_int_equal(area_kind_parse("city "), -1);
	assert_string_equal(area_kind_name(AREA_KIND_COUNT), "unknown");
	assert_string_equal(area_kind_name((enum area_kind) - 1), "unknown");
}

static void test_child_root_only_province(void **state)
{
	(void)state;
	assert_true(area_kind_child_ok(-1, AREA_PROVINCE));
	for (int k = AREA_CITY; k < AREA_KIND_COUNT; k++)
		assert_false(area_kind_child_ok(-1, (enum area_kind)k));
}

static void test_child_chain(void **state)
{
	(void)state;
	assert_true(area_kind_child_ok(AREA_PROVINCE, AREA_CITY));
	assert_true(area_kind_child_ok(AREA_CITY, AREA_DISTRICT));
	assert_true(area_kind_child_ok(AREA_DISTRICT, AREA_STREET));
	assert_true(area_kind_child_ok(AREA_STREET, AREA_COMMUNITY));
	assert_true(area_kind_child_ok(AREA_COMMUNITY, AREA_COMPOUND));
}

static void test_child_refusals(void **state)
{
	(void)state;
	assert_false(area_kind_child_ok(AREA_PROVINCE, AREA_PROVINCE));
	assert_false(area_kind_child_ok(AREA_PROVINCE, AREA_DISTRICT));
	assert_false(area_kind_child_ok(AREA_DISTRICT, AREA_COMMUNITY));
	assert_false(area_kind_child_ok(AREA_STREET, AREA_COMPOUND));
	assert_false(area_kind_child_ok(AREA_CITY, AREA_PROVINCE));
	assert_false(area_kind_child_ok(AREA_COMPOUND, AREA_COMMUNITY));
	for (int k = 0; k < AREA_KIND_COUNT; k++)
		assert_false(area_kind_child_ok(AREA_COMPOUND, (enum area_kind)k));
}

static void test_child_sweep(void **state)
{
	(void)state;
	for (int parent = -1; parent < AREA_KIND_COUNT; parent++)
		for (int child = 0; child < AREA_KIND_COUNT; child++) {
			bool want = parent < 0 ? child == AREA_PROVINCE : child == parent + 1;
			assert_int_equal(area_kind_child_ok(parent, (enum area_kind)child), want);
		}
}

/* ---- area_path_make ------------------------------------------------------------------- */

static void test_make_root_and_child(void **state)
{
	(void)state;
	char p[AREA_PATH_MAX];
	assert_int_equal(area_path_make(NULL, 1, p, sizeof p), 0);
	assert_string_equal(p, "/1/");
	char c[AREA_PATH_MAX];
	assert_int_equal(area_path_make(p, 4, c, sizeof c), 0);
	assert_string_equal(c, "/1/4/");
	assert_int_equal(area_path_make(c, 1234567, p, sizeof p), 0);
	assert_string_equal(p, "/1/4/1234567/");
}

static void test_make_big_id(void **state)
{
	(void)state;
	char p[AREA_PATH_MAX];
	assert_int_equal(area_path_make("/1/", INT64_MAX, p, sizeof p), 0);
	assert_string_equal(p, "/1/9223372036854775807/");
}

static void test_make_exact_fit(void **state)
{
	(void)state;
	char p[8];
	/* "/1/" needs 4 bytes with its NUL */
	assert_int_equal(area_path_make(NULL, 1, p, 4), 0);
	assert_string_equal(p, "/1/");
	assert_int_equal(area_path_make(NULL, 1, p, 3), -1);
	assert_int_equal(area_path_make("/1/", 22, p, 7), 0);
	assert_string_equal(p, "/1/22/");
	assert_int_equal(area_path_make("/1/", 22, p, 6), -1);
}

static void test_make_too_deep(void **state)
{
	(void)state;
	char a[AREA_PATH_MAX], b[AREA_PATH_MAX];
	assert_int_equal(area_path_make(NULL, 1000000000, a, sizeof a), 0);
	int rc = 0, levels = 1;
	while (rc == 0 && levels < 100) {
		rc = area_path_make(a, 1000000000, b, sizeof b);
		if (rc == 0) {
			memcpy(a, b, sizeof a);
			levels++;
		}
	}
	assert_int_equal(rc, -1);
	assert_true(strlen(a) < AREA_PATH_MAX);
	assert_int_equal(area_path_depth(a), levels);
}

/* ---- area_path_within ----------------------------------------------------------------- */

static void test_within_self_and_descendants(void **state)
{
	(void)state;
	assert_true(area_path_within("/1/", "/1/"));
	assert_true(area_path_within("/1/", "/1/4/"));
	assert_true(area_path_within("/1/", "/1/4/9/"));
	assert_true(area_path_within("/1/4/", "/1/4/9/"));
	assert_true(area_path_within("/", "/1/"));
	assert_true(area_path_within("/", "/"));
}

static void test_within_not_ancestors(void **state)
{
	(void)state;
	assert_false(area_path_within("/1/4/", "/1/"));
	assert_false(area_path_within("/1/4/9/", "/1/4/"));
	assert_false(area_path_within("/1/", "/"));
	assert_false(area_path_within("/1/4/", "/2/4/"));
}

static void test_within_prefix_trap(void **state)
{
	(void)state;
	assert_false(area_path_within("/1/", "/10/"));
	assert_false(area_path_within("/10/", "/1/"));
	assert_false(area_path_within("/1/", "/10/3/"));
	assert_false(area_path_within("/1/2/", "/1/23/"));
	assert_false(area_path_within("/1/23/", "/1/2/"));
	assert_false(area_path_within("/1/2/", "/1/23/4/"));
	assert_false(area_path_within("/12/", "/1/2/"));
	assert_false(area_path_within("/1/2/", "/12/"));
}

static void test_within_empty_ancestor(void **state)
{
	(void)state;
	assert_false(area_path_within("", "/1/"));
	assert_false(area_path_within("", ""));
}

/* ---- area_path_upper ------------------------------------------------------------------ */

static void test_upper_values(void **state)
{
	(void)state;
	char u[AREA_PATH_MAX];
	area_path_upper("/1/4/", u, sizeof u);
	assert_string_equal(u, "/1/40");
	area_path_upper("/1/", u, sizeof u);
	assert_string_equal(u, "/10");
	area_path_upper("/", u, sizeof u);
	assert_string_equal(u, "0");
}

/* The half-open range [p, upper(p)) must agree with area_path_within for every pair. */
static void test_upper_range_matches_within(void **state)
{
	(void)state;
	static const char *const paths[] = {
		"/",
		"/1/",
		"/1/2/",
		"/1/2/3/",
		"/1/23/",
		"/1/23/4/",
		"/10/",
		"/10/1/",
		"/100/",
		"/12/",
		"/2/",
		"/9/",
		"/1/9999/",
		"/1/2/3/45/",
		"/1/2/30/",
		"/1/0/",
		"/11/",
		"/1/2/39/",
		"/1/2/3/4/5/",
		"/1/2/3/4/50/",
		"/1/2/3/4/5/6/",
		"/1/2/3/4/50/6/",
	};
	const size_t n = sizeof paths / sizeof *paths;
	for (size_t i = 0; i < n; i++) {
		char up[AREA_PATH_MAX];
		area_path_upper(paths[i], up, sizeof up);
		for (size_t j = 0; j < n; j++) {
			bool in_range = strcmp(paths[j], paths[i]) >= 0 && strcmp(paths[j], up) < 0;
			bool within = area_path_within(paths[i], paths[j]);
			if (in_range != within)
				fail_msg("%s in [%s, %s): range says %d, within says %d", paths[j],
					 paths[i], up, in_range, within);
		}
	}
}

/* ---- area_path_depth ------------------------------------------------------------------ */

static void test_depth(void **state)
{
	(void)state;
	assert_int_equal(area_path_depth("/"), 0);
	assert_int_equal(area_path_depth(""), 0);
	assert_int_equal(area_path_depth("/1/"), 1);
	assert_int_equal(area_path_depth("/1/4/"), 2);
	assert_int_equal(area_path_depth("/1/4/9/"), 3);
	assert_int_equal(area_path_depth("/10/400/9000/1/2/3/"), 6);
}

/* ---- area_path_prefix ----------------------------------------------------------------- */

static void test_prefix_values(void **state)
{
	(void)state;
	char out[AREA_PATH_MAX];
	assert_int_equal(area_path_prefix("/1/4/9/", 2, out, sizeof out), 0);
	assert_string_equal(out, "/1/4/");
	assert_int_equal(area_path_prefix("/1/4/9/", 1, out, sizeof out), 0);
	assert_string_equal(out, "/1/");
	assert_int_equal(area_path_prefix("/1/4/9/", 3, out, sizeof out), 0);
	assert_string_equal(out, "/1/4/9/");
	assert_int_equal(area_path_prefix("/1/4/9/", 0, out, sizeof out), 0);
	assert_string_equal(out, "/");
	assert_int_equal(area_path_prefix("/12/345/6789/", 2, out, sizeof out), 0);
	assert_string_equal(out, "/12/345/");
}

static void test_prefix_too_shallow(void **state)
{
	(void)state;
	char out[AREA_PATH_MAX];
	assert_int_equal(area_path_prefix("/1/4/9/", 4, out, sizeof out), -1);
	assert_int_equal(area_path_prefix("/1/", 2, out, sizeof out), -1);
	assert_int_equal(area_path_prefix("/", 1, out, sizeof out), -1);
	assert_int_equal(area_path_prefix("", 0, out, sizeof out), -1);
}

static void test_prefix_buffer(void **state)
{
	(void)state;
	char out[8];
	memset(out, 'z', sizeof out);
	/* "/1/4/" needs 6 bytes */
	assert_int_equal(area_path_prefix("/1/4/9/", 2, out, 6), 0);
	assert_string_equal(out, "/1/4/");
	memset(out, 'z', sizeof out);
	assert_int_equal(area_path_prefix("/1/4/9/", 2, out, 5), -1);
	assert_int_equal(out[5], 'z');
}

static void test_prefix_depth_consistent(void **state)
{
	(void)state;
	const char *p = "/3/14/159/2653/58979/";
	int d = area_path_depth(p);
	assert_int_equal(d, 5);
	char prev[AREA_PATH_MAX] = "/";
	for (int i = 1; i <= d; i++) {
		char out[AREA_PATH_MAX];
		assert_int_equal(area_path_prefix(p, i, out, sizeof out), 0);
		assert_int_equal(area_path_depth(out), i);
		assert_true(area_path_within(out, p));
		assert_true(area_path_within(prev, out));
		memcpy(prev, out, sizeof prev);
	}
	assert_string_equal(prev, p);
}

/* A provider serves its own area and below, and the whole community it is registered in. */
static void test_provider_serves(void **state)
{
	(void)state;
	const char *street = "/1/2/3/4/", *comm = "/1/2/3/4/5/", *ca = "/1/2/3/4/5/6/",
		   *cb = "/1/2/3/4/5/7/", *other = "/1/2/3/4/8/", *oc = "/1/2/3/4/8/9/";
	assert_true(area_provider_serves(street, ca));    /* from above */
	assert_true(area_provider_serves(comm, ca));      /* from its community */
	assert_true(area_provider_serves(ca, ca));        /* its own compound */
	assert_true(area_provider_serves(ca, cb));        /* a neighbouring compound */
	assert_true(area_provider_serves(ca, comm));      /* the community itself */
	assert_false(area_provider_serves(ca, oc));       /* another community's compound */
	assert_false(area_provider_serves(other, ca));    /* another community */
	assert_false(area_provider_serves(comm, street)); /* not upwards beyond the community */
	assert_false(area_provider_serves(oc, street));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_round_trip),
		cmocka_unit_test(test_kind_parse_unknown),
		cmocka_unit_test(test_child_root_only_province),
		cmocka_unit_test(test_child_chain),
		cmocka_unit_test(test_child_refusals),
		cmocka_unit_test(test_child_sweep),
		cmocka_unit_test(test_make_root_and_child),
		cmocka_unit_test(test_make_big_id),
		cmocka_unit_test(test_make_exact_fit),
		cmocka_unit_test(test_make_too_deep),
		cmocka_unit_test(test_within_self_and_descendants),
		cmocka_unit_test(test_within_not_ancestors),
		cmocka_unit_test(test_within_prefix_trap),
		cmocka_unit_test(test_within_empty_ancestor),
		cmocka_unit_test(test_upper_values),
		cmocka_unit_test(test_upper_range_matches_within),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_prefix_values),
		cmocka_unit_test(test_prefix_too_shallow),
		cmocka_unit_test(test_prefix_buffer),
		cmocka_unit_test(test_prefix_depth_consistent),
		cmocka_unit_test(test_provider_serves),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
