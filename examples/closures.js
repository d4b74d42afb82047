// Closures, destructuring, optional chaining and errors with traces.
function counter(start = 0) {
  let n = start;
  return { next: () => ++n, peek: () => n };
}
const c = counter(10);
c.next();
c.next();
console.log("counter:", c.peek());

const config = { db: { url: "sqlite://kitwork.db" } };
console.log("db:", config.db?.url ?? "none", "cache:", config.cache?.url ?? "none");

try {
  config.cache.url.trim();
} catch (e) {
  console.log(`${e.name}: ${e.message}`);
}
