/* report — the annual report of an area (年度报告): the figures the source report quotes
 * (projects, activity categories, events, person-times, satisfaction) plus needs, money and
 * deadlines, computed from the records by store/stats.c, the same code as GET /api/v1/stats. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/money.h"
#include "core/project.h"
#include "core/timefmt.h"
#include "store/areas.h"
#include "store/stats.h"

static const char usage[] =
	"usage: xinyuan report --db PATH --area ID|NAME [--year YYYY] [--json]\n"
	"Prints the annual report of an area and everything below it for a calendar year\n"
	"(default: this year), computed from the records: projects by status, activity\n"
	"categories, events, person-times, satisfaction, needs with response and resolution\n"
	"rates, money (funds, allocated, spent, balance) and overdue needs and projects.\n"
	"--area takes an area id or a unique area name. --json prints the same figures as\n"
	"the JSON of GET /api/v1/stats (with area and year).\n"
	"Exit 2 for a wrong option, an unknown area or year; 1 when the database fails.\n";

/* Chinese labels of the project states, in enum order. */
static const char *const status_zh[PROJECT_STATUS_COUNT] = {
	"草稿", "待审批", "已立项", "未通过", "实施中", "评估中", "已结项", "已撤销",
};

/* The id of --area: digits are an id, anything else a name that must name one area. */
static int area_arg(struct store *s, const char *arg, int64_t *id)
{
	char *end;
	long long v = strtoll(arg, &end, 10);
	if (*arg && !*end) {
		*id = v;
		if (v > 0)
			return 0;
		fprintf(stderr, "xinyuan: --area must be an area id (1 or more) or name\n");
		return -1;
	}
	json_t *list;
	struct xy_err e = { 0 };
	if (areas_list(s, &list, &e)) {
		fprintf(stderr, "xinyuan: %s\n", e.message);
		return -1;
	}
	int found = 0;
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(list, "items"), i, a)
	{
		if (strcmp(json_string_value(json_object_get(a, "name")), arg) != 0)
			continue;
		if (found++)
			fprintf(stderr,
				"xinyuan: more than one area is called %s (ids %lld and %lld); "
				"give the id\n",
				arg, (long long)*id,
				(long long)json_integer_value(json_object_get(a, "id")));
		*id = json_integer_value(json_object_get(a, "id"));
	}
	json_decref(list);
	if (!found)
		fprintf(stderr, "xinyuan: no area is called %s\n", arg);
	return found == 1 ? 0 : -1;
}

/* "四川省 › 眉山市 › 彭山区" for the area's path. */
static void area_trail(struct store *s, int64_t id, char *out, size_t n)
{
	struct xy_err e = { 0 };
	struct db *db = store_conn(s, &e);
	struct area_row a;
	out[0] = '\0';
	if (!db || area_load(db, id, NULL, &a, &e))
		return;
	size_t len = 0;
	for (int d = 1; d <= area_path_depth(a.path); d++) {
		struct area_row up;
		if (area_load(db, area_path_id_at(a.path, d), NULL, &up, &e))
			return;
		int w = snprintf(out + len, n - len, "%s%s", d > 1 ? " › " : "", up.name);
		if (w < 0 || (size_t)w >= n - len)
			return;
		len += (size_t)w;
	}
}

static int64_t num(json_t *st, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(st, key));
}

/* "12,345" */
static void grouped(int64_t v, char *out, size_t n)
{
	char yuan[48];
	money_format_yuan(v * 100, yuan, sizeof yuan);
	snprintf(out, n, "%.*s", (int)(strlen(yuan) - 3), yuan);
}

/* "98.03%", or "—" when there was nothing to divide */
static void percent(json_t *st, const char *key, char *out, size_t n)
{
	json_t *v = json_object_get(st, key);
	if (json_is_number(v))
		snprintf(out, n, "%.2f%%", json_number_value(v) * 100.0);
	else
		snprintf(out, n, "—");
}

static void print_money(const char *label, int64_t fen)
{
	char yuan[48];
	money_format_yuan(fen, yuan, sizeof yuan);
	printf("  %s: ¥%s\n", label, yuan);
}

