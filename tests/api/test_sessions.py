"""Sessions, cookies and CSRF, login throttling, registration, user administration and the
security headers.

Every refused request is shown to have changed nothing: the audit chain (Snapshot) is unchanged
and, where a user would have been created, the username is still free afterwards.

Login throttling counts failures per account (5) and per client address (30) in a 15-minute
window. All requests come from 127.0.0.1, so this module keeps its failed logins under 30 (at
most 25, the parallel burst of 10 included) until the last class (ZzAddressThrottle), which
exhausts the address budget on purpose.
"""
import re
import unittest
from concurrent.futures import ThreadPoolExecutor

from harness import ADMIN_PASSWORD, PASSWORD, Client, Server, Snapshot, World, assert_error

srv = world = None

HEX64 = re.compile(r"^[0-9a-f]{64}$")


def setUpModule():
    global srv, world
    srv = Server()
    world = World(srv)


def tearDownModule():
    srv.stop()


def login_raw(username, password):
    return srv.client().post("/api/v1/session", {"username": username, "password": password})


def needs_total():
    st, body, _ = world.admin.get("/api/v1/needs?per_page=1")
    assert st == 200, body
    return body["total"]


def need_body(**kw):
    b = {"area_id": world.areas["jinglan"], "category": "culture", "title": "希望有书法班",
         "description": "周末想学书法。"}
    b.update(kw)
    return b


class Login(unittest.TestCase):
    def test_login_gives_token_csrf_and_strict_httponly_cookie(self):
        st, body, hdrs = login_raw("resident", PASSWORD)
        self.assertEqual(st, 201, body)
        self.assertRegex(body["token"], HEX64)
        self.assertRegex(body["csrf_token"], HEX64)
        self.assertNotEqual(body["token"], body["csrf_token"])
        u = body["user"]
        self.assertEqual(u["id"], world.user_ids["resident"])
        self.assertEqual(u["username"], "resident")
        self.assertEqual(u["display_name"], "居民resident")
        self.assertEqual(u["grants"], [{"role": "resident", "area_id": world.areas["jinglan"]}])
        cookie = hdrs.get("set-cookie", "")
        parts = [p.strip() for p in cookie.split(";")]
        self.assertEqual(parts[0], "xy_session=" + body["token"], cookie)
        low = [p.lower() for p in parts]
        self.assertIn("httponly", low, cookie)
        self.assertIn("samesite=strict", low, cookie)
        self.assertIn("path=/", low, cookie)
        # the token works as a bearer token
        c = Client(srv.port, token=body["token"])
        st, me, _ = c.get("/api/v1/session")
        self.assertEqual(st, 200, me)
        self.assertEqual(me["user"]["id"], world.user_ids["resident"])
        self.assertEqual(me["csrf_token"], body["csrf_token"])

    def test_wrong_password_and_unknown_user_look_the_same(self):
        snap = Snapshot(srv, world.admin)
        wrong = login_raw("resident2", "not-the-password")
        assert_error(self, wrong, 401, "bad_credentials")
        unknown = login_raw("nobody-here", PASSWORD)
        assert_error(self, unknown, 401, "bad_credentials")
        self.assertEqual(wrong[1]["error"]["message"], unknown[1]["error"]["message"])
        self.assertNotIn("set-cookie", wrong[2])
        self.assertNotIn("token", wrong[1])
        snap.assert_unchanged(self)

    def test_login_body_is_checked(self):
        c = srv.client()
        assert_error(self, c.post("/api/v1/session", {"username": "resident"}), 422,
                     "missing_field", "password")
        assert_error(self, c.post("/api/v1/session", {"username": "resident", "password": 5}),
                     400, "wrong_type", "password")
        assert_error(self, c.post("/api/v1/session", {"username": "resident", "password": "x",
                                                      "remember": True}),
                     400, "unknown_field", "remember")

    def test_throttled_after_five_failures_even_with_the_right_password(self):
        st, body, _ = world.admin.post("/api/v1/users", {
            "username": "throttled", "password": PASSWORD, "display_name": "被限流",
            "grants": [{"role": "volunteer", "area_id": world.areas["jyq"]}]})
        self.assertEqual(st, 201, body)
        for i in range(5):
            assert_error(self, login_raw("throttled", "wrong-password-%d" % i), 401,
                         "bad_credentials")
        for pw in (PASSWORD, "wrong-again"):
            resp = login_raw("throttled", pw)
            assert_error(self, resp, 429, "too_many_attempts")
            retry = resp[2].get("retry-after")
            self.assertIsNotNone(retry, "429 without Retry-After")
            self.assertTrue(retry.isdigit() and int(retry) > 0, retry)
            self.assertNotIn("token", resp[1])
        # another account from the same address is not locked out by this one
        st, body, _ = login_raw("resident3", PASSWORD)
        self.assertEqual(st, 201, body)

    def test_parallel_guesses_are_throttled_too(self):
        # 10 wrong passwords at once must not buy more than the 5 guesses a window allows
        st, body, _ = world.admin.post("/api/v1/users", {
            "username": "burst", "password": PASSWORD, "display_name": "并发",
            "grants": [{"role": "volunteer", "area_id": world.areas["jyq"]}]})
        self.assertEqual(st, 201, body)
        with ThreadPoolExecutor(10) as ex:
            codes = list(ex.map(lambda i: login_raw("burst", "guess-%02d" % i)[0], range(10)))
        self.assertEqual(set(codes) - {401, 429}, set(), codes)
        self.assertLessEqual(codes.count(401), 5,
                             f"{codes.count(401)} passwords were tried in one burst: {sorted(codes)}")

    def test_a_success_resets_the_account_count(self):
        st, body, _ = world.admin.post("/api/v1/users", {
            "username": "forgetful", "password": PASSWORD, "display_name": "健忘",
            "grants": [{"role": "volunteer", "area_id": world.areas["jyq"]}]})
        self.assertEqual(st, 201, body)
        for _ in range(4):
            assert_error(self, login_raw("forgetful", "wrong-password"), 401, "bad_credentials")
        self.assertEqual(login_raw("forgetful", PASSWORD)[0], 201)
        for _ in range(4):
            assert_error(self, login_raw("forgetful", "wrong-password"), 401, "bad_credentials")
        self.assertEqual(login_raw("forgetful", PASSWORD)[0], 201)


