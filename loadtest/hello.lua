-- GET /hello: the smallest script route.
wrk.method = "GET"
wrk.path = "/hello"
