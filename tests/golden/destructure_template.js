const { id, tags: [first = "none"] } = { id: 7, tags: [] };
console.log(`#${id}: ${first}`);
