/* demo_data — the data set `xinyuan demo` loads: the area tree of PRODUCT.md, the staff,
 * residents and providers of three communities, and a needs list in every state with a
 * believable history over the last DEMO_HISTORY_DAYS days. The project year before it (funds,
 * projects, activities, feedback) is demo_projects.c's.
 *
 * Everything goes through the store acting as the right user, so the rules, the history rows
 * and the audit chain are the real ones; time_set_override() dates each action. The history is
 * laid out as one list of events sorted by time, so the audit chain runs forward in time.
 * People, phone numbers and companies are invented.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/demo.h"
#include "core/secret.h"
#include "core/timefmt.h"
#include "store/areas.h"
#include "store/identity.h"
#include "store/needs.h"
#include "store/providers.h"

#define MINUTE   60
#define HOUR     (60 * MINUTE)
#define DAY      (24 * HOUR)
#define COUNT(a) ((int)(sizeof(a) / sizeof *(a)))

/* ---- the data -------------------------------------------------------------------------- */

/* The root province is found, not created: cli_ensure_admin made it. */
#define ROOT "sichuan"

static const struct demo_area {
	const char *key, *name, *kind, *parent;
} areas[] = {
	{ "chengdu", "成都市", "city", ROOT },
	{ "jinjiang", "锦江区", "district", "chengdu" },
	{ "nsk", "牛市口街道", "street", "jinjiang" },
	{ "jyq", "九眼桥社区", "community", "nsk" },
	{ "jinglan", "晶蓝半岛小区", "compound", "jyq" },
	{ "shiji", "世纪朝阳小区", "compound", "jyq" },
	{ "jq", "锦泉社区", "community", "nsk" },
	{ "jinquanyuan", "锦泉苑小区", "compound", "jq" },
	{ "meishan", "眉山市", "city", ROOT },
	{ "pengshan", "彭山区", "district", "meishan" },
	{ "gy", "观音街道", "street", "pengshan" },
	{ "cs", "蔡山社区", "community", "gy" },
	{ "baishu", "柏树院落", "compound", "cs" },
	{ "guihua", "桂花院落", "compound", "cs" },
	{ "pipa", "枇杷院落", "compound", "cs" },
	{ "zhulin", "竹林院落", "compound", "cs" },
	{ "chaguan", "老茶馆院落", "compound", "cs" },
	{ "hepan", "河畔院落", "compound", "cs" },
};

/* One or two grants per user. */
static const struct demo_user {
	const char *username, *name, *phone;
	const char *role, *area;
	const char *role2, *area2;
} users[] = {
	{ "supervisor_nsk", "周晓岚", "13800000001", "street_supervisor", "nsk", NULL, NULL },
	{ "supervisor_gy", "郑永红", "13800000002", "street_supervisor", "gy", NULL, NULL },
	{ "secretary_jyq", "李文静", "13800000003", "secretary", "jyq", NULL, NULL },
	{ "worker_jyq", "王佳怡", "13800000004", "worker", "jyq", NULL, NULL },
	{ "worker_jyq2", "陈浩然", "13800000005", "worker", "jyq", NULL, NULL },
	{ "secretary_jq", "宋丽萍", "13800000006", "secretary", "jq", NULL, NULL },
	{ "worker_jq", "韩磊", "13800000007", "worker", "jq", NULL, NULL },
	{ "secretary_cs", "杨秀英", "13800000008", "secretary", "cs", NULL, NULL },
	{ "worker_cs", "田小军", "13800000009", "worker", "cs", NULL, NULL },
	{ "evaluator_ps", "何静（明德社工）", "13800000010", "evaluator", "pengshan", NULL, NULL },
	{ "evaluator_jj", "刘思远（锦心社工）", "13800000011", "evaluator", "jinjiang", NULL,
	  NULL },
	{ "provider_fire", "林志强（消防中队）", "13800000012", "provider", "nsk", NULL, NULL },
	{ "provider_police", "邱伟（社区民警）", "13800000013", "provider", "jyq", NULL, NULL },
	{ "provider_cg", "石勇（城管中队）", "13800000014", "provider", "nsk", NULL, NULL },
	{ "provider_doctor", "谭晓梅（家庭医生）", "13800000015", "provider", "nsk", NULL, NULL },
	{ "provider_wuye", "范志成（晶蓝物业）", "13800000016", "provider", "jyq", NULL, NULL },
	{ "provider_tbzj", "苏芳（童伴妈妈）", "13800000017", "provider", "cs", NULL, NULL },
	{ "volunteer_chen", "陈雨桐", "13800000018", "volunteer", "jyq", NULL, NULL },
	{ "volunteer_yang", "杨帆", "13800000019", "volunteer", "cs", NULL, NULL },
	{ "resident_zhang", "张秀兰", "13800001001", "resident", "jinglan", NULL, NULL },
	{ "resident_liu", "刘建国", "13800001002", "resident", "jinglan", NULL, NULL },
	{ "resident_wang", "王丽娟", "13800001003", "resident", "jinglan", NULL, NULL },
	{ "resident_zhao", "赵明轩", "13800001004", "resident", "jinglan", NULL, NULL },
	{ "resident_tang", "唐志刚", "13800001005", "resident", "jinglan", "provider", "jyq" },
	{ "resident_huang", "黄淑芬", "13800001006", "resident", "shiji", NULL, NULL },
	{ "resident_zhou", "周海波", "13800001007", "resident", "shiji", NULL, NULL },
	{ "resident_wu", "吴雅琴", "13800001008", "resident", "shiji", NULL, NULL },
	{ "resident_xu", "徐国庆", "13800001009", "resident", "shiji", NULL, NULL },
	{ "resident_sun", "孙美华", "13800001010", "resident", "jinquanyuan", NULL, NULL },
	{ "resident_ma", "马德福", "13800001011", "resident", "jinquanyuan", NULL, NULL },
	{ "resident_hu", "胡晓燕", "13800001012", "resident", "jinquanyuan", NULL, NULL },
	{ "resident_luo", "罗桂芳", "13800001013", "resident", "baishu", NULL, NULL },
	{ "resident_he", "何长青", "13800001014", "resident", "baishu", "provider", "cs" },
	{ "resident_deng", "邓玉梅", "13800001015", "resident", "guihua", NULL, NULL },
	{ "resident_feng", "冯大勇", "13800001016", "resident", "pipa", NULL, NULL },
	{ "resident_cao", "曹春兰", "13800001017", "resident", "pipa", NULL, NULL },
	{ "resident_peng", "彭志明", "13800001018", "resident", "zhulin", NULL, NULL },
	{ "resident_xie", "谢永福", "13800001019", "resident", "chaguan", NULL, NULL },
	{ "resident_yuan", "袁小红", "13800001020", "resident", "hepan", NULL, NULL },
	{ "resident_jiang", "蒋德华", "13800001021", "resident", "hepan", NULL, NULL },
};

/* The talent pool (能人智囊库) and the resource pool (资源对接库) of each community: key, kind,
 * name, area, skills (category codes); capacity (open claims at once), contact, the account
 * that acts for it and the worker who adds it. */
