const root = new TypeError("root cause");
const e = new Error("wrapper", { cause: root });
console.log(e.cause === root, e.cause.message, new Error("x").cause);

// expect: true root cause undefined
