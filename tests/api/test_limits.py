"""Server limits and strict input: body cap (413), JSON strictness (400), unknown paths (404),
wrong methods (405), path ids, paging parameters; the server keeps serving after each of them,
and SIGTERM while a slow request is in flight lets it finish and exits 0.

The class Zz_Shutdown runs last (classes run in name order): it stops the server.
"""
import json
import signal
import socket
import time
import unittest

from harness import Server, Snapshot, World, assert_error

srv = world = None
MIB = 1024 * 1024


def setUpModule():
    global srv, world
    srv = Server()
    world = World(srv)


def tearDownModule():
    srv.stop()


def need_body(**kw):
    b = {"area_id": world.areas["jinglan"], "category": "elderly", "title": "限额测试",
         "description": "描述"}
    b.update(kw)
    return b


def head(method, path, extra="", token=None):
    h = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    if token:
        h += f"Authorization: Bearer {token}\r\n"
    return (h + extra + "\r\n").encode()


class Base(unittest.TestCase):
    def setUp(self):
        self.snap = Snapshot(srv, world.admin)

    def tearDown(self):
        # the server is still serving, and nothing was written
        st, body, _ = srv.client().get("/api/v1/health")
        self.assertEqual(st, 200, "the server stopped serving")
        self.snap.assert_unchanged(self)

    def post(self, raw, path="/api/v1/needs", who="resident"):
        return world.c[who].post(path, raw=raw)


class BodySize(Base):
    def test_content_length_over_1mib_is_413(self):
        body = json.dumps(need_body(description="x" * (MIB + 10))).encode()
        data = head("POST", "/api/v1/needs",
                    f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n",
                    world.c["resident"].token) + body
        st, hdrs, raw, parsed = srv.raw(data)
        self.assertEqual(st, 413, raw[:300])
        self.assertEqual(parsed["error"]["code"], "body_too_large")

    def test_content_length_announced_but_not_sent_is_413(self):
        data = head("POST", "/api/v1/needs",
                    f"Content-Type: application/json\r\nContent-Length: {MIB + 1}\r\n",
                    world.c["resident"].token)
        st, hdrs, raw, parsed = srv.raw(data, timeout=10)
        self.assertEqual(st, 413, raw[:300])
        self.assertEqual(parsed["error"]["code"], "body_too_large")

    def test_chunked_over_1mib_is_413(self):
        payload = json.dumps(need_body(description="y" * (MIB + 10))).encode()
        chunks = b""
        for i in range(0, len(payload), 60000):
            part = payload[i:i + 60000]
            chunks += f"{len(part):x}\r\n".encode() + part + b"\r\n"
        chunks += b"0\r\n\r\n"
        data = head("POST", "/api/v1/needs",
                    "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n",
                    world.c["resident"].token) + chunks
        st, hdrs, raw, parsed = srv.raw(data)
        self.assertEqual(st, 413, raw[:300])
        self.assertEqual(parsed["error"]["code"], "body_too_large")

    def test_chunked_under_the_cap_works(self):
        payload = json.dumps(need_body(title="分块上传")).encode()
        chunks = b""
        for i in range(0, len(payload), 7):
            part = payload[i:i + 7]
            chunks += f"{len(part):x}\r\n".encode() + part + b"\r\n"
        chunks += b"0\r\n\r\n"
        data = head("POST", "/api/v1/needs",
                    "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n",
                    world.c["resident"].token) + chunks
        st, hdrs, raw, parsed = srv.raw(data)
        self.assertEqual(st, 201, raw[:300])
        self.snap = Snapshot(srv, world.admin)  # this one was meant to write

    def test_just_under_the_cap_is_parsed(self):
        # 1 MiB of JSON is accepted as a body (and then refused for its content, not its size)
        pad = MIB - len(json.dumps(need_body(description=""))) - 10
        resp = self.post(json.dumps(need_body(description="z" * pad)).encode())
        assert_error(self, resp, 422, "invalid_description", "description")


