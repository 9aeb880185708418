/* Tests for src/core/mask.c: how phone numbers and names look to roles that may not see them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/mask.h"
#include "core/text.h"

static void phone_is(const char *in, const char *want)
{
	char out[64];
	memset(out, 'Z', sizeof out);
	mask_phone(in, out, sizeof out);
	assert_string_equal(out, want);
}

static void name_is(const char *in, const char *want)
{
	char out[64];
	memset(out, 'Z', sizeof out);
	mask_name(in, out, sizeof out);
	assert_string_equal(out, want);
	assert_true(text_utf8_len(out, strlen(out)) >= 0);
}

/* Digits of in that also appear, at the same distance from the start or the end, in out: an
 * upper bound of what the mask gives away. */
static int digits_shown(const char *in, const char *out)
{
	size_t li = strlen(in), lo = strlen(out);
	int shown = 0;
	for (size_t i = 0; i < li; i++) {
		if (in[i] < '0' || in[i] > '9')
			continue;
		size_t from_end = li - 1 - i;
		bool head = i < lo && out[i] == in[i];
		bool tail = from_end < lo && out[lo - 1 - from_end] == in[i];
		shown += head || tail;
	}
	return shown;
}

/* ---- mask_phone ----------------------------------------------------------------------- */

static void test_phone_mobile(void **state)
{
	(void)state;
	phone_is("13812345678", "138****5678");
	phone_is("15900001111", "159****1111");
}

static void test_phone_international(void **state)
{
	(void)state;
	phone_is("+8613812345678", "+86****5678");
}

static void test_phone_with_separators(void **state)
{
	(void)state;
	phone_is("028-86123456", "028****3456");
}

static void test_phone_short_keeps_first_and_last(void **state)
{
	(void)state;
	phone_is("12345", "1***5");
	phone_is("1234567", "1***7");
	phone_is("95", "9***5");
}

/* A Chengdu landline has 8 digits: "138****5678"-style masking would show 7 of them. */
static void test_phone_landline_8_digits(void **state)
{
	(void)state;
	char out[64];
	mask_phone("86123456", out, sizeof out);
	int shown = digits_shown("86123456", out);
	if (shown > 2)
		fail_msg("mask_phone(\"86123456\") = \"%s\" shows %d of its 8 digits", out, shown);
	assert_string_equal(out, "8***6");
}

static void test_phone_mobile_hides_four(void **state)
{
	(void)state;
	char out[64];
	mask_phone("13812345678", out, sizeof out);
	assert_int_equal(digits_shown("13812345678", out), 7);
	assert_null(strstr(out, "1234"));
}

static void test_phone_tiny(void **state)
{
	(void)state;
	phone_is("1", "***");
	phone_is("", "***");
}

static void test_phone_buffer_cap(void **state)
{
	(void)state;
	char out[8];
	memset(out, 'Z', sizeof out);
	mask_phone("13812345678", out, 5);
	assert_string_equal(out, "138*");
	assert_int_equal(out[5], 'Z');
	memset(out, 'Z', sizeof out);
	mask_phone("13812345678", out, 0);
	assert_int_equal(out[0], 'Z');
	mask_phone("12345", out, 1);
	assert_string_equal(out, "");
}

/* ---- mask_name ------------------------------------------------------------------------ */

static void test_name_chinese(void **state)
{
	(void)state;
	name_is("张小明", "张**");
	name_is("张三", "张*");
	name_is("欧阳娜娜", "欧***");
}

static void test_name_at_most_three_stars(void **state)
{
	(void)state;
	name_is("爱新觉罗溥仪", "爱***");
	name_is("Christopher", "C***");
}

static void test_name_one_character(void **state)
{
	(void)state;
	name_is("张", "张");
	name_is("A", "A");
}

static void test_name_latin(void **state)
{
	(void)state;
	name_is("Li", "L*");
	name_is("Ann", "A**");
	name_is("Zoë", "Z**");
	name_is("Émile", "É***");
}

static void test_name_four_byte_first(void **state)
{
	(void)state;
	name_is("\xf0\xa0\x80\x80小明", "\xf0\xa0\x80\x80**"); /* U+20000, a CJK Ext. B character */
}

static void test_name_empty(void **state)
{
	(void)state;
	name_is("", "");
}

static void test_name_hides_rest(void **state)
{
	(void)state;
	char out[64];
	mask_name("张小明", out, sizeof out);
	assert_null(strstr(out, "小"));
	assert_null(strstr(out, "明"));
}

static void test_name_buffer_zero(void **state)
{
	(void)state;
	char out[4];
	memset(out, 'Z', sizeof out);
	mask_name("张小明", out, 0);
	assert_int_equal(out[0], 'Z');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phone_mobile),
		cmocka_unit_test(test_phone_international),
		cmocka_unit_test(test_phone_with_separators),
		cmocka_unit_test(test_phone_short_keeps_first_and_last),
		cmocka_unit_test(test_phone_landline_8_digits),
		cmocka_unit_test(test_phone_mobile_hides_four),
		cmocka_unit_test(test_phone_tiny),
		cmocka_unit_test(test_phone_buffer_cap),
		cmocka_unit_test(test_name_chinese),
		cmocka_unit_test(test_name_at_most_three_stars),
		cmocka_unit_test(test_name_one_character),
		cmocka_unit_test(test_name_latin),
		cmocka_unit_test(test_name_four_byte_first),
		cmocka_unit_test(test_name_empty),
		cmocka_unit_test(test_name_hides_rest),
		cmocka_unit_test(test_name_buffer_zero),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
