-- wrk script for loadtest/cluster.sh: counts 2xx and other answers per
-- second (epoch seconds), and the 2xx answers from version 1 (the
-- version before the deploy), printed at the end as "second S OK OTHER
-- V1" lines. Each thread keeps the finished seconds as text (`seen`), which
-- `done` reads with thread:get (copying a table of tables crashed wrk).
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
seen, now, ok, other, v1 = "", 0, 0, 0, 0
function response(status, headers, body)
  local s = os.time()
  if s ~= now then
    if now ~= 0 then seen = seen .. string.format("second %d %d %d %d\n", now, ok, other, v1) end
    now, ok, other, v1 = s, 0, 0, 0
  end
  if status >= 200 and status < 300 then
    ok = ok + 1
    if body:find('"v":"1"', 1, true) then v1 = v1 + 1 end
  else
    other = other + 1
  end
end
function done(summary, latency, requests)
  for _, t in ipairs(threads) do
    io.write(t:get("seen"))
    io.write(string.format("second %d %d %d %d\n", t:get("now"), t:get("ok"), t:get("other"), t:get("v1")))
  end
end
