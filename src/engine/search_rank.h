/* search_rank — what a search shows: the relevance of a need to a query and the snippet that
 * marks where it matched. Pure; the text is folded with engine/text_norm.
 *
 * Relevance is BM25F over the folded query as one phrase, with fixed average lengths (a
 * search never ranks more than a window of candidates, so there are no corpus statistics):
 *   score = SEARCH_W_TITLE * sat(tf_title, len_title, 12) + sat(tf_body, len_body, 60)
 *   sat(tf, len, avg) = tf * (k + 1) / (tf + k * (1 - b + b * len / avg)), k = 1.2, b = 0.75
 * where tf counts the non-overlapping occurrences of the query and lengths are in characters.
 *
 * Snippets mark every occurrence of the query with 【 and 】 (a 【 or 】 of the text itself
 * becomes 〔 or 〕, so that the marks are unambiguous), in the original writing (Traditional
 * stays Traditional): a window of the description around its first occurrence, or the whole
 * title when only the title matches.
 */
#ifndef XY_ENGINE_SEARCH_RANK_H
#define XY_ENGINE_SEARCH_RANK_H

#include <stddef.h>

#define SEARCH_W_TITLE      2.0
#define SEARCH_SNIPPET_HEAD 16 /* characters kept before the first match */
#define SEARCH_SNIPPET_LEN  60 /* characters of a snippet at most, marks aside */

/* The relevance of a need whose folded title and description are title and body to the
 * folded query q (not empty); 0 when q occurs in neither. */
double search_rank_score(const char *title, const char *body, const char *q);

/* The snippet of a need (original title and description) for the folded query q, as a new
 * string the caller frees. text_norm_init must have succeeded. */
char *search_snippet(const char *title, const char *description, const char *q);

#endif
