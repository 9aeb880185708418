"""Test harness: starts the real xinyuan binary on loopback with a temporary database.

    srv = Server()            # init + serve on a free port, admin password ADMIN_PASSWORD
    admin = srv.login("admin", ADMIN_PASSWORD)
    st, body, hdrs = admin.post("/api/v1/areas", {...})
    srv.stop()                # SIGTERM, asserts exit 0 and no sanitizer report

World(srv) builds a small area tree with users of every role (see World.__init__).
Snapshot(srv) captures the audit head and counts, so a refused request can be shown to have
changed nothing.
"""
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import time

BIN = os.environ.get("XINYUAN_BIN", "build/san/xinyuan")
ADMIN_PASSWORD = "admin-pass-1"
PASSWORD = "password-123"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run_cli(*args, env=None, check=True):
    """Runs `xinyuan ARGS`; returns CompletedProcess (text)."""
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([BIN, *args], capture_output=True, text=True, env=e, timeout=300)
    if check and p.returncode != 0:
        raise AssertionError(f"xinyuan {' '.join(args)} exited {p.returncode}:\n{p.stdout}\n{p.stderr}")
    return p


class Client:
    def __init__(self, port, token=None, csrf=None, cookie=None):
        self.port = port
        self.token = token
        self.csrf = csrf
        self.cookie = cookie
        self.user = None

    def request(self, method, path, body=None, raw=None, headers=None, auth=True):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        h = {"Accept": "application/json"}
        data = None
        if raw is not None:
            data = raw if isinstance(raw, bytes) else raw.encode()
            h["Content-Type"] = "application/json"
        elif body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        if auth and self.token:
            h["Authorization"] = "Bearer " + self.token
        if auth and self.cookie:
            h["Cookie"] = self.cookie
        h.update(headers or {})
        conn.request(method, path, body=data, headers=h)
        resp = conn.getresponse()
        text = resp.read()
        hdrs = {k.lower(): v for k, v in resp.getheaders()}
        conn.close()
        parsed = None
        if text and hdrs.get("content-type", "").startswith("application/json"):
            parsed = json.loads(text)
        return resp.status, parsed, hdrs

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


