/* project — the project (服务项目) state machine and who may move a project.
 *
 *   draft       -> proposed | cancelled
 *   proposed    -> approved | rejected (public reason) | draft (taken back for changes)
 *   approved    -> in_progress | cancelled (reason)
 *   in_progress -> evaluating | cancelled (reason)
 *   evaluating  -> closed (only once an evaluation is filed)
 *
 * rejected, closed and cancelled are final. Drafting, proposing, starting and finishing take
 * ACT_PROJECT_DRAFT (workers, secretaries); approving, rejecting, cancelling after approval and
 * closing take ACT_PROJECT_DECIDE (secretaries). Each open stage has a deadline
 * (project_stage_days); past it the project is overdue, which flags it and never blocks it.
 */
#ifndef XY_CORE_PROJECT_H
#define XY_CORE_PROJECT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/role.h"

enum project_status {
	PROJECT_DRAFT,
	PROJECT_PROPOSED,
	PROJECT_APPROVED,
	PROJECT_REJECTED,
	PROJECT_IN_PROGRESS,
	PROJECT_EVALUATING,
	PROJECT_CLOSED,
	PROJECT_CANCELLED,
	PROJECT_STATUS_COUNT
};

/* Text limits, in code points. */
#define PROJECT_TITLE_MAX     100
#define PROJECT_TEXT_MAX      4000
#define PROJECT_REASON_MAX    500
#define PROJECT_NEEDS_MAX     50
#define PROJECT_PROVIDERS_MAX 20

int project_status_parse(const char *s); /* -1 when unknown */
const char *project_status_name(enum project_status s);
bool project_status_final(enum project_status s);

/* The action an edge needs, or -1 when from -> to is not an edge. */
int project_edge_action(enum project_status from, enum project_status to);

/* Days the stage entered by `to` may last before it is overdue; 0 = no deadline. */
int project_stage_days(enum project_status s);

/* May money flow into (allocations) or out of (expenditures) a project in this status? */
bool project_takes_allocation(enum project_status s);
bool project_takes_spending(enum project_status s);

struct project_move {
	enum project_status from, to;
	const char *area_path;
	const char *reason; /* NULL or text */
};

/* 409 illegal_transition for a missing edge, 403 out_of_scope/forbidden for area or role,
 * 422 reason_required when a rejection or a cancellation after proposal lacks its reason. */
enum xy_kind project_authorize(const struct actor *who, const struct project_move *m,
			       struct xy_err *e);

#endif
