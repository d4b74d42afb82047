const list = ["a", "b", "c", "d"];
list.splice(1, 1);
list.splice(2, 0, "x", "y");
list.splice(-1, 1, "z");
console.log(list, list.length);

// expect: [ 'a', 'c', 'x', 'y', 'z' ] 5