class Json(Base):
    def test_malformed(self):
        for raw in (b"{", b"{\"title\": }", b"not json", b"{'title': 'x'}", b"{\"a\":1,}",
                    b"{\"a\":1} trailing", b"\xef\xbb\xbf{}x"):
            assert_error(self, self.post(raw), 400, "malformed_json", msg=raw)

    def test_empty_body(self):
        assert_error(self, self.post(b""), 400, "malformed_json")

    def test_not_an_object(self):
        for raw in (b"[]", b"[{\"title\": \"x\"}]", b"\"text\"", b"42", b"null", b"true"):
            assert_error(self, self.post(raw), 400, "malformed_json", msg=raw)

    def test_unknown_field(self):
        assert_error(self, self.post(json.dumps(need_body(colour="red")).encode()), 400,
                     "unknown_field", "colour")
        assert_error(self, world.c["worker"].post("/api/v1/needs", need_body(
            channel="visit", on_behalf_of={"name": "张三", "age": 80})), 400, "unknown_field",
            "on_behalf_of.age")
        nid = world.need("resident")
        self.snap = Snapshot(srv, world.admin)
        assert_error(self, world.c["worker"].post(f"/api/v1/needs/{nid}/transitions",
                                                  {"to": "accepted", "force": True}),
                     400, "unknown_field", "force")

    def test_wrong_type(self):
        cases = [
            (need_body(title=5), "title"),
            (need_body(area_id="6"), "area_id"),
            (need_body(area_id=6.5), "area_id"),
            (need_body(beneficiaries="elderly"), "beneficiaries"),
            (need_body(beneficiaries=[1]), "beneficiaries"),
            (need_body(on_behalf_of="张三"), "on_behalf_of"),
            (need_body(urgency=True), "urgency"),
        ]
        for body, field in cases:
            assert_error(self, world.c["resident"].post("/api/v1/needs", body), 400, "wrong_type",
                         field, msg=body)

    def test_duplicate_keys(self):
        raw = b'{"area_id": 6, "area_id": 7, "category": "elderly", "title": "t", ' \
              b'"description": "d"}'
        assert_error(self, self.post(raw), 400, "malformed_json")

    def test_invalid_utf8_in_a_string(self):
        for bad in (b"\xff", b"\xc0\x80", b"\xed\xa0\x80", b"\xe4\xb8"):
            raw = b'{"area_id": 6, "category": "elderly", "title": "t' + bad + \
                  b'", "description": "d"}'
            assert_error(self, self.post(raw), 400, "malformed_json", msg=bad)

    def test_bad_escapes(self):
        for esc in (b"\\ud800", b"\\u0000", b"\\x41"):
            raw = b'{"area_id": 6, "category": "elderly", "title": "t' + esc + \
                  b'", "description": "d"}'
            resp = self.post(raw)
            self.assertIn(resp[0], (400, 422), (esc, resp[1]))
            self.assertIn(resp[1]["error"]["code"], ("malformed_json", "invalid_title"))

    def test_huge_numbers_and_deep_nesting(self):
        assert_error(self, self.post(b'{"area_id": 99999999999999999999999}'), 400,
                     "malformed_json")
        resp = self.post(b'{"area_id": 1e400, "category": "elderly", "title": "t", '
                         b'"description": "d"}')
        self.assertEqual(resp[0], 400, resp[1])
        deep = b'{"on_behalf_of": ' + b"[" * 100000 + b"]" * 100000 + b"}"
        assert_error(self, self.post(deep), 400, "malformed_json")

    def test_negative_and_zero_ids_in_bodies(self):
        assert_error(self, self.post(json.dumps(need_body(area_id=-6)).encode()), 422,
                     "area_required", "area_id")
        nid = world.need("resident")
        self.snap = Snapshot(srv, world.admin)
        assert_error(self, world.c["worker"].post(f"/api/v1/needs/{nid}/transitions",
                                                  {"to": "merged", "merged_into": -1}),
                     422, "merged_into_required", "merged_into")


