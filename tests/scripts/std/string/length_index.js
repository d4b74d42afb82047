const s = "kitwork";
console.log(s.length, s[0], s[6], s[7], s.at(-1), s.at(0), s.at(10));

// expect: 7 k k undefined k k undefined
