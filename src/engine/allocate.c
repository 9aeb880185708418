#include "engine/allocate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/money.h"

typedef __int128 i128;

static const char *const term_names[ALLOC_TERMS] = {
	"resident", "elderly",     "child",     "disabled",  "low_income",
	"need_low", "need_normal", "need_high", "supporter",
};

/* How an explanation names the counted things. */
static const char *const term_things[ALLOC_TERMS] = {
	"residents",
	"elderly",
	"children",
	"disabled",
	"low-income",
	"low-urgency needs",
	"normal-urgency needs",
	"high-urgency needs",
	"supporters of those needs",
};

static const int64_t term_default[ALLOC_TERMS] = { 1, 2, 2, 3, 3, 5, 10, 20, 1 };

const char *alloc_term_name(enum alloc_term t)
{
	return (unsigned)t < ALLOC_TERMS ? term_names[t] : "unknown";
}

int alloc_term_parse(const char *s)
{
	for (int t = 0; s && t < ALLOC_TERMS; t++)
		if (strcmp(s, term_names[t]) == 0)
			return t;
	return -1;
}

void alloc_weights_default(struct alloc_weights *w)
{
	memcpy(w->w, term_default, sizeof w->w);
}

/* Larger remainder first, then smaller id. */
struct rem {
	i128 r;
	int64_t id;
	size_t i;
};

static int cmp_rem(const void *a, const void *b)
{
	const struct rem *x = a, *y = b;
	if (x->r != y->r)
		return x->r > y->r ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

enum xy_kind alloc_split(int64_t amount_fen, int64_t floor_fen, const struct alloc_weights *w,
			 const struct alloc_area *areas, size_t n, struct alloc_share *out,
			 struct xy_err *e)
{
	if (n == 0)
		return xy_fail(e, XY_EINVALID, "no_courtyards", NULL,
			       "the area has no courtyards to split the fund between");
	if (n > ALLOC_AREAS_MAX)
		return xy_fail(e, XY_ETOOBIG, "too_many_courtyards", NULL, "at most %d courtyards",
			       ALLOC_AREAS_MAX);
	if (amount_fen < 0 || amount_fen > MONEY_MAX_FEN)
		return xy_fail(e, XY_EINVALID, "invalid_amount", "amount_fen",
			       "the amount must be 0 .. %lld fen", (long long)MONEY_MAX_FEN);
	if (floor_fen < 0 || (i128)floor_fen * (i128)n > amount_fen)
		return xy_fail(
			e, XY_EINVALID, "floor_too_high", "floor_fen",
			"a floor of %lld fen for %zu courtyards needs more than the %lld fen "
			"to split",
			(long long)floor_fen, n, (long long)amount_fen);
	for (int t = 0; t < ALLOC_TERMS; t++)
		if (w->w[t] < 0 || w->w[t] > ALLOC_WEIGHT_MAX)
			return xy_fail(e, XY_EINVALID, "invalid_weight", term_names[t],
				       "weight %s must be 0 .. %d", term_names[t],
				       ALLOC_WEIGHT_MAX);
	int64_t *ids = xy_malloc(n * sizeof *ids);
	for (size_t i = 0; i < n; i++)
		ids[i] = areas[i].id;
	qsort(ids, n, sizeof *ids, cmp_id);
	for (size_t i = 1; i < n; i++)
		if (ids[i] == ids[i - 1]) {
			int64_t dup = ids[i];
			free(ids);
			return xy_fail(e, XY_EINVALID, "duplicate_area", NULL,
				       "courtyard %lld appears twice", (long long)dup);
		}
	free(ids);
	int64_t total = 0;
	for (size_t i = 0; i < n; i++) {
		struct alloc_share *s = &out[i];
		memset(s, 0, sizeof *s);
		s->id = areas[i].id;
		for (int t = 0; t < ALLOC_TERMS; t++) {
			int64_t c = areas[i].count[t];
			if (c < 0 || c > ALLOC_COUNT_MAX)
				return xy_fail(e, XY_EINVALID, "invalid_count", term_names[t],
					       "courtyard %lld: %s must be 0 .. %d",
					       (long long)areas[i].id, term_names[t],
					       ALLOC_COUNT_MAX);
			s->points[t] = c * w->w[t];
			s->score += s->points[t];
		}
		total += s->score;
	}
	int64_t rest = amount_fen - floor_fen * (int64_t)n;
	struct rem *r = xy_malloc(n * sizeof *r);
	int64_t given = 0;
	for (size_t i = 0; i < n; i++) {
		i128 num = total ? (i128)rest * out[i].score : rest, den = total ? total : (i128)n;
		out[i].floor_fen = floor_fen;
		out[i].quota_fen = (int64_t)(num / den);
		given += out[i].quota_fen;
		r[i] = (struct rem){ num % den, out[i].id, i };
	}
	qsort(r, n, sizeof *r, cmp_rem);
	for (size_t k = 0; given < rest; k++, given++)
		out[r[k].i].extra_fen = 1;
	free(r);
	for (size_t i = 0; i < n; i++)
		out[i].amount_fen = out[i].floor_fen + out[i].quota_fen + out[i].extra_fen;
	return XY_OK;
}

void alloc_explain(const struct alloc_share *s, const struct alloc_area *a,
		   const struct alloc_weights *w, int64_t total_score, int64_t rest_fen, char *buf,
		   size_t cap)
{
	size_t n = 0;
#define PUT(...)                                                                                   \
	do {                                                                                       \
		int k = snprintf(buf + n, n < cap ? cap - n : 0, __VA_ARGS__);                     \
		if (k > 0)                                                                         \
			n += (size_t)k;                                                            \
	} while (0)
	if (cap)
		buf[0] = '\0';
	PUT("score %lld", (long long)s->score);
	int terms = 0;
	for (int t = 0; t < ALLOC_TERMS; t++) {
		if (!s->points[t])
			continue;
		PUT("%s %lld %s × %lld", terms++ ? " +" : " =", (long long)a->count[t],
		    term_things[t], (long long)w->w[t]);
	}
	char f[48], r[48], amt[48];
	money_format_yuan(s->floor_fen, f, sizeof f);
	money_format_yuan(rest_fen, r, sizeof r);
	money_format_yuan(s->amount_fen, amt, sizeof amt);
	PUT("; ");
	if (s->floor_fen)
		PUT("floor %s + ", f);
	if (total_score)
		PUT("%lld/%lld of %s", (long long)s->score, (long long)total_score, r);
	else
		PUT("an equal share of %s (no courtyard scored)", r);
	PUT("%s = %s yuan", s->extra_fen ? " (+0.01 by largest remainder)" : "", amt);
#undef PUT
	if (n >= cap && cap)
		buf[cap - 1] = '\0';
}
