"""Search (q on GET /api/v1/needs) and duplicate suggestions (POST /api/v1/needs/similar and
the `similar` list of POST /api/v1/needs), on whichever backend the harness runs (docs/search.md).

Texts: needs of 九眼桥社区 (worker, residents) and one of 合江亭社区 (worker2) that repeats a
九眼桥 need word for word, so that scope is visible in every answer.
"""
import unittest
import urllib.parse

from harness import PASSWORD, Server, Snapshot, World, assert_error

srv = world = None
N = {}  # name -> need id


def q(text, who="worker", extra=""):
    """GET /api/v1/needs?q=text; returns (ids, body)."""
    path = "/api/v1/needs?per_page=100&q=" + urllib.parse.quote(text) + extra
    st, body, _ = world.c[who].get(path)
    assert st == 200, (st, body)
    return [n["id"] for n in body["items"]], body


def similar(body, who="resident"):
    st, out, _ = world.c[who].post("/api/v1/needs/similar", body)
    assert st == 200, (st, out)
    return out["similar"]


def setUpModule():
    global srv, world
    srv = Server()
    world = World(srv)
    j, s, b = world.areas["jinglan"], world.areas["shiji"], world.areas["binjiang"]
    need = world.need
    N["lamp"] = need("resident", area=j, category="safety", title="九眼橋路燈壞了",
                     description="九眼橋社區晶藍半島3棟門口的路燈壞了一個多星期，晚上很黑。")
    N["garbage"] = need("resident2", area=j, category="environment", title="垃圾分类点太臭",
                        description="北门旁边的垃圾分类投放点没人清理，夏天特别臭。")
    N["dance"] = need("resident3", area=s, category="culture", title="广场舞音响太吵",
                      description="每天晚上小广场跳舞的音响声音很大，九眼桥一带都听得到。")
    N["lift"] = need("resident", area=j, category="safety", title="5栋电梯经常困人",
                     description="世纪朝阳5栋的电梯这个月已经困人三次了，老人小孩都不敢坐，希望彻底检修。")
    N["syntax"] = need("resident2", area=j, category="culture",
                       title='标点"测试"*NEAR\'%_',
                       description='引号"和星号*以及NEAR、单引号\'、百分号%、下划线_都是普通字符')
    N["canteen"] = need("resident3", area=s, category="elderly", title="希望开办老年食堂",
                        description="小区独居老人多，自己做饭不方便，希望社区开办老年食堂，提供便宜的午餐。")
    # 合江亭社区: the same words as the lift need, and a need only its own staff see
    N["other_lift"] = need("outsider", area=b, category="safety", title="5栋电梯经常困人",
                           description="世纪朝阳5栋的电梯这个月已经困人三次了，老人小孩都不敢坐，希望彻底检修。")


def tearDownModule():
    srv.stop()


