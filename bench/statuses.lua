-- wrk script for bench/load.py: counts refusals (503, the portal's "try again") apart
-- from other failures, and prints both at the end.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  refused = 0
  failed = 0
end

function response(status, headers, body)
  if status == 503 then
    refused = refused + 1
  elseif status >= 400 then
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local r, f = 0, 0
  for _, thread in ipairs(threads) do
    r = r + thread:get("refused")
    f = f + thread:get("failed")
  end
  io.write(string.format("refused %d failed %d\n", r, f))
end
