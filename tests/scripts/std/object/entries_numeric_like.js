const o = { x: 1 };
o["y"] = 2;
o.z = 3;
for (const [k, v] of Object.entries(o)) console.log(k, v);

// expect: x 1
// expect: y 2
// expect: z 3