static const struct demo_provider {
	const char *key, *kind, *name, *area;
	const char *skills[4];
	int64_t capacity;
	const char *contact, *user, *created_by;
} providers[] = {
	/* clang-format off */
    {"fire", "talent", "牛市口消防中队", "jyq",
     {"safety"}, 3, "028-84450119", "provider_fire", "worker_jyq"},
    {"police", "talent", "九眼桥社区警务室", "jyq",
     {"safety"}, 2, "028-84450110", "provider_police", "worker_jyq"},
    {"cg", "talent", "锦江区城管执法大队牛市口中队", "jyq",
     {"environment", "public_space"}, 3, "028-84450312", "provider_cg", "worker_jyq"},
    {"doctor", "talent", "牛市口社区卫生服务中心家庭医生团队", "jyq",
     {"medical", "elderly"}, 4, "028-84450120", "provider_doctor", "worker_jyq"},
    {"tang", "talent", "唐志刚（退休电工）", "jyq",
     {"public_space", "courtyard", "tech_education"}, 2, "13800001005", "resident_tang",
     "worker_jyq2"},
    {"vchen", "talent", "志愿者陈雨桐", "jyq",
     {"elderly", "children", "culture"}, 3, "13800000018", "volunteer_chen", "worker_jyq2"},
    {"wuye", "resource", "晶蓝物业服务有限公司", "jyq",
     {"environment", "public_space", "courtyard"}, 4, "028-84451234", "provider_wuye",
     "worker_jyq"},
    {"lanhai", "resource", "蓝海数码科技有限公司", "jyq",
     {"tech_education", "charity"}, 2, "028-84456677", NULL, "worker_jyq2"},
    {"jinxin", "resource", "锦心社会工作服务中心", "jyq",
     {"elderly", "children", "culture"}, 5, "028-84457788", NULL, "worker_jyq"},
    {"swj", "resource", "锦江区商务局", "jyq",
     {"public_space"}, 2, "028-84451100", NULL, "worker_jyq"},
    {"jinyue", "resource", "锦悦商业运营管理有限公司", "jyq",
     {"public_space", "culture"}, 2, "028-84453366", NULL, "worker_jyq"},
    {"yishihui", "talent", "九眼桥社区居民议事会", "jyq",
     {"public_space", "environment"}, 3, "028-84450000", NULL, "worker_jyq2"},
    {"jq_wuye", "resource", "锦泉苑物业管理处", "jq",
     {"environment", "courtyard"}, 2, "028-84459900", NULL, "worker_jq"},
    {"tbzj", "resource", "蔡山社区童伴之家", "cs",
     {"children"}, 3, "13800000017", "provider_tbzj", "worker_cs"},
    {"mingde", "resource", "明德社会工作服务中心", "cs",
     {"elderly", "culture", "charity", "courtyard"}, 5, "028-38561234", NULL, "worker_cs"},
    {"qinghe", "resource", "青禾农业专业合作社", "cs",
     {"charity"}, 2, "028-38565678", NULL, "worker_cs"},
    {"clinic", "talent", "观音街道社区卫生服务中心", "cs",
     {"medical"}, 3, "028-38560120", NULL, "worker_cs"},
    {"vyang", "talent", "志愿者杨帆", "cs",
     {"charity", "children", "culture"}, 3, "13800000019", "volunteer_yang", "worker_cs"},
    {"he", "talent", "何长青（水电木工）", "cs",
     {"courtyard", "public_space"}, 2, "13800001014", "resident_he", "worker_cs"},
	/* clang-format on */
};

/* Who works each community: triage alternates between the workers, the secretary rejects
 * and publishes micro-wishes. */
static const struct demo_community {
	const char *area, *worker, *worker2, *secretary;
} communities[] = {
	{ "jyq", "worker_jyq", "worker_jyq2", "secretary_jyq" },
	{ "jq", "worker_jq", "worker_jq", "secretary_jq" },
	{ "cs", "worker_cs", "worker_cs", "secretary_cs" },
};

enum {
	LATE = 1,         /* first response after the 72 hours */
	VIA_ACCEPT = 2,   /* rejected after having been accepted */
	WORKER_CLAIMS = 4 /* a worker records the claim for the provider */
};

#define SUPPORTERS_MAX 6

/* A need: submitted by a resident (channel NULL = self) or recorded by a worker (by) for
 * behalf_name; days ago it was submitted; the state it ends in and what that state needs. */
