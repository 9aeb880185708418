"""Acceptance (issue 6): a round opened on the demo data, voted by the demo residents over the
API, closes with an Equal Shares result and its explanation on the public view of the round.

九眼桥社区 has five residents in 晶蓝半岛小区 and four in 世纪朝阳小区; the budget is 50,000
yuan. The jinglan five want the fitness trail (20,000), the playground (15,000), the lights
(8,000) and the covered walkway (6,000); the shiji four the canteen for the elderly (22,000) and
the walkway. Greedy by votes buys the walkway and then jinglan's three; the canteen no longer
fits. Equal Shares (mes_cost_add1_greedy) gives each voter 5,555.56 yuan: the walkway (666.67 a
head), then the trail (4,000 from each jinglan voter); Add1 raises the shares until the four
shiji voters can pay for the canteen together, which fits: walkway, trail, canteen.
"""
import unittest

from harness import ADMIN_PASSWORD, Server, drop_database, new_database, run_cli

DEMO_PASSWORD = "demo12345"
ENV = {"XINYUAN_ADMIN_PASSWORD": ADMIN_PASSWORD, "XINYUAN_DEMO_PASSWORD": ""}
JINGLAN = ["resident_zhang", "resident_liu", "resident_wang", "resident_zhao", "resident_tang"]
SHIJI = ["resident_huang", "resident_zhou", "resident_wu", "resident_xu"]
PROJECTS = [("健身步道", 2_000_000), ("儿童游乐区", 1_500_000), ("老年食堂", 2_200_000),
            ("路灯改造", 800_000), ("风雨连廊", 600_000)]

db = srv = None


def setUpModule():
    global db, srv
    db = new_database("pbdemo")
    try:
        run_cli("demo", "--db", db, env=ENV)
        srv = Server(db=db)
    except BaseException:
        tearDownModule()
        raise


def tearDownModule():
    try:
        if srv:
            srv.stop()
    finally:
        drop_database(db)


def area_id(name):
    st, body, _ = srv.client().get("/api/v1/areas")
    assert st == 200, (st, body)
    (a,) = [a["id"] for a in body["items"] if a["name"] == name]
    return a


class DemoRound(unittest.TestCase):
    def run_round(self, rule):
        """Opens a round with rule, lets the nine residents vote, closes it; returns the
        public view."""
        secretary = srv.login("secretary_jyq", DEMO_PASSWORD)
        st, body, _ = secretary.post("/api/v1/pb/rounds", {
            "area_id": area_id("九眼桥社区"), "title": "九眼桥社区参与式预算",
            "budget_fen": 5_000_000, "rule": rule, "max_approvals": 4,
            "projects": [{"title": t, "cost_fen": c} for t, c in PROJECTS]})
        self.assertEqual(st, 201, body)
        rid = body["id"]
        for who, approvals in [(w, ["1", "2", "4", "5"]) for w in JINGLAN] + \
                              [(w, ["3", "5"]) for w in SHIJI]:
            st, out, _ = srv.login(who, DEMO_PASSWORD).post(
                f"/api/v1/pb/rounds/{rid}/ballot", {"approvals": approvals})
            self.assertEqual(st, 200, (who, out))
        # a resident of another community may not vote
        st, out, _ = srv.login("resident_sun", DEMO_PASSWORD).post(
            f"/api/v1/pb/rounds/{rid}/ballot", {"approvals": ["1"]})
        self.assertEqual((st, out["error"]["code"]), (403, "not_a_resident"))
        st, out, _ = secretary.post(f"/api/v1/pb/rounds/{rid}/close")
        self.assertEqual(st, 200, out)
        st, pub, _ = srv.client().get(f"/api/v1/public/pb/rounds/{rid}")
        self.assertEqual(st, 200, pub)
        self.assertEqual(pub["status"], "closed")
        self.assertEqual(pub["result"], out["result"])
        return pub

    def test_equal_shares_on_demo_data(self):
        pub = self.run_round("mes_cost_add1_greedy")
        res = pub["result"]
        self.assertEqual(res["voters"], 9)
        self.assertEqual(res["selected"], ["5", "1", "3"])
        self.assertEqual(res["total_cost_fen"], 4_800_000)
        by = {p["code"]: p for p in res["projects"]}
        for code in ("5", "1", "3"):
            p = by[code]
            self.assertEqual(p["by"], "equal_shares")
            self.assertIn("等额分配", p["explanation"])
            self.assertIn("Equal Shares", p["explanation_en"])
        self.assertEqual(by["3"]["payment"]["full_payers"], 4, "the four shiji voters paid")
        self.assertGreater(res["runs"], 1, "Add1 raised the shares")
        self.assertIn("等额分配", res["explanation"])
        self.assertIn("未选中", by["2"]["explanation"])
        self.assertEqual([p["supporters"] for p in pub["projects"]], [5, 5, 4, 5, 9])
        text = str(pub)
        for who in JINGLAN + SHIJI:
            self.assertNotIn(who, text, "personal data on the public view")

    def test_greedy_leaves_the_smaller_courtyard_out(self):
        pub = self.run_round("greedy_cost")
        self.assertEqual(pub["result"]["selected"], ["5", "1", "2", "4"])


if __name__ == "__main__":
    unittest.main()
