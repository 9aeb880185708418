/* pb_run — closing a participatory-budgeting round: the round's rule (engine/pb.h) on its
 * ballots, and the result with its explanation as the round stores it and the public board
 * shows it (store/pb_rounds.h). */
#ifndef XY_HTTP_PB_RUN_H
#define XY_HTTP_PB_RUN_H

#include <jansson.h>

#include "engine/pb.h"
#include "store/store.h"

/* Closes round id (ACT_PB_MANAGE): ends the voting, runs the rule on the ballots cast and
 * stores the result; answers the round's public view. A close that stopped half way (voting
 * ended, no result) is finished by closing again. */
enum xy_kind pb_run_close(struct store *s, const struct actor *who, int64_t id, json_t **out,
			  struct xy_err *e);

/* The result of rule r on an instance in fen (unit 100): {rule, budget_fen, voters,
 * total_cost_fen, unspent_fen, selected:[codes in order], runs, voter_budget,
 * voter_budget_fen, projects:[{code, title, cost_fen, supporters, points, selected, order, by,
 * payment, explanation, explanation_en}], explanation, explanation_en}. titles may be NULL. */
json_t *pb_run_result_json(const struct pb_instance *in, const struct pb_rule *r,
			   const struct pb_result *res, const char *const *titles);

#endif
