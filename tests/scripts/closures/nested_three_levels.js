function a() {
  let x = 1;
  return function b() {
    let y = 2;
    return function c() { x++; return x + y; };
  };
}
const c = a()();
console.log(c(), c());

// expect: 4 5
