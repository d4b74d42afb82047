const items = ["a", "b"];
console.log(`list: ${items.map(x => `<${x}>`).join(`${","}`)}`);

// expect: list: <a>,<b>
