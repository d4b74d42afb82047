const ds = ["2024-03-01", "2023-12-31", "2024-01-15"].map(s => new Date(s));
ds.sort((a, b) => a - b);
console.log(ds.map(d => d.toISOString().slice(0, 10)), ds[0] < ds[1], Math.max(...ds) === ds[2].getTime());

// expect: [ '2023-12-31', '2024-01-15', '2024-03-01' ] true true
