console.log(new Date("0001-01-01T00:00:00Z").toISOString(), new Date(8.64e15).toISOString(), new Date(-8.64e15).toISOString(), new Date(8.64e15 + 1).getTime());

// expect: 0001-01-01T00:00:00.000Z +275760-09-13T00:00:00.000Z -271821-04-20T00:00:00.000Z NaN