class Search(unittest.TestCase):
    def test_traditional_query_finds_simplified_text(self):
        ids, _ = q("垃圾分類")
        self.assertEqual(ids, [N["garbage"]])

    def test_jiuyanqiao_both_ways(self):
        simplified, _ = q("九眼桥")
        traditional, _ = q("九眼橋")
        self.assertEqual(sorted(simplified), sorted([N["lamp"], N["dance"]]))
        self.assertEqual(sorted(traditional), sorted(simplified))

    def test_two_and_one_character_queries(self):
        self.assertEqual(q("路灯")[0], [N["lamp"]])      # text written 路燈
        self.assertEqual(q("電梯")[0], [N["lift"]])
        self.assertEqual(q("臭")[0], [N["garbage"]])
        self.assertIn(N["canteen"], q("餐")[0])
        self.assertEqual(q("５栋")[0], [N["lift"]])       # full-width digit

    def test_case_and_spaces_fold(self):
        self.assertEqual(q("near")[0], [N["syntax"]])
        self.assertEqual(q("电 梯")[0], [N["lift"]])
        self.assertEqual(q("ｎｅａｒ")[0], [N["syntax"]])

    def test_relevance_title_before_description_and_snippets(self):
        ids, body = q("九眼桥")
        # 九眼橋 is in the lamp need's title, only in the dance need's description
        self.assertEqual(ids, [N["lamp"], N["dance"]])
        lamp = body["items"][0]
        self.assertIn("【九眼橋】", lamp["snippet"])      # marked in the writing of the text
        self.assertIn("【九眼桥】", body["items"][1]["snippet"])
        self.assertFalse(body["total_capped"])
        self.assertEqual(body["total"], 2)
        # a list without q has no snippets
        st, plain, _ = world.c["worker"].get("/api/v1/needs?per_page=5")
        self.assertNotIn("snippet", plain["items"][0])

    def test_syntax_characters_are_plain_text(self):
        for text in ('"', '*', 'NEAR', "'", '%', '_', '"测试"', "'%_", '*NEAR', '"*',
                     "标点\"测试\"*NEAR'%_", 'near、单', "号%"):
            ids, body = q(text)
            self.assertEqual(ids, [N["syntax"]], text)
        for text in ('"x', 'x"', '*x*', 'NEAR(a b)', "' OR 1=1 --", "%%%", "__", "\\%", 'AND',
                     'OR', 'NOT', '(', ')', ':', '^', '-', '\\', '";DROP TABLE needs;--',
                     "NEAR/2", '{title}:x', 'title:九眼桥'):
            self.assertEqual(q(text)[0], [], text)

    def test_empty_and_space_queries_list_everything(self):
        st, plain, _ = world.c["worker"].get("/api/v1/needs?per_page=100")
        self.assertEqual(q("")[1]["total"], plain["total"])
        self.assertEqual(q("   ")[1]["total"], plain["total"])
        self.assertNotIn("snippet", q("")[1]["items"][0])

    def test_long_and_invalid_queries(self):
        c = world.c["worker"]
        assert_error(self, c.get("/api/v1/needs?q=" + "x" * 10000), 422, "invalid_query", "q")
        st, body, _ = c.get("/api/v1/needs?q=" + urllib.parse.quote("九" * 10000))
        self.assertIn(st, (413, 414, 422, 431), body)  # 90 kB of URL: refused, never a 500
        assert_error(self, c.get("/api/v1/needs?q=" + "x" * 201), 422, "invalid_query", "q")
        self.assertEqual(q("九" * 200)[0], [])
        st, body, _ = c.get("/api/v1/needs?q=%ff%fe")
        self.assertIn(st, (400, 422), body)
        st, body, _ = c.get("/api/v1/needs?q=%e4%b9")  # a cut-off character
        self.assertIn(st, (400, 422), body)
        st, body, _ = c.get("/api/v1/needs?q=%00")  # the query string ends at a NUL
        self.assertIn(st, (200, 400, 422), body)

    def test_scope(self):
        ids, _ = q("电梯", "worker")
        self.assertEqual(ids, [N["lift"]])
        self.assertEqual(q("电梯", "worker2")[0], [N["other_lift"]])
        self.assertEqual(q("电梯", "resident3")[0], [N["lift"]])  # a neighbour of the community
        self.assertEqual(q("电梯", "outsider")[0], [N["other_lift"]])
        self.assertEqual(sorted(q("电梯", "supervisor")[0]), sorted([N["lift"], N["other_lift"]]))
        self.assertEqual(sorted(q("电梯", "admin")[0]), sorted([N["lift"], N["other_lift"]]))
        # a compound of the community, and filters
        shiji = world.areas["shiji"]
        self.assertEqual(q("九眼桥", extra=f"&area_id={shiji}")[0], [N["dance"]])
        self.assertEqual(q("九眼桥", extra="&category=safety")[0], [N["lamp"]])
        self.assertEqual(q("九眼桥", extra="&status=accepted")[0], [])
        self.assertEqual(q("九眼桥", "resident", "&mine=true")[0], [N["lamp"]])
        assert_error(self, world.c["worker2"].get(
            f"/api/v1/needs?q=x&area_id={world.areas['jyq']}"), 403, "out_of_scope", "area_id")

    def test_pages(self):
        all_ids, body = q("的")
        self.assertGreaterEqual(len(all_ids), 4)
        seen = []
        for page in range(1, len(all_ids) + 2):
            st, b, _ = world.c["worker"].get(
                "/api/v1/needs?per_page=1&page=%d&q=%s" % (page, urllib.parse.quote("的")))
            self.assertEqual(b["total"], len(all_ids))
            seen += [n["id"] for n in b["items"]]
        self.assertEqual(seen, all_ids)

    def test_new_needs_are_found_at_once(self):
        nid = world.need("resident2", title="楼道灯泡坏了QXZ", description="二单元楼道灯泡坏了")
        self.assertEqual(q("qxz")[0], [nid])
        self.assertEqual(q("灯泡")[0], [nid])


