#include "core/secret.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

int secret_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

int secret_password_hash(const char *password, char out[SECRET_HASH_MAX])
{
	return crypto_pwhash_str_alg(
		out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
		crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13);
}

bool secret_password_verify(const char *hash, const char *password)
{
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

static char burn_hash[SECRET_HASH_MAX];
static pthread_once_t burn_once = PTHREAD_ONCE_INIT;

static void burn_init(void)
{
	char pw[33];
	secret_random_hex(pw, 16);
	if (secret_password_hash(pw, burn_hash) != 0)
		burn_hash[0] = '\0';
}

void secret_password_burn(const char *password)
{
	pthread_once(&burn_once, burn_init);
	if (burn_hash[0])
		(void)secret_password_verify(burn_hash, password);
}

void secret_random_hex(char *out, size_t bytes)
{
	unsigned char buf[64];
	if (bytes > sizeof buf)
		bytes = sizeof buf;
	randombytes_buf(buf, bytes);
	sodium_bin2hex(out, bytes * 2 + 1, buf, bytes);
	sodium_memzero(buf, sizeof buf);
}

void secret_sha256_hex(const char *s, size_t n, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)s, n);
	sodium_bin2hex(out, 65, h, sizeof h);
}

bool secret_equal(const char *a, const char *b)
{
	size_t n = strlen(a);
	if (n != strlen(b))
		return false;
	return sodium_memcmp(a, b, n) == 0;
}
