"""The hash-chained audit trail: one event per state change, the per-entity listing with hash
links, who may read it, and the CLI (`audit verify`, `backup`) on used, copied and tampered
databases. Tampering happens on backups, never on the database the server is using.

On PostgreSQL `xinyuan backup` refuses (PostgreSQL is backed up with pg_dump): the copies to
tamper with are made with `pg_dump BASE/live | psql BASE/copy` into databases of their own.
"""
import json
import os
import re
import subprocess
import unittest

from harness import (BACKEND, PG_BASE, Server, Snapshot, World, assert_error, drop_database,
                     new_database, pg_database_exists, run_cli)

srv = world = None
GENESIS = "0" * 64
HEX64 = re.compile(r"^[0-9a-f]{64}$")


def setUpModule():
    global srv, world
    srv = Server()
    world = World(srv)
    # some history
    n = world.need("resident")
    world.move("worker", n, "accepted")
    world.c["resident2"].post(f"/api/v1/needs/{n}/support")
    world.move("secretary", n, "wish_open")


def tearDownModule():
    srv.stop()


def verify():
    st, body, _ = world.admin.get("/api/v1/audit/verify")
    assert st == 200, body
    return body


def all_events():
    out, page = [], 1
    while True:
        st, body, _ = world.admin.get(f"/api/v1/audit?per_page=100&page={page}")
        assert st == 200, body
        out += body["items"]
        if len(out) >= body["total"] or not body["items"]:
            return out
        page += 1