class Similar(unittest.TestCase):
    def test_identical_need_is_suggested_in_its_community_only(self):
        st, out, _ = world.c["resident2"].post("/api/v1/needs", {
            "area_id": world.areas["jinglan"], "category": "safety", "title": "5栋电梯经常困人",
            "description": "世纪朝阳5栋的电梯这个月已经困人三次了，老人小孩都不敢坐，希望彻底检修。"})
        self.assertEqual(st, 201, out)
        ids = [s["id"] for s in out["similar"]]
        self.assertIn(N["lift"], ids)
        self.assertNotIn(N["other_lift"], ids)
        self.assertNotIn(out["id"], ids)
        top = out["similar"][0]
        self.assertEqual(top["id"], N["lift"])
        self.assertEqual(top["title"], "5栋电梯经常困人")
        self.assertGreaterEqual(top["score"], 0.9)
        # the same in 合江亭社区 suggests only its own
        got = similar({"area_id": world.areas["binjiang"], "title": "5栋电梯经常困人",
                       "description": "世纪朝阳5栋的电梯这个月已经困人三次了，老人小孩都不敢坐，希望彻底检修。"},
                      "outsider")
        self.assertEqual([s["id"] for s in got], [N["other_lift"]])

    def test_paraphrase_and_traditional_are_suggested(self):
        got = similar({"area_id": world.areas["shiji"], "category": "elderly",
                       "title": "老人吃饭难，盼建助餐点",
                       "description": "我们这里好多空巢老人自己做饭很困难，能不能在社区搞个助餐点，中午供应实惠的饭菜？"})
        self.assertEqual([s["id"] for s in got][:1], [N["canteen"]])
        got = similar({"area_id": world.areas["jinglan"], "title": "5棟電梯經常困人",
                       "description": "世紀朝陽5棟的電梯這個月已經困人三次了，老人小孩都不敢坐，希望徹底檢修。"})
        self.assertIn(N["lift"], [s["id"] for s in got if s["score"] >= 0.9])
        scores = [s["score"] for s in got]
        self.assertEqual(scores, sorted(scores, reverse=True))
        self.assertLessEqual(len(got), 5)

    def test_other_place_and_unrelated_are_not(self):
        got = similar({"area_id": world.areas["jinglan"], "title": "2栋电梯经常困人",
                       "description": "世纪朝阳2栋的电梯这个月已经困人三次了，老人小孩都不敢坐，希望彻底检修。"})
        self.assertNotIn(N["lift"], [s["id"] for s in got])
        got = similar({"area_id": world.areas["jinglan"], "title": "希望开设书法班",
                       "description": "小区退休老人很多喜欢写字，希望社区活动室每周开一次书法班。"})
        self.assertEqual(got, [])

    def test_closed_needs_are_not_suggested(self):
        text = {"area_id": world.areas["jinglan"], "category": "environment",
                "title": "绿化带杂草丛生", "description": "小区西侧绿化带很久没人修剪，杂草长得比人还高，蚊虫特别多。"}
        nid = world.need("resident", **{k: v for k, v in text.items() if k != "area_id"})
        self.assertEqual([s["id"] for s in similar(text)], [nid])
        world.move("worker", nid, "rejected", reason="已由物业处理")
        self.assertEqual(similar(text), [])

    def test_bad_input(self):
        c = world.c["resident"]
        base = {"area_id": world.areas["jinglan"], "description": "路灯坏了"}
        for body, status, code, field in (
                ({"area_id": world.areas["jinglan"]}, 422, "missing_field", "description"),
                ({**base, "description": ""}, 422, "invalid_description", "description"),
                ({**base, "description": "x" * 2001}, 422, "invalid_description", "description"),
                ({**base, "title": "x" * 101}, 422, "invalid_title", "title"),
                ({**base, "area_id": 999999}, 422, "area_not_found", "area_id"),
                ({**base, "area_id": world.areas["street"]}, 422, "invalid_area", "area_id"),
                ({**base, "category": "nope"}, 422, "invalid_category", "category"),
                ({**base, "area_id": world.areas["binjiang"]}, 403, "out_of_scope", None),
                ({**base, "extra": 1}, 400, None, None)):
            st, out, _ = c.post("/api/v1/needs/similar", body)
            self.assertEqual(st, status, (body, out))
            if code:
                self.assertEqual(out["error"]["code"], code, out)
            if field and status == 422:
                self.assertEqual(out["error"]["field"], field, out)
        st, out, _ = c.post("/api/v1/needs/similar", raw=b'{"area_id": 1, "description": "\xff"}')
        self.assertIn(st, (400, 422), out)
        st, out, _ = srv.client().post("/api/v1/needs/similar", base)
        self.assertEqual(st, 401)


