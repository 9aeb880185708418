"""The need-weighted split of a fund between courtyards (POST /api/v1/funds/{id}/split) and the
population register it weighs (PUT /api/v1/areas/{id}/population).

The expected amounts are computed here independently: scores from the documented weights, then
largest-remainder apportionment in whole fen (ties to the smaller area id). Every refusal
asserts the status, the error code and (Snapshot) that nothing was written.
"""
import unittest

import json

from harness import Server, Snapshot, World, assert_error, run_cli

srv = world = None

WEIGHTS = {"resident": 1, "elderly": 2, "child": 2, "disabled": 3, "low_income": 3,
           "need_low": 5, "need_normal": 10, "need_high": 20, "supporter": 1}


def setUpModule():
    global srv, world
    srv = Server()
    world = World(srv)
    # 晶蓝半岛小区 has a register; 世纪朝阳小区 has none and counts its one resident account
    st, body, _ = world.c["secretary"].request(
        "PUT", f"/api/v1/areas/{world.areas['jinglan']}/population",
        body={"residents": 120, "elderly": 30, "children": 15, "disabled": 2, "low_income": 4})
    assert st == 200, (st, body)
    # open accepted needs: one high-urgency need with a +1 in 晶蓝, one normal in 世纪
    high = world.need(urgency="high")
    world.move("worker", high, "accepted")
    st, body, _ = world.c["resident2"].post(f"/api/v1/needs/{high}/support")
    assert st in (200, 201), (st, body)
    normal = world.need(who="resident3", area=world.areas["shiji"])
    world.move("worker", normal, "accepted")
    world.need()  # submitted, not accepted: does not count


def tearDownModule():
    srv.stop()


