"""A small world that runs all four rings over the API, for the figures' tests (test_stats.py,
test_board.py). Built on harness.World:

九眼桥社区 (jyq), this year:
  fund F1 of jyq: 5,000.00 yuan; earmark 2,000.00 for 晶蓝半岛小区 (jinglan)
  needs  n1, n2 (jinglan, resident) accepted → project P1; resident2 and resident3 support n1
         n3 (jinglan) accepted → project P2, rejected by the secretary with a public reason
         n4 rejected with a public reason; n5 merged into n3
         n6 (shiji, resident3) accepted → project P3; n8 (resident2) accepted → P4
         n7 recorded by the worker on behalf of 孙婆婆 (phone 13700001111), still submitted
  P1 (jinglan): budget 1,500.00, allocated 1,200.00 from the jinglan earmark, spent 300.00 +
     200.00 (two receipts); activities culture (40 person-times) and elderly (25); ratings
     satisfied (resident), basically_satisfied (resident2), unsatisfied (resident3);
     evaluation 88 by the evaluator; closed
  P2 (jinglan): rejected ("预算超出本年度计划")
  P3 (shiji): approved; 500.00 allocated straight from F1 (no earmark covers shiji); its stage
     deadline moved into the past, so it is overdue
  P4 (jinglan, need n8): a draft, counted by the stats and never shown on the board
合江亭社区 (hjt): the district's fund F2 (锦江区, 3,000.00) gives it an earmark of 1,000.00.

Expected figures (EXPECT) follow from the definitions in src/store/stats.h.
"""
import datetime

from harness import PASSWORD, World

YEAR = datetime.datetime.now().year
BEHALF_NAME = "孙婆婆"
BEHALF_PHONE = "13700001111"
SECRET_DESCRIPTION = "联系我：13912345678，住3栋2单元"

EXPECT = {
    "jyq": {"funds_fen": 500000, "allocated_fen": 250000, "spent_fen": 50000, "projects": 4,
            "projects_by_status": {"closed": 1, "rejected": 1, "approved": 1, "draft": 1},
            "overdue_projects": 1, "events": 2, "activity_categories": 2, "person_times": 65,
            "ratings": 3, "satisfied": 1, "basically_satisfied": 1, "unsatisfied": 1},
    "hjt": {"funds_fen": 0, "allocated_fen": 100000, "spent_fen": 0, "projects": 0,
            "events": 0, "person_times": 0, "ratings": 0},
    # the street: both communities; the district fund lies above it
    "street": {"funds_fen": 500000, "allocated_fen": 350000, "spent_fen": 50000, "projects": 4,
               "events": 2, "person_times": 65, "ratings": 3},
    # the district holds F2 itself
    "district": {"funds_fen": 800000, "allocated_fen": 350000, "spent_fen": 50000},
}


def ok(resp, status=(200, 201)):
    st, body, _ = resp
    statuses = status if isinstance(status, tuple) else (status,)
    assert st in statuses, (st, body)
    return body


def iso(dt):
    return dt.astimezone().isoformat(timespec="seconds")


