/* secret — passwords (Argon2id via libsodium), random tokens and SHA-256 digests.
 * secret_init() must run once before any other call (it initialises libsodium). */
#ifndef XY_CORE_SECRET_H
#define XY_CORE_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#define SECRET_HASH_MAX  128 /* crypto_pwhash_STRBYTES */
#define SECRET_TOKEN_HEX 64  /* 32 random bytes */
#define PASSWORD_MIN     8
#define PASSWORD_MAX     128

int secret_init(void);

/* Argon2id (libsodium's interactive limits) into out; -1 when out of memory. */
int secret_password_hash(const char *password, char out[SECRET_HASH_MAX]);
bool secret_password_verify(const char *hash, const char *password);
/* Spends the same work as a verify against a real hash (defeats user enumeration by timing). */
void secret_password_burn(const char *password);

/* bytes random bytes as lowercase hex into out (2*bytes+1). */
void secret_random_hex(char *out, size_t bytes);

/* SHA-256 of s as 64 lowercase hex digits. */
void secret_sha256_hex(const char *s, size_t n, char out[65]);

/* Constant-time string equality. */
bool secret_equal(const char *a, const char *b);

#endif
