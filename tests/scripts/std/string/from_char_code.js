console.log(String.fromCharCode(72, 105), String.fromCharCode(), String.fromCharCode(0x263A));

// expect: Hi  ☺
