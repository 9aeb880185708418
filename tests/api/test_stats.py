"""Supervision figures (GET /api/v1/stats) on a constructed scenario.

九眼桥社区 (the secretary's community) gets eight needs:
  s1 submitted, not yet due               s5 accepted → … → fulfilled
  s2 submitted, past its response deadline s6 accepted → … → confirmed
  s3 accepted                              s7 merged into s3
  s4 rejected                              s8 accepted, but after its deadline
合江亭社区 gets two: h1 submitted, h2 accepted. Another street (书院街) has one need, not yet due.

Deadlines are 72 hours, so s2 and s8 are made late by moving respond_by back in the database
(the server has no clock override). Figures, as the code defines them:
  response_rate   = responded in time / (responded or past due)
  resolution_rate = accepted and resolved / accepted
  overdue         = still submitted and past due
九眼桥: due s2..s8 = 7, in time s3 s4 s5 s6 s7 = 5 → 5/7; accepted s3 s5 s6 s8 = 4, resolved s5 s6
→ 1/2; overdue 1. Street: due 8, in time 6 → 3/4; accepted 5, resolved 2 → 2/5. 合江亭 alone:
1/1 and 0/1 (a rate of 0, not null).

A second server runs all four rings (ringworld.py: funds, earmarks, projects through their
states, spending, activities with attendance, feedback, an evaluation) and checks the projects,
activity, satisfaction, money and deadline figures, the per-community table (JSON and CSV) and
the area scope of both routes.
"""
import datetime
import unittest

from harness import PASSWORD, Server, World, assert_error
from ringworld import EXPECT, YEAR, RingWorld

srv = world = None
srv2 = ring = None  # a second server: all four rings (ringworld.py)
S = {}
STATUSES = ["submitted", "accepted", "rejected", "merged", "wish_open", "claimed", "fulfilled",
            "confirmed", "in_project"]


def setUpModule():
    global srv, world
    srv = Server()
    world = World(srv)
    st, body, _ = world.admin.post("/api/v1/areas", {"name": "空社区", "kind": "community",
                                                    "parent_id": world.areas["street"]})
    assert st == 201, body
    world.areas["empty"] = body["id"]
    # nothing yet: null rates
    S["empty_before"] = get("supervisor", "")
    # another street of the district, with one need that is not due yet
    a = world.areas
    a["far_street"] = world.area("书院街街道", "street", a["district"])
    a["far_comm"] = world.area("远方社区", "community", a["far_street"])
    st, body, _ = srv.client().post("/api/v1/register", {
        "username": "faraway", "password": PASSWORD, "display_name": "远方居民",
        "area_id": a["far_comm"]})
    assert st == 201, body
    world.c["faraway"] = srv.login("faraway")
    world.need("faraway", area=a["far_comm"])
    j, sj = world.areas["jinglan"], world.areas["shiji"]
    for k in range(1, 9):
        S[f"s{k}"] = world.need("resident" if k % 2 else "resident3", area=j if k % 2 else sj,
                                title=f"统计 s{k}")
    for k in (3, 5, 6, 8):
        world.move("worker", S[f"s{k}"], "accepted")
    world.move("worker", S["s4"], "rejected", reason="不属于社区事务")
    world.move("worker", S["s7"], "merged", merged_into=S["s3"])
    for k in (5, 6):
        n = S[f"s{k}"]
        world.move("secretary", n, "wish_open")
        world.move("worker", n, "claimed", provider_id=world.pantry)
        world.move("worker", n, "fulfilled")
    world.move("resident3", S["s6"], "confirmed")
    S["h1"] = world.need("outsider", area=world.areas["binjiang"])
    S["h2"] = world.need("outsider", area=world.areas["binjiang"])
    world.move("worker2", S["h2"], "accepted")
    # s2: past its deadline and still waiting; s8: answered, but after the deadline
    srv.sql(f"UPDATE needs SET respond_by = created_at - 3600 WHERE id = {S['s2']}")
    srv.sql(f"UPDATE needs SET respond_by = responded_at - 60 WHERE id = {S['s8']}")
    global srv2, ring
    srv2 = Server()
    ring = RingWorld(srv2)


def tearDownModule():
    try:
        srv.stop()
    finally:
        if srv2:
            srv2.stop()


def get(who, query):
    st, body, _ = world.c[who].get("/api/v1/stats" + ("?" + query if query else ""))
    assert st == 200, (who, query, st, body)
    return body


