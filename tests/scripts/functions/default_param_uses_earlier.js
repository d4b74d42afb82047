function range(start, end = start + 3, step = 1) {
  const out = [];
  for (let i = start; i < end; i += step) out.push(i);
  return out;
}
console.log(range(1), range(0, 10, 3));

// expect: [ 1, 2, 3 ] [ 0, 3, 6, 9 ]
