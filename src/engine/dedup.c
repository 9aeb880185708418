#include "engine/dedup.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "engine/dedup_lexicon.h"
#include "engine/text_norm.h"

/* The one place for the detector's weights and its default threshold (docs/search.md tells
 * how they were chosen: on the dev half of tests/data/dup_pairs.tsv only). */
const struct dedup_params dedup_defaults = {
	.w_concept = 3.0f, /* 路灯, 3栋: what the need is about and where */
	.w_plain = 1.0f,
	.w_stop = 0.2f, /* 希望, 尽快, 小区 */
	.w_word = 6.0f, /* a word of the lexicon (not a stop word) or a number, as a whole */
	.jaccard = 0.25f,
	.conflict = 0.25f,      /* 3栋 against 8栋: a high score falls well below the threshold */
	.title_conflict = 0.6f, /* the titles name different things, each named in the other text */
	.near = 0.6f,
	.near_title = 0.5f,
	.w_char = 0.5f,
	.w_same = 2.0f,
	.same_category = 0.04f,
	.same_compound = 0.04f,
	.threshold = 0.30f,
};

/* A text is looked at up to this many code points (title 100 + description 2000 in the API). */
#define TEXT_MAX 4096
#define BREAK    0u /* between clauses in the code point arrays */

/* Feature classes: a bigram's is (class of its first character << 2 | class of its second),
 * a single character's twice its own; the lexicon's words and the numbers are W_WORD. */
enum wclass { W_PLAIN, W_CONCEPT, W_STOP };
#define W_WORD 0xff
#define W_CHAR 0xfe
#define W_SAME 0xfd

/* ---- helpers ----------------------------------------------------------------------------- */

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t hash_cps(const uint32_t *cp, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ cp[i]) * 0x100000001b3ULL;
	return mix64(h);
}

/* Decodes NUL-terminated UTF-8 into code points, at most max; returns the count. */
static size_t to_cps(const char *s, uint32_t *out, size_t max)
{
	size_t n = 0;
	while (s && *s && n < max) {
		size_t len;
		out[n++] = text_norm_decode(s, &len);
		s += len;
	}
	return n;
}

/* ---- the lexicon as a hash table of code point strings ----------------------------------- */

#define LEX_SLOTS  2048 /* a power of two, more than twice the entries */
#define LEX_MAXLEN 8

struct lex_entry {
	uint64_t hash;
	uint32_t len, clen;
	uint32_t cps[LEX_MAXLEN], canon[LEX_MAXLEN];
	int kind;
};

static struct lex_entry *lex;       /* dedup_lexicon_count entries */
static int32_t lex_slot[LEX_SLOTS]; /* index + 1, 0 = empty */
/* the code points that begin a word, with the length of the longest word they begin */
static struct {
	uint32_t cp, maxlen;
} lex_first[LEX_SLOTS];
static uint32_t lex_maxlen;
static pthread_once_t lex_once = PTHREAD_ONCE_INIT;

static void lex_build(void)
{
	XY_ASSERT(dedup_lexicon_count * 2 < LEX_SLOTS);
	lex = xy_calloc(dedup_lexicon_count, sizeof *lex);
	for (size_t i = 0; i < dedup_lexicon_count; i++) {
		const struct dedup_word *w = &dedup_lexicon[i];
		struct lex_entry *e = &lex[i];
		e->len = (uint32_t)to_cps(w->variant, e->cps, LEX_MAXLEN);
		e->clen = (uint32_t)to_cps(w->canonical ? w->canonical : w->variant, e->canon,
					   LEX_MAXLEN);
		XY_ASSERT(e->len > 0 && e->len < LEX_MAXLEN && strlen(w->variant) < 4 * LEX_MAXLEN);
		e->kind = w->kind;
		e->hash = hash_cps(e->cps, e->len);
		if (e->len > lex_maxlen)
			lex_maxlen = e->len;
		uint32_t s = (uint32_t)e->hash & (LEX_SLOTS - 1);
		while (lex_slot[s]) {
			const struct lex_entry *o = &lex[lex_slot[s] - 1];
			/* a word listed twice is a mistake in the table */
			XY_ASSERT(!(o->len == e->len && !memcmp(o->cps, e->cps, e->len * 4)));
			s = (s + 1) & (LEX_SLOTS - 1);
		}
		lex_slot[s] = (int32_t)i + 1;
		uint32_t f = (uint32_t)mix64(e->cps[0]) & (LEX_SLOTS - 1);
		while (lex_first[f].cp && lex_first[f].cp != e->cps[0])
			f = (f + 1) & (LEX_SLOTS - 1);
		lex_first[f].cp = e->cps[0];
		if (e->len > lex_first[f].maxlen)
			lex_first[f].maxlen = e->len;
	}
}

