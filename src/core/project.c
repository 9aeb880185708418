#include "core/project.h"

#include <string.h>

#include "core/text.h"

static const char *const status_names[PROJECT_STATUS_COUNT] = {
	"draft",       "proposed",   "approved", "rejected",
	"in_progress", "evaluating", "closed",   "cancelled",
};

int project_status_parse(const char *s)
{
	for (int i = 0; s && i < PROJECT_STATUS_COUNT; i++)
		if (strcmp(s, status_names[i]) == 0)
			return i;
	return -1;
}

const char *project_status_name(enum project_status s)
{
	return (unsigned)s < PROJECT_STATUS_COUNT ? status_names[s] : "unknown";
}

bool project_status_final(enum project_status s)
{
	return s == PROJECT_REJECTED || s == PROJECT_CLOSED || s == PROJECT_CANCELLED;
}

static const struct {
	enum project_status from, to;
	enum action act;
	bool reason; /* a public reason is required */
} edges[] = {
	{ PROJECT_DRAFT, PROJECT_PROPOSED, ACT_PROJECT_DRAFT, false },
	{ PROJECT_DRAFT, PROJECT_CANCELLED, ACT_PROJECT_DRAFT, false },
	{ PROJECT_PROPOSED, PROJECT_DRAFT, ACT_PROJECT_DRAFT, false },
	{ PROJECT_PROPOSED, PROJECT_APPROVED, ACT_PROJECT_DECIDE, false },
	{ PROJECT_PROPOSED, PROJECT_REJECTED, ACT_PROJECT_DECIDE, true },
	{ PROJECT_APPROVED, PROJECT_IN_PROGRESS, ACT_PROJECT_DRAFT, false },
	{ PROJECT_APPROVED, PROJECT_CANCELLED, ACT_PROJECT_DECIDE, true },
	{ PROJECT_IN_PROGRESS, PROJECT_EVALUATING, ACT_PROJECT_DRAFT, false },
	{ PROJECT_IN_PROGRESS, PROJECT_CANCELLED, ACT_PROJECT_DECIDE, true },
	{ PROJECT_EVALUATING, PROJECT_CLOSED, ACT_PROJECT_DECIDE, false },
};

static int edge_index(enum project_status from, enum project_status to)
{
	for (int i = 0; i < (int)(sizeof edges / sizeof *edges); i++)
		if (edges[i].from == from && edges[i].to == to)
			return i;
	return -1;
}

int project_edge_action(enum project_status from, enum project_status to)
{
	int i = edge_index(from, to);
	return i < 0 ? -1 : (int)edges[i].act;
}

int project_stage_days(enum project_status s)
{
	switch (s) {
	case PROJECT_PROPOSED:
		return 14; /* a decision within two weeks */
	case PROJECT_APPROVED:
		return 30; /* started within a month */
	case PROJECT_IN_PROGRESS:
		return 180; /* carried out within half a year */
	case PROJECT_EVALUATING:
		return 30; /* evaluated and closed within a month */
	default:
		return 0;
	}
}

bool project_takes_allocation(enum project_status s)
{
	return s == PROJECT_APPROVED || s == PROJECT_IN_PROGRESS;
}

bool project_takes_spending(enum project_status s)
{
	return s == PROJECT_APPROVED || s == PROJECT_IN_PROGRESS || s == PROJECT_EVALUATING;
}

enum xy_kind project_authorize(const struct actor *who, const struct project_move *m,
			       struct xy_err *e)
{
	if (!actor_may(who, ACT_PROJECT_READ, m->area_path))
		return xy_fail(e, XY_EFORBIDDEN, "out_of_scope", NULL,
			       "this project is outside your area");
	int i = edge_index(m->from, m->to);
	if (i < 0)
		return xy_fail(e, XY_ECONFLICT, "illegal_transition", "to",
			       "a project cannot go from %s to %s", project_status_name(m->from),
			       project_status_name(m->to));
	if (!actor_may(who, edges[i].act, m->area_path))
		return xy_fail(e, XY_EFORBIDDEN, "forbidden", "to",
			       edges[i].act == ACT_PROJECT_DECIDE
				       ? "only the community secretary may move a project to %s"
				       : "your role may not move a project to %s",
			       project_status_name(m->to));
	if (edges[i].reason && (!m->reason || !text_len_ok(m->reason, 1, PROJECT_REASON_MAX)))
		return xy_fail(e, XY_EINVALID, "reason_required", "reason",
			       "moving a project to %s needs a public reason of 1 to %d characters",
			       project_status_name(m->to), PROJECT_REASON_MAX);
	if (m->reason && !text_len_ok(m->reason, 0, PROJECT_REASON_MAX))
		return xy_fail(e, XY_EINVALID, "invalid_reason", "reason",
			       "reason must be valid text of at most %d characters",
			       PROJECT_REASON_MAX);
	return XY_OK;
}
