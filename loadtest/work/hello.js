// The body the anchors serve (../shared/bench/README.md): {"message":"hello","n":45}
work("Hello").get("/hello", () => ({ message: "hello", n: 45 }));
