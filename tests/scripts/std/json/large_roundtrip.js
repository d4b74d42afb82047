const rows = [];
for (let i = 0; i < 500; i++) rows.push({ id: i, name: "user" + i, tags: ["t" + (i % 5)], score: i / 7 });
const text = JSON.stringify(rows);
const back = JSON.parse(text);
console.log(text.length, back.length, back[499].name, back[123].tags[0], JSON.stringify(back) === text);

// expect: 32973 500 user499 t3 true
