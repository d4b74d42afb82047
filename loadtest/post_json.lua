-- POST /v1/orders with a JSON body that payload() destructures and validates.
wrk.method = "POST"
wrk.path = "/v1/orders"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"userId": 7, "items": [{"sku": "a", "price": 5, "qty": 2}, {"sku": "b", "price": 1.5}]}'
