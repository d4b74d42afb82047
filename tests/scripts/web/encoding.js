// TextEncoder / TextDecoder (UTF-8, replacement per maximal subpart, streaming,
// BOM, fatal), atob / btoa (forgiving-base64, InvalidCharacterError), DOMException,
// queueMicrotask's order. The expected lines are node 20's, except the last:
// a label other than UTF-8 is a RangeError here (docs/LANGUAGE.md).
console.log(btoa("hello"), atob("aGVsbG8="), atob(" aGVs bG8 "), atob("aGVsbG8"));
try { btoa("€"); } catch (e) { console.log(e.name, e instanceof DOMException, e instanceof Error); }
try { atob("a"); } catch (e) { console.log(e.name, e.message); }
const enc = new TextEncoder();
const bytes = enc.encode("héllo €");
console.log(bytes.length, Array.from(bytes).join(","), enc.encoding);
const dec = new TextDecoder();
console.log(dec.decode(bytes), dec.encoding, dec.fatal, dec.ignoreBOM);
console.log(JSON.stringify(dec.decode(new Uint8Array([0xEF,0xBB,0xBF,0x61,0xFF,0x62,0xE2,0x82]))));
const s = new TextDecoder();
console.log(JSON.stringify(s.decode(new Uint8Array([0xE2, 0x82]), { stream: true }) + s.decode(new Uint8Array([0xAC]))));
try { new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array([0xC3])); } catch (e) { console.log(e.name, e.message); }
const dst = new Uint8Array(5);
console.log(JSON.stringify(enc.encodeInto("a€b", dst)), Array.from(dst).join());
console.log(new TextDecoder("utf-8", { ignoreBOM: true }).decode(new Uint8Array([0xEF,0xBB,0xBF,0x41])).length);
queueMicrotask(() => console.log("microtask"));
Promise.resolve().then(() => console.log("then"));
console.log("sync");
const de = new DOMException("m", "AbortError"); console.log(de.name, de.message, String(de));
try { new TextDecoder("latin1"); } catch (e) { console.log(e.name); }
// expect: aGVsbG8= hello hello hello
// expect: InvalidCharacterError true true
// expect: InvalidCharacterError The string to be decoded is not correctly encoded.
// expect: 10 104,195,169,108,108,111,32,226,130,172 utf-8
// expect: héllo € utf-8 false false
// expect: "a�b�"
// expect: "€"
// expect: TypeError The encoded data was not valid for encoding utf-8
// expect: {"read":3,"written":5} 97,226,130,172,98
// expect: 2
// expect: sync
// expect: AbortError m AbortError: m
// expect: RangeError
// expect: microtask
// expect: then
