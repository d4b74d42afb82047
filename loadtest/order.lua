-- wrk script: the seed's order request (see work/order_processor.js).
wrk.method = "POST"
wrk.body = '{"userId":1,"sku":"KW-MUG","amount":1}'
wrk.headers["Content-Type"] = "application/json"
