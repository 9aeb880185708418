/* timefmt — wall-clock times as the API shows them (ISO 8601 with offset) and year bounds.
 * Times are stored as Unix seconds (int64); the offset shown is the server's local zone (TZ). */
#ifndef XY_CORE_TIMEFMT_H
#define XY_CORE_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* Current Unix time in seconds, or the override when one is set. */
int64_t time_now(void);

/* Makes time_now() return t (0 = the real clock again). Only the demo loader uses this, to lay
 * down a believable history; it is process-wide and not for use while serving. */
void time_set_override(int64_t t);

/* Writes e.g. "2026-11-29T10:04:05+08:00" into out (at least 32 bytes). */
void time_iso(int64_t t, char *out, size_t n);

/* Parses an ISO 8601 / RFC 3339 time that carries its offset: "2026-12-01T09:30:00+08:00",
 * "2026-12-01T01:30Z", "2026-12-01T09:30:00.250+0800" (seconds optional, a fraction is
 * dropped, 'Z' or +hh:mm / +hhmm / +hh; years 0000..9999). A time without an offset is
 * ambiguous and refused. Returns 0 and the Unix time in *out, or -1 (out untouched). */
int time_parse_iso(const char *s, int64_t *out);

/* [start, end) of calendar year y in local time; returns -1 for years outside 1970..9999. */
int time_year_bounds(int y, int64_t *start, int64_t *end);

#endif
