/* demo_projects — the project year of `xinyuan demo`: the calendar year before the demo's end,
 * laid out from January to October, so that it is over before the needs list of the last
 * weeks begins and the audit chain runs forward in time.
 *
 * 蔡山社区 (the source report's figures, computed from its own records by `xinyuan report`):
 * a special fund from 彭山区 split between the six courtyards by their accepted needs (30,000
 * yuan a need, 5 % kept back); 16 courtyard service projects drafted from the needs residents
 * raised in January, approved in March, run as 7 activities each from spring to late summer
 * (112 events in 7 categories, more than 20,000 person-times), paid in three receipts each,
 * rated by 507 residents who signed up for them (497 satisfied or basically satisfied:
 * 98.03 %), evaluated by 明德社工 and closed in October.
 * 九眼桥社区: 锦江区's fund pays 100,000 yuan for 七彩空间 at 晶蓝半岛小区, a venue with the
 * seven colour zones whose activities book them; and the aquatic-market renewal with its
 * government, market and community parties, still under way and past its stage deadline.
 *
 * Everything goes through the store as the acting user (the system for the districts' funds),
 * dated by time_set_override(); the plan is one list of events sorted by time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/demo.h"
#include "core/money.h"
#include "core/timefmt.h"
#include "store/activities.h"
#include "store/feedback.h"
#include "store/funds.h"
#include "store/identity.h"
#include "store/needs.h"
#include "store/projects.h"
#include "store/stats.h"
#include "store/venues.h"

#define COUNT(a) ((int)(sizeof(a) / sizeof *(a)))
#define HOUR     3600

/* ---- the data -------------------------------------------------------------------------- */

/* 蔡山's courtyards (demo_data.c keys), 8 demo residents each. */
static const char *const courtyards[] = {
	"baishu", "guihua", "pipa", "zhulin", "chaguan", "hepan"
};
#define PER_COURTYARD 8
#define CS_RESIDENTS  (COUNT(courtyards) * PER_COURTYARD)

/* Invented names: surname i with given names (5 i + j) mod 12, j < 4. */
static const char *const surnames[] = { "王", "李", "张", "刘", "陈", "杨",
					"黄", "赵", "吴", "周", "徐", "孙" };
static const char *const given[] = { "桂兰", "德明", "淑珍", "志华", "玉芳", "建平",
				     "秀梅", "国富", "春燕", "文斌", "金凤", "永康" };

/* 九眼桥's residents (demo_data.c users) who use 七彩空间 and rate it. */
static const char *const jyq_residents[] = { "resident_zhang", "resident_liu",  "resident_wang",
					     "resident_zhao",  "resident_tang", "resident_huang",
					     "resident_zhou",  "resident_wu",   "resident_xu" };

static const struct pfund {
	const char *key, *area, *name;
	int64_t amount_fen;
	double day; /* set up on 1 January + day */
} funds[] = {
	{ "cs", "cs", "蔡山社区院落服务项目专项资金（彭山区下达）", 60000000, 7 },
	{ "jj", "jinjiang", "锦江区社区发展治理专项资金", 200000000, 7.2 },
};

/* A need a project takes (or a neighbour of it): submitted by a 蔡山 resident (resident >= 0),
 * by a demo_data user (by, channel self), or recorded by by for behalf (channel visit). */
