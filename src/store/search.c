#include "store/search.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/need.h"
#include "core/text.h"
#include "engine/dedup.h"
#include "engine/search_rank.h"
#include "engine/text_norm.h"
#include "store/areas.h"
#include "store/sqlb.h"

#define SKEY_BITS 40
#define SKEY_SPAN ((int64_t)1 << SKEY_BITS)

static int64_t skey_of(int64_t community, int64_t id)
{
	return community * SKEY_SPAN + id;
}

static int64_t id_of(int64_t skey)
{
	return skey & (SKEY_SPAN - 1);
}

static bool is_open(const char *status)
{
	int s = status ? need_status_parse(status) : -1;
	return s == NEED_SUBMITTED || s == NEED_ACCEPTED || s == NEED_WISH_OPEN ||
	       s == NEED_CLAIMED;
}

/* text_fold into a new string. */
static char *fold_new(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	char *out = xy_malloc(n + 1);
	text_fold(s ? s : "", n, out, NULL);
	return out;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* The need_grams token of a character: u<hex>. */
static size_t gram_put(char *out, uint32_t cp)
{
	char tmp[8];
	size_t n = 0;
	do
		tmp[n++] = "0123456789abcdef"[cp & 15];
	while (cp >>= 4);
	out[0] = 'u';
	for (size_t i = 0; i < n; i++)
		out[1 + i] = tmp[n - 1 - i];
	return n + 1;
}

/* The need_grams text of a need: the tokens of its distinct characters, space-separated (a
 * new string). */
static char *grams_text(const char *title, const char *body)
{
	size_t cap = strlen(title) + strlen(body) + 1, n = 0, len;
	uint32_t *c = xy_malloc(cap * sizeof *c);
	for (const char *p = title; *p; p += len)
		c[n++] = text_norm_decode(p, &len);
	for (const char *p = body; *p; p += len)
		c[n++] = text_norm_decode(p, &len);
	qsort(c, n, sizeof *c, u32_cmp);
	char *out = xy_malloc(n * 8 + 1);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && c[i] == c[i - 1])
			continue;
		o += gram_put(out + o, c[i]);
		out[o++] = ' ';
	}
	out[o] = '\0';
	free(c);
	return out;
}

/* The need_grams query of a one- or two-character folded query: its characters' tokens (FTS5
 * takes two terms as both; the pair is then checked in the text). */
static void gram_query(const char *s, char *out)
{
	size_t len, next;
	uint32_t a = text_norm_decode(s, &len);
	size_t o = gram_put(out, a);
	if (s[len]) {
		uint32_t b = text_norm_decode(s + len, &next);
		if (b != a) {
			out[o++] = ' ';
			o += gram_put(out + o, b);
		}
	}
	out[o] = '\0';
}

/* ---- writing ------------------------------------------------------------------------------ */

/* Band keys held back to be written in key order (a backfill): random inserts into the
 * (band, skey) index cost several times more. */
struct sigbuf {
	struct sig {
		int64_t band, skey;
	} * s;
	size_t n, cap;
};

static int sig_cmp(const void *a, const void *b)
{
	const struct sig *x = a, *y = b;
	if (x->band != y->band)
		return x->band < y->band ? -1 : 1;
	return x->skey < y->skey ? -1 : x->skey > y->skey;
}

static enum xy_kind sig_run(struct db *db, bool add, int64_t band, int64_t skey, struct xy_err *e)
{
	struct db_stmt *st = db_stmt(db, add ? STMT_SEARCH_SIG_INSERT : STMT_SEARCH_SIG_DELETE);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, band);
	db_bind_i64(st, 2, skey);
	int rc = db_run(st);
	return rc == DB_OK ? XY_OK : db_fail(db, rc, e);
}

/* Writes the held-back keys in key order and empties the buffer. */
static enum xy_kind sigbuf_flush(struct db *db, struct sigbuf *b, struct xy_err *e)
{
	qsort(b->s, b->n, sizeof *b->s, sig_cmp);
	enum xy_kind k = XY_OK;
	for (size_t i = 0; i < b->n && !k; i++)
		k = sig_run(db, true, b->s[i].band, b->s[i].skey, e);
	b->n = 0;
	return k;
}

/* The band keys of a need's folded text within its community; returns how many. */
static int bands_of(const char *title, const char *body, int64_t community,
		    int64_t keys[DEDUP_BANDS])
{
	struct dedup_doc *d = xy_malloc(sizeof *d);
	dedup_doc_build(d, title, body, NULL, 0);
	int n = dedup_bands(d, (uint64_t)community, keys);
	free(d);
	return n;
}

