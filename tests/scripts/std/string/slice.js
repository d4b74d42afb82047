const s = "0123456789";
console.log(s.slice(2), s.slice(2, 5), s.slice(-3), s.slice(-3, -1), s.slice(5, 2), s.slice(0, 100), s.slice(100));

// expect: 23456789 234 789 78  0123456789 
