"""A project's activities (活动) per API.md: created by the community's staff for approved or
running projects, booking a venue zone of the project's community (an overlap refuses the whole
activity), residents' sign-ups (once, while there is room, until the activity ends — also under
parallel requests) and the person-times recorded once it has started. Every refusal: status,
error code and nothing changed.
"""
import threading
import unittest

from harness import PASSWORD, Server, World, assert_error
from ringcheck import RingCase, from_now, iso, parse

srv = world = None
V = {}  # venues and zones made once


def setUpModule():
    global srv, world
    srv = Server()
    world = World(srv)
    RingCase.srv, RingCase.world = srv, world
    c = world.c
    st, v, _ = c["worker"].post("/api/v1/venues", {"area_id": world.areas["jinglan"],
                                                  "name": "七彩空间"})
    assert st == 201, v
    V["venue"] = v["id"]
    for key, colour, cap in (("red", "red", 30), ("silver", "silver", None),
                             ("orange", "orange", 2)):
        body = {"name": key + "区", "colour": colour}
        if cap:
            body["capacity"] = cap
        st, z, _ = c["worker"].post(f"/api/v1/venues/{v['id']}/zones", body)
        assert st == 201, z
        V[key] = z["id"]
    st, v, _ = c["worker2"].post("/api/v1/venues", {"area_id": world.areas["binjiang"],
                                                   "name": "合江亭活动室"})
    assert st == 201, v
    st, z, _ = c["worker2"].post(f"/api/v1/venues/{v['id']}/zones",
                                 {"name": "多功能区", "colour": "blue"})
    assert st == 201, z
    V["hjt"] = z["id"]
    # more residents of 晶蓝半岛小区, for the parallel sign-ups
    anon = srv.client()
    V["crowd"] = []
    for i in range(12):
        name = f"crowd{i}"
        st, out, _ = anon.post("/api/v1/register", {
            "username": name, "password": PASSWORD, "display_name": f"居民{i}",
            "area_id": world.areas["jinglan"]})
        assert st == 201, out
        V["crowd"].append(srv.login(name))


def tearDownModule():
    srv.stop()


def project(state="in_progress"):
    return world.make_project(state)["id"]


def activity_body(**kw):
    start = kw.pop("start", from_now(days=3))
    hours = kw.pop("hours", 2)
    body = {"title": "重阳文艺汇演", "category": "culture", "starts_at": iso(start),
            "ends_at": iso(start + (from_now(hours=hours) - from_now()))}
    body.update(kw)
    return {k: v for k, v in body.items() if v is not None}


def activity(pid, who="worker", **kw):
    st, out, _ = world.c[who].post(f"/api/v1/projects/{pid}/activities", activity_body(**kw))
    assert st == 201, (st, out)
    return out


def read(aid, who="admin"):
    st, out, _ = world.c[who].get(f"/api/v1/activities/{aid}")
    assert st == 200, (st, out)
    return out


def signup(aid, who):
    client = world.c[who] if isinstance(who, str) else who
    return client.post(f"/api/v1/activities/{aid}/signups", {})