class RingWorld(World):
    def __init__(self, srv):
        super().__init__(srv)
        a, c = self.areas, self.c
        self.f1 = ok(self.admin.post("/api/v1/funds", {
            "area_id": a["jyq"], "year": YEAR, "name": "九眼桥社区服务专项资金",
            "amount_fen": 500000}))["id"]
        ok(c["secretary"].post(f"/api/v1/funds/{self.f1}/allocations", {
            "area_id": a["jinglan"], "amount_fen": 200000, "note": "晶蓝半岛小区院落份额"}))
        self.f2 = ok(self.admin.post("/api/v1/funds", {
            "area_id": a["district"], "year": YEAR, "name": "锦江区社区发展专项资金",
            "amount_fen": 300000}))["id"]
        ok(self.admin.post(f"/api/v1/funds/{self.f2}/allocations", {
            "area_id": a["hjt"], "amount_fen": 100000}))

        n = self.n = {}
        n["n1"] = self.need(title="晶蓝半岛架空层改造", description=SECRET_DESCRIPTION)
        n["n2"] = self.need(title="老年人文体活动", category="culture")
        n["n3"] = self.need(title="小区大门改造")
        n["n4"] = self.need(title="希望社区代缴物业费")
        n["n5"] = self.need("resident2", title="大门太旧了")
        n["n6"] = self.need("resident3", area=a["shiji"], title="世纪朝阳健身角")
        n["n8"] = self.need("resident2", title="增设快递柜")
        n["n7"] = ok(c["worker"].post("/api/v1/needs", {
            "area_id": a["jinglan"], "category": "elderly", "title": "独居老人需要上门探访",
            "description": f"{BEHALF_NAME}独居，电话{BEHALF_PHONE}", "channel": "visit",
            "on_behalf_of": {"name": BEHALF_NAME, "phone": BEHALF_PHONE}}))["id"]
        for who in ("resident2", "resident3"):
            ok(c[who].post(f"/api/v1/needs/{n['n1']}/support"))
        for k in ("n1", "n2", "n3", "n6", "n8"):
            self.move("worker", n[k], "accepted")
        self.move("worker", n["n4"], "rejected", reason="物业费缴纳不属于社区事务")
        self.move("worker", n["n5"], "merged", merged_into=n["n3"])

        p = self.p = {}
        p["P1"] = self.project("七彩空间改造", a["jinglan"], [n["n1"], n["n2"]], 150000)
        p["P2"] = self.project("小区大门改造", a["jinglan"], [n["n3"]], 900000)
        p["P3"] = self.project("世纪朝阳健身角", a["shiji"], [n["n6"]], 80000)
        p["P4"] = self.project("快递柜", a["jinglan"], [n["n8"]], 30000)
        for k in ("P1", "P2", "P3"):
            self.pmove("worker", p[k], "proposed")
        self.pmove("secretary", p["P1"], "approved")
        self.pmove("secretary", p["P2"], "rejected", reason="预算超出本年度计划")
        self.pmove("secretary", p["P3"], "approved")
        ok(c["secretary"].post(f"/api/v1/funds/{self.f1}/allocations", {
            "project_id": p["P1"], "amount_fen": 120000}))
        ok(c["secretary"].post(f"/api/v1/funds/{self.f1}/allocations", {
            "project_id": p["P3"], "amount_fen": 50000}))
        self.pmove("worker", p["P1"], "in_progress")
        for amount, payee, receipt in ((30000, "晶蓝物业服务有限公司", "JL-2024-001"),
                                       (20000, "蓝海数码科技有限公司", "LH-2024-017")):
            ok(c["worker"].post(f"/api/v1/projects/{p['P1']}/expenditures", {
                "amount_fen": amount, "payee": payee, "receipt_no": receipt,
                "note": "经办人王佳怡"}))
        now = datetime.datetime.now().astimezone()
        self.activities = []
        for hours, title, cat, count in ((3, "重阳文艺汇演", "culture", 40),
                                         (2, "老年人健康讲座", "elderly", 25)):
            start = now - datetime.timedelta(hours=hours)
            act = ok(c["worker"].post(f"/api/v1/projects/{p['P1']}/activities", {
                "title": title, "category": cat, "starts_at": iso(start),
                "ends_at": iso(start + datetime.timedelta(hours=2))}))
            ok(c["worker"].post(f"/api/v1/activities/{act['id']}/attendance",
                                {"count": count}))
            self.activities.append(act["id"])
        for who, rating in (("resident", "satisfied"), ("resident2", "basically_satisfied"),
                            ("resident3", "unsatisfied")):
            ok(c[who].post(f"/api/v1/projects/{p['P1']}/feedback", {
                "rating": rating, "comment": f"{who} 的评价"}))
        self.pmove("worker", p["P1"], "evaluating")
        ok(c["evaluator"].post(f"/api/v1/projects/{p['P1']}/evaluation", {
            "score": 88, "report": "项目目标基本达成，居民参与度高。"}))
        self.pmove("secretary", p["P1"], "closed")
        # P3's approval stage is past its deadline
        srv.sql(f"UPDATE projects SET due_at = {int(now.timestamp()) - 3600} "
                f"WHERE id = {p['P3']}")

    def project(self, title, area, needs, budget):
        return ok(self.c["worker"].post("/api/v1/projects", {
            "area_id": area, "title": title, "need_ids": needs, "goals": "改善居民生活",
            "feasibility": "场地和资金已落实", "budget_fen": budget, "fund_id": self.f1}))["id"]

    def pmove(self, who, project, to, **kw):
        body = {"to": to}
        body.update(kw)
        return ok(self.c[who].post(f"/api/v1/projects/{project}/transitions", body), 200)

    def personal_data(self):
        """Every name, username and phone of the residents, and what was recorded on behalf."""
        out = {BEHALF_NAME, BEHALF_PHONE, "13912345678", SECRET_DESCRIPTION, "经办人王佳怡"}
        for name in ("resident", "resident2", "resident3", "outsider"):
            out.update({name, "居民" + name})
        for phone in ("13912345678", "13912340002", "13912340003", "13912340004",
                      "13800000000"):
            out.add(phone)
        return out


__all__ = ["RingWorld", "EXPECT", "YEAR", "PASSWORD", "ok"]
