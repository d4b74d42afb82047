console.log(JSON.stringify(["\u00ff", "\u0000", "\u001b", "tab\t"]), JSON.stringify("\u2028").length);

// expect: ["ÿ","\u0000","\u001b","tab\t"] 3