class Figures(unittest.TestCase):
    def check_by_status(self, st, want):
        by = st["needs_by_status"]
        self.assertEqual(set(by), set(STATUSES), "needs_by_status lacks statuses")
        full = {s: 0 for s in STATUSES}
        full.update(want)
        self.assertEqual(by, full)
        self.assertEqual(sum(by.values()), st["needs"])

    def test_secretary_sees_the_community(self):
        st = get("secretary", "")
        self.assertEqual(st["needs"], 8)
        self.check_by_status(st, {"submitted": 2, "accepted": 2, "rejected": 1, "merged": 1,
                                  "fulfilled": 1, "confirmed": 1})
        self.assertAlmostEqual(st["response_rate"], 5 / 7, places=6)
        self.assertAlmostEqual(st["resolution_rate"], 0.5, places=6)
        self.assertEqual(st["overdue"], 1)
        for k in ("needs", "needs_by_status", "response_rate", "resolution_rate", "overdue"):
            self.assertIn(k, st)
        # the same figures with the community given explicitly, and for the worker
        st2 = get("secretary", f"area_id={world.areas['jyq']}")
        for k in ("needs", "needs_by_status", "response_rate", "resolution_rate", "overdue"):
            self.assertEqual(st2[k], st[k], k)
            self.assertEqual(get("worker", "")[k], st[k], k)

    def test_supervisor_sees_the_street(self):
        st = get("supervisor", "")
        self.assertEqual(st["needs"], 10)
        self.check_by_status(st, {"submitted": 3, "accepted": 3, "rejected": 1, "merged": 1,
                                  "fulfilled": 1, "confirmed": 1})
        self.assertAlmostEqual(st["response_rate"], 6 / 8, places=6)
        self.assertAlmostEqual(st["resolution_rate"], 2 / 5, places=6)
        self.assertEqual(st["overdue"], 1)
        self.assertEqual(get("evaluator", "")["needs"], 11)  # the whole district

    def test_one_community_of_the_street(self):
        st = get("supervisor", f"area_id={world.areas['hjt']}")
        self.assertEqual(st["needs"], 2)
        self.check_by_status(st, {"submitted": 1, "accepted": 1})
        self.assertEqual(st["response_rate"], 1.0)
        self.assertIsNotNone(st["resolution_rate"], "0 of 1 resolved is a rate of 0, not null")
        self.assertEqual(st["resolution_rate"], 0.0)
        self.assertEqual(st["overdue"], 0)
        self.assertEqual(get("worker2", "")["needs"], 2)

    def test_a_compound(self):
        st = get("secretary", f"area_id={world.areas['shiji']}")
        self.assertEqual(st["needs"], 4)  # s2 s4 s6 s8
        self.assertEqual(st["overdue"], 1)

    def test_no_denominator_gives_null_rates(self):
        for st in (get("supervisor", f"area_id={world.areas['empty']}"), S["empty_before"]):
            self.assertEqual(st["needs"], 0)
            self.assertIsNone(st["response_rate"])
            self.assertIsNone(st["resolution_rate"])
            self.assertEqual(st["overdue"], 0)
            self.check_by_status(st, {})

    def test_only_submitted_not_yet_due_gives_null_rates(self):
        s = get("admin", f"area_id={world.areas['far_street']}")
        self.assertEqual(s["needs"], 1)
        self.assertIsNone(s["response_rate"])
        self.assertIsNone(s["resolution_rate"])
        self.assertEqual(get("admin", "")["needs"], 11)

    def test_overdue_flag_on_the_need(self):
        st, n, _ = world.c["worker"].get(f"/api/v1/needs/{S['s2']}")
        self.assertTrue(n["overdue"])
        st, n, _ = world.c["worker"].get(f"/api/v1/needs/{S['s1']}")
        self.assertFalse(n["overdue"])
        st, n, _ = world.c["worker"].get(f"/api/v1/needs/{S['s8']}")
        self.assertFalse(n["overdue"], "an answered need is not overdue")

    def test_year_filter(self):
        year = datetime.datetime.now().year
        this = get("supervisor", f"year={year}")
        self.assertEqual(this["needs"], 10)
        self.assertEqual(this["year"], year)
        self.assertAlmostEqual(this["response_rate"], 6 / 8, places=6)
        past = get("supervisor", "year=2000")
        self.assertEqual(past["needs"], 0)
        self.assertIsNone(past["response_rate"])
        self.assertIsNone(past["resolution_rate"])
        self.assertEqual(past["overdue"], 0)
        self.assertEqual(get("supervisor", f"year={year + 1}")["needs"], 0)
        self.assertEqual(get("secretary", f"year={year}&area_id={world.areas['jinglan']}")["needs"], 4)


