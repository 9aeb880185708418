/* Tests for src/engine/pabulib.c: reading (quotes, CRLF, byte order mark, "none", decimal
 * commas, scaled amounts), faults with their line numbers, writing and reading back, and every
 * real instance in ../shared/data/pabulib/ against the outcomes given there for every rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "engine/pabulib.h"

#define SHARED_DIR "../shared/data/pabulib/"

static const char small[] = "\xEF\xBB\xBFMETA\r\n"
			    "key;value\r\n"
			    "description;\"A \"\"small\"\" test; with semicolon\"\r\n"
			    "budget;100,5\r\n"
			    "vote_type;approval\r\n"
			    "\r\n"
			    "PROJECTS\r\n"
			    "project_id;cost;name;category\r\n"
			    "1;50.25;First;none\r\n"
			    "10;50;\"Second; quoted\";green\r\n"
			    "9;0.0;Free\r\n"
			    "VOTES\r\n"
			    "voter_id;vote;age\r\n"
			    "a;1,10;30\r\n"
			    "b; 9 ;none\r\n"
			    "c;;41\r\n";

static void test_parse_small(void **state)
{
	(void)state;
	struct pabulib pb;
	struct xy_err e;
	assert_int_equal(pabulib_parse(small, sizeof small - 1, &pb, &e), XY_OK);
	assert_string_equal(pabulib_meta(&pb, "description"), "A \"small\" test; with semicolon");
	assert_null(pabulib_meta(&pb, "missing"));
	assert_int_equal(pb.vote_type, PABULIB_APPROVAL);
	assert_int_equal(pb.decimals, 2);
	assert_int_equal(pb.inst.unit, 100);
	assert_int_equal(pb.inst.budget, 10050);
	assert_int_equal(pb.inst.nprojects, 3);
	assert_string_equal(pb.inst.project_id[1], "10");
	assert_int_equal(pb.inst.cost[0], 5025);
	assert_int_equal(pb.inst.cost[1], 5000);
	assert_int_equal(pb.inst.cost[2], 0);
	assert_int_equal(pb.projects.ncols, 4);
	int cname = pabulib_col(&pb.projects, "name"), ccat = pabulib_col(&pb.projects, "category");
	assert_string_equal(pb.projects.cells[1 * 4 + cname], "Second; quoted");
	assert_null(pb.projects.cells[0 * 4 + ccat]);
	assert_null(pb.projects.cells[2 * 4 + ccat]); /* a short row */
	assert_int_equal(pb.inst.nvoters, 3);
	assert_int_equal(pb.inst.ballot_start[1], 2);
	assert_int_equal(pb.inst.ballot_project[1], 1);
	assert_int_equal(pb.inst.ballot_project[2], 2);
	assert_int_equal(pb.inst.ballot_start[3], 3); /* c voted for nothing */
	assert_null(pb.inst.points);
	assert_int_equal(pabulib_col(&pb.votes, "age"), 2);
	assert_int_equal(pabulib_col(&pb.votes, "nope"), -1);
	pabulib_release(&pb);
}

static void test_parse_points(void **state)
{
	(void)state;
	static const char f[] = "META\nkey;value\nbudget;10\nvote_type;cumulative\n"
				"PROJECTS\nproject_id;cost\nx;5\ny;5\n"
				"VOTES\nvoter_id;vote;points\n1;x,y;3,2\n2;y;5\n";
	struct pabulib pb;
	struct xy_err e;
	assert_int_equal(pabulib_parse(f, sizeof f - 1, &pb, &e), XY_OK);
	assert_int_equal(pb.vote_type, PABULIB_CUMULATIVE);
	assert_non_null(pb.inst.points);
	assert_int_equal(pb.inst.points[0], 3);
	assert_int_equal(pb.inst.points[1], 2);
	assert_int_equal(pb.inst.points[2], 5);
	pabulib_release(&pb);
}

