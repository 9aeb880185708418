-- wrk_common.lua: what the wrk scripts of bench/http.sh share (loaded with dofile).
-- Reads its inputs from the environment: BENCH_TOKEN (a session token), BENCH_IDS (a file of
-- need ids, one a line), BENCH_COMMUNITY (an area id), BENCH_AREAS (area ids, space-separated).
local M = {}

local threads = 0

-- setup runs in the main Lua state once per wrk thread: number the threads.
function M.setup(thread)
	threads = threads + 1
	thread:set("thread_no", threads)
end

-- init runs in each thread's own Lua state: seed its random numbers, set the auth header.
function M.init()
	math.randomseed(os.time() * 100 + (thread_no or 0))
	local token = os.getenv("BENCH_TOKEN")
	if not token or token == "" then
		error("BENCH_TOKEN is not set")
	end
	wrk.headers["Authorization"] = "Bearer " .. token
	wrk.headers["Accept"] = "application/json"
end

function M.env_number(name)
	local v = tonumber(os.getenv(name) or "")
	if not v then
		error(name .. " is not set")
	end
	return v
end

function M.read_ids(path)
	local ids = {}
	local f = assert(io.open(path or "", "r"), "BENCH_IDS is not a readable file")
	for line in f:lines() do
		local n = tonumber(line)
		if n then
			ids[#ids + 1] = n
		end
	end
	f:close()
	assert(#ids > 0, "no ids in " .. path)
	return ids
end

function M.areas()
	local list = {}
	for a in string.gmatch(os.getenv("BENCH_AREAS") or "", "%d+") do
		list[#list + 1] = tonumber(a)
	end
	if #list == 0 then
		list[1] = M.env_number("BENCH_COMMUNITY")
	end
	return list
end

-- done runs once at the end: one machine-readable line for bench/http.sh, then the count of
-- responses that were not 2xx (wrk counts every status >= 400 in errors.status; the API answers
-- nothing in 3xx) and socket errors, which make a figure worthless when not zero.
function M.done(name)
	return function(summary, latency, requests)
		local secs = summary.duration / 1e6
		local e = summary.errors
		io.write(string.format(
			"BENCH name=%s requests=%d rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f " ..
			"max_ms=%.3f non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
			name, summary.requests, summary.requests / secs,
			latency:percentile(50) / 1000, latency:percentile(90) / 1000,
			latency:percentile(99) / 1000, latency.max / 1000,
			e.status, e.connect, e.read, e.write, e.timeout))
		io.write(string.format("%s: non-2xx responses: %d, socket errors: %d\n", name,
			e.status, e.connect + e.read + e.write + e.timeout))
	end
end

return M
