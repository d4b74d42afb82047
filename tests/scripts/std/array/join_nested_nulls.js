console.log([1, [2, [3, null]], undefined].join(), [[], [[]]].join("-"), String([null]), String([undefined, undefined]));

// expect: 1,2,3,, -  ,
