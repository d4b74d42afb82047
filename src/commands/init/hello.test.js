// `kitwork test` serves work/ on a fresh database and runs this file.
import { test, expect, get, post } from "kitwork:test";
import { greet } from "../lib/greeting.js";

test("greet() greets", () => {
  expect(greet("ann")).toBe("hello, ann");
});

test("GET /hello/:name answers JSON", () => {
  const r = get("/hello/bob");
  expect(r.status).toBe(200);
  expect(r.json()).toEqual({ message: "hello, bob" });
});

test("a note is stored and listed", () => {
  const made = post("/notes", { text: "remember" });
  expect(made.status).toBe(201);
  expect(get("/notes").json().map((n) => n.text)).toContain("remember");
});

test("a note needs text", () => {
  expect(post("/notes", {}).status).toBe(400);
});
