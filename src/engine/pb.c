#include "engine/pb.h"

#include <gmp.h>
#include <stdio.h>
#include <string.h>

typedef __int128 i128;
typedef unsigned __int128 u128;

#define NONE UINT32_MAX

/* Fraction bits of the integer bounds that decide comparisons: budgets and prices are below
 * 2^52 units, so x · 2^48 fits in 100 bits, times a weight below 2^20 in 120, and the budgets
 * of all voters (at most 2^26) together in 126. Ranks per unit of cost utility are at most 1
 * and get 70 bits. */
#define KB      48
#define KR_COST 70

/* ---- rule names ------------------------------------------------------------------------------ */

static const char *const util_names[] = { "cost", "card", "points" };

bool pb_rule_parse(const char *name, struct pb_rule *out)
{
	struct pb_rule r = { 0 };
	const char *s = name;
	if (!s)
		return false;
	if (strncmp(s, "greedy_", 7) == 0) {
		s += 7;
	} else if (strncmp(s, "mes_", 4) == 0) {
		r.mes = true;
		s += 4;
	} else {
		return false;
	}
	size_t i;
	for (i = 0; i < 3; i++) {
		size_t l = strlen(util_names[i]);
		if (strncmp(s, util_names[i], l) == 0 && (s[l] == '\0' || s[l] == '_')) {
			r.utility = (enum pb_utility)i;
			s += l;
			break;
		}
	}
	if (i == 3)
		return false;
	if (r.mes) {
		if (strncmp(s, "_add1", 5) == 0) {
			r.iterate = PB_COMPLETE_ADD1;
			s += 5;
		} else if (strncmp(s, "_inc", 4) == 0) {
			r.iterate = PB_COMPLETE_INC;
			s += 4;
		}
		if (strcmp(s, "_greedy") == 0) {
			r.greedy_after = true;
			s += 7;
		}
	}
	if (*s)
		return false;
	*out = r;
	return true;
}

void pb_rule_name(const struct pb_rule *r, char *buf, size_t cap)
{
	static const char *const it[] = { "", "_add1", "_inc" };
	snprintf(buf, cap, "%s_%s%s%s", r->mes ? "mes" : "greedy", util_names[r->utility],
		 r->mes ? it[r->iterate] : "", r->mes && r->greedy_after ? "_greedy" : "");
}

bool pb_rule_needs_points(const struct pb_rule *r)
{
	return r->utility == PB_UTIL_POINTS;
}

/* ---- checks ---------------------------------------------------------------------------------- */

static int cmp_str_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

enum xy_kind pb_instance_check(const struct pb_instance *in, struct xy_err *e)
{
	if (in->budget < 0 || in->budget > PB_AMOUNT_MAX)
		return xy_fail(e, XY_EINVALID, "pb_budget", "budget",
			       "the budget must be between 0 and %lld units", PB_AMOUNT_MAX);
	if (in->unit < 1 || in->unit > 1000000000)
		return xy_fail(e, XY_EINVALID, "pb_unit", "unit", "the unit must be 1 .. 10^9");
	if (in->nprojects > PB_PROJECTS_MAX || in->nvoters > PB_VOTERS_MAX)
		return xy_fail(e, XY_ETOOBIG, "pb_too_big", NULL,
			       "at most %d projects and %d voters", PB_PROJECTS_MAX, PB_VOTERS_MAX);
	for (size_t p = 0; p < in->nprojects; p++) {
		if (!in->project_id[p] || !in->project_id[p][0])
			return xy_fail(e, XY_EINVALID, "pb_project_id", "projects",
				       "project %zu has no id", p + 1);
		if (in->cost[p] < 0 || in->cost[p] > PB_AMOUNT_MAX)
			return xy_fail(e, XY_EINVALID, "pb_cost", "projects",
				       "project %s: the cost must be between 0 and %lld units",
				       in->project_id[p], PB_AMOUNT_MAX);
	}
	if (in->nprojects > 1) {
		const char **ids = xy_malloc(in->nprojects * sizeof *ids);
		memcpy(ids, in->project_id, in->nprojects * sizeof *ids);
		qsort(ids, in->nprojects, sizeof *ids, cmp_str_ptr);
		for (size_t p = 1; p < in->nprojects; p++)
			if (strcmp(ids[p - 1], ids[p]) == 0) {
				xy_fail(e, XY_EINVALID, "pb_duplicate_project", "projects",
					"project id %s appears twice", ids[p]);
				free(ids);
				return XY_EINVALID;
			}
		free(ids);
	}
	if (in->ballot_start[0] != 0)
		return xy_fail(e, XY_EINVALID, "pb_ballots", "ballots", "ballots must start at 0");
	for (size_t v = 0; v < in->nvoters; v++) {
		if (in->ballot_start[v + 1] < in->ballot_start[v])
			return xy_fail(e, XY_EINVALID, "pb_ballots", "ballots",
				       "ballot %zu ends before it starts", v + 1);
		for (size_t i = in->ballot_start[v]; i < in->ballot_start[v + 1]; i++) {
			if (in->ballot_project[i] >= in->nprojects)
				return xy_fail(e, XY_EINVALID, "pb_ballots", "ballots",
					       "ballot %zu names project %u of %zu", v + 1,
					       in->ballot_project[i], in->nprojects);
			if (in->points && (in->points[i] < 0 || in->points[i] > PB_POINTS_MAX))
				return xy_fail(e, XY_EINVALID, "pb_points", "ballots",
					       "ballot %zu: points must be 0 .. %d", v + 1,
					       PB_POINTS_MAX);
		}
	}
	return XY_OK;
}

/* ---- the prepared instance: supporters per project ---------------------------------------------
 */

/* Voters whose ballots are the same (as sets of projects with points) form one group: the rules
 * treat them alike, so they are counted once with their number. */
struct pbx {
	const struct pb_instance *in;
	size_t np, nv;    /* nv: voter groups */
	int64_t *mult;    /* voters per group */
	size_t *gstart;   /* nv + 1 offsets into gproj: each group's ballot */
	uint32_t *gproj;  /* projects, ascending */
	size_t *sstart;   /* np + 1 offsets into svoter / spoints */
	uint32_t *svoter; /* supporting groups of each project, ascending */
	int64_t *spoints; /* their points (1 on approval ballots) */
	int64_t *nsup;    /* listed supporters (voters) */
	int64_t *npos;    /* supporters with points > 0 */
	int64_t *ptotal;  /* total points */
	uint32_t *byid;   /* project indices in id order */
	size_t *ostart;   /* np + 1 offsets into oproj, or NULL (too many projects) */
	uint32_t *oproj;  /* the projects that share a supporter with each project */
	/* while building: each voter's ballot without repeats, projects ascending */
	size_t *cstart;
	uint32_t *cproj;
	int64_t *cpts;
	uint64_t *chash;
};

static int cmp_byid(const void *a, const void *b, const struct pbx *x)
{
	return strcmp(x->in->project_id[*(const uint32_t *)a],
		      x->in->project_id[*(const uint32_t *)b]);
}

