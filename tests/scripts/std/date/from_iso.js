const d = new Date("2024-02-29T13:45:30.123Z");
console.log(d.getTime(), d.toISOString(), d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds(), d.getUTCDay());

// expect: 1709214330123 2024-02-29T13:45:30.123Z 2024 1 29 13 45 30 123 4
