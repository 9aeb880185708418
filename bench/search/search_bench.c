/* search-bench — the search and duplicate-detection benchmark (bench/search/run.sh).
 *
 *   search-bench DB NEEDS OUTDIR [QUERIES]
 *
 * Builds DB (a new SQLite file): the root province, a city, a district, a street and ONE
 * community with BENCH_COMPOUNDS compounds, then NEEDS generated needs in that community tree
 * (a quarter at community level, the rest in its compounds), written as rows without any
 * search rows, in every state (about 27% open). Then it measures, in this process, through
 * the store API the server uses:
 *   - indexing: search_backfill over all NEEDS (fold, FTS rows, gram rows, band keys of the
 *     open ones), in needs per second;
 *   - search: needs_list with q for QUERIES (default 300) queries each of 1, 2 and 4
 *     characters taken from random needs' text, as the community's worker, page 1 of 20
 *     (search, rows, snippets, JSON), p50 and p99;
 *   - similar-need check: search_similar for QUERIES texts made from random open needs (a
 *     clause cut off, one in ten in Traditional), p50 and p99, and how often the need the
 *     text came from was among the suggestions;
 *   - baseline: OUTDIR/texts.txt holds the same folded texts, one need per line, for
 *     `grep -c -F` (run.sh times it on the same queries).
 * Prints RESULT lines (name value) and writes OUTDIR/queries-{1,2,4}.txt.
 */
#include <inttypes.h>
#include <opencc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/need.h"
#include "core/timefmt.h"
#include "engine/text_norm.h"
#include "store/areas.h"
#include "store/needs.h"
#include "store/search.h"
#include "store/store.h"

#define BENCH_COMPOUNDS 10
#define BENCH_BATCH     20000

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#define PICK(a) (a)[rnd() % (sizeof(a) / sizeof(a)[0])]

static double cpu_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void die(const char *what, const struct xy_err *e)
{
	fprintf(stderr, "search-bench: %s: %s\n", what, e ? e->message : "failed");
	exit(1);
}

/* ---- generated texts ------------------------------------------------------------------------ */

static const char *const compounds[] = { "晶蓝半岛", "世纪朝阳", "锦华苑", "翠湖花园", "望江名居",
					 "紫荆小区", "南苑新村", "桂花园", "东篱雅居", "金沙苑" };
static const char *const spots[] = { "门口",   "楼下",   "旁边",    "北门",     "南门",
				     "东门",   "西门",   "楼道",    "地下车库", "中心花园",
				     "小广场", "篮球场", "停车场",  "垃圾站",   "活动室",
				     "游乐场", "后门",   "单元门口" };
static const char *const things[] = {
	"路灯",     "电梯",   "门禁",   "监控",   "井盖",   "下水道",   "化粪池",   "水管",
	"燃气管道", "消防栓", "灭火器", "充电桩", "垃圾桶", "健身器材", "滑梯",     "秋千",
	"座椅",     "围墙",   "外墙",   "屋顶",   "楼道灯", "扶手",     "减速带",   "快递柜",
	"车棚",     "遮阳棚", "晾衣架", "排水沟", "应急灯", "信报箱",   "道闸",     "花坛",
	"树木",     "草坪",   "公厕",   "饮水机", "宣传栏", "空调外机", "防盗网",   "窗户",
	"台阶",     "坡道",   "水箱",   "电表箱", "对讲机", "篮球架",   "乒乓球台", "凉亭",
};
static const char *const problems[] = {
	"坏了",     "不亮了",     "漏水",     "堵塞了",   "损坏严重", "经常出故障",
	"松动了",   "生锈了",     "被占用了", "太少了",   "没人管",   "有异味",
	"噪音很大", "晚上很吵",   "积水严重", "开裂了",   "脱落了",   "老化了",
	"不够用",   "位置不合理", "没有了",   "被破坏了", "太旧了",   "有安全隐患",
};
static const char *const impacts[] = {
	"晚上出行很不方便",   "老人小孩容易摔倒",   "影响居民休息",         "存在很大的安全隐患",
	"夏天气味很大",       "下雨天更严重",       "已经好几个月了",       "居民意见很大",
	"多次反映没有结果",   "孩子上学路过很危险", "影响小区环境",         "给大家生活带来不便",
	"上周还有人受伤",     "物业说没有经费",     "周末人多的时候更明显", "外来人员随便进出",
	"电动车经常停在这里", "天黑以后看不清路",
};
static const char *const wishes[] = {
	"希望尽快维修", "希望物业尽快处理", "希望社区协调解决", "希望更换新的",
	"希望增加几个", "希望定期检查",     "请有关部门来看看", "希望早日解决",
	"建议重新规划", "希望加强管理",     "希望安排人清理",   "盼望尽快整改",
};
static const char *const services[] = {
	"书法班",     "舞蹈队",   "合唱团",     "太极拳班",     "老年食堂",
	"四点半课堂", "义诊",     "防诈骗讲座", "垃圾分类宣传", "手机培训班",
	"暑期托管",   "读书会",   "亲子活动",   "心理咨询",     "法律咨询",
	"上门理发",   "助浴服务", "爱心义卖",   "春节晚会",     "露天电影",
};
static const char *const groups[] = { "老人",   "独居老人", "孩子",   "双职工家庭",
				      "残疾人", "年轻人",   "上班族", "新市民" };
