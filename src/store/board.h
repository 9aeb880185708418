/* board — the public transparency board (公示栏) of an area: what anyone may see without an
 * account. It is built from columns chosen for the public, never from the staff views:
 *   needs      tracking number, category, title, status, area name, date, supporters, the
 *              public reason of a rejection and the need a duplicate was merged into; never
 *              the submitter, names, phones or the description (which residents write freely)
 *   decisions  need rejections and merges, project approvals, rejections and cancellations
 *              with their public reasons, newest first
 *   projects   every project past its draft with its money and results (no people)
 *   money      the funds, allocations and spending of the subtree and its newest expenditures
 *              (payee and receipt number are public by design)
 *   results    events, person-times, activity categories, satisfaction and resolution rates
 * Figures are those of store/stats.h over all years. */
#ifndef XY_STORE_BOARD_H
#define XY_STORE_BOARD_H

#include <jansson.h>

#include "store/store.h"

#define BOARD_DECISIONS_MAX    50
#define BOARD_PROJECTS_MAX     100
#define BOARD_EXPENDITURES_MAX 100

/* The board of area_id's subtree with page pg of its needs (newest first). 404 area_not_found.
 * *out is a new object the caller owns. */
enum xy_kind board_get(struct store *s, int64_t area_id, struct page pg, json_t **out,
		       struct xy_err *e);

#endif
