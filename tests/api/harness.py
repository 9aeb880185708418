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
    def __init__(self, threads=8, extra_env=None):
        self.dir = tempfile.mkdtemp(prefix="xy-api-")
        self.db = os.path.join(self.dir, "test.db")
        self.port = free_port()
        self.log_path = os.path.join(self.dir, "server.log")
        env = {"XINYUAN_ADMIN_PASSWORD": ADMIN_PASSWORD}
        env.update(extra_env or {})
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
        """SIGTERM; the server must exit 0 without a sanitizer report."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                raise AssertionError("server did not stop on SIGTERM")
        log = self.read_log()
        self.log.close()
        if self.proc.returncode != 0:
            raise AssertionError(f"server exited {self.proc.returncode}:\n{log[-4000:]}")
        for marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
            if marker in log:
                raise AssertionError("sanitizer report in server log:\n" + log[-6000:])
        return log


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
