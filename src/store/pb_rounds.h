/* pb_rounds — participatory-budgeting rounds as stored.
 *
 * A secretary (ACT_PB_MANAGE) opens a round for an area: a budget, a rule, optional limits on
 * how many projects a ballot approves, and the projects with their costs (existing projects of
 * the area, or titles). Every resident who lives inside the round's area (ACT_PB_VOTE; their
 * compound lies in the area) casts one approval ballot, which they may replace until the round
 * closes. Closing stores the result the rule computed (engine/pb.h, run by http/pb_run.c): the
 * winners, each project's support and, for Equal Shares, what each supporter group paid.
 * Rounds can also be imported from and exported to Pabulib files (the CLI).
 *
 * Ballot contents never reach the audit trail or the public view: the audit records that a
 * resident voted, the public view only totals. Every change writes its audit event in the
 * same transaction; a refused request writes nothing.
 *
 * The store does not know the rules: callers check a rule name with pb_rule_parse first.
 */
#ifndef XY_STORE_PB_ROUNDS_H
#define XY_STORE_PB_ROUNDS_H

#include <jansson.h>
#include <stdbool.h>

#include "core/area.h"
#include "store/store.h"

#define PB_ROUND_PROJECTS_MAX 500
#define PB_ROUND_TITLE_MAX    100
#define PB_ROUND_CODE_MAX     64
#define PB_ROUND_RULE_MAX     40
#define PB_ROUND_BALLOTS_MAX  10000000

struct pb_project_input {
	int64_t project_id; /* 0: a title-only project */
	const char *code;   /* NULL: its position, "1", "2", ... */
	const char *title;  /* NULL with a project_id: the project's title */
	int64_t cost_fen;
};

struct pb_round_input {
	int64_t area_id, fund_id; /* fund_id 0: none */
	const char *title;        /* NULL: "参与式预算" */
	int64_t budget_fen;
	const char *rule;                     /* a name pb_rule_parse accepts */
	int64_t min_approvals, max_approvals; /* -1: 1 and the number of projects */
	size_t nprojects;
	const struct pb_project_input *projects;
	/* imported ballots (the CLI): vote_type "approval" or "cumulative"; ballot v lists the
	 * indices (into projects) ballot_project[ballot_start[v] .. ballot_start[v + 1]) */
	const char *vote_type; /* NULL: approval */
	size_t nballots;
	const char *const *voter_key;
	const size_t *ballot_start;
	const uint32_t *ballot_project;
	const int64_t *ballot_points; /* NULL: approval */
};

/* Opens a round (audited pb.round_opened, or pb.round_imported with ballots). 403 unless the
 * actor may manage rounds at the area; 422 for a bad field (see docs/openapi.yaml); 409
 * over_allocation when a fund is named and has less than the budget left to allocate. */
enum xy_kind pb_round_open(struct store *s, const struct actor *who,
			   const struct pb_round_input *in, int64_t *id, struct xy_err *e);

/* Casts or replaces the actor's ballot (audited pb.ballot_cast, without its contents). */
enum xy_kind pb_round_vote(struct store *s, const struct actor *who, int64_t id,
			   const char *const *codes, size_t n, struct xy_err *e);

/* The round as its managers and voters see it: the public view plus min/max approvals and,
 * for a voter, my_ballot ({approvals, updated_at} or null). */
enum xy_kind pb_round_get(struct store *s, const struct actor *who, int64_t id, json_t **out,
			  struct xy_err *e);

/* The public view of a round, for the transparency board: {id, area_id, area_name, title,
 * budget_fen, rule, status (open, counting, closed), ballots, opened_at, closed_at,
 * projects:[{code, title, project_id, cost_fen, supporters, selected, order}], result} (support and
 * result only once closed; no personal data, no ballot). 404 pb_round_not_found. */
enum xy_kind pb_round_public_json(struct store *s, int64_t id, json_t **out, struct xy_err *e);

struct pb_round_filter {
	int64_t area_id; /* 0: the actor's scope */
	const char *status;
	struct page pg;
};

/* {items:[...the public view without projects and result, and winners: [{code, title}] in
 * the order chosen once closed], total, page, per_page}, newest first. */
enum xy_kind pb_rounds_list(struct store *s, const struct actor *who,
			    const struct pb_round_filter *f, json_t **out, struct xy_err *e);

/* The same for the transparency board, without a caller: the rounds of area_id's subtree
 * (required; 404 area_not_found). */
enum xy_kind pb_rounds_public(struct store *s, const struct pb_round_filter *f, json_t **out,
			      struct xy_err *e);

/* A round with its ballots, read in one snapshot (for closing and export). */
struct pb_round_project {
	int64_t pos, project_id, cost_fen, supporters, selected;
	char *code, *title;
};

struct pb_round_data {
	int64_t id, area_id, fund_id, budget_fen, min_approvals, max_approvals;
	int64_t ballots, created_at, closed_at;
	char area_path[AREA_PATH_MAX], area_name[128];
	char *title, *rule, *vote_type, *status, *result;
	size_t nprojects;
	struct pb_round_project *projects;
	size_t nballots;
	size_t *ballot_start;     /* nballots + 1 */
	uint32_t *ballot_project; /* indices into projects */
	int64_t *ballot_points;   /* NULL on approval rounds */
	char **voter;             /* the imported voter id, or "r1", "r2", ... */
};

/* Loads round id when the actor may take act at its area (ACT_PB_MANAGE for closing and
 * export). Release with pb_round_data_release, also after an error. */
enum xy_kind pb_round_load(struct store *s, const struct actor *who, int64_t id, enum action act,
			   struct pb_round_data *out, struct xy_err *e);
void pb_round_data_release(struct pb_round_data *d);

/* Ends the voting of round id (ACT_PB_MANAGE): status counting, audited pb.voting_closed with
 * the number of ballots. A round already counting stays so (no event); 409 round_closed. */
enum xy_kind pb_round_stop_voting(struct store *s, const struct actor *who, int64_t id,
				  struct xy_err *e);

/* What closing stores: the result JSON (borrowed), per project (in position order) the
 * supporters and the selection order (0 = not chosen), and the audit summary (borrowed). */
struct pb_round_outcome {
	json_t *result;
	const int64_t *supporters, *selected;
	json_t *summary;
};

/* Closes a counting round with its outcome (audited pb.round_closed). 409 round_closed; 409
 * round_open before pb_round_stop_voting. */
enum xy_kind pb_round_close(struct store *s, const struct actor *who, int64_t id,
			    const struct pb_round_outcome *o, struct xy_err *e);

#endif
