console.log(Object());

// expect: {}
