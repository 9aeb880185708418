/* search — the needs' full-text index and duplicate signatures as stored (docs/search.md).
 *
 * What is stored (migration 0004): need_text holds each need's folded title and description
 * (engine/text_norm) under the key skey = community id * 2^40 + need id, so that one
 * community's needs are one key range. SQLite indexes it with FTS5: need_fts (trigram
 * tokenizer) for queries of three characters or more, need_grams (every distinct character
 * as a token, detail=none) for queries of one character, and of two: the needs that have
 * both, whose text is then checked for the pair side by side. PostgreSQL keeps the
 * same rows with a pg_trgm GIN index on title || ' ' || body (queries of one or two
 * characters scan the community's key range). need_sigs holds the MinHash band keys
 * (engine/dedup) of the open needs only (submitted, accepted, wish_open, claimed).
 *
 * Everything is written in the transaction that writes the need (need_submit, transitions);
 * the FTS5 rows through db_defer, just before that transaction commits (FTS5 writes a segment
 * at every savepoint, and a group commit runs each request in one). Needs that have no index
 * rows yet (written before migration 0004, or copied by migrate-store) are indexed by
 * search_backfill when the store is migrated.
 *
 * The store depends on the engine here only, for its pure text functions: the folding has to
 * happen in the transaction that writes the need.
 */
#ifndef XY_STORE_SEARCH_H
#define XY_STORE_SEARCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

#define SEARCH_WINDOW    500  /* a search ranks at most this many matches, the newest */
#define SEARCH_CHECK_MAX 5000 /* candidates of a two-character query that fail the check */
#define SEARCH_Q_MAX     200  /* characters of a query */
#define SIMILAR_MAX      5    /* suggestions at most */
#define SIMILAR_BUCKET   32   /* needs read per band key at most, newest first */
#define SIMILAR_CHECK    64   /* candidates scored at most, those sharing most bands first */
/* the list that comes with a submission: a smaller budget, since the form asked before */
#define SIMILAR_CHECK_SUBMIT 8

/* A need as the index sees it. */
struct search_need {
	int64_t id, community_id, area_id;
	const char *category, *title, *description, *status;
	bool compound; /* area_id is a compound */
};

/* The index rows of a new need, in the caller's transaction. */
enum xy_kind search_index_need(struct db *db, const struct search_need *n, struct xy_err *e);

/* Keeps the duplicate signatures in step when need id of community moves from one status to
 * another (open needs have them), in the caller's transaction. */
enum xy_kind search_need_moved(struct db *db, int64_t id, int64_t community_id, const char *from,
			       const char *to, struct xy_err *e);

/* Indexes every need that has no index rows yet, in transactions of a few thousand; *done
 * (may be NULL) gets how many. Cheap when there are none. */
enum xy_kind search_backfill(struct db *db, int64_t *done, struct xy_err *e);

/* One search within an area subtree. */
struct search_query {
	const char *q;    /* folded (text_fold), not empty, at most SEARCH_Q_MAX characters */
	const char *path; /* the subtree */
	const char *status, *category; /* NULL = any */
	int64_t submitter;             /* 0 = anyone */
	int offset, limit;             /* the page */
};

struct search_page {
	int64_t ids[PAGE_MAX]; /* in rank order */
	int n;
	int64_t total; /* matches, at most SEARCH_WINDOW */
	bool capped;   /* there are more than SEARCH_WINDOW */
};

/* The page of needs matching q in the subtree, most relevant first (engine/search_rank),
 * the newest first among equals; among at most SEARCH_WINDOW matches, the newest. */
enum xy_kind search_run(struct db *db, const struct search_query *q, struct search_page *out,
			struct xy_err *e);

/* Folds q into out (SEARCH_Q_MAX * 4 + 1 bytes); returns its length (0: nothing to search). */
size_t search_fold_query(const char *q, char *out, size_t size);

struct similar_input {
	int64_t area_id;
	const char *category, *title, *description;
	int check; /* candidates to score at most; 0 = SIMILAR_CHECK */
};

/* {similar:[{id, title, score}]}: the open needs of the area's community at or above the
 * default threshold (engine/dedup), most similar first, at most SIMILAR_MAX, leaving out
 * need exclude. The actor must be allowed to read the area's needs. */
enum xy_kind search_similar(struct store *s, const struct actor *who,
			    const struct similar_input *in, int64_t exclude, json_t **out,
			    struct xy_err *e);

#endif
