// A POST that destructures payload() and validates it; status codes from the result.
//   curl -X POST http://127.0.0.1:8080/v1/orders -H 'content-type: application/json' \
//        -d '{"userId": 7, "items": [{"sku": "a", "price": 5, "qty": 2}]}'
work("Orders").router("POST", "/v1/orders").handle(() => {
  const { userId, items = [] } = payload();
  if (!userId) return { status: 400, error: "userId is required" };
  if (!items.length) return { status: 422, error: "an order needs at least one item" };
  const total = items.reduce((sum, { price, qty = 1 }) => sum + price * qty, 0);
  return { status: 201, orderId: uuid(), userId, total };
});
