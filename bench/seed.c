/* bench-seed — builds the database of the HTTP benchmark (bench/http.sh): one street's worth
 * of needs.
 *
 *   bench-seed DB NEEDS OUTDIR        (DB must not exist yet)
 *
 * What `xinyuan init` makes (the root province and the admin, whose password comes from
 * XINYUAN_ADMIN_PASSWORD), then under it a city, a district and a street with SEED_COMMUNITIES
 * communities of SEED_COMPOUNDS compounds each; a secretary and a worker per community (through
 * user_create, so Argon2id and the user.created audit events are the real ones); residents in
 * every compound; talent and resource providers; then NEEDS needs over the last three years in
 * every state, each with its history rows, +1s and one audit event per change, as
 * store/needs.c writes them, chained through store_audit_append so `xinyuan audit verify`
 * passes. The needs go in big transactions with synchronous=OFF: this is a loader, not a server.
 *
 * The bulk rows are written against schema version 1 and the newer migrations then run over
 * them, as they would over a production database; so whatever a later migration derives from
 * the needs (columns, counters, indexes) is filled by that migration's own backfill and this
 * loader does not have to know about it. The benchmark users (bench_worker, bench_resident) are
 * created last, on the final schema.
 *
 * Writes OUTDIR/meta.sh (shell variables the benchmark reads) and OUTDIR/ids.txt (the ids of
 * the needs inside the benchmark community, one per line). The data is deterministic for a
 * given NEEDS apart from password salts and hashes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/need.h"
#include "core/secret.h"
#include "core/timefmt.h"
#include "store/areas.h"
#include "store/identity.h"
#include "store/migrate.h"
#include "store/providers.h"
#include "store/store.h"

#define SEED_COMMUNITIES 20
#define SEED_COMPOUNDS   5
#define SEED_RESIDENTS   100   /* per community */
#define SEED_PROVIDERS   4     /* per community */
#define SEED_BATCH       20000 /* needs per transaction */
#define SEED_YEARS       3
#define DAY              86400

#define WORKER_PASSWORD   "bench-worker-pass"
#define RESIDENT_PASSWORD "bench-resident-pass"

/* ---- deterministic randomness ---------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static int64_t below(int64_t n)
{
	return (int64_t)(rnd() % (uint64_t)n);
}

/* Uniform in [lo, hi]. */
static int64_t between(int64_t lo, int64_t hi)
{
	return lo + below(hi - lo + 1);
}