class Server:
    def __init__(self, threads=8, extra_env=None, db=None):
        """db: serve an existing database (e.g. one `xinyuan demo` filled) instead of running
        `init` on a new one."""
        self.dir = tempfile.mkdtemp(prefix="xy-api-")
        self.db = db or os.path.join(self.dir, "test.db")
        self.port = free_port()
        self.log_path = os.path.join(self.dir, "server.log")
        env = {"XINYUAN_ADMIN_PASSWORD": ADMIN_PASSWORD}
        env.update(extra_env or {})
        if db is None:
            run_cli("init", "--db", self.db, env=env)
        e = dict(os.environ)
        e.update(env)
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--db", self.db, "--listen", f"127.0.0.1:{self.port}", "--threads", str(threads)],
            stdout=self.log, stderr=subprocess.STDOUT, env=e)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                st, _, _ = Client(self.port).get("/api/v1/health")
                if st == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError("server did not start:\n" + self.read_log())

    def read_log(self):
        self.log.flush()
        with open(self.log_path) as f:
            return f.read()

    def client(self):
        return Client(self.port)

    def login(self, username, password=PASSWORD):
        c = Client(self.port)
        st, body, _ = c.post("/api/v1/session", {"username": username, "password": password})
        if st != 201:
            raise AssertionError(f"login {username} failed: {st} {body}")
        c.token = body["token"]
        c.csrf = body["csrf_token"]
        c.user = body["user"]
        return c

    def stop(self):
        """SIGTERM; the server must exit 0 without a sanitizer report. A second call returns the
        log of the first (a test may stop the server itself; tearDownModule calls stop again)."""
        if getattr(self, "_stopped_log", None) is not None:
            return self._stopped_log
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                raise AssertionError("server did not stop on SIGTERM")
        log = self.read_log()
        self.log.close()
        self._stopped_log = log
        if self.proc.returncode != 0:
            raise AssertionError(f"server exited {self.proc.returncode}:\n{log[-4000:]}")
        for marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
            if marker in log:
                raise AssertionError("sanitizer report in server log:\n" + log[-6000:])
        return log

    def sql(self, query, db=None):
        """Runs query with the sqlite3 shell on the server's database (or db); returns stdout."""
        p = subprocess.run(["sqlite3", "-cmd", ".timeout 5000", db or self.db, query],
                           capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise AssertionError(f"sqlite3 {query!r} failed: {p.stderr}")
        return p.stdout

    def raw(self, data, timeout=30):
        """Sends raw bytes on a fresh connection; returns what raw_http returns."""
        return raw_http(self.port, data, timeout)


def raw_http(port, data, timeout=30):
    """Sends bytes over a plain socket (for chunked bodies, broken requests) and reads until the
    server closes. Returns (status or None, {header: value} lower-cased, body bytes, parsed JSON
    or None). A server that answers early and closes is fine: send errors are ignored."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        try:
            s.sendall(data)
        except OSError:
            pass
        out = b""
        try:
            while True:
                b = s.recv(65536)
                if not b:
                    break
                out += b
        except (ConnectionResetError, socket.timeout):
            pass
    finally:
        s.close()
    return parse_response(out)


def parse_response(out):
    head, _, body = out.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    m = re.match(r"HTTP/1\.[01] (\d{3})", lines[0]) if lines else None
    status = int(m.group(1)) if m else None
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    parsed = None
    if hdrs.get("transfer-encoding", "").lower() == "chunked":
        plain, rest = b"", body
        while rest:
            size, _, rest = rest.partition(b"\r\n")
            n = int(size.split(b";")[0] or b"0", 16)
            if n == 0:
                break
            plain, rest = plain + rest[:n], rest[n + 2:]
        body = plain
    if body and hdrs.get("content-type", "").startswith("application/json"):
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
    return status, hdrs, body, parsed


def assert_error(tc, resp, status, code, field=None, msg=None):
    """resp is (status, body, headers) from Client: asserts the status, error.code and, when
    given, error.field."""
    st, body, _ = resp
    tc.assertEqual(st, status, f"{msg}: {body}" if msg is not None else body)
    tc.assertIsInstance(body, dict, f"no JSON error body ({st})")
    tc.assertIn("error", body, body)
    tc.assertEqual(body["error"].get("code"), code, body)
    tc.assertTrue(body["error"].get("message"), "the error has no message")
    if field is not None:
        tc.assertEqual(body["error"].get("field"), field, body)


class World:
    """An area tree with one user per role:

    四川省 > 成都市 > 锦江区 > 牛市口街道 > 九眼桥社区 > 晶蓝半岛小区, 世纪朝阳小区
                                         > 合江亭社区 > 滨江小区
    Users (password PASSWORD): worker, secretary (九眼桥社区), worker2 (合江亭社区),
    supervisor (牛市口街道), evaluator (锦江区), provider_user, volunteer (九眼桥社区),
    resident, resident2 (晶蓝半岛小区), resident3 (世纪朝阳小区), outsider (滨江小区, 合江亭社区).
    Providers: fire (talent, provider_user's), pantry (resource).
    """

    def __init__(self, srv):
        self.srv = srv
        self.admin = srv.login("admin", ADMIN_PASSWORD)
        a = {}
        a["province"] = 1
        a["city"] = self.area("成都市", "city", a["province"])
        a["district"] = self.area("锦江区", "district", a["city"])
        a["street"] = self.area("牛市口街道", "street", a["district"])
        a["jyq"] = self.area("九眼桥社区", "community", a["street"])
        a["jinglan"] = self.area("晶蓝半岛小区", "compound", a["jyq"])
        a["shiji"] = self.area("世纪朝阳小区", "compound", a["jyq"])
        a["hjt"] = self.area("合江亭社区", "community", a["street"])
        a["binjiang"] = self.area("滨江小区", "compound", a["hjt"])
        self.areas = a
        users = {
            "worker": ("worker", a["jyq"]),
            "secretary": ("secretary", a["jyq"]),
            "worker2": ("worker", a["hjt"]),
            "supervisor": ("street_supervisor", a["street"]),
            "evaluator": ("evaluator", a["district"]),
            "provider_user": ("provider", a["jyq"]),
            "volunteer": ("volunteer", a["jyq"]),
        }
        self.user_ids = {}
        for name, (role, area) in users.items():
            st, body, _ = self.admin.post("/api/v1/users", {
                "username": name, "password": PASSWORD, "display_name": name,
                "phone": "13800000000", "grants": [{"role": role, "area_id": area}]})
            assert st == 201, (st, body)
            self.user_ids[name] = body["id"]
        anon = srv.client()
        for name, area, phone in (("resident", a["jinglan"], "13912345678"),
                                  ("resident2", a["jinglan"], "13912340002"),
                                  ("resident3", a["shiji"], "13912340003"),
                                  ("outsider", a["binjiang"], "13912340004")):
            st, body, _ = anon.post("/api/v1/register", {
                "username": name, "password": PASSWORD, "display_name": "居民" + name,
                "phone": phone, "area_id": area})
            assert st == 201, (st, body)
            self.user_ids[name] = body["id"]
        self.c = {name: srv.login(name) for name in self.user_ids}
        self.c["admin"] = self.admin
        st, body, _ = self.c["worker"].post("/api/v1/providers", {
            "kind": "talent", "name": "牛市口消防中队", "area_id": a["jyq"], "skills": ["safety"],
            "capacity": 2, "contact": "028-88888888", "user_id": self.user_ids["provider_user"]})
        assert st == 201, (st, body)
        self.fire = body["id"]
        st, body, _ = self.c["worker"].post("/api/v1/providers", {
            "kind": "resource", "name": "九眼桥义仓", "area_id": a["jyq"],
            "skills": ["charity", "elderly"], "capacity": 0})
        assert st == 201, (st, body)
        self.pantry = body["id"]

    def area(self, name, kind, parent):
        st, body, _ = self.admin.post("/api/v1/areas", {"name": name, "kind": kind, "parent_id": parent})
        assert st == 201, (st, body)
        return body["id"]

    def need(self, who="resident", area=None, **kw):
        body = {"area_id": area or self.areas["jinglan"], "category": "elderly",
                "title": "希望增加老年活动", "description": "小区老人多，希望每周有文体活动。"}
        body.update(kw)
        st, out, _ = self.c[who].post("/api/v1/needs", body)
        assert st == 201, (st, out)
        return out["id"]

    def move(self, who, need_id, to, **kw):
        body = {"to": to}
        body.update(kw)
        st, out, _ = self.c[who].post(f"/api/v1/needs/{need_id}/transitions", body)
        assert st == 200, (st, out)
        return out


class Snapshot:
    """What must not change when a request is refused: the audit chain head and length."""

    def __init__(self, srv, admin):
        st, body, _ = admin.get("/api/v1/audit/verify")
        assert st == 200 and body["ok"], body
        self.count = body["count"]
        self.head = body["head"]
        self.srv = srv
        self.admin = admin

    def assert_unchanged(self, tc):
        st, body, _ = self.admin.get("/api/v1/audit/verify")
        tc.assertEqual(st, 200)
        tc.assertTrue(body["ok"])
        tc.assertEqual(body["count"], self.count, "a refused request wrote an audit event")
        tc.assertEqual(body["head"], self.head)
