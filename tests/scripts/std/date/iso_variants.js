console.log(new Date("2024-01-15").toISOString(), new Date("2024-01-15T10:00:00+02:00").toISOString(), new Date("2024-03").toISOString(), Date.parse("2000-01-01T00:00:00Z"));
console.log(isNaN(new Date("not a date").getTime()), String(new Date("garbage")));

// expect: 2024-01-15T00:00:00.000Z 2024-01-15T08:00:00.000Z 2024-03-01T00:00:00.000Z 946684800000
// expect: true Invalid Date