class Merge(unittest.TestCase):
    def test_merge_moves_supporters_and_is_audited(self):
        kept = world.need("resident", title="希望增加休息座椅KEEP",
                          description="小区花园里一张椅子都没有，老人散步走累了没地方坐。")
        dup = world.need("resident3", area=world.areas["shiji"], title="花园里没地方坐DUP",
                         description="院子花园连个坐的地方都没有，我们老年人遛弯走几步就累了。")
        for who, nid in (("resident2", dup), ("resident", dup), ("resident2", kept)):
            st, out, _ = world.c[who].post(f"/api/v1/needs/{nid}/support")
            self.assertEqual(st, 201, out)
        # resident supports dup but submitted kept: not added; resident2 already supports kept
        world.move("worker", kept, "accepted")
        moved = world.move("worker", dup, "merged", merged_into=kept, reason="同一需求")
        self.assertEqual(moved["status"], "merged")
        st, k, _ = world.admin.get(f"/api/v1/needs/{kept}")
        self.assertEqual(k["supporters"], 1)
        last = k["history"][-1]
        self.assertEqual(last["merged_from"], dup)
        self.assertEqual((last["from"], last["to"]), ("accepted", "accepted"))
        st, ev, _ = world.admin.get(f"/api/v1/audit?entity=need&entity_id={dup}")
        merge = [e for e in ev["items"] if e["data"].get("to") == "merged"]
        self.assertEqual(len(merge), 1)
        data = merge[0]["data"]
        self.assertEqual(data["merged_into"], kept)
        self.assertEqual(data["supporters_moved"], [])
        self.assertEqual(data["supporters"], 1)

    def test_merge_moves_a_new_supporter(self):
        kept = world.need("resident", title="楼顶漏水MERGE2", description="7栋顶楼每逢下雨就漏水。")
        dup = world.need("resident3", area=world.areas["shiji"], title="顶楼下雨天漏雨MERGE2",
                         description="我家在七栋最高层，一下雨屋里就滴水。")
        st, out, _ = world.c["resident2"].post(f"/api/v1/needs/{dup}/support")
        self.assertEqual(st, 201, out)
        snap_support = world.c["resident2"].post(f"/api/v1/needs/{kept}/support")
        self.assertEqual(snap_support[0], 201)
        st, out, _ = world.c["outsider"].post(f"/api/v1/needs/{dup}/support")
        self.assertEqual(st, 403)  # another community: not a supporter
        # a third resident supports only the duplicate
        st, body, _ = world.admin.post("/api/v1/users", {
            "username": "resident4", "password": PASSWORD, "display_name": "居民4",
            "grants": [{"role": "resident", "area_id": world.areas["shiji"]}]})
        self.assertEqual(st, 201, body)
        r4 = srv.login("resident4")
        self.assertEqual(r4.post(f"/api/v1/needs/{dup}/support")[0], 201)
        world.move("worker", dup, "merged", merged_into=kept)
        st, k, _ = world.admin.get(f"/api/v1/needs/{kept}")
        self.assertEqual(k["supporters"], 2)
        self.assertTrue(r4.get(f"/api/v1/needs/{kept}")[1]["supported_by_me"])
        st, ev, _ = world.admin.get(f"/api/v1/audit?entity=need&entity_id={dup}")
        data = [e for e in ev["items"] if e["data"].get("to") == "merged"][0]["data"]
        self.assertEqual(data["supporters_moved"], [body["id"]])
        self.assertEqual(data["supporters"], 2)
        # the merged need is closed: no longer suggested
        got = similar({"area_id": world.areas["shiji"], "title": "顶楼下雨天漏雨MERGE2",
                       "description": "我家在七栋最高层，一下雨屋里就滴水。"})
        self.assertNotIn(dup, [s["id"] for s in got])
        st, ok, _ = world.admin.get("/api/v1/audit/verify")
        self.assertTrue(ok["ok"])

    def test_refused_merge_changes_nothing(self):
        a = world.need("resident", title="MERGE3甲", description="甲")
        snap = Snapshot(srv, world.admin)
        st, out, _ = world.c["worker"].post(f"/api/v1/needs/{a}/transitions",
                                            {"to": "merged", "merged_into": N["other_lift"]})
        assert_error(self, (st, out, None), 409, "merge_other_community", "merged_into")
        snap.assert_unchanged(self)


