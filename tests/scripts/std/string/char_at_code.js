const s = "AbC";
console.log(s.charAt(1), s.charAt(9), JSON.stringify(s.charAt(-1)), s.charCodeAt(0), s.charCodeAt(5), s.codePointAt(1));
console.log("😀".codePointAt(0), "😀".charCodeAt(0), "😀".codePointAt(1));

// expect: b  "" 65 NaN 98
// expect: 128512 55357 56832