static const struct pneed {
	const char *key, *area, *category, *title, *description;
	int resident;
	const char *by, *behalf;
	double day;
	const char *merged_into, *reason; /* merged or rejected instead of accepted */
	bool late;                        /* accepted after the 72 hours */
} pneeds[] = {
	/* clang-format off */
	{ "k0", "baishu", "charity", "希望院落里办个义仓，邻里互通有无",
	  "院落里有的人家菜吃不完，有的老人买菜不方便，希望办个义仓，大家把多余的东西放进来互相帮衬。",
	  0, NULL, NULL, 8, NULL, NULL, false },
	{ "k1", "baishu", "culture", "院坝空着，想组织坝坝舞活动",
	  "晚饭后大家都没什么事做，院坝又宽敞，想请人教坝坝舞，带动大家锻炼身体。",
	  1, NULL, NULL, 9.2, NULL, NULL, false },
	{ "k2", "baishu", "courtyard", "一下雨院坝就积水，排水沟堵了",
	  "柏树院落的排水沟多年没有疏通，一下大雨院坝积水没过脚背，老人出门很危险。",
	  -1, "worker_cs", "罗婆婆", 10.4, NULL, NULL, false },
	{ "k3", "guihua", "children", "留守儿童周末没人辅导作业",
	  "院落里好几个孩子父母在外打工，爷爷奶奶辅导不了作业，周末只能看电视。",
	  8, NULL, NULL, 11.1, NULL, NULL, false },
	{ "k4", "guihua", "elderly", "独居老人吃饭困难，希望有助餐点",
	  "院落里独居老人多，腿脚不便，经常一顿饭吃两天，希望能有个助餐点。",
	  -1, "worker_cs", "邓大爷", 12.3, NULL, NULL, false },
	{ "k5", "guihua", "environment", "院落角落堆满杂物，想改成小花园",
	  "桂花院落东北角堆了多年的杂物，蚊虫多，想清理出来种花种菜，改成微花园。",
	  9, NULL, NULL, 13.2, NULL, NULL, false },
	{ "k6", "pipa", "party", "希望党员带头帮扶院落困难户",
	  "院落里有几户困难家庭，希望党员带头，定期上门看看、帮着办点实事。",
	  16, NULL, NULL, 14.1, NULL, NULL, false },
	{ "k7", "pipa", "courtyard", "院坝是泥地，雨天没法走路",
	  "枇杷院落的院坝一直是泥地，下雨天满地泥浆，电瓶车都推不动，希望硬化地面。",
	  17, NULL, NULL, 15.3, NULL, NULL, false },
	{ "k8", "pipa", "culture", "老人们喜欢川剧，希望有个固定的坐唱场所",
	  "院落里有不少川剧爱好者，过去在茶馆坐唱，茶馆关了以后没地方去了。",
	  18, NULL, NULL, 16.2, NULL, NULL, false },
	{ "k9", "zhulin", "environment", "垃圾乱扔，希望设置分类收集点",
	  "竹林院落没有固定的垃圾收集点，垃圾随手扔在竹林边，希望设置分类收集点并教大家分类。",
	  24, NULL, NULL, 17.1, NULL, NULL, false },
	{ "k10", "zhulin", "elderly", "希望有地方定期量血压、测血糖",
	  "院落里高血压、糖尿病的老人多，去卫生院要走很远，希望院落里能定期量血压、测血糖。",
	  25, NULL, NULL, 18.4, NULL, NULL, false },
	{ "k11", "chaguan", "culture", "希望在老茶馆搞读报、茶话会",
	  "老茶馆院落的老人每天都在茶馆坐，希望组织读报、讲政策、摆龙门阵的茶话会。",
	  32, NULL, NULL, 19.2, NULL, NULL, false },
	{ "k12", "chaguan", "courtyard", "院落电线老化乱拉，存在火灾隐患",
	  "老茶馆院落的电线都是几十年前拉的，有的裸露在外，还有人私拉电线给电瓶车充电。",
	  -1, "worker_cs", "谢大爷", 20.1, NULL, NULL, false },
	{ "k13", "hepan", "environment", "河边垃圾多，夏天有异味",
	  "河畔院落旁边的河道垃圾堆积，夏天气味很大，蚊子也多，希望定期清理。",
	  40, NULL, NULL, 21.3, NULL, NULL, false },
	{ "k14", "hepan", "children", "孩子放假没人看管，希望有人陪伴",
	  "放暑假孩子整天在河边玩，家长很担心，希望童伴妈妈能组织活动陪伴孩子。",
	  41, NULL, NULL, 22.2, NULL, NULL, false },
	{ "k15", "hepan", "charity", "希望每月办一次义集，方便老人买卖农产品",
	  "院落老人自己种的菜、养的鸡蛋卖不出去，想每月办一次义集，大家互通有无。",
	  42, NULL, NULL, 23.1, NULL, NULL, false },
	/* neighbours: accepted and waiting, merged, rejected, answered late */
	{ "x1", "baishu", "public_space", "柏树院落路灯不亮",
	  "院落入口的路灯坏了两个多月，晚上回家看不清路。",
	  2, NULL, NULL, 29.2, NULL, NULL, false },
	{ "x2", "guihua", "culture", "希望开设书法班",
	  "院落里有几位退休老师，想给孩子和老人开个书法班。",
	  10, NULL, NULL, 30.3, NULL, NULL, false },
	{ "x3", "pipa", "courtyard", "院坝泥泞难走",
	  "下雨天院坝全是泥，希望修一下。",
	  19, NULL, NULL, 15.9, "k7", NULL, false },
	{ "x4", "hepan", "environment", "河边太脏了",
	  "河道边垃圾没人管，希望清理。",
	  43, NULL, NULL, 21.8, "k13", NULL, false },
	{ "x5", "zhulin", "courtyard", "希望社区出资翻修自家房屋",
	  "我家房子年久失修，希望社区出钱帮忙翻修。",
	  26, NULL, NULL, 25.1, NULL,
	  "私人住房修缮不属于社区公共服务范围；社区可协助咨询农村危房改造政策。", false },
	{ "x6", "chaguan", "public_space", "老茶馆院落希望增设停车位",
	  "院落门口经常停满车，消防通道被堵，希望规划几个停车位。",
	  33, NULL, NULL, 27.2, NULL, NULL, true },
	/* 九眼桥社区 */
	{ "qc1", "jinglan", "public_space", "小区一楼闲置用房希望改造成活动空间",
	  "晶蓝半岛小区一楼有一处闲置用房，空了好几年，希望改造成居民活动空间，老人孩子都能用。",
	  -1, "resident_huang", NULL, 12.4, NULL, NULL, false },
	{ "qc2", "jinglan", "children", "孩子放学后没有安全的活动场所",
	  "小区孩子多，放学后只能在停车场玩，很不安全，希望有个儿童活动区。",
	  -1, "resident_wang", NULL, 14.3, NULL, NULL, false },
	{ "mk1", "jyq", "environment", "水产市场污水横流、气味大",
	  "九眼桥水产市场设施老旧，地面污水横流，周边居民深受气味困扰。",
	  -1, "worker_jyq2", "刘大爷", 20.2, NULL, NULL, false },
	{ "mk2", "shiji", "public_space", "水产市场周边交通拥堵、占道经营",
	  "水产市场门口占道经营，早晚高峰堵得走不动，希望整治改造。",
	  -1, "resident_zhou", NULL, 22.1, NULL, NULL, false },
	/* clang-format on */
};

enum pkind { P_COURTYARD, P_QICAI, P_MARKET };

/* A project and its year. Courtyard projects (蔡山) take their budget from their courtyard's
 * earmark and run 7 activities in their own category; 七彩空间 runs two activities in each
 * colour zone; the market renewal runs consultations. Days count from 1 January. */