/* Adds (or removes) band keys of need skey; added keys go to hold when it is not NULL. */
static enum xy_kind sigs_write(struct db *db, int64_t skey, const int64_t *keys, int n, bool add,
			       struct sigbuf *hold, struct xy_err *e)
{
	if (add && hold) {
		if (hold->n + (size_t)n > hold->cap) {
			hold->cap = (hold->n + (size_t)n) * 2;
			hold->s = xy_realloc(hold->s, hold->cap * sizeof *hold->s);
		}
		for (int i = 0; i < n; i++)
			hold->s[hold->n++] = (struct sig){ keys[i], skey };
		return XY_OK;
	}
	for (int i = 0; i < n; i++) {
		enum xy_kind k = sig_run(db, add, keys[i], skey, e);
		if (k)
			return k;
	}
	return XY_OK;
}

/* SQLite: a need's FTS5 rows, written when its transaction commits (db_defer): written inside
 * the group commit's savepoints, every request would flush an FTS5 segment of its own. */
struct fts_row {
	int64_t skey;
	char *title, *body, *grams;
};

static void fts_free(void *arg)
{
	struct fts_row *row = arg;
	free(row->title);
	free(row->body);
	free(row->grams);
	free(row);
}

static int fts_write(struct db *db, void *arg)
{
	struct fts_row *row = arg;
	struct db_stmt *st = db_stmt(db, STMT_SEARCH_FTS_INSERT);
	if (!st)
		return DB_FAIL;
	db_bind_i64(st, 1, row->skey);
	db_bind_text(st, 2, row->title);
	db_bind_text(st, 3, row->body);
	int rc = db_run(st);
	if (rc != DB_OK || !(st = db_stmt(db, STMT_SEARCH_GRAMS_INSERT)))
		return rc != DB_OK ? rc : DB_FAIL;
	db_bind_i64(st, 1, row->skey);
	db_bind_text(st, 2, row->grams);
	return db_run(st);
}

/* What indexing a need computes before it touches the database: pure, so that a backfill
 * prepares the next needs on another thread while it writes the last ones. */
struct prepared {
	int64_t skey;
	char *title, *body, *grams; /* folded; owned; grams only for SQLite */
	int nkeys;                  /* band keys: open needs only */
	int64_t keys[DEDUP_BANDS];
};

static void prepare(const struct search_need *n, bool sqlite, struct prepared *p)
{
	p->skey = skey_of(n->community_id, n->id);
	p->title = fold_new(n->title);
	p->body = fold_new(n->description);
	p->grams = sqlite ? grams_text(p->title, p->body) : NULL;
	p->nkeys = is_open(n->status) ? bands_of(p->title, p->body, n->community_id, p->keys) : 0;
}

static void prepared_release(struct prepared *p)
{
	free(p->title);
	free(p->body);
	free(p->grams);
	p->title = p->body = p->grams = NULL;
}

/* Writes the rows of a prepared need (band keys to hold when it is not NULL); releases p. */
static enum xy_kind index_write(struct db *db, const struct search_need *n, struct prepared *p,
				struct sigbuf *hold, struct xy_err *e)
{
	enum xy_kind k = XY_OK;
	/* a plain INSERT: an upsert or RETURNING would open a statement journal, and FTS5 writes
	 * its pending rows to disk at every savepoint. (The backfill reads only needs without a
	 * row, under its lock; a new need has none.) */
	struct db_stmt *st = db_stmt(db, STMT_SEARCH_TEXT_INSERT);
	int rc = DB_FAIL;
	if (st) {
		db_bind_i64(st, 1, p->skey);
		db_bind_text(st, 2, p->title);
		db_bind_text(st, 3, p->body);
		db_bind_text(st, 4, n->category);
		db_bind_i64(st, 5, n->area_id);
		rc = db_run(st);
	}
	if (rc != DB_OK)
		k = db_fail(db, rc, e);
	if (!k)
		k = sigs_write(db, p->skey, p->keys, p->nkeys, true, hold, e);
	if (!k && db_dialect(db) == DB_SQLITE) {
		struct fts_row *row = xy_malloc(sizeof *row);
		*row = (struct fts_row){ p->skey, p->title, p->body, p->grams };
		p->title = p->body = p->grams = NULL; /* the row owns them now */
		db_defer(db, fts_write, fts_free, row);
	}
	prepared_release(p);
	return k;
}

