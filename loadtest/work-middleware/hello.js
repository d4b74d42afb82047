// The same answer as loadtest/work/hello.js, with and without a
// middleware that checks a header and adds one (loadtest/middleware.sh).
// Kept out of loadtest/work so that builds from before middleware can
// still serve that folder (loadtest/instructions.sh compares builds).
work("Hello").get("/hello", () => ({ message: "hello", n: 45 }));
work("HelloChecked")
  .use((req, next) => {
    if (header("x-deny") !== undefined) return { status: 403, error: "denied" };
    header("X-Checked", "yes");
    return next();
  })
  .get("/hello-checked", () => ({ message: "hello", n: 45 }));
