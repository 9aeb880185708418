// match-lemon — solves an instance of bench/match/gen.c with LEMON, the reference solvers.
//
//   match-lemon ns|cs FILE [RUNS]
//
// ns = NetworkSimplex (block search pivot), cs = CostScaling (partial augment), both LEMON's
// defaults. The max-weight b-matching as a min-cost flow on a StaticDigraph:
//   source -> need      capacity 1         cost 0
//   need -> provider    capacity 1         cost -score    (one arc per edge)
//   provider -> sink    capacity capacity  cost 0
//   source -> sink      capacity NEEDS     cost 0          (the bypass: a need may stay unmatched)
// with supply NEEDS at the source and demand NEEDS at the sink. Every unit goes through a need
// or the bypass, so the minimum cost is minus the greatest total score of a b-matching (a
// path of positive cost is never forced: the bypass is free).
//
// Prints one line: the objective (minus the total cost), the best wall-clock time of RUNS
// calls of run() (the graph and the maps are built once, outside the timing; each run gets a
// fresh algorithm object, whose construction is timed too, as build_ms), and the process's
// peak memory.
#include <lemon/cost_scaling.h>
#include <lemon/network_simplex.h>
#include <lemon/static_graph.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

using lemon::StaticDigraph;
typedef StaticDigraph::ArcMap<int> IntArcMap;
typedef StaticDigraph::ArcMap<long long> CostArcMap;

