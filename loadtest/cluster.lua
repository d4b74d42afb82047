-- wrk script for loadtest/cluster.sh, run with one connection per thread
-- (-t N -c N), so each thread is one client's sequence of answers. Counts
-- 2xx and other answers per second (epoch seconds) and the 2xx answers
-- from version 1 (the version before the deploy) and from the refused
-- version ("bad"), printed at the end as "second S OK OTHER V1 BAD"
-- lines; and per client, "mixed N": answers from version 1 after that
-- client had seen version 2. Each thread keeps the finished seconds as
-- text (`seen`), which `done` reads with thread:get (copying a table of
-- tables crashed wrk).
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
seen, now, ok, other, v1, bad, saw2, mixed = "", 0, 0, 0, 0, 0, false, 0
function response(status, headers, body)
  local s = os.time()
  if s ~= now then
    if now ~= 0 then seen = seen .. string.format("second %d %d %d %d %d\n", now, ok, other, v1, bad) end
    now, ok, other, v1, bad = s, 0, 0, 0, 0
  end
  if status >= 200 and status < 300 then
    ok = ok + 1
    if body:find('"v":"1"', 1, true) then
      v1 = v1 + 1
      if saw2 then mixed = mixed + 1 end
    elseif body:find('"v":"2"', 1, true) then
      saw2 = true
    elseif body:find('"v":"bad"', 1, true) then
      bad = bad + 1
    end
  else
    other = other + 1
  end
end
function done(summary, latency, requests)
  for _, t in ipairs(threads) do
    io.write(t:get("seen"))
    io.write(string.format("second %d %d %d %d %d\n", t:get("now"), t:get("ok"), t:get("other"), t:get("v1"), t:get("bad")))
    io.write(string.format("mixed %d\n", t:get("mixed")))
  end
end
