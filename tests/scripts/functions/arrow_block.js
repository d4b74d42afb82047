const f = (n) => {
  let s = 0;
  for (let i = 1; i <= n; i++) s += i;
  return s;
};
console.log(f(10));

// expect: 55
