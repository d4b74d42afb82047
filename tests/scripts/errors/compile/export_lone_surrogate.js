// A module's export names are well-formed Unicode: a string name may not
// spell half of a surrogate pair (a whole pair is fine).
function pair() {}
export { pair as "\uD83D\uDE00" };
export { pair as "\uD83D" };
// expect error: 5:18: a module's export name may not hold a lone surrogate
