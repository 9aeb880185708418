/* funds — special funds (专项资金), their allocations and the projects' expenditures: the money
 * ledger. Amounts are integer fen (core/money.h).
 *
 * Invariants, each enforced by one conditional UPDATE on the running total in the same
 * transaction as the ledger row (so parallel requests cannot both pass the check) and backed
 * by a CHECK constraint:
 *   sum of a fund's top-level allocations          <= the fund's amount
 *   sum of project allocations drawn from an earmark <= the earmark's amount
 *   sum of a project's expenditures                <= the sum of its allocations
 * An allocation to a project draws from the earmark of the project's area (or the nearest
 * earmarked area above it) when the fund has one, else from the fund. Refusals are 409 and
 * write nothing. Every movement is an audit event. */
#ifndef XY_STORE_FUNDS_H
#define XY_STORE_FUNDS_H

#include <jansson.h>

#include "store/store.h"

struct fund_input {
	int64_t area_id;
	int year;
	const char *name;
	int64_t amount_fen;
};

enum xy_kind fund_create(struct store *s, const struct actor *who, const struct fund_input *in,
			 int64_t *id, struct xy_err *e);

struct allocation_input {
	int64_t area_id;    /* an earmark for this area (inside the fund's area) ... */
	int64_t project_id; /* ... or money for this project: exactly one of the two */
	int64_t amount_fen;
	const char *note; /* optional */
};

enum xy_kind fund_allocate(struct store *s, const struct actor *who, int64_t fund_id,
			   const struct allocation_input *in, int64_t *id, struct xy_err *e);

struct expenditure_input {
	int64_t amount_fen;
	const char *payee, *receipt_no, *note;
};

enum xy_kind project_spend(struct store *s, const struct actor *who, int64_t project_id,
			   const struct expenditure_input *in, int64_t *id, struct xy_err *e);

struct fund_filter {
	int64_t area_id;
	int year;
	struct page pg;
};

enum xy_kind funds_list(struct store *s, const struct actor *who, const struct fund_filter *f,
			json_t **out, struct xy_err *e);

/* A fund with its ledger: allocations (earmarks with what is used of them, project
 * allocations) and expenditures, and the balance. */
enum xy_kind fund_get(struct store *s, const struct actor *who, int64_t id, json_t **out,
		      struct xy_err *e);

/* A project's ledger: {allocated_fen, spent_fen, balance_fen, allocations, expenditures}. */
enum xy_kind project_ledger(struct store *s, const struct actor *who, int64_t project_id,
			    json_t **out, struct xy_err *e);

/* Several allocations (each as fund_allocate would make it) in one transaction: all or none.
 * ids[n] receives their ids. When action is not NULL, one more audit event (action, entity
 * "fund", data borrowed) records the batch, e.g. "fund.split". */
enum xy_kind fund_allocate_batch(struct store *s, const struct actor *who, int64_t fund_id,
				 const struct allocation_input *in, size_t n, int64_t *ids,
				 const char *action, json_t *data, struct xy_err *e);

#endif