static const struct demo_need {
	const char *key, *area, *category, *title, *description;
	const char *benef[3];
	const char *urgency;
	const char *by, *channel, *behalf_name, *behalf_phone;
	double days;
	const char *status;
	const char *provider, *merged_into, *reason;
	unsigned flags;
	const char *supporters[SUPPORTERS_MAX];
} needs[] = {
	/* 九眼桥社区 */
	{ .key = "jl_env",
	  .area = "jinglan",
	  .category = "environment",
	  .title = "老旧小区周边环境较差，希望改造",
	  .description = "晶蓝半岛小区建成二十多年了，围墙破损、绿化带杂草丛生，一下雨大门口就"
			 "积水，垃圾桶旁边也经常有异味。希望社区牵头把小区周边环境整体改造一下。",
	  .benef = { "all" },
	  .by = "resident_liu",
	  .days = 56.3,
	  .status = "accepted",
	  .supporters = { "resident_zhang", "resident_wang", "resident_zhao", "resident_tang",
			  "resident_huang", "resident_zhou" } },
	{ .key = "jl_space",
	  .area = "jinglan",
	  .category = "public_space",
	  .title = "闲置架空层改造为居民活动空间",
	  .description = "晶蓝半岛小区的地下架空层闲置多年，堆满杂物还招老鼠。希望改造成居民"
			 "活动空间，老人能下棋看书，孩子能有个安全的地方玩。",
	  .benef = { "all" },
	  .by = "resident_tang",
	  .days = 57.5,
	  .status = "accepted",
	  .supporters = { "resident_zhang", "resident_liu", "resident_wang", "resident_zhao",
			  "resident_huang", "resident_wu" } },
	{ .key = "jl_culture",
	  .area = "jinglan",
	  .category = "culture",
	  .title = "希望增加老年人文体活动",
	  .description = "小区里退休老人多，平时只能在楼下坐着聊天。希望社区每周组织一两次合唱、"
			 "太极拳或手工活动，最好有固定的场地。",
	  .benef = { "elderly" },
	  .by = "resident_zhang",
	  .days = 52.6,
	  .status = "accepted",
	  .supporters = { "resident_liu", "resident_wang", "resident_huang", "resident_wu" } },
	{ .key = "sj_kids",
	  .area = "shiji",
	  .category = "children",
	  .title = "放学后儿童托管",
	  .description = "小区双职工家庭多，孩子下午四点放学后没人接、没人管。希望社区能提供课后"
			 "托管和作业辅导，哪怕每周两三天也好。",
	  .benef = { "children", "families" },
	  .by = "resident_wu",
	  .days = 48.2,
	  .status = "wish_open",
	  .supporters = { "resident_zhou", "resident_huang", "resident_zhao" } },
	{ .key = "sj_culture_dup",
	  .area = "shiji",
	  .category = "culture",
	  .title = "老年人活动太少了",
	  .description = "世纪朝阳小区也有不少退休老人，希望和晶蓝半岛一起搞老年文体活动，有个"
			 "固定的时间和地方。",
	  .benef = { "elderly" },
	  .by = "resident_huang",
	  .days = 45.4,
	  .status = "merged",
	  .merged_into = "jl_culture",
	  .supporters = { "resident_xu" } },
	{ .key = "jl_env_dup",
	  .area = "jinglan",
	  .category = "environment",
	  .title = "小区门口一下雨就积水",
	  .description = "晶蓝半岛小区大门口地势低，每次下雨积水到脚踝，老人孩子进出很不方便，"
			 "希望修一下排水。",
	  .benef = { "all" },
	  .by = "resident_zhao",
	  .days = 40.5,
	  .status = "merged",
	  .merged_into = "jl_env",
	  .supporters = { "resident_wang" } },
	{ .key = "jl_meal",
	  .area = "jinglan",
	  .category = "elderly",
	  .title = "独居老人助餐",
	  .description = "入户走访时王德明老人反映：他今年83岁，独居，腿脚不便，自己做饭困难，"
			 "经常只吃馒头咸菜。希望社区能安排助餐或送餐服务。",
	  .benef = { "elderly" },
	  .by = "worker_jyq",
	  .channel = "visit",
	  .behalf_name = "王德明",
	  .behalf_phone = "13800002001",
	  .days = 38.4,
	  .status = "confirmed",
	  .provider = "jinxin",
	  .supporters = { "resident_zhang", "resident_liu" } },
	{ .key = "sj_clinic",
	  .area = "shiji",
	  .category = "medical",
	  .title = "希望社区组织义诊",
	  .description = "小区老人多有高血压、糖尿病，去医院排队很辛苦。希望社区卫生服务中心的"
			 "医生能定期到小区义诊、量血压、讲讲用药知识。",
	  .benef = { "elderly" },
	  .by = "resident_xu",
	  .days = 34.6,
	  .status = "fulfilled",
	  .provider = "doctor",
	  .supporters = { "resident_huang", "resident_wu", "resident_zhou", "resident_zhang" } },
	{ .key = "jl_parking",
	  .area = "jinglan",
	  .category = "public_space",
	  .title = "希望在小区内增划停车位",
	  .description = "小区停车位太少，晚上回来只能停在路边，希望把部分绿地改成停车位。",
	  .benef = { "families" },
	  .urgency = "low",
	  .by = "resident_liu",
	  .days = 33.1,
	  .status = "rejected",
	  .reason = "经现场勘查，小区内道路宽度不足，增划车位会占用消防通道和公共绿地，不符合"
		    "消防安全要求。社区正在协调周边单位开放错时停车，有进展会在公示栏公布。",
	  .flags = LATE },
	{ .key = "jl_fire_lane",
	  .area = "jinglan",
	  .category = "safety",
	  .title = "消防通道堵塞",
	  .description = "3栋和5栋之间的消防通道长期停满电动车和私家车，上次救护车都开不进来。"
			 "万一着火后果不堪设想，希望尽快清理并设置禁停标志。",
	  .benef = { "all" },
	  .urgency = "high",
	  .by = "resident_wang",
	  .days = 30.5,
	  .status = "confirmed",
	  .provider = "fire",
	  .supporters = { "resident_liu", "resident_zhao", "resident_tang" } },
	{ .key = "sj_phone",
	  .area = "shiji",
	  .category = "tech_education",
	  .title = "老年人智能手机培训",
	  .description = "很多老人不会用手机挂号、扫码乘车、视频通话，子女又不在身边。希望开一期"
			 "智能手机使用培训，最好能手把手教。",
	  .benef = { "elderly" },
	  .by = "resident_huang",
	  .days = 28.4,
	  .status = "confirmed",
	  .provider = "lanhai",
	  .supporters = { "resident_xu", "resident_zhang" } },
	{ .key = "jl_ebike",
	  .area = "jinglan",
	  .category = "safety",
	  .title = "电动车飞线充电有火灾隐患",
	  .description = "居民来电反映：有住户从五楼窗户拉电线下来给电动车充电，电线就挂在楼道口，"
			 "存在火灾隐患。希望加装集中充电桩，并开展一次消防安全宣传。",
	  .benef = { "all" },
	  .urgency = "high",
	  .by = "worker_jyq2",
	  .channel = "phone",
	  .behalf_name = "刘桂英",
	  .behalf_phone = "13800002002",
	  .days = 26.2,
	  .status = "claimed",
	  .provider = "fire",
	  .supporters = { "resident_zhao", "resident_liu" } },
	{ .key = "jl_books",
	  .area = "jinglan",
	  .category = "culture",
	  .title = "希望建一个社区图书角",
	  .description = "家里有不少闲置的书，邻居们也愿意捐，希望在小区里设一个图书角，大人孩子"
			 "都能借阅。",
	  .benef = { "all" },
	  .by = "resident_tang",
	  .days = 24.4,
	  .status = "claimed",
	  .provider = "vchen",
	  .supporters = { "resident_zhang", "resident_zhao" } },
	{ .key = "jl_fraud",
	  .area = "jinglan",
	  .category = "safety",
	  .title = "希望开展老年人防诈骗宣传",
	  .description = "服务窗口来访：赵淑珍阿姨说最近小区有好几位老人接到冒充公检法、医保局的"
			 "诈骗电话，有人差点转账。希望派出所民警来给老人讲讲防诈骗知识。",
	  .benef = { "elderly" },
	  .by = "worker_jyq",
	  .channel = "desk",
	  .behalf_name = "赵淑珍",
	  .behalf_phone = "13800002003",
	  .days = 22.5,
	  .status = "fulfilled",
	  .provider = "police",
	  .supporters = { "resident_zhang", "resident_huang" } },
	{ .key = "jl_rice",
	  .area = "jinglan",
	  .category = "charity",
	  .title = "希望社区给老人发放米面油",
	  .description = "希望社区每个月给小区里的老人免费发放米面油。",
	  .benef = { "elderly" },
	  .urgency = "low",
	  .by = "resident_zhao",
	  .days = 21.3,
	  .status = "rejected",
	  .reason = "社区慰问物资按困难群众认定标准统一发放，不能按年龄普遍发放。符合条件的家庭"
		    "可到社区服务窗口申请困难认定，社区工作人员可协助办理。" },
	{ .key = "jl_light",
	  .area = "jinglan",
	  .category = "public_space",
	  .title = "楼道灯坏了",
	  .description = "7栋2单元3楼到6楼的楼道灯坏了快一个月，晚上上下楼黑漆漆的，已经有老人"
			 "摔过一次，希望尽快修好。",
	  .benef = { "elderly" },
	  .by = "resident_zhang",
	  .days = 20.3,
	  .status = "confirmed",
	  .provider = "tang",
	  .supporters = { "resident_wang" } },
	{ .key = "sj_lift",
	  .area = "shiji",
	  .category = "public_space",
	  .title = "希望老楼加装电梯",
	  .description =
		  "6栋是七层老楼，住着很多行动不便的老人，爬楼太辛苦，希望社区推动加装电梯。",
	  .benef = { "elderly", "disabled" },
	  .by = "resident_zhou",
	  .days = 18.5,
	  .status = "rejected",
	  .reason = "加装电梯需本单元业主按规定比例表决同意并共同出资，不属于社区微心愿和专项资金"
		    "支持范围。社区已将加装电梯政策指引发到单元群，可协助业主自行申报。",
	  .flags = VIA_ACCEPT,
	  .supporters = { "resident_huang", "resident_xu" } },
	{ .key = "jl_sorting_family",
	  .area = "jinglan",
	  .category = "eco_education",
	  .title = "希望组织垃圾分类亲子活动",
	  .description = "希望利用周末组织一次垃圾分类亲子游戏，让孩子带动大人一起分类。",
	  .benef = { "children", "families" },
	  .by = "resident_wang",
	  .days = 17.2,
	  .status = "fulfilled",
	  .provider = "vchen",
	  .supporters = { "resident_zhao" } },
	{ .key = "sj_dog",
	  .area = "shiji",
	  .category = "environment",
	  .title = "小区内狗粪无人清理",
	  .description = "中心花园和步道上经常有狗粪，踩到很恶心，希望加强管理。",
	  .benef = { "all" },
	  .urgency = "low",
	  .by = "resident_zhou",
	  .days = 15.4,
	  .status = "rejected",
	  .reason = "该问题属于物业服务合同约定的保洁和文明养犬管理范围，社区已转交世纪朝阳物业"
		    "处理并督促张贴文明养犬告示，请关注物业公告。",
	  .supporters = { "resident_wu" } },
	{ .key = "sj_visit",
	  .area = "shiji",
	  .category = "elderly",
	  .title = "独居老人需要定期探访",
	  .description = "入户走访时陈玉兰婆婆说，老伴去世后她一个人住，儿女在外地，有时候几天都说"
			 "不上一句话，希望有人能定期来看看、陪她聊聊天。",
	  .benef = { "elderly" },
	  .by = "worker_jyq",
	  .channel = "visit",
	  .behalf_name = "陈玉兰",
	  .behalf_phone = "13800002005",
	  .days = 14.3,
	  .status = "wish_open",
	  .supporters = { "resident_wu" } },
	{ .key = "sj_noise",
	  .area = "shiji",
	  .category = "culture",
	  .title = "广场舞音响声音太大",
	  .description = "每晚八点到十点，小区广场舞的音响声音很大，影响孩子写作业和老人休息，"
			 "希望社区协调一下音量和时间。",
	  .benef = { "families" },
	  .by = "resident_wu",
	  .days = 12.3,
	  .status = "accepted",
	  .supporters = { "resident_xu" } },
	{ .key = "sj_dry",
	  .area = "shiji",
	  .category = "public_space",
	  .title = "希望增设公共晾晒架",
	  .description = "老小区阳台小，被子晒不开，希望在楼间空地上装几排晾晒架。",
	  .benef = { "families" },
	  .by = "resident_xu",
	  .days = 11.4,
	  .status = "claimed",
	  .provider = "wuye",
	  .flags = WORKER_CLAIMS,
	  .supporters = { "resident_zhou", "resident_wu" } },
	{ .key = "jl_science",
	  .area = "jinglan",
	  .category = "children",
	  .title = "希望组织儿童科普活动",
	  .description = "孩子放假在家只会玩手机，希望社区组织一些科普实验课、手工课，让孩子们"
			 "走出家门。",
	  .benef = { "children" },
	  .by = "resident_zhao",
	  .days = 10.2,
	  .status = "wish_open",
	  .supporters = { "resident_wu" } },
	{ .key = "sj_bench",
	  .area = "shiji",
	  .category = "public_space",
	  .title = "中心花园缺少休息座椅",
	  .description = "世纪朝阳中心花园没有座椅，老人散步累了没地方坐，希望增加几张长椅。",
	  .benef = { "elderly" },
	  .by = "resident_xu",
	  .days = 9.3,
	  .status = "claimed",
	  .provider = "wuye",
	  .supporters = { "resident_huang" } },
	{ .key = "jyq_fumes",
	  .area = "jyq",
	  .category = "environment",
	  .title = "沿街餐馆油烟扰民",
	  .description = "12345热线转来：九眼桥社区沿街几家餐馆油烟直排，楼上住户不敢开窗，希望"
			 "协调加装油烟净化设备。",
	  .benef = { "families" },
	  .by = "worker_jyq2",
	  .channel = "hotline",
	  .behalf_name = "李先生",
	  .behalf_phone = "13800002004",
	  .days = 6.4,
	  .status = "accepted" },
	{ .key = "sj_sorting",
	  .area = "shiji",
	  .category = "eco_education",
	  .title = "希望开展垃圾分类指导",
	  .description = "小区刚开始垃圾分类，很多人不知道怎么分，垃圾桶旁边经常乱扔，希望有人来"
			 "讲解和现场指导。",
	  .benef = { "all" },
	  .by = "resident_huang",
	  .days = 5.1,
	  .status = "submitted" },
	{ .key = "jl_sewer",
	  .area = "jinglan",
	  .category = "courtyard",
	  .title = "雨污管道堵塞反味",
	  .description = "2栋楼下的污水管经常堵，夏天臭味很大，一楼住户家里都能闻到，希望彻底疏通"
			 "或者改造。",
	  .benef = { "all" },
	  .urgency = "high",
	  .by = "resident_wang",
	  .days = 4.2,
	  .status = "submitted",
	  .supporters = { "resident_liu" } },
	{ .key = "sj_door",
	  .area = "shiji",
	  .category = "safety",
	  .title = "单元门禁坏了",
	  .description = "3栋1单元的门禁坏了一个星期，陌生人随便进出，还有人上楼发小广告，希望"
			 "尽快修好。",
	  .benef = { "all" },
	  .by = "resident_wu",
	  .days = 1.3,
	  .status = "submitted",
	  .supporters = { "resident_huang" } },
	{ .key = "jl_haircut",
	  .area = "jinglan",
	  .category = "elderly",
	  .title = "希望有人上门给卧床老人理发",
	  .description = "我母亲卧床两年了，出门理发很困难，希望有志愿者能定期上门理发。",
	  .benef = { "elderly", "disabled" },
	  .by = "resident_liu",
	  .days = 0.2,
	  .status = "submitted" },

	/* 锦泉社区 */
	{ .key = "jq_roof",
	  .area = "jinquanyuan",
	  .category = "courtyard",
	  .title = "顶楼漏水",
	  .description = "锦泉苑4栋顶楼防水层老化开裂，每逢下雨家里天花板渗水发霉，已经找过物业"
			 "几次，希望社区帮忙协调维修。",
	  .benef = { "all" },
	  .urgency = "high",
	  .by = "resident_sun",
	  .days = 42.3,
	  .status = "confirmed",
	  .provider = "jq_wuye",
	  .supporters = { "resident_hu" } },
	{ .key = "jq_roof_dup",
	  .area = "jinquanyuan",
	  .category = "courtyard",
	  .title = "楼顶防水需要维修",
	  .description = "4栋2单元顶楼也漏水，墙皮都泡起来了，希望一起修。",
	  .benef = { "all" },
	  .by = "resident_ma",
	  .days = 41.2,
	  .status = "merged",
	  .merged_into = "jq_roof" },
	{ .key = "jq_cards",
	  .area = "jinquanyuan",
	  .category = "culture",
	  .title = "希望有个棋牌活动室",
	  .description = "小区老人喜欢下象棋、打扑克，冬天没地方去，希望有一间活动室。",
	  .benef = { "elderly" },
	  .by = "resident_ma",
	  .days = 16.2,
	  .status = "accepted",
	  .flags = LATE,
	  .supporters = { "resident_sun" } },
	{ .key = "jq_slide",
	  .area = "jinquanyuan",
	  .category = "children",
	  .title = "儿童游乐设施老化",
	  .description = "小区滑梯生锈、秋千链条有断裂，孩子玩耍有安全隐患，希望更换或维修。",
	  .benef = { "children" },
	  .urgency = "high",
	  .by = "resident_hu",
	  .days = 8.4,
	  .status = "wish_open",
	  .supporters = { "resident_sun", "resident_ma" } },
	{ .key = "jq_doctor",
	  .area = "jinquanyuan",
	  .category = "medical",
	  .title = "行动不便老人希望家庭医生上门",
	  .description = "电话回访时马秀珍老人说，她中风后行动不便，每月去医院开药很困难，希望签约"
			 "家庭医生上门随访。",
	  .benef = { "elderly", "disabled" },
	  .by = "worker_jq",
	  .channel = "phone",
	  .behalf_name = "马秀珍",
	  .behalf_phone = "13800002006",
	  .days = 3.9,
	  .status = "submitted" },
	{ .key = "jq_ads",
	  .area = "jinquanyuan",
	  .category = "environment",
	  .title = "楼道小广告乱贴",
	  .description = "楼道墙上、电梯里贴满了开锁、通下水道的小广告，很难看，希望清理一下。",
	  .benef = { "all" },
	  .urgency = "low",
	  .by = "resident_sun",
	  .days = 0.6,
	  .status = "submitted" },

	/* 蔡山社区 */
	{ .key = "cs_pantry",
	  .area = "baishu",
	  .category = "charity",
	  .title = "希望开办义仓义集",
	  .description = "院落里有几户困难家庭，也有不少人家里自己种的蔬菜吃不完。希望社区办个"
			 "义仓，每月搞一次义集，大家互通有无、互相帮衬。",
	  .benef = { "low_income", "elderly" },
	  .by = "resident_luo",
	  .days = 55.2,
	  .status = "confirmed",
	  .provider = "qinghe",
	  .supporters = { "resident_he", "resident_deng", "resident_feng" } },
	{ .key = "cs_yard",
	  .area = "pipa",
	  .category = "courtyard",
	  .title = "院落地面坑洼，雨天积水",
	  .description = "枇杷院落的院坝还是泥地，坑坑洼洼，一下雨就积水，老人出门容易滑倒。希望"
			 "硬化地面、修排水沟。",
	  .benef = { "all" },
	  .by = "resident_feng",
	  .days = 50.4,
	  .status = "accepted",
	  .supporters = { "resident_cao", "resident_peng" } },
	{ .key = "cs_yard_dup",
	  .area = "pipa",
	  .category = "courtyard",
	  .title = "院坝需要硬化",
	  .description = "院坝是泥地，下雨天根本没法走，晾衣服也不方便，希望硬化。",
	  .benef = { "all" },
	  .by = "resident_cao",
	  .days = 47.3,
	  .status = "merged",
	  .merged_into = "cs_yard" },
	{ .key = "cs_kids",
	  .area = "guihua",
	  .category = "children",
	  .title = "留守儿童放学后无人照看",
	  .description = "入户走访时王翠英奶奶说，她一个人带两个孙子，孩子父母在外打工。孩子放学后"
			 "没人辅导作业，她也看不懂，希望童伴之家能多开放、多陪伴。",
	  .benef = { "children" },
	  .by = "worker_cs",
	  .channel = "visit",
	  .behalf_name = "王翠英",
	  .behalf_phone = "13800002007",
	  .days = 44.3,
	  .status = "confirmed",
	  .provider = "tbzj",
	  .supporters = { "resident_deng" } },
	{ .key = "cs_opera",
	  .area = "chaguan",
	  .category = "culture",
	  .title = "希望组织川剧围鼓和坝坝舞",
	  .description = "老茶馆院落的老人喜欢川剧，希望每月搞一次川剧围鼓坐唱，平时晚上也能一起"
			 "跳跳坝坝舞。",
	  .benef = { "elderly" },
	  .by = "resident_xie",
	  .days = 39.4,
	  .status = "fulfilled",
	  .provider = "mingde",
	  .supporters = { "resident_luo", "resident_yuan", "resident_jiang" } },
	{ .key = "cs_shed",
	  .area = "baishu",
	  .category = "public_space",
	  .title = "希望在院落里修建停车棚",
	  .description = "院落里电动车、摩托车乱停，希望修一个停车棚。",
	  .benef = { "families" },
	  .urgency = "low",
	  .by = "resident_he",
	  .days = 36.4,
	  .status = "rejected",
	  .reason = "该空地属于院落住户的宅基地范围，修建停车棚须经产权人同意。社区已建议院落"
		    "议事会先行协商，形成一致意见后可重新提出。",
	  .flags = LATE },
	{ .key = "cs_lamp",
	  .area = "zhulin",
	  .category = "public_space",
	  .title = "院落路灯不亮",
	  .description = "竹林院落进出的小路上两盏路灯坏了，晚上黑漆漆的，希望修好。",
	  .benef = { "all" },
	  .by = "resident_peng",
	  .days = 27.2,
	  .status = "confirmed",
	  .provider = "he",
	  .supporters = { "resident_feng" } },
	{ .key = "cs_party",
	  .area = "guihua",
	  .category = "party",
	  .title = "希望党员志愿服务进院落",
	  .description = "院落里有不少老党员，希望组织党员志愿服务队，帮院落里的孤寡老人做些实事。",
	  .benef = { "elderly" },
	  .by = "resident_deng",
	  .days = 25.3,
	  .status = "accepted" },
	{ .key = "cs_bp",
	  .area = "hepan",
	  .category = "medical",
	  .title = "希望医生到院落量血压",
	  .description = "河畔院落老人多，去卫生服务中心要走二十分钟，希望医生能每月来院落给老人"
			 "量血压、做随访。",
	  .benef = { "elderly" },
	  .by = "resident_yuan",
	  .days = 23.3,
	  .status = "confirmed",
	  .provider = "clinic",
	  .supporters = { "resident_jiang", "resident_xie" } },
	{ .key = "cs_river",
	  .area = "hepan",
	  .category = "environment",
	  .title = "河岸垃圾多，希望组织清理",
	  .description = "院落旁边的河岸堆了不少塑料袋和建筑垃圾，夏天有异味，希望组织一次清理并"
			 "设置垃圾收集点。",
	  .benef = { "all" },
	  .by = "resident_jiang",
	  .days = 19.4,
	  .status = "wish_open",
	  .supporters = { "resident_yuan" } },
	{ .key = "cs_river_dup",
	  .area = "hepan",
	  .category = "environment",
	  .title = "河岸需要清理垃圾",
	  .description = "河边的垃圾越堆越多，希望有人来清理。",
	  .benef = { "all" },
	  .by = "resident_yuan",
	  .days = 17.3,
	  .status = "merged",
	  .merged_into = "cs_river" },
	{ .key = "cs_homework",
	  .area = "guihua",
	  .category = "children",
	  .title = "暑假作业辅导",
	  .description = "放暑假了，院落里的孩子作业没人辅导，希望有大学生志愿者来帮帮忙。",
	  .benef = { "children" },
	  .by = "resident_deng",
	  .days = 13.2,
	  .status = "claimed",
	  .provider = "vyang",
	  .supporters = { "resident_luo" } },
	{ .key = "cs_wiring",
	  .area = "chaguan",
	  .category = "safety",
	  .title = "老茶馆用电线路老化",
	  .description = "12345热线转来：老茶馆的电线裸露、插座发黑，天天有老人在里面喝茶打牌，"
			 "存在火灾隐患，希望尽快检查整改。",
	  .benef = { "elderly" },
	  .urgency = "high",
	  .by = "worker_cs",
	  .channel = "hotline",
	  .behalf_name = "周德贵",
	  .behalf_phone = "13800002008",
	  .days = 11.3,
	  .status = "accepted" },
	{ .key = "cs_ditch",
	  .area = "hepan",
	  .category = "environment",
	  .title = "院落旁边水沟发臭",
	  .description = "河畔院落旁的排水沟淤塞，天热以后臭味很大，还滋生蚊虫。",
	  .benef = { "all" },
	  .by = "resident_yuan",
	  .days = 4.6,
	  .status = "submitted",
	  .supporters = { "resident_jiang" } },
	{ .key = "cs_craft",
	  .area = "zhulin",
	  .category = "culture",
	  .title = "想学竹编手艺",
	  .description = "竹林院落以前家家会编竹篮，现在年轻人都不会了，希望请老师傅开个竹编班。",
	  .benef = { "all" },
	  .by = "resident_peng",
	  .days = 1.0,
	  .status = "submitted" },
};

