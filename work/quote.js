// A route that imports a helper module (../lib/pricing.js).
//   curl 'http://127.0.0.1:8080/quote/KW-MUG?qty=3'
import { quote } from "../lib/pricing.js";

work("Quote").get("/quote/:sku", () => {
  const q = quote(params("sku"), Number(query("qty") ?? 1));
  if (!q) return { status: 404, error: `no product ${params("sku")}` };
  return q;
});
