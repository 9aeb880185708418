#include "http/pb_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/money.h"
#include "store/pb_rounds.h"

static const char *yuan(int64_t fen, char *buf, size_t cap)
{
	money_format_yuan(fen, buf, cap);
	return buf;
}

static const char *const rank_zh[] = { "支持人数", "支持人数与成本之比", "总分" };
static const char *const rank_en[] = { "supporters", "supporters per yuan", "points" };

static json_t *payment_json(const struct pb_payment *p)
{
	json_t *o = json_pack("{s:s, s:I, s:I, s:I, s:s, s:I}", "per_unit", p->rho, "full_payers",
			      (json_int_t)p->full_payers, "partial_payers",
			      (json_int_t)p->partial_payers, "empty_supporters",
			      (json_int_t)p->empty_payers, "partial_total", p->partial_total,
			      "partial_total_fen", (json_int_t)p->partial_floor);
	json_object_set_new(o, "share", p->share ? json_string(p->share) : json_null());
	json_object_set_new(o, "share_fen", p->share ? json_integer(p->share_floor) : json_null());
	return o;
}

/* The explanation of project p, in Chinese and in English. */
static void project_why(const struct pb_instance *in, const struct pb_rule *r,
			const struct pb_result *res, size_t p, size_t order, int64_t left, char *zh,
			char *en, size_t cap)
{
	char a[48], b[48];
	if (order && order <= res->nmes) {
		const struct pb_payment *pay = &res->payment[p];
		int n = snprintf(zh, cap, "等额分配第 %zu 个选中：", order);
		int m = snprintf(en, cap, "Chosen %zu%s by Equal Shares: ", order,
				 order == 1   ? "st"
				 : order == 2 ? "nd"
				 : order == 3 ? "rd"
					      : "th");
		if (pay->share) {
			n += snprintf(zh + n, cap - (size_t)n, "%lld 位支持者各付 %s 元",
				      (long long)pay->full_payers,
				      yuan(pay->share_floor, a, sizeof a));
			m += snprintf(en + m, cap - (size_t)m, "%lld supporters paid %s yuan each",
				      (long long)pay->full_payers,
				      yuan(pay->share_floor, b, sizeof b));
		} else {
			n += snprintf(zh + n, cap - (size_t)n, "%lld 位支持者按所投分数分摊",
				      (long long)pay->full_payers);
			m += snprintf(en + m, cap - (size_t)m,
				      "%lld supporters paid in proportion to their points",
				      (long long)pay->full_payers);
		}
		if (pay->partial_payers) {
			n += snprintf(zh + n, cap - (size_t)n,
				      "，%lld 位支持者余额不足、付清余额共 %s 元",
				      (long long)pay->partial_payers,
				      yuan(pay->partial_floor, a, sizeof a));
			m += snprintf(en + m, cap - (size_t)m,
				      "; %lld paid all they had left, %s yuan together",
				      (long long)pay->partial_payers,
				      yuan(pay->partial_floor, b, sizeof b));
		}
		if (pay->empty_payers) {
			n += snprintf(zh + n, cap - (size_t)n, "，%lld 位支持者已无余额",
				      (long long)pay->empty_payers);
			m += snprintf(en + m, cap - (size_t)m, "; %lld had nothing left",
				      (long long)pay->empty_payers);
		}
		snprintf(zh + n, cap - (size_t)n, "；合计 %s 元。", yuan(in->cost[p], a, sizeof a));
		snprintf(en + m, cap - (size_t)m, "; %s yuan in all.",
			 yuan(in->cost[p], b, sizeof b));
	} else if (order) {
		bool completion = r->mes;
		if (completion)
			snprintf(zh, cap,
				 "补选（第 %zu "
				 "个）：等额分配后剩余的预算仍够支付，按支持人数依次补足。",
				 order);
		else
			snprintf(zh, cap, "按%s从高到低第 %zu 个选入：剩余预算仍够支付。",
				 rank_zh[r->utility], order);
		if (completion)
			snprintf(en, cap,
				 "Added (%zu) by the greedy completion: the budget Equal Shares "
				 "left "
				 "still covered it.",
				 order);
		else
			snprintf(en, cap, "Chosen %zu by %s: it still fitted into the budget left.",
				 order, rank_en[r->utility]);
	} else if (in->cost[p] > in->budget) {
		snprintf(zh, cap, "未选中：成本超过全部预算。");
		snprintf(en, cap, "Not chosen: it costs more than the whole budget.");
	} else if (r->mes && res->supporters[p] == 0) {
		snprintf(zh, cap, "未选中：没有居民支持。");
		snprintf(en, cap, "Not chosen: nobody supported it.");
	} else if (in->cost[p] > left) {
		snprintf(zh, cap, "未选中：剩余预算 %s 元不够支付。", yuan(left, a, sizeof a));
		snprintf(en, cap, "Not chosen: the %s yuan left do not cover it.",
			 yuan(left, b, sizeof b));
	} else {
		snprintf(zh, cap, "未选中：支持者的份额不足以按入选项目同样低的人均价格支付。");
		snprintf(en, cap,
			 "Not chosen: its supporters' shares could not pay for it at a price "
			 "as low as the winners'.");
	}
}

