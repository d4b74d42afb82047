
console.log(0 || "b", 1 && "c", null ?? "d", 0 ?? "e", "" || null, "x" && 0);

// expect: b c d 0 null 0
