let calls = 0;
const f = () => { calls++; return true; };
false && f(); true || f(); "set" ?? f();
console.log(calls);
true && f(); false || f(); null ?? f();
console.log(calls);

// expect: 0
// expect: 3
