// ReadableStream (the Streams Standard's default streams): the source's
// start / pull / cancel, the queuing strategy, readers, async iteration,
// ReadableStream.from, and Response bodies read from streams — the order
// and values node 20 prints.
const enc = new TextEncoder();
const dec = new TextDecoder();
(async () => {
  // start, then pull while the queue is under its high-water mark.
  const seen = [];
  let n = 0;
  const s = new ReadableStream({
    start(c) { seen.push("start " + c.desiredSize); },
    pull(c) {
      seen.push("pull " + c.desiredSize);
      if (n === 3) c.close(); else c.enqueue(++n);
    },
  }, { highWaterMark: 2 });
  await new Promise((r) => setTimeout(r, 10));
  console.log(seen.join(", "));
  const r = s.getReader();
  console.log(s.locked, await r.read().then((x) => JSON.stringify(x)));
  const rest = [];
  for (let x = await r.read(); !x.done; x = await r.read()) rest.push(x.value);
  console.log(rest.join(" "), seen.length);
  console.log(await r.closed, (await r.read()).done);
  r.releaseLock();
  console.log(s.locked);

  // A size strategy: desiredSize counts bytes.
  const sized = new ReadableStream({
    start(c) { c.enqueue(enc.encode("abc")); console.log(c.desiredSize); c.enqueue(enc.encode("de")); console.log(c.desiredSize); c.close(); },
  }, { highWaterMark: 10, size: (chunk) => chunk.byteLength });
  console.log(await new Response(sized).text());

  // Locked streams, released readers.
  const l = new ReadableStream();
  const lr = l.getReader();
  try { l.getReader(); } catch (e) { console.log(e.name); }
  try { new Response(l); } catch (e) { console.log(e.name); }
  const pending = lr.read();
  lr.releaseLock();
  await pending.catch((e) => console.log("pending read:", e.name));
  await lr.closed.catch((e) => console.log("closed:", e.name));
  await lr.read().catch((e) => console.log("read after release:", e.name));

  // Errors reach the reader; cancel reaches the source.
  const failing = new ReadableStream({ start(c) { c.enqueue("x"); c.error(new RangeError("broken")); } });
  const fr = failing.getReader();
  await fr.read().catch((e) => console.log(e.name, e.message));
  await fr.closed.catch((e) => console.log("closed with", e.message));
  try { new ReadableStream({ start(c) { c.close(); c.enqueue(1); } }); } catch (e) { console.log(e.name); }
  const cancelled = new ReadableStream({ start(c) { c.enqueue(1); }, cancel(why) { console.log("source cancelled:", why); return new Promise((r) => setTimeout(r, 5)); } });
  console.log(await cancelled.cancel("enough"), (await cancelled.getReader().read()).done);

  // Async iteration; the iterator's return() cancels unless preventCancel.
  let gen = 0;
  const endless = () => new ReadableStream({ pull(c) { c.enqueue(gen++); }, cancel() { console.log("endless cancelled"); } });
  const it = endless()[Symbol.asyncIterator]();
  console.log(JSON.stringify(await it.next()), await it.return("r").then((x) => x.value + " " + x.done), JSON.stringify(await it.next()));
  const kept = endless();
  const it2 = kept.values({ preventCancel: true });
  await it2.next();
  await it2.return();
  console.log(kept.locked, gen >= 2);
  // Leaving a for await early cancels, unless preventCancel.
  for await (const x of endless()) if (x >= 2) break;
  const kept2 = endless();
  for await (const x of kept2.values({ preventCancel: true })) if (x >= 1) break;
  console.log("kept2", kept2.locked);
  const looped = [];
  for await (const x of ReadableStream.from(["p", "q"])) looped.push(x);
  console.log(looped.join(""));
  // ReadableStream.from: arrays, async generators, errors thrown by one.
  const from = [];
  for await (const x of ReadableStream.from([1, Promise.resolve(2), 3])) from.push(x);
  async function* letters() { yield "a"; await null; yield "b"; }
  for await (const x of ReadableStream.from(letters())) from.push(x);
  console.log(from.join(""));
  async function* bad() { yield 1; throw new Error("gen failed"); }
  try { for await (const x of ReadableStream.from(bad())) from.push(x); } catch (e) { console.log(e.message, from.length); }
  try { ReadableStream.from(5); } catch (e) { console.log(e.name); }

  // Response bodies: a stream read whole, a whole body read as a stream.
  const body = new ReadableStream({ start(c) { c.enqueue(enc.encode('{"n":')); c.enqueue(enc.encode("42}")); c.close(); } });
  const res = new Response(body, { headers: { "content-type": "application/json" } });
  console.log(res.body === body, res.bodyUsed);
  console.log((await res.json()).n, res.bodyUsed);
  await res.text().catch((e) => console.log(e.name));
  const whole = new Response("whole");
  const ws = whole.body;
  console.log(ws instanceof ReadableStream, whole.body === ws, whole.bodyUsed);
  const chunk = await ws.getReader().read();
  console.log(dec.decode(chunk.value), chunk.value.constructor.name, whole.bodyUsed);
  console.log(new Response(null).body, new Response("").body instanceof ReadableStream);
  const notBytes = new Response(new ReadableStream({ start(c) { c.enqueue(7); c.close(); } }));
  await notBytes.text().catch((e) => console.log(e.name));
  console.log(await new Response(ReadableStream.from([enc.encode("a"), enc.encode("b")])).arrayBuffer().then((b) => b.byteLength));
  console.log(Object.prototype.toString.call(new ReadableStream()), Object.prototype.toString.call(new ReadableStream().getReader()));
})();
// expect: start 2, pull 2, pull 1
// expect: true {"value":1,"done":false}
// expect: 2 3 5
// expect: undefined true
// expect: false
// expect: 7
// expect: 5
// expect: abcde
// expect: TypeError
// expect: TypeError
// expect: pending read: TypeError
// expect: closed: TypeError
// expect: read after release: TypeError
// expect: RangeError broken
// expect: closed with broken
// expect: TypeError
// expect: source cancelled: enough
// expect: undefined true
// expect: endless cancelled
// expect: {"value":0,"done":false} r true {"done":true}
// expect: false true
// expect: endless cancelled
// expect: kept2 false
// expect: pq
// expect: 123ab
// expect: gen failed 6
// expect: TypeError
// expect: true false
// expect: 42 true
// expect: TypeError
// expect: true true false
// expect: whole Uint8Array true
// expect: null true
// expect: TypeError
// expect: 2
// expect: [object ReadableStream] [object ReadableStreamDefaultReader]
