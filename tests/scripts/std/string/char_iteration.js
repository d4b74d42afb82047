let count = 0;
for (const c of "a😀b") count++;
console.log(count, "a😀b".length, Array.from("a😀b").length, "a😀b".split("").length);

// split("") yields characters, not UTF-16 halves of "😀" (docs/LANGUAGE.md).
// expect: 3 4 3 3
