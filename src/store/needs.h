/* needs — the needs ring as stored: submit, list, read, support (+1) and move along the state
 * machine of core/need.h. Every change writes its history row and audit event in the same
 * transaction; every read and write is checked against the actor's area scope first. */
#ifndef XY_STORE_NEEDS_H
#define XY_STORE_NEEDS_H

#include <jansson.h>
#include <stdbool.h>

#include "core/need.h"
#include "store/store.h"

struct need_input {
	int64_t area_id;
	const char *category, *title, *description;
	const char *beneficiaries[NEED_BENEFICIARIES_MAX];
	int nbenef;
	const char *urgency; /* NULL = normal */
	const char *channel; /* NULL = self for residents */
	bool on_behalf;
	const char *behalf_name, *behalf_phone;
};

struct need_created {
	int64_t id;
	char tracking_no[32];
};

/* A resident submits for themselves (channel self), or a worker records for a resident
 * (channel visit|phone|desk|hotline and on_behalf_of). */
enum xy_kind need_submit(struct store *s, const struct actor *who, const struct need_input *in,
			 struct need_created *out, struct xy_err *e);

struct need_filter {
	int64_t area_id; /* 0 = the actor's own scope */
	const char *status, *category, *q;
	bool mine; /* only the actor's own submissions */
	struct page pg;
};

/* {items, total, page, per_page}, newest first, personal data masked as the actor's role says. */
enum xy_kind needs_list(struct store *s, const struct actor *who, const struct need_filter *f,
			json_t **out, struct xy_err *e);

/* One need with supporters and history. reveal_phone shows the phone unmasked (roles with
 * ACT_PII_READ only) and is audited. */
enum xy_kind need_get(struct store *s, const struct actor *who, int64_t id, bool reveal_phone,
		      json_t **out, struct xy_err *e);

/* A resident's +1, once per resident; *supporters gets the new count. */
enum xy_kind need_support(struct store *s, const struct actor *who, int64_t id, int64_t *supporters,
			  struct xy_err *e);

struct need_transition_input {
	const char *to, *reason;
	int64_t merged_into, provider_id;
};

enum xy_kind need_transition(struct store *s, const struct actor *who, int64_t id,
			     const struct need_transition_input *in, struct xy_err *e);

/* Moves a need as part of a project decision, inside the caller's transaction: approval
 * (accepted -> in_project), closing (in_project -> fulfilled), cancelling (in_project ->
 * accepted); with its history row, counts and audit event (which names the project). */
enum xy_kind need_move_by_project(struct db *db, const struct actor *who, int64_t need_id,
				  enum need_status to, const char *reason, int64_t project_id,
				  struct xy_err *e);

/* Needs figures for an area subtree (0 = the actor's scope) and year (0 = all years). */
enum xy_kind needs_stats(struct store *s, const struct actor *who, int64_t area_id, int year,
			 json_t **out, struct xy_err *e);
/* The same figures for the subtree at path, for a caller that has checked the scope. */
enum xy_kind needs_stats_area(struct db *db, const char *path, int year, json_t **out,
			      struct xy_err *e);

#endif