static const char *const categories[] = { "environment",   "culture",        "elderly",
					  "children",      "medical",        "safety",
					  "eco_education", "tech_education", "public_space",
					  "charity" };

struct text {
	char title[256], desc[1024];
};

/* A need as residents write them: a thing with a problem somewhere, or a service wanted. */
static void gen_text(struct text *t)
{
	int building = (int)(rnd() % 40) + 1, unit = (int)(rnd() % 6) + 1;
	const char *compound = PICK(compounds);
	if (rnd() % 4) {
		const char *spot = PICK(spots), *thing = PICK(things), *problem = PICK(problems);
		snprintf(t->title, sizeof t->title, "%d栋%s%s%s", building, spot, thing, problem);
		snprintf(t->desc, sizeof t->desc, "%s%d栋%d单元%s的%s%s，%s，%s。%s", compound,
			 building, unit, spot, thing, problem, PICK(impacts), PICK(impacts),
			 PICK(wishes));
	} else {
		const char *service = PICK(services), *group = PICK(groups);
		snprintf(t->title, sizeof t->title, "希望开办%s", service);
		snprintf(t->desc, sizeof t->desc, "%s%s比较多，%s，希望社区每周组织一次%s，%s。",
			 compound, group, PICK(impacts), service, PICK(wishes));
	}
}

/* ---- loading ------------------------------------------------------------------------------ */

struct world {
	struct store *s;
	struct db *db;
	int64_t community, compound[BENCH_COMPOUNDS];
	char community_path[AREA_PATH_MAX];
};

static int64_t area(struct world *w, const struct actor *admin, const char *name, const char *kind,
		    int64_t parent)
{
	int64_t id;
	struct xy_err e = { 0 };
	if (area_create(w->s, admin, name, kind, parent, &id, &e))
		die(name, &e);
	return id;
}

static const char *const states[] = { "submitted", "accepted",  "wish_open",
				      "claimed",   "fulfilled", "confirmed",
				      "rejected",  "merged",    "in_project" };
/* percent of each state, as bench/seed.c: about 27% open */
static const int weights[] = { 3, 12, 7, 5, 8, 40, 6, 4, 15 };

static const char *gen_status(void)
{
	int r = (int)(rnd() % 100);
	for (size_t i = 0; i < sizeof weights / sizeof *weights; i++) {
		if (r < weights[i])
			return states[i];
		r -= weights[i];
	}
	return states[0];
}

