"""Special funds (专项资金), allocations and expenditures: the money ledger per API.md.

Money is integer fen. Over-allocating a fund or an earmark, over-funding a project's budget and
overspending a project's allocation are 409 and change nothing, also when many clients try at
once. Every refusal asserts the status, the error code and (Snapshot) that nothing was written.
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


def fund(fid, who="admin"):
    st, body, _ = world.c[who].get(f"/api/v1/funds/{fid}")
    assert st == 200, (st, body)
    return body


def ledger(pid, who="admin"):
    st, body, _ = world.c[who].get(f"/api/v1/projects/{pid}/ledger")
    assert st == 200, (st, body)
    return body


def allocate(fid, who="admin", **body):
    return world.c[who].post(f"/api/v1/funds/{fid}/allocations", body)


def spend(pid, who="worker", **body):
    return world.c[who].post(f"/api/v1/projects/{pid}/expenditures", body)


class Base(unittest.TestCase):
    def refused(self, resp_fn, status, code, field=None, fund_id=None, project_id=None):
        snap = Snapshot(srv, world.admin)
        f0 = fund(fund_id) if fund_id else None
        l0 = ledger(project_id) if project_id else None
        resp = resp_fn()
        assert_error(self, resp, status, code, field)
        snap.assert_unchanged(self)
        if fund_id:
            self.assertEqual(fund(fund_id), f0, "a refused request changed the fund")
        if project_id:
            self.assertEqual(ledger(project_id), l0, "a refused request changed the ledger")
        return resp


class FundCreate(Base):
    def test_admin_creates_a_fund(self):
        st, body, _ = world.admin.post("/api/v1/funds", {
            "area_id": world.areas["district"], "year": 2026, "name": "锦江区社区发展基金",
            "amount_fen": 12_345_678})
        self.assertEqual(st, 201, body)
        self.assertEqual(body["amount_fen"], 12_345_678)
        self.assertEqual(body["allocated_fen"], 0)
        self.assertEqual(body["unallocated_fen"], 12_345_678)
        self.assertEqual(body["spent_fen"], 0)
        self.assertEqual(body["area_name"], "锦江区")
        self.assertEqual(body["allocations"], [])
        st, ev, _ = world.admin.get(f"/api/v1/audit?entity=fund&entity_id={body['id']}")
        self.assertEqual([e["action"] for e in ev["items"]], ["fund.created"])

    def test_refusals(self):
        good = {"area_id": world.areas["district"], "year": 2026, "name": "基金",
                "amount_fen": 100}
        cases = [
            ("secretary", {}, 403, "forbidden", None),
            ("worker", {}, 403, "forbidden", None),
            ("resident", {}, 403, "forbidden", None),
            ("admin", {"amount_fen": 0}, 422, "invalid_amount", "amount_fen"),
            ("admin", {"amount_fen": -5}, 422, "invalid_amount", "amount_fen"),
            ("admin", {"amount_fen": 10**13 + 1}, 422, "invalid_amount", "amount_fen"),
            ("admin", {"amount_fen": 12.5}, 400, "wrong_type", "amount_fen"),
            ("admin", {"amount_fen": "100"}, 400, "wrong_type", "amount_fen"),
            ("admin", {"year": 1999}, 422, "invalid_year", "year"),
            ("admin", {"name": ""}, 422, "invalid_name", "name"),
            ("admin", {"area_id": 99999}, 422, "area_not_found", "area_id"),
            ("admin", {"colour": "red"}, 400, "unknown_field", "colour"),
        ]
        for who, change, status, code, field in cases:
            with self.subTest(who=who, change=change):
                body = dict(good, **change)
                self.refused(lambda: world.c[who].post("/api/v1/funds", body), status, code,
                             field)
        body = dict(good)
        del body["amount_fen"]
        self.refused(lambda: world.admin.post("/api/v1/funds", body), 422, "missing_field",
                     "amount_fen")

    def test_list_is_scoped(self):
        district = world.make_fund(name="区级基金")
        community = world.make_fund(area=world.areas["jyq"], name="九眼桥社区基金")
        st, body, _ = world.c["worker"].get("/api/v1/funds?per_page=100")
        ids = {f["id"] for f in body["items"]}
        self.assertIn(district, ids, "a community sees the district fund that pays for it")
        self.assertIn(community, ids)
        st, body, _ = world.c["worker2"].get("/api/v1/funds?per_page=100")
        ids = {f["id"] for f in body["items"]}
        self.assertIn(district, ids)
        self.assertNotIn(community, ids, "another community's fund leaked")
        st, body, _ = world.c["worker2"].get(f"/api/v1/funds/{community}")
        assert_error(self, (st, body, _), 403, "out_of_scope")
        st, body, _ = world.c["resident"].get("/api/v1/funds")
        assert_error(self, (st, body, _), 403, "forbidden")
        st, body, _ = world.admin.get("/api/v1/funds/999999")
        assert_error(self, (st, body, _), 404, "fund_not_found")


class Allocations(Base):
    def test_earmark_and_over_allocation(self):
        fid = world.make_fund(amount_fen=1_000_000)
        st, body, _ = allocate(fid, area_id=world.areas["jyq"], amount_fen=600_000,
                               note="九眼桥社区份额")
        self.assertEqual(st, 201, body)
        self.assertEqual(body["allocated_fen"], 600_000)
        self.assertEqual(body["unallocated_fen"], 400_000)
        (a,) = body["allocations"]
        self.assertEqual((a["kind"], a["area_id"], a["amount_fen"], a["used_fen"]),
                         ("earmark", world.areas["jyq"], 600_000, 0))
        self.refused(lambda: allocate(fid, area_id=world.areas["hjt"], amount_fen=400_001),
                     409, "over_allocation", "amount_fen", fund_id=fid)
        st, body, _ = allocate(fid, area_id=world.areas["hjt"], amount_fen=400_000)
        self.assertEqual(st, 201, body)
        self.assertEqual(body["unallocated_fen"], 0)
        self.refused(lambda: allocate(fid, area_id=world.areas["hjt"], amount_fen=1), 409,
                     "over_allocation", "amount_fen", fund_id=fid)

    def test_allocation_refusals(self):
        fid = world.make_fund(area=world.areas["jyq"], amount_fen=1_000_000)
        cases = [
            ("admin", {"area_id": world.areas["hjt"], "amount_fen": 1}, 422,
             "area_outside_fund", "area_id"),
            ("admin", {"area_id": world.areas["jyq"], "amount_fen": 1}, 422,
             "area_outside_fund", "area_id"),
            ("admin", {"amount_fen": 1}, 422, "target_required", None),
            ("admin", {"area_id": world.areas["jinglan"], "project_id": 1, "amount_fen": 1},
             422, "target_required", None),
            ("admin", {"area_id": world.areas["jinglan"], "amount_fen": 0}, 422,
             "invalid_amount", "amount_fen"),
            ("admin", {"area_id": world.areas["jinglan"], "amount_fen": 1.5}, 400,
             "wrong_type", "amount_fen"),
            ("admin", {"area_id": 999999, "amount_fen": 1}, 422, "area_not_found", "area_id"),
            ("admin", {"project_id": 999999, "amount_fen": 1}, 422, "project_not_found",
             "project_id"),
            ("worker", {"area_id": world.areas["jinglan"], "amount_fen": 1}, 403,
             "forbidden", None),
            ("worker2", {"area_id": world.areas["jinglan"], "amount_fen": 1}, 403,
             "forbidden", None),
            ("supervisor", {"area_id": world.areas["jinglan"], "amount_fen": 1}, 403,
             "forbidden", None),
            ("resident", {"area_id": world.areas["jinglan"], "amount_fen": 1}, 403,
             "forbidden", None),
        ]
        for who, body, status, code, field in cases:
            with self.subTest(who=who, body=body):
                self.refused(lambda: allocate(fid, who, **body), status, code, field,
                             fund_id=fid)
        self.refused(lambda: allocate(999999, area_id=world.areas["jinglan"], amount_fen=1),
                     404, "fund_not_found")

    def test_project_allocation_rules(self):
        fid = world.make_fund(amount_fen=1_000_000)
        other = world.make_fund(amount_fen=1_000_000, name="另一基金")
        draft = world.make_project(fund=fid, budget_fen=300_000)
        self.refused(lambda: allocate(fid, project_id=draft["id"], amount_fen=1), 409,
                     "project_not_fundable", "project_id", fund_id=fid)
        p = world.make_project("approved", fund=fid, budget_fen=300_000)
        self.refused(lambda: allocate(other, project_id=p["id"], amount_fen=1), 409,
                     "fund_mismatch", "project_id", fund_id=other)
        self.refused(lambda: allocate(fid, project_id=p["id"], amount_fen=300_001), 409,
                     "over_budget", "amount_fen", fund_id=fid, project_id=p["id"])
        st, body, _ = allocate(fid, project_id=p["id"], amount_fen=300_000)
        self.assertEqual(st, 201, body)
        self.assertEqual(body["allocated_fen"], 300_000)
        lg = ledger(p["id"])
        self.assertEqual((lg["budget_fen"], lg["allocated_fen"], lg["balance_fen"]),
                         (300_000, 300_000, 300_000))
        self.assertEqual([a["amount_fen"] for a in lg["allocations"]], [300_000])
        self.assertIsNone(lg["allocations"][0]["earmark_id"])
        st, ev, _ = world.admin.get(f"/api/v1/audit?entity=project&entity_id={p['id']}")
        self.assertIn("fund.allocated", [e["action"] for e in ev["items"]])

    def test_project_draws_from_its_communitys_earmark(self):
        """A district fund earmarked for 九眼桥社区: the community's secretary funds its
        project from the earmark; the earmark, not the fund, runs out."""
        fid = world.make_fund(amount_fen=1_000_000)
        st, body, _ = allocate(fid, area_id=world.areas["jyq"], amount_fen=200_000)
        self.assertEqual(st, 201, body)
        earmark = body["allocations"][0]["id"]
        p = world.make_project("approved", fund=fid, budget_fen=500_000)
        st, body, _ = allocate(fid, "secretary", project_id=p["id"], amount_fen=150_000)
        self.assertEqual(st, 201, body)
        self.assertEqual(body["allocated_fen"], 200_000, "a drawn earmark is not counted twice")
        mark = [a for a in body["allocations"] if a["id"] == earmark][0]
        self.assertEqual((mark["used_fen"], mark["left_fen"]), (150_000, 50_000))
        proj = [a for a in body["allocations"] if a["kind"] == "project"][0]
        self.assertEqual(proj["earmark_id"], earmark)
        self.refused(lambda: allocate(fid, "secretary", project_id=p["id"], amount_fen=50_001),
                     409, "over_allocation", "amount_fen", fund_id=fid, project_id=p["id"])
        # without an earmark above it the money comes from the district: the admin's call
        fid2 = world.make_fund(amount_fen=1_000_000, name="无份额基金")
        p2 = world.make_project("approved", fund=fid2, budget_fen=500_000)
        self.refused(lambda: allocate(fid2, "secretary", project_id=p2["id"], amount_fen=1),
                     403, "out_of_scope", None, fund_id=fid2)

    def test_parallel_allocations_never_exceed_the_fund(self):
        fid = world.make_fund(amount_fen=1_000_000)

        def one(i):
            return allocate(fid, area_id=world.areas["jinglan" if i % 2 else "shiji"],
                            amount_fen=100_000)[0]

        with ThreadPoolExecutor(max_workers=12) as ex:
            codes = list(ex.map(one, range(24)))
        self.assertEqual(codes.count(201), 10, codes)
        self.assertEqual(codes.count(409), 14, codes)
        f = fund(fid)
        self.assertEqual(f["allocated_fen"], 1_000_000)
        self.assertEqual(sum(a["amount_fen"] for a in f["allocations"]), 1_000_000)
        st, body, _ = world.admin.get("/api/v1/audit/verify")
        self.assertTrue(body["ok"])


class Expenditures(Base):
    def funded(self, allocated=100_000, budget=200_000):
        fid = world.make_fund(amount_fen=1_000_000)
        return world.make_project("in_progress", fund=fid, budget_fen=budget,
                                  allocate=allocated)

    def test_spend_and_ledger(self):
        p = self.funded()
        st, body, _ = spend(p["id"], amount_fen=30_000, payee="成都七彩装饰有限公司",
                            receipt_no="FP-2026-0001", note="墙面彩绘")
        self.assertEqual(st, 201, body)
        self.assertEqual((body["spent_fen"], body["balance_fen"]), (30_000, 70_000))
        (x,) = body["expenditures"]
        self.assertEqual((x["amount_fen"], x["payee"], x["receipt_no"], x["note"]),
                         (30_000, "成都七彩装饰有限公司", "FP-2026-0001", "墙面彩绘"))
        f = fund(p["fund_id"])
        self.assertEqual(f["spent_fen"], 30_000)
        self.assertEqual(f["expenditures"][0]["project_id"], p["id"])
        st, ev, _ = world.admin.get(f"/api/v1/audit?entity=project&entity_id={p['id']}")
        spent = [e for e in ev["items"] if e["action"] == "project.spent"]
        self.assertEqual(len(spent), 1)
        self.assertEqual(spent[0]["data"]["amount_fen"], 30_000)

    def test_refusals(self):
        p = self.funded(allocated=50_000)
        pid = p["id"]
        ok = {"amount_fen": 1000, "payee": "某公司", "receipt_no": "R-1"}
        st, body, _ = spend(pid, **ok)
        self.assertEqual(st, 201, body)
        cases = [
            ("worker", dict(ok, receipt_no="R-2", amount_fen=49_001), 409, "overspending",
             "amount_fen"),
            ("worker", ok, 409, "duplicate_receipt", "receipt_no"),
            ("worker", dict(ok, receipt_no="R-3", amount_fen=0), 422, "invalid_amount",
             "amount_fen"),
            ("worker", dict(ok, receipt_no="R-3", amount_fen=-1), 422, "invalid_amount",
             "amount_fen"),
            ("worker", dict(ok, receipt_no="R-3", amount_fen="1000"), 400, "wrong_type",
             "amount_fen"),
            ("worker", dict(ok, receipt_no="R-3", payee=""), 422, "invalid_payee", "payee"),
            ("worker", dict(ok, receipt_no=""), 422, "invalid_receipt", "receipt_no"),
            ("worker", dict(ok, receipt_no="R-3", extra=1), 400, "unknown_field", "extra"),
            ("resident", dict(ok, receipt_no="R-3"), 403, "forbidden", None),
            ("evaluator", dict(ok, receipt_no="R-3"), 403, "forbidden", None),
            ("worker2", dict(ok, receipt_no="R-3"), 403, "out_of_scope", None),
        ]
        for who, body, status, code, field in cases:
            with self.subTest(who=who, body=body):
                self.refused(lambda: spend(pid, who, **body), status, code, field,
                             project_id=pid)
        st, body, _ = spend(pid, **dict(ok, receipt_no="R-4", amount_fen=49_000))
        self.assertEqual(st, 201, body)
        self.assertEqual(body["balance_fen"], 0)
        self.refused(lambda: spend(pid, **dict(ok, receipt_no="R-5", amount_fen=1)), 409,
                     "overspending", "amount_fen", project_id=pid)
        self.refused(lambda: spend(999999, **ok), 404, "project_not_found")

    def test_no_spending_before_approval(self):
        fid = world.make_fund()
        for state in ("draft", "proposed"):
            p = world.make_project(state, fund=fid)
            self.refused(lambda: spend(p["id"], amount_fen=1, payee="x", receipt_no="r"), 409,
                         "project_not_spendable", None, project_id=p["id"])

    def test_parallel_spending_never_exceeds_the_allocation(self):
        p = self.funded(allocated=100_000)

        def one(i):
            return spend(p["id"], amount_fen=10_000, payee="供应商", receipt_no=f"P-{i}")[0]

        with ThreadPoolExecutor(max_workers=12) as ex:
            codes = list(ex.map(one, range(25)))
        self.assertEqual(codes.count(201), 10, codes)
        self.assertEqual(codes.count(409), 15, codes)
        lg = ledger(p["id"])
        self.assertEqual((lg["spent_fen"], lg["balance_fen"]), (100_000, 0))
        self.assertEqual(len(lg["expenditures"]), 10)
        st, body, _ = world.admin.get("/api/v1/audit/verify")
        self.assertTrue(body["ok"])


if __name__ == "__main__":
    unittest.main()
