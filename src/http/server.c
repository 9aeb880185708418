#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/secret.h"
#include "core/timefmt.h"
#include "store/identity.h"
#include "store/store.h"

#define SESSION_COOKIE    "xy_session"
#define CONN_MEMORY_LIMIT (32 * 1024)

static atomic_int in_flight;

static const char *const csp =
	"default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
	"script-src 'self'; connect-src 'self'; font-src 'self' data:; object-src 'none'; "
	"frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/* ---- responses --------------------------------------------------------------------------- */

struct pending_header {
	char name[32];
	char value[256];
};

#define MAX_EXTRA_HEADERS 4
static _Thread_local struct pending_header extra[MAX_EXTRA_HEADERS];
static _Thread_local int nextra;

void req_add_header(struct req *r, const char *name, const char *value)
{
	(void)r;
	if (nextra == MAX_EXTRA_HEADERS)
		return;
	snprintf(extra[nextra].name, sizeof extra[nextra].name, "%s", name);
	snprintf(extra[nextra].value, sizeof extra[nextra].value, "%s", value);
	nextra++;
}

static void send_response(struct req *r, int status, struct MHD_Response *resp, const char *type,
			  const char *cache, size_t len)
{
	XY_ASSERT(!r->answered);
	r->answered = true;
	r->status = status;
	r->bytes = len;
	if (!resp) {
		r->status = 500;
		nextra = 0;
		return;
	}
	if (type)
		MHD_add_response_header(resp, "Content-Type", type);
	MHD_add_response_header(resp, "Cache-Control", cache ? cache : "no-store");
	MHD_add_response_header(resp, "Content-Security-Policy", csp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	for (int i = 0; i < nextra; i++)
		MHD_add_response_header(resp, extra[i].name, extra[i].value);
	nextra = 0;
	MHD_queue_response(r->conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
}

void reply_bytes(struct req *r, int status, const char *type, const void *data, size_t len,
		 const char *cache)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
	send_response(r, status, resp, type, cache, len);
}

void reply_file(struct req *r, int fd, size_t size, const char *type, const char *cache)
{
	struct MHD_Response *resp = MHD_create_response_from_fd(size, fd);
	if (!resp)
		close(fd);
	send_response(r, 200, resp, type, cache, size);
}

void reply_json(struct req *r, int status, json_t *body)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (!text) {
		static const char oom[] = "{\"error\":{\"code\":\"internal\",\"message\":\"cannot "
					  "encode the response\"}}";
		reply_bytes(r, 500, "application/json; charset=utf-8", oom, sizeof oom - 1, NULL);
		return;
	}
	size_t len = strlen(text);
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	if (!resp)
		free(text);
	send_response(r, status, resp, "application/json; charset=utf-8", NULL, len);
}

void reply_error(struct req *r, const struct xy_err *e)
{
	json_t *err = json_pack("{s:s, s:s}", "code", e->code[0] ? e->code : "error", "message",
				e->message);
	if (e->field[0])
		json_object_set_new(err, "field", json_string(e->field));
	int status = xy_kind_status(e->kind);
	if (e->kind == XY_ETHROTTLE)
		req_add_header(r, "Retry-After", "900");
	if (e->kind == XY_EUNAVAIL)
		req_add_header(r, "Retry-After", "1");
	reply_json(r, status, json_pack("{s:o}", "error", err));
}

void reply_fail(struct req *r, enum xy_kind kind, const char *code, const char *field,
		const char *fmt, ...)
{
	struct xy_err e = { .kind = kind };
	char msg[sizeof e.message];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	xy_fail(&e, kind, code, field, "%s", msg);
	reply_error(r, &e);
}

void reply_empty(struct req *r, int status)
{
	reply_bytes(r, status, NULL, "", 0, NULL);
}

/* ---- request accessors ----------------------------------------------------------------- */

