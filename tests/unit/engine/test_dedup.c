/* Tests for src/engine/dedup.c: the canonical text, conflicts, the score and the band keys;
 * and the quality set tests/data/dup_pairs.tsv (precision and recall at the default
 * threshold, docs/search.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/dedup.h"
#include "engine/text_norm.h"

#define PAIRS_FILE "tests/data/dup_pairs.tsv"

static int setup(void **state)
{
	(void)state;
	struct xy_err e = { 0 };
	return text_norm_init(&e) == XY_OK ? 0 : -1;
}

static char *fold(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(n + 1);
	text_fold(s, n, out, NULL);
	return out;
}

/* A doc of raw title and description. */
static struct dedup_doc *doc(const char *title, const char *desc, const char *category,
			     int64_t compound)
{
	struct dedup_doc *d = malloc(sizeof *d);
	char *t = fold(title), *b = fold(desc);
	dedup_doc_build(d, t, b, category, compound);
	free(t);
	free(b);
	return d;
}

static double score(const char *ta, const char *da, const char *tb, const char *db)
{
	struct dedup_doc *a = doc(ta, da, NULL, 0), *b = doc(tb, db, NULL, 0);
	double s = dedup_score(a, b, NULL);
	assert_true(s == dedup_score(b, a, NULL)); /* symmetric */
	free(a);
	free(b);
	return s;
}

static const char *canon(const char *title, const char *desc)
{
	static char out[1024];
	char *t = fold(title), *b = fold(desc);
	dedup_canonical(t, b, out, sizeof out);
	free(t);
	free(b);
	return out;
}

static void test_canonical_numbers_and_words(void **state)
{
	(void)state;
	assert_string_equal(canon("五号楼电梯坏了", "二十三栋的老年人"), "5栋电梯坏|23栋老人");
	assert_string_equal(canon("一楼", "6栋一楼，十二层"), "1层|6栋1层|12层");
	/* a number without a unit stays as written */
	assert_string_equal(canon("三次", "十几位"), "三次|十几位");
	assert_string_equal(canon("摄像头", "监控探头"), "监控|监控监控");
}

static void test_identical_and_empty(void **state)
{
	(void)state;
	const char *t = "3栋门口路灯坏了", *d = "晶蓝半岛3栋门口的路灯坏了一个多星期，晚上很黑。";
	assert_true(score(t, d, t, d) >= 0.999);
	assert_true(score("", "", t, d) == 0);
	assert_true(score("，。！", "？？", t, d) == 0);
	/* Traditional folds to the same text */
	assert_true(score(t, d, "3棟門口路燈壞了",
			  "晶藍半島3棟門口的路燈壞了一個多星期，晚上很黑。") >= 0.999);
}

static void test_conflicts_lower_the_score(void **state)
{
	(void)state;
	const char *d = "世纪朝阳%s的%s这个月已经坏了三次了，老人小孩都不敢用，希望彻底检修。";
	char a[256], b[256], c[256];
	snprintf(a, sizeof a, d, "5栋", "电梯");
	snprintf(b, sizeof b, d, "2栋", "电梯"); /* another building */
	snprintf(c, sizeof c, d, "5栋", "门禁"); /* another thing */
	double same = score("电梯", a, "电梯", a);
	double place = score("电梯", a, "电梯", b);
	double thing = score("电梯", a, "门禁", c);
	assert_true(place < dedup_defaults.threshold);
	assert_true(thing < dedup_defaults.threshold);
	assert_true(place < same && thing < same);
	/* a stretch replaced by an unknown one (上门理发 / 上门洗衣) */
	double swap = score("希望提供上门理发", "行动不便的老人出不了门，希望组织志愿者上门理发。",
			    "希望提供上门洗衣", "行动不便的老人出不了门，希望组织志愿者上门洗衣。");
	assert_true(swap < dedup_defaults.threshold);
	/* a typo of one character is not a replacement */
	double typo = score("希望提供上门理发", "行动不便的老人出不了门，希望组织志愿者上门理发。",
			    "希望提供上门理法", "行动不便的老人出不了门，希望组织志原者上门理发。");
	assert_true(typo >= dedup_defaults.threshold);
}

static void test_category_and_compound_raise(void **state)
{
	(void)state;
	const char *t = "希望开办老年食堂", *d = "小区独居老人多，自己做饭不方便。";
	const char *t2 = "老人吃饭难", *d2 = "我们这里好多空巢老人自己做饭很困难，盼建助餐点。";
	struct dedup_doc *a = doc(t, d, "elderly", 7), *b = doc(t2, d2, "elderly", 7);
	struct dedup_doc *c = doc(t2, d2, "medical", 8);
	double both = dedup_score(a, b, NULL), neither = dedup_score(a, c, NULL);
	assert_true(both > neither);
	assert_true(both - neither <=
		    dedup_defaults.same_category + dedup_defaults.same_compound + 1e-6);
	assert_true(both <= 1.0);
	free(a);
	free(b);
	free(c);
}