static const struct pproject {
	const char *key, *area, *category, *title, *goals, *feasibility;
	const char *needs[2];
	const char *providers[3];
	enum pkind kind;
	const char *act_title; /* activity titles: act_title（第 n 期） */
	int base;              /* person-times of an activity, give or take 20 */
	const char *payee;
} projects[] = {
	/* clang-format off */
	{ "p0", "baishu", "charity", "柏树院落义仓义集", "建立院落义仓，每月一次义集，物资互助、邻里互帮。",
	  "院坝场地已落实，青禾合作社提供农产品，志愿者负责登记发放。", { "k0" }, { "qinghe", "vyang" },
	  P_COURTYARD, "义仓开仓·邻里义集", 420, "青禾农业专业合作社" },
	{ "p1", "baishu", "culture", "柏树院落坝坝舞队", "组建院落坝坝舞队，每周两次集体锻炼，丰富居民文化生活。",
	  "院坝夜间照明已具备，聘请舞蹈老师按期授课。", { "k1" }, { "vyang" },
	  P_COURTYARD, "坝坝舞教学与展演", 175, "彭山区艺海文化传播有限公司" },
	{ "p2", "baishu", "courtyard", "柏树院落排水沟改造", "疏通并改造院落排水沟，解决雨天积水问题。",
	  "经院落议事会协商一致，施工方案已由专业人员踏勘。", { "k2" }, { "he" },
	  P_COURTYARD, "院落共建·排水沟改造议事与劳动", 100, "眉山市安居建筑工程有限公司" },
	{ "p3", "guihua", "children", "桂花院落童伴之家周末课堂", "依托童伴之家开设周末课堂，为留守儿童提供作业辅导和陪伴。",
	  "童伴之家场地可用，童伴妈妈和志愿者排班授课。", { "k3" }, { "tbzj", "vyang" },
	  P_COURTYARD, "童伴之家周末课堂", 130, "蔡山社区童伴之家" },
	{ "p4", "guihua", "elderly", "桂花院落老年助餐点", "在院落设立老年助餐点，为独居和高龄老人提供午餐。",
	  "闲置房屋改作餐点，委托餐饮企业配送，老人按成本价就餐。", { "k4" }, { "clinic" },
	  P_COURTYARD, "长者助餐与健康讲座", 230, "彭山区乐龄餐饮服务有限公司" },
	{ "p5", "guihua", "environment", "桂花院落微花园", "清理院落杂物，建设居民共建共管的微花园。",
	  "杂物清理已征得各户同意，花苗由居民认领种植。", { "k5" }, { "he" },
	  P_COURTYARD, "微花园共建共管", 90, "眉山市绿源环境服务有限公司" },
	{ "p6", "pipa", "party", "枇杷院落党员先锋岗", "党员认领困难户，定期走访帮扶，开展主题党日活动。",
	  "院落党小组已成立，党员自愿认领。", { "k6" }, { 0 },
	  P_COURTYARD, "党员先锋岗主题党日", 120, "彭山区红星印务有限公司" },
	{ "p7", "pipa", "courtyard", "枇杷院落院坝硬化", "硬化院坝地面，修建排水明沟，方便居民出行。",
	  "施工方案经院落议事会表决通过，居民投工投劳。", { "k7" }, { "he" },
	  P_COURTYARD, "院坝硬化议事与共建劳动", 105, "眉山市安居建筑工程有限公司" },
	{ "p8", "pipa", "culture", "枇杷院落川剧坐唱", "恢复院落川剧坐唱，每月定期演出，传承地方文化。",
	  "院落活动室可用，川剧票友自愿组织。", { "k8" }, { "vyang" },
	  P_COURTYARD, "川剧坐唱", 250, "彭山区艺海文化传播有限公司" },
	{ "p9", "zhulin", "environment", "竹林院落垃圾分类", "设置分类收集点，开展垃圾分类宣传和督导。",
	  "收集点选址已协商确定，环卫公司负责清运。", { "k9" }, { 0 },
	  P_COURTYARD, "垃圾分类宣传督导", 155, "眉山市绿源环境服务有限公司" },
	{ "p10", "zhulin", "elderly", "竹林院落健康小屋", "设立健康小屋，家庭医生定期坐诊，慢病老人建档随访。",
	  "卫生服务中心派家庭医生，设备由中心提供。", { "k10" }, { "clinic" },
	  P_COURTYARD, "健康小屋义诊随访", 190, "彭山区乐龄餐饮服务有限公司" },
	{ "p11", "chaguan", "culture", "老茶馆院落文化茶话会", "在老茶馆开展读报、政策宣讲和茶话会。",
	  "茶馆老板免费提供场地，社区工作人员轮流主持。", { "k11" }, { "vyang" },
	  P_COURTYARD, "老茶馆文化茶话会", 165, "彭山区艺海文化传播有限公司" },
	{ "p12", "chaguan", "courtyard", "老茶馆院落线路改造", "改造院落老化线路，设置电瓶车集中充电点。",
	  "供电所已现场查勘，施工期间分户停电。", { "k12" }, { "he" },
	  P_COURTYARD, "线路改造与用电安全议事", 95, "眉山市安居建筑工程有限公司" },
	{ "p13", "hepan", "environment", "河畔院落河道清洁", "组织居民和志愿者定期清理河道，设置垃圾收集点。",
	  "河道管理站支持，志愿者按月轮值。", { "k13" }, { "vyang" },
	  P_COURTYARD, "河道清洁志愿行动", 145, "眉山市绿源环境服务有限公司" },
	{ "p14", "hepan", "children", "河畔院落童伴妈妈陪伴计划", "童伴妈妈在假期组织游戏、阅读和安全教育，陪伴留守儿童。",
	  "童伴之家提供场地，童伴妈妈已完成培训。", { "k14" }, { "tbzj" },
	  P_COURTYARD, "童伴妈妈假期陪伴", 115, "蔡山社区童伴之家" },
	{ "p15", "hepan", "charity", "河畔院落义集便民摊", "每月举办义集，为老人提供农产品互换和便民服务。",
	  "院落空地可用，青禾合作社协助组织。", { "k15" }, { "qinghe" },
	  P_COURTYARD, "河畔义集便民摊", 505, "青禾农业专业合作社" },
	{ "qicai", "jinglan", "public_space", "七彩空间：晶蓝半岛闲置用房改造",
	  "把晶蓝半岛小区一楼闲置用房改造成“七彩空间”活动阵地，按颜色分区：红色党员活动、蓝色安全教育、白色医疗服务、银色为老服务、绿色环保教育、橙色科技课堂、紫色儿童天地。",
	  "产权方同意无偿使用，消防验收方案已咨询；锦江区专项资金支持10万元，物业负责日常管理。",
	  { "qc1", "qc2" }, { "wuye", "jinxin" }, P_QICAI, NULL, 0, NULL },
	{ "market", "jyq", "public_space", "九眼桥水产市场更新改造",
	  "将4000平方米老旧水产市场改造为特色商业街区（商铺与咖啡馆），政府主导、市场运作、专业运营，改善周边环境与交通。",
	  "区商务局牵头政策与资金，锦悦商业运营公司负责招商运营，社区居民议事会全程参与方案征询。",
	  { "mk1", "mk2" }, { "swj", "jinyue", "yishihui" }, P_MARKET, NULL, 0, NULL },
	/* clang-format on */
};

