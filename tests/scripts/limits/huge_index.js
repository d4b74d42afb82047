// An index or a length far past the elements makes the array sparse
// rather than filling the gap (which would take 64 GiB); the memory
// budget never sees it.
const a = [];
a[4294967294] = 1;
console.log(a.length, a[4294967294], Object.keys(a));
const b = [1, 2];
b.length = 4294967295;
b.push();
console.log(b.length, b[1], b.indexOf(2), b.lastIndexOf(2, 10));
try {
  b.length = 4294967296;
} catch (e) {
  console.log(e.name);
}
b.length = 1;
console.log(b);

// expect: 4294967295 1 [ '4294967294' ]
// expect: 4294967295 2 1 1
// expect: RangeError
// expect: [ 1 ]
