// JSON.stringify / JSON.parse on a ~1 KB and a ~100 KB object, repeated.
function record(i) {
  return { id: i, name: "user" + i, email: `user${i}@example.com`, active: i % 2 === 0, score: i * 1.5, tags: ["a", "b", "c"] };
}
const small = { users: [record(1), record(2), record(3), record(4), record(5), record(6), record(7)] };
const big = { users: [] };
for (let i = 0; i < 900; i++) big.users.push(record(i));
let check = 0;
for (let r = 0; r < 2000; r++) check += JSON.parse(JSON.stringify(small)).users.length;
for (let r = 0; r < 20; r++) check += JSON.parse(JSON.stringify(big)).users.length;
console.log(check, JSON.stringify(small).length, JSON.stringify(big).length);