#define NNEEDS    COUNT(pneeds)
#define NPROJECTS COUNT(projects)
#define ACTS_MAX  14

/* 七彩空间's zones: colour, name, purpose and the category of the activities held there. */
static const struct pzone {
	const char *colour, *name, *purpose, *category, *activity;
} zones[] = {
	{ "red", "红色·党员活动区", "党员活动、主题党日", "party", "主题党日" },
	{ "blue", "蓝色·安全教育区", "消防、防诈骗等安全教育", "safety", "安全教育课堂" },
	{ "white", "白色·医疗服务区", "家庭医生、义诊", "medical", "家庭医生义诊" },
	{ "silver", "银色·为老服务区", "老年人活动与照护", "elderly", "银龄手工坊" },
	{ "green", "绿色·环保教育区", "垃圾分类与环保教育", "eco_education", "环保小课堂" },
	{ "orange", "橙色·科技课堂", "智能手机、编程与科普", "tech_education", "科技课堂" },
	{ "purple", "紫色·儿童天地", "儿童阅读与游戏", "children", "儿童绘本时光" },
};

/* ---- the plan -------------------------------------------------------------------------- */

enum ev_kind {
	EV_FUND,
	EV_NEED,
	EV_NEED_MOVE,
	EV_EARMARK,
	EV_PROJECT,
	EV_PROJECT_MOVE,
	EV_ALLOCATE,
	EV_VENUE,
	EV_ZONE,
	EV_ACTIVITY,
	EV_SIGNUP,
	EV_ATTEND,
	EV_SPEND,
	EV_FEEDBACK,
	EV_EVALUATE,
};

struct event {
	int64_t at;
	int seq;
	enum ev_kind kind;
	int a, b;       /* what: fund, need, courtyard, project, zone; activity, rater, receipt */
	const char *to; /* a project's next state */
};

#define EVENTS_MAX 2400

struct dp {
	struct demo *d;
	struct store *s;
	int year;
	struct event *ev;
	int nev;
	int64_t fund_id[COUNT(funds)];
	int64_t need_id[NNEEDS];
	int64_t project_id[NPROJECTS];
	int64_t budget_fen[NPROJECTS];
	int64_t activity_id[NPROJECTS][ACTS_MAX];
	int64_t earmark_fen[COUNT(courtyards)];
	int64_t venue_id, zone_id[COUNT(zones)];
	int64_t resident_id[CS_RESIDENTS];
	struct actor resident[CS_RESIDENTS];
	struct xy_err e;
};

static int need_index(const char *key)
{
	for (int i = 0; i < NNEEDS; i++)
		if (strcmp(pneeds[i].key, key) == 0)
			return i;
	xy_assert_fail("unknown demo need", __FILE__, __LINE__);
}

static int courtyard_index(const char *key)
{
	for (int i = 0; i < COUNT(courtyards); i++)
		if (strcmp(courtyards[i], key) == 0)
			return i;
	return -1;
}

/* Local time on 1 January of the year + day at hour:minute; a fraction of a day moves the
 * time on by that fraction of an 8-hour working day (mktime normalises the date). */
static int64_t on_day(const struct dp *p, double day, int hour, int minute)
{
	int whole = (int)day;
	struct tm tm = { .tm_year = p->year - 1900,
			 .tm_mon = 0,
			 .tm_mday = 1 + whole,
			 .tm_hour = hour,
			 .tm_min = minute + (int)((day - whole) * 480),
			 .tm_isdst = -1 };
	return (int64_t)mktime(&tm);
}

static void push(struct dp *p, int64_t at, enum ev_kind kind, int a, int b, const char *to)
{
	XY_ASSERT(p->nev < EVENTS_MAX);
	p->ev[p->nev] =
		(struct event){ .at = at, .seq = p->nev, .kind = kind, .a = a, .b = b, .to = to };
	p->nev++;
}

static bool in_cs(const struct pproject *pr)
{
	return pr->kind == P_COURTYARD;
}

static int activities_of(const struct pproject *pr)
{
	return pr->kind == P_COURTYARD ? 7 : pr->kind == P_QICAI ? 2 * COUNT(zones) : 3;
}

/* Raters: 32 for the first 11 courtyard projects, 31 for the other 5 (507 in all); every
 * resident of 九眼桥 for 七彩空间; nobody yet for the market, which is still under way. */
static int raters_of(int k)
{
	const struct pproject *pr = &projects[k];
	if (pr->kind == P_COURTYARD)
		return k < 11 ? 32 : 31;
	return pr->kind == P_QICAI ? COUNT(jyq_residents) : 0;
}

/* The rater's rating: the last rater of the first ten courtyard projects is unsatisfied (10
 * of 507), every seventh rater from the fourth on is basically satisfied. */
