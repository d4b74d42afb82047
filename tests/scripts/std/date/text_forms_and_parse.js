// toUTCString / toDateString / toTimeString, and Date.parse of what they
// print and of the HTTP dates of RFC 7231 (the three forms).
const d = new Date(Date.UTC(2024, 1, 29, 13, 5, 9));
console.log(d.toUTCString(), "|", d.toDateString(), "|", d.toTimeString());
for (const s of ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", d.toString(), d.toUTCString(), "Thu Feb 29 2024 13:05:09 GMT+0100", "2024-02-29T13:05:09Z", "nonsense", "Nov 2024"]) console.log(JSON.stringify(s), Date.parse(s));
console.log(new Date(-62198755200000).toUTCString(), new Date(NaN).toUTCString(), d[Symbol.toPrimitive]("number"), d[Symbol.toPrimitive]("default"));

// expect: Thu, 29 Feb 2024 13:05:09 GMT | Thu Feb 29 2024 | 13:05:09 GMT+0000 (Coordinated Universal Time)
// expect: "Sun, 06 Nov 1994 08:49:37 GMT" 784111777000
// expect: "Sunday, 06-Nov-94 08:49:37 GMT" 784111777000
// expect: "Sun Nov  6 08:49:37 1994" 784111777000
// expect: "Thu Feb 29 2024 13:05:09 GMT+0000 (Coordinated Universal Time)" 1709211909000
// expect: "Thu, 29 Feb 2024 13:05:09 GMT" 1709211909000
// expect: "Thu Feb 29 2024 13:05:09 GMT+0100" 1709208309000
// expect: "2024-02-29T13:05:09Z" 1709211909000
// expect: "nonsense" NaN
// expect: "Nov 2024" 1730419200000
// expect: Fri, 01 Jan -0001 00:00:00 GMT Invalid Date 1709211909000 Thu Feb 29 2024 13:05:09 GMT+0000 (Coordinated Universal Time)
