#include "store/identity.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mask.h"
#include "core/secret.h"
#include "core/text.h"
#include "core/timefmt.h"
#include "store/areas.h"

enum xy_kind actor_load(struct db *db, int64_t user_id, struct actor *who, struct xy_err *e)
{
	memset(who, 0, sizeof *who);
	who->user_id = user_id;
	struct db_stmt *st = db_stmt(db, STMT_GRANT_LIST);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, user_id);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		int role = role_parse(db_col_text(st, 0));
		if (role < 0 || who->ngrants == ACTOR_MAX_GRANTS)
			continue;
		struct grant *g = &who->grants[who->ngrants++];
		g->role = (enum role)role;
		g->area_id = db_col_i64(st, 1);
		snprintf(g->path, sizeof g->path, "%s", db_col_text(st, 2));
		if (role == ROLE_ADMIN)
			snprintf(g->scope, sizeof g->scope, "/");
		else if (role == ROLE_RESIDENT &&
			 area_kind_parse(db_col_text(st, 3)) == AREA_COMPOUND)
			snprintf(g->scope, sizeof g->scope, "%s", db_col_text(st, 4));
		else
			memcpy(g->scope, g->path, sizeof g->scope);
	}
	db_reset(st);
	return rc == DB_DONE ? XY_OK : db_fail(db, rc, e);
}

static enum xy_kind user_validate(const struct user_input *in, struct xy_err *e)
{
	if (!text_is_username(in->username))
		return xy_fail(e, XY_EINVALID, "invalid_username", "username",
			       "username must be 3 to 64 letters, digits or _ . @ -");
	if (!text_len_ok(in->password, PASSWORD_MIN, PASSWORD_MAX) ||
	    strlen(in->password) > 4 * PASSWORD_MAX)
		return xy_fail(e, XY_EINVALID, "invalid_password", "password",
			       "password must be %d to %d characters", PASSWORD_MIN, PASSWORD_MAX);
	if (!text_len_ok(in->display_name, 1, 40))
		return xy_fail(e, XY_EINVALID, "invalid_display_name", "display_name",
			       "display_name must be 1 to 40 characters");
	if (in->phone && !text_is_phone(in->phone))
		return xy_fail(e, XY_EINVALID, "invalid_phone", "phone",
			       "phone must be 5 to 20 characters: digits, a leading +, spaces or "
			       "dashes");
	if (in->ngrants < 1)
		return xy_fail(e, XY_EINVALID, "grants_required", "grants",
			       "give the user at least one role");
	for (int i = 0; i < in->ngrants; i++)
		if (role_parse(in->grants[i].role) < 0)
			return xy_fail(e, XY_EINVALID, "invalid_role", "grants",
				       "unknown role '%s'", in->grants[i].role);
	return XY_OK;
}

struct user_new {
	const struct actor *who;
	const struct user_input *in;
	const char *hash;
	bool self_register;
	const char *throttle_key; /* counted on success (self-registration) */
	int64_t id;
};

static int throttle_count(struct db *db, const char *key, int64_t now);
static enum xy_kind throttle_hit(struct db *db, const char *key, struct xy_err *e);

