#include "engine/pabulib.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- growable arrays --------------------------------------------------------------------------
 */

struct vec {
	const char **p;
	size_t n, cap;
};

static void vec_push(struct vec *v, const char *s)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 256;
		v->p = xy_realloc(v->p, v->cap * sizeof *v->p);
	}
	v->p[v->n++] = s;
}

struct lines {
	size_t *p;
	size_t n, cap;
};

static void lines_push(struct lines *v, size_t line)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 256;
		v->p = xy_realloc(v->p, v->cap * sizeof *v->p);
	}
	v->p[v->n++] = line;
}

/* ---- amounts -----------------------------------------------------------------------------------
 */

static int amount_decimals(const char *s)
{
	const char *d = strpbrk(s, ".,");
	if (!d)
		return 0;
	int n = (int)strlen(d + 1);
	while (n > 0 && d[n] == '0')
		n--;
	return n;
}

bool pabulib_parse_amount(const char *s, int decimals, int64_t *out)
{
	if (!s || !*s)
		return false;
	int64_t v = 0;
	const char *c = s;
	if (!(*c >= '0' && *c <= '9'))
		return false;
	for (; *c >= '0' && *c <= '9'; c++) {
		v = v * 10 + (*c - '0');
		if (v > PB_AMOUNT_MAX)
			return false;
	}
	int got = 0;
	if (*c == '.' || *c == ',') {
		c++;
		if (!(*c >= '0' && *c <= '9'))
			return false;
		for (; *c >= '0' && *c <= '9'; c++) {
			if (got < decimals) {
				v = v * 10 + (*c - '0');
				got++;
			} else if (*c != '0') {
				return false;
			}
			if (v > PB_AMOUNT_MAX)
				return false;
		}
	}
	if (*c)
		return false;
	for (; got < decimals; got++) {
		v *= 10;
		if (v > PB_AMOUNT_MAX)
			return false;
	}
	*out = v;
	return true;
}

void pabulib_format_amount(int64_t v, int decimals, char *buf, size_t cap)
{
	int64_t div = 1;
	for (int i = 0; i < decimals; i++)
		div *= 10;
	int64_t whole = v / div, frac = v % div;
	if (frac == 0) {
		snprintf(buf, cap, "%lld", (long long)whole);
		return;
	}
	int d = decimals;
	while (frac % 10 == 0) {
		frac /= 10;
		d--;
	}
	snprintf(buf, cap, "%lld.%0*lld", (long long)whole, d, (long long)frac);
}

const char *pabulib_vote_type_name(enum pabulib_vote_type t)
{
	static const char *const names[] = { "approval", "cumulative", "scoring", "ordinal" };
	return (unsigned)t < 4 ? names[t] : "unknown";
}

/* ---- reading ------------------------------------------------------------------------------------
 */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