class Create(RingCase):
    def test_activity_books_its_zone(self):
        pid = project()
        start = from_now(days=5)
        out = activity(pid, title="党员学习日", category="culture", start=start, hours=3,
                       venue_zone_id=V["red"])
        self.assertEqual((out["project_id"], out["title"], out["category"]),
                         (pid, "党员学习日", "culture"))
        self.assertEqual(parse(out["starts_at"]), parse(iso(start)))
        self.assertEqual((parse(out["ends_at"]) - parse(out["starts_at"])).total_seconds(),
                         3 * 3600)
        self.assertEqual(out["state"], "upcoming")
        self.assertEqual(out["capacity"], 30, "the zone's capacity is the default")
        self.assertEqual((out["signups"], out["person_times"]), (0, 0))
        self.assertFalse(out["signed_up"])
        self.assertEqual(out["area_id"], world.areas["jyq"])
        z = out["zone"]
        self.assertEqual((z["id"], z["colour"], z["venue_id"], z["venue_name"]),
                         (V["red"], "red", V["venue"], "七彩空间"))
        st, b, _ = world.admin.get(f"/api/v1/zones/{V['red']}/bookings?per_page=100")
        mine = [x for x in b["items"] if x["activity_id"] == out["id"]]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0]["id"], z["booking_id"])
        self.assertEqual(mine[0]["purpose"], "党员学习日")
        self.assertEqual(mine[0]["starts_at"], out["starts_at"])
        ev = self.audit("activity", out["id"])
        self.assertEqual([e["action"] for e in ev], ["activity.created"])
        self.assertEqual(ev[0]["data"]["booking_id"], z["booking_id"])
        self.assertEqual(ev[0]["data"]["project_id"], pid)
        self.assertEqual([e["action"] for e in self.audit("booking", z["booking_id"])],
                         ["booking.created"])
        # it is in the project's list and readable by a resident of the community
        st, lst, _ = world.c["resident3"].get(f"/api/v1/projects/{pid}/activities")
        self.assertEqual(st, 200, lst)
        self.assertEqual([a["id"] for a in lst["items"]], [out["id"]])
        self.assertEqual(read(out["id"], "resident"), lst["items"][0])

    def test_without_a_zone_and_with_own_capacity(self):
        pid = project("approved")
        out = activity(pid, who="secretary")
        self.assertIsNone(out["zone"])
        self.assertIsNone(out["capacity"])
        out = activity(pid, capacity=12, venue_zone_id=V["silver"])
        self.assertEqual(out["capacity"], 12)
        self.assertEqual(out["zone"]["id"], V["silver"])
        out = activity(pid, capacity=30, venue_zone_id=V["red"], start=from_now(days=40))
        self.assertEqual(out["capacity"], 30)

    def test_an_activity_may_be_recorded_after_the_fact(self):
        pid = project()
        out = activity(pid, start=from_now(days=-2))
        self.assertEqual(out["state"], "ended")
        out = activity(pid, start=from_now(hours=-1), hours=3)
        self.assertEqual(out["state"], "ongoing")

    def test_zone_taken_refuses_the_whole_activity(self):
        pid = project()
        start = from_now(days=7)
        first = activity(pid, start=start, hours=2, venue_zone_id=V["silver"])
        st, b, _ = world.c["worker"].post(f"/api/v1/zones/{V['orange']}/bookings", {
            "starts_at": iso(start), "ends_at": iso(from_now(days=7, hours=1)),
            "purpose": "科技课堂"})
        self.assertEqual(st, 201, b)
        path = f"/api/v1/projects/{pid}/activities"
        resp = self.refused("worker", "POST", path,
                            activity_body(start=from_now(days=7, hours=1),
                                          venue_zone_id=V["silver"]),
                            409, "booking_overlap", "starts_at",
                            read=lambda: world.admin.get(f"/api/v1/projects/{pid}/activities")[1])
        self.assertIn(f"booking {first['zone']['booking_id']}", resp[1]["error"]["message"])
        resp = self.refused("worker", "POST", path,
                            activity_body(start=start, venue_zone_id=V["orange"]),
                            409, "booking_overlap", "starts_at")
        self.assertIn(f"booking {b['id']}", resp[1]["error"]["message"])

    def test_zone_must_be_of_the_projects_community(self):
        pid = project()
        path = f"/api/v1/projects/{pid}/activities"
        self.refused("worker", "POST", path, activity_body(venue_zone_id=V["hjt"]), 409,
                     "zone_other_community", "venue_zone_id")
        self.refused("worker", "POST", path, activity_body(venue_zone_id=999999), 422,
                     "zone_not_found", "venue_zone_id")
        self.refused("worker", "POST", path, activity_body(venue_zone_id=V["red"],
                                                           capacity=31),
                     422, "capacity_exceeds_zone", "capacity")

    def test_only_approved_or_running_projects(self):
        for state in ("draft", "proposed", "evaluating"):
            pid = project(state)
            self.refused("worker", "POST", f"/api/v1/projects/{pid}/activities",
                         activity_body(), 409, "project_not_running")
        pid = project("approved")
        st, out, _ = world.c["secretary"].post(f"/api/v1/projects/{pid}/transitions",
                                               {"to": "cancelled", "reason": "场地无法落实"})
        self.assertEqual(st, 200, out)
        self.refused("worker", "POST", f"/api/v1/projects/{pid}/activities", activity_body(),
                     409, "project_not_running")
        self.refused("worker", "POST", "/api/v1/projects/999999/activities", activity_body(),
                     404, "project_not_found")

    def test_who_may_add_activities(self):
        pid = project()
        path = f"/api/v1/projects/{pid}/activities"
        for who in ("resident", "outsider", "volunteer", "provider_user", "evaluator",
                    "supervisor", "admin"):
            self.refused(who, "POST", path, activity_body(), 403, "forbidden")
        self.refused("worker2", "POST", path, activity_body(), 403, "out_of_scope")

    def test_invalid_activities(self):
        pid = project()
        path = f"/api/v1/projects/{pid}/activities"
        now = from_now(days=3)
        for change, status, code, field in (
                ({"title": ""}, 422, "invalid_title", "title"),
                ({"title": "长" * 101}, 422, "invalid_title", "title"),
                ({"title": None}, 422, "missing_field", "title"),
                ({"category": "dancing"}, 422, "invalid_category", "category"),
                ({"category": None}, 422, "missing_field", "category"),
                ({"starts_at": "2027-01-01T09:00:00"}, 422, "invalid_time", "starts_at"),
                ({"ends_at": "soon"}, 422, "invalid_time", "ends_at"),
                ({"ends_at": iso(now)}, 422, "invalid_time_range", "ends_at"),
                ({"ends_at": iso(from_now(days=35))}, 422, "span_too_long", "ends_at"),
                ({"capacity": 0}, 422, "invalid_capacity", "capacity"),
                ({"capacity": 100001}, 422, "invalid_capacity", "capacity"),
                ({"capacity": 1.5}, 400, "wrong_type", "capacity"),
                ({"venue_zone_id": "red"}, 400, "wrong_type", "venue_zone_id"),
                ({"zone_id": V["red"]}, 400, "unknown_field", "zone_id")):
            body = activity_body(start=now)
            body.update(change)
            body = {k: v for k, v in body.items() if v is not None}
            self.refused("worker", "POST", path, body, status, code, field)


