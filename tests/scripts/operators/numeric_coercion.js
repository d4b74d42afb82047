
console.log("6" * "2", "10" / 4, "5" - 2, +"", +" 42 ", +"abc", -"3", +true, +null, +undefined, +[], +[5]);

// expect: 12 2.5 3 0 42 NaN -3 1 0 NaN 0 5