/* Trims s in place (it is NUL-terminated and writable) and returns it, or NULL for "none". */
static const char *cell_finish(char *s)
{
	while (is_space(*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && is_space(s[n - 1]))
		s[--n] = '\0';
	if (strcasecmp(s, "none") == 0)
		return NULL;
	return s;
}

/* Splits the line text[0 .. len) into fields pushed to out, unquoting in place (a field's
 * end is overwritten with NUL: text[len] must be writable). -1 on a quoting fault. */
static int split_line(char *text, size_t len, struct vec *out)
{
	size_t r = 0;
	for (;;) {
		char *w = text + r, *field = w;
		if (r < len && text[r] == '"') {
			r++;
			for (;;) {
				if (r >= len)
					return -1; /* unterminated */
				if (text[r] == '"') {
					if (r + 1 < len && text[r + 1] == '"') {
						*w++ = '"';
						r += 2;
						continue;
					}
					r++;
					break;
				}
				*w++ = text[r++];
			}
			if (r < len && text[r] != ';')
				return -1;
		} else {
			while (r < len && text[r] != ';')
				r++;
			w = text + r;
		}
		bool last = r >= len;
		*w = '\0';
		vec_push(out, field);
		if (last)
			return 0;
		r++;
	}
}

/* Open-addressing map from project id to row. */
struct idmap {
	uint32_t *slot; /* row + 1, 0 = empty */
	size_t mask;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void idmap_init(struct idmap *m, size_t n)
{
	size_t cap = 16;
	while (cap < 2 * n + 2)
		cap *= 2;
	m->slot = xy_calloc(cap, sizeof *m->slot);
	m->mask = cap - 1;
}

/* The row of id, or -1; with insert_row >= 0 inserts it when absent (returns -1 then). */
static long idmap_find(struct idmap *m, const char *const *ids, const char *id, long insert_row)
{
	for (size_t i = hash_str(id) & m->mask;; i = (i + 1) & m->mask) {
		if (m->slot[i] == 0) {
			if (insert_row >= 0)
				m->slot[i] = (uint32_t)insert_row + 1;
			return -1;
		}
		if (strcmp(ids[m->slot[i] - 1], id) == 0)
			return (long)m->slot[i] - 1;
	}
}

static enum xy_kind fault(struct pabulib *pb, struct xy_err *e, size_t line, const char *msg,
			  const char *detail)
{
	pb->line = line;
	return xy_fail(e, XY_EINVALID, "pb_file", NULL, "line %zu: %s%s%s", line, msg,
		       detail ? ": " : "", detail ? detail : "");
}

static const char *row_cell(const struct pabulib_table *t, size_t row, int col)
{
	return col < 0 ? NULL : t->cells[row * t->ncols + (size_t)col];
}

/* Splits a comma list in place: pieces trimmed, empty ones dropped. */
static size_t split_commas(char *s, const char **out, size_t max)
{
	size_t n = 0;
	while (s) {
		char *c = strchr(s, ',');
		if (c)
			*c = '\0';
		const char *piece = cell_finish(s);
		if (piece && *piece && n < max)
			out[n++] = piece;
		s = c ? c + 1 : NULL;
	}
	return n;
}

static enum xy_kind derive(struct pabulib *pb, struct xy_err *e, size_t meta_line,
			   const size_t *header_line)
{
	const char *vt = pabulib_meta(pb, "vote_type");
	if (!vt)
		return fault(pb, e, meta_line, "META has no vote_type", NULL);
	if (strcmp(vt, "approval") == 0 || strcmp(vt, "choose-1") == 0)
		pb->vote_type = PABULIB_APPROVAL;
	else if (strcmp(vt, "cumulative") == 0)
		pb->vote_type = PABULIB_CUMULATIVE;
	else if (strcmp(vt, "scoring") == 0)
		pb->vote_type = PABULIB_SCORING;
	else if (strcmp(vt, "ordinal") == 0)
		pb->vote_type = PABULIB_ORDINAL;
	else
		return fault(pb, e, meta_line, "unknown vote_type", vt);
	const char *budget = pabulib_meta(pb, "budget");
	if (!budget)
		return fault(pb, e, meta_line, "META has no budget", NULL);

	struct pabulib_table *pt = &pb->projects, *vt_ = &pb->votes;
	int cid = pabulib_col(pt, "project_id"), ccost = pabulib_col(pt, "cost");
	if (pt->ncols == 0)
		return fault(pb, e, meta_line, "no PROJECTS section", NULL);
	if (cid < 0 || ccost < 0)
		return fault(pb, e, header_line[1],
			     "PROJECTS needs the columns project_id and cost", NULL);
	size_t np = pt->nrows;
	if (np > PB_PROJECTS_MAX)
		return fault(pb, e, meta_line, "too many projects", NULL);

	int dec = amount_decimals(budget);
	for (size_t p = 0; p < np; p++) {
		const char *c = row_cell(pt, p, ccost);
		if (c && amount_decimals(c) > dec)
			dec = amount_decimals(c);
	}
	if (dec > PABULIB_DECIMALS_MAX)
		return fault(pb, e, meta_line, "amounts have more than 6 decimals", NULL);
	pb->decimals = dec;
	int64_t unit = 1;
	for (int i = 0; i < dec; i++)
		unit *= 10;
	pb->inst.unit = unit;
	if (!pabulib_parse_amount(budget, dec, &pb->inst.budget))
		return fault(pb, e, meta_line, "budget is not an amount", budget);

	pb->amounts_ = xy_malloc((np + 1) * sizeof *pb->amounts_);
	const char **ids = xy_malloc((np + 1) * sizeof *ids);
	struct idmap map;
	idmap_init(&map, np);
	enum xy_kind k = XY_OK;
	for (size_t p = 0; p < np && k == XY_OK; p++) {
		size_t line = pb->rowline_[0][p];
		ids[p] = row_cell(pt, p, cid);
		const char *c = row_cell(pt, p, ccost);
		if (!ids[p] || !*ids[p])
			k = fault(pb, e, line, "project without project_id", NULL);
		else if (!c || !pabulib_parse_amount(c, dec, &pb->amounts_[p]))
			k = fault(pb, e, line, "cost is not an amount", c ? c : "(empty)");
		else if (idmap_find(&map, ids, ids[p], (long)p) >= 0)
			k = fault(pb, e, line, "project_id appears twice", ids[p]);
	}
	pb->inst.nprojects = np;
	pb->inst.project_id = ids;
	pb->inst.cost = pb->amounts_;
	if (k != XY_OK) {
		free(map.slot);
		return k;
	}

	int cvote = pabulib_col(vt_, "vote"), cpoints = pabulib_col(vt_, "points");
	bool with_points = pb->vote_type == PABULIB_CUMULATIVE || pb->vote_type == PABULIB_SCORING;
	if (vt_->ncols > 0 && cvote < 0)
		k = fault(pb, e, header_line[2], "VOTES needs the column vote", NULL);
	else if (vt_->ncols > 0 && with_points && cpoints < 0)
		k = fault(pb, e, header_line[2], "VOTES of this vote_type needs the column points",
			  NULL);
	size_t nv = vt_->nrows;
	if (k == XY_OK && nv > PB_VOTERS_MAX)
		k = fault(pb, e, meta_line, "too many votes", NULL);
	if (k != XY_OK) {
		free(map.slot);
		return k;
	}
	/* Count the entries first: one per comma-separated piece at most. */
	size_t total = 0;
	for (size_t v = 0; v < nv; v++) {
		const char *c = row_cell(vt_, v, cvote);
		if (c) {
			total++;
			for (; *c; c++)
				total += *c == ',';
		}
	}
	pb->starts_ = xy_malloc((nv + 1) * sizeof *pb->starts_);
	pb->entries_ = xy_malloc((total + 1) * sizeof *pb->entries_);
	if (with_points)
		pb->points_ = xy_malloc((total + 1) * sizeof *pb->points_);
	const char **pieces = xy_malloc((total + 1) * sizeof *pieces);
	const char **pts = xy_malloc((total + 1) * sizeof *pts);
	size_t n = 0;
	pb->starts_[0] = 0;
	for (size_t v = 0; v < nv && k == XY_OK; v++) {
		size_t line = pb->rowline_[1][v];
		char *vote = (char *)row_cell(vt_, v, cvote);
		size_t cnt = vote ? split_commas(vote, pieces, total - n + 1) : 0;
		size_t npts = 0;
		if (with_points) {
			char *pc = (char *)row_cell(vt_, v, cpoints);
			npts = pc ? split_commas(pc, pts, total + 1) : 0;
			if (npts != cnt) {
				k = fault(pb, e, line, "points and vote list different numbers",
					  NULL);
				break;
			}
		}
		for (size_t i = 0; i < cnt && k == XY_OK; i++) {
			long row = idmap_find(&map, ids, pieces[i], -1);
			if (row < 0) {
				k = fault(pb, e, line, "vote for an unknown project", pieces[i]);
				break;
			}
			if (with_points) {
				int64_t pv;
				if (!pabulib_parse_amount(pts[i], 0, &pv) || pv > PB_POINTS_MAX) {
					k = fault(pb, e, line,
						  "points must be whole numbers 0 .. 10^6", pts[i]);
					break;
				}
				pb->points_[n] = pv;
			}
			pb->entries_[n++] = (uint32_t)row;
		}
		pb->starts_[v + 1] = n;
	}
	free(pieces);
	free(pts);
	free(map.slot);
	if (k != XY_OK)
		return k;
	pb->inst.nvoters = nv;
	pb->inst.ballot_start = pb->starts_;
	pb->inst.ballot_project = pb->entries_;
	pb->inst.points = pb->points_;
	return XY_OK;
}

enum xy_kind pabulib_parse(const char *buf, size_t len, struct pabulib *out, struct xy_err *e)
{
	memset(out, 0, sizeof *out);
	if (len >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
	    (unsigned char)buf[2] == 0xBF) {
		buf += 3;
		len -= 3;
	}
	out->text_ = xy_malloc(len + 1);
	memcpy(out->text_, buf, len);
	out->text_[len] = '\0';
	if (memchr(buf, '\0', len))
		return fault(out, e, 1, "the file contains a NUL byte", NULL);

	struct vec store[3] = { { 0 } }, row = { 0 };
	struct lines rowline[2] = { { 0 } };
	size_t ncols[3] = { 0 }, header_line[3] = { 0 }, header_row[3] = { 0 };
	int section = -1;
	bool want_header = false;
	size_t meta_line = 1;
	enum xy_kind k = XY_OK;
	char *text = out->text_;
	size_t line = 0, pos = 0;
	while (pos < len && k == XY_OK) {
		line++;
		char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len, next = nl ? end + 1 : len;
		size_t l = end - pos;
		if (l > 0 && text[pos + l - 1] == '\r')
			l--;
		char *ln = text + pos;
		pos = next;
		row.n = 0;
		if (split_line(ln, l, &row) != 0) {
			k = fault(out, e, line, "a quoted field is not closed properly", NULL);
			break;
		}
		for (size_t i = 0; i < row.n; i++)
			row.p[i] = cell_finish((char *)row.p[i]);
		if (row.n == 0 || (row.n == 1 && (!row.p[0] || !*row.p[0])))
			continue;
		const char *first = row.p[0] ? row.p[0] : "";
		int which = strcasecmp(first, "meta") == 0       ? 0
			    : strcasecmp(first, "projects") == 0 ? 1
			    : strcasecmp(first, "votes") == 0    ? 2
								 : -1;
		if (which >= 0 && row.n == 1) {
			if (header_line[which]) {
				k = fault(out, e, line, "section appears twice", first);
				break;
			}
			section = which;
			header_line[which] = line;
			want_header = true;
			if (which == 0)
				meta_line = line;
			continue;
		}
		if (section < 0) {
			k = fault(out, e, line, "text before the META section", NULL);
			break;
		}
		if (want_header) {
			for (size_t i = 0; i < row.n; i++)
				if (!row.p[i] || !*row.p[i]) {
					k = fault(out, e, line, "empty column name", NULL);
					break;
				}
			if (k != XY_OK)
				break;
			ncols[section] = row.n;
			header_row[section] = line;
			for (size_t i = 0; i < row.n; i++)
				vec_push(&store[section], row.p[i]);
			want_header = false;
			continue;
		}
		if (row.n > ncols[section]) {
			k = fault(out, e, line, "more fields than the header names", NULL);
			break;
		}
		if (section == 0 && (row.n < 2 || !row.p[0])) {
			k = fault(out, e, line, "a META row needs a key and a value", NULL);
			break;
		}
		for (size_t i = 0; i < ncols[section]; i++)
			vec_push(&store[section], i < row.n ? row.p[i] : NULL);
		if (section > 0)
			lines_push(&rowline[section - 1], line);
	}
	free(row.p);
	for (int s = 0; s < 3; s++)
		out->store_[s] = store[s].p;
	out->rowline_[0] = rowline[0].p;
	out->rowline_[1] = rowline[1].p;
	if (k != XY_OK)
		return k;
	if (!header_line[0])
		return fault(out, e, 1, "no META section", NULL);
	if (want_header)
		return fault(out, e, line, "a section without its header row", NULL);

	/* META rows are key;value pairs: keep the first two columns */
	size_t mc = ncols[0];
	out->nmeta = mc ? store[0].n / mc - 1 : 0;
	out->meta_key = xy_malloc((out->nmeta + 1) * sizeof *out->meta_key);
	out->meta_value = xy_malloc((out->nmeta + 1) * sizeof *out->meta_value);
	for (size_t i = 0; i < out->nmeta; i++) {
		out->meta_key[i] = store[0].p[(i + 1) * mc];
		out->meta_value[i] = mc > 1 ? store[0].p[(i + 1) * mc + 1] : NULL;
	}
	struct pabulib_table *t[2] = { &out->projects, &out->votes };
	for (int s = 0; s < 2; s++) {
		t[s]->ncols = ncols[s + 1];
		t[s]->cols = store[s + 1].p;
		t[s]->nrows = ncols[s + 1] ? store[s + 1].n / ncols[s + 1] - 1 : 0;
		t[s]->cells = ncols[s + 1] ? store[s + 1].p + ncols[s + 1] : NULL;
	}
	return derive(out, e, meta_line, header_row);
}

void pabulib_release(struct pabulib *pb)
{
	if (!pb)
		return;
	free(pb->text_);
	for (int s = 0; s < 3; s++)
		free(pb->store_[s]);
	free(pb->rowline_[0]);
	free(pb->rowline_[1]);
	free(pb->meta_key);
	free(pb->meta_value);
	free(pb->amounts_);
	free((void *)pb->inst.project_id);
	free(pb->starts_);
	free(pb->entries_);
	free(pb->points_);
	memset(pb, 0, sizeof *pb);
}

const char *pabulib_meta(const struct pabulib *pb, const char *key)
{
	const char *v = NULL;
	for (size_t i = 0; i < pb->nmeta; i++)
		if (pb->meta_key[i] && strcmp(pb->meta_key[i], key) == 0)
			v = pb->meta_value[i];
	return v;
}

int pabulib_col(const struct pabulib_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (t->cols[i] && strcmp(t->cols[i], name) == 0)
			return (int)i;
	return -1;
}

/* ---- writing ------------------------------------------------------------------------------------
 */

struct wbuf {
	char *p;
	size_t n, cap, max;
	bool over;
};

static void wb_put(struct wbuf *b, const char *s, size_t n)
{
	if (b->over)
		return;
	if (b->n + n + 1 > b->max) {
		b->over = true;
		return;
	}
	if (b->n + n + 1 > b->cap) {
		while (b->n + n + 1 > b->cap)
			b->cap = b->cap ? 2 * b->cap : 4096;
		b->p = xy_realloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void wb_str(struct wbuf *b, const char *s)
{
	wb_put(b, s, strlen(s));
}

static void wb_cell(struct wbuf *b, const char *s)
{
	if (!s) {
		wb_str(b, "none");
		return;
	}
	size_t n = strlen(s);
	bool quote =
		strpbrk(s, ";\"\r\n") != NULL || (n > 0 && (is_space(s[0]) || is_space(s[n - 1])));
	if (!quote) {
		wb_put(b, s, n);
		return;
	}
	wb_put(b, "\"", 1);
	for (const char *c = s; *c; c++) {
		if (*c == '"')
			wb_put(b, "\"\"", 2);
		else if (*c == '\r' || *c == '\n')
			wb_put(b, " ", 1); /* a field cannot span lines */
		else
			wb_put(b, c, 1);
	}
	wb_put(b, "\"", 1);
}

static void wb_row(struct wbuf *b, const char *const *cells, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			wb_put(b, ";", 1);
		wb_cell(b, cells[i]);
	}
	wb_put(b, "\n", 1);
}

static void wb_table(struct wbuf *b, const char *name, const struct pabulib_table *t)
{
	wb_str(b, name);
	wb_put(b, "\n", 1);
	wb_row(b, t->cols, t->ncols);
	for (size_t r = 0; r < t->nrows; r++)
		wb_row(b, t->cells + r * t->ncols, t->ncols);
}

enum xy_kind pabulib_write(const struct pabulib *pb, size_t maxlen, char **out, size_t *len,
			   struct xy_err *e)
{
	struct wbuf b = { .max = maxlen };
	wb_str(&b, "META\nkey;value\n");
	for (size_t i = 0; i < pb->nmeta; i++) {
		const char *kv[2] = { pb->meta_key[i], pb->meta_value[i] };
		wb_row(&b, kv, 2);
	}
	wb_table(&b, "PROJECTS", &pb->projects);
	wb_table(&b, "VOTES", &pb->votes);
	if (b.over) {
		free(b.p);
		*out = NULL;
		*len = 0;
		return xy_fail(e, XY_ETOOBIG, "pb_too_big", NULL,
			       "the file would be longer than %zu bytes", maxlen);
	}
	if (!b.p)
		wb_str(&b, "");
	*out = b.p;
	*len = b.n;
	return XY_OK;
}
