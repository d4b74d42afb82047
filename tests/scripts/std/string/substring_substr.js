const s = "0123456789";
console.log(s.substring(2, 5), s.substring(5, 2), s.substring(-3), s.substring(3), s.substr(2, 3), s.substr(-4, 2), s.substr(7));

// expect: 234 234 0123456789 3456789 234 67 789
