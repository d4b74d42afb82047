console.log(String(new Date(0)), new Date("2024-12-25T18:30:00Z").toString());

// expect: Thu Jan 01 1970 00:00:00 GMT+0000 (Coordinated Universal Time) Wed Dec 25 2024 18:30:00 GMT+0000 (Coordinated Universal Time)
