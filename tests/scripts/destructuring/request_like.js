const req = { method: "POST", body: { userId: 5, items: [{ sku: "a", qty: 2 }] } };
const { method, body: { userId, items: [{ sku, qty = 1 }] } } = req;
console.log(method, userId, sku, qty);

// expect: POST 5 a 2