class EchoedInput(Base):
    """Error messages that quote the client's input must stay valid JSON (UTF-8), also when the
    input is not UTF-8 or is cut to fit the message. Each value is sent with 0, 1 and 2 ASCII
    characters in front of 100 three-byte characters, so one of the three is cut mid-character
    wherever the server truncates."""

    PADS = ("", "a", "ab")

    def long(self, pad):
        return pad + "字" * 100

    def test_long_unknown_field_name(self):
        for pad in self.PADS:
            body = need_body()
            body[pad + "字" * 40] = 1
            assert_error(self, world.c["resident"].post("/api/v1/needs", body), 400,
                         "unknown_field", msg=pad)

    def test_long_unknown_category_and_beneficiary(self):
        for pad in self.PADS:
            assert_error(self, world.c["resident"].post(
                "/api/v1/needs", need_body(category=self.long(pad))), 422, "invalid_category",
                "category", msg=pad)
            assert_error(self, world.c["resident"].post(
                "/api/v1/needs", need_body(beneficiaries=[self.long(pad)])), 422,
                "invalid_beneficiary", "beneficiaries", msg=pad)

    def test_long_unknown_state(self):
        nid = world.need("resident")
        self.snap = Snapshot(srv, world.admin)
        for pad in self.PADS:
            assert_error(self, world.c["worker"].post(f"/api/v1/needs/{nid}/transitions",
                                                      {"to": self.long(pad)}),
                         422, "invalid_status", "to", msg=pad)

    def test_long_unknown_role(self):
        for pad in self.PADS:
            assert_error(self, world.admin.post("/api/v1/users", {
                "username": "echo_role", "password": "password-123", "display_name": "x",
                "grants": [{"role": self.long(pad), "area_id": 1}]}), 422, "invalid_role",
                "grants", msg=pad)

    def test_duplicate_long_skill(self):
        for pad in self.PADS:
            assert_error(self, world.c["worker"].post("/api/v1/providers", {
                "kind": "talent", "name": "回声", "area_id": world.areas["jyq"],
                "skills": [self.long(pad), self.long(pad)], "capacity": 1}), 422, "invalid_skill",
                "skills", msg=pad)

    def test_status_filter_not_utf8_or_long(self):
        c = world.c["worker"]
        assert_error(self, c.get("/api/v1/needs?status=%FF"), 422, "invalid_status", "status")
        for pad in self.PADS:
            q = pad + "%E5%AD%97" * 100
            assert_error(self, c.get("/api/v1/needs?status=" + q), 422, "invalid_status",
                         "status", msg=pad)


