#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/match_instance.h"
#include "engine/match.h"
#include "http/match_run.h"

static const char usage[] =
	"usage: xinyuan match --instance FILE [--json]\n"
	"       xinyuan match --area ID [--db PATH] [--json]\n"
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
	"  --area ID        the open needs (submitted, accepted, wish_open) of area ID and below\n"
	"                   against the providers serving it, within what is left of each\n"
	"                   provider's capacity, scored by skill, distance in the area tree,\n"
	"                   urgency and waiting time, each match with its reasons; read from\n"
	"                   --db (or $XINYUAN_DB), which is not changed\n"
	"  --json           --instance: "
	"{\"objective\":N,\"assignment\":[{\"need\":1,\"provider\":7}]}\n"
	"                   sorted by need id; --area: the answer of POST /api/v1/match\n"
	"                   without it, one line per match\n";

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

/* The command line may match anywhere: the system, with the worker's right to triage. */
static void match_actor(struct actor *a)
{
	cli_system_actor(a);
	a->grants[a->ngrants] = a->grants[0];
	a->grants[a->ngrants].role = ROLE_WORKER;
	a->ngrants++;
}

static int solve_area(const char *area, const char *dbarg, bool json)
{
	char *end = NULL;
	long long id = strtoll(area, &end, 10);
	if (!*area || *end || id <= 0) {
		fprintf(stderr, "xinyuan: --area wants an area id, got '%s'\n", area);
		return 2;
	}
	const char *db = cli_db(dbarg);
	if (!db)
		return 2;
	struct store *s = cli_open(db, OPEN_AS_IS);
	if (!s)
		return 1;
	struct actor who;
	match_actor(&who);
	struct xy_err e = { 0 };
	json_t *out = NULL;
	int rc = 0;
	if (match_run_area(s, &who, id, NULL, 0, &out, &e)) {
		fprintf(stderr, "xinyuan: %s: %s\n", e.code, e.message);
		rc = e.kind == XY_ENOTFOUND || e.kind == XY_EINVALID ? 2 : 1;
	} else if (json) {
		char *text = json_dumps(out, JSON_INDENT(2));
		puts(text ? text : "{}");
		free(text);
	} else {
		json_t *m = json_object_get(out, "matches");
		printf("objective %lld: %zu of %lld needs matched, %lld providers\n",
		       (long long)json_integer_value(json_object_get(out, "objective")),
		       json_array_size(m),
		       (long long)json_integer_value(json_object_get(out, "needs")),
		       (long long)json_integer_value(json_object_get(out, "providers")));
		size_t i;
		json_t *x;
		json_array_foreach(m, i, x)
		{
			printf("need %lld 「%s」 -> provider %lld 「%s」 (score %lld):",
			       (long long)json_integer_value(json_object_get(x, "need_id")),
			       json_string_value(json_object_get(x, "need_title")),
			       (long long)json_integer_value(json_object_get(x, "provider_id")),
			       json_string_value(json_object_get(x, "provider_name")),
			       (long long)json_integer_value(json_object_get(x, "score")));
			size_t k;
			json_t *why;
			json_array_foreach(json_object_get(x, "reasons"), k, why)
			{
				printf("%s%s", k ? ", " : " ", json_string_value(why));
			}
			putchar('\n');
		}
		json_array_foreach(json_object_get(out, "unmatched"), i, x)
		{
			printf("need %lld: no provider left\n", (long long)json_integer_value(x));
		}
	}
	json_decref(out);
	store_close(s);
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
	if (area && !instance)
		return solve_area(area, db, json);
	fputs(usage, stderr);
	return 2;
}
