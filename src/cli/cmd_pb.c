/* cmd_pb — `xinyuan pb run|import|export` (participatory budgeting with Pabulib files) and
 * `xinyuan allocate` (the need-weighted split of a fund). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/money.h"
#include "engine/pabulib.h"
#include "engine/pb.h"
#include "http/split_run.h"
#include "store/pb_rounds.h"

#define PB_FILE_MAX         ((size_t)1 << 30)
#define EXIT_NOT_APPLICABLE 77

static const char pb_usage[] =
	"usage: xinyuan pb run FILE.pb --rule RULE\n"
	"       xinyuan pb import FILE.pb --area ID [--rule RULE] [--title TEXT] --db DB\n"
	"       xinyuan pb export ROUND [--out FILE] --db DB\n"
	"\n"
	"Participatory budgeting with Pabulib (.pb) files; see docs/participatory-budgeting.md.\n"
	"\n"
	"  run     prints the projects RULE selects, one project_id a line in the order chosen.\n"
	"          Rules: greedy_cost, greedy_card, greedy_points, mes_cost, mes_card,\n"
	"          mes_points, and a mes_ rule followed by _add1 or _inc and/or _greedy\n"
	"          (mes_cost_add1_greedy). Exact arithmetic; ties go to the smaller project_id.\n"
	"          Exit 2 for a malformed file (the message names the line), 77 when the rule\n"
	"          does not apply to the file's vote_type (points rules need cumulative or\n"
	"          scoring ballots; ordinal ballots take no rule).\n"
	"  import  opens a round of area ID with the file's projects, budget and ballots\n"
	"          (approval or cumulative; amounts with at most 2 decimals, read as yuan);\n"
	"          prints the round's id. RULE defaults to mes_cost_add1_greedy.\n"
	"  export  writes round ROUND as a .pb file (to stdout without --out).\n";

/* Parses a .pb file; prints the fault and returns 2 on failure, 1 when it cannot be read. */
static int read_pb(const char *path, char **buf, struct pabulib *pb)
{
	size_t len;
	memset(pb, 0, sizeof *pb);
	*buf = cli_read_file(path, PB_FILE_MAX, &len);
	if (!*buf)
		return 1;
	struct xy_err e = { 0 };
	if (pabulib_parse(*buf, len, pb, &e) != XY_OK) {
		fprintf(stderr, "xinyuan: %s: %s\n", path, e.message);
		return 2;
	}
	return 0;
}

/* Does rule r apply to ballots of type t? */
static bool rule_applies(const struct pb_rule *r, enum pabulib_vote_type t)
{
	if (t == PABULIB_ORDINAL)
		return false;
	return !pb_rule_needs_points(r) || t == PABULIB_CUMULATIVE || t == PABULIB_SCORING;
}