#define NAREAS     COUNT(areas)
#define NUSERS     COUNT(users)
#define NPROVIDERS COUNT(providers)
#define NNEEDS     COUNT(needs)

/* ---- lookups in the tables (a missing key is a bug in the tables) ----------------------- */

static int area_index(const char *key)
{
	for (int i = 0; i < NAREAS; i++)
		if (strcmp(areas[i].key, key) == 0)
			return i;
	xy_assert_fail("unknown demo area", __FILE__, __LINE__);
}

static int user_index(const char *username)
{
	for (int i = 0; i < NUSERS; i++)
		if (strcmp(users[i].username, username) == 0)
			return i;
	xy_assert_fail("unknown demo user", __FILE__, __LINE__);
}

static int provider_index(const char *key)
{
	for (int i = 0; i < NPROVIDERS; i++)
		if (strcmp(providers[i].key, key) == 0)
			return i;
	xy_assert_fail("unknown demo provider", __FILE__, __LINE__);
}

static int need_index(const char *key)
{
	for (int i = 0; i < NNEEDS; i++)
		if (strcmp(needs[i].key, key) == 0)
			return i;
	xy_assert_fail("unknown demo need", __FILE__, __LINE__);
}

/* The community a need's area belongs to (the area itself or its parent). */
static const struct demo_community *community_of(const char *area)
{
	const struct demo_area *a = &areas[area_index(area)];
	const char *key = strcmp(a->kind, "community") == 0 ? a->key : a->parent;
	for (int i = 0; i < COUNT(communities); i++)
		if (strcmp(communities[i].area, key) == 0)
			return &communities[i];
	xy_assert_fail("demo need outside the demo communities", __FILE__, __LINE__);
}

