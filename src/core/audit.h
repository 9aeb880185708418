/* audit — the hash chain that makes the audit trail tamper-evident.
 *
 * Each event's hash is SHA-256(prev_hash ‖ canonical(event)) in lowercase hex; the first
 * event's prev_hash is 64 zeros. canonical() is a fixed '|'-separated line of every stored
 * column but the hashes, text columns length-prefixed ("15:need.transition") so no edit can
 * move characters between columns unseen:
 *   v2|id|at|actor_id|area_id|len:area_path|len:action|len:entity|entity_id|len:data
 * Any edit of a stored column, a removed row or a reordering breaks the chain. `data` is
 * compact JSON written once by the store and never re-serialised.
 */
#ifndef XY_CORE_AUDIT_H
#define XY_CORE_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#define AUDIT_HASH_LEN 64
#define AUDIT_GENESIS  "0000000000000000000000000000000000000000000000000000000000000000"

struct audit_event {
	int64_t id;
	int64_t at;            /* Unix seconds */
	int64_t actor_id;      /* 0 = system */
	int64_t area_id;       /* 0 = not tied to an area */
	const char *area_path; /* the area's path when the event was written ("/" for none) */
	const char *action;    /* e.g. "need.transition" */
	const char *entity;    /* e.g. "need" */
	int64_t entity_id;
	const char *data; /* compact JSON object */
	char prev_hash[AUDIT_HASH_LEN + 1];
	char hash[AUDIT_HASH_LEN + 1];
};

/* Sets ev->hash from ev->prev_hash and the event's columns. */
void audit_seal(struct audit_event *ev);

/* true when ev->hash is what audit_seal would compute. */
bool audit_check(const struct audit_event *ev);

/* The canonical line (malloc'd; caller frees). */
char *audit_canonical(const struct audit_event *ev);

#endif
