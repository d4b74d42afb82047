const cfg = { port: 0, host: "" };
console.log(cfg.port ?? 8080, cfg.port || 8080, cfg.host ?? "localhost", cfg.missing ?? "default");

// expect: 0 8080  default
