"""The public board (GET /api/v1/public/board): readable without login, the needs without
personal data, decisions with their public reasons, projects, money and results of a small
world that ran all four rings over the API (ringworld.py)."""
import json
import re
import unittest

from harness import Server, assert_error
from ringworld import EXPECT, RingWorld

srv = world = None
BOARD = {}
NEED_KEYS = {"tracking_no", "category", "title", "status", "area_name", "created_at",
             "supporters", "reason", "merged_into_tracking_no"}


def setUpModule():
    global srv, world
    srv = Server()
    try:
        world = RingWorld(srv)
        for key in ("jyq", "hjt", "jinglan", "street"):
            BOARD[key] = board(world.areas[key])
    except BaseException:
        srv.stop()
        raise


def tearDownModule():
    srv.stop()


def board(area_id, query=""):
    st, body, hdrs = srv.client().get(f"/api/v1/public/board?area_id={area_id}{query}")
    assert st == 200, (st, body)
    assert hdrs.get("cache-control") == "public, max-age=60", hdrs
    return body


def tracking(need_id):
    st, body, _ = world.admin.get(f"/api/v1/needs/{need_id}")
    assert st == 200, body
    return body["tracking_no"]


class Board(unittest.TestCase):
    def test_readable_without_login_and_cacheable(self):
        b = BOARD["jyq"]
        self.assertEqual(b["area"]["id"], world.areas["jyq"])
        self.assertEqual(b["area"]["name"], "九眼桥社区")
        for key in ("needs", "decisions", "projects", "money", "results"):
            self.assertIn(key, b)
        # a session changes nothing: the board is the same for everybody
        st, same, _ = world.c["resident"].get(
            f"/api/v1/public/board?area_id={world.areas['jyq']}")
        self.assertEqual(st, 200)
        self.assertEqual(same, b)

    def test_needs_carry_public_columns_only(self):
        needs = BOARD["jyq"]["needs"]
        self.assertEqual(needs["total"], 8)
        self.assertEqual((needs["page"], needs["per_page"]), (1, 20))
        self.assertEqual(len(needs["items"]), 8)
        for item in needs["items"]:
            self.assertLessEqual(set(item), NEED_KEYS, item)
        by_no = {i["tracking_no"]: i for i in needs["items"]}
        n = world.n
        self.assertEqual(by_no[tracking(n["n1"])]["status"], "fulfilled")  # P1 closed
        self.assertEqual(by_no[tracking(n["n1"])]["supporters"], 2)
        self.assertEqual(by_no[tracking(n["n4"])]["status"], "rejected")
        self.assertEqual(by_no[tracking(n["n4"])]["reason"], "物业费缴纳不属于社区事务")
        self.assertEqual(by_no[tracking(n["n5"])]["merged_into_tracking_no"],
                         tracking(n["n3"]))
        self.assertIsNone(by_no[tracking(n["n3"])]["reason"])
        self.assertEqual(by_no[tracking(n["n6"])]["status"], "in_project")
        self.assertEqual(by_no[tracking(n["n6"])]["area_name"], "世纪朝阳小区")
        # newest first
        numbers = [i["tracking_no"] for i in needs["items"]]
        self.assertEqual(numbers, sorted(numbers, reverse=True))

    def test_pages(self):
        b = board(world.areas["jyq"], "&per_page=3&page=3")
        self.assertEqual(b["needs"]["total"], 8)
        self.assertEqual(len(b["needs"]["items"]), 2)
        self.assertEqual(b["needs"]["items"][-1]["tracking_no"], tracking(world.n["n1"]))

    def test_decisions_with_reasons_newest_first(self):
        d = BOARD["jyq"]["decisions"]
        self.assertLessEqual(len(d), 50)
        seen = {(x["kind"], x["decision"], x["title"]): x for x in d}
        self.assertEqual(seen[("need", "rejected", "希望社区代缴物业费")]["reason"],
                         "物业费缴纳不属于社区事务")
        merged = seen[("need", "merged", "大门太旧了")]
        self.assertEqual(merged["merged_into_tracking_no"], tracking(world.n["n3"]))
        rejected = seen[("project", "rejected", "小区大门改造")]
        self.assertEqual(rejected["reason"], "预算超出本年度计划")
        self.assertEqual(rejected["project_id"], world.p["P2"])
        self.assertIn(("project", "approved", "七彩空间改造"), seen)
        self.assertIn(("project", "approved", "世纪朝阳健身角"), seen)
        self.assertEqual(len(d), 5)
        times = [x["at"] for x in d]
        self.assertEqual(times, sorted(times, reverse=True))

    def test_projects_with_money_and_results(self):
        projects = {p["id"]: p for p in BOARD["jyq"]["projects"]}
        self.assertNotIn(world.p["P4"], projects, "a draft is not public")
        self.assertEqual(set(projects), {world.p["P1"], world.p["P2"], world.p["P3"]})
        p1 = projects[world.p["P1"]]
        self.assertEqual((p1["status"], p1["budget_fen"], p1["allocated_fen"], p1["spent_fen"]),
                         ("closed", 150000, 120000, 50000))
        self.assertEqual((p1["needs"], p1["activities"], p1["person_times"], p1["ratings"]),
                         (2, 2, 65, 3))
        self.assertAlmostEqual(p1["satisfaction_rate"], 2 / 3, places=6)
        self.assertEqual(p1["evaluation_score"], 88)
        p2 = projects[world.p["P2"]]
        self.assertEqual(p2["status"], "rejected")
        self.assertIsNone(p2["satisfaction_rate"])
        self.assertIsNone(p2["evaluation_score"])
        self.assertEqual(projects[world.p["P3"]]["allocated_fen"], 50000)

    def test_money_in_and_out(self):
        m = BOARD["jyq"]["money"]
        want = EXPECT["jyq"]
        for k in ("funds_fen", "allocated_fen", "spent_fen"):
            self.assertEqual(m[k], want[k], k)
        ex = m["expenditures"]
        self.assertEqual([(x["amount_fen"], x["payee"], x["receipt_no"]) for x in ex],
                         [(20000, "蓝海数码科技有限公司", "LH-2024-017"),
                          (30000, "晶蓝物业服务有限公司", "JL-2024-001")])
        for x in ex:
            self.assertEqual(set(x), {"project_id", "project_title", "amount_fen", "payee",
                                      "receipt_no", "at"})
            self.assertEqual(x["project_title"], "七彩空间改造")
        # the other community: an earmark from the district's fund, nothing spent
        h = BOARD["hjt"]["money"]
        self.assertEqual((h["funds_fen"], h["allocated_fen"], h["spent_fen"], h["expenditures"]),
                         (0, 100000, 0, []))

    def test_results_are_the_stats(self):
        r = BOARD["jyq"]["results"]
        self.assertEqual((r["events"], r["person_times"], r["activity_categories"]), (2, 65, 2))
        self.assertAlmostEqual(r["satisfaction_rate"], 2 / 3, places=6)
        st, stats, _ = world.c["secretary"].get(f"/api/v1/stats?area_id={world.areas['jyq']}")
        self.assertEqual(st, 200)
        for k in ("events", "person_times", "activity_categories", "satisfaction_rate",
                  "resolution_rate", "response_rate", "projects", "needs"):
            self.assertEqual(r[k], stats[k], k)

    def test_area_scope(self):
        j = BOARD["jinglan"]
        self.assertEqual(j["needs"]["total"], 7)  # all but n6 (世纪朝阳小区)
        self.assertEqual({p["title"] for p in j["projects"]}, {"七彩空间改造", "小区大门改造"})
        h = BOARD["hjt"]
        self.assertEqual((h["needs"]["total"], h["projects"], h["decisions"]), (0, [], []))
        s = BOARD["street"]
        self.assertEqual(s["needs"]["total"], 8)
        self.assertEqual(s["money"]["allocated_fen"], EXPECT["street"]["allocated_fen"])

    def test_no_personal_data_anywhere(self):
        secrets = world.personal_data()
        for key, b in BOARD.items():
            text = json.dumps(b, ensure_ascii=False)
            for s in secrets:
                self.assertNotIn(s, text, f"{s!r} on the board of {key}")
            self.assertEqual(re.findall(r"(?<![\d.])1[3-9]\d{9}(?!\d)", text), [], key)
            for item in b["needs"]["items"]:
                self.assertNotIn("description", item)
                self.assertNotIn("submitter", item)


class Refusals(unittest.TestCase):
    def test_area_is_required_and_checked(self):
        c = srv.client()
        assert_error(self, c.get("/api/v1/public/board"), 422, "invalid_parameter", "area_id")
        for bad in ("abc", "0", "-3", "1.5"):
            assert_error(self, c.get(f"/api/v1/public/board?area_id={bad}"), 422,
                         "invalid_parameter", "area_id", msg=bad)
        assert_error(self, c.get("/api/v1/public/board?area_id=999999"), 404, "area_not_found")
        assert_error(self, c.get(f"/api/v1/public/board?area_id={world.areas['jyq']}&page=0"),
                     422, "invalid_parameter", "page")
        assert_error(self, c.get(
            f"/api/v1/public/board?area_id={world.areas['jyq']}&per_page=101"),
            422, "invalid_parameter", "per_page")

    def test_read_only(self):
        st, _, hdrs = srv.client().post(
            f"/api/v1/public/board?area_id={world.areas['jyq']}", {})
        self.assertEqual(st, 405)
        self.assertIn("GET", hdrs.get("allow", ""))


if __name__ == "__main__":
    unittest.main()