/* ---- loading --------------------------------------------------------------------------- */

struct demo {
	struct store *s;
	int64_t end;
	struct actor system;
	int64_t area_id[NAREAS];
	int64_t root_id;
	int64_t user_id[NUSERS];
	struct actor *actor; /* NUSERS, owned */
	int64_t provider_id[NPROVIDERS];
	int64_t need_id[NNEEDS];
	const char *password;
	char hash[SECRET_HASH_MAX];
	struct xy_err e;
};

struct store *demo_store(const struct demo *d)
{
	return d->s;
}

const struct actor *demo_system(const struct demo *d)
{
	return &d->system;
}

int64_t demo_area(const struct demo *d, const char *key)
{
	return d->area_id[area_index(key)];
}

const struct actor *demo_user(const struct demo *d, const char *username)
{
	return &d->actor[user_index(username)];
}

int64_t demo_provider(const struct demo *d, const char *key)
{
	return d->provider_id[provider_index(key)];
}

const char *demo_password(const struct demo *d)
{
	return d->password;
}

const char *demo_password_hash(const struct demo *d)
{
	return d->hash;
}

int demo_fail(const char *what, const char *name, const struct xy_err *e)
{
	fprintf(stderr, "xinyuan: demo: %s '%s': %s (%s)\n", what, name, e->message, e->code);
	return -1;
}

