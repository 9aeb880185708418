"""Participatory-budgeting rounds over the API: a secretary opens a round, residents of the area
cast one approval ballot each (replaceable until close), the secretary closes it and the rule's
result (winners, support, what each supporter group paid, the explanation) is public.

Every refusal asserts the status, the error code and (Snapshot) that nothing was written. The
round used throughout is hand-computed in RoundLifecycle's docstring.
"""
import unittest
from concurrent.futures import ThreadPoolExecutor

from harness import Server, Snapshot, World, assert_error

srv = world = None


def setUpModule():
    global srv, world
    srv = Server()
    world = World(srv)


def tearDownModule():
    srv.stop()


PROJECTS = [{"title": "健身器材", "cost_fen": 60_000},
            {"title": "儿童滑梯", "cost_fen": 30_000},
            {"title": "读书角", "cost_fen": 20_000},
            {"title": "路灯", "cost_fen": 45_000}]


def open_round(who="secretary", **change):
    body = {"area_id": world.areas["jyq"], "budget_fen": 100_000, "rule": "mes_cost_greedy",
            "title": "九眼桥社区微更新", "projects": PROJECTS}
    body.update(change)
    return world.c[who].post("/api/v1/pb/rounds", body)


def new_round(**change):
    st, body, _ = open_round(**change)
    assert st == 201, (st, body)
    return body


def vote(rid, who, approvals):
    return world.c[who].post(f"/api/v1/pb/rounds/{rid}/ballot", {"approvals": approvals})


def close(rid, who="secretary"):
    return world.c[who].post(f"/api/v1/pb/rounds/{rid}/close")


def public(rid):
    st, body, _ = srv.client().get(f"/api/v1/public/pb/rounds/{rid}")
    assert st == 200, (st, body)
    return body


class Base(unittest.TestCase):
    def refused(self, fn, status, code, field=None, rid=None):
        snap = Snapshot(srv, world.admin)
        before = public(rid) if rid else None
        assert_error(self, fn(), status, code, field)
        snap.assert_unchanged(self)
        if rid:
            self.assertEqual(public(rid), before, "a refused request changed the round")