/* An index drawn with the given weights (summing to anything positive). */
static int weighted(const int *w, int n)
{
	int total = 0;
	for (int i = 0; i < n; i++)
		total += w[i];
	int x = (int)below(total);
	for (int i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

#define PICK(arr) (arr[below((int64_t)(sizeof arr / sizeof arr[0]))])

/* ---- text ------------------------------------------------------------------------------ */

static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
	"郭", "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹"
};
static const char *const given[] = { "秀英", "桂英", "秀兰", "玉兰", "建华", "建国", "志强", "德明",
				     "淑芬", "国庆", "丽娟", "海燕", "文华", "红梅", "子涵", "浩然",
				     "雨桐", "俊杰", "明",   "静",   "伟",   "芳",   "磊",   "敏",
				     "勇",   "军",   "洋",   "艳",   "杰",   "娜" };
static const char *const community_names[SEED_COMMUNITIES] = {
	"玉林北路社区", "玉林东路社区", "玉林西路社区", "芳草社区",   "倪家桥社区",
	"新南门社区",   "望江社区",     "跳伞塔社区",   "九如村社区", "黉门街社区",
	"桐梓林社区",   "丽都社区",     "棕南社区",     "肖家河社区", "紫荆社区",
	"磨子桥社区",   "川大社区",     "锦官新城社区", "永丰社区",   "红牌楼社区"
};
static const char *const compound_names[] = { "锦绣苑", "芳华园", "翠竹院",   "梧桐里",
					      "和平院", "银杏苑", "电子宿舍", "纺织院",
					      "建设村", "桂花巷", "玉林小区", "望江苑" };

struct category {
	const char *code;
	int weight;
	const char *benef; /* beneficiaries JSON */
	const char *const *titles;
	const char *const *details;
};

static const char *const t_environment[] = { "楼道堆放杂物需要清理",   "化粪池返臭请求疏通",
					     "绿化带杂草丛生需要修剪", "垃圾分类点设置不合理",
					     "雨后院坝积水严重",       NULL };
static const char *const d_environment[] = {
	"住户反映已经持续一段时间，夏天蚊虫多，影响出行和健康。",
	"希望社区协调物业和环卫，定期清理并设置提示牌。",
	"老旧院落没有物业，居民自治小组人手不够，需要社区帮助。", NULL
};
static const char *const t_culture[] = { "希望开设周末书法兴趣班",   "院坝电影放映活动申请",
					 "广场舞队需要固定活动场地", "组织邻里运动会",
					 "社区合唱团招募指导老师",   NULL };
static const char *const d_culture[] = { "居民文体活动需求旺盛，但缺少场地和专业指导。",
					 "希望利用周末和节假日开展活动，增进邻里交流。",
					 "可以和辖区学校、文化馆联系，请志愿者来授课。", NULL };
static const char *const t_elderly[] = { "独居老人需要定期上门探访",   "高龄老人助餐服务需求",
					 "老人行动不便需要代购药品",   "老年人智能手机使用培训",
					 "楼道加装扶手方便老人上下楼", NULL };
static const char *const d_elderly[] = { "老人今年八十多岁，子女在外地工作，平时一个人在家。",
					 "希望有志愿者每周上门看望一次，陪老人聊聊天，帮忙打扫。",
					 "院落里六十岁以上的老人占三成，助老需求比较集中。", NULL };
static const char *const t_children[] = {
	"双职工家庭孩子放学后无人看护", "暑期儿童托管班需求",       "留守儿童课业辅导",
	"社区儿童安全游乐设施损坏",     "四点半课堂希望增加科学课", NULL
};
static const char *const d_children[] = { "家长下班晚，孩子下午四点半放学后没有地方去。",
					  "希望社区联合学校和社会组织开设托管和辅导。",
					  "可以招募大学生志愿者，每周固定时间开展活动。", NULL };
static const char *const t_medical[] = { "希望社区开展免费体检", "慢性病老人需要定期测血压",
					 "家庭医生签约咨询",     "残疾人康复器材借用",
					 "义诊进院落活动申请",   NULL };
static const char *const d_medical[] = { "附近的社区卫生服务中心排队时间长，老人往返不便。",
					 "希望每月组织一次健康讲座和血压血糖测量。",
					 "院里有几位行动不便的居民需要上门服务。", NULL };
static const char *const t_safety[] = { "楼道电动车充电存在火灾隐患", "消防通道被占用",
					"院落监控损坏需要维修",       "防诈骗知识宣传需求",
					"夜间路灯不亮存在安全隐患",   NULL };
static const char *const d_safety[] = { "多次发现有人把电动车推进楼道充电，大家都很担心。",
					"希望社区协调安装集中充电桩并开展消防演练。",
					"最近院里有老人接到诈骗电话，需要加强宣传。", NULL };
static const char *const t_eco[] = { "垃圾分类知识进家庭", "旧物改造环保手工课", "节水节电宣传活动",
				     "院落堆肥试点申请", NULL };
static const char *const d_eco[] = { "居民对垃圾分类标准不熟悉，投放正确率不高。",
				     "希望开展亲子环保活动，让孩子带动家长参与。",
				     "可以联系环保社会组织提供材料和讲师。", NULL };
static const char *const t_tech[] = { "青少年编程兴趣课", "科普展进社区", "老年人网上挂号教学",
				      "无人机科普体验活动", NULL };
static const char *const d_tech[] = { "孩子们对科学很感兴趣，但课外缺少动手实践的机会。",
				      "希望邀请高校科技志愿者来社区开课。",
				      "老人不会用手机挂号和缴费，每次都要麻烦别人。", NULL };
static const char *const t_space[] = { "闲置空地改造口袋公园", "院坝增设休闲座椅",
				       "社区活动室开放时间延长", "楼顶晾晒区规范管理", NULL };
static const char *const d_space[] = { "院里有一块闲置空地长期堆放建筑垃圾。",
				       "希望改造成居民休息和孩子玩耍的小花园。",
				       "可以通过居民议事会征求意见后实施。", NULL };
static const char *const t_charity[] = { "困难家庭过冬物资需求", "义仓物资募集", "爱心义集摆摊申请",
					 "低保户子女助学需求", NULL };
static const char *const d_charity[] = { "家里有重病患者，收入微薄，生活比较困难。",
					 "希望通过义仓筹集棉被、米面油等生活物资。",
					 "已经有几位热心居民愿意捐赠，需要社区统筹。", NULL };
static const char *const t_party[] = { "党员志愿服务岗认领", "主题党日进院落",
				       "在职党员报到服务需求", NULL };
static const char *const d_party[] = { "院落党小组希望组织党员为居民办实事。",
				       "可以结合院落需求设置志愿服务岗位。",
				       "希望社区党委统一协调时间和内容。", NULL };
static const char *const t_courtyard[] = { "老旧院落屋面漏水维修", "院落大门门禁系统更换",
					   "院落化粪池改造",       "单元楼道粉刷翻新",
					   "院落停车秩序整治",     NULL };
static const char *const d_courtyard[] = { "房屋建成于上世纪八十年代，设施老化严重。",
					   "雨季顶楼住户家里漏水，已经影响正常生活。",
					   "院落自治小组已征求过住户意见，大多数人同意改造。",
					   NULL };

static const struct category categories[] = {
	{ "environment", 12, "[\"all\"]", t_environment, d_environment },
	{ "culture", 9, "[\"all\"]", t_culture, d_culture },
	{ "elderly", 16, "[\"elderly\"]", t_elderly, d_elderly },
	{ "children", 11, "[\"children\",\"families\"]", t_children, d_children },
	{ "medical", 9, "[\"elderly\",\"disabled\"]", t_medical, d_medical },
	{ "safety", 8, "[\"all\"]", t_safety, d_safety },
	{ "eco_education", 5, "[\"children\",\"families\"]", t_eco, d_eco },
	{ "tech_education", 4, "[\"youth\",\"elderly\"]", t_tech, d_tech },
	{ "public_space", 7, "[\"all\"]", t_space, d_space },
	{ "charity", 6, "[\"low_income\"]", t_charity, d_charity },
	{ "party", 3, "[\"all\"]", t_party, d_party },
	{ "courtyard", 10, "[\"families\",\"elderly\"]", t_courtyard, d_courtyard },
};
#define NCATEGORIES ((int)(sizeof categories / sizeof categories[0]))

static const struct category *category_pick(void)
{
	int w[NCATEGORIES];
	for (int i = 0; i < NCATEGORIES; i++)
		w[i] = categories[i].weight;
	return &categories[weighted(w, NCATEGORIES)];
}

static const char *const reject_reasons[] = {
	"不属于社区服务范围，已转交街道城管科办理",
	"经核实该问题已由物业解决",
	"需求描述不清，多次联系申请人未果",
	"涉及私人产权纠纷，建议通过司法途径解决",
};

static int count_of(const char *const *list)
{
	int n = 0;
	while (list[n])
		n++;
	return n;
}

static const char *one_of(const char *const *list)
{
	return list[below(count_of(list))];
}

static void person_name(char *out, size_t n)
{
	snprintf(out, n, "%s%s", PICK(surnames), PICK(given));
}

static void phone_number(char *out, size_t n)
{
	static const char *const prefix[] = { "138", "139", "135", "136", "137", "150", "151",
					      "158", "159", "180", "181", "186", "187", "189" };
	snprintf(out, n, "%s%08" PRId64, PICK(prefix), below(100000000));
}

/* ---- the tree we build ----------------------------------------------------------------- */

struct resident {
	int64_t id;
	int compound;
};

struct community {
	int64_t id;
	char path[AREA_PATH_MAX];
	int64_t compound_id[SEED_COMPOUNDS];
	char compound_path[SEED_COMPOUNDS][AREA_PATH_MAX];
	int64_t secretary_id, worker_id;
	struct resident residents[SEED_RESIDENTS];
	int64_t providers[SEED_PROVIDERS];
	int64_t merge_target; /* a recent need that stays open, for merges */
};

struct seed {
	struct store *s;
	struct db *db;
	struct actor admin;
	int64_t root, street_id;
	struct community c[SEED_COMMUNITIES];
	int64_t bench_worker, bench_resident;
	FILE *ids;
	int64_t nids, events, history, supports;
};

static void die(const char *what, const struct xy_err *e)
{
	fprintf(stderr, "bench-seed: %s: %s\n", what, e && e->message[0] ? e->message : "failed");
	exit(1);
}

static void check(int rc, struct db *db, const char *what)
{
	if (rc != DB_OK && rc != DB_DONE && rc != DB_ROW) {
		fprintf(stderr, "bench-seed: %s: %s\n", what, db_errmsg(db));
		exit(1);
	}
}

/* A catalogue statement, ready to bind; exits when it cannot be prepared. */
static struct db_stmt *stmt(struct db *db, enum stmt_id id)
{
	struct db_stmt *st = db_stmt(db, id);
	if (!st) {
		fprintf(stderr, "bench-seed: cannot prepare statement %d: %s\n", (int)id,
			db_errmsg(db));
		exit(1);
	}
	return st;
}

static int64_t scalar(struct db *db, const char *sql)
{
	struct db_stmt *st = db_stmt_sql(db, sql);
	if (!st || db_step(st) != DB_ROW) {
		fprintf(stderr, "bench-seed: %s: %s\n", sql, db_errmsg(db));
		exit(1);
	}
	int64_t v = db_col_i64(st, 0);
	db_reset(st);
	return v;
}

static int64_t area_add(struct seed *sd, const char *name, const char *kind, int64_t parent)
{
	struct xy_err e = { 0 };
	int64_t id;
	if (area_create(sd->s, &sd->admin, name, kind, parent, &id, &e))
		die(name, &e);
	return id;
}

static void area_path_of(struct db *db, int64_t id, char out[AREA_PATH_MAX])
{
	struct db_stmt *st = stmt(db, STMT_AREA_PATH);
	db_bind_i64(st, 1, id);
	check(db_step(st), db, "area path");
	snprintf(out, AREA_PATH_MAX, "%s", db_col_text(st, 0));
	db_reset(st);
}

static void seed_areas(struct seed *sd)
{
	int64_t city = area_add(sd, "成都市", "city", sd->root);
	int64_t district = area_add(sd, "武侯区", "district", city);
	sd->street_id = area_add(sd, "玉林街道", "street", district);
	for (int i = 0; i < SEED_COMMUNITIES; i++) {
		struct community *c = &sd->c[i];
		c->id = area_add(sd, community_names[i], "community", sd->street_id);
		area_path_of(sd->db, c->id, c->path);
		for (int k = 0; k < SEED_COMPOUNDS; k++) {
			c->compound_id[k] =
				area_add(sd, compound_names[(i * 3 + k) % 12], "compound", c->id);
			area_path_of(sd->db, c->compound_id[k], c->compound_path[k]);
		}
	}
}

static int64_t staff_add(struct seed *sd, const char *username, const char *password,
			 const char *role, int64_t area)
{
	char name[64], phone[24];
	person_name(name, sizeof name);
	phone_number(phone, sizeof phone);
	struct user_input in = { .username = username,
				 .password = password,
				 .display_name = name,
				 .phone = phone,
				 .ngrants = 1,
				 .grants = { { role, area } } };
	struct xy_err e = { 0 };
	int64_t id;
	if (user_create(sd->s, NULL, &in, &id, &e))
		die(username, &e);
	return id;
}

/* Residents share one Argon2id hash (of RESIDENT_PASSWORD): hashing thousands would take
 * minutes. Rows and audit events are what self-registration writes. */
static void residents_add(struct seed *sd, struct community *c, int ci, const char *hash)
{
	struct db *db = sd->db;
	check(db_begin(db), db, "begin");
	for (int r = 0; r < SEED_RESIDENTS; r++) {
		struct resident *res = &c->residents[r];
		char username[40], name[64], phone[24];
		snprintf(username, sizeof username, "res_c%02d_%03d", ci + 1, r + 1);
		person_name(name, sizeof name);
		phone_number(phone, sizeof phone);
		res->compound = (int)below(SEED_COMPOUNDS);
		struct db_stmt *st = stmt(db, STMT_USER_INSERT);
		db_bind_text(st, 1, username);
		db_bind_text(st, 2, hash);
		db_bind_text(st, 3, name);
		db_bind_text(st, 4, phone);
		db_bind_i64(st, 5, time_now());
		check(db_step(st), db, "resident");
		res->id = db_col_i64(st, 0);
		db_reset(st);
		int64_t area = c->compound_id[res->compound];
		st = stmt(db, STMT_GRANT_INSERT);
		db_bind_i64(st, 1, res->id);
		db_bind_text(st, 2, "resident");
		db_bind_i64(st, 3, area);
		check(db_run(st), db, "grant");
		json_t *data = json_pack("{s:s, s:[{s:s, s:I}], s:b}", "username", username,
					 "grants", "role", "resident", "area_id", (json_int_t)area,
					 "self_registered", 1);
		struct xy_err e = { 0 };
		if (store_audit_append(db, res->id, area, "user.created", "user", res->id, data,
				       &e))
			die("resident audit", &e);
		json_decref(data);
		sd->events++;
	}
	check(db_commit(db), db, "commit");
}

static void seed_people(struct seed *sd, int64_t t0)
{
	char hash[SECRET_HASH_MAX];
	if (secret_password_hash(RESIDENT_PASSWORD, hash) != 0)
		die("hash", NULL);
	for (int i = 0; i < SEED_COMMUNITIES; i++) {
		struct community *c = &sd->c[i];
		char u[40];
		time_set_override(t0 + i * 60);
		snprintf(u, sizeof u, "secretary_c%02d", i + 1);
		c->secretary_id = staff_add(sd, u, WORKER_PASSWORD, "secretary", c->id);
		snprintf(u, sizeof u, "worker_c%02d", i + 1);
		c->worker_id = staff_add(sd, u, WORKER_PASSWORD, "worker", c->id);
		residents_add(sd, c, i, hash);
		for (int p = 0; p < SEED_PROVIDERS; p++) {
			static const char *const talents[] = { "退休教师志愿服务队",
							       "大学生志愿者协会", "社区医生工作室",
							       "红枫义工队" };
			static const char *const resources[] = { "爱心超市", "社区卫生服务中心",
								 "物业服务公司", "辖区共建单位" };
			bool talent = p % 2 == 0;
			char name[80];
			snprintf(name, sizeof name, "%s%s", community_names[i],
				 talent ? talents[p / 2 % 4] : resources[p / 2 % 4]);
			struct provider_input in = { .kind = talent ? "talent" : "resource",
						     .name = name,
						     .area_id = c->id,
						     .nskills = 2,
						     .capacity = 100000,
						     .contact = "028-85550000" };
			in.skills[0] = categories[(i + p) % NCATEGORIES].code;
			in.skills[1] = categories[(i + p + 5) % NCATEGORIES].code;
			struct xy_err e = { 0 };
			if (provider_create(sd->s, &sd->admin, &in, &c->providers[p], &e))
				die(name, &e);
		}
	}
}

/* ---- needs ----------------------------------------------------------------------------- */

/* Where a need is meant to end; its path is cut short if it is too young to have got there. */
static const int final_weight[NEED_STATUS_COUNT] = {
	[NEED_SUBMITTED] = 3, [NEED_ACCEPTED] = 12,  [NEED_REJECTED] = 6,
	[NEED_MERGED] = 4,    [NEED_WISH_OPEN] = 7,  [NEED_CLAIMED] = 5,
	[NEED_FULFILLED] = 8, [NEED_CONFIRMED] = 40, [NEED_IN_PROJECT] = 15,
};

/* The states after `submitted` on the way to final. */
static int path_to(int final, int *steps)
{
	int n = 0;
	switch (final) {
	case NEED_SUBMITTED:
		break;
	case NEED_REJECTED:
	case NEED_MERGED:
		steps[n++] = final;
		break;
	case NEED_IN_PROJECT:
		steps[n++] = NEED_ACCEPTED;
		steps[n++] = NEED_IN_PROJECT;
		break;
	default: /* accepted, wish_open, claimed, fulfilled, confirmed */
		steps[n++] = NEED_ACCEPTED;
		for (int s = NEED_WISH_OPEN; s <= NEED_CONFIRMED && final >= NEED_WISH_OPEN; s++) {
			steps[n++] = s;
			if (s == final)
				break;
		}
		break;
	}
	return n;
}

struct need_row {
	int64_t id, area_id, created, updated, responded, accepted, resolved;
	int64_t submitter, recorder, merged_into, provider, supporters;
	const char *area_path, *status, *reason;
	const struct category *cat;
	char title[256], description[1024], tracking[32], behalf_name[64], behalf_phone[24];
	int channel, urgency;
};

static void audit(struct seed *sd, int64_t at, int64_t actor, int64_t area, const char *action,
		  int64_t id, json_t *data)
{
	struct xy_err e = { 0 };
	time_set_override(at);
	if (store_audit_append(sd->db, actor, area, action, "need", id, data, &e))
		die("audit", &e);
	json_decref(data);
	sd->events++;
}

static void history(struct seed *sd, int64_t id, const char *from, const char *to, int64_t actor,
		    int64_t at, const char *reason, int64_t provider, int64_t merged)
{
	struct db_stmt *st = stmt(sd->db, STMT_NEED_HISTORY_INSERT);
	db_bind_i64(st, 1, id);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	db_bind_id(st, 4, actor);
	db_bind_i64(st, 5, at);
	db_bind_text(st, 6, reason);
	db_bind_id(st, 7, provider);
	db_bind_id(st, 8, merged);
	check(db_run(st), sd->db, "history");
	sd->history++;
}

static void need_insert(struct seed *sd, const struct need_row *n)
{
	struct db_stmt *st = db_stmt_sql(
		sd->db,
		"INSERT INTO needs(id, tracking_no, area_id, area_path, category, title, "
		"description, beneficiaries, urgency, channel, status, submitter_id, recorded_by, "
		"behalf_name, behalf_phone, merged_into, provider_id, reason, supporters, "
		"created_at, updated_at, respond_by, responded_at, accepted_at, resolved_at) "
		"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, "
		"$17, $18, $19, $20, $21, $22, $23, $24, $25)");
	if (!st)
		die("prepare need insert", NULL);
	db_bind_i64(st, 1, n->id);
	db_bind_text(st, 2, n->tracking);
	db_bind_i64(st, 3, n->area_id);
	db_bind_text(st, 4, n->area_path);
	db_bind_text(st, 5, n->cat->code);
	db_bind_text(st, 6, n->title);
	db_bind_text(st, 7, n->description);
	db_bind_text(st, 8, n->cat->benef);
	db_bind_text(st, 9, need_urgency_name((enum need_urgency)n->urgency));
	db_bind_text(st, 10, need_channel_name((enum need_channel)n->channel));
	db_bind_text(st, 11, n->status);
	db_bind_id(st, 12, n->submitter);
	db_bind_id(st, 13, n->recorder);
	db_bind_text(st, 14, n->submitter ? NULL : n->behalf_name);
	db_bind_text(st, 15, n->submitter ? NULL : n->behalf_phone);
	db_bind_id(st, 16, n->merged_into);
	db_bind_id(st, 17, n->provider);
	db_bind_text(st, 18, n->reason);
	db_bind_i64(st, 19, n->supporters);
	db_bind_i64(st, 20, n->created);
	db_bind_i64(st, 21, n->updated);
	db_bind_i64(st, 22, n->created + NEED_RESPONSE_HOURS * 3600);
	if (n->responded)
		db_bind_i64(st, 23, n->responded);
	if (n->accepted)
		db_bind_i64(st, 24, n->accepted);
	if (n->resolved)
		db_bind_i64(st, 25, n->resolved);
	check(db_run(st), sd->db, "need insert");
}

/* One need: its row, then its events in time order (submitted, +1s, transitions). */
static void need_make(struct seed *sd, int64_t id, int64_t created, int64_t now)
{
	struct need_row n = { .id = id, .created = created, .updated = created };
	int ci = (int)below(SEED_COMMUNITIES);
	struct community *c = &sd->c[ci];
	n.cat = category_pick();
	n.urgency = weighted((int[]){ 25, 60, 15 }, URG_COUNT);
	/* 45% come from residents themselves, the rest are recorded by staff */
	n.channel = weighted((int[]){ 45, 25, 15, 10, 5 }, CH_COUNT);
	const struct resident *sub = NULL;
	int compound = -1;
	if (n.channel == CH_SELF) {
		sub = &c->residents[below(SEED_RESIDENTS)];
		n.submitter = sub->id;
		compound = below(10) < 8 ? sub->compound : -1;
	} else {
		n.recorder = below(4) ? c->worker_id : c->secretary_id;
		person_name(n.behalf_name, sizeof n.behalf_name);
		phone_number(n.behalf_phone, sizeof n.behalf_phone);
		compound = below(10) < 7 ? (int)below(SEED_COMPOUNDS) : -1;
	}
	n.area_id = compound < 0 ? c->id : c->compound_id[compound];
	n.area_path = compound < 0 ? c->path : c->compound_path[compound];
	const char *place =
		compound < 0 ? community_names[ci] : compound_names[(ci * 3 + compound) % 12];
	snprintf(n.title, sizeof n.title, "%s%s", place, one_of(n.cat->titles));
	int nd = count_of(n.cat->details);
	int a = (int)below(nd), b = (int)((a + 1 + below(nd - 1)) % nd);
	snprintf(n.description, sizeof n.description, "%s%" PRId64 "栋%" PRId64 "单元，%s%s", place,
		 between(1, 12), between(1, 4), n.cat->details[a], n.cat->details[b]);
	char iso[40];
	time_iso(created, iso, sizeof iso);
	snprintf(n.tracking, sizeof n.tracking, "XY%.4s-%06" PRId64, iso, id);

	/* the path and its times; cut where it would run into the future */
	int steps[8], nsteps = path_to(weighted(final_weight, NEED_STATUS_COUNT), steps);
	int64_t at[8], t = created;
	int kept = 0;
	for (int i = 0; i < nsteps; i++) {
		t += i == 0 ? between(3600, 4 * DAY) : between(DAY / 2, 12 * DAY);
		if (t >= now)
			break;
		at[kept++] = t;
	}
	nsteps = kept;
	n.status = need_status_name(nsteps ? (enum need_status)steps[nsteps - 1] : NEED_SUBMITTED);
	bool open = nsteps == 0 ||
		    (steps[nsteps - 1] != NEED_REJECTED && steps[nsteps - 1] != NEED_MERGED);

	/* +1s from neighbours while the need waits for its first response */
	int64_t supporters[4];
	int nsup = below(100) < 8 ? (int)between(1, 4) : 0;
	for (int i = 0; i < nsup; i++) {
		int64_t r;
		bool again;
		do {
			r = c->residents[below(SEED_RESIDENTS)].id;
			again = r == n.submitter;
			for (int j = 0; j < i; j++)
				again = again || supporters[j] == r;
		} while (again);
		supporters[i] = r;
	}
	int64_t window = (nsteps ? at[0] : now) - created;
	n.supporters = nsup;

	int64_t actor_staff = c->worker_id;
	for (int i = 0; i < nsteps; i++) {
		int s = steps[i];
		n.updated = at[i];
		if (i == 0)
			n.responded = at[i];
		if (s == NEED_ACCEPTED)
			n.accepted = at[i];
		if (s == NEED_FULFILLED)
			n.resolved = at[i];
		if (s == NEED_REJECTED)
			n.reason = PICK(reject_reasons);
		if (s == NEED_MERGED)
			n.merged_into = c->merge_target;
		if (s == NEED_CLAIMED)
			n.provider = c->providers[below(SEED_PROVIDERS)];
	}
	if (nsteps && steps[nsteps - 1] == NEED_MERGED && !n.merged_into) {
		/* nothing to merge into yet in this community: rejected instead */
		steps[nsteps - 1] = NEED_REJECTED;
		n.status = need_status_name(NEED_REJECTED);
		n.reason = PICK(reject_reasons);
	}
	if (!nsteps && nsup)
		n.updated = created + window / 2;
	need_insert(sd, &n);

	/* events in time order */
	int64_t who = n.submitter ? n.submitter : n.recorder;
	history(sd, id, NULL, "submitted", who, created, NULL, 0, 0);
	audit(sd, created, who, n.area_id, "need.submitted", id,
	      json_pack("{s:s, s:s, s:s, s:s}", "tracking_no", n.tracking, "category", n.cat->code,
			"channel", need_channel_name((enum need_channel)n.channel), "status",
			"submitted"));
	for (int i = 0; i < nsup; i++) {
		int64_t when = created + window * (i + 1) / (nsup + 2);
		struct db_stmt *st = stmt(sd->db, STMT_NEED_SUPPORT_INSERT);
		db_bind_i64(st, 1, id);
		db_bind_i64(st, 2, supporters[i]);
		db_bind_i64(st, 3, when);
		check(db_run(st), sd->db, "support");
		sd->supports++;
		audit(sd, when, supporters[i], n.area_id, "need.supported", id,
		      json_pack("{s:I}", "supporters", (json_int_t)(i + 1)));
	}
	const char *from = "submitted";
	for (int i = 0; i < nsteps; i++) {
		int s = steps[i];
		const char *to = need_status_name((enum need_status)s);
		int64_t actor = s == NEED_WISH_OPEN || s == NEED_IN_PROJECT ? c->secretary_id
				: s == NEED_CONFIRMED && n.submitter        ? n.submitter
									    : actor_staff;
		const char *reason = s == NEED_REJECTED ? n.reason : NULL;
		int64_t provider = s == NEED_CLAIMED ? n.provider : 0;
		int64_t merged = s == NEED_MERGED ? n.merged_into : 0;
		history(sd, id, from, to, actor, at[i], reason, provider, merged);
		json_t *data = json_pack("{s:s, s:s}", "from", from, "to", to);
		if (reason)
			json_object_set_new(data, "reason", json_string(reason));
		if (merged)
			json_object_set_new(data, "merged_into", json_integer(merged));
		if (provider)
			json_object_set_new(data, "provider_id", json_integer(provider));
		audit(sd, at[i], actor, n.area_id, "need.transition", id, data);
		from = to;
	}
	if (open && (!nsteps || steps[nsteps - 1] == NEED_ACCEPTED))
		c->merge_target = id;
	if (ci == 0) {
		fprintf(sd->ids, "%" PRId64 "\n", id);
		sd->nids++;
	}
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The secondary indexes of the tables the needs loop fills: dropped while loading and built
 * again afterwards from their own CREATE statements (sorting once beats a million inserts). */
#define SEED_INDEX_MAX 32
struct saved_indexes {
	int n;
	char *sql[SEED_INDEX_MAX];
};

static void indexes_drop(struct db *db, struct saved_indexes *ix)
{
	struct db_stmt *st = db_stmt_sql(
		db, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
		    "AND tbl_name IN ('needs', 'need_history', 'need_supports', 'audit_events')");
	char names[SEED_INDEX_MAX][128];
	int rc;
	ix->n = 0;
	while (st && (rc = db_step(st)) == DB_ROW && ix->n < SEED_INDEX_MAX) {
		snprintf(names[ix->n], sizeof names[0], "%s", db_col_text(st, 0));
		ix->sql[ix->n++] = xy_strdup(db_col_text(st, 1));
	}
	if (st)
		db_reset(st);
	for (int i = 0; i < ix->n; i++) {
		char sql[200];
		snprintf(sql, sizeof sql, "DROP INDEX \"%s\"", names[i]);
		check(db_exec(db, sql), db, sql);
	}
}

static void indexes_build(struct db *db, struct saved_indexes *ix)
{
	for (int i = 0; i < ix->n; i++) {
		check(db_exec(db, ix->sql[i]), db, ix->sql[i]);
		free(ix->sql[i]);
	}
}

static void seed_needs(struct seed *sd, int64_t count, int64_t from, int64_t now)
{
	struct db *db = sd->db;
	int64_t base = scalar(db, "SELECT COALESCE(MAX(id), 0) FROM needs");
	int64_t span = now - 3600 - from;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct saved_indexes ix;
	check(db_begin(db), db, "begin");
	indexes_drop(db, &ix);
	check(db_commit(db), db, "commit");
	for (int64_t i = 0; i < count; i++) {
		if (i % SEED_BATCH == 0) {
			if (i) {
				check(db_commit(db), db, "commit");
				fprintf(stderr, "\rbench-seed: %" PRId64 " needs, %.0fs", i,
					seconds_since(&t0));
			}
			check(db_begin(db), db, "begin");
		}
		int64_t created = from + span * i / count + below(span / count + 1);
		need_make(sd, base + 1 + i, created, now);
	}
	check(db_commit(db), db, "commit");
	fprintf(stderr, "\rbench-seed: %" PRId64 " needs, %.0fs\n", count, seconds_since(&t0));
	check(db_begin(db), db, "begin");
	indexes_build(db, &ix);
	check(db_commit(db), db, "commit");
	fprintf(stderr, "bench-seed: indexes built, %.0fs\n", seconds_since(&t0));
}

static void write_meta(const struct seed *sd, const char *dir, int64_t count)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/meta.sh", dir);
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	const struct community *c = &sd->c[0];
	fprintf(f, "# written by bench-seed\n");
	fprintf(f, "SEED_NEEDS=%" PRId64 "\n", count);
	fprintf(f, "SEED_COMMUNITY_ID=%" PRId64 "\n", c->id);
	fprintf(f, "SEED_COMMUNITY_NEEDS=%" PRId64 "\n", sd->nids);
	fprintf(f, "SEED_COMPOUND_IDS=\"");
	for (int k = 0; k < SEED_COMPOUNDS; k++)
		fprintf(f, "%s%" PRId64, k ? " " : "", c->compound_id[k]);
	fprintf(f, "\"\n");
	fprintf(f, "SEED_WORKER=bench_worker\nSEED_WORKER_PASSWORD=%s\n", WORKER_PASSWORD);
	fprintf(f, "SEED_RESIDENT=bench_resident\nSEED_RESIDENT_PASSWORD=%s\n", RESIDENT_PASSWORD);
	fprintf(f, "SEED_EVENTS=%" PRId64 "\nSEED_HISTORY=%" PRId64 "\nSEED_SUPPORTS=%" PRId64 "\n",
		sd->events, sd->history, sd->supports);
	if (fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* Schema version 1 only: the bulk rows go in before the newer migrations run (see the top). */
static void schema_v1(struct db *db)
{
	if (migrations_sqlite_count < 1 || migrations_sqlite[0].version != 1) {
		fputs("bench-seed: no migration 1 to start from\n", stderr);
		exit(1);
	}
	check(db_begin(db), db, "begin");
	if (migrate_version(db) != 0) {
		fputs("bench-seed: the database is not empty; seed a new file\n", stderr);
		exit(1);
	}
	check(db_exec(db, migrations_sqlite[0].sql), db, migrations_sqlite[0].name);
	struct db_stmt *st = stmt(db, STMT_MIGRATION_RECORD);
	db_bind_i64(st, 1, migrations_sqlite[0].version);
	db_bind_text(st, 2, migrations_sqlite[0].name);
	db_bind_i64(st, 3, time_now());
	check(db_run(st), db, "schema_migrations");
	check(db_commit(db), db, "commit");
}

/* What `xinyuan init` does on a new database (cli_ensure_admin): the root province, then the
 * admin with the password from XINYUAN_ADMIN_PASSWORD (or a generated one, printed once). */
static void init_like(struct seed *sd)
{
	struct actor system = { 0 };
	struct xy_err e = { 0 };
	system.ngrants = 1;
	system.grants[0].role = ROLE_ADMIN;
	snprintf(system.grants[0].scope, sizeof system.grants[0].scope, "/");
	if (area_create(sd->s, &system, "四川省", "province", 0, &sd->root, &e))
		die("root area", &e);
	const char *pw = getenv("XINYUAN_ADMIN_PASSWORD");
	char generated[33];
	if (!pw || !*pw) {
		secret_random_hex(generated, 8);
		pw = generated;
		printf("admin password (shown once): %s\n", generated);
	}
	struct user_input in = { .username = "admin",
				 .password = pw,
				 .display_name = "系统管理员",
				 .ngrants = 1,
				 .grants = { { "admin", sd->root } } };
	if (user_create(sd->s, NULL, &in, &sd->admin.user_id, &e))
		die("admin", &e);
	sd->admin.ngrants = 1;
	sd->admin.grants[0].role = ROLE_ADMIN;
	snprintf(sd->admin.grants[0].scope, sizeof sd->admin.grants[0].scope, "/");
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fputs("usage: bench-seed DB NEEDS OUTDIR\n"
		      "Creates DB (a new file) with `xinyuan init` contents and NEEDS generated\n"
		      "needs; writes OUTDIR/meta.sh and OUTDIR/ids.txt for bench/http.sh.\n",
		      stderr);
		return 2;
	}
	char *end;
	long long count = strtoll(argv[2], &end, 10);
	if (*end || count < 1 || count > 100000000) {
		fputs("bench-seed: NEEDS must be 1 to 100000000\n", stderr);
		return 2;
	}
	FILE *probe = fopen(argv[1], "r");
	if (probe) {
		fclose(probe);
		fprintf(stderr, "bench-seed: %s exists; seed a new file\n", argv[1]);
		return 1;
	}
	if (secret_init() != 0)
		return 1;
	static struct seed sd;
	struct xy_err e = { 0 };
	if (!(sd.s = store_open(argv[1], &e)) || !(sd.db = store_conn(sd.s, &e)))
		die(argv[1], &e);
	/* loading only: no fsync, a big page cache, no foreign-key lookups (the generator makes
	 * every reference valid), helper threads for the index sorts */
	check(db_exec(sd.db, "PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000; "
			     "PRAGMA foreign_keys=OFF; PRAGMA threads=2"),
	      sd.db, "pragma");
	char ids[1024];
	snprintf(ids, sizeof ids, "%s/ids.txt", argv[3]);
	if (!(sd.ids = fopen(ids, "w"))) {
		perror(ids);
		return 1;
	}

	int64_t now = (int64_t)time(NULL);
	int64_t from = now - SEED_YEARS * 365 * (int64_t)DAY;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	schema_v1(sd.db);
	time_set_override(from - 30 * DAY);
	init_like(&sd);
	seed_areas(&sd);
	seed_people(&sd, from - 20 * DAY);
	fprintf(stderr, "bench-seed: areas, %d users and providers in %.1fs\n",
		SEED_COMMUNITIES * (SEED_RESIDENTS + 2) + 1, seconds_since(&t0));
	seed_needs(&sd, count, from, now);
	time_set_override(0);
	if (fclose(sd.ids) != 0) {
		perror(ids);
		return 1;
	}

	/* the newer migrations over the loaded rows, then the benchmark's users */
	int applied = 0;
	if (store_migrate(sd.s, &applied, &e))
		die("migrate", &e);
	fprintf(stderr, "bench-seed: %d newer migration(s) applied, %.0fs\n", applied,
		seconds_since(&t0));
	sd.bench_worker = staff_add(&sd, "bench_worker", WORKER_PASSWORD, "worker", sd.c[0].id);
	sd.bench_resident = staff_add(&sd, "bench_resident", RESIDENT_PASSWORD, "resident",
				      sd.c[0].compound_id[0]);
	sd.events = scalar(sd.db, "SELECT last_id FROM audit_head"); /* the whole chain */
	check(db_exec(sd.db, "PRAGMA wal_checkpoint(TRUNCATE)"), sd.db, "checkpoint");
	write_meta(&sd, argv[3], count);
	fprintf(stderr,
		"bench-seed: %lld needs (%" PRId64 " in the bench community), %" PRId64
		" history rows, %" PRId64 " +1s, %" PRId64 " audit events in %.0fs\n",
		count, sd.nids, sd.history, sd.supports, sd.events, seconds_since(&t0));
	store_close(sd.s);
	return 0;
}
