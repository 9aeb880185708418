"""Personal data: who sees names and phone numbers in full, and the audited reveal.

resident (居民resident, 13912345678) submits a need in 晶蓝半岛小区. A neighbour sees the name
and phone masked; the submitter sees their own in full; the worker sees the full name and a
masked phone, and the full phone only with ?reveal=phone, which writes need.pii_revealed.
"""
import unittest

from harness import Server, Snapshot, World, assert_error

srv = world = None
PHONE = "13912345678"
MASKED = "139****5678"
NAME = "居民resident"


def setUpModule():
    global srv, world
    srv = Server()
    world = World(srv)


def tearDownModule():
    srv.stop()


def audit_count():
    st, body, _ = world.admin.get("/api/v1/audit/verify")
    assert st == 200 and body["ok"], body
    return body["count"]


def need_events(nid):
    st, body, _ = world.admin.get(f"/api/v1/audit?entity=need&entity_id={nid}&per_page=100")
    assert st == 200, body
    return body["items"]


def find(items, nid):
    for n in items:
        if n["id"] == nid:
            return n
    raise AssertionError(f"need {nid} not in the list")


class Masking(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.nid = world.need("resident", title="PRIVQ 楼下噪音扰民")
        st, out, _ = world.c["worker"].post("/api/v1/needs", {
            "area_id": world.areas["shiji"], "category": "elderly", "title": "PRIVQ 代录需求",
            "description": "电话反映", "channel": "phone",
            "on_behalf_of": {"name": "欧阳娜娜", "phone": "13655556666"}})
        assert st == 201, out
        cls.behalf = out["id"]

    def detail(self, who, nid=None, query=""):
        st, body, _ = world.c[who].get(f"/api/v1/needs/{nid or self.nid}{query}")
        self.assertEqual(st, 200, body)
        return body

    def listed(self, who, nid=None):
        st, body, _ = world.c[who].get("/api/v1/needs?q=PRIVQ&per_page=100")
        self.assertEqual(st, 200, body)
        return find(body["items"], nid or self.nid)

    def test_neighbour_sees_masked_name_and_phone(self):
        for view in (self.detail("resident2"), self.listed("resident2"),
                     self.detail("resident3"), self.listed("resident3")):
            s = view["submitter"]
            self.assertEqual(s["phone"], MASKED)
            self.assertNotEqual(s["name"], NAME)
            self.assertTrue(s["name"].startswith("居"), s["name"])
            self.assertNotIn("resident", s["name"])
            self.assertIsNone(s["user_id"], "the neighbour learns the submitter's user id")
            self.assertTrue(s["masked"])
            self.assertNotIn(PHONE, str(view))

    def test_submitter_sees_their_own_in_full(self):
        for view in (self.detail("resident"), self.listed("resident")):
            s = view["submitter"]
            self.assertEqual(s["name"], NAME)
            self.assertEqual(s["phone"], PHONE)
            self.assertEqual(s["user_id"], world.user_ids["resident"])
            self.assertFalse(s["masked"])

    def test_worker_sees_full_name_masked_phone(self):
        for who in ("worker", "secretary"):
            for view in (self.detail(who), self.listed(who)):
                s = view["submitter"]
                self.assertEqual(s["name"], NAME)
                self.assertEqual(s["phone"], MASKED)
                self.assertTrue(s["masked"])
                self.assertNotIn(PHONE, str(view))

    def test_roles_without_pii_see_masked(self):
        for who in ("provider_user", "volunteer", "supervisor", "evaluator"):
            view = self.detail(who)
            self.assertEqual(view["submitter"]["phone"], MASKED, who)
            self.assertNotEqual(view["submitter"]["name"], NAME, who)

    def test_on_behalf_person_is_masked_too(self):
        v = self.detail("resident", self.behalf)
        self.assertEqual(v["submitter"]["phone"], "136****6666")
        self.assertNotEqual(v["submitter"]["name"], "欧阳娜娜")
        self.assertTrue(v["submitter"]["name"].startswith("欧"))
        v = self.listed("resident2", self.behalf)
        self.assertNotIn("13655556666", str(v))
        self.assertNotIn("欧阳娜娜", str(v))
        w = self.detail("worker", self.behalf)
        self.assertEqual(w["submitter"]["name"], "欧阳娜娜")
        self.assertEqual(w["submitter"]["phone"], "136****6666")

    def test_pii_never_lands_in_the_audit_trail(self):
        st, body, _ = world.admin.get("/api/v1/audit?per_page=100")
        self.assertEqual(st, 200)
        text = str(body)
        for secret in (PHONE, "13655556666", "13912340002"):
            self.assertNotIn(secret, text)


class Reveal(unittest.TestCase):
    def test_worker_reveals_phone_and_it_is_audited(self):
        nid = world.need("resident")
        before = audit_count()
        st, body, _ = world.c["worker"].get(f"/api/v1/needs/{nid}?reveal=phone")
        self.assertEqual(st, 200, body)
        self.assertEqual(body["submitter"]["phone"], PHONE)
        self.assertEqual(body["submitter"]["name"], NAME)
        self.assertEqual(audit_count(), before + 1)
        ev = need_events(nid)[-1]
        self.assertEqual(ev["action"], "need.pii_revealed")
        self.assertEqual(ev["actor_id"], world.user_ids["worker"])
        self.assertEqual(ev["entity_id"], nid)
        self.assertNotIn(PHONE, str(ev))
        # each reveal is its own event; a plain read writes none
        world.c["secretary"].get(f"/api/v1/needs/{nid}?reveal=phone")
        self.assertEqual(audit_count(), before + 2)
        self.assertEqual(need_events(nid)[-1]["actor_id"], world.user_ids["secretary"])
        world.c["worker"].get(f"/api/v1/needs/{nid}")
        self.assertEqual(audit_count(), before + 2)

    def test_reveal_on_behalf_phone(self):
        st, out, _ = world.c["worker"].post("/api/v1/needs", {
            "area_id": world.areas["jinglan"], "category": "medical", "title": "上门测血压",
            "description": "行动不便", "channel": "desk",
            "on_behalf_of": {"name": "钱伯", "phone": "13511112222"}})
        self.assertEqual(st, 201, out)
        st, body, _ = world.c["worker"].get(f"/api/v1/needs/{out['id']}?reveal=phone")
        self.assertEqual(st, 200, body)
        self.assertEqual(body["submitter"]["phone"], "13511112222")

    def test_reveal_refused_without_pii_right(self):
        nid = world.need("resident")
        for who in ("resident2", "resident", "supervisor", "evaluator", "provider_user"):
            snap = Snapshot(srv, world.admin)
            resp = world.c[who].get(f"/api/v1/needs/{nid}?reveal=phone")
            assert_error(self, resp, 403, "forbidden", "reveal", msg=who)
            self.assertNotIn(PHONE, str(resp[1]))
            snap.assert_unchanged(self)

    def test_reveal_refused_out_of_scope(self):
        nid = world.need("resident")
        snap = Snapshot(srv, world.admin)
        resp = world.c["worker2"].get(f"/api/v1/needs/{nid}?reveal=phone")
        assert_error(self, resp, 403, "out_of_scope")
        self.assertNotIn(PHONE, str(resp[1]))
        snap.assert_unchanged(self)

    def test_reveal_only_phone(self):
        nid = world.need("resident")
        snap = Snapshot(srv, world.admin)
        assert_error(self, world.c["worker"].get(f"/api/v1/needs/{nid}?reveal=name"), 422,
                     "invalid_parameter", "reveal")
        snap.assert_unchanged(self)

    def test_list_never_reveals(self):
        nid = world.need("resident", title="PRIVL 列表")
        snap = Snapshot(srv, world.admin)
        st, body, _ = world.c["worker"].get("/api/v1/needs?q=PRIVL&reveal=phone")
        self.assertEqual(st, 200)
        self.assertEqual(find(body["items"], nid)["submitter"]["phone"], MASKED)
        snap.assert_unchanged(self)


class OwnData(unittest.TestCase):
    def test_session_shows_the_users_own_phone(self):
        for who, phone in (("resident", PHONE), ("resident2", "13912340002"),
                           ("worker", "13800000000")):
            st, body, _ = world.c[who].get("/api/v1/session")
            self.assertEqual(st, 200)
            self.assertEqual(body["user"]["phone"], phone)
            self.assertEqual(body["user"]["id"], world.user_ids[who])

    def test_provider_contact_hidden_from_roles_without_pii(self):
        st, body, _ = world.c["provider_user"].get(f"/api/v1/providers/{world.fire}")
        self.assertEqual(st, 200, body)
        self.assertIsNone(body["contact"])
        self.assertTrue(body["contact_masked"])
        st, body, _ = world.c["worker"].get(f"/api/v1/providers/{world.fire}")
        self.assertEqual(body["contact"], "028-88888888")
        assert_error(self, world.c["resident"].get("/api/v1/providers"), 403, "forbidden")


if __name__ == "__main__":
    unittest.main()