/* The length of the longest word that begins with cp, 0 when none does. */
static uint32_t lex_begins(uint32_t cp)
{
	for (uint32_t f = (uint32_t)mix64(cp) & (LEX_SLOTS - 1); lex_first[f].cp;
	     f = (f + 1) & (LEX_SLOTS - 1))
		if (lex_first[f].cp == cp)
			return lex_first[f].maxlen;
	return 0;
}

static const struct lex_entry *lex_find(const uint32_t *cp, uint32_t len, uint64_t hash)
{
	for (uint32_t s = (uint32_t)hash & (LEX_SLOTS - 1); lex_slot[s];
	     s = (s + 1) & (LEX_SLOTS - 1)) {
		const struct lex_entry *e = &lex[lex_slot[s] - 1];
		if (e->hash == hash && e->len == len && !memcmp(e->cps, cp, len * 4))
			return e;
	}
	return NULL;
}

/* The longest lexicon word at cp[0..n) (n stops at a break), or NULL. */
static const struct lex_entry *lex_longest(const uint32_t *cp, size_t n)
{
	uint64_t h[LEX_MAXLEN + 1];
	uint32_t max = lex_begins(cp[0]);
	if (n < max)
		max = (uint32_t)n;
	uint64_t f = 0xcbf29ce484222325ULL;
	for (uint32_t k = 0; k < max; k++) {
		f = (f ^ cp[k]) * 0x100000001b3ULL;
		h[k + 1] = mix64(f);
	}
	for (uint32_t k = max; k > 0; k--) {
		const struct lex_entry *e = lex_find(cp, k, h[k]);
		if (e)
			return e;
	}
	return NULL;
}

/* ---- numbers with units ------------------------------------------------------------------ */

static int numeral(uint32_t c)
{
	/* 零一二三四五六七八九 */
	static const uint32_t digits[10] = { 0x96f6, 0x4e00, 0x4e8c, 0x4e09, 0x56db,
					     0x4e94, 0x516d, 0x4e03, 0x516b, 0x4e5d };
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	if (c == 0x3007) /* 〇 */
		return 0;
	if (c == 0x4e24) /* 两 */
		return 2;
	for (int i = 0; i < 10; i++)
		if (digits[i] == c)
			return i;
	return -1;
}

#define CP_TEN     0x5341u /* 十 */
#define CP_HUNDRED 0x767eu /* 百 */

/* Reads a number at cp[0..n): ASCII digits or Chinese numerals up to 999; returns the code
 * points used (0 = none) and the value. */
static size_t read_number(const uint32_t *cp, size_t n, long *value)
{
	size_t i = 0;
	long v = 0;
	if (n && cp[0] >= '0' && cp[0] <= '9') {
		while (i < n && i < 6 && cp[i] >= '0' && cp[i] <= '9')
			v = v * 10 + (long)(cp[i++] - '0');
		*value = v;
		return i;
	}
	long part = -1;
	while (i < n && i < 6) {
		int d = numeral(cp[i]);
		if (d >= 0 && !(cp[i] >= '0' && cp[i] <= '9')) {
			if (part >= 0)
				break; /* 三四 is not one number */
			part = d;
		} else if (cp[i] == CP_TEN) {
			v += (part < 0 ? 1 : part) * 10;
			part = -1;
		} else if (cp[i] == CP_HUNDRED && part > 0) {
			v += part * 100;
			part = -1;
		} else {
			break;
		}
		i++;
	}
	if (part > 0)
		v += part;
	*value = v;
	return i;
}

