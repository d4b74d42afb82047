-- GET /users/:id?fields=…: a path param and a query string, varied per request.
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/users/" .. (n % 1000) .. "?fields=name,email")
end
