"""`xinyuan migrate-store`: a SQLite installation copied into PostgreSQL keeps every record
and its audit chain, and serves the same answers. Needs XINYUAN_TEST_PG (tests/run.sh starts
a throw-away cluster); without it the tests fail rather than skip."""
import os
import subprocess
import tempfile
import unittest
import uuid

import harness
from harness import BIN, Client, free_port, run_cli, wait_up

PG = os.environ.get("XINYUAN_TEST_PG", "")
DEMO_PASSWORD = "demo12345"


def psql(url, query):
    return harness.psql(url, query).stdout.strip()


def sqlite(path, query):
    p = subprocess.run(["sqlite3", path, query], capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise AssertionError(f"sqlite3 {query!r}: {p.stderr}")
    return p.stdout.strip()


class MigrateStore(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not PG:
            raise AssertionError("XINYUAN_TEST_PG is not set: migrate-store needs PostgreSQL")
        cls.dir = tempfile.mkdtemp(prefix="xy-migrate-")
        cls.src = os.path.join(cls.dir, "source.db")
        run_cli("demo", "--db", cls.src, env={"XINYUAN_ADMIN_PASSWORD": "admin-pass-1"})
        cls.name = "xy_mig_" + uuid.uuid4().hex[:10]
        psql(PG + "postgres", f"CREATE DATABASE {cls.name}")
        cls.dst = PG + cls.name
        cls.out = run_cli("migrate-store", "--from", cls.src, "--to", cls.dst)

    @classmethod
    def tearDownClass(cls):
        if PG and getattr(cls, "name", None):
            psql(PG + "postgres", f"DROP DATABASE IF EXISTS {cls.name} WITH (FORCE)")

    def tables(self):
        # not the FTS5 indexes of the search (need_fts, need_grams and their shadow tables):
        # PostgreSQL indexes need_text itself
        rows = sqlite(self.src, "SELECT name FROM sqlite_master WHERE type='table' "
                                "AND name NOT LIKE 'sqlite_%' AND name != 'schema_migrations' "
                                "AND name NOT LIKE 'need_fts%' AND name NOT LIKE 'need_grams%'")
        return sorted(rows.split())

    def test_every_table_is_copied(self):
        copied = sorted(line.split()[0] for line in self.out.stdout.splitlines()
                        if line and not line.startswith("copied"))
        self.assertEqual(copied, self.tables(), "migrate-store does not cover every table")

    def test_row_counts_and_contents_match(self):
        for t in self.tables():
            self.assertEqual(psql(self.dst, f"SELECT COUNT(*) FROM {t}"),
                             sqlite(self.src, f"SELECT COUNT(*) FROM {t}"), t)
        q = "SELECT id || ':' || status || ':' || COALESCE(merged_into, 0) FROM needs ORDER BY id"
        self.assertEqual(psql(self.dst, q).split(), sqlite(self.src, q).split())
        q = "SELECT hash FROM audit_events ORDER BY id"
        self.assertEqual(psql(self.dst, q).split(), sqlite(self.src, q).split())

    def test_audit_chain_verifies_with_the_same_head(self):
        a = run_cli("audit", "verify", "--db", self.src, "--json").stdout
        b = run_cli("audit", "verify", "--db", self.dst, "--json").stdout
        self.assertIn('"ok":true', b)
        self.assertEqual(a, b)

    def test_target_serves_the_same_answers_and_takes_new_writes(self):
        port = free_port()
        log = open(os.path.join(self.dir, "serve.log"), "w")
        proc = subprocess.Popen([BIN, "serve", "--db", self.dst, "--listen", f"127.0.0.1:{port}"],
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            self.assertTrue(wait_up(port, proc), "the migrated database does not serve")
            c = Client(port)
            st, body, _ = c.post("/api/v1/session", {"username": "secretary_jyq",
                                                     "password": DEMO_PASSWORD})
            self.assertEqual(st, 201, body)
            c.token = body["token"]
            st, lst, _ = c.get("/api/v1/needs?per_page=100")
            self.assertEqual(st, 200)
            self.assertGreater(lst["total"], 0)
            nid = lst["items"][0]["id"]
            st, need, _ = c.get(f"/api/v1/needs/{nid}")
            self.assertEqual(st, 200)
            want = sqlite(self.src, f"SELECT title FROM needs WHERE id = {nid}")
            self.assertEqual(need["title"], want)
            # ids continue after the copied ones (identity sequences were moved on)
            area = lst["items"][0]["area_id"]
            st, out, _ = c.post("/api/v1/needs", {
                "area_id": area, "category": "elderly", "title": "迁移后新登记",
                "description": "迁移后新登记的需求", "channel": "desk",
                "on_behalf_of": {"name": "王大爷"}})
            self.assertEqual(st, 201, out)
            self.assertGreater(out["id"], int(sqlite(self.src, "SELECT MAX(id) FROM needs")))
        finally:
            proc.terminate()
            self.assertEqual(proc.wait(timeout=60), 0)
            log.close()
        self.assertEqual(run_cli("audit", "verify", "--db", self.dst).returncode, 0)

    def test_refuses_a_target_that_holds_data_and_changes_nothing(self):
        before = psql(self.dst, "SELECT COUNT(*) || ':' || (SELECT last_hash FROM audit_head) "
                                "FROM audit_events")
        r = run_cli("migrate-store", "--from", self.src, "--to", self.dst, check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("already holds data", r.stderr)
        after = psql(self.dst, "SELECT COUNT(*) || ':' || (SELECT last_hash FROM audit_head) "
                               "FROM audit_events")
        self.assertEqual(before, after)

    def test_usage_errors(self):
        r = run_cli("migrate-store", "--from", self.src, check=False)
        self.assertEqual(r.returncode, 2)
        r = run_cli("migrate-store", "--from", os.path.join(self.dir, "absent.db"),
                    "--to", self.dst, check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("no database", r.stderr)


if __name__ == "__main__":
    unittest.main()