/* Sorts n uint32 by cmp with a context (merge sort; qsort has no context argument). */
static void sort_ctx(uint32_t *a, size_t n, uint32_t *tmp,
		     int (*cmp)(const void *, const void *, const struct pbx *),
		     const struct pbx *x)
{
	if (n < 2)
		return;
	size_t h = n / 2;
	sort_ctx(a, h, tmp, cmp, x);
	sort_ctx(a + h, n - h, tmp, cmp, x);
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n)
		tmp[k++] = cmp(&a[j], &a[i], x) < 0 ? a[j++] : a[i++];
	while (i < h)
		tmp[k++] = a[i++];
	while (j < n)
		tmp[k++] = a[j++];
	memcpy(a, tmp, n * sizeof *a);
}

/* Orders voters by ballot (hash first): equal ballots end up next to each other. */
static int cmp_ballot(const void *a, const void *b, const struct pbx *x)
{
	uint32_t u = *(const uint32_t *)a, v = *(const uint32_t *)b;
	if (x->chash[u] != x->chash[v])
		return x->chash[u] < x->chash[v] ? -1 : 1;
	size_t i = x->cstart[u], j = x->cstart[v];
	for (; i < x->cstart[u + 1] && j < x->cstart[v + 1]; i++, j++) {
		if (x->cproj[i] != x->cproj[j])
			return x->cproj[i] < x->cproj[j] ? -1 : 1;
		if (x->cpts[i] != x->cpts[j])
			return x->cpts[i] < x->cpts[j] ? -1 : 1;
	}
	if (i < x->cstart[u + 1] || j < x->cstart[v + 1])
		return i < x->cstart[u + 1] ? 1 : -1;
	return u < v ? -1 : u > v;
}

/* Each voter's ballot without repeats (the last points win), projects ascending, and its
 * hash. */
static void pbx_ballots(struct pbx *x, const struct pb_instance *in)
{
	size_t np = in->nprojects, nv = in->nvoters, n = 0;
	size_t *last = xy_calloc(np + 1, sizeof *last), *pos = xy_malloc((np + 1) * sizeof *pos);
	size_t total = in->ballot_start[nv];
	x->cstart = xy_malloc((nv + 1) * sizeof *x->cstart);
	x->cproj = xy_malloc((total + 1) * sizeof *x->cproj);
	x->cpts = xy_malloc((total + 1) * sizeof *x->cpts);
	x->chash = xy_malloc((nv + 1) * sizeof *x->chash);
	for (size_t v = 0; v < nv; v++) {
		x->cstart[v] = n;
		for (size_t i = in->ballot_start[v]; i < in->ballot_start[v + 1]; i++) {
			uint32_t p = in->ballot_project[i];
			int64_t pts = in->points ? in->points[i] : 1;
			if (last[p] == v + 1) {
				x->cpts[pos[p]] = pts;
				continue;
			}
			last[p] = v + 1;
			pos[p] = n;
			x->cproj[n] = p;
			x->cpts[n++] = pts;
		}
		/* insertion sort: ballots are short */
		for (size_t i = x->cstart[v] + 1; i < n; i++)
			for (size_t j = i; j > x->cstart[v] && x->cproj[j - 1] > x->cproj[j]; j--) {
				uint32_t tp = x->cproj[j];
				int64_t tv = x->cpts[j];
				x->cproj[j] = x->cproj[j - 1];
				x->cpts[j] = x->cpts[j - 1];
				x->cproj[j - 1] = tp;
				x->cpts[j - 1] = tv;
			}
		uint64_t h = 1469598103934665603ULL;
		for (size_t i = x->cstart[v]; i < n; i++)
			h = (h ^ ((uint64_t)x->cproj[i] * 0x9E3779B97F4A7C15ULL ^
				  (uint64_t)x->cpts[i])) *
			    1099511628211ULL;
		x->chash[v] = h;
	}
	x->cstart[nv] = n;
	free(last);
	free(pos);
}

#define OVERLAP_PROJECTS_MAX 4096

/* Which projects share a supporter: paying for one changes the prices of those only. */
static void pbx_overlaps(struct pbx *x)
{
	size_t np = x->np, words = (np + 63) / 64;
	if (np > OVERLAP_PROJECTS_MAX)
		return;
	uint64_t *rows = xy_calloc(np * words + 1, sizeof *rows), *set = xy_calloc(words + 1, 8);
	for (size_t g = 0; g < x->nv; g++) {
		size_t a = x->gstart[g], b = x->gstart[g + 1];
		for (size_t i = a; i < b; i++)
			set[x->gproj[i] / 64] |= (uint64_t)1 << (x->gproj[i] % 64);
		for (size_t i = a; i < b; i++) {
			uint64_t *row = rows + (size_t)x->gproj[i] * words;
			for (size_t w = 0; w < words; w++)
				row[w] |= set[w];
		}
		for (size_t i = a; i < b; i++)
			set[x->gproj[i] / 64] = 0;
	}
	x->ostart = xy_calloc(np + 1, sizeof *x->ostart);
	size_t n = 0;
	for (size_t p = 0; p < np; p++)
		for (size_t w = 0; w < words; w++)
			n += (size_t)__builtin_popcountll(rows[p * words + w]);
	x->oproj = xy_malloc((n + 1) * sizeof *x->oproj);
	n = 0;
	for (size_t p = 0; p < np; p++) {
		x->ostart[p] = n;
		for (size_t q = 0; q < np; q++)
			if (rows[p * words + q / 64] >> (q % 64) & 1)
				x->oproj[n++] = (uint32_t)q;
	}
	x->ostart[np] = n;
	free(rows);
	free(set);
}

