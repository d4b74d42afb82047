// String positions (includes, startsWith, endsWith, lastIndexOf), String.fromCodePoint,
// Math.clz32 and imul, toExponential, copyWithin and toSpliced, against node.
const s = "Hello, kitwork world";
console.log(s.includes("o", 5), s.includes("H", 1), s.startsWith("kit", 7), s.endsWith("kit", 10), s.lastIndexOf("o", 10), s.lastIndexOf("o"), s.lastIndexOf("o", -5), s.lastIndexOf(""), s.lastIndexOf("", 3), s.indexOf("o", 100));
console.log("abc".endsWith("c", 99), "abc".startsWith("", 3), "é€😀x".includes("x", 4), "é€😀x".lastIndexOf("😀"), String.fromCodePoint(65, 0x1F600, 0x20AC));
try { String.fromCodePoint(-1) } catch (e) { console.log(e.name, e.message) }
try { String.fromCodePoint(1.5) } catch (e) { console.log(e.name) }
console.log(Math.clz32(1), Math.clz32(0), Math.clz32(-1), Math.clz32(0.5), Math.imul(3, 4), Math.imul(0xffffffff, 5), Math.imul(2**31, 2));
console.log((123.456).toExponential(), (123.456).toExponential(2), (0).toExponential(), (0).toExponential(2), (-1.5).toExponential(0), (2.5).toExponential(0), (9.99).toExponential(1), (1e21).toExponential(), (1.25e-7).toExponential(1), (NaN).toExponential(200), (Infinity).toExponential(), (77).toExponential(20));
try { (1).toExponential(101) } catch (e) { console.log(e.name) }
console.log([1,2,3,4,5].copyWithin(0, 3), [1,2,3,4,5].copyWithin(-2, 0, 2), [1,2,3,4,5].copyWithin(1, 3, 4), [1,2,3].copyWithin(5, 0));
const a = [1,2,3,4]; console.log(a.toSpliced(1, 2, "x"), a.toSpliced(1), a.toSpliced(), a.toSpliced(-1, 0, 9, 8), a);
console.log(Array.prototype.copyWithin.length, Array.prototype.toSpliced.length);

console.log((2.5).toPrecision(1), (0.000123).toPrecision(2), (123.456).toPrecision(4), (123456).toPrecision(2), (-1.005).toPrecision(3), (1e21).toPrecision(3), (0.5).toPrecision(1), (99.99).toPrecision(3), (1.45).toPrecision(2), (0).toPrecision(3), (12).toPrecision(2), (1234.5).toPrecision(6), (0.00000123).toPrecision(2));
console.log((123.456).toPrecision(3), (1.5).toPrecision(1), (-0).toPrecision(2), (9.5).toPrecision(1), (0.05).toPrecision(1), (1e-7).toPrecision(1), (25).toPrecision(1))

// expect: true false true true 4 16 -1 20 3 -1
// expect: true true true 2 A😀€
// expect: RangeError Invalid code point -1
// expect: RangeError
// expect: 31 32 0 32 12 -5 0
// expect: 1.23456e+2 1.23e+2 0e+0 0.00e+0 -2e+0 3e+0 1.0e+1 1e+21 1.2e-7 NaN Infinity 7.70000000000000000000e+1
// expect: RangeError
// expect: [ 4, 5, 3, 4, 5 ] [ 1, 2, 3, 1, 2 ] [ 1, 4, 3, 4, 5 ] [ 1, 2, 3 ]
// expect: [ 1, 'x', 4 ] [ 1 ] [ 1, 2, 3, 4 ] [ 1, 2, 3, 9, 8, 4 ] [ 1, 2, 3, 4 ]
// expect: 2 2
// expect: 3 0.00012 123.5 1.2e+5 -1.00 1.00e+21 0.5 100 1.4 0.00 12 1234.50 0.0000012
// expect: 123 2 0.0 1e+1 0.05 1e-7 3e+1