static void load(struct world *w, long long count, opencc_t s2t, FILE *texts)
{
	struct actor admin = { 0 };
	admin.ngrants = 1;
	admin.grants[0].role = ROLE_ADMIN;
	snprintf(admin.grants[0].scope, sizeof admin.grants[0].scope, "/");
	int64_t root = area(w, &admin, "四川省", "province", 0);
	int64_t city = area(w, &admin, "成都市", "city", root);
	int64_t district = area(w, &admin, "武侯区", "district", city);
	int64_t street = area(w, &admin, "玉林街道", "street", district);
	w->community = area(w, &admin, "玉林北路社区", "community", street);
	for (int i = 0; i < BENCH_COMPOUNDS; i++)
		w->compound[i] = area(w, &admin, compounds[i], "compound", w->community);
	struct area_row a;
	struct xy_err e = { 0 };
	if (area_load(w->db, w->community, "area_id", &a, &e))
		die("community", &e);
	snprintf(w->community_path, sizeof w->community_path, "%s", a.path);

	struct db_stmt *st;
	int64_t t0 = time_now() - 3 * 365 * 86400LL;
	for (long long i = 0; i < count; i++) {
		if (i % BENCH_BATCH == 0 && db_begin(w->db) != 0)
			die("begin", NULL);
		struct text t;
		gen_text(&t);
		if (rnd() % 10 == 0) { /* one in ten written in Traditional */
			char *tt = opencc_convert_utf8(s2t, t.title, strlen(t.title));
			char *td = opencc_convert_utf8(s2t, t.desc, strlen(t.desc));
			snprintf(t.title, sizeof t.title, "%s", tt);
			snprintf(t.desc, sizeof t.desc, "%s", td);
			opencc_convert_utf8_free(tt);
			opencc_convert_utf8_free(td);
		}
		int64_t area_id = rnd() % 4 ? w->compound[rnd() % BENCH_COMPOUNDS] : w->community;
		if (area_load(w->db, area_id, "area_id", &a, &e))
			die("area", &e);
		if (!(st = db_stmt_sql(w->db, "INSERT INTO needs(area_id, area_path, category, "
					      "title, description, urgency, channel, status, "
					      "created_at, updated_at, respond_by, community_id, "
					      "behalf_name) VALUES ($1, $2, $3, $4, $5, 'normal', "
					      "'visit', $6, $7, $7, $7 + 259200, $8, '张三')")))
			die("prepare", NULL);
		int64_t at = t0 + i * (3 * 365 * 86400LL) / count;
		db_bind_i64(st, 1, area_id);
		db_bind_text(st, 2, a.path);
		db_bind_text(st, 3, PICK(categories));
		db_bind_text(st, 4, t.title);
		db_bind_text(st, 5, t.desc);
		db_bind_text(st, 6, gen_status());
		db_bind_i64(st, 7, at);
		db_bind_i64(st, 8, w->community);
		if (db_run(st) != 0)
			die("insert", NULL);
		char ft[1024], fd[4096];
		text_fold(t.title, strlen(t.title), ft, NULL);
		text_fold(t.desc, strlen(t.desc), fd, NULL);
		fprintf(texts, "%s %s\n", ft, fd);
		if ((i + 1) % BENCH_BATCH == 0 || i + 1 == count)
			if (db_commit(w->db) != 0)
				die("commit", NULL);
	}
}

/* ---- measuring ------------------------------------------------------------------------------ */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(double *v, int n, double p)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	int i = (int)(p * n + 0.5) - 1;
	return v[i < 0 ? 0 : i >= n ? n - 1 : i];
}

/* A folded text of a random need (its id in *id). */
static void random_need(struct world *w, long long count, int64_t *id, char *title, size_t tn,
			char *desc, size_t dn, char *status, size_t sn)
{
	for (;;) {
		*id = 1 + (int64_t)(rnd() % (uint64_t)count);
		struct db_stmt *st = db_stmt_sql(
			w->db, "SELECT title, description, status FROM needs WHERE id = $1");
		db_bind_i64(st, 1, *id);
		if (db_step(st) == DB_ROW) {
			snprintf(title, tn, "%s", db_col_text(st, 0));
			snprintf(desc, dn, "%s", db_col_text(st, 1));
			snprintf(status, sn, "%s", db_col_text(st, 2));
			db_reset(st);
			return;
		}
		db_reset(st);
	}
}