static const char *rating_of(int k, int r)
{
	if (projects[k].kind == P_COURTYARD && k < 10 && r == raters_of(k) - 1)
		return "unsatisfied";
	return r % 7 == 3 ? "basically_satisfied" : "satisfied";
}

/* When activity j of project k starts (local time), and how many it served. */
static int64_t activity_start(const struct dp *p, int k, int j)
{
	const struct pproject *pr = &projects[k];
	if (pr->kind == P_QICAI)
		return on_day(p, 160 + 7 * j, j % 2 ? 15 : 9, 30);
	if (pr->kind == P_MARKET)
		return on_day(p, 170 + 20 * j, 19, 0);
	static const int hours[] = { 9, 14, 19 };
	return on_day(p, 78 + 24 * j + 13 * k / 10, hours[(j + k) % 3], 30);
}

static int64_t attendance_of(int k, int j)
{
	const struct pproject *pr = &projects[k];
	if (pr->kind == P_QICAI)
		return 25 + (j * 13) % 36;
	if (pr->kind == P_MARKET)
		return 80 + 15 * j;
	return pr->base + (37 * j + 11 * k) % 41 - 20;
}

static void plan_needs(struct dp *p)
{
	for (int i = 0; i < NNEEDS; i++) {
		const struct pneed *n = &pneeds[i];
		int64_t t = on_day(p, n->day, 9 + i % 9, 10 + i % 40);
		push(p, t, EV_NEED, i, 0, NULL);
		push(p, t + (n->late ? 80 : 20) * HOUR + i * 60, EV_NEED_MOVE, i, 0, NULL);
	}
}

static void plan_project(struct dp *p, int k)
{
	const struct pproject *pr = &projects[k];
	int c = in_cs(pr) ? k : 0;
	double created = pr->kind == P_COURTYARD ? 55 + 0.5 * c : pr->kind == P_QICAI ? 40 : 100;
	double approved = pr->kind == P_COURTYARD ? 64 + 0.25 * c : pr->kind == P_QICAI ? 50 : 115;
	int64_t t = on_day(p, created, 10, 0);
	push(p, t, EV_PROJECT, k, 0, NULL);
	push(p, t + 2 * HOUR, EV_PROJECT_MOVE, k, 0, "proposed");
	t = on_day(p, approved, 15, 0);
	push(p, t, EV_PROJECT_MOVE, k, 0, "approved");
	push(p, t + HOUR, EV_ALLOCATE, k, 0, NULL);
	push(p, t + 24 * HOUR, EV_PROJECT_MOVE, k, 0, "in_progress");

	int nact = activities_of(pr), nrate = raters_of(k);
	for (int j = 0; j < nact; j++) {
		int64_t start = activity_start(p, k, j);
		push(p, start - 6 * 24 * HOUR, EV_ACTIVITY, k, j, NULL);
		push(p, start + 3 * HOUR, EV_ATTEND, k, j, NULL);
	}
	/* each rater signs up for one activity a few days ahead, and rates in September */
	for (int r = 0; r < nrate; r++) {
		int j = r % nact;
		push(p, activity_start(p, k, j) - 5 * 24 * HOUR + r * 600, EV_SIGNUP, k, r, NULL);
		push(p, on_day(p, 252 + 0.3 * c, 9, 0) + r * 600, EV_FEEDBACK, k, r, NULL);
	}
	/* three receipts: after the first, the fourth and the last activity (two for the
	 * market so far) */
	int receipts = pr->kind == P_MARKET ? 2 : 3;
	for (int i = 0; i < receipts; i++) {
		int j = pr->kind == P_MARKET ? i : i * 3 % nact;
		int days = pr->kind == P_QICAI ? -40 : 1; /* 七彩空间 is built before it opens */
		push(p, activity_start(p, k, j) + days * 24 * HOUR, EV_SPEND, k, i, NULL);
	}
	if (pr->kind == P_MARKET)
		return; /* still under way */
	push(p, on_day(p, 268 + 0.3 * c, 10, 0), EV_PROJECT_MOVE, k, 0, "evaluating");
	push(p, on_day(p, 278 + 0.3 * c, 10, 0), EV_EVALUATE, k, 0, NULL);
	push(p, on_day(p, 288 + 0.3 * c, 10, 0), EV_PROJECT_MOVE, k, 0, "closed");
}

static void plan(struct dp *p)
{
	for (int f = 0; f < COUNT(funds); f++)
		push(p, on_day(p, funds[f].day, 10, 0), EV_FUND, f, 0, NULL);
	plan_needs(p);
	for (int c = 0; c < COUNT(courtyards); c++)
		push(p, on_day(p, 40, 10, 10 * c), EV_EARMARK, c, 0, NULL);
	for (int k = 0; k < NPROJECTS; k++)
		plan_project(p, k);
	push(p, on_day(p, 150, 9, 0), EV_VENUE, 0, 0, NULL);
	for (int z = 0; z < COUNT(zones); z++)
		push(p, on_day(p, 150, 10, 5 * z), EV_ZONE, z, 0, NULL);
}

static int event_cmp(const void *a, const void *b)
{
	const struct event *x = a, *y = b;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->seq - y->seq;
}

/* ---- money ----------------------------------------------------------------------------- */

/* Earmarks: 95 % of 蔡山's fund split by the courtyards' accepted needs; a courtyard's
 * projects share 96 % of its earmark, in whole hundreds of yuan. */
