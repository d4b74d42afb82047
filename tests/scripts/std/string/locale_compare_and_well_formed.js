// localeCompare by the root collation; every string here is well formed.
const words = ["zebra", "Äpfel", "apple", "Zoo", "éclair", "eclair", "b", "B", "a10", "a9"];
console.log([...words].sort((x, y) => x.localeCompare(y)).join(" "));
console.log("a".localeCompare("B"), "ä".localeCompare("z"), "resume".localeCompare("résumé"), "x".localeCompare("x"));
console.log("abc".isWellFormed(), "a😀".isWellFormed(), "a😀".toWellFormed(), String.prototype.isWellFormed.call(42));
try {
  String.prototype.toWellFormed.call(null);
} catch (e) {
  console.log(e.name);
}

// expect: a10 a9 Äpfel apple b B eclair éclair zebra Zoo
// expect: -1 -1 -1 0
// expect: true true a😀 true
// expect: TypeError
