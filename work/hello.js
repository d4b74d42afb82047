// GET /hello → {"message":"hello"}
work("Hello").get("/hello", () => ({ message: "hello" }));
