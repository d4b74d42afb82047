const n = 4;
console.log(`${n}px` === n + "px", "x".repeat(3) + `${"y".repeat(2)}`);

// expect: true xxxyy
