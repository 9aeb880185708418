/* server — the HTTP server on libmicrohttpd: limits, routing, authentication, security
 * headers, access log, static files and clean shutdown.
 *
 * Limits are explicit: body cap (HTTP_BODY_MAX, 413 beyond), connection limit, connection
 * timeout, per-connection memory. Handlers block on the database, so the pool has more
 * threads than cores; each thread reads through its own database connection.
 */
#ifndef XY_HTTP_SERVER_H
#define XY_HTTP_SERVER_H

#include <stdio.h>

#include "http/req.h"

struct store;

struct server_config {
	const char *listen;  /* "127.0.0.1:8080" */
	unsigned threads;    /* worker threads (default 16) */
	unsigned max_conns;  /* default 1024 */
	unsigned timeout_s;  /* idle connection timeout, default 30 */
	const char *web_dir; /* static files, may be NULL */
	bool secure_cookies; /* add Secure to the session cookie (behind HTTPS) */
	bool trust_proxy;    /* take the client address from X-Forwarded-For (behind a proxy) */
	FILE *access_log;    /* default stderr */
};

struct server {
	struct server_config cfg;
	struct store *store;
	struct MHD_Daemon *mhd;
	int log_fd;
};

/* Route flags. */
#define ROUTE_PUBLIC 0x1 /* no session needed */

typedef void (*route_fn)(struct req *r);

struct route {
	const char *method;
	const char *pattern; /* "/api/v1/needs/{id}/support" */
	route_fn fn;
	unsigned flags;
	const char *summary;
};

extern const struct route routes[];
extern const int routes_count;

/* Starts serving; returns -1 with a message on stderr when it cannot listen. */
int server_start(struct server *s, struct store *st, const struct server_config *cfg);
/* Stops accepting, lets requests in flight finish (up to grace_s seconds), stops. */
void server_stop(struct server *s, unsigned grace_s);

#endif