static int fail(const struct demo *d, const char *what, const char *name)
{
	return demo_fail(what, name, &d->e);
}

int64_t demo_start(int64_t end)
{
	time_t tt = (time_t)end;
	struct tm tm;
	localtime_r(&tt, &tm);
	tm = (struct tm){
		.tm_year = tm.tm_year - 1, .tm_mon = 0, .tm_mday = 2, .tm_hour = 9, .tm_isdst = -1
	};
	return (int64_t)mktime(&tm);
}

int demo_year(int64_t end)
{
	time_t tt = (time_t)end;
	struct tm tm;
	localtime_r(&tt, &tm);
	return tm.tm_year + 1900 - 1;
}

int demo_check_fresh(struct store *s)
{
	struct actor sys;
	cli_system_actor(&sys);
	struct need_filter f = { .pg = { 1, 1 } };
	struct xy_err e = { 0 };
	json_t *out;
	if (needs_list(s, &sys, &f, &out, &e)) {
		fprintf(stderr, "xinyuan: cannot read the needs of %s: %s\n", store_target(s),
			e.message);
		return -1;
	}
	json_int_t total = json_integer_value(json_object_get(out, "total"));
	json_decref(out);
	if (total > 0) {
		fprintf(stderr,
			"xinyuan: not a fresh database: %s already holds %lld needs; the demo data "
			"loads only into a new database\n",
			store_target(s), (long long)total);
		return -1;
	}
	return 0;
}

/* The id of area `name` under parent_id in the listing, 0 if there is none. */
static int64_t area_find(json_t *list, const char *name, int64_t parent_id)
{
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(list, "items"), i, a)
	{
		json_t *p = json_object_get(a, "parent_id");
		int64_t pid = json_is_integer(p) ? json_integer_value(p) : 0;
		if (pid == parent_id &&
		    strcmp(json_string_value(json_object_get(a, "name")), name) == 0)
			return json_integer_value(json_object_get(a, "id"));
	}
	return 0;
}

/* The area tree; areas that already exist (same name under the same parent) are kept. */
static int load_areas(struct demo *d, int64_t *t)
{
	json_t *list;
	if (areas_list(d->s, &list, &d->e))
		return fail(d, "listing", "areas");
	d->root_id = area_find(list, "四川省", 0);
	if (!d->root_id) {
		json_decref(list);
		fprintf(stderr, "xinyuan: demo: the root area 四川省 is missing\n");
		return -1;
	}
	for (int i = 0; i < NAREAS; i++) {
		const struct demo_area *a = &areas[i];
		int64_t parent = strcmp(a->parent, ROOT) == 0 ? d->root_id
							      : d->area_id[area_index(a->parent)];
		d->area_id[i] = area_find(list, a->name, parent);
		if (d->area_id[i])
			continue;
		time_set_override(*t += 2 * MINUTE);
		if (area_create(d->s, &d->system, a->name, a->kind, parent, &d->area_id[i],
				&d->e)) {
			json_decref(list);
			return fail(d, "creating area", a->name);
		}
	}
	json_decref(list);
	return 0;
}

