const composed = "\u00e9", decomposed = "e\u0301";
console.log(composed === decomposed, composed.normalize() === decomposed.normalize(), decomposed.normalize("NFC").length, composed.normalize("NFD").length);

// expect: false true 1 2
