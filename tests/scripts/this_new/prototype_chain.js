function Animal(name) { this.name = name; }
Animal.prototype.speak = function () { return this.name + " makes a sound"; };
function Dog(name) { Animal.call(this, name); }
Dog.prototype = Object.create(Animal.prototype);
Dog.prototype.bark = function () { return this.name + " barks"; };
const d = new Dog("rex");
console.log(d.speak(), d.bark(), d instanceof Dog, d instanceof Animal);

// expect: rex makes a sound rex barks true true
