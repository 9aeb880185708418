/* need — the need (需求 / 微心愿) state machine and the rules for who may move a need.
 *
 *   submitted -> accepted | rejected | merged
 *   accepted  -> wish_open | rejected | merged | in_project (by project approval only)
 *   wish_open -> claimed | accepted (publication withdrawn)
 *   claimed   -> fulfilled | wish_open (claim released)
 *   fulfilled -> confirmed
 *   in_project -> fulfilled (its project closed) | accepted (its project was cancelled)
 *
 * The edges into and out of in_project are taken by project decisions only (by_project).
 * rejected, merged and confirmed end the need's machine. A first response is leaving
 * `submitted`; a need is resolved when it is fulfilled.
 */
#ifndef XY_CORE_NEED_H
#define XY_CORE_NEED_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/role.h"

enum need_status {
	NEED_SUBMITTED,
	NEED_ACCEPTED,
	NEED_REJECTED,
	NEED_MERGED,
	NEED_WISH_OPEN,
	NEED_CLAIMED,
	NEED_FULFILLED,
	NEED_CONFIRMED,
	NEED_IN_PROJECT,
	NEED_STATUS_COUNT
};

enum need_channel { CH_SELF, CH_VISIT, CH_PHONE, CH_DESK, CH_HOTLINE, CH_COUNT };
enum need_urgency { URG_LOW, URG_NORMAL, URG_HIGH, URG_COUNT };

/* Hours a community has to give a need its first response; past it the need is overdue. */
#define NEED_RESPONSE_HOURS 72

/* Text limits, in code points. */
#define NEED_TITLE_MAX         100
#define NEED_DESC_MAX          2000
#define NEED_REASON_MAX        500
#define NEED_BENEFICIARIES_MAX 8

int need_status_parse(const char *s); /* -1 when unknown */
const char *need_status_name(enum need_status s);
int need_channel_parse(const char *s);
const char *need_channel_name(enum need_channel c);
int need_urgency_parse(const char *s);
const char *need_urgency_name(enum need_urgency u);
/* Beneficiary groups: elderly, children, youth, women, disabled, low_income, families, all. */
bool need_beneficiary_ok(const char *s);

/* The action an edge needs, or -1 when from -> to is not an edge of the machine.
 * in_project is an edge (ACT_NEED_TRIAGE level) but only project approval may take it. */
int need_edge_action(enum need_status from, enum need_status to);

/* Is this status final (rejected, merged, confirmed)? */
bool need_status_closed(enum need_status s);

/* What a transition request and the need look like, for need_authorize. */
struct need_facts {
	enum need_status status;
	const char *area_path;
	int64_t submitter_id; /* the resident's user id, 0 if recorded for a non-user */
	enum need_channel channel;
	int64_t claim_user_id; /* the user owning the claiming provider, 0 if none */
};

struct need_move {
	enum need_status to;
	const char *reason;       /* NULL or text */
	int64_t merged_into;      /* 0 unless to == merged */
	int64_t provider_id;      /* 0 unless to == claimed */
	int64_t provider_user_id; /* the user owning provider_id, 0 if none */
	bool by_project;          /* set only by project approval */
};

/* Decides whether who may move the need as asked: 409 illegal_transition for a missing edge,
 * 403 forbidden/out_of_scope for role, area or ownership, 422 for missing reason/target.
 * Records of other communities never get past here. */
enum xy_kind need_authorize(const struct actor *who, const struct need_facts *n,
			    const struct need_move *m, struct xy_err *e);

#endif
