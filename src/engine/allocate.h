/* allocate — the need-weighted split of a fund between the courtyards (院落) of an area.
 *
 * Each courtyard gets a score from its figures and the weights below; an optional floor is
 * given to every courtyard first, and the rest of the amount is shared in proportion to the
 * scores by largest-remainder apportionment (Hamilton): every courtyard gets the whole fen of
 * its exact quota, and the fen left over go one each to the largest remainders (ties to the
 * smaller area id). The parts add up to the amount exactly; the same input always gives the
 * same split. When every score is 0 the courtyards share equally.
 *
 * THE WEIGHTS (the one place they are written; the API and the CLI may override each):
 *
 *   score = resident × residents                  every registered resident
 *         + elderly × elderly residents           aged 60 and over
 *         + child × children                      under 18
 *         + disabled × disabled residents
 *         + low_income × low-income residents     (低保 and similar)
 *         + need_low / need_normal / need_high × open accepted needs of that urgency
 *         + supporter × the +1s those needs have
 *
 *   defaults: resident 1, elderly 2, child 2, disabled 3, low_income 3,
 *             need_low 5, need_normal 10, need_high 20, supporter 1.
 *
 * A vulnerable resident counts as a resident too, so an elderly resident weighs 1 + 2 = 3.
 * Weights are whole numbers 0 .. ALLOC_WEIGHT_MAX.
 *
 * No I/O; exact integer arithmetic (128-bit products).
 */
#ifndef XY_ENGINE_ALLOCATE_H
#define XY_ENGINE_ALLOCATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define ALLOC_WEIGHT_MAX 1000000
#define ALLOC_COUNT_MAX  10000000 /* any one figure of a courtyard */
#define ALLOC_AREAS_MAX  10000

enum alloc_term {
	ALLOC_RESIDENT,
	ALLOC_ELDERLY,
	ALLOC_CHILD,
	ALLOC_DISABLED,
	ALLOC_LOW_INCOME,
	ALLOC_NEED_LOW,
	ALLOC_NEED_NORMAL,
	ALLOC_NEED_HIGH,
	ALLOC_SUPPORTER,
	ALLOC_TERMS
};

/* The name of a term as the API and CLI write it ("resident", "need_high", ...). */
const char *alloc_term_name(enum alloc_term t);
/* The term named s, or -1. */
int alloc_term_parse(const char *s);

struct alloc_weights {
	int64_t w[ALLOC_TERMS];
};

void alloc_weights_default(struct alloc_weights *w);

/* One courtyard: its figures, one per term. */
struct alloc_area {
	int64_t id;
	int64_t count[ALLOC_TERMS];
};

/* What a courtyard gets, and why. */
struct alloc_share {
	int64_t id;
	int64_t score;
	int64_t points[ALLOC_TERMS]; /* count × weight, per term (they add up to score) */
	int64_t floor_fen;           /* the floor part */
	int64_t quota_fen;           /* whole fen of the proportional quota */
	int64_t extra_fen;           /* 0 or 1: a fen from the largest remainders */
	int64_t amount_fen;          /* floor + quota + extra */
};

/* Splits amount_fen between the n courtyards of areas (distinct ids) into out[n] (same order).
 * XY_EINVALID when a figure or weight is out of range, an id repeats, there are no courtyards,
 * or the floors alone exceed the amount. */
enum xy_kind alloc_split(int64_t amount_fen, int64_t floor_fen, const struct alloc_weights *w,
			 const struct alloc_area *areas, size_t n, struct alloc_share *out,
			 struct xy_err *e);

/* One line explaining s (of a split of amount_fen with total score total_score), e.g.
 * "score 130 = 100 residents × 1 + 10 elderly × 2 + 1 high-urgency needs × 10; floor 1000.00
 * + 130/250 of 98000.00 = 50960.00 yuan"; always NUL-terminated. */
void alloc_explain(const struct alloc_share *s, const struct alloc_area *a,
		   const struct alloc_weights *w, int64_t total_score, int64_t rest_fen, char *buf,
		   size_t cap);

#endif
