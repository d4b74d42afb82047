const d = new Date("2023-07-04T05:06:07.008Z");
console.log(JSON.stringify({ d }), d.toJSON(), d);

// expect: {"d":"2023-07-04T05:06:07.008Z"} 2023-07-04T05:06:07.008Z 2023-07-04T05:06:07.008Z
