#include "core/need.h"

#include <string.h>

#include "core/text.h"

static const char *const status_names[NEED_STATUS_COUNT] = {
	"submitted", "accepted",  "rejected",  "merged",     "wish_open",
	"claimed",   "fulfilled", "confirmed", "in_project",
};
static const char *const channel_names[CH_COUNT] = { "self", "visit", "phone", "desk", "hotline" };
static const char *const urgency_names[URG_COUNT] = { "low", "normal", "high" };
static const char *const beneficiaries[] = { "elderly",  "children",   "youth",    "women",
					     "disabled", "low_income", "families", "all" };

static int parse(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

int need_status_parse(const char *s)
{
	return parse(status_names, NEED_STATUS_COUNT, s);
}

const char *need_status_name(enum need_status s)
{
	return (unsigned)s < NEED_STATUS_COUNT ? status_names[s] : "unknown";
}

int need_channel_parse(const char *s)
{
	return parse(channel_names, CH_COUNT, s);
}

const char *need_channel_name(enum need_channel c)
{
	return (unsigned)c < CH_COUNT ? channel_names[c] : "unknown";
}

int need_urgency_parse(const char *s)
{
	return parse(urgency_names, URG_COUNT, s);
}

const char *need_urgency_name(enum need_urgency u)
{
	return (unsigned)u < URG_COUNT ? urgency_names[u] : "unknown";
}

bool need_beneficiary_ok(const char *s)
{
	return parse(beneficiaries, (int)(sizeof beneficiaries / sizeof *beneficiaries), s) >= 0;
}

static const struct {
	enum need_status from, to;
	enum action act;
} edges[] = {
	{ NEED_SUBMITTED, NEED_ACCEPTED, ACT_NEED_TRIAGE },
	{ NEED_SUBMITTED, NEED_REJECTED, ACT_NEED_TRIAGE },
	{ NEED_SUBMITTED, NEED_MERGED, ACT_NEED_TRIAGE },
	{ NEED_ACCEPTED, NEED_REJECTED, ACT_NEED_TRIAGE },
	{ NEED_ACCEPTED, NEED_MERGED, ACT_NEED_TRIAGE },
	{ NEED_ACCEPTED, NEED_WISH_OPEN, ACT_NEED_PUBLISH },
	{ NEED_ACCEPTED, NEED_IN_PROJECT, ACT_NEED_TRIAGE },
	{ NEED_WISH_OPEN, NEED_ACCEPTED, ACT_NEED_PUBLISH },
	{ NEED_WISH_OPEN, NEED_CLAIMED, ACT_NEED_CLAIM },
	{ NEED_CLAIMED, NEED_WISH_OPEN, ACT_NEED_CLAIM },
	{ NEED_CLAIMED, NEED_FULFILLED, ACT_NEED_FULFIL },
	{ NEED_FULFILLED, NEED_CONFIRMED, ACT_NEED_CONFIRM },
	{ NEED_IN_PROJECT, NEED_FULFILLED, ACT_NEED_TRIAGE }, /* its project closed */
	{ NEED_IN_PROJECT, NEED_ACCEPTED, ACT_NEED_TRIAGE },  /* its project was cancelled */
};

int need_edge_action(enum need_status from, enum need_status to)
{
	for (size_t i = 0; i < sizeof edges / sizeof *edges; i++)
		if (edges[i].from == from && edges[i].to == to)
			return (int)edges[i].act;
	return -1;
}

bool need_status_closed(enum need_status s)
{
	return s == NEED_REJECTED || s == NEED_MERGED || s == NEED_CONFIRMED;
}

static bool acts_for_provider(enum role r)
{
	return r == ROLE_PROVIDER || r == ROLE_VOLUNTEER;
}

enum xy_kind need_authorize(const struct actor *who, const struct need_facts *n,
			    const struct need_move *m, struct xy_err *e)
{
	if (!actor_may(who, ACT_NEED_READ, n->area_path))
		return xy_fail(e, XY_EFORBIDDEN, "out_of_scope", NULL,
			       "this need is outside your area");
	int act = need_edge_action(n->status, m->to);
	if (act < 0)
		return xy_fail(e, XY_ECONFLICT, "illegal_transition", "to",
			       "a need cannot go from %s to %s", need_status_name(n->status),
			       need_status_name(m->to));
	if (m->to == NEED_IN_PROJECT && !m->by_project)
		return xy_fail(e, XY_ECONFLICT, "illegal_transition", "to",
			       "a need moves to in_project only when a project that includes it "
			       "is approved");
	if (n->status == NEED_IN_PROJECT && !m->by_project)
		return xy_fail(e, XY_ECONFLICT, "illegal_transition", "to",
			       "a need in a project moves on with its project (closed or "
			       "cancelled)");
	const struct grant *g = actor_grant_for(who, (enum action)act, n->area_path);
	if (!g)
		return xy_fail(e, XY_EFORBIDDEN, "forbidden", "to",
			       "your role may not move a need to %s", need_status_name(m->to));

	switch (m->to) {
	case NEED_REJECTED:
		if (!m->reason || !text_len_ok(m->reason, 1, NEED_REASON_MAX))
			return xy_fail(e, XY_EINVALID, "reason_required", "reason",
				       "a rejection needs a public reason of 1 to %d characters",
				       NEED_REASON_MAX);
		break;
	case NEED_MERGED:
		if (m->merged_into <= 0)
			return xy_fail(e, XY_EINVALID, "merged_into_required", "merged_into",
				       "say which need this one is merged into");
		break;
	case NEED_CLAIMED:
		if (m->provider_id <= 0)
			return xy_fail(e, XY_EINVALID, "provider_required", "provider_id",
				       "say which provider claims the micro-wish");
		if (acts_for_provider(g->role) && m->provider_user_id != who->user_id)
			return xy_fail(e, XY_EFORBIDDEN, "not_your_provider", "provider_id",
				       "you may claim only for a provider you represent");
		break;
	case NEED_WISH_OPEN:
		if (n->status == NEED_CLAIMED && acts_for_provider(g->role) &&
		    n->claim_user_id != who->user_id)
			return xy_fail(
				e, XY_EFORBIDDEN, "not_your_claim", NULL,
				"only the claiming provider or a worker may release a claim");
		break;
	case NEED_FULFILLED:
		if (acts_for_provider(g->role) && n->claim_user_id != who->user_id)
			return xy_fail(
				e, XY_EFORBIDDEN, "not_your_claim", NULL,
				"only the claiming provider or a worker may mark it fulfilled");
		break;
	case NEED_CONFIRMED:
		if (n->submitter_id != 0 && n->submitter_id == who->user_id)
			break; /* the resident who made the wish, whatever other roles they hold */
		if (g->role == ROLE_RESIDENT && n->submitter_id != who->user_id)
			return xy_fail(e, XY_EFORBIDDEN, "not_your_need", NULL,
				       "only the resident who made the wish may confirm it");
		if (g->role != ROLE_RESIDENT && n->submitter_id != 0)
			return xy_fail(e, XY_EFORBIDDEN, "resident_confirms", NULL,
				       "the resident confirms a wish they submitted themselves");
		break;
	default:
		break;
	}
	if (m->reason && !text_len_ok(m->reason, 0, NEED_REASON_MAX))
		return xy_fail(e, XY_EINVALID, "invalid_reason", "reason",
			       "reason must be valid text of at most %d characters",
			       NEED_REASON_MAX);
	return XY_OK;
}
