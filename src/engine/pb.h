/* pb — participatory-budgeting rules: which projects a budget buys, given the voters' ballots.
 *
 * An instance is a budget, projects with costs and one ballot per voter listing the projects the
 * voter supports (with points on cumulative and scoring ballots). Amounts are integers in a
 * fixed unit (fen for rounds; for a Pabulib file, the currency scaled by 10^decimals so that
 * every amount is whole); `unit` says how many of them make one currency unit, which the Add1
 * completion needs.
 *
 * Rules (docs/participatory-budgeting.md has the definitions and the worked examples):
 *   greedy_cost, greedy_card, greedy_points — rank by supporters, supporters ÷ cost, or points,
 *     then add each project that still fits, unsupported ones last;
 *   mes_cost, mes_card, mes_points — the Method of Equal Shares with cost, cardinality or points
 *     utilities;
 *   a MES rule followed by _add1 (raise each voter's budget by one currency unit and rerun until
 *     the outcome is exhaustive, or the previous outcome when it overspends) or _inc (raise the
 *     total budget in steps of 1 % likewise), then optionally _greedy (finish with greedy_cost).
 * The rules follow pabutools 1.2.3 exactly: ties go to the smaller project id compared as byte
 * strings, MES counts every voter (also empty ballots) when it shares the budget, supported
 * projects that cost nothing are taken first, unsupported ones never.
 *
 * Exactness: every decision is an exact comparison. Voters' budgets and MES prices are rationals
 * (GMP); an integer floor of each budget filters most comparisons, and the rational decides the
 * rest. No floating point is used anywhere. The outcome is a function of the instance only.
 *
 * No I/O. Input errors are returned, never aborted on.
 */
#ifndef XY_ENGINE_PB_H
#define XY_ENGINE_PB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Limits that keep every integer the rules form within 128 bits. */
#define PB_AMOUNT_MAX   1000000000000000LL /* budget and costs, in the instance's unit */
#define PB_POINTS_MAX   1000000
#define PB_VOTERS_MAX   50000000
#define PB_PROJECTS_MAX 100000

enum pb_utility {
	PB_UTIL_COST,   /* a supporter's utility is the project's cost */
	PB_UTIL_CARD,   /* 1 per supported project */
	PB_UTIL_POINTS, /* the points the voter gave */
};

enum pb_completion {
	PB_COMPLETE_NONE,
	PB_COMPLETE_ADD1, /* per-voter budget + 1 currency unit per rerun */
	PB_COMPLETE_INC,  /* total budget + 1 % per rerun */
};

struct pb_rule {
	bool mes;                /* false: greedy */
	enum pb_utility utility; /* ranking (greedy) or utility (MES) */
	enum pb_completion iterate;
	bool greedy_after; /* finish with greedy_cost */
	/* Add1 skips the reruns that provably give the same outcome as the last one computed
	 * (their every decision stands); every_run computes them all (for tests). */
	bool every_run;
};

/* Parses a rule name ("mes_cost_add1_greedy"); false when it is not one. */
bool pb_rule_parse(const char *name, struct pb_rule *out);
/* The canonical name of r; always NUL-terminated. */
void pb_rule_name(const struct pb_rule *r, char *buf, size_t cap);
/* Does r use points (only cumulative and scoring ballots have them)? */
bool pb_rule_needs_points(const struct pb_rule *r);

/* An instance. Arrays are borrowed from the caller. Ballot of voter v: entries
 * ballot_start[v] .. ballot_start[v + 1] - 1 of ballot_project (project indices) and, when
 * points is not NULL, of points (>= 0). Approval-style rules (cost, card) count every listed
 * project as supported; points rules count the points, so an entry with 0 points supports
 * nothing there. A project listed twice on one ballot counts once (the last points win). */
struct pb_instance {
	int64_t budget;
	int64_t unit; /* amount units per currency unit (100 for fen) */
	size_t nprojects;
	const char *const *project_id; /* distinct, NUL-terminated */
	const int64_t *cost;           /* >= 0 */
	size_t nvoters;
	const size_t *ballot_start; /* nvoters + 1 offsets */
	const uint32_t *ballot_project;
	const int64_t *points; /* NULL: approval ballots */
};

/* What Equal Shares charged the supporters of one project it bought. The price per unit of
 * utility is rho; supporters who could afford it paid share = rho × utility (on cost and card
 * utilities one amount for all), the others paid everything they had left. Amounts are exact
 * rationals written "n" or "n/d" in the instance's unit, and rounded down to whole units. */
struct pb_payment {
	char *rho;   /* owned */
	char *share; /* owned; NULL on points utilities (the share varies with the points) */
	int64_t share_floor;
	int64_t full_payers;    /* paid the share */
	int64_t partial_payers; /* paid less: everything they had */
	int64_t empty_payers;   /* supporters with nothing left */
	char *partial_total;    /* owned: what the partial payers paid together */
	int64_t partial_floor;
};

struct pb_result {
	size_t nprojects; /* length of the per-project arrays */
	size_t nselected;
	size_t *selected; /* project indices in the order the rule picked them */
	size_t nmes;      /* the first nmes of them were bought by Equal Shares */
	int64_t total_cost;
	int64_t *supporters; /* per project: voters whose ballot supports it */
	int64_t *points;     /* per project: total points (= supporters on approval ballots) */
	struct pb_payment *payment; /* per project, for the ones MES bought; others zeroed */
	int64_t runs;               /* MES runs the completion stands for (1 without one) */
	int64_t computed_runs; /* of them, the ones actually computed (Add1 skips the others) */
	char *voter_budget;    /* owned: each voter's starting budget of the returned run */
};

/* Checks in (ids distinct and non-empty, amounts and counts within the limits, ballot indices in
 * range, points within limits): XY_EINVALID naming the first fault. */
enum xy_kind pb_instance_check(const struct pb_instance *in, struct xy_err *e);

/* Runs rule r on in; fills out (release it with pb_result_release, also after an error).
 * XY_EINVALID for an instance pb_instance_check refuses, or a points rule on a NULL points. */
enum xy_kind pb_run(const struct pb_instance *in, const struct pb_rule *r, struct pb_result *out,
		    struct xy_err *e);

void pb_result_release(struct pb_result *res);

#endif
