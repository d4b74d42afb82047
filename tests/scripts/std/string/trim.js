const s = "  \t padded \n ";
console.log(JSON.stringify(s.trim()), JSON.stringify(s.trimStart()), JSON.stringify(s.trimEnd()));

// expect: "padded" "padded \n " "  \t padded"
