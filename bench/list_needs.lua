-- GET /api/v1/needs?area_id=<community>&status=accepted&page=<1..5>: a filtered list page.
local common = dofile((os.getenv("BENCH_DIR") or "bench") .. "/wrk_common.lua")
local pages = {}

setup = common.setup

function init(args)
	common.init()
	local community = common.env_number("BENCH_COMMUNITY")
	for p = 1, 5 do
		pages[p] = wrk.format("GET", string.format(
			"/api/v1/needs?area_id=%d&status=accepted&page=%d", community, p))
	end
end

function request()
	return pages[math.random(5)]
end

done = common.done("list_needs")
