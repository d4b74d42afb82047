let a = 1;
console.log(a;
// expect error: 2:14: expected `)` to close the call, found `;`
