console.log(String({}), Object.prototype.toString.call([]), Object.prototype.toString.call(null), `${{ a: 1 }}`);
const withToString = { toString() { return "custom"; } };
console.log(`${withToString}`, withToString + "!", String(withToString));

// expect: [object Object] [object Array] [object Null] [object Object]
// expect: custom custom! custom
