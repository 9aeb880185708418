#include "core/timefmt.h"

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

void time_iso(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char off[8];
	localtime_r(&tt, &tm);
	strftime(off, sizeof off, "%z", &tm); /* +0800 */
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d%.3s:%.2s", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, off,
		 strlen(off) >= 5 ? off + 3 : "00");
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