def expected(figures, amount, floor=0, weights=WEIGHTS):
    """[(area_id, score, amount_fen)] by the documented rule, computed independently."""
    scores = [(a, sum(weights[k] * v for k, v in f.items())) for a, f in figures]
    total = sum(s for _, s in scores)
    rest = amount - floor * len(scores)
    parts = []
    for a, s in scores:
        num, den = (rest * s, total) if total else (rest, len(scores))
        parts.append([a, s, floor + num // den, num % den])
    left = rest - sum(p[2] - floor for p in parts)
    for p in sorted(parts, key=lambda p: (-p[3], p[0]))[:left]:
        p[2] += 1
    return [(a, s, amt) for a, s, amt, _ in parts]


FIGURES = None


def figures():
    z = dict.fromkeys(WEIGHTS, 0)
    jinglan = dict(z, resident=120, elderly=30, child=15, disabled=2, low_income=4,
                   need_high=1, supporter=1)
    shiji = dict(z, resident=1, need_normal=1)
    return [(world.areas["jinglan"], jinglan), (world.areas["shiji"], shiji)]


def split(fid, who="secretary", **body):
    return world.c[who].post(f"/api/v1/funds/{fid}/split", body)


def fund(fid):
    st, body, _ = world.admin.get(f"/api/v1/funds/{fid}")
    assert st == 200, (st, body)
    return body


class Base(unittest.TestCase):
    def refused(self, fn, status, code, field=None, fid=None):
        snap = Snapshot(srv, world.admin)
        before = fund(fid) if fid else None
        assert_error(self, fn(), status, code, field)
        snap.assert_unchanged(self)
        if fid:
            self.assertEqual(fund(fid), before, "a refused request changed the fund")


class Split(Base):
    def test_preview_then_apply(self):
        fid = world.make_fund(amount_fen=1_000_001, area=world.areas["jyq"])
        snap = Snapshot(srv, world.admin)
        st, prev, _ = split(fid)
        self.assertEqual(st, 200, prev)
        snap.assert_unchanged(self)
        want = expected(figures(), 1_000_001)
        got = [(c["area_id"], c["score"], c["amount_fen"]) for c in prev["courtyards"]]
        self.assertEqual(got, want)
        self.assertEqual(sum(c["amount_fen"] for c in prev["courtyards"]), 1_000_001)
        self.assertFalse(prev["applied"])
        self.assertEqual(prev["weights"], WEIGHTS)
        jinglan, shiji = prev["courtyards"]
        self.assertTrue(jinglan["registered"])
        self.assertFalse(shiji["registered"])
        self.assertEqual(shiji["figures"]["resident"], 1)
        self.assertEqual(jinglan["figures"]["need_high"], 1)
        self.assertEqual(jinglan["points"]["elderly"], 60)
        self.assertIn("120 residents × 1", jinglan["explanation"])
        self.assertIn("yuan", jinglan["explanation"])
        self.assertIsNone(jinglan["allocation_id"])
        # deterministic
        self.assertEqual(split(fid)[1], prev)

        st, done, _ = split(fid, apply=True)
        self.assertEqual(st, 201, done)
        self.assertTrue(done["applied"])
        f = fund(fid)
        self.assertEqual(f["allocated_fen"], 1_000_001)
        earmarks = {a["area_id"]: a for a in f["allocations"]}
        for c in done["courtyards"]:
            self.assertEqual(earmarks[c["area_id"]]["amount_fen"], c["amount_fen"])
            self.assertEqual(earmarks[c["area_id"]]["id"], c["allocation_id"])
        st, ev, _ = world.admin.get(f"/api/v1/audit?entity=fund&entity_id={fid}")
        actions = [e["action"] for e in ev["items"]]
        self.assertEqual(actions, ["fund.created", "fund.earmarked", "fund.earmarked",
                                   "fund.split"])
        self.assertEqual(ev["items"][-1]["data"]["amount_fen"], 1_000_001)
        # nothing left: both preview and apply are refused
        self.refused(lambda: split(fid, apply=True), 409, "over_allocation", "amount_fen", fid)
        self.refused(lambda: split(fid), 409, "over_allocation", "amount_fen", fid)

    def test_floor_weights_and_amount(self):
        fid = world.make_fund(amount_fen=500_000, area=world.areas["jyq"])
        weights = dict(WEIGHTS, elderly=10, need_high=0)
        st, body, _ = split(fid, amount_fen=300_000, floor_fen=50_000,
                            weights={"elderly": 10, "need_high": 0})
        self.assertEqual(st, 200, body)
        self.assertEqual([(c["area_id"], c["score"], c["amount_fen"]) for c in body["courtyards"]],
                         expected(figures(), 300_000, 50_000, weights))
        self.assertEqual(body["courtyards"][1]["floor_fen"], 50_000)
        # all weights 0: equal shares, the odd fen to the smaller id
        zero = dict.fromkeys(WEIGHTS, 0)
        st, body, _ = split(fid, amount_fen=101, weights=zero)
        self.assertEqual([c["amount_fen"] for c in body["courtyards"]], [51, 50])
        self.assertIn("equal share", body["courtyards"][0]["explanation"])

    def test_a_street_fund_splits_between_all_its_courtyards(self):
        fid = world.make_fund(amount_fen=999, area=world.areas["street"])
        st, body, _ = split(fid, who="admin")
        self.assertEqual(st, 200, body)
        ids = [c["area_id"] for c in body["courtyards"]]
        self.assertEqual(ids, sorted([world.areas["jinglan"], world.areas["shiji"],
                                      world.areas["binjiang"]]))
        self.assertEqual(sum(c["amount_fen"] for c in body["courtyards"]), 999)
        # the community secretary may not split the street's fund
        self.refused(lambda: split(fid), 403, "out_of_scope", None, fid)

    def test_refusals(self):
        fid = world.make_fund(amount_fen=100_000, area=world.areas["jyq"])
        cases = [
            ("worker", {}, 403, "forbidden", None),
            ("resident", {}, 403, "forbidden", None),
            ("worker2", {}, 403, "forbidden", None),
            ("secretary", {"amount_fen": 100_001}, 409, "over_allocation", "amount_fen"),
            ("secretary", {"amount_fen": 0}, 422, "invalid_amount", "amount_fen"),
            ("secretary", {"amount_fen": -1}, 422, "invalid_amount", "amount_fen"),
            ("secretary", {"floor_fen": 50_001}, 422, "floor_too_high", "floor_fen"),
            ("secretary", {"floor_fen": -1}, 422, "invalid_amount", "floor_fen"),
            ("secretary", {"weights": {"pets": 1}}, 400, "unknown_field", "weights.pets"),
            ("secretary", {"weights": {"elderly": -1}}, 422, "invalid_weight",
             "weights.elderly"),
            ("secretary", {"weights": {"elderly": 1.5}}, 400, "wrong_type", "weights.elderly"),
            ("secretary", {"weights": [1]}, 400, "wrong_type", "weights"),
            ("secretary", {"apply": "yes"}, 400, "wrong_type", "apply"),
            ("secretary", {"colour": 1}, 400, "unknown_field", "colour"),
        ]
        for who, body, status, code, field in cases:
            for apply in (False, True):
                with self.subTest(who=who, body=body, apply=apply):
                    b = dict(body)
                    if apply and "apply" not in b:
                        b["apply"] = True
                    self.refused(lambda: split(fid, who, **b), status, code, field, fid)
        self.refused(lambda: split(999_999), 404, "fund_not_found")
        # a fund of an area without courtyards
        empty = world.area("新建社区", "community", world.areas["street"])
        fid2 = world.make_fund(amount_fen=1000, area=empty)
        self.refused(lambda: split(fid2, who="admin"), 422, "no_courtyards", None, fid2)


class Cli(Base):
    """`xinyuan allocate` on the server's database: the same split as the API, applied in one
    transaction, refusals with exit 2 and nothing written."""

    def test_allocate_command(self):
        fid = world.make_fund(amount_fen=777_777, area=world.areas["jyq"])
        st, api, _ = split(fid, floor_fen=1000)
        self.assertEqual(st, 200, api)
        p = run_cli("allocate", "--fund", str(fid), "--floor", "1000", "--json", "--db", srv.db)
        self.assertEqual(json.loads(p.stdout), api)
        p = run_cli("allocate", "--fund", str(fid), "--db", srv.db)
        self.assertIn("preview", p.stdout)
        self.assertIn("晶蓝半岛小区", p.stdout)
        snap = Snapshot(srv, world.admin)
        for args in (["--fund", "999999"], ["--fund", str(fid), "--floor", "500000"],
                     ["--fund", str(fid), "--weights", "pets=1"], ["--fund", "x"]):
            with self.subTest(args=args):
                p = run_cli("allocate", *args, "--db", srv.db, check=False)
                self.assertEqual(p.returncode, 2, p.stderr)
        snap.assert_unchanged(self)
        p = run_cli("allocate", "--fund", str(fid), "--floor", "1000", "--weights",
                    "need_high=0,elderly=5", "--apply", "--db", srv.db)
        self.assertIn("applied", p.stdout)
        f = fund(fid)
        self.assertEqual(f["allocated_fen"], 777_777)
        self.assertEqual(len(f["allocations"]), 2)
        st, ev, _ = world.admin.get(f"/api/v1/audit?entity=fund&entity_id={fid}")
        self.assertEqual(ev["items"][-1]["action"], "fund.split")
        self.assertEqual(ev["items"][-1]["data"]["weights"]["elderly"], 5)
        p = run_cli("allocate", "--fund", str(fid), "--apply", "--db", srv.db, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("over_allocation", p.stderr)


class Population(Base):
    def put(self, area, who="secretary", **body):
        return world.c[who].request("PUT", f"/api/v1/areas/{area}/population", body=body)

    def test_refusals(self):
        a = world.areas["shiji"]
        good = {"residents": 10, "elderly": 2}
        cases = [
            ("worker", a, good, 403, "forbidden", None),
            ("resident3", a, good, 403, "forbidden", None),
            ("secretary", world.areas["binjiang"], good, 403, "out_of_scope", None),
            ("secretary", world.areas["jyq"], good, 422, "not_a_courtyard", "area_id"),
            ("admin", 999_999, good, 404, "area_not_found", "area_id"),
            ("secretary", a, {"residents": 1, "elderly": 2}, 422, "more_than_residents",
             "elderly"),
            ("secretary", a, {"residents": -1}, 422, "invalid_count", "residents"),
            ("secretary", a, {"residents": 10**8}, 422, "invalid_count", "residents"),
            ("secretary", a, {"elderly": 1}, 422, "missing_field", "residents"),
            ("secretary", a, {"residents": "3"}, 400, "wrong_type", "residents"),
        ]
        for who, area, body, status, code, field in cases:
            with self.subTest(who=who, body=body):
                self.refused(lambda: self.put(area, who, **body), status, code, field)

    def test_set_is_audited(self):
        a = world.areas["binjiang"]
        st, body, _ = self.put(a, "worker2", residents=5)
        assert_error(self, (st, body, _), 403, "forbidden")
        st, body, _ = self.put(a, "admin", residents=80, elderly=20, low_income=3)
        self.assertEqual(st, 200, body)
        self.assertEqual(body["children"], 0)
        st, ev, _ = world.admin.get(f"/api/v1/audit?entity=area&entity_id={a}")
        self.assertEqual(ev["items"][-1]["action"], "area.population_set")
        self.assertEqual(ev["items"][-1]["data"]["residents"], 80)


if __name__ == "__main__":
    unittest.main()