enum xy_kind search_index_need(struct db *db, const struct search_need *n, struct xy_err *e)
{
	struct prepared p;
	prepare(n, db_dialect(db) == DB_SQLITE, &p);
	return index_write(db, n, &p, NULL, e);
}

enum xy_kind search_need_moved(struct db *db, int64_t id, int64_t community_id, const char *from,
			       const char *to, struct xy_err *e)
{
	if (is_open(from) == is_open(to))
		return XY_OK;
	int64_t skey = skey_of(community_id, id);
	struct db_stmt *st = db_stmt(db, STMT_SEARCH_TEXT_GET);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, skey);
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_reset(st);
		/* not indexed yet: the backfill will see its status */
		return rc == DB_DONE ? XY_OK : db_fail(db, rc, e);
	}
	char *title = xy_strdup(db_col_text(st, 0)), *body = xy_strdup(db_col_text(st, 1));
	db_reset(st);
	int64_t keys[DEDUP_BANDS];
	int n = bands_of(title, body, community_id, keys);
	free(title);
	free(body);
	return sigs_write(db, skey, keys, n, is_open(to), NULL, e);
}

/* ---- backfill -------------------------------------------------------------------------------- */

#define BACKFILL_BATCH 20000
#define FTS_AUTOMERGE(n)                                                                           \
	"INSERT INTO need_fts(need_fts, rank) VALUES('automerge', " n ");"                         \
	"INSERT INTO need_grams(need_grams, rank) VALUES('automerge', " n ");"

struct pending {
	struct search_need n;
	char *strings; /* category, title, description, status, one block */
};

/* Reads the next batch of needs without index rows after id *last. */
static int backfill_read(struct db *db, int64_t *last, struct pending *p, int *count)
{
	struct db_stmt *st = db_stmt(db, STMT_SEARCH_UNINDEXED);
	if (!st)
		return DB_FAIL;
	db_bind_i64(st, 1, *last);
	db_bind_i64(st, 2, BACKFILL_BATCH);
	int rc, n = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *col[4] = { db_col_text(st, 3), db_col_text(st, 5), db_col_text(st, 6),
				       db_col_text(st, 4) };
		size_t len[4], total = 0;
		for (int i = 0; i < 4; i++)
			total += (len[i] = strlen(col[i] ? col[i] : "")) + 1;
		struct pending *q = &p[n++];
		q->strings = xy_malloc(total);
		const char *at[4];
		char *w = q->strings;
		for (int i = 0; i < 4; i++) {
			memcpy(w, col[i] ? col[i] : "", len[i] + 1);
			at[i] = w;
			w += len[i] + 1;
		}
		q->n = (struct search_need){ .id = db_col_i64(st, 0),
					     .community_id = db_col_i64(st, 1),
					     .area_id = db_col_i64(st, 2),
					     .category = at[0],
					     .title = at[1],
					     .description = at[2],
					     .status = at[3] };
		*last = q->n.id;
	}
	db_reset(st);
	*count = n;
	return rc == DB_DONE ? DB_OK : rc;
}

/* A batch of needs read for the backfill, and their prepared rows. */
struct batch {
	struct pending *p;
	struct prepared *ready;
	int n;
	bool sqlite;
	pthread_t thread;
	bool running;
};

static void *batch_prepare(void *arg)
{
	struct batch *b = arg;
	for (int i = 0; i < b->n; i++)
		prepare(&b->p[i].n, b->sqlite, &b->ready[i]);
	return NULL;
}

/* Prepares b on a thread of its own (or here, when none can be started). */
static void batch_start(struct batch *b)
{
	b->running = pthread_create(&b->thread, NULL, batch_prepare, b) == 0;
	if (!b->running)
		batch_prepare(b);
}

static void batch_finish(struct batch *b)
{
	if (b->running)
		pthread_join(b->thread, NULL);
	b->running = false;
}

static void batch_release(struct batch *b)
{
	for (int i = 0; i < b->n; i++) {
		prepared_release(&b->ready[i]);
		free(b->p[i].strings);
	}
	b->n = 0;
}

/* Reads a batch, prepares it on a second thread while the last one is written: folding,
 * characters and band keys take about a third of the time, SQLite the rest. */
