const parts = [];
for (let i = 0; i < 1000; i++) parts.push(i);
const s = parts.join(",");
console.log(s.length, s.slice(0, 10), s.split(",").length);

// expect: 3889 0,1,2,3,4, 1000