json_t *pb_run_result_json(const struct pb_instance *in, const struct pb_rule *r,
			   const struct pb_result *res, const char *const *titles)
{
	char rule[48], a[48], b[48], c[48], d[48];
	pb_rule_name(r, rule, sizeof rule);
	size_t *order = calloc(in->nprojects + 1, sizeof *order);
	json_t *sel = json_array();
	for (size_t i = 0; i < res->nselected; i++) {
		order[res->selected[i]] = i + 1;
		json_array_append_new(sel, json_string(in->project_id[res->selected[i]]));
	}
	int64_t left = in->budget - res->total_cost;
	json_t *ps = json_array();
	for (size_t p = 0; p < in->nprojects; p++) {
		char zh[512], en[512];
		project_why(in, r, res, p, order[p], left, zh, en, sizeof zh);
		json_t *o = json_pack("{s:s, s:I, s:I, s:I, s:b, s:s, s:s}", "code",
				      in->project_id[p], "cost_fen", (json_int_t)in->cost[p],
				      "supporters", (json_int_t)res->supporters[p], "points",
				      (json_int_t)res->points[p], "selected", order[p] > 0,
				      "explanation", zh, "explanation_en", en);
		json_object_set_new(o, "title", titles ? json_string(titles[p]) : json_null());
		json_object_set_new(o, "order",
				    order[p] ? json_integer((json_int_t)order[p]) : json_null());
		const char *by = !order[p]               ? NULL
				 : order[p] <= res->nmes ? "equal_shares"
				 : r->mes                ? "greedy_completion"
							 : "greedy";
		json_object_set_new(o, "by", by ? json_string(by) : json_null());
		json_object_set_new(o, "payment",
				    order[p] && order[p] <= res->nmes
					    ? payment_json(&res->payment[p])
					    : json_null());
		json_array_append_new(ps, o);
	}
	free(order);
	int64_t vb = 0;
	if (res->voter_budget) {
		char *slash = strchr(res->voter_budget, '/');
		vb = strtoll(res->voter_budget, NULL, 10);
		if (slash)
			vb /= strtoll(slash + 1, NULL, 10);
	}
	char zh[1024], en[1024];
	yuan(in->budget, a, sizeof a);
	yuan(res->total_cost, b, sizeof b);
	yuan(left, c, sizeof c);
	yuan(vb, d, sizeof d);
	if (r->mes) {
		snprintf(zh, sizeof zh,
			 "规则 %s：%zu 位居民投票，预算 %s 元。等额分配（Method of Equal "
			 "Shares）把预算平分给"
			 "每位投票居民，每人 %s 元（共计算 %lld "
			 "轮）；项目只能由支持它的居民出钱，每一步选入"
			 "支持者人均负担最轻的项目。共选中 %zu 个项目，花费 %s 元，余 %s 元。",
			 rule, in->nvoters, a, d, (long long)res->runs, res->nselected, b, c);
		snprintf(
			en, sizeof en,
			"Rule %s: %zu residents voted on a budget of %s yuan. Equal Shares gave "
			"each "
			"voter an equal part, %s yuan (%lld runs); a project is paid only by its "
			"supporters, and each step buys the project whose supporters pay least per "
			"unit of benefit. %zu projects chosen for %s yuan; %s yuan left.",
			rule, in->nvoters, a, d, (long long)res->runs, res->nselected, b, c);
	} else {
		snprintf(zh, sizeof zh,
			 "规则 %s：%zu 位居民投票，预算 %s "
			 "元。按%s从高到低依次选入仍放得下的项目。共选中 %zu "
			 "个项目，花费 %s 元，余 %s 元。",
			 rule, in->nvoters, a, rank_zh[r->utility], res->nselected, b, c);
		snprintf(
			en, sizeof en,
			"Rule %s: %zu residents voted on a budget of %s yuan. Projects in order of "
			"%s, each added while it still fits. %zu projects chosen for %s yuan; %s "
			"yuan "
			"left.",
			rule, in->nvoters, a, rank_en[r->utility], res->nselected, b, c);
	}
	json_t *o =
		json_pack("{s:s, s:I, s:I, s:I, s:I, s:o, s:I, s:o, s:s, s:s}", "rule", rule,
			  "budget_fen", (json_int_t)in->budget, "voters", (json_int_t)in->nvoters,
			  "total_cost_fen", (json_int_t)res->total_cost, "unspent_fen",
			  (json_int_t)left, "selected", sel, "runs", (json_int_t)res->runs,
			  "projects", ps, "explanation", zh, "explanation_en", en);
	json_object_set_new(o, "voter_budget",
			    res->voter_budget ? json_string(res->voter_budget) : json_null());
	json_object_set_new(o, "voter_budget_fen",
			    res->voter_budget ? json_integer(vb) : json_null());
	return o;
}