static enum xy_kind backfill_run(struct db *db, int64_t *done, struct xy_err *e)
{
	struct batch b[2];
	for (int i = 0; i < 2; i++)
		b[i] = (struct batch){ xy_calloc(BACKFILL_BATCH, sizeof *b[i].p),
				       xy_calloc(BACKFILL_BATCH, sizeof *b[i].ready),
				       0,
				       db_dialect(db) == DB_SQLITE,
				       0,
				       false };
	struct sigbuf sigs = { 0 };
	int64_t last = 0;
	int cur = 0;
	enum xy_kind k = XY_OK;
	int rc = backfill_read(db, &last, b[cur].p, &b[cur].n);
	if (rc != DB_OK)
		k = db_fail(db, rc, e);
	else
		batch_start(&b[cur]);
	while (!k && b[cur].n) {
		struct batch *w = &b[cur], *next = &b[1 - cur];
		batch_finish(w);
		/* the next needs are those after this batch: it has no rows yet */
		if (w->n == BACKFILL_BATCH && (rc = backfill_read(db, &last, next->p, &next->n)))
			k = db_fail(db, rc, e);
		if (!k && next->n)
			batch_start(next);
		if (!k && db_begin(db) != DB_OK)
			k = db_fail(db, DB_RETRY, e);
		for (int i = 0; i < w->n && !k; i++)
			k = index_write(db, &w->p[i].n, &w->ready[i], &sigs, e);
		if (!k)
			k = sigbuf_flush(db, &sigs, e);
		sigs.n = 0;
		if (!k && db_commit(db) != DB_OK)
			k = db_fail(db, DB_FAIL, e);
		if (k)
			db_rollback(db);
		else
			*done += w->n;
		batch_release(w);
		cur = 1 - cur;
	}
	for (int i = 0; i < 2; i++) {
		batch_finish(&b[i]);
		batch_release(&b[i]);
		free(b[i].p);
		free(b[i].ready);
	}
	free(sigs.s);
	return k;
}

enum xy_kind search_backfill(struct db *db, int64_t *done, struct xy_err *e)
{
	int64_t count = 0;
	if (done)
		*done = 0;
	enum xy_kind k = text_norm_init(e);
	if (k)
		return k;
	struct db_stmt *st = db_stmt(db, STMT_SEARCH_COUNTS);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	int rc = db_step(st);
	int64_t needs = rc == DB_ROW ? db_col_i64(st, 0) : 0;
	int64_t indexed = rc == DB_ROW ? db_col_i64(st, 1) : 0;
	db_reset(st);
	if (rc != DB_ROW)
		return db_fail(db, rc, e);
	if (needs == indexed)
		return XY_OK;
	bool pg = db_dialect(db) == DB_PG;
	fprintf(stderr, "xinyuan: indexing %lld need(s) for search\n",
		(long long)(needs - indexed));
	/* several instances starting together index once */
	if (pg && db_exec(db, "SELECT pg_advisory_lock(7316002)") != DB_OK)
		return db_fail(db, DB_FAIL, e);
	/* SQLite: a bigger page cache, and the FTS5 indexes not merged while they grow but once
	 * at the end (one segment each, for the fastest queries) */
	if (!pg && db_exec(db, "PRAGMA cache_size=-65536;" FTS_AUTOMERGE("0")) != DB_OK)
		return db_fail(db, DB_FAIL, e);
	k = backfill_run(db, &count, e);
	if (!pg && !k &&
	    db_exec(db, "INSERT INTO need_fts(need_fts) VALUES('optimize');"
			"INSERT INTO need_grams(need_grams) VALUES('optimize');") != DB_OK)
		k = db_fail(db, DB_FAIL, e);
	if (!pg && db_exec(db, "PRAGMA cache_size=-2000;" FTS_AUTOMERGE("4")) != DB_OK && !k)
		k = db_fail(db, DB_FAIL, e);
	if (pg)
		db_exec(db, "SELECT pg_advisory_unlock(7316002)");

	if (done)
		*done = count;
	return k;
}

/* ---- searching ------------------------------------------------------------------------------- */

size_t search_fold_query(const char *q, char *out, size_t size)
{
	size_t n = q ? strlen(q) : 0;
	if (n >= size) /* the caller has checked the length in characters */
		n = size - 1;
	return text_fold(q ? q : "", n, out, NULL);
}

/* "q" with its double quotes doubled: an FTS5 string, so that no character is syntax. */
static char *fts_phrase(const char *q)
{
	size_t n = strlen(q), o = 0;
	char *p = xy_malloc(2 * n + 3);
	p[o++] = '"';
	for (size_t i = 0; i < n; i++) {
		if (q[i] == '"')
			p[o++] = '"';
		p[o++] = q[i];
	}
	p[o++] = '"';
	p[o] = '\0';
	return p;
}