/* A query of chars characters from a random need's folded text (word characters only). */
static void random_query(struct world *w, long long count, int chars, char *out, size_t size)
{
	for (;;) {
		int64_t id;
		char title[512], desc[2048], status[32], fold[4096];
		random_need(w, count, &id, title, sizeof title, desc, sizeof desc, status,
			    sizeof status);
		text_fold(desc, strlen(desc), fold, NULL);
		uint32_t cps[1024];
		size_t n = 0, len;
		for (const char *p = fold; *p && n < 1024; p += len)
			cps[n++] = text_norm_decode(p, &len);
		if (n < (size_t)chars)
			continue;
		size_t at = (size_t)(rnd() % (n - (size_t)chars + 1));
		bool word = true;
		for (int k = 0; k < chars; k++)
			word = word && text_norm_is_word(cps[at + (size_t)k]);
		if (!word)
			continue;
		size_t o = 0;
		for (int k = 0; k < chars && o + 4 < size; k++)
			o += text_norm_encode(cps[at + (size_t)k], out + o);
		out[o] = '\0';
		return;
	}
}

static void bench_search(struct world *w, long long count, int chars, int queries,
			 const char *outdir)
{
	struct actor worker = { .user_id = 0, .ngrants = 1 };
	worker.grants[0].role = ROLE_WORKER;
	worker.grants[0].area_id = w->community;
	snprintf(worker.grants[0].path, sizeof worker.grants[0].path, "%s", w->community_path);
	snprintf(worker.grants[0].scope, sizeof worker.grants[0].scope, "%s", w->community_path);
	char path[1024];
	snprintf(path, sizeof path, "%s/queries-%d.txt", outdir, chars);
	FILE *qf = fopen(path, "w");
	double *ms = malloc((size_t)queries * sizeof *ms), cpu = 0;
	long long total = 0, capped = 0;
	for (int i = 0; i < queries; i++) {
		char q[64];
		random_query(w, count, chars, q, sizeof q);
		fprintf(qf, "%s\n", q);
		struct need_filter f = { .q = q, .pg = { 1, 20 } };
		json_t *out;
		struct xy_err e = { 0 };
		double t = now_ms(), c = cpu_ms();
		if (needs_list(w->s, &worker, &f, &out, &e))
			die("search", &e);
		ms[i] = now_ms() - t;
		cpu += cpu_ms() - c;
		total += json_integer_value(json_object_get(out, "total"));
		capped += json_is_true(json_object_get(out, "total_capped"));
		json_decref(out);
	}
	fclose(qf);
	printf("RESULT search_%d_p50_ms %.2f\n", chars, pct(ms, queries, 0.50));
	printf("RESULT search_%d_p99_ms %.2f\n", chars, pct(ms, queries, 0.99));
	printf("RESULT search_%d_mean_total %.0f\n", chars, (double)total / queries);
	printf("RESULT search_%d_cpu_ms %.2f\n", chars, cpu / queries);
	printf("RESULT search_%d_capped_share %.2f\n", chars, (double)capped / queries);
	free(ms);
}

