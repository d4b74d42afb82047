const s = "añ😀";
console.log(s.length, s.slice(1, 2), s.charCodeAt(1), s.toUpperCase());

// expect: 4 ñ 241 AÑ😀
