console.log("5".padStart(3, "0"), "abc".padEnd(6, "-"), "abc".padStart(2), "x".padStart(5, "ab"), "x".padEnd(4), JSON.stringify("7".padStart(3)));

// expect: 005 abc--- abc ababx x    "  7"
