// Anonymous functions and classes take the name they are bound to: in
// declarations, assignments, defaults (also in patterns) and properties.
var cls = class {};
let withStatic = class { static m() {} };
const named = class N {};
var [fn = function () {}, gen = function* () {}, arrow = () => {}, k = class {}] = [];
const { o = function () {} } = {};
let later;
later = class {};
const obj = { method: function () {}, arrowProp: () => {}, klass: class {} };
function params(p = () => {}) { return p.name; }
console.log(cls.name, withStatic.name, named.name, fn.name, gen.name, arrow.name, k.name, o.name, later.name);
console.log(obj.method.name, obj.arrowProp.name, obj.klass.name, params());

// expect: cls withStatic N fn gen arrow k o later
// expect: method arrowProp klass p