class Refusals(unittest.TestCase):
    def test_area_outside_scope_403(self):
        assert_error(self, world.c["secretary"].get(f"/api/v1/stats?area_id={world.areas['hjt']}"),
                     403, "out_of_scope", "area_id")
        assert_error(self, world.c["worker2"].get(f"/api/v1/stats?area_id={world.areas['jyq']}"),
                     403, "out_of_scope", "area_id")
        assert_error(self, world.c["secretary"].get(
            f"/api/v1/stats?area_id={world.areas['street']}"), 403, "out_of_scope", "area_id")

    def test_roles_without_stats_403(self):
        for who in ("resident", "outsider", "provider_user", "volunteer"):
            assert_error(self, world.c[who].get("/api/v1/stats"), 403, "forbidden", msg=who)
        st, body, _ = world.c["resident"].get(f"/api/v1/stats?area_id={world.areas['jyq']}")
        self.assertEqual(st, 403, body)
        assert_error(self, srv.client().get("/api/v1/stats"), 401, "not_logged_in")

    def test_bad_parameters(self):
        c = world.c["supervisor"]
        for q, field in (("year=1969", "year"), ("year=10000", "year"), ("year=abc", "year"),
                         ("area_id=0", "area_id"), ("area_id=x", "area_id")):
            assert_error(self, c.get("/api/v1/stats?" + q), 422, "invalid_parameter", field)
        st, body, _ = c.get("/api/v1/stats?area_id=999999")
        self.assertIn(st, (404, 422), body)
        self.assertEqual(body["error"]["code"], "area_not_found")


# ---- all four rings --------------------------------------------------------------------------

API_FIELDS = ["needs", "needs_by_status", "projects", "projects_by_status", "activity_categories",
              "events", "person_times", "satisfaction_rate", "response_rate", "resolution_rate",
              "funds_fen", "allocated_fen", "spent_fen", "overdue"]
PROJECT_STATUSES = ["draft", "proposed", "approved", "rejected", "in_progress", "evaluating",
                    "closed", "cancelled"]


def rget(who, query=""):
    st, body, _ = ring.c[who].get("/api/v1/stats" + ("?" + query if query else ""))
    assert st == 200, (who, query, st, body)
    return body


class Rings(unittest.TestCase):
    def check(self, st, want):
        for k, v in want.items():
            if k == "projects_by_status":
                full = {s: 0 for s in PROJECT_STATUSES}
                full.update(v)
                self.assertEqual(st[k], full)
            else:
                self.assertEqual(st[k], v, k)

    def test_every_field_of_the_contract(self):
        st = rget("secretary")
        for k in API_FIELDS:
            self.assertIn(k, st)
        self.assertEqual(set(st["projects_by_status"]), set(PROJECT_STATUSES))
        self.assertEqual(sum(st["projects_by_status"].values()), st["projects"])
        self.assertEqual(st["overdue"], st["overdue_needs"] + st["overdue_projects"])
        self.assertEqual(st["area"], {"id": ring.areas["jyq"], "name": "九眼桥社区",
                                      "kind": "community"})

    def test_community(self):
        st = rget("secretary", f"year={YEAR}")
        self.check(st, EXPECT["jyq"])
        self.assertAlmostEqual(st["satisfaction_rate"], 2 / 3, places=6)
        self.assertEqual([(c["category"], c["events"], c["person_times"])
                          for c in st["activities_by_category"]],
                         [("culture", 1, 40), ("elderly", 1, 25)])
        self.assertEqual(st["activities_by_category"][0]["name"], "文体公益")
        # n1 and n2 resolved by P1's closing; n3, n6, n8 still open
        self.assertEqual((st["accepted"], st["resolved"]), (5, 2))
        self.assertAlmostEqual(st["resolution_rate"], 2 / 5, places=6)
        self.assertEqual(st["needs_by_status"]["in_project"], 1)
        self.assertEqual(st["overdue_projects"], 1)
        self.assertEqual(rget("worker"), rget("secretary"))

    def test_street_district_and_the_other_community(self):
        self.check(rget("supervisor"), EXPECT["street"])
        self.check(rget("evaluator"), EXPECT["district"])
        self.check(rget("worker2"), EXPECT["hjt"])
        self.assertIsNone(rget("worker2")["satisfaction_rate"])
        self.check(rget("supervisor", f"area_id={ring.areas['jinglan']}"),
                   {"projects": 3, "events": 2, "allocated_fen": 200000, "spent_fen": 50000,
                    "funds_fen": 0})

    def test_other_years_are_empty(self):
        for y in (YEAR - 1, YEAR + 1):
            st = rget("supervisor", f"year={y}")
            self.check(st, {"needs": 0, "projects": 0, "events": 0, "person_times": 0,
                            "activity_categories": 0, "ratings": 0, "funds_fen": 0,
                            "allocated_fen": 0, "spent_fen": 0, "overdue": 0})
            self.assertIsNone(st["satisfaction_rate"])

    def test_scope(self):
        assert_error(self, ring.c["worker2"].get(f"/api/v1/stats?area_id={ring.areas['jyq']}"),
                     403, "out_of_scope", "area_id")
        assert_error(self, ring.c["secretary"].get(
            f"/api/v1/stats/communities?area_id={ring.areas['hjt']}"), 403, "out_of_scope",
            "area_id")
        assert_error(self, ring.c["supervisor"].get(
            f"/api/v1/stats/communities?area_id={ring.areas['district']}"), 403,
            "out_of_scope", "area_id")
        assert_error(self, ring.c["resident"].get("/api/v1/stats/communities"), 403,
                     "forbidden")
        assert_error(self, srv2.client().get("/api/v1/stats/communities"), 401,
                     "not_logged_in")


