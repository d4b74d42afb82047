switch (1) {
  case 1: { const v = "scoped"; console.log(v); break; }
}
switch (2) { case 2: let w = 5; console.log(w); }

// expect: scoped
// expect: 5
