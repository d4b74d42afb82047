undeclaredThing = 5;
// expect runtime error: ReferenceError: undeclaredThing is not defined