/* Units after a number, in their one spelling. */
static const struct {
	const char *as, *unit;
} units[] = {
	{ "号楼", "栋" }, { "栋楼", "栋" }, { "栋", "栋" },   { "幢", "栋" }, { "单元", "单元" },
	{ "层", "层" },   { "楼", "层" },   { "号院", "院" }, { "号", "号" }, { "期", "期" },
	{ "组", "组" },   { "排", "排" },   { "室", "室" },   { "区", "区" },
};

/* Matches a unit at cp[0..n); returns its length and its one spelling in unit/ulen. */
static size_t read_unit(const uint32_t *cp, size_t n, uint32_t *unit, size_t *ulen)
{
	for (size_t u = 0; u < sizeof units / sizeof *units; u++) {
		uint32_t as[4];
		size_t len = to_cps(units[u].as, as, 4);
		if (len <= n && !memcmp(as, cp, len * 4)) {
			*ulen = to_cps(units[u].unit, unit, 4);
			return len;
		}
	}
	return 0;
}

/* ---- the canonical text -------------------------------------------------------------------- */

/* Sized for its text (a canonical word is at most twice as long as what it replaces). */
struct canon {
	uint32_t *cp;
	uint8_t *cls;
	size_t n, cap;
	uint64_t *words; /* the lexicon's words and the numbers met, as features */
	uint8_t *wcls;   /* W_WORD (a concept or a number) or W_SAME (a plain synonym) */
	size_t nwords;
	uint32_t *in;      /* the code points of the text being read */
	uint16_t in_title; /* reading the title */
	size_t title_end;  /* cp[0..title_end) comes from the title */
	struct dedup_concept concepts[DEDUP_CONCEPTS_MAX];
	uint32_t nconcepts;
};

static void emit(struct canon *c, uint32_t cp, enum wclass cls)
{
	if (c->n == c->cap)
		return;
	if (cp == BREAK && (c->n == 0 || c->cp[c->n - 1] == BREAK))
		return;
	c->cp[c->n] = cp;
	c->cls[c->n++] = (uint8_t)cls;
}

static void add_concept(struct canon *c, uint32_t kind, uint32_t unit, uint64_t id)
{
	for (uint32_t i = 0; i < c->nconcepts; i++)
		if (c->concepts[i].kind == kind && c->concepts[i].unit == unit &&
		    c->concepts[i].id == id) {
			c->concepts[i].title |= c->in_title;
			return;
		}
	if (c->nconcepts < DEDUP_CONCEPTS_MAX)
		c->concepts[c->nconcepts++] =
			(struct dedup_concept){ (uint16_t)kind, c->in_title, unit, id };
}

