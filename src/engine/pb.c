#include "engine/pb.h"

#include <gmp.h>
#include <stdio.h>
#include <string.h>

typedef __int128 i128;
typedef unsigned __int128 u128;

#define NONE UINT32_MAX

/* Fraction bits of the integer floors that filter comparisons: budgets and prices are below
 * 2^52 units, so floor(x · 2^48) fits in 100 bits, and times a weight below 2^20 in 120. Ranks
 * per unit of cost utility are at most 1 and get 100 bits. */
#define KB       48
#define KR_COST  100
#define KR_OTHER 60

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

struct pbx {
	const struct pb_instance *in;
	size_t np, nv;
	size_t *sstart;   /* np + 1 offsets into svoter / spoints */
	uint32_t *svoter; /* supporting voters of each project, ascending */
	int64_t *spoints; /* their points (1 on approval ballots) */
	int64_t *nsup;    /* listed supporters */
	int64_t *npos;    /* supporters with points > 0 */
	int64_t *ptotal;  /* total points */
	uint32_t *byid;   /* project indices in id order */
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

static void pbx_build(struct pbx *x, const struct pb_instance *in)
{
	size_t np = in->nprojects, nv = in->nvoters;
	memset(x, 0, sizeof *x);
	x->in = in;
	x->np = np;
	x->nv = nv;
	x->sstart = xy_calloc(np + 1, sizeof *x->sstart);
	x->nsup = xy_calloc(np + 1, sizeof *x->nsup);
	x->npos = xy_calloc(np + 1, sizeof *x->npos);
	x->ptotal = xy_calloc(np + 1, sizeof *x->ptotal);
	size_t *last = xy_malloc((np + 1) * sizeof *last); /* voter + 1 that last listed p */
	size_t *pos = xy_malloc((np + 1) * sizeof *pos);
	for (size_t p = 0; p < np; p++)
		last[p] = 0;
	for (size_t v = 0; v < nv; v++)
		for (size_t i = in->ballot_start[v]; i < in->ballot_start[v + 1]; i++) {
			uint32_t p = in->ballot_project[i];
			if (last[p] != v + 1) {
				last[p] = v + 1;
				x->sstart[p + 1]++;
			}
		}
	for (size_t p = 0; p < np; p++)
		x->sstart[p + 1] += x->sstart[p];
	size_t total = x->sstart[np];
	x->svoter = xy_malloc((total + 1) * sizeof *x->svoter);
	x->spoints = xy_malloc((total + 1) * sizeof *x->spoints);
	size_t *fill = xy_malloc((np + 1) * sizeof *fill);
	for (size_t p = 0; p < np; p++) {
		fill[p] = x->sstart[p];
		last[p] = 0;
	}
	for (size_t v = 0; v < nv; v++)
		for (size_t i = in->ballot_start[v]; i < in->ballot_start[v + 1]; i++) {
			uint32_t p = in->ballot_project[i];
			int64_t pts = in->points ? in->points[i] : 1;
			if (last[p] == v + 1) { /* listed twice: the last points win */
				x->spoints[pos[p]] = pts;
				continue;
			}
			last[p] = v + 1;
			pos[p] = fill[p]++;
			x->svoter[pos[p]] = (uint32_t)v;
			x->spoints[pos[p]] = pts;
		}
	for (size_t p = 0; p < np; p++)
		for (size_t i = x->sstart[p]; i < x->sstart[p + 1]; i++) {
			x->nsup[p]++;
			x->npos[p] += x->spoints[i] > 0;
			x->ptotal[p] += x->spoints[i];
		}
	free(fill);
	free(pos);
	free(last);
	x->byid = xy_malloc((np + 1) * sizeof *x->byid);
	uint32_t *tmp = xy_malloc((np + 1) * sizeof *tmp);
	for (size_t p = 0; p < np; p++)
		x->byid[p] = (uint32_t)p;
	sort_ctx(x->byid, np, tmp, cmp_byid, x);
	free(tmp);
}

static void pbx_release(struct pbx *x)
{
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

/* A rational with its floor at a fixed scale: comparisons look at the floors first. */
static int fq_cmp(i128 fa, const mpq_t a, i128 fb, const mpq_t b)
{
	if (fa != fb)
		return fa < fb ? -1 : 1;
	return mpq_cmp(a, b);
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
 */

/* Voters with equal budgets share a class; paying for a project moves each supporting class to a
 * new one (or to class 0, the empty budget). Classes never change once made. */
struct mes_cls {
	mpq_t b;
	i128 fl; /* floor(b · 2^KB) */
};

/* Supporters of one project grouped by (class, weight). */
struct mes_ent {
	uint32_t k, next, newk;
	int poor;
	int64_t w, cnt;
};

struct mes {
	const struct pbx *x;
	enum pb_utility util;
	int kr; /* fraction bits of the rank floors */
	struct mes_cls *cls;
	size_t ncls, ninit, capcls;
	uint32_t *stamp, *head, gen;
	uint32_t *vcls; /* per voter */
	struct mes_ent *ent;
	size_t nent;
	uint32_t *ent_of; /* per supporter position of the gathered project */
	bool *alive;
	uint32_t *order; /* candidates by rank, then id */
	size_t norder;
	mpq_t *rank;   /* per project: price per unit of utility (a lower bound until fresh) */
	i128 *flrank;  /* floor(rank · 2^kr) */
	int64_t empty; /* supporters with nothing left, of the gathered project */
	mpq_t rho, poor_sum, t1, t2;
	mpz_t z;
};

static int64_t mes_weight(const struct mes *m, size_t i)
{
	return m->util == PB_UTIL_POINTS ? m->x->spoints[i] : 1;
}

static void mes_init(struct mes *m, const struct pbx *x, enum pb_utility util)
{
	memset(m, 0, sizeof *m);
	m->x = x;
	m->util = util;
	m->kr = util == PB_UTIL_COST ? KR_COST : KR_OTHER;
	size_t maxsup = 1;
	for (size_t p = 0; p < x->np; p++)
		if ((size_t)x->nsup[p] > maxsup)
			maxsup = (size_t)x->nsup[p];
	m->ent = xy_malloc(maxsup * sizeof *m->ent);
	m->ent_of = xy_malloc(maxsup * sizeof *m->ent_of);
	m->vcls = xy_malloc((x->nv + 1) * sizeof *m->vcls);
	m->alive = xy_calloc(x->np + 1, sizeof *m->alive);
	m->order = xy_malloc((x->np + 1) * sizeof *m->order);
	m->rank = xy_malloc((x->np + 1) * sizeof *m->rank);
	m->flrank = xy_malloc((x->np + 1) * sizeof *m->flrank);
	for (size_t p = 0; p < x->np; p++)
		mpq_init(m->rank[p]);
	mpq_inits(m->rho, m->poor_sum, m->t1, m->t2, NULL);
	mpz_init(m->z);
}

static void mes_release(struct mes *m)
{
	for (size_t k = 0; k < m->ninit; k++)
		mpq_clear(m->cls[k].b);
	for (size_t p = 0; p < m->x->np; p++)
		mpq_clear(m->rank[p]);
	mpq_clears(m->rho, m->poor_sum, m->t1, m->t2, NULL);
	mpz_clear(m->z);
	free(m->cls);
	free(m->stamp);
	free(m->head);
	free(m->vcls);
	free(m->ent);
	free(m->ent_of);
	free(m->alive);
	free(m->order);
	free(m->rank);
	free(m->flrank);
}

/* A new class with budget b (b is read before the class array may move). */
static uint32_t mes_cls_new(struct mes *m, const mpq_t b)
{
	if (m->ncls == m->capcls) {
		size_t cap = m->capcls ? 2 * m->capcls : 1024;
		m->cls = xy_realloc(m->cls, cap * sizeof *m->cls);
		m->stamp = xy_realloc(m->stamp, cap * sizeof *m->stamp);
		m->head = xy_realloc(m->head, cap * sizeof *m->head);
		memset(m->stamp + m->capcls, 0, (cap - m->capcls) * sizeof *m->stamp);
		m->capcls = cap;
	}
	if (m->ncls == m->ninit)
		mpq_init(m->cls[m->ninit++].b);
	struct mes_cls *c = &m->cls[m->ncls];
	mpq_set(c->b, b);
	c->fl = q_floor(c->b, KB, m->z);
	return (uint32_t)m->ncls++;
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
		if (k == 0) {
			m->empty++;
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
		m->ent[e].cnt++;
		m->ent_of[i - s0] = e;
	}
}

/* Is the budget of class k below rho · w? flr = floor(rho · 2^KB). */
static bool mes_below(struct mes *m, uint32_t k, int64_t w, i128 flr)
{
	i128 lo = flr * w, hi = lo + w, fb = m->cls[k].fl;
	if (fb + 1 <= lo)
		return true;
	if (fb >= hi)
		return false;
	mpq_set_si(m->t1, w, 1);
	mpq_mul(m->t1, m->t1, m->rho);
	return mpq_cmp(m->cls[k].b, m->t1) < 0;
}

/* Solves sum over the gathered supporters of min(b, rho · w) = cost for m->rho, marking the
 * entries that pay less than rho · w (everything they have); their total is m->poor_sum. False
 * when the supporters together cannot afford the project. */
static bool mes_price(struct mes *m, int64_t cost)
{
	i128 rich = 0;
	for (size_t e = 0; e < m->nent; e++) {
		m->ent[e].poor = 0;
		rich += (i128)m->ent[e].cnt * m->ent[e].w;
	}
	mpq_set_ui(m->poor_sum, 0, 1);
	while (rich > 0) {
		mpq_set_si(m->rho, cost, 1);
		mpq_sub(m->rho, m->rho, m->poor_sum);
		z_set_i128(m->z, rich);
		mpq_set_z(m->t2, m->z);
		mpq_div(m->rho, m->rho, m->t2);
		i128 flr = q_floor(m->rho, KB, m->z);
		bool changed = false;
		for (size_t e = 0; e < m->nent; e++) {
			struct mes_ent *en = &m->ent[e];
			if (en->poor || !mes_below(m, en->k, en->w, flr))
				continue;
			en->poor = 1;
			changed = true;
			rich -= (i128)en->cnt * en->w;
			mpq_set_si(m->t1, en->cnt, 1);
			mpq_mul(m->t1, m->t1, m->cls[en->k].b);
			mpq_add(m->poor_sum, m->poor_sum, m->t1);
		}
		if (!changed)
			return true;
	}
	return false;
}

/* rank = rho per unit of utility: rho ÷ cost on cost utilities. */
static void mes_set_rank(struct mes *m, size_t p)
{
	if (m->util == PB_UTIL_COST) {
		mpq_set_si(m->t1, m->x->in->cost[p], 1);
		mpq_div(m->rank[p], m->rho, m->t1);
	} else {
		mpq_set(m->rank[p], m->rho);
	}
	m->flrank[p] = q_floor(m->rank[p], m->kr, m->z);
}

static int mes_cmp_rank(const struct mes *m, uint32_t a, uint32_t b)
{
	int c = fq_cmp(m->flrank[a], m->rank[a], m->flrank[b], m->rank[b]);
	return c ? c : strcmp(m->x->in->project_id[a], m->x->in->project_id[b]);
}

/* Insertion sort of the candidates by rank, then id: after a round only a few moved. */
static void mes_sort_order(struct mes *m)
{
	for (size_t i = 1; i < m->norder; i++) {
		uint32_t c = m->order[i];
		size_t j = i;
		while (j > 0 && mes_cmp_rank(m, m->order[j - 1], c) > 0) {
			m->order[j] = m->order[j - 1];
			j--;
		}
		m->order[j] = c;
	}
}

/* Charges the supporters of p, gathered and priced just before: rich entries move to a class
 * with rho · w less, poor ones to the empty class. Fills pay when not NULL. */
static void mes_pay(struct mes *m, size_t p, struct pb_payment *pay)
{
	const struct pbx *x = m->x;
	int64_t full = 0, partial = 0;
	for (size_t e = 0; e < m->nent; e++) {
		struct mes_ent *en = &m->ent[e];
		if (en->poor) {
			en->newk = 0;
			partial += en->cnt;
			continue;
		}
		full += en->cnt;
		mpq_set_si(m->t1, en->w, 1);
		mpq_mul(m->t1, m->t1, m->rho);
		mpq_sub(m->t2, m->cls[en->k].b, m->t1);
		en->newk = mpq_sgn(m->t2) == 0 ? 0 : mes_cls_new(m, m->t2);
	}
	size_t s0 = x->sstart[p];
	for (size_t i = s0; i < x->sstart[p + 1]; i++)
		if (m->ent_of[i - s0] != NONE)
			m->vcls[x->svoter[i]] = m->ent[m->ent_of[i - s0]].newk;
	if (!pay)
		return;
	pay->rho = q_dup(m->rank[p], NULL, m->z);
	if (m->util != PB_UTIL_POINTS)
		pay->share = q_dup(m->rho, &pay->share_floor, m->z);
	pay->full_payers = full;
	pay->partial_payers = partial;
	pay->empty_payers = m->empty;
	pay->partial_total = q_dup(m->poor_sum, &pay->partial_floor, m->z);
}

struct rank_item {
	const mpq_t *r;
	i128 fl;
	const char *id;
	uint32_t p;
};

static int cmp_rank_item(const void *a, const void *b)
{
	const struct rank_item *x = a, *y = b;
	int c = fq_cmp(x->fl, *x->r, y->fl, *y->r);
	return c ? c : strcmp(x->id, y->id);
}

/* One run of Equal Shares with starting budget b0 per voter; appends to s. pay (per project)
 * receives the payments when not NULL. */
static void mes_run(struct mes *m, const mpq_t b0, struct sel *s, struct pb_payment *pay)
{
	const struct pbx *x = m->x;
	const struct pb_instance *in = x->in;
	m->ncls = 0;
	mpq_set_ui(m->t2, 0, 1);
	mes_cls_new(m, m->t2);
	uint32_t start = mpq_sgn(b0) > 0 ? mes_cls_new(m, b0) : 0;
	for (size_t v = 0; v < x->nv; v++)
		m->vcls[v] = start;

	/* supported projects that cost nothing first; the others are candidates */
	m->norder = 0;
	struct rank_item *items = xy_malloc((x->np + 1) * sizeof *items);
	for (size_t i = 0; i < x->np; i++) {
		uint32_t p = x->byid[i];
		int64_t usum = m->util == PB_UTIL_POINTS ? x->ptotal[p] : x->nsup[p];
		m->alive[p] = false;
		if (s->chosen[p] || usum == 0)
			continue;
		if (in->cost[p] == 0) {
			sel_add(s, x, p);
			continue;
		}
		m->alive[p] = true;
		/* the price with everyone's full budget: a lower bound for every later round */
		mpq_set_si(m->rho, in->cost[p], usum);
		mpq_canonicalize(m->rho);
		mes_set_rank(m, p);
		items[m->norder++] =
			(struct rank_item){ &m->rank[p], m->flrank[p], in->project_id[p], p };
	}
	qsort(items, m->norder, sizeof *items, cmp_rank_item);
	for (size_t i = 0; i < m->norder; i++)
		m->order[i] = items[i].p;
	free(items);

	for (;;) {
		uint32_t best = NONE;
		for (size_t i = 0; i < m->norder; i++) {
			uint32_t c = m->order[i];
			if (!m->alive[c])
				continue;
			if (best != NONE &&
			    fq_cmp(m->flrank[c], m->rank[c], m->flrank[best], m->rank[best]) > 0)
				break;
			mes_gather(m, c);
			if (!mes_price(m, in->cost[c])) {
				m->alive[c] = false;
				continue;
			}
			mes_set_rank(m, c);
			if (best == NONE || mes_cmp_rank(m, c, best) < 0)
				best = c;
		}
		if (best == NONE)
			break;
		mes_gather(m, best);
		mes_price(m, in->cost[best]);
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
	long n = x->nv ? (long)x->nv : 1;
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
			mes_run(&m, b0, s, NULL);
			out->runs++;
			if (s->total > in->budget) {
				mpq_set(chosen, prev_b0);
				break;
			}
			if (sel_exhaustive(s, x, r->iterate == PB_COMPLETE_ADD1, r->utility)) {
				mpq_set(chosen, b0);
				break;
			}
			sel_copy(&prev, s, x->np);
			mpq_set(prev_b0, b0);
			mpq_add(b0, b0, step);
		}
		mpq_clear(prev_b0);
		sel_release(&prev);
	}
	/* the returned run once more, with its payments */
	sel_clear(s, x->np);
	out->payment = xy_calloc(x->np + 1, sizeof *out->payment);
	mes_run(&m, chosen, s, out->payment);
	if (out->runs == 0)
		out->runs = 1;
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
