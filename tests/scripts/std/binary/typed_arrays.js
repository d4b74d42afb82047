// Typed arrays: conversions on store, views sharing a buffer, methods.
const u8 = new Uint8Array([1, 2, 300, -1, 1.9]);
console.log(u8, u8.length, u8.byteLength);
const i8 = new Int8Array([127, 128, -129]);
const u16 = new Uint16Array([65535, 65536, -1]);
const i32 = new Int32Array([2 ** 31, -(2 ** 31) - 1, 3.7]);
const u32 = new Uint32Array([-1, 2 ** 32 + 5]);
const f32 = new Float32Array([0.1, 1e40, NaN]);
const f64 = new Float64Array([0.1, -0, Infinity]);
const clamped = new Uint8ClampedArray([-5, 0.5, 1.5, 2.5, 254.5, 999, NaN]);
console.log(i8, u16, i32, u32);
console.log(f32, f64, clamped);

const buf = new ArrayBuffer(8);
const bytes = new Uint8Array(buf);
const words = new Uint16Array(buf, 2, 2);
words[0] = 0xabcd;
words[1] = 0x1234;
console.log(bytes, words.byteOffset, words.buffer === buf, buf.byteLength);
console.log(bytes.subarray(2, 6), bytes.slice(2, 4).buffer === buf);

const a = Float64Array.from([5, 1, 4, 2, 3]);
console.log(a.toSorted(), a.toReversed(), a.with(0, 9), a);
a.sort((x, y) => y - x);
console.log(a, a.map((x) => x * 10), a.filter((x) => x % 2), a.reduce((s, x) => s + x, 0));
console.log(a.indexOf(4), a.lastIndexOf(4), a.includes(NaN), new Float64Array([NaN]).includes(NaN));
console.log(a.join("|"), String(a), a.at(-1), [...a.entries()].slice(0, 2), [...a.keys()]);
console.log(a.find((x) => x < 3), a.findIndex((x) => x < 3), a.findLast((x) => x > 3), a.some((x) => x > 4), a.every((x) => x > 0));
const filled = new Int16Array(5).fill(7, 1, 3);
filled.set([1, 2], 3);
filled.copyWithin(0, 3);
console.log(filled, Array.from(filled), JSON.stringify(filled), Object.keys(new Uint8Array(2)));
for (const bad of [() => new Uint8Array(-1), () => new Uint16Array(new ArrayBuffer(3)), () => new Uint32Array(new ArrayBuffer(8), 2), () => Uint8Array(2)]) {
  try {
    bad();
  } catch (e) {
    console.log(e.name);
  }
}
console.log(Object.getPrototypeOf(Int8Array).name, Uint8Array.BYTES_PER_ELEMENT, Float64Array.BYTES_PER_ELEMENT, u8 instanceof Object.getPrototypeOf(Int8Array));
console.log(Object.prototype.toString.call(f64), f64[Symbol.toStringTag], 5 in u8, 9 in u8, u8[9]);

// expect: Uint8Array(5) [ 1, 2, 44, 255, 1 ] 5 5
// expect: Int8Array(3) [ 127, -128, 127 ] Uint16Array(3) [ 65535, 0, 65535 ] Int32Array(3) [ -2147483648, 2147483647, 3 ] Uint32Array(2) [ 4294967295, 5 ]
// expect: Float32Array(3) [ 0.10000000149011612, Infinity, NaN ] Float64Array(3) [ 0.1, -0, Infinity ] Uint8ClampedArray(7) [
// expect:     0,   0, 2, 2,
// expect:   254, 255, 0
// expect: ]
// expect: Uint8Array(8) [
// expect:    0,  0, 205, 171,
// expect:   52, 18,   0,   0
// expect: ] 2 true 8
// expect: Uint8Array(4) [ 205, 171, 52, 18 ] false
// expect: Float64Array(5) [ 1, 2, 3, 4, 5 ] Float64Array(5) [ 3, 2, 4, 1, 5 ] Float64Array(5) [ 9, 1, 4, 2, 3 ] Float64Array(5) [ 5, 1, 4, 2, 3 ]
// expect: Float64Array(5) [ 5, 4, 3, 2, 1 ] Float64Array(5) [ 50, 40, 30, 20, 10 ] Float64Array(3) [ 5, 3, 1 ] 15
// expect: 1 1 false true
// expect: 5|4|3|2|1 5,4,3,2,1 1 [ [ 0, 5 ], [ 1, 4 ] ] [ 0, 1, 2, 3, 4 ]
// expect: 2 3 4 true true
// expect: Int16Array(5) [ 1, 2, 7, 1, 2 ] [ 1, 2, 7, 1, 2 ] {"0":1,"1":2,"2":7,"3":1,"4":2} [ '0', '1' ]
// expect: RangeError
// expect: RangeError
// expect: RangeError
// expect: TypeError
// expect: TypedArray 1 8 true
// expect: [object Float64Array] Float64Array false false undefined
