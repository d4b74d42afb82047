// DataView: both byte orders, every type, bounds.
const view = new DataView(new ArrayBuffer(16), 0);
view.setInt16(0, -2);
view.setUint16(2, 0x1234, true);
view.setInt32(4, -123456789);
view.setFloat32(8, 1.5, true);
view.setUint8(12, 255);
view.setInt8(13, -1);
console.log(view.getInt16(0), view.getUint16(0), view.getUint16(2, true), view.getUint16(2));
console.log(view.getInt32(4), view.getUint32(4), view.getInt32(4, true));
console.log(view.getFloat32(8, true), view.getUint8(12), view.getInt8(12), view.getInt8(13));
view.setFloat64(0, Math.PI);
console.log(view.getFloat64(0), view.getFloat64(0, true) === Math.PI, new Uint8Array(view.buffer, 0, 8));
const part = new DataView(view.buffer, 4, 4);
console.log(part.byteOffset, part.byteLength, part.getUint8(0) === view.getUint8(4));
for (const bad of [() => view.getUint32(13), () => part.getUint8(4), () => new DataView(new ArrayBuffer(2), 3), () => new DataView({})]) {
  try {
    bad();
  } catch (e) {
    console.log(e.name);
  }
}
const copy = view.buffer.slice(8, 12);
console.log(copy.byteLength, new Uint8Array(copy), ArrayBuffer.isView(view), ArrayBuffer.isView(copy));

// expect: -2 65534 4660 13330
// expect: -123456789 4171510507 -349002504
// expect: 1.5 255 -1 -1
// expect: 3.141592653589793 false Uint8Array(8) [
// expect:   64,  9, 33, 251,
// expect:   84, 68, 45,  24
// expect: ]
// expect: 4 4 true
// expect: RangeError
// expect: RangeError
// expect: RangeError
// expect: TypeError
// expect: 4 Uint8Array(4) [ 0, 0, 192, 63 ] true false
