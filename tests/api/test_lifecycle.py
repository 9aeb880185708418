"""Issue 4's acceptance, end to end over the API from a fresh database: the four rings of
PRODUCT.md in order — needs → project → approval → money → activities → feedback → evaluation
→ closed — with the supervision figures, a verifying audit chain, and the public board showing
it all without personal data.
"""
import datetime
import json
import unittest

from harness import Server, World, assert_error

srv = world = None


def setUpModule():
    global srv, world
    srv = Server()
    world = World(srv)


def tearDownModule():
    srv.stop()


def ok(resp, status=(200, 201)):
    st, body, _ = resp
    assert st in ((status,) if isinstance(status, int) else status), (st, body)
    return body


def iso(dt):
    return dt.astimezone().isoformat(timespec="seconds")


class Lifecycle(unittest.TestCase):
    def test_needs_to_closed_project(self):
        a, c = world.areas, world.c
        year = datetime.date.today().year
        # 1. needs collection: two residents ask, a neighbour supports, the worker accepts
        n1 = world.need("resident", title="晶蓝半岛闲置空间想改成活动室",
                        description="小区有一块闲置空间，希望改成老人和孩子都能用的活动室。",
                        category="public_space")
        n2 = world.need("resident3", area=a["shiji"], title="希望有儿童活动区域",
                        description="孩子放学后没有地方玩。", category="children")
        ok(c["resident2"].post(f"/api/v1/needs/{n1}/support"))
        for n in (n1, n2):
            world.move("worker", n, "accepted")

        # 2. matching: the worker asks which providers fit
        cand = ok(c["worker"].get(f"/api/v1/needs/{n1}/candidates"))
        self.assertIn("candidates", cand)

        # 3. the district's special fund, 九眼桥社区's share of it
        fund = ok(world.admin.post("/api/v1/funds", {
            "area_id": a["district"], "year": year, "name": "锦江区社区发展专项资金",
            "amount_fen": 50_000_000}))["id"]
        ok(world.admin.post(f"/api/v1/funds/{fund}/allocations",
                            {"area_id": a["jyq"], "amount_fen": 10_000_000, "note": "九眼桥社区"}))

        # 4. the project: drafted, proposed, approved by the secretary; the needs follow
        p = ok(c["worker"].post("/api/v1/projects", {
            "area_id": a["jyq"], "title": "七彩空间", "need_ids": [n1, n2],
            "goals": "把晶蓝半岛的闲置空间改造成七个颜色分区的活动空间",
            "feasibility": "物业提供场地，居民议事会同意，预算 10 万元",
            "budget_fen": 10_000_000, "fund_id": fund, "provider_ids": [world.pantry]}))
        pid = p["id"]
        ok(c["worker"].post(f"/api/v1/projects/{pid}/transitions", {"to": "proposed"}))
        p = ok(c["secretary"].post(f"/api/v1/projects/{pid}/transitions", {"to": "approved"}))
        self.assertEqual(p["status"], "approved")
        for n in (n1, n2):
            self.assertEqual(ok(world.admin.get(f"/api/v1/needs/{n}"))["status"], "in_project")

        # 5. money: the secretary funds it from the community's share; the worker spends
        ok(c["secretary"].post(f"/api/v1/funds/{fund}/allocations",
                               {"project_id": pid, "amount_fen": 10_000_000}))
        ok(c["worker"].post(f"/api/v1/projects/{pid}/transitions", {"to": "in_progress"}))
        ok(c["worker"].post(f"/api/v1/projects/{pid}/expenditures", {
            "amount_fen": 6_000_000, "payee": "成都七彩装饰工程有限公司",
            "receipt_no": "JJ-2026-0001", "note": "场地改造"}))
        ok(c["worker"].post(f"/api/v1/projects/{pid}/expenditures", {
            "amount_fen": 3_500_000, "payee": "锦江区青少年活动器材中心",
            "receipt_no": "JJ-2026-0002"}))
        assert_error(self, c["worker"].post(f"/api/v1/projects/{pid}/expenditures", {
            "amount_fen": 500_001, "payee": "x", "receipt_no": "JJ-2026-0003"}),
            409, "overspending")

        # 6. implementation: a venue with a zone, an activity there, sign-ups, attendance
        venue = ok(c["worker"].post("/api/v1/venues", {
            "area_id": a["jinglan"], "name": "七彩空间", "address": "晶蓝半岛 2 栋旁"}))["id"]
        zone = ok(c["worker"].post(f"/api/v1/venues/{venue}/zones", {
            "name": "紫色儿童区", "colour": "purple", "purpose": "儿童活动",
            "capacity": 30}))["id"]
        now = datetime.datetime.now(datetime.timezone.utc)
        act = ok(c["worker"].post(f"/api/v1/projects/{pid}/activities", {
            "title": "七彩空间开放日", "category": "children",
            "starts_at": iso(now - datetime.timedelta(hours=1)),
            "ends_at": iso(now + datetime.timedelta(hours=2)),
            "venue_zone_id": zone, "capacity": 30}))["id"]
        for r in ("resident", "resident2", "resident3"):
            ok(c[r].post(f"/api/v1/activities/{act}/signups"))
        ok(c["worker"].post(f"/api/v1/activities/{act}/attendance", {"count": 42}))

        # 7. feedback from beneficiaries (not from a resident who had no part in it)
        ok(c["resident"].post(f"/api/v1/projects/{pid}/feedback",
                              {"rating": "satisfied", "score": 5, "comment": "孩子很喜欢"}))
        ok(c["resident3"].post(f"/api/v1/projects/{pid}/feedback",
                               {"rating": "basically_satisfied", "score": 4}))
        ok(c["resident2"].post(f"/api/v1/projects/{pid}/feedback", {"rating": "unsatisfied"}))
        assert_error(self, c["outsider"].post(f"/api/v1/projects/{pid}/feedback",
                                              {"rating": "satisfied"}), 403, "out_of_scope")

        # 8. evaluation by the third party, then closing; the needs are fulfilled
        ok(c["worker"].post(f"/api/v1/projects/{pid}/transitions", {"to": "evaluating"}))
        ok(c["evaluator"].post(f"/api/v1/projects/{pid}/evaluation", {
            "score": 91, "report": "目标达成，资金使用规范，居民参与度高。",
            "scorecard": {"goals": 92, "money": 95, "participation": 86}}))
        p = ok(c["secretary"].post(f"/api/v1/projects/{pid}/transitions", {"to": "closed"}))
        self.assertEqual(p["status"], "closed")
        self.assertEqual((p["person_times"], p["feedback_count"], p["evaluations_count"]),
                         (42, 3, 1))
        self.assertAlmostEqual(p["satisfaction_rate"], 2 / 3)
        for n in (n1, n2):
            self.assertEqual(ok(world.admin.get(f"/api/v1/needs/{n}"))["status"], "fulfilled")
        # the resident sees it and confirms
        mine = ok(c["resident"].get("/api/v1/needs?mine=true"))
        self.assertIn(n1, [x["id"] for x in mine["items"] if x["status"] == "fulfilled"])
        world.move("resident", n1, "confirmed")

        # 9. supervision: the street's figures for the year
        s = ok(c["supervisor"].get(f"/api/v1/stats?area_id={a['jyq']}&year={year}"))
        self.assertEqual(s["projects"], 1)
        self.assertEqual(s["projects_by_status"]["closed"], 1)
        self.assertEqual((s["events"], s["person_times"], s["activity_categories"]), (1, 42, 1))
        self.assertAlmostEqual(s["satisfaction_rate"], 2 / 3)
        self.assertEqual(s["spent_fen"], 9_500_000)
        self.assertEqual(s["resolution_rate"], 1.0)
        for key in ("needs", "needs_by_status", "response_rate", "funds_fen", "allocated_fen",
                    "overdue"):
            self.assertIn(key, s)

        # 10. the audit chain holds every step and verifies
        v = ok(world.admin.get("/api/v1/audit/verify"))
        self.assertTrue(v["ok"])
        ev = ok(world.admin.get(f"/api/v1/audit?entity=project&entity_id={pid}&per_page=100"))
        actions = [e["action"] for e in ev["items"]]
        for want in ("project.created", "project.transition", "fund.allocated", "project.spent"):
            self.assertIn(want, actions)
        self.assertEqual(actions.count("project.transition"), 5)

        # 11. the public board, without logging in, without personal data
        st, board, hdrs = srv.client().get(f"/api/v1/public/board?area_id={a['jyq']}")
        self.assertEqual(st, 200, board)
        text = json.dumps(board, ensure_ascii=False)
        for secret in ("13912345678", "1391234", "居民resident", "resident3", "resident2"):
            self.assertNotIn(secret, text, "personal data on the public board")
        proj = [x for x in board["projects"] if x["id"] == pid][0]
        self.assertEqual((proj["status"], proj["spent_fen"]), ("closed", 9_500_000))
        receipts = {x["receipt_no"] for x in board["money"]["expenditures"]}
        self.assertEqual(receipts & {"JJ-2026-0001", "JJ-2026-0002"},
                         {"JJ-2026-0001", "JJ-2026-0002"})
        titles = {x["title"] for x in board["needs"]["items"]}
        self.assertIn("晶蓝半岛闲置空间想改成活动室", titles)


if __name__ == "__main__":
    unittest.main()