static int pb_cmd_run(int argc, char **argv)
{
	const char *rule_name = NULL;
	const struct opt opts[] = { { "--rule", true, &rule_name, NULL } };
	if (argc < 2 || argv[1][0] == '-') {
		fputs(pb_usage, argc >= 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr);
		return argc >= 2 && strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	int p = cli_parse(argc - 1, argv + 1, opts, 1, pb_usage);
	if (p)
		return p > 0 ? 0 : 2;
	struct pb_rule r;
	if (!rule_name || !pb_rule_parse(rule_name, &r)) {
		fprintf(stderr, "xinyuan: %s: say --rule RULE (see --help)\n",
			rule_name ? "unknown rule" : "no rule");
		return 2;
	}
	char *buf;
	struct pabulib pb;
	int rc = read_pb(argv[1], &buf, &pb);
	if (!rc && !rule_applies(&r, pb.vote_type)) {
		fprintf(stderr, "xinyuan: %s does not apply to %s ballots\n", rule_name,
			pabulib_vote_type_name(pb.vote_type));
		rc = EXIT_NOT_APPLICABLE;
	}
	struct pb_result res = { 0 };
	struct xy_err e = { 0 };
	if (!rc && pb_run(&pb.inst, &r, &res, &e) != XY_OK) {
		fprintf(stderr, "xinyuan: %s: %s\n", argv[1], e.message);
		rc = 2;
	}
	for (size_t i = 0; !rc && i < res.nselected; i++)
		puts(pb.inst.project_id[res.selected[i]]);
	pb_result_release(&res);
	pabulib_release(&pb);
	free(buf);
	return rc;
}

/* The command line acts as the system: an admin over the whole tree. */
static void system_actor(struct actor *a)
{
	memset(a, 0, sizeof *a);
	a->ngrants = 1;
	a->grants[0].role = ROLE_ADMIN;
	snprintf(a->grants[0].path, sizeof a->grants[0].path, "/");
	snprintf(a->grants[0].scope, sizeof a->grants[0].scope, "/");
}

/* The file's amount v (in units of 10^-decimals) in fen, or -1 when it has more than 2
 * decimals or is out of range. */
static int64_t to_fen(int64_t v, int decimals)
{
	if (decimals > 2)
		return -1;
	for (int d = decimals; d < 2; d++)
		v *= 10;
	return v > MONEY_MAX_FEN ? -1 : v;
}

/* A copy of s cut to at most max code points (a round's titles have a limit; Pabulib names do
 * not). */
static char *cut_text(const char *s, size_t max)
{
	size_t i = 0, cps = 0;
	while (s[i] && cps < max) {
		i++;
		while ((s[i] & 0xC0) == 0x80)
			i++;
		cps++;
	}
	return xy_strndup(s, i);
}

static int import_round(struct store *s, const struct pabulib *pb, int64_t area, const char *rule,
			const char *title, const char *path)
{
	const struct pb_instance *in = &pb->inst;
	if (pb->vote_type != PABULIB_APPROVAL && pb->vote_type != PABULIB_CUMULATIVE) {
		fprintf(stderr, "xinyuan: %s: rounds take approval or cumulative ballots, not %s\n",
			path, pabulib_vote_type_name(pb->vote_type));
		return 2;
	}
	int64_t budget = to_fen(in->budget, pb->decimals);
	if (budget < 1) {
		fprintf(stderr, "xinyuan: %s: the budget is not a positive amount in fen\n", path);
		return 2;
	}
	struct pb_project_input *ps = xy_calloc(in->nprojects + 1, sizeof *ps);
	int cname = pabulib_col(&pb->projects, "name");
	int rc = 0;
	for (size_t p = 0; p < in->nprojects && !rc; p++) {
		ps[p].code = in->project_id[p];
		const char *name =
			cname >= 0 ? pb->projects.cells[p * pb->projects.ncols + (size_t)cname]
				   : NULL;
		ps[p].title =
			cut_text(name && *name ? name : in->project_id[p], PB_ROUND_TITLE_MAX);
		if ((ps[p].cost_fen = to_fen(in->cost[p], pb->decimals)) < 0) {
			fprintf(stderr, "xinyuan: %s: project %s: the cost is not in fen\n", path,
				in->project_id[p]);
			rc = 2;
		}
	}
	const char **keys = xy_calloc(in->nvoters + 1, sizeof *keys);
	int cvid = pabulib_col(&pb->votes, "voter_id");
	for (size_t v = 0; v < in->nvoters; v++)
		keys[v] = cvid >= 0 ? pb->votes.cells[v * pb->votes.ncols + (size_t)cvid] : NULL;
	const char *desc = pabulib_meta(pb, "description");
	char *cut = cut_text(title ? title : desc ? desc : "", PB_ROUND_TITLE_MAX);
	struct pb_round_input ri = { .area_id = area,
				     .title = *cut ? cut : NULL,
				     .budget_fen = budget,
				     .rule = rule,
				     .min_approvals = 0,
				     .max_approvals = (int64_t)in->nprojects,
				     .nprojects = in->nprojects,
				     .projects = ps,
				     .vote_type = pabulib_vote_type_name(pb->vote_type),
				     .nballots = in->nvoters,
				     .voter_key = keys,
				     .ballot_start = in->ballot_start,
				     .ballot_project = in->ballot_project,
				     .ballot_points = in->points };
	struct actor system;
	system_actor(&system);
	struct xy_err e = { 0 };
	int64_t id;
	if (!rc && pb_round_open(s, &system, &ri, &id, &e) != XY_OK) {
		fprintf(stderr, "xinyuan: %s: %s: %s\n", path, e.code, e.message);
		rc = e.kind == XY_EINTERNAL || e.kind == XY_EUNAVAIL ? 1 : 2;
	}
	if (!rc)
		printf("%lld\n", (long long)id);
	free(keys);
	for (size_t p = 0; p < in->nprojects; p++)
		free((char *)ps[p].title);
	free(ps);
	free(cut);
	return rc;
}

static int pb_cmd_import(int argc, char **argv)
{
	const char *area = NULL, *rule = "mes_cost_add1_greedy", *title = NULL, *db = NULL;
	const struct opt opts[] = { { "--area", true, &area, NULL },
				    { "--rule", true, &rule, NULL },
				    { "--title", true, &title, NULL },
				    { "--db", true, &db, NULL } };
	if (argc < 2 || argv[1][0] == '-') {
		fputs(pb_usage, stderr);
		return 2;
	}
	int p = cli_parse(argc - 1, argv + 1, opts, 4, pb_usage);
	if (p)
		return p > 0 ? 0 : 2;
	char *end = NULL;
	long long area_id = area ? strtoll(area, &end, 10) : 0;
	struct pb_rule r;
	if (area_id <= 0 || !end || *end) {
		fputs("xinyuan: say --area ID (a positive area id)\n", stderr);
		return 2;
	}
	if (!pb_rule_parse(rule, &r)) {
		fprintf(stderr, "xinyuan: unknown rule %s\n", rule);
		return 2;
	}
	if (!(db = cli_db(db)))
		return 2;
	char *buf;
	struct pabulib pb;
	int rc = read_pb(argv[1], &buf, &pb);
	if (!rc && !rule_applies(&r, pb.vote_type)) {
		fprintf(stderr, "xinyuan: %s does not apply to %s ballots\n", rule,
			pabulib_vote_type_name(pb.vote_type));
		rc = EXIT_NOT_APPLICABLE;
	}
	struct store *s = rc ? NULL : cli_open(db, OPEN_MIGRATE);
	if (!rc && !s)
		rc = 1;
	if (!rc)
		rc = import_round(s, &pb, area_id, rule, title, argv[1]);
	if (s)
		store_close(s);
	pabulib_release(&pb);
	free(buf);
	return rc;
}

/* The round d as Pabulib tables in pb (strings owned by d or by the arrays made here). */
struct export_buf {
	const char *meta_k[16], *meta_v[16];
	char budget[48], num_p[24], num_v[24], inst[24], minl[24], maxl[24];
	const char **pcells, **vcells;
	char **owned;
	size_t nowned;
};

static const char *own(struct export_buf *x, char *s)
{
	x->owned[x->nowned++] = s;
	return s;
}

static void export_tables(const struct pb_round_data *d, struct pabulib *pb, struct export_buf *x)
{
	size_t m = 0;
	bool points = d->ballot_points != NULL, closed = strcmp(d->status, "closed") == 0;
	pabulib_format_amount(d->budget_fen, 2, x->budget, sizeof x->budget);
	snprintf(x->num_p, sizeof x->num_p, "%zu", d->nprojects);
	snprintf(x->num_v, sizeof x->num_v, "%zu", d->nballots);
	snprintf(x->inst, sizeof x->inst, "%lld", (long long)d->id);
	snprintf(x->minl, sizeof x->minl, "%lld", (long long)d->min_approvals);
	snprintf(x->maxl, sizeof x->maxl, "%lld", (long long)d->max_approvals);
#define META(k, v)                                                                                 \
	do {                                                                                       \
		x->meta_k[m] = (k);                                                                \
		x->meta_v[m++] = (v);                                                              \
	} while (0)
	META("description", d->title);
	META("country", "China");
	META("unit", d->area_name);
	META("instance", x->inst);
	META("num_projects", x->num_p);
	META("num_votes", x->num_v);
	META("budget", x->budget);
	META("vote_type", d->vote_type);
	META("rule", d->rule);
	META("min_length", x->minl);
	META("max_length", x->maxl);
	META("currency", "CNY");
#undef META
	pb->nmeta = m;
	pb->meta_key = x->meta_k;
	pb->meta_value = x->meta_v;
	static const char *const pcols[] = { "project_id", "cost", "votes", "name", "selected" };
	size_t pc = closed ? 5 : 4;
	x->owned = xy_calloc(3 * d->nprojects + 3 * d->nballots + 1, sizeof *x->owned);
	x->pcells = xy_calloc(pc * d->nprojects + 1, sizeof *x->pcells);
	int64_t *votes = xy_calloc(d->nprojects + 1, sizeof *votes);
	for (size_t i = 0; i < d->ballot_start[d->nballots]; i++)
		votes[d->ballot_project[i]]++;
	for (size_t p = 0; p < d->nprojects; p++) {
		char num[48];
		const char **row = x->pcells + p * pc;
		row[0] = d->projects[p].code;
		pabulib_format_amount(d->projects[p].cost_fen, 2, num, sizeof num);
		row[1] = own(x, xy_strdup(num));
		snprintf(num, sizeof num, "%lld", (long long)votes[p]);
		row[2] = own(x, xy_strdup(num));
		row[3] = d->projects[p].title;
		if (closed)
			row[4] = d->projects[p].selected > 0 ? "1" : "0";
	}
	free(votes);
	pb->projects = (struct pabulib_table){ pc, d->nprojects, (const char **)pcols, x->pcells };
	static const char *const vcols[] = { "voter_id", "vote", "points" };
	size_t vc = points ? 3 : 2;
	x->vcells = xy_calloc(vc * d->nballots + 1, sizeof *x->vcells);
	for (size_t v = 0; v < d->nballots; v++) {
		size_t s0 = d->ballot_start[v], n = d->ballot_start[v + 1] - s0, len = 1, plen = 1;
		for (size_t i = 0; i < n; i++) {
			len += strlen(d->projects[d->ballot_project[s0 + i]].code) + 1;
			plen += 21;
		}
		char *vote = xy_calloc(len, 1), *pts = points ? xy_calloc(plen, 1) : NULL;
		size_t at = 0, pat = 0;
		for (size_t i = 0; i < n; i++) {
			at += (size_t)snprintf(vote + at, len - at, "%s%s", i ? "," : "",
					       d->projects[d->ballot_project[s0 + i]].code);
			if (pts)
				pat += (size_t)snprintf(pts + pat, plen - pat, "%s%lld",
							i ? "," : "",
							(long long)d->ballot_points[s0 + i]);
		}
		const char **row = x->vcells + v * vc;
		row[0] = d->voter[v];
		row[1] = own(x, vote);
		if (pts)
			row[2] = own(x, pts);
	}
	pb->votes = (struct pabulib_table){ vc, d->nballots, (const char **)vcols, x->vcells };
}

static int pb_cmd_export(int argc, char **argv)
{
	const char *out = NULL, *db = NULL;
	const struct opt opts[] = { { "--out", true, &out, NULL }, { "--db", true, &db, NULL } };
	if (argc < 2 || argv[1][0] == '-') {
		fputs(pb_usage, stderr);
		return 2;
	}
	int p = cli_parse(argc - 1, argv + 1, opts, 2, pb_usage);
	if (p)
		return p > 0 ? 0 : 2;
	char *end;
	long long id = strtoll(argv[1], &end, 10);
	if (id <= 0 || *end) {
		fputs("xinyuan: say which round: pb export ROUND (a positive id)\n", stderr);
		return 2;
	}
	if (!(db = cli_db(db)))
		return 2;
	struct store *s = cli_open(db, OPEN_AS_IS);
	if (!s)
		return 1;
	struct actor system;
	system_actor(&system);
	struct pb_round_data d;
	struct xy_err e = { 0 };
	int rc = 0;
	if (pb_round_load(s, &system, id, ACT_PB_MANAGE, &d, &e) != XY_OK) {
		fprintf(stderr, "xinyuan: round %lld: %s\n", id, e.message);
		rc = e.kind == XY_ENOTFOUND ? 2 : 1;
	}
	struct pabulib pb = { 0 };
	struct export_buf x = { 0 };
	char *text = NULL;
	size_t len = 0;
	if (!rc) {
		export_tables(&d, &pb, &x);
		if (pabulib_write(&pb, PB_FILE_MAX, &text, &len, &e) != XY_OK) {
			fprintf(stderr, "xinyuan: %s\n", e.message);
			rc = 1;
		}
	}
	FILE *f = !rc && out ? fopen(out, "wb") : stdout;
	if (!f) {
		fprintf(stderr, "xinyuan: cannot write %s: %s\n", out, strerror(errno));
		rc = 1;
	} else if (!rc) {
		if (fwrite(text, 1, len, f) != len || (f != stdout && fclose(f) != 0)) {
			fprintf(stderr, "xinyuan: cannot write %s\n", out ? out : "stdout");
			rc = 1;
		}
	}
	free(text);
	for (size_t i = 0; i < x.nowned; i++)
		free(x.owned[i]);
	free(x.owned);
	free(x.pcells);
	free(x.vcells);
	pb_round_data_release(&d);
	store_close(s);
	return rc;
}

int cmd_pb(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "run") == 0)
		return pb_cmd_run(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "import") == 0)
		return pb_cmd_import(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "export") == 0)
		return pb_cmd_export(argc - 1, argv + 1);
	bool help = argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);
	fputs(pb_usage, help ? stdout : stderr);
	return help ? 0 : 2;
}

