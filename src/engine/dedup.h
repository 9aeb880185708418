/* dedup — near-duplicate needs: what a need's text is made of, the exact similarity of two
 * needs, and the LSH band keys that find the candidates worth comparing. Pure: no I/O.
 *
 * A text (title and description, folded by text_fold) becomes a dedup_doc in four steps:
 *   1. only letters, digits and ideographs count; punctuation and spaces end a clause;
 *   2. numbers before a unit are written in digits and units in one spelling (三号楼 -> 3栋,
 *      六层 -> 6层);
 *   3. phrases of the lexicon (dedup_lexicon.c) are replaced by their canonical word (老年人,
 *      长者 -> 老人; 摄像头 -> 监控) and remembered as concepts when they name a thing, a place,
 *      a group, a service, a time or a side (东门);
 *   4. the features are the character bigrams of each clause of that canonical text, each with
 *      a weight: bigrams of concept words and numbers weigh most, those of the lexicon's
 *      stop words (希望, 小区, 一下, ...) least.
 *
 * The score of two docs is a blend of the weighted Jaccard similarity and the weighted
 * containment of their features, times a penalty for each conflict (both name a thing, place,
 * group, service, time or side of one kind but none in common, or both give a number of one
 * unit but no number in common: 3栋 against 8栋), plus small bonuses for the same category and
 * the same compound. Every weight, the bonuses and the default threshold are in struct
 * dedup_params (dedup.c: dedup_defaults), documented there and in docs/search.md.
 *
 * Candidates come from MinHash over the features of weight >= 1: DEDUP_BANDS bands of
 * DEDUP_ROWS hashes each; two docs that agree on a whole band share its key, and the key also
 * mixes in a scope (the community) so that a lookup never leaves it.
 */
#ifndef XY_ENGINE_DEDUP_H
#define XY_ENGINE_DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DEDUP_FEATURES_MAX 512 /* a longer text keeps the smallest feature hashes (a sample) */
#define DEDUP_CONCEPTS_MAX 64
#define DEDUP_ALIGN_MAX    200 /* characters compared by alignment; longer texts are not */
#define DEDUP_BANDS        10
#define DEDUP_WIDE_BANDS   2 /* of them of one hash each, the others of DEDUP_ROWS */
#define DEDUP_ROWS         2
#define DEDUP_HASHES       (DEDUP_WIDE_BANDS + (DEDUP_BANDS - DEDUP_WIDE_BANDS) * DEDUP_ROWS)

/* What a concept names; two docs conflict when both name concepts of one kind and share none. */
enum dedup_kind {
	DEDUP_THING = 1, /* 电梯, 路灯, 监控 */
	DEDUP_PLACE,     /* 篮球场, 地下室, 楼道 */
	DEDUP_GROUP,     /* 老人, 儿童, 残疾人 */
	DEDUP_SERVICE,   /* 义诊, 书法, 托管 */
	DEDUP_TIME,      /* 暑假, 春节 */
	DEDUP_SIDE,      /* 东门, 北侧 */
	DEDUP_NUMBER,    /* a number with its unit: 3栋, 2单元, 12层 */
	DEDUP_KINDS
};

struct dedup_concept {
	uint16_t kind;  /* enum dedup_kind */
	uint16_t title; /* named in the title */
	uint32_t unit;  /* DEDUP_NUMBER: a hash of the unit; else 0 */
	uint64_t id;    /* hash of the canonical word or of the number */
};

struct dedup_doc {
	uint32_t n;                        /* features, sorted by hash, distinct */
	uint64_t feat[DEDUP_FEATURES_MAX]; /* feature hashes */
	uint8_t cls[DEDUP_FEATURES_MAX];   /* what each is (its weight comes from the params) */
	uint32_t nconcepts;                /* distinct */
	struct dedup_concept concepts[DEDUP_CONCEPTS_MAX];
	uint32_t nalign;                 /* 0 when the text is longer than DEDUP_ALIGN_MAX */
	uint32_t ntitle;                 /* align[0..ntitle) comes from the title */
	uint32_t align[DEDUP_ALIGN_MAX]; /* the canonical text without stop words and breaks */
	const char *category;            /* borrowed; NULL = unknown */
	int64_t compound;                /* area of the need; 0 = unknown */
};

/* Weights, bonuses and the default threshold (dedup_defaults). */
struct dedup_params {
	float w_concept;      /* a bigram inside a concept word or a number with its unit */
	float w_plain;        /* any other bigram */
	float w_stop;         /* a bigram inside a stop word */
	float w_word;         /* a word of the lexicon or a number with its unit, as one feature */
	float w_char;         /* a single character (not of a stop word) */
	float w_same;         /* a plain synonym of the lexicon (坏, 修, 加), as one feature */
	float jaccard;        /* the score blends jaccard * J + (1 - jaccard) * containment */
	float conflict;       /* factor per kind in conflict */
	float title_conflict; /* factor when only the titles name different things */
	float near;       /* texts this alike (aligned share) differ in what they are about when one
			   * stretch of two or more characters is replaced by another */
	float near_title; /* the same for the titles alone */
	float same_category, same_compound; /* added to a score above zero */
	float threshold;                    /* suggested as a duplicate at or above this */
};

extern const struct dedup_params dedup_defaults;

/* Builds d from a need's folded title and description (text_fold output; either may be NULL)
 * with its category and area (borrowed, may be NULL / 0). */
void dedup_doc_build(struct dedup_doc *d, const char *title, const char *description,
		     const char *category, int64_t compound);

/* The similarity of a and b in [0, 1] under p (NULL = dedup_defaults). Symmetric. */
double dedup_score(const struct dedup_doc *a, const struct dedup_doc *b,
		   const struct dedup_params *p);

/* dedup_score without the alignment rule, its costliest part: never below dedup_score, so a
 * caller ranking many candidates scores them all with it and only the best in full. */
double dedup_score_bound(const struct dedup_doc *a, const struct dedup_doc *b,
			 const struct dedup_params *p);

/* The DEDUP_BANDS band keys of d within scope (e.g. the community id) into keys; returns
 * DEDUP_BANDS, or 0 for a text without features (it is never a candidate). */
int dedup_bands(const struct dedup_doc *d, uint64_t scope, int64_t keys[DEDUP_BANDS]);

/* The canonical text that d's features come from, for tests and diagnostics: clauses
 * separated by '|'. Writes at most size bytes (NUL-terminated); returns the length it needs. */
size_t dedup_canonical(const char *title, const char *description, char *out, size_t size);

#endif
