// [input, base] pairs from the URL Standard's examples and its parsing
// rules: special schemes, percent-encoding, IPv4/IPv6 hosts, IDNA, dot
// segments, backslashes, opaque paths, failures.
// The expected lines are node 20's (its URL parser follows the Standard).
const cases = [
  ["https://example.com/", null], ["HTTPS://EXAMPLE.COM:443/a", null], ["http://example.com:80/", null],
  ["http://ex ample.com/", null], ["http://[::1]:8080/x", null], ["http://[2001:db8::ff00:42:8329]/", null],
  ["http://0x7f.1/", null], ["http://192.168.0.257/", null], ["http://faß.example/", null],
  ["http://xn--nxasmq6b.com/", null], ["http://a/b/c/./../../g", null], ["http:\\\\host\\path\\x", null],
  ["/just/a/path?q#f", "http://base.test/dir/file"], ["?only=query", "http://base.test/dir/file?old"],
  ["#hash", "http://base.test/dir/file?q"], ["//other.test/p", "https://base.test/"],
  ["mailto:someone@example.com", null], ["data:text/plain,hello world", null], ["file:///tmp/a b", null],
  ["javascript:alert(1)", null], ["http://user@host/", null], ["http://:pass@host/", null],
  ["http://h/%7Efoo/ä ü?ä=ü#ä", null], ["http://h/?a=b c&d=%zz", null], ["https://h:65535/", null],
  ["https://h:65536/", null], ["http://", null], ["", "http://base.test/x"], ["non-special://host/p", null],
  ["blob:https://example.com/uuid", null], ["http://h/a/%2e%2E/b", null], ["ws://h/", null],
];
for (const [input, base] of cases) {
  let out;
  try {
    const u = base === null ? new URL(input) : new URL(input, base);
    out = [u.href, u.origin, u.host, u.pathname, u.search, u.hash].join(" | ");
  } catch (e) {
    out = "throws " + e.name;
  }
  console.log(JSON.stringify(input), "->", out);
}
// expect: "https://example.com/" -> https://example.com/ | https://example.com | example.com | / |  | 
// expect: "HTTPS://EXAMPLE.COM:443/a" -> https://example.com/a | https://example.com | example.com | /a |  | 
// expect: "http://example.com:80/" -> http://example.com/ | http://example.com | example.com | / |  | 
// expect: "http://ex ample.com/" -> throws TypeError
// expect: "http://[::1]:8080/x" -> http://[::1]:8080/x | http://[::1]:8080 | [::1]:8080 | /x |  | 
// expect: "http://[2001:db8::ff00:42:8329]/" -> http://[2001:db8::ff00:42:8329]/ | http://[2001:db8::ff00:42:8329] | [2001:db8::ff00:42:8329] | / |  | 
// expect: "http://0x7f.1/" -> http://127.0.0.1/ | http://127.0.0.1 | 127.0.0.1 | / |  | 
// expect: "http://192.168.0.257/" -> throws TypeError
// expect: "http://faß.example/" -> http://xn--fa-hia.example/ | http://xn--fa-hia.example | xn--fa-hia.example | / |  | 
// expect: "http://xn--nxasmq6b.com/" -> http://xn--nxasmq6b.com/ | http://xn--nxasmq6b.com | xn--nxasmq6b.com | / |  | 
// expect: "http://a/b/c/./../../g" -> http://a/g | http://a | a | /g |  | 
// expect: "http:\\\\host\\path\\x" -> http://host/path/x | http://host | host | /path/x |  | 
// expect: "/just/a/path?q#f" -> http://base.test/just/a/path?q#f | http://base.test | base.test | /just/a/path | ?q | #f
// expect: "?only=query" -> http://base.test/dir/file?only=query | http://base.test | base.test | /dir/file | ?only=query | 
// expect: "#hash" -> http://base.test/dir/file?q#hash | http://base.test | base.test | /dir/file | ?q | #hash
// expect: "//other.test/p" -> https://other.test/p | https://other.test | other.test | /p |  | 
// expect: "mailto:someone@example.com" -> mailto:someone@example.com | null |  | someone@example.com |  | 
// expect: "data:text/plain,hello world" -> data:text/plain,hello world | null |  | text/plain,hello world |  | 
// expect: "file:///tmp/a b" -> file:///tmp/a%20b | null |  | /tmp/a%20b |  | 
// expect: "javascript:alert(1)" -> javascript:alert(1) | null |  | alert(1) |  | 
// expect: "http://user@host/" -> http://user@host/ | http://host | host | / |  | 
// expect: "http://:pass@host/" -> http://:pass@host/ | http://host | host | / |  | 
// expect: "http://h/%7Efoo/ä ü?ä=ü#ä" -> http://h/%7Efoo/%C3%A4%20%C3%BC?%C3%A4=%C3%BC#%C3%A4 | http://h | h | /%7Efoo/%C3%A4%20%C3%BC | ?%C3%A4=%C3%BC | #%C3%A4
// expect: "http://h/?a=b c&d=%zz" -> http://h/?a=b%20c&d=%zz | http://h | h | / | ?a=b%20c&d=%zz | 
// expect: "https://h:65535/" -> https://h:65535/ | https://h:65535 | h:65535 | / |  | 
// expect: "https://h:65536/" -> throws TypeError
// expect: "http://" -> throws TypeError
// expect: "" -> http://base.test/x | http://base.test | base.test | /x |  | 
// expect: "non-special://host/p" -> non-special://host/p | null | host | /p |  | 
// expect: "blob:https://example.com/uuid" -> blob:https://example.com/uuid | https://example.com |  | https://example.com/uuid |  | 
// expect: "http://h/a/%2e%2E/b" -> http://h/b | http://h | h | /b |  | 
// expect: "ws://h/" -> ws://h/ | ws://h | h | / |  | 