/* ---- allocate -------------------------------------------------------------------------------- */

static const char allocate_usage[] =
	"usage: xinyuan allocate --fund ID [--apply] [--amount FEN] [--floor FEN]\n"
	"                        [--weights NAME=N,...] [--json] --db DB\n"
	"\n"
	"Splits a fund between the courtyards of its area by need: residents, vulnerable\n"
	"residents (elderly, children, disabled, low-income) and open accepted needs by urgency\n"
	"and supporters, weighted as engine/allocate.h documents (defaults resident=1,\n"
	"elderly=2, child=2, disabled=3, low_income=3, need_low=5, need_normal=10,\n"
	"need_high=20, supporter=1). Whole fen by largest remainders, adding up exactly.\n"
	"\n"
	"  --amount FEN   how much to split (default: all the fund has left to allocate)\n"
	"  --floor FEN    given to every courtyard before the proportional part\n"
	"  --apply        write one earmark per courtyard (one transaction, audited);\n"
	"                 without it, a preview\n"
	"  --json         print the split as the API answers it\n";

static int parse_weights(const char *spec, struct alloc_weights *w)
{
	char buf[512];
	snprintf(buf, sizeof buf, "%s", spec);
	for (char *s = buf; s && *s;) {
		char *comma = strchr(s, ',');
		if (comma)
			*comma = '\0';
		char *eq = strchr(s, '=');
		char *end = NULL;
		long long v = eq ? strtoll(eq + 1, &end, 10) : -1;
		if (eq)
			*eq = '\0';
		int t = alloc_term_parse(s);
		if (t < 0 || !end || *end || v < 0 || v > ALLOC_WEIGHT_MAX) {
			fprintf(stderr, "xinyuan: --weights: %s is not NAME=0..%d\n", s,
				ALLOC_WEIGHT_MAX);
			return -1;
		}
		w->w[t] = v;
		s = comma ? comma + 1 : NULL;
	}
	return 0;
}