static void print_text(json_t *st, const char *trail, int year)
{
	json_t *area = json_object_get(st, "area");
	char a[32], b[32], c[32];
	printf("%s %d 年度报告 · Annual report %d\n",
	       json_string_value(json_object_get(area, "name")), year, year);
	printf("区域 Area: %s (%s, id %lld)\n\n", trail,
	       json_string_value(json_object_get(area, "kind")), (long long)num(area, "id"));

	printf("服务项目 Projects: %lld\n", (long long)num(st, "projects"));
	json_t *by = json_object_get(st, "projects_by_status");
	for (int i = 0; i < PROJECT_STATUS_COUNT; i++) {
		const char *name = project_status_name((enum project_status)i);
		long long n = (long long)num(by, name);
		if (n)
			printf("  %s %s: %lld\n", status_zh[i], name, n);
	}
	grouped(num(st, "events"), a, sizeof a);
	grouped(num(st, "person_times"), b, sizeof b);
	printf("\n活动类别 Activity categories: %lld\n", (long long)num(st, "activity_categories"));
	size_t i;
	json_t *cat;
	json_array_foreach(json_object_get(st, "activities_by_category"), i, cat)
	{
		grouped(num(cat, "person_times"), c, sizeof c);
		printf("  %s %s (%s): %lld 场 events, %s 人次 person-times\n",
		       json_string_value(json_object_get(cat, "name")),
		       json_string_value(json_object_get(cat, "name_en")),
		       json_string_value(json_object_get(cat, "category")),
		       (long long)num(cat, "events"), c);
	}
	printf("活动场次 Events: %s\n", a);
	printf("服务人次 Person-times: %s\n", b);
	percent(st, "satisfaction_rate", a, sizeof a);
	printf("满意率 Satisfaction rate: %s (满意 satisfied %lld + 基本满意 basically satisfied "
	       "%lld of %lld 评价 ratings)\n",
	       a, (long long)num(st, "satisfied"), (long long)num(st, "basically_satisfied"),
	       (long long)num(st, "ratings"));

	percent(st, "response_rate", a, sizeof a);
	percent(st, "resolution_rate", b, sizeof b);
	printf("\n需求 Needs: %lld\n", (long long)num(st, "needs"));
	printf("  响应率 Response rate (answered within %lld h): %s\n",
	       (long long)num(st, "response_hours"), a);
	printf("  解决率 Resolution rate (accepted needs resolved): %s\n", b);

	int64_t allocated = num(st, "allocated_fen"), spent = num(st, "spent_fen");
	printf("\n资金 Money (元 yuan)\n");
	print_money("专项资金 Funds", num(st, "funds_fen"));
	print_money("已分配 Allocated", allocated);
	print_money("已支出 Spent", spent);
	print_money("结余 Balance (allocated - spent)", allocated - spent);

	printf("\n时限 Deadlines\n");
	printf("  逾期需求 Overdue needs: %lld\n", (long long)num(st, "overdue_needs"));
	printf("  逾期项目 Overdue projects: %lld\n", (long long)num(st, "overdue_projects"));
}

int cmd_report(int argc, char **argv)
{
	const char *dbarg = NULL, *area = NULL, *year_arg = NULL;
	bool json = false;
	const struct opt opts[] = { { "--db", true, &dbarg, NULL },
				    { "--area", true, &area, NULL },
				    { "--year", true, &year_arg, NULL },
				    { "--json", false, NULL, &json } };
	int p = cli_parse(argc, argv, opts, 4, usage);
	if (p)
		return p > 0 ? 0 : 2;
	const char *db = cli_db(dbarg);
	if (!db)
		return 2;
	if (!area) {
		fprintf(stderr, "xinyuan: say which area: --area ID or NAME\n%s", usage);
		return 2;
	}
	char this_year[40];
	time_iso(time_now(), this_year, sizeof this_year);
	int year = (int)strtol(year_arg ? year_arg : this_year, NULL, 10);
	int64_t from, to;
	if (year_arg && (strspn(year_arg, "0123456789") != strlen(year_arg) ||
			 time_year_bounds(year, &from, &to) != 0)) {
		fprintf(stderr, "xinyuan: --year must be a year from 1970 to 9999\n");
		return 2;
	}
	struct store *s = cli_open(db, OPEN_AS_IS);
	if (!s)
		return 1;
	int64_t area_id = 0;
	if (area_arg(s, area, &area_id)) {
		store_close(s);
		return 2;
	}
	struct actor system;
	cli_system_actor(&system);
	json_t *st;
	struct xy_err e = { 0 };
	if (stats_get(s, &system, area_id, year, &st, &e)) {
		fprintf(stderr, "xinyuan: %s\n", e.message);
		store_close(s);
		return e.kind == XY_ENOTFOUND || e.kind == XY_EINVALID ? 2 : 1;
	}
	if (json) {
		char *text = json_dumps(st, JSON_INDENT(2));
		if (text)
			puts(text);
		free(text);
	} else {
		char trail[512];
		area_trail(s, area_id, trail, sizeof trail);
		print_text(st, trail, year);
	}
	json_decref(st);
	store_close(s);
	return 0;
}
