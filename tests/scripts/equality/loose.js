
console.log(1 == "1", 0 == "", 0 == "0", "" == "0", null == 0, undefined == null, false == "0", true == 1, [1] == 1, "1,2" == [1, 2]);

// expect: true true true false false true true true true true
