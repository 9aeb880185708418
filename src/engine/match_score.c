#include "engine/match_score.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/area.h"

/* ---- the weights and the related skills: the one place they are set ---------------------
 *
 *   part              condition                                       points   reason
 *   skill             the need's category is one of the skills           400   技能匹配: elderly
 *                     else a skill related to it (table below)           200   相关技能:
 * medical→elderly else: no candidate, no score area              the two paths share the compound
 * (depth 6)         250   同一小区 they share the community (depth 5)                 180 同一社区
 *                     they share the street (depth 4)                    100   同一街道
 *                     further apart                                        0
 *   urgency           high                                               150   紧急
 *                     normal                                              50
 *                     low                                                  0
 *   waiting           2 per day waited, counted up to 60 days          0..120   等待 N 天
 *   beneficiaries     a skill names a beneficiary group of the need       80   服务对象: elderly
 *                     (elderly, children), other than the category itself
 *
 * The greatest score is 400 + 250 + 150 + 120 + 80 = 1000, the least of a candidate 200.
 * Skill and area decide which provider serves a need; urgency and waiting decide which needs
 * are served first when providers run short.
 */
static const struct {
	int skill_exact, skill_related;
	int compound, community, street;
	int urgency[URG_COUNT];
	int per_day, wait_days_cap;
	int group;
} W = {
	.skill_exact = 400,
	.skill_related = 200,
	.compound = 250,
	.community = 180,
	.street = 100,
	.urgency = { [URG_LOW] = 0, [URG_NORMAL] = 50, [URG_HIGH] = 150 },
	.per_day = 2,
	.wait_days_cap = 60,
	.group = 80,
};

#define C(x) ((match_catset)1 << MATCH_CAT_##x)

/* related[s]: the categories a provider skilled in s can also serve (s itself excluded). */
static const match_catset related[MATCH_CAT_COUNT] = {
	[MATCH_CAT_ENVIRONMENT] = C(ECO_EDUCATION) | C(PUBLIC_SPACE) | C(COURTYARD),
	[MATCH_CAT_CULTURE] = C(CHILDREN) | C(ELDERLY) | C(PARTY),
	[MATCH_CAT_ELDERLY] = C(MEDICAL) | C(CHARITY),
	[MATCH_CAT_CHILDREN] = C(CULTURE) | C(ECO_EDUCATION) | C(TECH_EDUCATION),
	[MATCH_CAT_MEDICAL] = C(ELDERLY) | C(CHILDREN) | C(SAFETY),
	[MATCH_CAT_SAFETY] = C(CHILDREN) | C(PUBLIC_SPACE),
	[MATCH_CAT_ECO_EDUCATION] = C(ENVIRONMENT) | C(CHILDREN),
	[MATCH_CAT_TECH_EDUCATION] = C(CHILDREN),
	[MATCH_CAT_PUBLIC_SPACE] = C(ENVIRONMENT) | C(COURTYARD) | C(CULTURE),
	[MATCH_CAT_CHARITY] = C(ELDERLY) | C(CHILDREN),
	[MATCH_CAT_PARTY] = C(CHARITY) | C(CULTURE),
	[MATCH_CAT_COURTYARD] = C(ENVIRONMENT) | C(PUBLIC_SPACE),
};

#undef C

/* ---------------------------------------------------------------------------------------- */

static const char *const category_names[MATCH_CAT_COUNT] = {
	"environment",   "culture",        "elderly",      "children", "medical", "safety",
	"eco_education", "tech_education", "public_space", "charity",  "party",   "courtyard",
};

static const char *const kind_names[MATCH_KIND_COUNT] = { "talent", "resource" };

int match_category_parse(const char *code)
{
	for (int i = 0; code && i < MATCH_CAT_COUNT; i++)
		if (strcmp(code, category_names[i]) == 0)
			return i;
	return -1;
}

const char *match_category_name(int c)
{
	return c >= 0 && c < MATCH_CAT_COUNT ? category_names[c] : "unknown";
}

int match_kind_parse(const char *s)
{
	for (int i = 0; s && i < MATCH_KIND_COUNT; i++)
		if (strcmp(s, kind_names[i]) == 0)
			return i;
	return -1;
}

int match_need_add_group(struct match_need *n, const char *group)
{
	if (!need_beneficiary_ok(group))
		return -1;
	int c = match_category_parse(group);
	if (c >= 0)
		n->groups |= (match_catset)1 << c;
	return 0;
}

int match_provider_add_skill(struct match_provider *p, const char *code)
{
	int c = match_category_parse(code);
	if (c < 0)
		return -1;
	p->skills |= (match_catset)1 << c;
	return 0;
}

match_catset match_serves(match_catset skills)
{
	match_catset s = skills & MATCH_CATSET_ALL;
	for (int c = 0; c < MATCH_CAT_COUNT; c++)
		if (skills & ((match_catset)1 << c))
			s |= related[c];
	return s;
}

int match_area_common_depth(const char *a, const char *b)
{
	int slashes = 0;
	for (; *a && *a == *b; a++, b++)
		slashes += *a == '/';
	return slashes > 0 ? slashes - 1 : 0;
}

__attribute__((format(printf, 2, 3))) static void reason(struct match_reasons *why, const char *fmt,
							 ...)
{
	if (!why || why->n >= MATCH_REASONS_MAX)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why->text[why->n++], MATCH_REASON_LEN, fmt, ap);
	va_end(ap);
}

int32_t match_score(const struct match_need *n, const struct match_provider *p,
		    struct match_reasons *why)
{
	if (why)
		why->n = 0;
	if (n->category < 0 || n->category >= MATCH_CAT_COUNT)
		return -1;
	match_catset cat = (match_catset)1 << n->category;
	int32_t score;
	if (p->skills & cat) {
		score = W.skill_exact;
		reason(why, "技能匹配: %s", category_names[n->category]);
	} else {
		int via = -1;
		for (int s = 0; s < MATCH_CAT_COUNT && via < 0; s++)
			if ((p->skills & ((match_catset)1 << s)) && (related[s] & cat))
				via = s;
		if (via < 0)
			return -1;
		score = W.skill_related;
		reason(why, "相关技能: %s→%s", category_names[via], category_names[n->category]);
	}

	int depth = n->area_path && p->area_path
			    ? match_area_common_depth(n->area_path, p->area_path)
			    : 0;
	if (depth >= AREA_DEPTH_COMPOUND) {
		score += W.compound;
		reason(why, "同一小区");
	} else if (depth == AREA_DEPTH_COMMUNITY) {
		score += W.community;
		reason(why, "同一社区");
	} else if (depth == AREA_DEPTH_COMMUNITY - 1) {
		score += W.street;
		reason(why, "同一街道");
	}

	if ((unsigned)n->urgency < URG_COUNT) {
		score += W.urgency[n->urgency];
		if (n->urgency == URG_HIGH)
			reason(why, "紧急");
	}
	if (n->days_waiting > 0) {
		int32_t days =
			n->days_waiting < W.wait_days_cap ? n->days_waiting : W.wait_days_cap;
		score += W.per_day * days;
		reason(why, "等待 %d 天", (int)n->days_waiting);
	}

	match_catset shared = n->groups & p->skills & ~cat;
	for (int g = 0; shared && g < MATCH_CAT_COUNT; g++)
		if (shared & ((match_catset)1 << g)) {
			score += W.group;
			reason(why, "服务对象: %s", category_names[g]);
			break;
		}
	return score;
}
