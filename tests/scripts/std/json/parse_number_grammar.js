// A fraction and an exponent each need at least one digit; no leading zeros.
for (const t of ["1.", "1e", "1e+", "-", "01", "1.5e-3", "2E+10"]) {
  try { console.log(t, JSON.parse(t)); } catch (e) { console.log(t, e.message); }
}

// expect: 1. Unexpected end of JSON input at line 1 column 3
// expect: 1e Unexpected end of JSON input at line 1 column 3
// expect: 1e+ Unexpected end of JSON input at line 1 column 4
// expect: - Unexpected end of JSON input at line 1 column 2
// expect: 01 Unexpected token '1' in JSON at line 1 column 2
// expect: 1.5e-3 0.0015
// expect: 2E+10 20000000000
