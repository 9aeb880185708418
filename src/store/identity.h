/* identity — users, role grants, sessions and login throttling.
 *
 * Passwords are Argon2id; session tokens are 32 random bytes of which only the SHA-256 is
 * stored; each session has its own CSRF token. Failed logins are counted per account and per
 * client address in a window; past the limit, logins are refused with 429 without checking the
 * password.
 */
#ifndef XY_STORE_IDENTITY_H
#define XY_STORE_IDENTITY_H

#include <jansson.h>

#include "core/role.h"
#include "store/store.h"

#define SESSION_TTL          (12 * 3600)
#define SESSION_CACHE_TTL    5 /* seconds a resolved session is reused without a query */
#define THROTTLE_WINDOW      (15 * 60)
#define THROTTLE_ACCOUNT_MAX 5
#define THROTTLE_ADDRESS_MAX 30
#define REGISTER_ADDRESS_MAX 60 /* self-registrations per address per window */

struct grant_input {
	const char *role;
	int64_t area_id;
};

struct user_input {
	const char *username, *password, *display_name, *phone;
	int ngrants;
	struct grant_input grants[ACTOR_MAX_GRANTS];
	/* The Argon2id hash of password, computed once for many accounts that share it (the
	 * demo's users); NULL: user_create hashes password itself. Never set from a request. */
	const char *password_hash;
};

/* Creates a user with grants. who == NULL means the system (init, demo); otherwise every grant
 * must be one who may give (role_may_grant). 409 username_taken; 422 for invalid fields. */
enum xy_kind user_create(struct store *s, const struct actor *who, const struct user_input *in,
			 int64_t *id, struct xy_err *e);

/* A resident registers: one grant (resident, area_id) on a community or compound. At most
 * REGISTER_ADDRESS_MAX registrations per client address in a window (429 beyond). */
enum xy_kind user_register(struct store *s, const struct user_input *in, int64_t area_id,
			   const char *address, int64_t *id, struct xy_err *e);

struct session_new {
	char token[65];
	char csrf[65];
	int64_t user_id;
	int64_t expires_at;
};

/* Checks the password (throttled per account and per address) and opens a session.
 * 401 bad_credentials, 429 too_many_attempts. */
enum xy_kind session_login(struct store *s, const char *username, const char *password,
			   const char *address, struct session_new *out, struct xy_err *e);

/* Resolves a token to its actor and CSRF token; 401 when unknown or expired. */
enum xy_kind session_resolve(struct store *s, const char *token, struct actor *who, char csrf[65],
			     struct xy_err *e);

enum xy_kind session_logout(struct store *s, const char *token, struct xy_err *e);

/* Loads the grants (with paths and scopes) of user_id into who. */
enum xy_kind actor_load(struct db *db, int64_t user_id, struct actor *who, struct xy_err *e);

/* {id, username, display_name, phone (masked unless full), grants:[{role, area_id}]}. */
enum xy_kind user_json(struct store *s, int64_t user_id, bool full_phone, json_t **out,
		       struct xy_err *e);

#endif
