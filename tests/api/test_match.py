"""The matching engine over the API (issue 5): POST /api/v1/match and
GET /api/v1/needs/{id}/candidates. Suggestions only: they change nothing (Snapshot).

The World's pools: 牛市口消防中队 (talent, safety, capacity 2) and 九眼桥义仓 (resource,
charity + elderly, capacity 0 = no limit), both registered at 九眼桥社区.
"""
import json
import unittest

from harness import (ADMIN_PASSWORD, Server, Snapshot, World, assert_error, drop_database,
                     new_database, run_cli)

srv = world = None


def setUpModule():
    global srv, world
    srv = Server()
    world = World(srv)


def tearDownModule():
    srv.stop()


def accepted(category, title, area="jinglan", urgency="normal"):
    nid = world.need(area=world.areas[area], category=category, title=title, urgency=urgency)
    world.move("worker", nid, "accepted")
    return nid


class Match(unittest.TestCase):
    def test_area_suggestion_respects_skills_capacity_and_explains(self):
        safety = [accepted("safety", f"楼道消防通道被堵 {i}") for i in range(3)]
        elderly = [accepted("elderly", f"独居老人需要助餐 {i}") for i in range(2)]
        snap = Snapshot(srv, world.admin)
        st, body, _ = world.c["worker"].post("/api/v1/match",
                                             {"need_ids": safety + elderly})
        self.assertEqual(st, 200, body)
        snap.assert_unchanged(self)
        by_need = {m["need_id"]: m for m in body["matches"]}
        fire = [n for n in safety if n in by_need]
        self.assertEqual(len(fire), 2, "the fire brigade has capacity 2")
        for n in fire:
            self.assertEqual(by_need[n]["provider_id"], world.fire)
            self.assertIn("技能匹配: safety", by_need[n]["reasons"])
            self.assertIn("同一社区", by_need[n]["reasons"])
        self.assertEqual([n for n in safety if n not in by_need],
                         [n for n in body["unmatched"] if n in safety])
        for n in elderly:
            self.assertEqual(by_need[n]["provider_id"], world.pantry)
            self.assertIn("技能匹配: elderly", by_need[n]["reasons"])
        self.assertEqual(body["objective"], sum(m["score"] for m in body["matches"]))
        # the same input gives the same answer
        st, again, _ = world.c["worker"].post("/api/v1/match", {"need_ids": safety + elderly})
        self.assertEqual(again, body)

    def test_urgent_needs_win_scarce_capacity(self):
        low = [accepted("safety", f"低优先 {i}", urgency="low") for i in range(2)]
        high = [accepted("safety", f"紧急隐患 {i}", urgency="high") for i in range(2)]
        st, body, _ = world.c["worker"].post("/api/v1/match", {"need_ids": low + high})
        self.assertEqual(st, 200, body)
        chosen = sorted(m["need_id"] for m in body["matches"])
        self.assertEqual(chosen, sorted(high))
        for m in body["matches"]:
            self.assertIn("紧急", m["reasons"])

    def test_open_claims_use_up_capacity(self):
        a = accepted("safety", "消防器材过期")
        b = accepted("safety", "电动车楼道充电")
        c = accepted("safety", "燃气管道老化")
        world.move("secretary", a, "wish_open")
        world.move("worker", a, "claimed", provider_id=world.fire)
        st, body, _ = world.c["worker"].post("/api/v1/match", {"need_ids": [b, c]})
        self.assertEqual(st, 200, body)
        self.assertEqual(len([m for m in body["matches"] if m["provider_id"] == world.fire]), 1,
                         "one of the fire brigade's two places is taken by a claim")
        world.move("worker", a, "wish_open")  # release the claim for the other tests

    def test_area_wide(self):
        n = accepted("elderly", "老年食堂")
        st, body, _ = world.c["worker"].post("/api/v1/match", {"area_id": world.areas["jyq"]})
        self.assertEqual(st, 200, body)
        self.assertIn(n, [m["need_id"] for m in body["matches"]])
        self.assertGreaterEqual(body["needs"], 1)
        self.assertEqual(body["providers"], 2)
        st, body, _ = world.c["worker"].post("/api/v1/match", {})
        self.assertEqual(st, 200, "without area_id the caller's scope is matched")
        st, other, _ = world.c["worker2"].post("/api/v1/match", {})
        self.assertEqual(st, 200, other)
        self.assertNotIn(n, [m["need_id"] for m in other["matches"]] + other["unmatched"])

    def test_refusals(self):
        mine = accepted("safety", "拒绝测试")
        theirs = world.need("outsider", area=world.areas["binjiang"])
        cases = [
            ("resident", {"area_id": world.areas["jyq"]}, 403, "forbidden"),
            ("supervisor", {"area_id": world.areas["jyq"]}, 403, "forbidden"),
            ("worker2", {"area_id": world.areas["jyq"]}, 403, "out_of_scope"),
            ("worker", {"need_ids": [theirs]}, 403, "out_of_scope"),
            ("worker", {"need_ids": [mine, mine]}, 422, "duplicate_need"),
            ("worker", {"need_ids": [999999]}, 422, "need_not_found"),
            ("worker", {"need_ids": [0]}, 422, "invalid_id"),
            ("worker", {"need_ids": list(range(1, 202))}, 422, "too_many_items"),
            ("worker", {"area_id": 999999}, 404, "area_not_found"),
            ("worker", {"area_id": "x"}, 400, "wrong_type"),
            ("worker", {"need_ids": "1"}, 400, "wrong_type"),
            ("worker", {"limit": 3}, 400, "unknown_field"),
        ]
        for who, body, status, code in cases:
            with self.subTest(who=who, body=body):
                snap = Snapshot(srv, world.admin)
                assert_error(self, world.c[who].post("/api/v1/match", body), status, code)
                snap.assert_unchanged(self)
        assert_error(self, world.c["worker"].request("POST", "/api/v1/match", raw="[1"), 400,
                     "malformed_json")