static void pbx_build(struct pbx *x, const struct pb_instance *in)
{
	size_t np = in->nprojects, nv = in->nvoters;
	memset(x, 0, sizeof *x);
	x->in = in;
	x->np = np;
	pbx_ballots(x, in);
	/* groups of equal ballots */
	uint32_t *order = xy_malloc((nv + 1) * sizeof *order),
		 *tmp = xy_malloc((nv + 1) * sizeof *tmp);
	for (size_t v = 0; v < nv; v++)
		order[v] = (uint32_t)v;
	sort_ctx(order, nv, tmp, cmp_ballot, x);
	x->mult = xy_calloc(nv + 1, sizeof *x->mult);
	x->gstart = xy_malloc((nv + 2) * sizeof *x->gstart);
	x->gproj = xy_malloc((x->cstart[nv] + 1) * sizeof *x->gproj);
	int64_t *gpts = xy_malloc((x->cstart[nv] + 1) * sizeof *gpts);
	size_t ng = 0, n = 0;
	for (size_t i = 0; i < nv; i++) {
		uint32_t v = order[i];
		if (i > 0 && x->chash[order[i - 1]] == x->chash[v]) {
			size_t a = x->cstart[order[i - 1]], b = x->cstart[v];
			size_t la = x->cstart[order[i - 1] + 1] - a, lb = x->cstart[v + 1] - b;
			bool same = la == lb && memcmp(x->cproj + a, x->cproj + b, la * 4) == 0 &&
				    memcmp(x->cpts + a, x->cpts + b, la * sizeof *x->cpts) == 0;
			if (same) {
				x->mult[ng - 1]++;
				continue;
			}
		}
		x->gstart[ng] = n;
		for (size_t j = x->cstart[v]; j < x->cstart[v + 1]; j++) {
			x->gproj[n] = x->cproj[j];
			gpts[n++] = x->cpts[j];
		}
		x->mult[ng++] = 1;
	}
	x->gstart[ng] = n;
	x->nv = ng;
	free(order);
	free(tmp);
	/* supporters of each project: groups in ascending order */
	x->sstart = xy_calloc(np + 1, sizeof *x->sstart);
	x->nsup = xy_calloc(np + 1, sizeof *x->nsup);
	x->npos = xy_calloc(np + 1, sizeof *x->npos);
	x->ptotal = xy_calloc(np + 1, sizeof *x->ptotal);
	for (size_t i = 0; i < n; i++)
		x->sstart[x->gproj[i] + 1]++;
	for (size_t p = 0; p < np; p++)
		x->sstart[p + 1] += x->sstart[p];
	size_t *fill = xy_malloc((np + 1) * sizeof *fill);
	memcpy(fill, x->sstart, np * sizeof *fill);
	x->svoter = xy_malloc((n + 1) * sizeof *x->svoter);
	x->spoints = xy_malloc((n + 1) * sizeof *x->spoints);
	for (size_t g = 0; g < ng; g++)
		for (size_t i = x->gstart[g]; i < x->gstart[g + 1]; i++) {
			uint32_t p = x->gproj[i];
			x->svoter[fill[p]] = (uint32_t)g;
			x->spoints[fill[p]++] = gpts[i];
			x->nsup[p] += x->mult[g];
			x->npos[p] += gpts[i] > 0 ? x->mult[g] : 0;
			x->ptotal[p] += gpts[i] * x->mult[g];
		}
	free(fill);
	free(gpts);
	free(x->cstart);
	free(x->cproj);
	free(x->cpts);
	free(x->chash);
	x->cstart = NULL;
	x->cproj = NULL;
	x->cpts = NULL;
	x->chash = NULL;
	pbx_overlaps(x);
	x->byid = xy_malloc((np + 1) * sizeof *x->byid);
	tmp = xy_malloc((np + 1) * sizeof *tmp);
	for (size_t p = 0; p < np; p++)
		x->byid[p] = (uint32_t)p;
	sort_ctx(x->byid, np, tmp, cmp_byid, x);
	free(tmp);
}

static void pbx_release(struct pbx *x)
{
	free(x->ostart);
	free(x->oproj);
	free(x->mult);
	free(x->gstart);
	free(x->gproj);
	free(x->sstart);
	free(x->svoter);
	free(x->spoints);
	free(x->nsup);
	free(x->npos);
	free(x->ptotal);
	free(x->byid);
	memset(x, 0, sizeof *x);
}

/* ---- a selection under construction ---------------------------------------------------------- */

struct sel {
	size_t n;
	uint32_t *p;   /* in selection order */
	bool *chosen;  /* per project */
	int64_t total; /* their cost */
};

static void sel_init(struct sel *s, size_t np)
{
	s->n = 0;
	s->p = xy_malloc((np + 1) * sizeof *s->p);
	s->chosen = xy_calloc(np + 1, sizeof *s->chosen);
	s->total = 0;
}

static void sel_clear(struct sel *s, size_t np)
{
	s->n = 0;
	s->total = 0;
	memset(s->chosen, 0, (np + 1) * sizeof *s->chosen);
}

static void sel_copy(struct sel *dst, const struct sel *src, size_t np)
{
	dst->n = src->n;
	dst->total = src->total;
	memcpy(dst->p, src->p, src->n * sizeof *dst->p);
	memcpy(dst->chosen, src->chosen, (np + 1) * sizeof *dst->chosen);
}

static void sel_add(struct sel *s, const struct pbx *x, uint32_t p)
{
	s->p[s->n++] = p;
	s->chosen[p] = true;
	s->total += x->in->cost[p];
}

static void sel_release(struct sel *s)
{
	free(s->p);
	free(s->chosen);
}

/* Is s exhaustive: does no unchosen project (only ones supported under util when
 * supported_only) still fit into the budget? */
static bool sel_exhaustive(const struct sel *s, const struct pbx *x, bool supported_only,
			   enum pb_utility util)
{
	for (size_t p = 0; p < x->np; p++) {
		int64_t support = util == PB_UTIL_POINTS ? x->ptotal[p] : x->nsup[p];
		if (s->chosen[p] || (supported_only && support == 0))
			continue;
		if (x->in->cost[p] <= x->in->budget - s->total)
			return false;
	}
	return true;
}

/* ---- greedy ---------------------------------------------------------------------------------- */

struct gkey {
	int inf; /* supported and free */
	int64_t num, den;
	const char *id;
	uint32_t p;
};

static int cmp_gkey(const void *a, const void *b)
{
	const struct gkey *x = a, *y = b;
	if (x->inf != y->inf)
		return x->inf ? -1 : 1;
	if (!x->inf) {
		i128 l = (i128)x->num * y->den, r = (i128)y->num * x->den;
		if (l != r)
			return l > r ? -1 : 1;
	}
	return strcmp(x->id, y->id);
}

/* Adds to s, in the order of rank (highest first, then smaller id), every project that still
 * fits. Ranks: supporters (cost), supporters ÷ cost (card), total points (points); a supported
 * project that costs nothing comes first, an unsupported one has rank 0. */
static void greedy_fill(const struct pbx *x, enum pb_utility util, struct sel *s)
{
	struct gkey *k = xy_malloc((x->np + 1) * sizeof *k);
	size_t n = 0;
	for (size_t p = 0; p < x->np; p++) {
		if (s->chosen[p])
			continue;
		int64_t cost = x->in->cost[p];
		int64_t support = util == PB_UTIL_POINTS ? x->ptotal[p] : x->nsup[p];
		struct gkey g = { 0, support, 1, x->in->project_id[p], (uint32_t)p };
		if (util == PB_UTIL_CARD)
			g.den = cost;
		if (support > 0 && cost == 0)
			g.inf = 1;
		if (support == 0 || g.den == 0) {
			g.num = 0;
			g.den = 1;
		}
		k[n++] = g;
	}
	qsort(k, n, sizeof *k, cmp_gkey);
	for (size_t i = 0; i < n; i++)
		if (x->in->cost[k[i].p] <= x->in->budget - s->total)
			sel_add(s, x, k[i].p);
	free(k);
}

/* ---- exact numbers --------------------------------------------------------------------------- */

static i128 z_get_i128(const mpz_t z)
{
	XY_ASSERT(mpz_sizeinbase(z, 2) <= 126);
	u128 m = 0;
	for (size_t i = mpz_size(z); i-- > 0;)
		m = (m << GMP_NUMB_BITS) | mpz_getlimbn(z, (mp_size_t)i);
	return mpz_sgn(z) < 0 ? -(i128)m : (i128)m;
}

static void z_set_i128(mpz_t z, i128 v)
{
	u128 m = v < 0 ? (u128)0 - (u128)v : (u128)v;
	mpz_set_ui(z, (unsigned long)(uint64_t)(m >> 64));
	mpz_mul_2exp(z, z, 64);
	mpz_add_ui(z, z, (unsigned long)(uint64_t)m);
	if (v < 0)
		mpz_neg(z, z);
}