/* Appends the clauses of one folded text. */
static void canon_add(struct canon *c, const char *text)
{
	uint32_t *cp = c->in;
	size_t n = to_cps(text, cp, TEXT_MAX);
	for (size_t i = 0; i < n; i++)
		if (!text_norm_is_word(cp[i]))
			cp[i] = BREAK;
	emit(c, BREAK, W_PLAIN);
	size_t i = 0;
	while (i < n) {
		if (cp[i] == BREAK) {
			emit(c, BREAK, W_PLAIN);
			i++;
			continue;
		}
		size_t end = i;
		while (end < n && cp[end] != BREAK)
			end++;
		long value;
		size_t k = numeral(cp[i]) >= 0 || cp[i] == CP_TEN
				   ? read_number(cp + i, end - i, &value)
				   : 0;
		uint32_t unit[4];
		size_t ulen = 0, u = k ? read_unit(cp + i + k, end - i - k, unit, &ulen) : 0;
		if (k && u) {
			char digits[24];
			size_t nd = (size_t)snprintf(digits, sizeof digits, "%ld", value);
			for (size_t d = 0; d < nd; d++)
				emit(c, (uint32_t)digits[d], W_CONCEPT);
			for (size_t d = 0; d < ulen; d++)
				emit(c, unit[d], W_CONCEPT);
			add_concept(c, DEDUP_NUMBER, (uint32_t)hash_cps(unit, ulen),
				    mix64((uint64_t)value + 1));
			c->wcls[c->nwords] = W_WORD;
			c->words[c->nwords++] = hash_cps(unit, ulen) ^ mix64((uint64_t)value + 1);
			i += k + u;
			continue;
		}
		if (k && cp[i] >= '0' &&
		    cp[i] <= '9') { /* digits without a unit stay as they are */
			for (size_t d = 0; d < k; d++)
				emit(c, cp[i + d], W_PLAIN);
			i += k;
			continue;
		}
		const struct lex_entry *e = lex_longest(cp + i, end - i);
		if (e) {
			enum wclass cls = e->kind == DEDUP_LEX_STOP    ? W_STOP
					  : e->kind == DEDUP_LEX_PLAIN ? W_PLAIN
								       : W_CONCEPT;
			for (uint32_t d = 0; d < e->clen; d++)
				emit(c, e->canon[d], cls);
			if (e->kind > 0 && e->kind < DEDUP_KINDS)
				add_concept(c, (uint32_t)e->kind, 0, hash_cps(e->canon, e->clen));
			if (e->kind != DEDUP_LEX_STOP && e->clen) {
				c->wcls[c->nwords] = e->kind == DEDUP_LEX_PLAIN ? W_SAME : W_WORD;
				c->words[c->nwords++] = hash_cps(e->canon, e->clen);
			}
			i += e->len;
			continue;
		}
		emit(c, cp[i++], W_PLAIN);
	}
}

static void canon_build(struct canon *c, const char *title, const char *description)
{
	size_t lt = title ? strlen(title) : 0, ld = description ? strlen(description) : 0;
	lt = lt < TEXT_MAX ? lt : TEXT_MAX;
	ld = ld < TEXT_MAX ? ld : TEXT_MAX;
	size_t in = lt > ld ? lt : ld, chars = lt + ld;
	c->cap = 2 * chars + 8;
	char *block = xy_malloc(c->cap * (sizeof *c->cp + 1) +
				(chars + 1) * (sizeof *c->words + 1) + (in + 1) * sizeof *c->in);
	c->cp = (uint32_t *)block;
	c->words = (uint64_t *)(c->cp + c->cap);
	c->in = (uint32_t *)(c->words + chars + 1);
	c->cls = (uint8_t *)(c->in + in + 1);
	c->wcls = c->cls + c->cap;
	pthread_once(&lex_once, lex_build);
	c->n = 0;
	c->nconcepts = 0;
	c->nwords = 0;
	c->in_title = 1;
	canon_add(c, title);
	c->in_title = 0;
	c->title_end = c->n;
	canon_add(c, description);
	emit(c, BREAK, W_PLAIN);
}

size_t dedup_canonical(const char *title, const char *description, char *out, size_t size)
{
	struct canon c_, *c = &c_;
	canon_build(c, title, description);
	size_t len = 0;
	for (size_t i = 0; i < c->n; i++) {
		char buf[4];
		if (c->cp[i] == BREAK && (len == 0 || i + 1 == c->n))
			continue;
		size_t w = c->cp[i] == BREAK ? (buf[0] = '|', 1) : text_norm_encode(c->cp[i], buf);
		if (size && len + w < size)
			memcpy(out + len, buf, w);
		len += w;
	}
	if (size)
		out[len < size ? len : size - 1] = '\0';
	free(c->cp);
	return len;
}

