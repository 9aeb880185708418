#include "core/role.h"

#include <string.h>

static const char *const role_names[ROLE_COUNT] = {
	"admin",    "street_supervisor", "secretary", "worker",
	"provider", "volunteer",         "evaluator", "resident",
};

#define A(x) (1u << (x))
_Static_assert(ACT_COUNT <= 32, "the action sets are 32-bit masks");

/* What every supervising role reads. */
#define STAFF_READ                                                                                 \
	(A(ACT_NEED_READ) | A(ACT_PROVIDER_READ) | A(ACT_AUDIT_READ) | A(ACT_STATS_READ) |         \
	 A(ACT_PROJECT_READ) | A(ACT_FUND_READ))

/* Who may do what; the area check comes on top of this. */
static const unsigned role_actions[ROLE_COUNT] = {
	[ROLE_ADMIN] = STAFF_READ | A(ACT_PII_READ) | A(ACT_PROVIDER_WRITE) | A(ACT_USER_CREATE) |
		       A(ACT_AREA_WRITE) | A(ACT_FUND_CREATE) | A(ACT_FUND_ALLOCATE) |
		       A(ACT_VENUE_WRITE) | A(ACT_PB_MANAGE),
	[ROLE_STREET_SUPERVISOR] = STAFF_READ,
	[ROLE_SECRETARY] = STAFF_READ | A(ACT_NEED_RECORD) | A(ACT_NEED_TRIAGE) |
			   A(ACT_NEED_PUBLISH) | A(ACT_NEED_CLAIM) | A(ACT_NEED_FULFIL) |
			   A(ACT_NEED_CONFIRM) | A(ACT_PII_READ) | A(ACT_PROVIDER_WRITE) |
			   A(ACT_USER_CREATE) | A(ACT_PROJECT_DRAFT) | A(ACT_PROJECT_DECIDE) |
			   A(ACT_FUND_ALLOCATE) | A(ACT_SPEND) | A(ACT_VENUE_WRITE) |
			   A(ACT_PB_MANAGE),
	[ROLE_WORKER] = STAFF_READ | A(ACT_NEED_RECORD) | A(ACT_NEED_TRIAGE) | A(ACT_NEED_CLAIM) |
			A(ACT_NEED_FULFIL) | A(ACT_NEED_CONFIRM) | A(ACT_PII_READ) |
			A(ACT_PROVIDER_WRITE) | A(ACT_PROJECT_DRAFT) | A(ACT_SPEND) |
			A(ACT_VENUE_WRITE),
	[ROLE_PROVIDER] = A(ACT_NEED_READ) | A(ACT_NEED_CLAIM) | A(ACT_NEED_FULFIL) |
			  A(ACT_PROVIDER_READ) | A(ACT_PROJECT_READ),
	[ROLE_VOLUNTEER] = A(ACT_NEED_READ) | A(ACT_NEED_CLAIM) | A(ACT_NEED_FULFIL) |
			   A(ACT_PROVIDER_READ) | A(ACT_PROJECT_READ),
	[ROLE_EVALUATOR] = STAFF_READ | A(ACT_EVALUATE),
	[ROLE_RESIDENT] = A(ACT_NEED_READ) | A(ACT_NEED_SUBMIT) | A(ACT_NEED_SUPPORT) |
			  A(ACT_NEED_CONFIRM) | A(ACT_PROJECT_READ) | A(ACT_ACTIVITY_JOIN) |
			  A(ACT_FEEDBACK) | A(ACT_PB_VOTE),
};

/* Most capable first: when a user holds several grants, this one acts. */
static const enum role role_order[ROLE_COUNT] = {
	ROLE_ADMIN,     ROLE_SECRETARY, ROLE_WORKER,    ROLE_STREET_SUPERVISOR,
	ROLE_EVALUATOR, ROLE_PROVIDER,  ROLE_VOLUNTEER, ROLE_RESIDENT,
};

int role_parse(const char *s)
{
	for (int i = 0; s && i < ROLE_COUNT; i++)
		if (strcmp(s, role_names[i]) == 0)
			return i;
	return -1;
}

const char *role_name(enum role r)
{
	return (unsigned)r < ROLE_COUNT ? role_names[r] : "unknown";
}

bool role_may(enum role r, enum action a)
{
	return (unsigned)r < ROLE_COUNT && (unsigned)a < ACT_COUNT && (role_actions[r] & A(a));
}

const struct grant *actor_grant_for(const struct actor *who, enum action a, const char *path)
{
	if (!who || !path)
		return NULL;
	for (int k = 0; k < ROLE_COUNT; k++)
		for (int i = 0; i < who->ngrants; i++) {
			const struct grant *g = &who->grants[i];
			if (g->role == role_order[k] && role_may(g->role, a) &&
			    area_path_within(g->scope, path))
				return g;
		}
	return NULL;
}

bool actor_may(const struct actor *who, enum action a, const char *path)
{
	return actor_grant_for(who, a, path) != NULL;
}

bool actor_may_related(const struct actor *who, enum action a, const char *path)
{
	if (!who || !path)
		return false;
	for (int i = 0; i < who->ngrants; i++) {
		const struct grant *g = &who->grants[i];
		if (role_may(g->role, a) &&
		    (area_path_within(g->scope, path) || area_path_within(path, g->scope)))
			return true;
	}
	return false;
}

const struct grant *actor_grant_any(const struct actor *who, enum action a)
{
	if (!who)
		return NULL;
	for (int k = 0; k < ROLE_COUNT; k++)
		for (int i = 0; i < who->ngrants; i++)
			if (who->grants[i].role == role_order[k] &&
			    role_may(who->grants[i].role, a))
				return &who->grants[i];
	return NULL;
}

bool role_may_grant(const struct grant *g, enum role r, const char *path)
{
	if (!g || !area_path_within(g->scope, path))
		return false;
	if (g->role == ROLE_ADMIN)
		return true;
	if (g->role == ROLE_SECRETARY)
		return r == ROLE_WORKER || r == ROLE_PROVIDER || r == ROLE_VOLUNTEER ||
		       r == ROLE_RESIDENT;
	return false;
}
