function Point(x, y) { this.x = x; this.y = y; }
Point.prototype.len = function () { return Math.sqrt(this.x ** 2 + this.y ** 2); };
const p = new Point(3, 4);
console.log(p.len(), p instanceof Point, p.constructor === Point, p);

// expect: 5 true true Point { x: 3, y: 4 }
