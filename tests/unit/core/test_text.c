/* Tests for src/core/text.c: UTF-8 validation and the rules for usernames, phones and codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/text.h"

/* text_utf8_len over the whole string literal (which may hold NULs) without its final NUL. */
#define LEN(lit) text_utf8_len((lit), sizeof(lit) - 1)

/* ---- text_utf8_len: valid input ------------------------------------------------------- */

static void test_utf8_ascii(void **state)
{
	(void)state;
	assert_int_equal(LEN(""), 0);
	assert_int_equal(LEN("a"), 1);
	assert_int_equal(LEN("hello, world"), 12);
	assert_int_equal(LEN("~!@#$%^&*()_+{}|:\"<>?"), 21);
}

static void test_utf8_multibyte(void **state)
{
	(void)state;
	assert_int_equal(LEN("张小明"), 3);
	assert_int_equal(LEN("é"), 1);
	assert_int_equal(LEN("\xf0\x9f\x98\x80"), 1); /* U+1F600 */
	assert_int_equal(LEN("a张b\xf0\x9f\x98\x80"
			     "c"),
			 5);
	assert_int_equal(LEN("九眼桥社区·晶蓝半岛"), 10);
}

static void test_utf8_boundaries_valid(void **state)
{
	(void)state;
	assert_int_equal(LEN("\x7e"), 1);             /* ~, last printable ASCII */
	assert_int_equal(LEN("\xc2\x80"), 1);         /* U+0080, smallest 2-byte */
	assert_int_equal(LEN("\xdf\xbf"), 1);         /* U+07FF */
	assert_int_equal(LEN("\xe0\xa0\x80"), 1);     /* U+0800, smallest 3-byte */
	assert_int_equal(LEN("\xed\x9f\xbf"), 1);     /* U+D7FF, just below surrogates */
	assert_int_equal(LEN("\xee\x80\x80"), 1);     /* U+E000, just above surrogates */
	assert_int_equal(LEN("\xef\xbf\xbf"), 1);     /* U+FFFF */
	assert_int_equal(LEN("\xf0\x90\x80\x80"), 1); /* U+10000, smallest 4-byte */
	assert_int_equal(LEN("\xf4\x8f\xbf\xbf"), 1); /* U+10FFFF, the largest */
}

static void test_utf8_allowed_controls(void **state)
{
	(void)state;
	assert_int_equal(LEN("a\tb"), 3);
	assert_int_equal(LEN("line1\nline2"), 11);
	assert_int_equal(LEN("crlf\r\n"), 6);
}

static void test_utf8_counts_only_n(void **state)
{
	(void)state;
	const char *s = "张小明";
	assert_int_equal(text_utf8_len(s, 3), 1);
	assert_int_equal(text_utf8_len(s, 6), 2);
	assert_int_equal(text_utf8_len(s, 0), 0);
	/* n stopping inside a character is a truncated sequence */
	assert_int_equal(text_utf8_len(s, 2), -1);
	assert_int_equal(text_utf8_len(s, 4), -1);
}

/* ---- text_utf8_len: invalid input ----------------------------------------------------- */

static void test_utf8_overlongs(void **state)
{
	(void)state;
	assert_int_equal(LEN("\xc0\x80"), -1);         /* NUL as 2 bytes */
	assert_int_equal(LEN("\xc0\xaf"), -1);         /* '/' as 2 bytes */
	assert_int_equal(LEN("\xc1\xbf"), -1);         /* U+007F as 2 bytes */
	assert_int_equal(LEN("\xe0\x80\x80"), -1);     /* NUL as 3 bytes */
	assert_int_equal(LEN("\xe0\x80\xaf"), -1);     /* '/' as 3 bytes */
	assert_int_equal(LEN("\xe0\x9f\xbf"), -1);     /* U+07FF as 3 bytes */
	assert_int_equal(LEN("\xf0\x80\x80\x80"), -1); /* NUL as 4 bytes */
	assert_int_equal(LEN("\xf0\x8f\xbf\xbf"), -1); /* U+FFFF as 4 bytes */
	assert_int_equal(LEN("ok\xc0\x80ok"), -1);
}

