"""`xinyuan demo`: the demo data set on a fresh database (a new SQLite file, or a new
PostgreSQL database when XINYUAN_TEST_PG is set), and what its users see: the needs list of the
last weeks, and last year's funds, projects, venues and activities (the figures of 蔡山社区's
annual report are test_report.py's)."""
import datetime
import json
import re
import unittest

from harness import ADMIN_PASSWORD, Server, drop_database, new_database, run_cli

DEMO_PASSWORD = "demo12345"  # the default; the test leaves XINYUAN_DEMO_PASSWORD unset
STATUSES = ["submitted", "accepted", "rejected", "merged", "wish_open", "claimed", "fulfilled",
            "confirmed", "in_project"]
ENV = {"XINYUAN_ADMIN_PASSWORD": ADMIN_PASSWORD, "XINYUAN_DEMO_PASSWORD": ""}

db = demo = srv = admin = None


def setUpModule():
    global db, demo, srv, admin
    # a new SQLite file in a temporary directory, or a new empty PostgreSQL database
    db = new_database("demo")
    try:
        demo = run_cli("demo", "--db", db, env=ENV)
        srv = Server(db=db)
        admin = srv.login("admin", ADMIN_PASSWORD)
    except BaseException:
        tearDownModule()
        raise


def tearDownModule():
    try:
        if srv:
            srv.stop()
    finally:
        drop_database(db)


def total(client, query=""):
    st, body, _ = client.get("/api/v1/needs?per_page=1" + query)
    assert st == 200, (st, body)
    return body["total"]


def area_id(name):
    st, body, _ = srv.client().get("/api/v1/areas")
    assert st == 200, (st, body)
    ids = [a["id"] for a in body["items"] if a["name"] == name]
    assert len(ids) == 1, (name, ids)
    return ids[0]


