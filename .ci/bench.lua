-- wrk script for .ci/bench.sh: the seed's Productsup CDE request, posted alternately to disable
-- and to enable, so every request really changes the connector version's state (disable takes
-- 777/444/666 out of the enabled lists, enable puts them back). Each wrk thread alternates on
-- its own; with an even split both operations run about equally often.
-- done() prints one machine-readable line:
--   BENCH requests=<n> duration_us=<n> rps=<f> p50_us=<n> p99_us=<n> non2xx=<n> sockerr=<n>
local base = "/connectors/497f6eca-6276-4993-bfeb-53cbbbba6f08/versions/1/access/prod/"
local body = '{"accounts":[777],"projects":[444],"sites":[666]}'
local headers = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Bearer " .. (os.getenv("BENCH_TOKEN") or "mock-admin-token"),
}

local reqs, n

function init(args)
  -- formatted once per thread: request() only hands out prebuilt bytes
  reqs = {
    wrk.format("POST", base .. "disable", headers, body),
    wrk.format("POST", base .. "enable", headers, body),
  }
  n = 0
end

function request()
  n = n + 1
  return reqs[n % 2 + 1]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d non2xx=%d sockerr=%d\n",
    summary.requests, summary.duration,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