/* ---- features --------------------------------------------------------------------------- */

struct fw {
	uint64_t h;
	uint8_t cls;
};

/* Sorts f[0..n) by hash: quicksort, insertion sort for short runs (texts give a few hundred). */
static void fw_sort(struct fw *f, size_t n)
{
	while (n > 16) {
		uint64_t a = f[0].h, b = f[n / 2].h, c = f[n - 1].h;
		uint64_t pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
		size_t i = 0, j = n - 1;
		for (;;) {
			while (f[i].h < pivot)
				i++;
			while (f[j].h > pivot)
				j--;
			if (i >= j)
				break;
			struct fw t = f[i];
			f[i++] = f[j];
			f[j--] = t;
		}
		/* recurse into the smaller side, loop over the larger */
		if (j + 1 < n - j - 1) {
			fw_sort(f, j + 1);
			f += j + 1;
			n -= j + 1;
		} else {
			fw_sort(f + j + 1, n - j - 1);
			n = j + 1;
		}
	}
	for (size_t i = 1; i < n; i++) {
		struct fw t = f[i];
		size_t k = i;
		for (; k > 0 && f[k - 1].h > t.h; k--)
			f[k] = f[k - 1];
		f[k] = t;
	}
}

static float char_weight(unsigned cls, const struct dedup_params *p)
{
	return cls == W_CONCEPT ? p->w_concept : cls == W_STOP ? p->w_stop : p->w_plain;
}

static float feature_weight(uint8_t cls, const struct dedup_params *p)
{
	if (cls == W_WORD)
		return p->w_word;
	if (cls == W_CHAR)
		return p->w_char;
	if (cls == W_SAME)
		return p->w_same;
	return (char_weight(cls >> 2, p) + char_weight(cls & 3, p)) / 2;
}

void dedup_doc_build(struct dedup_doc *d, const char *title, const char *description,
		     const char *category, int64_t compound)
{
	struct canon c_, *c = &c_;
	canon_build(c, title, description);
	struct fw *f = xy_malloc((2 * c->n + c->nwords + 1) * sizeof *f);
	size_t nf = 0;
	for (size_t i = 0; i + 1 < c->n; i++) {
		if (c->cp[i] == BREAK)
			continue;
		if (c->cp[i + 1] != BREAK) {
			f[nf].h = mix64(((uint64_t)c->cp[i] << 21 | c->cp[i + 1]) + 1);
			f[nf++].cls = (uint8_t)(c->cls[i] << 2 | c->cls[i + 1]);
		}
		if (c->cls[i] != W_STOP) {
			f[nf].h = mix64(c->cp[i] | 1ULL << 40);
			f[nf++].cls = W_CHAR;
		}
	}
	for (size_t i = 0; i < c->nwords; i++) {
		f[nf].h = c->words[i];
		f[nf++].cls = c->wcls[i];
	}
	fw_sort(f, nf);
	d->n = 0;
	for (size_t i = 0; i < nf && d->n < DEDUP_FEATURES_MAX; i++) {
		if (d->n && d->feat[d->n - 1] == f[i].h) {
			/* the same bigram in and outside a word: keep the larger weight */
			if (feature_weight(f[i].cls, &dedup_defaults) >
			    feature_weight(d->cls[d->n - 1], &dedup_defaults))
				d->cls[d->n - 1] = f[i].cls;
			continue;
		}
		d->feat[d->n] = f[i].h;
		d->cls[d->n++] = f[i].cls;
	}
	d->nalign = d->ntitle = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (i == c->title_end)
			d->ntitle = d->nalign;
		if (c->cp[i] != BREAK && c->cls[i] != W_STOP) {
			if (d->nalign == DEDUP_ALIGN_MAX) {
				d->nalign = d->ntitle = 0;
				break;
			}
			d->align[d->nalign++] = c->cp[i];
		}
	}
	d->nconcepts = c->nconcepts;
	memcpy(d->concepts, c->concepts, c->nconcepts * sizeof *c->concepts);
	d->category = category;
	d->compound = compound;
	free(f);
	free(c->cp);
}

