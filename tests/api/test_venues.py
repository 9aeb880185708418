"""Venues (e.g. 七彩空间), their colour zones and the zones' bookings, per API.md: who may add
and book them, who sees them, every way a request is refused (status, error code, nothing
changed), and that bookings of a zone never overlap — also under parallel requests, through one
server and through two servers on one database.
"""
import threading
import unittest

from harness import Server, World, assert_error
from ringcheck import RingCase, iso, parse

srv = world = None

SEVEN = (("党员活动区", "red", "党员活动"), ("安全教育区", "blue", "安全教育"),
         ("医疗服务区", "white", "医疗服务"), ("老年服务区", "silver", "老年人服务"),
         ("环保教育区", "green", "环保教育"), ("科技课堂", "orange", "科技课堂"),
         ("儿童乐园", "purple", "儿童活动"))


def setUpModule():
    global srv, world
    srv = Server()
    world = World(srv)
    RingCase.srv, RingCase.world = srv, world


def tearDownModule():
    srv.stop()


_n = [0]


def venue(who="worker", area=None, name=None, **kw):
    _n[0] += 1
    body = {"area_id": area or world.areas["jinglan"], "name": name or f"七彩空间{_n[0]}"}
    body.update(kw)
    st, out, _ = world.c[who].post("/api/v1/venues", body)
    assert st == 201, (st, out)
    return out


def zone(venue_id, who="worker", name=None, colour="red", **kw):
    _n[0] += 1
    body = {"name": name or f"活动区{_n[0]}", "colour": colour}
    body.update(kw)
    st, out, _ = world.c[who].post(f"/api/v1/venues/{venue_id}/zones", body)
    assert st == 201, (st, out)
    return out


def fresh_zone(**kw):
    return zone(venue()["id"], **kw)["id"]


def at(day, hour, minute=0, offset="+08:00"):
    """A fixed time in December 2027 (bookings may lie anywhere in the future)."""
    return f"2027-12-{day:02d}T{hour:02d}:{minute:02d}:00{offset}"


def book(zone_id, starts, ends, who="worker", purpose="党员学习", **kw):
    body = {"starts_at": starts, "ends_at": ends, "purpose": purpose}
    body.update(kw)
    return world.c[who].post(f"/api/v1/zones/{zone_id}/bookings", body)


def bookings(zone_id, who="admin", query=""):
    st, out, _ = world.c[who].get(f"/api/v1/zones/{zone_id}/bookings{query}")
    assert st == 200, (st, out)
    return out