/* floor(q · 2^k) */
static i128 q_floor(const mpq_t q, int k, mpz_t tmp)
{
	mpz_mul_2exp(tmp, mpq_numref(q), (mp_bitcnt_t)k);
	mpz_fdiv_q(tmp, tmp, mpq_denref(q));
	return z_get_i128(tmp);
}

static char *q_str(const mpq_t q)
{
	return mpq_get_str(NULL, 10, q);
}

static void q_free_str(char *s)
{
	void (*gfree)(void *, size_t);
	mp_get_memory_functions(NULL, NULL, &gfree);
	gfree(s, strlen(s) + 1);
}

/* An owned copy (freed with free) of q written "n" or "n/d", and its floor. */
static char *q_dup(const mpq_t q, int64_t *floor_out, mpz_t tmp)
{
	char *g = q_str(q);
	char *s = xy_strdup(g);
	q_free_str(g);
	if (floor_out) {
		mpz_fdiv_q(tmp, mpq_numref(q), mpq_denref(q));
		*floor_out = mpz_fits_slong_p(tmp) ? mpz_get_si(tmp) : INT64_MAX;
	}
	return s;
}

/* ---- the Method of Equal Shares ---------------------------------------------------------------
 *
 * Voters with equal budgets share a class; paying for a project moves each supporting class to
 * a new one (or to class 0, the empty budget), and classes never change once made. A class
 * knows its budget b by integer bounds lo <= b·2^KB <= hi; its exact value (its parent's less
 * the payment's rho times its weight) is worked out in GMP rationals only when bounds cannot
 * settle a comparison. A price rho = (cost - what the poor supporters have) / rich weight is
 * bounded the same way; it is exact in integers when no supporter is poor (cost / weight).
 * Every decision is therefore exact, and the usual run touches no rational at all. */

struct mes_cls {
	i128 lo, hi;
	i128 slo, shi;        /* bounds on d b / d t · 2^KB (see mes_limit) */
	uint32_t parent, pay; /* NONE for the root and the empty class */
	int64_t w;            /* the weight it paid for */
	uint32_t ex;          /* exact budget in the pool, or NONE */
};

/* A payment: rho = (cost - the budgets of the poor supporters) / rich weight. */
struct mes_payrec {
	int64_t cost;
	i128 rich;
	size_t poor0, npoor; /* its poor (class, count) pairs in m->poor */
	uint32_t ex;         /* exact rho in the pool, or NONE */
	i128 rslo, rshi;     /* bounds on d rho / d t · 2^KB */
};

struct mes_poor {
	uint32_t k;
	int64_t cnt;
};

/* Supporters of one project grouped by (class, weight). */
struct mes_ent {
	uint32_t k, next;
	int poor;
	int64_t w, cnt;
};

/* A candidate's price: bounds on rho·2^KB and on its rank (rho per unit of utility) ·2^kr;
 * exactly num/den when no supporter was poor; exactly in the pool after an exact pricing. */
struct mes_price {
	i128 rlo, rhi, klo, khi, num, den, rich;
	i128 rslo, rshi, kslo, kshi; /* slopes in t of rho and of the rank */
	bool simple, exact;
	uint32_t qrank, qrho;
	uint32_t round; /* the round it was computed in */
};

#define QCHUNK 1024

struct mes {
	const struct pbx *x;
	enum pb_utility util;
	int kr; /* fraction bits of the rank bounds */
	struct mes_cls *cls;
	size_t ncls, capcls;
	uint32_t *stamp, *head, gen;
	uint32_t *vcls; /* per voter */
	struct mes_ent *ent;
	size_t nent;
	uint32_t *ent_of; /* per supporter position of the gathered project */
	int64_t empty;    /* supporters with nothing left, of the gathered project */
	struct mes_payrec *pays;
	size_t npays, cappays;
	struct mes_poor *poor;
	size_t npoor, cappoor;
	bool *alive;
	bool *fresh;     /* per project: its price is that of the current budgets */
	uint32_t *order; /* candidates by rank lower bound */
	size_t norder;
	struct mes_price *price; /* per project */
	uint32_t round;
	mpq_t **qchunk; /* the pool of exact values, in chunks that never move */
	size_t nq, qinit, nchunks;
	mpq_t rho, psum, t1, t2, tm;
	mpz_t z;
	/* Add1 skips runs that cannot differ: with param set, every decision of a run lowers tsafe
	 * to the largest raise t of every voter's budget (in amount units) under which it stands */
	bool param;
	i128 tsafe;
};

static mpq_ptr qp(const struct mes *m, uint32_t i)
{
	return m->qchunk[i / QCHUNK][i % QCHUNK];
}

static uint32_t q_new(struct mes *m)
{
	if (m->nq == m->qinit) {
		if (m->qinit % QCHUNK == 0) {
			m->qchunk = xy_realloc(m->qchunk, (m->nchunks + 1) * sizeof *m->qchunk);
			m->qchunk[m->nchunks++] = xy_malloc(QCHUNK * sizeof(mpq_t));
		}
		mpq_init(qp(m, (uint32_t)m->qinit));
		m->qinit++;
	}
	return (uint32_t)m->nq++;
}

/* floor(a / b) and ceil(a / b) for b > 0 */
static i128 fdiv(i128 a, i128 b)
{
	i128 q = a / b;
	return (a % b != 0 && a < 0) ? q - 1 : q;
}

static i128 cdiv(i128 a, i128 b)
{
	i128 q = a / b;
	return (a % b != 0 && a > 0) ? q + 1 : q;
}

#define TSAFE_MAX ((i128)1 << 100)

/* A decision whose margin is A + S·t (A >= alo, S >= slo, both scaled by 2^KB) stands for
 * every raise t < alo / -slo: lowers tsafe to that. */
static void mes_limit(struct mes *m, i128 alo, i128 slo)
{
	if (!m->param || slo >= 0)
		return;
	i128 lim = alo <= 0 ? 0 : cdiv(alo, -slo) - 1;
	if (lim < m->tsafe)
		m->tsafe = lim < 0 ? 0 : lim;
}

/* A decision taken on exact rationals: no run is skipped after this one. */
static void mes_noskip(struct mes *m)
{
	m->tsafe = 0;
}

static int64_t mes_weight(const struct mes *m, size_t i)
{
	return m->util == PB_UTIL_POINTS ? m->x->spoints[i] : 1;
}

static void mes_init(struct mes *m, const struct pbx *x, enum pb_utility util)
{
	memset(m, 0, sizeof *m);
	m->x = x;
	m->util = util;
	m->kr = util == PB_UTIL_COST ? KR_COST : KB;
	size_t maxsup = 1;
	for (size_t p = 0; p < x->np; p++)
		if ((size_t)x->nsup[p] > maxsup)
			maxsup = (size_t)x->nsup[p];
	m->ent = xy_malloc(maxsup * sizeof *m->ent);
	m->ent_of = xy_malloc(maxsup * sizeof *m->ent_of);
	m->vcls = xy_malloc((x->nv + 1) * sizeof *m->vcls);
	m->alive = xy_calloc(x->np + 1, sizeof *m->alive);
	m->fresh = xy_calloc(x->np + 1, sizeof *m->fresh);
	m->order = xy_malloc((x->np + 1) * sizeof *m->order);
	m->price = xy_calloc(x->np + 1, sizeof *m->price);
	mpq_inits(m->rho, m->psum, m->t1, m->t2, m->tm, NULL);
	mpz_init(m->z);
}