class Paths(Base):
    def test_unknown_api_path_is_404_json(self):
        for path in ("/api/v1/nope", "/api/v2/needs", "/api/v1/needs/1/comments", "/api",
                     "/api/v1/needs/1/transitions/2", "/open311/v2/nope.json"):
            st, body, hdrs = world.c["worker"].get(path)
            self.assertEqual(st, 404, path)
            self.assertTrue(hdrs["content-type"].startswith("application/json"), path)
            self.assertEqual(body["error"]["code"], "not_found", path)

    def test_unknown_api_path_without_session_is_404(self):
        st, body, _ = srv.client().post("/api/v1/nope", {"a": 1})
        self.assertEqual(st, 404)

    def test_wrong_method_is_405_with_allow(self):
        # HEAD is answered wherever GET is, so Allow lists it beside GET
        cases = [
            ("PUT", "/api/v1/needs", {"GET", "HEAD", "POST"}),
            ("DELETE", "/api/v1/needs", {"GET", "HEAD", "POST"}),
            ("PATCH", "/api/v1/needs/1", {"GET", "HEAD"}),
            ("GET", "/api/v1/needs/1/support", {"POST"}),
            ("GET", "/api/v1/needs/1/transitions", {"POST"}),
            ("PUT", "/api/v1/session", {"GET", "HEAD", "POST", "DELETE"}),
            ("POST", "/api/v1/health", {"GET", "HEAD"}),
            ("GET", "/api/v1/register", {"POST"}),
        ]
        for method, path, allow in cases:
            st, body, hdrs = world.c["worker"].request(method, path)
            self.assertEqual(st, 405, (method, path))
            self.assertEqual(body["error"]["code"], "method_not_allowed")
            got = {m.strip() for m in hdrs.get("allow", "").split(",") if m.strip()}
            self.assertEqual(got, allow, (method, path))

    def test_head_answers_like_get_without_a_body(self):
        st, hdrs, raw, _ = srv.raw(head("HEAD", "/api/v1/health"))
        self.assertEqual(st, 200, raw[:200])
        self.assertEqual(raw, b"")
        st, hdrs, raw, _ = srv.raw(head("HEAD", "/api/v1/needs", token=world.c["worker"].token))
        self.assertEqual(st, 200, raw[:200])
        self.assertEqual(raw, b"")
        st, hdrs, raw, _ = srv.raw(head("HEAD", "/api/v1/needs"))
        self.assertEqual(st, 401)

    def test_bad_ids_in_the_path_are_404(self):
        for seg in ("abc", "0", "-1", "01", "1abc", "1.5", "99999999999999999999", "+1",
                    " 1"):
            path = f"/api/v1/needs/{seg.replace(' ', '%20')}"
            st, body, _ = world.c["worker"].get(path)
            self.assertEqual(st, 404, path)
            st, body, _ = world.c["worker"].post(path + "/transitions", {"to": "accepted"})
            self.assertEqual(st, 404, path)

    def test_paging_parameters(self):
        c = world.c["worker"]
        assert_error(self, c.get("/api/v1/needs?page=0"), 422, "invalid_parameter", "page")
        assert_error(self, c.get("/api/v1/needs?page=1e3"), 422, "invalid_parameter", "page")
        assert_error(self, c.get("/api/v1/needs?per_page=101"), 422, "invalid_parameter",
                     "per_page")
        assert_error(self, c.get("/api/v1/needs?page=99999999999999999999"), 422,
                     "invalid_parameter", "page")
        assert_error(self, c.get("/api/v1/audit?page=0"), 422, "invalid_parameter", "page")
        assert_error(self, c.get("/api/v1/providers?per_page=0"), 422, "invalid_parameter",
                     "per_page")
        st, body, _ = c.get("/api/v1/needs?page=1000000&per_page=100")
        self.assertEqual(st, 200)
        self.assertEqual(body["items"], [])

    def test_huge_url_and_headers(self):
        st, hdrs, raw, _ = srv.raw(head("GET", "/api/v1/needs?q=" + "a" * 300000))
        self.assertTrue(st is None or 400 <= st < 500, st)
        st, hdrs, raw, _ = srv.raw(head("GET", "/api/v1/health", "X-Big: " + "b" * 300000 + "\r\n"))
        self.assertTrue(st is None or 400 <= st < 500, st)

    def test_garbage_requests(self):
        for data in (b"\x00\x01\x02\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n",
                     b"POST /api/v1/needs HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
                     b"POST /api/v1/needs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                     b"\r\nzz\r\n"):
            # an answer (4xx) or silence (the connection is left to time out) are both fine
            st, hdrs, raw, _ = srv.raw(data, timeout=2)
            self.assertTrue(st is None or 400 <= st < 600, (data, st))
            self.assertNotEqual(st, 500, data)

    def test_static_paths_without_web_dir(self):
        for path in ("/index.html", "/../etc/passwd", "/assets/x.js"):
            st, body, hdrs = srv.client().get(path)
            self.assertEqual(st, 404, path)


class Zz_Shutdown(unittest.TestCase):
    def test_sigterm_with_a_slow_request_in_flight_exits_0(self):
        body = json.dumps(need_body(title="慢请求")).encode()
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
        s.sendall(head("POST", "/api/v1/needs",
                       f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n",
                       world.c["resident"].token) + body[:10])
        time.sleep(0.3)  # the server has the headers and part of the body
        srv.proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        self.assertIsNone(srv.proc.poll(), "the server quit with a request in flight")
        # no new connections are taken while it drains
        refused = False
        try:
            c2 = socket.create_connection(("127.0.0.1", srv.port), timeout=2)
            c2.sendall(head("GET", "/api/v1/health"))
            refused = c2.recv(100) == b""
            c2.close()
        except OSError:
            refused = True
        self.assertTrue(refused, "a new connection was served after SIGTERM")
        s.sendall(body[10:])
        out = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
        s.close()
        self.assertTrue(out.startswith(b"HTTP/1.1 201"), out[:200])
        log = srv.stop(keep_db=True)  # asserts exit 0 and no sanitizer report
        self.assertIn("SIGTERM", log)
        rows = srv.sql("SELECT COUNT(*) FROM needs WHERE title = '慢请求'")
        self.assertEqual(rows.strip(), "1")


if __name__ == "__main__":
    unittest.main()