/* %q% with % _ and \ escaped for LIKE ... ESCAPE '\'. */
static char *like_contains(const char *q)
{
	size_t n = strlen(q), o = 0;
	char *p = xy_malloc(2 * n + 3);
	p[o++] = '%';
	for (size_t i = 0; i < n; i++) {
		if (q[i] == '%' || q[i] == '_' || q[i] == '\\')
			p[o++] = '\\';
		p[o++] = q[i];
	}
	p[o++] = '%';
	p[o] = '\0';
	return p;
}

struct ranked {
	int64_t skey;
	double score;
};

static int ranked_cmp(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->skey > y->skey ? -1 : x->skey < y->skey;
}

/* The statement that lists the newest SEARCH_WINDOW + 1 matches in scope with their folded
 * text: (key, title, body). match receives the bound text the caller frees. */
static struct db_stmt *search_stmt(struct db *db, const struct search_query *q, char **match)
{
	bool pg = db_dialect(db) == DB_PG;
	size_t chars = text_norm_chars(q->q);
	int depth = area_path_depth(q->path);
	bool community = depth == AREA_DEPTH_COMMUNITY || depth == AREA_DEPTH_COMPOUND;
	bool join = !community || depth == AREA_DEPTH_COMPOUND || q->status || q->category ||
		    q->submitter;
	const char *key;
	struct sqlb b;
	if (pg) {
		key = "t.skey";
		sqlb_init(&b, "SELECT t.skey, t.title, t.body FROM need_text t");
		if (join)
			sqlb_raw(&b, " JOIN needs n ON n.id = t.skey % 1099511627776");
		*match = like_contains(q->q);
		sqlb_text(&b, " WHERE (t.title || ' ' || t.body) LIKE ? ESCAPE '\\'", *match);
	} else if (chars < 3) {
		key = "need_grams.rowid";
		sqlb_init(&b, "SELECT need_grams.rowid, t.title, t.body FROM need_grams JOIN "
			      "need_text t ON t.skey = need_grams.rowid");
		if (join)
			sqlb_raw(&b, " JOIN needs n ON n.id = need_grams.rowid % 1099511627776");
		*match = xy_malloc(32);
		gram_query(q->q, *match);
		sqlb_text(&b, " WHERE need_grams MATCH ?", *match);
	} else {
		key = "need_fts.rowid";
		sqlb_init(&b,
			  "SELECT need_fts.rowid, t.title, t.body FROM need_fts JOIN need_text t "
			  "ON t.skey = need_fts.rowid");
		if (join)
			sqlb_raw(&b, " JOIN needs n ON n.id = need_fts.rowid % 1099511627776");
		*match = fts_phrase(q->q);
		sqlb_text(&b, " WHERE need_fts MATCH ?", *match);
	}
	char frag[96], upper[AREA_PATH_MAX];
	if (community) {
		int64_t c = area_path_id_at(q->path, AREA_DEPTH_COMMUNITY);
		snprintf(frag, sizeof frag, " AND %s >= ?", key);
		sqlb_int(&b, frag, skey_of(c, 0));
		snprintf(frag, sizeof frag, " AND %s < ?", key);
		sqlb_int(&b, frag, skey_of(c + 1, 0));
		if (depth == AREA_DEPTH_COMPOUND)
			sqlb_int(&b, " AND n.area_id = ?", area_path_id_at(q->path, depth));
	} else {
		area_path_upper(q->path, upper, sizeof upper);
		sqlb_text(&b, " AND n.area_path >= ?", q->path);
		sqlb_text(&b, " AND n.area_path < ?", upper);
	}
	if (q->status)
		sqlb_text(&b, " AND n.status = ?", q->status);
	if (q->category)
		sqlb_text(&b, " AND n.category = ?", q->category);
	if (q->submitter)
		sqlb_int(&b, " AND n.submitter_id = ?", q->submitter);
	snprintf(frag, sizeof frag, " ORDER BY %s DESC", key);
	sqlb_raw(&b, frag);
	if (pg || chars != 2) /* SQLite answers pairs from its character index: checked in C */
		sqlb_int(&b, " LIMIT ?", SEARCH_WINDOW + 1);
	return sqlb_stmt(&b, db);
}

