function pair() {
  let v = 0;
  return [() => v++, () => v];
}
const [inc, get] = pair();
inc(); inc(); inc();
console.log(get());

// expect: 3
