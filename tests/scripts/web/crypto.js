// crypto on ring: FIPS 180 digests of "abc", RFC 4231 HMAC test cases 1, 2 and 6
// (SHA-256 and SHA-512), key properties, errors, getRandomValues and
// randomUUID. The expected lines are node 20's (and the RFCs').
const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");
const bytes = (h) => new Uint8Array(h.match(/../g).map((x) => parseInt(x, 16)));
const text = (s) => new TextEncoder().encode(s);
async function main() {
  for (const alg of ["SHA-1", "SHA-256", "SHA-384", "SHA-512"]) {
    console.log(alg, hex(await crypto.subtle.digest(alg, text("abc"))));
  }
  console.log(hex(await crypto.subtle.digest({ name: "sha-256" }, new ArrayBuffer(0))));
  const cases = [
    ["0b".repeat(20), text("Hi There")],
    [hex(text("Jefe")), text("what do ya want for nothing?")],
    ["aa".repeat(131), text("Test Using Larger Than Block-Size Key - Hash Key First")],
  ];
  for (const [k, data] of cases) {
    for (const hash of ["SHA-256", "SHA-512"]) {
      const key = await crypto.subtle.importKey("raw", bytes(k), { name: "HMAC", hash }, false, ["sign", "verify"]);
      const tag = await crypto.subtle.sign("HMAC", key, data);
      const ok = await crypto.subtle.verify("HMAC", key, tag, data);
      const bad = await crypto.subtle.verify("HMAC", key, new Uint8Array(tag.byteLength), data);
      console.log(hash, hex(tag), ok, bad);
    }
  }
  const key = await crypto.subtle.importKey("raw", text("secret"), { name: "HMAC", hash: { name: "SHA-256" } }, true, ["sign"]);
  console.log(key.type, key.extractable, key.usages.join(), key.algorithm.name, key.algorithm.hash.name, key.algorithm.length, Object.prototype.toString.call(key));
  await crypto.subtle.verify("HMAC", key, new Uint8Array(32), text("x")).catch((e) => console.log(e.name));
  await crypto.subtle.digest("MD5", text("x")).catch((e) => console.log(e.name));
  await crypto.subtle.importKey("raw", text("k"), { name: "HMAC", hash: "SHA-256" }, false, ["encrypt"]).catch((e) => console.log(e.name));
  const r = crypto.getRandomValues(new Uint8Array(16));
  console.log(r.length, r.some((b) => b !== 0) || "all zero (1 in 2^128)");
  try { crypto.getRandomValues(new Uint8Array(65537)); } catch (e) { console.log(e.name); }
  try { crypto.getRandomValues(new Float64Array(2)); } catch (e) { console.log(e.name); }
  console.log(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(crypto.randomUUID()));
}
main();
// expect: SHA-1 a9993e364706816aba3e25717850c26c9cd0d89d
// expect: SHA-256 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
// expect: SHA-384 cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7
// expect: SHA-512 ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f
// expect: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
// expect: SHA-256 b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7 true false
// expect: SHA-512 87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854 true false
// expect: SHA-256 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843 true false
// expect: SHA-512 164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737 true false
// expect: SHA-256 60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54 true false
// expect: SHA-512 80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598 true false
// expect: secret true sign HMAC SHA-256 48 [object CryptoKey]
// expect: InvalidAccessError
// expect: NotSupportedError
// expect: SyntaxError
// expect: 16 true
// expect: QuotaExceededError
// expect: TypeMismatchError
// expect: true
