-- The nginx ceiling: GET of a static file the size of a need's JSON, sent with the same
-- headers (and through the same Lua request() call) as get_need.lua, so that wrk does the
-- same work per request on both sides.
local common = dofile((os.getenv("BENCH_DIR") or "bench") .. "/wrk_common.lua")
local path

setup = common.setup

function init(args)
	common.init()
	path = os.getenv("BENCH_STATIC_PATH") or "/need.json"
end

function request()
	return wrk.format("GET", path)
end

done = common.done("nginx_static")
