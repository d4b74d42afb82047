// Pattern syntax: classes, escapes, quantifiers, groups, backreferences,
// lookarounds, Unicode, case folding, and the web forms outside u mode.
const show = (re, s) => {
  const m = re.exec(s);
  console.log(String(re), m ? JSON.stringify([...m]) : null);
};
show(/[\w.+-]+@[\w-]+\.[\w.]+/, "mail: jane.doe+x@mail.example.com!");
show(/^\s*(\S+)\s*$/, "  trimmed  ");
show(/(a|ab)(c|bcd)(d*)/, "abcd");
show(/a[^]b/, "a\nb");
show(/a.b/s, "a\nb");
show(/^b$/m, "a\nb\nc");
show(/(\w+)\s\1/, "hello hello world");
show(/(?<q>["']).*?\k<q>/, `say 'hi' "there"`);
show(/(?<=\$)\d+(?:\.\d\d)?/, "price: $42.50");
show(/(?<!\$)\b\d+\b/, "$10 and 20");
show(/\d+(?=px)/, "width: 100px");
show(/\d+(?!px|\d)/, "100px 200em");
show(/x{2,3}?/, "xxxx");
show(/(?:ab){2,}/, "abababx");
show(/\bcolou?r\b/i, "COLOR and colour");
show(/\u{1F600}+/u, "hi 😀😀!");
show(/^.{3}$/u, "a😀b");
show(/\p{Lu}\p{Ll}+/u, "hello World");
show(/\p{Script=Cyrillic}+/u, "abc привет");
show(/[^\p{L}\s]+/u, "héllo wörld 42");
show(/ſ/iu, "S");
show(/ſ/i, "S");
show(/[a-z]/i, "Q");
show(/\x41\u0042\103/, "zABC");
show(/a{/, "a{");
show(/]/, "x]");
show(/[\d-]+/, "tel 555-1234");
show(/(a)|(b)/, "b");
show(/((a)|b)+/, "ab");
show(/(z)((a+)?(b+)?(c))*/, "zaacbbbcac");

// expect: /[\w.+-]+@[\w-]+\.[\w.]+/ ["jane.doe+x@mail.example.com"]
// expect: /^\s*(\S+)\s*$/ ["  trimmed  ","trimmed"]
// expect: /(a|ab)(c|bcd)(d*)/ ["abcd","a","bcd",""]
// expect: /a[^]b/ ["a\nb"]
// expect: /a.b/s ["a\nb"]
// expect: /^b$/m ["b"]
// expect: /(\w+)\s\1/ ["hello hello","hello"]
// expect: /(?<q>["']).*?\k<q>/ ["'hi'","'"]
// expect: /(?<=\$)\d+(?:\.\d\d)?/ ["42.50"]
// expect: /(?<!\$)\b\d+\b/ ["20"]
// expect: /\d+(?=px)/ ["100"]
// expect: /\d+(?!px|\d)/ ["200"]
// expect: /x{2,3}?/ ["xx"]
// expect: /(?:ab){2,}/ ["ababab"]
// expect: /\bcolou?r\b/i ["COLOR"]
// expect: /\u{1F600}+/u ["😀😀"]
// expect: /^.{3}$/u ["a😀b"]
// expect: /\p{Lu}\p{Ll}+/u ["World"]
// expect: /\p{Script=Cyrillic}+/u ["привет"]
// expect: /[^\p{L}\s]+/u ["42"]
// expect: /ſ/iu ["S"]
// expect: /ſ/i null
// expect: /[a-z]/i ["Q"]
// expect: /\x41\u0042\103/ ["ABC"]
// expect: /a{/ ["a{"]
// expect: /]/ ["]"]
// expect: /[\d-]+/ ["555-1234"]
// expect: /(a)|(b)/ ["b",null,"b"]
// expect: /((a)|b)+/ ["ab","b",null]
// expect: /(z)((a+)?(b+)?(c))*/ ["zaacbbbcac","z","ac","a",null,"c"]