namespace
{

struct Edge {
	int need, prov, score;
};

[[noreturn]] void die(const char *what)
{
	std::fprintf(stderr, "match-lemon: %s\n", what);
	std::exit(1);
}

double now_ms()
{
	using namespace std::chrono;
	return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

double cpu_ms()
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

long maxrss_kb()
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

int rank_of(const std::vector<int64_t> &sorted, int64_t id)
{
	auto it = std::lower_bound(sorted.begin(), sorted.end(), id);
	if (it == sorted.end() || *it != id)
		die("an edge names an unknown id");
	return int(it - sorted.begin());
}

template <typename Algo>
int solve(const char *name, const StaticDigraph &g, const IntArcMap &cap, const CostArcMap &cost,
	  StaticDigraph::Node s, StaticDigraph::Node t, int nneeds, int runs)
{
	double best_run = 0, best_build = 0, best_cpu = 0;
	long long total = 0;
	for (int r = 0; r < runs; r++) {
		double t0 = now_ms();
		Algo algo(g);
		algo.upperMap(cap).costMap(cost).stSupply(s, t, nneeds);
		double t1 = now_ms(), c1 = cpu_ms();
		if (algo.run() != Algo::OPTIMAL)
			die("LEMON did not find an optimum");
		double t2 = now_ms(), c2 = cpu_ms();
		if (r == 0 || c2 - c1 < best_cpu)
			best_cpu = c2 - c1;
		total = algo.totalCost();
		if (r == 0 || t2 - t1 < best_run)
			best_run = t2 - t1;
		if (r == 0 || t1 - t0 < best_build)
			best_build = t1 - t0;
	}
	std::printf("solver=lemon-%s objective=%lld best_ms=%.1f cpu_ms=%.1f build_ms=%.1f "
		    "maxrss_kb=%ld\n",
		    name, -total, best_run, best_cpu, best_build, maxrss_kb());
	return 0;
}

} // namespace

int main(int argc, char **argv)
{
	if (argc < 3 || (std::strcmp(argv[1], "ns") != 0 && std::strcmp(argv[1], "cs") != 0)) {
		std::fputs("usage: match-lemon ns|cs FILE [RUNS]\n", stderr);
		return 2;
	}
	int runs = argc > 3 ? std::atoi(argv[3]) : 3;
	if (runs < 1)
		runs = 1;
	FILE *in = std::fopen(argv[2], "r");
	if (!in)
		die("cannot open the instance");
	char line[512];
	size_t nn, np, ne;
	if (!std::fgets(line, sizeof line, in) ||
	    std::sscanf(line, "p %zu %zu %zu", &nn, &np, &ne) != 3)
		die("not an instance (first line)");
	std::vector<int64_t> need_id, prov_id;
	std::vector<std::pair<int64_t, int>> prov_cap;
	std::vector<std::pair<std::pair<int64_t, int64_t>, int>> raw;
	need_id.reserve(nn);
	prov_cap.reserve(np);
	raw.reserve(ne);
	while (std::fgets(line, sizeof line, in)) {
		char *end;
		if (line[0] == 'e') {
			int64_t a = std::strtoll(line + 2, &end, 10);
			int64_t b = std::strtoll(end, &end, 10);
			int sc = int(std::strtol(end, &end, 10));
			raw.push_back({ { a, b }, sc });
		} else if (line[0] == 'n') {
			need_id.push_back(std::strtoll(line + 2, &end, 10));
		} else if (line[0] == 'v') {
			int64_t id = std::strtoll(line + 2, &end, 10);
			prov_cap.push_back({ id, int(std::strtol(end, &end, 10)) });
		}
	}
	std::fclose(in);
	if (need_id.size() != nn || prov_cap.size() != np || raw.size() != ne)
		die("the file does not hold what its first line announces");
	std::sort(need_id.begin(), need_id.end());
	std::sort(prov_cap.begin(), prov_cap.end());
	for (auto &pc : prov_cap)
		prov_id.push_back(pc.first);

	// nodes: 0 source, 1..nn needs, nn+1..nn+np providers, nn+np+1 sink
	int N = int(nn), P = int(np);
	int src = 0, snk = N + P + 1;
	std::vector<Edge> edges;
	edges.reserve(ne);
	for (auto &r : raw)
		edges.push_back({ rank_of(need_id, r.first.first), rank_of(prov_id, r.first.second),
				  r.second });
	std::vector<std::pair<std::pair<int64_t, int64_t>, int>>().swap(raw);
	std::sort(edges.begin(), edges.end(), [](const Edge &a, const Edge &b) {
		return a.need < b.need || (a.need == b.need && a.prov < b.prov);
	});

	// StaticDigraph wants its arcs ordered by source node
	std::vector<std::pair<int, int>> arcs;
	arcs.reserve(size_t(N) + 1 + edges.size() + size_t(P));
	for (int i = 0; i < N; i++)
		arcs.push_back({ src, 1 + i });
	arcs.push_back({ src, snk });
	for (auto &e : edges)
		arcs.push_back({ 1 + e.need, 1 + N + e.prov });
	for (int q = 0; q < P; q++)
		arcs.push_back({ 1 + N + q, snk });
	StaticDigraph g;
	g.build(N + P + 2, arcs.begin(), arcs.end());
	std::vector<std::pair<int, int>>().swap(arcs);

	IntArcMap cap(g);
	CostArcMap cost(g);
	int a = 0;
	for (int i = 0; i < N; i++, a++) {
		cap[g.arc(a)] = 1;
		cost[g.arc(a)] = 0;
	}
	cap[g.arc(a)] = N;
	cost[g.arc(a)] = 0;
	a++;
	for (auto &e : edges) {
		cap[g.arc(a)] = 1;
		cost[g.arc(a)] = -(long long)e.score;
		a++;
	}
	for (int q = 0; q < P; q++, a++) {
		cap[g.arc(a)] = std::min(prov_cap[q].second, N);
		cost[g.arc(a)] = 0;
	}
	std::vector<Edge>().swap(edges);

	if (std::strcmp(argv[1], "ns") == 0)
		return solve<lemon::NetworkSimplex<StaticDigraph, int, long long>>(
			"ns", g, cap, cost, g.node(src), g.node(snk), N, runs);
	return solve<lemon::CostScaling<StaticDigraph, int, long long>>(
		"cs", g, cap, cost, g.node(src), g.node(snk), N, runs);
}
