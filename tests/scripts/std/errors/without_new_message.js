const e = new Error();
console.log(e.message === "", String(e), e.name, Object.keys(e));

// expect: true Error Error []