class Venues(RingCase):
    def test_worker_adds_a_venue_of_the_compound(self):
        out = venue(name="七彩空间", address="晶蓝半岛小区 3 栋架空层")
        self.assertEqual(out["name"], "七彩空间")
        self.assertEqual(out["address"], "晶蓝半岛小区 3 栋架空层")
        self.assertEqual(out["area_id"], world.areas["jinglan"])
        self.assertEqual(out["area_name"], "晶蓝半岛小区")
        self.assertEqual(out["zones"], [])
        self.assertEqual(out["zones_count"], 0)
        self.assertEqual(out["created_by"], world.user_ids["worker"])
        self.assertRegex(out["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
        ev = self.audit("venue", out["id"])
        self.assertEqual([e["action"] for e in ev], ["venue.created"])
        self.assertEqual(ev[0]["actor_id"], world.user_ids["worker"])
        self.assertEqual(ev[0]["area_id"], world.areas["jinglan"])
        self.assertEqual(ev[0]["data"]["name"], "七彩空间")

    def test_address_is_optional_and_community_venues_too(self):
        out = venue(area=world.areas["jyq"])
        self.assertIsNone(out["address"])
        self.assertEqual(out["area_id"], world.areas["jyq"])
        # the secretary and the admin add venues as well
        venue("secretary")
        venue("admin", area=world.areas["binjiang"])

    def test_who_may_add_venues(self):
        body = {"area_id": world.areas["jinglan"], "name": "活动室"}
        for who in ("resident", "provider_user", "volunteer", "evaluator", "supervisor"):
            self.refused(who, "POST", "/api/v1/venues", body, 403, "forbidden")
        # another community's worker may add venues, but not here
        self.refused("worker2", "POST", "/api/v1/venues", body, 403, "out_of_scope")
        self.refused("worker", "POST", "/api/v1/venues",
                     {"area_id": world.areas["binjiang"], "name": "活动室"}, 403, "out_of_scope")

    def test_invalid_venues_422(self):
        a = world.areas
        for body, code, field in (
                ({"name": "活动室"}, "missing_field", "area_id"),
                ({"area_id": a["jinglan"]}, "missing_field", "name"),
                ({"area_id": a["jinglan"], "name": None}, "missing_field", "name"),
                ({"area_id": 999999, "name": "活动室"}, "area_not_found", "area_id"),
                ({"area_id": a["jinglan"], "name": ""}, "invalid_name", "name"),
                ({"area_id": a["jinglan"], "name": "长" * 61}, "invalid_name", "name"),
                ({"area_id": a["jinglan"], "name": "a\x01b"}, "invalid_name", "name"),
                ({"area_id": a["jinglan"], "name": "活动室", "address": ""},
                 "invalid_address", "address"),
                ({"area_id": a["jinglan"], "name": "活动室", "address": "长" * 201},
                 "invalid_address", "address")):
            self.refused("worker", "POST", "/api/v1/venues", body, 422, code, field)
        # venues belong to a community or a compound
        self.refused("admin", "POST", "/api/v1/venues",
                     {"area_id": a["street"], "name": "街道文化站"}, 422, "invalid_area",
                     "area_id")
        # limits are inclusive
        venue(name="长" * 60, address="长" * 200)

    def test_malformed_bodies_400(self):
        self.refused("worker", "POST", "/api/v1/venues",
                     {"area_id": world.areas["jinglan"], "name": "x", "colour": "red"},
                     400, "unknown_field", "colour")
        self.refused("worker", "POST", "/api/v1/venues",
                     {"area_id": str(world.areas["jinglan"]), "name": "x"},
                     400, "wrong_type", "area_id")
        self.refused("worker", "POST", "/api/v1/venues", None, 400, "malformed_json")
        st, body, _ = world.c["worker"].request("POST", "/api/v1/venues", raw="[1]")
        self.assertEqual((st, body["error"]["code"]), (400, "malformed_json"))

    def test_reading_a_venue_in_and_out_of_scope(self):
        v = venue()
        z = zone(v["id"], colour="green", purpose="环保教育", capacity=30)
        for who in ("worker", "secretary", "supervisor", "evaluator", "provider_user",
                    "volunteer", "resident", "resident3", "admin"):
            st, out, _ = world.c[who].get(f"/api/v1/venues/{v['id']}")
            self.assertEqual(st, 200, (who, out))
            self.assertEqual(out["zones"], [z])
            self.assertEqual(out["zones_count"], 1)
        for who in ("worker2", "outsider"):
            assert_error(self, world.c[who].get(f"/api/v1/venues/{v['id']}"), 403,
                         "out_of_scope")
        assert_error(self, world.c["worker"].get("/api/v1/venues/999999"), 404,
                     "venue_not_found")
        assert_error(self, world.c["worker"].get("/api/v1/venues/abc"), 404, "not_found")
        assert_error(self, srv.client().get(f"/api/v1/venues/{v['id']}"), 401, "not_logged_in")

    def test_list_is_scoped_and_paged(self):
        mine = [venue()["id"] for _ in range(3)]
        theirs = venue("worker2", area=world.areas["binjiang"])["id"]

        def ids(who, query=""):
            st, out, _ = world.c[who].get(f"/api/v1/venues{query}")
            self.assertEqual(st, 200, out)
            return [i["id"] for i in out["items"]], out

        got, out = ids("worker", "?per_page=100")
        self.assertTrue(set(mine) <= set(got))
        self.assertNotIn(theirs, got)
        self.assertEqual(got, sorted(got), "venues come in id order")
        got2, _ = ids("worker2", "?per_page=100")
        self.assertIn(theirs, got2)
        self.assertFalse(set(mine) & set(got2))
        # a resident sees the venues of the whole community; the street sees both
        self.assertEqual(ids("resident3", "?per_page=100")[0], got)
        sup, _ = ids("supervisor", "?per_page=100")
        self.assertTrue(set(got) | {theirs} <= set(sup))
        # area filter and paging
        only, out = ids("worker", f"?area_id={world.areas['jinglan']}&per_page=100")
        self.assertTrue(set(mine) <= set(only))
        first, out = ids("worker", "?per_page=2&page=1")
        second, out2 = ids("worker", "?per_page=2&page=2")
        self.assertEqual(len(first), 2)
        self.assertEqual((out["page"], out["per_page"]), (1, 2))
        self.assertEqual(out["total"], out2["total"])
        self.assertEqual(first + second, got[:len(first) + len(second)])
        item = out["items"][0]
        for k in ("id", "area_id", "area_name", "name", "address", "zones_count",
                  "created_by", "created_at"):
            self.assertIn(k, item)

    def test_list_refusals(self):
        assert_error(self, world.c["worker"].get(f"/api/v1/venues?area_id={world.areas['hjt']}"),
                     403, "out_of_scope", "area_id")
        assert_error(self, world.c["worker"].get("/api/v1/venues?area_id=999999"), 404,
                     "area_not_found")
        for q, field in (("per_page=0", "per_page"), ("per_page=101", "per_page"),
                         ("page=0", "page"), ("area_id=x", "area_id")):
            assert_error(self, world.c["worker"].get(f"/api/v1/venues?{q}"), 422,
                         "invalid_parameter", field)


class Zones(RingCase):
    def test_the_seven_zones_of_the_seven_colour_space(self):
        v = venue(name="七彩空间")
        made = [zone(v["id"], name=n, colour=c, purpose=p) for n, c, p in SEVEN]
        for z, (n, c, p) in zip(made, SEVEN):
            self.assertEqual((z["name"], z["colour"], z["purpose"], z["venue_id"]),
                             (n, c, p, v["id"]))
            self.assertIsNone(z["capacity"])
        st, out, _ = world.c["resident"].get(f"/api/v1/venues/{v['id']}")
        self.assertEqual([z["colour"] for z in out["zones"]],
                         ["red", "blue", "white", "silver", "green", "orange", "purple"])
        self.assertEqual(out["zones_count"], 7)
        for extra in ("yellow", "cyan", "other"):
            zone(v["id"], colour=extra)
        ev = self.audit("zone", made[0]["id"])
        self.assertEqual([e["action"] for e in ev], ["zone.created"])
        self.assertEqual(ev[0]["data"], {"venue_id": v["id"], "name": "党员活动区",
                                         "colour": "red"})
        self.assertEqual(ev[0]["area_id"], world.areas["jinglan"])

    def test_capacity(self):
        v = venue()["id"]
        self.assertEqual(zone(v, capacity=1)["capacity"], 1)
        self.assertEqual(zone(v, capacity=100000)["capacity"], 100000)
        self.assertIsNone(zone(v, capacity=None)["capacity"])
        for cap in (0, -1, 100001):
            self.refused("worker", "POST", f"/api/v1/venues/{v}/zones",
                         {"name": "x", "colour": "red", "capacity": cap},
                         422, "invalid_capacity", "capacity")

    def test_zone_names_are_unique_per_venue(self):
        v, w = venue()["id"], venue()["id"]
        zone(v, name="红色区域")
        zone(w, name="红色区域")
        self.refused("worker", "POST", f"/api/v1/venues/{v}/zones",
                     {"name": "红色区域", "colour": "blue"}, 409, "zone_exists", "name",
                     read=lambda: world.admin.get(f"/api/v1/venues/{v}")[1])

    def test_invalid_zones(self):
        v = venue()["id"]
        path = f"/api/v1/venues/{v}/zones"
        for body, status, code, field in (
                ({"colour": "red"}, 422, "missing_field", "name"),
                ({"name": "x"}, 422, "missing_field", "colour"),
                ({"name": "x", "colour": "pink"}, 422, "invalid_colour", "colour"),
                ({"name": "x", "colour": "Red"}, 422, "invalid_colour", "colour"),
                ({"name": "x", "colour": ""}, 422, "invalid_colour", "colour"),
                ({"name": "", "colour": "red"}, 422, "invalid_name", "name"),
                ({"name": "长" * 41, "colour": "red"}, 422, "invalid_name", "name"),
                ({"name": "x", "colour": "red", "purpose": ""}, 422, "invalid_purpose",
                 "purpose"),
                ({"name": "x", "colour": "red", "purpose": "长" * 201}, 422,
                 "invalid_purpose", "purpose"),
                ({"name": "x", "colour": "red", "capacity": "10"}, 400, "wrong_type",
                 "capacity"),
                ({"name": "x", "colour": "red", "size": 3}, 400, "unknown_field", "size")):
            self.refused("worker", "POST", path, body, status, code, field)

    def test_who_may_add_zones(self):
        v = venue()["id"]
        body = {"name": "蓝色区域", "colour": "blue"}
        for who in ("resident", "volunteer", "provider_user", "evaluator", "supervisor"):
            self.refused(who, "POST", f"/api/v1/venues/{v}/zones", body, 403, "forbidden")
        # outside their area: nobody learns more than that
        for who in ("worker2", "outsider"):
            self.refused(who, "POST", f"/api/v1/venues/{v}/zones", body, 403, "out_of_scope")
        self.refused("worker", "POST", "/api/v1/venues/999999/zones", body, 404,
                     "venue_not_found")


class Bookings(RingCase):
    def test_book_and_read_back(self):
        z = fresh_zone()
        st, b, _ = book(z, at(5, 9), at(5, 11), purpose="党员学习日")
        self.assertEqual(st, 201, b)
        self.assertEqual((b["zone_id"], b["purpose"]), (z, "党员学习日"))
        self.assertEqual(parse(b["starts_at"]), parse(at(5, 9)))
        self.assertEqual(parse(b["ends_at"]), parse(at(5, 11)))
        self.assertIsNone(b["activity_id"])
        self.assertEqual(b["created_by"], world.user_ids["worker"])
        self.assertEqual(bookings(z, "resident")["items"], [b])
        ev = self.audit("booking", b["id"])
        self.assertEqual([e["action"] for e in ev], ["booking.created"])
        self.assertEqual(ev[0]["data"]["zone_id"], z)
        self.assertEqual(ev[0]["data"]["purpose"], "党员学习日")
        self.assertEqual(ev[0]["area_id"], world.areas["jinglan"])

    def test_overlaps_are_refused_touching_is_not(self):
        z = fresh_zone()
        st, first, _ = book(z, at(6, 9), at(6, 11))
        self.assertEqual(st, 201, first)
        path = f"/api/v1/zones/{z}/bookings"
        for starts, ends in ((at(6, 9), at(6, 11)),     # the same
                             (at(6, 10), at(6, 10, 30)),  # inside
                             (at(6, 8), at(6, 12)),      # around
                             (at(6, 8), at(6, 9, 1)),    # over the start
                             (at(6, 10, 59), at(6, 13)),  # over the end
                             # the same instants written in another offset
                             ("2027-12-06T02:00:00Z", "2027-12-06T02:30:00Z")):
            resp = self.refused("worker", "POST", path,
                                {"starts_at": starts, "ends_at": ends, "purpose": "冲突"},
                                409, "booking_overlap", "starts_at",
                                read=lambda: bookings(z))
            self.assertIn(f"booking {first['id']}", resp[1]["error"]["message"])
        # [a,b) and [b,c) touch without overlapping, on both sides
        self.assertEqual(book(z, at(6, 11), at(6, 12))[0], 201)
        self.assertEqual(book(z, at(6, 8), at(6, 9))[0], 201)
        self.assertEqual(book(z, "2027-12-06T04:00:00Z", at(6, 13))[0], 201)
        # another zone is free at the same time
        self.assertEqual(book(fresh_zone(), at(6, 9), at(6, 11))[0], 201)
        items = bookings(z)["items"]
        self.assertEqual(len(items), 4)
        starts = [parse(i["starts_at"]) for i in items]
        self.assertEqual(starts, sorted(starts))
        for a, b in zip(items, items[1:]):
            self.assertLessEqual(parse(a["ends_at"]), parse(b["starts_at"]))

    def test_invalid_times_422(self):
        z = fresh_zone()
        path = f"/api/v1/zones/{z}/bookings"
        for starts, ends, code, field in (
                ("2027-12-05T09:00:00", at(5, 10), "invalid_time", "starts_at"),
                (at(5, 9), "2027-12-05 10:00:00+08:00", "invalid_time", "ends_at"),
                ("明天上午", at(5, 10), "invalid_time", "starts_at"),
                ("2027-02-30T09:00:00+08:00", at(5, 10), "invalid_time", "starts_at"),
                ("1999-12-31T09:00:00+08:00", at(5, 10), "invalid_time", "starts_at"),
                (at(5, 9), "2100-01-01T10:00:00+08:00", "invalid_time", "ends_at"),
                (at(5, 10), at(5, 10), "invalid_time_range", "ends_at"),
                (at(5, 10), at(5, 9), "invalid_time_range", "ends_at"),
                ("2027-11-01T09:00:00+08:00", "2027-12-02T09:00:01+08:00", "span_too_long",
                 "ends_at")):
            self.refused("worker", "POST", path,
                         {"starts_at": starts, "ends_at": ends, "purpose": "x"}, 422, code,
                         field)
        # exactly 31 days is allowed
        self.assertEqual(book(z, "2027-11-01T09:00:00+08:00", "2027-12-02T09:00:00+08:00")[0],
                         201)

    def test_other_invalid_bookings(self):
        z = fresh_zone()
        path = f"/api/v1/zones/{z}/bookings"
        good = {"starts_at": at(7, 9), "ends_at": at(7, 10), "purpose": "x"}
        for change, status, code, field in (
                ({"purpose": ""}, 422, "invalid_purpose", "purpose"),
                ({"purpose": "长" * 201}, 422, "invalid_purpose", "purpose"),
                ({"purpose": None}, 422, "missing_field", "purpose"),
                ({"starts_at": None}, 422, "missing_field", "starts_at"),
                ({"ends_at": 1}, 400, "wrong_type", "ends_at"),
                ({"activity_id": 999999}, 422, "activity_not_found", "activity_id"),
                ({"activity_id": "1"}, 400, "wrong_type", "activity_id"),
                ({"room": 1}, 400, "unknown_field", "room")):
            body = dict(good)
            body.update(change)
            self.refused("worker", "POST", path, body, status, code, field)
        self.refused("worker", "POST", "/api/v1/zones/999999/bookings", good, 404,
                     "zone_not_found")

    def test_who_may_book(self):
        z = fresh_zone()
        body = {"starts_at": at(8, 9), "ends_at": at(8, 10), "purpose": "x"}
        for who in ("resident", "outsider", "volunteer", "provider_user", "evaluator",
                    "supervisor"):
            self.refused(who, "POST", f"/api/v1/zones/{z}/bookings", body, 403, "forbidden")
        self.refused("worker2", "POST", f"/api/v1/zones/{z}/bookings", body, 403,
                     "out_of_scope")
        self.assertEqual(book(z, at(8, 9), at(8, 10), who="secretary")[0], 201)

    def test_list_filters_by_time(self):
        z = fresh_zone()
        made = []
        for day in (10, 11, 12, 13):
            st, b, _ = book(z, at(day, 9), at(day, 10))
            self.assertEqual(st, 201, b)
            made.append(b["id"])

        def ids(query):
            return [b["id"] for b in bookings(z, query=query)["items"]]

        self.assertEqual(ids(""), made)
        # bookings overlapping [from, to)
        self.assertEqual(ids(f"?from={at(11, 9, 30).replace('+', '%2B')}"
                             f"&to={at(12, 9).replace('+', '%2B')}"), made[1:2])
        self.assertEqual(ids(f"?from={at(11, 9, 30).replace('+', '%2B')}"
                             f"&to={at(12, 9, 1).replace('+', '%2B')}"), made[1:3])
        self.assertEqual(ids(f"?from={at(12, 0).replace('+', '%2B')}"), made[2:])
        self.assertEqual(ids(f"?to={at(11, 9).replace('+', '%2B')}"), made[:1])
        self.assertEqual(ids("?from=2027-12-13T02:00:00Z"), [])
        out = bookings(z, query="?per_page=3&page=2")
        self.assertEqual((out["total"], [b["id"] for b in out["items"]]), (4, made[3:]))
        for q, field in (("?from=tomorrow", "from"), ("?to=2027-12-01", "to"),
                         (f"?from={at(12, 9).replace('+', '%2B')}"
                          f"&to={at(12, 9).replace('+', '%2B')}", "to"),
                         ("?per_page=0", "per_page")):
            assert_error(self, world.c["worker"].get(f"/api/v1/zones/{z}/bookings{q}"), 422,
                         "invalid_parameter", field)

    def test_bookings_are_scoped(self):
        z = fresh_zone()
        book(z, at(14, 9), at(14, 10))
        for who in ("worker2", "outsider"):
            assert_error(self, world.c[who].get(f"/api/v1/zones/{z}/bookings"), 403,
                         "out_of_scope")
        assert_error(self, world.c["worker"].get("/api/v1/zones/999999/bookings"), 404,
                     "zone_not_found")
        for who in ("resident", "volunteer", "evaluator", "supervisor"):
            self.assertEqual(bookings(z, who)["total"], 1)

    def race(self, clients, zone_id, slots):
        """Sends one booking per (client, slot) at once; returns the responses."""
        barrier = threading.Barrier(len(slots))
        results = [None] * len(slots)

        def go(i):
            starts, ends = slots[i]
            barrier.wait()
            results[i] = clients[i % len(clients)].post(
                f"/api/v1/zones/{zone_id}/bookings",
                {"starts_at": starts, "ends_at": ends, "purpose": f"并发{i}"})

        threads = [threading.Thread(target=go, args=(i,)) for i in range(len(slots))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return results

    def assert_one_wins(self, results, zone_id):
        won = [r for r in results if r[0] == 201]
        lost = [r for r in results if r[0] != 201]
        self.assertEqual(len(won), 1, [r[:2] for r in results])
        for r in lost:
            assert_error(self, r, 409, "booking_overlap")
            self.assertIn(f"booking {won[0][1]['id']}", r[1]["error"]["message"])
        self.assertEqual(bookings(zone_id)["total"], 1)
        self.assertEqual(srv.sql(f"SELECT COUNT(*) FROM bookings WHERE zone_id = {zone_id}")
                         .strip(), "1")

    def test_parallel_overlapping_bookings_one_wins(self):
        z = fresh_zone()
        # every slot overlaps every other: all contain 10:00-10:30
        slots = [(at(20, 9, i), at(20, 10, 30 + i)) for i in range(16)]
        clients = [world.c["worker"], world.c["secretary"]]
        self.assert_one_wins(self.race(clients, z, slots), z)
        st, v, _ = world.admin.get("/api/v1/audit/verify")
        self.assertTrue(v["ok"], v)

    def test_parallel_bookings_of_many_zones(self):
        zones = [fresh_zone() for _ in range(4)]
        slots = [(at(21, 9), at(21, 10))] * 6
        threads, outs = [], {}

        def run(z):
            outs[z] = self.race([world.c["worker"]], z, slots)

        for z in zones:
            threads.append(threading.Thread(target=run, args=(z,)))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for z in zones:
            self.assert_one_wins(outs[z], z)

    def test_two_servers_on_one_database_book_once(self):
        z = fresh_zone()
        other = Server(db=srv.db)
        try:
            clients = [world.c["worker"], other.login("secretary")]
            slots = [(at(22, 9), at(22, 11))] * 16
            self.assert_one_wins(self.race(clients, z, slots), z)
        finally:
            other.stop(keep_db=True)
        st, v, _ = world.admin.get("/api/v1/audit/verify")
        self.assertTrue(v["ok"], v)


if __name__ == "__main__":
    unittest.main()
