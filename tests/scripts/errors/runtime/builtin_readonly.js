Math.PI = 3;
// expect runtime error: TypeError: cannot modify a built-in object
