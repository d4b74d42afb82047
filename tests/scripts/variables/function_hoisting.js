console.log(later(2));
function later(n) { return n * 10; }
{
  console.log(inner());
  function inner() { return "hoisted in block"; }
}

// expect: 20
// expect: hoisted in block
