
console.log(true, false, !true, !!0, !!"", !!"a", !![], !!{});

// expect: true false false false false true true true