/* ---- the score ----------------------------------------------------------------------------- */

/* What a need is about, in its title: a thing, a place or a service. */
static bool is_what(uint32_t kind)
{
	return kind == DEDUP_THING || kind == DEDUP_PLACE || kind == DEDUP_SERVICE;
}

static bool has(const struct dedup_doc *d, const struct dedup_concept *x, bool title)
{
	for (uint32_t j = 0; j < d->nconcepts; j++) {
		const struct dedup_concept *y = &d->concepts[j];
		if (y->id == x->id && y->kind == x->kind && y->unit == x->unit &&
		    (!title || y->title))
			return true;
	}
	return false;
}

/* Text: true when a and b both name something of this kind (and unit) and share nothing of
 * it. */
static bool conflict(const struct dedup_doc *a, const struct dedup_doc *b, uint32_t kind,
		     uint32_t unit)
{
	bool in_a = false, in_b = false;
	for (uint32_t i = 0; i < a->nconcepts; i++) {
		const struct dedup_concept *x = &a->concepts[i];
		if (x->kind != kind || x->unit != unit)
			continue;
		in_a = true;
		if (has(b, x, false))
			return false;
	}
	for (uint32_t j = 0; j < b->nconcepts && !in_b; j++)
		in_b = b->concepts[j].kind == kind && b->concepts[j].unit == unit;
	return in_a && in_b;
}

/* Titles: true when each title names a thing, place or service that the other does not name
 * (in its title when in_title, else anywhere). */
static bool title_conflict(const struct dedup_doc *a, const struct dedup_doc *b, bool in_title)
{
	bool only_a = false, only_b = false;
	for (uint32_t i = 0; i < a->nconcepts && !only_a; i++)
		only_a = a->concepts[i].title && is_what(a->concepts[i].kind) &&
			 !has(b, &a->concepts[i], in_title);
	for (uint32_t j = 0; j < b->nconcepts && !only_b; j++)
		only_b = b->concepts[j].title && is_what(b->concepts[j].kind) &&
			 !has(a, &b->concepts[j], in_title);
	return only_a && only_b;
}

/* The stretch of a text that an alignment looks at, x[0..n), and the other text, y[0..m),
 * where a stretch that seems replaced must not be found. */
struct span {
	const uint32_t *x;
	uint32_t n;
	const uint32_t *y; /* the other side's text to look in */
	uint32_t m;
};

/* true when some two neighbours of x[i0..i1) stand together anywhere in y[0..m) */
static bool pair_in(const uint32_t *x, uint32_t i0, uint32_t i1, const uint32_t *y, uint32_t m)
{
	for (uint32_t i = i0; i + 1 < i1; i++)
		for (uint32_t j = 0; j + 1 < m; j++)
			if (x[i] == y[j] && x[i + 1] == y[j + 1])
				return true;
	return false;
}

/* A gap of an alignment: true when a's x[i0..i1) stands where b has x[j0..j1), both two or
 * more characters, none in common, and neither said in the other (a clause that moved is not
 * a replacement). */
static bool replaced(const struct span *a, uint32_t i0, uint32_t i1, const struct span *b,
		     uint32_t j0, uint32_t j1)
{
	if (i1 - i0 < 2 || j1 - j0 < 2)
		return false;
	for (uint32_t i = i0; i < i1; i++)
		for (uint32_t j = j0; j < j1; j++)
			if (a->x[i] == b->x[j])
				return false;
	return !pair_in(a->x, i0, i1, a->y, a->m) && !pair_in(b->x, j0, j1, b->y, b->m);
}

