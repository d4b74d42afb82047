// FormData, Blob and File, and the bodies made of them: multipart/form-data
// written and read back, urlencoded forms, a multipart body as curl writes
// one, blob(). The expected lines are node 20's.
async function main() {
  const f = new FormData();
  f.append("name", "Ada");
  f.append("tag", "x");
  f.append("tag", 42);
  f.set("name", "Grace");
  console.log(f.get("name"), f.getAll("tag").join(), f.has("tag"), f.get("none"), [...f.keys()].join());
  f.append("tag", "y");
  f.set("tag", "only");
  console.log([...f].map(([k, v]) => `${k}=${v}`).join("&"));
  f.delete("tag");
  console.log([...f.entries()].length, Object.prototype.toString.call(f));

  const blob = new Blob(["héllo ", new Uint8Array([119, 111]), new Blob(["rld"])], { type: "Text/Plain" });
  console.log(blob.size, blob.type, await blob.text(), blob.slice(1, 3).size, JSON.stringify(blob.slice(-3).type), await blob.slice(-3).text());
  console.log(new Uint8Array(await blob.arrayBuffer())[0], (await blob.bytes()).length);
  const file = new File(["a,b\n1,2\n"], "data.csv", { type: "text/csv", lastModified: 1700000000000 });
  console.log(file.name, file.type, file.size, file.lastModified, file instanceof Blob, Object.prototype.toString.call(file));

  const form = new FormData();
  form.append("title", "line one\nline two");
  form.append("upload", file);
  form.append("raw", new Blob([new Uint8Array([0, 255, 13, 10])]), "bytes.bin");
  form.append("anon", new Blob(["z"]));
  const req = new Request("http://example.com/", { method: "POST", body: form });
  const ct = req.headers.get("content-type");
  console.log(ct.startsWith("multipart/form-data; boundary="));
  const back = await req.formData();
  console.log(JSON.stringify(back.get("title")));
  const up = back.get("upload");
  console.log(up.name, up.type, up.size, await up.text(), up instanceof File);
  const raw = back.get("raw");
  console.log(raw.name, raw.type, [...new Uint8Array(await raw.arrayBuffer())].join());
  console.log(back.get("anon").name, back.get("anon").type);

  const encoded = new Response(new URLSearchParams({ a: "1", b: "two words", c: "ü" }));
  const pairs = await encoded.formData();
  console.log([...pairs].map(([k, v]) => `${k}:${v}`).join(","));

  const curl = "--------------------------d74496d66958873e\r\n" +
    'Content-Disposition: form-data; name="person"\r\n\r\nanonymous\r\n' +
    "--------------------------d74496d66958873e\r\n" +
    'Content-Disposition: form-data; name="secret"; filename="file.txt"\r\n' +
    "Content-Type: text/plain\r\n\r\ncontents of the file\r\n" +
    "--------------------------d74496d66958873e--\r\n";
  const r = new Response(curl, { headers: { "content-type": "multipart/form-data; boundary=------------------------d74496d66958873e" } });
  const got = await r.formData();
  console.log(got.get("person"), got.get("secret").name, await got.get("secret").text());

  const b = await new Response("abc", { headers: { "content-type": "text/x-thing" } }).blob();
  console.log(b.size, b.type, await b.text());
  const rb = new Response(new Blob(["{}"], { type: "application/json" }));
  console.log(rb.headers.get("content-type"), await rb.text());

  const err = (p) => p.then(() => "no error", (e) => e.constructor.name);
  console.log(await err(new Response("x").formData()),
    await err(new Response("nonsense", { headers: { "content-type": "multipart/form-data; boundary=zz" } }).formData()));
  try { new FormData().append("only-name"); } catch (e) { console.log(e.constructor.name); }
  try { FormData(); } catch (e) { console.log(e.constructor.name); }
}
main();
// expect: Grace x,42 true null name,tag,tag
// expect: name=Grace&tag=only
// expect: 1 [object FormData]
// expect: 12 text/plain héllo world 2 "" rld
// expect: 104 12
// expect: data.csv text/csv 8 1700000000000 true [object File]
// expect: true
// expect: "line one\r\nline two"
// expect: data.csv text/csv 8 a,b
// expect: 1,2
// expect:  true
// expect: bytes.bin application/octet-stream 0,255,13,10
// expect: blob application/octet-stream
// expect: a:1,b:two words,c:ü
// expect: anonymous file.txt contents of the file
// expect: 3 text/x-thing abc
// expect: application/json {}
// expect: TypeError TypeError
// expect: TypeError
// expect: TypeError
