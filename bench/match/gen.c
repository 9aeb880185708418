/* match-gen — generates a matching instance of the benchmark (bench/match/run.sh).
 *
 *   match-gen NEEDS PROVIDERS SEED OUT.txt [OUT.json]
 *
 * A district of streets, each of 12 communities of 5 compounds, with one community per 35
 * providers. Needs sit in a compound (75%) or at community level, with a category drawn from a
 * skewed distribution (elderly and environment most often), an urgency (15% high), 0..90 days
 * of waiting and beneficiary groups. Providers serve a community (85%), a whole street (10%)
 * or one compound, with one or two skills (often a category and one close to it), capacity
 * 1..30 (most small) and a kind. The candidate edges are those of match_build_edges with
 * MATCH_REACH_SERVICE_AREA: a fitting skill and the need inside the service area; their
 * scores (200..1000) come from match_score. Same arguments, same file.
 *
 * OUT.txt, one record a line:
 *   p NEEDS PROVIDERS EDGES
 *   n ID CATEGORY AREA URGENCY DAYS GROUPS        GROUPS: comma list or "-"
 *   v ID CAPACITY KIND AREA SKILLS                SKILLS: comma list
 *   e NEED PROVIDER SCORE
 * OUT.json (optional): the instance format of `xinyuan match --instance`.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/area.h"
#include "engine/match.h"

#define COMMUNITIES_PER_STREET 12
#define COMPOUNDS              5
#define PROVIDERS_PER_COMM     35

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int below(int n)
{
	return (int)(rnd() % (uint64_t)n);
}

/* A category by weight: elderly and environment needs are the most common. */
static int pick_category(void)
{
	static const int weight[MATCH_CAT_COUNT] = { 15, 9, 20, 12, 8, 7, 4, 4, 8, 6, 3, 4 };
	int total = 0;
	for (int c = 0; c < MATCH_CAT_COUNT; c++)
		total += weight[c];
	int r = below(total);
	for (int c = 0; c < MATCH_CAT_COUNT; c++) {
		if (r < weight[c])
			return c;
		r -= weight[c];
	}
	return MATCH_CAT_COUNT - 1;
}

static void catset_print(FILE *f, match_catset s)
{
	int first = 1;
	for (int c = 0; c < MATCH_CAT_COUNT; c++)
		if (s & ((match_catset)1 << c)) {
			fprintf(f, "%s%s", first ? "" : ",", match_category_name(c));
			first = 0;
		}
	if (first)
		fputc('-', f);
}