static enum xy_kind user_create_tx(struct db *db, void *arg, struct xy_err *e)
{
	struct user_new *c = arg;
	const struct user_input *in = c->in;
	int64_t audit_area = 0;
	enum xy_kind k;
	for (int i = 0; i < in->ngrants; i++) {
		struct area_row a;
		int role = role_parse(in->grants[i].role);
		if ((k = area_load(db, in->grants[i].area_id,
				   c->self_register ? "area_id" : "grants", &a, e)))
			return k == XY_ENOTFOUND ? (e->kind = XY_EINVALID) : k;
		if (c->self_register && a.kind != AREA_COMMUNITY && a.kind != AREA_COMPOUND)
			return xy_fail(e, XY_EINVALID, "invalid_area", "area_id",
				       "residents register in a community or compound");
		if (c->who) {
			bool ok = false;
			for (int j = 0; j < c->who->ngrants && !ok; j++)
				ok = role_may_grant(&c->who->grants[j], (enum role)role, a.path);
			if (!ok)
				return xy_fail(e, XY_EFORBIDDEN, "forbidden", "grants",
					       "you may not give the role %s in area %lld",
					       in->grants[i].role, (long long)a.id);
		}
		if (i == 0)
			audit_area = a.id;
	}
	struct db_stmt *st = db_stmt(db, STMT_USER_EXISTS);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_text(st, 1, in->username);
	int rc = db_step(st);
	db_reset(st);
	if (rc == DB_ROW)
		return xy_fail(e, XY_ECONFLICT, "username_taken", "username",
			       "the username '%s' is taken", in->username);
	if (rc != DB_DONE)
		return db_fail(db, rc, e);
	st = db_stmt(db, STMT_USER_INSERT);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_text(st, 1, in->username);
	db_bind_text(st, 2, c->hash);
	db_bind_text(st, 3, in->display_name);
	db_bind_text(st, 4, in->phone);
	db_bind_i64(st, 5, time_now());
	if ((rc = db_step(st)) != DB_ROW)
		return db_fail(db, rc, e);
	c->id = db_col_i64(st, 0);
	db_reset(st);
	json_t *grants = json_array();
	for (int i = 0; i < in->ngrants; i++) {
		st = db_stmt(db, STMT_GRANT_INSERT);
		if (!st) {
			json_decref(grants);
			return db_fail(db, DB_FAIL, e);
		}
		db_bind_i64(st, 1, c->id);
		db_bind_text(st, 2, in->grants[i].role);
		db_bind_i64(st, 3, in->grants[i].area_id);
		if ((rc = db_run(st)) != DB_OK) {
			json_decref(grants);
			if (rc == DB_CONFLICT)
				return xy_fail(e, XY_EINVALID, "duplicate_grant", "grants",
					       "the same role is given twice for one area");
			return db_fail(db, rc, e);
		}
		json_array_append_new(grants,
				      json_pack("{s:s, s:I}", "role", in->grants[i].role, "area_id",
						(json_int_t)in->grants[i].area_id));
	}
	if (c->throttle_key && (k = throttle_hit(db, c->throttle_key, e))) {
		json_decref(grants);
		return k;
	}
	json_t *data = json_pack("{s:s, s:o, s:b}", "username", in->username, "grants", grants,
				 "self_registered", c->self_register);
	k = store_audit_append(db, c->who ? c->who->user_id : (c->self_register ? c->id : 0),
			       audit_area, "user.created", "user", c->id, data, e);
	json_decref(data);
	return k;
}

static enum xy_kind create(struct store *s, struct user_new *c, int64_t *id, struct xy_err *e)
{
	enum xy_kind k = user_validate(c->in, e);
	if (k)
		return k;
	char hash[SECRET_HASH_MAX];
	if (c->in->password_hash)
		c->hash = c->in->password_hash;
	else if (secret_password_hash(c->in->password, hash) != 0)
		return xy_fail(e, XY_EUNAVAIL, "out_of_memory", NULL,
			       "cannot hash the password now; try again");
	else
		c->hash = hash;
	k = store_tx(s, user_create_tx, c, e);
	if (k == XY_OK && id)
		*id = c->id;
	return k;
}

enum xy_kind user_create(struct store *s, const struct actor *who, const struct user_input *in,
			 int64_t *id, struct xy_err *e)
{
	if (who && !actor_grant_any(who, ACT_USER_CREATE))
		return xy_fail(e, XY_EFORBIDDEN, "forbidden", NULL,
			       "only an admin or a community secretary may create users");
	struct user_new c = { .who = who, .in = in };
	return create(s, &c, id, e);
}

