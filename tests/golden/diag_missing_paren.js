function handler(req) {
  return db("users").get(req.id;
}