class Candidates(unittest.TestCase):
    def test_best_providers_first_with_reasons(self):
        n = accepted("safety", "小区消防演练")
        st, body, _ = world.c["worker"].get(f"/api/v1/needs/{n}/candidates")
        self.assertEqual(st, 200, body)
        self.assertEqual(body["need_id"], n)
        self.assertEqual(body["candidates"][0]["provider_id"], world.fire)
        self.assertEqual(body["candidates"][0]["name"], "牛市口消防中队")
        self.assertIn("技能匹配: safety", body["candidates"][0]["reasons"])
        self.assertEqual(len(body["candidates"]), 1, "the pantry has no safety skill")
        e = accepted("elderly", "助老服务")
        st, body, _ = world.c["secretary"].get(f"/api/v1/needs/{e}/candidates?k=1")
        self.assertEqual(st, 200, body)
        (c,) = body["candidates"]
        self.assertEqual((c["provider_id"], c["remaining_capacity"]), (world.pantry, None))
        scores = [x["score"] for x in body["candidates"]]
        self.assertEqual(scores, sorted(scores, reverse=True))

    def test_refusals(self):
        n = accepted("safety", "候选拒绝")
        assert_error(self, world.c["worker2"].get(f"/api/v1/needs/{n}/candidates"), 403,
                     "out_of_scope")
        assert_error(self, world.c["resident"].get(f"/api/v1/needs/{n}/candidates"), 403,
                     "forbidden")
        assert_error(self, world.c["worker"].get("/api/v1/needs/999999/candidates"), 404,
                     "need_not_found")
        for k in ("0", "21", "x"):
            assert_error(self, world.c["worker"].get(f"/api/v1/needs/{n}/candidates?k={k}"),
                         422, "invalid_parameter")


class CommandLine(unittest.TestCase):
    def test_area_mode_gives_the_apis_answer(self):
        accepted("safety", "命令行匹配")
        st, api, _ = world.c["worker"].post("/api/v1/match", {"area_id": world.areas["jyq"]})
        self.assertEqual(st, 200, api)
        p = run_cli("match", "--area", str(world.areas["jyq"]), "--db", srv.db, "--json")
        self.assertEqual(json.loads(p.stdout), api)
        p = run_cli("match", "--area", str(world.areas["jyq"]), "--db", srv.db)
        self.assertIn("技能匹配: safety", p.stdout)
        self.assertIn("牛市口消防中队", p.stdout)
        for bad in ("0", "x", "999999"):
            p = run_cli("match", "--area", bad, "--db", srv.db, check=False)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn("xinyuan:", p.stderr)

    def test_demo_jiuyanqiao(self):
        """Issue 5's acceptance: on the demo data the safety needs of 九眼桥社区 go to the fire
        brigade, elderly needs to providers with the elderly skill, within capacity, with
        reasons."""
        db = new_database("match")
        try:
            run_cli("demo", "--db", db, env={"XINYUAN_ADMIN_PASSWORD": ADMIN_PASSWORD})
            srv2 = Server(db=db)
            try:
                admin = srv2.login("admin", ADMIN_PASSWORD)
                st, areas, _ = admin.get("/api/v1/areas")
                jyq = [x["id"] for x in areas["items"] if x["name"] == "九眼桥社区"][0]
                st, providers, _ = admin.get(f"/api/v1/providers?area_id={jyq}&per_page=100")
                prov = {x["id"]: x for x in providers["items"]}
                out = json.loads(run_cli("match", "--area", str(jyq), "--db", db,
                                         "--json").stdout)
            finally:
                srv2.stop()
        finally:
            drop_database(db)
        self.assertGreater(len(out["matches"]), 0)
        used = {}
        for m in out["matches"]:
            self.assertTrue(m["reasons"], m)
            used[m["provider_id"]] = used.get(m["provider_id"], 0) + 1
            skills = prov[m["provider_id"]]["skills"]
            if "技能匹配: safety" in m["reasons"]:
                self.assertIn("消防", m["provider_name"])
            cat = [r for r in m["reasons"] if r.startswith("技能匹配: ")]
            if cat and cat[0].endswith("elderly"):
                self.assertIn("elderly", skills)
        self.assertTrue(any("技能匹配: safety" in m["reasons"] for m in out["matches"]))
        self.assertTrue(any("技能匹配: elderly" in m["reasons"] for m in out["matches"]))
        for pid, n in used.items():
            cap = prov[pid]["capacity"]
            if cap:
                self.assertLessEqual(n, cap, f"provider {pid} past its capacity")


if __name__ == "__main__":
    unittest.main()
