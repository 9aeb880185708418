"""The needs ring (需求 / 微心愿) per API.md, role by role, and every way it refuses.

Every refusal asserts the status, error.code (and error.field where the server sets one) and
that nothing changed: the audit chain (Snapshot), the need as the admin reads it, and the number
of needs.
"""
import unittest
from concurrent.futures import ThreadPoolExecutor

from harness import PASSWORD, Server, Snapshot, World, assert_error

srv = world = None


def setUpModule():
    global srv, world
    srv = Server()
    world = World(srv)
    # a second provider user, to show that claims belong to whoever made them
    st, body, _ = world.admin.post("/api/v1/users", {
        "username": "provider_b", "password": PASSWORD, "display_name": "provider_b",
        "grants": [{"role": "provider", "area_id": world.areas["jyq"]}]})
    assert st == 201, body
    world.user_ids["provider_b"] = body["id"]
    world.c["provider_b"] = srv.login("provider_b")


def tearDownModule():
    srv.stop()


def provider(capacity=0, user="provider_user", skills=("elderly",)):
    st, body, _ = world.c["worker"].post("/api/v1/providers", {
        "kind": "talent", "name": f"测试能人{capacity}-{user}", "area_id": world.areas["jyq"],
        "skills": list(skills), "capacity": capacity,
        "user_id": world.user_ids[user] if user else None})
    assert st == 201, body
    return body["id"]


def read(nid, who="admin"):
    st, body, _ = world.c[who].get(f"/api/v1/needs/{nid}")
    assert st == 200, (st, body)
    return body


def needs_total():
    st, body, _ = world.admin.get("/api/v1/needs?per_page=1")
    assert st == 200, body
    return body["total"]


def published(who="resident", **kw):
    """A need moved to wish_open by the worker and the secretary."""
    nid = world.need(who, **kw)
    world.move("worker", nid, "accepted")
    world.move("secretary", nid, "wish_open")
    return nid


class Base(unittest.TestCase):
    def refused(self, who, method, path, body, status, code, field=None, need=None):
        """Sends the request and asserts it was refused as said and changed nothing."""
        snap = Snapshot(srv, world.admin)
        before = read(need) if need else None
        total = needs_total()
        resp = world.c[who].request(method, path, body=body)
        assert_error(self, resp, status, code, field)
        snap.assert_unchanged(self)
        self.assertEqual(needs_total(), total, "a refused request added a need")
        if need:
            self.assertEqual(read(need), before, "a refused request changed the need")
        return resp

    def refused_move(self, who, nid, status, code, field=None, **body):
        return self.refused(who, "POST", f"/api/v1/needs/{nid}/transitions", body, status, code,
                            field, need=nid)

    def refused_submit(self, who, status, code, field=None, **kw):
        body = {"area_id": world.areas["jinglan"], "category": "elderly", "title": "标题",
                "description": "描述"}
        body.update(kw)
        body = {k: v for k, v in body.items() if v is not None}
        return self.refused(who, "POST", "/api/v1/needs", body, status, code, field)

    def history(self, nid):
        return [h["to"] for h in read(nid)["history"]]


