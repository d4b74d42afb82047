const grade = s => s >= 90 ? "A" : s >= 80 ? "B" : "C";
console.log(grade(95), grade(85), grade(10));

// expect: A B C
