const e = new Error("m");
e.code = 42;
console.log(Object.keys(e), JSON.stringify(e), e.code);

// expect: [ 'code' ] {"code":42} 42
