#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/text.h"

enum xy_kind xy_fail(struct xy_err *e, enum xy_kind kind, const char *code, const char *field,
		     const char *fmt, ...)
{
	if (!e)
		return kind;
	e->kind = kind;
	snprintf(e->code, sizeof e->code, "%s", code ? code : "error");
	snprintf(e->field, sizeof e->field, "%s", field ? field : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
	/* messages quote input and may be cut mid-character: keep them valid UTF-8 */
	text_sanitize(e->code);
	text_sanitize(e->field);
	text_sanitize(e->message);
	return kind;
}

void xy_err_clear(struct xy_err *e)
{
	if (e)
		memset(e, 0, sizeof *e);
}

int xy_kind_status(enum xy_kind kind)
{
	switch (kind) {
	case XY_OK:
		return 200;
	case XY_EMALFORMED:
		return 400;
	case XY_EAUTH:
		return 401;
	case XY_EFORBIDDEN:
		return 403;
	case XY_ENOTFOUND:
		return 404;
	case XY_ECONFLICT:
		return 409;
	case XY_ETOOBIG:
		return 413;
	case XY_EINVALID:
		return 422;
	case XY_ETHROTTLE:
		return 429;
	case XY_EUNAVAIL:
		return 503;
	case XY_EINTERNAL:
		break;
	}
	return 500;
}

void xy_assert_fail(const char *expr, const char *file, int line)
{
	fprintf(stderr, "xinyuan: assertion failed: %s (%s:%d)\n", expr, file, line);
	abort();
}

static void *oom(void)
{
	fputs("xinyuan: out of memory\n", stderr);
	abort();
}

void *xy_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	return p ? p : oom();
}

void *xy_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	return p ? p : oom();
}

void *xy_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	return q ? q : oom();
}

char *xy_strdup(const char *s)
{
	return xy_strndup(s, strlen(s));
}

char *xy_strndup(const char *s, size_t n)
{
	char *p = xy_malloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}
