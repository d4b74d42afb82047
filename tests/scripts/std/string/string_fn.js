console.log(String(1), String(null), String(undefined), String(true), String([1, [2, 3]]), String({}), String(-0), String(1e21), String(), String("s"));

// expect: 1 null undefined true 1,2,3 [object Object] 0 1e+21  s
