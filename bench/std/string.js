// split / join / replaceAll on a 1 MB string, repeated.
const words = [];
for (let i = 0; i < 100000; i++) words.push("word" + (i % 1000));
const text = words.join(" ");
let check = 0;
for (let r = 0; r < 5; r++) {
  const parts = text.split(" ");
  const joined = parts.join(",");
  const replaced = joined.replaceAll("word", "w");
  check += parts.length + joined.length + replaced.length;
}
console.log(text.length, check);