class Ring(Base):
    def test_resident_wish_from_submission_to_confirmation(self):
        ids = world.user_ids
        st, out, _ = world.c["resident"].post("/api/v1/needs", {
            "area_id": world.areas["jinglan"], "category": "safety", "title": "楼道灭火器过期了",
            "description": "3 栋楼道的灭火器过期，希望更换并讲解使用方法。",
            "beneficiaries": ["elderly", "families"], "urgency": "high", "channel": "self"})
        self.assertEqual(st, 201, out)
        nid = out["id"]
        self.assertEqual(out["status"], "submitted")
        self.assertRegex(out["tracking_no"], r"^XY\d{4}-\d{6}$")
        self.assertIsInstance(out["similar"], list)
        n = read(nid, "resident")
        self.assertEqual(n["status"], "submitted")
        self.assertEqual(n["tracking_no"], out["tracking_no"])
        self.assertEqual(n["channel"], "self")
        self.assertEqual(n["urgency"], "high")
        self.assertEqual(n["category"], "safety")
        self.assertEqual(n["beneficiaries"], ["elderly", "families"])
        self.assertEqual(n["area_id"], world.areas["jinglan"])
        self.assertFalse(n["on_behalf"])
        self.assertEqual(n["submitter"]["user_id"], ids["resident"])
        self.assertEqual(n["supporters"], 0)
        self.assertEqual([h["to"] for h in n["history"]], ["submitted"])

        self.assertEqual(world.move("worker", nid, "accepted")["status"], "accepted")
        # a worker may not publish; the secretary does
        self.refused_move("worker", nid, 403, "forbidden", "to", to="wish_open")
        self.assertEqual(world.move("secretary", nid, "wish_open")["status"], "wish_open")
        # a provider claims only for the provider it represents
        self.refused_move("provider_user", nid, 403, "not_your_provider", "provider_id",
                          to="claimed", provider_id=world.pantry)
        self.refused_move("provider_user", nid, 422, "provider_required", "provider_id",
                          to="claimed")
        self.refused_move("provider_user", nid, 422, "provider_not_found", "provider_id",
                          to="claimed", provider_id=999999)
        out = world.move("provider_user", nid, "claimed", provider_id=world.fire)
        self.assertEqual(out["status"], "claimed")
        self.assertEqual(out["provider_id"], world.fire)
        # another provider may not fulfil someone else's claim
        self.refused_move("provider_b", nid, 403, "not_your_claim", to="fulfilled")
        self.assertEqual(world.move("provider_user", nid, "fulfilled")["status"], "fulfilled")
        # only the resident who made the wish confirms it
        self.refused_move("resident2", nid, 403, "not_your_need", to="confirmed")
        self.refused_move("worker", nid, 403, "resident_confirms", to="confirmed")
        out = world.move("resident", nid, "confirmed")
        self.assertEqual(out["status"], "confirmed")
        h = out["history"]
        self.assertEqual([x["to"] for x in h],
                         ["submitted", "accepted", "wish_open", "claimed", "fulfilled", "confirmed"])
        self.assertEqual([x["from"] for x in h],
                         [None, "submitted", "accepted", "wish_open", "claimed", "fulfilled"])
        self.assertEqual([x["actor_id"] for x in h],
                         [ids["resident"], ids["worker"], ids["secretary"], ids["provider_user"],
                          ids["provider_user"], ids["resident"]])
        self.assertEqual(h[3]["provider_id"], world.fire)
        for x in h:
            self.assertRegex(x["at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
        # confirmed is the end
        for to in ("accepted", "wish_open", "claimed", "fulfilled", "rejected"):
            self.refused_move("worker", nid, 409, "illegal_transition", "to", to=to,
                              reason="x", provider_id=world.pantry)

    def test_worker_records_on_behalf_and_confirms_it_himself(self):
        st, out, _ = world.c["worker"].post("/api/v1/needs", {
            "area_id": world.areas["shiji"], "category": "elderly", "title": "独居老人需要助餐",
            "description": "入户走访时王大爷提出，希望有人每周送两次餐。", "channel": "visit",
            "beneficiaries": ["elderly"],
            "on_behalf_of": {"name": "王大爷", "phone": "13700001111"}})
        self.assertEqual(st, 201, out)
        nid = out["id"]
        n = read(nid, "worker")
        self.assertEqual(n["channel"], "visit")
        self.assertTrue(n["on_behalf"])
        self.assertEqual(n["recorded_by"], world.user_ids["worker"])
        self.assertIsNone(n["submitter"]["user_id"])
        self.assertEqual(n["submitter"]["name"], "王大爷")
        self.assertEqual(n["history"][0]["actor_id"], world.user_ids["worker"])
        world.move("worker", nid, "accepted")
        world.move("secretary", nid, "wish_open")
        world.move("worker", nid, "claimed", provider_id=world.pantry)
        world.move("worker", nid, "fulfilled")
        # no resident account stands behind it: a resident may not confirm it
        self.refused_move("resident3", nid, 403, "not_your_need", to="confirmed")
        out = world.move("worker", nid, "confirmed")
        self.assertEqual(out["status"], "confirmed")
        self.assertEqual(out["history"][-1]["actor_id"], world.user_ids["worker"])

    def test_other_channels_on_behalf(self):
        for ch in ("phone", "desk", "hotline"):
            st, out, _ = world.c["secretary"].post("/api/v1/needs", {
                "area_id": world.areas["jyq"], "category": "environment", "title": "路灯坏了",
                "description": "社区广场路灯不亮。", "channel": ch,
                "on_behalf_of": {"name": "李阿姨"}})
            self.assertEqual(st, 201, out)
            self.assertEqual(read(out["id"])["channel"], ch)

    def test_reject_with_public_reason(self):
        nid = world.need("resident", title="想在小区里养鸡")
        self.refused_move("worker", nid, 422, "reason_required", "reason", to="rejected")
        self.refused_move("worker", nid, 422, "reason_required", "reason", to="rejected",
                          reason="")
        self.refused_move("worker", nid, 422, "reason_required", "reason", to="rejected",
                          reason="长" * 501)
        reason = "小区公约不允许饲养家禽，已转物业答复。"
        out = world.move("worker", nid, "rejected", reason=reason)
        self.assertEqual(out["status"], "rejected")
        self.assertEqual(out["reason"], reason)
        self.assertEqual(out["history"][-1]["reason"], reason)
        # the reason is public: a neighbour sees it in the detail and the history
        n = read(nid, "resident2")
        self.assertEqual(n["status"], "rejected")
        self.assertEqual(n["reason"], reason)
        self.assertEqual(n["history"][-1]["reason"], reason)
        self.assertEqual(n["history"][-1]["to"], "rejected")
        self.refused_move("worker", nid, 409, "illegal_transition", "to", to="accepted")

    def test_reject_after_accept(self):
        nid = world.need("resident3", area=world.areas["shiji"])
        world.move("worker", nid, "accepted")
        out = world.move("secretary", nid, "rejected", reason="预算不足，转入明年计划。")
        self.assertEqual(out["status"], "rejected")

    def test_merge_into_another_need_of_the_community(self):
        a = world.need("resident", title="希望增加健身器材")
        b = world.need("resident3", area=world.areas["shiji"], title="小区缺健身器材")
        out = world.move("worker", a, "merged", merged_into=b)
        self.assertEqual(out["status"], "merged")
        self.assertEqual(out["merged_into"], b)
        self.assertEqual(out["history"][-1]["merged_into"], b)
        # the target stays open; merging it back into the merged one is refused
        self.assertEqual(read(b)["status"], "submitted")
        self.refused_move("worker", b, 409, "merge_target_closed", "merged_into", to="merged",
                          merged_into=a)
        # an accepted need may be merged too
        c = world.need("resident2")
        world.move("worker", c, "accepted")
        self.assertEqual(world.move("secretary", c, "merged", merged_into=b)["status"], "merged")

    def test_merge_refusals(self):
        a = world.need("resident", title="合并测试")
        other = world.need("outsider", area=world.areas["binjiang"])
        rejected = world.need("resident2")
        world.move("worker", rejected, "rejected", reason="重复")
        confirmed = published("resident2")
        world.move("worker", confirmed, "claimed", provider_id=world.pantry)
        world.move("worker", confirmed, "fulfilled")
        world.move("resident2", confirmed, "confirmed")
        self.refused_move("worker", a, 422, "invalid_merge", "merged_into", to="merged",
                          merged_into=a)
        self.refused_move("worker", a, 409, "merge_other_community", "merged_into", to="merged",
                          merged_into=other)
        self.refused_move("worker", a, 409, "merge_target_closed", "merged_into", to="merged",
                          merged_into=rejected)
        self.refused_move("worker", a, 409, "merge_target_closed", "merged_into", to="merged",
                          merged_into=confirmed)
        self.refused_move("worker", a, 422, "merged_into_required", "merged_into", to="merged")
        self.refused_move("worker", a, 422, "merge_target_not_found", "merged_into",
                          to="merged", merged_into=999999)
        self.assertEqual(read(other)["status"], "submitted")

    def test_withdraw_publication(self):
        nid = published()
        self.refused_move("worker", nid, 403, "forbidden", "to", to="accepted")
        self.assertEqual(world.move("secretary", nid, "accepted")["status"], "accepted")

    def test_release_a_claim(self):
        p = provider(capacity=0)
        nid = published()
        out = world.move("provider_user", nid, "claimed", provider_id=p)
        self.assertEqual(out["provider_id"], p)
        self.refused_move("provider_b", nid, 403, "not_your_claim", to="wish_open")
        out = world.move("provider_user", nid, "wish_open")
        self.assertEqual(out["status"], "wish_open")
        self.assertIsNone(out["provider_id"])
        self.assertEqual([h["to"] for h in out["history"]][-2:], ["claimed", "wish_open"])
        # it can be claimed again, by another provider, and a worker may release that claim
        p2 = provider(capacity=0, user="provider_b")
        world.move("provider_b", nid, "claimed", provider_id=p2)
        self.assertEqual(world.move("worker", nid, "wish_open")["status"], "wish_open")

    def test_provider_capacity(self):
        p = provider(capacity=2)
        n1, n2, n3 = published(), published(), published()
        world.move("provider_user", n1, "claimed", provider_id=p)
        world.move("provider_user", n2, "claimed", provider_id=p)
        self.refused_move("provider_user", n3, 409, "provider_at_capacity", "provider_id",
                          to="claimed", provider_id=p)
        # a worker cannot overbook it either
        self.refused_move("worker", n3, 409, "provider_at_capacity", "provider_id",
                          to="claimed", provider_id=p)
        st, prov, _ = world.c["worker"].get(f"/api/v1/providers/{p}")
        self.assertEqual(prov["open_claims"], 2)
        # a fulfilled claim frees a place
        world.move("provider_user", n1, "fulfilled")
        world.move("provider_user", n3, "claimed", provider_id=p)
        self.assertEqual(read(n3)["status"], "claimed")


    def test_claim_with_a_provider_of_another_community_is_refused(self):
        # a provider of 合江亭社区, which the 九眼桥 worker may not even read
        st, p, _ = world.c["worker2"].post("/api/v1/providers", {
            "kind": "talent", "name": "合江亭理发师", "area_id": world.areas["hjt"],
            "skills": ["elderly"], "capacity": 0})
        self.assertEqual(st, 201, p)
        assert_error(self, world.c["worker"].get(f"/api/v1/providers/{p['id']}"), 403,
                     "out_of_scope")
        nid = published()
        self.refused_move("worker", nid, 409, "provider_out_of_area", "provider_id",
                          to="claimed", provider_id=p["id"])
        self.refused_move("secretary", nid, 409, "provider_out_of_area", "provider_id",
                          to="claimed", provider_id=p["id"])

    def test_a_provider_registered_above_serves_the_community(self):
        st, p, _ = world.admin.post("/api/v1/providers", {
            "kind": "resource", "name": "街道综合文化站", "area_id": world.areas["street"],
            "skills": ["culture"], "capacity": 0})
        self.assertEqual(st, 201, p)
        nid = published()
        out = world.move("worker", nid, "claimed", provider_id=p["id"])
        self.assertEqual(out["provider_id"], p["id"])


class Concurrency(Base):
    def test_parallel_supports_count_once(self):
        nid = world.need("resident")
        snap = Snapshot(srv, world.admin)
        with ThreadPoolExecutor(16) as ex:
            codes = list(ex.map(
                lambda _: world.c["resident2"].post(f"/api/v1/needs/{nid}/support")[0], range(16)))
        self.assertEqual(sorted(codes), [201] + [409] * 15)
        self.assertEqual(read(nid)["supporters"], 1)
        st, v, _ = world.admin.get("/api/v1/audit/verify")
        self.assertTrue(v["ok"])
        self.assertEqual(v["count"], snap.count + 1)

    def test_parallel_claims_respect_capacity(self):
        p = provider(capacity=1)
        ns = [published() for _ in range(6)]
        snap = Snapshot(srv, world.admin)
        with ThreadPoolExecutor(6) as ex:
            codes = list(ex.map(lambda n: world.c["provider_user"].post(
                f"/api/v1/needs/{n}/transitions", {"to": "claimed", "provider_id": p})[0], ns))
        self.assertEqual(sorted(codes), [200] + [409] * 5)
        self.assertEqual([read(n)["status"] for n in ns].count("claimed"), 1)
        st, v, _ = world.admin.get("/api/v1/audit/verify")
        self.assertEqual(v["count"], snap.count + 1)

    def test_parallel_moves_of_one_need_take_one_edge(self):
        nid = world.need("resident")
        target = world.need("resident2")
        snap = Snapshot(srv, world.admin)
        # both edges end the need: only the first may happen
        bodies = [{"to": "merged", "merged_into": target}, {"to": "rejected", "reason": "重复"}] * 4
        with ThreadPoolExecutor(8) as ex:
            codes = list(ex.map(lambda b: world.c["worker"].post(
                f"/api/v1/needs/{nid}/transitions", b)[0], bodies))
        self.assertEqual(sorted(codes), [200] + [409] * 7)
        self.assertEqual(len(read(nid)["history"]), 2)
        st, v, _ = world.admin.get("/api/v1/audit/verify")
        self.assertEqual(v["count"], snap.count + 1)


class Support(Base):
    def test_support_once_and_count(self):
        nid = world.need("resident", title="希望修缮凉亭")
        st, out, _ = world.c["resident2"].post(f"/api/v1/needs/{nid}/support")
        self.assertEqual(st, 201, out)
        self.assertEqual(out["supporters"], 1)
        self.refused("resident2", "POST", f"/api/v1/needs/{nid}/support", None, 409,
                     "already_supported", need=nid)
        st, out, _ = world.c["resident3"].post(f"/api/v1/needs/{nid}/support", {})
        self.assertEqual(st, 201, out)
        self.assertEqual(out["supporters"], 2)
        n = read(nid, "resident2")
        self.assertEqual(n["supporters"], 2)
        self.assertTrue(n["supported_by_me"])
        self.assertFalse(read(nid, "resident")["supported_by_me"])
        # +1 does not move the need
        self.assertEqual(n["status"], "submitted")
        self.assertEqual(len(n["history"]), 1)

    def test_own_need_409(self):
        nid = world.need("resident")
        self.refused("resident", "POST", f"/api/v1/needs/{nid}/support", None, 409, "own_need",
                     need=nid)

    def test_closed_need_409(self):
        rejected = world.need("resident")
        world.move("worker", rejected, "rejected", reason="不属于社区事务")
        self.refused("resident2", "POST", f"/api/v1/needs/{rejected}/support", None, 409,
                     "need_closed", need=rejected)
        target = world.need("resident")
        merged = world.need("resident")
        world.move("worker", merged, "merged", merged_into=target)
        self.refused("resident2", "POST", f"/api/v1/needs/{merged}/support", None, 409,
                     "need_closed", need=merged)

    def test_only_residents_of_the_community_support(self):
        nid = world.need("resident")
        self.refused("worker", "POST", f"/api/v1/needs/{nid}/support", None, 403, "forbidden",
                     need=nid)
        self.refused("provider_user", "POST", f"/api/v1/needs/{nid}/support", None, 403,
                     "forbidden", need=nid)
        self.refused("outsider", "POST", f"/api/v1/needs/{nid}/support", None, 403,
                     "out_of_scope", need=nid)

    def test_support_body_must_be_empty_object(self):
        nid = world.need("resident")
        self.refused("resident2", "POST", f"/api/v1/needs/{nid}/support", {"count": 5}, 400,
                     "unknown_field", "count", need=nid)


class Refusals(Base):
    def test_illegal_edges_409(self):
        nid = world.need()
        for to in ("fulfilled", "confirmed", "claimed", "wish_open", "submitted"):
            self.refused_move("worker", nid, 409, "illegal_transition", "to", to=to,
                              provider_id=world.pantry)
        world.move("worker", nid, "accepted")
        self.refused_move("worker", nid, 409, "illegal_transition", "to", to="accepted")
        self.refused_move("worker", nid, 409, "illegal_transition", "to", to="fulfilled")

    def test_in_project_only_by_project_approval(self):
        nid = world.need()
        world.move("worker", nid, "accepted")
        self.refused_move("worker", nid, 409, "illegal_transition", "to", to="in_project")
        self.refused_move("secretary", nid, 409, "illegal_transition", "to", to="in_project")
        self.refused_move("admin", nid, 409, "illegal_transition", "to", to="in_project")

    def test_unknown_or_missing_state_422(self):
        nid = world.need()
        self.refused_move("worker", nid, 422, "invalid_status", "to", to="done")
        self.refused("worker", "POST", f"/api/v1/needs/{nid}/transitions", {}, 422,
                     "missing_field", "to", need=nid)

    def test_worker_of_another_community_out_of_scope(self):
        nid = world.need()
        assert_error(self, world.c["worker2"].get(f"/api/v1/needs/{nid}"), 403, "out_of_scope")
        self.refused_move("worker2", nid, 403, "out_of_scope", to="accepted")
        self.refused_move("worker2", nid, 403, "out_of_scope", to="rejected", reason="不归我们管")
        # nor does it show up in their list
        st, body, _ = world.c["worker2"].get("/api/v1/needs?per_page=100")
        self.assertNotIn(nid, [n["id"] for n in body["items"]])

    def test_resident_of_another_community_cannot_read(self):
        nid = world.need()
        assert_error(self, world.c["outsider"].get(f"/api/v1/needs/{nid}"), 403, "out_of_scope")
        st, body, _ = world.c["outsider"].get("/api/v1/needs?per_page=100")
        self.assertEqual(st, 200)
        self.assertNotIn(nid, [n["id"] for n in body["items"]])
        assert_error(self, world.c["outsider"].get(
            f"/api/v1/needs?area_id={world.areas['jyq']}"), 403, "out_of_scope", "area_id")

    def test_roles_that_may_not_triage(self):
        nid = world.need()
        self.refused_move("provider_user", nid, 403, "forbidden", "to", to="accepted")
        self.refused_move("volunteer", nid, 403, "forbidden", "to", to="accepted")
        self.refused_move("supervisor", nid, 403, "forbidden", "to", to="accepted")
        self.refused_move("evaluator", nid, 403, "forbidden", "to", to="rejected", reason="x")
        self.refused_move("resident2", nid, 403, "forbidden", "to", to="accepted")
        self.refused_move("resident", nid, 403, "forbidden", "to", to="accepted")

    def test_resident_may_not_record_on_behalf(self):
        self.refused_submit("resident", 403, "forbidden", "on_behalf_of", channel="visit",
                            on_behalf_of={"name": "邻居老张"})
        self.refused_submit("resident", 403, "forbidden", "on_behalf_of", channel="phone")

    def test_resident_may_not_submit_in_another_community(self):
        self.refused_submit("resident", 403, "out_of_scope", "area_id",
                            area_id=world.areas["binjiang"])

    def test_provider_may_not_submit(self):
        self.refused_submit("provider_user", 403, "forbidden")

    def test_worker_must_say_for_whom_and_how(self):
        self.refused_submit("worker", 422, "on_behalf_required", "on_behalf_of")
        self.refused_submit("worker", 422, "on_behalf_required", "on_behalf_of", channel="self")
        self.refused_submit("worker", 422, "on_behalf_required", "on_behalf_of", channel="visit")
        self.refused_submit("worker", 422, "channel_required", "channel",
                            on_behalf_of={"name": "张三"})
        self.refused_submit("worker", 422, "channel_required", "channel", channel="self",
                            on_behalf_of={"name": "张三"})
        self.refused_submit("worker", 422, "missing_field", "on_behalf_of.name", channel="visit",
                            on_behalf_of={"phone": "13700000000"})
        self.refused_submit("worker", 422, "invalid_phone", "on_behalf_of.phone", channel="visit",
                            on_behalf_of={"name": "张三", "phone": "电话"})
        self.refused_submit("worker2", 403, "out_of_scope", "area_id", channel="visit",
                            on_behalf_of={"name": "张三"})

    def test_invalid_values_422_with_field(self):
        self.refused_submit("resident", 422, "invalid_category", "category", category="gardening")
        self.refused_submit("resident", 422, "invalid_urgency", "urgency", urgency="urgent")
        self.refused_submit("resident", 422, "invalid_channel", "channel", channel="email")
        self.refused_submit("resident", 422, "invalid_beneficiary", "beneficiaries",
                            beneficiaries=["pets"])
        self.refused_submit("resident", 422, "invalid_beneficiary", "beneficiaries",
                            beneficiaries=["elderly", "elderly"])
        self.refused_submit("resident", 422, "too_many_items", "beneficiaries",
                            beneficiaries=["elderly", "children", "youth", "women", "disabled",
                                           "low_income", "families", "all", "elderly"])
        self.refused_submit("resident", 422, "missing_field", "category", category=None)
        self.refused_submit("resident", 422, "invalid_description", "description",
                            description="")

    def test_title_length(self):
        self.refused_submit("resident", 422, "invalid_title", "title", title="长" * 101)
        self.refused_submit("resident", 422, "invalid_title", "title", title="")
        self.refused_submit("resident", 422, "invalid_title", "title", title="响铃\u0007")
        # 100 characters (code points, not bytes) is fine
        nid = world.need("resident", title="长" * 100)
        self.assertEqual(read(nid)["title"], "长" * 100)

    def test_area_must_be_a_community_or_compound(self):
        for kind in ("street", "district", "city", "province"):
            self.refused_submit("resident", 422, "invalid_area", "area_id",
                                area_id=world.areas[kind])
        self.refused_submit("worker", 422, "invalid_area", "area_id", area_id=world.areas["street"],
                            channel="visit", on_behalf_of={"name": "张三"})
        self.refused_submit("resident", 422, "area_not_found", "area_id", area_id=999999)
        self.refused_submit("resident", 422, "area_required", "area_id", area_id=0)
        # a need directly in the community is fine
        nid = world.need("resident", area=world.areas["jyq"])
        self.assertEqual(read(nid)["area_id"], world.areas["jyq"])

    def test_nonexistent_need_404(self):
        assert_error(self, world.c["worker"].get("/api/v1/needs/999999"), 404, "need_not_found")
        self.refused("worker", "POST", "/api/v1/needs/999999/transitions", {"to": "accepted"},
                     404, "need_not_found")
        self.refused("resident", "POST", "/api/v1/needs/999999/support", None, 404,
                     "need_not_found")

    def test_unauthenticated_401(self):
        nid = world.need()
        c = srv.client()
        assert_error(self, c.get(f"/api/v1/needs/{nid}"), 401, "not_logged_in")
        snap = Snapshot(srv, world.admin)
        before, total = read(nid), needs_total()
        assert_error(self, c.post(f"/api/v1/needs/{nid}/transitions", {"to": "accepted"}), 401,
                     "not_logged_in")
        assert_error(self, c.post(f"/api/v1/needs/{nid}/support"), 401, "not_logged_in")
        assert_error(self, c.post("/api/v1/needs", {"area_id": world.areas["jinglan"]}), 401,
                     "not_logged_in")
        snap.assert_unchanged(self)
        self.assertEqual(read(nid), before)
        self.assertEqual(needs_total(), total)


class Lists(Base):
    """Needs whose text carries the token LSTQ, made once for the class."""

    @classmethod
    def setUpClass(cls):
        j, s = world.areas["jinglan"], world.areas["shiji"]
        cls.l1 = world.need("resident", area=j, category="culture", title="LSTQ 一号 广场舞音响")
        cls.l2 = world.need("resident3", area=s, category="environment", title="LSTQ 二号 垃圾分类")
        cls.l3 = world.need("resident", area=j, category="culture", title="LSTQ 三号书法班")
        world.move("worker", cls.l3, "accepted")
        st, out, _ = world.c["worker"].post("/api/v1/needs", {
            "area_id": s, "category": "medical", "title": "LSTQ 四号 义诊",
            "description": "走访记录", "channel": "visit", "on_behalf_of": {"name": "赵奶奶"}})
        assert st == 201, out
        cls.l4 = out["id"]
        cls.l5 = world.need("resident2", area=j, category="culture", title="LSTQ 五号 合唱团")
        cls.l6 = world.need("resident2", area=j, category="elderly", title="描述里有关键词",
                            description="见 LSTQ 说明")
        cls.all = [cls.l6, cls.l5, cls.l4, cls.l3, cls.l2, cls.l1]

    def ids(self, query, who="worker"):
        st, body, _ = world.c[who].get("/api/v1/needs?" + query)
        self.assertEqual(st, 200, body)
        return [n["id"] for n in body["items"]], body

    def found(self, query, who="worker"):
        """The ids a search finds, as a set (the order is relevance: tests/api/test_search.py)."""
        return sorted(self.ids(query, who)[0], reverse=True)

    def test_q_substring_most_relevant_first(self):
        ids, body = self.ids("q=LSTQ")
        self.assertEqual(sorted(ids, reverse=True), self.all)
        self.assertEqual(ids[-1], self.l6)  # only in the description: ranked after the titles
        self.assertEqual(body["total"], 6)
        self.assertFalse(body["total_capped"])
        ids, _ = self.ids("q=%E4%B8%89%E5%8F%B7%E4%B9%A6%E6%B3%95")  # 三号书法
        self.assertEqual(ids, [self.l3])
        ids, _ = self.ids("q=%E8%A7%81%20LSTQ")  # "见 LSTQ", in the description only
        self.assertEqual(ids, [self.l6])

    def test_q_wildcards_are_literal(self):
        self.assertEqual(self.ids("q=LSTQ%25")[0], [])   # "LSTQ%"
        self.assertEqual(self.ids("q=LSTQ_")[0], [])
        self.assertEqual(self.ids("q=%25")[1]["total"], 0)

    def test_status_category_area_filters(self):
        self.assertEqual(self.ids("q=LSTQ&status=accepted")[0], [self.l3])
        self.assertEqual(self.found("q=LSTQ&category=culture"), [self.l5, self.l3, self.l1])
        self.assertEqual(self.found(f"q=LSTQ&area_id={world.areas['shiji']}"),
                         [self.l4, self.l2])
        self.assertEqual(self.found(f"q=LSTQ&area_id={world.areas['jinglan']}&category=culture"
                                    "&status=submitted"), [self.l5, self.l1])
        # every item in a status list has that status
        ids, body = self.ids("status=submitted&per_page=100")
        self.assertTrue(all(n["status"] == "submitted" for n in body["items"]))

    def test_mine(self):
        self.assertEqual(self.found("q=LSTQ&mine=true", "resident"), [self.l3, self.l1])
        self.assertEqual(self.found("q=LSTQ&mine=true", "resident2"), [self.l6, self.l5])
        self.assertEqual(self.found("q=LSTQ&mine=false", "resident"), self.all)
        # needs a worker records on behalf are not "his"
        self.assertEqual(self.ids("q=LSTQ&mine=true", "worker")[0], [])

    def test_resident_sees_the_community(self):
        # a resident of 世纪朝阳 sees the neighbours' needs of 晶蓝半岛 (same community)
        self.assertEqual(self.found("q=LSTQ", "resident3"), self.all)
        self.assertEqual(self.ids("q=LSTQ", "outsider")[0], [])
        self.assertEqual(self.ids("q=LSTQ", "worker2")[0], [])

    def test_pagination(self):
        ranked = self.ids("q=LSTQ&per_page=100")[0]
        seen = []
        for page in (1, 2, 3):
            ids, body = self.ids(f"q=LSTQ&per_page=2&page={page}")
            self.assertEqual(len(ids), 2)
            self.assertEqual(body["total"], 6)
            self.assertEqual(body["page"], page)
            self.assertEqual(body["per_page"], 2)
            seen += ids
        self.assertEqual(seen, ranked)
        ids, body = self.ids("q=LSTQ&per_page=2&page=4")
        self.assertEqual(ids, [])
        self.assertEqual(body["total"], 6)
        ids, body = self.ids("q=LSTQ&per_page=100")
        self.assertEqual(len(ids), 6)
        st, body, _ = world.c["worker"].get("/api/v1/needs")
        self.assertEqual(body["per_page"], 20)
        self.assertEqual(body["page"], 1)

    def test_bad_list_parameters_422(self):
        c = world.c["worker"]
        assert_error(self, c.get("/api/v1/needs?per_page=101"), 422, "invalid_parameter",
                     "per_page")
        assert_error(self, c.get("/api/v1/needs?per_page=0"), 422, "invalid_parameter",
                     "per_page")
        assert_error(self, c.get("/api/v1/needs?page=0"), 422, "invalid_parameter", "page")
        assert_error(self, c.get("/api/v1/needs?page=-1"), 422, "invalid_parameter", "page")
        assert_error(self, c.get("/api/v1/needs?page=x"), 422, "invalid_parameter", "page")
        assert_error(self, c.get("/api/v1/needs?status=done"), 422, "invalid_status", "status")
        assert_error(self, c.get("/api/v1/needs?mine=yes"), 422, "invalid_parameter", "mine")
        assert_error(self, c.get("/api/v1/needs?area_id=abc"), 422, "invalid_parameter",
                     "area_id")
        assert_error(self, c.get(f"/api/v1/needs?area_id={world.areas['hjt']}"), 403,
                     "out_of_scope", "area_id")
        assert_error(self, c.get("/api/v1/needs?q=" + "x" * 201), 422, "invalid_query", "q")


class ZzKeptCounts(Base):
    """Runs last: after every submission, transition and refusal above, the kept counts
    behind list totals (need_counts) agree with the needs themselves, and the list totals of
    each area and status agree with a count of their items."""

    def test_kept_counts_match_the_needs(self):
        kept = srv.sql("SELECT area_id || ':' || status || ':' || n FROM need_counts "
                       "WHERE n <> 0 ORDER BY area_id, status")
        real = srv.sql("SELECT area_id || ':' || status || ':' || COUNT(*) FROM needs "
                       "GROUP BY area_id, status ORDER BY area_id, status")
        self.assertEqual(kept.split(), real.split())
        self.assertNotEqual(real.strip(), "")

    def test_list_totals_match_their_items(self):
        c = world.c["secretary"]
        for area in ("jyq", "jinglan", "shiji"):
            for status in ("", "submitted", "accepted", "rejected", "confirmed"):
                q = f"/api/v1/needs?area_id={world.areas[area]}&per_page=100"
                if status:
                    q += f"&status={status}"
                items, page, total = [], 1, None
                while True:
                    st, body, _ = c.get(q + f"&page={page}")
                    self.assertEqual(st, 200, body)
                    total = body["total"]
                    items += body["items"]
                    if len(body["items"]) < 100:
                        break
                    page += 1
                self.assertEqual(total, len(items), (area, status))
                if status:
                    self.assertTrue(all(i["status"] == status for i in items))
                ids = [i["id"] for i in items]
                self.assertEqual(ids, sorted(ids, reverse=True))


if __name__ == "__main__":
    unittest.main()
