const A = () => {};
new A();
// expect runtime error: TypeError: A is not a constructor