class Communities(unittest.TestCase):
    def rows(self, who="supervisor", query=""):
        st, body, _ = ring.c[who].get("/api/v1/stats/communities" + query)
        self.assertEqual(st, 200, body)
        return body

    def test_one_row_per_community_adding_up_to_the_street(self):
        body = self.rows()
        self.assertEqual([r["name"] for r in body["items"]], ["九眼桥社区", "合江亭社区"])
        self.assertEqual(body["total"], 2)
        street = rget("supervisor")
        for k in ("needs", "projects", "events", "person_times", "ratings", "allocated_fen",
                  "spent_fen", "funds_fen", "overdue"):
            self.assertEqual(sum(r[k] for r in body["items"]), street[k], k)
        for r in body["items"]:
            one = rget("supervisor", f"area_id={r['area_id']}")
            for k in API_FIELDS:
                self.assertEqual(r[k], one[k], (r["name"], k))
            self.assertEqual(r["street"], "牛市口街道")
        self.assertEqual([r["name"] for r in self.rows("secretary")["items"]], ["九眼桥社区"])
        self.assertEqual(self.rows(query=f"?year={YEAR - 1}")["items"][0]["projects"], 0)

    def test_csv_for_excel(self):
        for headers, query in (({}, "?format=csv"), ({"Accept": "text/csv"}, "")):
            st, _, hdrs = ring.c["supervisor"].get("/api/v1/stats/communities" + query,
                                                   headers=headers)
            self.assertEqual(st, 200)
            self.assertTrue(hdrs["content-type"].startswith("text/csv"), hdrs)
            self.assertIn("attachment", hdrs.get("content-disposition", ""))
        status, hdrs, raw, _ = srv2.raw(
            ("GET /api/v1/stats/communities?format=csv HTTP/1.1\r\nHost: x\r\n"
             f"Authorization: Bearer {ring.c['supervisor'].token}\r\n"
             "Connection: close\r\n\r\n").encode())
        self.assertEqual(status, 200)
        self.assertTrue(raw.startswith(b"\xef\xbb\xbf"), raw[:10])
        lines = raw[3:].decode("utf-8").split("\r\n")
        self.assertEqual(lines[-1], "")
        self.assertEqual(len(lines), 4)  # header, two communities, final line end
        self.assertIn("community", lines[0])
        self.assertIn("satisfaction_rate", lines[0])
        jyq = lines[1].split(",")
        self.assertEqual(jyq[0], str(ring.areas["jyq"]))
        self.assertEqual(jyq[2], '"九眼桥社区"')
        self.assertIn("0.6667", jyq)       # satisfaction
        self.assertIn("5000.00", jyq)      # funds in yuan
        self.assertIn("2500.00", jyq)      # allocated
        hjt = lines[2].split(",")
        self.assertEqual(hjt[lines[0].split(",").index('"满意率 satisfaction_rate"')], "",
                         "no ratings: an empty cell, not 0")

    def test_bad_format(self):
        assert_error(self, ring.c["supervisor"].get("/api/v1/stats/communities?format=xml"),
                     422, "invalid_parameter", "format")
        assert_error(self, ring.c["supervisor"].get("/api/v1/stats/communities?year=1800"),
                     422, "invalid_parameter", "year")


if __name__ == "__main__":
    unittest.main()
