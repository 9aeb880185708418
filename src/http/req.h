/* req — one HTTP request as handlers see it, and the ways to answer it.
 *
 * A request owns an arena (released when the response has been sent), the body (capped at
 * HTTP_BODY_MAX), the path parameters matched by the router and, after auth, the actor.
 * Every handler ends by calling exactly one reply_* function.
 */
#ifndef XY_HTTP_REQ_H
#define XY_HTTP_REQ_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/role.h"

#define HTTP_BODY_MAX (1024 * 1024)
#define REQ_ARENA_MAX (4 * 1024 * 1024)

struct MHD_Connection;
struct server;

struct req {
	struct server *srv;
	struct MHD_Connection *conn;
	char method[8];
	char *path;
	struct arena arena;
	char *body;
	size_t body_len, body_cap;
	bool too_big, started, answered;
	int64_t ids[2];
	int nids;
	struct actor actor;
	bool authed, via_cookie;
	char token[65], csrf[65];
	char addr[64];
	int status;
	size_t bytes;
	struct timespec t0;
};

/* Answer with a JSON value (stolen). */
void reply_json(struct req *r, int status, json_t *body);
/* Answer with {"error": {code, message, field?}} and the status of e->kind. */
void reply_error(struct req *r, const struct xy_err *e);
/* Shorthand for reply_error with a fresh error. */
void reply_fail(struct req *r, enum xy_kind kind, const char *code, const char *field,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* 204 No Content. */
void reply_empty(struct req *r, int status);
/* Bytes with a content type (copied). */
void reply_bytes(struct req *r, int status, const char *type, const void *data, size_t len,
		 const char *cache);
/* A file (served from an open descriptor, which the response takes over). */
void reply_file(struct req *r, int fd, size_t size, const char *type, const char *cache);

/* A request header, a query argument or a cookie; NULL when absent. */
const char *req_header(struct req *r, const char *name);
const char *req_query(struct req *r, const char *name);
const char *req_cookie(struct req *r, const char *name);

/* Integer query argument in [min, max], or def when absent; 422 invalid_parameter. */
enum xy_kind req_query_int(struct req *r, const char *name, int64_t def, int64_t min, int64_t max,
			   int64_t *out, struct xy_err *e);

/* Adds a header to the response about to be sent (Set-Cookie, Retry-After...). */
void req_add_header(struct req *r, const char *name, const char *value);

#endif
