/* split_run — the need-weighted split of a fund (engine/allocate.h) on the stored figures
 * (store/fund_split.h), as the JSON the API and `xinyuan allocate` print. Applied, it writes one
 * earmark per courtyard that gets money, all in one transaction with a fund.split audit event
 * (store/funds.h fund_allocate_batch). */
#ifndef XY_HTTP_SPLIT_RUN_H
#define XY_HTTP_SPLIT_RUN_H

#include <jansson.h>
#include <stdbool.h>

#include "engine/allocate.h"
#include "store/store.h"

struct split_request {
	int64_t fund_id;
	int64_t amount_fen; /* 0: all the fund has left to allocate */
	int64_t floor_fen;  /* given to every courtyard first */
	struct alloc_weights weights;
	bool apply;
};

/* Reads {"resident": 1, "need_high": 30, ...} over the weights already in w: unknown names are
 * 400 unknown_field, non-integers 400 wrong_type, values out of range 422 invalid_weight
 * (field "weights.NAME"). */
enum xy_kind split_weights_from_json(json_t *obj, struct alloc_weights *w, struct xy_err *e);

/* {fund_id, area_id, area_name, amount_fen, floor_fen, unallocated_fen, weights, total_score,
 * applied, courtyards:[{area_id, name, registered, figures, score, points, floor_fen,
 * proportional_fen, amount_fen, allocation_id, explanation}]}. 409 over_allocation when the
 * fund has less than amount_fen left to allocate (preview and apply alike). */
enum xy_kind split_run(struct store *s, const struct actor *who, const struct split_request *rq,
		       json_t **out, struct xy_err *e);

#endif
