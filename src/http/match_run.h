/* match_run — the matching engine (engine/match.h) on the database's needs and providers:
 * the suggestion for an area and the candidate list for one need, as the JSON the API and
 * `xinyuan match --area` print. Suggestions only: applying one is the normal claim or
 * project action, audited as usual. */
#ifndef XY_HTTP_MATCH_RUN_H
#define XY_HTTP_MATCH_RUN_H

#include <jansson.h>

#include "store/store.h"

#define MATCH_TOPK_MAX 20

/* {area_id?, objective, needs, providers, matches:[{need_id, need_title, provider_id,
 * provider_name, score, reasons:[...]}], unmatched:[need_id]}: the optimal assignment of the
 * open needs of area_id's subtree (0 = the caller's scope), or of need_ids, to the providers
 * that serve them, within each provider's remaining capacity. */
enum xy_kind match_run_area(struct store *s, const struct actor *who, int64_t area_id,
			    const int64_t *need_ids, int nids, json_t **out, struct xy_err *e);

/* {need_id, candidates:[{provider_id, name, kind, score, remaining_capacity, reasons}]}: the
 * k best providers for one need, best first. */
enum xy_kind match_run_candidates(struct store *s, const struct actor *who, int64_t need_id, int k,
				  json_t **out, struct xy_err *e);

#endif
