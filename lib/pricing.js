// A helper module routes import: prices in cents, formatted once here.
export const PRICES = { "KW-MUG": 1250, "KW-TEE": 2000 };

export function formatCents(cents) {
  return `$${(cents / 100).toFixed(2)}`;
}

export function quote(sku, qty = 1) {
  const each = PRICES[sku];
  if (each === undefined) return null;
  return { sku, qty, each: formatCents(each), total: formatCents(each * qty) };
}
