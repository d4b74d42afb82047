-- 16 pipelined GET /hello per write.
local depth = tonumber(os.getenv("WRK_PIPELINE") or "16")
init = function()
  local r = {}
  for i = 1, depth do r[i] = wrk.format("GET", "/hello") end
  req = table.concat(r)
end
request = function() return req end