static void test_bands(void **state)
{
	(void)state;
	struct dedup_doc *a = doc("3栋门口路灯坏了", "晚上很黑，希望尽快维修。", NULL, 0);
	struct dedup_doc *b = doc("3栋门口路灯坏了", "晚上很黑，希望尽快维修。", NULL, 0);
	struct dedup_doc *empty = doc("，", "", NULL, 0);
	int64_t ka[DEDUP_BANDS], kb[DEDUP_BANDS], kc[DEDUP_BANDS];
	assert_int_equal(dedup_bands(a, 5, ka), DEDUP_BANDS);
	assert_int_equal(dedup_bands(b, 5, kb), DEDUP_BANDS);
	assert_memory_equal(ka, kb, sizeof ka);
	for (int i = 0; i < DEDUP_BANDS; i++)
		assert_true(ka[i] >= 0);
	/* another community: other keys */
	assert_int_equal(dedup_bands(a, 6, kc), DEDUP_BANDS);
	for (int i = 0; i < DEDUP_BANDS; i++)
		assert_true(ka[i] != kc[i]);
	assert_int_equal(dedup_bands(empty, 5, kc), 0);
	free(a);
	free(b);
	free(empty);
}

static void test_long_text(void **state)
{
	(void)state;
	size_t n = 2100 * 3;
	char *t = malloc(n + 1);
	for (size_t i = 0; i < n; i += 3)
		memcpy(t + i, (i / 3) % 2 ? "灯" : "路", 3); /* 路灯路灯... */
	t[n] = '\0';
	struct dedup_doc *a = malloc(sizeof *a);
	dedup_doc_build(a, "标题", t, NULL, 0);
	assert_true(a->n > 0 && a->n <= DEDUP_FEATURES_MAX);
	assert_true(dedup_score(a, a, NULL) >= 0.999);
	free(a);
	free(t);
}

/* ---- the quality set ----------------------------------------------------------------------- */

struct tally {
	int tp, fp, fn, tn, found; /* found: true positives whose candidates share a band */
};

static void tally_print(const char *name, const struct tally *t)
{
	double p = t->tp + t->fp ? (double)t->tp / (t->tp + t->fp) : 0;
	double r = t->tp + t->fn ? (double)t->tp / (t->tp + t->fn) : 0;
	print_message("dup_pairs %-9s pairs %4d  precision %.3f  recall %.3f  "
		      "(tp %d fp %d fn %d tn %d; with LSH candidates recall %.3f)\n",
		      name, t->tp + t->fp + t->fn + t->tn, p, r, t->tp, t->fp, t->fn, t->tn,
		      t->tp + t->fn ? (double)t->found / (t->tp + t->fn) : 0);
}

static void test_quality_set(void **state)
{
	(void)state;
	FILE *f = fopen(PAIRS_FILE, "r");
	if (!f)
		fail_msg("cannot open %s (run the tests from the repository root)", PAIRS_FILE);
	static const char *splits[] = { "dev", "test", "holdout", "holdout2" };
	struct tally all = { 0 }, per[4] = { { 0 } };
	char line[8192];
	int pairs = 0;
	struct dedup_doc *a = malloc(sizeof *a), *b = malloc(sizeof *b);
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '#' || strncmp(line, "id\t", 3) == 0)
			continue;
		line[strcspn(line, "\r\n")] = '\0';
		char *col[10];
		int n = 0;
		for (char *p = line; n < 10;) {
			col[n++] = p;
			char *tab = strchr(p, '\t');
			if (!tab)
				break;
			*tab = '\0';
			p = tab + 1;
		}
		assert_int_equal(n, 10);
		char *fa = fold(col[5]), *da = fold(col[6]), *fb = fold(col[8]),
		     *dbx = fold(col[9]);
		dedup_doc_build(a, fa, da, col[4], 0);
		dedup_doc_build(b, fb, dbx, col[7], 0);
		bool label = col[2][0] == '1';
		bool said = dedup_score(a, b, NULL) >= dedup_defaults.threshold;
		int64_t ka[DEDUP_BANDS], kb[DEDUP_BANDS];
		int na = dedup_bands(a, 1, ka), nb = dedup_bands(b, 1, kb);
		bool shared = false;
		for (int i = 0; i < na && i < nb; i++)
			shared = shared || ka[i] == kb[i];
		int s = 0;
		while (s < 4 && strcmp(splits[s], col[1]) != 0)
			s++;
		assert_true(s < 4);
		struct tally *t[2] = { &all, &per[s] };
		for (int k = 0; k < 2; k++) {
			t[k]->tp += label && said;
			t[k]->fp += !label && said;
			t[k]->fn += label && !said;
			t[k]->tn += !label && !said;
			t[k]->found += label && said && shared;
		}
		pairs++;
		free(fa);
		free(da);
		free(fb);
		free(dbx);
	}
	fclose(f);
	free(a);
	free(b);
	for (int s = 0; s < 4; s++)
		tally_print(splits[s], &per[s]);
	tally_print("all", &all);
	assert_true(pairs >= 600);
	double precision = (double)all.tp / (all.tp + all.fp);
	double recall = (double)all.tp / (all.tp + all.fn);
	double found = (double)all.found / (all.tp + all.fn);
	assert_true(precision >= 0.90);
	assert_true(recall >= 0.85);
	assert_true(found >= 0.85); /* as the server finds them: through the band keys */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical_numbers_and_words),
		cmocka_unit_test(test_identical_and_empty),
		cmocka_unit_test(test_conflicts_lower_the_score),
		cmocka_unit_test(test_category_and_compound_raise),
		cmocka_unit_test(test_bands),
		cmocka_unit_test(test_long_text),
		cmocka_unit_test(test_quality_set),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
