"""Projects (立项) per API.md: drafted from accepted needs, moved along
draft → proposed → approved → in_progress → evaluating → closed (plus rejected, cancelled),
taking their needs with them; and every way they refuse.

Every refusal asserts the status, the error code (and field where the server sets one) and that
nothing changed: the audit chain (Snapshot) and the project as the admin reads it.
"""
import unittest

from harness import Server, Snapshot, World, assert_error

srv = world = None


def setUpModule():
    global srv, world
    srv = Server()
    world = World(srv)


def tearDownModule():
    srv.stop()


def accepted(area="jinglan", who="resident"):
    nid = world.need(who, area=world.areas[area])
    world.move("worker" if area != "binjiang" else "worker2", nid, "accepted")
    return nid


def need(nid):
    st, body, _ = world.admin.get(f"/api/v1/needs/{nid}")
    assert st == 200, body
    return body


def project(pid, who="admin"):
    st, body, _ = world.c[who].get(f"/api/v1/projects/{pid}")
    assert st == 200, (st, body)
    return body


def move(pid, who, to, **kw):
    return world.c[who].post(f"/api/v1/projects/{pid}/transitions", dict(kw, to=to))


def draft_body(**kw):
    body = {"area_id": world.areas["jyq"], "title": "院落微更新", "need_ids": [accepted()],
            "goals": "改善院落环境", "feasibility": "居民议事会已通过",
            "budget_fen": 100_000, "fund_id": FUND}
    body.update(kw)
    return body


FUND = None


