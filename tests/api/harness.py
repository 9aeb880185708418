"""Test harness: starts the real xinyuan binary on loopback with a temporary database.

    srv = Server()            # init + serve on a free port, admin password ADMIN_PASSWORD
    srv.backend               # "sqlite", or "pg" when XINYUAN_TEST_PG holds a base URL
    admin = srv.login("admin", ADMIN_PASSWORD)
    st, body, hdrs = admin.post("/api/v1/areas", {...})
    srv.stop()                # SIGTERM, asserts exit 0 and no sanitizer report

World(srv) builds a small area tree with users of every role (see World.__init__).
Snapshot(srv) captures the audit head and counts, so a refused request can be shown to have
changed nothing.

Backends: with XINYUAN_TEST_PG=postgresql://user@host:port/ every Server() without db= gets a
fresh PostgreSQL database of its own (CREATE DATABASE through psql; dropped again by stop()),
otherwise a SQLite file in a temporary directory. new_database()/drop_database() make and drop
such a database for a test that runs the CLI on one itself (demo, audit tampering on a copy).
"""
import atexit
import http.client
import itertools
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


PG_BASE = os.environ.get("XINYUAN_TEST_PG") or None
if PG_BASE and not PG_BASE.endswith("/"):
    PG_BASE += "/"
# XINYUAN_TEST_BACKEND=sqlite keeps the SQLite backend while XINYUAN_TEST_PG stays set for
# the tests that need PostgreSQL in any case (migrate-store); run.py --backend sets it.
BACKEND = os.environ.get("XINYUAN_TEST_BACKEND") or ("pg" if PG_BASE else "sqlite")
if BACKEND not in ("sqlite", "pg"):
    raise SystemExit(f"XINYUAN_TEST_BACKEND={BACKEND!r}: say sqlite or pg")
if BACKEND == "pg" and not PG_BASE:
    raise SystemExit("XINYUAN_TEST_BACKEND=pg needs XINYUAN_TEST_PG=postgresql://user@host:port/")
_db_counter = itertools.count(1)
_live = []  # servers not stopped yet: killed (and their databases dropped) at exit


def psql(url, query, check=True):
    """Runs query with psql on url; the output is what the sqlite3 shell prints by default
    (one row per line, columns separated by |, NULL as the empty string)."""
    p = subprocess.run(["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", query],
                       capture_output=True, text=True, timeout=120)
    if check and p.returncode != 0:
        raise AssertionError(f"psql {query!r} on {url} failed: {p.stderr}")
    return p


def pg_database_exists(name):
    out = psql(PG_BASE + "postgres", f"SELECT COUNT(*) FROM pg_database WHERE datname = '{name}'")
    return out.stdout.strip() == "1"


def new_database(tag="t"):
    """A new empty database for this backend: a SQLite path (the file does not exist yet) in a
    fresh temporary directory, or the URL of a PostgreSQL database just created."""
    if BACKEND == "sqlite":
        return os.path.join(tempfile.mkdtemp(prefix=f"xy-{tag}-"), "test.db")
    name = f"xy_{tag}_{os.getpid()}_{next(_db_counter)}"
    psql(PG_BASE + "postgres", f'CREATE DATABASE "{name}"')
    return PG_BASE + name


