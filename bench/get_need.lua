-- GET /api/v1/needs/{id}: a random need of the benchmark community (the worker's scope).
local common = dofile((os.getenv("BENCH_DIR") or "bench") .. "/wrk_common.lua")
local ids

setup = common.setup

function init(args)
	common.init()
	ids = common.read_ids(os.getenv("BENCH_IDS"))
end

function request()
	return wrk.format("GET", "/api/v1/needs/" .. ids[math.random(#ids)])
end

done = common.done("get_need")
