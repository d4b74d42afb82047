// The example routes of work/, tested with `kitwork test tests/kitwork` (README, *Tests*).
import { test, expect, get, post } from "kitwork:test";
import { quote } from "../../lib/pricing.js";     // helpers are tested directly

test("a quote in dollars", () => {
  expect(quote("KW-MUG", 2).total).toBe("$25.00");
});

test("GET /quote/:sku", () => {
  const r = get("/quote/KW-MUG?qty=3");            // http() against the served folder
  expect(r.status).toBe(200);
  expect(r.json()).toEqual({ sku: "KW-MUG", qty: 3, each: "$12.50", total: "$37.50" });
});
