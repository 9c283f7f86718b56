-- wrk script for `vaecf serve`: POST /v1/recommend with a different random user history each request.
--
--   wrk -t1 -c64 -d10s --latency -s Benchmarks/recommend.lua http://127.0.0.1:8080/v1/recommend -- IDS N K
--
-- IDS: a file of item ids, one per line (the model's items; unknown ids still cost a forward pass but are
-- reported as unknown). N: items per query (default 10). K: items asked for (default 20).
-- done() prints one line: `result requests=... rps=... p50_ms=... p90_ms=... p99_ms=... errors=...`.

local ids = {}
local items_per_query = 10
local k = 20

function init(args)
    local path = args[1]
    items_per_query = tonumber(args[2] or "10")
    k = tonumber(args[3] or "20")
    if path ~= nil and path ~= "" then
        for line in io.lines(path) do
            if line ~= "" then ids[#ids + 1] = line end
        end
    end
    if #ids == 0 then
        for index = 0, 999 do ids[#ids + 1] = "i" .. index end
    end
    -- Each wrk thread has its own Lua state: seed each differently.
    math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
end

function request()
    local chosen = {}
    for index = 1, items_per_query do
        chosen[index] = '"' .. ids[math.random(#ids)] .. '"'
    end
    local body = '{"items":[' .. table.concat(chosen, ",") .. '],"k":' .. k .. '}'
    return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
    local errors = summary.errors
    local seconds = summary.duration / 1e6
    io.write(string.format(
        "result requests=%d rps=%.1f mean_ms=%.3f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f " ..
        "non2xx=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
        summary.requests, summary.requests / seconds, latency.mean / 1000,
        latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
        latency.max / 1000, errors.status, errors.connect, errors.read, errors.write, errors.timeout))
end