class Session(unittest.TestCase):
    def test_get_session(self):
        c = world.c["worker"]
        st, body, _ = c.get("/api/v1/session")
        self.assertEqual(st, 200, body)
        self.assertEqual(body["user"]["username"], "worker")
        self.assertEqual(body["user"]["grants"], [{"role": "worker", "area_id": world.areas["jyq"]}])
        self.assertEqual(body["csrf_token"], c.csrf)

    def test_no_session_is_401(self):
        assert_error(self, srv.client().get("/api/v1/session"), 401, "not_logged_in")
        assert_error(self, srv.client().get("/api/v1/needs"), 401, "not_logged_in")
        bad = Client(srv.port, token="0" * 64)
        st, body, _ = bad.get("/api/v1/session")
        self.assertEqual(st, 401, body)
        bad = Client(srv.port, token="not-a-token")
        st, body, _ = bad.get("/api/v1/needs")
        self.assertEqual(st, 401, body)

    def test_logout_ends_only_that_session(self):
        a = srv.login("secretary")
        b = srv.login("secretary")
        st, body, hdrs = a.delete("/api/v1/session")
        self.assertEqual(st, 204, body)
        cookie = hdrs.get("set-cookie", "")
        self.assertIn("xy_session=;", cookie.replace(" ", ""), "logout does not clear the cookie")
        self.assertIn("max-age=0", cookie.lower().replace(" ", ""))
        st, body, _ = a.get("/api/v1/session")
        self.assertEqual(st, 401, body)
        st, body, _ = a.post("/api/v1/needs", need_body(channel="visit",
                                                        on_behalf_of={"name": "张三"}))
        self.assertEqual(st, 401, body)
        st, body, _ = a.delete("/api/v1/session")
        self.assertEqual(st, 401, body)
        # the other session of the same user lives on
        st, body, _ = b.get("/api/v1/session")
        self.assertEqual(st, 200, body)


