/* Tests for src/core/timefmt.c: ISO 8601 times with the local offset, year bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/timefmt.h"

/* The slow, obviously right formatting through the C library, to compare against. */
static void reference(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char off[8];
	localtime_r(&tt, &tm);
	strftime(off, sizeof off, "%z", &tm);
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d%.3s:%.2s", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, off, off + 3);
}

static void sweep(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
	/* every 7,777 s over 1970..2040, plus the edges of days and years */
	for (int64_t t = 0; t < 2208988800LL; t += 7777) {
		char a[40], b[40];
		time_iso(t, a, sizeof a);
		reference(t, b, sizeof b);
		if (strcmp(a, b) != 0)
			fail_msg("TZ=%s t=%lld: %s, want %s", tz, (long long)t, a, b);
	}
}

static void test_matches_libc_utc(void **state)
{
	(void)state;
	sweep("UTC");
}

static void test_matches_libc_shanghai(void **state)
{
	(void)state;
	sweep("Asia/Shanghai");
}

static void test_matches_libc_with_dst(void **state)
{
	(void)state;
	sweep("Europe/Berlin");    /* daylight saving: the offset changes twice a year */
	sweep("America/St_Johns"); /* a half-hour offset, and negative */
}

/* Around a change of offset the result follows it to the second: St. John's leaves daylight
 * saving at 02:00 NDT = 04:30 UTC, which is not on a UTC hour. */
static void test_offset_change_inside_an_hour(void **state)
{
	(void)state;
	setenv("TZ", "America/St_Johns", 1);
	tzset();
	for (int64_t t = 1793507400 - 4000; t < 1793507400 + 4000; t += 60) {
		char a[40], b[40];
		time_iso(t, a, sizeof a);
		reference(t, b, sizeof b);
		if (strcmp(a, b) != 0)
			fail_msg("t=%lld: %s, want %s", (long long)t, a, b);
	}
}

static void test_known_values(void **state)
{
	(void)state;
	char a[40];
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	time_iso(0, a, sizeof a);
	assert_string_equal(a, "1970-01-01T08:00:00+08:00");
	time_iso(1796083200, a, sizeof a); /* 2026-12-01T00:00:00Z */
	assert_string_equal(a, "2026-12-01T08:00:00+08:00");
	setenv("TZ", "UTC", 1);
	tzset();
	time_iso(951782400, a, sizeof a); /* a leap day */
	assert_string_equal(a, "2000-02-29T00:00:00+00:00");
}

static void test_year_bounds(void **state)
{
	(void)state;
	int64_t a, b;
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	assert_int_equal(time_year_bounds(2026, &a, &b), 0);
	assert_int_equal(a, 1767196800); /* 2026-01-01T00:00:00+08:00 */
	assert_int_equal(b - a, 365 * 86400);
	assert_int_equal(time_year_bounds(1969, &a, &b), -1);
	assert_int_equal(time_year_bounds(10000, &a, &b), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matches_libc_utc),
		cmocka_unit_test(test_matches_libc_shanghai),
		cmocka_unit_test(test_matches_libc_with_dst),
		cmocka_unit_test(test_offset_change_inside_an_hour),
		cmocka_unit_test(test_known_values),
		cmocka_unit_test(test_year_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
