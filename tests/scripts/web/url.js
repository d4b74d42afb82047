// URL and URLSearchParams: components, setters, relative parsing, the
// params' list kept in step with the URL's query both ways, and a table of
// parsing cases. The expected lines are node 20's.
const u = new URL("https://user:pw@Example.COM:8080/a/./b/../c?x=1&y=2#frag");
console.log(u.href, u.origin, u.protocol, u.username, u.password, u.host, u.hostname, u.port, u.pathname, u.search, u.hash);
console.log(String(new URL("../d?q", "http://h.test/a/b/c")), JSON.stringify({ u: new URL("http://h/ä") }));
try { new URL("not a url"); } catch (e) { console.log(e.name, e.code); }
console.log(URL.canParse("http://x"), URL.canParse("x"), URL.parse("x"), URL.parse("/p", "http://b").href);
u.searchParams.append("z", "a b&c");
console.log(u.search, u.href);
u.search = "?k=v&k=w";
console.log(u.searchParams.getAll("k").join("|"), u.searchParams.get("none"), u.searchParams.size);
u.hash = "h2"; u.port = "443"; u.pathname = "/new path"; u.hostname = "other.test"; u.protocol = "http";
console.log(u.href);
u.searchParams.delete("k");
console.log(u.href, u.search === "");
const p = new URLSearchParams("?b=2&a=1&b=3");
p.sort(); console.log(p.toString(), [...p].join(";"), [...p.keys()].join(), [...p.values()].join());
p.set("b", "x"); console.log(p.toString(), p.has("b"), p.has("b", "y"), p.has("a", "1"));
console.log(new URLSearchParams({ q: "a+b", n: 1 }).toString(), new URLSearchParams([["x", "1"], ["y", "é"]]).toString());
const seen = []; new URLSearchParams("a=1&b=2").forEach((v, k) => seen.push(k + "=" + v)); console.log(seen.join("&"));
try { new URLSearchParams([["a"]]); } catch (e) { console.log(e.name); }
console.log(Object.prototype.toString.call(u), Object.prototype.toString.call(p));
console.log(new URL("http://example.com/?a=%20b").searchParams.get("a"));
u.href = "https://z.test/"; console.log(u.searchParams.size, u.host);
// A URL object as the base (converting it calls its toString).
console.log(new URL("/p", new URL("http://b.test/x")).href, new Request(new URL("http://r.test/")).url);
// expect: https://user:pw@example.com:8080/a/c?x=1&y=2#frag https://example.com:8080 https: user pw example.com:8080 example.com 8080 /a/c ?x=1&y=2 #frag
// expect: http://h.test/a/d?q {"u":"http://h/%C3%A4"}
// expect: TypeError ERR_INVALID_URL
// expect: true false null http://b/p
// expect: ?x=1&y=2&z=a+b%26c https://user:pw@example.com:8080/a/c?x=1&y=2&z=a+b%26c#frag
// expect: v|w null 2
// expect: http://user:pw@other.test/new%20path?k=v&k=w#h2
// expect: http://user:pw@other.test/new%20path#h2 true
// expect: a=1&b=2&b=3 a,1;b,2;b,3 a,b,b 1,2,3
// expect: a=1&b=x true false true
// expect: q=a%2Bb&n=1 x=1&y=%C3%A9
// expect: a=1&b=2
// expect: TypeError
// expect: [object URL] [object URLSearchParams]
// expect:  b
// expect: 0 z.test
// expect: http://b.test/p http://r.test/
