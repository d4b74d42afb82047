let s = "";
for (let i = 0; i < 10000; i++) s += String.fromCharCode(97 + (i % 26));
console.log(s.length, s.slice(0, 5), s.slice(-5), s.split("a").length);

// expect: 10000 abcde lmnop 386
