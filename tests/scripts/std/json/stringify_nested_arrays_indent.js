console.log(JSON.stringify({ matrix: [[1, 2], [3, 4]], meta: { rows: 2 } }, null, 2));

// expect: {
// expect:   "matrix": [
// expect:     [
// expect:       1,
// expect:       2
// expect:     ],
// expect:     [
// expect:       3,
// expect:       4
// expect:     ]
// expect:   ],
// expect:   "meta": {
// expect:     "rows": 2
// expect:   }
// expect: }