def drop_database(target):
    """Drops a PostgreSQL database made by new_database (SQLite files stay in /tmp)."""
    if BACKEND == "pg" and target and target.startswith(PG_BASE):
        name = target[len(PG_BASE):]
        psql(PG_BASE + "postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_up(port, proc=None, timeout=30):
    """Waits until /api/v1/health answers 200 on port; False when proc exits first or time
    runs out."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if Client(port).get("/api/v1/health")[0] == 200:
                return True
        except OSError:
            pass
        if proc is not None and proc.poll() is not None:
            return False
        time.sleep(0.05)
    return False


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
        self.backend = BACKEND
        self.own_db = None  # the PostgreSQL database this server made and stop() drops
        if db is not None:
            self.db = db
        elif self.backend == "pg":
            self.db = self.own_db = new_database("t")
        else:
            self.db = os.path.join(self.dir, "test.db")
        self.port = free_port()
        self.log_path = os.path.join(self.dir, "server.log")
        env = {"XINYUAN_ADMIN_PASSWORD": ADMIN_PASSWORD}
        env.update(extra_env or {})
        if db is None:
            try:
                run_cli("init", "--db", self.db, env=env)
            except BaseException:
                drop_database(self.own_db)
                raise
        e = dict(os.environ)
        e.update(env)
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--db", self.db, "--listen", f"127.0.0.1:{self.port}", "--threads", str(threads)],
            stdout=self.log, stderr=subprocess.STDOUT, env=e)
        _live.append(self)
        if wait_up(self.port, self.proc):
            return
        log = self.read_log()
        _live.remove(self)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        drop_database(self.own_db)
        raise AssertionError("server did not start:\n" + log)

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

    def stop(self, keep_db=False):
        """SIGTERM; the server must exit 0 without a sanitizer report. A second call returns the
        log of the first (a test may stop the server itself; tearDownModule calls stop again).
        A PostgreSQL database the server made is dropped once it stopped, unless keep_db (a
        test that still reads it; the next stop() drops it)."""
        if getattr(self, "_stopped_log", None) is not None:
            if not keep_db:
                self.drop_db()
            return self._stopped_log
        if self in _live:
            _live.remove(self)
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
        if not keep_db:
            self.drop_db()
        if self.proc.returncode != 0:
            raise AssertionError(f"server exited {self.proc.returncode}:\n{log[-4000:]}")
        for marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
            if marker in log:
                raise AssertionError("sanitizer report in server log:\n" + log[-6000:])
        return log

    def drop_db(self):
        if self.own_db:
            db, self.own_db = self.own_db, None
            drop_database(db)

    def sql(self, query, db=None):
        """Runs query on the server's database (or db) with the sqlite3 shell, or with psql on
        PostgreSQL (same output format); returns stdout."""
        target = db or self.db
        if self.backend == "pg":
            return psql(target, query).stdout
        p = subprocess.run(["sqlite3", "-cmd", ".timeout 5000", target, query],
                           capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise AssertionError(f"sqlite3 {query!r} failed: {p.stderr}")
        return p.stdout

    def raw(self, data, timeout=30):
        """Sends raw bytes on a fresh connection; returns what raw_http returns."""
        return raw_http(self.port, data, timeout)


@atexit.register
def _kill_leftovers():
    """A module whose setUpModule failed after starting a server never calls stop()."""
    for srv in list(_live):
        if srv.proc.poll() is None:
            srv.proc.kill()
            srv.proc.wait()
        try:
            drop_database(srv.own_db)
        except AssertionError:
            pass


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


    def make_fund(self, amount_fen=10_000_000, area=None, year=2026, name="锦江区社区专项资金"):
        """A special fund (the admin sets it up); returns its id."""
        st, out, _ = self.admin.post("/api/v1/funds", {
            "area_id": area or self.areas["district"], "year": year, "name": name,
            "amount_fen": amount_fen})
        assert st == 201, (st, out)
        return out["id"]

    # the path of a project through its machine, with who takes each step
    PROJECT_STEPS = (("proposed", "worker"), ("approved", "secretary"),
                     ("in_progress", "worker"), ("evaluating", "worker"))

    def make_project(self, state="draft", fund=None, budget_fen=500_000, needs=None,
                     area=None, allocate=0, **kw):
        """A project of 九眼桥社区 made from fresh accepted needs (or `needs`), moved on to
        `state` (draft, proposed, approved, in_progress or evaluating); `allocate` fen are
        allocated to it from its fund once it is approved. Returns the project JSON."""
        if needs is None:
            needs = [self.need()]
            self.move("worker", needs[0], "accepted")
        fund = fund or self.make_fund()
        body = {"area_id": area or self.areas["jyq"], "title": "七彩空间改造",
                "need_ids": needs, "goals": "把闲置空间改造成七彩空间",
                "feasibility": "场地已落实，物业同意", "budget_fen": budget_fen, "fund_id": fund}
        body.update(kw)
        st, out, _ = self.c["worker"].post("/api/v1/projects", body)
        assert st == 201, (st, out)
        for to, who in self.PROJECT_STEPS:
            if out["status"] == state:
                break
            st, out, _ = self.c[who].post(f"/api/v1/projects/{out['id']}/transitions",
                                          {"to": to})
            assert st == 200, (st, out)
            if to == "approved" and allocate:
                st, f, _ = self.admin.post(f"/api/v1/funds/{fund}/allocations",
                                           {"project_id": out["id"], "amount_fen": allocate})
                assert st == 201, (st, f)
        assert out["status"] == state, out
        st, out, _ = self.admin.get(f"/api/v1/projects/{out['id']}")
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