const char *req_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *req_query(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_cookie(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

enum xy_kind req_query_int(struct req *r, const char *name, int64_t def, int64_t min, int64_t max,
			   int64_t *out, struct xy_err *e)
{
	const char *v = req_query(r, name);
	if (!v || !*v) {
		*out = def;
		return XY_OK;
	}
	char *end;
	errno = 0;
	long long x = strtoll(v, &end, 10);
	if (errno || *end || x < min || x > max)
		return xy_fail(e, XY_EINVALID, "invalid_parameter", name,
			       "%s must be an integer from %lld to %lld", name, (long long)min,
			       (long long)max);
	*out = x;
	return XY_OK;
}

/* ---- routing and auth ------------------------------------------------------------------ */

/* Matches path against pattern; {id} segments take positive integers into r->ids. */
static bool match(const char *pattern, const char *path, struct req *r)
{
	int nids = 0;
	const char *p = pattern, *s = path;
	while (*p && *s) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			if (!close || nids == 2)
				return false;
			char *end;
			if (*s < '1' || *s > '9')
				return false;
			errno = 0;
			long long v = strtoll(s, &end, 10);
			if (errno || (*end && *end != '/'))
				return false;
			r->ids[nids++] = v;
			p = close + 1;
			s = end;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	if (*p || *s)
		return false;
	r->nids = nids;
	return true;
}

static const char *token_of(struct req *r, bool *via_cookie)
{
	const char *h = req_header(r, "Authorization");
	*via_cookie = false;
	if (h && strncasecmp(h, "Bearer ", 7) == 0)
		return h + 7;
	const char *c = req_cookie(r, SESSION_COOKIE);
	if (c)
		*via_cookie = true;
	return c;
}

static bool is_safe_method(const char *m)
{
	return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
}

/* Resolves the session; replies 401 (or the store's error) when there is none, and 403 for
 * a cookie-borne state change without the session's CSRF token. */
static bool authenticate(struct req *r, bool required)
{
	bool via_cookie;
	const char *tok = token_of(r, &via_cookie);
	struct xy_err e = { 0 };
	XY_ASSERT(required);
	if (!tok) {
		reply_fail(r, XY_EAUTH, "not_logged_in", NULL, "log in first");
		return false;
	}
	if (session_resolve(r->srv->store, tok, &r->actor, r->csrf, &e) != XY_OK) {
		reply_error(r, &e);
		return false;
	}
	snprintf(r->token, sizeof r->token, "%s", tok);
	r->authed = true;
	r->via_cookie = via_cookie;
	if (via_cookie && !is_safe_method(r->method)) {
		const char *sent = req_header(r, "X-CSRF-Token");
		if (!sent || !secret_equal(sent, r->csrf)) {
			reply_fail(r, XY_EFORBIDDEN, "csrf_failed", NULL,
				   "send the X-CSRF-Token header from GET /api/v1/session");
			return false;
		}
	}
	return true;
}

static bool is_api(const char *path)
{
	return strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0 ||
	       strncmp(path, "/open311/", 9) == 0;
}

static const char *mime_of(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".mjs", "text/javascript; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".json", "application/json; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".jpg", "image/jpeg" },
		{ ".ico", "image/x-icon" },
		{ ".woff2", "font/woff2" },
		{ ".woff", "font/woff" },
		{ ".ttf", "font/ttf" },
		{ ".txt", "text/plain; charset=utf-8" },
		{ ".yaml", "application/yaml" },
	};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof *types; i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

static bool open_static(const char *dir, const char *rel, int *fd, size_t *size)
{
	char full[1024];
	struct stat sb;
	if (snprintf(full, sizeof full, "%s%s", dir, rel) >= (int)sizeof full)
		return false;
	int f = open(full, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return false;
	if (fstat(f, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(f);
		return false;
	}
	*fd = f;
	*size = (size_t)sb.st_size;
	return true;
}

static const char landing[] =
	"<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>心愿 xinyuan</title>"
	"<body style=\"font-family:sans-serif;max-width:40em;margin:3em auto\">"
	"<h1>心愿 xinyuan</h1><p>社区服务项目化平台正在运行。网页界面尚未构建；"
	"接口位于 <code>/api/v1</code>，说明见 <code>docs/openapi.yaml</code>。</p>"
	"<p>The community service platform is running. The web UI is not built here; the API "
	"is at <code>/api/v1</code> (see <code>docs/openapi.yaml</code>).</p></body></html>";

/* Files of the built web UI; any other non-API path gets index.html (history routes). */
static void serve_static(struct req *r)
{
	if (!is_safe_method(r->method)) {
		reply_fail(r, XY_ENOTFOUND, "not_found", NULL, "no such resource");
		return;
	}
	const char *dir = r->srv->cfg.web_dir;
	if (!dir) {
		if (strcmp(r->path, "/") == 0)
			reply_bytes(r, 200, "text/html; charset=utf-8", landing, sizeof landing - 1,
				    "no-cache");
		else
			reply_fail(r, XY_ENOTFOUND, "not_found", NULL, "no such resource");
		return;
	}
	int fd;
	size_t size;
	bool clean = strstr(r->path, "..") == NULL && strstr(r->path, "//") == NULL;
	if (clean && strcmp(r->path, "/") != 0 && open_static(dir, r->path, &fd, &size)) {
		bool hashed = strncmp(r->path, "/assets/", 8) == 0;
		reply_file(r, fd, size, mime_of(r->path),
			   hashed ? "public, max-age=31536000, immutable" : "no-cache");
		return;
	}
	if (open_static(dir, "/index.html", &fd, &size)) {
		reply_file(r, fd, size, "text/html; charset=utf-8", "no-cache");
		return;
	}
	reply_fail(r, XY_ENOTFOUND, "not_found", NULL, "no such resource");
}

static void dispatch(struct req *r)
{
	bool path_known = false;
	char allow[64] = "";
	for (int i = 0; i < routes_count; i++) {
		const struct route *rt = &routes[i];
		if (!match(rt->pattern, r->path, r))
			continue;
		path_known = true;
		bool head_as_get = strcmp(r->method, "HEAD") == 0 && strcmp(rt->method, "GET") == 0;
		if (strcmp(rt->method, r->method) != 0 && !head_as_get) {
			bool get = strcmp(rt->method, "GET") == 0;
			if (strlen(allow) + strlen(rt->method) + 9 < sizeof allow)
				snprintf(allow + strlen(allow), sizeof allow - strlen(allow),
					 "%s%s%s", allow[0] ? ", " : "", rt->method,
					 get ? ", HEAD" : "");
			continue;
		}
		if (r->too_big) {
			reply_fail(r, XY_ETOOBIG, "body_too_large", NULL,
				   "the request body is larger than %d bytes", HTTP_BODY_MAX);
			return;
		}
		/* public routes act for nobody: no session, so no CSRF either */
		if (!(rt->flags & ROUTE_PUBLIC) && !authenticate(r, true))
			return;
		rt->fn(r);
		if (!r->answered)
			reply_fail(r, XY_EINTERNAL, "internal", NULL, "the handler gave no answer");
		return;
	}
	if (path_known) {
		req_add_header(r, "Allow", allow);
		char msg[128];
		snprintf(msg, sizeof msg, "use %s on this path", allow);
		reply_json(r, 405,
			   json_pack("{s:{s:s, s:s}}", "error", "code", "method_not_allowed",
				     "message", msg));
		return;
	}
	if (is_api(r->path)) {
		reply_fail(r, XY_ENOTFOUND, "not_found", NULL, "no such API path");
		return;
	}
	serve_static(r);
}

/* ---- libmicrohttpd callbacks ----------------------------------------------------------- */

static void client_address(struct MHD_Connection *c, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, n, "?");
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
			  (socklen_t)n);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			  out, (socklen_t)n);
}

