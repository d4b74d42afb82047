console.log(Date.UTC(2020, 0, 1), Date.UTC(2020, 11, 31, 23, 59, 59, 999), new Date(Date.UTC(99, 1)).toISOString(), new Date(2021, 5, 15).getTime() > 0);

// expect: 1577836800000 1609459199999 1999-02-01T00:00:00.000Z true