static void plan_money(struct dp *p)
{
	int accepted[COUNT(courtyards)] = { 0 }, all = 0, nproj[COUNT(courtyards)] = { 0 };
	for (int i = 0; i < NNEEDS; i++) {
		int c = courtyard_index(pneeds[i].area);
		if (c >= 0 && !pneeds[i].merged_into && !pneeds[i].reason) {
			accepted[c]++;
			all++;
		}
	}
	for (int k = 0; k < NPROJECTS; k++)
		if (in_cs(&projects[k]))
			nproj[courtyard_index(projects[k].area)]++;
	for (int c = 0; c < COUNT(courtyards); c++)
		p->earmark_fen[c] = funds[0].amount_fen * 95 / 100 * accepted[c] / all;
	for (int k = 0; k < NPROJECTS; k++) {
		const struct pproject *pr = &projects[k];
		if (in_cs(pr)) {
			int c = courtyard_index(pr->area);
			p->budget_fen[k] = p->earmark_fen[c] * 96 / 100 / nproj[c] / 10000 * 10000;
		} else {
			p->budget_fen[k] = pr->kind == P_QICAI ? 10000000 : 80000000;
		}
	}
}

/* What project k is given: its budget, or part of it for the market. */
static int64_t allocation_of(const struct dp *p, int k)
{
	return projects[k].kind == P_MARKET ? 50000000 : p->budget_fen[k];
}

/* The bills of 九眼桥's projects: payee, what for, percent of the budget. */
struct bill {
	const char *payee, *note;
	int percent;
};

static const struct bill qicai_bills[] = {
	{ "成都匠心装饰工程有限公司", "闲置用房改造施工", 62 },
	{ "四川美好家具有限公司", "七色分区家具与设备", 23 },
	{ "成都安达消防设备有限公司", "消防与安全设施", 9 },
};

static const struct bill market_bills[] = {
	{ "四川蜀都规划设计研究院", "市场更新规划设计", 17 },
	{ "锦悦商业运营管理有限公司", "原市场商户清退与过渡安置", 24 },
};

/* ---- running the plan ------------------------------------------------------------------ */

static const char *worker_of(const struct pproject *pr)
{
	return in_cs(pr) ? "worker_cs" : "worker_jyq";
}

static const char *secretary_of(const struct pproject *pr)
{
	return in_cs(pr) ? "secretary_cs" : "secretary_jyq";
}

/* The r-th rater of project k: 蔡山 residents from the project's own courtyard first. */
static const struct actor *rater(const struct dp *p, int k, int r)
{
	const struct pproject *pr = &projects[k];
	if (!in_cs(pr))
		return demo_user(p->d, jyq_residents[r]);
	int first = courtyard_index(pr->area) * PER_COURTYARD;
	return &p->resident[(first + r) % CS_RESIDENTS];
}

static int run_need(struct dp *p, const struct event *v)
{
	const struct pneed *n = &pneeds[v->a];
	const struct actor *who =
		n->resident >= 0 ? &p->resident[n->resident] : demo_user(p->d, n->by);
	if (v->kind == EV_NEED) {
		struct need_input in = { .area_id = demo_area(p->d, n->area),
					 .category = n->category,
					 .title = n->title,
					 .description = n->description,
					 .beneficiaries = { "all" },
					 .nbenef = 1 };
		if (n->behalf) {
			in.on_behalf = true;
			in.channel = "visit";
			in.behalf_name = n->behalf;
		}
		struct need_created out;
		if (need_submit(p->s, who, &in, &out, &p->e))
			return demo_fail("submitting need", n->title, &p->e);
		p->need_id[v->a] = out.id;
		return 0;
	}
	bool cs = courtyard_index(n->area) >= 0;
	struct need_transition_input in = { .to = "accepted" };
	if (n->merged_into) {
		in.to = "merged";
		in.merged_into = p->need_id[need_index(n->merged_into)];
	} else if (n->reason) {
		in.to = "rejected";
		in.reason = n->reason;
	}
	const char *staff = cs ? (n->reason ? "secretary_cs" : "worker_cs") : "worker_jyq";
	if (need_transition(p->s, demo_user(p->d, staff), p->need_id[v->a], &in, &p->e))
		return demo_fail("moving need", n->title, &p->e);
	return 0;
}

static int run_money(struct dp *p, const struct event *v)
{
	int64_t id;
	if (v->kind == EV_FUND) {
		const struct pfund *f = &funds[v->a];
		struct fund_input in = { .area_id = demo_area(p->d, f->area),
					 .year = p->year,
					 .name = f->name,
					 .amount_fen = f->amount_fen };
		if (fund_create(p->s, demo_system(p->d), &in, &p->fund_id[v->a], &p->e))
			return demo_fail("setting up fund", f->name, &p->e);
		return 0;
	}
	if (v->kind == EV_EARMARK) {
		struct allocation_input in = { .area_id = demo_area(p->d, courtyards[v->a]),
					       .amount_fen = p->earmark_fen[v->a],
					       .note = "院落份额（按已受理需求分配）" };
		if (fund_allocate(p->s, demo_user(p->d, "secretary_cs"), p->fund_id[0], &in, &id,
				  &p->e))
			return demo_fail("earmarking for", courtyards[v->a], &p->e);
		return 0;
	}
	const struct pproject *pr = &projects[v->a];
	if (v->kind == EV_ALLOCATE) {
		struct allocation_input in = { .project_id = p->project_id[v->a],
					       .amount_fen = allocation_of(p, v->a) };
		/* the district's fund is the district's to give; 蔡山's secretary gives its own */
		const struct actor *who =
			in_cs(pr) ? demo_user(p->d, "secretary_cs") : demo_system(p->d);
		if (fund_allocate(p->s, who, p->fund_id[in_cs(pr) ? 0 : 1], &in, &id, &p->e))
			return demo_fail("allocating to", pr->title, &p->e);
		return 0;
	}
	/* EV_SPEND: 40, 35 and 20 % of a courtyard project's budget; the bills of the others */
	static const int shares[] = { 40, 35, 20 };
	char receipt[40], note[80];
	const char *payee = pr->payee;
	int percent = shares[v->b];
	snprintf(note, sizeof note, "%s（第 %d 笔）", pr->title, v->b + 1);
	if (pr->kind != P_COURTYARD) {
		const struct bill *b =
			pr->kind == P_QICAI ? &qicai_bills[v->b] : &market_bills[v->b];
		payee = b->payee;
		percent = b->percent;
		snprintf(note, sizeof note, "%s", b->note);
	}
	int64_t amount = p->budget_fen[v->a] * percent / 100;
	snprintf(receipt, sizeof receipt, "%s%d-%s-%02d", in_cs(pr) ? "CS" : "JYQ", p->year,
		 pr->key, v->b + 1);
	struct expenditure_input in = {
		.amount_fen = amount, .payee = payee, .receipt_no = receipt, .note = note
	};
	if (project_spend(p->s, demo_user(p->d, worker_of(pr)), p->project_id[v->a], &in, &id,
			  &p->e))
		return demo_fail("paying for", pr->title, &p->e);
	return 0;
}

