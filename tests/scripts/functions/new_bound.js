"use strict";
// new on a bound function constructs its target with the bound arguments
// first; instanceof a bound function asks its target; against node.
function Point(x, y) { this.x = x; this.y = y; }
const At1 = Point.bind(null, 1);
const p = new At1(2);
console.log(p, p instanceof Point, p instanceof At1, Object.getPrototypeOf(p) === Point.prototype);
class A { constructor(a, b) { this.sum = a + b; } }
const B = A.bind(null, 10);
console.log(new B(5).sum, new (B.bind(null, 1))().sum);
try { new ((() => 1).bind(null))() } catch (e) { console.log(e.constructor.name) }
const C = Date.bind(null, 0); console.log(new C().getTime());

// expect: Point { x: 1, y: 2 } true true true
// expect: 15 11
// expect: TypeError
// expect: 0
