/* err — error values shared by every layer (STYLE.md §3).
 *
 * Functions return an xy_kind (0 = XY_OK) and, on failure, fill a caller-owned struct xy_err
 * with a stable snake_case code, a human message and optionally the offending field. The HTTP
 * layer maps the kind to a status and copies code/message/field into the JSON error unchanged.
 */
#ifndef XY_CORE_ERR_H
#define XY_CORE_ERR_H

#include <stdlib.h>

enum xy_kind {
	XY_OK = 0,
	XY_EMALFORMED, /* 400: body is not the JSON we accept */
	XY_EAUTH,      /* 401: no valid session */
	XY_EFORBIDDEN, /* 403: role or area not allowed */
	XY_ENOTFOUND,  /* 404 */
	XY_ECONFLICT,  /* 409: illegal transition, duplicate, over-spend */
	XY_ETOOBIG,    /* 413 */
	XY_EINVALID,   /* 422: well-formed but invalid value */
	XY_ETHROTTLE,  /* 429: too many attempts */
	XY_EUNAVAIL,   /* 503: database busy or gone; retry later */
	XY_EINTERNAL,  /* 500 */
};

struct xy_err {
	enum xy_kind kind;
	char code[48];
	char field[64];
	char message[256];
};

/* Fills e (if not NULL) and returns kind. field may be NULL. */
enum xy_kind xy_fail(struct xy_err *e, enum xy_kind kind, const char *code, const char *field,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Clears e to XY_OK. */
void xy_err_clear(struct xy_err *e);

/* The HTTP status that belongs to kind. */
int xy_kind_status(enum xy_kind kind);

/* Programmer errors (impossible states) abort; input errors never do. */
#define XY_ASSERT(cond)                                                                            \
	do {                                                                                       \
		if (!(cond))                                                                       \
			xy_assert_fail(#cond, __FILE__, __LINE__);                                 \
	} while (0)

_Noreturn void xy_assert_fail(const char *expr, const char *file, int line);

/* Allocation that never returns NULL: out of memory aborts the process. */
void *xy_malloc(size_t n);
void *xy_calloc(size_t n, size_t size);
void *xy_realloc(void *p, size_t n);
char *xy_strdup(const char *s);
char *xy_strndup(const char *s, size_t n);

#endif
