const prices = { apple: 1.2, pear: 0.8, fig: 2 };
const doubled = Object.fromEntries(Object.entries(prices).map(([k, v]) => [k, v * 2]));
const cheap = Object.keys(prices).filter(k => prices[k] < 1.5);
console.log(doubled, cheap, Object.values(prices).reduce((a, b) => a + b).toFixed(2));

// expect: { apple: 2.4, pear: 1.6, fig: 4 } [ 'apple', 'pear' ] 4.00