/* Behind our own reverse proxy the client is the last address the proxy appended to
 * X-Forwarded-For (earlier entries come from the client and prove nothing). */
static void forwarded_address(struct MHD_Connection *c, char *out, size_t n)
{
	const char *xff = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
	if (!xff || !*xff)
		return;
	const char *last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	while (*last == ' ')
		last++;
	size_t len = strcspn(last, " ");
	if (len == 0 || len >= n || len >= 64)
		return;
	char tmp[64];
	memcpy(tmp, last, len);
	tmp[len] = '\0';
	unsigned char bin[16];
	if (inet_pton(AF_INET, tmp, bin) == 1 || inet_pton(AF_INET6, tmp, bin) == 1)
		snprintf(out, n, "%s", tmp);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	(void)version;
	struct server *srv = cls;
	struct req *r = *con_cls;
	if (!r) {
		r = xy_calloc(1, sizeof *r);
		r->srv = srv;
		r->conn = conn;
		arena_init(&r->arena, REQ_ARENA_MAX);
		snprintf(r->method, sizeof r->method, "%s", method);
		r->path = arena_strdup(&r->arena, url);
		clock_gettime(CLOCK_MONOTONIC, &r->t0);
		client_address(conn, r->addr, sizeof r->addr);
		if (srv->cfg.trust_proxy)
			forwarded_address(conn, r->addr, sizeof r->addr);
		atomic_fetch_add(&in_flight, 1);
		*con_cls = r;
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > HTTP_BODY_MAX) {
			r->too_big = true;
			reply_fail(r, XY_ETOOBIG, "body_too_large", NULL,
				   "the request body is larger than %d bytes", HTTP_BODY_MAX);
		}
		return MHD_YES;
	}
	if (*upload_size) {
		if (!r->too_big && r->body_len + *upload_size > HTTP_BODY_MAX) {
			r->too_big = true;
			free(r->body);
			r->body = NULL;
			r->body_len = 0;
		}
		if (!r->too_big) {
			if (r->body_len + *upload_size + 1 > r->body_cap) {
				size_t cap = r->body_cap ? r->body_cap : 4096;
				while (cap < r->body_len + *upload_size + 1)
					cap *= 2;
				r->body = xy_realloc(r->body, cap);
				r->body_cap = cap;
			}
			memcpy(r->body + r->body_len, upload, *upload_size);
			r->body_len += *upload_size;
			r->body[r->body_len] = '\0';
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (!r->answered)
		dispatch(r);
	return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)conn;
	struct server *srv = cls;
	struct req *r = *con_cls;
	if (!r)
		return;
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = (double)(t1.tv_sec - r->t0.tv_sec) * 1e3 +
		    (double)(t1.tv_nsec - r->t0.tv_nsec) / 1e6;
	char at[40], line[1400];
	time_iso(time_now(), at, sizeof at);
	int n = snprintf(line, sizeof line, "%s %s %lld %s \"%s %.1000s\" %d %zu %.2fms%s\n", at,
			 r->addr, (long long)r->actor.user_id, r->via_cookie ? "cookie" : "-",
			 r->method, r->path ? r->path : "?", r->status, r->bytes, ms,
			 toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted");
	if (n > 0 && srv->log_fd >= 0) {
		ssize_t w =
			write(srv->log_fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line);
		(void)w;
	}
	free(r->body);
	arena_release(&r->arena);
	free(r);
	*con_cls = NULL;
	atomic_fetch_sub(&in_flight, 1);
}

static int parse_listen(const char *listen, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(listen, ':');
	if (!colon || (size_t)(colon - listen) >= sizeof host)
		return -1;
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535)
		return -1;
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host[0] ? host : "0.0.0.0", &sa->sin_addr) != 1)
		return -1;
	return 0;
}

