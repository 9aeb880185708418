#include "engine/search_rank.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "engine/text_norm.h"

#define BM25_K 1.2
#define BM25_B 0.75

/* Non-overlapping occurrences of q in s. */
static int occurrences(const char *s, const char *q)
{
	int n = 0;
	size_t ql = strlen(q);
	for (const char *p = strstr(s, q); p; p = strstr(p + ql, q))
		n++;
	return n;
}

static double sat(int tf, size_t len, double avg)
{
	if (!tf)
		return 0;
	return tf * (BM25_K + 1) / (tf + BM25_K * (1 - BM25_B + BM25_B * (double)len / avg));
}

double search_rank_score(const char *title, const char *body, const char *q)
{
	if (!q || !*q)
		return 0;
	return SEARCH_W_TITLE * sat(occurrences(title, q), text_norm_chars(title), 12) +
	       sat(occurrences(body, q), text_norm_chars(body), 60);
}

/* ---- snippets ---------------------------------------------------------------------------- */

struct buf {
	char *p;
	size_t len, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = xy_realloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

struct hit {
	size_t from, to; /* byte range in the original text */
};

/* The occurrences of q in text's folding as byte ranges of text; returns how many (at most
 * max). */
static size_t find_hits(const char *text, const char *q, struct hit *hits, size_t max)
{
	size_t n = strlen(text), ql = strlen(q), count = 0;
	char *fold = xy_malloc(n + 1);
	uint32_t *src = xy_malloc((n + 1) * sizeof *src);
	text_fold(text, n, fold, src);
	for (const char *p = strstr(fold, q); p && count < max; p = strstr(p + ql, q)) {
		size_t fs = (size_t)(p - fold), fe = fs + ql, len;
		/* the end of the original character that the match's last byte comes from */
		size_t last = src[fe - 1];
		text_norm_decode(text + last, &len);
		hits[count++] = (struct hit){ src[fs], last + len };
	}
	free(fold);
	free(src);
	return count;
}

/* Appends text[from..to) with the hits marked, 【】 of the text replaced and line breaks as
 * spaces. */
static void put_marked(struct buf *b, const char *text, size_t from, size_t to,
		       const struct hit *hits, size_t nhits)
{
	size_t h = 0;
	while (h < nhits && hits[h].to <= from)
		h++;
	for (size_t i = from; i < to;) {
		if (h < nhits && hits[h].from == i)
			put(b, "【", strlen("【"));
		size_t len;
		uint32_t cp = text_norm_decode(text + i, &len);
		if (cp == 0x3010)
			put(b, "〔", strlen("〔"));
		else if (cp == 0x3011)
			put(b, "〕", strlen("〕"));
		else if (cp == '\n' || cp == '\r' || cp == '\t')
			put(b, " ", 1);
		else
			put(b, text + i, len);
		i += len;
		if (h < nhits && hits[h].to == i) {
			put(b, "】", strlen("】"));
			h++;
		}
	}
}

/* Moves back (n < 0) or forward over whole characters from byte offset at. */
static size_t step_chars(const char *text, size_t at, long n)
{
	size_t end = strlen(text);
	for (; n < 0 && at > 0; n++)
		do
			at--;
		while (at > 0 && ((unsigned char)text[at] & 0xc0) == 0x80);
	for (; n > 0 && at < end; n--)
		do
			at++;
		while (at < end && ((unsigned char)text[at] & 0xc0) == 0x80);
	return at;
}

#define HITS_MAX 32

char *search_snippet(const char *title, const char *description, const char *q)
{
	struct buf b = { 0 };
	struct hit hits[HITS_MAX];
	const char *desc = description ? description : "";
	size_t nhits = q && *q ? find_hits(desc, q, hits, HITS_MAX) : 0;
	if (nhits) {
		size_t from = step_chars(desc, hits[0].from, -SEARCH_SNIPPET_HEAD);
		size_t to = step_chars(desc, from, SEARCH_SNIPPET_LEN);
		/* a hit that starts inside the window ends inside it */
		for (size_t h = 0; h < nhits; h++)
			if (hits[h].from < to && hits[h].to > to)
				to = hits[h].to;
		if (from > 0)
			put(&b, "…", strlen("…"));
		put_marked(&b, desc, from, to, hits, nhits);
		if (to < strlen(desc))
			put(&b, "…", strlen("…"));
		return b.p;
	}
	const char *t = title ? title : "";
	nhits = q && *q ? find_hits(t, q, hits, HITS_MAX) : 0;
	if (nhits) {
		put_marked(&b, t, 0, strlen(t), hits, nhits);
		return b.p;
	}
	size_t to = step_chars(desc, 0, SEARCH_SNIPPET_LEN);
	put_marked(&b, desc, 0, to, NULL, 0);
	if (to < strlen(desc))
		put(&b, "…", strlen("…"));
	if (!b.p)
		put(&b, "", 0);
	return b.p;
}