static void print_split(json_t *o)
{
	char a[48];
	money_format_yuan(json_integer_value(json_object_get(o, "amount_fen")), a, sizeof a);
	printf("fund %lld (%s): %s yuan between %zu courtyards%s\n",
	       (long long)json_integer_value(json_object_get(o, "fund_id")),
	       json_string_value(json_object_get(o, "area_name")), a,
	       json_array_size(json_object_get(o, "courtyards")),
	       json_is_true(json_object_get(o, "applied")) ? ", applied"
							   : " (preview: --apply writes it)");
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(o, "courtyards"), i, c)
	{
		money_format_yuan(json_integer_value(json_object_get(c, "amount_fen")), a,
				  sizeof a);
		printf("%6lld %-20s %14s  %s\n",
		       (long long)json_integer_value(json_object_get(c, "area_id")),
		       json_string_value(json_object_get(c, "name")), a,
		       json_string_value(json_object_get(c, "explanation")));
	}
}

int cmd_allocate(int argc, char **argv)
{
	const char *fund = NULL, *amount = NULL, *floor_ = NULL, *weights = NULL, *db = NULL;
	bool apply = false, json = false;
	const struct opt opts[] = {
		{ "--fund", true, &fund, NULL },    { "--amount", true, &amount, NULL },
		{ "--floor", true, &floor_, NULL }, { "--weights", true, &weights, NULL },
		{ "--apply", false, NULL, &apply }, { "--json", false, NULL, &json },
		{ "--db", true, &db, NULL }
	};
	int p = cli_parse(argc, argv, opts, 7, allocate_usage);
	if (p)
		return p > 0 ? 0 : 2;
	struct split_request rq = { .apply = apply };
	alloc_weights_default(&rq.weights);
	char *end = NULL;
	rq.fund_id = fund ? strtoll(fund, &end, 10) : 0;
	if (rq.fund_id <= 0 || !end || *end) {
		fputs("xinyuan: say --fund ID\n", stderr);
		return 2;
	}
	if (amount && ((rq.amount_fen = strtoll(amount, &end, 10)) <= 0 || *end)) {
		fputs("xinyuan: --amount takes a positive number of fen\n", stderr);
		return 2;
	}
	if (floor_ && ((rq.floor_fen = strtoll(floor_, &end, 10)) < 0 || *end)) {
		fputs("xinyuan: --floor takes a number of fen\n", stderr);
		return 2;
	}
	if (weights && parse_weights(weights, &rq.weights))
		return 2;
	if (!(db = cli_db(db)))
		return 2;
	struct store *s = cli_open(db, OPEN_MIGRATE);
	if (!s)
		return 1;
	struct actor system;
	system_actor(&system);
	struct xy_err e = { 0 };
	json_t *out = NULL;
	int rc = 0;
	if (split_run(s, &system, &rq, &out, &e) != XY_OK) {
		fprintf(stderr, "xinyuan: %s: %s\n", e.code, e.message);
		rc = e.kind == XY_EINTERNAL || e.kind == XY_EUNAVAIL ? 1 : 2;
	} else if (json) {
		char *text = json_dumps(out, JSON_INDENT(2) | JSON_SORT_KEYS);
		puts(text);
		free(text);
	} else {
		print_split(out);
	}
	json_decref(out);
	store_close(s);
	return rc;
}