static int run_project(struct dp *p, const struct event *v)
{
	const struct pproject *pr = &projects[v->a];
	if (v->kind == EV_PROJECT) {
		struct project_input in = { .area_id = demo_area(p->d, pr->area),
					    .title = pr->title,
					    .goals = pr->goals,
					    .feasibility = pr->feasibility,
					    .budget_fen = p->budget_fen[v->a],
					    .fund_id = p->fund_id[in_cs(pr) ? 0 : 1] };
		for (int i = 0; i < COUNT(pr->needs) && pr->needs[i]; i++)
			in.need_ids[in.nneeds++] = p->need_id[need_index(pr->needs[i])];
		for (int i = 0; i < COUNT(pr->providers) && pr->providers[i]; i++)
			in.provider_ids[in.nproviders++] = demo_provider(p->d, pr->providers[i]);
		if (project_create(p->s, demo_user(p->d, worker_of(pr)), &in, &p->project_id[v->a],
				   &p->e))
			return demo_fail("drafting project", pr->title, &p->e);
		return 0;
	}
	if (v->kind == EV_EVALUATE) {
		char report[256];
		int score = 82 + (v->a * 7) % 15;
		snprintf(report, sizeof report,
			 "%s：目标基本达成，居民参与度高，资金使用规范，台账齐全。建议%s。",
			 pr->title, score >= 90 ? "总结经验在其他院落推广" : "加强活动宣传与回访");
		json_t *card = json_pack("{s:i, s:i, s:i, s:i}", "需求回应", score + 2, "过程规范",
					 score, "资金使用", score - 1, "居民满意", score + 1);
		struct evaluation_input in = { .score = score,
					       .report = report,
					       .scorecard = card };
		json_t *out = NULL;
		const char *evaluator = in_cs(pr) ? "evaluator_ps" : "evaluator_jj";
		enum xy_kind k = evaluation_file(p->s, demo_user(p->d, evaluator),
						 p->project_id[v->a], &in, &out, &p->e);
		json_decref(card);
		json_decref(out);
		return k ? demo_fail("evaluating project", pr->title, &p->e) : 0;
	}
	/* EV_PROJECT_MOVE: the worker proposes, starts and hands over; the secretary decides */
	bool decide = strcmp(v->to, "approved") == 0 || strcmp(v->to, "closed") == 0;
	const char *who = decide ? secretary_of(pr) : worker_of(pr);
	if (project_transition(p->s, demo_user(p->d, who), p->project_id[v->a], v->to, NULL,
			       &p->e)) {
		char what[64];
		snprintf(what, sizeof what, "moving project to %s", v->to);
		return demo_fail(what, pr->title, &p->e);
	}
	return 0;
}

static int run_venue(struct dp *p, const struct event *v)
{
	const struct actor *worker = demo_user(p->d, "worker_jyq");
	if (v->kind == EV_VENUE) {
		struct venue_input in = { .area_id = demo_area(p->d, "jinglan"),
					  .name = "七彩空间",
					  .address = "晶蓝半岛小区1栋一楼" };
		if (venue_create(p->s, worker, &in, &p->venue_id, &p->e))
			return demo_fail("adding venue", in.name, &p->e);
		return 0;
	}
	const struct pzone *z = &zones[v->a];
	struct zone_input in = { .name = z->name,
				 .colour = z->colour,
				 .purpose = z->purpose,
				 .capacity = 40,
				 .has_capacity = true };
	json_t *out;
	if (zone_create(p->s, worker, p->venue_id, &in, &out, &p->e))
		return demo_fail("adding zone", z->name, &p->e);
	p->zone_id[v->a] = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	return 0;
}