/* Each malformed file and the line its fault is reported on. */
static void test_parse_faults(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		size_t line;
		const char *words;
	} cases[] = {
		{ "META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n"
		  "1;5\nVOTES\nvoter_id;vote\nv;1,2\n",
		  10, "unknown project" },
		{ "META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n"
		  "1;five\n",
		  7, "cost" },
		{ "META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n"
		  "1;5\n1;6\n",
		  8, "twice" },
		{ "META\nkey;value\ndescription;\"open\nbudget;10\n", 3, "quoted" },
		{ "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;5\n", 1, "vote_type" },
		{ "META\nkey;value\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;5\n", 1,
		  "budget" },
		{ "META\nkey;value\nbudget;ten\nvote_type;approval\nPROJECTS\nproject_id;cost\n", 1,
		  "budget" },
		{ "META\nkey;value\nbudget;10\nvote_type;cumulative\nPROJECTS\nproject_id;cost\n"
		  "1;5\nVOTES\nvoter_id;vote;points\nv;1;1,2\n",
		  10, "points" },
		{ "META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n"
		  "1;5;extra\n",
		  7, "more fields" },
		{ "hello\nMETA\n", 1, "before" },
		{ "META\nkey;value\nbudget;10\nvote_type;rankings\n", 1, "vote_type" },
		{ "META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nid;price\n1;5\n", 6,
		  "project_id" },
		{ "META\nkey;value\nbudget;1.1234567\nvote_type;approval\n"
		  "PROJECTS\nproject_id;cost\n",
		  1, "decimals" },
		{ "META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\n", 5, "header" },
		{ "", 1, "META" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct pabulib pb;
		struct xy_err e;
		enum xy_kind k = pabulib_parse(cases[i].text, strlen(cases[i].text), &pb, &e);
		if (k != XY_EINVALID || pb.line != cases[i].line ||
		    !strstr(e.message, cases[i].words))
			fail_msg("case %zu: kind %d line %zu: %s", i, (int)k, pb.line,
				 k ? e.message : "accepted");
		char want[32];
		snprintf(want, sizeof want, "line %zu: ", cases[i].line);
		assert_true(strncmp(e.message, want, strlen(want)) == 0);
		pabulib_release(&pb);
	}
}

static void test_amounts(void **state)
{
	(void)state;
	int64_t v;
	assert_true(pabulib_parse_amount("740793.05", 2, &v));
	assert_int_equal(v, 74079305);
	assert_true(pabulib_parse_amount("100000.0", 0, &v));
	assert_int_equal(v, 100000);
	assert_true(pabulib_parse_amount("1,5", 1, &v));
	assert_int_equal(v, 15);
	assert_false(pabulib_parse_amount("1.55", 1, &v));
	assert_false(pabulib_parse_amount("-1", 0, &v));
	assert_false(pabulib_parse_amount("1e3", 0, &v));
	assert_false(pabulib_parse_amount("", 0, &v));
	assert_false(pabulib_parse_amount("1.", 0, &v));
	assert_false(pabulib_parse_amount("99999999999999999999", 0, &v));
	char buf[32];
	pabulib_format_amount(74079305, 2, buf, sizeof buf);
	assert_string_equal(buf, "740793.05");
	pabulib_format_amount(1500, 2, buf, sizeof buf);
	assert_string_equal(buf, "15");
	pabulib_format_amount(1550, 2, buf, sizeof buf);
	assert_string_equal(buf, "15.5");
	pabulib_format_amount(7, 3, buf, sizeof buf);
	assert_string_equal(buf, "0.007");
}

