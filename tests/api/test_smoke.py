"""A first walk through the needs ring as a resident and a worker."""
import unittest

from harness import Server, Snapshot, World

srv = world = None


def setUpModule():
    global srv, world
    srv = Server()
    world = World(srv)


def tearDownModule():
    srv.stop()


class Smoke(unittest.TestCase):
    def test_resident_submits_worker_accepts(self):
        nid = world.need()
        st, need, _ = world.c["resident"].get(f"/api/v1/needs/{nid}")
        self.assertEqual(st, 200)
        self.assertEqual(need["status"], "submitted")
        self.assertTrue(need["tracking_no"].startswith("XY"))
        out = world.move("worker", nid, "accepted")
        self.assertEqual(out["status"], "accepted")
        self.assertEqual([h["to"] for h in out["history"]], ["submitted", "accepted"])

    def test_illegal_edge_is_409_and_changes_nothing(self):
        nid = world.need()
        snap = Snapshot(srv, world.admin)
        st, body, _ = world.c["worker"].post(f"/api/v1/needs/{nid}/transitions", {"to": "fulfilled"})
        self.assertEqual(st, 409)
        self.assertEqual(body["error"]["code"], "illegal_transition")
        snap.assert_unchanged(self)
        st, need, _ = world.c["worker"].get(f"/api/v1/needs/{nid}")
        self.assertEqual(need["status"], "submitted")


if __name__ == "__main__":
    unittest.main()