class RoundLifecycle(Base):
    """Budget 1000 yuan among the three residents of 九眼桥社区: 333.33⅓ each. Ballots: resident
    {1, 3}, resident2 {1, 2}, resident3 {4, 3}; project 5 (an existing project, 100 yuan) has
    no supporter.
    Equal Shares with cost utilities: project 1 costs its two supporters 300 each (1/2 per
    yuan of cost), project 3 costs 100 each (1/2 too), project 2 would cost resident2 300
    (1 per yuan), project 4 is beyond resident3 alone. 1 and 3 tie, "1" wins. Then project
    3: resident has 33.33⅓ left and pays all of it, resident3 pays 166.66⅔ (5/6 per yuan);
    nothing else is affordable. The greedy completion then adds, by supporters, what still
    fits into the 200 yuan left: not 2 (300), not 4 (450), but 5 (100, nobody's)."""

    def test_round(self):
        project = world.make_project(state="proposed", budget_fen=10_000)
        snap_count = Snapshot(srv, world.admin).count
        body = new_round(projects=PROJECTS + [{"project_id": project["id"], "cost_fen": 10_000}])
        rid = body["id"]
        self.assertEqual(body["status"], "open")
        self.assertEqual([p["code"] for p in body["projects"]], ["1", "2", "3", "4", "5"])
        self.assertEqual(body["projects"][4]["title"], project["title"])
        self.assertEqual(body["projects"][4]["project_id"], project["id"])
        self.assertEqual((body["min_approvals"], body["max_approvals"]), (1, 5))
        self.assertIsNone(body["result"])
        st, mine, _ = world.c["resident"].get(f"/api/v1/pb/rounds/{rid}")
        self.assertEqual(st, 200, mine)
        self.assertTrue(mine["may_vote"])
        self.assertIsNone(mine["my_ballot"])

        st, out, _ = vote(rid, "resident", ["2"])
        self.assertEqual(st, 200, out)
        st, out, _ = vote(rid, "resident", ["1", "3"])  # replaced
        self.assertEqual(st, 200, out)
        self.assertEqual(out["my_ballot"]["approvals"], ["1", "3"])
        self.assertEqual(out["ballots"], 1)
        self.assertEqual(vote(rid, "resident2", [1, 2])[0], 200)  # numbers are codes too
        self.assertEqual(vote(rid, "resident3", ["4", "3"])[0], 200)

        pub = public(rid)
        self.assertEqual(pub["ballots"], 3)
        self.assertEqual({p["supporters"] for p in pub["projects"]}, {None},
                         "support is hidden until the round closes")
        self.assertIsNone(pub["result"])
        self.assertNotIn("my_ballot", pub)

        self.refused(lambda: close(rid, "worker"), 403, "forbidden", rid=rid)
        self.refused(lambda: close(rid, "resident"), 403, "forbidden", rid=rid)
        st, out, _ = close(rid)
        self.assertEqual(st, 200, out)
        self.assertEqual(out["status"], "closed")
        res = out["result"]
        self.assertEqual(res["selected"], ["1", "3", "5"])
        self.assertEqual(res["total_cost_fen"], 90_000)
        self.assertEqual(res["unspent_fen"], 10_000)
        self.assertEqual(res["voters"], 3)
        self.assertEqual(res["voter_budget"], "100000/3")
        by = {p["code"]: p for p in res["projects"]}
        self.assertEqual(by["1"]["by"], "equal_shares")
        self.assertEqual(by["1"]["payment"]["share"], "30000")
        self.assertEqual(by["1"]["payment"]["full_payers"], 2)
        self.assertEqual(by["1"]["payment"]["per_unit"], "1/2")
        pay3 = by["3"]["payment"]
        self.assertEqual((pay3["share"], pay3["share_fen"], pay3["full_payers"]),
                         ("50000/3", 16666, 1))
        self.assertEqual((pay3["partial_payers"], pay3["partial_total"], pay3["partial_total_fen"]),
                         (1, "10000/3", 3333))
        self.assertEqual(pay3["per_unit"], "5/6")
        self.assertEqual(by["5"]["by"], "greedy_completion")
        self.assertIsNone(by["5"]["payment"])
        self.assertFalse(by["2"]["selected"])
        self.assertIn("等额分配", res["explanation"])
        self.assertIn("Equal Shares", res["explanation_en"])
        self.assertIn("166.66", by["3"]["explanation"])

        pub = public(rid)
        self.assertEqual(pub["result"], res)
        self.assertEqual([(p["code"], p["supporters"], p["selected"], p["order"])
                          for p in pub["projects"]],
                         [("1", 2, True, 1), ("2", 1, False, None), ("3", 2, True, 2),
                          ("4", 1, False, None), ("5", 0, True, 3)])

        self.refused(lambda: vote(rid, "resident", ["2"]), 409, "round_closed", rid=rid)
        self.refused(lambda: close(rid), 409, "round_closed", rid=rid)

        # the public list of an area's rounds, with the winners, for the board
        st, lst, _ = srv.client().get(f"/api/v1/public/pb/rounds?area_id={world.areas['jyq']}"
                                      "&status=closed&per_page=100")
        self.assertEqual(st, 200, lst)
        (item,) = [r for r in lst["items"] if r["id"] == rid]
        self.assertEqual([w["code"] for w in item["winners"]], ["1", "3", "5"])
        self.assertEqual(item["winners"][0]["title"], "健身器材")
        self.assertNotIn("projects", item)
        assert_error(self, srv.client().get("/api/v1/public/pb/rounds"), 422,
                     "missing_parameter", "area_id")
        assert_error(self, srv.client().get("/api/v1/public/pb/rounds?area_id=999999"), 404,
                     "area_not_found")
        assert_error(self, srv.client().get(
            f"/api/v1/public/pb/rounds?area_id={world.areas['jyq']}&status=x"), 422,
            "invalid_parameter", "status")

        st, ev, _ = world.admin.get(f"/api/v1/audit?entity=pb_round&entity_id={rid}")
        actions = [e["action"] for e in ev["items"]]
        self.assertEqual(actions, ["pb.round_opened"] + ["pb.ballot_cast"] * 4 +
                         ["pb.voting_closed", "pb.round_closed"])
        for e in ev["items"]:
            if e["action"] == "pb.ballot_cast":
                self.assertEqual(set(e["data"]), {"replaced"}, "a ballot's content leaked")
        self.assertEqual(Snapshot(srv, world.admin).count, snap_count + 7)

    def test_ballot_refusals(self):
        rid = new_round(max_approvals=2)["id"]
        cases = [
            ("outsider", ["1"], 403, "not_a_resident", None),
            ("worker", ["1"], 403, "forbidden", None),
            ("secretary", ["1"], 403, "forbidden", None),
            ("resident", ["9"], 422, "unknown_project", "approvals"),
            ("resident", ["1", "1"], 422, "duplicate_approval", "approvals"),
            ("resident", ["1", "2", "3"], 422, "too_many_approvals", "approvals"),
            ("resident", [], 422, "too_few_approvals", "approvals"),
            ("resident", [True], 400, "wrong_type", "approvals"),
        ]
        for who, approvals, status, code, field in cases:
            with self.subTest(who=who, approvals=approvals):
                self.refused(lambda: vote(rid, who, approvals), status, code, field, rid=rid)
        self.refused(lambda: world.c["resident"].post(f"/api/v1/pb/rounds/{rid}/ballot",
                                                      {"approvals": ["1"], "x": 1}),
                     400, "unknown_field", "x", rid=rid)
        self.refused(lambda: world.c["resident"].post(f"/api/v1/pb/rounds/{rid}/ballot", {}),
                     422, "missing_field", "approvals", rid=rid)
        self.refused(lambda: vote(999999, "resident", ["1"]), 404, "pb_round_not_found")

    def test_open_refusals(self):
        fund = world.make_fund(amount_fen=50_000, area=world.areas["jyq"])
        need = world.need(who="outsider", area=world.areas["binjiang"])
        world.move("worker2", need, "accepted")
        st, other, _ = world.c["worker2"].post("/api/v1/projects", {
            "area_id": world.areas["hjt"], "title": "滨江小区绿化", "need_ids": [need],
            "goals": "绿化", "feasibility": "可行", "budget_fen": 5_000,
            "fund_id": world.make_fund()})
        assert st == 201, (st, other)
        cases = [
            ("worker", {}, 403, "forbidden", None),
            ("resident", {}, 403, "forbidden", None),
            ("secretary", {"area_id": world.areas["hjt"]}, 403, "out_of_scope", None),
            ("secretary", {"area_id": 999999}, 422, "area_not_found", "area_id"),
            ("secretary", {"rule": "phragmen"}, 422, "invalid_rule", "rule"),
            ("secretary", {"rule": "mes_points"}, 422, "rule_needs_points", "rule"),
            ("secretary", {"budget_fen": 0}, 422, "invalid_amount", "budget_fen"),
            ("secretary", {"budget_fen": "1"}, 400, "wrong_type", "budget_fen"),
            ("secretary", {"projects": []}, 422, "invalid_projects", "projects"),
            ("secretary", {"projects": [{"title": "x", "cost_fen": 0}]}, 422, "invalid_amount",
             "projects[0]"),
            ("secretary", {"projects": [{"cost_fen": 5}]}, 422, "invalid_title", "projects[0]"),
            ("secretary", {"projects": [{"title": "x", "cost_fen": 5, "y": 1}]}, 400,
             "unknown_field", "projects[0].y"),
            ("secretary", {"projects": [{"project_id": 999999, "cost_fen": 5}]}, 422,
             "project_not_found", "projects[0]"),
            ("secretary", {"projects": [{"project_id": other["id"], "cost_fen": 5}]}, 422,
             "project_outside_area", "projects[0]"),
            ("secretary", {"min_approvals": 3, "max_approvals": 2}, 422, "invalid_limits",
             "max_approvals"),
            ("secretary", {"min_approvals": 5}, 422, "invalid_limits", "min_approvals"),
            ("secretary", {"min_approvals": -1}, 422, "invalid_limits", "min_approvals"),
            ("secretary", {"fund_id": fund}, 409, "over_allocation", "budget_fen"),
            ("secretary", {"fund_id": 999999}, 422, "fund_not_found", "fund_id"),
            ("secretary", {"title": ""}, 422, "invalid_title", "title"),
            ("secretary", {"colour": "red"}, 400, "unknown_field", "colour"),
        ]
        for who, change, status, code, field in cases:
            with self.subTest(who=who, change=change):
                self.refused(lambda: open_round(who, **change), status, code, field)
        hjt_fund = world.make_fund(amount_fen=500_000, area=world.areas["hjt"])
        self.refused(lambda: open_round(fund_id=hjt_fund), 422, "fund_outside_area", "fund_id")
        st, body, _ = open_round(fund_id=world.make_fund(amount_fen=100_000))
        self.assertEqual(st, 201, body)
        self.assertEqual(body["fund_id"] is not None, True)

    def test_list_and_read_scope(self):
        rid = new_round()["id"]
        st, body, _ = world.c["worker"].get("/api/v1/pb/rounds?status=open&per_page=100")
        self.assertEqual(st, 200, body)
        self.assertIn(rid, [r["id"] for r in body["items"]])
        st, body, _ = world.c["worker2"].get("/api/v1/pb/rounds?per_page=100")
        self.assertNotIn(rid, [r["id"] for r in body["items"]])
        assert_error(self, world.c["worker2"].get(f"/api/v1/pb/rounds/{rid}"), 403,
                     "out_of_scope")
        assert_error(self, world.c["worker"].get("/api/v1/pb/rounds?status=done"), 422,
                     "invalid_parameter", "status")
        st, body, _ = world.c["resident3"].get(f"/api/v1/pb/rounds/{rid}")
        self.assertEqual(st, 200, body)
        self.assertTrue(body["may_vote"])
        st, body, _ = srv.client().get("/api/v1/public/pb/rounds/999999")
        assert_error(self, (st, body, _), 404, "pb_round_not_found")

    def test_ballots_race_close(self):
        """Ballots sent while the round closes are either in the result or refused."""
        rid = new_round(rule="mes_cost_add1")["id"]
        voters = ["resident", "resident2", "resident3"]

        def cast(i):
            return vote(rid, voters[i % 3], [str(1 + i % 4)])[0]

        with ThreadPoolExecutor(8) as pool:
            futures = [pool.submit(cast, i) for i in range(24)]
            st, out, _ = close(rid)
            codes = [f.result() for f in futures]
        self.assertEqual(st, 200, out)
        self.assertTrue(set(codes) <= {200, 409}, codes)
        pub = public(rid)
        self.assertEqual(pub["result"]["voters"], pub["ballots"])
        self.assertEqual(sum(p["supporters"] for p in pub["projects"]), pub["ballots"])


class EqualSharesVersusGreedy(Base):
    """Six residents are not needed to show proportionality: the two jinglan residents want
    A1, A2, A3, the shiji resident B1, B2; each costs 100 yuan of a 300 yuan budget. Greedy by
    supporters gives jinglan everything; Equal Shares gives shiji its third."""

    def test_minority_gets_its_share(self):
        projects = [{"title": t, "cost_fen": 10_000} for t in ("A1", "A2", "A3", "B1", "B2")]
        results = {}
        for rule in ("greedy_cost", "mes_cost"):
            rid = new_round(rule=rule, budget_fen=30_000, projects=projects)["id"]
            for who in ("resident", "resident2"):
                self.assertEqual(vote(rid, who, ["1", "2", "3"])[0], 200)
            self.assertEqual(vote(rid, "resident3", ["4", "5"])[0], 200)
            st, out, _ = close(rid)
            self.assertEqual(st, 200, out)
            results[rule] = out["result"]["selected"]
        self.assertEqual(results["greedy_cost"], ["1", "2", "3"])
        self.assertEqual(results["mes_cost"], ["1", "2", "4"])


if __name__ == "__main__":
    unittest.main()
