const defaults = { port: 8080, host: "127.0.0.1", tls: { on: false } };
const cfg = Object.assign({}, defaults, { port: 9000 });
console.log(cfg, defaults.port, cfg.tls === defaults.tls);

// expect: { port: 9000, host: '127.0.0.1', tls: { on: false } } 8080 true