class CookieAndCsrf(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        st, body, _ = login_raw("resident3", PASSWORD)
        assert st == 201, body
        cls.token, cls.csrf = body["token"], body["csrf_token"]

    def cookie_client(self):
        return Client(srv.port, cookie="xy_session=" + self.token)

    def test_get_works_with_only_the_cookie(self):
        c = self.cookie_client()
        st, body, _ = c.get("/api/v1/session")
        self.assertEqual(st, 200, body)
        self.assertEqual(body["user"]["username"], "resident3")
        self.assertEqual(body["csrf_token"], self.csrf)
        st, body, _ = c.get("/api/v1/needs")
        self.assertEqual(st, 200, body)

    def test_cookie_post_without_csrf_header_is_refused_and_changes_nothing(self):
        c = self.cookie_client()
        snap = Snapshot(srv, world.admin)
        total = needs_total()
        resp = c.post("/api/v1/needs", need_body(area_id=world.areas["shiji"]))
        assert_error(self, resp, 403, "csrf_failed")
        resp = c.post("/api/v1/needs", need_body(area_id=world.areas["shiji"]),
                      headers={"X-CSRF-Token": "f" * 64})
        assert_error(self, resp, 403, "csrf_failed")
        for wrong in ("", self.csrf[:-1], self.csrf + "0", self.csrf.upper(), self.token):
            resp = c.post("/api/v1/needs", need_body(area_id=world.areas["shiji"]),
                          headers={"X-CSRF-Token": wrong})
            assert_error(self, resp, 403, "csrf_failed")
        # a logout through the cookie needs the header too
        assert_error(self, c.delete("/api/v1/session"), 403, "csrf_failed")
        snap.assert_unchanged(self)
        self.assertEqual(needs_total(), total)
        st, body, _ = c.get("/api/v1/session")
        self.assertEqual(st, 200, "the refused logout ended the session")

    def test_cookie_post_with_csrf_header_works(self):
        c = self.cookie_client()
        snap = Snapshot(srv, world.admin)
        st, body, _ = c.post("/api/v1/needs", need_body(area_id=world.areas["shiji"]),
                             headers={"X-CSRF-Token": self.csrf})
        self.assertEqual(st, 201, body)
        st, need, _ = world.admin.get(f"/api/v1/needs/{body['id']}")
        self.assertEqual(need["submitter"]["user_id"], world.user_ids["resident3"])
        st2, after, _ = world.admin.get("/api/v1/audit/verify")
        self.assertEqual(after["count"], snap.count + 1)

    def test_bearer_requests_need_no_csrf(self):
        c = Client(srv.port, token=self.token)
        st, body, _ = c.post("/api/v1/needs", need_body(area_id=world.areas["shiji"]))
        self.assertEqual(st, 201, body)

    def test_login_and_register_ignore_a_session_cookie(self):
        # public routes act for nobody: a stale or live cookie neither blocks nor authorises them
        c = self.cookie_client()
        st, body, _ = c.post("/api/v1/session", {"username": "resident2", "password": PASSWORD})
        self.assertEqual(st, 201, body)
        self.assertEqual(body["user"]["username"], "resident2")
        st, body, _ = c.post("/api/v1/register", {
            "username": "cookie_reg", "password": PASSWORD, "display_name": "x",
            "area_id": world.areas["shiji"]})
        self.assertEqual(st, 201, body)

    def test_zz_cookie_logout_with_csrf(self):
        # a separate session, so the class's own token stays valid for the other tests
        st, body, _ = login_raw("resident3", PASSWORD)
        self.assertEqual(st, 201)
        c = Client(srv.port, cookie="xy_session=" + body["token"])
        st, out, _ = c.delete("/api/v1/session", headers={"X-CSRF-Token": body["csrf_token"]})
        self.assertEqual(st, 204, out)
        st, out, _ = c.get("/api/v1/session")
        self.assertEqual(st, 401, out)


class Registration(unittest.TestCase):
    def register(self, **kw):
        b = {"username": "newbie", "password": PASSWORD, "display_name": "新居民",
             "phone": "13600000001", "area_id": world.areas["shiji"]}
        b.update(kw)
        return srv.client().post("/api/v1/register", b)

    def assert_refused_and_free(self, resp, status, code, field, username):
        snap = Snapshot(srv, world.admin)
        assert_error(self, resp(), status, code, field)
        snap.assert_unchanged(self)
        # nothing was created: the username is still free
        st, body, _ = self.register(username=username)
        self.assertEqual(st, 201, body)

    def test_register_ok_as_resident_of_the_area(self):
        snap = Snapshot(srv, world.admin)
        st, body, _ = self.register(username="reg_ok")
        self.assertEqual(st, 201, body)
        self.assertEqual(body["username"], "reg_ok")
        self.assertEqual(body["grants"], [{"role": "resident", "area_id": world.areas["shiji"]}])
        self.assertEqual(body["phone"], "13600000001")
        self.assertNotIn("password", body)
        self.assertNotIn("password_hash", body)
        st, v, _ = world.admin.get("/api/v1/audit/verify")
        self.assertEqual(v["count"], snap.count + 1)
        c = srv.login("reg_ok")
        self.assertEqual(c.user["id"], body["id"])
        # in a community directly is fine too
        st, body, _ = self.register(username="reg_comm", area_id=world.areas["hjt"])
        self.assertEqual(st, 201, body)

    def test_duplicate_username_409(self):
        st, body, _ = self.register(username="reg_dup")
        self.assertEqual(st, 201, body)
        snap = Snapshot(srv, world.admin)
        assert_error(self, self.register(username="reg_dup", password="another-pass-9",
                                         display_name="冒名"), 409, "username_taken", "username")
        assert_error(self, self.register(username="resident"), 409, "username_taken", "username")
        snap.assert_unchanged(self)
        # the first account keeps its password and name
        c = srv.login("reg_dup")
        self.assertEqual(c.user["display_name"], "新居民")

    def test_register_in_a_street_or_higher_is_422(self):
        for kind in ("street", "district", "province"):
            self.assert_refused_and_free(
                lambda: self.register(username="reg_street_" + kind, area_id=world.areas[kind]),
                422, "invalid_area", "area_id", "reg_street_" + kind)

    def test_weak_password_is_422(self):
        self.assert_refused_and_free(lambda: self.register(username="reg_weak", password="short"),
                                     422, "invalid_password", "password", "reg_weak")
        self.assert_refused_and_free(lambda: self.register(username="reg_weak2", password=""),
                                     422, "invalid_password", "password", "reg_weak2")

    def test_unknown_area_is_refused(self):
        snap = Snapshot(srv, world.admin)
        st, body, _ = self.register(username="reg_noarea", area_id=999999)
        self.assertIn(st, (404, 422), body)
        self.assertEqual(body["error"]["code"], "area_not_found")
        self.assertEqual(body["error"].get("field"), "area_id")
        snap.assert_unchanged(self)
        self.assertEqual(self.register(username="reg_noarea")[0], 201)

    def test_bad_username_and_phone_are_422(self):
        self.assert_refused_and_free(lambda: self.register(username="a b"), 422,
                                     "invalid_username", "username", "reg_badname")
        self.assert_refused_and_free(lambda: self.register(username="reg_badphone",
                                                           phone="call me"),
                                     422, "invalid_phone", "phone", "reg_badphone")

    def test_a_registrant_cannot_grant_themselves_a_role(self):
        b = {"username": "reg_sneaky", "password": PASSWORD, "display_name": "x",
             "area_id": world.areas["jinglan"], "grants": [{"role": "admin", "area_id": 1}]}
        self.assert_refused_and_free(lambda: srv.client().post("/api/v1/register", b), 400,
                                     "unknown_field", "grants", "reg_sneaky")


class Users(unittest.TestCase):
    def create(self, who, username, role, area, **kw):
        b = {"username": username, "password": PASSWORD, "display_name": username,
             "grants": [{"role": role, "area_id": world.areas[area]}]}
        b.update(kw)
        return world.c[who].post("/api/v1/users", b)

    def refused(self, who, username, role, area, status=403, code="forbidden", field=None):
        snap = Snapshot(srv, world.admin)
        assert_error(self, self.create(who, username, role, area), status, code, field)
        snap.assert_unchanged(self)
        # the username is still free
        st, body, _ = self.create("admin", username, "volunteer", "jyq")
        self.assertEqual(st, 201, body)

    def test_admin_creates_any_role(self):
        st, body, _ = self.create("admin", "u_admin_made", "street_supervisor", "street",
                                  phone="13700000009")
        self.assertEqual(st, 201, body)
        self.assertEqual(body["grants"], [{"role": "street_supervisor",
                                           "area_id": world.areas["street"]}])
        c = srv.login("u_admin_made")
        self.assertEqual(c.user["id"], body["id"])

    def test_secretary_creates_a_worker_in_its_community(self):
        for username, area in (("u_sec_worker", "jyq"), ("u_sec_worker2", "jinglan")):
            st, body, _ = self.create("secretary", username, "worker", area)
            self.assertEqual(st, 201, body)
            self.assertEqual(body["grants"], [{"role": "worker", "area_id": world.areas[area]}])

    def test_secretary_may_not_create_a_secretary(self):
        self.refused("secretary", "u_sec_sec", "secretary", "jyq", field="grants")

    def test_secretary_may_not_create_an_admin_or_supervisor(self):
        self.refused("secretary", "u_sec_admin", "admin", "jyq", field="grants")
        self.refused("secretary", "u_sec_sup", "street_supervisor", "jyq", field="grants")

    def test_secretary_may_not_create_in_another_community(self):
        self.refused("secretary", "u_sec_other", "worker", "hjt", field="grants")
        self.refused("secretary", "u_sec_up", "worker", "street", field="grants")

    def test_worker_and_resident_may_not_create_users(self):
        self.refused("worker", "u_by_worker", "resident", "jinglan")
        self.refused("resident", "u_by_resident", "resident", "jinglan")
        self.refused("supervisor", "u_by_sup", "worker", "jyq")

    def test_unauthenticated_create_is_401(self):
        snap = Snapshot(srv, world.admin)
        resp = srv.client().post("/api/v1/users", {
            "username": "u_anon", "password": PASSWORD, "display_name": "x",
            "grants": [{"role": "admin", "area_id": 1}]})
        assert_error(self, resp, 401, "not_logged_in")
        snap.assert_unchanged(self)

    def test_bad_grants(self):
        self.refused("admin", "u_badrole", "mayor", "jyq", status=422, code="invalid_role",
                     field="grants")
        snap = Snapshot(srv, world.admin)
        st, body, _ = world.admin.post("/api/v1/users", {
            "username": "u_nogrants", "password": PASSWORD, "display_name": "x", "grants": []})
        assert_error(self, (st, body, None), 422, "grants_required", "grants")
        st, body, _ = world.admin.post("/api/v1/users", {
            "username": "u_gnotobj", "password": PASSWORD, "display_name": "x", "grants": ["admin"]})
        assert_error(self, (st, body, None), 400, "wrong_type", "grants")
        st, body, _ = world.admin.post("/api/v1/users", {
            "username": "u_gnoarea", "password": PASSWORD, "display_name": "x",
            "grants": [{"role": "worker", "area_id": 999999}]})
        self.assertIn(st, (404, 422), body)
        self.assertEqual(body["error"]["code"], "area_not_found")
        snap.assert_unchanged(self)


class SecurityHeaders(unittest.TestCase):
    def check(self, hdrs, what):
        csp = hdrs.get("content-security-policy")
        self.assertIsNotNone(csp, f"{what}: no Content-Security-Policy")
        self.assertIn("default-src 'self'", csp, what)
        self.assertIn("frame-ancestors 'none'", csp, what)
        self.assertEqual(hdrs.get("x-content-type-options"), "nosniff", what)
        self.assertEqual(hdrs.get("x-frame-options"), "DENY", what)

    def test_on_api_responses(self):
        c = world.c["worker"]
        cases = [
            ("GET /health", srv.client().get("/api/v1/health"), 200),
            ("GET /needs", c.get("/api/v1/needs"), 200),
            ("401", srv.client().get("/api/v1/needs"), 401),
            ("404", c.get("/api/v1/nope"), 404),
            ("405", c.request("PUT", "/api/v1/needs"), 405),
            ("login", login_raw("admin", ADMIN_PASSWORD), 201),
        ]
        for what, (st, body, hdrs), want in cases:
            self.assertEqual(st, want, (what, body))
            self.check(hdrs, what)
            self.assertTrue(hdrs.get("content-type", "").startswith("application/json"), what)
        st, body, hdrs = c.get("/api/v1/needs")
        self.assertIn("no-store", hdrs.get("cache-control", ""), "API answers may be cached")

    def test_on_the_landing_page(self):
        st, body, hdrs = srv.client().get("/")
        self.assertEqual(st, 200)
        self.assertTrue(hdrs.get("content-type", "").startswith("text/html"), hdrs)
        self.check(hdrs, "landing page")


class ZzAddressThrottle(unittest.TestCase):
    """Runs last (classes run in name order): it spends the address's failure budget."""

    def test_thirty_failures_from_one_address_lock_every_account(self):
        locked = False
        for i in range(31):
            # without --trust-proxy a forged X-Forwarded-For changes nothing
            st, body, hdrs = srv.client().post(
                "/api/v1/session", {"username": "ghost%02d" % i, "password": "wrong-password"},
                headers={"X-Forwarded-For": "10.0.0.%d" % i})
            if st == 429:
                self.assertEqual(body["error"]["code"], "too_many_attempts")
                locked = True
                break
            self.assertEqual(st, 401, body)
        self.assertTrue(locked, "31 failures from one address were never throttled")
        # an account that never failed is refused too, with Retry-After
        resp = login_raw("volunteer", PASSWORD)
        assert_error(self, resp, 429, "too_many_attempts")
        resp = srv.client().post("/api/v1/session", {"username": "volunteer", "password": PASSWORD},
                                 headers={"X-Forwarded-For": "192.0.2.77"})
        assert_error(self, resp, 429, "too_many_attempts")
        self.assertIn("retry-after", resp[2])
        # sessions that exist keep working
        st, body, _ = world.c["volunteer"].get("/api/v1/session")
        self.assertEqual(st, 200, body)


if __name__ == "__main__":
    unittest.main()
