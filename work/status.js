// The file form: the whole file is the handler; its top-level return is the response.
//   curl http://127.0.0.1:8080/status
work("Status").router("GET", "/status");
const started = now();
return { ok: true, time: started.text(), unix: started.unix() };