static int run_activity(struct dp *p, const struct event *v)
{
	const struct pproject *pr = &projects[v->a];
	const struct actor *worker = demo_user(p->d, worker_of(pr));
	json_t *out = NULL;
	enum xy_kind k;
	if (v->kind == EV_ACTIVITY) {
		char title[128], starts[40], ends[40];
		int64_t start = activity_start(p, v->a, v->b);
		struct activity_input in = { .category = pr->category };
		if (pr->kind == P_QICAI) {
			const struct pzone *z = &zones[v->b % COUNT(zones)];
			snprintf(title, sizeof title, "七彩空间·%s", z->activity);
			in.category = z->category;
			in.zone_id = p->zone_id[v->b % COUNT(zones)];
		} else if (pr->kind == P_MARKET) {
			static const char *const titles[] = { "水产市场更新方案居民征询会",
							      "商户过渡安置协调会",
							      "街区业态规划居民议事会" };
			snprintf(title, sizeof title, "%s", titles[v->b]);
		} else {
			snprintf(title, sizeof title, "%s（第 %d 期）", pr->act_title, v->b + 1);
		}
		time_iso(start, starts, sizeof starts);
		time_iso(start + 2 * HOUR, ends, sizeof ends);
		in.title = title;
		in.starts_at = starts;
		in.ends_at = ends;
		if (activity_create(p->s, worker, p->project_id[v->a], &in,
				    &p->activity_id[v->a][v->b], &p->e))
			return demo_fail("adding activity", title, &p->e);
		return 0;
	}
	if (v->kind == EV_ATTEND) {
		k = activity_attendance(p->s, worker, p->activity_id[v->a][v->b],
					attendance_of(v->a, v->b), &out, &p->e);
		json_decref(out);
		return k ? demo_fail("recording attendance of", pr->title, &p->e) : 0;
	}
	const struct actor *who = rater(p, v->a, v->b);
	if (v->kind == EV_SIGNUP) {
		int j = v->b % activities_of(pr);
		k = activity_signup(p->s, who, p->activity_id[v->a][j], &out, &p->e);
		json_decref(out);
		return k ? demo_fail("signing up for", pr->title, &p->e) : 0;
	}
	/* EV_FEEDBACK */
	const char *rating = rating_of(v->a, v->b);
	struct feedback_input in = { .rating = rating,
				     .score = strcmp(rating, "satisfied") == 0     ? 5
					      : strcmp(rating, "unsatisfied") == 0 ? 2
										   : 4,
				     .has_score = true };
	k = feedback_create(p->s, who, p->project_id[v->a], &in, &out, &p->e);
	json_decref(out);
	return k ? demo_fail("rating project", pr->title, &p->e) : 0;
}

static int run_event(struct dp *p, const struct event *v)
{
	time_set_override(v->at);
	switch (v->kind) {
	case EV_NEED:
	case EV_NEED_MOVE:
		return run_need(p, v);
	case EV_FUND:
	case EV_EARMARK:
	case EV_ALLOCATE:
	case EV_SPEND:
		return run_money(p, v);
	case EV_PROJECT:
	case EV_PROJECT_MOVE:
	case EV_EVALUATE:
		return run_project(p, v);
	case EV_VENUE:
	case EV_ZONE:
		return run_venue(p, v);
	case EV_ACTIVITY:
	case EV_ATTEND:
	case EV_SIGNUP:
	case EV_FEEDBACK:
		return run_activity(p, v);
	}
	return -1;
}

/* 蔡山's residents: 8 per courtyard, registered on 3 January with the shared password hash. */
static int load_residents(struct dp *p)
{
	struct db *db = store_conn(p->s, &p->e);
	if (!db)
		return demo_fail("opening", store_target(p->s), &p->e);
	for (int i = 0; i < CS_RESIDENTS; i++) {
		char username[32], name[32], phone[16];
		int s = i / 4, g = (5 * s + i % 4) % COUNT(given);
		snprintf(username, sizeof username, "cs_resident%02d", i + 1);
		snprintf(name, sizeof name, "%s%s", surnames[s], given[g]);
		snprintf(phone, sizeof phone, "138000020%02d", i + 1);
		struct user_input in = {
			.username = username,
			.password = demo_password(p->d),
			.password_hash = demo_password_hash(p->d),
			.display_name = name,
			.phone = phone,
			.ngrants = 1,
			.grants = { { "resident", demo_area(p->d, courtyards[i / PER_COURTYARD]) } }
		};
		time_set_override(on_day(p, 2, 8, 0) + i * 37);
		if (user_create(p->s, NULL, &in, &p->resident_id[i], &p->e))
			return demo_fail("creating user", username, &p->e);
		if (actor_load(db, p->resident_id[i], &p->resident[i], &p->e))
			return demo_fail("loading user", username, &p->e);
	}
	return 0;
}

int demo_projects_load(struct demo *d, int year)
{
	struct dp *p = xy_calloc(1, sizeof *p);
	p->d = d;
	p->s = demo_store(d);
	p->year = year;
	p->ev = xy_calloc(EVENTS_MAX, sizeof *p->ev);
	fprintf(stderr, "xinyuan: demo: the project year %d\n", year);
	int rc = load_residents(p);
	if (rc == 0) {
		plan_money(p);
		plan(p);
		qsort(p->ev, (size_t)p->nev, sizeof *p->ev, event_cmp);
	}
	for (int i = 0; rc == 0 && i < p->nev; i++)
		rc = run_event(p, &p->ev[i]);
	free(p->ev);
	free(p);
	return rc;
}

void demo_projects_summary(struct demo *d, int year)
{
	json_t *st;
	struct xy_err e = { 0 };
	char cmd[96];
	snprintf(cmd, sizeof cmd, "xinyuan report --area 蔡山社区 --year %d", year);
	printf("  resident (蔡山社区) cs_resident01 ... cs_resident%02d\n", CS_RESIDENTS);
	if (stats_get(demo_store(d), demo_system(d), demo_area(d, "cs"), year, &st, &e)) {
		printf("project year %d: (cannot read the figures: %s)\n", year, e.message);
		return;
	}
	char spent[32];
	money_format_yuan(json_integer_value(json_object_get(st, "spent_fen")), spent,
			  sizeof spent);
	json_t *rate = json_object_get(st, "satisfaction_rate");
	printf("project year %d, 蔡山社区: %lld projects, %lld activity categories, %lld events, "
	       "%lld person-times, satisfaction %.2f%%, spent ¥%s (%s)\n",
	       year, (long long)json_integer_value(json_object_get(st, "projects")),
	       (long long)json_integer_value(json_object_get(st, "activity_categories")),
	       (long long)json_integer_value(json_object_get(st, "events")),
	       (long long)json_integer_value(json_object_get(st, "person_times")),
	       json_is_number(rate) ? json_number_value(rate) * 100.0 : 0.0, spent, cmd);
	json_decref(st);
}