int main(int argc, char **argv)
{
	if (argc != 5 && argc != 6) {
		fputs("usage: match-gen NEEDS PROVIDERS SEED OUT.txt [OUT.json]\n", stderr);
		return 2;
	}
	long nn = strtol(argv[1], NULL, 10), np = strtol(argv[2], NULL, 10);
	rng_state = strtoull(argv[3], NULL, 10);
	if (nn < 1 || np < 1 || nn > 10000000 || np > 1000000) {
		fputs("match-gen: NEEDS and PROVIDERS must be positive\n", stderr);
		return 2;
	}
	int ncomm = (int)((np + PROVIDERS_PER_COMM - 1) / PROVIDERS_PER_COMM);

	/* area paths: /1/2/3/STREET/COMMUNITY/COMPOUND/ */
	char(*comm_path)[AREA_PATH_MAX] = calloc((size_t)ncomm, AREA_PATH_MAX);
	char(*cpd_path)[AREA_PATH_MAX] = calloc((size_t)ncomm * COMPOUNDS, AREA_PATH_MAX);
	char(*street_path)[AREA_PATH_MAX] = calloc((size_t)ncomm, AREA_PATH_MAX);
	struct match_need *needs = calloc((size_t)nn, sizeof *needs);
	struct match_provider *provs = calloc((size_t)np, sizeof *provs);
	if (!comm_path || !cpd_path || !street_path || !needs || !provs) {
		fputs("match-gen: out of memory\n", stderr);
		return 1;
	}
	for (int c = 0; c < ncomm; c++) {
		int street = 100 + c / COMMUNITIES_PER_STREET;
		snprintf(street_path[c], AREA_PATH_MAX, "/1/2/3/%d/", street);
		snprintf(comm_path[c], AREA_PATH_MAX, "/1/2/3/%d/%d/", street, 1000 + c);
		for (int k = 0; k < COMPOUNDS; k++)
			snprintf(cpd_path[c * COMPOUNDS + k], AREA_PATH_MAX, "/1/2/3/%d/%d/%d/",
				 street, 1000 + c, 100000 + c * 10 + k);
	}

	for (long x = 0; x < nn; x++) {
		struct match_need *n = &needs[x];
		int c = below(ncomm);
		n->id = 1000000 + x;
		n->category = pick_category();
		n->area_path = below(4) ? cpd_path[c * COMPOUNDS + below(COMPOUNDS)] : comm_path[c];
		int u = below(100);
		n->urgency = u < 15 ? URG_HIGH : u < 70 ? URG_NORMAL : URG_LOW;
		n->days_waiting = below(91);
		if (below(10) < 3)
			n->groups |= (match_catset)1 << MATCH_CAT_ELDERLY;
		if (below(10) < 2)
			n->groups |= (match_catset)1 << MATCH_CAT_CHILDREN;
	}
	for (long x = 0; x < np; x++) {
		struct match_provider *p = &provs[x];
		int c = (int)(x % ncomm);
		int r = below(100);
		p->id = 1 + x;
		p->area_path = r < 89   ? comm_path[c]
			       : r < 95 ? street_path[c]
					: cpd_path[c * COMPOUNDS + below(COMPOUNDS)];
		p->skills = (match_catset)1 << pick_category();
		if (below(2))
			p->skills |= (match_catset)1 << pick_category();
		int s = below(100);
		p->capacity = 1 + (int64_t)s * s * 29 / 9801; /* 1..30, mostly small */
		p->kind = below(10) < 6 ? MATCH_KIND_TALENT : MATCH_KIND_RESOURCE;
	}

	struct match_edge *edges;
	size_t ne;
	struct xy_err e = { 0 };
	if (match_build_edges(needs, (size_t)nn, provs, (size_t)np, MATCH_REACH_SERVICE_AREA,
			      &edges, &ne, &e)) {
		fprintf(stderr, "match-gen: %s\n", e.message);
		return 1;
	}

	FILE *f = fopen(argv[4], "w");
	if (!f) {
		perror(argv[4]);
		return 1;
	}
	static const char *const urg[] = { "low", "normal", "high" };
	fprintf(f, "p %ld %ld %zu\n", nn, np, ne);
	for (long x = 0; x < nn; x++) {
		const struct match_need *n = &needs[x];
		fprintf(f, "n %" PRId64 " %s %s %s %d ", n->id, match_category_name(n->category),
			n->area_path, urg[n->urgency], (int)n->days_waiting);
		catset_print(f, n->groups);
		fputc('\n', f);
	}
	for (long x = 0; x < np; x++) {
		const struct match_provider *p = &provs[x];
		fprintf(f, "v %" PRId64 " %" PRId64 " %s %s ", p->id, p->capacity,
			p->kind == MATCH_KIND_TALENT ? "talent" : "resource", p->area_path);
		catset_print(f, p->skills);
		fputc('\n', f);
	}
	for (size_t x = 0; x < ne; x++)
		fprintf(f, "e %" PRId64 " %" PRId64 " %d\n", edges[x].need, edges[x].provider,
			(int)edges[x].score);
	if (fclose(f) != 0) {
		perror(argv[4]);
		return 1;
	}

	if (argc == 6) {
		f = fopen(argv[5], "w");
		if (!f) {
			perror(argv[5]);
			return 1;
		}
		fputs("{\"needs\":[", f);
		for (long x = 0; x < nn; x++)
			fprintf(f, "%s{\"id\":%" PRId64 "}", x ? "," : "", needs[x].id);
		fputs("],\n\"providers\":[", f);
		for (long x = 0; x < np; x++)
			fprintf(f, "%s{\"id\":%" PRId64 ",\"capacity\":%" PRId64 "}", x ? "," : "",
				provs[x].id, provs[x].capacity);
		fputs("],\n\"edges\":[", f);
		for (size_t x = 0; x < ne; x++)
			fprintf(f,
				"%s\n{\"need\":%" PRId64 ",\"provider\":%" PRId64 ",\"score\":%d}",
				x ? "," : "", edges[x].need, edges[x].provider,
				(int)edges[x].score);
		fputs("]}\n", f);
		if (fclose(f) != 0) {
			perror(argv[5]);
			return 1;
		}
	}
	fprintf(stderr, "match-gen: %ld needs, %ld providers, %zu edges, %d communities\n", nn, np,
		ne, ncomm);
	free(edges);
	free(needs);
	free(provs);
	free(comm_path);
	free(cpd_path);
	free(street_path);
	return 0;
}
