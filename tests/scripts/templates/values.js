
console.log(`${null} ${undefined} ${true} ${[1, 2]} ${{}} ${1.5}`);

// expect: null undefined true 1,2 [object Object] 1.5
