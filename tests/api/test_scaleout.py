"""Two stateless `xinyuan serve` instances on one PostgreSQL database behind nginx: a write
through one instance is read through the other, sessions work on both, and nginx spreads the
requests. Needs XINYUAN_TEST_PG (tests/run.sh starts a cluster) and nginx (packages.txt)."""
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import uuid

import harness
from harness import ADMIN_PASSWORD, BIN, Client, free_port, run_cli

PG = os.environ.get("XINYUAN_TEST_PG", "")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def psql(url, query):
    return harness.psql(url, query).stdout.strip()


def wait_up(port):
    if not harness.wait_up(port):
        raise AssertionError(f"nothing answers on port {port}")


class ScaleOut(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not PG:
            raise AssertionError("XINYUAN_TEST_PG is not set: scale-out needs PostgreSQL")
        cls.dir = tempfile.mkdtemp(prefix="xy-scale-")
        cls.name = "xy_scale_" + uuid.uuid4().hex[:10]
        psql(PG + "postgres", f"CREATE DATABASE {cls.name}")
        cls.db = PG + cls.name
        run_cli("init", "--db", cls.db, env={"XINYUAN_ADMIN_PASSWORD": ADMIN_PASSWORD})
        cls.procs, cls.logs, cls.ports = [], [], []
        for i in range(2):
            port = free_port()
            log = os.path.join(cls.dir, f"xy{i}.log")
            f = open(log, "w")
            p = subprocess.Popen([BIN, "serve", "--db", cls.db, "--listen", f"127.0.0.1:{port}",
                                  "--threads", "4", "--trust-proxy"],
                                 stdout=f, stderr=subprocess.STDOUT)
            cls.procs.append((p, f))
            cls.logs.append(log)
            cls.ports.append(port)
        for port in cls.ports:
            wait_up(port)
        cls.nginx_port = free_port()
        conf = os.path.join(cls.dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""
daemon off;
worker_processes 1;
pid {cls.dir}/nginx.pid;
error_log {cls.dir}/nginx-error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {cls.dir}/body;
    proxy_temp_path {cls.dir}/proxy;
    fastcgi_temp_path {cls.dir}/fastcgi;
    uwsgi_temp_path {cls.dir}/uwsgi;
    scgi_temp_path {cls.dir}/scgi;
    upstream xinyuan {{
        server 127.0.0.1:{cls.ports[0]};
        server 127.0.0.1:{cls.ports[1]};
    }}
    server {{
        listen 127.0.0.1:{cls.nginx_port};
        client_max_body_size 1m;
        location / {{
            proxy_pass http://xinyuan;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }}
    }}
}}
""")
        cls.nginx = subprocess.Popen([NGINX, "-c", conf, "-p", cls.dir, "-e",
                                      os.path.join(cls.dir, "nginx-error.log")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_up(cls.nginx_port)

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "nginx", None):
            cls.nginx.send_signal(signal.SIGQUIT)
            cls.nginx.wait(timeout=30)
        codes = []
        for p, f in getattr(cls, "procs", []):
            p.send_signal(signal.SIGTERM)
            codes.append(p.wait(timeout=60))
            f.close()
        if PG and getattr(cls, "name", None):
            psql(PG + "postgres", f"DROP DATABASE IF EXISTS {cls.name} WITH (FORCE)")
        assert codes == [0] * len(codes), f"instances exited {codes}"

    def login(self, port, user="admin", pw=ADMIN_PASSWORD):
        c = Client(port)
        st, body, _ = c.post("/api/v1/session", {"username": user, "password": pw})
        self.assertEqual(st, 201, body)
        c.token = body["token"]
        return c

    def test_write_through_one_read_through_the_other(self):
        a = self.login(self.ports[0])
        st, area, _ = a.post("/api/v1/areas", {"name": "成都市", "kind": "city", "parent_id": 1})
        self.assertEqual(st, 201, area)
        # the same session token works on the other instance: sessions live in the database
        b = Client(self.ports[1], token=a.token)
        st, areas, _ = b.get("/api/v1/areas")
        self.assertEqual(st, 200)
        self.assertIn(area["id"], [x["id"] for x in areas["items"]])
        st, v, _ = b.get("/api/v1/audit/verify")
        self.assertEqual(st, 200)
        self.assertTrue(v["ok"], v)

    def test_through_nginx_both_instances_serve_and_reads_are_consistent(self):
        n = self.login(self.nginx_port)
        tree = [("锦江区", "district"), ("牛市口街道", "street"), ("九眼桥社区", "community")]
        st, areas, _ = n.get("/api/v1/areas")
        parent = max(x["id"] for x in areas["items"] if x["kind"] in ("province", "city"))
        suffix = uuid.uuid4().hex[:6]
        for name, kind in tree:
            st, out, _ = n.post("/api/v1/areas", {"name": name + suffix, "kind": kind,
                                                  "parent_id": parent})
            self.assertEqual(st, 201, out)
            parent = out["id"]
        community = parent
        st, out, _ = n.post("/api/v1/users", {
            "username": "w" + suffix, "password": "password-123", "display_name": "王社工",
            "grants": [{"role": "worker", "area_id": community}]})
        self.assertEqual(st, 201, out)
        w = self.login(self.nginx_port, "w" + suffix, "password-123")
        ids = []
        for i in range(12):
            st, out, _ = w.post("/api/v1/needs", {
                "area_id": community, "category": "elderly", "title": f"第{i}条需求",
                "description": "经由 nginx 登记", "channel": "visit",
                "on_behalf_of": {"name": "李阿姨"}})
            self.assertEqual(st, 201, out)
            ids.append(out["id"])
        # every write is visible through each instance directly, right away
        for port in self.ports:
            c = Client(port, token=w.token)
            st, lst, _ = c.get(f"/api/v1/needs?area_id={community}&per_page=100")
            self.assertEqual(st, 200)
            self.assertEqual(sorted(x["id"] for x in lst["items"]), sorted(ids))
        # the chain written by two instances interleaved still verifies
        self.assertEqual(run_cli("audit", "verify", "--db", self.db).returncode, 0)
        # nginx spread the requests over both instances
        for log in self.logs:
            with open(log) as f:
                self.assertIn('"POST /api/v1/needs"', f.read(), log)

    def test_concurrent_needs_on_both_instances_neither_deadlock_nor_fail(self):
        # needs touch the kept counts and the chain head: writers of two instances must queue
        # on one order of locks, not deadlock (a deadlock costs PostgreSQL a second and a 503)
        import threading
        n = self.login(self.nginx_port)
        suffix = uuid.uuid4().hex[:6]
        parent = 1
        for name, kind in (("区" + suffix, "city"), ("县" + suffix, "district"),
                           ("街道" + suffix, "street"), ("社区" + suffix, "community")):
            st, out, _ = n.post("/api/v1/areas", {"name": name, "kind": kind, "parent_id": parent})
            self.assertEqual(st, 201, out)
            parent = out["id"]
        st, out, _ = n.post("/api/v1/users", {
            "username": "c" + suffix, "password": "password-123", "display_name": "陈社工",
            "grants": [{"role": "worker", "area_id": parent}]})
        self.assertEqual(st, 201, out)
        w = self.login(self.ports[0], "c" + suffix, "password-123")
        errors, done = [], []

        def add(port):
            c = Client(port, token=w.token)
            for i in range(15):
                st, out, _ = c.post("/api/v1/needs", {
                    "area_id": parent, "category": "safety", "title": f"楼道灯{i}",
                    "description": "楼道灯坏了", "channel": "phone",
                    "on_behalf_of": {"name": "赵大爷"}})
                (done if st == 201 else errors).append((st, out))
        t0 = time.time()
        ts = [threading.Thread(target=add, args=(self.ports[k % 2],)) for k in range(8)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(done), 120)
        self.assertLess(time.time() - t0, 30, "writers of two instances waited on each other")
        st, lst, _ = Client(self.ports[1], token=w.token).get(
            f"/api/v1/needs?area_id={parent}&status=submitted&per_page=1")
        self.assertEqual(lst["total"], 120)
        self.assertIn('"ok":true', run_cli("audit", "verify", "--db", self.db, "--json").stdout)

    def test_concurrent_writes_on_both_instances_keep_one_chain(self):
        import threading
        a = self.login(self.ports[0])
        errors = []

        def add(port, k):
            c = Client(port, token=a.token)
            for i in range(10):
                st, out, _ = c.post("/api/v1/areas", {"name": f"并发{k}-{i}-{uuid.uuid4().hex[:4]}",
                                                      "kind": "city", "parent_id": 1})
                if st != 201:
                    errors.append((st, out))
        ts = [threading.Thread(target=add, args=(self.ports[k % 2], k)) for k in range(4)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(errors, [])
        out = run_cli("audit", "verify", "--db", self.db, "--json").stdout
        self.assertIn('"ok":true', out)


if __name__ == "__main__":
    unittest.main()
