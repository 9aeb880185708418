"""The fourth ring per API.md: beneficiaries rate a project (once each, while it runs, is
evaluated or is closed) and third-party evaluators file a scorecard and report (once each,
while it is evaluating, never on a project of their own area's making). Every refusal: status,
error code and nothing changed; names in the ratings masked for those who may not see them.
"""
import unittest

from harness import PASSWORD, Server, World, assert_error
from ringcheck import RingCase, from_now, iso

srv = world = None
U = {}


def setUpModule():
    global srv, world
    srv = Server()
    world = World(srv)
    RingCase.srv, RingCase.world = srv, world
    a = world.areas
    for name, grants in (
            ("secretary2", [("secretary", a["hjt"])]),
            ("evaluator_hjt", [("evaluator", a["hjt"])]),
            # an evaluator who also works for 九眼桥社区
            ("eval_worker", [("evaluator", a["district"]), ("worker", a["jyq"])]),
            # an evaluator who also decides projects for the whole street
            ("eval_secretary", [("evaluator", a["district"]), ("secretary", a["street"])]),
            # a second independent evaluator, of the street
            ("evaluator_b", [("evaluator", a["street"])])):
        st, out, _ = world.admin.post("/api/v1/users", {
            "username": name, "password": PASSWORD, "display_name": name,
            "grants": [{"role": r, "area_id": area} for r, area in grants]})
        assert st == 201, out
        world.user_ids[name] = out["id"]
        world.c[name] = srv.login(name)
    U["fund"] = world.make_fund()


def tearDownModule():
    srv.stop()


def ok(resp, status=(200, 201)):
    st, body, _ = resp
    assert st in status, (st, body)
    return body


def beneficiary_project(state="in_progress"):
    """A project of 九眼桥社区 from a need resident submitted and resident2 supported."""
    n = world.need("resident")
    ok(world.c["resident2"].post(f"/api/v1/needs/{n}/support"))
    world.move("worker", n, "accepted")
    return world.make_project(state, fund=U["fund"], needs=[n])["id"]


def move(who, pid, to, **kw):
    body = {"to": to}
    body.update(kw)
    return ok(world.c[who].post(f"/api/v1/projects/{pid}/transitions", body), (200,))


def hjt_project(state="evaluating"):
    """A project of 合江亭社区 (another community), run by worker2 and secretary2."""
    n = world.need("outsider", area=world.areas["binjiang"])
    world.move("worker2", n, "accepted")
    p = ok(world.c["worker2"].post("/api/v1/projects", {
        "area_id": world.areas["hjt"], "title": "滨江小区楼道照明", "need_ids": [n],
        "goals": "楼道亮起来", "feasibility": "物业配合", "budget_fen": 100000,
        "fund_id": U["fund"]}))
    for to, who in (("proposed", "worker2"), ("approved", "secretary2"),
                    ("in_progress", "worker2"), ("evaluating", "worker2")):
        if p["status"] == state:
            break
        p = move(who, p["id"], to)
    assert p["status"] == state, p
    return p["id"]


def rate(pid, who, rating="satisfied", **kw):
    body = {"rating": rating}
    body.update(kw)
    return world.c[who].post(f"/api/v1/projects/{pid}/feedback", body)


def feedback(pid, who="admin", query=""):
    return ok(world.c[who].get(f"/api/v1/projects/{pid}/feedback{query}"), (200,))


def evaluate(pid, who="evaluator", score=88, report="项目目标基本达成，居民参与度高。", **kw):
    body = {"score": score, "report": report}
    body.update(kw)
    return world.c[who].post(f"/api/v1/projects/{pid}/evaluation", body)


