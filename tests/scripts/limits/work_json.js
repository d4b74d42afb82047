// budget: 1000000
// 300 JSON.stringify calls of a thousand rows write 9 MB.
const rows = [];
for (let i = 0; i < 1000; i++) rows.push({ id: i, name: "abcdefghij" });
let n = 0;
for (let k = 0; k < 300; k++) n += JSON.stringify(rows).length;
console.log("finished");
// expect runtime error: RangeError: instruction budget exhausted (the budget is 1000000 instructions)