class Read(RingCase):
    def test_list_in_time_order_paged_and_scoped(self):
        pid = project()
        late = activity(pid, start=from_now(days=9))
        early = activity(pid, start=from_now(days=2))
        mid = activity(pid, start=from_now(days=4))
        st, out, _ = world.c["worker"].get(f"/api/v1/projects/{pid}/activities")
        self.assertEqual([a["id"] for a in out["items"]], [early["id"], mid["id"], late["id"]])
        self.assertEqual(out["total"], 3)
        st, out, _ = world.c["worker"].get(f"/api/v1/projects/{pid}/activities?per_page=2&page=2")
        self.assertEqual(([a["id"] for a in out["items"]], out["total"], out["page"]),
                         ([late["id"]], 3, 2))
        for who in ("worker2", "outsider"):
            assert_error(self, world.c[who].get(f"/api/v1/projects/{pid}/activities"), 403,
                         "out_of_scope")
            assert_error(self, world.c[who].get(f"/api/v1/activities/{mid['id']}"), 403,
                         "out_of_scope")
        assert_error(self, world.c["worker"].get("/api/v1/projects/999999/activities"), 404,
                     "project_not_found")
        assert_error(self, world.c["worker"].get("/api/v1/activities/999999"), 404,
                     "activity_not_found")
        assert_error(self, world.c["worker"].get(f"/api/v1/projects/{pid}/activities?page=0"),
                     422, "invalid_parameter", "page")
        for who in ("resident", "volunteer", "provider_user", "evaluator", "supervisor"):
            self.assertEqual(read(mid["id"], who)["id"], mid["id"])


