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
"""
import datetime
import unittest

from harness import PASSWORD, Server, World, assert_error

srv = world = None
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


def tearDownModule():
    srv.stop()


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


if __name__ == "__main__":
    unittest.main()
