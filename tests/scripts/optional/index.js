const arr = null, list = [10, 20];
console.log(arr?.[0], list?.[1]);

// expect: undefined 20