static int load_users(struct demo *d, int64_t *t)
{
	fprintf(stderr, "xinyuan: demo: creating %d users\n", NUSERS);
	struct db *db = store_conn(d->s, &d->e);
	if (!db)
		return fail(d, "opening", store_target(d->s));
	for (int i = 0; i < NUSERS; i++) {
		const struct demo_user *u = &users[i];
		struct user_input in = { .username = u->username,
					 .password = d->password,
					 .password_hash = d->hash,
					 .display_name = u->name,
					 .phone = u->phone,
					 .ngrants = 1,
					 .grants = {
						 { u->role, d->area_id[area_index(u->area)] } } };
		if (u->role2) {
			in.grants[1].role = u->role2;
			in.grants[1].area_id = d->area_id[area_index(u->area2)];
			in.ngrants = 2;
		}
		time_set_override(*t += 7 * MINUTE);
		if (user_create(d->s, NULL, &in, &d->user_id[i], &d->e))
			return fail(d, "creating user", u->username);
		if (actor_load(db, d->user_id[i], &d->actor[i], &d->e))
			return fail(d, "loading user", u->username);
	}
	return 0;
}

static int load_providers(struct demo *d, int64_t *t)
{
	for (int i = 0; i < NPROVIDERS; i++) {
		const struct demo_provider *p = &providers[i];
		struct provider_input in = { .kind = p->kind,
					     .name = p->name,
					     .area_id = d->area_id[area_index(p->area)],
					     .capacity = p->capacity,
					     .contact = p->contact,
					     .user_id = p->user ? d->user_id[user_index(p->user)]
								: 0 };
		while (in.nskills < COUNT(p->skills) && p->skills[in.nskills]) {
			in.skills[in.nskills] = p->skills[in.nskills];
			in.nskills++;
		}
		time_set_override(*t += 23 * MINUTE);
		if (provider_create(d->s, &d->actor[user_index(p->created_by)], &in,
				    &d->provider_id[i], &d->e))
			return fail(d, "adding provider", p->name);
	}
	return 0;
}

/* ---- the needs' history ---------------------------------------------------------------- */

enum ev_kind { EV_SUBMIT, EV_SUPPORT, EV_MOVE };

struct event {
	int64_t at;
	int seq;
	enum ev_kind kind;
	int need;
	int user; /* the acting user */
	enum need_status to;
};

#define STEPS_MAX  6
#define EVENTS_MAX (NNEEDS * (1 + STEPS_MAX + SUPPORTERS_MAX))

struct step {
	enum need_status to;
	int user;
	int64_t gap; /* seconds after the previous step */
	bool staff;  /* done in office hours */
};

/* A fixed pseudo-random sequence, so every demo database tells the same story. */
static int64_t between(uint32_t *rng, int64_t lo, int64_t hi)
{
	*rng = *rng * 1103515245u + 12345u;
	return lo + (int64_t)((*rng >> 8) % (uint32_t)(hi - lo + 1));
}

/* t, moved forward if need be into [open, close) o'clock local time. */
static int64_t in_hours(int64_t t, int open, int close)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	if (tm.tm_hour >= open && tm.tm_hour < close)
		return t;
	if (tm.tm_hour >= close)
		tm.tm_mday++;
	tm.tm_hour = open;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

/* The transitions that take need i from submitted to its final state, and who makes them. */
static int plan_steps(int i, uint32_t *rng, struct step out[STEPS_MAX])
{
	const struct demo_need *n = &needs[i];
	const struct demo_community *c = community_of(n->area);
	int by = user_index(n->by);
	int worker = n->channel ? by : user_index(i % 2 ? c->worker2 : c->worker);
	int secretary = user_index(c->secretary);
	int final = need_status_parse(n->status);
	XY_ASSERT(final >= 0 && final != NEED_IN_PROJECT);
	int64_t respond = n->flags & LATE ? between(rng, 74 * HOUR, 100 * HOUR)
					  : between(rng, 40 * MINUTE, 30 * HOUR);
	int k = 0;
	if (final == NEED_SUBMITTED)
		return 0;
	if (final == NEED_REJECTED && !(n->flags & VIA_ACCEPT)) {
		out[k++] = (struct step){ NEED_REJECTED, secretary, respond, true };
		return k;
	}
	if (final == NEED_MERGED) {
		out[k++] = (struct step){ NEED_MERGED, worker, respond, true };
		return k;
	}
	out[k++] = (struct step){ NEED_ACCEPTED, worker, respond, true };
	if (final == NEED_ACCEPTED)
		return k;
	if (final == NEED_REJECTED) {
		out[k++] = (struct step){ NEED_REJECTED, secretary,
					  between(rng, 24 * HOUR, 96 * HOUR), true };
		return k;
	}
	out[k++] =
		(struct step){ NEED_WISH_OPEN, secretary, between(rng, 4 * HOUR, 48 * HOUR), true };
	if (final == NEED_WISH_OPEN)
		return k;
	XY_ASSERT(n->provider);
	const struct demo_provider *p = &providers[provider_index(n->provider)];
	int owner = p->user ? user_index(p->user) : -1;
	int claimer = owner >= 0 && !(n->flags & WORKER_CLAIMS) ? owner : worker;
	out[k++] = (struct step){ NEED_CLAIMED, claimer, between(rng, 3 * HOUR, 72 * HOUR), true };
	if (final == NEED_CLAIMED)
		return k;
	out[k++] = (struct step){ NEED_FULFILLED, owner >= 0 ? owner : worker,
				  between(rng, 24 * HOUR, 120 * HOUR), true };
	if (final == NEED_FULFILLED)
		return k;
	bool self = n->channel == NULL;
	out[k++] = (struct step){ NEED_CONFIRMED, self ? by : worker,
				  between(rng, 3 * HOUR, 36 * HOUR), !self };
	return k;
}

static struct event *push(struct event *ev, int *nev, int64_t at, enum ev_kind kind, int need,
			  int user, enum need_status to)
{
	XY_ASSERT(*nev < EVENTS_MAX);
	struct event *v = &ev[*nev];
	*v = (struct event){
		.at = at, .seq = *nev, .kind = kind, .need = need, .user = user, .to = to
	};
	(*nev)++;
	return v;
}

