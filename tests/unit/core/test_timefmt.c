/* Tests for src/core/timefmt.c: ISO 8601 times with the local offset, reading them back, year
 * bounds. */
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

static void test_parse_known_values(void **state)
{
	(void)state;
	int64_t t = 0;
	assert_int_equal(time_parse_iso("1970-01-01T00:00:00Z", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(time_parse_iso("2026-12-01T08:00:00+08:00", &t), 0);
	assert_int_equal(t, 1796083200);
	assert_int_equal(time_parse_iso("2026-12-01T00:00:00z", &t), 0);
	assert_int_equal(t, 1796083200);
	assert_int_equal(time_parse_iso("2026-11-30T19:00-05:00", &t), 0); /* no seconds */
	assert_int_equal(t, 1796083200);
	assert_int_equal(time_parse_iso("2026-12-01T05:30:00+0530", &t), 0);
	assert_int_equal(t, 1796083200);
	assert_int_equal(time_parse_iso("2026-12-01T08:00:00+08", &t), 0);
	assert_int_equal(t, 1796083200);
	assert_int_equal(time_parse_iso("2026-12-01t00:00:00.999Z", &t), 0); /* fraction dropped */
	assert_int_equal(t, 1796083200);
	assert_int_equal(time_parse_iso("2000-02-29T00:00:00+00:00", &t), 0); /* leap day */
	assert_int_equal(t, 951782400);
	assert_int_equal(time_parse_iso("9999-12-31T23:59:59Z", &t), 0);
	assert_int_equal(t, 253402300799LL);
	assert_int_equal(time_parse_iso("1969-12-31T23:59:59Z", &t), 0);
	assert_int_equal(t, -1);
}

static void test_parse_refuses(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"2026-12-01",                      /* a date alone */
		"2026-12-01T08:00:00",             /* no offset: ambiguous */
		"2026-12-01 08:00:00+08:00",       /* a space for the T */
		"2026-13-01T08:00:00+08:00",       /* month 13 */
		"2026-00-01T08:00:00+08:00",       /* month 0 */
		"2026-02-29T08:00:00+08:00",       /* not a leap year */
		"1900-02-29T08:00:00+08:00",       /* nor is 1900 */
		"2026-04-31T08:00:00+08:00",       /* April has 30 days */
		"2026-12-00T08:00:00+08:00",       /* day 0 */
		"2026-12-01T24:00:00+08:00",       /* hour 24 */
		"2026-12-01T08:60:00+08:00",       /* minute 60 */
		"2026-12-01T08:00:60+08:00",       /* leap second */
		"2026-12-01T08:00:00+24:00",       /* offset hour 24 */
		"2026-12-01T08:00:00+08:60",       /* offset minute 60 */
		"2026-12-01T08:00:00+8:00",        /* one-digit offset */
		"2026-12-01T08:00:00+08:0",        /* cut-off offset */
		"2026-12-01T08:00:00.Z",           /* a point without digits */
		"2026-12-01T08:00:00.1234567890Z", /* more than nanoseconds */
		"2026-12-01T08:00:00+08:00 ",      /* trailing space */
		"2026-12-01T08:00:00+08:00x",      /* trailing garbage */
		" 2026-12-01T08:00:00+08:00",      /* leading space */
		"26-12-01T08:00:00+08:00",         /* two-digit year */
		"2026-1-01T08:00:00+08:00",        /* one-digit month */
		"2026-12-01T8:00:00+08:00",        /* one-digit hour */
		"2026-12-01T08:00:0+08:00",        /* one-digit second */
		"2026/12/01T08:00:00+08:00",       /* slashes */
		"2026-12-01T08:00:00Z+08:00",      /* two offsets */
		"１９７０-01-01T00:00:00Z",        /* full-width digits */
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		int64_t t = 42;
		if (time_parse_iso(bad[i], &t) != -1)
			fail_msg("accepted '%s'", bad[i]);
		assert_int_equal(t, 42);
	}
	int64_t t = 42;
	assert_int_equal(time_parse_iso(NULL, &t), -1);
}

/* What time_iso writes, time_parse_iso reads back, in every zone the formatting was tested in. */
static void test_parse_round_trip(void **state)
{
	(void)state;
	static const char *const zones[] = { "UTC", "Asia/Shanghai", "Europe/Berlin",
					     "America/St_Johns" };
	for (size_t z = 0; z < sizeof zones / sizeof *zones; z++) {
		setenv("TZ", zones[z], 1);
		tzset();
		for (int64_t t = 0; t < 2208988800LL; t += 86413) {
			char a[40];
			int64_t back = -1;
			time_iso(t, a, sizeof a);
			if (time_parse_iso(a, &back) != 0 || back != t)
				fail_msg("TZ=%s t=%lld: '%s' read back as %lld", zones[z],
					 (long long)t, a, (long long)back);
		}
	}
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
		cmocka_unit_test(test_parse_known_values),
		cmocka_unit_test(test_parse_refuses),
		cmocka_unit_test(test_parse_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