static void mes_release(struct mes *m)
{
	for (size_t i = 0; i < m->qinit; i++)
		mpq_clear(qp(m, (uint32_t)i));
	for (size_t c = 0; c < m->nchunks; c++)
		free(m->qchunk[c]);
	free(m->qchunk);
	mpq_clears(m->rho, m->psum, m->t1, m->t2, m->tm, NULL);
	mpz_clear(m->z);
	free(m->cls);
	free(m->stamp);
	free(m->head);
	free(m->vcls);
	free(m->ent);
	free(m->ent_of);
	free(m->pays);
	free(m->poor);
	free(m->alive);
	free(m->fresh);
	free(m->order);
	free(m->price);
}

static uint32_t mes_cls_new(struct mes *m, i128 lo, i128 hi, i128 slo, i128 shi, uint32_t parent,
			    uint32_t pay, int64_t w)
{
	if (m->ncls == m->capcls) {
		size_t cap = m->capcls ? 2 * m->capcls : 1024;
		m->cls = xy_realloc(m->cls, cap * sizeof *m->cls);
		m->stamp = xy_realloc(m->stamp, cap * sizeof *m->stamp);
		m->head = xy_realloc(m->head, cap * sizeof *m->head);
		memset(m->stamp + m->capcls, 0, (cap - m->capcls) * sizeof *m->stamp);
		m->capcls = cap;
	}
	m->cls[m->ncls] = (struct mes_cls){ lo, hi, slo, shi, parent, pay, w, NONE };
	return (uint32_t)m->ncls++;
}

/* A class with the exact budget q (the root and the empty class) that grows by slope per unit
 * of raise. */
static uint32_t mes_cls_exact_new(struct mes *m, const mpq_t q, i128 slope)
{
	uint32_t i = q_new(m);
	mpq_set(qp(m, i), q);
	i128 fl = q_floor(q, KB, m->z);
	bool whole = mpz_cmp_ui(mpq_denref(q), 1) == 0;
	uint32_t k = mes_cls_new(m, fl, whole ? fl : fl + 1, slope, slope, NONE, NONE, 0);
	m->cls[k].ex = i;
	return k;
}

static uint32_t mes_pay_rho(struct mes *m, uint32_t j);

/* The exact budget of class k (in the pool). */
static uint32_t mes_cls_exact(struct mes *m, uint32_t k)
{
	if (m->cls[k].ex != NONE)
		return m->cls[k].ex;
	uint32_t pe = mes_cls_exact(m, m->cls[k].parent);
	uint32_t re = mes_pay_rho(m, m->cls[k].pay);
	uint32_t i = q_new(m);
	mpq_set_si(m->tm, m->cls[k].w, 1);
	mpq_mul(m->tm, m->tm, qp(m, re));
	mpq_sub(qp(m, i), qp(m, pe), m->tm);
	m->cls[k].ex = i;
	return i;
}

/* The exact rho of payment j (in the pool). */
static uint32_t mes_pay_rho(struct mes *m, uint32_t j)
{
	if (m->pays[j].ex != NONE)
		return m->pays[j].ex;
	uint32_t i = q_new(m);
	mpq_set_ui(qp(m, i), 0, 1);
	for (size_t r = 0; r < m->pays[j].npoor; r++) {
		const struct mes_poor *pr = &m->poor[m->pays[j].poor0 + r];
		uint32_t b = mes_cls_exact(m, pr->k);
		mpq_set_si(m->tm, pr->cnt, 1);
		mpq_mul(m->tm, m->tm, qp(m, b));
		mpq_add(qp(m, i), qp(m, i), m->tm);
	}
	mpq_set_si(m->tm, m->pays[j].cost, 1);
	mpq_sub(qp(m, i), m->tm, qp(m, i));
	z_set_i128(m->z, m->pays[j].rich);
	mpq_set_z(m->tm, m->z);
	mpq_div(qp(m, i), qp(m, i), m->tm);
	m->pays[j].ex = i;
	return i;
}

/* Groups the supporters of project p by (class, weight) into m->ent; supporters with an empty
 * budget are counted in m->empty and left out. */
static void mes_gather(struct mes *m, size_t p)
{
	const struct pbx *x = m->x;
	size_t s0 = x->sstart[p];
	if (++m->gen == 0) {
		memset(m->stamp, 0, m->capcls * sizeof *m->stamp);
		m->gen = 1;
	}
	m->nent = 0;
	m->empty = 0;
	for (size_t i = s0; i < x->sstart[p + 1]; i++) {
		int64_t w = mes_weight(m, i);
		uint32_t k = m->vcls[x->svoter[i]];
		m->ent_of[i - s0] = NONE;
		if (w == 0)
			continue;
		int64_t mult = x->mult[x->svoter[i]];
		if (k == 0) {
			m->empty += mult;
			continue;
		}
		if (m->stamp[k] != m->gen) {
			m->stamp[k] = m->gen;
			m->head[k] = NONE;
		}
		uint32_t e = m->head[k];
		while (e != NONE && m->ent[e].w != w)
			e = m->ent[e].next;
		if (e == NONE) {
			e = (uint32_t)m->nent++;
			m->ent[e] = (struct mes_ent){ .k = k, .next = m->head[k], .w = w };
			m->head[k] = e;
		}
		m->ent[e].cnt += mult;
		m->ent_of[i - s0] = e;
	}
}

/* The rank bounds (and the exact rank when simple) from the rho bounds of pr. */
static void mes_rank_bounds(const struct mes *m, int64_t cost, struct mes_price *pr)
{
	if (pr->simple) {
		/* rho = cost / rich: rank 1 / rich per unit of cost utility, else rho */
		pr->num = m->util == PB_UTIL_COST ? 1 : cost;
		pr->den = pr->rich;
		pr->klo = fdiv(pr->num << m->kr, pr->den);
		pr->khi = cdiv(pr->num << m->kr, pr->den);
		pr->rslo = pr->rshi = pr->kslo = pr->kshi = 0;
	} else if (m->util == PB_UTIL_COST) {
		pr->klo = fdiv(pr->rlo * ((i128)1 << (m->kr - KB)), cost);
		pr->khi = cdiv(pr->rhi * ((i128)1 << (m->kr - KB)), cost);
		pr->kslo = fdiv(pr->rslo * ((i128)1 << (m->kr - KB)), cost);
		pr->kshi = cdiv(pr->rshi * ((i128)1 << (m->kr - KB)), cost);
	} else {
		pr->klo = pr->rlo;
		pr->khi = pr->rhi;
		pr->kslo = pr->rslo;
		pr->kshi = pr->rshi;
	}
}

/* The slope of rho in the raise t (rho = (cost - poor budgets) / rich weight), and the raise
 * under which every supporter stays on its side (rich: b >= rho·w, poor: b < rho·w). */
