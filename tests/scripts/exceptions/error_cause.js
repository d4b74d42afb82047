const e = new Error("outer", { cause: "root" });
console.log(e.cause, e.message);

// expect: root outer
