/* dedup_lexicon — the words the duplicate detector knows (private to src/engine/dedup.c).
 *
 * Each entry maps a phrase as residents write it (Simplified, after text_fold) to its
 * canonical word and says what the word names (enum dedup_kind), DEDUP_LEX_STOP for words
 * that say little about which need it is (希望, 小区, 一下) or DEDUP_LEX_PLAIN for a synonym
 * that is neither. Longer phrases win over shorter ones at the same place.
 */
#ifndef XY_ENGINE_DEDUP_LEXICON_H
#define XY_ENGINE_DEDUP_LEXICON_H

#include <stddef.h>

#define DEDUP_LEX_PLAIN 0
#define DEDUP_LEX_STOP  100

struct dedup_word {
	const char *variant;
	const char *canonical; /* NULL = the variant itself */
	int kind;              /* enum dedup_kind, DEDUP_LEX_PLAIN or DEDUP_LEX_STOP */
};

extern const struct dedup_word dedup_lexicon[];
extern const size_t dedup_lexicon_count;

#endif