static void mes_price_slopes(struct mes *m, struct mes_price *pr)
{
	i128 pslo = 0, pshi = 0;
	for (size_t e = 0; e < m->nent; e++)
		if (m->ent[e].poor) {
			pslo += m->ent[e].cnt * m->cls[m->ent[e].k].slo;
			pshi += m->ent[e].cnt * m->cls[m->ent[e].k].shi;
		}
	pr->rslo = fdiv(-pshi, pr->rich);
	pr->rshi = cdiv(-pslo, pr->rich);
	for (size_t e = 0; e < m->nent; e++) {
		const struct mes_ent *en = &m->ent[e];
		const struct mes_cls *k = &m->cls[en->k];
		if (en->poor)
			mes_limit(m, pr->rlo * en->w - k->hi, pr->rslo * en->w - k->shi);
		else
			mes_limit(m, k->lo - pr->rhi * en->w, k->slo - pr->rshi * en->w);
	}
}

/* Prices the gathered supporters of a project on the bounds of their budgets: 1 affordable
 * (rho bounds and the poor entries marked), 0 not affordable, -1 when the bounds do not
 * decide (the caller prices exactly). The poor/rich iteration finds the rho with
 * sum of min(b, rho·w) = cost; every step is decided for the exact budgets. */
static int mes_price_fast(struct mes *m, int64_t cost, struct mes_price *pr)
{
	i128 rich = 0, plo = 0, phi = 0, c = (i128)cost << KB, thi = 0, tshi = 0;
	bool any = false;
	for (size_t e = 0; e < m->nent; e++) {
		m->ent[e].poor = 0;
		rich += (i128)m->ent[e].cnt * m->ent[e].w;
		thi += m->ent[e].cnt * m->cls[m->ent[e].k].hi;
		tshi += m->ent[e].cnt * m->cls[m->ent[e].k].shi;
	}
	while (rich > 0) {
		i128 rlo = fdiv(c - phi, rich), rhi = cdiv(c - plo, rich);
		bool changed = false;
		for (size_t e = 0; e < m->nent; e++) {
			struct mes_ent *en = &m->ent[e];
			const struct mes_cls *k = &m->cls[en->k];
			if (en->poor || k->lo >= rhi * en->w)
				continue;
			if (k->hi >= rlo * en->w)
				return -1;
			en->poor = 1;
			changed = any = true;
			rich -= (i128)en->cnt * en->w;
			plo += en->cnt * k->lo;
			phi += en->cnt * k->hi;
		}
		if (!changed) {
			*pr = (struct mes_price){
				.rlo = rlo, .rhi = rhi, .rich = rich, .simple = !any
			};
			if (m->param)
				mes_price_slopes(m, pr);
			mes_rank_bounds(m, cost, pr);
			return 1;
		}
	}
	/* unaffordable while the supporters' budgets together stay below the cost */
	mes_limit(m, c - thi, -tshi);
	return 0;
}

/* The same on exact budgets: rho goes to m->rho and the pool, the poor supporters' budgets
 * sum to m->psum. */
static int mes_price_exact(struct mes *m, int64_t cost, struct mes_price *pr)
{
	mes_noskip(m);
	i128 rich = 0;
	for (size_t e = 0; e < m->nent; e++) {
		m->ent[e].poor = 0;
		rich += (i128)m->ent[e].cnt * m->ent[e].w;
	}
	mpq_set_ui(m->psum, 0, 1);
	while (rich > 0) {
		mpq_set_si(m->rho, cost, 1);
		mpq_sub(m->rho, m->rho, m->psum);
		z_set_i128(m->z, rich);
		mpq_set_z(m->t2, m->z);
		mpq_div(m->rho, m->rho, m->t2);
		bool changed = false;
		for (size_t e = 0; e < m->nent; e++) {
			struct mes_ent *en = &m->ent[e];
			if (en->poor)
				continue;
			uint32_t b = mes_cls_exact(m, en->k);
			mpq_set_si(m->t1, en->w, 1);
			mpq_mul(m->t1, m->t1, m->rho);
			if (mpq_cmp(qp(m, b), m->t1) >= 0)
				continue;
			en->poor = 1;
			changed = true;
			rich -= (i128)en->cnt * en->w;
			mpq_set_si(m->t1, en->cnt, 1);
			mpq_mul(m->t1, m->t1, qp(m, b));
			mpq_add(m->psum, m->psum, m->t1);
		}
		if (changed)
			continue;
		*pr = (struct mes_price){ .rich = rich,
					  .simple = mpq_sgn(m->psum) == 0,
					  .exact = true };
		pr->qrho = q_new(m);
		mpq_set(qp(m, pr->qrho), m->rho);
		pr->rlo = q_floor(m->rho, KB, m->z);
		pr->rhi = pr->rlo + 1;
		pr->qrank = q_new(m);
		mpq_set(qp(m, pr->qrank), m->rho);
		if (m->util == PB_UTIL_COST) {
			mpq_set_si(m->t1, cost, 1);
			mpq_div(qp(m, pr->qrank), qp(m, pr->qrank), m->t1);
		}
		mes_rank_bounds(m, cost, pr);
		if (!pr->simple) {
			pr->klo = q_floor(qp(m, pr->qrank), m->kr, m->z);
			pr->khi = pr->klo + 1;
		}
		return 1;
	}
	return 0;
}

/* Prices project p in this round (gathers its supporters): 1 affordable, 0 not. */
static int mes_price(struct mes *m, size_t p)
{
	int64_t cost = m->x->in->cost[p];
	struct mes_price *pr = &m->price[p];
	mes_gather(m, p);
	int r = mes_price_fast(m, cost, pr);
	if (r < 0)
		r = mes_price_exact(m, cost, pr);
	pr->round = m->round;
	m->fresh[p] = true;
	return r;
}

/* The exact rank of a candidate priced this round. */
static uint32_t mes_exact_rank(struct mes *m, size_t p)
{
	struct mes_price *pr = &m->price[p];
	if (pr->exact)
		return pr->qrank;
	if (pr->simple) {
		pr->qrank = q_new(m);
		z_set_i128(m->z, pr->num);
		mpq_set_z(qp(m, pr->qrank), m->z);
		z_set_i128(m->z, pr->den);
		mpq_set_z(m->t1, m->z);
		mpq_div(qp(m, pr->qrank), qp(m, pr->qrank), m->t1);
		pr->exact = true;
		return pr->qrank;
	}
	int64_t cost = m->x->in->cost[p];
	mes_gather(m, p);
	int r = mes_price_exact(m, cost, pr);
	XY_ASSERT(r == 1);
	pr->round = m->round;
	return pr->qrank;
}

/* Compares the ranks of two candidates priced this round (then the ids). */
static int mes_cmp(struct mes *m, uint32_t a, uint32_t b)
{
	const struct mes_price *x = &m->price[a], *y = &m->price[b];
	int c;
	if (x->khi < y->klo)
		c = -1;
	else if (x->klo > y->khi)
		c = 1;
	else if (x->simple && y->simple) {
		i128 l = x->num * y->den, r = y->num * x->den;
		c = l < r ? -1 : l > r;
	} else {
		mes_noskip(m);
		uint32_t qa = mes_exact_rank(m, a), qb = mes_exact_rank(m, b);
		c = mpq_cmp(qp(m, qa), qp(m, qb));
		c = c < 0 ? -1 : c > 0;
	}
	return c ? c : strcmp(m->x->in->project_id[a], m->x->in->project_id[b]);
}

