// The body the anchors serve (../shared/bench/README.md): {"message":"hello","n":45}
work("Hello").get("/hello", () => ({ message: "hello", n: 45 }));
// The same answer from an async handler (ROUTE=/hello-async loadtest/instructions.sh).
work("HelloAsync").get("/hello-async", async () => ({ message: "hello", n: 45 }));
// The same answer behind a middleware that checks a header and adds one
// (loadtest/middleware.sh; ROUTE=/hello-checked loadtest/instructions.sh).
work("HelloChecked")
  .use((req, next) => {
    if (header("x-deny") !== undefined) return { status: 403, error: "denied" };
    header("X-Checked", "yes");
    return next();
  })
  .get("/hello-checked", () => ({ message: "hello", n: 45 }));
