#include "core/timefmt.h"

#include <stdbool.h>
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

/* Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Reads exactly n decimal digits at *p into *v and advances *p; -1 when they are not there. */
static int take(const char **p, int n, int *v)
{
	int x = 0;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return -1;
		x = x * 10 + (c - '0');
	}
	*p += n;
	*v = x;
	return 0;
}

static int month_days(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

int time_parse_iso(const char *s, int64_t *out)
{
	if (!s)
		return -1;
	const char *p = s;
	int y, mo, d, h, mi, sec = 0, oh = 0, om = 0, sign = 1;
	if (take(&p, 4, &y) || *p++ != '-' || take(&p, 2, &mo) || *p++ != '-' || take(&p, 2, &d) ||
	    (*p != 'T' && *p != 't'))
		return -1;
	p++;
	if (take(&p, 2, &h) || *p++ != ':' || take(&p, 2, &mi))
		return -1;
	if (*p == ':') {
		p++;
		if (take(&p, 2, &sec))
			return -1;
		if (*p == '.' || *p == ',') {
			p++;
			if (*p < '0' || *p > '9')
				return -1;
			for (int n = 0; *p >= '0' && *p <= '9'; p++)
				if (++n > 9)
					return -1;
		}
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (take(&p, 2, &oh))
			return -1;
		if (*p == ':') {
			p++;
			if (take(&p, 2, &om))
				return -1;
		} else if (*p >= '0' && *p <= '9' && take(&p, 2, &om)) {
			return -1;
		}
	} else {
		return -1;
	}
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || h > 23 ||
	    mi > 59 || sec > 59 || oh > 23 || om > 59)
		return -1;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	       sign * (oh * 3600 + om * 60);
	return 0;
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
