#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/match_instance.h"
#include "engine/match.h"

static const char usage[] =
	"usage: xinyuan match --instance FILE [--json]\n"
	"       xinyuan match --area ID --db PATH [--json]   (from the store: not in this build "
	"yet)\n"
	"\n"
	"Finds the assignment of needs to providers with the greatest total score: every need\n"
	"served at most once, no provider past its capacity, a need left unmatched when no edge\n"
	"of positive score can take it. Exact (a min-cost flow), and the same input always gives\n"
	"the same answer. See docs/matching.md.\n"
	"\n"
	"  --instance FILE  the engine alone, on a JSON instance (FILE - reads stdin):\n"
	"                   {\"needs\":[{\"id\":1}], \"providers\":[{\"id\":7,\"capacity\":3}],\n"
	"                    \"edges\":[{\"need\":1,\"provider\":7,\"score\":42}]}\n"
	"                   unknown keys, wrong types, negative capacities and unknown ids are\n"
	"                   refused (exit 2)\n"
	"  --area ID        the open needs of area ID against the providers serving it, scored\n"
	"                   by skill, distance in the area tree, urgency and waiting time, each\n"
	"                   match with its reasons (read from the database of --db)\n"
	"  --json           print {\"objective\":N,\"assignment\":[{\"need\":1,\"provider\":7}]},\n"
	"                   sorted by need id; without it, one line per match\n";

static int solve_instance(const char *path, bool json)
{
	size_t len;
	char *buf = cli_read_file(path, MATCH_INSTANCE_MAX_BYTES, &len);
	if (!buf)
		return 2;
	struct match_instance_doc doc;
	struct match_result r = { 0 };
	struct xy_err e = { 0 };
	enum xy_kind k = match_instance_parse(buf, len, &doc, &e);
	free(buf);
	if (!k)
		k = match_solve(&doc.in, &r, &e);
	int rc = 0;
	if (k) {
		fprintf(stderr, "xinyuan: %s: %s: %s\n", strcmp(path, "-") ? path : "stdin", e.code,
			e.message);
		rc = k == XY_EINTERNAL ? 1 : 2;
	} else if (json) {
		char *text = match_instance_answer(&r);
		if (text) {
			puts(text);
			free(text);
		} else {
			fputs("xinyuan: out of memory\n", stderr);
			rc = 1;
		}
	} else {
		printf("objective %lld: %zu of %zu needs matched\n", (long long)r.objective,
		       r.npairs, doc.in.nneeds);
		for (size_t x = 0; x < r.npairs; x++)
			printf("need %lld -> provider %lld (score %ld)\n",
			       (long long)r.pairs[x].need, (long long)r.pairs[x].provider,
			       (long)r.pairs[x].score);
	}
	match_result_release(&r);
	match_instance_release(&doc);
	return rc;
}

int cmd_match(int argc, char **argv)
{
	const char *instance = NULL, *area = NULL, *db = NULL;
	bool json = false;
	const struct opt opts[] = { { "--instance", true, &instance, NULL },
				    { "--area", true, &area, NULL },
				    { "--db", true, &db, NULL },
				    { "--json", false, NULL, &json } };
	int p = cli_parse(argc, argv, opts, 4, usage);
	if (p)
		return p > 0 ? 0 : 2;
	if (instance && !area && !db)
		return solve_instance(instance, json);
	if (area && !instance) {
		fputs("xinyuan: match --area is not in this build yet; use --instance\n", stderr);
		return 2;
	}
	fputs(usage, stderr);
	return 2;
}
