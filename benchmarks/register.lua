-- Registration POSTs as a browser sends them, each with a new address, each from another
-- client as the TLS proxy reports it (X-Forwarded-For; a /64 of the IPv6 documentation
-- prefix 2001:db8::/32 per request, a header value only: all traffic goes to 127.0.0.1).
-- BENCH_COOKIE, BENCH_TOKEN, BENCH_PATH, BENCH_ORIGIN and BENCH_RUN come from register.py.
local threads = {}
local counter = 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  fivexx = 0
  path = os.getenv("BENCH_PATH")
  run = os.getenv("BENCH_RUN")
  token = os.getenv("BENCH_TOKEN")
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
  wrk.headers["Origin"] = os.getenv("BENCH_ORIGIN")
  wrk.headers["Referer"] = os.getenv("BENCH_ORIGIN") .. path
end

function request()
  counter = counter + 1
  wrk.headers["X-Forwarded-For"] = string.format(
    "2001:db8:%x:%x::1", id * 16 + math.floor(counter / 65536) % 16, counter % 65536)
  local body = "csrfmiddlewaretoken=" .. token
    .. "&first_name=Erika&last_name=Mustermann"
    .. string.format("&email=bench-%s-%d-%d%%40example.org", run, id, counter)
    .. "&organisation=Stadt+Musterhausen&question=&consent=on"
  return wrk.format("POST", path, nil, body)
end

function response(status, headers, body)
  if status >= 500 then fivexx = fivexx + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("fivexx") end
  io.write(string.format("5xx: %d\n", total))
end
