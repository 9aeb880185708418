/* audit_log — the stored audit chain: appending happens in store_audit_append (store.h);
 * this reads, lists and verifies it. */
#ifndef XY_STORE_AUDIT_LOG_H
#define XY_STORE_AUDIT_LOG_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/role.h"
#include "store/store.h"

struct store;

struct audit_report {
	bool ok;
	int64_t count;     /* events checked */
	char head[65];     /* hash of the last event (the chain head) */
	int64_t bad_id;    /* first bad event, 0 when ok */
	char problem[160]; /* what is wrong with it */
};

/* Walks the whole chain in one snapshot and reports the first event that does not verify:
 * an altered row (hash mismatch), a removed row (gap in ids or broken link) or a removed tail
 * (head mismatch). */
enum xy_kind audit_log_verify(struct store *s, struct audit_report *r, struct xy_err *e);

/* The events an actor may read (ACT_AUDIT_READ scope), oldest first: {items, total, page,
 * per_page}. entity may be NULL, entity_id 0 for all. Caller owns the result. */
enum xy_kind audit_log_list(struct store *s, const struct actor *who, const char *entity,
			    int64_t entity_id, struct page pg, json_t **out, struct xy_err *e);

#endif
