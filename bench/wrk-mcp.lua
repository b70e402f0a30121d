-- wrk script for bench/mcp-throughput.ts: POSTs one MCP tools/call (the body comes from the first script
-- argument) and counts as bad every answer that is not HTTP 200 with a structuredContent (a tool error is
-- an HTTP 200 too). Prints one JSON line the benchmark reads.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
  wrk.method = "POST"
  wrk.body = args[1]
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json, text/event-stream"
end

function response(status, headers, body)
  if status ~= 200 or not string.find(body, '"structuredContent"', 1, true) then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do
    b = b + t:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"bad":%d,"socketErrors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), b,
    e.connect + e.read + e.write + e.timeout
  ))
end