enum xy_kind search_run(struct db *db, const struct search_query *q, struct search_page *out,
			struct xy_err *e)
{
	memset(out, 0, sizeof *out);
	char *match = NULL;
	struct db_stmt *st = search_stmt(db, q, &match);
	if (!st) {
		free(match);
		return db_fail(db, DB_FAIL, e);
	}
	struct ranked *r = xy_malloc((SEARCH_WINDOW + 1) * sizeof *r);
	int n = 0, rc, checked = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *title = db_col_text(st, 1), *body = db_col_text(st, 2);
		if (!strstr(title, q->q) && !strstr(body, q->q)) { /* a pair not side by side */
			if (++checked < SEARCH_CHECK_MAX)
				continue;
			out->capped = true;
			rc = DB_DONE;
			break;
		}
		if (n == SEARCH_WINDOW) {
			out->capped = true;
			rc = DB_DONE;
			break;
		}
		r[n].skey = db_col_i64(st, 0);
		r[n++].score = search_rank_score(title, body, q->q);
	}
	db_reset(st);
	free(match);
	if (rc != DB_DONE) {
		free(r);
		return db_fail(db, rc, e);
	}
	qsort(r, (size_t)n, sizeof *r, ranked_cmp);
	out->total = n;
	for (int i = q->offset; i < n && out->n < q->limit && out->n < PAGE_MAX; i++)
		out->ids[out->n++] = id_of(r[i].skey);
	free(r);
	return XY_OK;
}

/* ---- similar needs ----------------------------------------------------------------------- */

struct candidate {
	int64_t skey;
	int hits;
};

static int candidate_cmp(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	if (x->skey != y->skey)
		return x->skey > y->skey ? -1 : 1;
	return 0;
}

static int hits_cmp(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	if (x->hits != y->hits)
		return y->hits - x->hits;
	return x->skey > y->skey ? -1 : x->skey < y->skey;
}

struct suggestion {
	int64_t id;
	double score;
	char *title;
};

static int suggestion_cmp(const void *a, const void *b)
{
	const struct suggestion *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->id > y->id ? -1 : x->id < y->id;
}

/* One statement for all the buckets of a need: the newest (at most $13) of band $1 ... $10 in
 * the key range [$11, $12), one after the other. Made once from fixed fragments. */
static char bucket_text[DEDUP_BANDS * 160];
static pthread_once_t bucket_once = PTHREAD_ONCE_INIT;

static void bucket_make(void)
{
	size_t o = 0;
	for (int b = 0; b < DEDUP_BANDS; b++)
		o += (size_t)snprintf(bucket_text + o, sizeof bucket_text - o,
				      "%sSELECT skey FROM (SELECT skey FROM need_sigs WHERE band = "
				      "$%d AND skey >= $%d AND skey < $%d ORDER BY skey DESC LIMIT "
				      "$%d) s%d",
				      b ? " UNION ALL " : "", b + 1, DEDUP_BANDS + 1,
				      DEDUP_BANDS + 2, DEDUP_BANDS + 3, b);
	XY_ASSERT(o < sizeof bucket_text - 1);
}

static const char *bucket_sql(void)
{
	pthread_once(&bucket_once, bucket_make);
	return bucket_text;
}

/* The candidates of doc's bands in community, those sharing most bands first; returns how
 * many (at most check). */
static int similar_candidates(struct db *db, const struct dedup_doc *doc, int64_t community,
			      int64_t exclude, int check, struct candidate *c, struct xy_err *e,
			      int *fail)
{
	int64_t keys[DEDUP_BANDS];
	int nb = dedup_bands(doc, (uint64_t)community, keys), n = 0;
	if (!nb)
		return 0;
	struct db_stmt *st = db_stmt_sql(db, bucket_sql());
	if (!st) {
		*fail = db_fail(db, DB_FAIL, e);
		return 0;
	}
	for (int b = 0; b < nb; b++)
		db_bind_i64(st, b + 1, keys[b]);
	db_bind_i64(st, DEDUP_BANDS + 1, skey_of(community, 0));
	db_bind_i64(st, DEDUP_BANDS + 2, skey_of(community + 1, 0));
	db_bind_i64(st, DEDUP_BANDS + 3, check < SIMILAR_BUCKET ? check : SIMILAR_BUCKET);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t skey = db_col_i64(st, 0);
		if (id_of(skey) != exclude)
			c[n++] = (struct candidate){ skey, 1 };
	}
	db_reset(st);
	if (rc != DB_DONE) {
		*fail = db_fail(db, rc, e);
		return 0;
	}
	/* merge duplicates, counting the bands each shares */
	qsort(c, (size_t)n, sizeof *c, candidate_cmp);
	int m = 0;
	for (int i = 0; i < n; i++) {
		if (m && c[m - 1].skey == c[i].skey)
			c[m - 1].hits++;
		else
			c[m++] = c[i];
	}
	qsort(c, (size_t)m, sizeof *c, hits_cmp);
	return m < check ? m : check;
}

