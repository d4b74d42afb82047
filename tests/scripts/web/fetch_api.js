// Headers (case-insensitive names, combined and sorted values, set-cookie
// apart, checked names and values), Response (init, bodies of text, bytes
// and URLSearchParams with their content types, json/redirect statics,
// read once), Request (method normalization, body rules, copying), and
// fetch's rejections for what it cannot fetch. The expected lines are
// node 20's.
async function main() {
  const h = new Headers({ "Content-Type": "text/plain", "X-A": "1" });
  h.append("x-a", "2"); h.append("Set-Cookie", "a=1"); h.append("set-cookie", "b=2");
  console.log(h.get("X-A"), h.get("content-type"), h.has("x-a"), h.get("missing"), JSON.stringify([...h]), h.getSetCookie().join("|"));
  h.set("x-a", "3"); h.delete("content-type");
  console.log(JSON.stringify([...h.keys()]), JSON.stringify([...h.values()]));
  try { h.set("bad name", "x"); } catch (e) { console.log(e.name); }
  try { h.set("x", "a\r\nb"); } catch (e) { console.log(e.name); }
  const seen = []; new Headers([["b", "2"], ["a", "1"]]).forEach((v, k) => seen.push(k + ":" + v)); console.log(seen.join(","));
  console.log(new Headers(new Headers({ q: " spaced\t" })).get("q") + "|");
  const r = new Response("hello", { status: 201, statusText: "Made", headers: { "x-y": "z" } });
  console.log(r.status, r.statusText, r.ok, r.headers.get("content-type"), r.headers.get("x-y"), r.bodyUsed, r.type);
  console.log("text", await r.text(), r.bodyUsed);
  await r.text().catch((e) => console.log("again", e.name));
  const j = Response.json({ a: [1, 2] }, { status: 202 });
  console.log(j.status, j.headers.get("content-type"));
  console.log("json", JSON.stringify(await j.json()));
  const rd = Response.redirect("https://example.com/x", 301);
  console.log(rd.status, rd.headers.get("location"));
  try { Response.redirect("https://e.com", 200); } catch (e) { console.log(e.name); }
  try { new Response("x", { status: 99 }); } catch (e) { console.log(e.name); }
  try { new Response("x", { status: 204 }); } catch (e) { console.log(e.name); }
  const b = await new Response(new Uint8Array([104, 105])).arrayBuffer(); console.log("buffer", b.byteLength, new Uint8Array(b)[1]);
  console.log("params body", await new Response(new URLSearchParams({ a: "1 2" })).text());
  console.log(new Response(new URLSearchParams("a=1")).headers.get("content-type"));
  await new Response("{bad").json().catch((e) => console.log("bad json", e.name));
  const req = new Request("https://example.com/path?q=1", { method: "post", headers: { "X-Req": "1" }, body: JSON.stringify({ n: 1 }) });
  console.log(req.method, req.url, req.headers.get("x-req"), req.headers.get("content-type"), req.redirect);
  console.log("req json", (await req.json()).n);
  const req2 = new Request(new Request("https://a.test/", { method: "PATCH" }));
  console.log(req2.method, req2.url);
  try { new Request("https://a.test/", { method: "GET", body: "x" }); } catch (e) { console.log(e.name); }
  try { new Request("/relative"); } catch (e) { console.log(e.name); }
  try { new Request("https://a.test/", { method: "TRACE" }); } catch (e) { console.log(e.name); }
  console.log(Object.prototype.toString.call(h), Object.prototype.toString.call(r), Object.prototype.toString.call(req));
  console.log("clone", await new Response("cc").clone().text());
  await fetch("ftp://example.com/").catch((e) => console.log("fetch", e.name));
  await fetch("/relative").catch((e) => console.log("fetch relative", e.name));
}
main();
// expect: 1, 2 text/plain true null [["content-type","text/plain"],["set-cookie","a=1"],["set-cookie","b=2"],["x-a","1, 2"]] a=1|b=2
// expect: ["set-cookie","set-cookie","x-a"] ["a=1","b=2","3"]
// expect: TypeError
// expect: TypeError
// expect: a:1,b:2
// expect: spaced|
// expect: 201 Made true text/plain;charset=UTF-8 z false default
// expect: text hello true
// expect: again TypeError
// expect: 202 application/json
// expect: json {"a":[1,2]}
// expect: 301 https://example.com/x
// expect: RangeError
// expect: RangeError
// expect: TypeError
// expect: buffer 2 105
// expect: params body a=1+2
// expect: application/x-www-form-urlencoded;charset=UTF-8
// expect: bad json SyntaxError
// expect: POST https://example.com/path?q=1 1 text/plain;charset=UTF-8 follow
// expect: req json 1
// expect: PATCH https://a.test/
// expect: TypeError
// expect: TypeError
// expect: TypeError
// expect: [object Headers] [object Response] [object Request]
// expect: clone cc
// expect: fetch TypeError
// expect: fetch relative TypeError