enum xy_kind user_register(struct store *s, const struct user_input *in, int64_t area_id,
			   const char *address, int64_t *id, struct xy_err *e)
{
	char key[80];
	snprintf(key, sizeof key, "register:%s", address ? address : "?");
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	if (throttle_count(db, key, time_now()) >= REGISTER_ADDRESS_MAX)
		return xy_fail(e, XY_ETHROTTLE, "too_many_attempts", NULL,
			       "too many registrations from your address; try again in %d minutes",
			       THROTTLE_WINDOW / 60);
	struct user_input r = *in;
	r.ngrants = 1;
	r.grants[0].role = "resident";
	r.grants[0].area_id = area_id;
	struct user_new c = { .in = &r, .self_register = true, .throttle_key = key };
	return create(s, &c, id, e);
}

/* Failures counted for key in the current window. */
static int throttle_count(struct db *db, const char *key, int64_t now)
{
	struct db_stmt *st = db_stmt(db, STMT_THROTTLE_GET);
	if (!st)
		return 0;
	db_bind_text(st, 1, key);
	int n = 0;
	if (db_step(st) == DB_ROW && db_col_i64(st, 1) > now - THROTTLE_WINDOW)
		n = (int)db_col_i64(st, 0);
	db_reset(st);
	return n;
}

/* Counts one event for key in the current window (starting a new window when it ran out). */
static enum xy_kind throttle_hit(struct db *db, const char *key, struct xy_err *e)
{
	int64_t now = time_now();
	struct db_stmt *st = db_stmt(db, STMT_THROTTLE_HIT);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_text(st, 1, key);
	db_bind_i64(st, 2, now);
	db_bind_i64(st, 3, now - THROTTLE_WINDOW);
	int rc = db_run(st);
	return rc == DB_OK ? XY_OK : db_fail(db, rc, e);
}

struct login_note {
	const char *keys[2]; /* account, address */
	struct session_new *sess;
	char token_hash[65];
};

/* Every attempt is counted as a failure before the password is checked, in one transaction
 * with the limit check, so parallel guesses cannot slip past the limit; a success takes its
 * count back (login_success_tx). */
static enum xy_kind login_attempt_tx(struct db *db, void *arg, struct xy_err *e)
{
	struct login_note *n = arg;
	int64_t now = time_now();
	if (throttle_count(db, n->keys[0], now) >= THROTTLE_ACCOUNT_MAX ||
	    throttle_count(db, n->keys[1], now) >= THROTTLE_ADDRESS_MAX)
		return xy_fail(e, XY_ETHROTTLE, "too_many_attempts", NULL,
			       "too many failed logins; wait %d minutes and try again",
			       THROTTLE_WINDOW / 60);
	for (int i = 0; i < 2; i++) {
		enum xy_kind k = throttle_hit(db, n->keys[i], e);
		if (k)
			return k;
	}
	return XY_OK;
}

static enum xy_kind login_success_tx(struct db *db, void *arg, struct xy_err *e)
{
	struct login_note *n = arg;
	int64_t now = time_now();
	int rc;
	struct db_stmt *st = db_stmt(db, STMT_THROTTLE_CLEAR);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_text(st, 1, n->keys[0]);
	if ((rc = db_run(st)) != DB_OK)
		return db_fail(db, rc, e);
	if (!(st = db_stmt(db, STMT_THROTTLE_UNDO)))
		return db_fail(db, DB_FAIL, e);
	db_bind_text(st, 1, n->keys[1]);
	if ((rc = db_run(st)) != DB_OK)
		return db_fail(db, rc, e);
	if (!(st = db_stmt(db, STMT_SESSION_PURGE)))
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, n->sess->user_id);
	db_bind_i64(st, 2, now);
	if ((rc = db_run(st)) != DB_OK)
		return db_fail(db, rc, e);
	if (!(st = db_stmt(db, STMT_SESSION_INSERT)))
		return db_fail(db, DB_FAIL, e);
	db_bind_text(st, 1, n->token_hash);
	db_bind_i64(st, 2, n->sess->user_id);
	db_bind_text(st, 3, n->sess->csrf);
	db_bind_i64(st, 4, now);
	db_bind_i64(st, 5, n->sess->expires_at);
	rc = db_run(st);
	return rc == DB_OK ? XY_OK : db_fail(db, rc, e);
}

