/* role — roles, the actions each may take, and the area-scope check.
 *
 * An actor holds grants (role, area). An action on a record located at area path P is allowed
 * when some grant's role may take the action and P lies in that grant's scope. A grant's scope
 * is its area's subtree, except a resident's, which is the whole community the resident lives
 * in (so residents can see and support their neighbours' needs). This is the only place the
 * rule is written; HTTP and CLI both go through it.
 */
#ifndef XY_CORE_ROLE_H
#define XY_CORE_ROLE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/area.h"

enum role {
	ROLE_ADMIN,
	ROLE_STREET_SUPERVISOR,
	ROLE_SECRETARY,
	ROLE_WORKER,
	ROLE_PROVIDER,
	ROLE_VOLUNTEER,
	ROLE_EVALUATOR,
	ROLE_RESIDENT,
	ROLE_COUNT
};

enum action {
	ACT_NEED_READ,      /* see needs (personal data masked unless ACT_PII_READ) */
	ACT_NEED_SUBMIT,    /* submit one's own need */
	ACT_NEED_RECORD,    /* record a need on behalf of a resident */
	ACT_NEED_SUPPORT,   /* +1 a neighbour's need */
	ACT_NEED_TRIAGE,    /* accept, reject, merge */
	ACT_NEED_PUBLISH,   /* publish (or withdraw) a micro-wish */
	ACT_NEED_CLAIM,     /* claim or release a micro-wish */
	ACT_NEED_FULFIL,    /* mark a claimed micro-wish fulfilled */
	ACT_NEED_CONFIRM,   /* confirm a fulfilled micro-wish */
	ACT_PII_READ,       /* see phone numbers and full names unmasked */
	ACT_PROVIDER_READ,  /* list providers */
	ACT_PROVIDER_WRITE, /* add providers to the pools */
	ACT_USER_CREATE,    /* create accounts and grant roles */
	ACT_AREA_WRITE,     /* add areas */
	ACT_AUDIT_READ,     /* read the audit trail */
	ACT_STATS_READ,     /* read supervision figures */
	ACT_PROJECT_READ,   /* see projects, their activities, feedback summary and ledger */
	ACT_PROJECT_DRAFT,  /* draft, propose, start and finish projects; run their activities */
	ACT_PROJECT_DECIDE, /* approve, reject, cancel and close projects */
	ACT_FUND_READ,      /* read funds and their ledgers */
	ACT_FUND_CREATE,    /* set up a special fund for an area and year */
	ACT_FUND_ALLOCATE,  /* allocate a fund to areas and projects */
	ACT_SPEND,          /* record a project's expenditures */
	ACT_VENUE_WRITE,    /* add venues and zones, book zones */
	ACT_ACTIVITY_JOIN,  /* sign up for an activity */
	ACT_FEEDBACK,       /* rate a project one benefited from */
	ACT_EVALUATE,       /* file a third-party evaluation */
	ACT_PB_MANAGE,      /* open and close participatory-budgeting rounds */
	ACT_PB_VOTE,        /* cast a ballot in a round of the area one lives in */
	ACT_COUNT
};

/* A grant as loaded for a session: the role, its area, the area's path and its scope path. */
struct grant {
	enum role role;
	int64_t area_id;
	char path[AREA_PATH_MAX];
	char scope[AREA_PATH_MAX];
};

#define ACTOR_MAX_GRANTS 16

/* Whoever makes a request or runs a command. user_id 0 = the system (migrations, demo). */
struct actor {
	int64_t user_id;
	int ngrants;
	struct grant grants[ACTOR_MAX_GRANTS];
};

int role_parse(const char *s); /* -1 when unknown */
const char *role_name(enum role r);

/* May role r take action a at all (ignoring area)? */
bool role_may(enum role r, enum action a);

/* The grant that allows action a at area path (most capable role first), or NULL. */
const struct grant *actor_grant_for(const struct actor *who, enum action a, const char *path);

/* true when some grant allows action a at path. */
bool actor_may(const struct actor *who, enum action a, const char *path);

/* true when some grant allowing action a covers path or lies inside it: a provider registered
 * for a street serves (and is seen by) the communities below it. */
bool actor_may_related(const struct actor *who, enum action a, const char *path);

/* The first grant (most capable first) whose role may take action a anywhere, or NULL: used to
 * pick a default scope for lists. */
const struct grant *actor_grant_any(const struct actor *who, enum action a);

/* May an actor holding grant g give role r at area path (user administration)? Admins may give
 * any role anywhere; secretaries may give worker, provider, volunteer and resident inside their
 * subtree. */
bool role_may_grant(const struct grant *g, enum role r, const char *path);

#endif
