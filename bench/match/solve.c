/* match-xy — times xinyuan's matching engine on an instance of bench/match/gen.c.
 *
 *   match-xy solve FILE [RUNS]   match_solve RUNS times (default 3): the objective, the best
 *                                wall-clock time and the process's peak memory
 *   match-xy topk FILE [K]       match_topk (K = 10) for 1,000 needs spread over the file
 *                                against every provider: median and worst time per call
 *
 * One line on stdout, key=value pairs, for bench/match/run.sh. The solve time is the whole of
 * match_solve: ranking the ids, laying out the graph, solving and building the result.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "engine/match.h"

/* Milliseconds on clock c: CLOCK_MONOTONIC (wall), CLOCK_PROCESS_CPUTIME_ID, or
 * CLOCK_THREAD_CPUTIME_ID (CPU time, without the time the thread was not running). */
static double clock_ms(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long maxrss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

struct file {
	size_t nn, np, ne;
	int64_t *need_id, *prov_id, *cap;
	struct match_edge *edges;
	/* with attributes only */
	struct match_need *needs;
	struct match_provider *provs;
	char *paths; /* AREA_PATH_MAX per need, then per provider */
};

static void die(const char *what)
{
	fprintf(stderr, "match-xy: %s\n", what);
	exit(1);
}

static match_catset catset_parse(char *list)
{
	match_catset s = 0;
	if (strcmp(list, "-") == 0)
		return 0;
	for (char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		char save = p[len];
		p[len] = '\0';
		int c = match_category_parse(p);
		if (c < 0)
			die("unknown category in the file");
		s |= (match_catset)1 << c;
		p += len + (save != '\0');
	}
	return s;
}

static void load(const char *path, int attrs, struct file *f)
{
	FILE *in = fopen(path, "r");
	if (!in)
		die("cannot open the instance");
	char line[512];
	if (!fgets(line, sizeof line, in) ||
	    sscanf(line, "p %zu %zu %zu", &f->nn, &f->np, &f->ne) != 3)
		die("not an instance (first line)");
	f->need_id = calloc(f->nn, sizeof *f->need_id);
	f->prov_id = calloc(f->np, sizeof *f->prov_id);
	f->cap = calloc(f->np, sizeof *f->cap);
	f->edges = calloc(f->ne, sizeof *f->edges);
	if (attrs) {
		f->needs = calloc(f->nn, sizeof *f->needs);
		f->provs = calloc(f->np, sizeof *f->provs);
		f->paths = calloc(f->nn + f->np, AREA_PATH_MAX);
	}
	if (!f->need_id || !f->prov_id || !f->cap || !f->edges ||
	    (attrs && (!f->needs || !f->provs || !f->paths)))
		die("out of memory");
	size_t in_n = 0, in_p = 0, in_e = 0;
	while (fgets(line, sizeof line, in)) {
		char *end;
		if (line[0] == 'e') {
			if (in_e == f->ne)
				die("more edges than announced");
			struct match_edge *ed = &f->edges[in_e++];
			ed->need = strtoll(line + 2, &end, 10);
			ed->provider = strtoll(end, &end, 10);
			ed->score = (int32_t)strtol(end, &end, 10);
		} else if (line[0] == 'n') {
			if (in_n == f->nn)
				die("more needs than announced");
			char cat[32], area[AREA_PATH_MAX], urg[16], groups[128];
			int days;
			int64_t id;
			if (sscanf(line, "n %" SCNd64 " %31s %127s %15s %d %127s", &id, cat, area,
				   urg, &days, groups) != 6)
				die("bad need line");
			f->need_id[in_n] = id;
			if (attrs) {
				struct match_need *n = &f->needs[in_n];
				char *slot = f->paths + in_n * AREA_PATH_MAX;
				memcpy(slot, area, sizeof area);
				n->id = id;
				n->category = match_category_parse(cat);
				n->area_path = slot;
				n->urgency = (enum need_urgency)need_urgency_parse(urg);
				n->days_waiting = days;
				n->groups = catset_parse(groups);
			}
			in_n++;
		} else if (line[0] == 'v') {
			if (in_p == f->np)
				die("more providers than announced");
			char kind[16], area[AREA_PATH_MAX], skills[256];
			int64_t id, cap;
			if (sscanf(line, "v %" SCNd64 " %" SCNd64 " %15s %127s %255s", &id, &cap,
				   kind, area, skills) != 5)
				die("bad provider line");
			f->prov_id[in_p] = id;
			f->cap[in_p] = cap;
			if (attrs) {
				struct match_provider *p = &f->provs[in_p];
				char *slot = f->paths + (f->nn + in_p) * AREA_PATH_MAX;
				memcpy(slot, area, sizeof area);
				p->id = id;
				p->capacity = cap;
				p->kind = match_kind_parse(kind);
				p->area_path = slot;
				p->skills = catset_parse(skills);
			}
			in_p++;
		}
	}
	fclose(in);
	if (in_n != f->nn || in_p != f->np || in_e != f->ne)
		die("the file holds fewer records than announced");
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int run_solve(const struct file *f, int runs)
{
	struct match_instance in = { .nneeds = f->nn,
				     .nproviders = f->np,
				     .nedges = f->ne,
				     .needs = f->need_id,
				     .providers = f->prov_id,
				     .capacity = f->cap,
				     .edges = f->edges };
	double best = 0, best_cpu = 0;
	int64_t objective = 0;
	size_t pairs = 0;
	for (int r = 0; r < runs; r++) {
		struct match_result res;
		struct xy_err e = { 0 };
		double t0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
		if (match_solve(&in, &res, &e)) {
			fprintf(stderr, "match-xy: %s\n", e.message);
			return 1;
		}
		double t = clock_ms(CLOCK_MONOTONIC) - t0,
		       c = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
		if (r == 0 || t < best)
			best = t;
		if (r == 0 || c < best_cpu)
			best_cpu = c;
		objective = res.objective;
		pairs = res.npairs;
		match_result_release(&res);
	}
	printf("solver=xinyuan objective=%" PRId64 " matched=%zu best_ms=%.1f cpu_ms=%.1f "
	       "maxrss_kb=%ld\n",
	       objective, pairs, best, best_cpu, maxrss_kb());
	return 0;
}

enum { CALLS = 1000 };

/* match_topk for CALLS needs spread over the file; t[c] = microseconds of call c (wall
 * clock), ct[c] the same in CPU time (without the time the thread was not running). */
static int topk_pass(const struct file *f, size_t k, struct match_candidate *out, double *t,
		     double *ct, size_t *found)
{
	*found = 0;
	for (int c = 0; c < CALLS; c++) {
		const struct match_need *n = &f->needs[(size_t)c * f->nn / CALLS];
		size_t got;
		struct xy_err e = { 0 };
		double t0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_THREAD_CPUTIME_ID);
		if (match_topk(n, f->provs, f->np, MATCH_REACH_SERVICE_AREA, k, out, &got, &e)) {
			fprintf(stderr, "match-xy: %s\n", e.message);
			return 1;
		}
		t[c] = (clock_ms(CLOCK_MONOTONIC) - t0) * 1e3;
		ct[c] = (clock_ms(CLOCK_THREAD_CPUTIME_ID) - c0) * 1e3;
		*found += got;
	}
	return 0;
}

static int run_topk(const struct file *f, size_t k)
{
	static double t[CALLS], ct[CALLS];
	struct match_candidate *out = calloc(k, sizeof *out);
	if (!out)
		die("out of memory");
	size_t found;
	/* the first pass warms the caches and is not reported */
	if (topk_pass(f, k, out, t, ct, &found) || topk_pass(f, k, out, t, ct, &found)) {
		free(out);
		return 1;
	}
	qsort(t, CALLS, sizeof *t, cmp_double);
	qsort(ct, CALLS, sizeof *ct, cmp_double);
	printf("solver=xinyuan topk=%zu providers=%zu calls=%d median_us=%.1f p99_us=%.1f "
	       "max_us=%.1f cpu_max_us=%.1f mean_found=%.1f\n",
	       k, f->np, CALLS, t[CALLS / 2], t[CALLS * 99 / 100], t[CALLS - 1], ct[CALLS - 1],
	       (double)found / CALLS);
	free(out);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3 || (strcmp(argv[1], "solve") != 0 && strcmp(argv[1], "topk") != 0)) {
		fputs("usage: match-xy solve FILE [RUNS] | match-xy topk FILE [K]\n", stderr);
		return 2;
	}
	int topk = strcmp(argv[1], "topk") == 0;
	long arg = argc > 3 ? strtol(argv[3], NULL, 10) : topk ? 10 : 3;
	if (arg < 1)
		arg = 1;
	struct file f = { 0 };
	load(argv[2], topk, &f);
	int rc = topk ? run_topk(&f, (size_t)arg) : run_solve(&f, (int)arg);
	free(f.need_id);
	free(f.prov_id);
	free(f.cap);
	free(f.edges);
	free(f.needs);
	free(f.provs);
	free(f.paths);
	return rc;
}
