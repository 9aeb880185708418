#include "core/audit.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"

#define CANON_FMT "v2|%lld|%lld|%lld|%lld|%zu:%s|%zu:%s|%zu:%s|%lld|%zu:%s"
#define CANON_ARGS(ev, path)                                                                       \
	(long long)(ev)->id, (long long)(ev)->at, (long long)(ev)->actor_id,                       \
		(long long)(ev)->area_id, strlen(path), path, strlen((ev)->action), (ev)->action,  \
		strlen((ev)->entity), (ev)->entity, (long long)(ev)->entity_id,                    \
		strlen((ev)->data), (ev)->data

char *audit_canonical(const struct audit_event *ev)
{
	const char *path = ev->area_path ? ev->area_path : "";
	int n = snprintf(NULL, 0, CANON_FMT, CANON_ARGS(ev, path));
	XY_ASSERT(n >= 0);
	char *s = xy_malloc((size_t)n + 1);
	snprintf(s, (size_t)n + 1, CANON_FMT, CANON_ARGS(ev, path));
	return s;
}

static void compute(const struct audit_event *ev, char out[AUDIT_HASH_LEN + 1])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;
	char *canon = audit_canonical(ev);
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)ev->prev_hash, AUDIT_HASH_LEN);
	crypto_hash_sha256_update(&st, (const unsigned char *)canon, strlen(canon));
	crypto_hash_sha256_final(&st, h);
	free(canon);
	sodium_bin2hex(out, AUDIT_HASH_LEN + 1, h, sizeof h);
}

void audit_seal(struct audit_event *ev)
{
	compute(ev, ev->hash);
}

bool audit_check(const struct audit_event *ev)
{
	char h[AUDIT_HASH_LEN + 1];
	compute(ev, h);
	return strcmp(h, ev->hash) == 0;
}
