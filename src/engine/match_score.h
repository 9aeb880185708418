/* match_score — how well one provider fits one need: an integer score and its reasons.
 *
 * The score adds a skill fit (the need's category among the provider's skills, or a related
 * skill from a fixed table), the distance in the area tree (same compound > same community >
 * same street > further), the need's urgency and waiting time, and a bonus when the provider's
 * skills name one of the need's beneficiary groups. A provider with neither the exact nor a
 * related skill gets no score at all: the pair is not a candidate. The weights and the table of
 * related skills live in one place, at the top of match_score.c (docs/matching.md repeats them).
 *
 * Every candidate's score lies in 1..1000; a provider's kind (talent or resource) and capacity
 * do not change it (capacity is the solver's constraint).
 */
#ifndef XY_ENGINE_MATCH_SCORE_H
#define XY_ENGINE_MATCH_SCORE_H

#include <stdint.h>

#include "core/need.h"

/* The need categories (the categories table of the database), in its sort order. */
enum match_category {
	MATCH_CAT_ENVIRONMENT,
	MATCH_CAT_CULTURE,
	MATCH_CAT_ELDERLY,
	MATCH_CAT_CHILDREN,
	MATCH_CAT_MEDICAL,
	MATCH_CAT_SAFETY,
	MATCH_CAT_ECO_EDUCATION,
	MATCH_CAT_TECH_EDUCATION,
	MATCH_CAT_PUBLIC_SPACE,
	MATCH_CAT_CHARITY,
	MATCH_CAT_PARTY,
	MATCH_CAT_COURTYARD,
	MATCH_CAT_COUNT
};

/* A set of categories: bit c stands for category c. */
typedef uint32_t match_catset;

#define MATCH_CATSET_ALL (((match_catset)1 << MATCH_CAT_COUNT) - 1)

enum match_kind { MATCH_KIND_TALENT, MATCH_KIND_RESOURCE, MATCH_KIND_COUNT };

/* "environment" ... "courtyard"; -1 for an unknown code. */
int match_category_parse(const char *code);
const char *match_category_name(int c);
/* "talent" | "resource"; -1 for anything else. */
int match_kind_parse(const char *s);

/* A need as the matcher sees it. area_path ("/1/4/9/12/") is borrowed, not copied. */
struct match_need {
	int64_t id;
	int category; /* enum match_category */
	const char *area_path;
	enum need_urgency urgency;
	match_catset groups; /* beneficiary groups that are also categories (elderly, children) */
	int32_t days_waiting;
};

/* A provider as the matcher sees it: its service area, skills and remaining capacity. */
struct match_provider {
	int64_t id;
	match_catset skills;
	const char *area_path; /* the service area, borrowed */
	int64_t capacity;      /* >= 0 */
	int kind;              /* enum match_kind */
};

/* Adds a beneficiary group ("elderly", "women", ... as need_beneficiary_ok knows them) to the
 * need; only the groups that are also categories count for the score. -1 when the group is
 * unknown. */
int match_need_add_group(struct match_need *n, const char *group);

/* Adds a skill (a category code) to the provider; -1 when the code is unknown. */
int match_provider_add_skill(struct match_provider *p, const char *code);

/* The reasons of a score, in Chinese, most important first: "技能匹配: elderly",
 * "相关技能: medical→elderly", "同一小区" | "同一社区" | "同一街道", "紧急", "等待 12 天",
 * "服务对象: elderly". */
#define MATCH_REASONS_MAX 6
#define MATCH_REASON_LEN  64
struct match_reasons {
	int n;
	char text[MATCH_REASONS_MAX][MATCH_REASON_LEN];
};

/* The score of provider p for need n, or -1 when p is no candidate for n (no exact or related
 * skill, or a category out of range). Fills why (when not NULL) with the reasons. */
int32_t match_score(const struct match_need *n, const struct match_provider *p,
		    struct match_reasons *why);

/* The categories whose needs a provider with these skills can serve (exactly or related). */
match_catset match_serves(match_catset skills);

/* How many leading areas two paths share ("/1/4/9/" and "/1/4/7/" share 2). */
int match_area_common_depth(const char *a, const char *b);

#endif
