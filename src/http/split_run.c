#include "http/split_run.h"

#include <stdio.h>
#include <string.h>

#include "core/money.h"
#include "store/fund_split.h"
#include "store/funds.h"

enum xy_kind split_weights_from_json(json_t *obj, struct alloc_weights *w, struct xy_err *e)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		char field[64];
		snprintf(field, sizeof field, "weights.%s", key);
		int t = alloc_term_parse(key);
		if (t < 0)
			return xy_fail(e, XY_EMALFORMED, "unknown_field", field,
				       "unknown weight %s", key);
		if (!json_is_integer(v))
			return xy_fail(e, XY_EMALFORMED, "wrong_type", field,
				       "%s must be an integer", field);
		json_int_t x = json_integer_value(v);
		if (x < 0 || x > ALLOC_WEIGHT_MAX)
			return xy_fail(e, XY_EINVALID, "invalid_weight", field,
				       "%s must be 0 to %d", field, ALLOC_WEIGHT_MAX);
		w->w[t] = x;
	}
	return XY_OK;
}

static void figures_counts(const struct split_courtyard *c, struct alloc_area *a)
{
	a->id = c->area_id;
	a->count[ALLOC_RESIDENT] = c->residents;
	a->count[ALLOC_ELDERLY] = c->elderly;
	a->count[ALLOC_CHILD] = c->children;
	a->count[ALLOC_DISABLED] = c->disabled;
	a->count[ALLOC_LOW_INCOME] = c->low_income;
	a->count[ALLOC_NEED_LOW] = c->needs_low;
	a->count[ALLOC_NEED_NORMAL] = c->needs_normal;
	a->count[ALLOC_NEED_HIGH] = c->needs_high;
	a->count[ALLOC_SUPPORTER] = c->supporters;
}

static json_t *terms_json(const int64_t *v)
{
	json_t *o = json_object();
	for (int t = 0; t < ALLOC_TERMS; t++)
		json_object_set_new(o, alloc_term_name((enum alloc_term)t), json_integer(v[t]));
	return o;
}

static json_t *courtyard_json(const struct split_courtyard *c, const struct alloc_area *a,
			      const struct alloc_share *sh, const struct alloc_weights *w,
			      int64_t total, int64_t rest)
{
	char why[512];
	alloc_explain(sh, a, w, total, rest, why, sizeof why);
	json_t *o = json_pack("{s:I, s:s, s:b, s:I, s:o, s:I, s:o, s:I, s:I, s:I, s:s}", "area_id",
			      (json_int_t)c->area_id, "name", c->name, "registered", c->registered,
			      "resident_accounts", (json_int_t)c->accounts, "figures",
			      terms_json(a->count), "score", (json_int_t)sh->score, "points",
			      terms_json(sh->points), "floor_fen", (json_int_t)sh->floor_fen,
			      "proportional_fen", (json_int_t)(sh->quota_fen + sh->extra_fen),
			      "amount_fen", (json_int_t)sh->amount_fen, "explanation", why);
	json_object_set_new(o, "allocation_id", json_null());
	return o;
}