class Backfill(unittest.TestCase):
    """Needs without search rows (older than migration 0004, or copied by migrate-store) are
    indexed when the server starts."""

    def test_restart_indexes_needs_without_rows(self):
        s2 = Server()
        try:
            w2 = World(s2)
            nid = w2.need("resident", title="旧数据QBF", description="九眼橋的舊需求")
            other = w2.need("resident", category="culture", title="书法班QBF",
                            description="希望开设书法班")
            if s2.backend == "sqlite":
                s2.sql("DELETE FROM need_text; DELETE FROM need_sigs; "
                       "INSERT INTO need_fts(need_fts) VALUES('delete-all'); "
                       "INSERT INTO need_grams(need_grams) VALUES('delete-all');")
            else:
                s2.sql("DELETE FROM need_text; DELETE FROM need_sigs;")
            st, body, _ = w2.c["worker"].get("/api/v1/needs?q=" + urllib.parse.quote("舊需求"))
            self.assertEqual(body["items"], [])
            log = s2.stop(keep_db=True)
            s3 = Server(db=s2.db)
            try:
                c = s3.login("worker")
                st, body, _ = c.get("/api/v1/needs?q=" + urllib.parse.quote("九眼桥"))
                self.assertEqual([n["id"] for n in body["items"]], [nid])
                st, body, _ = c.get("/api/v1/needs?q=qbf")
                self.assertEqual(sorted(n["id"] for n in body["items"]), sorted([nid, other]))
                self.assertIn("indexing 2 need(s) for search", s3.read_log())
                st, out, _ = c.post("/api/v1/needs/similar", {
                    "area_id": w2.areas["jinglan"], "title": "旧数据QBF",
                    "description": "九眼橋的舊需求"})
                self.assertEqual([s["id"] for s in out["similar"]], [nid])
            finally:
                s3.stop()
            self.assertNotIn("indexing", log)
        finally:
            s2.stop()


if __name__ == "__main__":
    unittest.main()