enum xy_kind pb_run_close(struct store *s, const struct actor *who, int64_t id, json_t **out,
			  struct xy_err *e)
{
	/* the ballots are fixed before the rule counts them */
	enum xy_kind k = pb_round_stop_voting(s, who, id, e);
	if (k)
		return k;
	struct pb_round_data d;
	k = pb_round_load(s, who, id, ACT_PB_MANAGE, &d, e);
	struct pb_rule rule;
	if (!k && !pb_rule_parse(d.rule, &rule))
		k = xy_fail(e, XY_EINTERNAL, "invalid_rule", NULL, "the round's rule %s is unknown",
			    d.rule);
	if (k) {
		pb_round_data_release(&d);
		return k;
	}
	size_t np = d.nprojects;
	const char **codes = xy_calloc(np + 1, sizeof *codes);
	const char **titles = xy_calloc(np + 1, sizeof *titles);
	int64_t *cost = xy_calloc(np + 1, sizeof *cost), *sel = xy_calloc(np + 1, sizeof *sel);
	for (size_t p = 0; p < np; p++) {
		codes[p] = d.projects[p].code;
		titles[p] = d.projects[p].title;
		cost[p] = d.projects[p].cost_fen;
	}
	struct pb_instance in = { .budget = d.budget_fen,
				  .unit = 100,
				  .nprojects = np,
				  .project_id = codes,
				  .cost = cost,
				  .nvoters = d.nballots,
				  .ballot_start = d.ballot_start,
				  .ballot_project = d.ballot_project,
				  .points = d.ballot_points };
	struct pb_result res;
	k = pb_run(&in, &rule, &res, e);
	if (!k) {
		for (size_t i = 0; i < res.nselected; i++)
			sel[res.selected[i]] = (int64_t)i + 1;
		json_t *result = pb_run_result_json(&in, &rule, &res, titles);
		json_t *summary =
			json_pack("{s:s, s:O, s:I, s:I}", "rule", d.rule, "selected",
				  json_object_get(result, "selected"), "total_cost_fen",
				  (json_int_t)res.total_cost, "ballots", (json_int_t)d.nballots);
		struct pb_round_outcome o = { result, res.supporters, sel, summary };
		k = pb_round_close(s, who, id, &o, e);
		json_decref(summary);
		json_decref(result);
	}
	pb_result_release(&res);
	free(codes);
	free(titles);
	free(cost);
	free(sel);
	pb_round_data_release(&d);
	if (!k)
		k = pb_round_public_json(s, id, out, e);
	return k;
}