class Events(unittest.TestCase):
    def grows_by_one(self, fn):
        before = verify()
        out = fn()
        after = verify()
        self.assertTrue(after["ok"])
        self.assertEqual(after["count"], before["count"] + 1)
        self.assertNotEqual(after["head"], before["head"])
        return out

    def test_each_change_writes_exactly_one_event(self):
        nid = self.grows_by_one(lambda: world.need("resident"))
        self.grows_by_one(lambda: world.move("worker", nid, "accepted"))
        st = self.grows_by_one(
            lambda: world.c["resident3"].post(f"/api/v1/needs/{nid}/support")[0])
        self.assertEqual(st, 201)
        self.grows_by_one(lambda: world.move("secretary", nid, "wish_open"))
        self.grows_by_one(lambda: world.move("provider_user", nid, "claimed",
                                             provider_id=world.fire))
        self.grows_by_one(lambda: world.move("provider_user", nid, "fulfilled"))
        self.grows_by_one(lambda: world.move("resident", nid, "confirmed"))
        recorded = self.grows_by_one(lambda: world.c["worker"].post("/api/v1/needs", {
            "area_id": world.areas["jyq"], "category": "culture", "title": "代录",
            "description": "d", "channel": "hotline", "on_behalf_of": {"name": "某"}})[1])
        self.grows_by_one(lambda: world.move("worker", recorded["id"], "rejected", reason="重复"))
        # reads write nothing
        snap = Snapshot(srv, world.admin)
        world.c["worker"].get(f"/api/v1/needs/{nid}")
        world.c["worker"].get("/api/v1/needs")
        world.c["worker"].get(f"/api/v1/audit?entity=need&entity_id={nid}")
        snap.assert_unchanged(self)

    def test_need_events_oldest_first_with_links(self):
        nid = world.need("resident")
        world.move("worker", nid, "accepted")
        world.c["resident2"].post(f"/api/v1/needs/{nid}/support")
        world.move("worker", nid, "rejected", reason="与 1 号需求重复")
        st, body, _ = world.c["worker"].get(f"/api/v1/audit?entity=need&entity_id={nid}")
        self.assertEqual(st, 200, body)
        items = body["items"]
        self.assertEqual(body["total"], 4)
        self.assertEqual([e["action"] for e in items],
                         ["need.submitted", "need.transition", "need.supported",
                          "need.transition"])
        self.assertTrue(all(e["entity"] == "need" and e["entity_id"] == nid for e in items))
        self.assertEqual([e["actor_id"] for e in items],
                         [world.user_ids[u] for u in ("resident", "worker", "resident2", "worker")])
        self.assertEqual(items[1]["data"]["from"], "submitted")
        self.assertEqual(items[1]["data"]["to"], "accepted")
        self.assertEqual(items[3]["data"]["to"], "rejected")
        self.assertEqual(items[3]["data"]["reason"], "与 1 号需求重复")
        self.assertEqual(items[2]["data"]["supporters"], 1)
        ids = [e["id"] for e in items]
        self.assertEqual(ids, sorted(ids))
        for e in items:
            self.assertRegex(e["hash"], HEX64)
            self.assertRegex(e["prev_hash"], HEX64)
            self.assertRegex(e["at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
        # each event links to the event before it in the whole chain
        chain = {e["id"]: e for e in all_events()}
        for e in items:
            self.assertEqual(e["prev_hash"], chain[e["id"] - 1]["hash"])
            self.assertEqual(e, chain[e["id"]])

    def test_whole_chain_links_from_genesis_to_head(self):
        events = all_events()
        v = verify()
        self.assertTrue(v["ok"])
        self.assertEqual(len(events), v["count"])
        self.assertEqual([e["id"] for e in events], list(range(1, len(events) + 1)))
        self.assertEqual(events[0]["prev_hash"], GENESIS)
        for a, b in zip(events, events[1:]):
            self.assertEqual(b["prev_hash"], a["hash"])
        self.assertEqual(events[-1]["hash"], v["head"])
        self.assertEqual(len({e["hash"] for e in events}), len(events))

    def test_other_community_sees_nothing(self):
        nid = world.need("resident")
        world.move("worker", nid, "accepted")
        st, body, _ = world.c["worker2"].get(f"/api/v1/audit?entity=need&entity_id={nid}")
        self.assertEqual(st, 200, body)
        self.assertEqual(body["items"], [])
        self.assertEqual(body["total"], 0)
        # not in their unfiltered list either
        st, body, _ = world.c["worker2"].get("/api/v1/audit?entity=need&per_page=100")
        self.assertNotIn(nid, [e["entity_id"] for e in body["items"]])
        # while the own community's secretary and the street supervisor do see them
        for who in ("secretary", "supervisor", "evaluator"):
            st, body, _ = world.c[who].get(f"/api/v1/audit?entity=need&entity_id={nid}")
            self.assertEqual(st, 200, body)
            self.assertEqual(body["total"], 2, who)

    def test_who_may_read_the_trail(self):
        for who in ("resident", "outsider", "provider_user", "volunteer"):
            assert_error(self, world.c[who].get("/api/v1/audit"), 403, "forbidden", msg=who)
            assert_error(self, world.c[who].get("/api/v1/audit/verify"), 403, "forbidden",
                         msg=who)
        assert_error(self, srv.client().get("/api/v1/audit"), 401, "not_logged_in")
        assert_error(self, srv.client().get("/api/v1/audit/verify"), 401, "not_logged_in")
        for who in ("admin", "supervisor", "secretary", "worker", "evaluator"):
            st, body, _ = world.c[who].get("/api/v1/audit/verify")
            self.assertEqual(st, 200, who)
            self.assertTrue(body["ok"])

    def test_verify_endpoint(self):
        v = verify()
        self.assertIs(v["ok"], True)
        self.assertGreater(v["count"], 10)
        self.assertRegex(v["head"], HEX64)
        self.assertNotIn("first_bad", v)

    def test_list_parameters(self):
        c = world.c["worker"]
        assert_error(self, c.get("/api/v1/audit?entity_id=x"), 422, "invalid_parameter",
                     "entity_id")
        st, body, _ = c.get("/api/v1/audit?entity=need&entity_id=999999")
        self.assertEqual((st, body["total"]), (200, 0))
        st, body, _ = c.get("/api/v1/audit?entity=need&per_page=2&page=1")
        self.assertEqual(len(body["items"]), 2)
        self.assertEqual(body["per_page"], 2)


class Cli(unittest.TestCase):
    def path(self, name):
        return os.path.join(srv.dir, name)

    def backup(self, name):
        """A copy of the live database, to compare or tamper with: `xinyuan backup` into the
        file name on SQLite; on PostgreSQL pg_dump restored into a new database (dropped when
        the test ends). Returns the copy's path or URL."""
        if BACKEND == "sqlite":
            p = self.path(name)
            out = run_cli("backup", "--db", srv.db, "--to", p)
            self.assertTrue(os.path.exists(p), out.stdout + out.stderr)
            return p
        url = new_database("copy")
        self.addCleanup(drop_database, url)
        dump = self.pg_dump()
        r = subprocess.run(["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", "-d", url], input=dump,
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        return url

    def pg_dump(self):
        r = subprocess.run(["pg_dump", "--no-owner", "--no-privileges", "-d", srv.db],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("CREATE TABLE", r.stdout)
        return r.stdout

    def absent_db(self, name):
        """A database that does not exist: a path, or a URL naming no database."""
        if BACKEND == "sqlite":
            return self.path(name)
        return PG_BASE + "xy_absent_%d_%s" % (os.getpid(), name.replace(".", "_").replace("-", "_"))

    def assert_no_db(self, target, msg):
        if BACKEND == "sqlite":
            self.assertFalse(os.path.exists(target), msg)
        else:
            self.assertFalse(pg_database_exists(target[len(PG_BASE):]), msg)

    def verify_cli(self, db, *extra):
        return run_cli("audit", "verify", "--db", db, *extra, check=False)

    def test_verify_a_used_database(self):
        p = self.verify_cli(srv.db)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        p = self.verify_cli(srv.db, "--json")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        out = json.loads(p.stdout)
        v = verify()
        self.assertTrue(out["ok"])
        self.assertEqual(out["count"], v["count"])
        self.assertEqual(out["head"], v["head"])

    def test_backup_is_a_verifiable_copy_with_the_same_needs(self):
        if BACKEND == "pg":
            # `xinyuan backup` is for SQLite: on PostgreSQL it refuses, names pg_dump and
            # writes nothing; the copy below is the pg_dump it points to
            to = self.path("refused.db")
            r = run_cli("backup", "--db", srv.db, "--to", to, check=False)
            self.assertNotEqual(r.returncode, 0, r.stdout)
            self.assertIn("pg_dump", r.stderr)
            self.assertFalse(os.path.exists(to), "backup of a PostgreSQL URL wrote a file")
        p = self.backup("copy.db")
        r = self.verify_cli(p, "--json")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(json.loads(r.stdout)["head"], verify()["head"])
        q = "SELECT id, tracking_no, status, area_id, title, supporters FROM needs ORDER BY id"
        live = srv.sql(q)
        self.assertTrue(live.strip())
        self.assertEqual(srv.sql(q, db=p), live)
        q = "SELECT id, hash FROM audit_events ORDER BY id"
        self.assertEqual(srv.sql(q, db=p), srv.sql(q))

    def test_backup_refuses_to_overwrite(self):
        if BACKEND == "sqlite":
            p = self.backup("once.db")
        else:  # an earlier backup of PostgreSQL is a pg_dump file
            p = self.path("once.sql")
            with open(p, "w") as f:
                f.write(self.pg_dump())
        with open(p, "rb") as f:
            before = f.read()
        r = run_cli("backup", "--db", srv.db, "--to", p, check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(p, r.stderr)
        with open(p, "rb") as f:
            self.assertEqual(f.read(), before, "backup overwrote an existing file")
        # not even an unrelated file
        other = self.path("precious.txt")
        with open(other, "w") as f:
            f.write("keep me")
        r = run_cli("backup", "--db", srv.db, "--to", other, check=False)
        self.assertNotEqual(r.returncode, 0)
        with open(other) as f:
            self.assertEqual(f.read(), "keep me")

    def test_altered_event_is_named(self):
        p = self.backup("altered.db")
        srv.sql("UPDATE audit_events SET data='{}' WHERE id=3", db=p)
        r = self.verify_cli(p)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertRegex(r.stdout + r.stderr, r"\bevent 3\b")
        r = self.verify_cli(p, "--json")
        self.assertEqual(r.returncode, 1)
        out = json.loads(r.stdout)
        self.assertFalse(out["ok"])
        self.assertEqual(out["first_bad"]["id"], 3)
        # the live database is untouched
        self.assertEqual(self.verify_cli(srv.db).returncode, 0)

    def test_altered_hash_fields_are_named(self):
        p = self.backup("rehashed.db")
        srv.sql("UPDATE audit_events SET actor_id = actor_id + 1 WHERE id = 5", db=p)
        r = self.verify_cli(p, "--json")
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertEqual(json.loads(r.stdout)["first_bad"]["id"], 5)
        p = self.backup("relinked.db")
        srv.sql("UPDATE audit_events SET prev_hash = '%s' WHERE id = 4" % ("a" * 64), db=p)
        r = self.verify_cli(p, "--json")
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertEqual(json.loads(r.stdout)["first_bad"]["id"], 4)

    def test_deleted_middle_event_is_named(self):
        p = self.backup("deleted.db")
        count = int(srv.sql("SELECT COUNT(*) FROM audit_events", db=p))
        mid = count // 2
        srv.sql(f"DELETE FROM audit_events WHERE id={mid}", db=p)
        r = self.verify_cli(p)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertRegex(r.stdout + r.stderr, rf"\bevent {mid}\b")

    def test_deleted_last_event_is_noticed(self):
        p = self.backup("truncated.db")
        last = int(srv.sql("SELECT MAX(id) FROM audit_events", db=p))
        srv.sql(f"DELETE FROM audit_events WHERE id={last}", db=p)
        r = self.verify_cli(p, "--json")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(json.loads(r.stdout)["first_bad"]["id"], last)

    def test_verify_of_a_missing_database_fails_and_creates_nothing(self):
        p = self.absent_db("no-such.db")
        r = self.verify_cli(p)
        self.assertNotEqual(r.returncode, 0,
                            "audit verify of a missing database reports success: " + r.stdout)
        self.assert_no_db(p, "audit verify created a database")

    def test_backup_of_a_missing_database_fails(self):
        src = self.absent_db("absent.db")
        dst = self.path("absent-copy.db")
        r = run_cli("backup", "--db", src, "--to", dst, check=False)
        self.assertNotEqual(r.returncode, 0, "backup of a missing database succeeded")
        self.assert_no_db(src, "backup created the source database")


if __name__ == "__main__":
    unittest.main()
