-- POST /api/v1/needs: the worker records a need on behalf of a resident (channel visit), in
-- the community or one of its compounds. Each request is one durable write with its history
-- row and audit event.
local common = dofile((os.getenv("BENCH_DIR") or "bench") .. "/wrk_common.lua")
local areas
local n = 0

local titles = {
	"独居老人需要定期上门探访",
	"高龄老人助餐服务需求",
	"老人行动不便需要代购药品",
	"楼道加装扶手方便老人上下楼",
}

setup = common.setup

function init(args)
	common.init()
	areas = common.areas()
	wrk.headers["Content-Type"] = "application/json"
end

function request()
	n = n + 1
	local body = string.format(
		'{"area_id":%d,"category":"elderly","title":"%s（走访记录 %d-%d）",' ..
		'"description":"走访时居民反映：老人今年八十多岁，子女在外地工作，希望有志愿者每周上门看望一次。",' ..
		'"channel":"visit","on_behalf_of":{"name":"张三"}}',
		areas[math.random(#areas)], titles[math.random(#titles)], thread_no or 0, n)
	return wrk.format("POST", "/api/v1/needs", nil, body)
end

done = common.done("post_need")
