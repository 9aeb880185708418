/* fund_split — what the need-weighted split of a fund (engine/allocate.h) weighs, as stored:
 * the courtyards (compound areas) inside the fund's area with their population register and
 * their open needs, and the register itself.
 *
 * The population register of a courtyard (area_population) holds its residents and vulnerable
 * residents (elderly 60+, children, disabled, low-income); it is kept by whoever may allocate
 * funds there. A courtyard without a register row counts its resident accounts as residents
 * and no vulnerable residents. Open needs are the accepted needs of the courtyard that nobody
 * has taken up yet (accepted, wish_open), counted by urgency with their +1s. */
#ifndef XY_STORE_FUND_SPLIT_H
#define XY_STORE_FUND_SPLIT_H

#include <stdbool.h>

#include "core/area.h"
#include "store/store.h"

#define POPULATION_MAX 10000000

struct population_input {
	int64_t residents, elderly, children, disabled, low_income;
};

/* Sets the register of a courtyard (a compound area); audited as area.population_set. 422 for
 * figures out of 0 .. POPULATION_MAX or vulnerable groups larger than the residents; 403 unless
 * the actor may allocate funds at the courtyard. */
enum xy_kind area_population_set(struct store *s, const struct actor *who, int64_t area_id,
				 const struct population_input *in, struct xy_err *e);

struct split_courtyard {
	int64_t area_id;
	char name[128];
	bool registered;  /* the register has a row for it */
	int64_t accounts; /* resident accounts */
	int64_t residents, elderly, children, disabled, low_income;
	int64_t needs_low, needs_normal, needs_high, supporters;
};

struct split_figures {
	int64_t fund_id, area_id, amount_fen, allocated_fen;
	char area_name[128];
	size_t n;
	struct split_courtyard *c; /* owned: split_figures_release */
};

/* The fund and its courtyards in area id order, read in one snapshot. 404 fund_not_found; 403
 * unless the actor may allocate the fund. */
enum xy_kind split_figures_load(struct store *s, const struct actor *who, int64_t fund_id,
				struct split_figures *out, struct xy_err *e);

void split_figures_release(struct split_figures *f);

#endif
