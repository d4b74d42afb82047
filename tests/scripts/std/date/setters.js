// The Date setters (UTC; Kitwork's local time is UTC), against node.
const d = new Date(Date.UTC(2024, 0, 31, 10, 20, 30, 400));
console.log(d.setUTCHours(5), d.toISOString());
console.log(d.setUTCMinutes(70, 5), d.toISOString());
console.log(d.setUTCMonth(1), d.toISOString());
console.log(d.setUTCDate(0), d.toISOString());
console.log(d.setUTCFullYear(2000, 11, 31), d.toISOString());
console.log(d.setUTCSeconds(61, 1500), d.toISOString());
console.log(d.setUTCMilliseconds(-1), d.toISOString());
console.log(d.setTime(0), d.toISOString(), d.setTime(8.64e15 + 1), String(d));
const bad = new Date(NaN); console.log(bad.setUTCHours(1), bad.setUTCFullYear(2020), bad.toISOString());
console.log(new Date(0).setUTCHours(), Date.UTC(99, 0), Date.UTC(2024, 1, 30));

// expect: 1706678430400 2024-01-31T05:20:30.400Z
// expect: 1706681405400 2024-01-31T06:10:05.400Z
// expect: 1709359805400 2024-03-02T06:10:05.400Z
// expect: 1709187005400 2024-02-29T06:10:05.400Z
// expect: 978243005400 2000-12-31T06:10:05.400Z
// expect: 978243062500 2000-12-31T06:11:02.500Z
// expect: 978243061999 2000-12-31T06:11:01.999Z
// expect: 0 1970-01-01T00:00:00.000Z NaN Invalid Date
// expect: NaN 1577836800000 2020-01-01T00:00:00.000Z
// expect: NaN 915148800000 1709251200000
