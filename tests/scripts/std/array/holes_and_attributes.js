"use strict";
// Sparse arrays: holes, elements with attributes of their own or
// accessors, a read-only length, lengths far past the elements.
const holey = [1, , 3];
console.log(holey, holey.length, 1 in holey, Object.keys(holey));
console.log(holey.indexOf(undefined), holey.includes(undefined), holey.map((x) => x * 2));
let visits = 0;
holey.forEach(() => visits++);
console.log(visits, JSON.stringify(holey), holey.join("-"), String(holey));

const deleted = ["a", "b", "c"];
delete deleted[1];
console.log(deleted, deleted.hasOwnProperty(1), deleted.length);
deleted.length = 1;
console.log(deleted, deleted.length);

const guarded = [10, 20, 30];
Object.defineProperty(guarded, "1", { get() { return 99; }, enumerable: true, configurable: true });
console.log(guarded, guarded[1], guarded.slice(0, 2), guarded.indexOf(99), guarded.reduce((a, b) => a + b));
const fixed = [1, 2, 3];
Object.defineProperty(fixed, "0", { value: 7, writable: false });
try {
  fixed[0] = 8;
} catch (e) {
  console.log(e.name);
}
console.log(fixed, Object.getOwnPropertyDescriptor(fixed, "0"));
const pinned = [1, 2, 3];
Object.defineProperty(pinned, "1", { configurable: false });
try {
  pinned.length = 0;
} catch (e) {
  console.log(e.name);
}
console.log(pinned.length, pinned);

const frozenLength = [1, 2];
Object.defineProperty(frozenLength, "length", { writable: false });
for (const change of [() => frozenLength.push(3), () => { frozenLength[5] = 1; }, () => { frozenLength.length = 0; }]) {
  try {
    change();
  } catch (e) {
    console.log(e.name);
  }
}
console.log(frozenLength, Object.getOwnPropertyDescriptor(frozenLength, "length"));

const far = [];
far[4294967294] = "last";
console.log(far.length, far[4294967294], Object.keys(far));
const grown = [1, 2];
grown.length = 5;
console.log(grown.length, grown.concat([, 9]).length, [0, , 2].concat([, 4]));

Array.prototype[0] = "inherited";
console.log([, 1][0], [][0], 0 in [, 2]);
delete Array.prototype[0];

const sortMe = [3, , 1, undefined, 2];
sortMe.sort();
console.log(sortMe, 4 in sortMe, sortMe.length);
console.log([5, , 1].reverse(), [, 1, 2].lastIndexOf(2, -1), [1, , 1].lastIndexOf(1), [, "x"].fill("y"));
console.log(Array.isArray(holey), Object.prototype.toString.call(holey), [, 1].copyWithin(1, 0));

// expect: [ 1, <1 empty item>, 3 ] 3 false [ '0', '2' ]
// expect: -1 true [ 2, <1 empty item>, 6 ]
// expect: 2 [1,null,3] 1--3 1,,3
// expect: [ 'a', <1 empty item>, 'c' ] false 3
// expect: [ 'a' ] 1
// expect: [ 10, [Getter], 30 ] 99 [ 10, 99 ] 1 139
// expect: TypeError
// expect: [ 7, 2, 3 ] { value: 7, writable: false, enumerable: true, configurable: true }
// expect: TypeError
// expect: 2 [ 1, 2 ]
// expect: TypeError
// expect: TypeError
// expect: TypeError
// expect: [ 1, 2 ] { value: 2, writable: false, enumerable: false, configurable: false }
// expect: 4294967295 last [ '4294967294' ]
// expect: 5 7 [ 0, <1 empty item>, 2, <1 empty item>, 4 ]
// expect: inherited inherited true
// expect: [ 1, 2, 3, undefined, <1 empty item> ] false 5
// expect: [ 1, <1 empty item>, 5 ] 2 2 [ 'y', 'y' ]
// expect: true [object Array] [ <2 empty items> ]