/* The candidates' docs, per thread, by skey (direct-mapped): a need's text never changes, so
 * a doc built once serves every later check of its community. */
#define DOC_CACHE 32
static _Thread_local struct {
	int64_t skey; /* 0 = empty */
	struct dedup_doc doc;
} doc_cache[DOC_CACHE];

/* The doc of candidate skey from the row's folded text, cached. */
static const struct dedup_doc *candidate_doc(int64_t skey, const char *title, const char *body,
					     const char *category, int64_t area)
{
	size_t slot = (size_t)((uint64_t)skey % DOC_CACHE);
	if (doc_cache[slot].skey != skey) {
		dedup_doc_build(&doc_cache[slot].doc, title, body, NULL, area);
		doc_cache[slot].skey = skey;
	}
	/* the category is borrowed: point it at this row's */
	doc_cache[slot].doc.category = category;
	return &doc_cache[slot].doc;
}

/* A candidate that may reach the threshold. */
struct bounded {
	int64_t skey;
	double bound;
	struct dedup_doc *doc; /* owned */
	char *category;        /* owned; doc->category points here */
};

static int bounded_cmp(const void *a, const void *b)
{
	const struct bounded *x = a, *y = b;
	if (x->bound != y->bound)
		return x->bound > y->bound ? -1 : 1;
	return x->skey > y->skey ? -1 : x->skey < y->skey;
}

/* Scores the candidates against doc; the best SIMILAR_MAX at or above the threshold go to s,
 * most similar first. Every candidate gets the cheap bound; the alignment rule runs only in
 * the order of the bounds, until no bound can beat the last score kept. */
static enum xy_kind similar_confirm(struct db *db, const struct dedup_doc *doc,
				    const struct candidate *c, int nc, struct suggestion *s,
				    int *ns, struct xy_err *e)
{
	json_t *list = json_array();
	for (int i = 0; i < nc; i++)
		json_array_append_new(list, json_integer(c[i].skey));
	char *text = json_dumps(list, JSON_COMPACT);
	json_decref(list);
	struct db_stmt *st = db_stmt(db, STMT_SEARCH_CANDIDATES);
	if (!st) {
		free(text);
		return db_fail(db, DB_FAIL, e);
	}
	db_bind_text(st, 1, text);
	free(text);
	/* band keys are kept for open needs only, in the transactions that open and close them */
	struct bounded *b = xy_malloc((size_t)nc * sizeof *b);
	int nb = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t skey = db_col_i64(st, 0);
		const struct dedup_doc *d =
			candidate_doc(skey, db_col_text(st, 1), db_col_text(st, 2),
				      db_col_text(st, 3), db_col_i64(st, 4));
		double bound = dedup_score_bound(doc, d, NULL);
		if (bound < dedup_defaults.threshold || nb == nc)
			continue;
		struct bounded *x = &b[nb++];
		*x = (struct bounded){ skey, bound, xy_malloc(sizeof *x->doc),
				       xy_strdup(db_col_text(st, 3)) };
		*x->doc = *d;
		x->doc->category = x->category;
	}
	db_reset(st);
	qsort(b, (size_t)nb, sizeof *b, bounded_cmp);
	for (int i = 0; i < nb && rc == DB_DONE; i++) {
		if (*ns == SIMILAR_MAX && b[i].bound <= s[SIMILAR_MAX - 1].score)
			break;
		double score = dedup_score(doc, b[i].doc, NULL);
		if (score < dedup_defaults.threshold ||
		    (*ns == SIMILAR_MAX && score <= s[SIMILAR_MAX - 1].score))
			continue;
		int at = *ns < SIMILAR_MAX ? (*ns)++ : SIMILAR_MAX - 1;
		s[at] = (struct suggestion){ id_of(b[i].skey), score, NULL };
		/* keep s sorted: move the new one up */
		for (; at > 0 && suggestion_cmp(&s[at], &s[at - 1]) < 0; at--) {
			struct suggestion t = s[at];
			s[at] = s[at - 1];
			s[at - 1] = t;
		}
	}
	for (int i = 0; i < nb; i++) {
		free(b[i].doc);
		free(b[i].category);
	}
	free(b);
	return rc == DB_DONE ? XY_OK : db_fail(db, rc, e);
}

