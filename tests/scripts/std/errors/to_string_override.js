const e = new RangeError("out of range");
e.name = "CustomRange";
console.log(String(e), e.toString(), `${e}`);

// expect: CustomRange: out of range CustomRange: out of range CustomRange: out of range
