"""`xinyuan report`: the annual report computed from the records. On a fresh demo database
(SQLite, or PostgreSQL with XINYUAN_TEST_PG) the report of 蔡山社区 for the demo's project year
reproduces the source report's figures; on a small world built over the API (ringworld.py) the
report and GET /api/v1/stats give the same figures, because they are one piece of code."""
import datetime
import json
import unittest

from harness import ADMIN_PASSWORD, Server, drop_database, new_database, run_cli
from ringworld import YEAR, RingWorld

ENV = {"XINYUAN_ADMIN_PASSWORD": ADMIN_PASSWORD, "XINYUAN_DEMO_PASSWORD": ""}
DEMO_YEAR = datetime.datetime.now().year - 1  # the calendar year before the demo's end

db = demo = None


def setUpModule():
    global db, demo
    db = new_database("report")
    try:
        demo = run_cli("demo", "--db", db, env=ENV)
    except BaseException:
        drop_database(db)
        raise


def tearDownModule():
    drop_database(db)


def report(*args, check=True):
    return run_cli("report", "--db", db, *args, check=check)


def area_id(name):
    out = json.loads(report("--area", name, "--year", str(DEMO_YEAR), "--json").stdout)
    return out["area"]["id"]


class CaishanReport(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cs = area_id("蔡山社区")
        cls.fig = json.loads(report("--area", str(cls.cs), "--year", str(DEMO_YEAR),
                                    "--json").stdout)
        cls.text = report("--area", str(cls.cs), "--year", str(DEMO_YEAR)).stdout

    def test_the_source_reports_figures(self):
        f = self.fig
        self.assertEqual(f["projects"], 16)
        self.assertEqual(f["projects_by_status"]["closed"], 16)
        self.assertEqual(f["activity_categories"], 7)
        self.assertGreater(f["events"], 110)
        self.assertGreater(f["person_times"], 20000)
        self.assertEqual(f"{f['satisfaction_rate'] * 100:.2f}%", "98.03%")
        self.assertEqual(f["satisfied"] + f["basically_satisfied"], 497)
        self.assertEqual(f["ratings"], 507)
        self.assertEqual(f["year"], DEMO_YEAR)
        self.assertEqual(f["area"], {"id": self.cs, "name": "蔡山社区", "kind": "community"})
        names = {c["name"] for c in f["activities_by_category"]}
        self.assertIn("义仓义集", names)
        self.assertIn("文体公益", names)
        self.assertIn("院落更新", names)
        self.assertEqual(sum(c["events"] for c in f["activities_by_category"]), f["events"])

    def test_money_and_deadlines(self):
        f = self.fig
        self.assertEqual(f["funds_fen"], 60000000)
        self.assertGreater(f["allocated_fen"], 0)
        self.assertLessEqual(f["allocated_fen"], f["funds_fen"])
        self.assertGreater(f["spent_fen"], 0)
        self.assertLessEqual(f["spent_fen"], f["allocated_fen"])
        self.assertEqual((f["overdue_needs"], f["overdue_projects"]), (0, 0))
        self.assertIsNotNone(f["response_rate"])
        self.assertIsNotNone(f["resolution_rate"])

    def test_text_report(self):
        t = self.text
        for s in ("蔡山社区", str(DEMO_YEAR), "服务项目 Projects: 16", "活动类别 Activity categories: 7",
                  "满意率 Satisfaction rate: 98.03%", "义仓义集", "文体公益", "院落更新",
                  "专项资金 Funds: ¥600,000.00", "结余 Balance", "逾期项目 Overdue projects: 0"):
            self.assertIn(s, t)
        events = int(t.split("活动场次 Events: ")[1].split("\n")[0].replace(",", ""))
        people = int(t.split("服务人次 Person-times: ")[1].split("\n")[0].replace(",", ""))
        self.assertGreater(events, 110)
        self.assertGreater(people, 20000)

    def test_by_name_and_the_demo_summary(self):
        by_name = json.loads(report("--area", "蔡山社区", "--year", str(DEMO_YEAR),
                                    "--json").stdout)
        self.assertEqual(by_name, self.fig)
        self.assertIn(f"xinyuan report --area 蔡山社区 --year {DEMO_YEAR}", demo.stdout)
        self.assertIn("satisfaction 98.03%", demo.stdout)

    def test_other_years_are_empty(self):
        f = json.loads(report("--area", str(self.cs), "--year", str(DEMO_YEAR - 1),
                              "--json").stdout)
        self.assertEqual((f["projects"], f["events"], f["person_times"], f["funds_fen"]),
                         (0, 0, 0, 0))
        self.assertIsNone(f["satisfaction_rate"])

    def test_jiuyanqiao(self):
        f = json.loads(report("--area", "九眼桥社区", "--year", str(DEMO_YEAR),
                              "--json").stdout)
        self.assertEqual(f["projects"], 2)
        self.assertEqual(f["projects_by_status"]["in_progress"], 1)
        self.assertEqual(f["overdue_projects"], 1, "the market renewal is past its deadline")
        self.assertEqual(f["allocated_fen"], 60000000)  # 100,000 + 500,000 yuan
        self.assertEqual({c["category"] for c in f["activities_by_category"]},
                         {"party", "safety", "medical", "elderly", "eco_education",
                          "tech_education", "children", "public_space"})

    def test_audit_chain_verifies(self):
        p = run_cli("audit", "verify", "--db", db)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("audit chain ok", p.stdout)


class Refusals(unittest.TestCase):
    def test_unknown_area_and_bad_options(self):
        for args, text in ((("--area", "999999"), "does not exist"),
                           (("--area", "不存在的社区"), "no area is called"),
                           (("--area", "0"), "--area"),
                           (("--area", "蔡山社区", "--year", "1800"), "--year"),
                           (("--area", "蔡山社区", "--year", "20x5"), "--year"),
                           (("--year", "2025"), "--area"),
                           (("--area", "蔡山社区", "--bogus"), "unknown option")):
            p = report(*args, check=False)
            self.assertEqual(p.returncode, 2, (args, p.stdout, p.stderr))
            self.assertIn(text, p.stderr, args)
            self.assertEqual(p.stdout, "", args)

    def test_help(self):
        p = run_cli("report", "--help")
        self.assertIn("--area", p.stdout)
        self.assertIn("--json", p.stdout)


class SameAsTheApi(unittest.TestCase):
    """The report reads the database of a server whose world ran over the API."""

    def test_report_equals_stats(self):
        srv = Server()
        try:
            world = RingWorld(srv)
            for key, who in (("jyq", "secretary"), ("street", "supervisor"),
                             ("hjt", "worker2")):
                st, api, _ = world.c[who].get(
                    f"/api/v1/stats?area_id={world.areas[key]}&year={YEAR}")
                self.assertEqual(st, 200, api)
                cli = json.loads(run_cli("report", "--db", srv.db, "--area",
                                         str(world.areas[key]), "--year", str(YEAR),
                                         "--json").stdout)
                self.assertEqual(cli, api, key)
            self.assertEqual(cli["allocated_fen"], 100000)
        finally:
            srv.stop()


if __name__ == "__main__":
    unittest.main()