/* The title of each of the first n suggestions, from needs. */
static enum xy_kind similar_titles(struct db *db, struct suggestion *s, int n, struct xy_err *e)
{
	if (!n)
		return XY_OK;
	json_t *list = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(list, json_integer(s[i].id));
	char *text = json_dumps(list, JSON_COMPACT);
	json_decref(list);
	struct db_stmt *st = db_stmt(db, STMT_SEARCH_NEED_TITLES);
	if (!st) {
		free(text);
		return db_fail(db, DB_FAIL, e);
	}
	db_bind_text(st, 1, text);
	free(text);
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		for (int i = 0; i < n; i++)
			if (s[i].id == db_col_i64(st, 0) && !s[i].title)
				s[i].title = xy_strdup(db_col_text(st, 1));
	db_reset(st);
	for (int i = 0; i < n && rc == DB_DONE; i++)
		if (!s[i].title)
			rc = DB_NOTFOUND;
	return rc == DB_DONE ? XY_OK : db_fail(db, rc, e);
}

static enum xy_kind similar_validate(struct db *db, const struct actor *who,
				     const struct similar_input *in, struct area_row *a,
				     struct xy_err *e)
{
	if (in->area_id <= 0)
		return xy_fail(e, XY_EINVALID, "area_required", "area_id", "area_id is required");
	if (in->title && !text_len_ok(in->title, 0, NEED_TITLE_MAX))
		return xy_fail(e, XY_EINVALID, "invalid_title", "title",
			       "title must be at most %d characters", NEED_TITLE_MAX);
	if (!text_len_ok(in->description, 1, NEED_DESC_MAX))
		return xy_fail(e, XY_EINVALID, "invalid_description", "description",
			       "description must be 1 to %d characters", NEED_DESC_MAX);
	enum xy_kind k = area_load(db, in->area_id, "area_id", a, e);
	if (k)
		return k == XY_ENOTFOUND ? (e->kind = XY_EINVALID) : k;
	if (a->kind != AREA_COMMUNITY && a->kind != AREA_COMPOUND)
		return xy_fail(e, XY_EINVALID, "invalid_area", "area_id",
			       "needs belong to a community or a compound");
	if ((k = area_allow(who, ACT_NEED_READ, a->path, "your role may not read needs", e)))
		return k;
	return in->category ? category_check(db, in->category, "category", e) : XY_OK;
}

enum xy_kind search_similar(struct store *s, const struct actor *who,
			    const struct similar_input *in, int64_t exclude, json_t **out,
			    struct xy_err *e)
{
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	struct area_row a;
	enum xy_kind k = similar_validate(db, who, in, &a, e);
	if (k)
		return k;
	int64_t community = a.kind == AREA_COMMUNITY ? a.id : a.parent_id;
	char *title = fold_new(in->title), *body = fold_new(in->description);
	struct dedup_doc *doc = xy_malloc(sizeof *doc);
	dedup_doc_build(doc, title, body, in->category, a.kind == AREA_COMPOUND ? a.id : 0);
	free(title);
	free(body);
	struct candidate *c = xy_malloc(DEDUP_BANDS * SIMILAR_BUCKET * sizeof *c);
	struct suggestion *sg = xy_malloc(SIMILAR_CHECK * sizeof *sg);
	int fail = XY_OK, ns = 0;
	int check = in->check > 0 && in->check < SIMILAR_CHECK ? in->check : SIMILAR_CHECK;
	int nc = similar_candidates(db, doc, community, exclude, check, c, e, &fail);
	k = fail ? (enum xy_kind)fail : nc ? similar_confirm(db, doc, c, nc, sg, &ns, e) : XY_OK;
	free(doc);
	free(c);
	if (!k)
		k = similar_titles(db, sg, ns, e);
	if (!k) {
		json_t *list = json_array();
		for (int i = 0; i < ns; i++)
			json_array_append_new(list,
					      json_pack("{s:I, s:s, s:f}", "id",
							(json_int_t)sg[i].id, "title", sg[i].title,
							"score", round(sg[i].score * 1000) / 1000));
		*out = json_pack("{s:o}", "similar", list);
	}
	for (int i = 0; i < ns; i++)
		free(sg[i].title);
	free(sg);
	return k;
}
