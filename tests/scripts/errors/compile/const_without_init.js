const x;
// expect error: 1:7: missing initializer in `const` declaration
