// A taste of the Kitwork language: a request handler as plain logic.
// Run it with: cargo run --release -- run examples/handler.js
// (Serving it over HTTP with work("…").get(…) comes with `kitwork serve`.)

function handle({ method, path, body = {} }) {
  if (method !== "POST") return { status: 405, error: `${method} not allowed on ${path}` };
  const { userId, items = [] } = body;
  if (!userId) return { status: 400, error: "userId is required" };
  const total = items.reduce((sum, { price, qty = 1 }) => sum + price * qty, 0);
  return { status: 200, userId, count: items.length, total, label: `order-${userId}` };
}

const requests = [
  { method: "GET", path: "/v1/orders" },
  { method: "POST", path: "/v1/orders", body: {} },
  { method: "POST", path: "/v1/orders", body: { userId: 7, items: [{ price: 5, qty: 2 }, { price: 1.5 }] } },
];

for (const req of requests) console.log(handle(req));
