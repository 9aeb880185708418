/* Tests for src/engine/text_norm.c (folding) and src/engine/search_rank.c (relevance and
 * snippets). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/search_rank.h"
#include "engine/text_norm.h"

static int setup(void **state)
{
	(void)state;
	struct xy_err e = { 0 };
	return text_norm_init(&e) == XY_OK ? 0 : -1;
}

/* text_fold of s as a static string. */
static const char *fold(const char *s)
{
	static char out[4096];
	text_fold(s, strlen(s), out, NULL);
	return out;
}

static void test_traditional_to_simplified(void **state)
{
	(void)state;
	assert_string_equal(fold("九眼橋社區的路燈壞了"), "九眼桥社区的路灯坏了");
	assert_string_equal(fold("垃圾分類"), "垃圾分类");
	assert_string_equal(fold("頭髮 發展 後來"), "头发发展后来");
	/* simplified text stays as it is */
	assert_string_equal(fold("九眼桥社区的路灯坏了"), "九眼桥社区的路灯坏了");
	/* one character at a time: 乾 folds the same in 乾隆 and 乾燥 */
	assert_string_equal(fold("乾隆乾燥"), "干隆干燥");
}

static void test_width_case_spaces(void **state)
{
	(void)state;
	assert_string_equal(fold("ＡＢＣ１２３％，"), "abc123%,");
	assert_string_equal(fold("Hello World"), "helloworld");
	assert_string_equal(fold(" 九\t眼\n桥\u3000社\u00a0区\u200b "), "九眼桥社区");
	assert_string_equal(fold("【测试】\"*'_%"), "【测试】\"*'_%");
	assert_string_equal(fold(""), "");
	assert_string_equal(fold("   "), "");
}

static void test_invalid_bytes_are_dropped(void **state)
{
	(void)state;
	assert_string_equal(fold("a\xff"
				 "b\xe4\xb9"),
			    "ab");
	assert_string_equal(fold("\xc0\xaf"
				 "x"),
			    "x"); /* overlong */
	assert_string_equal(fold("\xed\xa0\x80"
				 "y"),
			    "y"); /* surrogate */
}

static void test_offsets(void **state)
{
	(void)state;
	const char *s = "Ａ 九眼橋";
	size_t n = strlen(s);
	char out[64];
	uint32_t src[64];
	size_t len = text_fold(s, n, out, src);
	assert_string_equal(out, "a九眼桥");
	assert_int_equal(len, 10);
	assert_int_equal(src[0], 0);          /* a <- Ａ (3 bytes) */
	assert_int_equal(src[1], 4);          /* 九: after the space */
	assert_int_equal(src[1 + 3 * 2], 10); /* 桥 <- 橋 */
	assert_int_equal(src[len], n);
}

/* Folding never lengthens text and folding twice changes nothing, for every character the
 * table knows. */
static void test_idempotent_and_not_longer(void **state)
{
	(void)state;
	for (uint32_t cp = 0x20; cp < 0x30000; cp++) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		char in[8], once[8], twice[8];
		size_t n = text_norm_encode(cp, in);
		size_t a = text_fold(in, n, once, NULL);
		size_t b = text_fold(once, a, twice, NULL);
		assert_true(a <= n);
		assert_int_equal(a, b);
		assert_memory_equal(once, twice, a);
	}
}

static void test_is_word(void **state)
{
	(void)state;
	assert_true(text_norm_is_word('a'));
	assert_true(text_norm_is_word('7'));
	assert_true(text_norm_is_word(0x4e5d)); /* 九 */
	assert_false(text_norm_is_word(','));
	assert_false(text_norm_is_word(0x3002)); /* 。 */
	assert_false(text_norm_is_word(0xff0c)); /* ， */
}

static void test_rank_title_weighs_more(void **state)
{
	(void)state;
	double title = search_rank_score("路灯坏了", "晚上很黑", "路灯");
	double body = search_rank_score("晚上很黑", "路灯坏了", "路灯");
	double twice = search_rank_score("晚上很黑", "路灯坏了，路灯不亮", "路灯");
	double none = search_rank_score("晚上很黑", "看不清", "路灯");
	assert_true(title > body);
	assert_true(twice > body);
	assert_true(none == 0);
	/* a shorter text with the same matches ranks higher */
	assert_true(search_rank_score("路灯", "", "路灯") >
		    search_rank_score("小区三栋门口的路灯", "", "路灯"));
}

static void test_snippet_marks_in_original_writing(void **state)
{
	(void)state;
	char *s = search_snippet("九眼橋路燈壞了", "九眼橋社區晶藍半島3棟門口的路燈壞了，路燈不亮",
				 "路灯");
	assert_string_equal(s, "九眼橋社區晶藍半島3棟門口的【路燈】壞了，【路燈】不亮");
	free(s);
	/* only the title matches: the whole title */
	s = search_snippet("九眼橋路燈壞了", "晚上很黑", "九眼桥");
	assert_string_equal(s, "【九眼橋】路燈壞了");
	free(s);
	/* full-width and case */
	s = search_snippet("t", "请修理ＷｉＦｉ路由器", "wifi");
	assert_string_equal(s, "请修理【ＷｉＦｉ】路由器");
	free(s);
	/* a match across a space, marks of the text itself, line breaks */
	s = search_snippet("t", "【通知】九眼 桥\n社区", "九眼桥");
	assert_string_equal(s, "〔通知〕【九眼 桥】 社区");
	free(s);
}

static void test_snippet_window(void **state)
{
	(void)state;
	char desc[1024];
	size_t o = 0;
	for (int i = 0; i < 40; i++)
		o += (size_t)snprintf(desc + o, sizeof desc - o, "一");
	o += (size_t)snprintf(desc + o, sizeof desc - o, "路灯");
	for (int i = 0; i < 80; i++)
		o += (size_t)snprintf(desc + o, sizeof desc - o, "二");
	char *s = search_snippet("t", desc, "路灯");
	assert_true(strncmp(s, "…", strlen("…")) == 0);
	assert_non_null(strstr(s, "一一一【路灯】二二"));
	assert_true(strcmp(s + strlen(s) - strlen("…"), "…") == 0);
	free(s);
	/* no match at all (not found by this folding): the start of the description */
	s = search_snippet("t", "abc", "xyz");
	assert_string_equal(s, "abc");
	free(s);
	s = search_snippet(NULL, NULL, "xyz");
	assert_string_equal(s, "");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_traditional_to_simplified),
		cmocka_unit_test(test_width_case_spaces),
		cmocka_unit_test(test_invalid_bytes_are_dropped),
		cmocka_unit_test(test_offsets),
		cmocka_unit_test(test_idempotent_and_not_longer),
		cmocka_unit_test(test_is_word),
		cmocka_unit_test(test_rank_title_weighs_more),
		cmocka_unit_test(test_snippet_marks_in_original_writing),
		cmocka_unit_test(test_snippet_window),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
