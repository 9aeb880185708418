"""Shared by the venue, activity and feedback tests (test_venues.py, test_activities.py,
test_feedback.py): times in the API's format, and a base class whose `refused` sends a request,
asserts the refusal (status, error.code, error.field) and shows that nothing changed — the audit
chain (Snapshot), the rows of the rings' tables and their kept counters, and optionally what a
reader returns before and after."""
import datetime
import unittest

from harness import Snapshot, assert_error

FINGERPRINT = (
    "SELECT (SELECT COUNT(*) FROM venues), (SELECT COUNT(*) FROM venue_zones), "
    "(SELECT COUNT(*) FROM bookings), (SELECT COUNT(*) FROM activities), "
    "(SELECT COALESCE(SUM(signups), 0) FROM activities), "
    "(SELECT COALESCE(SUM(person_times), 0) FROM activities), "
    "(SELECT COUNT(*) FROM activity_signups), (SELECT COUNT(*) FROM feedback), "
    "(SELECT COUNT(*) FROM evaluations), (SELECT COUNT(*) FROM projects)")


def iso(dt):
    """A datetime as the API writes times: ISO 8601 with the offset, to the second."""
    if dt.tzinfo is None:
        dt = dt.astimezone()
    return dt.isoformat(timespec="seconds")


def from_now(**kw):
    """Now plus a timedelta(**kw), in the local zone."""
    return datetime.datetime.now().astimezone() + datetime.timedelta(**kw)


def parse(s):
    return datetime.datetime.fromisoformat(s)


class RingCase(unittest.TestCase):
    """setUpModule sets RingCase.srv and RingCase.world."""
    srv = None
    world = None

    def fingerprint(self):
        return self.srv.sql(FINGERPRINT)

    def refused(self, who, method, path, body, status, code, field=None, read=None):
        """Sends the request as `who` and asserts it was refused as said and changed nothing.
        read() (optional) returns what must read the same before and after."""
        snap = Snapshot(self.srv, self.world.admin)
        before = self.fingerprint()
        seen = read() if read else None
        client = self.world.c[who] if isinstance(who, str) else who
        resp = client.request(method, path, body=body)
        assert_error(self, resp, status, code, field)
        snap.assert_unchanged(self)
        self.assertEqual(self.fingerprint(), before, "a refused request changed rows")
        if read:
            self.assertEqual(read(), seen, "a refused request changed what a reader sees")
        return resp

    def ok(self, resp, status=201):
        st, body, _ = resp
        self.assertEqual(st, status, body)
        return body

    def audit(self, entity, entity_id):
        """The audit events of one record, oldest first."""
        body = self.ok(self.world.admin.get(
            f"/api/v1/audit?entity={entity}&entity_id={entity_id}&per_page=100"), 200)
        return body["items"]
