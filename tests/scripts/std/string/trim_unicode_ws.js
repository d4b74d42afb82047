console.log(JSON.stringify("\u00a0 x \u2003".trim()), JSON.stringify("\n\r\tx".trimStart()));

// expect: "x" "x"