static void bench_similar(struct world *w, long long count, int queries, opencc_t s2t)
{
	struct actor worker = { .user_id = 0, .ngrants = 1 };
	worker.grants[0].role = ROLE_WORKER;
	worker.grants[0].area_id = w->community;
	snprintf(worker.grants[0].path, sizeof worker.grants[0].path, "%s", w->community_path);
	snprintf(worker.grants[0].scope, sizeof worker.grants[0].scope, "%s", w->community_path);
	double *ms = malloc((size_t)queries * sizeof *ms), cpu = 0;
	int found = 0, suggested = 0;
	for (int i = 0; i < queries; i++) {
		int64_t id;
		char title[512], desc[2048], status[32];
		do
			random_need(w, count, &id, title, sizeof title, desc, sizeof desc, status,
				    sizeof status);
		while (strcmp(status, "submitted") && strcmp(status, "accepted") &&
		       strcmp(status, "wish_open") && strcmp(status, "claimed"));
		/* the text without its last clause */
		char *last = NULL;
		for (char *p = strstr(desc, "，"); p; p = strstr(p + 1, "，"))
			last = p;
		if (last)
			*last = '\0';
		if (i % 10 == 0) {
			char *td = opencc_convert_utf8(s2t, desc, strlen(desc));
			snprintf(desc, sizeof desc, "%s", td);
			opencc_convert_utf8_free(td);
		}
		struct similar_input in = { .area_id = w->community,
					    .title = title,
					    .description = desc };
		json_t *out;
		struct xy_err e = { 0 };
		double t = now_ms(), c = cpu_ms();
		if (search_similar(w->s, &worker, &in, 0, &out, &e))
			die("similar", &e);
		ms[i] = now_ms() - t;
		cpu += cpu_ms() - c;
		json_t *list = json_object_get(out, "similar"), *item;
		size_t k;
		suggested += (int)json_array_size(list);
		json_array_foreach(list, k,
				   item) if (json_integer_value(json_object_get(item, "id")) == id)
			found++;
		json_decref(out);
	}
	printf("RESULT similar_p50_ms %.2f\n", pct(ms, queries, 0.50));
	printf("RESULT similar_p99_ms %.2f\n", pct(ms, queries, 0.99));
	printf("RESULT similar_found_share %.2f\n", (double)found / queries);
	printf("RESULT similar_cpu_ms %.2f\n", cpu / queries);
	printf("RESULT similar_mean_suggestions %.1f\n", (double)suggested / queries);
	free(ms);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fputs("usage: search-bench DB NEEDS OUTDIR [QUERIES]\n", stderr);
		return 2;
	}
	long long count = strtoll(argv[2], NULL, 10);
	int queries = argc > 4 ? (int)strtol(argv[4], NULL, 10) : 300;
	if (count < 1000 || queries < 10) {
		fputs("search-bench: NEEDS >= 1000, QUERIES >= 10\n", stderr);
		return 2;
	}
	FILE *probe = fopen(argv[1], "r");
	if (probe) {
		fclose(probe);
		fprintf(stderr, "search-bench: %s exists; give a new file\n", argv[1]);
		return 1;
	}
	struct xy_err e = { 0 };
	static struct world w;
	if (!(w.s = store_open(argv[1], &e)) || !(w.db = store_conn(w.s, &e)))
		die(argv[1], &e);
	int applied;
	if (store_migrate(w.s, &applied, &e))
		die("migrate", &e);
	opencc_t s2t = opencc_open("s2t.json");
	if (s2t == (opencc_t)-1)
		die("opencc s2t.json", NULL);
	char path[1024];
	snprintf(path, sizeof path, "%s/texts.txt", argv[3]);
	FILE *texts = fopen(path, "w");
	if (!texts)
		die(path, NULL);

	/* loading: the rows only, as a database older than the search would hold them */
	if (db_exec(w.db, "PRAGMA synchronous=OFF") != 0)
		die("pragma", NULL);
	double t = now_ms();
	load(&w, count, s2t, texts);
	fclose(texts);
	fprintf(stderr, "search-bench: %lld needs loaded in %.1f s\n", count, (now_ms() - t) / 1e3);

	/* indexing them all, as the first start after migration 0004 does (synchronous=FULL,
	 * as the server runs) */
	if (db_exec(w.db, "PRAGMA synchronous=FULL") != 0)
		die("pragma", NULL);
	int64_t done = 0;
	t = now_ms();
	double c = cpu_ms();
	if (search_backfill(w.db, &done, &e))
		die("index", &e);
	double secs = (now_ms() - t) / 1e3, cpu = (cpu_ms() - c) / 1e3;
	printf("RESULT indexed %lld\n", (long long)done);
	printf("RESULT index_seconds %.1f\n", secs);
	printf("RESULT index_per_second %.0f\n", (double)done / secs);
	printf("RESULT index_cpu_seconds %.1f\n", cpu);
	printf("RESULT index_per_cpu_second %.0f\n", (double)done / cpu);
	fflush(stdout);

	for (int chars = 1; chars <= 4; chars *= 2)
		bench_search(&w, count, chars, queries, argv[3]);
	bench_similar(&w, count, queries, s2t);
	opencc_close(s2t);
	store_close(w.s);
	return 0;
}