static void test_utf8_surrogates(void **state)
{
	(void)state;
	assert_int_equal(LEN("\xed\xa0\x80"), -1); /* U+D800 */
	assert_int_equal(LEN("\xed\xad\xbf"), -1); /* U+DB7F */
	assert_int_equal(LEN("\xed\xb0\x80"), -1); /* U+DC00 */
	assert_int_equal(LEN("\xed\xbf\xbf"), -1); /* U+DFFF */
	/* a CESU-8 pair for U+1F600 */
	assert_int_equal(LEN("\xed\xa0\xbd\xed\xb8\x80"), -1);
}

static void test_utf8_above_max(void **state)
{
	(void)state;
	assert_int_equal(LEN("\xf4\x90\x80\x80"), -1); /* U+110000 */
	assert_int_equal(LEN("\xf4\xbf\xbf\xbf"), -1);
	assert_int_equal(LEN("\xf5\x80\x80\x80"), -1);
	assert_int_equal(LEN("\xf7\xbf\xbf\xbf"), -1);
	assert_int_equal(LEN("\xf8\x88\x80\x80\x80"), -1); /* old 5-byte form */
	assert_int_equal(LEN("\xfc\x84\x80\x80\x80\x80"), -1);
	assert_int_equal(LEN("\xfe"), -1);
	assert_int_equal(LEN("\xff"), -1);
}

static void test_utf8_stray_continuation(void **state)
{
	(void)state;
	assert_int_equal(LEN("\x80"), -1);
	assert_int_equal(LEN("\xbf"), -1);
	assert_int_equal(LEN("a\x80"), -1);
	assert_int_equal(LEN("张\xad"), -1);
}

static void test_utf8_truncated(void **state)
{
	(void)state;
	assert_int_equal(LEN("\xc3"), -1);
	assert_int_equal(LEN("\xe4\xb8"), -1);
	assert_int_equal(LEN("\xf0\x9f\x98"), -1);
	assert_int_equal(LEN("abc\xe4"), -1);
	/* a lead byte followed by something that is not a continuation */
	assert_int_equal(LEN("\xc3\x28"), -1);
	assert_int_equal(LEN("\xe4\x41\xad"), -1);
	assert_int_equal(LEN("\xe4\xb8\x41"), -1);
	assert_int_equal(LEN("\xf0\x9f\x98\x41"), -1);
	assert_int_equal(LEN("\xe4\xb8\xe4\xb8\xad"), -1);
}

static void test_utf8_controls(void **state)
{
	(void)state;
	assert_int_equal(LEN("a\x01"), -1);
	assert_int_equal(LEN("\x1f"), -1);
	assert_int_equal(LEN("\x1b[31m"), -1); /* ESC */
	assert_int_equal(LEN("\x7f"), -1);     /* DEL */
	assert_int_equal(LEN("\x0b"), -1);     /* VT */
	assert_int_equal(LEN("\x0c"), -1);     /* FF */
	assert_int_equal(LEN("\x08"), -1);     /* BS */
}

static void test_utf8_embedded_nul(void **state)
{
	(void)state;
	assert_int_equal(LEN("ab\0cd"), -1);
	assert_int_equal(LEN("\0"), -1);
	assert_int_equal(LEN("张\0"), -1);
}

/* ---- text_len_ok ---------------------------------------------------------------------- */

static void test_len_ok_counts_code_points(void **state)
{
	(void)state;
	assert_true(text_len_ok("张小明", 3, 3));
	assert_false(text_len_ok("张小明", 1, 2));
	assert_false(text_len_ok("张小明", 4, 10));
	assert_true(text_len_ok("abc", 0, 3));
	assert_true(text_len_ok("", 0, 0));
	assert_false(text_len_ok("", 1, 10));
}

static void test_len_ok_rejects_invalid(void **state)
{
	(void)state;
	assert_false(text_len_ok(NULL, 0, 100));
	assert_false(text_len_ok("\xff", 0, 100));
	assert_false(text_len_ok("tab\tok but bell \a is not", 0, 100));
	assert_true(text_len_ok("tab\tok", 0, 100));
	assert_false(text_len_ok("\xed\xa0\x80", 0, 100));
}

/* ---- text_is_code --------------------------------------------------------------------- */

