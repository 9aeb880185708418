#include "core/timefmt.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int64_t override;

void time_set_override(int64_t t)
{
	override = t;
}

int64_t time_now(void)
{
	if (override)
		return override;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

/* The local offset of the quarter hour in which it was last looked up, per thread: every zone's
 * offset is a multiple of 15 minutes and changes at a local full hour, so offsets change only at
 * quarter-hour boundaries and one localtime_r per quarter hour is enough. TZ is read at start. */
static _Thread_local int64_t off_hour = INT64_MIN;
static _Thread_local long off_seconds;

static long local_offset(int64_t t)
{
	int64_t hour = t - ((t % 900) + 900) % 900;
	if (hour != off_hour) {
		time_t tt = (time_t)t;
		struct tm tm;
		localtime_r(&tt, &tm);
		off_seconds = tm.tm_gmtoff;
		off_hour = hour;
	}
	return off_seconds;
}

/* Civil date of a day count since 1970-01-01 (H. Hinnant's days_from_civil, inverted). */
static void civil(int64_t days, int *y, int *m, int *d)
{
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	int64_t doe = days - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static char *digits(char *p, long v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

void time_iso(int64_t t, char *out, size_t n)
{
	long off = local_offset(t);
	int64_t local = t + off;
	int64_t days = (local >= 0 ? local : local - 86399) / 86400;
	long secs = (long)(local - days * 86400);
	int y, m, d;
	civil(days, &y, &m, &d);
	char buf[32], *p = buf;
	if (y < 0 || y > 9999 || n < 26) {
		snprintf(out, n, "%s", "");
		return;
	}
	p = digits(p, y, 4);
	*p++ = '-';
	p = digits(p, m, 2);
	*p++ = '-';
	p = digits(p, d, 2);
	*p++ = 'T';
	p = digits(p, secs / 3600, 2);
	*p++ = ':';
	p = digits(p, secs / 60 % 60, 2);
	*p++ = ':';
	p = digits(p, secs % 60, 2);
	*p++ = off < 0 ? '-' : '+';
	long a = off < 0 ? -off : off;
	p = digits(p, a / 3600, 2);
	*p++ = ':';
	p = digits(p, a / 60 % 60, 2);
	*p = '\0';
	memcpy(out, buf, (size_t)(p - buf) + 1);
}

int time_year_bounds(int y, int64_t *start, int64_t *end)
{
	if (y < 1970 || y > 9999)
		return -1;
	struct tm a = { .tm_year = y - 1900, .tm_mon = 0, .tm_mday = 1, .tm_isdst = -1 };
	struct tm b = { .tm_year = y + 1 - 1900, .tm_mon = 0, .tm_mday = 1, .tm_isdst = -1 };
	*start = (int64_t)mktime(&a);
	*end = (int64_t)mktime(&b);
	return 0;
}
