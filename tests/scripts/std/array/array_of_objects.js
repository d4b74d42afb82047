const users = [{ name: "ann", age: 31 }, { name: "bob", age: 25 }, { name: "cy", age: 40 }];
const names = users.filter(u => u.age > 26).map(u => u.name.toUpperCase());
const avg = users.reduce((s, u) => s + u.age, 0) / users.length;
console.log(names, avg, users.some(u => u.name === "bob"), users.findIndex(u => u.age === 40));

// expect: [ 'ANN', 'CY' ] 32 true 2