class Feedback(RingCase):
    def test_beneficiaries_rate_and_the_figures_follow(self):
        pid = beneficiary_project()
        empty = feedback(pid)
        self.assertEqual((empty["total"], empty["satisfied"], empty["basically_satisfied"],
                          empty["unsatisfied"]), (0, 0, 0, 0))
        self.assertIsNone(empty["satisfaction_rate"])
        self.assertIsNone(empty["average_score"])
        self.assertEqual(empty["items"], [])
        self.assertIsNone(empty["my_rating"])

        out = ok(rate(pid, "resident", "satisfied", score=5, comment="活动很丰富，谢谢社区！"))
        self.assertEqual((out["project_id"], out["rating"], out["score"], out["comment"]),
                         (pid, "satisfied", 5, "活动很丰富，谢谢社区！"))
        self.assertRegex(out["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
        ok(rate(pid, "resident2", "basically_satisfied", score=3))
        # resident3 benefits once they sign up for one of the project's activities
        self.refused("resident3", "POST", f"/api/v1/projects/{pid}/feedback",
                     {"rating": "unsatisfied"}, 403, "not_a_beneficiary")
        act = ok(world.c["worker"].post(f"/api/v1/projects/{pid}/activities", {
            "title": "邻里议事会", "category": "culture", "starts_at": iso(from_now(days=1)),
            "ends_at": iso(from_now(days=1, hours=2))}))
        ok(world.c["resident3"].post(f"/api/v1/activities/{act['id']}/signups", {}))
        ok(rate(pid, "resident3", "unsatisfied", comment="时间安排不合适"))

        f = feedback(pid, "resident")
        self.assertEqual((f["satisfied"], f["basically_satisfied"], f["unsatisfied"],
                          f["total"]), (1, 1, 1, 3))
        self.assertAlmostEqual(f["satisfaction_rate"], 2 / 3)
        self.assertAlmostEqual(f["average_score"], 4.0)
        self.assertEqual(f["my_rating"], "satisfied")
        self.assertEqual([i["rating"] for i in f["items"]],
                         ["unsatisfied", "basically_satisfied", "satisfied"], "newest first")
        self.assertEqual([i["score"] for i in f["items"]], [None, 3, 5])
        self.assertEqual(f["items"][0]["comment"], "时间安排不合适")
        # a neighbour sees the comments but not the names; one's own name is shown
        names = {i["rating"]: i["user"] for i in f["items"]}
        self.assertEqual(names["satisfied"], {"user_id": world.user_ids["resident"],
                                              "name": "居民resident", "masked": False})
        self.assertEqual(names["unsatisfied"], {"user_id": None, "name": "居***",
                                                "masked": True})
        # staff who may read personal data see the names
        for i in feedback(pid, "worker")["items"]:
            self.assertFalse(i["user"]["masked"])
            self.assertTrue(i["user"]["name"].startswith("居民resident"))
        for who in ("supervisor", "evaluator", "volunteer"):
            self.assertTrue(all(i["user"]["masked"] for i in feedback(pid, who)["items"]))
        self.assertIsNone(feedback(pid, "resident2")["items"][2]["user"]["user_id"])
        # paging keeps the figures over all ratings
        page = feedback(pid, query="?per_page=1&page=2")
        self.assertEqual((page["total"], page["page"], page["per_page"], len(page["items"])),
                         (3, 2, 1, 1))
        self.assertEqual(page["items"][0]["rating"], "basically_satisfied")
        ev = [e for e in ok(world.admin.get("/api/v1/audit?entity=feedback&per_page=100"),
                            (200,))["items"] if e["data"].get("project_id") == pid]
        self.assertEqual([(e["action"], e["data"]["rating"], e["actor_id"]) for e in ev],
                         [("feedback.created", "satisfied", world.user_ids["resident"]),
                          ("feedback.created", "basically_satisfied",
                           world.user_ids["resident2"]),
                          ("feedback.created", "unsatisfied", world.user_ids["resident3"])])
        self.assertEqual(ev[0]["data"]["score"], 5)
        self.assertTrue(ev[0]["data"]["comment"])

    def test_once_per_resident(self):
        pid = beneficiary_project()
        ok(rate(pid, "resident"))
        self.refused("resident", "POST", f"/api/v1/projects/{pid}/feedback",
                     {"rating": "unsatisfied"}, 409, "already_rated",
                     read=lambda: feedback(pid))

    def test_a_merged_needs_author_benefits(self):
        n = world.need("resident")
        m = world.need("resident3", area=world.areas["shiji"], title="老人活动太少")
        world.move("worker", n, "accepted")
        world.move("worker", m, "merged", merged_into=n)
        pid = world.make_project("in_progress", fund=U["fund"], needs=[n])["id"]
        ok(rate(pid, "resident3", "basically_satisfied"))
        self.refused("resident2", "POST", f"/api/v1/projects/{pid}/feedback",
                     {"rating": "satisfied"}, 403, "not_a_beneficiary")

    def test_only_while_running_evaluating_or_closed(self):
        for state in ("draft", "proposed", "approved"):
            pid = beneficiary_project(state)
            self.refused("resident", "POST", f"/api/v1/projects/{pid}/feedback",
                         {"rating": "satisfied"}, 409, "feedback_not_open")
        pid = beneficiary_project("evaluating")
        ok(rate(pid, "resident"))
        ok(evaluate(pid))
        move("secretary", pid, "closed")
        ok(rate(pid, "resident2", "unsatisfied"))
        self.assertEqual(feedback(pid)["total"], 2)
        pid = beneficiary_project("approved")
        move("secretary", pid, "cancelled", reason="资金未到位")
        self.refused("resident", "POST", f"/api/v1/projects/{pid}/feedback",
                     {"rating": "satisfied"}, 409, "feedback_not_open")

    def test_who_may_rate(self):
        pid = beneficiary_project()
        path = f"/api/v1/projects/{pid}/feedback"
        for who in ("worker", "secretary", "volunteer", "provider_user", "evaluator",
                    "supervisor", "admin", "worker2"):
            self.refused(who, "POST", path, {"rating": "satisfied"}, 403, "forbidden")
        self.refused("outsider", "POST", path, {"rating": "satisfied"}, 403, "out_of_scope")
        self.refused("resident", "POST", "/api/v1/projects/999999/feedback",
                     {"rating": "satisfied"}, 404, "project_not_found")

    def test_invalid_ratings(self):
        pid = beneficiary_project()
        path = f"/api/v1/projects/{pid}/feedback"
        for body, status, code, field in (
                ({}, 422, "missing_field", "rating"),
                ({"rating": "good"}, 422, "invalid_rating", "rating"),
                ({"rating": "满意"}, 422, "invalid_rating", "rating"),
                ({"rating": "satisfied", "score": 0}, 422, "invalid_score", "score"),
                ({"rating": "satisfied", "score": 6}, 422, "invalid_score", "score"),
                ({"rating": "satisfied", "score": 4.5}, 400, "wrong_type", "score"),
                ({"rating": "satisfied", "comment": ""}, 422, "invalid_comment", "comment"),
                ({"rating": "satisfied", "comment": "长" * 501}, 422, "invalid_comment",
                 "comment"),
                ({"rating": "satisfied", "name": "x"}, 400, "unknown_field", "name")):
            self.refused("resident", "POST", path, body, status, code, field)
        out = ok(rate(pid, "resident", score=1, comment="长" * 500))
        self.assertEqual(out["score"], 1)

    def test_reading_is_scoped(self):
        pid = beneficiary_project()
        for who in ("worker2", "outsider", "evaluator_hjt"):
            assert_error(self, world.c[who].get(f"/api/v1/projects/{pid}/feedback"), 403,
                         "out_of_scope")
        assert_error(self, world.c["worker"].get("/api/v1/projects/999999/feedback"), 404,
                     "project_not_found")
        assert_error(self, world.c["worker"].get(f"/api/v1/projects/{pid}/feedback?per_page=999"),
                     422, "invalid_parameter", "per_page")


class Evaluations(RingCase):
    def test_evaluator_files_once(self):
        pid = beneficiary_project("evaluating")
        card = {"目标达成": 90, "居民参与": 85, "资金使用": 88}
        out = ok(evaluate(pid, score=88, scorecard=card))
        self.assertEqual((out["project_id"], out["evaluator_id"], out["score"],
                          out["scorecard"], out["report"]),
                         (pid, world.user_ids["evaluator"], 88, card,
                          "项目目标基本达成，居民参与度高。"))
        lst = ok(world.c["resident"].get(f"/api/v1/projects/{pid}/evaluations"), (200,))
        self.assertEqual(lst["total"], 1)
        self.assertEqual(lst["average_score"], 88)
        item = lst["items"][0]
        self.assertEqual((item["id"], item["score"], item["scorecard"], item["report"],
                          item["evaluator"]),
                         (out["id"], 88, card, out["report"],
                          {"id": world.user_ids["evaluator"], "name": "evaluator"}))
        ev = self.audit("evaluation", out["id"])
        self.assertEqual([e["action"] for e in ev], ["evaluation.filed"])
        self.assertEqual(ev[0]["data"], {"project_id": pid, "score": 88, "scorecard": card})
        self.refused("evaluator", "POST", f"/api/v1/projects/{pid}/evaluation",
                     {"score": 70, "report": "再评一次"}, 409, "already_evaluated",
                     read=lambda: world.admin.get(f"/api/v1/projects/{pid}/evaluations")[1])
        # with an evaluation filed the project can be closed
        self.assertEqual(move("secretary", pid, "closed")["status"], "closed")

    def test_without_scorecard_and_the_bounds(self):
        pid = beneficiary_project("evaluating")
        out = ok(evaluate(pid, score=0, report="长" * 20000))
        self.assertEqual((out["score"], out["scorecard"]), (0, {}))
        pid = beneficiary_project("evaluating")
        self.assertEqual(ok(evaluate(pid, score=100, scorecard={}))["score"], 100)

    def test_only_while_evaluating(self):
        for state in ("draft", "proposed", "approved", "in_progress"):
            pid = beneficiary_project(state)
            self.refused("evaluator", "POST", f"/api/v1/projects/{pid}/evaluation",
                         {"score": 80, "report": "中期评估"}, 409, "project_not_evaluating")
        pid = beneficiary_project("evaluating")
        ok(evaluate(pid))
        move("secretary", pid, "closed")
        self.refused("eval_secretary", "POST", f"/api/v1/projects/{pid}/evaluation",
                     {"score": 80, "report": "x"}, 403, "conflict_of_interest")
        # a closed project takes no more evaluations (the state is checked first)
        self.refused("evaluator", "POST", f"/api/v1/projects/{pid}/evaluation",
                     {"score": 80, "report": "x"}, 409, "project_not_evaluating")
        self.refused("evaluator_b", "POST", f"/api/v1/projects/{pid}/evaluation",
                     {"score": 80, "report": "x"}, 409, "project_not_evaluating")

    def test_no_evaluation_of_ones_own_areas_projects(self):
        pid = beneficiary_project("evaluating")
        path = f"/api/v1/projects/{pid}/evaluation"
        for who in ("eval_worker", "eval_secretary"):
            self.refused(who, "POST", path, {"score": 95, "report": "很好"}, 403,
                         "conflict_of_interest")
        # the same evaluator-worker may evaluate another community's project
        hp = hjt_project()
        self.assertEqual(ok(evaluate(hp, who="eval_worker"))["evaluator_id"],
                         world.user_ids["eval_worker"])
        # nor may whoever created the project
        pid2 = beneficiary_project("evaluating")
        srv.sql(f"UPDATE projects SET created_by = {world.user_ids['evaluator']} "
                f"WHERE id = {pid2}")
        self.refused("evaluator", "POST", f"/api/v1/projects/{pid2}/evaluation",
                     {"score": 95, "report": "很好"}, 403, "conflict_of_interest")

    def test_who_may_evaluate(self):
        pid = beneficiary_project("evaluating")
        path = f"/api/v1/projects/{pid}/evaluation"
        body = {"score": 80, "report": "x"}
        for who in ("worker", "secretary", "resident", "volunteer", "provider_user",
                    "supervisor", "admin", "worker2", "outsider"):
            self.refused(who, "POST", path, body, 403, "forbidden")
        self.refused("evaluator_hjt", "POST", path, body, 403, "out_of_scope")
        self.refused("evaluator", "POST", "/api/v1/projects/999999/evaluation", body, 404,
                     "project_not_found")

    def test_invalid_evaluations(self):
        pid = beneficiary_project("evaluating")
        path = f"/api/v1/projects/{pid}/evaluation"
        many = {f"指标{i}": 50 for i in range(21)}
        for body, status, code, field in (
                ({"report": "x"}, 422, "missing_field", "score"),
                ({"score": 80}, 422, "missing_field", "report"),
                ({"score": -1, "report": "x"}, 422, "invalid_score", "score"),
                ({"score": 101, "report": "x"}, 422, "invalid_score", "score"),
                ({"score": 80.5, "report": "x"}, 400, "wrong_type", "score"),
                ({"score": 80, "report": ""}, 422, "invalid_report", "report"),
                ({"score": 80, "report": "长" * 20001}, 422, "invalid_report", "report"),
                ({"score": 80, "report": "x", "scorecard": [90]}, 400, "wrong_type",
                 "scorecard"),
                ({"score": 80, "report": "x", "scorecard": {"参与": 101}}, 422,
                 "invalid_scorecard", "scorecard"),
                ({"score": 80, "report": "x", "scorecard": {"参与": -1}}, 422,
                 "invalid_scorecard", "scorecard"),
                ({"score": 80, "report": "x", "scorecard": {"参与": "90"}}, 422,
                 "invalid_scorecard", "scorecard"),
                ({"score": 80, "report": "x", "scorecard": {"参与": 9.5}}, 422,
                 "invalid_scorecard", "scorecard"),
                ({"score": 80, "report": "x", "scorecard": {"": 90}}, 422,
                 "invalid_scorecard", "scorecard"),
                ({"score": 80, "report": "x", "scorecard": {"长" * 61: 90}}, 422,
                 "invalid_scorecard", "scorecard"),
                ({"score": 80, "report": "x", "scorecard": many}, 422, "invalid_scorecard",
                 "scorecard"),
                ({"score": 80, "report": "x", "stage": "final"}, 400, "unknown_field",
                 "stage")):
            self.refused("evaluator", "POST", path, body, status, code, field)
        many.pop("指标0")
        self.assertEqual(len(ok(evaluate(pid, scorecard=many))["scorecard"]), 20)

    def test_reading_evaluations(self):
        pid = beneficiary_project("evaluating")
        empty = ok(world.c["worker"].get(f"/api/v1/projects/{pid}/evaluations"), (200,))
        self.assertEqual((empty["total"], empty["items"]), (0, []))
        self.assertIsNone(empty["average_score"])
        ok(evaluate(pid, score=90))
        ok(evaluate(pid, who="evaluator_b", score=81, report="基本达成"))
        lst = ok(world.c["supervisor"].get(f"/api/v1/projects/{pid}/evaluations"), (200,))
        self.assertEqual([i["score"] for i in lst["items"]], [90, 81], "oldest first")
        self.assertAlmostEqual(lst["average_score"], 85.5)
        page = ok(world.c["resident"].get(
            f"/api/v1/projects/{pid}/evaluations?per_page=1&page=2"), (200,))
        self.assertEqual(([i["score"] for i in page["items"]], page["total"]), ([81], 2))
        for who in ("worker2", "outsider", "evaluator_hjt"):
            assert_error(self, world.c[who].get(f"/api/v1/projects/{pid}/evaluations"), 403,
                         "out_of_scope")
        assert_error(self, world.c["worker"].get("/api/v1/projects/999999/evaluations"), 404,
                     "project_not_found")


if __name__ == "__main__":
    unittest.main()