/* Writes the earmarks of out's courtyards that get money, in one transaction. */
static enum xy_kind split_apply(struct store *s, const struct actor *who,
				const struct split_request *rq, const struct alloc_share *sh,
				size_t n, json_t *out, struct xy_err *e)
{
	struct allocation_input *in = xy_calloc(n + 1, sizeof *in);
	int64_t *ids = xy_calloc(n + 1, sizeof *ids);
	size_t m = 0;
	json_t *shares = json_array();
	for (size_t i = 0; i < n; i++) {
		if (sh[i].amount_fen <= 0)
			continue;
		in[m].area_id = sh[i].id;
		in[m].amount_fen = sh[i].amount_fen;
		in[m].note = "need-weighted split";
		m++;
		json_array_append_new(shares,
				      json_pack("{s:I, s:I, s:I}", "area_id", (json_int_t)sh[i].id,
						"amount_fen", (json_int_t)sh[i].amount_fen, "score",
						(json_int_t)sh[i].score));
	}
	json_t *data = json_pack("{s:I, s:I, s:O, s:o}", "amount_fen",
				 (json_int_t)json_integer_value(json_object_get(out, "amount_fen")),
				 "floor_fen", (json_int_t)rq->floor_fen, "weights",
				 json_object_get(out, "weights"), "shares", shares);
	enum xy_kind k =
		fund_allocate_batch(s, who, rq->fund_id, in, m, ids, "fund.split", data, e);
	json_decref(data);
	if (!k) {
		json_t *cs = json_object_get(out, "courtyards");
		size_t j = 0;
		for (size_t i = 0; i < n; i++)
			if (sh[i].amount_fen > 0)
				json_object_set_new(json_array_get(cs, i), "allocation_id",
						    json_integer(ids[j++]));
		json_object_set_new(out, "applied", json_true());
	}
	free(in);
	free(ids);
	return k;
}

enum xy_kind split_run(struct store *s, const struct actor *who, const struct split_request *rq,
		       json_t **out, struct xy_err *e)
{
	if (rq->amount_fen < 0 || rq->amount_fen > MONEY_MAX_FEN)
		return xy_fail(e, XY_EINVALID, "invalid_amount", "amount_fen",
			       "amount_fen must be 1 to %lld fen", (long long)MONEY_MAX_FEN);
	if (rq->floor_fen < 0 || rq->floor_fen > MONEY_MAX_FEN)
		return xy_fail(e, XY_EINVALID, "invalid_amount", "floor_fen",
			       "floor_fen must be 0 to %lld fen", (long long)MONEY_MAX_FEN);
	struct split_figures f;
	enum xy_kind k = split_figures_load(s, who, rq->fund_id, &f, e);
	if (k) {
		split_figures_release(&f);
		return k;
	}
	int64_t left = f.amount_fen - f.allocated_fen;
	int64_t amount = rq->amount_fen ? rq->amount_fen : left;
	char l[48], a[48];
	money_format_yuan(left, l, sizeof l);
	money_format_yuan(amount, a, sizeof a);
	if (amount > left || amount == 0) {
		split_figures_release(&f);
		return xy_fail(e, XY_ECONFLICT, "over_allocation", "amount_fen",
			       "fund %lld has %s yuan left to allocate; %s yuan asked",
			       (long long)f.fund_id, l, a);
	}
	struct alloc_area *areas = xy_calloc(f.n + 1, sizeof *areas);
	struct alloc_share *sh = xy_calloc(f.n + 1, sizeof *sh);
	for (size_t i = 0; i < f.n; i++)
		figures_counts(&f.c[i], &areas[i]);
	k = alloc_split(amount, rq->floor_fen, &rq->weights, areas, f.n, sh, e);
	if (!k) {
		int64_t total = 0;
		for (size_t i = 0; i < f.n; i++)
			total += sh[i].score;
		int64_t rest = amount - rq->floor_fen * (int64_t)f.n;
		json_t *cs = json_array();
		for (size_t i = 0; i < f.n; i++)
			json_array_append_new(cs, courtyard_json(&f.c[i], &areas[i], &sh[i],
								 &rq->weights, total, rest));
		*out = json_pack("{s:I, s:I, s:s, s:I, s:I, s:I, s:o, s:I, s:b, s:o}", "fund_id",
				 (json_int_t)f.fund_id, "area_id", (json_int_t)f.area_id,
				 "area_name", f.area_name, "amount_fen", (json_int_t)amount,
				 "floor_fen", (json_int_t)rq->floor_fen, "unallocated_fen",
				 (json_int_t)left, "weights", terms_json(rq->weights.w),
				 "total_score", (json_int_t)total, "applied", 0, "courtyards", cs);
		if (rq->apply && (k = split_apply(s, who, rq, sh, f.n, *out, e))) {
			json_decref(*out);
			*out = NULL;
		}
	}
	free(areas);
	free(sh);
	split_figures_release(&f);
	return k;
}
