// GET /events?n=3 → three Server-Sent Events, one every 200 ms, streamed
// as they are made (chunked on HTTP/1.1, DATA frames on HTTP/2); a client
// that leaves cancels the stream, and the timer with it.
work("Events").get("/events", (req) => {
  const n = Math.min(Number(req.query.n) || 3, 100);
  const utf8 = new TextEncoder();
  let timer;
  return new Response(new ReadableStream({
    start(controller) {
      let sent = 0;
      timer = setInterval(() => {
        const event = { sent: ++sent, at: new Date().toISOString() };
        controller.enqueue(utf8.encode(`id: ${sent}\ndata: ${JSON.stringify(event)}\n\n`));
        if (sent === n) { clearInterval(timer); controller.close(); }
      }, 200);
    },
    cancel() { clearInterval(timer); },
  }), { headers: { "content-type": "text/event-stream", "cache-control": "no-store" } });
});
