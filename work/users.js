// Path params and the query string, two ways: accessors and the req argument.
//   curl 'http://127.0.0.1:8080/users/42?fields=name,email'
work("Users")
  .get("/users/:id", (req) => {
    const id = params("id");
    const fields = (query("fields") ?? "name").split(",");
    return { id: Number(id), fields, via: req.params.id === id ? "both agree" : "mismatch" };
  })
  .get("/files/*path", () => ({ file: params("path") }))
  .version("1.5.0");
