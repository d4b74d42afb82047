// Validating 100,000 e-mail addresses with one pattern, then rewriting a
// 600 KB log with groups ($3/$2/$1) and with a replacer function.
const emails = [];
for (let i = 0; i < 100000; i++) {
  emails.push(i % 7 === 0 ? `user${i}@bad` : `user.${i}+tag@example${i % 13}.com`);
}
const valid = /^[\w.+-]+@[\w-]+(\.[\w-]+)*\.[a-z]{2,}$/i;
let ok = 0;
for (const e of emails) if (valid.test(e)) ok++;
const log = [];
for (let i = 0; i < 20000; i++) {
  log.push(`2024-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")} event ${i}`);
}
const text = log.join("\n");
const swapped = text.replace(/(\d{4})-(\d{2})-(\d{2})/g, "$3/$2/$1");
const renamed = text.replace(/event (\d+)/g, (m, n) => "e" + n * 2);
console.log(ok, swapped.length, renamed.length, swapped.slice(0, 24));
