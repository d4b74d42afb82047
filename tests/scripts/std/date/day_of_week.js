console.log(["2024-01-01", "2000-02-29", "1969-12-31", "2038-01-19"].map(s => new Date(s).getUTCDay()));

// expect: [ 1, 2, 3, 2 ]