int server_start(struct server *s, struct store *st, const struct server_config *cfg)
{
	memset(s, 0, sizeof *s);
	s->cfg = *cfg;
	s->store = st;
	if (!s->cfg.threads)
		s->cfg.threads = 16;
	if (!s->cfg.max_conns)
		s->cfg.max_conns = 1024;
	if (!s->cfg.timeout_s)
		s->cfg.timeout_s = 30;
	s->log_fd = fileno(cfg->access_log ? cfg->access_log : stderr);
	struct sockaddr_in sa;
	if (parse_listen(cfg->listen, &sa) != 0) {
		fprintf(stderr,
			"xinyuan: --listen wants HOST:PORT with an IPv4 address, got '%s'\n",
			cfg->listen);
		return -1;
	}
	/* poll(), not epoll: with epoll, MHD_quiesce_daemon() (graceful stop) races the worker
	 * threads over removing the listen socket from their epoll sets and MHD aborts the process
	 * ("Failed to remove listen FD from epoll set"), an open defect of libmicrohttpd 0.9.x.
	 * Each worker holds at most max_conns / threads connections, where poll() is as fast. */
	s->mhd = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC | MHD_USE_ERROR_LOG, 0,
		NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_THREAD_POOL_SIZE, s->cfg.threads, MHD_OPTION_CONNECTION_LIMIT,
		s->cfg.max_conns, MHD_OPTION_CONNECTION_TIMEOUT, s->cfg.timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY_LIMIT,
		MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_END);
	if (!s->mhd) {
		fprintf(stderr, "xinyuan: cannot listen on %s: %s\n", cfg->listen,
			strerror(errno ? errno : EADDRINUSE));
		return -1;
	}
	return 0;
}

void server_stop(struct server *s, unsigned grace_s)
{
	if (!s->mhd)
		return;
	int fd = MHD_quiesce_daemon(s->mhd);
	for (unsigned i = 0; i < grace_s * 20 && atomic_load(&in_flight) > 0; i++)
		usleep(50000);
	MHD_stop_daemon(s->mhd);
	if (fd >= 0)
		close(fd);
	s->mhd = NULL;
}