/* Candidates by the lower bound of their rank (valid for every later round). */
static void mes_sort_order(struct mes *m)
{
	for (size_t i = 1; i < m->norder; i++) {
		uint32_t c = m->order[i];
		size_t j = i;
		while (j > 0 && m->price[m->order[j - 1]].klo > m->price[c].klo) {
			m->order[j] = m->order[j - 1];
			j--;
		}
		m->order[j] = c;
	}
}

/* Writes the exact payments of project p (priced and charged just now as payment j). */
static void mes_explain(struct mes *m, size_t p, uint32_t j, struct pb_payment *pay)
{
	uint32_t re = mes_pay_rho(m, j);
	mpq_set(m->t2, qp(m, re));
	if (m->util != PB_UTIL_POINTS)
		pay->share = q_dup(m->t2, &pay->share_floor, m->z);
	if (m->util == PB_UTIL_COST) {
		mpq_set_si(m->t1, m->x->in->cost[p], 1);
		mpq_div(m->t2, m->t2, m->t1);
	}
	pay->rho = q_dup(m->t2, NULL, m->z);
	mpq_set_ui(m->psum, 0, 1);
	pay->empty_payers = m->empty;
	for (size_t e = 0; e < m->nent; e++) {
		const struct mes_ent *en = &m->ent[e];
		if (!en->poor) {
			pay->full_payers += en->cnt;
			continue;
		}
		uint32_t b = mes_cls_exact(m, en->k);
		if (mpq_sgn(qp(m, b)) == 0) {
			pay->empty_payers += en->cnt;
			continue;
		}
		pay->partial_payers += en->cnt;
		mpq_set_si(m->t1, en->cnt, 1);
		mpq_mul(m->t1, m->t1, qp(m, b));
		mpq_add(m->psum, m->psum, m->t1);
	}
	pay->partial_total = q_dup(m->psum, &pay->partial_floor, m->z);
}

/* Charges the supporters of p, priced this round: rich entries move to a class with rho · w
 * less, poor ones to the empty class. */
static void mes_pay(struct mes *m, size_t p, struct pb_payment *pay)
{
	const struct pbx *x = m->x;
	struct mes_price *pr = &m->price[p];
	mes_gather(m, p);
	int r = pr->exact ? mes_price_exact(m, x->in->cost[p], pr)
			  : mes_price_fast(m, x->in->cost[p], pr);
	XY_ASSERT(r == 1);
	if (m->npays == m->cappays) {
		m->cappays = m->cappays ? 2 * m->cappays : 64;
		m->pays = xy_realloc(m->pays, m->cappays * sizeof *m->pays);
	}
	uint32_t j = (uint32_t)m->npays++;
	m->pays[j] = (struct mes_payrec){ x->in->cost[p], pr->rich, m->npoor, 0,
					  NONE,           pr->rslo, pr->rshi };
	if (pr->exact) {
		m->pays[j].ex = q_new(m);
		mpq_set(qp(m, m->pays[j].ex), qp(m, pr->qrho));
	}
	uint32_t *newk = xy_malloc((m->nent + 1) * sizeof *newk);
	for (size_t e = 0; e < m->nent; e++) {
		const struct mes_ent *en = &m->ent[e];
		if (en->poor) {
			if (m->npoor == m->cappoor) {
				m->cappoor = m->cappoor ? 2 * m->cappoor : 256;
				m->poor = xy_realloc(m->poor, m->cappoor * sizeof *m->poor);
			}
			m->poor[m->npoor++] = (struct mes_poor){ en->k, en->cnt };
			m->pays[j].npoor++;
			newk[e] = 0;
			continue;
		}
		const struct mes_cls *k = &m->cls[en->k];
		i128 lo = k->lo - pr->rhi * en->w, hi = k->hi - pr->rlo * en->w;
		i128 slo = k->slo - pr->rshi * en->w, shi = k->shi - pr->rslo * en->w;
		if (hi <= 0) { /* paid exactly all it had: empty now, maybe not after a raise */
			mes_noskip(m);
			newk[e] = 0;
		} else {
			newk[e] = mes_cls_new(m, lo < 0 ? 0 : lo, hi, slo, shi, en->k, j, en->w);
		}
	}
	if (pay)
		mes_explain(m, p, j, pay);
	/* the payers' budgets changed: so did the prices of every project they support */
	size_t s0 = x->sstart[p];
	for (size_t i = s0; i < x->sstart[p + 1]; i++) {
		if (m->ent_of[i - s0] == NONE)
			continue;
		uint32_t v = x->svoter[i];
		m->vcls[v] = newk[m->ent_of[i - s0]];
		for (size_t b = x->gstart[v]; !x->ostart && b < x->gstart[v + 1]; b++)
			m->fresh[x->gproj[b]] = false;
	}
	for (size_t i = x->ostart ? x->ostart[p] : 0; x->ostart && i < x->ostart[p + 1]; i++)
		m->fresh[x->oproj[i]] = false;
	free(newk);
}

struct rank_item {
	i128 klo;
	const char *id;
	uint32_t p;
};

