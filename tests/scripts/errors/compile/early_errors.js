// Early errors strict code has: each statement below is refused at compile
// time, none runs.
const a = -2 ** 2;
const b = x ?? y || z;
const c = x && y ?? z;
delete a;
eval++;
[...rest,] = [];
({ ...rest, b } = {});
({ eval = 0 } = {});
for (let [k, k] of []) {}
for (const k of []) { var k; }
try {} catch (e) { let e; }
class C { static constructor = 1; }
class F { static { return; } }
class D { static { const await = 1; } }
class E { static { arguments; } }
const fine = (-2) ** 2 + ((x ?? y) || z);
// expect error: 3:14: a unary operator before `**` needs parentheses (`(-x) ** 2` or `-(x ** 2)`)
// expect error: 4:13: `??` cannot be mixed with `||` or `&&` without parentheses
// expect error: 5:18: `??` cannot be mixed with `||` or `&&` without parentheses
// expect error: 6:1: a variable cannot be deleted (strict code)
// expect error: 7:1: `eval` cannot be assigned to (strict code)
// expect error: 8:5: a rest element cannot be followed by a comma
// expect error: 9:7: a rest property must be last
// expect error: 10:4: `eval` cannot be assigned in strict code
// expect error: 11:14: identifier `k` has already been declared
// expect error: 12:27: identifier `k` has already been declared
// expect error: 13:24: identifier `e` has already been declared
// expect error: 14:11: a class field cannot be named `constructor` or `prototype`
// expect error: 15:20: `return` is not allowed in a class static block
// expect error: 16:26: `await` cannot be a name in a class static block
// expect error: 17:20: `arguments` is not allowed in a class field initializer or static block