static void test_is_code(void **state)
{
	(void)state;
	assert_true(text_is_code("elderly", 32));
	assert_true(text_is_code("low_income", 32));
	assert_true(text_is_code("a", 1));
	assert_true(text_is_code("tech2_education", 32));
	assert_false(text_is_code(NULL, 32));
	assert_false(text_is_code("", 32));
	assert_false(text_is_code("1abc", 32));
	assert_false(text_is_code("_abc", 32));
	assert_false(text_is_code("Abc", 32));
	assert_false(text_is_code("a-b", 32));
	assert_false(text_is_code("a b", 32));
	assert_false(text_is_code("a.b", 32));
	assert_false(text_is_code("环境", 32));
	assert_true(text_is_code("abcd", 4));
	assert_false(text_is_code("abcde", 4));
}

/* ---- text_is_username ----------------------------------------------------------------- */

static void test_username_valid(void **state)
{
	(void)state;
	assert_true(text_is_username("abc"));
	assert_true(text_is_username("admin"));
	assert_true(text_is_username("Zhang.San_01"));
	assert_true(text_is_username("user@example.org"));
	assert_true(text_is_username("a-b"));
	char s[65];
	memset(s, 'x', 64);
	s[64] = '\0';
	assert_true(text_is_username(s));
}

static void test_username_invalid(void **state)
{
	(void)state;
	assert_false(text_is_username(NULL));
	assert_false(text_is_username(""));
	assert_false(text_is_username("ab"));
	assert_false(text_is_username("a b"));
	assert_false(text_is_username("张三丰"));
	assert_false(text_is_username("abc/def"));
	assert_false(text_is_username("abc'--"));
	assert_false(text_is_username("abc\n"));
	assert_false(text_is_username("x+y@z"));
	char s[66];
	memset(s, 'x', 65);
	s[65] = '\0';
	assert_false(text_is_username(s));
}

/* ---- text_is_phone -------------------------------------------------------------------- */

static void test_phone_valid(void **state)
{
	(void)state;
	assert_true(text_is_phone("13812345678"));
	assert_true(text_is_phone("+8613812345678"));
	assert_true(text_is_phone("138-1234-5678"));
	assert_true(text_is_phone("138 1234 5678"));
	assert_true(text_is_phone("028-86123456"));
	assert_true(text_is_phone("12345"));
	assert_true(text_is_phone("12345678901234567890")); /* 20 */
}

static void test_phone_invalid(void **state)
{
	(void)state;
	assert_false(text_is_phone(NULL));
	assert_false(text_is_phone(""));
	assert_false(text_is_phone("1234"));
	assert_false(text_is_phone("+1234"));                 /* 4 digits */
	assert_false(text_is_phone("12 34"));                 /* 4 digits */
	assert_false(text_is_phone("123456789012345678901")); /* 21 */
	assert_false(text_is_phone("138a1234567"));
	assert_false(text_is_phone("138+12345678"));
	assert_false(text_is_phone("++8613812345678"));
	assert_false(text_is_phone("-13812345678"));
	assert_false(text_is_phone(" 13812345678"));
	assert_false(text_is_phone("13812345678-"));
	assert_false(text_is_phone("13812345678 "));
	assert_false(text_is_phone("(028)86123456"));
	assert_false(text_is_phone("１３８１２３４５６７８")); /* full-width digits */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_ascii),
		cmocka_unit_test(test_utf8_multibyte),
		cmocka_unit_test(test_utf8_boundaries_valid),
		cmocka_unit_test(test_utf8_allowed_controls),
		cmocka_unit_test(test_utf8_counts_only_n),
		cmocka_unit_test(test_utf8_overlongs),
		cmocka_unit_test(test_utf8_surrogates),
		cmocka_unit_test(test_utf8_above_max),
		cmocka_unit_test(test_utf8_stray_continuation),
		cmocka_unit_test(test_utf8_truncated),
		cmocka_unit_test(test_utf8_controls),
		cmocka_unit_test(test_utf8_embedded_nul),
		cmocka_unit_test(test_len_ok_counts_code_points),
		cmocka_unit_test(test_len_ok_rejects_invalid),
		cmocka_unit_test(test_is_code),
		cmocka_unit_test(test_username_valid),
		cmocka_unit_test(test_username_invalid),
		cmocka_unit_test(test_phone_valid),
		cmocka_unit_test(test_phone_invalid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