static int cmp_rank_item(const void *a, const void *b)
{
	const struct rank_item *x = a, *y = b;
	if (x->klo != y->klo)
		return x->klo < y->klo ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* One run of Equal Shares with starting budget b0 per voter; appends to s. pay (per project)
 * receives the payments when not NULL. */
static void mes_run(struct mes *m, const mpq_t b0, struct sel *s, struct pb_payment *pay)
{
	const struct pbx *x = m->x;
	const struct pb_instance *in = x->in;
	m->ncls = m->nq = m->npays = m->npoor = 0;
	m->round = 0;
	mpq_set_ui(m->t2, 0, 1);
	mes_cls_exact_new(m, m->t2, 0);
	uint32_t start = mpq_sgn(b0) > 0 ? mes_cls_exact_new(m, b0, (i128)1 << KB) : 0;
	if (!start)
		mes_noskip(m);
	for (size_t v = 0; v < x->nv; v++)
		m->vcls[v] = start;

	/* supported projects that cost nothing first; the others are candidates */
	m->norder = 0;
	struct rank_item *items = xy_malloc((x->np + 1) * sizeof *items);
	for (size_t i = 0; i < x->np; i++) {
		uint32_t p = x->byid[i];
		int64_t usum = m->util == PB_UTIL_POINTS ? x->ptotal[p] : x->nsup[p];
		m->alive[p] = m->fresh[p] = false;
		if (s->chosen[p] || usum == 0)
			continue;
		if (in->cost[p] == 0) {
			sel_add(s, x, p);
			continue;
		}
		m->alive[p] = true;
		/* the price with everyone's full budget: a lower bound for every later round */
		struct mes_price *pr = &m->price[p];
		*pr = (struct mes_price){ .rich = usum, .simple = true, .round = UINT32_MAX };
		mes_rank_bounds(m, in->cost[p], pr);
		items[m->norder++] = (struct rank_item){ pr->klo, in->project_id[p], p };
	}
	qsort(items, m->norder, sizeof *items, cmp_rank_item);
	for (size_t i = 0; i < m->norder; i++)
		m->order[i] = items[i].p;
	free(items);

	for (;; m->round++) {
		uint32_t best = NONE;
		for (size_t i = 0; i < m->norder; i++) {
			uint32_t c = m->order[i];
			if (!m->alive[c])
				continue;
			if (best != NONE && m->price[c].klo > m->price[best].khi)
				break;
			if (!m->fresh[c] && !mes_price(m, c)) {
				m->alive[c] = false;
				continue;
			}
			if (best == NONE || mes_cmp(m, c, best) < 0)
				best = c;
		}
		if (best == NONE)
			break;
		/* every other candidate stays behind the best one (stale prices are lower bounds)
		 */
		for (size_t i = 0; m->param && i < m->norder; i++) {
			uint32_t c = m->order[i];
			const struct mes_price *a = &m->price[c], *b = &m->price[best];
			if (c != best && m->alive[c] && !(a->simple && b->simple))
				mes_limit(m, a->klo - b->khi, a->kslo - b->kshi);
		}
		mes_pay(m, best, pay ? &pay[best] : NULL);
		m->alive[best] = false;
		sel_add(s, x, best);
		size_t n = 0;
		for (size_t i = 0; i < m->norder; i++)
			if (m->alive[m->order[i]])
				m->order[n++] = m->order[i];
		m->norder = n;
		mes_sort_order(m);
	}
}

/* ---- the rules ------------------------------------------------------------------------------- */

static void payment_release(struct pb_payment *p)
{
	free(p->rho);
	free(p->share);
	free(p->partial_total);
	memset(p, 0, sizeof *p);
}

void pb_result_release(struct pb_result *res)
{
	if (!res)
		return;
	if (res->payment)
		for (size_t p = 0; p < res->nprojects; p++)
			payment_release(&res->payment[p]);
	free(res->payment);
	free(res->selected);
	free(res->supporters);
	free(res->points);
	free(res->voter_budget);
	memset(res, 0, sizeof *res);
}

/* Runs Equal Shares, with its completion, into s; the starting budget per voter of the returned
 * run goes to out->voter_budget and its payments to out->payment. */
static void pb_run_mes(const struct pbx *x, const struct pb_rule *r, struct sel *s,
		       struct pb_result *out)
{
	const struct pb_instance *in = x->in;
	struct mes m;
	mes_init(&m, x, r->utility);
	mpq_t b0, step, bound, chosen;
	mpq_inits(b0, step, bound, chosen, NULL);
	long n = in->nvoters ? (long)in->nvoters : 1;
	mpq_set_si(b0, in->budget, (unsigned long)n);
	mpq_canonicalize(b0);
	mpq_set(chosen, b0);
	if (r->iterate == PB_COMPLETE_ADD1) {
		mpq_set_si(step, in->unit, 1);
	} else if (r->iterate == PB_COMPLETE_INC) {
		mpq_set_si(step, in->budget, (unsigned long)(100 * n));
		mpq_canonicalize(step);
		/* pabutools stops when the raised budget passes budget × (voters + 1) */
		mpq_set_si(bound, in->budget, 1);
		mpq_set_si(m.t1, n + 1, (unsigned long)n);
		mpq_canonicalize(m.t1);
		mpq_mul(bound, bound, m.t1);
	}
	out->runs = 0;
	if (r->iterate != PB_COMPLETE_NONE && mpq_sgn(step) > 0) {
		struct sel prev;
		sel_init(&prev, x->np);
		mpq_t prev_b0;
		mpq_init(prev_b0);
		mpq_set(prev_b0, b0);
		for (;;) {
			if (r->iterate == PB_COMPLETE_INC && mpq_cmp(b0, bound) > 0) {
				mpq_set(chosen, prev_b0);
				break;
			}
			sel_clear(s, x->np);
			m.param = r->iterate == PB_COMPLETE_ADD1 && !r->every_run;
			m.tsafe = TSAFE_MAX;
			mes_run(&m, b0, s, NULL);
			out->runs++;
			out->computed_runs++;
			if (s->total > in->budget) {
				mpq_set(chosen, prev_b0);
				break;
			}
			if (sel_exhaustive(s, x, r->iterate == PB_COMPLETE_ADD1, r->utility)) {
				mpq_set(chosen, b0);
				break;
			}
			sel_copy(&prev, s, x->np);
			/* the runs whose raise over this one stays within tsafe decide alike: the
			 * same outcome, neither exhaustive nor overspending; skip to the first that
			 * may differ (the last skipped one stands in as the previous outcome) */
			i128 skip = m.param ? m.tsafe / in->unit : 0;
			if (skip > TSAFE_MAX / 2)
				skip = TSAFE_MAX / 2;
			z_set_i128(m.z, skip);
			mpq_set_z(m.t1, m.z);
			mpq_mul(m.t1, m.t1, step);
			mpq_add(prev_b0, b0, m.t1);
			mpq_add(b0, prev_b0, step);
			out->runs += (int64_t)skip;
		}
		mpq_clear(prev_b0);
		sel_release(&prev);
	}
	/* the returned run once more, with its payments */
	sel_clear(s, x->np);
	out->payment = xy_calloc(x->np + 1, sizeof *out->payment);
	m.param = false;
	mes_run(&m, chosen, s, out->payment);
	if (out->runs == 0)
		out->runs = out->computed_runs = 1;
	out->nmes = s->n;
	out->voter_budget = q_dup(chosen, NULL, m.z);
	mpq_clears(b0, step, bound, chosen, NULL);
	mes_release(&m);
}

enum xy_kind pb_run(const struct pb_instance *in, const struct pb_rule *r, struct pb_result *out,
		    struct xy_err *e)
{
	memset(out, 0, sizeof *out);
	enum xy_kind k = pb_instance_check(in, e);
	if (k != XY_OK)
		return k;
	if (pb_rule_needs_points(r) && !in->points)
		return xy_fail(e, XY_EINVALID, "pb_rule_needs_points", "rule",
			       "this rule needs ballots with points");
	struct pbx x;
	pbx_build(&x, in);
	size_t np = in->nprojects;
	out->nprojects = np;
	out->supporters = xy_calloc(np + 1, sizeof *out->supporters);
	out->points = xy_calloc(np + 1, sizeof *out->points);
	for (size_t p = 0; p < np; p++) {
		out->supporters[p] = x.nsup[p];
		out->points[p] = in->points ? x.ptotal[p] : x.nsup[p];
	}
	struct sel s;
	sel_init(&s, np);
	if (r->mes) {
		pb_run_mes(&x, r, &s, out);
		if (r->greedy_after)
			greedy_fill(&x, PB_UTIL_COST, &s);
	} else {
		greedy_fill(&x, r->utility, &s);
	}
	out->nselected = s.n;
	out->total_cost = s.total;
	out->selected = xy_malloc((s.n + 1) * sizeof *out->selected);
	for (size_t i = 0; i < s.n; i++)
		out->selected[i] = s.p[i];
	sel_release(&s);
	pbx_release(&x);
	return XY_OK;
}