class Signups(RingCase):
    def test_residents_of_the_community_sign_up_once(self):
        pid = project()
        a = activity(pid, capacity=5)
        st, out, _ = signup(a["id"], "resident")
        self.assertEqual(st, 201, out)
        self.assertEqual(out, {"activity_id": a["id"], "signups": 1, "capacity": 5})
        # a resident of the other compound of the same community too; an empty body is fine
        st, out, _ = world.c["resident3"].post(f"/api/v1/activities/{a['id']}/signups")
        self.assertEqual((st, out["signups"]), (201, 2))
        self.assertTrue(read(a["id"], "resident")["signed_up"])
        self.assertFalse(read(a["id"], "resident2")["signed_up"])
        self.assertEqual(read(a["id"])["signups"], 2)
        self.refused("resident", "POST", f"/api/v1/activities/{a['id']}/signups", {}, 409,
                     "already_signed_up", read=lambda: read(a["id"]))
        ev = self.audit("activity", a["id"])
        self.assertEqual([e["action"] for e in ev],
                         ["activity.created", "activity.signup", "activity.signup"])
        self.assertEqual(ev[1]["actor_id"], world.user_ids["resident"])
        self.assertEqual(ev[2]["data"]["signups"], 2)

    def test_who_may_sign_up(self):
        a = activity(project())
        path = f"/api/v1/activities/{a['id']}/signups"
        self.refused("outsider", "POST", path, {}, 403, "out_of_scope")
        for who in ("worker", "secretary", "volunteer", "provider_user", "evaluator",
                    "supervisor", "admin", "worker2"):
            self.refused(who, "POST", path, {}, 403, "forbidden")
        self.refused("resident", "POST", "/api/v1/activities/999999/signups", {}, 404,
                     "activity_not_found")
        self.refused("resident", "POST", path, {"note": "x"}, 400, "unknown_field", "note")

    def test_full_and_ended(self):
        pid = project()
        a = activity(pid, capacity=1)
        self.assertEqual(signup(a["id"], "resident")[0], 201)
        self.refused("resident2", "POST", f"/api/v1/activities/{a['id']}/signups", {}, 409,
                     "activity_full", read=lambda: read(a["id"]))
        # the zone's capacity is the limit when the activity names none
        z = activity(pid, venue_zone_id=V["orange"], start=from_now(days=50))
        self.assertEqual(z["capacity"], 2)
        self.assertEqual(signup(z["id"], "resident")[0], 201)
        self.assertEqual(signup(z["id"], "resident2")[0], 201)
        self.refused("resident3", "POST", f"/api/v1/activities/{z['id']}/signups", {}, 409,
                     "activity_full")
        past = activity(pid, start=from_now(days=-1))
        self.refused("resident", "POST", f"/api/v1/activities/{past['id']}/signups", {}, 409,
                     "activity_ended")
        ongoing = activity(pid, start=from_now(minutes=-30), hours=2)
        self.assertEqual(signup(ongoing["id"], "resident")[0], 201)

    def test_no_sign_ups_once_the_project_moved_on(self):
        pid = project()
        a = activity(pid)
        st, out, _ = world.c["worker"].post(f"/api/v1/projects/{pid}/transitions",
                                            {"to": "evaluating"})
        self.assertEqual(st, 200, out)
        self.refused("resident", "POST", f"/api/v1/activities/{a['id']}/signups", {}, 409,
                     "project_not_running")

    def test_parallel_sign_ups_never_exceed_capacity(self):
        a = activity(project(), capacity=3)
        barrier = threading.Barrier(len(V["crowd"]))
        results = [None] * len(V["crowd"])

        def go(i):
            barrier.wait()
            results[i] = signup(a["id"], V["crowd"][i])

        threads = [threading.Thread(target=go, args=(i,)) for i in range(len(V["crowd"]))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        won = [r for r in results if r[0] == 201]
        self.assertEqual(len(won), 3, [r[:2] for r in results])
        for r in results:
            if r[0] != 201:
                assert_error(self, r, 409, "activity_full")
        self.assertEqual(sorted(r[1]["signups"] for r in won), [1, 2, 3])
        self.assertEqual(read(a["id"])["signups"], 3)
        self.assertEqual(srv.sql(f"SELECT COUNT(*) FROM activity_signups WHERE activity_id = "
                                 f"{a['id']}").strip(), "3")
        # one resident's parallel double click counts once
        b = activity(project(), capacity=10)
        results = []
        ts = [threading.Thread(target=lambda: results.append(signup(b["id"], "resident2")))
              for _ in range(6)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(sorted(r[0] for r in results), [201] + [409] * 5)
        self.assertEqual(read(b["id"])["signups"], 1)


class Attendance(RingCase):
    def test_person_times_once_started(self):
        pid = project()
        a = activity(pid, start=from_now(hours=-3))
        b = activity(pid, start=from_now(days=-1))
        st, out, _ = world.c["worker"].post(f"/api/v1/activities/{a['id']}/attendance",
                                            {"count": 40})
        self.assertEqual(st, 200, out)
        self.assertEqual(out, {"activity_id": a["id"], "person_times": 40,
                               "project_person_times": 40})
        st, out, _ = world.c["secretary"].post(f"/api/v1/activities/{b['id']}/attendance",
                                               {"count": 25})
        self.assertEqual(out["project_person_times"], 65)
        # a correction replaces the figure, audited with the old and the new value
        st, out, _ = world.c["worker"].post(f"/api/v1/activities/{a['id']}/attendance",
                                            {"count": 42})
        self.assertEqual((out["person_times"], out["project_person_times"]), (42, 67))
        self.assertEqual(read(a["id"], "resident")["person_times"], 42)
        ev = [e for e in self.audit("activity", a["id"]) if e["action"] == "activity.attendance"]
        self.assertEqual([(e["data"]["from"], e["data"]["to"]) for e in ev], [(0, 40), (40, 42)])
        self.assertEqual(ev[0]["actor_id"], world.user_ids["worker"])
        # zero is a figure too; the bounds are inclusive
        for n in (0, 100000):
            st, out, _ = world.c["worker"].post(f"/api/v1/activities/{b['id']}/attendance",
                                                {"count": n})
            self.assertEqual((st, out["person_times"]), (200, n))

    def test_refusals(self):
        pid = project()
        started = activity(pid, start=from_now(hours=-1))
        future = activity(pid, start=from_now(days=1))
        path = f"/api/v1/activities/{started['id']}/attendance"
        self.refused("worker", "POST", f"/api/v1/activities/{future['id']}/attendance",
                     {"count": 5}, 409, "activity_not_started",
                     read=lambda: read(future["id"]))
        for body, status, code, field in (({"count": -1}, 422, "invalid_count", "count"),
                                          ({"count": 100001}, 422, "invalid_count", "count"),
                                          ({}, 422, "missing_field", "count"),
                                          ({"count": "5"}, 400, "wrong_type", "count"),
                                          ({"count": 5, "x": 1}, 400, "unknown_field", "x")):
            self.refused("worker", "POST", path, body, status, code, field)
        for who in ("resident", "outsider", "volunteer", "evaluator", "supervisor", "admin"):
            self.refused(who, "POST", path, {"count": 5}, 403, "forbidden")
        self.refused("worker2", "POST", path, {"count": 5}, 403, "out_of_scope")
        self.refused("worker", "POST", "/api/v1/activities/999999/attendance", {"count": 5},
                     404, "activity_not_found")

    def test_recorded_while_evaluating_not_after_closing(self):
        pid = project()
        a = activity(pid, start=from_now(hours=-2))
        w = world.c
        self.assertEqual(w["worker"].post(f"/api/v1/projects/{pid}/transitions",
                                          {"to": "evaluating"})[0], 200)
        st, out, _ = w["worker"].post(f"/api/v1/activities/{a['id']}/attendance", {"count": 9})
        self.assertEqual((st, out["person_times"]), (200, 9))
        st, out, _ = w["evaluator"].post(f"/api/v1/projects/{pid}/evaluation",
                                         {"score": 80, "report": "良好"})
        self.assertEqual(st, 201, out)
        st, out, _ = w["secretary"].post(f"/api/v1/projects/{pid}/transitions", {"to": "closed"})
        self.assertEqual(st, 200, out)
        self.refused("worker", "POST", f"/api/v1/activities/{a['id']}/attendance",
                     {"count": 10}, 409, "project_not_running", read=lambda: read(a["id"]))


if __name__ == "__main__":
    unittest.main()
