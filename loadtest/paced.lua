-- params.lua's requests, each connection waiting DELAY_MS (default 1) between
-- them: the soak runs at a steady rate below the maximum.
local n = 0
local pause = tonumber(os.getenv("DELAY_MS") or "1")
request = function()
  n = n + 1
  return wrk.format("GET", "/users/" .. (n % 1000) .. "?fields=name,email")
end
delay = function()
  return pause
end