/* true when a and b are alike (their longest common subsequence covers near of the longer)
 * except for a stretch where one names something else: 上门理发 against 上门洗澡. */
static bool swapped(const struct span *a, const struct span *b, double near)
{
	uint32_t n = a->n, m = b->n;
	if (n < 4 || m < 4 || (n == m && !memcmp(a->x, b->x, n * sizeof *a->x)))
		return false; /* too short to tell, or the same */
	static _Thread_local uint8_t t[(DEDUP_ALIGN_MAX + 1) * (DEDUP_ALIGN_MAX + 1)];
#define T(i, j) t[(size_t)(i) * (m + 1) + (j)]
	for (uint32_t i = 0; i <= n; i++)
		for (uint32_t j = 0; j <= m; j++)
			T(i, j) = i == 0 || j == 0             ? 0
				  : a->x[i - 1] == b->x[j - 1] ? (uint8_t)(T(i - 1, j - 1) + 1)
				  : T(i - 1, j) > T(i, j - 1)  ? T(i - 1, j)
							       : T(i, j - 1);
	bool found = false;
	if (T(n, m) >= near * (n > m ? n : m)) {
		uint32_t i = n, j = m, gi = n, gj = m; /* the gap ends (exclusive) */
		while (i > 0 && j > 0 && !found) {
			if (a->x[i - 1] == b->x[j - 1] && T(i, j) == T(i - 1, j - 1) + 1) {
				found = replaced(a, i, gi, b, j, gj);
				gi = --i;
				gj = --j;
			} else if (T(i - 1, j) >= T(i, j - 1)) {
				i--;
			} else {
				j--;
			}
		}
		if (!found)
			found = replaced(a, 0, gi, b, 0, gj);
	}
#undef T
	return found;
}

/* Whole texts, then titles alone (a stretch that seems replaced is looked for in the whole
 * other text in both cases). */
static bool swapped_any(const struct dedup_doc *a, const struct dedup_doc *b,
			const struct dedup_params *p)
{
	struct span sa = { a->align, a->nalign, b->align, b->nalign };
	struct span sb = { b->align, b->nalign, a->align, a->nalign };
	if (swapped(&sa, &sb, p->near))
		return true;
	struct span ta = { a->align, a->ntitle, b->align, b->nalign };
	struct span tb = { b->align, b->ntitle, a->align, a->nalign };
	return swapped(&ta, &tb, p->near_title);
}

/* Everything but the alignment rule: the score before the bonuses into *s and the bonuses
 * into *bonus. */
static void score_parts(const struct dedup_doc *a, const struct dedup_doc *b,
			const struct dedup_params *p, double *out, double *bonus_out)
{
	*out = *bonus_out = 0;
	if (!a->n || !b->n)
		return;
	double inter = 0, uni = 0, ta = 0, tb = 0;
	uint32_t i = 0, j = 0;
	while (i < a->n || j < b->n) {
		if (j == b->n || (i < a->n && a->feat[i] < b->feat[j])) {
			float wa = feature_weight(a->cls[i++], p);
			uni += wa;
			ta += wa;
		} else if (i == a->n || b->feat[j] < a->feat[i]) {
			float wb = feature_weight(b->cls[j++], p);
			uni += wb;
			tb += wb;
		} else {
			float wa = feature_weight(a->cls[i++], p),
			      wb = feature_weight(b->cls[j++], p);
			inter += wa < wb ? wa : wb;
			uni += wa > wb ? wa : wb;
			ta += wa;
			tb += wb;
		}
	}
	double small = ta < tb ? ta : tb;
	if (small <= 0)
		return;
	double s = p->jaccard * (inter / uni) + (1 - p->jaccard) * (inter / small);
	for (uint32_t kind = DEDUP_THING; kind < DEDUP_NUMBER; kind++)
		if (conflict(a, b, kind, 0))
			s *= p->conflict;
	if (title_conflict(a, b, false))
		s *= p->conflict;
	else if (title_conflict(a, b, true))
		s *= p->title_conflict;
	/* numbers: once for every unit both give without a number in common */
	for (uint32_t k = 0; k < a->nconcepts; k++) {
		uint32_t unit = a->concepts[k].unit;
		bool first = true;
		for (uint32_t q = 0; q < k; q++)
			if (a->concepts[q].kind == DEDUP_NUMBER && a->concepts[q].unit == unit)
				first = false;
		if (a->concepts[k].kind == DEDUP_NUMBER && first &&
		    conflict(a, b, DEDUP_NUMBER, unit))
			s *= p->conflict;
	}
	double bonus = 0;
	if (s > 0 && a->category && b->category && strcmp(a->category, b->category) == 0)
		bonus += p->same_category;
	if (s > 0 && a->compound && a->compound == b->compound)
		bonus += p->same_compound;
	*out = s;
	*bonus_out = bonus;
}

