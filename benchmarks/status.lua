-- GETs that also count 5xx answers (wrk itself only reports "not 2xx/3xx").
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  fivexx = 0
end

function response(status, headers, body)
  if status >= 500 then fivexx = fivexx + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("fivexx") end
  io.write(string.format("5xx: %d\n", total))
end
