
console.log(-(-3), +"7", !0, !"", typeof -"x", void 0, void "anything");

// expect: 3 7 true true number undefined undefined