static void test_write_read_back(void **state)
{
	(void)state;
	struct pabulib pb, back;
	struct xy_err e;
	assert_int_equal(pabulib_parse(small, sizeof small - 1, &pb, &e), XY_OK);
	char *out;
	size_t len;
	assert_int_equal(pabulib_write(&pb, 1 << 20, &out, &len, &e), XY_OK);
	assert_int_equal(strlen(out), len);
	assert_non_null(strstr(out, "\"A \"\"small\"\" test; with semicolon\""));
	assert_int_equal(pabulib_parse(out, len, &back, &e), XY_OK);
	assert_int_equal(back.nmeta, pb.nmeta);
	for (size_t i = 0; i < pb.nmeta; i++) {
		assert_string_equal(back.meta_key[i], pb.meta_key[i]);
		assert_string_equal(back.meta_value[i], pb.meta_value[i]);
	}
	const struct pabulib_table *t[2] = { &pb.projects, &pb.votes },
				   *u[2] = { &back.projects, &back.votes };
	for (int s = 0; s < 2; s++) {
		assert_int_equal(u[s]->nrows, t[s]->nrows);
		assert_int_equal(u[s]->ncols, t[s]->ncols);
		for (size_t c = 0; c < t[s]->nrows * t[s]->ncols; c++)
			if (t[s]->cells[c] || u[s]->cells[c])
				assert_string_equal(u[s]->cells[c], t[s]->cells[c]);
	}
	assert_int_equal(back.inst.budget, pb.inst.budget);
	free(out);
	assert_int_equal(pabulib_write(&pb, 20, &out, &len, &e), XY_ETOOBIG);
	assert_null(out);
	pabulib_release(&back);
	pabulib_release(&pb);
}

/* ---- the real instances -------------------------------------------------------------------------
 */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *b = malloc(cap);
	size_t got;
	while ((got = fread(b + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap)
			b = realloc(b, cap *= 2);
	}
	fclose(f);
	*len = n;
	return b;
}

/* Every rule given in outcomes.json for every instance: the chosen set, its cost and the order
 * of selection must be those of the reference. */
static void test_real_instances(void **state)
{
	(void)state;
	json_error_t je;
	json_t *root = json_load_file(SHARED_DIR "outcomes.json", 0, &je);
	if (!root)
		fail_msg("cannot read %soutcomes.json (the shared data must sit at ../shared)",
			 SHARED_DIR);
	json_t *insts = json_object_get(root, "instances");
	const char *file;
	json_t *inst;
	int checked = 0;
	json_object_foreach(insts, file, inst)
	{
		char path[512];
		snprintf(path, sizeof path, SHARED_DIR "%s", file);
		size_t len = 0;
		char *buf = slurp(path, &len);
		assert_non_null(buf);
		struct pabulib pb;
		struct xy_err e;
		if (pabulib_parse(buf, len, &pb, &e) != XY_OK)
			fail_msg("%s: %s", file, e.message);
		assert_int_equal(pb.inst.nvoters,
				 json_integer_value(json_object_get(inst, "num_voters")));
		assert_int_equal(pb.inst.nprojects,
				 json_integer_value(json_object_get(inst, "num_projects")));
		const char *rule;
		json_t *want;
		json_object_foreach(json_object_get(inst, "results"), rule, want)
		{
			struct pb_rule r;
			struct pb_result res;
			assert_true(pb_rule_parse(rule, &r));
			assert_int_equal(pb_run(&pb.inst, &r, &res, &e), XY_OK);
			json_t *order = json_object_get(want, "selection_order");
			bool same = res.nselected == json_array_size(order);
			for (size_t i = 0; same && i < res.nselected; i++)
				same = strcmp(pb.inst.project_id[res.selected[i]],
					      json_string_value(json_array_get(order, i))) == 0;
			if (!same)
				fail_msg("%s %s: the selection differs from the reference", file,
					 rule);
			/* total_cost is in currency units */
			json_t *tc = json_object_get(want, "total_cost");
			double unit = (double)pb.inst.unit;
			int64_t want_cost = json_is_integer(tc)
						    ? json_integer_value(tc) * pb.inst.unit
						    : (int64_t)(json_real_value(tc) * unit + 0.5);
			assert_int_equal(res.total_cost, want_cost);
			pb_result_release(&res);
			checked++;
		}
		pabulib_release(&pb);
		free(buf);
	}
	json_decref(root);
	assert_true(checked >= 40);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_small),     cmocka_unit_test(test_parse_points),
		cmocka_unit_test(test_parse_faults),    cmocka_unit_test(test_amounts),
		cmocka_unit_test(test_write_read_back), cmocka_unit_test(test_real_instances),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