enum xy_kind session_login(struct store *s, const char *username, const char *password,
			   const char *address, struct session_new *out, struct xy_err *e)
{
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	char kacct[160], kaddr[80];
	snprintf(kacct, sizeof kacct, "user:%s", username);
	snprintf(kaddr, sizeof kaddr, "addr:%s", address ? address : "?");
	int64_t now = time_now();
	struct login_note n = { .keys = { kacct, kaddr }, .sess = out };
	enum xy_kind k = store_tx(s, login_attempt_tx, &n, e);
	if (k)
		return k;

	struct db_stmt *st = db_stmt(db, STMT_USER_BY_NAME);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_text(st, 1, username);
	int rc = db_step(st);
	int64_t uid = 0;
	char hash[SECRET_HASH_MAX] = "";
	bool disabled = false;
	if (rc == DB_ROW) {
		uid = db_col_i64(st, 0);
		snprintf(hash, sizeof hash, "%s", db_col_text(st, 1));
		disabled = db_col_i64(st, 2) != 0;
	}
	db_reset(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return db_fail(db, rc, e);

	bool ok;
	if (uid)
		ok = secret_password_verify(hash, password) && !disabled;
	else
		ok = (secret_password_burn(password), false);

	if (!ok)
		return xy_fail(e, XY_EAUTH, "bad_credentials", NULL, "wrong username or password");
	memset(out, 0, sizeof *out);
	out->user_id = uid;
	out->expires_at = now + SESSION_TTL;
	secret_random_hex(out->token, 32);
	secret_random_hex(out->csrf, 32);
	secret_sha256_hex(out->token, strlen(out->token), n.token_hash);
	return store_tx(s, login_success_tx, &n, e);
}

/* Resolved sessions, kept SESSION_CACHE_TTL seconds so that a busy client costs one lookup
 * every few seconds instead of two queries a request. Keyed by the token's hash; a logout on
 * this instance drops its entry at once, elsewhere it lapses within the TTL. */
#define SESSION_CACHE_SLOTS 1024

struct cached_session {
	char hash[65];
	int64_t cached_at, expires_at;
	char csrf[65];
	struct actor who;
};

static struct cached_session session_cache[SESSION_CACHE_SLOTS];
static pthread_mutex_t session_cache_mu = PTHREAD_MUTEX_INITIALIZER;

static struct cached_session *cache_slot(const char *hash)
{
	unsigned h = 0; /* the hash is random: its first hex digits spread the slots evenly */
	for (int i = 0; i < 8; i++)
		h = h * 16 + (unsigned)(hash[i] <= '9' ? hash[i] - '0' : hash[i] - 'a' + 10);
	return &session_cache[h % SESSION_CACHE_SLOTS];
}

static bool cache_get(const char *hash, int64_t now, struct actor *who, char csrf[65])
{
	bool hit = false;
	pthread_mutex_lock(&session_cache_mu);
	struct cached_session *c = cache_slot(hash);
	if (strcmp(c->hash, hash) == 0 && now < c->cached_at + SESSION_CACHE_TTL &&
	    now < c->expires_at) {
		*who = c->who;
		if (csrf)
			memcpy(csrf, c->csrf, 65);
		hit = true;
	}
	pthread_mutex_unlock(&session_cache_mu);
	return hit;
}

static void cache_put(const char *hash, int64_t now, int64_t expires_at, const struct actor *who,
		      const char *csrf)
{
	pthread_mutex_lock(&session_cache_mu);
	struct cached_session *c = cache_slot(hash);
	memcpy(c->hash, hash, 65);
	c->cached_at = now;
	c->expires_at = expires_at;
	memcpy(c->csrf, csrf, 65);
	c->who = *who;
	pthread_mutex_unlock(&session_cache_mu);
}

static void cache_drop(const char *hash)
{
	pthread_mutex_lock(&session_cache_mu);
	struct cached_session *c = cache_slot(hash);
	if (strcmp(c->hash, hash) == 0)
		c->hash[0] = '\0';
	pthread_mutex_unlock(&session_cache_mu);
}

enum xy_kind session_resolve(struct store *s, const char *token, struct actor *who, char csrf[65],
			     struct xy_err *e)
{
	if (!token || strlen(token) != SECRET_TOKEN_HEX)
		return xy_fail(e, XY_EAUTH, "not_logged_in", NULL, "log in first");
	char th[65], tcsrf[65];
	secret_sha256_hex(token, strlen(token), th);
	int64_t now = time_now();
	if (cache_get(th, now, who, csrf))
		return XY_OK;
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	struct db_stmt *st = db_stmt(db, STMT_SESSION_GET);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_text(st, 1, th);
	db_bind_i64(st, 2, now);
	int rc = db_step(st);
	int64_t uid = 0, expires_at = 0;
	if (rc == DB_ROW) {
		uid = db_col_i64(st, 0);
		snprintf(tcsrf, sizeof tcsrf, "%s", db_col_text(st, 1));
		expires_at = db_col_i64(st, 2);
	}
	db_reset(st);
	if (rc == DB_DONE)
		return xy_fail(e, XY_EAUTH, "session_expired", NULL,
			       "your session has ended; log in again");
	if (rc != DB_ROW)
		return db_fail(db, rc, e);
	enum xy_kind k = actor_load(db, uid, who, e);
	if (k)
		return k;
	if (csrf)
		memcpy(csrf, tcsrf, 65);
	cache_put(th, now, expires_at, who, tcsrf);
	return XY_OK;
}

struct logout {
	char hash[65];
};

static enum xy_kind logout_tx(struct db *db, void *arg, struct xy_err *e)
{
	struct logout *l = arg;
	struct db_stmt *st = db_stmt(db, STMT_SESSION_DELETE);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_text(st, 1, l->hash);
	int rc = db_run(st);
	return rc == DB_OK ? XY_OK : db_fail(db, rc, e);
}

enum xy_kind session_logout(struct store *s, const char *token, struct xy_err *e)
{
	struct logout l;
	secret_sha256_hex(token, strlen(token), l.hash);
	cache_drop(l.hash);
	enum xy_kind k = store_tx(s, logout_tx, &l, e);
	cache_drop(l.hash); /* a request resolving meanwhile may have put it back */
	return k;
}

enum xy_kind user_json(struct store *s, int64_t user_id, bool full_phone, json_t **out,
		       struct xy_err *e)
{
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	struct db_stmt *st = db_stmt(db, STMT_USER_GET);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, user_id);
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_reset(st);
		return rc == DB_DONE
			       ? xy_fail(e, XY_ENOTFOUND, "user_not_found", NULL, "no such user")
			       : db_fail(db, rc, e);
	}
	json_t *u = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_col_i64(st, 0), "username",
			      db_col_text(st, 1), "display_name", db_col_text(st, 2));
	const char *phone = db_col_text(st, 3);
	if (phone) {
		char m[32];
		if (!full_phone)
			mask_phone(phone, m, sizeof m);
		json_object_set_new(u, "phone", json_string(full_phone ? phone : m));
	} else {
		json_object_set_new(u, "phone", json_null());
	}
	db_reset(st);
	struct actor who;
	enum xy_kind k = actor_load(db, user_id, &who, e);
	if (k) {
		json_decref(u);
		return k;
	}
	json_t *grants = json_array();
	for (int i = 0; i < who.ngrants; i++)
		json_array_append_new(grants,
				      json_pack("{s:s, s:I}", "role", role_name(who.grants[i].role),
						"area_id", (json_int_t)who.grants[i].area_id));
	json_object_set_new(u, "grants", grants);
	*out = u;
	return XY_OK;
}
