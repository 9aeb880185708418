"""`xinyuan demo`: the demo data set on a fresh database (a new SQLite file, or a new
PostgreSQL database when XINYUAN_TEST_PG is set), and what its users see."""
import json
import re
import unittest

from harness import ADMIN_PASSWORD, Server, drop_database, new_database, run_cli

DEMO_PASSWORD = "demo12345"  # the default; the test leaves XINYUAN_DEMO_PASSWORD unset
STATUSES = ["submitted", "accepted", "rejected", "merged", "wish_open", "claimed", "fulfilled",
            "confirmed"]
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
    def test_every_status_but_in_project_occurs(self):
        n = total(admin)
        self.assertGreaterEqual(n, 40)
        self.assertLessEqual(n, 60)
        counts = {s: total(admin, "&status=" + s) for s in STATUSES + ["in_project"]}
        for s in STATUSES:
            self.assertGreater(counts[s], 0, f"no need is {s}: {counts}")
        self.assertEqual(counts["in_project"], 0)
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


if __name__ == "__main__":
    unittest.main()
