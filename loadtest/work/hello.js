// The body the anchors serve (../shared/bench/README.md): {"message":"hello","n":45}
work("Hello").get("/hello", () => ({ message: "hello", n: 45 }));
// The same answer from an async handler (ROUTE=/hello-async loadtest/instructions.sh).
work("HelloAsync").get("/hello-async", async () => ({ message: "hello", n: 45 }));
