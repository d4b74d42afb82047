const a = new Date("2024-01-01T00:00:00Z"), b = new Date("2024-01-02T12:00:00Z");
console.log(b - a, (b - a) / 3600000, a < b, new Date(a.getTime() + 86400000).toISOString());

// expect: 129600000 36 true 2024-01-02T00:00:00.000Z
