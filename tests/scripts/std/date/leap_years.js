for (const y of [1900, 2000, 2023, 2024]) console.log(y, new Date(Date.UTC(y, 1, 29)).getUTCMonth() === 1);

// expect: 1900 false
// expect: 2000 true
// expect: 2023 false
// expect: 2024 true