/* Lays out need i: its submission, its transitions and its supporters' +1s, all before end. */
static void plan_need(const struct demo *d, int i, uint32_t *rng, struct event *ev, int *nev)
{
	const struct demo_need *n = &needs[i];
	int64_t latest = d->end - 30 * MINUTE;
	int64_t t0 = d->end - (int64_t)(n->days * DAY) - between(rng, 0, 50 * MINUTE);
	int64_t shifted = n->channel ? in_hours(t0, 8, 19) : in_hours(t0, 7, 22);
	if (shifted < d->end - HOUR)
		t0 = shifted;
	push(ev, nev, t0, EV_SUBMIT, i, user_index(n->by), NEED_SUBMITTED);

	struct step st[STEPS_MAX];
	int64_t at[STEPS_MAX];
	int k = plan_steps(i, rng, st);
	int64_t t = t0, total = 0;
	for (int j = 0; j < k; j++) {
		t += st[j].gap;
		at[j] = st[j].staff ? in_hours(t, 8, 19) : in_hours(t, 7, 22);
		t = at[j];
		total += st[j].gap;
	}
	if (k && at[k - 1] > latest) {
		/* too recent for the usual pace: the same steps, faster */
		XY_ASSERT(latest > t0 + k);
		t = t0;
		for (int j = 0; j < k; j++) {
			t += 1 + st[j].gap * (latest - t0 - k) / total;
			at[j] = t;
		}
	}
	int64_t closed = d->end - 10 * MINUTE;
	for (int j = 0; j < k; j++) {
		push(ev, nev, at[j], EV_MOVE, i, st[j].user, st[j].to);
		if (need_status_closed(st[j].to) && at[j] < closed)
			closed = at[j];
	}
	int ns = 0;
	while (ns < SUPPORTERS_MAX && n->supporters[ns])
		ns++;
	int64_t window = closed - t0;
	if (window > 6 * DAY)
		window = 6 * DAY;
	for (int j = 0; j < ns; j++)
		push(ev, nev, t0 + window * (j + 1) / (ns + 1) + between(rng, 0, 60), EV_SUPPORT, i,
		     user_index(n->supporters[j]), NEED_SUBMITTED);
}

static int event_cmp(const void *a, const void *b)
{
	const struct event *x = a, *y = b;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->seq - y->seq;
}

static int run_event(struct demo *d, const struct event *v)
{
	const struct demo_need *n = &needs[v->need];
	const struct actor *who = &d->actor[v->user];
	time_set_override(v->at);
	if (v->kind == EV_SUBMIT) {
		struct need_input in = { .area_id = d->area_id[area_index(n->area)],
					 .category = n->category,
					 .title = n->title,
					 .description = n->description,
					 .urgency = n->urgency,
					 .channel = n->channel };
		while (in.nbenef < COUNT(n->benef) && n->benef[in.nbenef]) {
			in.beneficiaries[in.nbenef] = n->benef[in.nbenef];
			in.nbenef++;
		}
		if (n->channel) {
			in.on_behalf = true;
			in.behalf_name = n->behalf_name;
			in.behalf_phone = n->behalf_phone;
		}
		struct need_created out;
		if (need_submit(d->s, who, &in, &out, &d->e))
			return fail(d, "submitting need", n->title);
		d->need_id[v->need] = out.id;
		return 0;
	}
	XY_ASSERT(d->need_id[v->need]);
	if (v->kind == EV_SUPPORT) {
		if (need_support(d->s, who, d->need_id[v->need], NULL, &d->e))
			return fail(d, "supporting need", n->title);
		return 0;
	}
	struct need_transition_input in = { .to = need_status_name(v->to) };
	if (v->to == NEED_REJECTED)
		in.reason = n->reason;
	if (v->to == NEED_MERGED) {
		in.merged_into = d->need_id[need_index(n->merged_into)];
		if (!in.merged_into) {
			fprintf(stderr, "xinyuan: demo: '%s' is merged before '%s' exists\n",
				n->key, n->merged_into);
			return -1;
		}
	}
	if (v->to == NEED_CLAIMED)
		in.provider_id = d->provider_id[provider_index(n->provider)];
	if (need_transition(d->s, who, d->need_id[v->need], &in, &d->e)) {
		char what[64];
		snprintf(what, sizeof what, "moving need to %s", in.to);
		return fail(d, what, n->title);
	}
	return 0;
}

static int load_needs(struct demo *d)
{
	struct event *ev = xy_calloc(EVENTS_MAX, sizeof *ev);
	int nev = 0;
	uint32_t rng = 20240611u;
	for (int i = 0; i < NNEEDS; i++)
		plan_need(d, i, &rng, ev, &nev);
	qsort(ev, (size_t)nev, sizeof *ev, event_cmp);
	int rc = 0;
	for (int i = 0; i < nev && rc == 0; i++)
		rc = run_event(d, &ev[i]);
	free(ev);
	return rc;
}

/* ---- summary --------------------------------------------------------------------------- */

static void print_summary(struct demo *d)
{
	const char *password = d->password;
	json_t *st;
	struct xy_err e = { 0 };
	printf("demo data loaded into %s\n", store_target(d->s));
	if (needs_stats(d->s, &d->system, 0, 0, &st, &e) == XY_OK) {
		json_t *by = json_object_get(st, "needs_by_status");
		printf("needs: %lld\n",
		       (long long)json_integer_value(json_object_get(st, "needs")));
		for (int i = 0; i < NEED_STATUS_COUNT; i++) {
			const char *name = need_status_name((enum need_status)i);
			printf("  %-10s %3lld", name,
			       (long long)json_integer_value(json_object_get(by, name)));
			if (i == NEED_SUBMITTED)
				printf("  (%lld overdue)", (long long)json_integer_value(
								   json_object_get(st, "overdue")));
			putchar('\n');
		}
		json_decref(st);
	} else {
		printf("needs: (cannot read the figures: %s)\n", e.message);
	}
	printf("areas: %d added under 四川省; providers: %d\n", NAREAS, NPROVIDERS);
	printf("users (password %s; admin keeps its own):\n", password);
	for (int r = 0; r < ROLE_COUNT; r++) {
		const char *role = role_name((enum role)r);
		int n = 0;
		for (int i = 0; i < NUSERS; i++) {
			const struct demo_user *u = &users[i];
			if (strcmp(u->role, role) != 0 &&
			    !(u->role2 && strcmp(u->role2, role) == 0))
				continue;
			if (n++ == 0)
				printf("  %-17s", role);
			printf(" %s", u->username);
		}
		if (n)
			putchar('\n');
	}
}

int demo_load(struct store *s, int64_t end)
{
	const char *password = getenv("XINYUAN_DEMO_PASSWORD");
	if (!password || !*password)
		password = "demo12345";
	struct demo *d = xy_calloc(1, sizeof *d);
	d->s = s;
	d->end = end;
	d->password = password;
	d->actor = xy_calloc(NUSERS, sizeof *d->actor);
	cli_system_actor(&d->system);
	int rc = 0;
	/* every demo account shares the password: one Argon2id hash serves them all */
	if (secret_password_hash(password, d->hash) != 0) {
		fprintf(stderr, "xinyuan: demo: cannot hash the demo password\n");
		rc = -1;
	}
	/* setup first: areas, then people, then the pools; then the project year; the needs
	 * list of the last weeks comes last */
	int64_t t = demo_start(end) + 10 * MINUTE;
	if (rc == 0)
		rc = load_areas(d, &t);
	t = in_hours(t + DAY, 9, 18);
	if (rc == 0)
		rc = load_users(d, &t);
	t = in_hours(t + DAY, 9, 18);
	if (rc == 0)
		rc = load_providers(d, &t);
	if (rc == 0)
		rc = demo_projects_load(d, demo_year(end));
	if (rc == 0)
		rc = load_needs(d);
	time_set_override(0);
	if (rc == 0) {
		print_summary(d);
		demo_projects_summary(d, demo_year(end));
	}
	free(d->actor);
	free(d);
	return rc;
}