class Base(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        global FUND
        if FUND is None:
            FUND = world.make_fund()

    def refused(self, fn, status, code, field=None, pid=None, needs=()):
        snap = Snapshot(srv, world.admin)
        before = project(pid) if pid else None
        nbefore = [need(n) for n in needs]
        st, body, _ = world.admin.get("/api/v1/projects?per_page=1")
        total = body["total"]
        resp = fn()
        assert_error(self, resp, status, code, field)
        snap.assert_unchanged(self)
        if pid:
            self.assertEqual(project(pid), before, "a refused request changed the project")
        self.assertEqual([need(n) for n in needs], nbefore, "a refused request moved a need")
        st, body, _ = world.admin.get("/api/v1/projects?per_page=1")
        self.assertEqual(body["total"], total, "a refused request added a project")
        return resp


class Lifecycle(Base):
    def test_draft_to_evaluating_moves_the_needs(self):
        n1, n2 = accepted(), accepted("shiji", "resident3")
        st, p, _ = world.c["worker"].post("/api/v1/projects", draft_body(
            need_ids=[n1, n2], provider_ids=[world.fire, world.pantry]))
        self.assertEqual(st, 201, p)
        self.assertEqual(p["status"], "draft")
        self.assertEqual(sorted(n["id"] for n in p["needs"]), sorted([n1, n2]))
        self.assertEqual({x["id"] for x in p["providers"]}, {world.fire, world.pantry})
        self.assertEqual(p["history"][0]["to"], "draft")
        self.assertIsNone(p["due_at"], "a draft has no deadline")
        pid = p["id"]
        st, p, _ = move(pid, "worker", "proposed")
        self.assertEqual((st, p["status"]), (200, "proposed"), p)
        self.assertIsNotNone(p["due_at"], "a proposal waits for a decision by a deadline")
        self.assertFalse(p["overdue"])
        st, p, _ = move(pid, "secretary", "approved")
        self.assertEqual((st, p["status"]), (200, "approved"), p)
        self.assertIsNotNone(p["approved_at"])
        for n in (n1, n2):
            nd = need(n)
            self.assertEqual(nd["status"], "in_project")
            self.assertIn(str(pid), nd["history"][-1]["reason"])
        for to in ("in_progress", "evaluating"):
            st, p, _ = move(pid, "worker", to)
            self.assertEqual((st, p["status"]), (200, to), p)
        self.assertEqual([h["to"] for h in p["history"]],
                         ["draft", "proposed", "approved", "in_progress", "evaluating"])
        st, ev, _ = world.admin.get(f"/api/v1/audit?entity=project&entity_id={pid}")
        self.assertEqual([e["action"] for e in ev["items"]],
                         ["project.created"] + ["project.transition"] * 4)
        # closing waits for the third party's evaluation
        self.refused(lambda: move(pid, "secretary", "closed"), 409, "evaluation_required",
                     "to", pid=pid, needs=(n1, n2))

    def test_rejection_needs_a_public_reason(self):
        n = accepted()
        p = world.make_project("proposed", fund=FUND, needs=[n])
        self.refused(lambda: move(p["id"], "secretary", "rejected"), 422, "reason_required",
                     "reason", pid=p["id"], needs=(n,))
        st, out, _ = move(p["id"], "secretary", "rejected", reason="预算超出社区承受能力")
        self.assertEqual((st, out["status"]), (200, "rejected"), out)
        self.assertEqual(out["reason"], "预算超出社区承受能力")
        self.assertEqual(need(n)["status"], "accepted", "a rejected project leaves its needs")
        # the need is free for another project
        again = world.make_project(fund=FUND, needs=[n])
        self.assertEqual(again["status"], "draft")

    def test_cancelling_after_approval_gives_the_needs_back(self):
        n = accepted()
        p = world.make_project("in_progress", fund=FUND, needs=[n])
        self.assertEqual(need(n)["status"], "in_project")
        self.refused(lambda: move(p["id"], "secretary", "cancelled"), 422, "reason_required",
                     "reason", pid=p["id"], needs=(n,))
        self.refused(lambda: move(p["id"], "worker", "cancelled", reason="x"), 403,
                     "forbidden", "to", pid=p["id"], needs=(n,))
        st, out, _ = move(p["id"], "secretary", "cancelled", reason="场地被收回")
        self.assertEqual((st, out["status"]), (200, "cancelled"), out)
        self.assertEqual(need(n)["status"], "accepted")
        self.assertIn("cancelled", need(n)["history"][-1]["reason"])

    def test_draft_can_be_withdrawn_and_cancelled(self):
        n = accepted()
        p = world.make_project("proposed", fund=FUND, needs=[n])
        st, out, _ = move(p["id"], "worker", "draft")
        self.assertEqual((st, out["status"]), (200, "draft"), out)
        st, out, _ = move(p["id"], "worker", "cancelled")
        self.assertEqual((st, out["status"]), (200, "cancelled"), out)
        self.assertEqual(need(n)["status"], "accepted")

    def test_approval_refused_when_a_need_left_meanwhile(self):
        n1, n2 = accepted(), accepted()
        p = world.make_project("proposed", fund=FUND, needs=[n1, n2])
        world.move("worker", n2, "rejected", reason="已由物业解决")
        self.refused(lambda: move(p["id"], "secretary", "approved"), 409, "need_not_accepted",
                     "to", pid=p["id"], needs=(n1, n2))
        self.assertEqual(need(n1)["status"], "accepted", "no need moved half-way")


class Refusals(Base):
    def test_create_refusals(self):
        taken = accepted()
        world.make_project(fund=FUND, needs=[taken])
        submitted = world.need()
        other = accepted("binjiang", "outsider")
        hjt_fund = world.make_fund(area=world.areas["hjt"], name="合江亭社区基金")
        st, far, _ = world.c["worker2"].post("/api/v1/providers", {
            "kind": "talent", "name": "合江亭志愿队", "area_id": world.areas["hjt"],
            "skills": ["culture"], "capacity": 1})
        assert st == 201, far
        cases = [
            ("worker", {"need_ids": [submitted]}, 409, "need_not_accepted", "need_ids"),
            ("worker", {"need_ids": [other]}, 409, "need_other_community", "need_ids"),
            ("worker", {"need_ids": [taken]}, 409, "need_in_project", "need_ids"),
            ("worker", {"need_ids": [999999]}, 422, "need_not_found", "need_ids"),
            ("worker", {"need_ids": []}, 422, "needs_required", "need_ids"),
            ("worker", {"need_ids": [0]}, 422, "invalid_id", "need_ids"),
            ("worker", {"need_ids": ["1"]}, 400, "wrong_type", "need_ids"),
            ("worker", {"need_ids": 5}, 400, "wrong_type", "need_ids"),
            ("worker", {"fund_id": 999999}, 422, "fund_not_found", "fund_id"),
            ("worker", {"fund_id": hjt_fund}, 409, "fund_out_of_area", "fund_id"),
            ("worker", {"provider_ids": [far["id"]]}, 409, "provider_out_of_area",
             "provider_ids"),
            ("worker", {"provider_ids": [999999]}, 422, "provider_not_found", "provider_ids"),
            ("worker", {"budget_fen": -1}, 422, "invalid_amount", "budget_fen"),
            ("worker", {"budget_fen": 1.5}, 400, "wrong_type", "budget_fen"),
            ("worker", {"title": ""}, 422, "invalid_title", "title"),
            ("worker", {"title": "长" * 101}, 422, "invalid_title", "title"),
            ("worker", {"goals": ""}, 422, "invalid_goals", "goals"),
            ("worker", {"area_id": world.areas["street"]}, 422, "invalid_area", "area_id"),
            ("worker", {"area_id": 999999}, 422, "area_not_found", "area_id"),
            ("worker", {"status": "approved"}, 400, "unknown_field", "status"),
            ("worker2", {}, 403, "out_of_scope", "area_id"),
            ("resident", {}, 403, "forbidden", None),
            ("evaluator", {}, 403, "forbidden", None),
            ("supervisor", {}, 403, "forbidden", None),
        ]
        for who, change, status, code, field in cases:
            with self.subTest(who=who, change=change):
                body = draft_body(**change)
                needs = [n for n in body["need_ids"] if isinstance(n, int) and n > 0
                         and n != 999999] if isinstance(body["need_ids"], list) else []
                self.refused(lambda: world.c[who].post("/api/v1/projects", body), status,
                             code, field, needs=needs)
        body = draft_body()
        n = body["need_ids"][0]
        body["need_ids"] = [n, n]
        self.refused(lambda: world.c["worker"].post("/api/v1/projects", body), 422,
                     "duplicate_need", "need_ids", needs=(n,))
        body = draft_body()
        del body["fund_id"]
        self.refused(lambda: world.c["worker"].post("/api/v1/projects", body), 422,
                     "missing_field", "fund_id")
        self.refused(lambda: world.c["worker"].request("POST", "/api/v1/projects",
                                                       raw='{"title": "x",'), 400,
                     "malformed_json")

    def test_transition_refusals(self):
        n = accepted()
        p = world.make_project(fund=FUND, needs=[n])
        pid = p["id"]
        cases = [
            ("worker", {"to": "approved"}, 409, "illegal_transition", "to"),
            ("worker", {"to": "closed"}, 409, "illegal_transition", "to"),
            ("worker", {"to": "draft"}, 409, "illegal_transition", "to"),
            ("worker", {"to": "flying"}, 422, "invalid_status", "to"),
            ("worker", {}, 422, "missing_field", "to"),
            ("worker", {"to": 3}, 400, "wrong_type", "to"),
            ("worker", {"to": "proposed", "extra": 1}, 400, "unknown_field", "extra"),
            ("worker2", {"to": "proposed"}, 403, "out_of_scope", None),
            ("resident", {"to": "proposed"}, 403, "forbidden", "to"),
            ("evaluator", {"to": "proposed"}, 403, "forbidden", "to"),
            ("supervisor", {"to": "proposed"}, 403, "forbidden", "to"),
        ]
        for who, body, status, code, field in cases:
            with self.subTest(who=who, body=body):
                self.refused(lambda: world.c[who].post(f"/api/v1/projects/{pid}/transitions",
                                                       body), status, code, field, pid=pid,
                             needs=(n,))
        st, out, _ = move(pid, "worker", "proposed")
        self.assertEqual(st, 200, out)
        self.refused(lambda: move(pid, "worker", "approved"), 403, "forbidden", "to", pid=pid,
                     needs=(n,))
        self.refused(lambda: move(pid, "secretary", "approved", reason="好" * 501), 422,
                     "invalid_reason", "reason", pid=pid, needs=(n,))
        self.refused(lambda: move(999999, "secretary", "approved"), 404, "project_not_found")


class Reading(Base):
    def test_list_get_and_scope(self):
        p = world.make_project("proposed", fund=FUND)
        st, body, _ = world.c["worker"].get("/api/v1/projects?status=proposed&per_page=100")
        self.assertEqual(st, 200, body)
        self.assertIn(p["id"], [x["id"] for x in body["items"]])
        self.assertTrue(all(x["status"] == "proposed" for x in body["items"]))
        st, body, _ = world.c["resident"].get(f"/api/v1/projects/{p['id']}")
        self.assertEqual(st, 200, "residents follow their community's projects")
        st, body, _ = world.c["worker2"].get("/api/v1/projects?per_page=100")
        self.assertEqual(st, 200, body)
        self.assertNotIn(p["id"], [x["id"] for x in body["items"]])
        assert_error(self, world.c["worker2"].get(f"/api/v1/projects/{p['id']}"), 403,
                     "out_of_scope")
        assert_error(self, world.c["worker2"].get(f"/api/v1/projects?area_id={world.areas['jyq']}"),
                     403, "out_of_scope")
        assert_error(self, world.c["worker"].get("/api/v1/projects?status=flying"), 422,
                     "invalid_status")
        assert_error(self, world.c["worker"].get("/api/v1/projects?per_page=1000"), 422,
                     "invalid_parameter")
        assert_error(self, world.admin.get("/api/v1/projects/999999"), 404,
                     "project_not_found")
        st, body, _ = world.c["supervisor"].get(f"/api/v1/projects?area_id={world.areas['jyq']}")
        self.assertEqual(st, 200, body)
        self.assertGreaterEqual(body["total"], 1)

    def test_pages(self):
        for _ in range(3):
            world.make_project(fund=FUND)
        st, all_, _ = world.admin.get("/api/v1/projects?per_page=100")
        st, p1, _ = world.admin.get("/api/v1/projects?per_page=2&page=1")
        st, p2, _ = world.admin.get("/api/v1/projects?per_page=2&page=2")
        self.assertEqual(p1["total"], all_["total"])
        self.assertEqual([x["id"] for x in p1["items"] + p2["items"]],
                         [x["id"] for x in all_["items"][:4]])
        ids = [x["id"] for x in all_["items"]]
        self.assertEqual(ids, sorted(ids, reverse=True), "newest first")


if __name__ == "__main__":
    unittest.main()