class Demo(unittest.TestCase):
    def test_every_status_occurs(self):
        n = total(admin)
        self.assertGreaterEqual(n, 60)
        self.assertLessEqual(n, 100)
        counts = {s: total(admin, "&status=" + s) for s in STATUSES}
        for s in STATUSES:
            self.assertGreater(counts[s], 0, f"no need is {s}: {counts}")
        self.assertEqual(counts["in_project"], 2, "the market renewal holds two needs")
        self.assertEqual(sum(counts.values()), n)

    def test_summary_names_figures_users_and_password(self):
        out = demo.stdout
        for s in STATUSES:
            self.assertRegex(out, rf"\b{s}\s+[1-9]\d*\b")
        for user in ("secretary_jyq", "worker_jyq", "supervisor_nsk", "evaluator_ps",
                     "provider_fire", "volunteer_chen", "resident_zhang"):
            self.assertIn(user, out)
        self.assertIn(DEMO_PASSWORD, out)

    def test_audit_chain_verifies(self):
        p = run_cli("audit", "verify", "--db", db)
        self.assertEqual(p.returncode, 0)
        self.assertIn("audit chain ok", p.stdout)

    def test_second_demo_is_refused_and_changes_nothing(self):
        before = total(admin)
        st, chain, _ = admin.get("/api/v1/audit/verify")
        self.assertEqual(st, 200)
        p = run_cli("demo", "--db", db, env=ENV, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("not a fresh database", p.stderr)
        self.assertEqual(total(admin), before)
        st, after, _ = admin.get("/api/v1/audit/verify")
        self.assertEqual((after["count"], after["head"]), (chain["count"], chain["head"]))

    def test_history_is_spread_over_weeks(self):
        st, stats, _ = admin.get("/api/v1/stats")
        self.assertEqual(st, 200)
        self.assertGreater(stats["overdue"], 0, "no submitted need is past its 72 hours")
        st, body, _ = admin.get("/api/v1/needs?status=confirmed&per_page=100")
        self.assertEqual(st, 200)
        st, need, _ = admin.get(f"/api/v1/needs/{body['items'][-1]['id']}")
        self.assertEqual(st, 200)
        steps = [h["to"] for h in need["history"]]
        self.assertEqual(steps, ["submitted", "accepted", "wish_open", "claimed", "fulfilled",
                                 "confirmed"])
        times = [h["at"] for h in need["history"]]
        self.assertEqual(len(set(times)), len(times), "every step at its own time")
        # ISO 8601 with the same offset compares in time order as text
        self.assertEqual(times, sorted(times))

    def test_secretary_sees_the_needs_of_jiuyanqiao(self):
        jyq = area_id("九眼桥社区")
        inside = {jyq, area_id("晶蓝半岛小区"), area_id("世纪朝阳小区")}
        sec = srv.login("secretary_jyq", DEMO_PASSWORD)
        st, body, _ = sec.get(f"/api/v1/needs?area_id={jyq}&per_page=100")
        self.assertEqual(st, 200, body)
        self.assertGreater(len(body["items"]), 0)
        self.assertEqual(len(body["items"]), body["total"])
        self.assertEqual({n["area_id"] for n in body["items"]} - inside, set())
        # another community stays out of reach
        st, _, _ = sec.get(f"/api/v1/needs?area_id={area_id('蔡山社区')}")
        self.assertEqual(st, 403)

    def test_resident_sees_other_residents_phones_masked(self):
        res = srv.login("resident_zhang", DEMO_PASSWORD)
        me = res.user["id"]
        st, body, _ = res.get("/api/v1/needs?per_page=100")
        self.assertEqual(st, 200, body)
        others = [n for n in body["items"]
                  if n["submitter"]["user_id"] != me and n["submitter"]["phone"]]
        self.assertGreater(len(others), 5)
        for n in others:
            phone = n["submitter"]["phone"]
            self.assertIn("*", phone, n)
            self.assertTrue(n["submitter"]["masked"], n)
        own = [n for n in body["items"] if n["submitter"]["user_id"] == me]
        self.assertGreater(len(own), 0)
        for n in own:
            self.assertRegex(n["submitter"]["phone"], r"^1380000\d{4}$")
        # no full phone number but her own anywhere in the answer
        text = json.dumps(body)
        self.assertEqual(set(re.findall(r"1380000\d{4}", text)), {own[0]["submitter"]["phone"]})

    def test_last_years_projects(self):
        year = datetime.datetime.now().year - 1
        st, body, _ = admin.get(f"/api/v1/projects?per_page=100&year={year}")
        self.assertEqual(st, 200, body)
        self.assertEqual(body["total"], 18)
        by_title = {p["title"]: p for p in body["items"]}
        qicai = by_title["七彩空间：晶蓝半岛闲置用房改造"]
        self.assertEqual((qicai["status"], qicai["allocated_fen"]), ("closed", 10000000))
        market = by_title["九眼桥水产市场更新改造"]
        self.assertEqual(market["status"], "in_progress")
        st, detail, _ = admin.get(f"/api/v1/projects/{market['id']}")
        self.assertEqual(st, 200, detail)
        self.assertEqual({p["name"] for p in detail["providers"]},
                         {"锦江区商务局", "锦悦商业运营管理有限公司", "九眼桥社区居民议事会"})
        cs = [p for p in body["items"] if p["title"] not in (qicai["title"], market["title"])]
        self.assertEqual({p["status"] for p in cs}, {"closed"})
        self.assertEqual(len(cs), 16)

    def test_qicai_space_has_seven_colour_zones(self):
        st, body, _ = admin.get(f"/api/v1/venues?area_id={area_id('九眼桥社区')}")
        self.assertEqual(st, 200, body)
        venues = [v for v in body["items"] if v["name"] == "七彩空间"]
        self.assertEqual(len(venues), 1, body)
        st, venue, _ = admin.get(f"/api/v1/venues/{venues[0]['id']}")
        self.assertEqual(st, 200, venue)
        self.assertEqual({z["colour"] for z in venue["zones"]},
                         {"red", "blue", "white", "silver", "green", "orange", "purple"})

    def test_projects_on_the_public_board(self):
        st, board, _ = srv.client().get(f"/api/v1/public/board?area_id={area_id('蔡山社区')}")
        self.assertEqual(st, 200, board)
        self.assertEqual(len(board["projects"]), 16)
        self.assertGreater(board["results"]["person_times"], 20000)
        self.assertEqual(board["money"]["funds_fen"], 60000000)
        self.assertEqual(len(board["money"]["expenditures"]), 48)
        text = json.dumps(board, ensure_ascii=False)
        self.assertEqual(re.findall(r"(?<![\d.])1[3-9]\d{9}(?!\d)", text), [],
                         "no phone number on the board")
        for name in ("罗婆婆", "邓大爷", "谢大爷", "cs_resident", "何长青", "罗桂芳"):
            self.assertNotIn(name, text)


if __name__ == "__main__":
    unittest.main()