double dedup_score_bound(const struct dedup_doc *a, const struct dedup_doc *b,
			 const struct dedup_params *p)
{
	double s, bonus;
	score_parts(a, b, p ? p : &dedup_defaults, &s, &bonus);
	return s + bonus > 1 ? 1 : s + bonus;
}

double dedup_score(const struct dedup_doc *a, const struct dedup_doc *b,
		   const struct dedup_params *p)
{
	if (!p)
		p = &dedup_defaults;
	double s, bonus;
	score_parts(a, b, p, &s, &bonus);
	/* the alignment costs most: only for a pair that would reach the threshold without it
	 * (below it the score is not lowered further) */
	if (s + bonus >= p->threshold && swapped_any(a, b, p))
		s *= p->conflict;
	s += bonus;
	return s > 1 ? 1 : s;
}

/* ---- MinHash bands ----------------------------------------------------------------------- */

/* The minimum hashes of d's features under the hash functions first..first+count that
 * words_only (words, or every feature when a text names fewer than two) or all features that
 * are not stop words select; returns how many features took part. */
static uint32_t minhash(const struct dedup_doc *d, bool words_only, int first, int count,
			uint64_t *m)
{
	uint32_t words = 0, used = 0;
	for (uint32_t i = 0; i < d->n; i++)
		words += d->cls[i] == W_WORD || d->cls[i] == W_SAME;
	for (int k = 0; k < count; k++)
		m[k] = UINT64_MAX;
	for (uint32_t i = 0; i < d->n; i++) {
		bool word = d->cls[i] == W_WORD || d->cls[i] == W_SAME;
		if (words_only ? words >= 2 && !word : d->cls[i] == (W_STOP << 2 | W_STOP))
			continue;
		used++;
		for (int k = 0; k < count; k++) {
			uint64_t h = mix64(d->feat[i] ^
					   (0x9e3779b97f4a7c15ULL * (uint64_t)(first + k + 1)));
			if (h < m[k])
				m[k] = h;
		}
	}
	return used;
}

int dedup_bands(const struct dedup_doc *d, uint64_t scope, int64_t keys[DEDUP_BANDS])
{
	/* DEDUP_WIDE_BANDS bands of one hash (two texts that share the word of smallest hash),
	 * then bands of DEDUP_ROWS hashes, all over what the text is about (its words) */
	uint64_t m[DEDUP_HASHES];
	if (!minhash(d, true, 0, DEDUP_HASHES, m))
		return 0;
	int k = 0;
	for (int b = 0; b < DEDUP_BANDS; b++) {
		uint64_t x = mix64(scope ^ (0xd6e8feb86659fd93ULL * (uint64_t)(b + 1)));
		for (int r = 0; r < (b < DEDUP_WIDE_BANDS ? 1 : DEDUP_ROWS); r++)
			x = mix64(x ^ m[k++]);
		keys[b] = (int64_t)(x >> 1); /* positive, to read the same in every database */
	}
	return DEDUP_BANDS;
}
