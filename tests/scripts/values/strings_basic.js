const s = "héllo";
console.log(s, s.length, s[0], s[1], 'it\'s', "tab\tend", "a\u0041\u{1F600}");
console.log("😀".length, "abc"[5]);

// expect: héllo 5 h é it's tab	end aA😀
// expect: 2 undefined
